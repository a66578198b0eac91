; guest-os/bench/syscall.s: system-call-heavy: CALLS getpid calls, with
; nothing between them. Bare, a call is a trap, the kernel's dispatch and a
; return; under trap-and-emulate or binary translation each one also leaves
; the guest for the monitor; under hardware assist it vectors through the
; guest's own trap vector and never exits (Adams and Agesen's syscall).

CALLS  = 100000
PERIOD = 1000000

        .include "syscall.inc"
        .text
_start:
        li      r1, PERIOD
        sys     SYS_CLOCK
        li      r8, CALLS               ; r8: calls left
.call:
        sys     SYS_GETPID
        addi    r8, r8, -1
        bnez    r8, .call
        la      r1, msg
        li      r2, CALLS
        call    printf
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg:
        .asciz  "syscall: %d calls\n"
