; tests/vmm/netclient-pv.s: netclient, the card driven through the pv ring.
	.include "netclient.inc"
	.include "netpv.inc"
