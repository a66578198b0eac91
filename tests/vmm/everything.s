; tests/vmm/everything.s: a small kernel and two user programs that between
; them run every instruction, take every trap cause, the timer and both
; device interrupts, and use every device: console in and out, the disk
; (write and read back by DMA), power. Run under every mode, the guest must
; see exactly the same: tests/vmm_equiv_test.c compares.
;
; The kernel runs at guest-physical 0; the user programs run relocated at
; UBASE with limit ULIMIT. Each trap prints "[cause detail epc]".
; The test feeds console input "ok" and gives a disk of DISK_SECTORS sectors.

	.equ UBASE, 0x8000
	.equ ULIMIT, 0x1000
	.equ PG_DIR, 0xC000     ; a page directory and a table, for the paged part
	.equ PG_TABLE, 0xD000

	.text
reset:
	la r1, trap_entry
	mtsr tvec, r1
	la sp, kstack_top
	la r1, s_banner
	call puts

	; The machine as the kernel sees it.
	mfsr r1, memsize
	call puthex
	getbase r1
	call puthex
	getpsw r1
	call puthex
	li r1, 2
	cpuid r1, r1
	call puthex
	rdcyc r0                ; the clock is the one thing that may differ: discard it
	call newline

	; Console input by interrupt: enable it and wait for each byte.
	li r1, 1
	out PORT_CON_CTRL, r1
	in r1, PORT_CON_STATUS
	call puthex
	call newline
	getpsw r1
	ori r1, r1, PSW_IE
	setpsw r1
1:	la r2, nchars
	ldw r3, 0(r2)
	cmpi r3, 2
	bge 2f
	wfi
	b 1b
2:	getpsw r1
	andi r1, r1, 0xfffd     ; IE off
	setpsw r1

	; The disk: fill buf_a, write it to sector 1, read it into buf_b.
	la r1, buf_a
	li r2, 0
3:	stb r2, 0(r1)
	addi r1, r1, 1
	addi r2, r2, 3
	cmpi r2, 1536
	blt 3b
	in r1, PORT_DISK_SIZE
	call puthex
	li r1, 1
	out PORT_DISK_SECTOR, r1
	la r1, buf_a
	out PORT_DISK_ADDR, r1
	li r1, 1
	out PORT_DISK_CTRL, r1
	getpsw r1
	ori r1, r1, PSW_IE
	setpsw r1
	li r1, 2                ; write: the completion interrupt comes at once
	out PORT_DISK_CMD, r1
	la r1, buf_b
	out PORT_DISK_ADDR, r1
	li r1, 1                ; read back
	out PORT_DISK_CMD, r1
	in r1, PORT_DISK_SECTOR
	call puthex
	in r1, PORT_DISK_ADDR
	call puthex
	in r1, PORT_DISK_CTRL
	call puthex
	li r1, 0
	out PORT_DISK_CTRL, r1
	in r1, PORT_DISK_STATUS
	call puthex
	out PORT_DISK_STATUS, r0
	la r1, buf_b
	ldw r1, 100(r1)
	call puthex
	call newline

	; Idle until the timer runs out, interrupts off: wfi skips the time.
	li r1, 25
	mtsr timer, r1
	wfi
	mfsr r1, ipend
	call puthex
	mtsr timer, r0          ; acknowledge
	call newline

	; User program 1, relocated, entered by rfe with interrupts on.
	li r1, UBASE
	mtsr base, r1
	li r1, ULIMIT
	mtsr limit, r1
	mtsr epc, r0
	li r1, PSW_IE
	mtsr epsw, r1
	li r1, 60
	mtsr timer, r1
	mfsr r1, ipend
	mfsr r1, timer
	rfe

; Back from user program 1 (sys 0): user program 2, entered by jru.
after_user1:
	mtsr timer, r0
	la r1, s_two
	call puts
	la r1, user2 - UBASE
	jru r1

; Back from user program 2: paging, briefly. tlbflush and tlbinv change
; nothing; then user program 3 runs on a page table that maps user program
; 1's page at virtual 0 and nothing at 0x1000, where it loads: PAGEFAULT.
after_user2:
	tlbflush
	li r1, 0x1000
	tlbinv r1
	li r1, PG_DIR
	li r2, PG_TABLE | 1
	stw r2, 0(r1)
	li r1, PG_TABLE
	li r2, UBASE | 5        ; valid, user
	stw r2, 0(r1)
	li r1, PG_DIR | 1
	mtsr ptb, r1
	la r1, user3 - UBASE
	jru r1

; Back from user program 3: power off with the exit code it gave.
after_user3:
	mtsr ptb, r0
	mfsr r1, scratch
	out PORT_POWER, r1
	b after_user3

; ---- the trap handler ------------------------------------------------------
trap_entry:
	mtsr scratch, r1
	la r1, save_area
	stw r2, 8(r1)
	stw r3, 12(r1)
	stw r4, 16(r1)
	stw r5, 20(r1)
	stw r6, 24(r1)
	stw r7, 28(r1)
	stw r8, 32(r1)
	stw r9, 36(r1)
	stw r10, 40(r1)
	stw r11, 44(r1)
	stw r12, 48(r1)
	stw r13, 52(r1)
	stw r14, 56(r1)
	stw r15, 60(r1)
	mfsr r2, scratch
	stw r2, 4(r1)
	la sp, kstack_top

	li r2, '['
	out PORT_CON_DATA, r2
	mfsr r1, cause
	call puthex
	mfsr r1, detail
	call puthex
	mfsr r1, epc
	call puthex
	li r2, ']'
	out PORT_CON_DATA, r2

	mfsr r4, cause
	cmpi r4, CAUSE_SYSCALL
	beq t_sys
	cmpi r4, CAUSE_TIMER
	beq t_timer
	cmpi r4, CAUSE_DEVICE
	beq t_device
	cmpi r4, CAUSE_BREAKPOINT
	beq restore
	cmpi r4, CAUSE_HYPERCALL
	beq t_hcall
	; A fault: skip the instruction that faulted.
	mfsr r1, epc
	addi r1, r1, 4
	mtsr epc, r1
	b restore

t_sys:  ; sys 1: print the user's r1 as a character; sys 0: exit with r1
	mfsr r5, detail
	la r1, save_area
	ldw r6, 4(r1)
	cmpi r5, 1
	bne 1f
	out PORT_CON_DATA, r6
	b restore
1:	mtsr scratch, r6
	mfsr r7, epsw
	andi r7, r7, PSW_S
	bnez r7, restore        ; not from user mode: ignore
	la r1, after_user2
	la r2, user_runs
	ldw r3, 0(r2)
	addi r3, r3, 1
	stw r3, 0(r2)
	cmpi r3, 1
	bne 2f
	la r1, after_user1
	b 4f
2:	cmpi r3, 3
	bne 4f
	la r1, after_user3
4:	li r2, PSW_S
	mtsr epsw, r2           ; return to the kernel, interrupts off
	mtsr epc, r1
	mfsr r2, scratch
	la r1, save_area
	stw r2, 4(r1)
	b restore

t_hcall:  ; hcall: r1 = r1 * 2 for the caller
	la r1, save_area
	ldw r2, 4(r1)
	add r2, r2, r2
	stw r2, 4(r1)
	b restore

t_timer:
	la r1, ticks
	ldw r2, 0(r1)
	addi r2, r2, 1
	stw r2, 0(r1)
	li r3, 0
	cmpi r2, 3
	bge 1f
	li r3, 40
1:	mtsr timer, r3          ; re-arm, or acknowledge and stop
	b restore

t_device:
	mfsr r5, detail
	cmpi r5, IRQ_CONSOLE
	bne 2f
	in r1, PORT_CON_DATA
	out PORT_CON_DATA, r1
	la r1, nchars
	ldw r2, 0(r1)
	addi r2, r2, 1
	stw r2, 0(r1)
	cmpi r2, 2
	blt restore
	out PORT_CON_CTRL, r0   ; enough input: no more interrupts
	b restore
2:	out PORT_DISK_STATUS, r0 ; acknowledge the disk
	b restore

restore:
	la r1, save_area
	ldw r2, 8(r1)
	ldw r3, 12(r1)
	ldw r4, 16(r1)
	ldw r5, 20(r1)
	ldw r6, 24(r1)
	ldw r7, 28(r1)
	ldw r8, 32(r1)
	ldw r9, 36(r1)
	ldw r10, 40(r1)
	ldw r11, 44(r1)
	ldw r12, 48(r1)
	ldw r13, 52(r1)
	ldw r14, 56(r1)
	ldw r15, 60(r1)
	ldw r1, 4(r1)
	rfe

; ---- kernel helpers ---------------------------------------------------------
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
	li r2, '\n'
	out PORT_CON_DATA, r2
	ret

; ---- user program 1: every innocuous instruction and every user trap -------
	.org UBASE
user1:
	li r1, 'U'
	sys 1
	getpsw r2               ; PRIV
	.word 0xFE000000        ; ILLEGAL
	li r3, ULIMIT
	ldw r2, 0(r3)           ; BOUNDS: just past the limit
	li r3, 2
	ldw r2, 0(r3)           ; MISALIGNED
	li r3, 0
	div r2, r1, r3          ; DIVZERO
	brk 5                   ; BREAKPOINT
	li r1, 21
	hcall 7                 ; HYPERCALL: r1 = 42
	mov r11, r1

	; Arithmetic and logic, into a checksum in r10.
	li r1, 1000
	li r2, -7
	add r3, r1, r2
	sub r4, r1, r2
	and r5, r1, r2
	or r6, r1, r2
	xor r7, r1, r2
	add r10, r3, r4
	add r10, r10, r5
	add r10, r10, r6
	add r10, r10, r7
	li r8, 3
	shl r3, r1, r8
	shr r4, r2, r8
	sar r5, r2, r8
	mul r6, r1, r2
	div r7, r1, r2
	add r10, r10, r3
	add r10, r10, r4
	add r10, r10, r5
	add r10, r10, r6
	add r10, r10, r7
	divu r3, r2, r1
	rem r4, r1, r8
	remu r5, r2, r1
	slt r6, r2, r1
	sltu r7, r2, r1
	add r10, r10, r3
	add r10, r10, r4
	add r10, r10, r5
	add r10, r10, r6
	add r10, r10, r7
	lui r3, 0x1234
	addi r4, r3, -1
	andi r5, r4, 0xff0f
	ori r6, r5, 0x0f00
	xori r7, r6, 0xffff
	add r10, r10, r7
	shli r3, r1, 4
	shri r4, r2, 4
	sari r5, r2, 4
	muli r6, r1, -3
	slti r7, r2, 0
	sltiu r8, r2, 5
	add r10, r10, r3
	add r10, r10, r4
	add r10, r10, r5
	add r10, r10, r6
	add r10, r10, r7
	add r10, r10, r8

	; Memory, relative to the user's window.
	la r1, udata - UBASE
	stw r10, 0(r1)
	sth r10, 4(r1)
	stb r10, 6(r1)
	ldw r3, 0(r1)
	ldh r4, 4(r1)
	ldhu r5, 4(r1)
	ldb r6, 6(r1)
	ldbu r7, 6(r1)
	add r10, r10, r4
	add r10, r10, r5
	add r10, r10, r6
	add r10, r10, r7

	; Branches, each taken and not taken.
	li r1, 5
	li r2, -5
	cmp r1, r2
	beq bad
	bne 1f
	b bad
1:	blt bad
	bge 1f
	b bad
1:	bltu 1f
	b bad
1:	bgeu bad
	bgt 1f
	b bad
1:	ble bad
	cmpi r1, 5
	beq 1f
	b bad
1:	jmp 1f
	b bad
1:	jal ufunc
	la r1, 1f - UBASE
	jr r1
	b bad
1:	la r1, ufunc - UBASE
	jalr lr, r1
	li r1, 1
	cpuid r3, r1
	add r10, r10, r3

	; Time: spin with interrupts on while the timer ticks three times.
	li r4, 300
1:	addi r4, r4, -1
	bnez r4, 1b
	mov r1, r10
	sys 0                    ; exit to the kernel

bad:
	li r1, 'X'
	sys 1
	sys 0

ufunc:
	addi r10, r10, 1
	ret

	.align 4
udata:
	.space 16

; ---- user program 2: entered by jru, gives the exit code --------------------
user2:
	li r1, '2'
	sys 1
	li r1, 3
	sys 0

; ---- user program 3: paged, at virtual 0 + (user3 - UBASE) -------------------
user3:
	ldw r1, 0x1000(r0)      ; no such page: PAGEFAULT, skipped by the handler
	li r1, 3
	sys 0

; ---- kernel data -------------------------------------------------------------
	.data
	.org 0xA000
s_banner: .asciz "everything\n"
s_two:    .asciz "\nuser two\n"
	.align 4
nchars:    .word 0
ticks:     .word 0
user_runs: .word 0
save_area: .space 64
buf_a:     .space 512
buf_b:     .space 512
kstack:    .space 256
kstack_top:
