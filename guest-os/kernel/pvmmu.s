; guest-os/kernel/pvmmu.s: direct paging, the paravirtualised kernel's page
;       tables (-D PV=1 -D PAGING=1 only).
; Owns: pte_set, mmu_flush, ptb_load (the names vm.s gives the native ones),
;       table_pin and table_unpin: each a request to the monitor, through the
;       hypercalls of isa-spec/hypercalls.def (HC_MMU_UPDATE, HC_PIN,
;       HC_UNPIN, HC_SET_PTB).
; Not:  what the tables hold and when they change (vm.s, fork.s).
;
; Xen's direct paging (Barham et al., SOSP 2003): the kernel's tables are the
; ones the real processor walks, so they hold machine addresses (machine =
; PV_MACHINE_BASE + guest-physical: entry_frame and frame_entry in
; include/paging.inc convert); the kernel may read them, never write them.
; A frame becomes a table when the kernel pins it (HC_PIN: the monitor checks
; every entry and from then on refuses the kernel's stores to it); it is
; plain memory again once unpinned (HC_UNPIN), and only then is it freed.
; Every change to an entry is asked for: pte_set queues the entry's machine
; address and its new value, and mmu_flush sends the queue, up to MMU_BATCH
; pairs, in one HC_MMU_UPDATE, which the monitor checks pair by pair (no
; entry may name memory that is not the guest's, or a table writable). So a
; fork, which rewrites every entry of two tables, costs a few exits, not one
; a store. A context switch is HC_SET_PTB, which names a pinned directory.
;
; The monitor's side (vmm/pv.c) is not written yet: this build assembles,
; and runs only once it is.

; pte_set: r1 = the (guest-physical) address of an entry, r2 = its new
; value: queued; sent at mmu_flush, or now when the queue is full. Uses r1..r5.
pte_set:
        ldw     r3, mmu_queued(zero)
        shli    r4, r3, 3
        la      r5, mmu_queue
        add     r4, r4, r5              ; r4: the next pair
        ldw     r5, pv_shared+PV_MACHINE_BASE(zero)
        add     r1, r1, r5
        stw     r1, 0(r4)               ; the entry's machine address
        stw     r2, 4(r4)               ; its new value
        addi    r3, r3, 1
        stw     r3, mmu_queued(zero)
        cmpi    r3, MMU_BATCH
        beq     mmu_flush
        ret

; mmu_flush: every queued change, in one hypercall. The monitor makes them
; all or refuses: a refusal is a kernel bug (an entry naming memory that is
; not ours), so it panics.
mmu_flush:
        ldw     r2, mmu_queued(zero)
        beqz    r2, .done
        la      r1, mmu_queue
        hcall   HC_MMU_UPDATE           ; r1: pairs made, or -1
        ldw     r2, mmu_queued(zero)
        bne     r1, r2, .refused
        stw     zero, mmu_queued(zero)
.done:
        ret
.refused:
        la      r1, msg_mmu_refused
        jmp     panic

; table_pin: r1 = a frame, r2 = PIN_TABLE or PIN_DIR: it is a page table
; (or directory) from now on, its entries checked by the monitor.
table_pin:
        ldw     r3, pv_shared+PV_MACHINE_BASE(zero)
        add     r1, r1, r3
        hcall   HC_PIN
        bnez    r1, .refused
        ret
.refused:
        la      r1, msg_pin_refused
        jmp     panic

; table_unpin: r1 = a pinned frame that no pinned directory uses: plain
; memory again, ours to write and to free.
table_unpin:
        ldw     r3, pv_shared+PV_MACHINE_BASE(zero)
        add     r1, r1, r3
        hcall   HC_UNPIN
        bnez    r1, .refused
        ret
.refused:
        la      r1, msg_pin_refused
        jmp     panic

; ptb_load: r1 = a pinned directory's machine address | PTB_P (vm_ptb), or
; 0 (paging off): the address space user mode runs in from the next return.
ptb_load:
        hcall   HC_SET_PTB
        bnez    r1, .refused
        ret
.refused:
        la      r1, msg_ptb_refused
        jmp     panic

        .data
        .align  4
mmu_queued:
        .word   0               ; pairs in the queue
mmu_queue:
        .space  MMU_BATCH * 8   ; (entry's machine address, new value) pairs
msg_mmu_refused:
        .asciz  "the monitor refused a page-table update (HC_MMU_UPDATE)"
msg_pin_refused:
        .asciz  "the monitor refused to pin or unpin a page table"
msg_ptb_refused:
        .asciz  "the monitor refused the page directory (HC_SET_PTB)"
        .align  4
        .text
