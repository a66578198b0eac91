; tools/bench/workloads/mig_compute.s: a compute-bound guest, for trapeze
; bench --migration. It fills a table of 512 KiB once (a linear
; congruential generator), then folds STEPS of the generator's values with
; entries of the table into r10, storing the fold in one word every 1024
; steps: busy all the time, a large memory that pre-copy sends while it
; runs, and one page it dirties. Halts with code 0.
.equ STEPS, 4000000
.equ WORDS, 131072
.equ TABLE, 0x40000

_start:
	li	r9, 1
	li	r11, 1103515245
	li	r3, TABLE
	li	r4, WORDS
.fill:
	mul	r9, r9, r11
	addi	r9, r9, 12345
	stw	r9, 0(r3)
	addi	r3, r3, 4
	addi	r4, r4, -1
	bnez	r4, .fill
	li	r8, STEPS
	li	r10, 0
	la	r12, result
	li	r13, TABLE
	li	r14, (WORDS - 1) * 4
.step:
	mul	r9, r9, r11
	addi	r9, r9, 12345
	and	r2, r9, r14
	add	r2, r2, r13
	ldw	r2, 0(r2)
	xor	r10, r10, r2
	andi	r3, r8, 1023
	bnez	r3, .next
	stw	r10, 0(r12)
.next:
	addi	r8, r8, -1
	bnez	r8, .step
	out	PORT_POWER, r0

	.data
result:
	.word	0
