; tests/asm/hello.s: print a line on the console, then power off.
; The smallest complete program: a loop over a string in .data.

        .text
_start:
        la      r1, msg
1:      ldbu    r2, 0(r1)               ; the next byte; 0 ends the string
        beqz    r2, 2f
        out     PORT_CON_DATA, r2
        addi    r1, r1, 1
        b       1b
2:      out     PORT_POWER, r0          ; halt with exit code 0

        .data
msg:    .asciz  "hello, trapeze\n"
