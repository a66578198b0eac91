; tests/vmm/nonvirt_getbase.s: the kernel reads back the relocation base it
; set. Bare it reads 0x100: halt 0. Under trap-and-emulate with
; --nonvirt=getbase (nonvirt c, like x86's SGDT) getbase reads the real base
; register, the VM's region in real memory: halt 1.
	li r1, 0x100
	mtsr base, r1
	getbase r2
	li r3, 0
	cmp r1, r2
	beq 1f
	li r3, 1
1:	out PORT_POWER, r3
