; tests/badinput/bad_register.s: there are sixteen registers.
	add r1, r2, r16
