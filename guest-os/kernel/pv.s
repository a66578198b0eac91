; guest-os/kernel/pv.s: what only the paravirtualised kernel has (-D PV=1):
;       the page it shares with the monitor, and the balloon driver.
; Owns: pv_shared (its layout is isa-spec/hypercalls.def's PV_ offsets) and
;       balloon_poll, which gives memory back when the monitor asks.
; Not:  the disk's ring (blkfront.s); the hypercalls that replace each
;       privileged instruction, which stand where the instruction stood, under
;       `.ifdef PV`, in boot.s, trap.s, sched.s, critical.s, console.s,
;       syscall.s and panic.s.
;
; pv_shared is also the mark of this build: `trapeze run` looks for it, and
; refuses to run this kernel without the monitor that answers its hypercalls
; (and the plain kernel under --mode pv).
;
; The balloon. The monitor writes into PV_BALLOON how many pages it wants
; back in all; at each clock tick the kernel compares that with what it has
; given, and gives the difference: the free pages at the top of memory, a
; page at a time from the top down, their addresses reported by HC_BALLOON.
; The kernel never uses memory above its process regions (memory.inc), so
; those pages cost it nothing; it never gives one below them, and never
; touches a page once given (the monitor has lowered the region's bound: a
; touch would fault). When the monitor asks for fewer pages than were given
; (a host has memory to spare again), the balloon deflates: the kernel takes
; the difference back with HC_DEFLATE; the pages return, zeroed, on top of
; its memory, above the process regions, so nothing else needs to know.

BALLOON_BATCH = 16              ; pages reported per hypercall

; balloon_poll: from clock_tick. Keeps r8..r12, as every function does.
;
; The paged build (-D PAGING=1) does not balloon: there every frame above the
; kernel is the frame allocator's (frame.s), none lies unused above the
; processes, and giving one back would mean taking it off the free list
; first. It leaves the monitor's request unanswered, as a guest may.
balloon_poll:
.ifdef PAGING
        ret
.else
        push    lr
        push    r8
        push    r9
.again:
        ldw     r1, pv_shared+PV_BALLOON(zero)  ; r1: pages asked for in all
        ldw     r2, balloon_given(zero)
        beq     r2, r1, .done           ; given just that: nothing to do
        bgeu    r2, r1, .enough         ; given more: deflate
        sub     r8, r1, r2              ; r8: pages still wanted
        li      r3, BALLOON_BATCH
        bgeu    r3, r8, .room
        mov     r8, r3
.room:
        ; The lowest page that may go: the end of the process regions.
        ldw     r3, nslots(zero)
        li      r4, REGION_SIZE
        mul     r3, r3, r4
        li      r4, PROC_AREA
        add     r3, r3, r4              ; r3: the end of the last region
        ; The next page to give: below the ones given already.
        ldw     r4, mem_size(zero)
        li      r5, PV_PAGE
        mul     r5, r2, r5              ; r5: bytes given
        sub     r4, r4, r5              ; r4: the top of what is left
        li      r9, 0                   ; r9: pages in the list
        la      r6, balloon_list
.fill:
        beq     r9, r8, .report
        li      r5, PV_PAGE
        sub     r4, r4, r5              ; r4: the page below
        bltu    r4, r3, .report         ; it holds process memory: stop
        stw     r4, 0(r6)
        addi    r6, r6, 4
        addi    r9, r9, 1
        jmp     .fill
.report:
        beqz    r9, .done               ; nothing free to give
        la      r1, balloon_list
        mov     r2, r9
        hcall   HC_BALLOON              ; r1: pages the monitor took
        beqz    r1, .done
        ldw     r2, balloon_given(zero)
        add     r2, r2, r1
        stw     r2, balloon_given(zero)
        mov     r3, r2
        mov     r2, r1
        shli    r4, r3, 2               ; KiB in all
        la      r1, msg_balloon
        call    kprintf
        jmp     .again
.enough:
        ; Given more than is asked for now: take the difference back.
        sub     r1, r2, r1              ; r1: pages wanted back
        hcall   HC_DEFLATE              ; r1: pages the monitor gave back
        beqz    r1, .done
        ldw     r2, balloon_given(zero)
        sub     r3, r2, r1
        stw     r3, balloon_given(zero)
        mov     r2, r1
        shli    r4, r3, 2               ; KiB still given
        la      r1, msg_deflate
        call    kprintf
.done:
        pop     r9
        pop     r8
        pop     lr
        ret
.endif

        .data
        .align  4
pv_shared:
        .space  PV_PAGE_SIZE    ; the page the kernel shares with the monitor
balloon_given:
        .word   0               ; pages given to the monitor
balloon_list:
        .space  BALLOON_BATCH * 4
msg_balloon:
        .asciz  "balloon: gave the monitor %u pages, %u in all (%u KiB)\n"
msg_deflate:
        .asciz  "balloon: took back %u pages, %u still given (%u KiB)\n"
        .align  4
        .text
