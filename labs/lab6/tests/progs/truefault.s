; labs/lab6/tests/progs/truefault.s: page faults the guest's own tables
; make. Each must reach the guest's kernel exactly as the bare machine
; raises it: cause PAGEFAULT, detail the virtual address, pfinfo the kind,
; epc the faulting instruction (or a jump's target), and only once: the
; kernel then mends its table, or skips the access. Every kind: a load of
; an absent page, a store to a read-only page (after a load made the
; shadow's entry), loads and stores of a page closed to user mode, fetches
; from an absent page and from a closed one, and an address whose
; directory entry is absent.
;
; Halts 0, or: 1 a trap that is not a page fault or sys; 9 more faults
; than expected, 71 fewer; 10 + N the Nth page fault has the wrong detail,
; 30 + N the wrong pfinfo, 50 + N the wrong epc (N from 1); 72..77 what the
; user code computed (r1..r5) and stored.

	.include "pager.inc"
	.equ	PD, 0x10000
	.equ	PT, 0x11000
	.equ	DATA, 0x12000
	.equ	RO, 0x13000
	.equ	SUP, 0x14000
	.equ	FRESH, 0x15000

	.text
_start:
	la	r8, vector
	mtsr	tvec, r8
	set_word RO, 0x300
	set_word FRESH, 0x100
	set_word PD, PT | V		; slot 1 (0x400000 up): no table
	map_code PT, 0x0000, user
	map	PT, 0x2000, RO | V | U	; read-only
	map	PT, 0x3000, SUP | V | W	; closed to user mode
	la	r8, away		; code closed to user mode (no U)
	ori	r8, r8, V
	li	r9, PT + 4 * 6
	stw	r8, 0(r9)
	li	r8, PD | PTB_P
	mtsr	ptb, r8
	li	r10, 0			; page faults so far
	enter_user 0

vector:
	on	CAUSE_PAGEFAULT, on_fault
	on	CAUSE_SYSCALL, on_sys
	fail	1

on_fault:
	fault_row expected, 16, NFAULTS
	mfsr	r8, epc
	ldw	r9, 8(r11)
	cmp	r8, r9
	beq	4f
	addi	r8, r10, 50
	out	PORT_POWER, r8
4:	ldw	r9, 12(r11)		; what to do
	jr	r9

; The faults, in order: detail, pfinfo, epc, what the kernel does.
	.equ	NFAULTS, 7
expected:
	.word	0x1000, 0, f_absent - user, do_map		; then it runs again
	.word	0x2000, PF_W | PF_P, f_ro - user, do_grant
	.word	0x3000, PF_P, f_supld - user, do_skip
	.word	0x3004, PF_W | PF_P, f_supst - user, do_skip
	.word	0x5000, PF_X, 0x5000, do_return		; a jump's target: epc is it
	.word	0x6000, PF_X | PF_P, 0x6000, do_return
	.word	0x400008, 0, f_nodir - user, do_skip

do_map:
	map	PT, 0x1000, FRESH | V | U | W
	rfe
do_grant:
	map	PT, 0x2000, RO | V | U | W
	rfe
do_skip:
	skip
do_return:				; as if the jump had come back: to r6
	mtsr	epc, r6
	rfe

on_sys:
	cmpi	r10, NFAULTS
	beq	1f
	fail	71
1:	expect	r1, 0x100, 72
	expect	r2, 0x300, 73
	expect	r3, 0x33, 74
	expect	r4, 0x44, 75
	expect	r5, 0x55, 76
	expect_word RO, 0x77, 77
	li	r8, 0
	out	PORT_POWER, r8

	.align	4096
user:
	li	r3, 0x33
	li	r4, 0x44
	li	r5, 0x55
	li	r7, 0x77
f_absent:
	ldw	r1, 0x1000(r0)		; absent: mapped, then loads 0x100
	ldw	r2, 0x2000(r0)		; read-only: a load is fine (hidden)
f_ro:
	stw	r7, 0x2000(r0)		; a store is not: granted, then stores
f_supld:
	ldw	r3, 0x3000(r0)		; closed: skipped, r3 stays
f_supst:
	stw	r7, 0x3004(r0)		; closed: skipped
	li	r6, back1 - user
	li	r7, 0x5000
	jr	r7			; nothing there: the fetch faults
back1:
	li	r6, back2 - user
	li	r7, 0x6000
	jr	r7			; a page closed to user mode
back2:
	li	r7, 0x400000
f_nodir:
	ldw	r4, 8(r7)		; no directory entry: skipped, r4 stays
	sys	0

	.align	4096
away:					; never runs: closed to user mode
	li	r5, 0
	jr	r6
