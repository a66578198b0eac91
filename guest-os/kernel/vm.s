; guest-os/kernel/vm.s: a process's address space (paged build only).
; Owns: making and tearing down a process's page tables, loading a program
;       into fresh frames, the kernel's own walk of a process's tables
;       (pte_lookup and user_page, as xv6's walk and walkaddr), the page-fault
;       handler (demand-zero pages and copy-on-write), and the memory lines of
;       the summary at shutdown.
; Not:  frames (frame.s); the system calls built on this (fork.s, uaccess.s);
;       how the PV build writes an entry and switches tables (pvmmu.s: there
;       the same four names, pte_set, mmu_flush, ptb_load and table_pin, ask
;       the monitor).
;
; Supervisor mode is never translated (ISA.md section 12): the kernel reaches
; every frame at its physical address, and a process's memory by walking
; that process's tables itself. Every change to an entry goes through
; pte_set, and an operation that changed some ends with mmu_flush: natively
; a store and nothing, in the PV build a queue and one hypercall.
;
; A page is present only once touched. A fault on an absent page in the user
; space gets a fresh zero frame (demand-zero); a store to a page shared
; copy-on-write (PTE_COW, since a fork) gets a copy of its own, or the page
; itself when no other process shares it any more. Either way the faulting
; instruction runs again (a faulting access does not retire). Anything else
; is the process's own fault: an address outside its space, a store to a
; page it made read-only (PTE_RO), or no memory left.
;
; The handler needs no pfinfo: the tables say why. An absent entry is a
; demand-zero page whatever the access was; a present page faults only on a
; store, since every present page is a user page (PTE_U) that can be read.

.ifndef PV
; pte_set: r1 = the address of an entry, r2 = its new value. The machine's
; TLB is coherent (ISA.md section 12): the change holds from the next
; user-mode access on. (An i386 kernel would invlpg here.) Uses r1, r2.
pte_set:
        stw     r2, 0(r1)
        ret

; mmu_flush: every pte_set so far holds from now on. Natively it does already.
mmu_flush:
        ret

; ptb_load: r1 = what ptb gets: a directory | PTB_P, or 0 (paging off).
ptb_load:
        mtsr    ptb, r1
        ret
.endif

; pte_lookup: r1 = a page directory, r2 = a user address. Returns r1 = the
; address of the table entry for it, or 0 when the address lies outside
; the user space. The walk the machine makes: the directory entry for the
; top 10 bits names the table, the next 10 bits index it. Uses r1..r4.
pte_lookup:
        li      r3, USER_SIZE
        bgeu    r2, r3, .none
        shri    r3, r2, 22
        shli    r3, r3, 2
        add     r3, r1, r3
        ldw     r3, 0(r3)               ; r3: the directory entry
        andi    r4, r3, PTE_V
        beqz    r4, .none
        entry_frame r1, r3, r4          ; r1: the table
        shri    r3, r2, 12
        andi    r3, r3, 0x3FF
        shli    r3, r3, 2
        add     r1, r1, r3
        ret
.none:
        li      r1, 0
        ret

; user_page: r1 = a process's slot, r2 = an address in it, r3 = 1 when it is
; to be written. Makes the page usable as the machine would need it (present,
; and writable for a store: copy-on-write resolved) and returns r1 = the
; physical address of r2; or 0 when the access is the process's fault.
; The page-fault handler and the kernel's own copies in and out of a
; process both come here. Keeps r8..r12.
user_page:
        push    lr
        push    r8
        push    r9
        push    r10
        mov     r9, r2                  ; r9: the address
        mov     r10, r3                 ; r10: 1 for a store
        ldw     r1, P_DIR(r1)
        call    pte_lookup
        beqz    r1, .fault              ; outside the user space
        mov     r8, r1                  ; r8: the entry's address
        ldw     r2, 0(r8)               ; r2: the entry
        andi    r3, r2, PTE_V
        beqz    r3, .zero
        beqz    r10, .mapped
        andi    r3, r2, PTE_W
        bnez    r3, .mapped
        andi    r3, r2, PTE_RO
        bnez    r3, .fault              ; read-only by request
        mov     r1, r8
        call    cow_fault               ; r1: the new entry, or 0
        beqz    r1, .fault
        mov     r2, r1
        jmp     .mapped
.zero:
        ; Demand-zero: the first touch of a page.
        call    frame_alloc_zero
        beqz    r1, .fault              ; no memory left
        frame_entry r10, r1, r2
        ori     r10, r10, PTE_USER      ; r10: the new entry
        mov     r1, r8
        mov     r2, r10
        call    pte_set
        call    mmu_flush
        ldw     r1, pf_zero(zero)
        addi    r1, r1, 1
        stw     r1, pf_zero(zero)
        mov     r2, r10
.mapped:
        entry_frame r1, r2, r3
        andi    r3, r9, PAGE_OFFSET
        add     r1, r1, r3
        jmp     .out
.fault:
        li      r1, 0
.out:
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

; cow_fault: r1 = the address of an entry marked PTE_COW, r2 = the entry.
; A store to a page shared since a fork: the last sharer takes the page as
; it is; any other gets a copy of its own. Returns r1 = the new entry
; (writable, private), or 0 when no frame is left for the copy.
cow_fault:
        push    lr
        push    r8
        push    r9
        push    r10
        push    r11
        mov     r8, r1                  ; r8: the entry's address
        entry_frame r9, r2, r3          ; r9: the shared frame
        mov     r10, r2                 ; r10: the entry
        ldw     r1, pf_cow(zero)
        addi    r1, r1, 1
        stw     r1, pf_cow(zero)
        mov     r1, r9
        call    frame_refs
        cmpi    r1, 1
        bne     .copy
        ; Nobody else maps it any more: the page is ours as it is.
        ori     r10, r10, PTE_W | PTE_COW
        xori    r10, r10, PTE_COW
        jmp     .set
.copy:
        call    frame_alloc
        beqz    r1, .out                ; no memory: r1 = 0
        mov     r11, r1                 ; r11: the copy
        mov     r2, r9
        call    frame_copy
        mov     r1, r9
        call    frame_put               ; one sharer fewer
        frame_entry r10, r11, r1
        ori     r10, r10, PTE_USER
        ldw     r1, pf_copied(zero)
        addi    r1, r1, 1
        stw     r1, pf_copied(zero)
.set:
        mov     r1, r8
        mov     r2, r10
        call    pte_set
        call    mmu_flush
        mov     r1, r10
.out:
        pop     r11
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

; page_fault: from trap_entry, r1 = the slot, r3 = the faulting address
; (SR detail). Resolved: the process runs the access again. Otherwise it
; is the process's fault, handled as any other (user_fault).
page_fault:
        ldw     r2, pf_traps(zero)
        addi    r2, r2, 1
        stw     r2, pf_traps(zero)
        mov     r2, r3
        li      r3, 1                   ; a present page faults only on a store
        call    user_page
        bnez    r1, kernel_exit
        ldw     r1, cur_proc(zero)
        li      r2, CAUSE_PAGEFAULT
.ifdef PV
        ldw     r3, pv_shared+PV_DETAIL(zero)
.else
        mfsr    r3, detail
.endif
        jmp     user_fault

; vm_create: a new address space: a page directory whose entry 0 names an
; empty page table (nothing mapped yet). Returns r1 = the directory, or 0
; when memory is full.
vm_create:
        push    lr
        push    r8
        push    r9
        call    frame_alloc_zero
        beqz    r1, .out
        mov     r8, r1                  ; r8: the table
        call    frame_alloc_zero
        beqz    r1, .no_dir
        mov     r9, r1                  ; r9: the directory
.ifdef PV
        mov     r1, r8
        li      r2, PIN_TABLE
        call    table_pin               ; a table from now on: read-only to us
.endif
        frame_entry r1, r8, r2
        ori     r1, r1, PTE_V
        stw     r1, 0(r9)               ; the directory is still plain memory
.ifdef PV
        mov     r1, r9
        li      r2, PIN_DIR
        call    table_pin
.endif
        mov     r1, r9
        jmp     .out
.no_dir:
        mov     r1, r8
        call    frame_put
        li      r1, 0
.out:
        pop     r9
        pop     r8
        pop     lr
        ret

; vm_ptb: r1 = a directory. Returns r1 = what ptb holds to use it.
vm_ptb:
        frame_entry r1, r1, r2
        ori     r1, r1, PTB_P
        ret

; vm_free: r1 = a directory: the whole address space goes, every page
; (the last sharer of a copy-on-write page frees it), the table and the
; directory. Paging goes off first if ptb names it, so that ptb never
; names a free frame.
vm_free:
        push    lr
        push    r8
        push    r9
        push    r10
        mov     r8, r1                  ; r8: the directory
        call    vm_ptb
        ldw     r2, loaded_ptb(zero)
        bne     r1, r2, .unload
        stw     zero, loaded_ptb(zero)
        li      r1, 0
        call    ptb_load
.unload:
        ldw     r1, 0(r8)
        entry_frame r10, r1, r2         ; r10: the table
.ifdef PV
        ; Plain memory again before its frames are: the directory first,
        ; since it uses the table.
        mov     r1, r8
        call    table_unpin
        mov     r1, r10
        call    table_unpin
.endif
        li      r9, 0                   ; r9: the page's address
.page:
        mov     r1, r8
        mov     r2, r9
        call    pte_lookup
        ldw     r2, 0(r1)
        andi    r3, r2, PTE_V
        beqz    r3, .next
        entry_frame r1, r2, r3
        call    frame_put
.next:
        addi    r9, r9, PAGE_SIZE
        li      r1, USER_SIZE
        bltu    r9, r1, .page
        mov     r1, r10
        call    frame_put
        mov     r1, r8
        call    frame_put
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

; vm_load: r1 = a program's directory entry. A new address space holding
; the program from address 0: a fresh frame for each of its pages, the
; disk's sectors read into it. The rest of the space is absent, to be filled
; on demand (the stack, the program's buffers past its end). Returns r1 =
; the directory, or E_NOMEM or E_IO (then nothing is left of it).
vm_load:
        push    lr
        push    r8
        push    r9
        push    r10
        push    r11
        push    r12
        mov     r8, r1                  ; r8: the directory entry
        call    vm_create
        beqz    r1, .nomem
        mov     r9, r1                  ; r9: the new directory
        li      r10, 0                  ; r10: the page's address
        ldw     r11, D_LENGTH(r8)       ; r11: bytes left to load
.page:
        cmpi    r11, 0
        ble     .loaded
        call    frame_alloc_zero        ; zeros past the program's end
        beqz    r1, .full
        mov     r12, r1                 ; r12: its frame
        mov     r1, r9
        mov     r2, r10
        call    pte_lookup
        frame_entry r2, r12, r3
        ori     r2, r2, PTE_USER
        call    pte_set
        mov     r1, r8
        mov     r2, r10
        mov     r3, r12
        call    disk_load_page
        bnez    r1, .failed
        addi    r10, r10, PAGE_SIZE
        addi    r11, r11, -PAGE_SIZE
        jmp     .page
.loaded:
        call    mmu_flush
        mov     r1, r9
        jmp     .out
.full:
        li      r1, E_NOMEM
.failed:
        mov     r10, r1                 ; r10: the error
        call    mmu_flush
        mov     r1, r9
        call    vm_free
        mov     r1, r10
        jmp     .out
.nomem:
        li      r1, E_NOMEM
.out:
        pop     r12
        pop     r11
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

; disk_load_page: r1 = a program's directory entry, r2 = a page's address
; in the program, r3 = a frame: that page's sectors (up to eight) read into
; the frame. Returns r1 = 0, or E_IO.
disk_load_page:
        push    lr
        push    r8
        push    r9
        push    r10
        ldw     r4, D_LENGTH(r1)
        sub     r4, r4, r2              ; r4: the program's bytes from this page on
        li      r5, PAGE_SIZE
        bgeu    r5, r4, .last
        mov     r4, r5                  ; a whole page of them
.last:
        addi    r4, r4, SECTOR_SIZE - 1
        shri    r9, r4, 9               ; r9: sectors (SECTOR_SIZE is 512)
        shri    r2, r2, 9
        ldw     r8, D_START(r1)
        add     r8, r8, r2              ; r8: the first sector
        mov     r10, r3                 ; r10: where it goes
.ifdef PV
        mov     r1, r8
        mov     r2, r9
        mov     r3, r10
        call    blk_read_run            ; a batch on the ring
.else
.loop:
        li      r1, 0
        beqz    r9, .out
        mov     r1, r8
        mov     r2, r10
        call    disk_read_sector
        bnez    r1, .out
        addi    r8, r8, 1
        addi    r10, r10, SECTOR_SIZE
        addi    r9, r9, -1
        jmp     .loop
.out:
.endif
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

; vm_summary: for the summary at shutdown: the page faults, and the frames
; free now against at boot (equal when every exit gave back all it took).
vm_summary:
        push    lr
        la      r1, msg_faults
        ldw     r2, pf_traps(zero)
        ldw     r3, pf_zero(zero)
        ldw     r4, pf_cow(zero)
        ldw     r5, pf_copied(zero)
        call    kprintf
        la      r1, msg_free
        ldw     r2, frames_free(zero)
        ldw     r3, frames_at_boot(zero)
        call    kprintf
        pop     lr
        ret

        .data
        .align  4
loaded_ptb: .word 0             ; what ptb holds now (0: paging off)
pf_traps:   .word 0             ; page faults taken
pf_zero:    .word 0             ; pages filled with zeros on first touch
pf_cow:     .word 0             ; copy-on-write pages written
pf_copied:  .word 0             ; of those, the ones that needed a copy
msg_faults:
        .asciz  "kernel: %u page faults; %u pages zero-filled on demand, %u copy-on-write faults (%u copied)\n"
msg_free:
        .asciz  "kernel: %u frames free, %u at boot\n"
        .align  4
        .text
