; guest-os/user/redpill.s: can a user program tell that it runs in a VM?
; Owns: trying each sensitive instruction from user mode, and the innocuous
;       cpuid and rdcyc, and a verdict it can defend.
;
; Each sensitive instruction is tried with the kernel told (SYS_CATCH) to
; hand its fault back instead of killing us. With the default ISA every one
; is privileged: it traps on the bare machine and under a VMM alike, and
; trapping tells nothing. With --nonvirt some run silently instead, and then
; what they return is the REAL machine's state, not the virtual one. A
; difference counts only if a physical machine could not have shown it:
;   getpsw  a user process with interrupts on reads S = 0, IE = 1, on a
;           physical machine and under any VMM that runs it in user mode:
;           no tell, unless it reads something else.
;   setpsw  keeps the privileged bits in both: nothing to observe.
;   getbase returns the real relocation base. Bare, that is the base the
;           kernel gave us, and the kernel says which (SYS_GETBASE). Under a
;           VMM it is the VM's region plus the guest's base: the tell.
;   rfe     jumps to the real epc. Bare, that is where the kernel last
;           returned us to; under a VMM, wherever the VMM left epc.
;   jru     is a plain jump in user mode everywhere: no tell.
;   cpuid, rdcyc are innocuous: they never trap and mean the same under a
;           VMM. Timing would tell (rdcyc around a system call counts the
;           VMM's work too), but P&G's equivalence allows a VM to be slower,
;           so this redpill does not count time.
; The other sensitive instructions (mfsr, mtsr, in, out, wfi) trap in user
; mode whatever the flags say, so trying them could tell nothing.

T_GETPSW  = 1
T_SETPSW  = 2
T_GETBASE = 4
T_RFE     = 8
T_JRU     = 16
T_CPUID   = 32
CPUID_TRPZ = 0x5A505254         ; cpuid leaf 0 on every Trapeze: "TRPZ"

        .include "syscall.inc"
        .text
_start:
        sys     SYS_GETBASE
        stw     r1, given_base(zero)

; getpsw: read the psw.
t_getpsw:
        la      r1, .trapped
        sys     SYS_CATCH
        getpsw  r2
        andi    r2, r2, PSW_S | PSW_IE
        li      r1, T_GETPSW
        cmpi    r2, PSW_IE
        beq     .done                   ; user mode, interrupts on: as it should
        call    tells
        jmp     .done
.trapped:
        li      r2, T_GETPSW
        call    trapped
.done:
        li      r1, 0
        sys     SYS_CATCH

; setpsw: try to enter supervisor mode with interrupts off.
t_setpsw:
        la      r1, .trapped
        sys     SYS_CATCH
        li      r2, PSW_S
        setpsw  r2
        jmp     .done                   ; silent: the privileged bits stayed
.trapped:
        li      r2, T_SETPSW
        call    trapped
.done:
        li      r1, 0
        sys     SYS_CATCH

; getbase: read the relocation base.
t_getbase:
        la      r1, .trapped
        sys     SYS_CATCH
        getbase r2
        stw     r2, read_base(zero)
        ldw     r3, given_base(zero)
        beq     r2, r3, .done           ; the base the kernel gave us
        li      r1, T_GETBASE
        call    tells
        jmp     .done
.trapped:
        li      r2, T_GETBASE
        call    trapped
.done:
        li      r1, 0
        sys     SYS_CATCH

; rfe: return from a trap we are not in. The kernel's own rfe, returning
; from the catch call below, left epc = .land; a silent rfe jumps there,
; and r6 says it is the second time. The yield first gives a fresh quantum,
; so no timer interrupt can move epc in between.
t_rfe:
        sys     SYS_YIELD
        li      r6, 0
        la      r1, .trapped
        sys     SYS_CATCH
.land:
        bnez    r6, .done               ; silent, and back where the kernel left us
        li      r6, 1
        rfe
.trapped:
        li      r2, T_RFE
        call    trapped
.done:
        li      r1, 0
        sys     SYS_CATCH

; jru: jump to user mode, from user mode.
t_jru:
        la      r1, .trapped
        sys     SYS_CATCH
        la      r2, .done
        jru     r2                      ; silent: a plain jump to .done
.trapped:
        li      r2, T_JRU
        call    trapped
.done:
        li      r1, 0
        sys     SYS_CATCH

; cpuid and rdcyc: innocuous, never trap.
t_innocuous:
        li      r2, 0
        cpuid   r3, r2
        li      r2, CPUID_TRPZ
        beq     r3, r2, .cycles
        li      r1, T_CPUID
        call    tells
.cycles:
        rdcyc   r4                      ; read, not judged: see the top
        rdcyc   r5

; The report: what trapped, then the verdict.
report:
        li      r7, T_GETPSW
        call    outcome
        mov     r2, r1
        li      r7, T_SETPSW
        call    outcome
        mov     r3, r1
        li      r7, T_GETBASE
        call    outcome
        mov     r4, r1
        li      r7, T_RFE
        call    outcome
        mov     r5, r1
        li      r7, T_JRU
        call    outcome
        mov     r6, r1
        la      r1, msg_tried
        call    printf
        ldw     r8, tell_mask(zero)
        bnez    r8, .virtual
        la      r1, msg_physical
        call    printf
        jmp     .exit
.virtual:
        andi    r1, r8, T_GETBASE
        beqz    r1, .verdict
        la      r1, msg_base
        ldw     r2, read_base(zero)
        ldw     r3, given_base(zero)
        call    printf
.verdict:
        la      r1, line                ; "...detected via a, b": built in line
        la      r2, msg_detected
        call    append
        la      r9, tell_names          ; r9: the name of the next bit
        li      r10, 1                  ; r10: the bit
        li      r11, 0                  ; r11: names written so far
.name:
        and     r2, r8, r10
        beqz    r2, .skip
        beqz    r11, .first
        la      r2, msg_comma
        call    append
.first:
        ldw     r2, 0(r9)
        call    append
        addi    r11, r11, 1
.skip:
        addi    r9, r9, 4
        shli    r10, r10, 1
        li      r2, T_CPUID
        bgeu    r2, r10, .name
        la      r2, msg_newline
        call    append
        la      r2, line
        sub     r2, r1, r2
        la      r1, line
        sys     SYS_WRITE
.exit:
        li      r1, 0
        sys     SYS_EXIT

; trapped: a caught fault, r1 = its cause, r2 = the test's bit. A
; privileged-instruction trap is what a physical machine does too; any other
; fault (the instruction went somewhere it should not) is a tell.
trapped:
        cmpi    r1, CAUSE_PRIV
        bne     .strange
        ldw     r1, trap_mask(zero)
        or      r1, r1, r2
        stw     r1, trap_mask(zero)
        ret
.strange:
        mov     r1, r2
        ; fall into tells

; tells: r1 = a test's bit: it showed what a physical machine could not.
tells:
        ldw     r2, tell_mask(zero)
        or      r2, r2, r1
        stw     r2, tell_mask(zero)
        ret

; outcome: r7 = a test's bit. Returns r1 = "trapped" or "silent".
outcome:
        ldw     r1, trap_mask(zero)
        and     r1, r1, r7
        beqz    r1, .silent
        la      r1, msg_trapped
        ret
.silent:
        la      r1, msg_silent
        ret

; append: copy the string r2 to r1; returns r1 = just past it.
append:
        ldbu    r3, 0(r2)
        beqz    r3, .done
        stb     r3, 0(r1)
        addi    r1, r1, 1
        addi    r2, r2, 1
        jmp     append
.done:
        ret

        .include "ulib.s"

        .data
        .align  4
given_base: .word 0             ; the base the kernel says it gave us
read_base:  .word 0             ; what getbase read, if it did not trap
trap_mask:  .word 0             ; tests whose instruction trapped
tell_mask:  .word 0             ; tests that told a VM from a physical machine
tell_names:
        .word   n_getpsw, n_setpsw, n_getbase, n_rfe, n_jru, n_cpuid
n_getpsw:   .asciz "getpsw"
n_setpsw:   .asciz "setpsw"
n_getbase:  .asciz "getbase"
n_rfe:      .asciz "rfe"
n_jru:      .asciz "jru"
n_cpuid:    .asciz "cpuid"
msg_tried:
        .asciz  "redpill: getpsw %s, setpsw %s, getbase %s, rfe %s, jru %s; cpuid and rdcyc ran\n"
msg_trapped:    .asciz "trapped"
msg_silent:     .asciz "silent"
msg_physical:   .asciz "redpill: physical\n"
msg_base:
        .asciz  "redpill: getbase read 0x%x, but the kernel gave this process base 0x%x\n"
msg_detected:   .asciz "redpill: virtual machine detected via "
msg_comma:      .asciz ", "
msg_newline:    .asciz "\n"
line:
        .space  96
