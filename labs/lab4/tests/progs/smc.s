; labs/lab4/tests/progs/smc.s: self-modifying kernel code. `bump` runs,
; then the kernel overwrites one of its instructions and runs it again:
; first an innocuous word with another, then an innocuous word with a
; sensitive one. A translation of the old code must not run again.
; Halts 0, or the number of the failed check.
	.text
_start:
	li	r1, 0
	call	bump			; r1 = 1
	li	r9, 1			; check 1: the new addi runs
	la	r3, slot
	ldw	r4, new_addi(zero)
	stw	r4, 0(r3)
	call	bump			; r1 = 1 + 10
	cmpi	r1, 11
	bne	fail
	li	r9, 2			; check 2: the new getpsw runs (and reads S)
	la	r3, slot
	ldw	r4, new_getpsw(zero)
	stw	r4, 0(r3)
	call	bump			; r1 = the psw
	andi	r1, r1, PSW_S
	beqz	r1, fail
	li	r9, 0
fail:
	out	PORT_POWER, r9

bump:
slot:
	addi	r1, r1, 1		; overwritten
	ret

	.data
	.align	4
new_addi:
	addi	r1, r1, 10
new_getpsw:
	getpsw	r1
