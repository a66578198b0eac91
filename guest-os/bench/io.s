; guest-os/bench/io.s: I/O-heavy: reads the 16 KiB file `big` READS times
; and folds every copy into a checksum. The emulated disk costs the kernel
; five port instructions a sector, each a VM exit under a monitor; the
; paravirtualised kernel queues a ring's worth of sectors and makes one
; hypercall (Xen's split block driver).

READS  = 16
BUFLEN = 16384
PERIOD = 1000000

        .include "syscall.inc"
        .text
_start:
        li      r1, PERIOD
        sys     SYS_CLOCK
        li      r8, READS               ; r8: reads left
        li      r10, 0                  ; r10: the checksum
.read:
        la      r1, name
        la      r2, buffer
        li      r3, BUFLEN
        sys     SYS_READFILE
        blt     r1, zero, .failed
        la      r2, buffer
        add     r3, r2, r1
.word:
        bgeu    r2, r3, .next
        ldw     r4, 0(r2)
        muli    r10, r10, 31
        add     r10, r10, r4
        addi    r2, r2, 4
        jmp     .word
.next:
        addi    r8, r8, -1
        bnez    r8, .read
        la      r1, msg
        mov     r2, r10
        call    printf
        li      r1, 0
        sys     SYS_EXIT
.failed:
        mov     r2, r1
        la      r1, msg_failed
        call    printf
        li      r1, 1
        sys     SYS_EXIT

        .include "ulib.s"

        .data
name:
        .asciz  "big"
msg:
        .asciz  "io: %x\n"
msg_failed:
        .asciz  "io: readfile failed: %d\n"
        .align  4
buffer:
        .space  BUFLEN
