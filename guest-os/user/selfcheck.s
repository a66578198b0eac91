; guest-os/user/selfcheck.s: is the kernel's code what it was at boot?
; The kernel checksummed its own text at boot; ksum checksums it again now.
; Trap-and-emulate runs the guest kernel's code as it is: OK. A VMM that
; patches sensitive instructions in place in the guest's code (as
; VirtualBox's PATM did; --mode patch) leaves a trace: CHANGED. A binary
; translator (--mode bt) runs copies elsewhere and leaves the code alone.

        .include "syscall.inc"
        .text
_start:
        sys     SYS_KSUM                ; r1: the checksum now, r2: at boot
        mov     r3, r1
        la      r1, msg_ok
        beq     r2, r3, .print
        la      r1, msg_changed
.print:
        call    printf
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg_ok:
        .asciz  "selfcheck: the kernel text is as it was at boot: OK\n"
msg_changed:
        .asciz  "selfcheck: the kernel text has CHANGED since boot: checksum 0x%x then, 0x%x now\n"
