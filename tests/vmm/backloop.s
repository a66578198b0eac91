; tests/vmm/backloop.s: a loop in a small user window, run in one long
; cpu_run. Regression: the dispatch loop's clamp to the window's end was
; not renewed after a backward branch, so the bare machine raised BOUNDS in
; the middle of the window (halt 4) where stepping gave the right answer:
; the system call (halt 1).
	la r1, vector
	mtsr tvec, r1
	li r1, 0x1000
	mtsr base, r1
	li r1, 0x40             ; a user window of 16 words
	mtsr limit, r1
	mtsr epc, r0
	mtsr epsw, r0
	rfe
vector:
	mfsr r1, cause
	out PORT_POWER, r1

	.org 0x1000
	li r4, 100
1:	addi r4, r4, -1
	bnez r4, 1b
	sys 0
