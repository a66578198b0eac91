/*
 * tests/vmm_bt_test.c: binary translation (vmm/bt.c, vmm/bt_cache.c).
 * Owns: the translation cache on its own; self-modifying code invalidating
 *       translations; a cache small enough to be flushed; callouts taking
 *       every sensitive kernel instruction, trapping or not; the statistics;
 *       runs in pieces; random guests; the guest OS under bt, with and
 *       without --nonvirt, and the one place it can still be seen through.
 * Not:  the matrix (vmm_matrix_test.c); code patching (vmm_patch_test.c).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bt_cache.h"
#include "vmm/vmtest.h"

static unsigned nonvirt_of(const char *spec)
{
	const char *bad = NULL;
	int mask = spec ? cpu_parse_nonvirt(spec, &bad) : 0;
	cr_assert_geq(mask, 0, "nonvirt spec %s", spec);
	return (unsigned)mask;
}

static void options(struct vm_options *o, const char *nonvirt)
{
	vm_options_init(o);
	o->nonvirt = nonvirt_of(nonvirt);
	o->step_limit = 100000;
}

/* Run a fixture to its halt under mode m; its halt code and statistics. */
static uint32_t halt_code(const char *fixture, enum vmm_mode m, const struct vm_options *o,
			  struct vm_stats *s)
{
	struct image img;
	struct vm *vm;
	uint32_t code = 0;

	vt_assemble(fixture, &img);
	vm = vt_vm_image(o, m, &img);
	cr_assert_eq(vm_run(vm, UINT64_MAX), STOP_HALT, "%s under %s", fixture, vmm_mode_name(m));
	vm_halted(vm, &code);
	if (s)
		vm_get_stats(vm, s);
	cr_expect(vm_vmm_intact(vm));
	vm_destroy(vm);
	image_free(&img);
	return code;
}

static bool fixture_equivalent(const char *fixture, const struct vm_options *o, enum vmm_mode m)
{
	struct image img;
	struct vmm_divergence d;
	bool same;

	vt_assemble(fixture, &img);
	same = vt_equivalent(o, MODE_BARE, m, vt_load_image, &img, &d);
	cr_expect(same, "%s: bare and %s differ after %llu instructions (%s) at pc 0x%x",
		  fixture, vmm_mode_name(m), (unsigned long long)d.index, d.what ? d.what : "?", d.pc);
	cr_expect_eq(d.ntraces, 0, "bt leaves no traces");
	vmm_divergence_free(&d);
	image_free(&img);
	return same;
}

Test(bt, the_cache_finds_fills_drops_and_flushes)
{
	struct bt_cache tc;
	struct bt_block *b, *c;
	int n = 0;

	cr_assert(bt_cache_init(&tc, 1024));
	b = bt_cache_alloc(&tc, 0x40, 4);
	cr_assert_not_null(b);
	b->valid = true;
	cr_expect_eq(bt_cache_find(&tc, 0x40), b);
	cr_expect_null(bt_cache_find(&tc, 0x44));
	bt_cache_drop(&tc, b);
	cr_expect(!b->valid);
	cr_expect_null(bt_cache_find(&tc, 0x40), "a dropped block is not found");
	/* Fill it: a block that does not fit is refused, nothing else changes. */
	while ((c = bt_cache_alloc(&tc, 0x1000 + 4u * (uint32_t)n, 32)))
		n++;
	cr_expect_gt(n, 1);
	cr_expect_leq(tc.used, tc.size);
	cr_expect_eq(tc.peak, tc.used);
	cr_expect_not_null(bt_cache_find(&tc, 0x1000));
	bt_cache_flush(&tc);
	cr_expect_eq(tc.used, 0);
	cr_expect_eq(tc.flushes, 1);
	cr_expect_null(bt_cache_find(&tc, 0x1000), "a flush forgets every block");
	cr_expect_leq(bt_cache_block_size(32), (size_t)VM_MIN_TC, "the smallest cache holds any block");
	bt_cache_free(&tc);
}

/* The proof: a write to translated code invalidates it. */
Test(bt, self_modifying_code_runs_the_new_code)
{
	struct vm_options o;
	struct vm_stats s;

	for (int k = 0; k < 2; k++) {
		options(&o, k ? "x86" : NULL);
		cr_expect_eq(halt_code("smc", MODE_BARE, &o, NULL), 15);
		cr_expect_eq(halt_code("smc", MODE_BT, &o, &s), 15,
			     "a stale translation gives 11 (nonvirt %s)", k ? "x86" : "none");
		cr_expect_geq(s.bt.invalidated, 3, "three writes to translated code: %llu",
			      (unsigned long long)s.bt.invalidated);
		fixture_equivalent("smc", &o, MODE_BT);
	}
	/* Trap-and-emulate with getpsw silent: the contrast. */
	options(&o, "getpsw");
	cr_expect_eq(halt_code("smc", MODE_TRAP, &o, NULL), 6);
}

Test(bt, new_code_is_translated_on_first_execution)
{
	struct vm_options o;

	options(&o, "getpsw");
	cr_expect_eq(halt_code("newcode", MODE_BT, &o, NULL), 1);
	fixture_equivalent("newcode", &o, MODE_BT);
}

/* No traces: the translation lives in the cache, not in guest memory. */
Test(bt, the_guest_reads_its_own_code)
{
	struct vm_options o;

	options(&o, "x86");
	cr_expect_eq(halt_code("readcode", MODE_BT, &o, NULL), 102);
	fixture_equivalent("readcode", &o, MODE_BT);
}

/* Every flagged instruction, run by the kernel, is a callout: where
 * trap-and-emulate diverges (vmm_nonvirt_test.c), bt does not. */
Test(bt, each_flagged_kernel_instruction_becomes_a_callout)
{
	static const char *const names[] = { "getpsw", "setpsw", "getbase", "rfe", "jru" };

	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		char fixture[32];
		struct image img;
		struct vm_options o;
		struct vm *vm;
		struct vm_stats s;

		snprintf(fixture, sizeof fixture, "nonvirt_%s", names[k]);
		options(&o, names[k]);
		fixture_equivalent(fixture, &o, MODE_BT);
		vt_assemble(fixture, &img);
		vm = vt_vm_image(&o, MODE_BT, &img);
		vm_run(vm, UINT64_MAX);
		vm_get_stats(vm, &s);
		cr_expect_gt(s.bt.callouts, 0, "%s", names[k]);
		cr_expect_eq(s.bt.callouts, s.emulated, "a callout is an emulated instruction");
		cr_expect_eq(s.exits_by_cause[CAUSE_PRIV], s.guest_traps[CAUSE_PRIV],
			     "%s: the kernel's privileged instructions never trap", names[k]);
		vm_destroy(vm);
		image_free(&img);
	}
}

Test(bt, everything_guest_statistics_add_up)
{
	struct image img;
	struct vm_options o;
	struct vm_stats bare, s;
	char disk[64];
	struct vm *vm;

	vt_assemble("everything", &img);
	vt_everything_options(&o, disk);
	for (int k = 0; k < 2; k++) {
		o.nonvirt = nonvirt_of(k ? "x86" : NULL);
		fixture_equivalent("everything", &o, MODE_BT);
		vm = vt_vm_image(&o, MODE_BARE, &img);
		cr_assert_eq(vm_run(vm, UINT64_MAX), STOP_HALT);
		vm_get_stats(vm, &bare);
		vm_destroy(vm);
		vm = vt_vm_image(&o, MODE_BT, &img);
		cr_assert_eq(vm_run(vm, UINT64_MAX), STOP_HALT);
		vm_get_stats(vm, &s);
		cr_expect(vm_vmm_intact(vm));
		vm_destroy(vm);
		cr_expect_eq(s.retired, bare.retired);
		cr_expect_eq(s.guest_cycles, bare.cycles, "the guest's own work costs what it does bare");
		cr_expect_eq(s.native + s.translated + s.emulated + s.interpreted, s.retired);
		cr_expect_gt(s.native, 0, "user code runs directly");
		cr_expect_gt(s.translated, 0, "kernel code runs translated");
		cr_expect_eq(s.interpreted, 0);
		cr_expect_gt(s.bt.blocks, 0);
		cr_expect_geq(s.bt.entries, s.bt.blocks);
		cr_expect_eq(s.bt.entries, s.bt.hits + s.bt.blocks, "each entry finds or translates");
		cr_expect_gt(s.bt.chained, 0, "blocks chain to each other");
		cr_expect_leq(s.bt.chained, s.bt.hits);
		cr_expect_eq(s.bt.callouts, s.emulated);
		cr_expect_leq(s.bt.cache_peak, s.bt.cache_size);
		cr_expect_eq(s.bt.cache_size, VM_DEFAULT_TC);
		cr_expect_eq(s.bt.flushes, 0);
	}
	image_free(&img);
	unlink(disk);
}

Test(bt, a_small_cache_is_flushed_and_nothing_changes_for_the_guest)
{
	struct image img;
	struct vm_options o;
	struct vm_stats s;
	char disk[64];
	struct vm *vm;

	vt_assemble("everything", &img);
	vt_everything_options(&o, disk);
	o.tc_size = 16; /* raised to VM_MIN_TC */
	fixture_equivalent("everything", &o, MODE_BT);
	vm = vt_vm_image(&o, MODE_BT, &img);
	cr_assert_eq(vm_run(vm, UINT64_MAX), STOP_HALT);
	vm_get_stats(vm, &s);
	vm_destroy(vm);
	cr_expect_eq(s.bt.cache_size, VM_MIN_TC);
	cr_expect_gt(s.bt.flushes, 0, "1 KiB cannot hold the kernel's translations");
	cr_expect_leq(s.bt.cache_peak, VM_MIN_TC);
	cr_expect_gt(s.bt.blocks, s.bt.flushes, "each flush makes room for more than one block");
	image_free(&img);
	unlink(disk);
}

/* Translation, chaining and flushing are charged alike however a run is cut. */
Test(bt, runs_in_pieces_end_where_one_run_ends)
{
	static const uint64_t pieces[] = { 1, 7, 1, 100, 3, 4096, 2, 1000 };
	struct image img;
	struct vm_options o;
	char disk[64];

	vt_assemble("everything", &img);
	vt_everything_options(&o, disk);
	for (int k = 0; k < 2; k++) {
		struct vm *whole, *split;
		struct vmm_observation a, b;
		struct vm_stats sa, sb;
		enum cpu_stop stop = STOP_LIMIT;

		o.tc_size = k ? VM_MIN_TC : 0;
		whole = vt_vm_image(&o, MODE_BT, &img);
		split = vt_vm_image(&o, MODE_BT, &img);
		cr_assert_eq(vm_run(whole, UINT64_MAX), STOP_HALT);
		for (int i = 0; stop == STOP_LIMIT; i++)
			stop = vm_run(split, pieces[i % 8]);
		cr_assert_eq(stop, STOP_HALT);
		vmm_observe(whole, &a);
		vmm_observe(split, &b);
		cr_expect(a.retired == b.retired && a.mem_hash == b.mem_hash && a.pc == b.pc);
		cr_expect(!memcmp(a.r, b.r, sizeof a.r));
		vm_get_stats(whole, &sa);
		vm_get_stats(split, &sb);
		cr_expect_eq(sa.cycles, sb.cycles, "the VM's clock: %llu whole, %llu in pieces",
			     (unsigned long long)sa.cycles, (unsigned long long)sb.cycles);
		cr_expect_eq(sa.bt.blocks, sb.bt.blocks);
		cr_expect_eq(sa.bt.chained, sb.bt.chained);
		cr_expect_eq(sa.bt.flushes, sb.bt.flushes);
		vmm_observation_free(&a);
		vmm_observation_free(&b);
		vm_destroy(whole);
		vm_destroy(split);
	}
	image_free(&img);
	unlink(disk);
}

/* xorshift, so that every host draws the same programs. */
static uint32_t next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (uint32_t)((*s * 0x2545F4914F6CDD1Dull) >> 32);
}

/* A random program of valid words (rdcyc aside: its difference is
 * permitted), with small offsets so that it jumps around in itself. */
static void random_guest(struct prog *p, uint64_t seed)
{
	uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;

	memset(p, 0, sizeof *p);
	while (p->n < 1500) {
		const struct isa_insn *in = &isa_insns[next(&s) % (uint32_t)isa_ninsns];
		uint32_t w = (uint32_t)in->opcode << 24 | (next(&s) & 0x00FFF0FFu);
		if (in->opcode == OP_rdcyc)
			continue;
		if (in->format == FMT_J)
			w = isa_enc_j(in->opcode, (int32_t)(next(&s) % 64) - 32);
		else if (strchr(in->operands, 'r'))
			w = (w & 0xFFFF0000u) | next(&s) % SR_COUNT;
		else if (strchr(in->operands, 'p'))
			w = (w & 0xFFFF0000u) | (uint32_t)isa_ports[next(&s) % (uint32_t)isa_nports].number;
		prog_emit(p, w & isa_used_bits(in));
	}
}

/*
 * bt claims what a hybrid monitor claims (P&G's Theorem 3): any nonvirt set
 * that leaves every user-sensitive instruction trapping. In this machine's
 * user mode setpsw, rfe and jru, silent, do nothing a monitor could change
 * (the flags; a jump to epc; a jump), so those may all go; getpsw (the real
 * IE) and getbase (the real base) may not.
 */
Test(bt, random_guests_see_the_bare_machine)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	static const char *const sets[] = { NULL, "pdp10", "setpsw,rfe,jru" };

	for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
		struct vm_options o;

		vm_options_init(&o);
		o.nonvirt = nonvirt_of(sets[k]);
		o.step_limit = 5000;
		o.input = "random";
		o.input_len = 6;
		for (int seed = 1; seed <= 30; seed++) {
			struct prog p;
			struct vmm_divergence d;

			random_guest(&p, (uint64_t)seed);
			cr_expect(vt_equivalent(&o, MODE_BARE, MODE_BT, vt_load_prog, &p, &d),
				  "seed %d (nonvirt %s): differ after %llu instructions (%s) at pc 0x%x, "
				  "word 0x%08x", seed, sets[k] ? sets[k] : "none",
				  (unsigned long long)d.index, d.what ? d.what : "?", d.pc, d.word);
			vmm_divergence_free(&d);
		}
	}
}

/* ---- the guest OS, through the command ------------------------------- */

Test(bt_guest_os, boots_as_on_the_bare_machine)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	int status;
	char *out = vt_guest_os("diff --modes bare,bt", &status);

	cr_expect_eq(status, 0, "%s", out);
	vt_has(out, "equivalent: bare = bt");
	free(out);
	out = vt_guest_os("diff --modes bare,bt --nonvirt=pdp10", &status);
	cr_expect_eq(status, 0, "%s", out);
	free(out);
	/* Every x86 flaw the kernel could trip over, but not the user-mode one. */
	out = vt_guest_os("diff --modes bare,bt --nonvirt=getpsw,setpsw,rfe,jru", &status);
	cr_expect_eq(status, 0, "%s", out);
	free(out);
}

/* VMware's weak spot: user code runs directly, and a silent getbase in
 * user mode reads the real base. The guest's red pill finds it. */
Test(bt_guest_os, with_x86_the_red_pill_still_sees_through)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	int status;
	char *out = vt_guest_os("run --mode bt --nonvirt", &status);

	cr_expect_eq(status, 0, "the kernel itself runs correctly:\n%s", out);
	vt_has(out, "critical section: OK");
	vt_has(out, "selfcheck: the kernel text is as it was at boot: OK");
	vt_has(out, "redpill: virtual machine detected via getbase");
	free(out);
	out = vt_guest_os("diff --modes bare,bt --nonvirt", &status);
	cr_expect_eq(status, 121);
	vt_has(out, "divergence: bare and bt differ");
	vt_has(out, "(user mode): getbase");
	free(out);
}

Test(bt_guest_os, stats_show_the_translator)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	int status;
	char *out = vt_guest_os("run --mode bt --stats --tc-size 2K", &status);

	cr_expect_eq(status, 0);
	vt_has(out, "translated ");
	vt_has(out, "guest kernel code, run from the translation cache");
	vt_has(out, "translation cache      ");
	vt_has(out, "of 2048 bytes in use");
	vt_has(out, "hit rate");
	vt_has(out, "by chained jumps");
	vt_has(out, "callouts ");
	cr_expect(!strstr(out, "; 0 flushes"), "2 KiB must be flushed:\n%s", out);
	free(out);
	out = vt_guest_os("run --mode bt --tc-size 12", &status);
	cr_expect_eq(status, 2);
	vt_has(out, "--tc-size: '12' is not a cache size");
	free(out);
}
