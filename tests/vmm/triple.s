; tests/vmm/triple.s: a trap vector outside memory. The first fault's
; vector faults, and its vector faults again: a triple fault stops the
; machine, bare and under every monitor, at the same trap.
	lui r1, 0x4000
	mtsr tvec, r1
	sys 1
