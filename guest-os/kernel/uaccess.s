; guest-os/kernel/uaccess.s: the system calls that touch a process's memory,
;       paged build (-D PAGING=1).
; Owns: write as the paged kernel does it; read_into, read's copy; copyin_name;
;       uspan (is a buffer inside the process, and usable?) and ucopy
;       (copying in and out of a process a page at a time, as xv6's copyin
;       and copyout); the console output of a buffer.
; Not:  the unpaged build's versions (syscall.s), where a buffer is one run
;       of physical memory, base + address; the walk itself (vm.s).
;
; Paged, a buffer that looks contiguous to the process may lie in frames
; anywhere, some of them not there yet (demand-zero) or shared with another
; process (copy-on-write). So the kernel checks the whole buffer first
; (uspan: a call works whole or fails whole with E_FAULT), then copies a
; page at a time, each page found by walking the process's tables
; (user_page). When it stores into a process it does what the process's own
; store would make the machine do: a copy-on-write page is copied first, so
; the kernel's write never reaches the other sharer.

; uspan: r1 = an address, r2 = a length, r3 = 1 when the kernel will store
; there. Every page of [r1, r1 + r2) in the current process made usable
; (present; private and writable for a store). Returns r1 = 0, or E_FAULT
; when some byte lies outside the process or in a page it made read-only.
uspan:
        push    lr
        push    r8
        push    r9
        push    r10
        li      r4, USER_SIZE
        bltu    r4, r1, .fault          ; starts past the end
        sub     r4, r4, r1              ; r4: the room left
        bltu    r4, r2, .fault          ; ends past it
        beqz    r2, .ok
        add     r9, r1, r2              ; r9: the end
        shri    r8, r1, 12
        shli    r8, r8, 12              ; r8: the first page
        mov     r10, r3
.page:
        bgeu    r8, r9, .ok
        ldw     r1, cur_proc(zero)
        mov     r2, r8
        mov     r3, r10
        call    user_page
        beqz    r1, .fault
        addi    r8, r8, PAGE_SIZE
        jmp     .page
.ok:
        li      r1, 0
        jmp     .out
.fault:
        li      r1, E_FAULT
.out:
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

; ucopy: r1 = a slot, r2 = an address in that process, r3 = a kernel
; buffer, r4 = a length, r5 = 1 to copy into the process (copyout), 0 out
; of it (copyin). Returns r1 = 0, or E_FAULT (none after a uspan).
ucopy:
        push    lr
        push    r8
        push    r9
        push    r10
        push    r11
        push    r12
        mov     r8, r1                  ; r8: the slot
        mov     r9, r2                  ; r9: the process's address
        mov     r10, r3                 ; r10: the kernel's
        mov     r11, r4                 ; r11: bytes left
        mov     r12, r5                 ; r12: the direction
.chunk:
        beqz    r11, .ok
        mov     r1, r8
        mov     r2, r9
        mov     r3, r12
        call    user_page               ; r1: where r9 is, physically
        beqz    r1, .fault
        andi    r2, r9, PAGE_OFFSET
        li      r3, PAGE_SIZE
        sub     r3, r3, r2              ; r3: bytes to the end of the page
        bgeu    r11, r3, .whole
        mov     r3, r11
.whole:
        add     r9, r9, r3
        sub     r11, r11, r3
        mov     r2, r10
        add     r10, r10, r3
        bnez    r12, .copy              ; out: from the kernel to the page
        mov     r4, r1                  ; in: from the page to the kernel
        mov     r1, r2
        mov     r2, r4
.copy:
        call    memcopy
        jmp     .chunk
.ok:
        li      r1, 0
        jmp     .out
.fault:
        li      r1, E_FAULT
.out:
        pop     r12
        pop     r11
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

; copyout_cur: r1 = an address in the current process, r2 = a kernel
; buffer, r3 = a length: what file_read (disk.s, blkfront.s) does instead
; of memcopy in the paged build, for readfile (syscall.s). Returns r1 = 0,
; or E_FAULT.
copyout_cur:
        mov     r4, r3
        mov     r3, r2
        mov     r2, r1
        ldw     r1, cur_proc(zero)
        li      r5, 1
        jmp     ucopy

; write(buf, len) -> len: a page's worth at a time to the console.
sys_write:
        push    lr
        push    r8
        push    r9
        push    r10
        mov     r8, r1                  ; r8: the next byte's address
        mov     r9, r2                  ; r9: bytes left
        mov     r10, r2                 ; r10: the result
        li      r3, 0
        call    uspan
        bnez    r1, .out                ; E_FAULT, before a byte is written
.chunk:
        mov     r1, r10
        beqz    r9, .out
        ldw     r1, cur_proc(zero)
        mov     r2, r8
        li      r3, 0
        call    user_page
        andi    r2, r8, PAGE_OFFSET
        li      r3, PAGE_SIZE
        sub     r2, r3, r2              ; r2: bytes to the end of the page
        bgeu    r9, r2, .whole
        mov     r2, r9
.whole:
        add     r8, r8, r2
        sub     r9, r9, r2
        call    console_write
        jmp     .chunk
.out:
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

; console_write: r1 = a physical address, r2 = a length: those bytes out.
console_write:
.ifdef PV
        hcall   HC_CONSOLE_WRITE        ; the whole run: one exit
.else
        add     r2, r1, r2              ; r2: the end
.loop:
        beq     r1, r2, .done
        ldbu    r3, 0(r1)
        out     PORT_CON_DATA, r3
        addi    r1, r1, 1
        jmp     .loop
.done:
.endif
        ret

; read_into: r1 = a slot whose P_IOBUF and P_IOLEN name a buffer it
; asked to read into. What console input there is, up to a newline, goes
; there. Returns r1 = the bytes given (0: none yet).
read_into:
        push    lr
        push    r8
        push    r9
        mov     r8, r1                  ; r8: the slot
        la      r1, con_line
        ldw     r2, P_IOLEN(r8)
        li      r3, CON_RING            ; the ring never holds more
        bgeu    r3, r2, .fits
        mov     r2, r3
.fits:
        call    console_read
        mov     r9, r1                  ; r9: the bytes
        beqz    r1, .out
        mov     r1, r8
        ldw     r2, P_IOBUF(r8)
        la      r3, con_line
        mov     r4, r9
        li      r5, 1
        call    ucopy
        mov     r1, r9
.out:
        pop     r9
        pop     r8
        pop     lr
        ret

; copyin_name: copy the NUL-terminated name at address r1 of the current
; process into name_buf, a byte at a time through its tables. Returns r1 =
; 0, or E_FAULT (outside the process), or E_INVAL (too long).
copyin_name:
        push    lr
        push    r8
        push    r9
        push    r10
        mov     r8, r1                  ; r8: the next byte's address
        la      r9, name_buf            ; r9: where it goes
        li      r10, NAME_MAX           ; r10: room left
.loop:
        beqz    r10, .long
        ldw     r1, cur_proc(zero)
        mov     r2, r8
        li      r3, 0
        call    user_page
        beqz    r1, .fault
        ldbu    r3, 0(r1)
        stb     r3, 0(r9)
        beqz    r3, .ok
        addi    r8, r8, 1
        addi    r9, r9, 1
        addi    r10, r10, -1
        jmp     .loop
.ok:
        li      r1, 0
        jmp     .out
.long:
        li      r1, E_INVAL
        jmp     .out
.fault:
        li      r1, E_FAULT
.out:
        pop     r10
        pop     r9
        pop     r8
        pop     lr
        ret

        .data
        .align  4
con_line:
        .space  CON_RING        ; console input on its way to a process
        .align  4
        .text
