; labs/lab2/tests/progs/timer.s: the timer interrupt waits while interrupts
; are off, is taken as soon as they are on, and interrupts a user program.
; Halts 0, or the number of the failed check.
	.equ	UBASE, 0x4000
	.equ	ULIMIT, 0x100
	.text
_start:
	la	r1, vector
	mtsr	tvec, r1
	li	r10, 0			; r10: interrupts taken
	li	r1, 50
	mtsr	timer, r1
	li	r2, 100			; 200 instructions with interrupts off
1:	addi	r2, r2, -1
	bnez	r2, 1b
	li	r9, 1			; check 1: none taken with interrupts off
	bnez	r10, fail
	li	r9, 2			; check 2: but the timer's line is raised
	mfsr	r1, ipend
	andi	r1, r1, 1
	beqz	r1, fail
	li	r9, 3			; check 3: taken right after setpsw turns IE on
	li	r1, PSW_S | PSW_IE
	setpsw	r1
here:
	nop
	cmpi	r10, 1
	bne	fail
	la	r1, here
	bne	r11, r1, fail		; the vector saw epc = here
	li	r9, 4			; check 4: the timer interrupts a user program
	li	r1, UBASE
	mtsr	base, r1
	li	r1, ULIMIT
	mtsr	limit, r1
	li	r1, 40
	mtsr	timer, r1
	mtsr	epc, zero
	li	r1, PSW_IE		; user mode, interrupts on
	mtsr	epsw, r1
	rfe

vector:
	mfsr	r1, cause
	cmpi	r1, CAUSE_TIMER
	bne	fail
	mtsr	timer, zero		; acknowledge
	addi	r10, r10, 1
	mfsr	r11, epc
	cmpi	r10, 2
	beq	from_user
	mfsr	r1, epsw		; back with interrupts off
	andi	r1, r1, ~PSW_IE & 0xffff
	mtsr	epsw, r1
	rfe
from_user:
	mfsr	r1, epsw		; check 4: user mode with IE, inside the loop
	cmpi	r1, PSW_IE
	bne	fail
	cmpi	r11, 8
	bgeu	fail
	li	r9, 0
fail:
	out	PORT_POWER, r9

	.org	UBASE
user:
	addi	r5, r5, 1
	b	user
