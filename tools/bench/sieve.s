; tools/bench/sieve.s: the sieve of Eratosthenes, a compute-bound benchmark.
; Counts the primes below N, REPS times over; the total ends in r11 and the
; machine halts with code 0. tools/bench/sieve.c is the same algorithm in C.
.equ N, 262144
.equ REPS, 50

_start:
	li	r10, REPS
	li	r11, 0
	la	r1, flags
	li	r2, N
rep:
	li	r3, 0			; every number starts as a candidate
	li	r4, 1
.clear:
	add	r5, r1, r3
	stb	r4, 0(r5)
	addi	r3, r3, 1
	blt	r3, r2, .clear
	li	r3, 2
.outer:
	mul	r5, r3, r3		; cross out from i*i
	bge	r5, r2, .count
	add	r6, r1, r3
	ldbu	r7, 0(r6)
	beqz	r7, .next
.inner:
	add	r6, r1, r5
	stb	r0, 0(r6)
	add	r5, r5, r3
	blt	r5, r2, .inner
.next:
	addi	r3, r3, 1
	jmp	.outer
.count:
	li	r3, 2
	li	r8, 0
.cnt:
	add	r6, r1, r3
	ldbu	r7, 0(r6)
	add	r8, r8, r7
	addi	r3, r3, 1
	blt	r3, r2, .cnt
	add	r11, r11, r8
	addi	r10, r10, -1
	bnez	r10, rep
	out	PORT_POWER, r0

.data
flags:	.space	N
