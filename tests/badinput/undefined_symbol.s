; tests/badinput/undefined_symbol.s: a call to a function never written.
	call printf
