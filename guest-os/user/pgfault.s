; guest-os/user/pgfault.s: page-fault heavy. ROUNDS times: touch every page
;       between the end of the program and the stack's page, each for the
;       first time, then give them all back (unmap), so that the next round
;       faults on every one again.
; Owns: the checks that each touch finds a fresh page of zeros (a word at an
;       offset that moves every round must read 0), that each page keeps
;       what was stored in it until unmap, and that unmap gives back every
;       page it touched.
; Prints the rounds, the pages a round, and a checksum of what it read back
; (sum = sum * 33 + word), and OK when every check passed. Every touch is a
; page fault the kernel fills with a zeroed frame: under a monitor, each is
; a hidden or a true fault to tell apart (Adams and Agesen's pgfault).
; guest-os/bench/pgfault.s runs more rounds. Paged kernel only.

.ifndef ROUNDS
ROUNDS = 4
.endif

        .include "syscall.inc"
        .include "memory.inc"
        .text
_start:
.ifdef PERIOD
        li      r1, PERIOD
        sys     SYS_CLOCK
.endif
        la      r8, end_of_program
        addi    r8, r8, 4095
        shri    r8, r8, 12
        shli    r8, r8, 12              ; r8: the first page past the program
        li      r9, REGION_SIZE - 4096  ; r9: the stack's page, where they end
        sub     r12, r9, r8
        shri    r12, r12, 12            ; r12: pages a round
        li      r10, 0                  ; r10: the round
        li      r11, 0                  ; r11: the checksum
.round:
        li      r1, ROUNDS
        bge     r10, r1, .report
        ; Touch each page: the word must be 0; then store the page's value.
        mov     r4, r8                  ; r4: the page
        li      r5, 0                   ; r5: its index
.touch:
        bgeu    r4, r9, .touched
        call    spot                    ; r6: the word's address
        ldw     r7, 0(r6)
        beqz    r7, .fresh
        call    wrong                   ; not a page of zeros
.fresh:
        call    value                   ; r7: what goes there
        stw     r7, 0(r6)
        addi    r4, r4, 4096
        addi    r5, r5, 1
        jmp     .touch
.touched:
        ; Read each back into the checksum.
        mov     r4, r8
        li      r5, 0
.back:
        bgeu    r4, r9, .free
        call    spot
        ldw     r6, 0(r6)
        call    value
        beq     r6, r7, .kept
        call    wrong                   ; the page lost what it held
.kept:
        muli    r11, r11, 33
        add     r11, r11, r6
        addi    r4, r4, 4096
        addi    r5, r5, 1
        jmp     .back
.free:
        mov     r1, r8
        sub     r2, r9, r8
        sys     SYS_UNMAP               ; r1: pages freed
        beq     r1, r12, .freed
        call    wrong
.freed:
        addi    r10, r10, 1
        jmp     .round
.report:
        la      r1, msg_ok
        ldw     r5, bad(zero)
        beqz    r5, .print
        la      r1, msg_wrong
.print:
        li      r2, ROUNDS
        mov     r3, r12
        mov     r4, r11
        call    printf
        li      r1, 0
        sys     SYS_EXIT

; spot: r4 = a page, r5 = its index, r10 = the round. Returns r6 = the
; address of the word this round checks in it: the offset moves.
spot:
        muli    r6, r10, 37
        muli    r7, r5, 101
        add     r6, r6, r7
        andi    r6, r6, 1023
        shli    r6, r6, 2
        add     r6, r4, r6
        ret

; value: r5 = a page's index, r10 = the round. Returns r7 = what it holds.
value:
        shli    r7, r10, 16
        add     r7, r7, r5
        addi    r7, r7, 1
        ret

; wrong: one more check failed.
wrong:
        ldw     r1, bad(zero)
        addi    r1, r1, 1
        stw     r1, bad(zero)
        ret

        .include "ulib.s"

        .data
        .align  4
bad:
        .word   0
msg_ok:
        .asciz  "pgfault: %d rounds of %d fresh pages, checksum 0x%x: OK\n"
msg_wrong:
        .asciz  "pgfault: %d rounds of %d fresh pages, checksum 0x%x: WRONG (%d checks failed)\n"
        .align  4
end_of_program:
