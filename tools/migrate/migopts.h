/*
 * tools/migrate/migopts.h: what trapeze migrate and trapeze failover share.
 * Owns: their options (the peer, the link, the timeouts, the instruction
 *       to migrate at or the epoch, and trapeze run's options for the VM
 *       the sending side runs); making that VM; ending a run as trapeze run
 *       does; printing a migration's rounds and report.
 * Not:  either command's work (migrate.c, failover.c).
 */
#ifndef TRAPEZE_MIGOPTS_H
#define TRAPEZE_MIGOPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "image.h"
#include "migrate.h"
#include "runopts.h"

struct mig_args {
	struct runopts o;
	const char *image;
	bool listen;               /* the receiving side: target, or backup */
	const char *peer;          /* --to HOST:PORT, or --listen [HOST:]PORT */
	uint64_t at;               /* migrate: the instruction to migrate at */
	uint64_t epoch;            /* failover: guest instructions per epoch */
	struct precopy_opts pre;   /* the link and the rounds */
	int net_timeout_ms, wait_ms;
	bool stats, tool_status;
	bool given_steps, given_output;
	struct image img;
};

/* Parse argv for command cmd ("migrate", "failover"): 0 ok, 1 --help,
 * 2 a usage error (its line printed). */
int mig_parse(int argc, char **argv, const char *cmd, struct mig_args *a);
void mig_args_free(struct mig_args *a);
/* The sending side's VM, as trapeze run makes it (console on stdout):
 * EXIT_OK, or the status after the error was printed. */
int mig_make_vm(struct mig_args *a, struct vm **vm);
/* A run that stopped as s: --stats, then trapeze run's exit status. */
int mig_finish(struct mig_args *a, struct vm *vm, enum cpu_stop s);
/* The receiving side's limits: --max-steps and --max-output if given,
 * else the VM's own. */
void mig_limits(const struct mig_args *a, struct snap_env *env);
/* The receiving side's one peer: listen on --listen's address, say so
 * ("trapeze: CMD: <listening>  HOST:PORT"), accept one connection within
 * --wait. Its descriptor, or -1 after the error was printed. */
int mig_accept_peer(const struct mig_args *a, const char *listening);
/* A migration's report: each round, the totals, the downtime. */
void mig_report(FILE *f, const char *peer, const struct precopy_result *r);
/* A progress bar of the bytes sent against the VM's memory. */
void mig_progress_bar(FILE *f, const struct precopy_result *r);

#endif
