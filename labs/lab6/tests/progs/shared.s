; labs/lab6/tests/progs/shared.s: one page table in two address spaces.
; Directories A and B both name the same table, as two processes sharing
; a region (or a kernel's tables shared by every process) would. The
; monitor shadows each directory separately, so two shadow tables are
; built from the one guest table; a write to it must reach both, whichever
; space is running when it is made.
;   phases 1, 2: A, then B, loads 0x1000 (both shadows hold F1 for it)
;   phase 3: the kernel maps 0x1000 to F2; A loads it, then phase 4: B does
;   phase 5: B's user code maps it to F3 itself (the table is mapped
;            writable at 0x5000), then phase 6: A loads it
;   phase 7: the kernel unmaps it; B's load faults, then phase 8: A's
;
; Halts 0, or: 1 an unexpected trap; 2 a page fault where none should be;
; 10 + N phase N loaded the wrong value.

	.include "pager.inc"
	.equ	PDA, 0x10000
	.equ	PDB, 0x11000
	.equ	PT, 0x12000
	.equ	F1, 0x13000
	.equ	F2, 0x14000
	.equ	F3, 0x15000

	.text
_start:
	la	r8, vector
	mtsr	tvec, r8
	set_word F1, 0xf1
	set_word F2, 0xf2
	set_word F3, 0xf3
	set_word PDA, PT | V
	set_word PDB, PT | V
	map_code PT, 0x0000, user
	map	PT, 0x1000, F1 | V | U | W
	map	PT, 0x5000, PT | V | U | W
	li	r10, 1			; the phase
	b	run

; run: phase r10 in space A (odd phases) or B (even ones).
run:
	andi	r8, r10, 1
	beqz	r8, 1f
	li	r8, PDA | PTB_P
	b	2f
1:	li	r8, PDB | PTB_P
2:	mtsr	ptb, r8
	li	r1, 0x99		; what a skipped load leaves
	li	r2, 0			; phase 5 remaps
	cmpi	r10, 5
	bne	3f
	li	r2, F3 | V | U | W
3:	enter_user 0

vector:
	on	CAUSE_SYSCALL, on_sys
	on	CAUSE_PAGEFAULT, on_fault
	fail	1
on_fault:
	cmpi	r10, 7			; only phases 7 and 8 fault
	bge	1f
	fail	2
1:	skip

on_sys:
	la	r8, want - 4
	shli	r9, r10, 2
	add	r8, r8, r9
	ldw	r9, 0(r8)
	cmp	r1, r9
	beq	1f
	addi	r8, r10, 10
	out	PORT_POWER, r8
1:	cmpi	r10, 2
	bne	2f
	map	PT, 0x1000, F2 | V | U | W	; after phase 2
2:	cmpi	r10, 6
	bne	3f
	map	PT, 0x1000, 0			; after phase 6
3:	addi	r10, r10, 1
	cmpi	r10, 9
	blt	run
	li	r8, 0
	out	PORT_POWER, r8

want:	.word	0xf1, 0xf1, 0xf2, 0xf2, 0xf3, 0xf3, 0x99, 0x99

	.align	4096
user:
	beqz	r2, 1f
	stw	r2, 0x5004(r0)		; phase 5: map 0x1000 to F3
1:	ldw	r1, 0x1000(r0)
	sys	0
