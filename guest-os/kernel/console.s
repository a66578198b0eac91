; guest-os/kernel/console.s: the console driver.
; Owns: output (kprintf, straight to the data port) and interrupt-driven
;       input: the input interrupt fills a ring buffer, and processes
;       waiting in read (S_READING) are given what arrived.
; Not:  the read system call's checks (syscall.s); the idle loop (sched.s).
;
; Output needs no driver state: the console's output is always ready (bit 1
; of CON_STATUS), so a byte is one out instruction. Input interrupts are
; enabled only while some process waits for input: the console raises
; irq 1 for as long as it holds unread bytes, so with nobody to give them to
; the kernel turns the interrupt off rather than be interrupted forever.

CON_RING = 256                  ; bytes of input the kernel holds (a power of two)

; kprintf: r1 = format, r2..r6 = arguments (see lib/format.s).
kprintf:
        push    lr
        la      r7, kfmt_buf
        call    format
.ifdef PV
        mov     r2, r1
        la      r1, kfmt_buf
        hcall   HC_CONSOLE_WRITE        ; the whole message: one exit, not one a byte
.else
        la      r2, kfmt_buf
        add     r3, r2, r1              ; r3: the end
.loop:
        beq     r2, r3, .done
        ldbu    r1, 0(r2)
        out     PORT_CON_DATA, r1
        addi    r2, r2, 1
        jmp     .loop
.done:
.endif
        pop     lr
        ret

; console_read: copy buffered input to physical address r1, at most r2
; bytes, up to and including a newline. Returns r1 = the bytes copied.
console_read:
        li      r3, 0                   ; r3: bytes copied
        la      r7, con_ring
.loop:
        beq     r3, r2, .done
        ldw     r4, con_len(zero)
        beqz    r4, .done
        ldw     r5, con_head(zero)
        add     r6, r7, r5
        ldbu    r6, 0(r6)               ; r6: the byte
        addi    r5, r5, 1
        andi    r5, r5, CON_RING - 1
        stw     r5, con_head(zero)
        addi    r4, r4, -1
        stw     r4, con_len(zero)
        add     r5, r1, r3
        stb     r6, 0(r5)
        addi    r3, r3, 1
        cmpi    r6, '\n'               ; a line is a read's worth
        bne     .loop
.done:
        mov     r1, r3
        ret

; console_interrupt: the input interrupt: move what the console holds into
; the ring, then give it to the waiting readers.
console_interrupt:
        push    lr
        push    r8
        la      r8, con_ring
.drain:
        ldw     r2, con_len(zero)
        li      r3, CON_RING
        bgeu    r2, r3, .feed           ; the ring is full
.ifdef PV
        hcall   HC_CONSOLE_GETC         ; r1: a byte, or -1
        blt     r1, zero, .feed         ; the console is empty
.else
        in      r1, PORT_CON_STATUS
        andi    r1, r1, 1
        beqz    r1, .feed               ; the console is empty
        in      r1, PORT_CON_DATA
.endif
        ldw     r3, con_head(zero)
        add     r3, r3, r2
        andi    r3, r3, CON_RING - 1
        add     r3, r3, r8
        stb     r1, 0(r3)
        addi    r2, r2, 1
        stw     r2, con_len(zero)
        jmp     .drain
.feed:
        call    console_feed
        pop     r8
        pop     lr
        ret

; console_feed: each waiting reader, in slot order, gets what there is;
; the interrupt stays enabled only while a reader is still waiting.
console_feed:
        push    lr
        push    r8
        push    r9
        la      r8, proc_table          ; r8: the slot
        ldw     r9, nslots(zero)        ; r9: slots left
.loop:
        beqz    r9, .listen
        ldw     r1, P_STATE(r8)
        cmpi    r1, S_READING
        bne     .next
.ifdef PAGING
        mov     r1, r8
        call    read_into               ; uaccess.s: into its pages, wherever they are
.else
        ldw     r1, P_IOBUF(r8)
        ldw     r2, P_IOLEN(r8)
        call    console_read
.endif
        beqz    r1, .listen             ; nothing left for this one or the next
        stw     r1, P_R1(r8)            ; read's result
        li      r1, S_READY
        stw     r1, P_STATE(r8)
.next:
        addi    r8, r8, P_SIZE
        addi    r9, r9, -1
        jmp     .loop
.listen:
        li      r1, S_READING
        call    count_state
        beqz    r1, .off
        li      r1, 1
.off:
.ifdef PV
        hcall   HC_CONSOLE_IRQ          ; 1 while someone waits, else 0
.else
        out     PORT_CON_CTRL, r1       ; 1 while someone waits, else 0
.endif
        pop     r9
        pop     r8
        pop     lr
        ret

        .data
        .align  4
con_head:   .word 0             ; index of the oldest byte in con_ring
con_len:    .word 0             ; bytes in con_ring
con_ring:
        .space  CON_RING
kfmt_buf:
        .space  FMT_MAX + 1
        .align  4
        .text
