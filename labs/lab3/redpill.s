; labs/lab3/redpill.s: lab 3: a red pill. Can a kernel tell that it runs
; in a virtual machine rather than on the bare machine?
;
; It runs at address 0 in supervisor mode, as a kernel boots. `detect`
; returns a bit for each way it found to tell (0: none); the driver prints
; the verdict and halts with 0 (physical) or 1 (virtual machine):
;     redpill: physical
;     redpill: virtual machine detected via getpsw rfe ...
; Popek and Goldberg's equivalence says that under a correct VMM it must
; find nothing: under trap-and-emulate with the default ISA it must say
; physical. With --nonvirt some sensitive instructions no longer trap, and
; a good red pill catches each of them, yet never cries wolf on the bare
; machine, with --nonvirt or without. Timing (rdcyc) does not count: P&G
; allow a VM to be slower.
;
;     build/trapeze asm -o build/redpill.elf labs/lab3/redpill.s
;     build/trapeze run --mode trap --nonvirt build/redpill.elf
;     build/trapeze diff --modes bare,trap --nonvirt build/redpill.elf

T_GETPSW  = 1
T_SETPSW  = 2
T_GETBASE = 4
T_RFE     = 8
T_JRU     = 16
T_ALL     = 31

        .text
_start:
        la      sp, stack_top
        la      r1, vector
        mtsr    tvec, r1
        call    detect
        mov     r8, r1
        beqz    r8, .physical
        li      r2, T_ALL
        bltu    r2, r8, .undecided      ; not a set of T_ bits
        la      r1, s_virtual
        call    puts
        la      r9, names               ; r9: the name of bit r10
        li      r10, 1
.name:
        and     r2, r8, r10
        beqz    r2, .skip
        la      r1, s_space
        call    puts
        mov     r1, r9
        call    puts
.skip:
        addi    r9, r9, 8
        shli    r10, r10, 1
        cmpi    r10, T_ALL
        ble     .name
        la      r1, s_newline
        call    puts
        li      r1, 1
        out     PORT_POWER, r1
.physical:
        la      r1, s_physical
        call    puts
        li      r1, 0
        out     PORT_POWER, r1
.undecided:
        la      r1, s_undecided
        call    puts
        li      r1, 2
        out     PORT_POWER, r1

; detect: returns r1 = the T_ bits of every tell found; 0 when none.
; Uses r1..r7 and r8 (saved). The trap vector below resumes a test that
; expected a trap at the address in `resume`.
detect:
        ; LAB 3 BEGIN: detect: try each sensitive instruction; r1 = T_ bits of every difference from the bare machine
        push    r8
        li      r8, 0                   ; r8: tells found

        ; getpsw: in supervisor mode S must read 1.
        getpsw  r1
        andi    r1, r1, PSW_S
        bnez    r1, 1f
        ori     r8, r8, T_GETPSW
1:
        ; setpsw: turn IE on, then look. A setpsw that does not trap keeps
        ; the privileged bits where they were; the VMM never hears of it.
        li      r1, PSW_S | PSW_IE      ; (no interrupt is pending: none taken)
        setpsw  r1
        getpsw  r1
        andi    r1, r1, PSW_IE
        bnez    r1, 1f
        ori     r8, r8, T_SETPSW
1:      li      r1, PSW_S
        setpsw  r1

        ; getbase: must read what mtsr base wrote, not where a VMM put us.
        li      r2, 0x1000
        mtsr    base, r2
        getbase r1
        mtsr    base, zero
        beq     r1, r2, 1f
        ori     r8, r8, T_GETBASE
1:
        ; rfe and jru into user mode, relocated by base 0 and limit 64 KiB
        ; (this program lies inside). In user mode mfsr must trap; if it
        ; does not, the mode never changed.
        li      r1, 0x10000
        mtsr    limit, r1

        la      r1, .rfe_back
        stw     r1, resume(zero)
        la      r1, .rfe_user
        mtsr    epc, r1
        mtsr    epsw, zero              ; user mode, interrupts off
        rfe
.rfe_user:
        mfsr    r1, scratch             ; traps PRIV in user mode
        ori     r8, r8, T_RFE           ; still supervisor: the rfe was a lie
.rfe_back:
        la      r1, .jru_back
        stw     r1, resume(zero)
        la      r1, .jru_user
        jru     r1
.jru_user:
        mfsr    r1, scratch
        ori     r8, r8, T_JRU
.jru_back:
        mtsr    limit, zero
        stw     zero, resume(zero)
        mov     r1, r8
        pop     r8
        ret
        ; LAB 3 STUB: li      r1, -1                  ; undecided
        ; LAB 3 STUB: ret
        ; LAB 3 END

; vector: every trap. One a test expected (resume set) goes back to the
; test in supervisor mode; any other halts with 3.
vector:
        ldw     r1, resume(zero)
        beqz    r1, .unexpected
        stw     zero, resume(zero)
        jr      r1
.unexpected:
        li      r1, 3
        out     PORT_POWER, r1

; puts: print the NUL-terminated string at r1.
puts:
        ldbu    r2, 0(r1)
        beqz    r2, .done
        out     PORT_CON_DATA, r2
        addi    r1, r1, 1
        b       puts
.done:
        ret

        .data
        .align  4
resume:
        .word   0
names:                                  ; 8 bytes each, in T_ bit order
        .asciz  "getpsw"
        .space  1
        .asciz  "setpsw"
        .space  1
        .asciz  "getbase"
        .asciz  "rfe"
        .space  4
        .asciz  "jru"
        .space  4
s_physical:
        .asciz  "redpill: physical\n"
s_virtual:
        .asciz  "redpill: virtual machine detected via"
s_undecided:
        .asciz  "redpill: cannot tell (detect is not written yet)\n"
s_space:
        .asciz  " "
s_newline:
        .asciz  "\n"
        .align  4
        .space  256
stack_top:
