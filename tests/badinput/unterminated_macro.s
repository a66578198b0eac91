; tests/badinput/unterminated_macro.s: a macro with no .endm.
.macro twice x
	\x
	\x
