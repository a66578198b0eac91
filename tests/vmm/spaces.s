; tests/vmm/spaces.s: more address spaces than a shadowing monitor caches.
; Twelve page directories, one per "process", entered round robin: each
; process adds one to the counter on its own data page and makes a system
; call, which moves the kernel on to the next. A monitor that keeps the
; shadows of eight spaces evicts one at almost every switch: its cache of
; shadows stays full (the snapshot tests save it there). The timer ticks
; through it all. At the end the kernel prints each counter and halts.

	.equ NSPACES, 12
	.equ ROUNDS, 40
	.equ PD0, 0x10000        ; space k: directory PD0 + k * 0x2000, table after it
	.equ DATA0, 0x40000      ; space k's data page: DATA0 + k * 0x1000
	.equ V, 1
	.equ W, 2
	.equ U, 4
	.equ TICK, 91

	.text
reset:
	la r1, trap_entry
	mtsr tvec, r1
	la sp, kstack_top
	; Build every space: VA 0 the shared code (read-only), VA 0x1000 its data.
	li r4, 0                ; k
1:	shli r5, r4, 13
	li r1, PD0
	add r1, r1, r5          ; its directory
	addi r2, r1, 4096       ; its table
	ori r3, r2, V
	stw r3, 0(r1)
	la r3, user_code
	ori r3, r3, V | U
	stw r3, 0(r2)
	shli r6, r4, 12
	li r3, DATA0
	add r3, r3, r6
	ori r3, r3, V | U | W
	stw r3, 4(r2)
	addi r4, r4, 1
	cmpi r4, NSPACES
	blt 1b
	li r1, TICK
	mtsr timer, r1
	li r9, 0                ; the current space
	li r10, 0               ; switches made
	b enter

; Enter space r9 at VA 0 in user mode.
enter:
	shli r1, r9, 13
	li r2, PD0
	add r1, r1, r2
	ori r1, r1, 1
	mtsr ptb, r1
	li r1, 0
	mtsr epc, r1
	li r1, PSW_IE
	mtsr epsw, r1
	rfe

trap_entry:
	mfsr r1, cause
	cmpi r1, CAUSE_TIMER
	beq on_tick
	cmpi r1, CAUSE_SYSCALL
	beq on_sys
	; Anything else is a bug in this test: say so and stop.
	li r1, '!'
	out PORT_CON_DATA, r1
	li r1, 1
	out PORT_POWER, r1

on_tick:
	li r1, TICK
	mtsr timer, r1
	rfe

on_sys:
	addi r10, r10, 1
	addi r9, r9, 1
	cmpi r9, NSPACES
	blt 1f
	li r9, 0
1:	li r1, NSPACES * ROUNDS
	blt r10, r1, enter
	; Done: paging off, print the counters, halt.
	mtsr ptb, zero
	li r4, 0
2:	shli r6, r4, 12
	li r1, DATA0
	add r1, r1, r6
	ldw r1, 0(r1)
	call putdec
	addi r4, r4, 1
	cmpi r4, NSPACES
	blt 2b
	li r1, 10
	out PORT_CON_DATA, r1
	li r1, 0
	out PORT_POWER, r1

; putdec: r1 (below 1000) as decimal and a space; clobbers r1, r2, r3.
putdec:
	li r2, 100
	div r3, r1, r2
	addi r3, r3, '0'
	out PORT_CON_DATA, r3
	rem r1, r1, r2
	li r2, 10
	div r3, r1, r2
	addi r3, r3, '0'
	out PORT_CON_DATA, r3
	rem r1, r1, r2
	addi r1, r1, '0'
	out PORT_CON_DATA, r1
	li r1, ' '
	out PORT_CON_DATA, r1
	ret

; Each process: count on its data page, a little work, a system call.
	.align 4096
user_code:
	ldw r3, 0x1000(r0)
	addi r3, r3, 1
	stw r3, 0x1000(r0)
	li r6, 50
3:	addi r6, r6, -1
	bnez r6, 3b
	sys 0
	b user_code

	.data
	.align 4
	.space 512
kstack_top:
