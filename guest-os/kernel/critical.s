; guest-os/kernel/critical.s: the critical-section self-check.
; Owns: cs_selfcheck, run once at boot, and cs_interrupt, the timer handler
;       it arms; the one place the kernel ever runs with interrupts on.
; Not:  the trap vector that sends the interrupt here (trap.s).
;
; A critical section is code that an interrupt must not cut in two: here,
; updates of cs_shared, a counter that the interrupt handler updates too.
; The kernel protects it the classic way, by turning interrupts off with
; setpsw (x86: cli, or popf). The check makes a timer interrupt fall due in
; the middle of the section and looks whether the handler ran there.
;
; On the bare machine setpsw is privileged and works: the interrupt waits
; until the section ends. Under trap-and-emulate the kernel runs in user
; mode; setpsw traps and the VMM clears the virtual IE: still fine. With
; --nonvirt=setpsw, setpsw in user mode silently keeps the privileged bits,
; like x86's popf: the VMM never learns that the guest turned interrupts
; off, delivers the tick inside the section, and this check says FAILED.
; That is Popek and Goldberg's point: a sensitive instruction that does not
; trap breaks trap-and-emulate.
;
; The check turns interrupts on with rfe (the way every return from a trap
; does), not with setpsw: then it tests setpsw's turning them off and
; nothing else. (With all of --nonvirt, rfe is silent too, interrupts never
; come on, and the check says so.)
;
; The paravirtualised kernel (-D PV=1) masks interrupts as Xen's guests do:
; by a store of 0 into the page it shares with the monitor (PV_IE), which
; costs no exit. A tick that falls due meanwhile, the monitor keeps pending
; and says so in PV_PENDING; the kernel, unmasking, sees it and makes one
; hypercall to take it (pv_unmask, include/pv.inc). The check must pass
; there too.

CS_TICK  = 10                   ; instructions until the test's tick falls due
CS_SPIN  = 40                   ; updates in the section: longer than CS_TICK

cs_selfcheck:
        push    lr
        push    r8
        li      r1, 1
        stw     r1, cs_armed(zero)      ; kernel_trap: a timer interrupt goes to us
        stw     zero, cs_irqs(zero)
        ; 1. Interrupts on, with rfe: a tick must arrive.
        li      r1, CS_TICK
.ifdef PV
        hcall   HC_SET_TIMER
        li      r1, PSW_S | PSW_IE
        stw     r1, pv_shared+PV_EPSW(zero)
        la      r1, .enabled
        stw     r1, pv_shared+PV_EPC(zero)
        hcall   HC_IRET                 ; "return" to .enabled, interrupts on
.else
        mtsr    timer, r1
        li      r1, PSW_S | PSW_IE
        mtsr    epsw, r1
        la      r1, .enabled
        mtsr    epc, r1
        rfe                             ; "return" to .enabled, interrupts on
.endif
.enabled:
        li      r2, 10 * CS_TICK        ; r2: how long to wait for it
.wait:
        ldw     r3, cs_irqs(zero)
        bnez    r3, .section
        addi    r2, r2, -1
        bnez    r2, .wait
        li      r8, CS_NEVER
        jmp     .end
.section:
        ; 2. The critical section: interrupts off, then a tick falls due.
.ifdef PV
        pv_mask r1                      ; a store into the shared page: no exit
.else
        li      r1, PSW_S
        setpsw  r1
.endif
        ldw     r4, cs_irqs(zero)       ; r4: interrupts taken before it
        li      r1, CS_TICK
.ifdef PV
        hcall   HC_SET_TIMER
.else
        mtsr    timer, r1
.endif
        li      r2, CS_SPIN
.update:
        ldw     r3, cs_shared(zero)
        addi    r3, r3, 1
        stw     r3, cs_shared(zero)
        addi    r2, r2, -1
        bnez    r2, .update
        ldw     r5, cs_irqs(zero)       ; r5: interrupts taken by its end
        ; 3. Interrupts on again: the tick that waited is taken now.
.ifdef PV
        li      r1, 1
        pv_unmask r1                    ; the monitor kept it pending: one hypercall
        pv_mask r1
.else
        li      r1, PSW_S | PSW_IE
        setpsw  r1
        nop
        li      r1, PSW_S
        setpsw  r1
.endif
        ldw     r6, cs_irqs(zero)       ; r6: interrupts taken after it
        li      r8, CS_INSIDE
        bne     r5, r4, .end            ; the handler ran inside the section
        li      r8, CS_LOST
        beq     r6, r5, .end            ; the tick never came
        li      r8, CS_OK
.end:
        ; Interrupts off for the rest of the kernel's life, and with rfe:
        ; a setpsw that failed above would fail here too.
.ifdef PV
        li      r1, 0
        hcall   HC_SET_TIMER
        li      r1, PSW_S
        stw     r1, pv_shared+PV_EPSW(zero)
        la      r1, .disabled
        stw     r1, pv_shared+PV_EPC(zero)
        hcall   HC_IRET
.else
        mtsr    timer, zero
        li      r1, PSW_S
        mtsr    epsw, r1
        la      r1, .disabled
        mtsr    epc, r1
        rfe
.endif
.disabled:
        stw     zero, cs_armed(zero)
        stw     r8, cs_result(zero)
        shli    r8, r8, 2
        ldw     r1, cs_messages(r8)
        call    kprintf
        pop     r8
        pop     lr
        ret

; cs_interrupt: the timer interrupt while the check runs (from kernel_trap,
; r1 in SR scratch). It touches the shared counter: the reason the section
; needs interrupts off.
cs_interrupt:
        ldw     r1, cs_irqs(zero)
        addi    r1, r1, 1
        stw     r1, cs_irqs(zero)
        ldw     r1, cs_shared(zero)
        addi    r1, r1, 1
        stw     r1, cs_shared(zero)
.ifdef PV
        li      r1, 0
        hcall   HC_SET_TIMER            ; acknowledge; no more ticks
        ldw     r1, pv_shared+PV_SCRATCH(zero)
        hcall   HC_IRET
.else
        mtsr    timer, zero             ; acknowledge; no more ticks
        mfsr    r1, scratch
        rfe
.endif

CS_OK     = 0
CS_INSIDE = 1
CS_LOST   = 2
CS_NEVER  = 3

        .data
        .align  4
cs_armed:   .word 0             ; 1 while the check runs
cs_irqs:    .word 0             ; timer interrupts the check has taken
cs_shared:  .word 0             ; the data the section protects
cs_result:  .word 0             ; CS_OK .. CS_NEVER
cs_messages:
        .word   cs_msg_ok
        .word   cs_msg_inside
        .word   cs_msg_lost
        .word   cs_msg_never
cs_msg_ok:
        .asciz  "critical section: OK (the timer interrupt waited for interrupts to be enabled again)\n"
cs_msg_inside:
        .asciz  "critical section: FAILED (interrupt arrived with interrupts disabled)\n"
cs_msg_lost:
        .asciz  "critical section: FAILED (the deferred interrupt never arrived)\n"
cs_msg_never:
        .asciz  "critical section: FAILED (no interrupt arrived with interrupts enabled)\n"
        .align  4
        .text
