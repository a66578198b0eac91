; labs/lab2/tests/progs/usermode.s: rfe and jru enter user mode, relocated.
; The user program at UBASE makes a system call; the vector checks what the
; trap left (epc after the sys, epsw in user mode, the sys code as detail)
; and the registers the user program set. Halts 0, or the failed check.
	.equ	UBASE, 0x4000
	.equ	ULIMIT, 0x100
	.text
_start:
	la	r1, vector
	mtsr	tvec, r1
	li	r1, UBASE
	mtsr	base, r1
	li	r1, ULIMIT
	mtsr	limit, r1
	li	r9, 1			; check 1: rfe to user mode at virtual 0
	mtsr	epc, zero
	li	r1, PSW_C		; user mode, interrupts off, C set
	mtsr	epsw, r1
	li	r10, 1			; r10: the round
	rfe
	b	fail

round2:
	li	r9, 2			; check 2: jru to user mode at virtual 0
	li	r10, 2
	jru	zero
	b	fail

vector:
	li	r9, 3			; check 3: a system call from user mode, code 42
	mfsr	r1, cause
	cmpi	r1, CAUSE_SYSCALL
	bne	fail
	mfsr	r1, detail
	cmpi	r1, 42
	bne	fail
	li	r9, 4			; check 4: epc = after the sys (virtual 8)
	mfsr	r1, epc
	cmpi	r1, 8
	bne	fail
	li	r9, 5			; check 5: epsw: user mode (S = 0)
	mfsr	r1, epsw
	andi	r1, r1, PSW_S
	bnez	r1, fail
	li	r9, 6			; check 6: the user program ran: r5 = 5 + round
	addi	r1, r10, 5
	bne	r5, r1, fail
	cmpi	r10, 1
	beq	round2
	li	r9, 0
fail:
	out	PORT_POWER, r9

	.org	UBASE
user:
	addi	r5, r10, 5		; virtual 0
	sys	42			; virtual 4
	b	user
