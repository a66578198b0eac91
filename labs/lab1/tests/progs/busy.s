; labs/lab1/tests/progs/busy.s: half a million instructions of work, then a line.
        .include "syscall.inc"
        .text
_start:
        li      r2, 250000
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
        .asciz  "busy: done\n"
