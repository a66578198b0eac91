/*
 * tests/reverse_test.c: going back in a recorded run is exact, in every mode.
 * Owns: vmm/history.h: a run of the guest OS recorded to its end, then sent
 *       back to points chosen at random, is in exactly the state of a fresh
 *       run stopped at the same step (the whole snapshot, byte for byte: the
 *       real CPU, the virtual CPU, memory, devices, the monitor's state and
 *       statistics, the console); a step back lands on the step a fresh run
 *       takes just before; running on from a point gone back to ends where
 *       the recorded run ended, recording nothing new; console input typed
 *       at a step, with the guest idle waiting for it or not, and a
 *       debugger's writes are given again at their steps, and something new
 *       typed in the past forgets the recorded future; the start says so;
 *       the memory bound holds.
 * Not:  the monitor's reverse commands (mon_reverse_test.c); snapshots
 *       themselves (snapshot_test.c).
 *
 * The points are random but repeatable: each mode's are drawn from a seed
 * made of its name, printed when a point fails.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "history.h"
#include "snap/snaptest.h"

enum { POINTS = 6 };

/* xorshift64*: the points' random numbers, from a seed. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static uint64_t seed_of(const char *name)
{
	uint64_t h = 1469598103934665603ull;
	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 1099511628211ull;
	return h | 1;
}

/* A fresh run's way to step p (or the first stop point after it): whole
 * runs while far, single steps when near, as a debugger's user would. */
static void fresh_to(struct vm *vm, uint64_t p)
{
	while (vm_position(vm) < p) {
		uint64_t gap = p - vm_position(vm);
		enum cpu_stop s = gap > 64 ? vm_run(vm, gap / 2) : vm_step(vm);
		if (s != STOP_LIMIT || vm_at_step_limit(vm))
			break;
	}
}

static struct vm *recorded(const struct st_config *c, const struct vm_history_options *o)
{
	struct vm *x = st_vm(c);
	char err[256];

	cr_assert(vm_history_start(x, o, err, sizeof err), "%s: %s", c->name, err);
	return x;
}

/* Random points of c's recorded run: each gone back to, compared with a
 * fresh run stopped there; one step back from it, compared with the fresh
 * run's step before; and, from the last, the rest of the run again. */
static void exact_config(const struct st_config *c, const struct vm_history_options *o,
			 uint64_t min_steps)
{
	const char *name = c->name;
	struct vm *x = recorded(c, o), *end = st_vm(c);
	uint64_t seed = seed_of(name), n;
	struct vm_history_info before, after;
	char err[256], ctx[160];

	st_finish(x);
	st_finish(end);
	st_expect_same(end, x, "recording changed nothing");
	n = vm_position(x);
	cr_assert_gt(n, min_steps, "%s: only %llu steps", name, (unsigned long long)n);
	vm_history_info(x, &before);
	for (int i = 0; i < POINTS; i++) {
		uint64_t want = before.first + next_random(&seed) % (n - before.first), p, q;
		struct vm *f = st_vm(c), *g = st_vm(c);

		fresh_to(f, want);
		p = vm_position(f);
		snprintf(ctx, sizeof ctx, "%s: back to step %llu (seed %llx, point %d)", name,
			 (unsigned long long)p, (unsigned long long)seed_of(name), i);
		cr_assert(vm_history_goto(x, p, err, sizeof err), "%s: %s", ctx, err);
		cr_assert_eq(vm_position(x), p, "%s", ctx);
		st_expect_same(f, x, ctx);
		if (p > before.first) {
			cr_assert(vm_history_back(x, err, sizeof err), "%s: %s", ctx, err);
			q = vm_position(x);
			fresh_to(g, q);
			cr_expect_eq(vm_position(g), q, "%s: the step back, %llu, is no stop point",
				     ctx, (unsigned long long)q);
			snprintf(ctx, sizeof ctx, "%s: one step back from %llu to %llu", name,
				 (unsigned long long)p, (unsigned long long)q);
			st_expect_same(g, x, ctx);
			vm_step(g);
			cr_expect_eq(vm_position(g), p, "%s: a step from %llu goes to %llu", ctx,
				     (unsigned long long)q, (unsigned long long)vm_position(g));
		}
		vm_destroy(f);
		vm_destroy(g);
	}
	/* On from the last point: the recorded run's end, and nothing new. */
	st_finish(x);
	st_expect_same(end, x, "run on after going back");
	vm_history_info(x, &after);
	cr_expect_eq(after.frontier, before.frontier);
	cr_expect_eq(after.traps_logged, before.traps_logged);
	cr_expect_leq(after.bytes, after.max_bytes, "%s: %llu bytes kept, %llu checkpoints", name,
		      (unsigned long long)after.bytes, (unsigned long long)after.checkpoints);
	vm_destroy(x);
	vm_destroy(end);
}

static void exact_within(const char *name, const struct vm_history_options *o)
{
	exact_config(st_config(name), o, 1000);
}

static void exact_at_random_points(const char *name)
{
	exact_within(name, NULL);
}

/* Hostile guests of tests/vmm/, in every mode that runs them: code that
 * rewrites itself (what bt's and patch's caches hold goes back too),
 * reaches outside the region (faults the guest handles). Checkpoints every
 * 500 steps, so that the points fall between several. (Not yet pt_live.s:
 * a paged run cut into pieces leaves other entries in the real TLB than
 * one run does, which the whole-state comparison sees: cpu/exec*.c's
 * resync refills the pc's page.) */
static void hostile_in_every_mode(const char *kernel)
{
	static const enum vmm_mode modes[] = { MODE_BARE, MODE_EMULATE, MODE_TRAP, MODE_HYBRID,
					       MODE_PATCH, MODE_BT, MODE_HW };
	struct vm_history_options o = { .interval = 500 };

	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		char name[64];
		struct st_config c = { .mode = modes[i], .kernel = kernel, .fixture = true,
				       .nonvirt = modes[i] == MODE_PATCH || modes[i] == MODE_BT ? "" : NULL,
				       .limit = 3000000 };
		snprintf(name, sizeof name, "%s-%s", kernel, vmm_mode_name(modes[i]));
		c.name = name;
		exact_config(&c, &o, 20);
	}
}

Test(reverse, exact_with_self_modifying_code)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	hostile_in_every_mode("smc");
}
Test(reverse, exact_reaching_outside_the_region)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	hostile_in_every_mode("hostile");
}


/* A bound far below what the run's checkpoints take: fewer, further apart
 * (the oldest given up), and still exact at every point kept. */
Test(reverse, exact_within_a_small_memory_bound)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct vm_history_options o = { .max_bytes = VM_HISTORY_MIN_MEM, .interval = 5000 };
	struct vm_history_info i;
	struct vm *x = recorded(st_config("trap"), &o);

	st_finish(x);
	vm_history_info(x, &i);
	cr_expect_leq(i.bytes, i.max_bytes, "%llu bytes kept", (unsigned long long)i.bytes);
	cr_expect_gt(i.interval, 5000, "the interval never grew (%llu)", (unsigned long long)i.interval);
	vm_destroy(x);
	exact_within("trap", &o);
	/* A paged guest's checkpoint is larger (its tables, the pool's): a
	 * bound of three of them. */
	o.max_bytes = 3 * VM_HISTORY_MIN_MEM;
	exact_within("paged-hw-modern", &o);
}

/* Going back from where nothing ran says so, and changes nothing. */
Test(reverse, nothing_before_the_first_instruction)
{
	struct vm *x = recorded(st_config("trap"), NULL);
	char err[256] = "";

	cr_expect(!vm_history_back(x, err, sizeof err));
	cr_expect(strstr(err, "no instruction has run yet"), "%s", err);
	cr_expect_eq(vm_position(x), 0);
	vm_destroy(x);
}

Test(reverse, exact_in_bare_mode)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_random_points("bare");
}
Test(reverse, exact_under_emulation)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_random_points("emulate");
}
Test(reverse, exact_under_trap_and_emulate)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_random_points("trap");
}
Test(reverse, exact_under_the_hybrid_monitor)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_random_points("hybrid");
}
Test(reverse, exact_under_code_patching)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_random_points("patch");
}
Test(reverse, exact_under_binary_translation)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_random_points("bt");
}
Test(reverse, exact_with_a_translation_cache_that_flushes)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_random_points("bt-1k");
}
Test(reverse, exact_under_hardware_assist)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_random_points("hw");
}
Test(reverse, exact_under_paravirtualisation)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_random_points("pv");
}
Test(reverse, exact_with_shadow_page_tables)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_random_points("paged-trap");
}
Test(reverse, exact_with_shadows_under_bt)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_random_points("paged-bt");
}
Test(reverse, exact_with_shadows_under_hybrid)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_random_points("paged-hybrid");
}
Test(reverse, exact_with_shadows_under_early_vtx)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_random_points("paged-hw-early");
}
Test(reverse, exact_with_nested_paging)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_random_points("paged-hw-modern");
}
Test(reverse, exact_with_direct_paging)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_random_points("paged-pv");
}
Test(reverse, exact_paged_bare)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_random_points("paged-bare");
}
Test(reverse, exact_across_fork_and_wait)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_random_points("forkwait-trap");
}
Test(reverse, exact_with_console_input_queued)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_random_points("echo-trap");
}
