; tests/vmm/pt_alias.s: user code and data whose pages share a TLB entry.
; The TLB is direct-mapped by virtual page number (256 entries), so VA 0
; (the code) and VA 0x100000 and 0x400000 (the data) compete for entry 0.
; A load that missed was once run again from the loop's resync, whose
; walk of the code page evicted the load's entry again: the machine hung
; without retiring an instruction (the regression of cpu/mmu.c's
; fill_entry). Each load must retire, bare and under every monitor.

	.equ TICK, 0
	.equ MAX_TRAPS, 16
	.include "ptkern.inc"

	.equ UCODE, 0x8000
	.equ PD, 0x10000
	.equ PT0, 0x11000
	.equ PT1, 0x12000
	.equ DATA1, 0x13000
	.equ DATA2, 0x14000

setup:
	li r1, PD
	li r2, PT0 | V
	stw r2, 0(r1)
	li r2, PT1 | V
	stw r2, 4(r1)
	li r1, PT0
	li r2, UCODE | V | U
	stw r2, 0(r1)
	li r2, DATA1 | VUW
	stw r2, 0x400(r1)       ; VA 0x100000
	li r1, PT1
	li r2, DATA2 | VUW
	stw r2, 0(r1)           ; VA 0x400000
	li r1, DATA1
	li r2, 3
	stw r2, 0(r1)
	li r1, DATA2
	li r2, 5
	stw r2, 0(r1)
	ret

phases:
	.word ph_alias, 0

ph_alias:
	li r1, PD | 1
	mtsr ptb, r1
	li r1, 0
	b enter_user

	.equ report, no_hook
	.equ tick, no_hook
	.equ on_syscall, no_hook
	.equ pf_fix, no_hook

	.org UCODE
	lui r6, 0x10            ; VA 0x100000
	lui r7, 0x40            ; VA 0x400000
	li r12, 100
1:	ldw r5, 0(r6)
	add r8, r8, r5
	ldw r5, 0(r7)
	add r9, r9, r5
	stw r8, 4(r6)
	stw r9, 4(r7)
	addi r12, r12, -1
	bnez r12, 1b
	ldw r10, 4(r6)
	ldw r11, 4(r7)
	sys 0
	.align 4096
