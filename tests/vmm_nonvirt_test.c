/*
 * tests/vmm_nonvirt_test.c: when Theorem 1's condition fails, so does trap-and-emulate.
 * Owns: one small guest per instruction that --nonvirt takes the trap from
 *       (getpsw, setpsw, getbase, rfe, jru): under trap mode it visibly
 *       diverges from bare, and the diff names that instruction; emulation
 *       stays equivalent; under pdp10 (jru only) the hybrid VMM stays
 *       equivalent while trap-and-emulate does not (Theorem 3).
 * Not:  the classifier's verdicts (vmm_classify_test.c).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/vmtest.h"

struct flagged {
	const char *name;     /* the instruction, and tests/vmm/nonvirt_NAME.s */
	int bare_exit, trap_exit;
};

/* The exit codes each guest's comment promises. */
static const struct flagged flagged[] = {
	{ "getpsw", 1, 0 },
	{ "setpsw", 0, 1 },
	{ "getbase", 0, 1 },
	{ "rfe", 1, 124 },
	{ "jru", 2, 42 },
};

static unsigned nonvirt_of(const char *spec)
{
	const char *bad = NULL;
	int mask = cpu_parse_nonvirt(spec, &bad);
	cr_assert_geq(mask, 0, "nonvirt spec %s", spec);
	return (unsigned)mask;
}

static void options(struct vm_options *o, const char *spec)
{
	vm_options_init(o);
	o->nonvirt = spec ? nonvirt_of(spec) : 0;
	o->step_limit = 100000;
}

Test(nonvirt, each_flagged_instruction_breaks_trap_and_emulate_and_is_named)
{
	for (size_t k = 0; k < sizeof flagged / sizeof flagged[0]; k++) {
		const struct flagged *f = &flagged[k];
		char fixture[32];
		struct image img;
		struct vm_options o;
		struct vmm_divergence d;

		snprintf(fixture, sizeof fixture, "nonvirt_%s", f->name);
		vt_assemble(fixture, &img);
		options(&o, f->name);
		cr_expect(!vt_equivalent(&o, MODE_BARE, MODE_TRAP, vt_load_image, &img, &d),
			  "%s: trap mode should diverge from bare", f->name);
		cr_expect_eq(d.npermitted, 0);
		cr_expect(d.have_word && isa_by_opcode((uint8_t)isa_op(d.word)) ==
					  isa_by_name(f->name),
			  "%s: the divergence is at 0x%08x, not at %s", f->name, d.word, f->name);
		vmm_divergence_free(&d);

		/* Interpreting the kernel never loses a trap: still equivalent. */
		cr_expect(vt_equivalent(&o, MODE_BARE, MODE_EMULATE, vt_load_image, &img, &d), "%s",
			  f->name);
		vmm_divergence_free(&d);
		cr_expect(vt_equivalent(&o, MODE_BARE, MODE_HYBRID, vt_load_image, &img, &d), "%s",
			  f->name);
		vmm_divergence_free(&d);

		/* And with every instruction trapping, trap-and-emulate is exact. */
		options(&o, NULL);
		cr_expect(vt_equivalent(&o, MODE_BARE, MODE_TRAP, vt_load_image, &img, &d),
			  "%s without nonvirt", f->name);
		vmm_divergence_free(&d);
		image_free(&img);
	}
}

Test(nonvirt, the_guests_see_what_their_comments_say)
{
	for (size_t k = 0; k < sizeof flagged / sizeof flagged[0]; k++) {
		const struct flagged *f = &flagged[k];
		char elf[96], fixture[32], args[256];
		int status;

		snprintf(fixture, sizeof fixture, "nonvirt_%s", f->name);
		vt_elf(fixture, elf);
		snprintf(args, sizeof args, "run --max-steps 100000 --nonvirt=%s %s", f->name, elf);
		free(vt_trapeze(args, VT_STDOUT, &status));
		cr_expect_eq(status, f->bare_exit, "%s bare: exit %d", f->name, status);
		snprintf(args, sizeof args, "run --mode trap --max-steps 100000 --nonvirt=%s %s", f->name,
			 elf);
		free(vt_trapeze(args, VT_STDOUT, &status));
		cr_expect_eq(status, f->trap_exit, "%s trap: exit %d", f->name, status);
		unlink(elf);
	}
}

Test(nonvirt, diff_command_names_the_instruction)
{
	for (size_t k = 0; k < sizeof flagged / sizeof flagged[0]; k++) {
		const struct flagged *f = &flagged[k];
		char elf[96], fixture[32], args[256], at[64];
		int status;
		char *out;

		snprintf(fixture, sizeof fixture, "nonvirt_%s", f->name);
		vt_elf(fixture, elf);
		snprintf(args, sizeof args, "diff --modes bare,trap --max-steps 100000 --nonvirt=%s %s",
			 f->name, elf);
		out = vt_trapeze(args, VT_BOTH, &status);
		cr_expect_eq(status, 121, "%s: %s", f->name, out);
		snprintf(at, sizeof at, "(supervisor mode): %s", f->name);
		cr_expect(strstr(out, "divergence: bare and trap") && strstr(out, at),
			  "the report should name %s:\n%s", f->name, out);
		cr_expect(strstr(out, "<<<"), "the differing state is marked:\n%s", out);
		free(out);
		unlink(elf);
	}
}

Test(nonvirt, under_pdp10_hybrid_stays_equivalent_and_trap_does_not)
{
	struct image img;
	struct vm_options o;
	struct vmm_divergence d;
	struct vm *h;
	struct vm_stats s;

	vt_assemble("nonvirt_jru", &img);
	options(&o, "pdp10");
	cr_expect(vt_equivalent(&o, MODE_BARE, MODE_HYBRID, vt_load_image, &img, &d));
	vmm_divergence_free(&d);
	cr_expect(!vt_equivalent(&o, MODE_BARE, MODE_TRAP, vt_load_image, &img, &d));
	cr_expect(d.have_word && isa_op(d.word) == OP_jru);
	vmm_divergence_free(&d);

	/* The hybrid VMM still runs the user program natively. */
	h = vt_vm_image(&o, MODE_HYBRID, &img);
	cr_assert_eq(vm_run(h, 100000), STOP_HALT);
	vm_get_stats(h, &s);
	cr_expect_gt(s.native, 100, "native %llu", (unsigned long long)s.native);
	vm_destroy(h);
	image_free(&img);
}

Test(nonvirt, x86_breaks_trap_and_emulate_on_the_everything_guest)
{
	struct image img;
	struct vm_options o;
	struct vmm_divergence d;
	char disk[64];

	vt_assemble("everything", &img);
	options(&o, "x86");
	vt_everything_inputs(&o, disk);
	cr_expect(!vt_equivalent(&o, MODE_BARE, MODE_TRAP, vt_load_image, &img, &d));
	/* Its first flagged instruction is getbase, in the kernel's banner. */
	cr_expect(d.have_word && isa_op(d.word) == OP_getbase, "at 0x%08x", d.word);
	vmm_divergence_free(&d);
	cr_expect(vt_equivalent(&o, MODE_BARE, MODE_EMULATE, vt_load_image, &img, &d));
	vmm_divergence_free(&d);
	image_free(&img);
	unlink(disk);
}
