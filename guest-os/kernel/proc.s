; guest-os/kernel/proc.s: the process table.
; Owns: creating a process from a program on the disk (proc_spawn), ending
;       one (proc_exit, proc_kill), the exit log and the summary at shutdown.
; Not:  choosing who runs (sched.s); reading the disk (disk.s).
;
; Slot i owns process region i: physical PROC_AREA + i * REGION_SIZE, seen
; by the process as addresses 0 .. REGION_SIZE - 1. Its relocation register
; is (base, limit) = (that address, REGION_SIZE): P&G's R = (l, b).

; proc_spawn: r1 = a program's name (kernel memory). Returns r1 = the new
; pid, or E_NOENT, E_NOEXEC, E_AGAIN (no free slot) or E_IO.
proc_spawn:
        push    lr
        push    r8
        push    r9
        call    dir_lookup
        beqz    r1, .noent
        mov     r8, r1                  ; r8: the directory entry
        ldw     r2, D_KIND(r8)
        cmpi    r2, KIND_PROGRAM
        bne     .noexec
        ldw     r2, D_LENGTH(r8)
        li      r3, REGION_SIZE - STACK_ROOM
        bltu    r3, r2, .noexec         ; no room left for its stack
        call    proc_alloc
        beqz    r1, .again
        mov     r9, r1                  ; r9: the slot
.ifdef PAGING
        ; Its own address space and registers (fork.s): no region to clear.
        mov     r1, r9
        mov     r2, r8
        call    proc_image
        bnez    r1, .out                ; E_NOMEM or E_IO: the slot stays free
        stw     zero, P_NSYS(r9)
        stw     zero, P_PARENT(r9)      ; spawned: nobody waits for it
.else
        ; A region may hold what its last process left: clear it.
        ldw     r1, P_BASE(r9)
        li      r2, REGION_SIZE
        call    memzero
        mov     r1, r8
        ldw     r2, P_BASE(r9)
        call    disk_load
        bnez    r1, .out                ; E_IO: the slot stays free
        ; Its registers: all zero but sp, at the top of its region.
        addi    r1, r9, P_R1
        li      r2, 15 * 4
        call    memzero
        li      r2, REGION_SIZE
        stw     r2, P_R14(r9)
        stw     r2, P_LIMIT(r9)
        ldw     r2, D_ENTRY(r8)
        stw     r2, P_PC(r9)
        li      r2, PSW_IE              ; user mode, interrupts on
        stw     r2, P_PSW(r9)
        stw     zero, P_NSYS(r9)
        stw     zero, P_CATCH(r9)
        addi    r1, r9, P_NAME
        addi    r2, r8, D_NAME
        li      r3, NAME_MAX
        call    memcopy
.endif
        ldw     r1, next_pid(zero)
        stw     r1, P_PID(r9)
        addi    r2, r1, 1
        stw     r2, next_pid(zero)
        li      r2, S_READY
        stw     r2, P_STATE(r9)         ; r1: the pid
        jmp     .out
.noent:
        li      r1, E_NOENT
        jmp     .out
.noexec:
        li      r1, E_NOEXEC
        jmp     .out
.again:
        li      r1, E_AGAIN
.out:
        pop     r9
        pop     r8
        pop     lr
        ret

; proc_alloc: returns r1 = a free slot with its P_BASE set, or 0.
proc_alloc:
        la      r1, proc_table
        li      r2, PROC_AREA           ; r2: the region of that slot
        ldw     r3, nslots(zero)
.loop:
        beqz    r3, .none
        ldw     r4, P_STATE(r1)
        cmpi    r4, S_FREE
        beq     .found
        addi    r1, r1, P_SIZE
        li      r4, REGION_SIZE
        add     r2, r2, r4
        addi    r3, r3, -1
        jmp     .loop
.found:
        stw     r2, P_BASE(r1)
        ret
.none:
        li      r1, 0
        ret

; proc_exit: r1 = a slot, r2 = its exit code, r3 = 0, or the cause of the
; trap that killed it. The exit log keeps a line for the summary; the slot
; and its region are free again. (Paged, proc_release frees its frames and
; tells its parent.)
proc_exit:
        ldw     r4, nexited(zero)
        addi    r5, r4, 1
        stw     r5, nexited(zero)
        li      r5, LOG_MAX
        bgeu    r4, r5, .free           ; the log is full: no line
        muli    r4, r4, L_SIZE
        la      r5, exit_log
        add     r4, r4, r5              ; r4: the record
        ldw     r5, P_PID(r1)
        stw     r5, L_PID(r4)
        stw     r2, L_CODE(r4)
        stw     r3, L_CAUSE(r4)
        ldw     r5, P_NSYS(r1)
        stw     r5, L_NSYS(r4)
        ldw     r5, P_NAME(r1)
        stw     r5, L_NAME(r4)
        ldw     r5, P_NAME+4(r1)
        stw     r5, L_NAME+4(r4)
        ldw     r5, P_NAME+8(r1)
        stw     r5, L_NAME+8(r4)
        ldw     r5, P_NAME+12(r1)
        stw     r5, L_NAME+12(r4)
.free:
.ifdef PAGING
        jmp     proc_release            ; fork.s: its memory, its parent, its children
.else
        li      r5, S_FREE
        stw     r5, P_STATE(r1)
        ret
.endif

; proc_kill: r1 = a slot, r2 = the cause, r3 = the detail of the fault it
; made. The process dies with a message; the kernel goes on.
proc_kill:
        push    lr
        push    r8
        push    r9
        push    r10
        mov     r8, r1
        mov     r9, r2
        mov     r10, r3
        mov     r1, r2
        call    cause_name
        mov     r4, r1
        la      r1, msg_killed
        ldw     r2, P_PID(r8)
        addi    r3, r8, P_NAME
        ldw     r5, P_PC(r8)
        mov     r6, r10
        call    kprintf
        mov     r1, r8
        li      r2, -1
        mov     r3, r9
        call    proc_exit
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

; proc_summary: one line per process that ran, then the totals.
proc_summary:
        push    lr
        push    r8
        push    r9
        la      r1, msg_summary
        call    kprintf
        la      r8, exit_log            ; r8: the record
        ldw     r9, nexited(zero)       ; r9: records left
        li      r1, LOG_MAX
        bgeu    r1, r9, .loop
        mov     r9, r1
.loop:
        beqz    r9, .totals
        ldw     r1, L_CAUSE(r8)
        bnez    r1, .killed
        la      r1, msg_exited
        ldw     r2, L_PID(r8)
        addi    r3, r8, L_NAME
        ldw     r4, L_NSYS(r8)
        ldw     r5, L_CODE(r8)
        call    kprintf
        jmp     .next
.killed:
        call    cause_name
        mov     r5, r1
        la      r1, msg_died
        ldw     r2, L_PID(r8)
        addi    r3, r8, L_NAME
        ldw     r4, L_NSYS(r8)
        call    kprintf
.next:
        addi    r8, r8, L_SIZE
        addi    r9, r9, -1
        jmp     .loop
.totals:
.ifdef PAGING
        call    vm_summary              ; the page faults; every frame back?
.endif
        la      r1, msg_totals
        ldw     r2, nexited(zero)
        ldw     r3, syscalls_made(zero)
        ldw     r4, ticks(zero)
        call    kprintf
        pop     r9
        pop     r8
        pop     lr
        ret

; cause_name: r1 = a trap cause; returns r1 = its name, for messages.
cause_name:
        li      r2, NCAUSE_NAMES
        bltu    r1, r2, .known
        li      r1, 0
.known:
        shli    r1, r1, 2
        ldw     r1, cause_names(r1)
        ret

        .data
        .align  4
next_pid:   .word 1
nexited:    .word 0             ; processes that have exited or been killed
proc_table:
        .space  NPROC * P_SIZE
exit_log:
        .space  LOG_MAX * L_SIZE
; Indexed by the trap cause (isa-spec/isa.def's CAUSE rows).
cause_names:
        .word   cn_unknown      ; 0
        .word   cn_syscall      ; CAUSE_SYSCALL    1
        .word   cn_priv         ; CAUSE_PRIV       2
        .word   cn_illegal      ; CAUSE_ILLEGAL    3
        .word   cn_bounds       ; CAUSE_BOUNDS     4
        .word   cn_misaligned   ; CAUSE_MISALIGNED 5
        .word   cn_divzero      ; CAUSE_DIVZERO    6
        .word   cn_breakpoint   ; CAUSE_BREAKPOINT 7
        .word   cn_timer        ; CAUSE_TIMER      8
        .word   cn_device       ; CAUSE_DEVICE     9
        .word   cn_hypercall    ; CAUSE_HYPERCALL  10
.ifdef PAGING
        .word   cn_pagefault    ; CAUSE_PAGEFAULT  11
.endif
NCAUSE_NAMES = (. - cause_names) / 4
cn_unknown:     .asciz "unknown trap"
cn_syscall:     .asciz "system call"
cn_priv:        .asciz "privileged instruction"
cn_illegal:     .asciz "illegal instruction"
cn_bounds:      .asciz "address out of bounds"
cn_misaligned:  .asciz "misaligned address"
cn_divzero:     .asciz "division by zero"
cn_breakpoint:  .asciz "breakpoint"
cn_timer:       .asciz "timer interrupt"
cn_device:      .asciz "device interrupt"
cn_hypercall:   .asciz "hypercall"
.ifdef PAGING
cn_pagefault:   .asciz "page fault"
.endif
msg_killed:
        .asciz  "kernel: pid %d (%s) killed: %s at pc 0x%x, detail 0x%x\n"
msg_summary:
        .asciz  "kernel: every process has exited\n  pid  name        syscalls  status\n"
msg_exited:
        .asciz  "  %3d  %-10s  %8d  exit %d\n"
msg_died:
        .asciz  "  %3d  %-10s  %8d  killed: %s\n"
msg_totals:
        .asciz  "kernel: %d processes, %d system calls, %d timer ticks; halting\n"
        .align  4
        .text
