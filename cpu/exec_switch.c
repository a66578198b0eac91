/*
 * cpu/exec_switch.c: the dispatch loop's portable build: a switch.
 * Owns nothing of its own: it compiles cpu/exec.c again with a switch in
 * place of computed goto, so the tests can run both builds side by side.
 */
#define EXEC_NAME cpu_exec_switch
#define EXEC_GOTO 0
#include "exec.c"
