; labs/lab1/tests/progs/getpid.s: init is pid 1; the child it spawns, 2.
        .include "syscall.inc"
        .text
_start:
        sys     SYS_GETPID
        mov     r2, r1
        la      r1, msg
        call    printf
        la      r1, child
        sys     SYS_SPAWN
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg:
        .asciz  "getpid: init is pid %d\n"
child:
        .asciz  "child"
