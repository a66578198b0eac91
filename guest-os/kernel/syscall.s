; guest-os/kernel/syscall.s: the system calls.
; Owns: the system-call table and each call's kernel side; checking that an
;       address a process passes lies inside it (uaddr, copyin_name).
; Not:  the ABI's numbers (include/syscall.inc); blocking and waking
;       (sched.s, console.s); loading programs (proc.s, disk.s).
;
; The kernel runs unrelocated, so it reaches a process's memory at physical
; base + address, after checking the address against the process's limit:
; the same check the hardware makes for the process itself.

; From trap_entry: r1 = the caller's slot, r3 = the system call number.
; A handler is an ordinary function: r1..r3 = the caller's arguments, r1 =
; the result, which goes back into the caller's saved r1.
syscall:
        ldw     r2, P_NSYS(r1)
        addi    r2, r2, 1
        stw     r2, P_NSYS(r1)
        ldw     r2, syscalls_made(zero)
        addi    r2, r2, 1
        stw     r2, syscalls_made(zero)
        ; LAB 1 BEGIN: call the handler syscall_table names for number r3, with the caller's r1..r3
        li      r2, NSYSCALLS
        bgeu    r3, r2, .unknown
        shli    r3, r3, 2
        ldw     r7, syscall_table(r3)
        ldw     r2, P_R2(r1)
        ldw     r3, P_R3(r1)
        ldw     r1, P_R1(r1)
        jalr    lr, r7
        ldw     r2, cur_proc(zero)
        stw     r1, P_R1(r2)
        jmp     kernel_exit
.unknown:
        li      r2, E_NOSYS
        stw     r2, P_R1(r1)
        jmp     kernel_exit
        ; LAB 1 STUB: li      r2, E_NOSYS             ; for now no call exists
        ; LAB 1 STUB: stw     r2, P_R1(r1)
        ; LAB 1 STUB: jmp     kernel_exit
        ; LAB 1 END

; exit(code): the slot is freed; the scheduler picks someone else.
sys_exit:
        mov     r2, r1
        ldw     r1, cur_proc(zero)
        li      r3, 0                   ; exited, not killed
        jmp     proc_exit               ; returns to syscall for us

.ifndef PAGING
; (The paged build's write, uaddr and copyin_name are uaccess.s's: a buffer
; there is pages, wherever their frames are.)

; write(buf, len) -> len
sys_write:
        push    lr
        mov     r4, r2                  ; r4: the length
        call    uaddr
        beqz    r1, .fault
.ifdef PV
        mov     r2, r4
        hcall   HC_CONSOLE_WRITE        ; the whole buffer: one exit
.else
        ; LAB 1 BEGIN: write: print the r4 bytes at physical address r1 (uaddr made it), one out each
        add     r2, r1, r4              ; r2: the end
.loop:
        beq     r1, r2, .done
        ldbu    r3, 0(r1)
        out     PORT_CON_DATA, r3
        addi    r1, r1, 1
        jmp     .loop
.done:
        ; LAB 1 END
.endif
        mov     r1, r4
        pop     lr
        ret
.fault:
        li      r1, E_FAULT
        pop     lr
        ret
.endif

; read(buf, len) -> n: what console input there is, up to a newline; when
; there is none, the process waits (S_READING) until an interrupt brings some.
; (Paged, buf stays an address in the process; read_into, in uaccess.s,
; copies to it through its tables, now or when console_feed has input.)
sys_read:
        push    lr
        push    r8
        push    r9
        mov     r8, r2                  ; r8: the length
.ifdef PAGING
        mov     r9, r1                  ; r9: the buffer
        li      r3, 1
        call    uspan                   ; present and private now, and until it is given
        bnez    r1, .fault
.else
        call    uaddr
        beqz    r1, .fault
        mov     r9, r1                  ; r9: the buffer's physical address
.endif
        mov     r1, r8
        beqz    r8, .done               ; nothing asked for: 0, without waiting
.ifdef PAGING
        ldw     r1, cur_proc(zero)
        stw     r9, P_IOBUF(r1)
        stw     r8, P_IOLEN(r1)
        call    read_into
.else
        mov     r1, r9
        mov     r2, r8
        call    console_read
.endif
        bnez    r1, .done
        ldw     r2, cur_proc(zero)
        stw     r9, P_IOBUF(r2)
        stw     r8, P_IOLEN(r2)
        li      r3, S_READING
        stw     r3, P_STATE(r2)
        li      r1, 1
.ifdef PV
        hcall   HC_CONSOLE_IRQ          ; wake us with the input interrupt
.else
        out     PORT_CON_CTRL, r1       ; wake us with the input interrupt
.endif
        li      r1, 0                   ; the real result comes with the input
        jmp     .done
.fault:
        li      r1, E_FAULT
.done:
        pop     r9
        pop     r8
        pop     lr
        ret

sys_yield:
        ldw     r1, cur_proc(zero)
        li      r2, S_READY
        stw     r2, P_STATE(r1)
        li      r1, 0
        ret

sys_getpid:
        ; LAB 1 BEGIN: getpid() -> the pid of the process that called
        ldw     r1, cur_proc(zero)
        ldw     r1, P_PID(r1)
        ret
        ; LAB 1 STUB: li      r1, E_NOSYS
        ; LAB 1 STUB: ret
        ; LAB 1 END

sys_ticks:
        ldw     r1, ticks(zero)
        ret

; sleep(n): wait until n more ticks have passed.
sys_sleep:
        ; LAB 1 BEGIN: sleep(n): the caller sleeps until tick ticks + n (clock_tick wakes it)
        cmpi    r1, 0
        ble     .now
        ldw     r2, ticks(zero)
        add     r2, r2, r1
        ldw     r1, cur_proc(zero)
        stw     r2, P_WAKE(r1)
        li      r2, S_SLEEPING
        stw     r2, P_STATE(r1)
.now:
        li      r1, 0
        ret
        ; LAB 1 STUB: li      r1, E_NOSYS
        ; LAB 1 STUB: ret
        ; LAB 1 END

; spawn(name) -> pid
sys_spawn:
        push    lr
        call    copyin_name
        bnez    r1, .error
        la      r1, name_buf
        call    proc_spawn
.error:
        pop     lr
        ret

; readfile(name, buf, len) -> bytes read: the file's first len bytes at most.
; (Paged, buf stays an address in the process: file_read copies out to it.)
sys_readfile:
        push    lr
        push    r8
        push    r9
        mov     r8, r2                  ; r8: buf
        mov     r9, r3                  ; r9: len
        call    copyin_name
        bnez    r1, .out
        la      r1, name_buf
        call    dir_lookup
        beqz    r1, .noent
        mov     r4, r1                  ; r4: the directory entry
        mov     r1, r8
        mov     r2, r9
.ifdef PAGING
        li      r3, 1
        push    r4
        call    uspan                   ; uaccess.s: inside, present and private
        pop     r4
        bnez    r1, .fault
        mov     r1, r8
.else
        call    uaddr
        beqz    r1, .fault
.endif
        mov     r2, r1
        mov     r1, r4
        mov     r3, r9
        call    file_read
        jmp     .out
.noent:
        li      r1, E_NOENT
        jmp     .out
.fault:
        li      r1, E_FAULT
.out:
        pop     r9
        pop     r8
        pop     lr
        ret

; catch(handler): the next fault resumes the process at handler (trap.s).
sys_catch:
        ; LAB 1 BEGIN: catch(handler): remember the handler for the caller's next fault
        ldw     r2, cur_proc(zero)
        stw     r1, P_CATCH(r2)
        li      r1, 0
        ret
        ; LAB 1 STUB: li      r1, E_NOSYS
        ; LAB 1 STUB: ret
        ; LAB 1 END

; getbase() -> the base the kernel gave the process: the honest answer that
; redpill compares with what the getbase instruction says. (Paged: 0, the
; base register is not used.)
sys_getbase:
        ldw     r1, cur_proc(zero)
        ldw     r1, P_BASE(r1)
        ret

; ksum() -> r1 = checksum of the kernel text now, r2 = at boot.
sys_ksum:
        push    lr
        li      r1, 0
        la      r2, ktext_end
        call    checksum
        ldw     r2, cur_proc(zero)
        ldw     r3, ksum_boot(zero)
        stw     r3, P_R2(r2)
        pop     lr
        ret

.ifndef PAGING
; uaddr: r1 = an address in the current process, r2 = a length. Returns r1 =
; its physical address, or 0 when some byte of [r1, r1 + r2) lies outside the
; process (0 is never in a process region). Uses r1..r3 only.
uaddr:
        ; LAB 1 BEGIN: uaddr: [r1, r1 + r2) inside the process? Its physical address, else 0
        ldw     r3, cur_proc(zero)
        ldw     r3, P_LIMIT(r3)
        bltu    r3, r1, .outside        ; starts past the limit
        sub     r3, r3, r1              ; r3: the room left before the limit
        bltu    r3, r2, .outside
        ldw     r3, cur_proc(zero)
        ldw     r3, P_BASE(r3)
        add     r1, r1, r3
        ret
.outside:
        li      r1, 0
        ret
        ; LAB 1 STUB: li      r1, 0                   ; for now nothing is inside
        ; LAB 1 STUB: ret
        ; LAB 1 END

; copyin_name: copy the NUL-terminated name at user address r1 into name_buf.
; Returns r1 = 0, or E_FAULT (outside the process), or E_INVAL (too long).
copyin_name:
        push    lr
        li      r2, 1
        call    uaddr
        beqz    r1, .fault
        ldw     r3, cur_proc(zero)      ; r4: bytes before the limit, at most NAME_MAX
        ldw     r4, P_LIMIT(r3)
        ldw     r3, P_BASE(r3)
        add     r4, r4, r3
        sub     r4, r4, r1
        li      r3, NAME_MAX
        bgeu    r3, r4, .room
        mov     r4, r3
.room:
        la      r2, name_buf
.loop:
        beqz    r4, .long
        ldbu    r3, 0(r1)
        stb     r3, 0(r2)
        beqz    r3, .ok
        addi    r1, r1, 1
        addi    r2, r2, 1
        addi    r4, r4, -1
        jmp     .loop
.ok:
        li      r1, 0
        pop     lr
        ret
.long:
        li      r1, E_INVAL
        pop     lr
        ret
.fault:
        li      r1, E_FAULT
        pop     lr
        ret
.endif

MIN_QUANTUM = 100               ; a clock faster than this would leave no time for processes

; clock(period) -> the old period. The clock ticks every period instructions
; from the next tick on. The workloads of `trapeze bench --techniques` use it:
; a compute-bound program asks for a slow clock (a real kernel's tick is
; millions of instructions apart), an interrupt-heavy one for a fast clock.
sys_clock:
        li      r2, MIN_QUANTUM
        bltu    r1, r2, .inval
        ldw     r2, quantum(zero)
        stw     r1, quantum(zero)
        mov     r1, r2
        ret
.inval:
        li      r1, E_INVAL
        ret

; tally(n) -> the kernel's tally after n more increments, each in a critical
; section of its own: interrupts masked around the update, as a kernel guards
; data its interrupt handlers share (this kernel runs with interrupts off,
; so here the masking is what is measured: a privileged instruction, twice,
; per increment). Bare it costs a few cycles; trap-and-emulate takes an exit
; at each setpsw; hardware assist too, on a processor that cannot shadow the
; interrupt mask (the first VT-x wrote CR8 with an exit); the paravirtualised
; kernel masks with a store into the shared page.
sys_tally:
        mov     r4, r1                  ; r4: increments left
.loop:
        cmpi    r4, 0
        ble     .done
.ifdef PV
        pv_mask r5                      ; r5: whether interrupts were on
.else
        getpsw  r5                      ; r5: the psw to restore
        ori     r6, r5, PSW_IE
        xori    r6, r6, PSW_IE          ; r6: the same, interrupts masked
        setpsw  r6
.endif
        ldw     r2, tally(zero)
        addi    r2, r2, 1
        stw     r2, tally(zero)
.ifdef PV
        pv_unmask r5
.else
        setpsw  r5                      ; as it was
.endif
        addi    r4, r4, -1
        jmp     .loop
.done:
        ldw     r1, tally(zero)
        ret

        .data
        .align  4
; Indexed by the system call number: the order of include/syscall.inc.
syscall_table:
        .word   sys_exit        ; SYS_EXIT     0
        .word   sys_write       ; SYS_WRITE    1
        .word   sys_read        ; SYS_READ     2
        .word   sys_yield       ; SYS_YIELD    3
        .word   sys_getpid      ; SYS_GETPID   4
        .word   sys_ticks       ; SYS_TICKS    5
        .word   sys_sleep       ; SYS_SLEEP    6
        .word   sys_spawn       ; SYS_SPAWN    7
        .word   sys_readfile    ; SYS_READFILE 8
        .word   sys_catch       ; SYS_CATCH    9
        .word   sys_getbase     ; SYS_GETBASE  10
        .word   sys_ksum        ; SYS_KSUM     11
        .word   sys_clock       ; SYS_CLOCK    12
        .word   sys_tally       ; SYS_TALLY    13
.ifdef PAGING
        .word   sys_fork        ; SYS_FORK     14 (fork.s)
        .word   sys_wait        ; SYS_WAIT     15
        .word   sys_exec        ; SYS_EXEC     16
        .word   sys_unmap       ; SYS_UNMAP    17
        .word   sys_protect     ; SYS_PROTECT  18
.else
        .word   sys_nosys       ; 14 to 18: the paged kernel's (net.s)
        .word   sys_nosys
        .word   sys_nosys
        .word   sys_nosys
        .word   sys_nosys
.endif
        .word   sys_netsend     ; SYS_NETSEND  19 (net.s)
        .word   sys_netrecv     ; SYS_NETRECV  20
.if (. - syscall_table) - NSYSCALLS * 4
        .error  "syscall_table needs one entry per system call in syscall.inc"
.endif
syscalls_made:
        .word   0
tally:
        .word   0               ; SYS_TALLY's counter
name_buf:
        .space  NAME_MAX
        .text
