; guest-os/bench/compute.s: compute-bound: a linear congruential generator
; run ROUNDS times, its outputs folded into one word. Every instruction is
; innocuous; the clock is slowed to a tick per million instructions, as a
; real kernel's is, so that nearly nothing leaves the processor: every
; technique should run it within a few percent of bare (Adams and Agesen's
; SPECint).

ROUNDS = 2500000
PERIOD = 1000000                ; instructions between clock ticks

        .include "syscall.inc"
        .text
_start:
        li      r1, PERIOD
        sys     SYS_CLOCK
        li      r8, ROUNDS              ; r8: rounds left
        li      r9, 1                   ; r9: the generator's state
        li      r10, 0                  ; r10: the fold
        li      r11, 1103515245
.round:
        mul     r9, r9, r11
        addi    r9, r9, 12345
        shri    r2, r9, 16
        xor     r10, r10, r2
        addi    r8, r8, -1
        bnez    r8, .round
        la      r1, msg
        mov     r2, r10
        call    printf
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg:
        .asciz  "compute: %x\n"
