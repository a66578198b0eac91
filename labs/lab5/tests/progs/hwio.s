; labs/lab5/tests/progs/hwio.s: a kernel that uses the console, waits once,
; and runs a hundred privileged instructions that only touch its own state.
; Under hardware assist only the port accesses (6) and the wfi (1) exit: the
; processor runs mfsr, mtsr and getpsw in guest mode on the guest's own
; state. Under trap-and-emulate every one of them exits. Halts 0, or the
; number of the failed check.
	.text
_start:
	li	r1, 'h'
	out	PORT_CON_DATA, r1	; exit 1 (port CON_DATA)
	li	r1, 'w'
	out	PORT_CON_DATA, r1	; exit 2
	li	r1, 10
	out	PORT_CON_DATA, r1	; exit 3
	in	r2, PORT_CON_STATUS	; exit 4 (port CON_STATUS)
	in	r2, PORT_CON_STATUS	; exit 5
	li	r9, 1			; check 1: output ready
	andi	r2, r2, 2
	beqz	r2, fail
	li	r1, 25
1:	mtsr	scratch, r1		; fifty times mtsr and mfsr, no exit
	mfsr	r3, scratch
	getpsw	r4
	addi	r1, r1, -1
	bnez	r1, 1b
	li	r9, 2			; check 2: the last round read back 1
	cmpi	r3, 1
	bne	fail
	li	r1, 200
	mtsr	timer, r1
	wfi				; exit 6: the monitor lets time pass
	mtsr	timer, zero
	li	r9, 0
fail:
	out	PORT_POWER, r9		; exit 7 (port POWER)
