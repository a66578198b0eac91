/*
 * cpu/exec_paged.c: the dispatch loop's paged build (ISA.md section 12).
 * Owns nothing of its own: it compiles cpu/exec.c again for code whose
 * addresses go through page tables, with computed goto. cpu_run picks it
 * whenever the current mode is paged; the plain build stays exactly the
 * P&G machine, untouched by paging.
 */
#define EXEC_NAME cpu_exec_paged_goto
#define EXEC_GOTO 1
#define EXEC_PAGED 1
#include "exec.c"
