; labs/lab4/hidden/progs/readcode.s: a kernel that checksums its own code
; after running it. A translator leaves guest memory as the guest wrote it
; (the translations live in the cache): the checksum is the bare machine's.
; Equivalence compares it. Halts 0.
	.text
_start:
	getpsw	r5			; sensitive: a callout, not a patch
	setpsw	r5
	la	r1, _start
	la	r2, end
	li	r3, 0
1:	ldw	r4, 0(r1)
	xor	r3, r3, r4
	shli	r4, r3, 1
	shri	r3, r3, 31
	or	r3, r3, r4
	addi	r1, r1, 4
	bltu	r1, r2, 1b
	mov	r8, r3
	li	r9, 0
	out	PORT_POWER, r9
end:
