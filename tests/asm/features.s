; tests/asm/features.s: one of every part of the language, assembled by the
; tests and round-tripped through the disassembler.

        .include "inc/util.inc"
        .global _start, memcpy

        .equ    BUFSZ, 64
        LIMIT = BUFSZ * 2 + (3 << 2) - 1        ; 139
        .set    level, 1
        .set    level, level + 1

        .text
_start:
        li      sp, 0x8000                      ; fits: one addi
        li      r1, 0x12345678                  ; lui + ori
        li      r2, LIMIT
        li      r3, later                       ; a label: always two words
        la      r4, buffer
        lui     r5, hi(buffer)
        ori     r5, r5, lo(buffer)
        mov     r6, r5
        neg     r7, r6
        not     r8, r7
        nop
        PUSH2   r1, r2
        POP2    r1, r2
        SPIN    r9, 3
        SPIN    r10, 2
        MARK
        MARK
        call    memcpy
        beq     r1, r2, .same
        bne     r1, r2, .same
        blt     r1, r2, .same
        bge     r1, r2, .same
        bltu    r1, r2, .same
        bgeu    r1, r2, .same
        bgt     r1, r2, .same
        ble     r1, r2, .same
        beqz    r1, .same
        bnez    r1, .same
        bltz    r1, .same
        bgez    r1, .same
        bgtz    r1, .same
        blez    r1, .same
.same:  b       later
later:
.if level == 2 && UTIL_VERSION >= 2
        li      r11, 'A' + ('\n' ^ 1)
.else
        .error  "conditional assembly is broken"
.endif
.ifdef NOT_DEFINED
        .error  "ifdef is broken"
.endif
.ifndef BUFSZ
        .error  "ifndef is broken"
.endif
        ldw     r1, count(zero)                 ; absolute addressing
        stw     r1, -4(sp)
        ldb     r1, (r4)
        sys     3
        ret

; memcpy(r1 = dst, r2 = src, r3 = n): local labels belong to memcpy.
memcpy:
        beqz    r3, .done
.loop:  ldbu    r4, 0(r2)
        stb     r4, 0(r1)
        addi    r1, r1, 1
        addi    r2, r2, 1
        addi    r3, r3, -1
        bnez    r3, .loop
.done:  ret

        .data
count:  .word   3, -1, LIMIT, memcpy.loop
        .half   0x1234, -2
        .byte   1, 2, 0xff, -128
        .ascii  "tab\there \"quoted\" \\ \x41"
        .asciz  "end"
        .align  4
buffer: .space  BUFSZ
        .space  3, 0xee
        .align  16
tail:   .word   tail - buffer, . - count
