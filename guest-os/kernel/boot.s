; guest-os/kernel/boot.s: the first instructions the machine runs.
; Owns: the boot sequence: trap vector, kernel stack, the memory map from
;       SR memsize, the boot-time checks, and starting init.
; Not:  what init starts (user/init.s); the checks themselves (critical.s,
;       lib.s's checksum).
;
; The machine starts here, at physical address 0, in supervisor mode with
; interrupts off and no relocation: every address below is physical.

boot:
        ldw     r1, booted(zero)
        bnez    r1, .twice
        li      r1, 1
        stw     r1, booted(zero)
        li      sp, KSTACK_TOP
        la      r1, trap_entry
.ifdef PV
        la      r2, pv_shared
        hcall   HC_REGISTER             ; traps enter there; the page we share
        li      r2, PV_ABI
        bne     r1, r2, .no_monitor     ; no paravirtual monitor answered
        li      r1, 0
        hcall   HC_SET_TIMER            ; no ticks until a process runs
.else
        mtsr    tvec, r1                ; every trap and interrupt enters there
        mtsr    timer, zero             ; no ticks until a process runs
.endif
        la      r1, msg_banner
        call    kprintf
        call    memory_init
        ; Remember what the kernel's code looks like now: selfcheck asks later.
        li      r1, 0
        la      r2, ktext_end
        call    checksum
        stw     r1, ksum_boot(zero)
        call    cs_selfcheck
        call    disk_init
        ; The first process: everything else is its doing.
        la      r1, name_init
        call    proc_spawn
        blt     r1, zero, .no_init
        ldw     r1, quantum(zero)
.ifdef PV
        hcall   HC_SET_TIMER            ; the clock starts
.else
        mtsr    timer, r1               ; the clock starts
.endif
        jmp     schedule
.no_init:
        la      r1, msg_no_init
        jmp     panic
.ifdef PV
.no_monitor:
        la      r1, msg_no_monitor
        jmp     panic
.endif
.twice:
        ; Only a jump to 0 in supervisor mode comes here: a process starts at
        ; its own virtual 0, so an entry to user mode that left the machine
        ; in supervisor mode (a silent rfe or jru under --nonvirt) lands here.
        la      r1, msg_twice
        jmp     panic

.ifndef PAGING
; memory_init: how many process regions fit in the memory the machine has.
; (The paged build's is frame.s's.)
memory_init:
        push    lr
.ifdef PV
        ldw     r1, pv_shared+PV_MEMSIZE(zero)  ; the monitor wrote it at HC_REGISTER
.else
        mfsr    r1, memsize
.endif
        stw     r1, mem_size(zero)
        li      r2, PROC_AREA + REGION_SIZE
        bltu    r1, r2, .too_small      ; not even one process fits
        li      r2, PROC_AREA
        sub     r1, r1, r2
        li      r2, REGION_SIZE
        divu    r1, r1, r2
        li      r2, NPROC
        bltu    r1, r2, .fits
        mov     r1, r2                  ; memory for more: NPROC slots is the table
.fits:
        stw     r1, nslots(zero)
        la      r1, msg_memory
        ldw     r2, mem_size(zero)
        shri    r2, r2, 10
        li      r3, KSTACK_TOP
        ldw     r4, nslots(zero)
        li      r5, REGION_SIZE / 1024
        li      r6, PROC_AREA
        call    kprintf
        pop     lr
        ret
.too_small:
        la      r1, msg_small
        jmp     panic
.endif

        .data
        .align  4
booted:     .word 0             ; 1 once boot has run
mem_size:   .word 0             ; SR memsize, in bytes
nslots:     .word 0             ; process slots in use: at most NPROC
ksum_boot:  .word 0             ; the kernel text's checksum at boot
msg_banner:
.ifdef PV
.ifdef PAGING
        .asciz  "Trapeze guest OS: booting (paravirtualised, paged)\n"
.else
        .asciz  "Trapeze guest OS: booting (paravirtualised)\n"
.endif
msg_no_monitor:
        .asciz  "no paravirtual monitor answered HC_REGISTER (run with --mode pv)"
.else
.ifdef PAGING
        .asciz  "Trapeze guest OS: booting (paged)\n"
.else
        .asciz  "Trapeze guest OS: booting\n"
.endif
.endif
.ifndef PAGING
msg_memory:
        .asciz  "memory: %u KiB; kernel below 0x%x; %u process regions of %u KiB from 0x%x\n"
msg_small:
        .asciz  "memory too small for one process region"
.endif
msg_no_init:
        .asciz  "cannot start init from the disk"
msg_twice:
        .asciz  "boot ran twice: a return to a process stayed in supervisor mode"
name_init:
        .asciz  "init"
        .align  4
        .text
