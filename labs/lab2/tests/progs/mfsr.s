; labs/lab2/tests/progs/mfsr.s: mfsr in supervisor mode, at reset.
; The hardware resets every writable special register to 0; memsize is the
; size of the memory the guest was given, nothing pending in ipend. A VMM
; must show the guest exactly this. Halts 0, or the number of the failed check.
	.text
_start:
	li	r9, 1			; check 1: memsize = 1 MiB (the guest's memory)
	mfsr	r1, memsize
	li	r2, 0x100000
	bne	r1, r2, fail
	li	r9, 2			; check 2: tvec, epc, base, limit, timer are 0
	mfsr	r2, tvec
	bnez	r2, fail
	mfsr	r2, epc
	bnez	r2, fail
	mfsr	r2, base
	bnez	r2, fail
	mfsr	r2, limit
	bnez	r2, fail
	mfsr	r2, timer
	bnez	r2, fail
	li	r9, 3			; check 3: no interrupt is pending
	mfsr	r3, ipend
	bnez	r3, fail
	li	r9, 0
fail:
	out	PORT_POWER, r9
