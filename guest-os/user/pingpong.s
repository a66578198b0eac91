; guest-os/user/pingpong.s: the body of ping and pong (each defines `word`,
; the string it prints, and includes this file).
; Owns: a loop that prints a numbered line, then computes for several
;       quanta without a system call. Nothing in it yields the processor:
;       when ping's and pong's lines alternate on the console, the timer's
;       preemption did it.

ROUNDS = 6
SPIN   = 5000                   ; about 3 * QUANTUM instructions per round

        .text
_start:
        li      r8, 1                   ; r8: the round
.round:
        la      r1, msg_round
        la      r2, word
        mov     r3, r8
        call    printf
        li      r9, SPIN
.spin:
        addi    r9, r9, -1
        bnez    r9, .spin
        addi    r8, r8, 1
        li      r1, ROUNDS
        bge     r1, r8, .round
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg_round:
        .asciz  "%s %d\n"
        .text
