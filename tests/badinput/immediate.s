; tests/badinput/immediate.s: an immediate that does not fit 16 signed bits.
	addi r1, r0, 70000
