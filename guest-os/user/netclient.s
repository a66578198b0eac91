; guest-os/user/netclient.s: the echo server's client (user/netecho.s, at
; 02:00:00:00:00:01): COUNT numbered messages, each sent with netsend and
; its reply awaited with netrecv (a tick's sleep between asks), checked:
; from the server, the same number, the same bytes. A frame that is not
; the reply awaited is ignored; with no reply after RETRY ticks the message
; goes again. Then END, and it prints how many replies were right. It is
; init on build/guest/netclient.img.

COUNT = 20
RETRY = 50
LEN = NET_HEADER + 4 + 60

        .include "syscall.inc"
        .text
_start:
        li      r9, 0                   ; r9: the message's number
        li      r11, 0                  ; r11: replies that were right
.message:
        ; To the server, type 0x88B5, the number, a pattern (the source is
        ; the kernel's to fill in).
        la      r3, out
        li      r4, 2
        stb     r4, 0(r3)
        stb     zero, 1(r3)
        stb     zero, 2(r3)
        stb     zero, 3(r3)
        stb     zero, 4(r3)
        li      r4, 1
        stb     r4, 5(r3)
        li      r4, 0x88
        stb     r4, 12(r3)
        li      r4, 0xB5
        stb     r4, 13(r3)
        stw     r9, 16(r3)
        li      r5, 20
.pat:
        add     r6, r3, r5
        add     r7, r5, r9
        stb     r7, 0(r6)
        addi    r5, r5, 1
        cmpi    r5, LEN
        bne     .pat
.send:
        la      r1, out
        li      r2, LEN
        sys     SYS_NETSEND
        cmpi    r1, E_AGAIN
        bne     .sent
        sys     SYS_YIELD
        jmp     .send
.sent:
        cmpi    r1, 0
        bne     .nodev
        li      r10, RETRY              ; r10: ticks left before it goes again
.await:
        la      r1, in
        li      r2, NET_FRAME_MAX
        sys     SYS_NETRECV
        cmpi    r1, 0
        bne     .check
        addi    r10, r10, -1
        beqz    r10, .send
        li      r1, 1
        sys     SYS_SLEEP
        jmp     .await
.check:
        cmpi    r1, LEN
        bne     .await                  ; not the reply: ignored
        la      r3, in
        li      r5, 6
.from:
        add     r6, r3, r5
        ldbu    r6, 0(r6)
        la      r7, out
        add     r7, r7, r5
        ldbu    r7, -6(r7)
        bne     r6, r7, .await          ; not from the server
        addi    r5, r5, 1
        cmpi    r5, 12
        bne     .from
        ldw     r4, 16(r3)
        bne     r4, r9, .await          ; an old message's, sent again
        li      r5, 12
.same:
        la      r3, in
        add     r3, r3, r5
        ldbu    r6, 0(r3)
        la      r3, out
        add     r3, r3, r5
        ldbu    r7, 0(r3)
        bne     r6, r7, .wrong
        addi    r5, r5, 1
        cmpi    r5, LEN
        bne     .same
        addi    r11, r11, 1
.wrong:
        addi    r9, r9, 1
        cmpi    r9, COUNT
        bne     .message
        ; END: the server stops.
        la      r3, out
        li      r4, 0xB7
        stb     r4, 13(r3)
.end:
        la      r1, out
        li      r2, NET_HEADER
        sys     SYS_NETSEND
        cmpi    r1, E_AGAIN
        bne     .report
        sys     SYS_YIELD
        jmp     .end
.report:
        la      r1, msg_done
        mov     r2, r11
        li      r3, COUNT
        call    printf
        li      r1, 0
        sys     SYS_EXIT
.nodev:
        la      r1, msg_nodev
        call    printf
        li      r1, 1
        sys     SYS_EXIT

        .data
msg_nodev:
        .asciz  "netclient: no network card\n"
msg_done:
        .asciz  "netclient: %d of %d replies ok\n"
        .align  4
out:
        .space  LEN + 2
        .align  4
in:
        .space  NET_FRAME_MAX + 2
        .text
        .include "ulib.s"
