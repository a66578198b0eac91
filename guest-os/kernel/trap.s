; guest-os/kernel/trap.s: the trap vector: every trap and interrupt enters here.
; Owns: saving the interrupted process's registers into its slot, dispatching
;       on the cause, and faults: handed back to a process that asked
;       (SYS_CATCH), or the process is killed. Never the kernel: a trap out
;       of the kernel itself is a panic (but see critical.s).
; Not:  the system calls (syscall.s), the clock and scheduler (sched.s).
;
; The hardware has already set epc (where to resume), epsw (the old psw),
; cause and detail, and entered supervisor mode with interrupts off. It saved
; no register: the first instruction frees r1 into SR scratch, the special
; register the ISA provides for just this, so that r1 can hold the slot.

trap_entry:
.ifdef PV
        ; The monitor wrote the trap frame into the shared page: plain loads.
        stw     r1, pv_shared+PV_SCRATCH(zero)
        ldw     r1, pv_shared+PV_EPSW(zero)
.else
        mtsr    scratch, r1
        mfsr    r1, epsw
.endif
        andi    r1, r1, PSW_S
        bnez    r1, kernel_trap         ; the kernel itself was interrupted
        ldw     r1, cur_proc(zero)      ; the process that was running
        stw     r2, P_R2(r1)
        stw     r3, P_R3(r1)
        stw     r4, P_R4(r1)
        stw     r5, P_R5(r1)
        stw     r6, P_R6(r1)
        stw     r7, P_R7(r1)
        stw     r8, P_R8(r1)
        stw     r9, P_R9(r1)
        stw     r10, P_R10(r1)
        stw     r11, P_R11(r1)
        stw     r12, P_R12(r1)
        stw     r13, P_R13(r1)
        stw     r14, P_R14(r1)
        stw     r15, P_R15(r1)
.ifdef PV
        ldw     r2, pv_shared+PV_SCRATCH(zero)
        stw     r2, P_R1(r1)
        ldw     r2, pv_shared+PV_EPC(zero)
        stw     r2, P_PC(r1)
        ldw     r2, pv_shared+PV_EPSW(zero)
        stw     r2, P_PSW(r1)
        li      sp, KSTACK_TOP
        ldw     r2, pv_shared+PV_CAUSE(zero)
        ldw     r3, pv_shared+PV_DETAIL(zero)
.else
        mfsr    r2, scratch
        stw     r2, P_R1(r1)
        mfsr    r2, epc
        stw     r2, P_PC(r1)
        mfsr    r2, epsw
        stw     r2, P_PSW(r1)
        ; The process is saved: from here on the kernel has its own stack.
        li      sp, KSTACK_TOP
        mfsr    r2, cause
        mfsr    r3, detail
.endif
.ifdef PAGING
        cmpi    r2, CAUSE_PAGEFAULT
        beq     page_fault              ; vm.s: r1 = slot, r3 = the faulting address
.endif
        ; LAB 1 BEGIN: dispatch on the cause in r2: system call, timer, device, or a fault
        cmpi    r2, CAUSE_SYSCALL
        beq     syscall                 ; r1 = slot, r3 = system call number
        cmpi    r2, CAUSE_TIMER
        beq     timer_interrupt
        cmpi    r2, CAUSE_DEVICE
        beq     device_interrupt        ; r3 = irq
        jmp     user_fault              ; anything else is the process's own fault
        ; LAB 1 STUB: jmp     user_fault              ; for now every trap is a fault
        ; LAB 1 END

; The quantum is over: one tick, and the process goes to the back of the line.
timer_interrupt:
        call    clock_tick
        ldw     r1, cur_proc(zero)
        li      r2, S_READY
        stw     r2, P_STATE(r1)
        jmp     schedule

device_interrupt:
        cmpi    r3, IRQ_CONSOLE
        bne     .unexpected
        call    console_interrupt
        jmp     kernel_exit
.unexpected:
        ; The disk is polled: its interrupt is never enabled.
        jmp     trap_panic

; A fault: r1 = slot, r2 = cause, r3 = detail.
user_fault:
        ; LAB 1 BEGIN: SYS_CATCH: resume the process at its handler, r1..r3 = cause, detail, pc
        ldw     r4, P_CATCH(r1)
        beqz    r4, .kill
        ; The process asked to see its next fault: resume it at its handler
        ; with the fault in r1..r3, and only once: a second fault kills.
        stw     zero, P_CATCH(r1)
        ldw     r5, P_PC(r1)            ; the pc of the faulting instruction
        stw     r2, P_R1(r1)
        stw     r3, P_R2(r1)
        stw     r5, P_R3(r1)
        stw     r4, P_PC(r1)
        jmp     kernel_exit
        ; LAB 1 END
.kill:
        call    proc_kill
        jmp     schedule

; A trap out of the kernel. The kernel runs with interrupts off, so the only
; one it expects is the timer interrupt of the critical-section self-check;
; anything else is a kernel bug. r1 is still in SR scratch.
kernel_trap:
.ifdef PV
        ldw     r1, pv_shared+PV_CAUSE(zero)
.else
        mfsr    r1, cause
.endif
        cmpi    r1, CAUSE_TIMER
        bne     trap_panic
        ldw     r1, cs_armed(zero)
        beqz    r1, trap_panic
        jmp     cs_interrupt
