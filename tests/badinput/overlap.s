; tests/badinput/overlap.s: .data placed on top of .text.
	nop
	nop
.data
.org 0
	.word 1
