/*
 * tools/commands.h: the subcommands of the trapeze command.
 * Owns: one entry point per subcommand (each in its folder: tools/asm/,
 *       tools/run/, ...); tools/main.c dispatches to them.
 * Each returns the process exit status: 0 success, 1 error, 2 usage error
 * (run returns the guest's halt code).
 */
#ifndef TRAPEZE_COMMANDS_H
#define TRAPEZE_COMMANDS_H

int cmd_asm(int argc, char **argv);
int cmd_dis(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_classify(int argc, char **argv);
int cmd_tui(int argc, char **argv);
int cmd_mon(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_host(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_failover(int argc, char **argv);
int cmd_isadoc(int argc, char **argv);
int cmd_dap(int argc, char **argv);

#endif
