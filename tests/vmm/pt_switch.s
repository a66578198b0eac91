; tests/vmm/pt_switch.s: rapid switching among more address spaces than a
; shadowing monitor caches, each using 24 directory slots, so that
; shadows are evicted (for want of a slot in the cache and for want of
; table pages in the monitor's pool) and rebuilt all the time. Twelve
; spaces share one code page and three tables (so one guest table is
; shadowed many times over); each has a counter page of its own. The timer
; switches to the next space, sometimes writing ptb three times before
; returning; `sys 1` switches to a space picked by a little generator; in
; the second phase each tick also rewrites an entry of a shared table,
; which every cached shadow built from it must drop. The counters and sums
; must come out as on the bare machine.

	.equ TICK, 151
	.equ NSLOTS, 24         ; directory slots each space uses
	.equ MAX_TRAPS, 30000
	.include "ptkern.inc"

	.equ NSPACES, 12
	.equ UCODE, 0x8000
	.equ PDS, 0x20000       ; space s: directory PDS + s * 0x2000,
	.equ PT0S, 0x21000      ;   its own table PT0S + s * 0x2000,
	.equ DATAS, 0x40000     ;   its counter page DATAS + s * 0x1000
	.equ SH, 0x60000        ; shared tables SH + t * 0x1000, t < 3
	.equ SF, 0x68000        ; shared frames SF + f * 0x1000, f < 8

setup:
	push lr
	li r1, 0                ; s
1:	shli r2, r1, 13
	li r3, PDS
	add r3, r3, r2          ; the directory
	li r4, PT0S
	add r4, r4, r2          ; its own table
	ori r5, r4, V
	stw r5, 0(r3)
	li r5, UCODE | V | U
	stw r5, 0(r4)
	shli r5, r1, 12
	li r6, DATAS | VUW
	add r5, r5, r6
	stw r5, 4(r4)           ; VA 0x1000: the counter page
	li r6, 1                ; slots 1..23: shared table (k + s) % 3
2:	add r7, r6, r1
	li r5, 3
	remu r7, r7, r5
	shli r7, r7, 12
	li r5, SH | V
	add r7, r7, r5
	shli r5, r6, 2
	add r5, r3, r5
	stw r7, 0(r5)
	addi r6, r6, 1
	cmpi r6, NSLOTS
	blt 2b
	addi r1, r1, 1
	cmpi r1, NSPACES
	blt 1b
	li r1, 0                ; shared table t, entry j: frame (3t + j) % 8
3:	li r2, 0
4:	muli r3, r1, 3
	add r3, r3, r2
	andi r3, r3, 7
	shli r3, r3, 12
	li r4, SF | VUW
	add r3, r3, r4
	shli r4, r1, 12
	li r5, SH
	add r4, r4, r5
	shli r5, r2, 2
	add r4, r4, r5
	stw r3, 0(r4)
	addi r2, r2, 1
	cmpi r2, 4
	blt 4b
	addi r1, r1, 1
	cmpi r1, 3
	blt 3b
	pop lr
	ret

phases:
	.word ph_switch, ph_switch_and_write, 0

ph_switch_and_write:
	la r1, writing
	li r2, 1
	stw r2, 0(r1)
ph_switch:
	li r1, 0
	call use_space
	li r1, 0
	b enter_user

; use_space: ptb = space r1's directory; clobbers r1, r2.
use_space:
	la r2, cur
	stw r1, 0(r2)
	shli r1, r1, 13
	li r2, PDS | 1
	add r1, r1, r2
	mtsr ptb, r1
	ret

tick:
	push lr
	la r2, cur
	ldw r1, 0(r2)
	addi r1, r1, 1
	cmpi r1, NSPACES
	blt 1f
	li r1, 0
1:	la r3, nticks
	ldw r3, 0(r3)
	andi r4, r3, 3
	bnez r4, 2f
	; Every fourth tick: three ptb writes before the user runs again.
	li r4, PDS | 1
	mtsr ptb, r4
	li r4, PDS + 0x2000 | 1
	mtsr ptb, r4
2:	call use_space
	la r2, writing
	ldw r2, 0(r2)
	beqz r2, 3f
	; Rotate the frame of shared table (tick % 3), entry (tick / 3) % 4.
	li r4, 3
	remu r5, r3, r4
	divu r6, r3, r4
	andi r6, r6, 3
	shli r5, r5, 12
	li r4, SH
	add r5, r5, r4
	shli r6, r6, 2
	add r5, r5, r6
	ldw r4, 0(r5)
	li r6, 0x1000
	add r4, r4, r6
	li r6, SF + 0x8000
	li r7, 0xfffff000
	and r7, r4, r7
	cmp r7, r6
	blt 4f
	li r6, 0x8000
	sub r4, r4, r6
4:	stw r4, 0(r5)
3:	pop lr
	ret

on_syscall:
	push lr
	la r2, cur
	ldw r1, 0(r2)
	muli r1, r1, 5
	addi r1, r1, 7
	li r3, NSPACES
	remu r1, r1, r3
	call use_space
	pop lr
	li r1, 0
	ret

report:
	push lr
	li r4, 0
1:	shli r5, r4, 12
	li r6, DATAS
	add r5, r5, r6
	ldw r1, 0(r5)
	call puthex
	addi r4, r4, 1
	cmpi r4, NSPACES
	blt 1b
	call newline
	li r4, 0
2:	shli r5, r4, 12
	li r6, SF
	add r5, r5, r6
	ldw r1, 0(r5)
	ldw r6, 0x1004(r5)
	add r1, r1, r6
	ldw r6, 0x2008(r5)
	add r1, r1, r6
	ldw r6, 0x300c(r5)
	add r1, r1, r6
	call puthex
	addi r4, r4, 1
	cmpi r4, 8
	blt 2b
	call newline
	pop lr
	ret

	.equ pf_fix, no_hook

	.data
	.align 4
cur:
	.word 0
writing:
	.word 0

	.text
	.org UCODE
; At VA 0 in every space. Each round counts in the space's own page and
; adds to a word of each of slots 1..23 (VA k << 22 + (k & 3) << 12 + 4k).
u_main:
1:	ldw r5, 0x1000(r0)
	addi r5, r5, 1
	stw r5, 0x1000(r0)
	add r10, r10, r5
	li r6, NSLOTS - 1
2:	shli r7, r6, 22
	andi r4, r6, 3
	shli r4, r4, 12
	add r7, r7, r4
	shli r4, r6, 2
	add r7, r7, r4
	ldw r4, 0(r7)
	add r4, r4, r5
	stw r4, 0(r7)
	add r8, r8, r4
	addi r6, r6, -1
	bnez r6, 2b
	addi r9, r9, 1
	andi r4, r9, 7
	bnez r4, 3f
	sys 1                   ; every eighth round: the kernel picks a space
	mfsr r11, ptb           ; (privileged: PRIV, skipped)
3:	cmpi r9, 120
	blt 1b
	sys 0
	.align 4096
