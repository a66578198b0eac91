; labs/lab1/tests/progs/child.s: says its pid, and exits.
        .include "syscall.inc"
        .text
_start:
        sys     SYS_GETPID
        mov     r2, r1
        la      r1, msg
        call    printf
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg:
        .asciz  "child: my pid is %d\n"
