; guest-os/kernel/net.s: the network card's driver and its two system calls.
; Owns: finding the card at first use; netsend and netrecv; under PV the
;       kernel's side of the network ring (isa-spec/hypercalls.def), polled.
; Not:  the card (ISA.md, the network card) or the monitor's side
;       (vmm/net_pv.c); what a frame says (the programs: user/netecho.s,
;       user/netclient.s).
;
; The plain kernel drives the card through its ports, and the card's DMA
; reaches the process's buffer at its physical address at once: the same
; driver whether the monitor plays the card (every in and out exits) or it
; is passed through (none does). The PV kernel queues the frame in the
; ring, a copy in its own buffer, and one HC_NET_NOTIFY sends it; frames
; received wait in buffers it posted, looked at with no exit at all. Both
; are polled: no receive interrupt (a process asks, sleeps a tick, asks
; again). The paged kernels have no driver: E_NODEV.

; The calls the unpaged kernel does not have (14 to 18: paged only).
sys_nosys:
        li      r1, E_NOSYS
        ret

.ifdef PAGING
sys_netsend:
sys_netrecv:
        li      r1, E_NODEV
        ret
.else

NET_BUFS = 4                            ; PV: buffers each way (of PV_NET_SLOTS)
NET_BUF  = NET_FRAME_MAX + 2            ; PV: one buffer, whole words

; net_probe: r1 = 1 when there is a card (set up at its first use), else 0.
; Uses r1 to r4.
net_probe:
        ldw     r1, net_state(zero)
        cmpi    r1, 0
        bne     .known
.ifdef PV
        la      r1, net_ring
        li      r2, 0                   ; polled: no receive event
        hcall   HC_NET_SETUP
        li      r2, 2                   ; 2: no card
        bnez    r1, .found
        li      r3, 0                   ; every receive buffer posted
.post:
        andi    r4, r3, PV_NET_SLOTS - 1
        muli    r4, r4, PV_NET_DESC_SIZE
        la      r1, net_ring+PV_NET_RX_DESCS
        add     r4, r4, r1
        muli    r1, r3, NET_BUF
        la      r2, net_rxbufs
        add     r1, r1, r2
        stw     r1, PV_NET_DESC_ADDR(r4)
        li      r1, NET_FRAME_MAX
        stw     r1, PV_NET_DESC_LEN(r4)
        addi    r3, r3, 1
        cmpi    r3, NET_BUFS
        bne     .post
        stw     r3, net_ring+PV_NET_RX_PROD(zero)
        ldw     r1, net_ring+PV_NET_MAC(zero)
        stw     r1, net_mac(zero)
        ldw     r1, net_ring+PV_NET_MAC+4(zero)
        stw     r1, net_mac+4(zero)
        li      r2, 1
.else
        in      r1, PORT_NET_MAC_LO
        li      r2, 2
        cmpi    r1, -1                  ; nothing answers: no card
        beq     .found
        stw     r1, net_mac(zero)
        in      r1, PORT_NET_MAC_HI
        stw     r1, net_mac+4(zero)
        li      r2, 1
.endif
.found:
        stw     r2, net_state(zero)
        mov     r1, r2
.known:
        cmpi    r1, 1
        li      r1, 1
        beq     .yes
        li      r1, 0
.yes:
        ret

; netsend(frame, len) -> 0, E_AGAIN, E_INVAL, E_FAULT or E_NODEV
sys_netsend:
        push    lr
        mov     r5, r1                  ; r5: the frame, r6: its length
        mov     r6, r2
        li      r1, E_INVAL
        cmpi    r6, NET_HEADER
        bltu    .out
        li      r2, NET_FRAME_MAX
        bltu    r2, r6, .out
        call    net_probe
        li      r2, E_NODEV
        beqz    r1, .out_r2
        mov     r1, r5
        mov     r2, r6
        call    uaddr
        li      r2, E_FAULT
        beqz    r1, .out_r2
        mov     r5, r1                  ; r5: its physical address
        ; The source address is the card's: the kernel's to write.
        li      r2, 0
.mac:
        ldbu    r3, net_mac(r2)
        add     r4, r5, r2
        stb     r3, 6(r4)
        addi    r2, r2, 1
        cmpi    r2, 6
        bne     .mac
.ifdef PV
        ldw     r3, net_ring+PV_NET_TX_PROD(zero)
        ldw     r4, net_ring+PV_NET_TX_CONS(zero)
        sub     r4, r3, r4
        li      r1, E_AGAIN
        cmpi    r4, NET_BUFS
        bgeu    .out                    ; every buffer still on its way out
        andi    r4, r3, NET_BUFS - 1    ; r4: the buffer, a copy of the frame
        muli    r4, r4, NET_BUF
        la      r1, net_txbufs
        add     r4, r4, r1
        li      r1, 0
.copy:
        add     r2, r5, r1
        ldbu    r2, 0(r2)
        add     r7, r4, r1
        stb     r2, 0(r7)
        addi    r1, r1, 1
        bne     r1, r6, .copy
        andi    r1, r3, PV_NET_SLOTS - 1
        muli    r1, r1, PV_NET_DESC_SIZE
        la      r2, net_ring+PV_NET_TX_DESCS
        add     r1, r1, r2
        stw     r4, PV_NET_DESC_ADDR(r1)
        stw     r6, PV_NET_DESC_LEN(r1)
        addi    r3, r3, 1
        stw     r3, net_ring+PV_NET_TX_PROD(zero)
        hcall   HC_NET_NOTIFY           ; one exit: the batch is this frame
        li      r1, 0
.else
        out     PORT_NET_TX_ADDR, r5
        out     PORT_NET_TX_LEN, r6
        in      r1, PORT_NET_STATUS
        andi    r1, r1, 4               ; refused: the transmit queue is full
        beqz    r1, .out
        li      r1, E_AGAIN
.endif
.out:
        pop     lr
        ret
.out_r2:
        mov     r1, r2
        pop     lr
        ret

; netrecv(buf, len) -> n, 0 (none waits), E_INVAL, E_FAULT or E_NODEV
sys_netrecv:
        push    lr
        mov     r5, r1                  ; r5: the buffer, r6: its length
        mov     r6, r2
        call    net_probe
        li      r2, E_NODEV
        beqz    r1, .rout_r2
        ; r7: the first frame's length.
.ifdef PV
        ldw     r3, net_seen(zero)
        ldw     r4, net_ring+PV_NET_RX_CONS(zero)
        li      r1, 0
        beq     r3, r4, .rout           ; nothing filled
        andi    r4, r3, PV_NET_SLOTS - 1
        muli    r4, r4, PV_NET_DESC_SIZE
        la      r1, net_ring+PV_NET_RX_DESCS
        add     r4, r4, r1              ; r4: its descriptor
        ldw     r7, PV_NET_DESC_LEN(r4)
        ldw     r1, PV_NET_DESC_STATUS(r4)
        cmpi    r1, 1
        beq     .fits
        li      r7, 0                   ; refused by the monitor: nothing in it
.fits:
.else
        in      r7, PORT_NET_RX_LEN
        li      r1, 0
        beqz    r7, .rout               ; none waits
.endif
        li      r1, E_INVAL
        bltu    r6, r7, .rout           ; too small: it stays
        mov     r1, r5
        mov     r2, r7
        call    uaddr
        li      r2, E_FAULT
        beqz    r1, .rout_r2
.ifdef PV
        ldw     r2, PV_NET_DESC_ADDR(r4)
        li      r5, 0
.rcopy:
        beq     r5, r7, .repost
        add     r3, r2, r5
        ldbu    r3, 0(r3)
        add     r6, r1, r5
        stb     r3, 0(r6)
        addi    r5, r5, 1
        jmp     .rcopy
.repost:
        ; The buffer posted again, at the producer's next slot.
        ldw     r3, net_ring+PV_NET_RX_PROD(zero)
        andi    r1, r3, PV_NET_SLOTS - 1
        muli    r1, r1, PV_NET_DESC_SIZE
        la      r5, net_ring+PV_NET_RX_DESCS
        add     r1, r1, r5
        stw     r2, PV_NET_DESC_ADDR(r1)
        li      r5, NET_FRAME_MAX
        stw     r5, PV_NET_DESC_LEN(r1)
        addi    r3, r3, 1
        stw     r3, net_ring+PV_NET_RX_PROD(zero)
        ldw     r3, net_seen(zero)
        addi    r3, r3, 1
        stw     r3, net_seen(zero)
        stw     r3, net_ring+PV_NET_RX_SEEN(zero)
.else
        out     PORT_NET_RX_ADDR, r1    ; DMA into the process, at once
.endif
        mov     r1, r7
.rout:
        pop     lr
        ret
.rout_r2:
        mov     r1, r2
        pop     lr
        ret

        .data
        .align  4
net_state:
        .word   0                       ; 0 not looked for yet, 1 a card, 2 none
net_mac:
        .space  8
.ifdef PV
net_seen:
        .word   0                       ; filled receive buffers taken
net_ring:
        .space  PV_NET_RING_SIZE
net_rxbufs:
        .space  NET_BUF * NET_BUFS
net_txbufs:
        .space  NET_BUF * NET_BUFS
.endif
        .text
.endif
