; labs/lab2/hidden/progs/random.s: a stream of pseudo-random values through
; every writable special register, the psw's flags and getbase; a checksum
; of everything read back. Equivalence compares every register and the
; checksum with the bare machine's. Halts 0.
	.text
_start:
	li	r1, 0x1234567		; r1: the generator's state
	li	r8, 0			; r8: the checksum
	li	r7, 300			; rounds
loop:
	; xorshift: r1 ^= r1 << 13; r1 ^= r1 >> 17; r1 ^= r1 << 5
	shli	r2, r1, 13
	xor	r1, r1, r2
	shri	r2, r1, 17
	xor	r1, r1, r2
	shli	r2, r1, 5
	xor	r1, r1, r2
	mtsr	scratch, r1
	mtsr	epc, r1
	mtsr	detail, r1
	mtsr	base, r1
	mtsr	limit, r1
	mtsr	cause, r1
	mfsr	r3, scratch
	add	r8, r8, r3
	mfsr	r3, base
	xor	r8, r8, r3
	mfsr	r3, limit
	add	r8, r8, r3
	getbase	r3
	xor	r8, r8, r3
	mfsr	r3, epc
	add	r8, r8, r3
	andi	r4, r1, 0xf0		; random flags, supervisor, IE off
	ori	r4, r4, PSW_S
	setpsw	r4
	getpsw	r3
	add	r8, r8, r3
	mfsr	r3, memsize
	add	r8, r8, r3
	addi	r7, r7, -1
	bnez	r7, loop
	mtsr	base, zero
	mtsr	limit, zero
	li	r9, 0
	out	PORT_POWER, r9
