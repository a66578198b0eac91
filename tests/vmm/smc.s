; tests/vmm/smc.s: self-modifying kernel code. The routine bump runs four
; times, and between runs the kernel overwrites one of its instructions:
;   1. an innocuous word with another (addi 1 becomes addi 4), run at once;
;   2. a sensitive word with an innocuous one (getpsw becomes ori), at once;
;   3. an innocuous word with a sensitive one (getpsw again), after an exit
;      to the monitor (mfsr traps when the kernel is deprivileged).
; The new words live in .data, where no scanner following the code finds
; them. Each check sets a bit of the halt code: bit 0, the first getpsw saw
; supervisor mode; bit 1, the new addi ran; bit 2, the new ori ran; bit 3,
; the last getpsw saw supervisor mode. Bare: halt 15.
;   bt: a translation whose code was written is dropped when next entered
;   and the new code translated: 15, with or without --nonvirt. Keeping the
;   stale translation would emulate the old getpsw in 2: halt 11.
;   patch: a write to scanned code is found at the next exit, which comes
;   before the run in 3: 15 under --nonvirt.
;   trap: under --nonvirt=getpsw getpsw runs deprivileged and reads the
;   real psw, user mode: bits 0 and 3 are lost, halt 6.
	li r1, 0
	li r7, 0                ; the checks passed, a bit each
	jal bump
	andi r2, r2, PSW_S
	or r7, r7, r2           ; bit 0
	; 1.
	la r3, slot
	ldw r4, new_addi(zero)
	stw r4, 0(r3)
	jal bump
	li r3, 5
	cmp r1, r3
	bne 1f
	ori r7, r7, 2           ; bit 1
1:	; 2.
	la r3, probe
	ldw r4, new_ori(zero)
	stw r4, 0(r3)
	jal bump
	li r3, 32
	cmp r2, r3
	bne 1f
	ori r7, r7, 4           ; bit 2
1:	; 3.
	la r3, probe
	ldw r4, new_getpsw(zero)
	stw r4, 0(r3)
	mfsr r5, scratch        ; an exit, under a monitor that deprivileges
	jal bump
	andi r2, r2, PSW_S
	shli r2, r2, 3
	or r7, r7, r2           ; bit 3
	out PORT_POWER, r7

bump:
slot:	addi r1, r1, 1
probe:	getpsw r2
	ret

	.data
new_addi:
	addi r1, r1, 4
new_ori:
	ori r2, r0, 32
new_getpsw:
	getpsw r2
