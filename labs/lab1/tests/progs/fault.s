; labs/lab1/tests/progs/fault.s: a fault kills the process that made it,
; and only that one: init starts crasher, waits for it, and goes on.
        .include "syscall.inc"
        .text
_start:
        la      r1, crasher
        sys     SYS_SPAWN
        li      r8, 20
.wait:
        sys     SYS_YIELD
        addi    r8, r8, -1
        bnez    r8, .wait
        la      r1, msg
        call    printf
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg:
        .asciz  "fault: init is still here\n"
crasher:
        .asciz  "crasher"
