; labs/lab6/tests/progs/counts.s: a known program whose page faults can be
; counted by hand. A shadowing monitor that follows the rules of the lab
; (a shadow entry is made on a hidden fault, writable only once the guest's
; entry has D; a traced write drops exactly the shadow entries it changes)
; takes, running it:
;
;   hidden  7: the code page's first fetch; D1's load (A), then D1's first
;              store (D); D2's first store (A and D at once); RO's load;
;              RO's store once the kernel granted W; FRESH's load once the
;              kernel mapped it
;   true    3: the store to RO (W|P), the load of the absent 0x4000 (0),
;              the load of the supervisor page 0x5000 (P)
;   tracing 2: the kernel's two writes to the table while a shadow is
;              built from it (granting W at 0x3000, mapping 0x4000)
;   resyncs 1: of those two, only the first changes an entry the shadow
;              holds (0x3000's); 0x4000 had none
;
; and the guest sees its 3 page faults, no more. Halts 0 when all it sees
; is right; else the number of the check that failed:
;   1 a trap the kernel does not expect (not a page fault or sys)
;   9 more than 3 page faults; 10 + N, 30 + N: the Nth page fault has a
;     wrong detail, a wrong pfinfo
;   20..26 the user's registers: r1 r2 r3 r4 r5, and the words at D1, RO
;   40..46 the entries' A and D (and W) bits, 0x0000 to 0x6000, as bare
;   47 the kernel saw a number of page faults other than 3

	.include "pager.inc"
	.equ	PD, 0x10000
	.equ	PT, 0x11000
	.equ	D1, 0x12000
	.equ	D2, 0x13000
	.equ	RO, 0x14000
	.equ	FRESH, 0x15000
	.equ	SUP, 0x16000

	.text
_start:
	la	r8, vector
	mtsr	tvec, r8
	set_word D2 + 4, 0x200		; what the user finds in its pages
	set_word RO, 0x300
	set_word FRESH, 0x400
	set_word SUP, 0x500
	set_word PD, PT | V
	map_code PT, 0x0000, user	; the code, read-only
	map	PT, 0x1000, D1 | V | U | W
	map	PT, 0x2000, D2 | V | U | W
	map	PT, 0x3000, RO | V | U	; read-only: a store is granted W
					; 0x4000: absent; a touch maps FRESH
	map	PT, 0x5000, SUP | V | W	; no U: a load is skipped
	li	r8, PD | PTB_P
	mtsr	ptb, r8
	li	r10, 0			; page faults seen
	li	r5, 0x55
	enter_user 0

vector:
	on	CAUSE_PAGEFAULT, on_fault
	on	CAUSE_SYSCALL, on_sys
	fail	1

; The faults in order: (detail, pfinfo) each.
on_fault:
	fault_row expected, 8, 3
	cmpi	r10, 1
	beq	grant
	cmpi	r10, 2
	beq	demand
	skip				; the supervisor page: not for user mode
grant:
	map	PT, 0x3000, RO | V | U | W | A
	rfe
demand:
	map	PT, 0x4000, FRESH | V | U | W
	rfe

expected:
	.word	0x3000, PF_W | PF_P
	.word	0x4000, 0
	.word	0x5000, PF_P

on_sys:
	expect	r1, 0x101, 20
	expect	r2, 0x200, 21
	expect	r3, 0x300, 22
	expect	r4, 0x400, 23
	expect	r5, 0x55, 24
	expect_word D1, 0x101, 25
	expect_word RO, 0x101, 26
	expect_bits PT + 0, A | D | W, A, 40
	expect_bits PT + 4, A | D | W, A | D | W, 41
	expect_bits PT + 8, A | D | W, A | D | W, 42
	expect_bits PT + 12, A | D | W, A | D | W, 43
	expect_bits PT + 16, A | D | W, A | W, 44
	expect_bits PT + 20, A | D | W, W, 45
	expect_word PT + 24, 0, 46
	expect	r10, 3, 47
	li	r8, 0
	out	PORT_POWER, r8

	.align	4096
user:
	ldw	r1, 0x1000(r0)		; hidden: D1, a load (A)
	addi	r1, r1, 0x101
	stw	r1, 0x1000(r0)		; hidden: D1's first store (D)
	stw	r1, 0x1004(r0)		; no fault: the shadow has it writable now
	stw	r1, 0x2000(r0)		; hidden: D2, a store first (A and D)
	ldw	r2, 0x2004(r0)		; no fault
	ldw	r3, 0x3000(r0)		; hidden: RO, a load
	stw	r1, 0x3000(r0)		; true (W|P); granted (tracing); hidden
	ldw	r4, 0x4000(r0)		; true (absent); mapped (tracing); hidden
	ldw	r5, 0x5000(r0)		; true (P): skipped, r5 unchanged
	sys	0
