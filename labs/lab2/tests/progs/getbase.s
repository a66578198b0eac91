; labs/lab2/tests/progs/getbase.s: getbase reads the relocation base the
; kernel set: on the bare machine, and so in a VM, whatever the VMM really
; relocates the guest by. Halts 0, or the number of the failed check.
	.text
_start:
	li	r9, 1			; check 1: 0 at reset
	getbase	r1
	bnez	r1, fail
	li	r9, 2			; check 2: what mtsr base wrote
	li	r1, 0x8000
	mtsr	base, r1
	getbase	r2
	bne	r1, r2, fail
	li	r9, 0
fail:
	out	PORT_POWER, r9
