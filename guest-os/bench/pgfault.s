; guest-os/bench/pgfault.s: page-fault-heavy (paged kernel only):
; user/pgfault.s with ROUNDS rounds, each touching every free page of the
; address space for the first time and then unmapping them all: a
; demand-zero fault per page per round (Adams and Agesen's pgfault). The
; clock is slowed as for compute. Its null is bench/null.img booted on
; kernel-paged.elf.

ROUNDS = 500
PERIOD = 1000000

        .include "../user/pgfault.s"
