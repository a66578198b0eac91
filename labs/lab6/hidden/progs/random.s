; labs/lab6/hidden/progs/random.s: shadow coherence under random page-table
; changes. The user code, driven by a pseudo-random sequence, remaps its
; pages itself (its table is mapped writable at 0x7000), loads and stores
; through them, and calls the kernel; the kernel, at those calls and at
; every timer tick (at arbitrary points of the user code), remaps pages,
; clears accessed and dirty bits, switches between two address spaces and
; points one space's directory at another table. Pages are sometimes
; mapped onto the tables themselves (read-only), so the user code reads
; page-table entries, accessed and dirty bits included. Page faults are
; recorded in a checksum, then mended (an absent page gets a data frame)
; or skipped (a protection fault). At the end the kernel prints the sums
; and halts 0.
;
; Nothing here checks itself: the test compares every step of a run with
; the bare machine's (registers, memory, console, traps). Halts 1 on a
; trap it does not expect (a fault on the code page or the table's page).

	.include "../../tests/progs/pager.inc"
	.equ	PDA, 0x10000
	.equ	PDB, 0x11000
	.equ	PT, 0x12000
	.equ	PT2, 0x13000
	.equ	FRAMES, 0x20000		; eight data frames
	.equ	TICK, 53
	.equ	ITER, 600

	.text
_start:
	la	r8, vector
	mtsr	tvec, r8
	li	r10, 0			; frame i's tag: i * 0x101
1:	shli	r11, r10, 12
	li	r12, FRAMES
	add	r11, r11, r12
	muli	r12, r10, 0x101
	stw	r12, 0(r11)
	addi	r10, r10, 1
	cmpi	r10, 8
	blt	1b
	set_word PDA, PT | V
	set_word PDB, PT | V
	map_code PT, 0x0000, user
	map_code PT2, 0x0000, user
	map	PT, 0x7000, PT | V | U | W
	map	PT2, 0x7000, PT2 | V | U | W
	map	PT, 0x1000, FRAMES | V | U | W
	map	PT2, 0x2000, FRAMES + 0x1000 | V | U
	li	r8, PDA | PTB_P
	mtsr	ptb, r8
	li	r8, TICK
	mtsr	timer, r8
	li	r8, 0
	mtsr	epc, r8
	li	r8, PSW_IE		; user mode, interrupts on
	mtsr	epsw, r8
	rfe

vector:
	on	CAUSE_PAGEFAULT, on_fault
	on	CAUSE_TIMER, on_tick
	on	CAUSE_SYSCALL, on_sys
	fail	1

on_tick:
	li	r8, TICK
	mtsr	timer, r8
	call	kernel_random
	rfe

on_sys:
	mfsr	r8, detail
	cmpi	r8, 2
	beq	finish
	call	kernel_random
	rfe

; A page fault: checksum = checksum * 31 + (detail ^ pfinfo << 28). An
; absent page gets data frame (page & 7), user and writable, in the table
; of the space running; a protection fault is skipped.
on_fault:
	mfsr	r8, detail
	shri	r9, r8, 12
	cmpi	r9, 1
	blt	1f
	cmpi	r9, 7
	blt	2f
1:	fail	1			; the code or the table's own page
2:	la	r10, checksum
	ldw	r11, 0(r10)
	muli	r11, r11, 31
	mfsr	r12, pfinfo
	shli	r13, r12, 28
	xor	r13, r13, r8
	add	r11, r11, r13
	stw	r11, 0(r10)
	andi	r12, r12, PF_P
	beqz	r12, 3f
	skip
3:	andi	r10, r9, 7		; the frame
	shli	r10, r10, 12
	li	r11, FRAMES | V | U | W
	add	r10, r10, r11
	mfsr	r11, ptb
	li	r12, 0xfffff000
	and	r11, r11, r12
	ldw	r11, 0(r11)		; the directory's slot 0: the table
	and	r11, r11, r12
	shli	r9, r9, 2
	add	r11, r11, r9
	stw	r10, 0(r11)
	rfe

; kernel_random: one random change of the kernel's; clobbers r8..r13.
kernel_random:
	la	r8, kseed
	ldw	r9, 0(r8)
	li	r10, 1664525
	mul	r9, r9, r10
	li	r10, 1013904223
	add	r9, r9, r10
	stw	r9, 0(r8)
	shri	r10, r9, 24
	andi	r10, r10, 3
	; the page (1..6) and the table (PT or PT2) it changes
	shri	r11, r9, 8
	li	r12, 6
	remu	r11, r11, r12
	addi	r11, r11, 1
	shli	r11, r11, 2
	andi	r12, r9, 0x80
	li	r13, PT
	beqz	r12, 1f
	li	r13, PT2
1:	add	r11, r11, r13		; r11: the entry
	cmpi	r10, 0
	beq	k_switch
	cmpi	r10, 1
	beq	k_remap
	cmpi	r10, 2
	beq	k_clear
	; 3: space B's directory names the other table
	li	r8, PDB
	ldw	r9, 0(r8)
	li	r10, PT | V
	cmp	r9, r10
	bne	2f
	li	r10, PT2 | V
2:	stw	r10, 0(r8)
	ret
k_switch:
	mfsr	r8, ptb
	li	r9, PDA | PTB_P
	cmp	r8, r9
	bne	3f
	li	r9, PDB | PTB_P
3:	mtsr	ptb, r9
	ret
k_remap:
	shri	r12, r9, 4
	andi	r12, r12, 7
	shli	r12, r12, 12
	li	r13, FRAMES
	add	r12, r12, r13		; a data frame
	shri	r13, r9, 16
	andi	r13, r13, 3
	shli	r13, r13, 2
	la	r10, perms
	add	r13, r13, r10
	ldw	r13, 0(r13)
	or	r12, r12, r13
	stw	r12, 0(r11)
	ret
k_clear:
	ldw	r12, 0(r11)
	li	r13, ~(A | D)
	and	r12, r12, r13
	stw	r12, 0(r11)
	ret

finish:
	mtsr	timer, zero
	mov	r8, r2
	call	puthex
	la	r8, checksum
	ldw	r8, 0(r8)
	call	puthex
	la	r8, kseed
	ldw	r8, 0(r8)
	call	puthex
	li	r8, 10
	out	PORT_CON_DATA, r8
	li	r8, 0
	out	PORT_POWER, r8

; puthex: r8 as 8 hex digits and a space; clobbers r9, r10, r11.
puthex:
	li	r10, 28
1:	shr	r9, r8, r10
	andi	r9, r9, 15
	cmpi	r9, 10
	blt	2f
	addi	r9, r9, 'a' - 10
	b	3f
2:	addi	r9, r9, '0'
3:	out	PORT_CON_DATA, r9
	addi	r10, r10, -4
	cmpi	r10, 0
	bge	1b
	li	r9, ' '
	out	PORT_CON_DATA, r9
	ret

	.data
	.align	4
checksum:
	.word	0
kseed:
	.word	0x2545f491

	.text
	.align	4096
; r1: the sequence; r2: the sum; r3: iterations left; r4..r7: scratch.
user:
	li	r1, 0x6b8b4567
	li	r2, 0
	li	r3, ITER
1:	li	r4, 1103515245
	mul	r1, r1, r4
	addi	r1, r1, 12345
	shri	r5, r1, 8
	li	r6, 6
	remu	r5, r5, r6
	addi	r5, r5, 1		; a page, 1..6
	shri	r4, r1, 16
	andi	r4, r4, 3
	cmpi	r4, 1
	beq	u_load
	cmpi	r4, 2
	beq	u_store
	cmpi	r4, 3
	beq	u_sys
	; 0: remap the page: frame (r1 >> 4) % 10 (8 and 9: the table and
	; directory A, read-only), permissions perms[(r1 >> 20) & 3]
	shri	r6, r1, 4
	li	r7, 10
	remu	r6, r6, r7
	shli	r4, r6, 2
	ldw	r4, u_frames - user(r4)
	shri	r7, r1, 20
	andi	r7, r7, 3
	shli	r7, r7, 2
	ldw	r7, perms - user(r7)
	cmpi	r6, 8
	blt	2f
	andi	r7, r7, 0xfffd		; a table: never writable
2:	or	r4, r4, r7
	shli	r5, r5, 2
	stw	r4, 0x7000(r5)		; a store to its own table
	b	u_next
u_load:
	shli	r5, r5, 12
	ldw	r6, 0(r5)
	add	r2, r2, r6
	b	u_next
u_store:
	shli	r5, r5, 12
	stw	r2, 4(r5)
	b	u_next
u_sys:
	sys	1
u_next:
	addi	r3, r3, -1
	bnez	r3, 1b
	sys	2

u_frames:
	.word	FRAMES, FRAMES + 0x1000, FRAMES + 0x2000, FRAMES + 0x3000
	.word	FRAMES + 0x4000, FRAMES + 0x5000, FRAMES + 0x6000, FRAMES + 0x7000
	.word	PT, PDA
perms:
	.word	0, V | U, V | U | W, V | W
