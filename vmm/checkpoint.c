/*
 * vmm/checkpoint.c: failover's checkpoints (Cully et al., Remus, NSDI 2008).
 * Owns: one epoch's checkpoint: the pages changed since the last one (every
 *       page the first time), the VM's whole state, and the console output
 *       the epoch produced, held until the backup has it; sent and
 *       committed; what replication costs the guest.
 * Not:  when an epoch ends, the backup, what it does when the primary dies
 *       (tools/migrate/failover.c); the dirty log (dirtylog.c).
 * Implements: Remus's asynchronous replication, simplified where the toy
 *       allows: the guest pauses while its checkpoint is on the link (Remus
 *       copies it aside and runs on), and output commit is kept exactly:
 *       the output of an epoch travels inside the checkpoint that produced
 *       it, so it reaches the user once, from whichever machine survives.
 *       Shorter epochs lose less work and hold output for less time, and
 *       cost more: every checkpoint carries the whole state besides its
 *       pages (the trade-off of Remus's figures).
 */
#include <string.h>

#include "migrate.h"

bool checkpoint_start(struct checkpointer *c, struct vm *vm, uint64_t bandwidth)
{
	memset(c, 0, sizeof *c);
	c->vm = vm;
	c->bandwidth = bandwidth ? bandwidth : MIG_DEFAULT_BANDWIDTH;
	c->cycles0 = vm_vcpu(vm)->cycles;
	return dirtylog_start(&c->log, vm);
}

void checkpoint_stop(struct checkpointer *c)
{
	dirtylog_stop(&c->log);
	snap_writer_free(&c->w);
}

bool checkpoint_send(struct checkpointer *c, const uint8_t *out, size_t len, struct mig_link *link)
{
	struct checkpoint_stats *s = &c->st;
	uint32_t n;
	size_t bytes;
	const uint8_t *p;

	snap_writer_free(&c->w);
	/* The first is whole; each later one only what changed (DELTA). */
	snap_writer_begin(&c->w, s->checkpoints ? SNAP_F_DELTA : 0);
	vm_snapshot_put_machine(c->vm, &c->w.buf);
	n = dirtylog_collect(&c->log, c->vm);
	vm_snapshot_put_pages(c->vm, &c->w.buf, c->log.dirty, n);
	dirtylog_sent(&c->log, c->vm, c->log.dirty, n);
	vm_snapshot_put_state(c->vm, &c->w.buf, 0);
	snap_put_output(&c->w.buf, out, len);
	snap_writer_end(&c->w);
	p = snap_writer_take(&c->w, &bytes);
	if (c->w.buf.failed || !link->send(link->ctx, p, bytes) || !link->commit(link->ctx))
		return false;
	if (s->checkpoints++ == 0) {
		s->sync_cycles = mig_link_cycles(bytes, c->bandwidth);
	} else {
		s->pause_cycles += mig_link_cycles(bytes, c->bandwidth);
		if (n > s->max_pages)
			s->max_pages = n;
	}
	s->pages += n;
	s->bytes += bytes;
	s->guest_cycles = vm_vcpu(c->vm)->cycles - c->cycles0;
	return true;
}

double checkpoint_overhead(const struct checkpoint_stats *s)
{
	return s->guest_cycles ? 100.0 * (double)s->pause_cycles / (double)s->guest_cycles : 0.0;
}
