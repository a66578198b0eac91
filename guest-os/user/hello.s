; guest-os/user/hello.s: the smallest program: one line, then exit.

        .include "syscall.inc"
        .text
_start:
        sys     SYS_GETPID
        mov     r2, r1
        la      r1, msg_hello
        call    printf
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg_hello:
        .asciz  "hello, world: pid %d, in user mode at virtual address 0\n"
