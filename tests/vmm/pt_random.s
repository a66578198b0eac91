; tests/vmm/pt_random.s: shadow coherence under random page-table changes.
; A kernel that builds its tables from a seeded generator (the seed is the
; word at SEED_AT, which the test writes) and runs a user program of random
; loads and stores over them. At every timer tick, and every 32 user
; operations, the kernel makes a random change: an entry remapped (to a
; frame, to a table or to a directory, so the user's random stores rewrite
; tables too), W or U flipped, A and D read and cleared, a directory entry
; replaced, another address space, a TLB flush, paging off for a tick. A
; fault is mended at random (a fresh entry, and the access retried) or
; skipped. Whatever the seed, every monitor must show the guest exactly
; what the bare machine does: the same faults, sums and memory.

	.equ TICK, 29
	.equ MAX_TRAPS, 200
	.include "ptkern.inc"

	.equ SEED_AT, 0x7f00
	.equ UCODE, 0x8000
	.equ PDS, 0x10000       ; 3 directories
	.equ TBS, 0x18000       ; 6 tables
	.equ FRS, 0x20000       ; 16 frames
	.equ POOL_END, 0x30000
	.equ NOPS, 400

setup:
	li r1, SEED_AT
	ldw r1, 0(r1)
	bnez r1, 1f
	li r1, 1                ; xorshift needs a state other than 0
1:	la r2, rng
	stw r1, 0(r2)
	ret

phases:
	.word ph_random, ph_random, ph_random, ph_random
	.word ph_random, ph_random, ph_random, ph_random, 0

; rand: r1 = the next number (xorshift32); clobbers r2.
rand:
	la r2, rng
	ldw r1, 0(r2)
	shli r2, r1, 13
	xor r1, r1, r2
	shri r2, r1, 17
	xor r1, r1, r2
	shli r2, r1, 5
	xor r1, r1, r2
	la r2, rng
	stw r1, 0(r2)
	ret

; pick: r1 = r2 + 4096 * (r1 % r3): one of the r3 pages from r2.
pick:
	remu r1, r1, r3
	shli r1, r1, 12
	add r1, r1, r2
	ret

; random_table: r1 = a random table, as a directory entry (V).
random_table:
	push lr
	call rand
	li r2, TBS | V
	li r3, 6
	call pick
	pop lr
	ret

; random_entry: r1 = a random table entry: a frame (3 in 4), a table or a
; directory, valid (15 in 16), user (7 in 8), writable (1 in 2), A and D
; at random. Clobbers r2..r5.
random_entry:
	push lr
	call rand
	mov r4, r1
	andi r5, r4, 7
	shri r1, r4, 3
	li r2, FRS              ; a frame,
	li r3, 16
	cmpi r5, 6
	blt 1f
	li r2, TBS              ; a table
	li r3, 6
	beq 1f
	li r2, PDS              ; or a directory
	li r3, 3
1:	call pick
	mov r5, r1
	shri r1, r4, 8
	andi r2, r1, 15
	beqz r2, 5f
	ori r5, r5, V
5:	andi r2, r1, 0x70
	beqz r2, 6f
	ori r5, r5, U
6:	andi r2, r1, 0x80
	beqz r2, 7f
	ori r5, r5, W
7:	shri r1, r4, 16
	andi r1, r1, A | D
	or r1, r5, r1
	pop lr
	ret

; random_slot: r1 = the address of entry 1..7 of a random table.
random_slot:
	push lr
	call rand
	mov r4, r1
	li r2, TBS
	li r3, 6
	call pick
	shri r4, r4, 8
	li r3, 7
	remu r4, r4, r3
	addi r4, r4, 1
	shli r4, r4, 2
	add r1, r1, r4
	pop lr
	ret

; use_space: ptb = a random directory, paging on.
use_space:
	push lr
	call rand
	li r2, PDS | 1
	li r3, 3
	call pick
	mtsr ptb, r1
	pop lr
	ret

ph_random:
	; The tables from the generator: each table maps the code at its entry
	; 0 and random pages at 1..7; each directory two random tables.
	li r6, 0
1:	shli r7, r6, 12
	li r1, TBS
	add r7, r7, r1
	li r1, UCODE | V | U
	stw r1, 0(r7)
	li r8, 1
2:	call random_entry
	shli r2, r8, 2
	add r2, r7, r2
	stw r1, 0(r2)
	addi r8, r8, 1
	cmpi r8, 8
	blt 2b
	addi r6, r6, 1
	cmpi r6, 6
	blt 1b
	li r6, 0
3:	shli r7, r6, 12
	li r1, PDS
	add r7, r7, r1
	li r8, 0
4:	shli r2, r8, 2
	add r2, r7, r2
	stw zero, 0(r2)
	addi r8, r8, 1
	cmpi r8, 1024
	blt 4b
	call random_table
	stw r1, 0(r7)
	call random_table
	stw r1, 4(r7)
	addi r6, r6, 1
	cmpi r6, 3
	blt 3b
	call use_space
	la r1, paging_off
	stw zero, 0(r1)
	call rand
	mov r12, r1             ; the user's own generator
	li r1, 0
	b enter_user

; A random change to the tables (the tick, and sys 2).
change:
	push lr
	la r2, paging_off
	ldw r1, 0(r2)
	beqz r1, 1f
	stw zero, 0(r2)         ; paging was off for a tick: on again
	mfsr r1, ptb
	ori r1, r1, 1
	mtsr ptb, r1
1:	call rand
	andi r1, r1, 7
	cmpi r1, 2
	blt c_remap
	beq c_flip
	cmpi r1, 4
	blt c_clear
	beq c_pde
	cmpi r1, 6
	blt c_space
	beq c_tlb
	b c_off
c_remap:
	call random_slot
	mov r6, r1
	call random_entry
	stw r1, 0(r6)
	b c_done
c_flip:
	call random_slot
	mov r6, r1
	call rand
	andi r1, r1, 1
	li r2, W
	beqz r1, 2f
	li r2, U
2:	ldw r1, 0(r6)
	xor r1, r1, r2
	stw r1, 0(r6)
	b c_done
c_clear:
	; Fold the entry's A and D into the kernel's sum, then clear them.
	call random_slot
	mov r6, r1
	ldw r1, 0(r6)
	andi r2, r1, A | D
	la r3, kacc
	ldw r4, 0(r3)
	muli r4, r4, 31
	add r4, r4, r2
	stw r4, 0(r3)
	li r2, ~(A | D)
	and r1, r1, r2
	stw r1, 0(r6)
	b c_done
c_pde:
	call rand
	mov r6, r1
	li r2, PDS
	li r3, 3
	call pick
	mov r7, r1
	andi r2, r6, 0x100
	beqz r2, 3f
	addi r7, r7, 4          ; slot 1, else slot 0
3:	call random_table
	stw r1, 0(r7)
	b c_done
c_space:
	call use_space
	b c_done
c_tlb:
	call rand
	tlbinv r1
	tlbflush
	b c_done
c_off:
	; Paging off until the next change: the user is relocated over its
	; code page, so its data accesses fault BOUNDS.
	mfsr r1, ptb
	li r2, ~1
	and r1, r1, r2
	mtsr ptb, r1
	li r1, UCODE
	mtsr base, r1
	li r1, 0x1000
	mtsr limit, r1
	la r2, paging_off
	li r1, 1
	stw r1, 0(r2)
c_done:
	pop lr
	ret

tick:
	push lr
	call change
	pop lr
	ret

on_syscall:
	push lr
	call change
	pop lr
	li r1, 0
	ret

; A page fault: skipped (1 in 4), or mended with a fresh valid, user,
; writable entry (and a table, if the directory entry was empty) and
; retried; entry 0 of a table (the code's, in every table) gets the code
; back. Only tables the kernel made are mended: a directory entry the
; user scribbled may point anywhere.
pf_fix:
	push lr
	call rand
	andi r1, r1, 3
	beqz r1, 9f
	mfsr r6, detail
	mfsr r7, ptb
	li r2, 0xfffff000
	and r7, r7, r2
	shri r1, r6, 22
	shli r1, r1, 2
	add r7, r7, r1          ; the directory entry's address
	ldw r1, 0(r7)
	andi r2, r1, V
	bnez r2, 1f
	call random_table
	stw r1, 0(r7)
1:	li r2, 0xfffff000
	and r1, r1, r2          ; the table
	li r2, PDS
	cmp r1, r2
	bltu 9f
	li r2, POOL_END
	cmp r1, r2
	bgeu 9f
	shri r2, r6, 12
	andi r2, r2, 0x3ff
	shli r2, r2, 2
	add r7, r1, r2          ; the table entry's address
	li r1, 0xffc
	and r1, r7, r1
	bnez r1, 2f
	li r1, UCODE | V | U    ; entry 0 of every table is the code's:
	stw r1, 0(r7)           ;   it gets the code back, and a store
	mfsr r1, pfinfo         ;   to it is skipped
	andi r1, r1, PF_W
	xori r1, r1, PF_W
	pop lr
	ret
2:	call random_entry       ; any other: a fresh entry
	ori r1, r1, VUW
	stw r1, 0(r7)
	li r1, 1
	pop lr
	ret
9:	li r1, 0
	pop lr
	ret

report:
	la r4, reported
	b put_words

	.data
	.align 4
rng:
	.word 0
kacc:
	.word 0
paging_off:
	.word 0
reported:
	.word kacc, rng, -1

	.text
	.org UCODE
; At VA 0. r12: the generator; r8: a sum of what was loaded; r9, r10:
; loads and stores made; r11: operations. Each operation picks a page of
; slots 0 and 1 (pages 0..7; slot 0's page 0 is this code) and a word.
u_main:
1:	shli r5, r12, 13
	xor r12, r12, r5
	shri r5, r12, 17
	xor r12, r12, r5
	shli r5, r12, 5
	xor r12, r12, r5
	shri r6, r12, 12
	andi r6, r6, 7          ; the page
	shri r7, r12, 20
	andi r7, r7, 1          ; the slot
	or r5, r6, r7
	bnez r5, 2f
	li r6, 1
2:	shli r6, r6, 12
	shli r7, r7, 22
	or r6, r6, r7
	andi r7, r12, 0xffc
	or r6, r6, r7           ; the address
	shri r5, r12, 24
	andi r5, r5, 3
	cmpi r5, 2
	bge 3f
	ldw r7, 0(r6)           ; 0, 1: a load
	muli r8, r8, 31
	add r8, r8, r7
	addi r9, r9, 1
	b 5f
3:	bgt 4f
	shri r7, r12, 26        ; 2: a store of an entry-like word
	andi r7, r7, 15
	shli r7, r7, 12
	li r5, FRS
	add r7, r7, r5
	shri r5, r12, 15
	andi r5, r5, 0x1f
	or r7, r7, r5
	stw r7, 0(r6)
	addi r10, r10, 1
	b 5f
4:	stw r8, 0(r6)           ; 3: a store of the sum
	addi r10, r10, 1
5:	addi r11, r11, 1
	andi r5, r11, 31
	bnez r5, 6f
	sys 2                   ; the kernel's turn
6:	cmpi r11, NOPS
	blt 1b
	sys 0
	.align 4096
