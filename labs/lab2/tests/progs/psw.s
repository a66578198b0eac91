; labs/lab2/tests/progs/psw.s: getpsw and setpsw in supervisor mode. The
; guest must see its own (virtual) mode: supervisor, although under a VMM it
; really runs in user mode. Halts 0, or the number of the failed check.
	.text
_start:
	li	r9, 1			; check 1: supervisor mode, interrupts off
	getpsw	r1
	andi	r1, r1, PSW_S | PSW_IE
	cmpi	r1, PSW_S
	bne	fail
	li	r9, 2			; check 2: setpsw sets the flags, getpsw reads them back
	li	r1, PSW_S | PSW_Z | PSW_C
	setpsw	r1
	getpsw	r2
	bne	r1, r2, fail		; (bne reads Z: set it again for the test below)
	li	r1, PSW_S | PSW_Z
	setpsw	r1
	bne	fail			; Z is set: not taken
	li	r9, 3			; check 3: the flags set by cmp show in getpsw
	li	r1, 1
	cmpi	r1, 2			; 1 < 2: N and C
	getpsw	r2
	andi	r2, r2, PSW_N | PSW_C | PSW_Z
	cmpi	r2, PSW_N | PSW_C
	bne	fail
	li	r9, 0
fail:
	out	PORT_POWER, r9
