; guest-os/user/forkwait.s: Adams and Agesen's forkwait (ASPLOS 2006), scaled
;       to this machine: PAIRS times, fork a child that exits at once, and
;       wait for it.
; Owns: the checks of each pair: fork's pid is the one wait returns, and the
;       child's exit status is what the child computed from the memory it
;       shares with its parent (copy-on-write): i * 7 + 3, mod 256, where i
;       is the pair's number, stored by the parent just before the fork.
; Prints the pairs and a checksum of the statuses (sum = sum * 33 + status),
; and OK when every pair checked. Under a monitor each fork rewrites page
; tables and each switch to the child and back loads ptb: A&A's worst case
; for the first VT-x processors. guest-os/bench/forkwait.s runs more pairs.
; Paged kernel only: the unpaged one answers fork with E_NOSYS.

.ifndef PAIRS
PAIRS = 20
.endif

        .include "syscall.inc"
        .text
_start:
.ifdef PERIOD
        li      r1, PERIOD
        sys     SYS_CLOCK
.endif
        li      r8, 0                   ; r8: the pair
        li      r10, 0                  ; r10: the checksum
        li      r11, 0                  ; r11: pairs that did not check
.pair:
        li      r1, PAIRS
        bge     r8, r1, .report
        stw     r8, pair(zero)          ; the child reads it from the shared page
.fork:
        sys     SYS_FORK
        beqz    r1, .child
        cmpi    r1, E_AGAIN
        bne     .forked
        sys     SYS_YIELD               ; every slot is taken: try again later
        jmp     .fork
.forked:
        blt     r1, zero, .failed
        mov     r9, r1                  ; r9: the child's pid
        sys     SYS_WAIT                ; r1: a pid, r2: its status
        beq     r1, r9, .same
        addi    r11, r11, 1             ; not the child just forked
.same:
        muli    r3, r8, 7
        addi    r3, r3, 3
        andi    r3, r3, 0xFF
        beq     r2, r3, .status
        addi    r11, r11, 1             ; not the status the child should give
.status:
        muli    r10, r10, 33
        add     r10, r10, r2
        addi    r8, r8, 1
        jmp     .pair
.child:
        ldw     r1, pair(zero)
        muli    r1, r1, 7
        addi    r1, r1, 3
        andi    r1, r1, 0xFF
        sys     SYS_EXIT
.report:
        la      r1, msg_ok
        beqz    r11, .print
        la      r1, msg_wrong
.print:
        li      r2, PAIRS
        mov     r3, r10
        mov     r4, r11
        call    printf
        li      r1, 0
        sys     SYS_EXIT
.failed:
        mov     r2, r1
        la      r1, msg_failed
        call    printf
        li      r1, 1
        sys     SYS_EXIT

        .include "ulib.s"

        .data
        .align  4
pair:
        .word   0
msg_ok:
        .asciz  "forkwait: %d fork/wait pairs, checksum 0x%x: OK\n"
msg_wrong:
        .asciz  "forkwait: %d fork/wait pairs, checksum 0x%x: WRONG (%d pairs did not check)\n"
msg_failed:
        .asciz  "forkwait: fork failed: error %d\n"
