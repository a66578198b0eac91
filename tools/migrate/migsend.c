/*
 * tools/migrate/migsend.c: sending a running VM to a target over TCP.
 * Owns: the source's side of the protocol: the stream over the socket,
 *       the target's "ready" (or its refusal, seen between rounds), then
 *       "commit" (Clark et al.'s commitment: until then the VM is ours).
 * Not:  the rounds (vmm/precopy.c); printing a whole report (migopts.c).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "migsend.h"
#include "tcp.h"

bool mig_sock_send(void *ctx, const uint8_t *p, size_t n)
{
	struct mig_sock *k = ctx;
	return tcp_send(k->fd, p, n, k->timeout_ms, k->err, sizeof k->err);
}

/* Clark's commitment: the target holds a consistent image; we commit. */
static bool link_commit(void *ctx)
{
	struct mig_sock *k = ctx;
	char line[160];

	if (tcp_recv_line(k->fd, line, sizeof line, k->timeout_ms, k->err, sizeof k->err) != 1) {
		if (!k->err[0])
			snprintf(k->err, sizeof k->err, "the target went away before it was ready");
		return false;
	}
	if (strcmp(line, "ready")) {
		snprintf(k->err, sizeof k->err, "the target %s", line);
		return false;
	}
	return tcp_send(k->fd, "commit\n", 7, k->timeout_ms, k->err, sizeof k->err);
}

static bool link_refused(void *ctx)
{
	struct mig_sock *k = ctx;
	char line[160];

	if (!tcp_poll_line(k->fd, line, sizeof line))
		return false;
	snprintf(k->err, sizeof k->err, "the target %s", line);
	return true;
}

bool mig_send_over(const char *peer, int timeout_ms, mig_go_fn go, void *ctx, char *err,
		   size_t errlen)
{
	struct mig_sock k = { .timeout_ms = timeout_ms };
	struct mig_link link = { &k, mig_sock_send, link_commit, link_refused };
	bool ok;

	err[0] = 0;
	k.fd = tcp_connect(peer, timeout_ms, k.err, sizeof k.err);
	ok = k.fd >= 0 && go(ctx, &link, err, errlen);
	if (k.fd >= 0)
		close(k.fd);
	if (!ok && k.err[0])
		snprintf(err, errlen, "%s", k.err);
	else if (!ok && !err[0])
		snprintf(err, errlen, "the link broke");
	return ok;
}

struct send_vm {
	struct vm *vm;
	const struct precopy_opts *po;
	mig_round_fn progress;
	void *ctx;
	struct precopy_result *res;
};

static bool go_vm(void *ctx, struct mig_link *link, char *err, size_t errlen)
{
	struct send_vm *s = ctx;

	(void)err;
	(void)errlen;
	return precopy_migrate(s->vm, s->po, link, s->progress, s->ctx, s->res);
}

bool mig_send_vm(struct vm *vm, const char *peer, const struct precopy_opts *po, int timeout_ms,
		 mig_round_fn progress, void *ctx, struct precopy_result *res, char *err,
		 size_t errlen)
{
	struct send_vm s = { vm, po, progress, ctx, res };

	return mig_send_over(peer, timeout_ms, go_vm, &s, err, errlen);
}

void mig_round_line(FILE *f, const struct precopy_result *r, bool stop)
{
	const struct precopy_round *x = &r->round[stop ? r->rounds : r->rounds - 1];

	if (stop)
		fprintf(f, "stop-and-copy: %u pages and the state, %llu bytes, %.3f ms: the downtime\n",
			x->pages, (unsigned long long)x->bytes, (double)x->cycles / 1e6);
	else
		fprintf(f, "round %u: %u pages, %llu bytes, %.3f ms; the guest ran %llu instructions "
			"meanwhile\n", r->rounds, x->pages, (unsigned long long)x->bytes,
			(double)x->cycles / 1e6, (unsigned long long)x->insns);
}
