; labs/lab1/tests/progs/crasher.s: says so, then reads past its region.
        .include "syscall.inc"
        .include "memory.inc"
        .text
_start:
        la      r1, msg
        call    printf
        li      r2, REGION_SIZE
        ldw     r1, 0(r2)
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg:
        .asciz  "crasher: about to fault\n"
