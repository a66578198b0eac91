; labs/lab2/hidden/progs/coninput.s: console input by interrupt. The test
; queues "abc"; the program enables the console's interrupt and waits in
; wfi; each interrupt takes one byte and echoes it in upper case.
; Halts 0, or the number of the failed check.
	.text
_start:
	la	r1, vector
	mtsr	tvec, r1
	li	r10, 0			; r10: bytes taken
	li	r1, 1
	out	PORT_CON_CTRL, r1
	li	r1, PSW_S | PSW_IE
	setpsw	r1
1:	cmpi	r10, 3
	bge	2f
	wfi
	b	1b
2:	li	r1, PSW_S
	setpsw	r1
	li	r9, 1			; check 1: the line is down once the queue is empty
	mfsr	r1, ipend
	bnez	r1, fail
	li	r1, 10
	out	PORT_CON_DATA, r1
	li	r9, 0
fail:
	out	PORT_POWER, r9

vector:
	li	r9, 2			; check 2: a console interrupt (DEVICE, irq 1)
	mfsr	r1, cause
	cmpi	r1, CAUSE_DEVICE
	bne	fail
	mfsr	r1, detail
	cmpi	r1, 1
	bne	fail
	in	r1, PORT_CON_DATA
	addi	r1, r1, -32
	out	PORT_CON_DATA, r1
	addi	r10, r10, 1
	rfe
