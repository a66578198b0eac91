; labs/lab4/tests/progs/loop.s: kernel code that loops: the same few blocks
; run thousands of times. A translator worth its cache translates each once
; and, after the first time round, goes from block to block by chained
; exits. Every hundredth round reads the psw (a sensitive instruction: a
; callout). Halts 0, or the number of the failed check.
	.text
_start:
	li	r1, 0			; r1: the sum
	li	r2, 3000		; rounds
	li	r5, 0
loop:
	add	r1, r1, r2
	andi	r3, r2, 0x3f
	bnez	r3, 1f
	getpsw	r4			; every 64th round
	addi	r5, r5, 1
1:	addi	r2, r2, -1
	bnez	r2, loop
	li	r9, 1			; check 1: the sum of 1..3000
	li	r3, 4501500
	bne	r1, r3, fail
	li	r9, 2			; check 2: the psw read 46 times, supervisor mode
	cmpi	r5, 46
	bne	fail
	andi	r4, r4, PSW_S
	beqz	r4, fail
	li	r9, 0
fail:
	out	PORT_POWER, r9
