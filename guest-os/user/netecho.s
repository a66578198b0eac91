; guest-os/user/netecho.s: an echo server on the network card (netsend and
; netrecv, kernel/net.s): every frame it receives goes back to its sender,
; until a frame of type END (0x88B7). It prints how many it echoed. With
; nothing received it sleeps a tick and asks again. It is init on
; build/guest/netecho.img; its client is netclient (netclient.img): boot
; both on one host, each with a card on the switch (trapeze host, net =
; switch), the server first (02:00:00:00:00:01).

        .include "syscall.inc"
        .text
_start:
        li      r9, 0                   ; r9: frames echoed
.next:
        la      r1, frame
        li      r2, NET_FRAME_MAX
        sys     SYS_NETRECV
        cmpi    r1, 0
        beq     .sleep
        blt     .nodev
        mov     r8, r1                  ; r8: its length
        la      r3, frame
        ldbu    r4, 12(r3)
        cmpi    r4, 0x88
        bne     .echo
        ldbu    r4, 13(r3)
        cmpi    r4, 0xB7
        beq     .done
.echo:
        ; Back to its sender; the kernel writes our address as the source.
        li      r5, 0
.swap:
        add     r6, r3, r5
        ldbu    r7, 6(r6)
        stb     r7, 0(r6)
        addi    r5, r5, 1
        cmpi    r5, 6
        bne     .swap
.send:
        la      r1, frame
        mov     r2, r8
        sys     SYS_NETSEND
        cmpi    r1, E_AGAIN
        bne     .sent
        sys     SYS_YIELD               ; the card is full: let it drain
        jmp     .send
.sent:
        addi    r9, r9, 1
        jmp     .next
.sleep:
        li      r1, 1
        sys     SYS_SLEEP
        jmp     .next
.nodev:
        la      r1, msg_nodev
        call    printf
        li      r1, 1
        sys     SYS_EXIT
.done:
        la      r1, msg_done
        mov     r2, r9
        call    printf
        li      r1, 0
        sys     SYS_EXIT

        .data
msg_nodev:
        .asciz  "netecho: no network card\n"
msg_done:
        .asciz  "netecho: %d frames echoed\n"
        .align  4
frame:
        .space  NET_FRAME_MAX + 2
        .text
        .include "ulib.s"
