; labs/lab7/tests/progs/worker.s: a guest that always wants the processor:
; it computes for ever, a line every 20,000 rounds, its clock ticking every
; 50,000 instructions; its step limit ends it. Alone or beside any other
; VM it prints the same lines: its output depends on its own instructions.
	la	r1, vector
	mtsr	tvec, r1
	li	r1, 50000
	mtsr	timer, r1
	li	r1, 3
	setpsw	r1			; supervisor, interrupts on (S and IE)
	li	r8, 0			; r8: lines printed
	li	r9, 1			; r9: the generator
	li	r11, 1103515245
again:
	li	r10, 20000
1:	mul	r9, r9, r11
	addi	r9, r9, 12345
	addi	r10, r10, -1
	bnez	r10, 1b
	addi	r8, r8, 1
	; "w" and the line's number, in hex, then a newline
	li	r1, 'w'
	out	PORT_CON_DATA, r1
	li	r3, 28
2:	shr	r1, r8, r3
	andi	r1, r1, 15
	addi	r1, r1, '0'
	li	r2, '9' + 1
	bltu	r1, r2, 3f
	addi	r1, r1, 'a' - '9' - 1
3:	out	PORT_CON_DATA, r1
	addi	r3, r3, -4
	bge	r3, zero, 2b
	li	r1, '\n'
	out	PORT_CON_DATA, r1
	b	again
vector:
	; the clock: rearm it and go back
	mtsr	scratch, r1
	li	r1, 50000
	mtsr	timer, r1
	mfsr	r1, scratch
	rfe
