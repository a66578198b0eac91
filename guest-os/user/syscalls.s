; guest-os/user/syscalls.s: system-call heavy: thousands of getpid and ticks
; calls, some yields and a sleep, each result checked. Under trap-and-emulate
; every call is a trap into the guest kernel, whose privileged instructions
; trap again into the VMM: compare the modes' --stats.

ROUNDS = 1000
YIELDS = 10
NAP    = 3                      ; ticks to sleep

        .include "syscall.inc"
        .text
_start:
        sys     SYS_GETPID
        mov     r8, r1                  ; r8: my pid
        li      r9, ROUNDS              ; r9: rounds left
        li      r10, 0                  ; r10: the last tick count seen
.round:
        sys     SYS_GETPID
        bne     r1, r8, .wrong          ; the pid never changes
        sys     SYS_TICKS
        bltu    r1, r10, .wrong         ; time never runs backwards
        mov     r10, r1
        addi    r9, r9, -1
        bnez    r9, .round
        li      r9, YIELDS
.yield:
        sys     SYS_YIELD
        addi    r9, r9, -1
        bnez    r9, .yield
        sys     SYS_TICKS
        mov     r10, r1
        li      r1, NAP
        sys     SYS_SLEEP
        sys     SYS_TICKS
        sub     r1, r1, r10
        li      r2, NAP
        bltu    r1, r2, .wrong          ; woke too early
        la      r1, msg_ok
        li      r2, 2 * ROUNDS
        li      r3, YIELDS
        li      r4, NAP
        call    printf
        li      r1, 0
        sys     SYS_EXIT
.wrong:
        la      r1, msg_wrong
        call    printf
        li      r1, 1
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg_ok:
        .asciz  "syscalls: %d getpid and ticks calls, %d yields, a sleep of %d ticks: OK\n"
msg_wrong:
        .asciz  "syscalls: a system call gave a wrong answer\n"
