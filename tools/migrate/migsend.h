/*
 * tools/migrate/migsend.h: sending a running VM to a target over TCP, for
 *       trapeze migrate's source and the monitor's migrate command alike.
 * Owns: the source's side of the protocol (migstream.h): connect, Clark's
 *       pre-copy over the socket (vmm/precopy.c), the target's "ready" and
 *       our "commit"; each round told as it ends, in one line.
 * Not:  the rounds themselves (vmm/precopy.c); the target (migstream.c).
 */
#ifndef TRAPEZE_MIGSEND_H
#define TRAPEZE_MIGSEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "migrate.h"

/* A link's socket side, for the links of migrate and failover alike:
 * mig_sock_send sends on it (a struct mig_link's send), every wait at most
 * timeout_ms, why it failed in err. */
struct mig_sock {
	int fd, timeout_ms;
	uint64_t acked;             /* failover: checkpoints the backup acknowledged */
	char err[512];
};
bool mig_sock_send(void *ctx, const uint8_t *p, size_t n);

/* A failover primary's commit (a struct mig_link's, ctx a mig_sock): the
 * backup's "ack N" for checkpoint N (failover.c; trapeze host's
 * --failover too). */
bool mig_failover_commit(void *ctx);

/* Told of each round as it ends (stop: the stop-and-copy). */
typedef void (*mig_round_fn)(void *ctx, const struct precopy_result *r, bool stop);

/* Send vm to the target at peer (HOST:PORT), every network wait at most
 * timeout_ms. True once the target committed: the VM is the target's and
 * must not run here again. False with a one-line reason in err: vm is
 * unharmed and may run on. res may be large: keep it off the stack. */
bool mig_send_vm(struct vm *vm, const char *peer, const struct precopy_opts *po, int timeout_ms,
		 mig_round_fn progress, void *ctx, struct precopy_result *res, char *err,
		 size_t errlen);

/* The same for a VM that something else migrates (a host's, which runs
 * its other VMs during the rounds): connect to peer, make the link over
 * the socket, and call go with it; false with go's reason, or the link's. */
typedef bool (*mig_go_fn)(void *ctx, struct mig_link *link, char *err, size_t errlen);
bool mig_send_over(const char *peer, int timeout_ms, mig_go_fn go, void *ctx, char *err,
		   size_t errlen);

/* A round's line, as trapeze migrate prints it after its prefix. */
void mig_round_line(FILE *f, const struct precopy_result *r, bool stop);

#endif
