; guest-os/user/ptemod.s: page-table-modification heavy. ROUNDS times, the
;       pages between the end of the program and the stack's page are made
;       read-only and then writable again (protect): each call rewrites an
;       entry per page in the kernel's tables.
; Owns: the checks that protect changes every entry it should, that a page
;       keeps its contents throughout, and that a store to a page made
;       read-only really faults (caught with catch: a PAGEFAULT at the
;       address stored to) and works again once it is writable.
; Prints the calls, the entries they changed and the faulting address, and
; OK when every check passed. Under a monitor with shadow page tables every
; entry the guest kernel rewrites is a write to a traced page (Adams and
; Agesen's ptemod). guest-os/bench/ptemod.s runs more rounds. Paged kernel only.

.ifndef ROUNDS
ROUNDS = 10
.endif

        .include "syscall.inc"
        .include "memory.inc"
        .text
_start:
.ifdef PERIOD
        li      r1, PERIOD
        sys     SYS_CLOCK
.endif
        la      r8, end_of_program
        addi    r8, r8, 4095
        shri    r8, r8, 12
        shli    r8, r8, 12              ; r8: the first page past the program
        li      r9, REGION_SIZE - 4096
        sub     r9, r9, r8              ; r9: the bytes of those pages
        shri    r12, r9, 12             ; r12: how many
        ; Each page gets its own number in its first word.
        mov     r4, r8
        li      r5, 1
.fill:
        bgt     r5, r12, .filled
        stw     r5, 0(r4)
        addi    r4, r4, 4096
        addi    r5, r5, 1
        jmp     .fill
.filled:
        call    store_faults
        li      r10, 0                  ; r10: the round
        li      r11, 0                  ; r11: entries changed
.round:
        li      r1, ROUNDS
        bge     r10, r1, .report
        mov     r1, r8
        mov     r2, r9
        li      r3, 0
        sys     SYS_PROTECT             ; read-only
        add     r11, r11, r1
        bne     r1, r12, .miss
        mov     r1, r8
        mov     r2, r9
        li      r3, 1
        sys     SYS_PROTECT             ; writable again
        add     r11, r11, r1
        beq     r1, r12, .next
.miss:
        call    wrong                   ; not an entry a page changed
.next:
        addi    r10, r10, 1
        jmp     .round
.report:
        ; The pages still hold their numbers.
        mov     r4, r8
        li      r5, 1
.check:
        bgt     r5, r12, .checked
        ldw     r1, 0(r4)
        beq     r1, r5, .same
        call    wrong
.same:
        addi    r4, r4, 4096
        addi    r5, r5, 1
        jmp     .check
.checked:
        la      r1, msg_ok
        ldw     r6, bad(zero)
        beqz    r6, .print
        la      r1, msg_wrong
.print:
        li      r2, ROUNDS * 2
        mov     r3, r11
        ldw     r4, fault_at(zero)
        mov     r5, r12
        call    printf
        li      r1, 0
        sys     SYS_EXIT

; store_faults: r8 = the first page. Made read-only, a store to it must
; fault, at its address; made writable, the same store must work.
store_faults:
        push    lr
        mov     r1, r8
        li      r2, 4096
        li      r3, 0
        sys     SYS_PROTECT
        la      r1, .caught
        sys     SYS_CATCH
        li      r1, 99
        stw     r1, 8(r8)               ; faults: the kernel resumes us at .caught
        call    wrong                   ; it did not
        jmp     .open
.caught:
        cmpi    r1, CAUSE_PAGEFAULT     ; r1: cause, r2: detail, r3: pc
        beq     .cause
        call    wrong
.cause:
        stw     r2, fault_at(zero)
        addi    r1, r8, 8
        beq     r1, r2, .open
        call    wrong
.open:
        mov     r1, r8
        li      r2, 4096
        li      r3, 1
        sys     SYS_PROTECT
        li      r1, 99
        stw     r1, 8(r8)               ; writable again: no fault
        ldw     r2, 8(r8)
        beq     r1, r2, .done
        call    wrong
.done:
        pop     lr
        ret

; wrong: one more check failed.
wrong:
        ldw     r1, bad(zero)
        addi    r1, r1, 1
        stw     r1, bad(zero)
        ret

        .include "ulib.s"

        .data
        .align  4
bad:
        .word   0
fault_at:
        .word   0               ; where the store to the read-only page faulted
msg_ok:
        .asciz  "ptemod: %d protect calls changed %d page-table entries; a store to a read-only page faulted at 0x%x; %d pages: OK\n"
msg_wrong:
        .asciz  "ptemod: %d protect calls changed %d page-table entries; a store to a read-only page faulted at 0x%x; %d pages: WRONG\n"
        .align  4
end_of_program:
