; tests/mon/prog.s: the monitor's test program: a tiny kernel and its one
; user program, small enough to step through by hand in every mode.
; The kernel sets its trap vector (privileged: a VM exit under trap and
; emulate), calls a function (for next), prints a line, and enters user
; mode relocated to UREGION; the user program makes a system call, which
; the kernel answers by printing a line and halting with code 7.

        .equ    UREGION, 0x800          ; the user program's region (physical)
        .equ    ULIMIT, 0x100

        .text
_start:
        la      r1, trap_entry
        mtsr    tvec, r1
        la      sp, kstack_top
        li      r1, 6
        call    double                  ; r1 = 12
        mov     r8, r1
        la      r1, msg_hello
        call    puts
        ; Into user mode: rfe to virtual 0 of the user region.
        li      r1, UREGION
        mtsr    base, r1
        li      r1, ULIMIT
        mtsr    limit, r1
        mtsr    epc, zero
        mtsr    epsw, zero              ; user mode, interrupts off
        rfe

; double: r1 = r1 + r1.
double:
        add     r1, r1, r1
        ret

; puts: print the string at r1 (uses r2).
puts:
        ldbu    r2, 0(r1)
        beqz    r2, .done
        out     PORT_CON_DATA, r2
        addi    r1, r1, 1
        b       puts
.done:
        ret

; Every trap comes here: a system call halts with 7, anything else with 1.
trap_entry:
        mfsr    r2, cause
        cmpi    r2, CAUSE_SYSCALL
        bne     .fault
        la      r1, msg_sys
        call    puts
        li      r1, 7
        out     PORT_POWER, r1
.fault:
        li      r1, 1
        out     PORT_POWER, r1

        .org    UREGION
; The user program: it runs at virtual address 0, in user mode.
user:
        li      r3, 42
        sys     5
        b       user                    ; not reached

        .data
msg_hello:
        .asciz  "hello from the kernel\n"
msg_sys:
        .asciz  "a system call from user mode\n"
        .align  4
        .space  64
kstack_top:
