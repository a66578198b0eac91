; labs/lab6/hidden/progs/selfmap.s: a directory that is its own page
; table, a loop of page tables. Directory entry 0 names the directory
; itself, user and writable, so virtual page i of slot 0 maps whatever
; directory entry i names: the directory is at once the directory and a
; table, and at 0x0000 the user code sees it, and writes it. Each such
; store changes a directory entry (a whole slot's shadow table must go)
; and a table entry (one shadow entry must go) at once, in the same word;
; and its accessed and dirty bits are set in the directory's own entry 0.
; The user code runs at 0x401000 (slot 1, an ordinary table).
;   it reads 0x2000 (entry 2: DATA); reads entry 2 itself through 0x0008;
;   maps 0x3000 to DATA2 by a store to entry 3 and reads it; remaps 0x2000
;   to DATA2 and reads it; then unmaps the directory from itself (entry 0
;   = 0): its next load of 0x2000 faults (the kernel skips it).
;
; Halts 0, or: 1 an unexpected trap; 2 a fault with the wrong detail or
; pfinfo; 10..16 what the user read, and the directory's bits.

	.include "../../tests/progs/pager.inc"
	.equ	PD, 0x10000
	.equ	PTC, 0x11000		; slot 1's table: the code
	.equ	DATA, 0x12000
	.equ	DATA2, 0x13000

	.text
_start:
	la	r8, vector
	mtsr	tvec, r8
	set_word DATA, 0xda
	set_word DATA2, 0xd2
	set_word PD, PD | V | U | W	; the loop
	set_word PD + 4, PTC | V	; slot 1 (as a page: V only, closed)
	set_word PD + 8, DATA | V | U | W
	map_code PTC, 0x401000, user
	li	r8, PD | PTB_P
	mtsr	ptb, r8
	li	r10, 0
	li	r5, 0x55
	enter_user 0x401000

vector:
	on	CAUSE_SYSCALL, on_sys
	on	CAUSE_PAGEFAULT, on_fault
	fail	1
on_fault:
	addi	r10, r10, 1
	mfsr	r8, detail
	expect	r8, 0x2000, 2
	mfsr	r8, pfinfo
	expect	r8, 0, 2
	skip
on_sys:
	expect	r1, 0xda, 10
	li	r8, 0xfff
	and	r2, r2, r8
	expect	r2, V | U | W | A, 11	; entry 2, used as a page's entry
	expect	r3, 0xd2, 12
	expect	r4, 0xd2, 13
	expect	r5, 0x55, 14		; the last load skipped
	expect	r10, 1, 15
	expect_word PD, 0, 16
	li	r8, 0
	out	PORT_POWER, r8

	.align	4096
user:
	ldw	r1, 0x2000(r0)		; DATA
	ldw	r2, 0x0008(r0)		; directory entry 2
	li	r6, DATA2 | V | U | W
	stw	r6, 0x000c(r0)		; entry 3: 0x3000 -> DATA2
	ldw	r3, 0x3000(r0)
	stw	r6, 0x0008(r0)		; entry 2: 0x2000 -> DATA2
	ldw	r4, 0x2000(r0)
	stw	r0, 0x0000(r0)		; entry 0: the loop is gone
	ldw	r5, 0x2000(r0)		; faults
	sys	0
