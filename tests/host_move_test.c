/*
 * tests/host_move_test.c: one VM of a host saved, restored and migrated
 *       while its neighbour runs on (vmm/host_move.c).
 * Owns: in every mode a host can run (and with each kind of paging), a
 *       hosted guest OS saved mid-run and resumed alone ends in the state
 *       of the hosted run that never stopped; restored into its host, it
 *       goes back in time and its neighbour never notices; migrated out of
 *       its host while the host runs on, its output joined across source
 *       and target is its output alone; hostile guests move the same way;
 *       snapshots of another place, another VM, a hand-made one aiming at
 *       the neighbour's memory, and moves a VM cannot make, refused in one
 *       line with nothing changed.
 * Not:  the commands over TCP (host_move_cli_test.c); single VMs
 *       (snapshot_test.c, migrate_test.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/hosttest.h"
#include "migrate.h"
#include "snap/snaptest.h"
#include "vmm/vmtest.h"

/* The mover (VM 0) in each configuration; its neighbour (VM 1) is always
 * the guest OS under trap. */
struct mover {
	struct ht_vm v;
	const char *nonvirt;     /* NULL: none */
	enum vmm_cpu cpu;
};
#define OS(n, m, k, d) { n, m, NULL, "guest/" k, "guest/" d, 0, 0, 0, 0, 0, NULL }
static const struct mover movers[] = {
	{ OS("emulate", MODE_EMULATE, "kernel.elf", "disk.img"), NULL, VMM_CPU_TOY },
	{ OS("trap", MODE_TRAP, "kernel.elf", "disk.img"), NULL, VMM_CPU_TOY },
	{ OS("hybrid", MODE_HYBRID, "kernel.elf", "disk.img"), "pdp10", VMM_CPU_TOY },
	{ OS("patch", MODE_PATCH, "kernel.elf", "disk.img"), "x86", VMM_CPU_TOY },
	{ OS("bt", MODE_BT, "kernel.elf", "disk.img"), "x86", VMM_CPU_TOY },
	{ OS("hw", MODE_HW, "kernel.elf", "disk.img"), "x86", VMM_CPU_TOY },
	{ OS("pv", MODE_PV, "kernel-pv.elf", "disk.img"), NULL, VMM_CPU_TOY },
	{ OS("paged-trap", MODE_TRAP, "kernel-paged.elf", "paged.img"), NULL, VMM_CPU_TOY },
	{ OS("paged-bt", MODE_BT, "kernel-paged.elf", "paged.img"), "x86", VMM_CPU_TOY },
	{ OS("paged-hw-early", MODE_HW, "kernel-paged.elf", "paged.img"), "x86", VMM_CPU_EARLY },
	{ OS("paged-hw-modern", MODE_HW, "kernel-paged.elf", "paged.img"), NULL, VMM_CPU_MODERN },
	{ OS("paged-pv", MODE_PV, "kernel-pv-paged.elf", "paged.img"), NULL, VMM_CPU_TOY },
};
enum { NMOVERS = sizeof movers / sizeof movers[0] };

static const struct ht_vm neighbour = OS("neighbour", MODE_TRAP, "kernel.elf", "disk.img");
#undef OS

/* Nested paging refills its TLB differently when a run is cut at other
 * points (ISA.md §11): its cycles, never what the guest sees, may differ.
 * There the whole state is not compared, the guest's is. */
static bool whole_state_exact(const struct mover *m)
{
	return !(m->v.mode == MODE_HW && m->cpu == VMM_CPU_MODERN);
}

/* VM 0 gets the mover's processor and nonvirt set. */
static void tweak(struct host_vm_options *o, int i, void *ctx)
{
	const struct mover *m = ctx;
	const char *bad;

	if (i != 0)
		return;
	o->vm.cpu = m->cpu;
	if (m->nonvirt) {
		int nv = cpu_parse_nonvirt(m->nonvirt, &bad);
		cr_assert_geq(nv, 0, "nonvirt %s", m->nonvirt);
		o->vm.nonvirt = (unsigned)nv;
	}
}

/* A host of the mover and its neighbour. */
static void two(struct ht *t, const struct mover *mover)
{
	struct ht_vm vms[2] = { mover->v, neighbour };
	char err[600];

	cr_assert(ht_make_tweaked(t, vms, 2, NULL, tweak, (void *)mover, err, sizeof err),
		  "host_create: %s", err);
}

/* The host run for `cycles` of its clock: the mover must be mid-run. */
static void run_into(struct ht *t, uint64_t cycles, const char *who)
{
	struct host_vm_info vi;

	host_run(t->h, cycles);
	host_vm_info(t->h, 0, &vi);
	cr_assert_neq(vi.state, HOST_STOPPED, "%s: stopped before the move", who);
	cr_assert_gt(vm_retired(host_vm(t->h, 0)), 0, "%s: not started", who);
}

/* Run the host to its end: every VM stops. */
static void run_out(struct ht *t)
{
	cr_assert(!host_run(t->h, UINT64_MAX), "every VM ends");
}

/* VM i's guest alone, its console (malloc'd). */
static char *alone(const struct ht *t, int i)
{
	return ht_alone(t, i, t->o[i].vm.mode);
}

/* The mover's console on a host where it never moved (malloc'd). That is
 * its console alone, but for a guest that reads its real base register
 * with a non-trapping getbase from user mode (the redpill program under
 * --nonvirt): that one sees where the host placed it, as the lecture's red
 * pill does, and a VM restored or migrated from the host keeps the place. */
static char *unmoved(const struct mover *m)
{
	struct ht ref;
	char *out;

	two(&ref, m);
	run_out(&ref);
	out = strdup(ht_console(&ref, 0));
	cr_assert(out);
	ht_free(&ref);
	return out;
}

/* The guest's console, halted, in every case of its run. */
static void expect_console(const char *got, const char *want, const char *ctx)
{
	cr_expect(strstr(want, "halting"), "%s: the guest halts", ctx);
	cr_expect_str_eq(got, want, "%s: the console differs from the run that never moved", ctx);
}

/* Saved mid-run on the host, resumed alone (as trapeze run --restore
 * does): the hosted run that never stopped, whole. */
static void saved_and_resumed_alone(const struct mover *mover, uint64_t at)
{
	struct ht ref, t;
	struct snap_buf b = { 0 };
	struct vm *y;
	char ctx[200], err[600];
	char *solo;

	snprintf(ctx, sizeof ctx, "%s saved at host time %llu", mover->v.name, (unsigned long long)at);
	two(&ref, mover);
	run_out(&ref);
	two(&t, mover);
	run_into(&t, at, ctx);
	cr_assert(host_vm_movable(t.h, 0, err, sizeof err), "%s: %s", ctx, err);
	st_save(host_vm(t.h, 0), &b);
	y = st_restore(b.p, b.len);
	cr_expect(vm_vmm_intact(y), "%s: its machine's monitor area", ctx);
	st_finish(y);
	solo = strdup(ht_console(&ref, 0));
	{
		size_t n;
		expect_console(vm_console(y, &n), solo, ctx);
	}
	if (whole_state_exact(mover))
		st_expect_same(host_vm(ref.h, 0), y, ctx);
	else
		cr_expect_eq(vm_retired(host_vm(ref.h, 0)), vm_retired(y), "%s", ctx);
	/* The host is unharmed by the save: both run on to their ends. */
	run_out(&t);
	expect_console(ht_console(&t, 0), solo, ctx);
	free(solo);
	vm_destroy(y);
	snap_buf_free(&b);
	ht_free(&t);
	ht_free(&ref);
}

Test(host_move, a_hosted_vm_saved_and_resumed_alone_is_the_run_that_never_stopped)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	for (int i = 0; i < NMOVERS; i++)
		saved_and_resumed_alone(&movers[i], 1000000 + 500000 * (uint64_t)i);
}

/* Saved, run on, restored into its host, run out: back in time, and the
 * neighbour's run is the one it had with no restore at all. */
static void restored_into_its_host(const struct mover *mover, uint64_t at)
{
	struct ht ref, t;
	struct snap_buf b = { 0 };
	struct host_info hi;
	char ctx[200], err[600];
	char *solo, *nsolo;
	uint64_t saved;

	snprintf(ctx, sizeof ctx, "%s restored to host time %llu", mover->v.name,
		 (unsigned long long)at);
	two(&ref, mover);
	run_out(&ref);
	two(&t, mover);
	run_into(&t, at, ctx);
	saved = vm_retired(host_vm(t.h, 0));
	st_save(host_vm(t.h, 0), &b);
	host_run(t.h, 2000000); /* on, perhaps to its end */
	cr_assert_gt(vm_retired(host_vm(t.h, 0)), saved, "%s: it ran on", ctx);
	cr_assert(host_vm_restore(t.h, 0, b.p, b.len, err, sizeof err), "%s: %s", ctx, err);
	cr_expect_eq(vm_retired(host_vm(t.h, 0)), saved, "%s: back where it was saved", ctx);
	run_out(&t);
	solo = strdup(ht_console(&ref, 0));
	nsolo = alone(&t, 1);
	expect_console(ht_console(&t, 0), solo, ctx);
	expect_console(ht_console(&t, 1), nsolo, ctx);
	if (whole_state_exact(mover))
		st_expect_same(host_vm(ref.h, 0), host_vm(t.h, 0), ctx);
	host_info(t.h, &hi);
	cr_expect(hi.vmm_intact, "%s: the monitor's memory untouched", ctx);
	free(solo);
	free(nsolo);
	snap_buf_free(&b);
	ht_free(&t);
	ht_free(&ref);
}

Test(host_move, a_vm_restored_into_its_host_goes_back_and_its_neighbour_never_notices)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	for (int i = 0; i < NMOVERS; i++)
		restored_into_its_host(&movers[i], 800000 + 400000 * (uint64_t)i);
}

/* A stopped VM comes back to life: restored after it halted. */
Test(host_move, a_vm_that_halted_lives_again_from_its_snapshot)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct ht t;
	struct snap_buf b = { 0 };
	struct host_vm_info vi;
	char err[600];
	char *solo;

	two(&t, &movers[1]);
	run_into(&t, 1500000, "trap");
	st_save(host_vm(t.h, 0), &b);
	run_out(&t);
	host_vm_info(t.h, 0, &vi);
	cr_assert_eq(vi.state, HOST_STOPPED);
	cr_assert(host_vm_restore(t.h, 0, b.p, b.len, err, sizeof err), "%s", err);
	host_vm_info(t.h, 0, &vi);
	cr_expect_eq(vi.state, HOST_RUNNABLE, "restored, it wants the processor again");
	cr_expect_eq(vi.end, 0);
	cr_expect(host_run(t.h, 1000), "the host has a VM to run again");
	run_out(&t);
	solo = alone(&t, 0);
	expect_console(ht_console(&t, 0), solo, "halted, restored, run out");
	host_vm_info(t.h, 0, &vi);
	cr_expect_eq(vi.stop, STOP_HALT);
	free(solo);
	snap_buf_free(&b);
	ht_free(&t);
}

/* ---- live migration out of a host ---------------------------------------- */

struct rounds_seen {
	struct host *h;
	uint64_t neighbour_before;
	uint32_t rounds;
};

static void on_round(void *ctx, const struct precopy_result *r, bool stop)
{
	struct rounds_seen *s = ctx;
	(void)r;
	if (!stop)
		s->rounds++;
}

/* Migrate the mover at host time `at` into a VM alone (a target in this
 * process, as trapeze migrate --listen makes one): its output joined
 * across the two is its output alone; the host runs its neighbour on. */
static struct precopy_result last;

/* Did the last migration take several rounds, the guest running to the end? */
static bool res_live(void)
{
	return last.rounds >= 2 && last.end != PRECOPY_GUEST_STOPPED;
}

static void migrated_out(const struct mover *mover, uint64_t at, const struct precopy_opts *po)
{
	struct precopy_result *const r = &last;
	struct ht t;
	struct snap_env env = { .capture = true };
	struct mig_local l;
	struct host_vm_info vi;
	struct rounds_seen seen = { 0 };
	char ctx[200], err[600], *joined, *solo, *nsolo;
	struct host_info h0, h1;
	uint64_t retired;
	size_t n1, n2;
	const char *src, *dst;

	snprintf(ctx, sizeof ctx, "%s migrated at host time %llu", mover->v.name,
		 (unsigned long long)at);
	two(&t, mover);
	run_into(&t, at, ctx);
	host_info(t.h, &h0);
	mig_local_init(&l, &env);
	cr_assert(host_vm_migrate(t.h, 0, "here", po, &l.link, on_round, &seen, r, err, sizeof err),
		  "%s: %s (%s)", ctx, err, l.err);
	cr_assert(r->committed && l.target, "%s", ctx);
	cr_expect_eq(seen.rounds, r->rounds, "%s: each round told", ctx);
	cr_expect_eq(r->round[0].pages, r->memory_pages, "%s: round 1 sends all memory", ctx);
	host_info(t.h, &h1);
	if (r->end != PRECOPY_GUEST_STOPPED) {
		/* (Once every VM has stopped, the host's clock stops too.) */
		uint64_t precopy = r->total_cycles - r->downtime_cycles;
		cr_expect_geq(h1.now - h0.now, precopy, "%s: the host's clock passed %llu cycles in "
			      "%llu of pre-copy rounds", ctx, (unsigned long long)(h1.now - h0.now),
			      (unsigned long long)precopy);
	}
	cr_expect_gt(h1.now, h0.now, "%s: the host ran during the rounds", ctx);
	host_vm_info(t.h, 0, &vi);
	cr_expect(vi.migrated && vi.state == HOST_STOPPED, "%s: it left the host", ctx);
	cr_expect_str_eq(vi.moved_to, "here");
	cr_expect_eq(vm_retired(l.target), r->retired_stop, "%s: the target starts where it stopped",
		     ctx);
	/* Here it never runs again; the neighbour runs out. */
	retired = vm_retired(host_vm(t.h, 0));
	run_out(&t);
	cr_expect_eq(vm_retired(host_vm(t.h, 0)), retired, "%s: the stale copy ran", ctx);
	st_finish(l.target);
	src = ht_console(&t, 0);
	dst = vm_console(l.target, &n2);
	n1 = strlen(src);
	joined = malloc(n1 + n2 + 1);
	cr_assert(joined);
	memcpy(joined, src, n1);
	memcpy(joined + n1, dst, n2 + 1);
	solo = unmoved(mover);
	nsolo = alone(&t, 1);
	expect_console(joined, solo, ctx);
	expect_console(ht_console(&t, 1), nsolo, ctx);
	cr_expect(vm_vmm_intact(l.target), "%s: the target's monitor area", ctx);
	free(joined);
	free(solo);
	free(nsolo);
	mig_local_free(&l);
	ht_free(&t);
}

Test(host_move, a_vm_migrated_out_of_a_host_is_its_run_alone_in_every_mode)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct precopy_opts po = { 0 };

	for (int i = 0; i < NMOVERS; i++)
		migrated_out(&movers[i], 700000 + 450000 * (uint64_t)i, &po);
	/* No stop until the round limit: several rounds while the guest runs
	 * on, the host running its neighbour too. */
	po.bandwidth = 100ull * 1000000 / 8; /* round 1 spans several slices */
	po.stop_pages = 0;
	po.stop_pages_given = true;
	po.max_rounds = 3;
	migrated_out(&movers[1], 1000000, &po);
	cr_expect(res_live(), "trap: %u rounds (%s)", last.rounds, precopy_end_name(last.end));
	po.bandwidth = 0; /* the paged OS has more to send: the default, a gigabit */
	migrated_out(&movers[8], 1500000, &po);
	cr_expect(res_live(), "paged-bt: %u rounds (%s)", last.rounds, precopy_end_name(last.end));
}

/* The consolidated VM gets only its share of each round's time: against
 * the same VM migrated alone at the same point, its guest runs fewer
 * instructions during round 1, which lasts as long. */
Test(host_move, during_the_rounds_the_migrating_vm_gets_only_its_share)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	static struct precopy_result hosted, solo;
	struct ht t;
	struct snap_env env = { 0 };
	struct mig_local l;
	struct precopy_opts po = { .bandwidth = 50ull * 1000000 / 8 };
	struct vm *vm;
	char err[600];

	two(&t, &movers[1]);
	run_into(&t, 1000000, "trap");
	/* The same VM, alone, at the same instruction: a copy of it. */
	{
		struct snap_buf b = { 0 };
		st_save(host_vm(t.h, 0), &b);
		vm = st_restore(b.p, b.len);
		snap_buf_free(&b);
	}
	mig_local_init(&l, &env);
	cr_assert(host_vm_migrate(t.h, 0, "here", &po, &l.link, NULL, NULL, &hosted, err, sizeof err),
		  "%s", err);
	mig_local_free(&l);
	mig_local_init(&l, &env);
	cr_assert(precopy_migrate(vm, &po, &l.link, NULL, NULL, &solo), "%s", l.err);
	mig_local_free(&l);
	cr_expect_eq(hosted.round[0].cycles, solo.round[0].cycles, "round 1: the same bytes, as long");
	cr_expect_lt(hosted.round[0].insns, solo.round[0].insns * 3 / 4,
		     "hosted, the guest ran %llu instructions in round 1; alone %llu: it shares the "
		     "processor with its neighbour", (unsigned long long)hosted.round[0].insns,
		     (unsigned long long)solo.round[0].insns);
	vm_destroy(vm);
	ht_free(&t);
}

/* ---- hostile guests ------------------------------------------------------- */

/* A hostile fixture (tests/vmm/NAME.s) as the mover in every mode a host
 * runs: migrated mid-run out of its host, it ends on the target exactly
 * as it ends alone, and its neighbour is unharmed. */
static void hostile_moves(const char *fixture, enum vmm_mode mode, uint64_t steps)
{
	static struct precopy_result res;
	struct ht_vm vms[2] = {
		{ fixture, mode, fixture, NULL, NULL, 0, 0, 0, 0, steps, NULL },
		neighbour,
	};
	struct ht t;
	struct snap_env env = { .capture = true };
	struct mig_local l;
	struct vm_options o;
	struct image img;
	struct vm *ref;
	struct host_info hi;
	char ctx[160], err[600], *nsolo;

	snprintf(ctx, sizeof ctx, "%s under %s", fixture, vmm_mode_name(mode));
	ht_host(&t, vms, 2, NULL);
	host_run(t.h, 300000);
	vm_options_init(&o);
	o.capture = true;
	o.step_limit = steps;
	vt_assemble(fixture, &img);
	ref = vt_vm_image(&o, mode, &img);
	st_finish(ref);
	mig_local_init(&l, &env);
	{
		struct host_vm_info vi;
		host_vm_info(t.h, 0, &vi);
		if (vi.state == HOST_STOPPED) {
			/* It ended already (a triple fault): nothing to move. */
			cr_expect(!host_vm_migrate(t.h, 0, "here", &(struct precopy_opts){ 0 }, &l.link,
						   NULL, NULL, &res, err, sizeof err), "%s", ctx);
			cr_expect(strstr(err, "stopped"), "%s: %s", ctx, err);
			goto out;
		}
	}
	cr_assert(host_vm_migrate(t.h, 0, "here", &(struct precopy_opts){ 0 }, &l.link, NULL, NULL,
				  &res, err, sizeof err), "%s: %s (%s)", ctx, err, l.err);
	st_finish(l.target);
	cr_expect_eq(vm_retired(l.target), vm_retired(ref), "%s: %llu instructions, alone %llu", ctx,
		     (unsigned long long)vm_retired(l.target), (unsigned long long)vm_retired(ref));
	cr_expect_eq(vm_pc(l.target), vm_pc(ref), "%s: where it ended", ctx);
	cr_expect(vm_vmm_intact(l.target), "%s: the target's monitor area", ctx);
out:
	run_out(&t);
	nsolo = alone(&t, 1);
	expect_console(ht_console(&t, 1), nsolo, ctx);
	host_info(t.h, &hi);
	cr_expect(hi.vmm_intact, "%s: the host's monitor area", ctx);
	free(nsolo);
	mig_local_free(&l);
	vm_destroy(ref);
	image_free(&img);
	ht_free(&t);
}

Test(host_move, hostile_guests_migrate_out_of_a_host_in_every_mode)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	for (int m = 0; m < MODE_COUNT; m++) {
		if (m == MODE_BARE)
			continue; /* bare cannot be hosted */
		hostile_moves("hostile", (enum vmm_mode)m, 200000);
		hostile_moves("spin", (enum vmm_mode)m, 400000);
		hostile_moves("triple", (enum vmm_mode)m, 200000);
	}
}

/* ---- refused ------------------------------------------------------------- */

static void one_line(const char *err, const char *want, const char *ctx)
{
	cr_expect(strstr(err, want), "%s: wanted \"%s\" in: %s", ctx, want, err);
	cr_expect(!strchr(err, '\n') && strlen(err) > 10, "%s: not one line: %s", ctx, err);
}

Test(host_move, snapshots_of_another_place_or_aimed_at_a_neighbour_are_refused)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct ht t;
	struct snap_buf b0 = { 0 }, b1 = { 0 }, solo = { 0 };
	struct vm *lone, *v1;
	struct snap_buf before1 = { 0 };
	char err[600] = "";
	long at;

	two(&t, &movers[1]);
	run_into(&t, 1000000, "trap");
	v1 = host_vm(t.h, 1);
	st_save(host_vm(t.h, 0), &b0);
	st_save(v1, &b1);
	lone = st_vm(st_config("trap"));
	vm_run(lone, 300000);
	st_save(lone, &solo);
	vm_destroy(lone);

	/* A VM alone lies elsewhere: refused, nothing changed. */
	cr_expect(!host_vm_restore(t.h, 0, solo.p, solo.len, err, sizeof err));
	one_line(err, "elsewhere", "a solo snapshot");
	/* The neighbour's snapshot is of another place. */
	cr_expect(!host_vm_restore(t.h, 0, b1.p, b1.len, err, sizeof err));
	one_line(err, "snapshot of another machine", "the neighbour's snapshot");
	/* Truncated. */
	cr_expect(!host_vm_restore(t.h, 0, b0.p, b0.len / 2, err, sizeof err));
	cr_expect(err[0], "a truncated snapshot");
	st_save(v1, &before1);
	/* Hand-made, its checksum right: a page of the neighbour's region in
	 * place of one of its own. Refused; the neighbour's memory as it was. */
	at = st_section_at(&b0, SNAP_TAG('M', 'E', 'M', 'P'));
	cr_assert_geq(at, 0);
	{
		struct host_vm_info vi;
		uint32_t page;
		host_vm_info(t.h, 1, &vi);
		page = vi.region_base / SNAP_PAGE;
		memcpy(b0.p + at + 4, &page, 4);
		st_fix_crc(&b0);
	}
	cr_expect(!host_vm_restore(t.h, 0, b0.p, b0.len, err, sizeof err));
	one_line(err, "is not one of this VM's", "a page of the neighbour's");
	{
		struct snap_buf after1 = { 0 };
		st_save(v1, &after1);
		cr_expect(after1.len == before1.len && !memcmp(after1.p, before1.p, after1.len),
			  "the neighbour changed");
		snap_buf_free(&after1);
	}
	{
		struct host_vm_info vi;
		host_vm_info(t.h, 0, &vi);
		cr_expect_eq(vi.state, HOST_STOPPED, "the half-loaded VM is stopped");
		cr_expect(!vi.migrated);
	}
	/* The neighbour runs on to its own end. */
	run_out(&t);
	{
		char *nsolo = alone(&t, 1);
		expect_console(ht_console(&t, 1), nsolo, "beside a refused snapshot");
		free(nsolo);
	}
	snap_buf_free(&b0);
	snap_buf_free(&b1);
	snap_buf_free(&solo);
	snap_buf_free(&before1);
	ht_free(&t);
}

Test(host_move, moves_a_vm_cannot_make_are_refused_in_one_line)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	static struct precopy_result res;
	struct ht t;
	struct snap_env env = { 0 };
	struct mig_local l;
	struct precopy_opts po = { 0 };
	struct snap_buf b = { 0 };
	char err[600] = "";

	two(&t, &movers[1]);
	run_into(&t, 1000000, "trap");
	st_save(host_vm(t.h, 0), &b);
	cr_expect(!host_vm_movable(t.h, 5, err, sizeof err));
	one_line(err, "no VM 5", "no such VM");
	cr_expect(!host_vm_restore(t.h, -1, b.p, b.len, err, sizeof err));
	one_line(err, "no VM -1", "no such VM");
	mig_local_init(&l, &env);
	cr_assert(host_vm_migrate(t.h, 0, "127.0.0.1:1", &po, &l.link, NULL, NULL, &res, err,
				  sizeof err), "%s", err);
	/* Gone: it cannot leave again, nor be saved. */
	cr_expect(!host_vm_migrate(t.h, 0, "x", &po, &l.link, NULL, NULL, &res, err, sizeof err));
	one_line(err, "migrated to 127.0.0.1:1", "migrating twice");
	cr_expect(!host_vm_movable(t.h, 0, err, sizeof err));
	one_line(err, "runs there now", "saving a VM that left");
	/* But its snapshot brings it back, its memory being free. */
	cr_expect(host_vm_restore(t.h, 0, b.p, b.len, err, sizeof err), "%s", err);
	{
		struct host_vm_info vi;
		host_vm_info(t.h, 0, &vi);
		cr_expect(!vi.migrated && vi.state == HOST_RUNNABLE, "back on the host");
	}
	run_out(&t);
	{
		char *solo = alone(&t, 0);
		expect_console(ht_console(&t, 0), solo, "migrated away and restored back");
		free(solo);
	}
	mig_local_free(&l);
	snap_buf_free(&b);
	ht_free(&t);
}

/* A link lost mid-migration, or a target that never commits: the VM runs
 * on in its host, unharmed, and prints what it prints alone. */
Test(host_move, a_broken_link_leaves_the_vm_running_on_its_host_unharmed)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	static struct precopy_result res;
	static const size_t cuts[] = { 0, 100, 70000, (size_t)1 << 30 };
	struct precopy_opts po = { 0 };

	for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
		struct ht t;
		struct st_bad_link k = { cuts[c], true };
		struct mig_link link = { &k, st_bad_send, st_bad_commit, NULL };
		struct host_vm_info vi;
		char err[600] = "", *solo;

		two(&t, &movers[4]);
		run_into(&t, 1200000, "bt");
		cr_expect(!host_vm_migrate(t.h, 0, "nowhere", &po, &link, NULL, NULL, &res, err,
					   sizeof err), "cut after %zu bytes", cuts[c]);
		one_line(err, "runs on here", "a broken link");
		host_vm_info(t.h, 0, &vi);
		cr_expect(!vi.migrated && vi.state != HOST_STOPPED, "cut after %zu: it stays", cuts[c]);
		run_out(&t);
		solo = unmoved(&movers[4]);
		expect_console(ht_console(&t, 0), solo, "after a broken link");
		free(solo);
		ht_free(&t);
	}
}
