; tests/vmm/pt_escape.s: page tables that try to reach past the guest's
; memory: into the monitor's own area below it, its table pool above it, or
; round the top of the address space. Table entries with frames at the end
; of memory, far beyond it and at numbers that wrap a careless monitor's
; sum (region base + frame) back into its own area; directory entries
; pointing outside memory; a page-table base outside memory; and the
; kernel itself reaching out while user paging is on. On the bare machine
; each attempt is a fault (PAGEFAULT with pfinfo's B bit, or BOUNDS for the
; unmapped kernel): every monitor must give the same faults, touch nothing
; of its own and leave the guest's memory as bare leaves it.
; Memory: 1 MiB (the test's default).

	.equ TICK, 0
	.equ MAX_TRAPS, 16
	.include "ptkern.inc"

	.equ MEM, 0x100000
	.equ UCODE, 0x8000
	.equ PD, 0x10000
	.equ PT, 0x11000
	.equ UDATA, 0x12000
	.equ LASTPG, MEM - 0x1000
	.equ PROBE_VA, 0x2000

setup:
	li r1, PD
	li r2, PT | V
	stw r2, 0(r1)
	li r1, PT
	li r2, UCODE | V | U
	stw r2, 0(r1)
	li r2, UDATA | VUW
	stw r2, 4(r1)
	ret

phases:
	.word ph_control, ph_last_page
	.word ph_at_end, ph_far, ph_wrap_top, ph_wrap_zero, ph_pool
	.word ph_pde_end, ph_pde_far, ph_pde_wrap, ph_pde_ones
	.word ph_ptb_end, ph_ptb_far, ph_ptb_wrap, ph_ptb_empty
	.word ph_kernel, 0

; probe_pte VALUE: map PROBE_VA by VALUE, probe it from user mode.
.macro probe_pte value
	li r1, PT
	li r2, \value
	stw r2, 8(r1)
	li r3, PROBE_VA
	b run_probe
.endm

; probe_pde SLOT, VALUE: directory slot SLOT = VALUE, probe its first page.
.macro probe_pde slot, value
	li r1, PD + 4 * \slot
	li r2, \value
	stw r2, 0(r1)
	li r3, \slot << 22
	b run_probe
.endm

; probe_ptb VALUE: run the probe with ptb = VALUE: its first fetch faults.
.macro probe_ptb value
	li r1, \value
	mtsr ptb, r1
	li r3, UDATA
	la r1, u_probe - UCODE
	b enter_user
.endm

run_probe:
	li r1, PD | 1
	mtsr ptb, r1
	li r4, 0x5a5a0000
	la r1, u_probe - UCODE
	b enter_user

ph_control:
	; A valid mapping, with junk in the ignored bits: the probe works, and
	; its jump into a data page fetches data (ILLEGAL, skipped) until sys.
	li r1, PT
	li r2, UDATA | VUW | 0xfe0
	stw r2, 8(r1)
	li r2, 0x50000000       ; sys 0
	li r1, UDATA
	stw r2, 4(r1)
	li r3, PROBE_VA
	b run_probe
ph_last_page:
	; The last whole page of memory: guest memory, every byte of it.
	li r1, PT
	li r2, LASTPG | VUW
	stw r2, 8(r1)
	li r1, LASTPG
	li r2, 0x50000000
	stw r2, 4(r1)
	li r3, PROBE_VA
	b run_probe
ph_at_end:	probe_pte MEM | VUW
ph_far:		probe_pte 0xfffff000 | VUW
ph_wrap_top:	probe_pte 0xffff0000 | VUW     ; + a 64 KiB base = real 0
ph_wrap_zero:	probe_pte 0xfff00000 | VUW
ph_pool:	probe_pte (MEM + 0x1000) | VUW  ; the monitor's table pool
ph_pde_end:	probe_pde 1, MEM | V
ph_pde_far:	probe_pde 2, 0xfffff000 | V
ph_pde_wrap:	probe_pde 3, 0xffff0000 | V
ph_pde_ones:	probe_pde 4, 0xffffffff
ph_ptb_end:	probe_ptb MEM | 1
ph_ptb_far:	probe_ptb 0xfffff001
ph_ptb_wrap:	probe_ptb 0xffff0001
ph_ptb_empty:	probe_ptb LASTPG | 1     ; in memory, all zero: not present

ph_kernel:
	; The unmapped kernel, user paging on: past memory is BOUNDS, as ever.
	li r1, PD | 1
	mtsr ptb, r1
	li r2, MEM
	ldw r3, 0(r2)
	stw r3, 0(r2)
	li r2, -4
	ldw r3, 0(r2)
	li r2, 0xffff0000
	stw r3, 0(r2)
	li r2, MEM + 0x1000
	stw r3, 0(r2)
	li r2, LASTPG
	ldw r8, 4(r2)
	b phase_over

report:
	; The entries as the walks left them (their accessed and dirty bits).
	la r4, reported
	b put_words

	.equ tick, no_hook
	.equ on_syscall, no_hook
	.equ pf_fix, no_hook

	.data
	.align 4
reported:
	.word PT, PT + 4, PT + 8, PD, -1

	.text

; The user's probe, at virtual 0: load, store, load again, then jump into
; the page, whose fetch ends the phase when it faults.
	.org UCODE
u_probe:
	ldw r8, 0(r3)
	stw r4, 0(r3)
	ldw r9, 0(r3)
	jr r3
	.align 4096
