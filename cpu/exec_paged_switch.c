/*
 * cpu/exec_paged_switch.c: the paged build of the dispatch loop, with a
 * portable switch (see exec_paged.c and exec_switch.c).
 */
#define EXEC_NAME cpu_exec_paged_switch
#define EXEC_GOTO 0
#define EXEC_PAGED 1
#include "exec.c"
