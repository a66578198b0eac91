; guest-os/kernel/kernel.s: the Trapeze guest kernel, assembled as one unit.
; Owns: the order of the kernel's files in memory, and ktext_end, the label
;       that closes the kernel text (the self-check checksums [0, ktext_end)).
; Not:  any code: each file below owns one idea.
;
; boot.s must come first: the machine starts at physical address 0. Every
; file adds to .text and .data; the assembler puts all of .data after all of
; .text, so ktext_end, the last thing in .text, ends the code.
;
; Assembled with -D PV=1 (guest-os/guest.mk's kernel-pv.elf) the same sources
; make the paravirtualised kernel that `trapeze run --mode pv` runs: each
; privileged operation, under `.ifdef PV`, becomes a hypercall or a store
; into the page shared with the monitor (isa-spec/hypercalls.def), and the
; disk is driven through a ring (blkfront.s). Like Linux's paravirt_ops, one
; source tree, one switch.
;
; Assembled with -D PAGING=1 (kernel-paged.elf; with PV too, kernel-pv-paged.elf)
; the kernel gives each process page tables of its own instead of a region
; and a relocation register: frames on demand, fork with copy-on-write,
; wait, exec (frame.s, vm.s, uaccess.s, fork.s; pvmmu.s for PV). Without it,
; the kernel is P&G's relocation machine, byte for byte as it was.

        .include "memory.inc"
        .include "proc.inc"
        .include "syscall.inc"
        .include "disk.inc"
.ifdef PV
        .include "pv.inc"       ; the paravirtual build's idioms (-D PV=1)
.endif
.ifdef PAGING
        .include "paging.inc"   ; the paged build's entries and address space (-D PAGING=1)
.endif

        .text
        .include "boot.s"       ; the boot sequence
        .include "trap.s"       ; the trap vector: save, dispatch on the cause
        .include "syscall.s"    ; the system calls
        .include "sched.s"      ; the scheduler, the clock, the idle loop
        .include "proc.s"       ; the process table: spawn, exit, kill, summary
        .include "critical.s"   ; the critical-section self-check (setpsw)
        .include "console.s"    ; the console driver and kprintf
        .include "disk.s"       ; the disk driver and the directory
        .include "panic.s"      ; panic
        .include "lib.s"        ; memory and string helpers
        .include "format.s"     ; printf-style formatting (shared with programs)
.ifdef PV
        .include "pv.s"         ; the page shared with the monitor; the balloon
        .include "blkfront.s"   ; the paravirtual disk driver: a ring, a hypercall
.endif
        .include "net.s"        ; the network card's driver: netsend, netrecv
.ifdef PAGING
        .include "frame.s"      ; physical memory, a frame at a time
        .include "vm.s"         ; address spaces: tables, demand-zero, copy-on-write
        .include "uaccess.s"    ; the calls that copy in and out of a process
        .include "fork.s"       ; fork, wait, exec; unmap and protect
.ifdef PV
        .include "pvmmu.s"      ; direct paging: every table change a hypercall
.endif
.endif

        .text
        .align  4
ktext_end:
