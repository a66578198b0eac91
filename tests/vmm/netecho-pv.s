; tests/vmm/netecho-pv.s: netecho, the card driven through the pv ring.
	.include "netecho.inc"
	.include "netpv.inc"
