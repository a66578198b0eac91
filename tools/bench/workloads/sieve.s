; tools/bench/workloads/sieve.s: the sieve of Eratosthenes, a compute-bound benchmark.
; Counts the primes below N, REPS times over; the total ends in r11 and the
; machine halts with code 0. tools/bench/workloads/sieve.c is the same algorithm in C.
; The loops walk pointers, as a C compiler at -O2 would write them.
.equ N, 262144
.equ REPS, 50

_start:
	li	r10, REPS
	li	r11, 0
	la	r1, flags
	li	r2, N
	add	r9, r1, r2		; r9: the end of the flags
rep:
	mov	r3, r1			; every number starts as a candidate
	li	r4, 1
.clear:
	stb	r4, 0(r3)
	addi	r3, r3, 1
	blt	r3, r9, .clear
	li	r3, 2
.outer:
	mul	r5, r3, r3		; cross out from i*i
	bge	r5, r2, .count
	add	r6, r1, r3
	ldbu	r7, 0(r6)
	beqz	r7, .next
	add	r6, r1, r5
.inner:
	stb	r0, 0(r6)
	add	r6, r6, r3
	blt	r6, r9, .inner
.next:
	addi	r3, r3, 1
	jmp	.outer
.count:
	addi	r3, r1, 2
	li	r8, 0
.cnt:
	ldbu	r7, 0(r3)
	add	r8, r8, r7
	addi	r3, r3, 1
	blt	r3, r9, .cnt
	add	r11, r11, r8
	addi	r10, r10, -1
	bnez	r10, rep
	out	PORT_POWER, r0

.data
flags:	.space	N
