; labs/lab5/hidden/progs/setpsw.s: a kernel that masks and unmasks
; interrupts forty times. The first VT-x could not shadow the interrupt
; mask: every setpsw exits (--cpu early); later processors let it run in
; guest mode (--cpu modern). Halts 0.
	.text
_start:
	li	r2, 20
1:	li	r1, PSW_S | PSW_IE
	setpsw	r1
	li	r1, PSW_S
	setpsw	r1
	addi	r2, r2, -1
	bnez	r2, 1b
	li	r9, 0
	out	PORT_POWER, r9
