; labs/lab1/tests/progs/preempt.s: the clock takes the processor from a
; busy process. init starts busy (a long loop, no system calls), gives it
; the processor, and finishes its own short loop first only if the timer
; interrupt hands the processor back.
        .include "syscall.inc"
        .text
_start:
        la      r1, busy
        sys     SYS_SPAWN
        sys     SYS_YIELD               ; busy runs now
        li      r2, 20000
.spin:
        addi    r2, r2, -1
        bnez    r2, .spin
        la      r1, msg
        call    printf
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg:
        .asciz  "preempt: init is done\n"
busy:
        .asciz  "busy"
