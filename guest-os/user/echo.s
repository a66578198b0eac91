; guest-os/user/echo.s: console input: reads lines and writes them back,
; until a line that starts with "quit" (or no more input). Not part of the
; default boot (its input would have to come from somewhere): it is init on
; build/guest/echo.img. Try: printf 'hi\nquit\n' | trapeze run --disk
; build/guest/echo.img build/guest/kernel.elf
; While it waits in read, the kernel has nothing to run: it idles in wfi
; until the console's input interrupt wakes it.

BUFLEN = 80

        .include "syscall.inc"
        .text
_start:
        la      r1, msg_hello
        call    printf
.line:
        la      r1, buffer
        li      r2, BUFLEN
        sys     SYS_READ
        cmpi    r1, 0
        ble     .done
        mov     r8, r1                  ; r8: its length
        la      r1, msg_echo
        call    printf
        la      r1, buffer
        mov     r2, r8
        sys     SYS_WRITE
        la      r1, buffer              ; "quit"?
        ldbu    r2, 0(r1)
        cmpi    r2, 'q'
        bne     .line
        ldbu    r2, 1(r1)
        cmpi    r2, 'u'
        bne     .line
        ldbu    r2, 2(r1)
        cmpi    r2, 'i'
        bne     .line
        ldbu    r2, 3(r1)
        cmpi    r2, 't'
        bne     .line
.done:
        li      r1, 0
        sys     SYS_EXIT

        .include "ulib.s"

        .data
msg_hello:
        .asciz  "echo: type lines; quit ends\n"
msg_echo:
        .asciz  "echo: "
        .align  4
buffer:
        .space  BUFLEN
