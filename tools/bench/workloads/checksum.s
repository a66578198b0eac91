; tools/bench/workloads/checksum.s: an integer checksum loop, a compute-bound benchmark.
; Fills a buffer from a linear congruential generator, then hashes it REPS
; times (FNV-style multiply-xor); the hash ends in r11 and the machine halts
; with code 0. tools/bench/workloads/checksum.c is the same algorithm in C.
.equ WORDS, 16384
.equ REPS, 1500

_start:
	la	r1, buf
	li	r2, WORDS
	li	r3, 0
	li	r4, 12345		; the generator's state
	li	r5, 1103515245
.fill:
	mul	r4, r4, r5
	addi	r4, r4, 12345
	shli	r6, r3, 2
	add	r6, r6, r1
	stw	r4, 0(r6)
	addi	r3, r3, 1
	blt	r3, r2, .fill
	li	r10, REPS
	li	r11, 0x811C9DC5		; the hash
	li	r5, 0x01000193
	shli	r2, r2, 2
	add	r2, r2, r1		; end of the buffer
rep:
	mov	r6, r1
.word_loop:
	ldw	r7, 0(r6)
	xor	r11, r11, r7
	mul	r11, r11, r5
	addi	r6, r6, 4
	blt	r6, r2, .word_loop
	addi	r10, r10, -1
	bnez	r10, rep
	out	PORT_POWER, r0

.data
buf:	.space	WORDS * 4
