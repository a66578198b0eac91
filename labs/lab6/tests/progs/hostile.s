; labs/lab6/tests/progs/hostile.s: page tables that point outside the
; guest's memory. On the bare machine an entry naming a page, or a
; directory entry naming a table, past the end of physical memory makes
; the access fault (pfinfo B, ISA.md 12): there is nothing there. Under a
; monitor the guest's "physical" memory is the monitor's region, and just
; past it (or anywhere else) lies the monitor's own memory: its code's
; data, its shadow tables. A monitor that filled a shadow entry from such a
; guest entry without looking would hand the guest the monitor itself.
; Every kind is tried: a page just past the end, one at the top of the
; address space, a directory entry naming a table outside, a load, a
; store, a fetch; the last page that is inside is used as any other.
; Each fault is recorded (detail, pfinfo), skipped, and compared with what
; the bare machine gives.
;
; Memory: the default 1 MiB. Halts 0, or: 1 an unexpected trap; 9 more
; faults than 7, 51 fewer; 10 + N the Nth fault's detail, 30 + N its
; pfinfo; 52..54 what the user code read and wrote.

	.include "pager.inc"
	.equ	MEM, 0x100000
	.equ	PD, 0x10000
	.equ	PT, 0x11000
	.equ	LAST, MEM - 0x1000	; the last page inside

	.text
_start:
	la	r8, vector
	mtsr	tvec, r8
	set_word LAST, 0x1a57
	set_word PD, PT | V
	set_word PD + 4, MEM | V		; slot 1's table: just outside
	set_word PD + 8, 0xfffff000 | V		; slot 2's: at the very top
	map_code PT, 0x0000, user
	map	PT, 0x1000, MEM | V | U | W		; just past the end
	map	PT, 0x2000, 0xfffff000 | V | U | W	; the top of the address space
	map	PT, 0x3000, LAST | V | U | W		; the last page inside
	map	PT, 0x4000, (MEM + 0x5000) | V | U | W	; code outside
	li	r8, PD | PTB_P
	mtsr	ptb, r8
	li	r10, 0
	enter_user 0

vector:
	on	CAUSE_PAGEFAULT, on_fault
	on	CAUSE_SYSCALL, on_sys
	fail	1
on_fault:
	fault_row expected, 8, NFAULTS
	cmpi	r9, PF_X | PF_B		; a fetch: back to where r6 says
	bne	4f
	mtsr	epc, r6
	rfe
4:	skip

	.equ	NFAULTS, 7
expected:
	.word	0x1000, PF_B
	.word	0x1004, PF_W | PF_B
	.word	0x2000, PF_B
	.word	0x2ffc, PF_W | PF_B
	.word	0x400000, PF_B
	.word	0x800010, PF_W | PF_B
	.word	0x4000, PF_X | PF_B

on_sys:
	cmpi	r10, NFAULTS
	beq	1f
	fail	51
1:	expect	r1, 0x11, 52		; every faulting load skipped
	expect	r2, 0x1a57, 53		; the last page read
	expect_word LAST + 4, 0x1a58, 54	; and written
	li	r8, 0
	out	PORT_POWER, r8

	.align	4096
user:
	li	r1, 0x11
	li	r7, 0x77
	ldw	r1, 0x1000(r0)		; just past the end
	stw	r7, 0x1004(r0)
	ldw	r1, 0x2000(r0)		; the top
	stw	r7, 0x2ffc(r0)
	li	r5, 0x400000
	ldw	r1, 0(r5)		; through a table outside
	li	r5, 0x800000
	stw	r7, 16(r5)		; through a table at the top
	ldw	r2, 0x3000(r0)		; inside: fine
	addi	r3, r2, 1
	stw	r3, 0x3004(r0)
	li	r6, back - user
	li	r5, 0x4000
	jr	r5			; code outside
back:
	sys	0
