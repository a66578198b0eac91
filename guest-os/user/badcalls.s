; guest-os/user/badcalls.s: the paged kernel's new calls, asked wrongly.
; Owns: the error each bad request must get (a hostile program's view of
;       fork, wait, exec, unmap and protect, and of write, read and readfile
;       paged), and children that harm themselves: each must die alone, the
;       kernel and this process going on, every frame given back.
; Prints each failed check, then the number of checks and OK or FAILED.
; On build/guest/badcalls.img with kernel-paged.elf (tests/guest_os_paged_test.c).

        .include "syscall.inc"
        .include "memory.inc"

; expect V: r1 must be V; else say which check failed.
.macro  expect v
        li      r2, \v
        call    check
.endm

        .text
_start:
        sys     SYS_WAIT
        expect  E_CHILD                 ; no child at all
        la      r1, n_nosuch
        sys     SYS_EXEC
        expect  E_NOENT
        la      r1, n_notes
        sys     SYS_EXEC
        expect  E_NOEXEC                ; a data file
        la      r1, n_long
        sys     SYS_EXEC
        expect  E_INVAL                 ; no NUL in 16 bytes
        li      r1, REGION_SIZE
        sys     SYS_EXEC
        expect  E_FAULT                 ; the name past the end
        li      r1, -4
        sys     SYS_EXEC
        expect  E_FAULT
        ; unmap and protect: only inside, whole.
        li      r1, REGION_SIZE
        li      r2, 1
        sys     SYS_UNMAP
        expect  E_FAULT
        li      r1, REGION_SIZE - 4096
        li      r2, 8192
        sys     SYS_UNMAP
        expect  E_FAULT                 ; runs past the end
        li      r1, -4096
        li      r2, 8192
        sys     SYS_UNMAP
        expect  E_FAULT                 ; wraps around
        li      r1, 0x5000
        li      r2, 0
        sys     SYS_UNMAP
        expect  0                       ; nothing
        li      r1, 0x5000
        li      r2, 4096
        sys     SYS_UNMAP
        expect  0                       ; never touched: nothing to free
        li      r1, 0x9000
        li      r2, 4
        li      r3, 1
        sys     SYS_PROTECT
        expect  E_FAULT
        li      r1, 0x5000
        li      r2, 4
        li      r3, 2
        sys     SYS_PROTECT
        expect  E_INVAL                 ; neither read-only nor writable
        ; write, read, readfile: the whole buffer inside, or nothing.
        li      r1, REGION_SIZE - 16
        li      r2, 32
        sys     SYS_WRITE
        expect  E_FAULT
        li      r1, -1
        li      r2, 2
        sys     SYS_WRITE
        expect  E_FAULT
        li      r1, REGION_SIZE
        li      r2, 1
        sys     SYS_READ
        expect  E_FAULT
        la      r1, n_notes
        li      r2, REGION_SIZE - 256
        li      r3, 512
        sys     SYS_READFILE
        expect  E_FAULT
        ; A buffer on a page made read-only: the kernel must not store there.
        li      r1, 0x5000
        li      r2, 4096
        li      r3, 0
        sys     SYS_PROTECT
        expect  1
        la      r1, n_notes
        li      r2, 0x5000
        li      r3, 16
        sys     SYS_READFILE
        expect  E_FAULT
        li      r1, 0x5000
        li      r2, 4096
        li      r3, 1
        sys     SYS_PROTECT
        expect  1
        la      r1, n_notes
        li      r2, 0x5000
        li      r3, 16
        sys     SYS_READFILE
        expect  16                      ; writable again
        ; Children that harm themselves: each killed, and only it.
        la      r8, harms
.harm:
        ldw     r9, 0(r8)
        beqz    r9, .bomb
        sys     SYS_FORK
        beqz    r1, .child
        mov     r10, r1                 ; r10: its pid
        sys     SYS_WAIT
        mov     r11, r2                 ; r11: its status
        mov     r2, r10
        call    check                   ; the child just forked
        mov     r1, r11
        li      r2, -1
        call    check                   ; killed
        addi    r8, r8, 4
        jmp     .harm
.child:
        jr      r9
.bomb:
        ; Fork until the kernel says no, every child waiting to be told to go.
        li      r10, 0                  ; r10: children
.more:
        sys     SYS_FORK
        beqz    r1, .bomb_child
        blt     r1, zero, .full
        addi    r10, r10, 1
        jmp     .more
.full:
        li      r2, E_AGAIN             ; no slot (or no frame) left
        beq     r1, r2, .refused
        li      r2, E_NOMEM
        beq     r1, r2, .refused
        call    check                   ; any other error: wrong
.refused:
        li      r1, 1
        stw     r1, go(zero)            ; our own copy: the children never see it
.reap:
        sys     SYS_WAIT
        blt     r1, zero, .reaped
        mov     r1, r2
        li      r2, 7
        call    check                   ; each child's status
        addi    r10, r10, -1
        jmp     .reap
.reaped:
        mov     r1, r10
        li      r2, 0
        call    check                   ; every child waited for
        la      r1, msg_done
        ldw     r2, checks(zero)
        la      r3, msg_ok
        ldw     r4, failures(zero)
        beqz    r4, .print
        la      r3, msg_failed
.print:
        call    printf
        li      r1, 0
        sys     SYS_EXIT
.bomb_child:
        ldw     r1, go(zero)            ; 0: its copy is the parent's before the store
        bnez    r1, .wrong_go
        li      r1, 7
        sys     SYS_EXIT
.wrong_go:
        li      r1, 8
        sys     SYS_EXIT

; The harms, each run by a child.
unmap_code:
        li      r1, 0
        li      r2, 4096
        sys     SYS_UNMAP               ; our code: the next fetch is a page of zeros
        li      r1, 0
        sys     SYS_EXIT                ; never reached
readonly_stack:
        li      r1, REGION_SIZE - 4096
        li      r2, 4096
        li      r3, 0
        sys     SYS_PROTECT
        push    r1                      ; a store to the stack
        li      r1, 0
        sys     SYS_EXIT
store_past_end:
        li      r1, REGION_SIZE
        stw     r1, 0(r1)
        li      r1, 0
        sys     SYS_EXIT
store_high:
        li      r1, -4
        stw     r1, 0(r1)
        li      r1, 0
        sys     SYS_EXIT
jump_away:
        li      r1, 0x00400000          ; the directory's second entry: none
        jr      r1

; check: r1 = what a call returned, r2 = what it should have. Counts it,
; and says so when it differs.
check:
        push    lr
        ldw     r3, checks(zero)
        addi    r3, r3, 1
        stw     r3, checks(zero)
        beq     r1, r2, .ok
        ldw     r4, failures(zero)
        addi    r4, r4, 1
        stw     r4, failures(zero)
        mov     r4, r2
        mov     r2, r3
        mov     r3, r1
        la      r1, msg_check
        call    printf
.ok:
        pop     lr
        ret

        .include "ulib.s"

        .data
        .align  4
harms:
        .word   unmap_code, readonly_stack, store_past_end, store_high, jump_away, 0
checks:         .word 0
failures:       .word 0
go:             .word 0
n_nosuch:       .asciz "nosuch"
n_notes:        .asciz "notes"
n_long:         .ascii "abcdefghijklmnopqrstuvwxyz"
msg_check:      .asciz "badcalls: check %d: got %d, expected %d\n"
msg_done:       .asciz "badcalls: %d checks: %s\n"
msg_ok:         .asciz "OK"
msg_failed:     .asciz "FAILED"
