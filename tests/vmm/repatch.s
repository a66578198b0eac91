; tests/vmm/repatch.s: a kernel that rewrites a sensitive instruction of its
; own, over and over. Under code patching with --nonvirt, each rewrite is
; found at the next exit (the sys), the word scanned and patched again: in
; a machine of 4 KiB, three thousand patches of one word. The kernel then
; halts with the flags getpsw read (bare: the same).
	la r1, vector
	mtsr tvec, r1
	la r2, target
	la r6, original
	ldw r3, 0(r6)           ; the instruction at target, as assembled
	li r5, 3000
loop:
	stw r3, 0(r2)           ; rewrite target with the very same instruction
	sys 0                   ; an exit: the monitor looks for rewritten code
	b target
target:
	getpsw r4
	addi r5, r5, -1
	bnez r5, loop
	out PORT_POWER, r5

vector:
	rfe

	.data
original:
	getpsw r4
