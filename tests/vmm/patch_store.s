; tests/vmm/patch_store.s: a kernel that stores a word over its own code,
; then runs it. Which word and where are chosen with -D: WORD is stored at
; the label HERE (AT = 0) or at the word after it (AT = 4). At HERE is a
; sensitive instruction (KIND = 0: getpsw, which --nonvirt makes silent and
; patch mode patches) or an indirect jump (KIND = 1: jr, which patch mode
; watches). The bare machine runs whatever the store left there: an
; illegal word traps ILLEGAL, and the handler halts with the cause.
_start:
        la      r2, handler
        mtsr    tvec, r2
        la      r6, done
        la      r3, HERE
        la      r4, WORD
        stw     r4, AT(r3)
HERE:
.if KIND == 0
        getpsw  r5
.else
        jr      r6
.endif
        li      r1, 40          ; the word after HERE
done:
        out     PORT_POWER, r1
handler:
        mfsr    r1, cause
        out     PORT_POWER, r1
