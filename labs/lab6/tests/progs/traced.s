; labs/lab6/tests/progs/traced.s: a write to a page table takes effect at
; once (ISA.md 12: every user access behaves as if it walked the tables in
; memory at that moment), whoever makes it and whatever its size.
;   phase 1, the user code: remaps 0x1000 by a store to its own table
;            (mapped writable at 0x5000) and loads through it at once; then
;            takes W away from that entry with a one-byte store, and its
;            next store there must fault; a halfword store gives W back; a
;            byte store to the entry's second byte changes its frame
;   phase 2, the kernel: remaps 0x1000 again and unmaps 0x2000 (both in
;            use by the shadow), no TLB flush: the user sees both at once
;   phase 3, the kernel: rewrites a directory entry, so that slot 1
;            (0x400000 up) is another table: the user sees the new one
;
; Halts 0, or: 1 an unexpected trap; 2 a page fault in the wrong place;
; 10..18 phase 1's checks, 20..22 phase 2's, 30 phase 3's.

	.include "pager.inc"
	.equ	PD, 0x10000
	.equ	PT, 0x11000
	.equ	PTX, 0x12000		; slot 1's table, then
	.equ	PTY, 0x13000		; this one
	.equ	F1, 0x14000		; frames, each tagged with its number
	.equ	F2, 0x15000
	.equ	F3, 0x16000
	.equ	F4, 0x17000
	.equ	F5, 0x18000
	.equ	F6, 0x19000

	.text
_start:
	la	r8, vector
	mtsr	tvec, r8
	set_word F1, 0xf1
	set_word F2, 0xf2
	set_word F3, 0xf3
	set_word F4, 0xf4
	set_word F5, 0xf5
	set_word F6, 0xf6
	set_word PD, PT | V
	set_word PD + 4, PTX | V
	map_code PT, 0x0000, user
	map	PT, 0x1000, F1 | V | U | W
	map	PT, 0x2000, F4 | V | U | W
	map	PT, 0x5000, PT | V | U | W	; its own table, writable
	set_word PTX + 4, F5 | V | U | W	; 0x401000 -> F5
	set_word PTY + 4, F6 | V | U | W	; (later) -> F6
	li	r8, PD | PTB_P
	mtsr	ptb, r8
	li	r10, 1			; the phase
	li	r11, 0			; page faults
	enter_user phase1 - user

vector:
	on	CAUSE_SYSCALL, on_sys
	on	CAUSE_PAGEFAULT, on_fault
	fail	1
; Two faults are expected: phase 1's store to the page made read-only,
; and phase 2's load of the unmapped page; each is skipped.
on_fault:
	addi	r11, r11, 1
	mfsr	r8, detail
	cmpi	r10, 1
	bne	1f
	expect	r8, 0x1000, 2
	mfsr	r8, pfinfo
	expect	r8, PF_W | PF_P, 2
	skip
1:	expect	r8, 0x2000, 2
	mfsr	r8, pfinfo
	expect	r8, 0, 2
	skip

on_sys:
	cmpi	r10, 2
	beq	end2
	cmpi	r10, 3
	beq	end3
	expect	r1, 0xf1, 10		; before the remap
	expect	r2, 0xf2, 11		; at once after it
	expect	r11, 1, 12		; the store to the read-only page faulted
	expect_word F2, 0xf2, 13	; and stored nothing
	expect	r3, 0xf2, 14		; the page still readable
	expect_word F2 + 4, 0x22, 15	; once W was back, stored
	expect	r4, 0xf4, 16
	expect	r5, 0xf5, 17
	expect	r7, 0xf3, 18		; after the byte store inside the entry
	; Phase 2: the kernel remaps 0x1000 to F1 and unmaps 0x2000.
	map	PT, 0x1000, F1 | V | U | W
	map	PT, 0x2000, 0
	li	r10, 2
	enter_user phase2 - user
end2:
	expect	r1, 0xf1, 20
	expect	r2, 0x99, 21		; the load was skipped: r2 unchanged
	expect	r11, 2, 22
	; Phase 3: slot 1 is PTY now.
	set_word PD + 4, PTY | V
	li	r10, 3
	enter_user phase3 - user
end3:
	expect	r2, 0xf6, 30
	li	r8, 0
	out	PORT_POWER, r8

	.align	4096
user:
phase1:
	ldw	r1, 0x1000(r0)		; F1
	ldw	r4, 0x2000(r0)		; F4 (the shadow has it now)
	li	r7, 0x401000
	ldw	r5, 0(r7)		; F5, through slot 1
	li	r6, F2 | V | U | W
	stw	r6, 0x5004(r0)		; 0x1000 -> F2
	ldw	r2, 0x1000(r0)		; at once: F2
	ldw	r3, 0x5004(r0)		; reads its table: the shadow maps it now
	li	r6, V | U		; the entry's low byte: W off
	stb	r6, 0x5004(r0)
	li	r6, 0x77
	stw	r6, 0x1000(r0)		; faults (read-only): skipped
	ldw	r3, 0x1000(r0)		; still F2
	li	r6, (F2 & 0xffff) | V | U | W | A | D
	sth	r6, 0x5004(r0)		; W back (a halfword store), and D
	li	r6, 0x22
	stw	r6, 0x1004(r0)
	li	r6, (F3 >> 8) & 0xff
	stb	r6, 0x5005(r0)		; the frame's second byte: 0x1000 -> F3
	ldw	r7, 0x1000(r0)		; F3
	sys	0
phase2:
	li	r2, 0x99
	ldw	r1, 0x1000(r0)		; F1
	ldw	r2, 0x2000(r0)		; unmapped: faults, skipped
	sys	0
phase3:
	li	r7, 0x401000
	ldw	r2, 0(r7)		; F6, through PTY
	sys	0
