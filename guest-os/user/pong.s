; guest-os/user/pong.s: prints "pong 1" .. "pong 6", preempted in between.

        .include "syscall.inc"
        .include "pingpong.s"

        .data
word:   .asciz  "pong"
