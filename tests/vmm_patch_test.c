/*
 * tests/vmm_patch_test.c: code patching (vmm/patch.c).
 * Owns: patch mode being trap-and-emulate when there is nothing to patch;
 *       each flagged kernel instruction patched and emulated; new code
 *       scanned on first execution; writes over scanned code found at the
 *       next exit; the traces a guest sees when it reads its code, as the
 *       equivalence diff reports them; the guest OS under patch.
 * Not:  the matrix (vmm_matrix_test.c); binary translation (vmm_bt_test.c).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asm.h"
#include "vmm/vmtest.h"

static void options(struct vm_options *o, const char *nonvirt)
{
	const char *bad = NULL;

	vm_options_init(o);
	o->nonvirt = nonvirt ? (unsigned)cpu_parse_nonvirt(nonvirt, &bad) : 0;
	o->step_limit = 100000;
}

/* Run a fixture under mode m to its halt: the code, the statistics, and
 * whether vm_patched_word says the word at gpa was patched (from what). */
static uint32_t run_fixture(const char *fixture, enum vmm_mode m, const struct vm_options *o,
			    struct vm_stats *s, uint32_t gpa, uint32_t *original, bool *patched)
{
	struct image img;
	struct vm *vm;
	uint32_t code = 0, orig = 0;

	vt_assemble(fixture, &img);
	vm = vt_vm_image(o, m, &img);
	cr_assert_eq(vm_run(vm, UINT64_MAX), STOP_HALT, "%s under %s", fixture, vmm_mode_name(m));
	vm_halted(vm, &code);
	if (s)
		vm_get_stats(vm, s);
	if (patched)
		*patched = vm_patched_word(vm, gpa, &orig);
	if (original)
		*original = orig;
	cr_expect(vm_vmm_intact(vm));
	vm_destroy(vm);
	image_free(&img);
	return code;
}

/* Compare fixture under bare and patch; the divergence is the caller's to free. */
static void compare(const char *fixture, const struct vm_options *o, struct vmm_divergence *d)
{
	struct image img;

	vt_assemble(fixture, &img);
	vt_equivalent(o, MODE_BARE, MODE_PATCH, vt_load_image, &img, d);
	image_free(&img);
}

Test(patch, with_nothing_to_patch_it_is_trap_and_emulate)
{
	struct image img;
	struct vm_options o;
	struct vm_stats t, p;
	struct vmm_divergence d;
	char disk[64];
	struct vm *vm;

	vt_assemble("everything", &img);
	options(&o, NULL);
	vt_everything_inputs(&o, disk);
	cr_expect(vt_equivalent(&o, MODE_BARE, MODE_PATCH, vt_load_image, &img, &d));
	vmm_divergence_free(&d);
	vm = vt_vm_image(&o, MODE_TRAP, &img);
	cr_assert_eq(vm_run(vm, UINT64_MAX), STOP_HALT);
	vm_get_stats(vm, &t);
	vm_destroy(vm);
	vm = vt_vm_image(&o, MODE_PATCH, &img);
	cr_assert_eq(vm_run(vm, UINT64_MAX), STOP_HALT);
	vm_get_stats(vm, &p);
	vm_destroy(vm);
	cr_expect_eq(p.patch.scanned, 0, "every sensitive instruction traps: nothing to scan");
	cr_expect_eq(p.cycles, t.cycles, "the same clock as trap mode");
	cr_expect_eq(p.exits, t.exits);
	cr_expect_eq(p.native, t.native);
	image_free(&img);
	unlink(disk);
}

/* Where trap-and-emulate diverges (vmm_nonvirt_test.c), patch does not. */
Test(patch, each_flagged_kernel_instruction_is_patched_and_emulated)
{
	static const char *const names[] = { "getpsw", "setpsw", "getbase", "rfe", "jru" };

	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		char fixture[32];
		struct vm_options o;
		struct vm_stats s;
		struct vmm_divergence d;

		snprintf(fixture, sizeof fixture, "nonvirt_%s", names[k]);
		options(&o, names[k]);
		compare(fixture, &o, &d);
		cr_expect(d.equivalent, "%s: differ after %llu (%s) at pc 0x%x", names[k],
			  (unsigned long long)d.index, d.what ? d.what : "?", d.pc);
		vmm_divergence_free(&d);
		run_fixture(fixture, MODE_PATCH, &o, &s, 0, NULL, NULL);
		cr_expect_geq(s.patch.patched, 1, "%s", names[k]);
		cr_expect_geq(s.patch.hits, 1, "%s: the patch ran", names[k]);
		cr_expect_eq(s.exits_by_cause[CAUSE_ILLEGAL], s.patch.hits + s.guest_traps[CAUSE_ILLEGAL],
			     "%s: each patch that runs is an ILLEGAL exit", names[k]);
	}
}

/* The lecture's point: the guest can read the patches. */
Test(patch, a_kernel_reading_its_code_sees_the_patch)
{
	struct vm_options o;
	struct vmm_divergence d;
	uint32_t orig;
	bool patched;

	options(&o, "getpsw");
	cr_expect_eq(run_fixture("readcode", MODE_BARE, &o, NULL, 0, NULL, NULL), 102);
	cr_expect_eq(run_fixture("readcode", MODE_PATCH, &o, NULL, 0, &orig, &patched), 255,
		     "the patch's opcode, 0xFF");
	cr_expect(patched && orig == isa_enc_r(OP_getpsw, 2, 0, 0), "the original is kept: 0x%08x",
		  orig);
	run_fixture("readcode", MODE_BT, &o, NULL, 0, NULL, &patched);
	cr_expect(!patched, "bt patches nothing");
	compare("readcode", &o, &d);
	cr_expect(!d.equivalent && !d.diverged, "traces, and nothing else");
	cr_expect_eq(d.ntraces, 1);
	cr_expect_eq(d.trace_index, 1);
	cr_expect_eq(d.trace_addr, 0);
	cr_expect_eq(isa_op(d.trace_word), OP_ldw);
	vmm_divergence_free(&d);
	/* Nothing to patch, no traces. */
	options(&o, NULL);
	cr_expect_eq(run_fixture("readcode", MODE_PATCH, &o, NULL, 0, NULL, NULL), 102);
}

Test(patch, new_code_is_scanned_before_it_first_runs)
{
	struct vm_options o;
	struct vm_stats s;
	struct vmm_divergence d;
	uint32_t orig;
	bool patched;

	options(&o, "getpsw");
	cr_expect_eq(run_fixture("newcode", MODE_TRAP, &o, NULL, 0, NULL, NULL), 0);
	cr_expect_eq(run_fixture("newcode", MODE_PATCH, &o, &s, 0x2000, &orig, &patched), 1);
	cr_expect(patched && isa_op(orig) == OP_getpsw, "the copied getpsw at 0x2000 was patched");
	cr_expect_geq(s.patch.watched, 2, "jalr and the new code's ret are watched");
	compare("newcode", &o, &d);
	cr_expect(d.equivalent, "differ after %llu (%s)", (unsigned long long)d.index,
		  d.what ? d.what : "?");
	vmm_divergence_free(&d);
}

Test(patch, writes_over_scanned_code_are_found_at_the_next_exit)
{
	struct vm_options o;
	struct vm_stats s;
	struct vmm_divergence d;

	struct vm_stats bare;

	options(&o, "x86");
	cr_expect_eq(run_fixture("smc", MODE_BARE, &o, &bare, 0, NULL, NULL), 15);
	cr_expect_eq(run_fixture("smc", MODE_PATCH, &o, &s, 0, NULL, NULL), 15);
	cr_expect_geq(s.patch.rewritten, 3, "three words rewritten: %llu",
		      (unsigned long long)s.patch.rewritten);
	cr_expect_eq(s.guest_cycles, bare.cycles, "the guest's own work costs what it does bare");
	cr_expect_eq(s.native + s.emulated + s.interpreted, s.retired);
	compare("smc", &o, &d);
	cr_expect(d.equivalent, "differ after %llu (%s)", (unsigned long long)d.index,
		  d.what ? d.what : "?");
	vmm_divergence_free(&d);
}

/* ---- the guest OS, through the command ------------------------------- */

Test(patch_guest_os, boots_as_trap_and_emulate_without_nonvirt)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	int status;
	char *out = vt_guest_os("diff --modes bare,patch", &status);

	cr_expect_eq(status, 0, "%s", out);
	vt_has(out, "equivalent: bare = patch");
	free(out);
}

/* The kernel works again under x86's flaws, but selfcheck sees the patches. */
Test(patch_guest_os, with_x86_the_kernel_works_and_selfcheck_sees_the_patches)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	int status;
	char *out = vt_guest_os("run --mode patch --nonvirt --stats", &status);

	cr_expect_eq(status, 0, "no panic:\n%s", out);
	vt_has(out, "critical section: OK");
	vt_has(out, "selfcheck: the kernel text has CHANGED since boot");
	vt_has(out, "code patching ");
	cr_expect(!strstr(out, "kernel panic"), "%s", out);
	free(out);
	/* Trap-and-emulate, for contrast, does not survive it. */
	out = vt_guest_os("run --mode trap --nonvirt", &status);
	vt_has(out, "kernel panic");
	free(out);
}

Test(patch_guest_os, diff_reports_the_traces_at_the_read)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	int status;
	char *out = vt_guest_os("diff --modes bare,patch --nonvirt=pdp10", &status);

	/* pdp10: nothing in the kernel needed fixing, but the watched indirect
	 * jumps are patches too, and the kernel checksums its text. */
	cr_expect_eq(status, 121, "traces fail the diff:\n%s", out);
	vt_has(out, "traces: bare and patch first differ at guest instruction");
	vt_has(out, "a word the monitor patched");
	cr_expect(!strstr(out, "divergence:"), "only traces:\n%s", out);
	free(out);
	out = vt_guest_os("diff --modes bare,patch --nonvirt", &status);
	cr_expect_eq(status, 121);
	vt_has(out, "traces: bare and patch");
	vt_has(out, "divergence: bare and patch differ");
	vt_has(out, "(user mode): getbase");
	free(out);
}

/* tests/vmm/patch_store.s with KIND, WORD and AT defined. */
static void assemble_store(int kind, uint32_t word, int at, struct image *img)
{
	char k[32], w[32], a[32];
	const char *defs[] = { k, w, a };
	struct asm_input in = { "tests/vmm/patch_store.s", NULL, 0 };
	struct asm_options opt = { NULL, 0, defs, 3, false };
	struct asm_result r;
	char *d;

	snprintf(k, sizeof k, "KIND=%d", kind);
	snprintf(w, sizeof w, "WORD=0x%08x", word);
	snprintf(a, sizeof a, "AT=%d", at);
	d = NULL;
	cr_assert(asm_assemble(&in, 1, &opt, &r), "%s", (d = asm_diags_text(&r)));
	free(d);
	*img = r.image;
	memset(&r.image, 0, sizeof r.image);
	asm_result_free(&r);
}

/* What a run halts with, under mode m with every nonvirt instruction. */
static uint32_t store_and_run(int kind, uint32_t word, int at, enum vmm_mode m)
{
	struct vm_options o;
	struct image img;
	struct vm *vm;
	uint32_t code = 99;

	options(&o, "x86");
	assemble_store(kind, word, at, &img);
	vm = vt_vm_image(&o, m, &img);
	cr_assert_eq(vm_run(vm, UINT64_MAX), STOP_HALT, "kind %d under %s", kind, vmm_mode_name(m));
	vm_halted(vm, &code);
	vm_destroy(vm);
	image_free(&img);
	return code;
}

/* Found by a differential campaign: a kernel storing, over a patched word,
 * the very word the monitor had patched in (0xFF000001 over getpsw,
 * 0xFF000002 over jr) got its old instruction emulated, where the bare
 * machine traps ILLEGAL: the rewrite check compared bytes, and they were
 * the same. For each kind of patch, the guest gets what it stored. */
Test(patch, a_guest_storing_the_patch_word_gets_an_illegal_instruction_regression)
{
	static const uint32_t patch_words[2] = { 0xFF000001u, 0xFF000002u };

	for (int kind = 0; kind < 2; kind++) {
		uint32_t bare = store_and_run(kind, patch_words[kind], 0, MODE_BARE);
		cr_expect_eq(bare, CAUSE_ILLEGAL, "kind %d: bare halts %u", kind, bare);
		cr_expect_eq(store_and_run(kind, patch_words[kind], 0, MODE_PATCH), bare,
			     "kind %d: patch mode must trap ILLEGAL as bare does", kind);
		/* The other kind's word, and any other illegal word, too. */
		cr_expect_eq(store_and_run(kind, patch_words[!kind], 0, MODE_PATCH), bare);
		cr_expect_eq(store_and_run(kind, 0xFF123456u, 0, MODE_PATCH), bare);
	}
}

/* A store to the word after a patched one (which also wipes its mark) is
 * not a store to it: the patched instruction still runs, emulated. */
Test(patch, a_store_to_the_next_word_leaves_the_patch_regression)
{
	/* li r1, 7 = addi r1, r0, 7 over the li r1, 40 after HERE. */
	uint32_t li7 = isa_enc_i(OP_addi, 1, 0, 7);

	for (int kind = 0; kind < 2; kind++) {
		uint32_t bare = store_and_run(kind, li7, 4, MODE_BARE);
		cr_expect_eq(store_and_run(kind, li7, 4, MODE_PATCH), bare, "kind %d", kind);
		cr_expect_eq(bare, kind == 0 ? 7u : 0u, "kind %d: bare halts %u", kind, bare);
	}
}

/* A word rewritten and patched again thousands of times in a 4 KiB machine
 * (tests/vmm/repatch.s): the list of patched words holds each word once,
 * so it never runs past its nwords + 1 places (it did: a heap overflow
 * that make sanitize catches), and the guest ends as it does bare. */
Test(patch, a_word_patched_again_and_again_is_listed_once_regression)
{
	struct vm_options o;
	struct vm_stats s;
	uint32_t code;

	options(&o, "x86");
	o.mem_size = 4096;
	code = run_fixture("repatch", MODE_PATCH, &o, &s, 0, NULL, NULL);
	cr_expect_eq(code, run_fixture("repatch", MODE_BARE, &o, NULL, 0, NULL, NULL));
	cr_expect_gt(s.patch.patched, 4096 / 4 + 1, "patched %llu times: not enough to overflow",
		     (unsigned long long)s.patch.patched);
	cr_expect_eq(s.patch.rewritten, 2999);
}
