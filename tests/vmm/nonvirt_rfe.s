; tests/vmm/nonvirt_rfe.s: the kernel returns to its user program with rfe.
; Bare, the user program runs in user mode at virtual 0 (physical 0x1000),
; makes a system call, and the kernel halts with the cause: 1. Under
; trap-and-emulate with --nonvirt=rfe (nonvirt d, like x86's IRET to the
; same ring) rfe jumps to epc without leaving supervisor mode: virtual 0 is
; the kernel's own reset code, which runs again, for ever.
	la r1, vector
	mtsr tvec, r1
	li r1, 0x1000
	mtsr base, r1
	li r1, 0x100
	mtsr limit, r1
	mtsr epc, r0            ; user virtual 0
	mtsr epsw, r0           ; user mode, interrupts off
	rfe
vector:
	mfsr r1, cause
	out PORT_POWER, r1

	.org 0x1000
user:
	sys 0
