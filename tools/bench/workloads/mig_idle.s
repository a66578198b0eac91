; tools/bench/workloads/mig_idle.s: an idle guest, for trapeze bench --migration.
; It waits (wfi) until the timer wakes it, TICK instructions' time later,
; counts the tick in a word of its own and waits again, ROUNDS times; then
; it halts with code 0. It is busy a dozen instructions in fifty thousand:
; the pages it dirties are its counter's and nothing else.
.equ TICK, 50000
.equ ROUNDS, 4000

_start:
	la	r1, vector
	mtsr	tvec, r1
	li	r8, ROUNDS
	li	r1, TICK
	mtsr	timer, r1
	li	r1, PSW_S | PSW_IE
	setpsw	r1
.wait:
	wfi
	b	.wait

vector:
	la	r2, ticks
	ldw	r3, 0(r2)
	addi	r3, r3, 1
	stw	r3, 0(r2)
	addi	r8, r8, -1
	beqz	r8, .done
	li	r1, TICK
	mtsr	timer, r1
	rfe
.done:
	out	PORT_POWER, r0

	.data
ticks:
	.word	0
