; labs/lab1/hidden/progs/regs.s: a system call changes r1 (its result) and
; nothing else: every other register comes back as it went in.
        .include "syscall.inc"
        .text
_start:
        li      r2, 0x2222
        li      r3, 0x3333
        li      r4, 0x4444
        li      r5, 0x5555
        li      r6, 0x6666
        li      r7, 0x7777
        li      r8, 0x8888
        li      r9, 0x9999
        li      r10, 0xaaaa
        li      r11, 0xbbbb
        li      r12, 0xcccc
        li      r13, 0xdddd
        li      r15, 0xffff
        sys     SYS_GETPID
        sys     SYS_TICKS
        sys     SYS_YIELD
        li      r1, 0
        sys     SYS_SLEEP
        sys     99
        la      r1, msg_bad
        li      r6, 0x6666
        cmpi    r2, 0x2222
        bne     .say
        cmpi    r3, 0x3333
        bne     .say
        cmpi    r4, 0x4444
        bne     .say
        cmpi    r5, 0x5555
        bne     .say
        cmpi    r7, 0x7777
        bne     .say
        li      r6, 0x8888
        bne     r8, r6, .say
        li      r6, 0x9999
        bne     r9, r6, .say
        li      r6, 0xaaaa
        bne     r10, r6, .say
        li      r6, 0xbbbb
        bne     r11, r6, .say
        li      r6, 0xcccc
        bne     r12, r6, .say
        li      r6, 0xdddd
        bne     r13, r6, .say
        li      r6, 0xffff
        bne     r15, r6, .say
        la      r1, msg_ok
.say:
        call    printf
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg_ok:
        .asciz  "regs: every register but r1 preserved\n"
msg_bad:
        .asciz  "regs: a system call changed a register\n"
