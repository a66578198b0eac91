/*
 * tools/mon/mon_cmd.h: what the files of the monitor's command language
 *       share (not for the tools: mon.h is the monitor's interface).
 * Owns: one command being executed (its arguments, where it prints); the
 *       one-line error every command reports; the handlers that live
 *       outside mon_cmd.c, for its table.
 * Not:  the table, parsing and help (mon_cmd.c).
 */
#ifndef TRAPEZE_MON_CMD_H
#define TRAPEZE_MON_CMD_H

#include <stdio.h>

#include "mon.h"

/* One command being executed. */
struct call {
	struct mon *m;
	const char *args;   /* after the command word, spaces skipped */
	const char *suffix; /* after a '/' glued to the word (x/4xw), or "" */
	FILE *out;
	mon_poll_fn poll;
	void *ctx;
};

/* "error: " and fmt with what, one line, on the command's output: MON_ERROR. */
static inline enum mon_status error(struct call *c, const char *fmt, const char *what)
{
	fputs("error: ", c->out);
	fprintf(c->out, fmt, what);
	fputc('\n', c->out);
	return MON_ERROR;
}

/* mon_cmd_vm.c: the commands on a VM as a whole and on a host's VMs. */
enum mon_status mon_cmd_vm(struct call *c);
enum mon_status mon_cmd_host(struct call *c);
enum mon_status mon_cmd_restart(struct call *c);
enum mon_status mon_cmd_save(struct call *c);
enum mon_status mon_cmd_restore(struct call *c);
enum mon_status mon_cmd_migrate(struct call *c);

#endif
