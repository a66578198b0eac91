; guest-os/kernel/sched.s: the dispatcher: who runs next, and how it runs.
; Owns: round-robin scheduling over the process table, resuming a process
;       (its registers, relocation and mode), the clock tick, the idle loop,
;       and shutting down when no process is left.
; Not:  saving a process (trap.s); creating and ending one (proc.s).
;
; The kernel is not preemptible: it runs with interrupts off from the trap to
; the rfe that leaves it. A process runs in user mode with interrupts on.
; The clock ticks every `quantum` instructions (QUANTUM, until a program
; changes it with SYS_CLOCK; the timer counts every retired instruction,
; the kernel's too): each tick, the running process goes to the
; back of the line. A process that gives up the processor early leaves the
; rest of the period to the next one; the clock is not reset, so ticks
; measure time however often processes switch. (A tick that falls due while
; the kernel works, interrupts off, waits for it; the timer counts down only
; once, so a long stretch in the kernel, like spawn's, costs ticks.)

; kernel_exit: leave the kernel: back to the current process if it may go
; on, else to the next one.
kernel_exit:
        ldw     r1, cur_proc(zero)
        ldw     r2, P_STATE(r1)
        cmpi    r2, S_RUNNING
        beq     resume
        jmp     schedule

; schedule: the next ready slot after the last one to run, round robin; the
; last one itself comes last. Nothing ready: idle.
schedule:
        ldw     r1, cur_slot(zero)      ; r1: the slot index looked at
        ldw     r3, nslots(zero)
        mov     r4, r3                  ; r4: slots left to look at
.next:
        addi    r1, r1, 1
        blt     r1, r3, .look
        li      r1, 0
.look:
        muli    r2, r1, P_SIZE
        la      r5, proc_table
        add     r2, r2, r5              ; r2: the slot
        ldw     r5, P_STATE(r2)
        cmpi    r5, S_READY
        beq     .found
        addi    r4, r4, -1
        bnez    r4, .next
        jmp     idle
.found:
        stw     r1, cur_slot(zero)
        stw     r2, cur_proc(zero)
        li      r5, S_RUNNING
        stw     r5, P_STATE(r2)
        mov     r1, r2
        ; fall into resume

; resume: run the process of slot r1 from where it stopped. Its relocation
; goes into base and limit, its pc and psw into epc and epsw, and rfe enters
; user mode at its pc in one step. (Paged, its page directory goes into ptb
; first, and base and limit do not matter.)
resume:
.ifdef PAGING
        ; Its address space: ptb changes only when the process does.
        ldw     r2, P_PTB(r1)
        ldw     r3, loaded_ptb(zero)
        beq     r2, r3, .same_space
        stw     r2, loaded_ptb(zero)
        push    r1
        mov     r1, r2
        call    ptb_load
        pop     r1
.same_space:
.endif
.ifdef PV
        ; The frame HC_IRET returns through: four stores, no exit.
        ldw     r2, P_BASE(r1)
        stw     r2, pv_shared+PV_BASE(zero)
        ldw     r2, P_LIMIT(r1)
        stw     r2, pv_shared+PV_LIMIT(zero)
        ldw     r2, P_PC(r1)
        stw     r2, pv_shared+PV_EPC(zero)
        ldw     r2, P_PSW(r1)
        stw     r2, pv_shared+PV_EPSW(zero)
.else
        ldw     r2, P_BASE(r1)
        mtsr    base, r2
        ldw     r2, P_LIMIT(r1)
        mtsr    limit, r2
        ldw     r2, P_PC(r1)
        mtsr    epc, r2
        ldw     r2, P_PSW(r1)
        mtsr    epsw, r2
.endif
        ldw     r2, P_R2(r1)
        ldw     r3, P_R3(r1)
        ldw     r4, P_R4(r1)
        ldw     r5, P_R5(r1)
        ldw     r6, P_R6(r1)
        ldw     r7, P_R7(r1)
        ldw     r8, P_R8(r1)
        ldw     r9, P_R9(r1)
        ldw     r10, P_R10(r1)
        ldw     r11, P_R11(r1)
        ldw     r12, P_R12(r1)
        ldw     r13, P_R13(r1)
        ldw     r14, P_R14(r1)
        ldw     r15, P_R15(r1)
        ldw     r1, P_R1(r1)
.ifdef PV
        hcall   HC_IRET                 ; one exit where rfe and the four mtsr made five
.else
        rfe
.endif

; clock_tick: a timer interrupt: one more tick; wake the sleepers whose
; time has come; acknowledge the timer by arming it for the next tick.
clock_tick:
        ldw     r1, ticks(zero)
        addi    r1, r1, 1
        stw     r1, ticks(zero)
.ifdef PV
        ldw     r1, quantum(zero)
        hcall   HC_SET_TIMER
        ldw     r1, ticks(zero)
.else
        ldw     r2, quantum(zero)
        mtsr    timer, r2
.endif
        la      r2, proc_table
        ldw     r3, nslots(zero)
.loop:
        beqz    r3, .done
        ldw     r4, P_STATE(r2)
        cmpi    r4, S_SLEEPING
        bne     .next
        ldw     r4, P_WAKE(r2)
        bltu    r1, r4, .next           ; not yet
        li      r4, S_READY
        stw     r4, P_STATE(r2)
.next:
        addi    r2, r2, P_SIZE
        addi    r3, r3, -1
        jmp     .loop
.done:
.ifdef PV
        jmp     balloon_poll            ; and see whether the monitor wants memory back
.else
        ret
.endif

; idle: nothing is ready. Wait for an interrupt with interrupts still off
; (wfi completes when one is pending, taken or not), handle it here, and
; schedule again.
idle:
        li      r1, S_SLEEPING
        call    count_state
        mov     r8, r1                  ; r8: sleepers
        li      r1, S_READING
        call    count_state
        add     r1, r1, r8
        beqz    r1, shutdown            ; nobody left at all
        beqz    r8, .input
        ; Sleepers: the clock goes on; wait for its tick, or for input.
.ifdef PV
        hcall   HC_IDLE                 ; r1: what is pending
        mov     r9, r1
.else
        wfi
        mfsr    r9, ipend
.endif
        andi    r1, r9, 1 << IRQ_TIMER
        beqz    r1, .console
        call    clock_tick
.console:
        andi    r1, r9, 1 << IRQ_CONSOLE
        beqz    r1, .again
        call    console_interrupt
.again:
        jmp     schedule
.input:
        ; Only readers: nothing but console input can wake anyone. Stop the
        ; clock while the machine waits for a key, and start it again after.
.ifdef PV
        li      r1, 0
        hcall   HC_SET_TIMER
        hcall   HC_IDLE
.else
        mtsr    timer, zero
        wfi
.endif
        call    console_interrupt
        ldw     r1, quantum(zero)
.ifdef PV
        hcall   HC_SET_TIMER
.else
        mtsr    timer, r1
.endif
        jmp     schedule

; count_state: r1 = a state; returns r1 = how many slots are in it.
count_state:
        la      r2, proc_table
        ldw     r3, nslots(zero)
        li      r4, 0
.loop:
        beqz    r3, .done
        ldw     r5, P_STATE(r2)
        bne     r5, r1, .next
        addi    r4, r4, 1
.next:
        addi    r2, r2, P_SIZE
        addi    r3, r3, -1
        jmp     .loop
.done:
        mov     r1, r4
        ret

; shutdown: every process has exited: the summary, then power off with 0.
shutdown:
.ifdef PV
        li      r1, 0
        hcall   HC_SET_TIMER
        call    proc_summary
        li      r1, 0
        hcall   HC_POWER
.else
        mtsr    timer, zero
        call    proc_summary
        out     PORT_POWER, zero
.endif
.halted:
        jmp     .halted                 ; the power port does not return

        .data
        .align  4
cur_proc:   .word 0             ; the slot of the process that runs (or ran last)
cur_slot:   .word -1            ; its index: schedule starts looking after it
ticks:      .word 0             ; timer ticks since boot
quantum:    .word QUANTUM       ; instructions between clock ticks (SYS_CLOCK sets it)
        .text
