; guest-os/kernel/blkfront.s: the paravirtualised disk driver (-D PV=1).
; Owns: the block ring shared with the monitor (its layout is
;       isa-spec/hypercalls.def's PV_ ring offsets) and, on it, the three
;       entry points disk.s has for the emulated disk: disk_read_sector,
;       disk_load and file_read; blk_init; the disk's size.
; Not:  the directory and finding files (disk.s, shared by both builds).
;
; The emulated disk costs five port accesses a sector, and under a monitor
; each access is a VM exit. Here the kernel writes up to PV_RING_SLOTS
; requests (sector, address, operation) into the ring, in its own memory,
; and makes one hypercall for them all; the monitor serves them and writes
; each one's status beside it. Xen's blkfront does this with its blkback.
; The monitor serves a batch before the hypercall returns, as the emulated
; disk completes a command at once, so there is nothing to wait for.

; blk_init: tell the monitor where the ring is; remember the disk's size.
blk_init:
        la      r1, blk_ring
        hcall   HC_BLK_SETUP            ; r1: sectors on the disk
        stw     r1, blk_sectors(zero)
        ret

; blk_read: r1 = first sector, r2 = count (1 to PV_RING_SLOTS), r3 =
; physical address of count * 512 bytes: one batch, one hypercall.
; Returns r1 = 0, or E_IO.
blk_read:
        ldw     r4, blk_ring+PV_REQ_PROD(zero)  ; r4: the next request's index
        mov     r5, r2                  ; r5: requests left to queue
.queue:
        andi    r6, r4, PV_RING_SLOTS - 1
        muli    r6, r6, PV_REQ_SIZE
        la      r7, blk_ring+PV_RING_REQS
        add     r6, r6, r7              ; r6: its slot
        stw     r1, PV_REQ_SECTOR(r6)
        stw     r3, PV_REQ_ADDR(r6)
        li      r7, DISK_CMD_READ
        stw     r7, PV_REQ_OP(r6)
        stw     zero, PV_REQ_STATUS(r6)
        addi    r1, r1, 1
        addi    r3, r3, SECTOR_SIZE
        addi    r4, r4, 1
        addi    r5, r5, -1
        bnez    r5, .queue
        stw     r4, blk_ring+PV_REQ_PROD(zero)  ; the batch is queued
        hcall   HC_BLK_NOTIFY           ; one exit for all of it
        sub     r4, r4, r2              ; r4: the batch's first index again
.check:
        andi    r6, r4, PV_RING_SLOTS - 1
        muli    r6, r6, PV_REQ_SIZE
        la      r7, blk_ring+PV_RING_REQS
        add     r6, r6, r7
        ldw     r7, PV_REQ_STATUS(r6)
        cmpi    r7, DISK_DONE
        bne     .error
        addi    r4, r4, 1
        addi    r2, r2, -1
        bnez    r2, .check
        li      r1, 0
        ret
.error:
        li      r1, E_IO
        ret

; blk_read_run: r1 = first sector, r2 = count, r3 = physical address: as
; many batches as it takes. Returns r1 = 0, or E_IO.
blk_read_run:
        push    lr
        push    r8
        push    r9
        push    r10
        mov     r8, r1                  ; r8: the next sector
        mov     r9, r2                  ; r9: sectors left
        mov     r10, r3                 ; r10: where the next one goes
.loop:
        li      r1, 0
        beqz    r9, .out
        mov     r2, r9
        li      r3, PV_RING_SLOTS
        bgeu    r3, r2, .batch
        mov     r2, r3                  ; r2: this batch, a ring's worth at most
.batch:
        sub     r9, r9, r2
        mov     r1, r8
        add     r8, r8, r2
        mov     r3, r10
        muli    r4, r2, SECTOR_SIZE
        add     r10, r10, r4
        call    blk_read
        bnez    r1, .out
        jmp     .loop
.out:
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

; disk_read_sector: r1 = sector, r2 = physical address of 512 bytes.
; Returns r1 = 0, or E_IO. A batch of one.
disk_read_sector:
        mov     r3, r2
        li      r2, 1
        jmp     blk_read

; disk_load: r1 = a directory entry, r2 = physical address: copy the whole
; file there, in batches. Returns r1 = 0, or E_IO.
disk_load:
        ldw     r4, D_LENGTH(r1)
        addi    r4, r4, SECTOR_SIZE - 1
        shri    r4, r4, 9               ; r4: sectors (SECTOR_SIZE is 512)
        mov     r3, r2
        ldw     r1, D_START(r1)
        mov     r2, r4
        jmp     blk_read_run

; file_read: r1 = a directory entry, r2 = physical address, r3 = at most
; this many bytes (paged: an address in the current process, as disk.s's).
; Returns r1 = the bytes copied, or E_IO. A batch at a
; time through blk_buf, for the reason disk.s goes through sector_buf: the
; buffer may end in the middle of a sector.
file_read:
        push    lr
        push    r8
        push    r9
        push    r10
        push    r11
        push    r12
        ldw     r8, D_START(r1)         ; r8: the next sector
        mov     r10, r2                 ; r10: where the bytes go
        ldw     r9, D_LENGTH(r1)        ; r9: bytes to copy
        bgeu    r3, r9, .whole
        mov     r9, r3                  ; the caller wants less than the file
.whole:
        mov     r11, r9                 ; r11: the result
.loop:
        beqz    r9, .done
        addi    r2, r9, SECTOR_SIZE - 1
        shri    r2, r2, 9               ; r2: sectors still needed
        li      r3, PV_RING_SLOTS
        bgeu    r3, r2, .fits
        mov     r2, r3                  ; a ring's worth at most
.fits:
        shli    r12, r2, 9              ; r12: bytes this batch brings
        bgeu    r9, r12, .count
        mov     r12, r9                 ; the last, partial sector
.count:
        mov     r1, r8
        add     r8, r8, r2
        la      r3, blk_buf
        call    blk_read
        bnez    r1, .out
        mov     r1, r10
        la      r2, blk_buf
        mov     r3, r12
        add     r10, r10, r12
        sub     r9, r9, r12
.ifdef PAGING
        call    copyout_cur             ; r10 is an address in the process
.else
        call    memcopy
.endif
        jmp     .loop
.done:
        mov     r1, r11
.out:
        pop     r12
        pop     r11
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

        .data
        .align  16
blk_ring:
        .space  PV_RING_SIZE    ; the requests and the two producer counts
blk_sectors:
        .word   0               ; the disk's size, from HC_BLK_SETUP
        .align  16
blk_buf:
        .space  PV_RING_SLOTS * SECTOR_SIZE     ; one batch on its way to a process
        .align  4
        .text
