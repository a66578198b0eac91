; guest-os/kernel/fork.s: UNIX's process calls, paged build (-D PAGING=1).
; Owns: fork (copy-on-write), wait, exec, and what an exit means to the
;       parent and the children (proc_release); proc_image, a program from
;       the disk into a slot (spawn and exec); unmap and protect, the calls
;       with which a process changes its own page tables (change_pages).
; Not:  the tables and the faults that copy (vm.s); the exit log and the
;       summary (proc.s).
;
; fork gives the child a copy of the parent's address space without copying
; a page: both tables map the same frames, every writable page becomes
; read-only and marked PTE_COW in both, and each frame's count (frame.s)
; says how many share it. The first store to such a page, by either
; process or by the kernel on its behalf, faults, and the faulting side gets
; a copy (vm.s, cow_fault); when the other has exited or copied already, the
; last sharer just takes the page back writable. So a fork costs two fresh
; tables and a walk of the parent's, whatever the process's size.
;
; Only fork makes a child: a process that spawn started has no parent, and
; nobody waits for it. A child that exits while its parent lives becomes a
; zombie (S_ZOMBIE): its memory is all given back at once, its slot holds
; only its exit status until the parent's wait takes it. A parent that exits
; first leaves its children orphans, freed as soon as they exit.

; proc_image: r1 = a slot, r2 = the directory entry of a program that fits.
; The slot's address space becomes a new one holding the program (the old
; one, if any, is freed) and its registers those of a program starting: all
; zero but sp = USER_SIZE, pc = its entry point, user mode with interrupts
; on, no fault handler; and it takes the program's name. Returns r1 = 0, or
; E_NOMEM or E_IO, and then the slot is as it was.
proc_image:
        push    lr
        push    r8
        push    r9
        push    r10
        mov     r8, r1                  ; r8: the slot
        mov     r9, r2                  ; r9: the program
        mov     r1, r9
        call    vm_load
        blt     r1, zero, .out
        ldw     r10, P_DIR(r8)          ; r10: the old address space, or 0
        stw     r1, P_DIR(r8)
        call    vm_ptb
        stw     r1, P_PTB(r8)
        beqz    r10, .fresh
        mov     r1, r10
        call    vm_free
.fresh:
        addi    r1, r8, P_R1
        li      r2, 15 * 4
        call    memzero
        li      r2, USER_SIZE
        stw     r2, P_R14(r8)
        stw     r2, P_LIMIT(r8)         ; unused when paging: resume loads it all the same
        stw     zero, P_BASE(r8)
        ldw     r2, D_ENTRY(r9)
        stw     r2, P_PC(r8)
        li      r2, PSW_IE              ; user mode, interrupts on
        stw     r2, P_PSW(r8)
        stw     zero, P_CATCH(r8)
        addi    r1, r8, P_NAME
        addi    r2, r9, D_NAME
        li      r3, NAME_MAX
        call    memcopy
        li      r1, 0
.out:
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

; fork() -> the child's pid; in the child, 0.
sys_fork:
        push    lr
        push    r8
        push    r9
        push    r10
        push    r11
        push    r12
        ldw     r8, cur_proc(zero)      ; r8: the parent
        call    proc_alloc
        beqz    r1, .again
        mov     r9, r1                  ; r9: the child's slot, free until the end
        call    vm_create
        beqz    r1, .nomem
        mov     r10, r1                 ; r10: the child's directory
        li      r11, 0                  ; r11: the page's address
.page:
        ldw     r1, P_DIR(r8)
        mov     r2, r11
        call    pte_lookup
        mov     r12, r1                 ; r12: the parent's entry for it
        ldw     r2, 0(r12)
        andi    r3, r2, PTE_V
        beqz    r3, .next               ; not there: absent in the child too
        ori     r3, r2, PTE_W | PTE_COW
        xori    r3, r3, PTE_W           ; r3: shared, read-only, copy-on-write
        push    r3
        beq     r2, r3, .child          ; shared so already
        mov     r1, r12
        mov     r2, r3
        call    pte_set
.child:
        mov     r1, r10
        mov     r2, r11
        call    pte_lookup
        ldw     r2, 0(sp)
        call    pte_set                 ; the child's entry: the same frame
        pop     r1
        entry_frame r1, r1, r2
        call    frame_share             ; one sharer more
.next:
        addi    r11, r11, PAGE_SIZE
        li      r1, USER_SIZE
        bltu    r11, r1, .page
        call    mmu_flush
        ; The child's slot: the parent's pc, psw and registers, its fault
        ; handler and name; fork's result 0; a parent.
        addi    r1, r9, P_PC
        addi    r2, r8, P_PC
        li      r3, P_R15 + 4 - P_PC
        call    memcopy
        ldw     r1, P_CATCH(r8)
        stw     r1, P_CATCH(r9)
        addi    r1, r9, P_NAME
        addi    r2, r8, P_NAME
        li      r3, NAME_MAX
        call    memcopy
        stw     zero, P_R1(r9)
        stw     zero, P_NSYS(r9)
        stw     zero, P_BASE(r9)
        li      r1, USER_SIZE
        stw     r1, P_LIMIT(r9)
        stw     r10, P_DIR(r9)
        mov     r1, r10
        call    vm_ptb
        stw     r1, P_PTB(r9)
        stw     r8, P_PARENT(r9)
        ldw     r1, next_pid(zero)
        stw     r1, P_PID(r9)
        addi    r2, r1, 1
        stw     r2, next_pid(zero)
        li      r2, S_READY
        stw     r2, P_STATE(r9)         ; r1: the pid
        jmp     .out
.again:
        li      r1, E_AGAIN             ; every slot is taken
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

; wait() -> r1 = the pid of a child that has exited, r2 = its exit status.
; A zombie child is taken at once; with only living children the caller
; waits (S_WAITING) and proc_release gives it the first to exit.
sys_wait:
        ldw     r1, cur_proc(zero)      ; r1: the caller
        la      r2, proc_table          ; r2: the slot
        ldw     r3, nslots(zero)        ; r3: slots left
        li      r4, 0                   ; r4: living children
.loop:
        beqz    r3, .scanned
        ldw     r5, P_STATE(r2)
        cmpi    r5, S_FREE
        beq     .next
        ldw     r6, P_PARENT(r2)
        bne     r6, r1, .next
        cmpi    r5, S_ZOMBIE
        beq     .reap
        addi    r4, r4, 1
.next:
        addi    r2, r2, P_SIZE
        addi    r3, r3, -1
        jmp     .loop
.reap:
        ldw     r5, P_XSTATUS(r2)
        stw     r5, P_R2(r1)
        stw     zero, P_PARENT(r2)
        li      r5, S_FREE
        stw     r5, P_STATE(r2)
        ldw     r1, P_PID(r2)
        ret
.scanned:
        beqz    r4, .none
        li      r5, S_WAITING
        stw     r5, P_STATE(r1)
        li      r1, 0                   ; the real result comes at the child's exit
        ret
.none:
        li      r1, E_CHILD
        ret

; exec(name): the caller runs the program instead, from its entry point,
; in a new address space; returns only on failure (E_NOENT, E_NOEXEC,
; E_NOMEM, E_IO, E_FAULT, E_INVAL), with the old image intact.
sys_exec:
        push    lr
        push    r8
        call    copyin_name
        bnez    r1, .out
        la      r1, name_buf
        call    dir_lookup
        beqz    r1, .noent
        mov     r8, r1                  ; r8: the directory entry
        ldw     r2, D_KIND(r8)
        cmpi    r2, KIND_PROGRAM
        bne     .noexec
        ldw     r2, D_LENGTH(r8)
        li      r3, USER_SIZE - STACK_ROOM
        bltu    r3, r2, .noexec         ; no room left for its stack
        ldw     r1, cur_proc(zero)
        mov     r2, r8
        call    proc_image              ; r1 = 0: the new program's r1
        jmp     .out
.noent:
        li      r1, E_NOENT
        jmp     .out
.noexec:
        li      r1, E_NOEXEC
.out:
        pop     r8
        pop     lr
        ret

; proc_release: from proc_exit, r1 = the slot of a process that has ended,
; r2 = its exit status. Its memory goes back, every frame; its children are
; orphaned; its parent, if it has one, gets the status now if it waits, or
; later from the zombie. Returns to proc_exit's caller.
proc_release:
        push    lr
        push    r8
        push    r9
        mov     r8, r1                  ; r8: the slot
        mov     r9, r2                  ; r9: the status
        ldw     r1, P_DIR(r8)
        stw     zero, P_DIR(r8)
        beqz    r1, .orphan
        call    vm_free
.orphan:
        la      r2, proc_table
        ldw     r3, nslots(zero)
.child:
        beqz    r3, .parent
        ldw     r4, P_PARENT(r2)
        bne     r4, r8, .next
        stw     zero, P_PARENT(r2)      ; nobody will wait for it now
        ldw     r4, P_STATE(r2)
        cmpi    r4, S_ZOMBIE
        bne     .next
        li      r4, S_FREE              ; it had exited already: gone
        stw     r4, P_STATE(r2)
.next:
        addi    r2, r2, P_SIZE
        addi    r3, r3, -1
        jmp     .child
.parent:
        li      r3, S_FREE              ; r3: the slot's state from now on
        ldw     r2, P_PARENT(r8)        ; r2: the parent, or 0
        beqz    r2, .state
        ldw     r4, P_STATE(r2)
        cmpi    r4, S_WAITING
        beq     .wake
        stw     r9, P_XSTATUS(r8)       ; until the parent waits
        li      r3, S_ZOMBIE
        jmp     .state
.wake:
        ldw     r4, P_PID(r8)           ; wait's result, straight into its registers
        stw     r4, P_R1(r2)
        stw     r9, P_R2(r2)
        li      r4, S_READY
        stw     r4, P_STATE(r2)
        stw     zero, P_PARENT(r8)
.state:
        stw     r3, P_STATE(r8)
        pop     r9
        pop     r8
        pop     lr
        ret

; unmap(addr, len) -> pages freed: every present page of [addr, addr + len)
; is given back (a shared one only by this process); the next touch of one
; finds a fresh zero page.
sys_unmap:
        li      r3, USER_SIZE
        bltu    r3, r1, .fault
        sub     r3, r3, r1
        bltu    r3, r2, .fault
        li      r3, CHANGE_UNMAP
        jmp     change_pages
.fault:
        li      r1, E_FAULT
        ret

; protect(addr, len, writable) -> entries changed: the pages of
; [addr, addr + len), present from now on, become read-only (writable = 0;
; PTE_RO, a store kills or is caught) or writable again (1; a page still
; shared copy-on-write stays read-only until a store copies it).
sys_protect:
        li      r4, 1
        bltu    r4, r3, .inval
        push    lr
        push    r1
        push    r2
        push    r3
        li      r3, 0
        call    uspan                   ; inside, and every page present
        pop     r3
        pop     r2
        mov     r4, r1
        pop     r1
        pop     lr
        bnez    r4, .fault
        jmp     change_pages
.inval:
        li      r1, E_INVAL
        ret
.fault:
        mov     r1, r4
        ret

CHANGE_RO    = 0                ; change_pages: read-only
CHANGE_RW    = 1                ;   writable again
CHANGE_UNMAP = 2                ;   absent, the frame given back

; change_pages: r1 = an address, r2 = a length, both checked, r3 = one of
; the CHANGE_ above: the entry of every page of [r1, r1 + r2) in the
; current process changed so (an absent one left absent), in one batch.
; Returns r1 = the entries changed.
change_pages:
        push    lr
        push    r8
        push    r9
        push    r10
        push    r11
        push    r12
        mov     r12, r3                 ; r12: the change
        li      r10, 0                  ; r10: entries changed
        beqz    r2, .done
        add     r9, r1, r2              ; r9: the end
        shri    r8, r1, 12
        shli    r8, r8, 12              ; r8: the page
        ldw     r11, cur_proc(zero)     ; r11: the caller
.page:
        bgeu    r8, r9, .done
        ldw     r1, P_DIR(r11)
        mov     r2, r8
        call    pte_lookup
        ldw     r2, 0(r1)               ; r1: the entry's address, r2: the entry
        andi    r3, r2, PTE_V
        beqz    r3, .next
        cmpi    r12, CHANGE_RO
        beq     .readonly
        cmpi    r12, CHANGE_RW
        beq     .writable
        push    r2
        li      r2, 0
        call    pte_set                 ; absent again
        pop     r1
        entry_frame r1, r1, r2
        call    frame_put
        addi    r10, r10, 1
        jmp     .next
.writable:
        ori     r3, r2, PTE_RO
        xori    r3, r3, PTE_RO          ; not read-only by request any more
        andi    r4, r3, PTE_COW
        bnez    r4, .set                ; shared: a store will copy it
        ori     r3, r3, PTE_W
        jmp     .set
.readonly:
        ori     r3, r2, PTE_RO | PTE_W
        xori    r3, r3, PTE_W
.set:
        beq     r2, r3, .next
        mov     r2, r3
        call    pte_set
        addi    r10, r10, 1
.next:
        addi    r8, r8, PAGE_SIZE
        jmp     .page
.done:
        call    mmu_flush
        mov     r1, r10
        pop     r12
        pop     r11
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret
