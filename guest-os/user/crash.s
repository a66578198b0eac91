; guest-os/user/crash.s: a program that reaches outside its region.
; The relocation register's limit stops it: the load past the limit traps
; (BOUNDS), and the kernel kills the process with a message and goes on.
; P&G's resource control at work, one level down: the kernel is to its
; processes what a VMM is to its guests.

        .include "syscall.inc"
        .include "memory.inc"
        .text
_start:
        la      r1, msg_try
        li      r2, REGION_SIZE
        call    printf
        li      r2, REGION_SIZE
        ldw     r1, 0(r2)               ; the first address past our limit
        la      r1, msg_read            ; not reached
        call    printf
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg_try:
        .asciz  "crash: reading address 0x%x, just past my region\n"
msg_read:
        .asciz  "crash: read it: the relocation limit did not stop me\n"
