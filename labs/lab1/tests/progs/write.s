; labs/lab1/tests/progs/write.s: write prints what it is given and returns
; its length; a buffer that does not lie wholly inside the process is
; refused with E_FAULT (-3), and nothing of it is printed.
        .include "syscall.inc"
        .include "memory.inc"
        .text
_start:
        la      r1, hello
        li      r2, 6
        sys     SYS_WRITE
        mov     r8, r1                  ; 6
        la      r1, hello
        li      r2, 0
        sys     SYS_WRITE
        mov     r9, r1                  ; 0: nothing to write
        li      r1, REGION_SIZE
        li      r2, 1
        sys     SYS_WRITE
        mov     r10, r1                 ; at the limit: E_FAULT
        li      r1, REGION_SIZE - 16
        li      r2, 32
        sys     SYS_WRITE
        mov     r11, r1                 ; crosses the limit: E_FAULT
        la      r1, msg_ok
        mov     r2, r8
        mov     r3, r9
        call    printf
        la      r1, msg_out
        mov     r2, r10
        mov     r3, r11
        call    printf
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
hello:
        .ascii  "hello\n"
msg_ok:
        .asciz  "write: 6 bytes returned %d, 0 bytes returned %d\n"
msg_out:
        .asciz  "write: at the limit returned %d, across it returned %d\n"
