; guest-os/kernel/panic.s: when the kernel itself is broken.
; Owns: panic (a broken invariant, with a message) and trap_panic (a trap
;       the kernel did not expect: its cause, detail and pc). Both stop the
;       machine through the power port with exit code 1.
; Not:  a process's faults: those kill the process (trap.s, proc.s).

PANIC_EXIT = 1

; panic: r1 = what went wrong. Does not return.
panic:
        li      sp, KSTACK_TOP
        mov     r2, r1
        la      r1, msg_panic
        call    kprintf
        jmp     halt_failed

; trap_panic: an unexpected trap; cause, detail and epc still hold it.
; Does not return.
trap_panic:
        li      sp, KSTACK_TOP
.ifdef PV
        ldw     r1, pv_shared+PV_CAUSE(zero)
        call    cause_name
        mov     r3, r1
        la      r1, msg_trap_panic
        ldw     r2, pv_shared+PV_CAUSE(zero)
        ldw     r4, pv_shared+PV_DETAIL(zero)
        ldw     r5, pv_shared+PV_EPC(zero)
        ldw     r6, pv_shared+PV_EPSW(zero)
.else
        mfsr    r1, cause
        call    cause_name
        mov     r3, r1
        la      r1, msg_trap_panic
        mfsr    r2, cause
        mfsr    r4, detail
        mfsr    r5, epc
        mfsr    r6, epsw
.endif
        call    kprintf
halt_failed:
        li      r1, PANIC_EXIT
.ifdef PV
        hcall   HC_POWER
.else
        out     PORT_POWER, r1
.endif
.halted:
        jmp     .halted

        .data
msg_panic:
        .asciz  "kernel panic: %s\n"
msg_trap_panic:
        .asciz  "kernel panic: unexpected trap: cause %d (%s), detail 0x%x, pc 0x%x, psw 0x%x\n"
        .align  4
        .text
