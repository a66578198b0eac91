; guest-os/bench/ptemod.s: page-table-modification-heavy (paged kernel
; only): user/ptemod.s with ROUNDS rounds of protect, read-only and then
; writable again, over every free page of the address space: each call a
; system call that rewrites an entry per page (Adams and Agesen's ptemod).
; The clock is slowed as for compute. Its null is bench/null.img booted on
; kernel-paged.elf.

ROUNDS = 2000
PERIOD = 1000000

        .include "../user/ptemod.s"
