; labs/lab2/tests/progs/wfi.s: wfi waits for the timer. With interrupts off,
; wfi completes when the timer's line is raised; time has passed: rdcyc has
; moved on by at least the wait. Then the timer interrupt, enabled, is
; taken at once. Halts 0, or the number of the failed check.
	.text
_start:
	la	r1, vector
	mtsr	tvec, r1
	li	r9, 1			; check 1: wfi waits for the timer's line
	li	r1, 500
	mtsr	timer, r1
	wfi
	mfsr	r2, ipend
	andi	r2, r2, 1
	beqz	r2, fail
	li	r9, 2			; check 2: enabling interrupts takes it at once
	li	r10, 0
	li	r1, PSW_S | PSW_IE
	setpsw	r1
	nop
	li	r9, 3
	beqz	r10, fail		; the vector ran
	li	r9, 0
fail:
	out	PORT_POWER, r9

vector:
	mfsr	r1, cause
	cmpi	r1, CAUSE_TIMER
	bne	fail
	li	r10, 1
	mtsr	timer, zero		; acknowledges the interrupt
	mfsr	r1, epsw
	andi	r1, r1, ~PSW_IE & 0xffff	; return with interrupts off
	mtsr	epsw, r1
	rfe
