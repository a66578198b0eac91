; guest-os/lib/format.s: printf-style formatting into a buffer.
; Owns: format, the one formatter of the kernel and of every user program.
; Not:  where the text goes: the kernel's kprintf writes it to the console
;       port, a program's printf hands it to the write system call.
; The same code runs in supervisor mode and in user mode because it only
; computes and touches its own buffer: every instruction here is innocuous.
;
; Calling convention (kernel and user programs alike): arguments in r1..r7,
; result in r1; r1..r7 and lr are the caller's to save, r8..r12, fp and sp
; the callee's.

FMT_MAX = 160               ; bytes of one formatted message, not counting its NUL

; format's stack frame
F_LR    = 0
F_R8    = 4
F_R9    = 8
F_R10   = 12
F_R11   = 16
F_R12   = 20
F_ARGS  = 24                ; r2..r6 as the caller passed them: five words
F_FIELD = 44                ; 16 bytes where a number's digits are built, backwards
F_SIZE  = 60

        .text
; format: r7 = a buffer of FMT_MAX + 1 bytes, r1 = format string,
; r2..r6 = up to five arguments, taken in order by the conversions.
; Returns r1 = the number of bytes written (a NUL follows them).
; Conversions: %d signed decimal, %u unsigned decimal, %x eight hex digits,
; %s a string, %c a character, %% a percent sign. A width may stand between
; % and the letter: %5d pads on the left, %-10s on the right. Text that does
; not fit the buffer is dropped.
format:
        addi    sp, sp, -F_SIZE
        stw     lr, F_LR(sp)
        stw     r8, F_R8(sp)
        stw     r9, F_R9(sp)
        stw     r10, F_R10(sp)
        stw     r11, F_R11(sp)
        stw     r12, F_R12(sp)
        stw     r2, F_ARGS(sp)
        stw     r3, F_ARGS+4(sp)
        stw     r4, F_ARGS+8(sp)
        stw     r5, F_ARGS+12(sp)
        stw     r6, F_ARGS+16(sp)
        mov     r8, r1                  ; r8: the next format character
        mov     r9, r7                  ; r9: where the next byte goes
        addi    r10, r7, FMT_MAX        ; r10: the end of the buffer
        addi    r11, sp, F_ARGS         ; r11: the next argument
.loop:
        ldbu    r1, 0(r8)
        addi    r8, r8, 1
        beqz    r1, .done
        cmpi    r1, '%'
        beq     .conversion
        jal     fmt_put
        jmp     .loop

.conversion:
        li      r12, 0                  ; r12: the width
        li      r7, 0                   ; r7: 1 to pad on the right
        ldbu    r1, 0(r8)
        cmpi    r1, '-'
        bne     .width
        li      r7, 1
        addi    r8, r8, 1
.width:
        ldbu    r1, 0(r8)
        addi    r2, r1, -'0'
        cmpi    r2, 10
        bgeu    .letter                 ; not a digit
        muli    r12, r12, 10
        add     r12, r12, r2
        addi    r8, r8, 1
        jmp     .width
.letter:
        beqz    r1, .done               ; a % at the very end
        addi    r8, r8, 1
        cmpi    r1, 's'
        beq     .string
        cmpi    r1, 'c'
        beq     .char
        cmpi    r1, 'd'
        beq     .signed
        cmpi    r1, 'u'
        beq     .unsigned
        cmpi    r1, 'x'
        beq     .hex
        jal     fmt_put                 ; %% and unknown letters stand for themselves
        jmp     .loop

.string:
        ldw     r5, 0(r11)              ; r5: the text
        addi    r11, r11, 4
        li      r6, 0                   ; r6: its length
.strlen:
        add     r2, r5, r6
        ldbu    r2, 0(r2)
        beqz    r2, .field
        addi    r6, r6, 1
        jmp     .strlen

.char:
        ldw     r2, 0(r11)
        addi    r11, r11, 4
        addi    r5, sp, F_FIELD
        stb     r2, 0(r5)
        li      r6, 1
        jmp     .field

.signed:
        ldw     r2, 0(r11)              ; r2: the value
        addi    r11, r11, 4
        li      r3, 10                  ; r3: the base
        li      r4, 0                   ; r4: 1 to put a minus sign
        cmpi    r2, 0
        bge     .number
        li      r4, 1
        sub     r2, zero, r2
        jmp     .number
.unsigned:
        ldw     r2, 0(r11)
        addi    r11, r11, 4
        li      r3, 10
        li      r4, 0
        jmp     .number
.hex:
        ldw     r2, 0(r11)
        addi    r11, r11, 4
        li      r3, 16
        li      r4, 0
.number:
        addi    r5, sp, F_FIELD+16
        jal     fmt_digits

.field:
        ; r5: the text of one conversion, r6: its length; pad it to width r12
        sub     r12, r12, r6            ; r12: the spaces to add (none if <= 0)
        bnez    r7, .text
        jal     fmt_pad
.text:
        beqz    r6, .padright
        ldbu    r1, 0(r5)
        jal     fmt_put
        addi    r5, r5, 1
        addi    r6, r6, -1
        jmp     .text
.padright:
        jal     fmt_pad
        jmp     .loop

.done:
        stb     zero, 0(r9)
        addi    r1, r10, -FMT_MAX       ; the start of the buffer
        sub     r1, r9, r1
        ldw     lr, F_LR(sp)
        ldw     r8, F_R8(sp)
        ldw     r9, F_R9(sp)
        ldw     r10, F_R10(sp)
        ldw     r11, F_R11(sp)
        ldw     r12, F_R12(sp)
        addi    sp, sp, F_SIZE
        ret

; fmt_digits: format's helper: write r2 in base r3 (10, or 16 for exactly
; eight digits) into the bytes before r5, with a minus sign if r4 = 1.
; Returns r5 = its first character, r6 = its length. Uses r1..r6.
fmt_digits:
        mov     r6, r5                  ; r6: the end, for the length
.digit:
        remu    r1, r2, r3
        divu    r2, r2, r3
        addi    r1, r1, '0'
        cmpi    r1, '9' + 1             ; past '9': a hex letter
        blt     .store
        addi    r1, r1, 'a' - ('9' + 1)
.store:
        addi    r5, r5, -1
        stb     r1, 0(r5)
        cmpi    r3, 16
        beq     .hex
        bnez    r2, .digit              ; decimal: until nothing is left
        jmp     .sign
.hex:
        addi    r1, r6, -8
        bne     r5, r1, .digit
.sign:
        beqz    r4, .length
        addi    r5, r5, -1
        li      r1, '-'
        stb     r1, 0(r5)
.length:
        sub     r6, r6, r5
        ret

; fmt_pad: format's helper: put r12 spaces (none if r12 <= 0); r12 ends 0.
fmt_pad:
        push    lr
.space:
        cmpi    r12, 0
        ble     .done
        li      r1, ' '
        jal     fmt_put
        addi    r12, r12, -1
        jmp     .space
.done:
        li      r12, 0
        pop     lr
        ret

; fmt_put: format's helper: store byte r1 at r9 and advance, unless r9 has
; reached the end of the buffer, r10. Touches only r9.
fmt_put:
        bgeu    r9, r10, .full
        stb     r1, 0(r9)
        addi    r9, r9, 1
.full:
        ret
