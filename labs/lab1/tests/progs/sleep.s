; labs/lab1/tests/progs/sleep.s: sleep(0) returns at once; sleep(5) returns
; no sooner than five clock ticks later.
        .include "syscall.inc"
        .text
_start:
        li      r1, 0
        sys     SYS_SLEEP
        mov     r10, r1                 ; 0
        sys     SYS_TICKS
        mov     r8, r1
        li      r1, 5
        sys     SYS_SLEEP
        sys     SYS_TICKS
        sub     r2, r1, r8              ; ticks slept
        la      r1, msg_short
        li      r3, 5
        bltu    r2, r3, .say
        la      r1, msg_ok
        mov     r2, r10
.say:
        call    printf
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg_short:
        .asciz  "sleep: woke after %d ticks, not 5\n"
msg_ok:
        .asciz  "sleep: sleep(0) returned %d; sleep(5) slept 5 ticks or more\n"
