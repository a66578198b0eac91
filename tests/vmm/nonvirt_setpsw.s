; tests/vmm/nonvirt_setpsw.s: a kernel turns interrupts off around a
; critical section. Bare, the timer cannot interrupt it: halt 0. Under
; trap-and-emulate with --nonvirt=setpsw (nonvirt b, like x86's POPF)
; setpsw silently keeps the privileged bits: interrupts stay on, the timer
; breaks into the critical section, halt 1.
	la r1, vector
	mtsr tvec, r1
	li r1, PSW_S | PSW_IE
	mtsr epsw, r1
	la r1, on
	mtsr epc, r1
	rfe                     ; interrupts on
on:
	li r1, PSW_S
	setpsw r1               ; interrupts off: the critical section begins
	li r1, 10
	mtsr timer, r1
	li r2, 100
1:	addi r2, r2, -1
	bnez r2, 1b
	li r1, 0
	out PORT_POWER, r1      ; the section ended untouched
vector:
	li r1, 1
	out PORT_POWER, r1      ; an interrupt came in the middle of it
