; tests/vmm/netclient.s: netclient, the card driven through its ports.
	.include "netclient.inc"
	.include "netport.inc"
