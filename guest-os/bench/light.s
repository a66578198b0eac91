; guest-os/bench/light.s: a lightly loaded server, as in the lecture's racks:
; it wakes for a request, does a little work (the generator of compute.s,
; WORK steps: about 2,400 instructions), and sleeps again, ROUNDS times.
; Alone on a machine of its own the machine is idle most of the time
; (about a sixth busy, boot included); `trapeze host` consolidates several such guests on
; one machine (tests/host_test.c, `make bench`, labs/lab7).

ROUNDS = 40
WORK = 400                      ; generator steps per request
NAP = 12                        ; clock ticks asleep between requests

        .include "syscall.inc"
        .text
_start:
        li      r8, ROUNDS              ; r8: requests left
        li      r9, 1                   ; r9: the generator's state
        li      r10, 0                  ; r10: the fold
        li      r11, 1103515245
.request:
        li      r12, WORK
.step:
        mul     r9, r9, r11
        addi    r9, r9, 12345
        shri    r2, r9, 16
        xor     r10, r10, r2
        addi    r12, r12, -1
        bnez    r12, .step
        li      r1, NAP
        sys     SYS_SLEEP
        addi    r8, r8, -1
        bnez    r8, .request
        la      r1, msg
        mov     r2, r10
        call    printf
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg:
        .asciz  "light: %x after 40 requests\n"
