; tests/vmm/nonvirt_getpsw.s: the guest kernel asks which mode it is in.
; Bare it is told supervisor and halts 1. Under trap-and-emulate with
; --nonvirt=getpsw (nonvirt a, like x86's SMSW and PUSHF) getpsw does not
; trap: the deprivileged kernel reads the real psw, sees user mode, halts 0.
	getpsw r1
	andi r1, r1, PSW_S
	out PORT_POWER, r1
