; tests/asm/layout.s: where sections go. .text starts at .org's address;
; .data is placed by its own .org; a .space sized by labels defined later
; makes the assembler take a third pass.

        .text
        .org    0x1000
start:  jmp     start
        .space  table_end - table        ; 8 bytes, known only from later lines
        .align  8
        jal     start

        .data
        .org    0x2000
table:  .word   start, table_end
table_end:
        .org    0x2010                   ; forward: zero-filled
        .byte   7
