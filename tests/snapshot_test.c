/*
 * tests/snapshot_test.c: snapshots are exact, in every mode.
 * Owns: a run saved at any point and resumed in a fresh VM ends in exactly
 *       the state of the run never stopped (registers, memory, devices,
 *       the monitor's state and statistics: the whole snapshot, byte for
 *       byte); the same at many points in a row, and going back in one VM;
 *       the awkward points (inside a translated block, with the shadows'
 *       cache full, a disk interrupt pending, console input half read, the
 *       translation cache flushed between).
 * Not:  bad snapshots (snapshot_bad_test.c); the command line (snapshot_cli_test.c).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snap/snaptest.h"
#include "vmm/vmtest.h"

/* A run of c to its end, and its length in instructions. */
static struct vm *reference(const struct st_config *c, uint64_t *n)
{
	struct vm *a = st_vm(c);

	st_finish(a);
	*n = vm_retired(a);
	cr_assert_gt(*n, 1000, "%s: the guest ran %llu instructions", c->name, (unsigned long long)*n);
	return a;
}

/* Save a fresh run of c at instruction k, resume it in a new VM, run that
 * to the end: the uninterrupted run's state, to the byte. */
static void save_at_and_finish(const struct st_config *c, const struct vm *a, uint64_t k)
{
	struct snap_buf b = { 0 };
	struct vm *x = st_vm(c), *y;
	char ctx[128];

	vm_run(x, k);
	cr_assert_eq(vm_retired(x), k);
	st_save(x, &b);
	vm_destroy(x);
	y = st_restore(b.p, b.len);
	cr_assert_eq(vm_retired(y), k);
	st_finish(y);
	snprintf(ctx, sizeof ctx, "%s saved at %llu", c->name, (unsigned long long)k);
	st_expect_same(a, y, ctx);
	vm_destroy(y);
	snap_buf_free(&b);
}

static void exact_at_points(const char *name)
{
	const struct st_config *c = st_config(name);
	uint64_t n;
	struct vm *a = reference(c, &n);
	/* Spread over the run, with a few odd offsets (not block aligned). */
	uint64_t points[] = { 1, n / 9 + 3, n / 3 + 17, n / 2 + 1, 2 * n / 3 + 5, n - 7, n };

	for (size_t i = 0; i < sizeof points / sizeof points[0]; i++)
		save_at_and_finish(c, a, points[i]);
	vm_destroy(a);
}

Test(snapshot, exact_in_bare_mode)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_points("bare");
}
Test(snapshot, exact_under_emulation)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_points("emulate");
}
Test(snapshot, exact_under_trap_and_emulate)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_points("trap");
}
Test(snapshot, exact_under_the_hybrid_monitor)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_points("hybrid");
}
Test(snapshot, exact_under_code_patching)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_points("patch");
}
Test(snapshot, exact_under_binary_translation)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_points("bt");
}
Test(snapshot, exact_with_a_translation_cache_that_flushes)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_points("bt-1k");
}
Test(snapshot, exact_under_hardware_assist)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_points("hw");
}
Test(snapshot, exact_under_paravirtualisation)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_points("pv");
}
Test(snapshot, exact_with_shadow_page_tables)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_points("paged-trap");
}
Test(snapshot, exact_with_shadows_under_bt)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_points("paged-bt");
}
Test(snapshot, exact_with_shadows_under_hybrid)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_points("paged-hybrid");
}
Test(snapshot, exact_with_shadows_under_early_vtx)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_points("paged-hw-early");
}
Test(snapshot, exact_with_nested_paging)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_points("paged-hw-modern");
}
Test(snapshot, exact_with_direct_paging)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_points("paged-pv");
}
Test(snapshot, exact_paged_bare)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_points("paged-bare");
}
Test(snapshot, exact_with_console_input)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_points("echo-trap");
}
Test(snapshot, exact_with_more_spaces_than_shadows)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	exact_at_points("spaces-trap");
}

/* Random points in a row, each resumed from the last one's snapshot: at
 * every one, the whole state is a fresh run's stopped there. */
static void chained(const char *name, unsigned seed)
{
	const struct st_config *c = st_config(name);
	uint64_t n;
	struct vm *a = reference(c, &n), *fresh = st_vm(c), *cur = st_vm(c);
	struct snap_buf b = { 0 };
	char ctx[128];

	vm_destroy(a);
	srand(seed);
	for (uint64_t at = 0; at < n;) {
		uint64_t step = 1 + (uint64_t)rand() % (n / 6 + 1);
		struct vm *next;
		if (rand() % 4 == 0)
			step = 1 + (uint64_t)rand() % 40; /* a few close together */
		at = at + step < n ? at + step : n;
		vm_run(fresh, at - vm_retired(fresh));
		vm_run(cur, at - vm_retired(cur));
		st_save(cur, &b);
		next = st_restore(b.p, b.len);
		vm_destroy(cur);
		cur = next;
		snprintf(ctx, sizeof ctx, "%s at %llu (seed %u)", name, (unsigned long long)at, seed);
		st_expect_same(fresh, cur, ctx);
	}
	vm_destroy(fresh);
	vm_destroy(cur);
	snap_buf_free(&b);
}

Test(snapshot, random_points_in_a_row_match_a_fresh_run_in_every_mode)
{
	alarm(600); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	static const char *const names[] = { "bare", "emulate", "trap", "hybrid", "patch", "bt", "hw",
					     "pv", "paged-hw-modern", "paged-pv", "paged-bt" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		chained(names[i], 1234 + (unsigned)i);
}

/* A debugger going back: the same VM loaded with an earlier snapshot runs
 * on as if it had never gone further (history left out of the snapshot:
 * what the console captured since is forgotten). */
static void back_in_one_vm(const char *name)
{
	const struct st_config *c = st_config(name);
	uint64_t n;
	struct vm *vm = reference(c, &n), *fresh = st_vm(c);
	struct snap_buf early = { 0 };
	char err[512], ctx[128];
	uint64_t k1 = n / 5, k2 = n / 3;

	vm_destroy(vm);
	vm = st_vm(c);
	vm_run(vm, k1);
	cr_assert(vm_snapshot_save(vm, &early, 0));
	vm_run(vm, n / 2);
	cr_assert(vm_snapshot_restore(vm, early.p, early.len, err, sizeof err), "%s", err);
	cr_assert_eq(vm_retired(vm), k1, "%s: back at %llu", name, (unsigned long long)vm_retired(vm));
	vm_run(vm, k2 - k1);
	vm_run(fresh, k2);
	snprintf(ctx, sizeof ctx, "%s back to %llu, on to %llu", name, (unsigned long long)k1,
		 (unsigned long long)k2);
	st_expect_same(fresh, vm, ctx);
	st_finish(vm);
	st_finish(fresh);
	st_expect_same(fresh, vm, name);
	vm_destroy(vm);
	vm_destroy(fresh);
	snap_buf_free(&early);
}

Test(snapshot, going_back_in_the_same_vm_is_exact)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	static const char *const names[] = { "bare", "trap", "patch", "bt", "bt-1k", "hw", "pv",
					     "paged-trap", "paged-hw-modern", "paged-pv", "echo-trap" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		back_in_one_vm(names[i]);
}

/* Step c until pred holds (at most limit instructions), then save there
 * and check the resumed run against a reference. True when found. */
static bool save_where(const char *name, bool (*pred)(struct vm *), uint64_t from, uint64_t limit)
{
	const struct st_config *c = st_config(name);
	uint64_t n;
	struct vm *a = reference(c, &n), *x = st_vm(c);
	bool found = false;

	vm_run(x, from);
	while (vm_retired(x) < from + limit && !(found = pred(x)))
		if (vm_step(x) != STOP_LIMIT)
			break;
	if (found)
		save_at_and_finish(c, a, vm_retired(x));
	vm_destroy(x);
	vm_destroy(a);
	return found;
}

static bool disk_pending(struct vm *vm)
{
	return vm_devices(vm)->disk.status == DISK_DONE; /* done, not yet acknowledged */
}

static bool input_half_read(struct vm *vm)
{
	uint32_t left = vm_devices(vm)->con.in_len;
	return left > 0 && left < strlen(st_config("echo-trap")->input) - 3;
}

static bool shadows_evicted(struct vm *vm)
{
	struct vm_stats s;
	vm_get_stats(vm, &s);
	return s.mmu.evictions > 0;
}

static bool bt_flushed(struct vm *vm)
{
	struct vm_stats s;
	vm_get_stats(vm, &s);
	return s.bt.flushes > 2 && vm_psw(vm) & PSW_S;
}

Test(snapshot, exact_with_a_disk_interrupt_pending)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	cr_assert(save_where("trap", disk_pending, 0, 2000000), "the disk never had a request done");
	cr_assert(save_where("hw", disk_pending, 0, 2000000));
}

Test(snapshot, exact_with_console_input_half_read)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	cr_assert(save_where("echo-trap", input_half_read, 0, 3000000), "echo never read half its input");
}

Test(snapshot, exact_once_the_shadow_cache_has_evicted)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	cr_assert(save_where("spaces-trap", shadows_evicted, 0, 100000),
		  "twelve address spaces never filled the shadows' cache");
	cr_assert(save_where("spaces-hw-early", shadows_evicted, 30000, 100000));
}

Test(snapshot, exact_after_translation_cache_flushes)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	cr_assert(save_where("bt-1k", bt_flushed, 100000, 2000000), "the 1 KiB cache never flushed");
}

/* ---- inside a translated block ------------------------------------------- */

/* Where the translator stands, read from the BTTC section of a snapshot:
 * the guest inside a block (not at its exit, not at its first word). */
static bool mid_block(const struct vm *vm)
{
	struct snap_buf b = { 0 };
	size_t at = SNAP_HEADER_BYTES;
	bool mid = false;

	cr_assert(vm_snapshot_save(vm, &b, 0));
	while (at + SNAP_SECTION_HEAD <= b.len) {
		uint32_t tag, len, nwords, n, cur;
		memcpy(&tag, b.p + at, 4);
		memcpy(&len, b.p + at + 4, 4);
		if (tag == SNAP_TAG('B', 'T', 'T', 'C')) {
			const uint8_t *p = b.p + at + SNAP_SECTION_HEAD, *end = p + len, *blk;
			uint32_t pc = 0;
			/* From the end: cur_delivered, cur_retired, cur_pc, at_exit, the
			 * adaptive map, its word count; then cur's number. */
			uint32_t cur_pc;
			memcpy(&cur_pc, end - 20, 4);
			uint8_t at_exit = *(end - 21);
			nwords = vm_memory(vm)->size / 4;
			const uint8_t *q = end - 21 - 4 * (nwords / 32 + 1) - 4 - 4;
			memcpy(&cur, q, 4);
			memcpy(&n, p + 32, 4);
			blk = p + 36;
			for (uint32_t i = 0; i < n && i <= cur && cur != (uint32_t)-1; i++) {
				uint16_t w;
				memcpy(&pc, blk, 4);
				memcpy(&w, blk + 4, 2);
				if (i == cur)
					break;
				blk += 30 + 4 * (size_t)w;
			}
			mid = cur != (uint32_t)-1 && !at_exit && cur_pc != pc && cur_pc == vm_pc(vm);
			break;
		}
		at += SNAP_SECTION_HEAD + len;
	}
	snap_buf_free(&b);
	return mid;
}

Test(snapshot, exact_when_saved_inside_a_translated_block)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	const struct st_config *c = st_config("bt");
	uint64_t n;
	struct vm *a = reference(c, &n), *x = st_vm(c);
	int inside = 0;

	/* Kernel code runs as translated blocks: stop at every instruction of
	 * a stretch of it and resume from each stop that is inside one. The
	 * stretch is looked for over a few thousand instructions, so that a
	 * kernel a little longer or shorter (it boots in more or fewer
	 * instructions) still has one. */
	vm_run(x, 150000);
	for (int i = 0; i < 4000 && inside < 12; i++) {
		vm_run(x, 1);
		if (mid_block(x)) {
			inside++;
			save_at_and_finish(c, a, vm_retired(x));
		}
	}
	cr_expect_geq(inside, 12, "only %d stops inside a translated block", inside);
	vm_destroy(x);
	vm_destroy(a);
}

/* ---- hostile guests -------------------------------------------------------- */

/* A guest that reaches outside its memory, floods the console past its
 * limit, spins with interrupts off or triple-faults, saved and resumed at
 * points through its run in every mode: the run it would have been, and
 * the monitor's memory untouched. */
static void hostile_in(const char *fixture, enum vmm_mode mode, uint64_t limit, uint64_t max_output)
{
	struct vm_options o;
	struct image img;
	struct vm *a, *x, *y;
	struct snap_buf b = { 0 };
	char ctx[128];
	uint64_t n;

	vt_assemble(fixture, &img);
	vm_options_init(&o);
	o.step_limit = limit;
	o.max_output = max_output;
	a = vt_vm_image(&o, mode, &img);
	st_finish(a);
	n = vm_retired(a);
	for (uint64_t k = 1; k < n; k += n / 5 + 1) {
		x = vt_vm_image(&o, mode, &img);
		vm_run(x, k);
		st_save(x, &b);
		vm_destroy(x);
		y = st_restore(b.p, b.len);
		cr_expect(vm_vmm_intact(y), "%s in %s: the monitor's memory changed", fixture,
			  vmm_mode_name(mode));
		st_finish(y);
		snprintf(ctx, sizeof ctx, "%s in %s, saved at %llu", fixture, vmm_mode_name(mode),
			 (unsigned long long)k);
		st_expect_same(a, y, ctx);
		cr_expect(vm_vmm_intact(y), "%s", ctx);
		vm_destroy(y);
	}
	vm_destroy(a);
	image_free(&img);
	snap_buf_free(&b);
}

Test(snapshot, hostile_guests_resume_exactly_in_every_mode)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	for (int m = 0; m < MODE_COUNT; m++) {
		hostile_in("hostile", (enum vmm_mode)m, 100000, 0);
		hostile_in("flood", (enum vmm_mode)m, 50000, 1000);
		hostile_in("spin", (enum vmm_mode)m, 30000, 0);
		hostile_in("triple", (enum vmm_mode)m, 100000, 0);
	}
}
