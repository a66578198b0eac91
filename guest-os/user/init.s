; guest-os/user/init.s: the first process; the kernel starts it at boot.
; Owns: the default boot's set of programs: init spawns each in turn from
;       the disk and exits. When every slot is taken it yields and tries
;       again: a slot frees when a process exits.
; A child may speak before init says it started it: spawn clears a 32 KiB
; region, which takes longer than a clock tick, so the tick that falls due
; meanwhile preempts init as soon as spawn returns.

        .include "syscall.inc"
        .text
_start:
        la      r8, programs            ; r8: the next name in the list
.next:
        ldw     r9, 0(r8)               ; r9: the name
        beqz    r9, .done
.retry:
        mov     r1, r9
        sys     SYS_SPAWN
        cmpi    r1, E_AGAIN
        bne     .spawned
        sys     SYS_YIELD               ; every slot is taken: wait for an exit
        jmp     .retry
.spawned:
        blt     r1, zero, .failed
        mov     r3, r1
        la      r1, msg_started
        mov     r2, r9
        call    printf
        jmp     .advance
.failed:
        mov     r3, r1
        la      r1, msg_failed
        mov     r2, r9
        call    printf
.advance:
        addi    r8, r8, 4
        jmp     .next
.done:
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
        .align  4
programs:
        .word   n_hello, n_ping, n_pong, n_primes, n_syscalls, n_diskread
        .word   n_redpill, n_selfcheck, n_crash, 0
n_hello:        .asciz "hello"
n_ping:         .asciz "ping"
n_pong:         .asciz "pong"
n_primes:       .asciz "primes"
n_syscalls:     .asciz "syscalls"
n_diskread:     .asciz "diskread"
n_redpill:      .asciz "redpill"
n_selfcheck:    .asciz "selfcheck"
n_crash:        .asciz "crash"
msg_started:    .asciz "init: started %s as pid %d\n"
msg_failed:     .asciz "init: cannot start %s: error %d\n"
