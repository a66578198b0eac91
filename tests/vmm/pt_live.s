; tests/vmm/pt_live.s: page tables written while they are in use, by the
; kernel at every timer tick (mid-loop, at instruction counts no monitor can
; foresee) and by the user through a writable mapping of its own table.
; The tick takes the data page's write access away, clears its accessed and
; dirty bits, unmaps it, swaps its frame, swaps a directory entry between
; two tables, takes away the user's write access to its own table, and
; swaps the frame of the very code page the user is running in for a copy
; that differs in one instruction. Faults are mended by the kernel and the
; access retried. On the bare machine every change takes effect at the
; next access (ISA.md section 12); each monitor must give the same sums.

	.equ TICK, 41
	.equ MAX_TRAPS, 30000
	.include "ptkern.inc"

	.equ UCODE, 0x8000
	.equ UCODE2, 0x9000
	.equ PD, 0x10000
	.equ PT0, 0x11000
	.equ PTX, 0x12000
	.equ PTY, 0x13000
	.equ F0, 0x14000
	.equ F1, 0x15000
	.equ F2, 0x16000
	.equ F3, 0x17000
	.equ G, 0x18000

setup:
	li r1, PD
	li r2, PT0 | V
	stw r2, 0(r1)
	li r2, PTX | V
	stw r2, 4(r1)
	li r1, PT0
	li r2, UCODE | V | U
	stw r2, 0(r1)
	li r2, F0 | VUW
	stw r2, 4(r1)           ; VA 0x1000: the data page the tick plays with
	li r2, PT0 | VUW
	stw r2, 8(r1)           ; VA 0x2000: the table itself
	li r2, F2 | VUW
	stw r2, 12(r1)          ; VA 0x3000: the user remaps it
	li r1, PTX
	li r2, G | VUW
	stw r2, 0(r1)           ; VA 0x400000 through PTX
	li r1, PTY
	li r2, F3 | VUW
	stw r2, 0(r1)           ; or through PTY
	ret

phases:
	.word ph_loop, ph_loop, 0

ph_loop:
	li r1, PD | 1
	mtsr ptb, r1
	li r1, 0
	b enter_user

; The tick: one change to the tables in use, chosen by the tick's number.
tick:
	la r2, tickn
	ldw r1, 0(r2)
	addi r1, r1, 1
	stw r1, 0(r2)
	li r3, PT0
	ldw r4, 4(r3)           ; the data page's entry
	andi r5, r1, 7
	cmpi r5, 0
	bne 1f
	li r6, F0 ^ F1          ; swap its frame
	xor r4, r4, r6
	b 8f
1:	cmpi r5, 1
	bne 2f
	li r6, ~W               ; read-only: the next store faults
	and r4, r4, r6
	b 8f
2:	cmpi r5, 2
	bne 3f
	li r6, ~(A | D)         ; as a kernel's page scanner clears them
	and r4, r4, r6
	b 8f
3:	cmpi r5, 3
	bne 4f
	li r4, 0                ; unmapped: the next access faults
	b 8f
4:	cmpi r5, 4
	bne 5f
	li r3, PD               ; the directory entry of VA 0x400000
	ldw r4, 4(r3)
	li r6, PTX ^ PTY
	xor r4, r4, r6
	stw r4, 4(r3)
	ret
5:	cmpi r5, 5
	bne 6f
	ldw r4, 8(r3)           ; the user's mapping of its table: read-only
	li r6, ~W
	and r4, r4, r6
	stw r4, 8(r3)
	ret
6:	cmpi r5, 6
	bne 7f
	ldw r4, 0(r3)           ; the code page: the other copy
	li r6, UCODE ^ UCODE2
	xor r4, r4, r6
	stw r4, 0(r3)
	ret
7:	tlbflush                ; changes nothing
	li r6, 0x1000
	tlbinv r6
	ret
8:	stw r4, 4(r3)
	ret

; A fault the tick caused: mend it and retry.
pf_fix:
	mfsr r1, detail
	li r2, 0xfffff000
	and r1, r1, r2
	li r3, PT0
	cmpi r1, 0x1000
	bne 1f
	ldw r4, 4(r3)
	andi r5, r4, V
	bnez r5, 2f
	li r4, F0 | VUW         ; it was unmapped
	b 3f
2:	ori r4, r4, W           ; it was read-only
3:	stw r4, 4(r3)
	li r1, 1
	ret
1:	cmpi r1, 0x2000
	bne 4f
	ldw r4, 8(r3)
	ori r4, r4, W
	stw r4, 8(r3)
	li r1, 1
	ret
4:	li r1, 0
	ret

report:
	la r4, reported
	b put_words

	.equ on_syscall, no_hook

; The user's loop, assembled twice: the copy in UCODE2 adds 2 where this
; one adds 1, so the sums say exactly when each swap took effect.
.macro user_loop inc
	li r12, 300
1:	ldw r5, 0x1000(r0)      ; the tick may have unmapped or moved it
	addi r5, r5, \inc
	stw r5, 0x1000(r0)      ; or made it read-only
	add r8, r8, r5
	andi r6, r12, 1         ; remap VA 0x3000 through our own table:
	shli r6, r6, 12         ;   F1 or F2, by turns
	li r7, F1 | VUW
	add r6, r6, r7
	stw r6, 0x200c(r0)      ; (the tick may have made the table read-only)
	ldw r7, 0x3000(r0)
	addi r7, r7, 3
	stw r7, 0x3000(r0)
	add r9, r9, r7
	lui r6, 0x40
	ldw r7, 0(r6)           ; G or F3, as the tick swapped PD[1]
	add r10, r10, r7
	addi r7, r7, 5
	stw r7, 0(r6)
	ldw r7, 0x2004(r0)      ; the data page's entry, A and D as they stand
	add r11, r11, r7
	addi r12, r12, -1
	bnez r12, 1b
	sys 0
.endm

	.data
	.align 4
tickn:
	.word 0
reported:
	.word PT0, PT0 + 4, PT0 + 8, PT0 + 12, PD + 4, -1

	.text
	.org UCODE
	user_loop 1
	.org UCODE2
	user_loop 2
	.align 4096
