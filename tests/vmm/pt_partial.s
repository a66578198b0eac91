; tests/vmm/pt_partial.s: page tables in the last page of a memory whose
; size is not a multiple of 4 KiB (the test runs it at 1 MiB + 2 KiB and
; other such sizes). A monitor's physical map leaves such a page out (its
; tail is not the guest's), so every access to it must be emulated. First
; the directory lives there, then a table; the timer changes their entries
; while they are in use; the user walks through them, maps the partial
; page itself (a page lying partly outside memory: a fault, pfinfo B),
; reaches for the entries past the end of memory (B again), and rewrites
; another table, in use, through a mapping the last page's table gives it.
; The kernel reads and writes the last word of memory and the one after.

	.equ TICK, 37
	.equ MAX_TRAPS, 30000
	.include "ptkern.inc"

	.equ UCODE, 0x8000
	.equ PD, 0x10000
	.equ PT, 0x11000
	.equ PT2, 0x12000
	.equ DATA, 0x13000
	.equ DATA2, 0x14000
	.equ DATA3, 0x15000

setup:
	; last = the page holding the end of memory; partial = its bytes.
	mfsr r1, memsize
	li r2, 0xfff
	and r3, r1, r2
	li r2, 0x1000
	bnez r3, 1f
	mov r3, r2              ; a whole last page
1:	sub r4, r1, r3
	la r5, last
	stw r4, 0(r5)
	la r5, partial
	stw r3, 0(r5)
	li r1, PT
	li r2, UCODE | V | U
	stw r2, 0(r1)
	li r2, DATA | VUW
	stw r2, 4(r1)
	ori r2, r4, VUW
	stw r2, 8(r1)           ; VA 0x2000: the last page itself
	li r2, 0x1000
	sub r2, r4, r2
	ori r2, r2, VUW
	stw r2, 12(r1)          ; VA 0x3000: the whole page below it
	li r1, PT2
	li r2, DATA2 | VUW
	stw r2, 0(r1)
	ret

phases:
	.word ph_dir_last, ph_table_last, ph_through_last, ph_kernel, 0

ph_dir_last:
	; The directory in the last page: VA 0 through PT, 0x400000 through
	; PT2 (the tick takes that entry away and gives it back).
	la r1, mode
	stw zero, 0(r1)
	la r1, last
	ldw r1, 0(r1)
	li r2, PT | V
	stw r2, 0(r1)
	li r2, PT2 | V
	stw r2, 4(r1)
	ori r1, r1, 1
	mtsr ptb, r1
	; r3: the first address whose directory entry lies past memory.
	la r3, partial
	ldw r3, 0(r3)
	shri r3, r3, 2
	shli r3, r3, 22
	li r1, 0
	b enter_user

ph_table_last:
	; A table in the last page: VA 0x400000.. through it.
	la r1, mode
	li r2, 1
	stw r2, 0(r1)
	la r4, last
	ldw r4, 0(r4)
	li r1, PD
	li r2, PT | V
	stw r2, 0(r1)
	ori r2, r4, V
	stw r2, 4(r1)
	li r2, DATA2 | VUW
	stw r2, 0(r4)
	li r2, DATA3 | VUW
	stw r2, 4(r4)
	li r1, PD | 1
	mtsr ptb, r1
	; r3: the first address of that table's entries past memory.
	la r3, partial
	ldw r3, 0(r3)
	shri r3, r3, 2
	shli r3, r3, 12
	lui r2, 0x40
	add r3, r3, r2
	li r1, 0
	b enter_user

ph_through_last:
	; The table in the last page maps slot 0's table, writable, at VA
	; 0x402000: the user rewrites the entry of a page it uses (VA 0x1000)
	; through it, and must see the change at its next access.
	la r4, last
	ldw r4, 0(r4)
	li r2, PT | VUW
	stw r2, 8(r4)
	la r1, u_through - UCODE
	b enter_user

ph_kernel:
	; The kernel, unmapped: the last word is memory, the next is not.
	mfsr r2, memsize
	ldw r8, -4(r2)
	addi r8, r8, 1
	stw r8, -4(r2)
	ldw r9, 0(r2)
	stw r9, 0(r2)
	la r2, last
	ldw r2, 0(r2)
	ldw r10, 0(r2)
	b phase_over

; The tick changes the entry at index 1 of the last page (the directory's
; slot for 0x400000, or the table's entry for 0x401000), and clears A and
; D of its entry 0.
tick:
	la r3, last
	ldw r3, 0(r3)
	la r1, mode
	ldw r1, 0(r1)
	ldw r4, 4(r3)
	bnez r1, 1f
	li r5, PT2 | V          ; directory: present or not, by turns
	xor r4, r4, r5
	b 2f
1:	li r5, DATA2 ^ DATA3    ; table: the other frame
	xor r4, r4, r5
2:	stw r4, 4(r3)
	ldw r4, 0(r3)
	li r5, ~(A | D)
	and r4, r4, r5
	stw r4, 0(r3)
	ret

	.equ pf_fix, no_hook
	.equ on_syscall, no_hook

report:
	; The last page's first two entries, then the data pages.
	la r4, reported
	la r1, last
	ldw r1, 0(r1)
	stw r1, 0(r4)
	addi r1, r1, 4
	stw r1, 4(r4)
	b put_words

	.data
	.align 4
last:
	.word 0
partial:
	.word 0
mode:
	.word 0
reported:
	.word 0, 0, DATA, DATA2, DATA3, -1

	.text
	.org UCODE
; At VA 0. r3: an address whose walk reads past memory.
u_main:
	ldw r5, 0x2000(r0)      ; the last page, mapped: partly outside (B)
	stw r5, 0x2000(r0)      ; (B, W)
	ldw r5, 0(r3)           ; an entry past memory (B)
	li r12, 60
1:	ldw r5, 0x1000(r0)
	addi r5, r5, 1
	stw r5, 0x1000(r0)
	add r8, r8, r5
	ldw r5, 0x3ffc(r0)      ; the last word of the last whole page
	addi r5, r5, 3
	stw r5, 0x3ffc(r0)
	add r9, r9, r5
	lui r6, 0x40
	ldw r5, 0(r6)           ; through the last page's entries: the tick
	addi r5, r5, 5          ;   changes them (not present: skipped)
	stw r5, 0(r6)
	add r10, r10, r5
	ldw r5, 0x1000(r6)
	add r11, r11, r5
	addi r12, r12, -1
	bnez r12, 1b
	sys 0

; VA 0x402000 is slot 0's table: flip VA 0x1000 between DATA and DATA2.
u_through:
	lui r6, 0x40
	li r7, DATA ^ DATA2
	li r12, 40
1:	ldw r5, 0x1000(r0)      ; (its translation cached by now)
	add r8, r8, r5
	ldw r5, 0x2004(r6)      ; its entry, read through the last page's table
	add r9, r9, r5
	xor r5, r5, r7
	stw r5, 0x2004(r6)      ; the other frame from the next access on
	ldw r5, 0x1000(r0)
	add r10, r10, r5
	addi r5, r5, 1
	stw r5, 0x1000(r0)
	addi r12, r12, -1
	bnez r12, 1b
	sys 0
	.align 4096
