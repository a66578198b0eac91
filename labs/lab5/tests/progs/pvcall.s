; labs/lab5/tests/progs/pvcall.s: a small paravirtualised kernel: it never
; runs a privileged instruction, it asks the monitor by hypercall
; (isa-spec/hypercalls.def). It registers its trap vector and shared page,
; writes to the console (and tries a buffer outside its memory), sets the
; timer and idles until it fires, then returns to a user program with
; HC_IRET and takes its system call in the vector, the trap frame in the
; shared page. Runs only under --mode pv. Halts 0, or the failed check.
	.equ	UBASE, 0x4000
	.equ	ULIMIT, 0x100
	.text
_start:
	li	r9, 1			; check 1: HC_REGISTER answers the ABI's version
	la	r1, vector
	la	r2, shared
	hcall	HC_REGISTER
	cmpi	r1, PV_ABI
	bne	fail
	li	r9, 2			; check 2: one hypercall writes the whole line
	la	r1, hello
	li	r2, 12
	hcall	HC_CONSOLE_WRITE
	cmpi	r1, 12
	bne	fail
	li	r9, 3			; check 3: a buffer outside the guest: -1
	li	r1, 0x200000
	li	r2, 4
	hcall	HC_CONSOLE_WRITE
	cmpi	r1, -1
	bne	fail
	li	r9, 4			; check 4: the timer set, idle says it fired
	li	r1, 300
	hcall	HC_SET_TIMER
	hcall	HC_IDLE
	andi	r1, r1, 1
	beqz	r1, fail
	li	r1, 0
	hcall	HC_SET_TIMER		; off, and acknowledged
	li	r9, 5			; check 5: HC_IRET enters user mode at the frame's pc
	la	r2, shared
	stw	zero, PV_EPC(r2)	; user virtual 0
	stw	zero, PV_EPSW(r2)	; user mode, interrupts off
	li	r1, UBASE
	stw	r1, PV_BASE(r2)
	li	r1, ULIMIT
	stw	r1, PV_LIMIT(r2)
	hcall	HC_IRET
	b	fail			; not reached

; The user program's system call arrives here, its frame in the shared page.
vector:
	li	r9, 6			; check 6: a system call, code 7, from user mode
	la	r2, shared
	ldw	r1, PV_CAUSE(r2)
	cmpi	r1, CAUSE_SYSCALL
	bne	fail
	ldw	r1, PV_DETAIL(r2)
	cmpi	r1, 7
	bne	fail
	ldw	r1, PV_EPSW(r2)
	andi	r1, r1, PSW_S
	bnez	r1, fail
	li	r9, 7			; check 7: the user program ran (r5 = 42)
	cmpi	r5, 42
	bne	fail
	li	r9, 0
fail:
	mov	r1, r9
	hcall	HC_POWER

	.data
	.align	4
shared:
	.space	PV_PAGE_SIZE
hello:
	.ascii	"hello, pv!\n\n"

	.text
	.org	UBASE
user:
	li	r5, 42
	sys	7
	b	user
