; guest-os/bench/privop.s: privileged-operation-heavy: the kernel masks and
; unmasks interrupts SECTIONS times a call (SYS_TALLY: a critical section
; per increment). Trap-and-emulate exits at every setpsw; so does hardware
; assist on a processor without a shadow of the interrupt mask (the first
; VT-x exited on every CR8 write: Adams and Agesen's cr8wr); binary
; translation turns setpsw into a few instructions; the paravirtualised
; kernel masks with a store.

CALLS    = 50
SECTIONS = 2000
PERIOD   = 1000000

        .include "syscall.inc"
        .text
_start:
        li      r1, PERIOD
        sys     SYS_CLOCK
        li      r8, CALLS               ; r8: calls left
.call:
        li      r1, SECTIONS
        sys     SYS_TALLY
        mov     r9, r1                  ; r9: the tally
        addi    r8, r8, -1
        bnez    r8, .call
        la      r1, msg
        mov     r2, r9
        call    printf
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg:
        .asciz  "privop: tally %d\n"
