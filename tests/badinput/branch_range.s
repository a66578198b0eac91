; tests/badinput/branch_range.s: a branch further than 2^23 words away.
	beq far
.data
.org 0x8000000
far:	.word 0
