; tests/vmm/spin.s: a guest kernel that turns interrupts off, arms the timer
; and spins for ever. Nothing can take the machine back from it but the
; monitor's step limit: that is where it ends.
	li r1, 100
	mtsr timer, r1
1:	b 1b
