; tools/bench/workloads/sieve-paged.s: the sieve, in user mode with paging on.
; A few supervisor instructions map the whole image one to one for user mode
; (one page table: 4 KiB pages, valid, writable, user), turn paging on and
; enter the sieve at _start with jru. Every fetch, load and store of the
; sieve then goes through the TLB (ISA.md section 12): trapeze bench compares
; its speed with the unpaged sieve's. The sieve's own last instruction, the
; power port, is privileged in user mode: it traps, and the handler halts.
	.text
boot:
	la	r1, halt
	mtsr	tvec, r1
	la	r1, table
	li	r2, 0			; r2: the virtual (and physical) address
	la	r3, image_end
1:	ori	r4, r2, 7		; V | W | U
	stw	r4, 0(r1)
	addi	r1, r1, 4
	addi	r2, r2, 4096
	bltu	r2, r3, 1b
	la	r1, directory
	la	r2, table
	ori	r2, r2, 1
	stw	r2, 0(r1)
	ori	r1, r1, 1
	mtsr	ptb, r1
	la	r1, _start
	jru	r1
halt:
	out	PORT_POWER, r0

	.include "sieve.s"

	.data
	.align	4096
directory:
	.space	4096
table:
	.space	4096
image_end:
