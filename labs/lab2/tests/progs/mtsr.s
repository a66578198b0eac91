; labs/lab2/tests/progs/mtsr.s: mtsr and mfsr round trips, every writable
; special register. base and limit keep only whole words (the low two bits
; read back as 0). Halts 0, or the number of the failed check.
	.text
_start:
	li	r9, 1			; check 1: tvec, epc, epsw, cause, detail, scratch keep a value
	li	r1, 0x1234
	mtsr	tvec, r1
	mfsr	r2, tvec
	bne	r1, r2, fail
	li	r1, 0x5678
	mtsr	epc, r1
	mfsr	r2, epc
	bne	r1, r2, fail
	li	r1, 0x41
	mtsr	epsw, r1
	mfsr	r2, epsw
	bne	r1, r2, fail
	li	r1, 7
	mtsr	cause, r1
	mfsr	r2, cause
	bne	r1, r2, fail
	li	r1, 0xdeadbeef
	mtsr	detail, r1
	mfsr	r2, detail
	bne	r1, r2, fail
	li	r1, 0xc0ffee
	mtsr	scratch, r1
	mfsr	r2, scratch
	bne	r1, r2, fail
	li	r9, 2			; check 2: base and limit drop the low two bits
	li	r1, 0x20003
	mtsr	base, r1
	mfsr	r2, base
	li	r3, 0x20000
	bne	r2, r3, fail
	li	r1, 0x1006
	mtsr	limit, r1
	mfsr	r2, limit
	li	r3, 0x1004
	bne	r2, r3, fail
	li	r9, 3			; check 3: the timer counts down as instructions retire
	li	r1, 1000
	mtsr	timer, r1
	nop
	nop
	mfsr	r2, timer
	bgeu	r2, r1, fail
	beqz	r2, fail
	mtsr	timer, zero
	li	r9, 0
fail:
	out	PORT_POWER, r9
