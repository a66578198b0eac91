; labs/lab0/lab0.s: lab 0: four small functions in Trapeze assembly, and a
; driver that uses them. The machine starts here, at address 0, in
; supervisor mode: no operating system, no relocation; the console is the
; port PORT_CON_DATA and the power port PORT_POWER ends the run.
;
; Calling convention (the guest OS's, guest-os/lib/format.s): arguments in
; r1..r7, the result in r1; a function may change r1..r7 and lr; it must
; give back r8..r12, fp and sp as it found them. `call f` is `jal f` (lr =
; the return address); `ret` is `jr lr`; push and pop move sp by 4.
;
; Assemble and run:   build/trapeze asm -o build/lab0.elf labs/lab0/lab0.s
;                     build/trapeze run build/lab0.elf
; Step it:            build/trapeze tui build/lab0.elf   (or mon)

        .text
_start:
        la      sp, stack_top
        ; "fib(10) = 55"
        la      r1, s_fib
        call    puts
        ldw     r1, fib_n(zero)
        call    putdec
        la      r1, s_equals
        call    puts
        ldw     r1, fib_n(zero)
        call    fib
        call    putdec
        la      r1, s_newline
        call    puts
        ; "sum of the table = 55"
        la      r1, s_sum
        call    puts
        la      r1, table
        li      r2, TABLE_LEN
        call    sum
        call    putdec
        la      r1, s_newline
        call    puts
        li      r1, 0
        out     PORT_POWER, r1

; puts: print the NUL-terminated string at r1. Returns nothing.
puts:
        ; LAB 0 BEGIN: puts: out each byte of the string at r1 to PORT_CON_DATA, up to its NUL
        ldbu    r2, 0(r1)
        beqz    r2, .done
        out     PORT_CON_DATA, r2
        addi    r1, r1, 1
        b       puts
.done:
        ret
        ; LAB 0 STUB: ret
        ; LAB 0 END

; putdec: print r1 as an unsigned decimal number: "0", "42", "4294967295".
putdec:
        ; LAB 0 BEGIN: putdec: the digits of r1 (divu and remu by 10), most significant first
        la      r2, digits_end          ; r2: where the next digit goes, backwards
        li      r3, 10
.digit:
        remu    r4, r1, r3
        addi    r4, r4, '0'
        addi    r2, r2, -1
        stb     r4, 0(r2)
        divu    r1, r1, r3
        bnez    r1, .digit
        mov     r1, r2
        b       puts                    ; digits_end holds the NUL: puts returns for us
        ; LAB 0 STUB: ret
        ; LAB 0 END

; fib: r1 = n; returns r1 = F(n), the n-th Fibonacci number modulo 2^32:
; F(0) = 0, F(1) = 1, F(n) = F(n - 1) + F(n - 2). In a loop: no recursion.
fib:
        ; LAB 0 BEGIN: fib: keep two consecutive numbers and step them n times
        li      r2, 0                   ; F(i)
        li      r3, 1                   ; F(i + 1)
.step:
        beqz    r1, .out
        add     r4, r2, r3
        mov     r2, r3
        mov     r3, r4
        addi    r1, r1, -1
        b       .step
.out:
        mov     r1, r2
        ret
        ; LAB 0 STUB: li      r1, -1
        ; LAB 0 STUB: ret
        ; LAB 0 END

; sum: r1 = the address of an array of words, r2 = how many; returns r1 =
; their sum modulo 2^32 (0 for none).
sum:
        ; LAB 0 BEGIN: sum: add up r2 words from address r1
        li      r3, 0
.next:
        beqz    r2, .end
        ldw     r4, 0(r1)
        add     r3, r3, r4
        addi    r1, r1, 4
        addi    r2, r2, -1
        b       .next
.end:
        mov     r1, r3
        ret
        ; LAB 0 STUB: li      r1, -1
        ; LAB 0 STUB: ret
        ; LAB 0 END

        .data
        .align  4
fib_n:
        .word   10
TABLE_LEN = 10
table:
        .word   1, 2, 3, 4, 5, 6, 7, 8, 9, 10
s_fib:
        .asciz  "fib("
s_equals:
        .asciz  ") = "
s_sum:
        .asciz  "sum of the table = "
s_newline:
        .asciz  "\n"
digits:
        .space  10                      ; 4294967295 has ten digits
digits_end:
        .byte   0
        .align  4
        .space  256
stack_top:
