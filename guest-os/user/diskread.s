; guest-os/user/diskread.s: I/O heavy: reads the file `notes` from the disk
; READS times through the readfile system call and checksums every copy.
; Each read is a dozen port instructions in the kernel: under a VMM, each
; one traps and the VMM plays the disk.

READS  = 8
BUFLEN = 4096

        .include "syscall.inc"
        .text
_start:
        li      r8, READS               ; r8: reads left
        li      r10, 0                  ; r10: the first copy's checksum
.read:
        la      r1, name
        la      r2, buffer
        li      r3, BUFLEN
        sys     SYS_READFILE
        blt     r1, zero, .failed
        mov     r9, r1                  ; r9: its length
        la      r2, buffer              ; checksum: sum = sum * 31 + byte
        add     r3, r2, r1
        li      r1, 0
.byte:
        beq     r2, r3, .summed
        ldbu    r4, 0(r2)
        muli    r1, r1, 31
        add     r1, r1, r4
        addi    r2, r2, 1
        jmp     .byte
.summed:
        li      r2, READS
        beq     r8, r2, .first
        bne     r1, r10, .differs
        jmp     .again
.first:
        mov     r10, r1
.again:
        addi    r8, r8, -1
        bnez    r8, .read
        la      r1, msg_ok
        li      r2, READS
        la      r3, name
        mov     r4, r9
        mov     r5, r10
        call    printf
        li      r1, 0
        sys     SYS_EXIT
.failed:
        mov     r2, r1
        la      r1, msg_failed
        call    printf
        li      r1, 1
        sys     SYS_EXIT
.differs:
        la      r1, msg_differs
        call    printf
        li      r1, 1
        sys     SYS_EXIT

        .include "ulib.s"

        .data
name:
        .asciz  "notes"
msg_ok:
        .asciz  "diskread: %d reads of %s, %d bytes each, checksum 0x%x every time\n"
msg_failed:
        .asciz  "diskread: readfile failed: error %d\n"
msg_differs:
        .asciz  "diskread: two reads of the same file differ\n"
        .align  4
buffer:
        .space  BUFLEN
