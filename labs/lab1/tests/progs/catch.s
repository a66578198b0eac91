; labs/lab1/tests/progs/catch.s: with SYS_CATCH, a fault resumes the process
; at its handler, with r1 = the cause, r2 = the detail, r3 = the pc of the
; faulting instruction. Only once: the second fault kills.
        .include "syscall.inc"
        .text
_start:
        la      r1, handler
        sys     SYS_CATCH
        li      r5, 7
fault:
        div     r5, r5, zero            ; DIVZERO: the detail is this word
        la      r1, msg_on              ; not reached
        call    printf
        li      r1, 1
        sys     SYS_EXIT

handler:
        la      r4, fault
        la      r5, msg_no
        bne     r3, r4, .say
        la      r5, msg_yes
.say:
        mov     r3, r2
        mov     r2, r1
        mov     r4, r5
        la      r1, msg_caught
        call    printf
        la      r1, msg_again
        call    printf
        li      r2, 0x8000
        ldw     r1, 0(r2)               ; BOUNDS, not caught: the kernel kills us
        la      r1, msg_on
        call    printf
        li      r1, 1
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg_caught:
        .asciz  "catch: cause %d, detail 0x%x, at the div: %s\n"
msg_yes:
        .asciz  "yes"
msg_no:
        .asciz  "no"
msg_again:
        .asciz  "catch: faulting again, uncaught\n"
msg_on:
        .asciz  "catch: still running after a fault!\n"
