; labs/lab4/hidden/progs/chained.s: a block reached by a chained exit is
; rewritten: the next jump through the chain must run the new code. The
; loop runs `target` twenty times (the chain is made), then rewrites it
; and runs it again. Halts 0, or the number of the failed check.
	.text
_start:
	li	r1, 0
	li	r2, 20
1:	b	target
back:
	addi	r2, r2, -1
	bnez	r2, 1b
	li	r9, 1			; check 1: twenty times 1
	cmpi	r1, 20
	bne	fail
	la	r3, target
	ldw	r4, new_word(zero)
	stw	r4, 0(r3)
	li	r2, 1
	li	r9, 2			; check 2: the new word adds 100
	b	target
fail:
	out	PORT_POWER, r9
target:
	addi	r1, r1, 1		; rewritten
	cmpi	r9, 2
	bne	back
	cmpi	r1, 120
	bne	fail
	li	r9, 0
	b	fail

	.data
	.align	4
new_word:
	addi	r1, r1, 100
