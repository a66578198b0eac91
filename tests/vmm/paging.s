; tests/vmm/paging.s: a small paged kernel that gives a monitor every hard
; case of ISA.md section 12, one phase at a time, and prints what it sees.
; Run under every mode, the guest must see exactly what the bare machine
; shows it (tests/vmm_paging_test.c compares): demand-zero faults (hidden
; and true), a write to a read-only page made writable, two address spaces
; and switches between them, the kernel rewriting an entry, a directory
; entry and the accessed and dirty bits, user code writing its own page
; table through a mapping of it, a page closed to user mode, paging turned
; off, and a timer ticking through it all.
;
; Guest-physical memory: the kernel at 0, two page directories and tables,
; frames for data, and free frames from FREE up for demand-zero pages.

	.equ PD_A, 0x10000
	.equ PT_A, 0x11000
	.equ PD_B, 0x12000
	.equ PT_B, 0x13000
	.equ DATA_A, 0x14000
	.equ DATA_B, 0x15000
	.equ RO_PAGE, 0x16000
	.equ ALT, 0x17000
	.equ FREE, 0x18000
	.equ UVA_DATA, 0x1000
	.equ UVA_RO, 0x2000
	.equ UVA_DEMAND, 0x3000
	.equ UVA_PT, 0x5000
	.equ UVA_SUP, 0x6000
	.equ V, 1
	.equ W, 2
	.equ U, 4
	.equ A, 8
	.equ D, 16
	.equ TICK, 37

	.text
reset:
	la r1, trap_entry
	mtsr tvec, r1
	la sp, kstack_top
	la r1, s_banner
	call puts
	; Space A: code, data, a read-only page, its own table, a supervisor page.
	li r1, PD_A
	li r2, PT_A | V
	stw r2, 0(r1)
	li r1, PT_A
	la r2, user_code
	ori r2, r2, V | U
	stw r2, 0(r1)
	li r2, DATA_A | V | U | W
	stw r2, 4(r1)
	li r2, RO_PAGE | V | U
	stw r2, 8(r1)
	li r2, PT_A | V | U | W
	stw r2, 20(r1)
	li r2, DATA_B | V | W
	stw r2, 24(r1)
	; Space B: the same code, its own data, the read-only page.
	li r1, PD_B
	li r2, PT_B | V
	stw r2, 0(r1)
	li r1, PT_B
	la r2, user_code
	ori r2, r2, V | U
	stw r2, 0(r1)
	li r2, DATA_B | V | U | W
	stw r2, 4(r1)
	li r2, RO_PAGE | V | U
	stw r2, 8(r1)
	li r1, FREE
	la r2, next_free
	stw r1, 0(r2)
	li r1, TICK
	mtsr timer, r1
	li r1, 0
	la r2, phase
	stw r1, 0(r2)
	b run_phase

; run_phase: set up phase `phase` and enter user mode at VA 0.
run_phase:
	la r2, phase
	ldw r1, 0(r2)
	la r3, phases
	shli r4, r1, 2
	add r3, r3, r4
	ldw r3, 0(r3)
	jr r3

phases:
	.word ph_a, ph_b, ph_a, ph_remap, ph_unmap, ph_self, ph_sup, ph_ad, ph_pde, ph_off, finish

ph_a:
	li r1, PD_A | 1
	mtsr ptb, r1
	li r9, 0
	b enter_user
ph_b:
	li r1, PD_B | 1
	mtsr ptb, r1
	li r9, 0
	b enter_user
ph_remap:
	; The kernel points A's data page at ALT: seen at the next user entry.
	li r1, PT_A
	li r2, ALT | V | U | W
	stw r2, 4(r1)
	li r1, PD_A | 1
	mtsr ptb, r1
	tlbinv r0
	li r9, 0
	b enter_user
ph_unmap:
	; The demand page goes: the next touch faults and gets a fresh one.
	li r1, PT_A
	stw zero, 12(r1)
	li r9, 0
	b enter_user
ph_self:
	; User code rewrites its own table: 0x1000 to DATA_A again, through
	; the mapping of PT_A at UVA_PT; its next load must see DATA_A.
	li r9, 1
	b enter_user
ph_sup:
	; A page without U: the user's load faults (protection) and is skipped.
	li r9, 2
	b enter_user
ph_ad:
	; The kernel clears A and D on the data page's entry.
	li r1, PT_A
	ldw r2, 4(r1)
	li r3, ~(A | D)
	and r2, r2, r3
	stw r2, 4(r1)
	tlbflush
	li r9, 0
	b enter_user
ph_pde:
	; A's directory now points at B's table: A looks like B.
	li r1, PD_A
	li r2, PT_B | V
	stw r2, 0(r1)
	li r9, 0
	b enter_user
ph_off:
	; Paging off: user mode is relocated by base and limit again.
	li r1, PD_A
	mtsr ptb, r1
	la r1, user_code
	mtsr base, r1
	li r1, 0x1000
	mtsr limit, r1
	li r9, 3
	b enter_user

enter_user:
	li r1, 0
	mtsr epc, r1
	li r1, PSW_IE
	mtsr epsw, r1
	rfe

; The trap vector: system calls end a phase, page faults are served,
; the timer ticks, anything else is printed and skipped.
trap_entry:
	; Save what the handlers use: r1..r7 and lr.
	mtsr scratch, r1
	la r1, saved
	stw r2, 4(r1)
	stw r3, 8(r1)
	stw r4, 12(r1)
	stw r5, 16(r1)
	stw r6, 20(r1)
	stw r7, 24(r1)
	stw lr, 28(r1)
	mfsr r2, scratch
	stw r2, 0(r1)
	mfsr r1, cause
	cmpi r1, CAUSE_TIMER
	beq on_tick
	cmpi r1, CAUSE_SYSCALL
	beq on_sys
	cmpi r1, CAUSE_PAGEFAULT
	beq on_fault
	; Anything else: print it, skip the instruction.
	la r1, s_trap
	call puts
	mfsr r1, cause
	call puthex
	mfsr r1, detail
	call puthex
	call newline
skip:
	mfsr r1, epc
	addi r1, r1, 4
	mtsr epc, r1
	b resume

resume:
	la r1, saved
	ldw r2, 4(r1)
	ldw r3, 8(r1)
	ldw r4, 12(r1)
	ldw r5, 16(r1)
	ldw r6, 20(r1)
	ldw r7, 24(r1)
	ldw lr, 28(r1)
	ldw r1, 0(r1)
	rfe

on_tick:
	la r1, ticks
	ldw r2, 0(r1)
	addi r2, r2, 1
	stw r2, 0(r1)
	li r1, TICK
	mtsr timer, r1
	b resume

on_fault:
	la r1, s_fault
	call puts
	mfsr r1, detail
	call puthex
	mfsr r1, pfinfo
	call puthex
	call newline
	mfsr r1, pfinfo
	andi r2, r1, 4          ; present: a protection fault
	bnez r2, protection
	; Not present: a fresh zeroed frame, mapped user and writable.
	la r2, next_free
	ldw r3, 0(r2)
	addi r4, r3, 4096
	stw r4, 0(r2)
	mov r4, r3
	li r5, 1024
1:	stw zero, 0(r4)
	addi r4, r4, 4
	addi r5, r5, -1
	bnez r5, 1b
	ori r3, r3, V | U | W
	call pte_addr
	stw r3, 0(r1)
	b resume
protection:
	andi r2, r1, 1          ; a store to a read-only page: grant it
	beqz r2, skip           ; a load of a page closed to user mode: skip it
	call pte_addr
	ldw r2, 0(r1)
	andi r3, r2, U
	beqz r3, skip
	ori r2, r2, W
	stw r2, 0(r1)
	b resume

; pte_addr: r1 = the physical address of the entry for SR detail, in the
; current space (one table per space); clobbers r2.
pte_addr:
	mfsr r1, ptb
	li r2, 0xfffff000
	and r1, r1, r2
	ldw r1, 0(r1)           ; the directory's first entry
	and r1, r1, r2          ; its table
	mfsr r2, detail
	shri r2, r2, 12
	andi r2, r2, 0x3ff
	shli r2, r2, 2
	add r1, r1, r2
	ret

on_sys:
	; A phase is over: print what the user computed and the entries.
	la r1, s_phase
	call puts
	la r1, phase
	ldw r1, 0(r1)
	call puthex
	la r1, saved
	ldw r1, 8(r1)           ; the user's r3
	call puthex
	la r1, saved
	ldw r1, 16(r1)          ; and r5
	call puthex
	mfsr r1, ptb
	call puthex
	li r4, PT_A
	ldw r1, 4(r4)
	call puthex
	ldw r1, 8(r4)
	call puthex
	ldw r1, 12(r4)
	call puthex
	li r4, PT_B
	ldw r1, 4(r4)
	call puthex
	call newline
	la r2, phase
	ldw r1, 0(r2)
	addi r1, r1, 1
	stw r1, 0(r2)
	b run_phase

finish:
	la r1, s_ticks
	call puts
	la r1, ticks
	ldw r1, 0(r1)
	call puthex
	li r1, DATA_A
	ldw r1, 0(r1)
	call puthex
	li r1, DATA_B
	ldw r1, 0(r1)
	call puthex
	li r1, ALT
	ldw r1, 0(r1)
	call puthex
	call newline
	li r1, 0
	out PORT_POWER, r1

; puthex: r1 as 8 hex digits and a space; clobbers r2, r3.
puthex:
	li r3, 28
1:	shr r2, r1, r3
	andi r2, r2, 15
	cmpi r2, 10
	blt 2f
	addi r2, r2, 'a' - 10
	b 3f
2:	addi r2, r2, '0'
3:	out PORT_CON_DATA, r2
	addi r3, r3, -4
	cmpi r3, 0
	bge 1b
	li r2, ' '
	out PORT_CON_DATA, r2
	ret

; puts: the NUL-terminated string at r1; clobbers r1, r2.
puts:
	ldbu r2, 0(r1)
	beqz r2, 1f
	out PORT_CON_DATA, r2
	addi r1, r1, 1
	b puts
1:	ret

newline:
	li r2, 10
	out PORT_CON_DATA, r2
	ret

; The user program, at virtual 0 in every space. r9 says what extra to do:
; 1 rewrite its own page table, 2 load from a supervisor page, 3 nothing
; paged (paging is off: only its own page exists).
	.align 4096
user_code:
	cmpi r9, 3
	beq 5f
	ldw r3, UVA_DATA(r0)
	addi r3, r3, 1
	stw r3, UVA_DATA(r0)
	ldw r5, UVA_DEMAND(r0)
	add r5, r5, r3
	stw r5, UVA_DEMAND+4(r0)
	stw r3, UVA_RO+8(r0)
	cmpi r9, 1
	bne 1f
	; Point VA 0x1000 back at DATA_A, writing our own table, and look.
	li r6, DATA_A | V | U | W
	stw r6, UVA_PT+4(r0)
	ldw r7, UVA_DATA(r0)
	add r3, r3, r7
1:	cmpi r9, 2
	bne 2f
	ldw r7, UVA_SUP(r0)
	addi r3, r3, 100
2:	li r6, 300              ; a loop, so that the timer ticks in user mode
3:	addi r6, r6, -1
	bnez r6, 3b
	sys 0
	b user_code
5:	li r3, 0x77
	li r5, 0x88
	sys 0
	b user_code

	.data
	.align 4
s_banner:
	.asciz "paging test\n"
s_phase:
	.asciz "phase "
s_fault:
	.asciz "  fault "
s_trap:
	.asciz "  trap "
s_ticks:
	.asciz "end "
	.align 4
phase:
	.word 0
saved:
	.space 32
ticks:
	.word 0
next_free:
	.word 0
	.space 1024
kstack_top:
