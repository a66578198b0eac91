; labs/lab6/tests/progs/hidden.s: page faults the guest must never see.
; Every page the user code touches is present in the guest's tables, with
; the rights it uses: on the bare machine it never faults. Under a shadowing
; monitor each first touch misses the (empty) shadow: a hidden fault, which
; the monitor fills and the guest never knows of. The user code reads and
; writes seven pages through directory slot 0, then reads the same frames
; again through slot 1 (another table, at 0x400000: two virtual pages for
; each frame), five rounds over; the shadow keeps what it filled, so the
; later rounds take no fault at all.
;
; Halts 0, or: 1 any trap but the final sys (a page fault the guest should
; never have seen); 2 the sum the user computed; 3 a word it stored.

	.include "pager.inc"
	.equ	PD, 0x10000
	.equ	PT0, 0x11000
	.equ	PT1, 0x12000
	.equ	FRAMES, 0x20000		; frame i (1..7) at FRAMES + i * 0x1000
	.equ	SLOT1, 0x400000

	.text
_start:
	la	r8, vector
	mtsr	tvec, r8
	set_word PD, PT0 | V
	set_word PD + 4, PT1 | V
	map_code PT0, 0, user
	; Frame i holds the tag i * 0x11 in its first word; VA i * 0x1000
	; (slot 0) and SLOT1 + i * 0x1000 both map it, user and writable.
	li	r10, 1
1:	shli	r11, r10, 12
	li	r12, FRAMES
	add	r11, r11, r12		; r11: frame i
	muli	r12, r10, 0x11
	stw	r12, 0(r11)
	ori	r11, r11, V | U | W
	shli	r12, r10, 2
	li	r13, PT0
	add	r13, r13, r12
	stw	r11, 0(r13)		; PT0[i]
	li	r13, PT1
	add	r13, r13, r12
	stw	r11, 0(r13)		; PT1[i]
	addi	r10, r10, 1
	cmpi	r10, 8
	blt	1b
	li	r8, PD | PTB_P
	mtsr	ptb, r8
	enter_user 0

vector:
	on	CAUSE_SYSCALL, on_sys
	fail	1
on_sys:
	; Each round adds the seven tags through slot 0, storing the running
	; sum at word 1 of each frame, then adds those seven words again,
	; read through slot 1 (the sums a short script computes).
	expect	r1, 0x87fef0, 2
	expect_word FRAMES + 0x7004, 0x1100cc, 3
	li	r8, 0
	out	PORT_POWER, r8

	.align	4096
; r1: the sum; r2: rounds to go; r3: the page; r4: a word; r5: the end.
user:
	li	r1, 0
	li	r2, 5
1:	li	r3, 0x1000
2:	ldw	r4, 0(r3)		; the tag: a load first (A)
	add	r1, r1, r4
	stw	r1, 4(r3)		; then a store (D)
	addi	r3, r3, 0x1000
	li	r5, 0x8000
	cmp	r3, r5
	blt	2b
	li	r3, SLOT1 + 0x1000
	li	r5, SLOT1 + 0x8000
3:	ldw	r4, 4(r3)		; the same frames, through slot 1
	add	r1, r1, r4
	addi	r3, r3, 0x1000
	cmp	r3, r5
	blt	3b
	addi	r2, r2, -1
	bnez	r2, 1b
	sys	0
