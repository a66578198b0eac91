; tests/vmm/pt_onoff.s: paging turned on and off, over and over. The same
; user routine runs paged (its code, data and table mapped at VA 0, 0x1000
; and 0x2000) and unpaged (relocated by base and limit over the code page,
; a data page and the table itself), so with paging off the user writes
; its page table directly, through the relocation window, with nothing to
; trace it; with paging on it writes the same table through its mapping.
; Between rounds the kernel changes the table while paging is off, flips
; the paging bit several times without entering user mode, and switches
; between two directories that share the table. Each round must see
; exactly the mappings the bare machine would walk at that moment.

	.equ TICK, 53
	.equ MAX_TRAPS, 30000
	.include "ptkern.inc"

	.equ UCODE, 0x8000      ; relocated: base UCODE, limit 0x3000, so
	.equ RELDATA, 0x9000    ;   VA 0x1000 is RELDATA
	.equ PT, 0xa000         ;   and VA 0x2000 is the table
	.equ PD, 0x10000
	.equ PD2, 0x11000
	.equ PDATA1, 0x12000
	.equ PDATA2, 0x13000
	.equ ROUNDS, 48

setup:
	li r1, PD
	li r2, PT | V
	stw r2, 0(r1)
	li r1, PD2
	stw r2, 0(r1)
	li r1, PT
	li r2, UCODE | V | U
	stw r2, 0(r1)
	li r2, PDATA1 | VUW
	stw r2, 4(r1)
	li r2, PT | VUW
	stw r2, 8(r1)
	li r1, UCODE
	mtsr base, r1
	li r1, 0x3000
	mtsr limit, r1
	ret

phases:
	.word ph_onoff, ph_onoff, 0

ph_onoff:
	la r1, round
	stw zero, 0(r1)
	li r1, PD | 1
	mtsr ptb, r1
	li r1, 0
	b enter_user

; sys 1: a round is over; change the machine for the next one.
on_syscall:
	la r2, round
	ldw r1, 0(r2)
	addi r1, r1, 1
	stw r1, 0(r2)
	cmpi r1, ROUNDS
	blt 1f
	li r1, 1                ; enough: the phase ends
	ret
1:	li r3, PT
	mfsr r4, ptb
	andi r5, r4, 1
	bnez r5, 2f
	; Paging is off: change VA 0x3000's entry behind everyone's back,
	; then turn paging on through one of the two directories.
	andi r5, r1, 6
	li r6, PDATA2 | VUW
	beqz r5, 3f
	li r6, 0
3:	stw r6, 12(r3)
	andi r5, r1, 4
	li r4, PD | 1
	beqz r5, 4f
	li r4, PD2 | 1
4:	mtsr ptb, r4
	li r1, 0
	ret
2:	; Paging is on: off, on, off (the last one counts), or stay on
	; but through the other directory.
	andi r5, r1, 8
	bnez r5, 5f
	mtsr ptb, zero
	mtsr ptb, r4
	li r5, ~1
	and r4, r4, r5
	mtsr ptb, r4
	li r1, 0
	ret
5:	li r5, PD ^ PD2
	xor r4, r4, r5
	mtsr ptb, r4
	li r1, 0
	ret

tick:
	; A tick while paging is on: clear A and D of the data page's entry.
	mfsr r1, ptb
	andi r1, r1, 1
	beqz r1, 1f
	li r3, PT
	ldw r4, 4(r3)
	li r5, ~(A | D)
	and r4, r4, r5
	stw r4, 4(r3)
1:	ret

	.equ pf_fix, no_hook

report:
	la r4, reported
	b put_words

	.data
	.align 4
round:
	.word 0
reported:
	.word PT + 4, PT + 8, PT + 12, RELDATA, PDATA1, PDATA2, -1

	.text
	.org UCODE
; At VA 0, paged or relocated alike.
u_round:
	ldw r5, 0x1000(r0)      ; PDATA1/PDATA2 paged, RELDATA relocated
	addi r5, r5, 1
	stw r5, 0x1000(r0)
	add r8, r8, r5
	ldw r6, 0x2004(r0)      ; the table's entry for VA 0x1000
	add r9, r9, r6
	li r7, PDATA1 ^ PDATA2  ; flip it, through the table's mapping or
	xor r6, r6, r7          ;   the relocation window
	li r7, ~(A | D)
	and r6, r6, r7
	stw r6, 0x2004(r0)
	li r7, 25               ; a while, for the timer to tick
1:	addi r7, r7, -1
	bnez r7, 1b
	ldw r5, 0x1000(r0)      ; paged: the other frame
	add r10, r10, r5
	ldw r5, 0x3000(r0)      ; paged: PDATA2 or not present (skipped);
	add r11, r11, r5        ;   relocated: past the limit (BOUNDS, skipped)
	sys 1
	b u_round
	.org UCODE + 0x3000     ; RELDATA and PT are the window's: no kernel data there
