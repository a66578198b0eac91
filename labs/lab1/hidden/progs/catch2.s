; labs/lab1/hidden/progs/catch2.s: a handler may ask again: each catch
; covers the next fault, and the handler runs with the state of the fault.
        .include "syscall.inc"
        .text
_start:
        la      r1, first
        sys     SYS_CATCH
        .word   0xff000000              ; ILLEGAL
first:
        mov     r8, r1                  ; the cause
        la      r1, second
        sys     SYS_CATCH
        brk     3                       ; BREAKPOINT
second:
        mov     r9, r1
        mov     r10, r2                 ; the brk's code
        la      r1, msg
        mov     r2, r8
        mov     r3, r9
        mov     r4, r10
        call    printf
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg:
        .asciz  "catch2: causes %d then %d (code %d)\n"
