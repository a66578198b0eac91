; labs/lab2/hidden/progs/r0.s: r0 is always zero: the privileged
; instructions that write a register write nothing when it is r0.
; Halts 0, or the number of the failed check.
	.text
_start:
	li	r9, 1			; check 1: mfsr r0
	li	r1, 77
	mtsr	scratch, r1
	mfsr	r0, scratch
	bnez	r0, fail
	li	r9, 2			; check 2: getpsw r0, getbase r0
	getpsw	r0
	bnez	r0, fail
	li	r1, 0x1000
	mtsr	base, r1
	getbase	r0
	bnez	r0, fail
	li	r9, 3			; check 3: in r0
	in	r0, PORT_CON_STATUS
	bnez	r0, fail
	li	r9, 0
fail:
	out	PORT_POWER, r9
