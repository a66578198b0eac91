; guest-os/user/ping.s: prints "ping 1" .. "ping 6", preempted in between.

        .include "syscall.inc"
        .include "pingpong.s"

        .data
word:   .asciz  "ping"
