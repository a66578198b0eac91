/*
 * vmm/precopy.c: live migration's pre-copy (Clark et al., NSDI 2005).
 * Owns: the rounds (every page first, then the pages the round before
 *       dirtied, the guest running on all the while), when to stop them,
 *       the stop-and-copy (the last dirty pages and every other part of the
 *       VM's state, the guest paused: the downtime), the commitment, and
 *       each round's figures.
 * Not:  finding dirty pages (dirtylog.c); the stream's sections
 *       (snapshot.c); the socket (tools/migrate/).
 * Implements: Clark et al.'s iterative pre-copy. Stop-and-copy alone would
 *       pause the guest for as long as all its memory takes on the link;
 *       pre-copy sends memory while the guest runs, and then sends again
 *       what it dirtied meanwhile, until what is left is small (the
 *       writable working set: the pages written so often that only the
 *       stop-and-copy can send them). A guest that dirties pages faster
 *       than the link sends them never gets there: the rounds stop at a
 *       limit, and its downtime is long. Xen's rules end the rounds: a few
 *       dirty pages left (50 of Xen's), 30 rounds, or three times memory
 *       sent. Then Clark's commitment: the target says it holds a
 *       consistent image, the source commits and stops, the target runs.
 */
#include <string.h>

#include "migrate.h"

const char *precopy_end_name(enum precopy_end e)
{
	static const char *const names[] = {
		[PRECOPY_CONVERGED] = "converged", [PRECOPY_ROUND_LIMIT] = "round limit",
		[PRECOPY_SENT_LIMIT] = "sent three times memory", [PRECOPY_GUEST_STOPPED] = "guest stopped",
		[PRECOPY_NO_ROUNDS] = "no pre-copy",
	};
	return (unsigned)e < sizeof names / sizeof names[0] ? names[e] : "?";
}

uint64_t mig_link_cycles(uint64_t bytes, uint64_t bandwidth)
{
	if (!bandwidth)
		bandwidth = MIG_DEFAULT_BANDWIDTH;
	return bytes / bandwidth * MIG_CLOCK_HZ + (bytes % bandwidth) * MIG_CLOCK_HZ / bandwidth;
}

enum cpu_stop mig_run_for(struct vm *vm, uint64_t cycles)
{
	const struct cpu *g = vm_vcpu(vm);
	uint64_t end = g->cycles + cycles;
	enum cpu_stop s = STOP_LIMIT;
	bool idled;

	while (g->cycles < end) {
		uint64_t before = g->cycles;
		s = vm_run_slice(vm, UINT64_MAX, end - g->cycles, &idled);
		if (s != STOP_LIMIT || vm_at_step_limit(vm) || g->cycles == before)
			break;
	}
	return s;
}

/* Hand the stream written so far to the link. */
static bool flush(struct precopy *m)
{
	size_t n;
	const uint8_t *p = snap_writer_take(&m->w, &n);

	return !m->w.buf.failed && m->link->send(m->link->ctx, p, n);
}

/* One round: pages sent as they are now, and the guest running on for as
 * long as they take on the link (it dirties pages meanwhile). */
static bool send_round(struct precopy *m, const uint32_t *pages, uint32_t n)
{
	struct precopy_result *r = m->res;
	struct precopy_round *k;
	uint64_t b0 = m->w.bytes, i0 = vm_retired(m->vm);
	enum cpu_stop s;

	if (r->rounds >= MIG_MAX_ROUNDS)
		return false;
	vm_snapshot_put_pages(m->vm, &m->w.buf, pages, n);
	dirtylog_sent(&m->log, m->vm, pages, n);
	if (!flush(m))
		return false;
	k = &r->round[r->rounds++];
	k->pages = n;
	k->bytes = m->w.bytes - b0;
	k->cycles = mig_link_cycles(k->bytes, m->opt.bandwidth);
	s = m->run ? m->run(m->run_ctx, m->vm, k->cycles) : mig_run_for(m->vm, k->cycles);
	k->insns = vm_retired(m->vm) - i0;
	r->pages += n;
	r->bytes += k->bytes;
	r->total_cycles += k->cycles;
	if (s != STOP_LIMIT || vm_at_step_limit(m->vm))
		m->guest_stopped = true;
	if (m->progress)
		m->progress(m->progress_ctx, r, false);
	return !(m->link->refused && m->link->refused(m->link->ctx));
}

/* Is it time for the stop-and-copy, with dirty pages left to send? Say
 * why in m->res->end. */
static bool time_to_stop(struct precopy *m, uint32_t dirty)
{
	struct precopy_result *r = m->res;
	uint64_t memory = (uint64_t)r->memory_pages * SNAP_PAGE;

	/* LAB 8 BEGIN: the stop condition: the guest stopped, few pages dirty, the round limit, or too much sent */
	if (m->guest_stopped)
		r->end = PRECOPY_GUEST_STOPPED;
	else if (dirty <= m->opt.stop_pages)
		r->end = PRECOPY_CONVERGED;
	else if (r->rounds >= m->opt.max_rounds)
		r->end = PRECOPY_ROUND_LIMIT;
	else if (r->bytes >= (uint64_t)m->opt.max_factor * memory)
		r->end = PRECOPY_SENT_LIMIT;
	else
		return false;
	return true;
	/* LAB 8 STUB: (void)memory; */
	/* LAB 8 STUB: (void)dirty; */
	/* LAB 8 STUB: r->end = PRECOPY_NO_ROUNDS; */
	/* LAB 8 STUB: return true; */
	/* LAB 8 END */
}

/* The pre-copy rounds: false when the link failed. */
static bool rounds(struct precopy *m)
{
	/* LAB 8 BEGIN: the rounds: send what is dirty (all memory the first time) while the guest runs, until time_to_stop */
	for (;;) {
		uint32_t n = dirtylog_collect(&m->log, m->vm);
		if (m->res->rounds > 0) {
			m->res->round[m->res->rounds - 1].dirtied = n;
			if (time_to_stop(m, n))
				return true;
		}
		if (!send_round(m, m->log.dirty, n))
			return false;
	}
	/* LAB 8 STUB: m->res->end = PRECOPY_NO_ROUNDS; */
	/* LAB 8 STUB: (void)send_round; */
	/* LAB 8 STUB: (void)time_to_stop; */
	/* LAB 8 STUB: return true; */
	/* LAB 8 END */
}

/* The guest paused: every page still dirty (all of them, with no rounds
 * before), its whole state, the end; then the commitment. */
static bool stop_and_copy(struct precopy *m)
{
	struct precopy_result *r = m->res;
	struct precopy_round *k = &r->round[r->rounds];
	uint64_t b0 = m->w.bytes;
	const struct cpu *g = vm_vcpu(m->vm);
	uint32_t n = dirtylog_collect(&m->log, m->vm);

	vm_snapshot_put_pages(m->vm, &m->w.buf, m->log.dirty, n);
	dirtylog_sent(&m->log, m->vm, m->log.dirty, n);
	vm_snapshot_put_state(m->vm, &m->w.buf, 0);
	snap_writer_end(&m->w);
	if (!flush(m))
		return false;
	k->pages = n;
	k->bytes = m->w.bytes - b0;
	k->cycles = mig_link_cycles(k->bytes, m->opt.bandwidth);
	r->pages += n;
	r->bytes += k->bytes;
	r->total_cycles += k->cycles;
	r->downtime_cycles = k->cycles;
	/* The instructions the guest would have run in the downtime, at its
	 * pace so far (its cycles per instruction, the monitor's share in). */
	r->downtime_insns = g->cycles ? (uint64_t)((double)k->cycles * (double)g->retired /
						   (double)g->cycles) : 0;
	r->retired_stop = g->retired;
	if (m->progress)
		m->progress(m->progress_ctx, r, true);
	return m->link->commit(m->link->ctx);
}

bool precopy_migrate(struct vm *vm, const struct precopy_opts *o, struct mig_link *link,
		     void (*progress)(void *, const struct precopy_result *, bool), void *ctx,
		     struct precopy_result *res)
{
	return precopy_migrate_on(vm, o, link, NULL, NULL, progress, ctx, res);
}

bool precopy_migrate_on(struct vm *vm, const struct precopy_opts *o, struct mig_link *link,
			mig_run_fn run, void *run_ctx,
			void (*progress)(void *, const struct precopy_result *, bool), void *ctx,
			struct precopy_result *res)
{
	struct precopy m = { .vm = vm, .opt = *o, .link = link, .res = res, .progress = progress,
			     .progress_ctx = ctx, .run = run, .run_ctx = run_ctx };
	bool ok;

	memset(res, 0, sizeof *res);
	if (!m.opt.bandwidth)
		m.opt.bandwidth = MIG_DEFAULT_BANDWIDTH;
	if (!m.opt.max_rounds || m.opt.max_rounds > MIG_MAX_ROUNDS)
		m.opt.max_rounds = m.opt.max_rounds ? MIG_MAX_ROUNDS : MIG_DEFAULT_MAX_ROUNDS;
	if (!m.opt.stop_pages_given)
		m.opt.stop_pages = MIG_DEFAULT_STOP_PAGES;
	if (!m.opt.max_factor)
		m.opt.max_factor = MIG_DEFAULT_MAX_FACTOR;
	if (!dirtylog_start(&m.log, vm))
		return false;
	res->memory_pages = m.log.npages;
	res->retired_start = vm_retired(vm);
	m.guest_stopped = vm_run(vm, 0) != STOP_LIMIT || vm_at_step_limit(vm);
	snap_writer_begin(&m.w, 0);
	vm_snapshot_put_machine(vm, &m.w.buf);
	ok = rounds(&m) && stop_and_copy(&m);
	res->committed = ok;
	dirtylog_stop(&m.log);
	snap_writer_free(&m.w);
	return ok;
}
