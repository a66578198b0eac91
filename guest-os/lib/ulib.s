; guest-os/lib/ulib.s: what every user program includes, at its end.
; Owns: printf for user programs (format, then one write system call).
; Not:  the system calls themselves: a program says `sys SYS_...` where it
;       needs one (see include/syscall.inc for the ABI).
; One write per printf keeps a line whole on the console even when the
; timer preempts the program between two of its lines.

        .text
; printf: r1 = format, r2..r6 = arguments (see format). Returns r1 = bytes written.
printf:
        push    lr
        la      r7, ufmt_buf
        call    format
        mov     r2, r1
        la      r1, ufmt_buf
        sys     SYS_WRITE
        pop     lr
        ret

        .include "format.s"

        .data
ufmt_buf:
        .space  FMT_MAX + 1
        .align  4
        .text
