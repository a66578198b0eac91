; labs/lab1/tests/progs/nosys.s: system calls that do not exist answer
; E_NOSYS (-7); the kernel does not jump through the table past its end.
        .include "syscall.inc"
        .text
_start:
        sys     99
        mov     r8, r1
        sys     NSYSCALLS               ; one past the last
        mov     r3, r1
        mov     r2, r8
        la      r1, msg
        call    printf
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg:
        .asciz  "nosys: sys 99 returned %d, sys 12 returned %d\n"
