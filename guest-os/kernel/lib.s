; guest-os/kernel/lib.s: small helpers on memory and strings.
; Owns: memzero, memcopy, streq and checksum.
; Not:  formatting (lib/format.s).

; memzero: r1 = address, r2 = bytes, both multiples of 4.
memzero:
        add     r2, r1, r2
.loop:
        beq     r1, r2, .done
        stw     zero, 0(r1)
        addi    r1, r1, 4
        jmp     .loop
.done:
        ret

; memcopy: copy r3 bytes from r2 to r1.
memcopy:
        beqz    r3, .done
        ldbu    r4, 0(r2)
        stb     r4, 0(r1)
        addi    r1, r1, 1
        addi    r2, r2, 1
        addi    r3, r3, -1
        jmp     memcopy
.done:
        ret

; streq: are the strings at r1 and r2 equal in their first r3 bytes, or up
; to a NUL they share? Returns r1 = 1 or 0.
streq:
        beqz    r3, .equal
        ldbu    r4, 0(r1)
        ldbu    r5, 0(r2)
        bne     r4, r5, .different
        beqz    r4, .equal
        addi    r1, r1, 1
        addi    r2, r2, 1
        addi    r3, r3, -1
        jmp     streq
.equal:
        li      r1, 1
        ret
.different:
        li      r1, 0
        ret

; checksum: of the words in [r1, r2): sum = sum * 33 + word, from 0.
; The kernel takes one of its own text at boot and again when selfcheck
; asks: a VMM that patches the guest's code (vmm/patch.c) changes it.
checksum:
        li      r3, 0
.loop:
        bgeu    r1, r2, .done
        ldw     r4, 0(r1)
        muli    r3, r3, 33
        add     r3, r3, r4
        addi    r1, r1, 4
        jmp     .loop
.done:
        mov     r1, r3
        ret
