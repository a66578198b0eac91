; tests/vmm/netecho.s: netecho, the card driven through its ports.
	.include "netecho.inc"
	.include "netport.inc"
