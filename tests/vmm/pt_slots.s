; tests/vmm/pt_slots.s: one address space using more directory slots than
; a shadowing monitor's pool has pages for its shadow tables. The
; directory's 200 slots all name one table, which maps a data page first
; in each; the user loads from each slot in turn, twice over. A monitor
; that keeps a shadow table per slot must find room by dropping some, not
; fault for ever.

	.equ TICK, 0
	.equ MAX_TRAPS, 16
	.include "ptkern.inc"

	.equ UCODE, 0x8000
	.equ PD, 0x10000
	.equ PT, 0x11000
	.equ DATA, 0x12000
	.equ NSLOTS, 200

setup:
	li r1, PD
	li r2, PT | V
	li r3, NSLOTS
1:	stw r2, 0(r1)
	addi r1, r1, 4
	addi r3, r3, -1
	bnez r3, 1b
	li r1, PT
	li r2, DATA | VUW
	stw r2, 0(r1)           ; VA k << 22: DATA, for every slot k
	li r2, UCODE | V | U
	stw r2, 4(r1)           ; VA k << 22 + 0x1000: the code
	li r1, DATA
	li r2, 7
	stw r2, 0(r1)
	ret

phases:
	.word ph_slots, 0

ph_slots:
	li r1, PD | 1
	mtsr ptb, r1
	li r1, 0x1000
	b enter_user

	.equ report, no_hook
	.equ tick, no_hook
	.equ on_syscall, no_hook
	.equ pf_fix, no_hook

	.org UCODE
	li r12, 2
1:	li r6, NSLOTS - 1
2:	shli r7, r6, 22
	ldw r5, 0(r7)
	add r8, r8, r5
	addi r5, r5, 1
	stw r5, 0(r7)
	addi r6, r6, -1
	bgez r6, 2b
	addi r12, r12, -1
	bnez r12, 1b
	sys 0
	.align 4096
