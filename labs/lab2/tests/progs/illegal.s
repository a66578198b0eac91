; labs/lab2/tests/progs/illegal.s: a special register that does not exist,
; and one that cannot be written: both trap ILLEGAL (detail: the word, epc:
; the instruction itself), on the hardware and so in a VM.
; Halts 0, or the number of the failed check.
	.text
_start:
	la	r1, vector
	mtsr	tvec, r1
	li	r9, 1			; check 1: mfsr of register 65535 traps ILLEGAL
	la	r10, part2
no_such:
	.word	0x6010ffff		; mfsr r1, 65535: there is no such special register
	b	fail			; not reached
part2:
	li	r9, 2			; check 2: mtsr to memsize (read only) traps ILLEGAL
	la	r10, done
read_only:
	.word	0x61010009		; mtsr memsize, r1
	b	fail
done:
	li	r9, 0
fail:
	out	PORT_POWER, r9

; Every trap comes here: it must be ILLEGAL, at the instruction before r10,
; with the instruction word as its detail; then go on at r10.
vector:
	mfsr	r1, cause
	cmpi	r1, CAUSE_ILLEGAL
	bne	fail
	mfsr	r1, epc
	addi	r2, r10, -8		; the .word, one b before r10
	bne	r1, r2, fail
	ldw	r3, 0(r2)
	mfsr	r1, detail
	bne	r1, r3, fail
	jr	r10
