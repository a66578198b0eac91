; tests/vmm/pt_loops.s: page tables that loop back on themselves, changed
; from user mode through the loops. A directory used as its own table (so
; the directory is a user page, and a user store to it maps a page at
; once); a data page that becomes a table when a user store puts it in
; the directory, and is then written while in use; a table mapping itself
; writable, through which the user remaps the very page it is running on
; and then takes away its own write access; the code page unmapped under
; the user's feet; two tables mapping each other, each changed through the
; other. The bare machine makes every change take effect at the next access
; (ISA.md section 12); every monitor must too, accessed and dirty bits
; included (the user reads them back through the loops).

	.equ TICK, 0
	.equ MAX_TRAPS, 16
	.include "ptkern.inc"

	.equ UCODE, 0x8000
	.equ UCODE2, 0x9000
	.equ PD, 0x10000
	.equ PT1, 0x11000
	.equ PT2, 0x12000
	.equ PTA, 0x13000
	.equ PTB, 0x14000
	.equ DATA1, 0x15000
	.equ DATA2, 0x16000
	.equ DATA3, 0x17000

setup:
	; Each data page starts with a word that says which it is.
	li r1, DATA1
	li r2, 0xd1
	stw r2, 0(r1)
	li r1, DATA2
	li r2, 0xd2
	stw r2, 0(r1)
	li r1, DATA3
	li r2, 0xd3
	stw r2, 0(r1)
	ret

phases:
	.word ph_selfdir, ph_selftable, ph_pull_rug, ph_crossed, 0

ph_selfdir:
	; The directory is its own table: PD[0] maps VA 0 to the directory
	; itself, user-writable; PD[1] maps VA 0x1000 to the code.
	li r1, PD
	li r2, PD | VUW
	stw r2, 0(r1)
	li r2, UCODE | V | U
	stw r2, 4(r1)
	li r2, DATA1 | VUW
	stw r2, 8(r1)
	li r1, PD | 1
	mtsr ptb, r1
	la r1, 0x1000 + u_selfdir - UCODE
	b enter_user

ph_selftable:
	; PT1 maps the code at VA 0 and itself, writable, at VA 0x1000.
	li r1, PD
	li r2, PT1 | V
	stw r2, 0(r1)
	stw zero, 4(r1)
	stw zero, 8(r1)
	stw zero, 12(r1)
	li r1, PT1
	li r2, UCODE | V | U
	stw r2, 0(r1)
	li r2, PT1 | VUW
	stw r2, 4(r1)
	li r2, DATA1 | VUW
	stw r2, 8(r1)
	li r1, PD | 1
	mtsr ptb, r1
	la r1, u_selftable - UCODE
	b enter_user

ph_pull_rug:
	; The same table, writable again: the user unmaps its own code page.
	li r1, PT1
	li r2, UCODE | V | U
	stw r2, 0(r1)
	li r2, PT1 | VUW
	stw r2, 4(r1)
	la r1, u_pull_rug - UCODE
	b enter_user

ph_crossed:
	; Two tables mapping each other: PTA maps PTB at VA 0x7000, PTB maps
	; PTA at VA 0x407000; PTA holds the code, PTB the data at 0x400000.
	li r1, PD
	li r2, PTA | V
	stw r2, 0(r1)
	li r2, PTB | V
	stw r2, 4(r1)
	li r1, PTA
	li r2, UCODE | V | U
	stw r2, 0(r1)
	li r2, PTB | VUW
	stw r2, 28(r1)
	li r1, PTB
	li r2, DATA1 | VUW
	stw r2, 0(r1)
	li r2, PTA | VUW
	stw r2, 28(r1)
	la r1, u_crossed - UCODE
	b enter_user

report:
	la r4, reported
	b put_words

	.equ tick, no_hook
	.equ on_syscall, no_hook
	.equ pf_fix, no_hook

	.data
	.align 4
reported:
	.word PD, PD + 4, PT1, PT1 + 4, PT1 + 8, PTA + 4, PTA + 28, PTB, -1

	.text

	.org UCODE
; At VA 0x1000; VA 0 is the directory.
u_selfdir:
	ldw r8, 4(r0)           ; PD[1], the code's entry: A set by our fetch
	li r5, DATA2 | VUW
	stw r5, 12(r0)          ; PD[3]: VA 0x3000 is DATA2, and DATA2 is the
	ldw r9, 0x3000(r0)      ;   table of VA 0xc00000
	li r6, DATA3 | VUW
	stw r6, 0x3000(r0)      ; DATA2[0]: VA 0xc00000 is DATA3
	lui r7, 0xc0
	li r6, 0x77
	stw r6, 4(r7)           ; DATA3[1] = 0x77, through a data page made a table
	ldw r10, 0(r7)          ; 0xd3
	li r6, DATA1 | VUW
	stw r6, 0x3000(r0)      ; rewrite that table while in use
	ldw r11, 0(r7)          ; 0xd1: DATA1 now
	ldw r12, 0x3000(r0)     ; its entry as the walk left it: A set
	add r10, r10, r12
	ldw r12, 0(r0)          ; PD[0], walked for VA 0, written: A and D
	add r11, r11, r12
	stw zero, 12(r0)        ; unmap VA 0x3000 (and the 0xc00000 table)
	ldw r12, 0x3000(r0)     ; not present: skipped
	ldw r12, 0(r7)          ; not present either
	sys 0

; At VA 0; VA 0x1000 is PT1.
u_selftable:
	ldw r8, 0x1000(r0)      ; PT1[0]: UCODE, A set
	li r5, DATA2 | VUW
	stw r5, 0x1008(r0)      ; PT1[2]: VA 0x2000 is DATA2 now
	ldw r9, 0x2000(r0)      ; 0xd2
	li r5, UCODE2 | V | U
	stw r5, 0x1000(r0)      ; the page we run on is UCODE2 from the next fetch
remapped:
	li r10, 0x111           ; (UCODE's version: never runs)
	sys 0

u_pull_rug:
	li r8, 0x5151
	stw zero, 0x1000(r0)    ; unmap our own code: the next fetch faults
	li r8, 0xdead
	sys 0

; At VA 0; VA 0x7000 is PTB, VA 0x407000 is PTA.
u_crossed:
	lui r7, 0x40
	ldw r8, 0(r7)           ; 0xd1
	li r5, DATA2 | VUW
	stw r5, 0x7000(r0)      ; PTB[0] through PTA's mapping of it
	ldw r9, 0(r7)           ; 0xd2
	li r5, DATA3 | VUW
	stw r5, 0x7004(r7)      ; PTA[1] through PTB's mapping of it
	ldw r10, 0x1000(r0)     ; 0xd3
	li r5, PTA | VUW
	stw r5, 0x701c(r7)      ; PTA[7] = PTA: VA 0x7000 is PTA itself now
	ldw r11, 0x7000(r0)     ; PTA[0]: the code's entry
	stw zero, 0x7004(r0)    ; PTA[1] = 0 through its own mapping
	ldw r12, 0x1000(r0)     ; not present: skipped
	ldw r12, 0x7004(r7)     ; and PTB still maps PTA: 0
	sys 0

; UCODE2: the same page with another instruction where the remap lands.
	.org UCODE2 + remapped - UCODE
	li r10, 0x222
	ldw r11, 0x1000(r0)     ; PT1[0]: UCODE2, A set
	li r5, PT1 | V | U
	stw r5, 0x1004(r0)      ; PT1 maps itself read-only from now on
	stw r5, 0x1008(r0)      ; protection fault: skipped
	ldw r12, 0x1004(r0)     ; PT1[1] as the walk left it
	sys 0
	.align 4096
