; labs/lab1/hidden/progs/wrap.s: a length so large that buf + len wraps
; around 2^32 must not pass for a short buffer.
        .include "syscall.inc"
        .text
_start:
        li      r1, 0x10
        li      r2, 0xfffffff8
        sys     SYS_WRITE
        mov     r2, r1
        la      r1, msg
        call    printf
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg:
        .asciz  "wrap: returned %d\n"
