; guest-os/user/primes.s: compute-bound: counts the primes below LIMIT by
; trial division. Almost every instruction is innocuous: under a VMM it runs
; directly on the processor (P&G's efficiency), and only the timer stops it.

LIMIT = 10000

        .include "syscall.inc"
        .text
_start:
        li      r8, 2                   ; r8: the candidate
        li      r9, 0                   ; r9: primes found
        li      r10, 0                  ; r10: the largest
.candidate:
        li      r1, LIMIT
        bge     r8, r1, .report
        li      r2, 2                   ; r2: the trial divisor
.trial:
        mul     r3, r2, r2
        blt     r8, r3, .prime          ; no divisor up to its square root
        rem     r3, r8, r2
        beqz    r3, .composite
        addi    r2, r2, 1
        jmp     .trial
.prime:
        addi    r9, r9, 1
        mov     r10, r8
.composite:
        addi    r8, r8, 1
        jmp     .candidate
.report:
        la      r1, msg_primes
        mov     r2, r9
        li      r3, LIMIT
        mov     r4, r10
        call    printf
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg_primes:
        .asciz  "primes: %d primes below %d; the largest is %d\n"
