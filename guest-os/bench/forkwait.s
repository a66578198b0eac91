; guest-os/bench/forkwait.s: fork-heavy (paged kernel only): user/forkwait.s
; with PAIRS fork/wait pairs, each child exiting at once: Adams and Agesen's
; forkwait (40,000 pairs on 2006's hardware), scaled to this machine. Each
; fork copies no page but rewrites two page tables; each switch to the
; child and back loads ptb. The clock is slowed as for compute, so that
; ticks do not count. Its null is bench/null.img booted on kernel-paged.elf.

PAIRS  = 1000
PERIOD = 1000000

        .include "../user/forkwait.s"
