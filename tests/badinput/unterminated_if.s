; tests/badinput/unterminated_if.s: an .if with no .endif.
.if 1
	nop
