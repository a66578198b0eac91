; guest-os/user/pinit.s: the first process of the paged boot (build/guest/paged.img,
;       where it is the file `init`): UNIX's way to start programs.
; Owns: the paged boot's set of programs. For each, it forks, and the child
;       execs the program; when every slot (or every frame) is taken it
;       waits for a child to end, which frees some. At the end it waits for
;       every child and says how each ended (its exit status: -1 when the
;       kernel killed it).
; Needs the paged kernel (kernel-paged.elf): the unpaged one answers fork
; with E_NOSYS, and this init says so and stops.

MAX_CHILDREN = 16

        .include "syscall.inc"
        .text
_start:
        la      r8, programs            ; r8: the next name in the list
.next:
        ldw     r9, 0(r8)               ; r9: the name
        beqz    r9, .drain
.fork:
        sys     SYS_FORK
        beqz    r1, .child
        cmpi    r1, E_AGAIN
        beq     .full
        cmpi    r1, E_NOMEM
        bne     .forked
.full:
        mov     r10, r1                 ; r10: every slot, or every frame, is taken
        call    reap                    ; wait for a child to end and give its own back
        bge     r1, zero, .fork
        mov     r1, r10
        cmpi    r1, E_AGAIN
        bne     .failed                 ; no memory, and no child to free some
        sys     SYS_YIELD               ; the slots are others' children: later
        jmp     .fork
.forked:
        blt     r1, zero, .failed
        mov     r10, r1                 ; r10: the child's pid
        call    remember
        la      r1, msg_started
        mov     r2, r9
        mov     r3, r10
        call    printf
        addi    r8, r8, 4
        jmp     .next
.failed:
        mov     r3, r1
        la      r1, msg_nofork
        mov     r2, r9
        call    printf
        li      r1, 1
        sys     SYS_EXIT
.child:
        ; The child: the program instead of this one. exec returns only
        ; when it failed.
        mov     r1, r9
        sys     SYS_EXEC
        mov     r3, r1
        la      r1, msg_noexec
        mov     r2, r9
        call    printf
        li      r1, 1
        sys     SYS_EXIT
.drain:
        call    reap
        bge     r1, zero, .drain
        li      r1, 0
        sys     SYS_EXIT

; remember: r9 = a name, r10 = the pid of the child running it.
remember:
        ldw     r1, nchildren(zero)
        li      r2, MAX_CHILDREN
        bgeu    r1, r2, .full
        shli    r2, r1, 3
        la      r3, children
        add     r2, r2, r3
        stw     r10, 0(r2)
        stw     r9, 4(r2)
        addi    r1, r1, 1
        stw     r1, nchildren(zero)
.full:
        ret

; reap: wait for a child and say how it ended. Returns r1 = its pid, or
; E_CHILD when there is none left.
reap:
        push    lr
        sys     SYS_WAIT                ; r1: the pid, r2: its status
        blt     r1, zero, .out
        mov     r4, r2                  ; r4: the status
        mov     r3, r1                  ; r3: the pid
        la      r2, n_unknown           ; r2: its name
        ldw     r5, nchildren(zero)
        la      r6, children
.find:
        beqz    r5, .say
        ldw     r7, 0(r6)
        bne     r7, r3, .other
        ldw     r2, 4(r6)
        jmp     .say
.other:
        addi    r6, r6, 8
        addi    r5, r5, -1
        jmp     .find
.say:
        push    r3
        la      r1, msg_ended
        call    printf
        pop     r1
.out:
        pop     lr
        ret

        .include "ulib.s"

        .data
        .align  4
programs:
        .word   n_hello, n_ping, n_pong, n_primes, n_syscalls, n_diskread
        .word   n_redpill, n_selfcheck, n_crash
        .word   n_forkwait, n_cow, n_pgfault, n_ptemod, 0
nchildren:
        .word   0
children:
        .space  MAX_CHILDREN * 8        ; (pid, name) of each child
n_hello:        .asciz "hello"
n_ping:         .asciz "ping"
n_pong:         .asciz "pong"
n_primes:       .asciz "primes"
n_syscalls:     .asciz "syscalls"
n_diskread:     .asciz "diskread"
n_redpill:      .asciz "redpill"
n_selfcheck:    .asciz "selfcheck"
n_crash:        .asciz "crash"
n_forkwait:     .asciz "forkwait"
n_cow:          .asciz "cow"
n_pgfault:      .asciz "pgfault"
n_ptemod:       .asciz "ptemod"
n_unknown:      .asciz "?"
msg_started:    .asciz "init: started %s as pid %d\n"
msg_ended:      .asciz "init: %s (pid %d) ended with status %d\n"
msg_nofork:     .asciz "init: cannot fork for %s: error %d\n"
msg_noexec:     .asciz "init: cannot exec %s: error %d\n"
