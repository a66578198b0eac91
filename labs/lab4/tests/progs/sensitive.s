; labs/lab4/tests/progs/sensitive.s: a kernel that runs every sensitive
; instruction the nonvirt flag can take the trap from, in supervisor mode,
; and checks each result against the bare machine's. Under trap-and-emulate
; with --nonvirt they do not trap and give the real machine away; a
; translator replaces each by a callout before it ever runs, so they give
; the virtual machine's answer. Halts 0, or the number of the failed check.
	.text
_start:
	la	r1, vector
	mtsr	tvec, r1
	li	r9, 1			; check 1: getpsw reads supervisor mode
	getpsw	r1
	andi	r1, r1, PSW_S
	beqz	r1, fail
	li	r9, 2			; check 2: setpsw sets IE (getpsw reads it back)
	li	r1, PSW_S | PSW_IE
	setpsw	r1
	getpsw	r2
	andi	r2, r2, PSW_IE
	beqz	r2, fail
	li	r1, PSW_S
	setpsw	r1
	li	r9, 3			; check 3: getbase reads the base mtsr wrote
	li	r2, 0x2000
	mtsr	base, r2
	getbase	r1
	bne	r1, r2, fail
	mtsr	base, zero
	li	r9, 4			; check 4: rfe enters user mode (mfsr then traps)
	li	r1, 0x10000
	mtsr	limit, r1
	la	r10, back4
	la	r1, user4
	mtsr	epc, r1
	mtsr	epsw, zero
	rfe
user4:
	mfsr	r1, scratch		; user mode: traps to vector, which goes to r10
	b	fail
back4:
	li	r9, 5			; check 5: jru enters user mode
	la	r10, back5
	la	r1, user5
	jru	r1
user5:
	mfsr	r1, scratch
	b	fail
back5:
	li	r9, 0
fail:
	out	PORT_POWER, r9

; A trap: it must be PRIV from user mode; go back to the test at r10.
vector:
	mfsr	r1, cause
	cmpi	r1, CAUSE_PRIV
	bne	fail
	mfsr	r1, epsw
	andi	r1, r1, PSW_S
	bnez	r1, fail
	jr	r10
