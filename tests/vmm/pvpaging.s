; tests/vmm/pvpaging.s: a paravirtual kernel that pages directly, as Xen's
; guests do, and tries every way round the rules. Its tables hold machine
; addresses (PV_MACHINE_BASE + guest-physical), are pinned before use, and
; change only by HC_MMU_UPDATE. Each line it prints is one check: the
; monitor's answer (0 done, ffffffff refused; or a count), or a fault.
; Halts with the number of checks that came out as a safe monitor must
; answer them (tests/vmm_pv_test.c expects every one).

	.equ DIR, 0x10000
	.equ TABLE, 0x11000
	.equ DATA, 0x12000
	.equ NEWPAGE, 0x13000
	.equ TABLE2, 0x14000
	.equ V, 1
	.equ W, 2
	.equ U, 4

	.text
reset:
	la r1, trap_entry
	la r2, shared
	hcall HC_REGISTER
	la sp, kstack_top
	la r1, s_banner
	call puts
	ldw r10, shared+PV_MACHINE_BASE(zero)  ; r10: machine address of guest-physical 0

	; The table: user code read-only, DATA writable; then pinned.
	la r1, user_code
	add r1, r1, r10
	ori r1, r1, V | U
	li r2, TABLE
	stw r1, 0(r2)
	li r1, DATA | V | U | W
	add r1, r1, r10
	stw r1, 4(r2)
	add r1, r2, r10
	li r2, 1
	hcall HC_PIN
	mov r9, r1
	li r8, 0                ; expected answer: 0
	call check              ; 1: pin a good table
	li r1, DIR
	li r2, TABLE | V
	add r2, r2, r10
	stw r2, 0(r1)
	add r1, r1, r10
	li r2, 2
	hcall HC_PIN
	mov r9, r1
	call check              ; 2: pin the directory

	; Hostile: a table whose entry maps memory past the guest's own.
	li r1, TABLE2
	li r2, 0x7ffff000 | V | U
	stw r2, 0(r1)
	add r1, r1, r10
	li r2, 1
	hcall HC_PIN
	mov r9, r1
	li r8, -1
	call check              ; 3: refused
	li r1, TABLE2
	stw zero, 0(r1)
	; Hostile: map the pinned table itself writable.
	la r3, update
	li r1, TABLE + 8
	add r1, r1, r10
	stw r1, 0(r3)
	li r1, TABLE | V | U | W
	add r1, r1, r10
	stw r1, 4(r3)
	mov r1, r3
	li r2, 1
	hcall HC_MMU_UPDATE
	mov r9, r1
	li r8, 0
	call check              ; 4: refused: none made
	; Hostile: map the VMM's own memory (machine 0).
	la r3, update
	li r1, V | U | W
	stw r1, 4(r3)
	mov r1, r3
	li r2, 1
	hcall HC_MMU_UPDATE
	mov r9, r1
	call check              ; 5: refused
	; Hostile: write the pinned table directly: our own page fault.
	li r1, TABLE
	li r2, 0x1234
	la r3, expect_fault
	li r4, 1
	stw r4, 0(r3)
	stw r2, 12(r1)          ; faults; the handler skips it
	la r3, faults
	ldw r9, 0(r3)
	li r8, 1
	call check              ; 6: one fault, the write not made
	li r1, TABLE
	ldw r9, 12(r1)
	li r8, 0
	call check              ; 7: the entry is still 0
	; Hostile: unpin the directory while it is in use.
	li r1, DIR | 1
	add r1, r1, r10
	hcall HC_SET_PTB
	mov r9, r1
	call check              ; 8: set the address space
	li r1, DIR
	add r1, r1, r10
	hcall HC_UNPIN
	mov r9, r1
	li r8, -1
	call check              ; 9: refused
	; Hostile: a set_ptb of a page that is no directory.
	li r1, DATA | 1
	add r1, r1, r10
	hcall HC_SET_PTB
	mov r9, r1
	call check              ; 10: refused

	; The process: it stores to DATA, then touches NEWPAGE, which faults:
	; the kernel maps it with one update and returns to it.
	li r1, 0
	stw r1, shared+PV_EPC(zero)
	li r1, PSW_IE
	stw r1, shared+PV_EPSW(zero)
	stw zero, shared+PV_BASE(zero)
	stw zero, shared+PV_LIMIT(zero)
	hcall HC_IRET

after_user:
	li r1, DATA
	ldw r9, 0(r1)
	li r8, 0x55
	call check              ; 12: the process's store landed in DATA
	la r1, s_end
	call puts
	la r1, passed
	ldw r1, 0(r1)
	call puthex
	call newline
	la r1, passed
	ldw r1, 0(r1)
	hcall HC_POWER

; check: prints r9 and counts it as passed when it equals r8.
check:
	push lr
	mov r1, r9
	call puthex
	cmp r9, r8
	bne 1f
	la r1, passed
	ldw r2, 0(r1)
	addi r2, r2, 1
	stw r2, 0(r1)
	la r1, s_ok
	call puts
	pop lr
	ret
1:	la r1, s_bad
	call puts
	pop lr
	ret

trap_entry:
	ldw r1, shared+PV_CAUSE(zero)
	cmpi r1, CAUSE_SYSCALL
	beq 3f
	cmpi r1, CAUSE_PAGEFAULT
	bne 9f
	ldw r1, shared+PV_EPSW(zero)
	andi r1, r1, PSW_S
	beqz r1, 2f
	; The kernel's own write to a pinned table: count it, skip it.
	la r1, faults
	ldw r2, 0(r1)
	addi r2, r2, 1
	stw r2, 0(r1)
	ldw r1, shared+PV_EPC(zero)
	addi r1, r1, 4
	stw r1, shared+PV_EPC(zero)
	hcall HC_IRET
2:	; A process's fault on NEWPAGE: map it, and return to the access.
	ldw r9, shared+PV_DETAIL(zero)
	li r8, 0x2000
	call check              ; 11: the fault's address
	la r3, update
	li r1, TABLE + 8
	add r1, r1, r10
	stw r1, 0(r3)
	li r1, NEWPAGE | V | U | W
	add r1, r1, r10
	stw r1, 4(r3)
	mov r1, r3
	li r2, 1
	hcall HC_MMU_UPDATE
	hcall HC_IRET
3:	; sys: the process is done
	b after_user
9:	la r1, s_bad
	call puts
	hcall HC_POWER

puthex:
	li r3, 28
1:	shr r2, r1, r3
	andi r2, r2, 15
	cmpi r2, 10
	blt 2f
	addi r2, r2, 'a' - 10
	b 3f
2:	addi r2, r2, '0'
3:	la r4, ch
	stb r2, 0(r4)
	push r1
	push r3
	mov r1, r4
	li r2, 1
	hcall HC_CONSOLE_WRITE
	pop r3
	pop r1
	addi r3, r3, -4
	cmpi r3, 0
	bge 1b
	ret

puts:
	push r1
	li r2, 0
1:	ldbu r3, 0(r1)
	beqz r3, 2f
	addi r1, r1, 1
	addi r2, r2, 1
	b 1b
2:	pop r1
	hcall HC_CONSOLE_WRITE
	ret

newline:
	la r1, s_nl
	b puts

; The process: virtual 0 is this page, 0x1000 is DATA, 0x2000 is NEWPAGE.
	.align 4096
user_code:
	li r1, 0x55
	stw r1, 0x1000(r0)
	stw r1, 0x2000(r0)      ; faults until the kernel maps it
	ldw r2, 0x2000(r0)
	sys 0

	.data
	.align 4
shared:
	.space PV_PAGE_SIZE
update:
	.word 0, 0
passed:
	.word 0
faults:
	.word 0
expect_fault:
	.word 0
ch:
	.word 0
s_banner:
	.asciz "pv direct paging\n"
s_ok:
	.asciz " ok\n"
s_bad:
	.asciz " WRONG\n"
s_end:
	.asciz "passed "
s_nl:
	.asciz "\n"
	.align 4
	.space 512
kstack_top:
