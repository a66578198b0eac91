; tests/vmm/latency.s: the guest reads the clock. Under a monitor the clock
; has run on while the monitor worked (the mtsr was emulated): the values
; differ, and so does everything computed from them. Popek and Goldberg
; permit exactly this difference: temporal latency.
	li r1, 0x40
	mtsr scratch, r1
	rdcyc r2
	out PORT_POWER, r2
