; labs/lab6/hidden/progs/partial.s: a guest memory that ends inside a page
; (run with 1 MiB + 2 KiB: MEM below). Its last page, 0x100000, is half
; there: the bare machine faults (pfinfo B) on a page that lies even
; partly outside memory, while a table there may be used for the entries
; that are inside, and its kernel, unmapped, uses the half that exists. A
; monitor's real page there holds the guest's 2 KiB and then something
; else: no shadow entry may ever map it, and the monitor's physical map
; leaves it out (the kernel's accesses to it are emulated). The user code
; loads from the half page and stores to it (both fault), then reads
; through a table that lies in it; the kernel then rewrites that table (a
; write to a page table in the half page: the shadow must drop what it
; held), and the user code reads through it again.
;
; Halts 0, or: 1 an unexpected trap (or memsize is not MEM); 9 more
; faults than 2, 50 fewer; 10 + N the Nth fault's detail, 30 + N its
; pfinfo; 51..55 what the user and the kernel read.

	.include "../../tests/progs/pager.inc"
	.equ	MEM, 0x100800
	.equ	HALF, 0x100000
	.equ	PD, 0x10000
	.equ	PT, 0x11000
	.equ	DATA, 0x12000
	.equ	DATA2, 0x13000

	.text
_start:
	la	r8, vector
	mtsr	tvec, r8
	mfsr	r8, memsize
	expect	r8, MEM, 1
	set_word DATA, 0xda
	set_word DATA2, 0xd2
	set_word HALF + 0x400, 0x4a1f	; the kernel uses the half page
	set_word PD, PT | V
	set_word PD + 4, HALF | V	; slot 1's table: in the half page
	set_word HALF + 4, DATA | V | U | W
	map_code PT, 0x0000, user
	map	PT, 0x1000, HALF | V | U | W
	map	PT, 0x2000, DATA | V | U | W
	li	r8, PD | PTB_P
	mtsr	ptb, r8
	li	r10, 0			; page faults
	enter_user 0

vector:
	on	CAUSE_PAGEFAULT, on_fault
	on	CAUSE_SYSCALL, on_sys
	fail	1
on_fault:
	fault_row expected, 8, 2
	skip

expected:
	.word	0x1000, PF_B
	.word	0x1004, PF_W | PF_B

on_sys:
	mfsr	r8, detail		; sys 1 ends phase 1, sys 2 phase 2
	cmpi	r8, 2
	beq	end2
	; Phase 1 read DATA through the table in the half page; the kernel
	; now points that entry at DATA2.
	set_word HALF + 4, DATA2 | V | U
	enter_user phase2 - user
end2:
	expect	r10, 2, 50
	expect	r1, 0x11, 51		; the faulting load skipped
	expect	r2, 0xda, 52
	expect	r3, 0xda, 53		; through the table in the half page
	expect	r4, 0xd2, 54		; and again, once the kernel changed it
	expect_word HALF + 0x400, 0x4a1f, 55
	li	r8, 0
	out	PORT_POWER, r8

	.align	4096
user:
	li	r1, 0x11
	ldw	r1, 0x1000(r0)		; the half page: faults
	stw	r1, 0x1004(r0)		; faults
	ldw	r2, 0x2000(r0)		; DATA
	li	r7, 0x401000
	ldw	r3, 0(r7)		; DATA, through the table in the half page
	sys	1
phase2:
	li	r7, 0x401000
	ldw	r4, 0(r7)		; DATA2 now
	sys	2
