/*
 * tests/migrate_test.c: live migration's pre-copy and failover's
 *       checkpoints, in one process (vmm/precopy.c, vmm/checkpoint.c).
 * Owns: a VM migrated at any point, in every mode, ends on the target in
 *       the state of the run that never moved, its output the source's and
 *       the target's one after the other; the pre-copy trade-off in the
 *       numbers (an idle guest converges in a round or two with a short
 *       stop, a guest that writes memory fast runs to a limit with a long
 *       one); a link that breaks or a target that refuses leave the source
 *       running unharmed; a backup taking over from any checkpoint prints
 *       what the uninterrupted run prints, nothing lost or doubled.
 * Not:  the commands over TCP (migrate_cli_test.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "migrate.h"
#include "snap/snaptest.h"

/* A console that is a memory stream, so that a VM need not capture. */
struct stream {
	FILE *f;
	char *p;
	size_t n;
};

static FILE *stream_open(struct stream *s)
{
	s->f = open_memstream(&s->p, &s->n);
	cr_assert(s->f);
	return s->f;
}

static const char *stream_text(struct stream *s)
{
	fflush(s->f);
	return s->p;
}

static void stream_close(struct stream *s)
{
	fclose(s->f);
	free(s->p);
}

/* The VM of configuration c, its console into f, not capturing. */
static struct vm *vm_into(const struct st_config *c, FILE *f)
{
	struct vm *vm = st_vm(c);
	/* st_vm captures; the comparisons here need no history. */
	vm_devices(vm)->con.capturing = false;
	vm_devices(vm)->con.out = f;
	return vm;
}

/* Migrate a run of configuration name at fraction f of its length. */
static void migrate_at(const char *name, double f, const struct precopy_opts *po)
{
	static struct precopy_result res;
	const struct st_config *c = st_config(name);
	struct stream whole, src, dst;
	struct vm *ref = vm_into(c, stream_open(&whole)), *vm = vm_into(c, stream_open(&src));
	struct snap_env env = { .console = stream_open(&dst) };
	struct mig_local l;
	char ctx[160], joined[1 << 16];
	uint64_t at;

	st_finish(ref);
	at = (uint64_t)(f * (double)vm_retired(ref));
	vm_run(vm, at);
	mig_local_init(&l, &env);
	cr_assert(precopy_migrate(vm, po, &l.link, NULL, NULL, &res), "%s: %s", name, l.err);
	cr_assert(res.committed && l.target);
	st_finish(l.target);
	snprintf(ctx, sizeof ctx, "%s migrated at %llu", name, (unsigned long long)at);
	/* The target: the state of the run that never moved... */
	st_expect_same(ref, l.target, ctx);
	/* ...and the two consoles one after the other are its console. */
	snprintf(joined, sizeof joined, "%s%s", stream_text(&src), stream_text(&dst));
	cr_expect_str_eq(joined, stream_text(&whole), "%s: the joined output differs", ctx);
	cr_expect_eq(res.retired_start, at);
	cr_expect_geq(res.retired_stop, at);
	cr_expect_gt(res.rounds, 0, "%s: no pre-copy round", ctx);
	cr_expect_eq(res.round[0].pages, res.memory_pages, "%s: round 1 sends all memory", ctx);
	mig_local_free(&l);
	vm_destroy(vm);
	vm_destroy(ref);
	stream_close(&whole);
	stream_close(&src);
	stream_close(&dst);
}

Test(migrate, a_migrated_vm_is_the_run_that_never_moved_in_every_mode)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	static const char *const names[] = { "bare", "emulate", "trap", "hybrid", "patch", "bt", "hw",
					     "pv", "paged-trap", "paged-hw-modern", "paged-pv", "bt-1k",
					     "echo-trap", "spaces-trap" };
	struct precopy_opts po = { 0 };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		migrate_at(names[i], 0.1 + 0.05 * (double)i, &po);
	/* A slow link: more rounds, each catching up with the last. */
	po.bandwidth = 50ull * 1000000 / 8;
	migrate_at("trap", 0.1, &po);
	migrate_at("paged-bt", 0.2, &po);
}

/* ---- the trade-off -------------------------------------------------------- */

/* Migrate a bench workload (tools/bench/workloads/W.s, built by make into
 * BUILD/bench/W.elf) at instruction at: the result. */
static void migrate_workload(const char *w, uint64_t at, struct precopy_result *res)
{
	char path[1024], err[512];
	const char *b = getenv("BUILD");
	struct image img;
	struct vm_options o;
	struct vm *vm;
	struct mig_local l;
	struct snap_env env = { 0 };
	struct precopy_opts po = { 0 };

	snprintf(path, sizeof path, "%s/bench/%s.elf", b && *b ? b : "build", w);
	cr_assert(image_read(path, &img, err, sizeof err), "%s (make test builds it)", err);
	vm_options_init(&o);
	o.mode = MODE_TRAP;
	cr_assert(vm_create(&vm, &o, err, sizeof err) && image_load(vm, &img, err, sizeof err), "%s", err);
	vm_run(vm, at);
	mig_local_init(&l, &env);
	cr_assert(precopy_migrate(vm, &po, &l.link, NULL, NULL, res), "%s: %s", w, l.err);
	mig_local_free(&l);
	vm_destroy(vm);
	image_free(&img);
}

Test(migrate, a_guest_that_dirties_memory_fast_needs_more_rounds_and_a_longer_stop)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	static struct precopy_result idle, compute, dirty;

	migrate_workload("mig_idle", 10000, &idle);
	migrate_workload("mig_compute", 1000000, &compute);
	migrate_workload("mig_dirty", 1000000, &dirty);
	cr_expect_eq(idle.end, PRECOPY_CONVERGED, "idle: %s", precopy_end_name(idle.end));
	cr_expect_eq(compute.end, PRECOPY_CONVERGED, "compute: %s", precopy_end_name(compute.end));
	cr_expect(dirty.end == PRECOPY_SENT_LIMIT || dirty.end == PRECOPY_ROUND_LIMIT,
		  "dirty: %s", precopy_end_name(dirty.end));
	cr_expect_leq(idle.rounds, 2);
	cr_expect_gt(dirty.rounds, compute.rounds + 2, "dirty %u rounds, compute %u", dirty.rounds,
		     compute.rounds);
	/* Its writable working set, 128 pages, is left for the stop-and-copy. */
	cr_expect_geq(dirty.round[dirty.rounds].pages, 128);
	cr_expect_leq(idle.round[idle.rounds].pages, MIG_DEFAULT_STOP_PAGES);
	cr_expect_gt(dirty.downtime_cycles, 10 * idle.downtime_cycles, "downtime %llu against %llu",
		     (unsigned long long)dirty.downtime_cycles, (unsigned long long)idle.downtime_cycles);
	cr_expect_gt(dirty.bytes, 2 * (uint64_t)dirty.memory_pages * SNAP_PAGE / 2);
}

/* A guest that runs all the time in a large memory it does not write
 * (its table): pre-copy sends that memory while it runs, so the
 * stop-and-copy, the downtime, carries a small fraction of what
 * stop-and-copy alone would have. */
Test(migrate, pre_copy_makes_the_downtime_a_fraction_of_stop_and_copy)
{
	static struct precopy_result r;

	migrate_workload("mig_compute", 1000000, &r);
	cr_expect_geq(r.round[0].pages, 128);
	cr_expect_lt(r.downtime_cycles * 10, r.round[0].cycles,
		     "downtime %llu cycles against %llu to send the memory once",
		     (unsigned long long)r.downtime_cycles, (unsigned long long)r.round[0].cycles);
	cr_expect_gt(r.downtime_insns, 0);
}

/* ---- faults ------------------------------------------------------------------ */

Test(migrate, a_broken_link_or_a_refusing_target_leaves_the_source_running_unharmed)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	static struct precopy_result res;
	const struct st_config *c = st_config("bt");
	uint64_t cuts[] = { 0, 100, 20000, 60000, 1ull << 40 };

	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		struct st_bad_link b = { cuts[i], i == 4 };
		struct mig_link link = { &b, st_bad_send, st_bad_commit, NULL };
		struct vm *vm = st_vm(c), *ref = st_vm(c);
		char ctx[64];

		vm_run(vm, 500000);
		cr_expect(!precopy_migrate(vm, &(struct precopy_opts){ 0 }, &link, NULL, NULL, &res));
		cr_expect(!res.committed);
		st_finish(vm);
		st_finish(ref);
		snprintf(ctx, sizeof ctx, "link broken after %llu bytes", (unsigned long long)cuts[i]);
		st_expect_same(ref, vm, ctx);
		vm_destroy(vm);
		vm_destroy(ref);
	}
}

/* ---- failover ------------------------------------------------------------------ */

/* The primary runs and checkpoints every epoch; it dies after checkpoint
 * k; the backup takes over. What the backup released, then printed, is
 * the console of the run that never failed. */
static void fail_over(const char *name, uint64_t epoch, uint64_t die_after)
{
	const struct st_config *c = st_config(name);
	struct stream whole, after;
	struct vm *ref = vm_into(c, stream_open(&whole)), *vm = st_vm(c);
	struct snap_env env = { .console = stream_open(&after) };
	struct mig_local l;
	struct checkpointer cp;
	size_t released = 0, len;
	uint64_t k = 0;
	char ctx[128];
	const char *out;
	struct snap_buf seen = { 0 };

	st_finish(ref);
	vm_devices(vm)->con.out = NULL;
	mig_local_init(&l, &env);
	cr_assert(checkpoint_start(&cp, vm, 0));
	cr_assert(checkpoint_send(&cp, NULL, 0, &l.link), "%s", l.err);
	for (enum cpu_stop s = STOP_LIMIT; k < die_after && s == STOP_LIMIT && !vm_at_step_limit(vm); k++) {
		s = vm_run(vm, epoch);
		out = vm_console(vm, &len);
		cr_assert(checkpoint_send(&cp, (const uint8_t *)out + released, len - released, &l.link),
			  "%s", l.err);
		released = len;
	}
	/* The primary dies here, in the middle of its next epoch. */
	vm_run(vm, epoch / 2);
	snap_put_bytes(&seen, l.output.p, l.output.len);
	cr_assert(l.target);
	st_finish(l.target);
	snap_put_bytes(&seen, stream_text(&after), strlen(stream_text(&after)));
	snap_put_u8(&seen, 0);
	snprintf(ctx, sizeof ctx, "%s, epochs of %llu, failed over after checkpoint %llu", name,
		 (unsigned long long)epoch, (unsigned long long)k + 1);
	cr_expect_str_eq((const char *)seen.p, stream_text(&whole), "%s", ctx);
	vm_devices(ref)->con.capturing = false;
	st_expect_same(ref, l.target, ctx);
	cr_expect_eq(cp.st.checkpoints, k + 1);
	if (k)
		cr_expect_gt(checkpoint_overhead(&cp.st), 0.0);
	checkpoint_stop(&cp);
	mig_local_free(&l);
	vm_destroy(vm);
	vm_destroy(ref);
	stream_close(&whole);
	stream_close(&after);
	snap_buf_free(&seen);
}

Test(migrate, a_backup_taking_over_prints_exactly_the_rest_in_every_mode)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	static const char *const names[] = { "bare", "emulate", "trap", "hybrid", "patch", "bt", "hw",
					     "pv", "paged-trap", "paged-pv", "echo-trap" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		fail_over(names[i], 50000, 3 + 5 * i);
		fail_over(names[i], 7919, 1);
	}
	fail_over("trap", 100000, 0); /* dies in its first epoch: the backup starts from the start */
	fail_over("trap", 100000, 100); /* after the guest halted: the backup has it halted */
}

/* Shorter epochs cost more: more checkpoints, each with the whole state. */
Test(migrate, shorter_epochs_cost_more)
{
	double cost[3];
	uint64_t epochs[3] = { 5000, 50000, 500000 };

	for (int e = 0; e < 3; e++) {
		const struct st_config *c = st_config("trap");
		struct vm *vm = st_vm(c);
		struct snap_env env = { 0 };
		struct mig_local l;
		struct checkpointer cp;

		mig_local_init(&l, &env);
		cr_assert(checkpoint_start(&cp, vm, 0));
		for (enum cpu_stop s = STOP_LIMIT; s == STOP_LIMIT;) {
			s = vm_run(vm, epochs[e]);
			cr_assert(checkpoint_send(&cp, NULL, 0, &l.link));
		}
		cost[e] = checkpoint_overhead(&cp.st);
		checkpoint_stop(&cp);
		mig_local_free(&l);
		vm_destroy(vm);
	}
	cr_expect_gt(cost[0], cost[1]);
	cr_expect_gt(cost[1], cost[2]);
}
