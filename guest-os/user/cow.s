; guest-os/user/cow.s: does fork give each process its own copy?
; Owns: the copy-on-write checks. After the fork, parent and child share
;       every page, read-only to both; each must see its own stores and
;       never the other's:
;         x      the child stores to it first (the child gets a copy);
;         y      the parent stores to it first, just after the fork, on a
;                page of its own (the parent gets the copy; the child, the
;                original);
;         notes  the kernel stores into the child's buffer (readfile):
;                the kernel must copy the shared page first too, as xv6's
;                copyout does, or the parent's buffer changes;
;         x      after the wait, the parent stores to x again: the child is
;                gone, so the page is the parent's alone, taken back without
;                a copy.
; The child reports what it saw in its exit status (a bit per failed check),
; the parent what it saw. Prints OK, or FAILED with the bits. Paged kernel only.

        .include "syscall.inc"
        .include "memory.inc"
        .text
_start:
        li      r1, 1
        stw     r1, x(zero)
        la      r8, end_of_program
        addi    r8, r8, 4095
        shri    r8, r8, 12
        shli    r8, r8, 12              ; r8: y's page, past the program
        stw     r1, 0(r8)               ; y = 1
        li      r2, 'P'
        stb     r2, 4096(r8)            ; the buffer, a page further: "P"
.fork:
        sys     SYS_FORK
        beqz    r1, child
        cmpi    r1, E_AGAIN
        bne     .forked
        sys     SYS_YIELD               ; every slot is taken: try again later
        jmp     .fork
.forked:
        blt     r1, zero, .failed
        mov     r9, r1                  ; r9: the child's pid
        li      r1, 3
        stw     r1, 0(r8)               ; y = 3: the parent's own copy now
        sys     SYS_WAIT                ; r1: pid, r2: the child's findings
        li      r10, 0                  ; r10: what went wrong
        bne     r1, r9, .lost
        mov     r10, r2
        jmp     .look
.lost:
        li      r10, 0x100              ; wait did not return the child
.look:
        ldw     r1, x(zero)
        cmpi    r1, 1
        beq     .x_kept
        ori     r10, r10, 0x20          ; the child's store reached the parent
.x_kept:
        ldw     r1, 0(r8)
        cmpi    r1, 3
        beq     .y_kept
        ori     r10, r10, 0x40          ; the parent lost its own store
.y_kept:
        ldbu    r1, 4096(r8)
        cmpi    r1, 'P'
        beq     .buf_kept
        ori     r10, r10, 0x80          ; the kernel's store for the child reached the parent
.buf_kept:
        li      r1, 4
        stw     r1, x(zero)             ; nobody shares the page now
        ldw     r1, x(zero)
        cmpi    r1, 4
        beq     .report
        ori     r10, r10, 0x200
.report:
        la      r1, msg_ok
        beqz    r10, .print
        la      r1, msg_failed
        mov     r2, r10
.print:
        call    printf
        li      r1, 0
        sys     SYS_EXIT
.failed:
        mov     r2, r1
        la      r1, msg_nofork
        call    printf
        li      r1, 1
        sys     SYS_EXIT

; The child: r8 = y's page; the buffer is the page after it. Exits with a bit for each check that failed.
child:
        li      r10, 0
        ldw     r1, x(zero)
        cmpi    r1, 1
        beq     .x_shared
        ori     r10, r10, 1             ; did not see the parent's x
.x_shared:
        li      r1, 2
        stw     r1, x(zero)             ; the child's own copy
        ldw     r1, x(zero)
        cmpi    r1, 2
        beq     .x_own
        ori     r10, r10, 2
.x_own:
        ldw     r1, 0(r8)
        cmpi    r1, 1
        beq     .y_original
        ori     r10, r10, 4             ; saw the parent's store to y
.y_original:
        la      r1, n_notes
        addi    r2, r8, 4096            ; a page this child has not stored to
        li      r3, NOTES_LEN
        sys     SYS_READFILE
        cmpi    r1, NOTES_LEN
        beq     .read
        ori     r10, r10, 8             ; readfile failed
.read:
        ldbu    r1, 4096(r8)
        cmpi    r1, 'P'
        bne     .changed
        ori     r10, r10, 16            ; the buffer did not change
.changed:
        mov     r1, r10
        sys     SYS_EXIT

        .include "ulib.s"

NOTES_LEN = 16

        .data
        .align  4
x:
        .word   0
n_notes:
        .asciz  "notes"
msg_ok:
        .asciz  "cow: parent and child each saw their own copy, the kernel's store for the child too: OK\n"
msg_failed:
        .asciz  "cow: FAILED (0x%x): see the bits in guest-os/user/cow.s\n"
msg_nofork:
        .asciz  "cow: fork failed: error %d\n"
        .align  4
end_of_program:
