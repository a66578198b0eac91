; labs/lab2/tests/progs/faults.s: every trap a user program can cause goes
; to its kernel's vector, as on the hardware: cause, detail and epc as the
; table `expect` says. The vector skips each faulting instruction (a sys,
; brk or hcall has already retired: its epc is the next one) and goes on.
; Halts 0, or 10 + the number of the trap that arrived wrong.
	.equ	UBASE, 0x4000
	.equ	ULIMIT, 0x1000
	.text
_start:
	la	r1, vector
	mtsr	tvec, r1
	li	r1, UBASE
	mtsr	base, r1
	li	r1, ULIMIT
	mtsr	limit, r1
	mtsr	epc, zero
	mtsr	epsw, zero		; user mode, interrupts off
	li	r10, 0			; r10: traps so far
	rfe

vector:
	muli	r4, r10, 12
	la	r5, expect
	add	r4, r4, r5		; r4: this trap's row
	addi	r9, r10, 10		; the check's number
	addi	r10, r10, 1
	mfsr	r1, cause
	ldw	r2, 0(r4)
	bne	r1, r2, fail
	mfsr	r1, detail
	ldw	r2, 4(r4)
	bne	r1, r2, fail
	mfsr	r1, epc
	ldw	r2, 8(r4)
	bne	r1, r2, fail
	mfsr	r2, epsw		; from user mode
	andi	r2, r2, PSW_S
	bnez	r2, fail
	mfsr	r2, cause
	cmpi	r2, CAUSE_SYSCALL
	beq	done
	cmpi	r2, CAUSE_BREAKPOINT
	beq	1f
	cmpi	r2, CAUSE_HYPERCALL
	beq	1f
	addi	r1, r1, 4		; a fault: skip the instruction
	mtsr	epc, r1
1:	rfe
done:
	li	r9, 0
fail:
	out	PORT_POWER, r9

	.data
	.align	4
expect:				; cause, detail, epc (user virtual)
	.word	CAUSE_PRIV, 0x60100003, 0	; mfsr r1, cause
	.word	CAUSE_BOUNDS, 0x2000, 4		; ldw past the limit
	.word	CAUSE_MISALIGNED, 0x2, 8	; ldw at 2
	.word	CAUSE_DIVZERO, 0x0a110000, 12	; div r1, r1, r0
	.word	CAUSE_BREAKPOINT, 7, 20		; brk 7 (epc: the next one)
	.word	CAUSE_ILLEGAL, 0xff000000, 20
	.word	CAUSE_HYPERCALL, 5, 28		; hcall 5
	.word	CAUSE_SYSCALL, 99, 32		; sys 99: the end

	.text
	.org	UBASE
user:
	mfsr	r1, cause		; 0: privileged
	ldw	r1, 0x2000(zero)	; 4: past the limit
	ldw	r1, 2(zero)		; 8: misaligned
	div	r1, r1, zero		; 12: division by zero
	brk	7			; 16
	.word	0xff000000		; 20: no such instruction
	hcall	5			; 24
	sys	99			; 28
	b	user
