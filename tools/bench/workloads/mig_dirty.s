; tools/bench/workloads/mig_dirty.s: a guest that writes memory fast, for
; trapeze bench --migration. Pass after pass it stores the pass number in
; the first word of each of PAGES pages (512 KiB from BUF): every page is
; dirty again after a pass of about 500 instructions, far sooner than a
; link sends it. Pre-copy cannot catch up with it: its writable working
; set is all PAGES pages. Halts with code 0 after PASSES passes.
.equ PAGES, 128
.equ PASSES, 100000
.equ BUF, 0x40000

_start:
	li	r8, PASSES
.pass:
	li	r3, BUF
	li	r4, PAGES
.page:
	stw	r8, 0(r3)
	addi	r3, r3, 4096
	addi	r4, r4, -1
	bnez	r4, .page
	addi	r8, r8, -1
	bnez	r8, .pass
	out	PORT_POWER, r0
