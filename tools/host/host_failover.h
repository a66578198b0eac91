/*
 * tools/host/host_failover.h: one VM of a host replicated to a failover
 *       backup while the host runs (trapeze host --failover).
 * Owns: the options and the run (host_failover.c).
 * Not:  the backup (trapeze failover --listen).
 */
#ifndef TRAPEZE_HOST_FAILOVER_H
#define TRAPEZE_HOST_FAILOVER_H

#include <stdbool.h>
#include <stdint.h>

#include "host_session.h"

struct host_failover_opts {
	const char *name;           /* --failover NAME: the VM replicated */
	const char *peer;           /* --to HOST:PORT: the backup */
	uint64_t epoch;             /* --epoch N: its guest instructions per checkpoint */
	int timeout_ms;             /* --net-timeout: every network wait at most this long */
};

/* Run s's host (for at most max_cycles of its clock, 0: to its end, and
 * until stop_asked) with VM s->held - 1 replicated as f says: a checkpoint
 * after each epoch, its console released by the backup. True while some
 * VM has not stopped (as host_run); *status EXIT_HOST when the backup
 * could not be reached (nothing ran), else EXIT_OK. */
bool host_failover(struct host_session *s, const struct host_failover_opts *f, uint64_t max_cycles,
		   bool (*stop_asked)(void), int *status);

#endif
