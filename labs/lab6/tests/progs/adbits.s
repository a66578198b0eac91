; labs/lab6/tests/progs/adbits.s: the accessed and dirty bits, honest.
; The bare machine sets A in an entry the first time the page is used, and
; D the first time it is stored to (ISA.md 12, the walk's step 4); a guest
; kernel reads them to choose what to evict and what to write back. Under
; shadow paging the real processor walks the shadow, not the guest's
; table, so the monitor must set them itself, at the moment the bare
; machine would: A on the first access, D on the first store (so the
; shadow may not let a store through until the guest's entry has D).
;
; The user code reads its own entries through a read-only mapping of its
; table (0x5000) right after each access, and the kernel clears A and D
; between phases:
;   phase 1: load P1, store P1, store P2 (first touch), P3 untouched
;   phase 2: (A and D cleared on P1 and P2) load P2, store P1, load then
;            store P3
;   phase 3: (D cleared on P1, A on P2) store P1, load P2
;
; Halts 0, or: 1 a trap that is not sys; 10..16 phase 1's checks,
; 20..25 phase 2's, 30..31 phase 3's (in the order of the code below).

	.include "pager.inc"
	.equ	PD, 0x10000
	.equ	PT, 0x11000
	.equ	P1, 0x12000
	.equ	P2, 0x13000
	.equ	P3, 0x14000

	.text
_start:
	la	r8, vector
	mtsr	tvec, r8
	set_word PD, PT | V
	map_code PT, 0x0000, user
	map	PT, 0x1000, P1 | V | U | W
	map	PT, 0x2000, P2 | V | U | W
	map	PT, 0x3000, P3 | V | U | W
	map	PT, 0x5000, PT | V | U	; the table itself, read-only
	li	r8, PD | PTB_P
	mtsr	ptb, r8
	li	r10, 1			; the phase
	enter_user phase1 - user

vector:
	on	CAUSE_SYSCALL, on_sys
	fail	1
on_sys:
	cmpi	r10, 2
	beq	end2
	cmpi	r10, 3
	beq	end3
	; Phase 1: r2..r5 the entries the user read after each access.
	andi	r2, r2, A | D
	expect	r2, A, 10		; P1 after a load: A, not D
	andi	r3, r3, A | D
	expect	r3, A | D, 11		; P1 after a store: D too
	andi	r4, r4, A | D
	expect	r4, 0, 12		; P2 before any access
	andi	r5, r5, A | D
	expect	r5, A | D, 13		; P2 after a store, its first access
	expect_bits PT + 12, A | D, 0, 14	; P3: never used
	expect_bits PT + 0, A | D, A, 15	; the code: fetched, never stored
	expect_bits PT + 20, A | D, A, 16	; the table's mapping: loaded
	; Phase 2: A and D off on P1 and P2 (traced writes).
	li	r8, PT + 4
	ldw	r9, 0(r8)
	li	r11, ~(A | D)
	and	r9, r9, r11
	stw	r9, 0(r8)
	ldw	r9, 4(r8)
	and	r9, r9, r11
	stw	r9, 4(r8)
	li	r10, 2
	enter_user phase2 - user
end2:
	andi	r2, r2, A | D
	expect	r2, A, 20		; P2 loaded: A again, D stays off
	andi	r3, r3, A | D
	expect	r3, 0, 21		; P1 not yet used since
	andi	r4, r4, A | D
	expect	r4, A | D, 22		; P1 stored
	andi	r5, r5, A | D
	expect	r5, A, 23		; P3 loaded
	andi	r6, r6, A | D
	expect	r6, A | D, 24		; P3 then stored
	expect_word P3, 0x3333, 25
	; Phase 3: D off on P1 (A stays), A off on P2 (D was off already).
	li	r8, PT + 4
	ldw	r9, 0(r8)
	li	r11, ~D
	and	r9, r9, r11
	stw	r9, 0(r8)
	ldw	r9, 4(r8)
	li	r11, ~A
	and	r9, r9, r11
	stw	r9, 4(r8)
	li	r10, 3
	enter_user phase3 - user
end3:
	andi	r2, r2, A | D
	expect	r2, A | D, 30		; P1 stored again: D again
	andi	r3, r3, A | D
	expect	r3, A, 31		; P2 loaded: A again
	li	r8, 0
	out	PORT_POWER, r8

	.align	4096
user:
phase1:
	ldw	r1, 0x1000(r0)
	ldw	r2, 0x5004(r0)		; P1's entry
	stw	r1, 0x1000(r0)
	ldw	r3, 0x5004(r0)
	ldw	r4, 0x5008(r0)		; P2's
	stw	r1, 0x2000(r0)
	ldw	r5, 0x5008(r0)
	sys	0
phase2:
	ldw	r1, 0x2000(r0)
	ldw	r2, 0x5008(r0)
	ldw	r3, 0x5004(r0)
	stw	r1, 0x1000(r0)
	ldw	r4, 0x5004(r0)
	ldw	r1, 0x3000(r0)
	ldw	r5, 0x500c(r0)
	li	r1, 0x3333
	stw	r1, 0x3000(r0)
	ldw	r6, 0x500c(r0)
	sys	0
phase3:
	stw	r1, 0x1000(r0)
	ldw	r2, 0x5004(r0)
	ldw	r1, 0x2000(r0)
	ldw	r3, 0x5008(r0)
	sys	0
