; guest-os/kernel/frame.s: physical memory, a frame at a time (paged build only).
; Owns: the memory map at boot (memory_init, from SR memsize), the frame table
;       (how many mappings share each frame), the free list, and zeroing and
;       copying whole frames.
; Not:  what a frame is used for (vm.s: directories, tables, pages).
;
; Every 4 KiB frame above the frame table is free or in use. A free frame
; lies on the free list, which runs through the frames themselves: the
; first word of each names the next (xv6's kalloc keeps its list the same
; way), so the list costs no memory. The frame table holds a byte per frame
; of memory: 0 for a free frame, else how many page-table entries map it
; (a page shared copy-on-write after fork is mapped by each sharer; a
; directory or a table counts 1). A frame goes back on the list when its
; count drops to 0. At boot the list is built from the top of memory down,
; so frames are handed out from the lowest up; an exit puts them back.

; memory_init: the memory the machine has, the frame table, the free list.
memory_init:
        push    lr
.ifdef PV
        ldw     r1, pv_shared+PV_MEMSIZE(zero)  ; the monitor wrote it at HC_REGISTER
.else
        mfsr    r1, memsize
.endif
        stw     r1, mem_size(zero)
        li      r2, NPROC
        stw     r2, nslots(zero)        ; slots no longer need a region each
        call    frame_init
        li      r2, MIN_FRAMES
        bltu    r1, r2, .too_small
        stw     r1, frames_at_boot(zero)
        la      r1, msg_frames
        ldw     r2, mem_size(zero)
        shri    r2, r2, 10
        li      r3, KSTACK_TOP
        li      r4, FRAME_TABLE
        ldw     r5, frames_at_boot(zero)
        ldw     r6, frames_start(zero)
        call    kprintf
        la      r1, msg_space
        li      r2, USER_SIZE / 1024
        call    kprintf
        pop     lr
        ret
.too_small:
        la      r1, msg_frames_small
        jmp     panic

; frame_init: r1 = the memory's size in bytes. The frame table at FRAME_TABLE,
; zeroed; every frame above it on the free list. Returns r1 = free frames.
frame_init:
        push    lr
        push    r8
        shri    r1, r1, 12              ; r1: frames in memory (a partial one ignored)
        shli    r8, r1, 12              ; r8: the end of memory
        li      r2, FRAME_TABLE
        addi    r3, r1, PAGE_OFFSET
        shri    r3, r3, 12
        shli    r3, r3, 12              ; r3: the table's size, in whole pages
        add     r4, r2, r3
        stw     r4, frames_start(zero)  ; the first frame to hand out
        bltu    r8, r4, .none           ; the table does not even fit
        mov     r1, r2
        mov     r2, r3
        call    memzero                 ; every count 0
        ldw     r2, frames_start(zero)  ; r2: the lowest free frame
        li      r3, 0                   ; r3: the list so far
        li      r4, 0                   ; r4: its length
.push:
        li      r5, PAGE_SIZE
        sub     r8, r8, r5              ; r8: the next frame down
        bltu    r8, r2, .built
        stw     r3, 0(r8)
        mov     r3, r8
        addi    r4, r4, 1
        jmp     .push
.built:
        stw     r3, free_head(zero)
        stw     r4, frames_free(zero)
        mov     r1, r4
        jmp     .out
.none:
        li      r1, 0
.out:
        pop     r8
        pop     lr
        ret

; frame_count: r1 = a frame. Returns r1 = the address of its count.
frame_count:
        shri    r1, r1, 12
        li      r2, FRAME_TABLE
        add     r1, r1, r2
        ret

; frame_alloc: returns r1 = a free frame, its count 1, its contents what
; they were; or 0 when memory is full.
frame_alloc:
        ldw     r1, free_head(zero)
        beqz    r1, .none
        ldw     r2, 0(r1)
        stw     r2, free_head(zero)
        ldw     r2, frames_free(zero)
        addi    r2, r2, -1
        stw     r2, frames_free(zero)
        shri    r2, r1, 12
        li      r3, FRAME_TABLE
        add     r2, r2, r3
        li      r3, 1
        stb     r3, 0(r2)
.none:
        ret

; frame_alloc_zero: as frame_alloc, the frame filled with zeros.
frame_alloc_zero:
        push    lr
        call    frame_alloc
        beqz    r1, .none
        push    r1
        call    frame_zero
        pop     r1
.none:
        pop     lr
        ret

; frame_share: r1 = a frame in use: one more entry maps it.
frame_share:
        push    lr
        call    frame_count
        ldbu    r2, 0(r1)
        addi    r2, r2, 1
        stb     r2, 0(r1)
        pop     lr
        ret

; frame_refs: r1 = a frame. Returns r1 = how many entries map it.
frame_refs:
        push    lr
        call    frame_count
        ldbu    r1, 0(r1)
        pop     lr
        ret

; frame_put: r1 = a frame in use: one entry fewer maps it; the last one
; gives it back to the free list. Keeps r8..r12.
frame_put:
        push    lr
        mov     r4, r1                  ; r4: the frame
        call    frame_count
        ldbu    r2, 0(r1)
        beqz    r2, .twice              ; already free: a kernel bug
        addi    r2, r2, -1
        stb     r2, 0(r1)
        bnez    r2, .shared             ; others still map it
        ldw     r3, free_head(zero)
        stw     r3, 0(r4)
        stw     r4, free_head(zero)
        ldw     r3, frames_free(zero)
        addi    r3, r3, 1
        stw     r3, frames_free(zero)
.shared:
        pop     lr
        ret
.twice:
        la      r1, msg_frame_twice
        jmp     panic

; frame_zero: r1 = a frame: 4 KiB of zeros, eight words a turn.
frame_zero:
        li      r2, PAGE_SIZE
        add     r2, r1, r2
.loop:
        stw     zero, 0(r1)
        stw     zero, 4(r1)
        stw     zero, 8(r1)
        stw     zero, 12(r1)
        stw     zero, 16(r1)
        stw     zero, 20(r1)
        stw     zero, 24(r1)
        stw     zero, 28(r1)
        addi    r1, r1, 32
        bne     r1, r2, .loop
        ret

; frame_copy: r1 = a frame, r2 = another: the second's 4 KiB into the first.
frame_copy:
        li      r3, PAGE_SIZE
        add     r3, r1, r3
.loop:
        ldw     r4, 0(r2)
        ldw     r5, 4(r2)
        ldw     r6, 8(r2)
        ldw     r7, 12(r2)
        stw     r4, 0(r1)
        stw     r5, 4(r1)
        stw     r6, 8(r1)
        stw     r7, 12(r1)
        addi    r1, r1, 16
        addi    r2, r2, 16
        bne     r1, r3, .loop
        ret

        .data
        .align  4
free_head:      .word 0         ; the first free frame, 0 = none
frames_free:    .word 0         ; frames on the free list
frames_at_boot: .word 0         ; the same, at boot: every exit gives back all it took
frames_start:   .word 0         ; the first frame above the frame table
msg_frames:
        .asciz  "memory: %u KiB; kernel below 0x%x; frame table at 0x%x; %u free frames of 4 KiB from 0x%x\n"
msg_space:
        .asciz  "paging: each process has its own page tables and %u KiB of address space, filled on demand\n"
msg_frames_small:
        .asciz  "memory too small for the paged kernel"
msg_frame_twice:
        .asciz  "a frame freed twice"
        .align  4
        .text
