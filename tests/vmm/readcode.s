; tests/vmm/readcode.s: a kernel that reads its own code. It asks for the
; psw, then loads that very instruction's word and halts with its opcode.
; Bare, and under any monitor that leaves guest memory as the guest wrote
; it (bt included): getpsw's opcode 0x66, halt 102. Under patch with
; --nonvirt=getpsw the monitor rewrote the word to trap before it ran: the
; kernel reads the patch, opcode 0xFF, halt 255: a trace of the monitor.
probe:	getpsw r2
	ldw r1, probe(zero)
	shri r1, r1, 24
	out PORT_POWER, r1
