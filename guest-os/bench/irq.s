; guest-os/bench/irq.s: interrupt-heavy: compute.s's loop with the clock
; ticking every PERIOD instructions, so the kernel's timer handler, its
; scheduler and its return to the process run thousands of times: each tick
; is a handful of exits under trap-and-emulate, and none under hardware
; assist with a timer of the guest's own.

ROUNDS = 400000
PERIOD = 500

        .include "syscall.inc"
        .text
_start:
        li      r1, PERIOD
        sys     SYS_CLOCK
        li      r8, ROUNDS
        li      r9, 1
        li      r10, 0
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
        .asciz  "irq: %x\n"
