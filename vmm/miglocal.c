/*
 * vmm/miglocal.c: a link whose far end is in the same process.
 * Owns: collecting a stream, and at each commit loading it into the far
 *       end's VM (made by the first stream, loaded into by the next ones:
 *       failover's checkpoints), keeping the output the streams release.
 * Not:  sockets (tools/migrate/); the streams themselves (precopy.c,
 *       checkpoint.c).
 * For benchmarks, tests and labs: the same rounds and checkpoints as over
 * a socket, without one, so that their figures (all simulated) and the
 * resumed VM can be checked in one process.
 */
#include <stdlib.h>
#include <string.h>

#include "migrate.h"

static bool local_send(void *ctx, const uint8_t *p, size_t n)
{
	struct mig_local *m = ctx;

	snap_put_bytes(&m->stream, p, n);
	m->bytes += n;
	return !m->stream.failed;
}

static bool local_commit(void *ctx)
{
	struct mig_local *m = ctx;
	struct snap_loader l;
	bool ok;

	if (m->target)
		snap_loader_init(&l, m->target, NULL, NULL);
	else
		snap_loader_init_env(&l, &m->env);
	ok = snap_load_all(&l, m->stream.p, m->stream.len, m->err, sizeof m->err);
	if (ok && !m->target)
		m->target = snap_loader_take(&l);
	if (ok)
		snap_put_bytes(&m->output, l.output.p, l.output.len);
	if (!ok && !l.made && m->target) {
		/* A checkpoint half loaded leaves no VM to fail over to. */
		vm_destroy(m->target);
		m->target = NULL;
	}
	snap_loader_free(&l);
	m->stream.len = 0;
	return ok;
}

void mig_local_init(struct mig_local *m, const struct snap_env *env)
{
	memset(m, 0, sizeof *m);
	m->env = *env;
	m->link = (struct mig_link){ m, local_send, local_commit, NULL };
}

void mig_local_free(struct mig_local *m)
{
	vm_destroy(m->target);
	snap_buf_free(&m->stream);
	snap_buf_free(&m->output);
	memset(m, 0, sizeof *m);
}
