; tests/vmm/newcode.s: a kernel that loads code while it runs. It copies a
; routine from .data (where no scanner following the code finds it) to
; fresh memory at 0x2000 and calls it through a register. The routine asks
; for the psw: bare, it sees supervisor mode and the kernel halts with 1.
;   patch --nonvirt: the call is an indirect jump, watched: the monitor
;   scans the new code before it first runs and patches its getpsw: 1.
;   bt: the new code is translated on first execution: 1.
;   trap --nonvirt=getpsw: getpsw reads the real psw, user mode: 0.
	la r1, routine
	li r2, 0x2000
	li r3, 2                ; words
1:	ldw r4, 0(r1)
	stw r4, 0(r2)
	addi r1, r1, 4
	addi r2, r2, 4
	addi r3, r3, -1
	bnez r3, 1b
	li r2, 0x2000
	jalr lr, r2
	andi r1, r1, PSW_S
	out PORT_POWER, r1

	.data
routine:
	getpsw r1
	ret
