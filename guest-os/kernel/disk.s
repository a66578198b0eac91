; guest-os/kernel/disk.s: the disk driver and the disk's directory.
; Owns: reading a sector, the directory (sector 0, read at boot), finding a
;       file by name, loading a program into a region and reading a file
;       into a process's buffer.
; Not:  the format's constants (include/disk.inc) or the tool that writes
;       it (tools/mkdisk.c).
;
; The disk moves a whole 512-byte sector by DMA to a physical address. A
; program is loaded straight into its process region, sector by sector: the
; region is larger than any program plus its stack (proc_spawn checks). A
; file for a process goes through sector_buf first, because the process's
; buffer may end in the middle of a sector and DMA would write past it.

; The paravirtualised kernel (-D PV=1) has its own disk_read_sector,
; disk_load and file_read, on a ring shared with the monitor (blkfront.s);
; the directory code below serves both. The paged kernel (-D PAGING=1)
; loads a program a page at a time instead, into frames anywhere
; (vm.s, disk_load_page).
.ifndef PV
; disk_read_sector: r1 = sector, r2 = physical address of 512 bytes.
; Returns r1 = 0, or E_IO. The device completes a command at once; the
; loop is what a driver for a slower disk would need, and costs nothing here.
disk_read_sector:
        out     PORT_DISK_SECTOR, r1
        out     PORT_DISK_ADDR, r2
        li      r1, DISK_CMD_READ
        out     PORT_DISK_CMD, r1
.wait:
        in      r1, PORT_DISK_STATUS    ; 0 busy, 1 done, 2 error
        beqz    r1, .wait
        out     PORT_DISK_STATUS, zero  ; acknowledge
        cmpi    r1, DISK_DONE
        bne     .error
        li      r1, 0
        ret
.error:
        li      r1, E_IO
        ret
.endif

; disk_init: read the directory and list the disk's files.
disk_init:
        push    lr
        push    r8
        push    r9
.ifdef PV
        call    blk_init                ; the ring, and the disk's size
.endif
        li      r1, 0
        la      r2, dir_sector
        call    disk_read_sector
        bnez    r1, .nodisk
        ldw     r1, dir_sector(zero)
        li      r2, DISK_MAGIC
        bne     r1, r2, .nodisk
        la      r1, msg_disk
.ifdef PV
        ldw     r2, blk_sectors(zero)
.else
        in      r2, PORT_DISK_SIZE
.endif
        ldw     r3, dir_sector+DIR_COUNT(zero)
        call    kprintf
        la      r8, dir_sector+DIR_ENTRIES      ; r8: the entry
        ldw     r9, dir_sector+DIR_COUNT(zero)  ; r9: entries left
.list:
        beqz    r9, .end
        la      r1, msg_file
        addi    r2, r8, D_NAME
        call    kprintf
        addi    r8, r8, DIR_ENTRY_SIZE
        addi    r9, r9, -1
        jmp     .list
.end:
        la      r1, msg_newline
        call    kprintf
        pop     r9
        pop     r8
        pop     lr
        ret
.nodisk:
        la      r1, msg_nodisk
        jmp     panic

; dir_lookup: r1 = a name (kernel memory). Returns r1 = its directory
; entry, or 0.
dir_lookup:
        push    lr
        push    r8
        push    r9
        push    r10
        mov     r10, r1                 ; r10: the name
        la      r8, dir_sector+DIR_ENTRIES
        ldw     r9, dir_sector+DIR_COUNT(zero)
.loop:
        beqz    r9, .none
        mov     r1, r10
        addi    r2, r8, D_NAME
        li      r3, NAME_MAX
        call    streq
        bnez    r1, .found
        addi    r8, r8, DIR_ENTRY_SIZE
        addi    r9, r9, -1
        jmp     .loop
.found:
        mov     r1, r8
        jmp     .out
.none:
        li      r1, 0
.out:
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

.ifndef PV
; disk_load: r1 = a directory entry, r2 = physical address: copy the whole
; file there, sector by sector. Returns r1 = 0, or E_IO.
disk_load:
        push    lr
        push    r8
        push    r9
        push    r10
        ldw     r8, D_START(r1)         ; r8: the sector
        ldw     r9, D_LENGTH(r1)        ; r9: bytes left
        mov     r10, r2                 ; r10: where the sector goes
.loop:
        li      r1, 0
        cmpi    r9, 0
        ble     .out
        mov     r1, r8
        mov     r2, r10
        call    disk_read_sector
        bnez    r1, .out
        addi    r8, r8, 1
        addi    r10, r10, SECTOR_SIZE
        addi    r9, r9, -SECTOR_SIZE
        jmp     .loop
.out:
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

; file_read: r1 = a directory entry, r2 = physical address, r3 = at most
; this many bytes. Returns r1 = the bytes copied, or E_IO. (Paged, r2 is an
; address in the current process, which copyout_cur reaches page by page.)
file_read:
        push    lr
        push    r8
        push    r9
        push    r10
        push    r11
        ldw     r8, D_START(r1)         ; r8: the sector
        mov     r10, r2                 ; r10: where the bytes go
        ldw     r9, D_LENGTH(r1)        ; r9: bytes to copy
        bgeu    r3, r9, .whole
        mov     r9, r3                  ; the caller wants less than the file
.whole:
        mov     r11, r9                 ; r11: the result
.loop:
        beqz    r9, .done
        mov     r1, r8
        la      r2, sector_buf
        call    disk_read_sector
        bnez    r1, .out
        li      r3, SECTOR_SIZE
        bgeu    r9, r3, .full
        mov     r3, r9                  ; the last, partial sector
.full:
        sub     r9, r9, r3
        mov     r1, r10
        la      r2, sector_buf
        add     r10, r10, r3
.ifdef PAGING
        call    copyout_cur             ; r10 is an address in the process
.else
        call    memcopy
.endif
        addi    r8, r8, 1
        jmp     .loop
.done:
        mov     r1, r11
.out:
        pop     r11
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret
.endif

        .data
        .align  16
dir_sector:
        .space  SECTOR_SIZE     ; the directory, as read at boot
sector_buf:
        .space  SECTOR_SIZE     ; one sector on its way to a process
msg_disk:
        .asciz  "disk: %u sectors; %u files:"
msg_file:
        .asciz  " %s"
msg_newline:
        .asciz  "\n"
msg_nodisk:
        .asciz  "no disk, or no directory on it (run with --disk build/guest/disk.img)"
        .align  4
        .text
