; tests/vmm/nonvirt_jru.s: the kernel starts its user program with jru (our
; PDP-10 JRST 1). The user program computes, then tries a privileged
; instruction. Bare, that traps (PRIV) and the kernel halts with the cause:
; 2. Under trap-and-emulate with --nonvirt=jru (or pdp10) jru is a plain
; jump: the user program runs in virtual supervisor mode, its out is
; emulated and it powers the machine off itself: halt 42.
; The hybrid VMM interprets the kernel, jru included, and runs the user
; program natively: it stays equivalent under pdp10 (Theorem 3).
	la r1, vector
	mtsr tvec, r1
	mtsr base, r0
	li r1, 0x2000
	mtsr limit, r1
	la r1, user
	jru r1
vector:
	mfsr r1, cause
	out PORT_POWER, r1

	.org 0x1000
user:
	li r2, 0
	li r3, 50
1:	add r2, r2, r3          ; some work, natively under the hybrid VMM
	addi r3, r3, -1
	bnez r3, 1b
	li r1, 42
	out PORT_POWER, r1      ; privileged: only the kernel may do this
