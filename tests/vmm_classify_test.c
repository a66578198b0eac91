/*
 * tests/vmm_classify_test.c: Popek and Goldberg's classes, found by experiment.
 * Owns: the classifier agreeing with isa-spec/isa.def's class column, and
 *       its verdicts: both theorems hold for the default ISA; --nonvirt
 *       (x86) breaks both, naming the five; pdp10 breaks Theorem 1 (jru)
 *       but not Theorem 3. And the classify command that prints them.
 * Not:  what the VMMs make of the verdicts (vmm_nonvirt_test.c).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "cpu.h"
#include "vmm/vmtest.h"

static void classify(const char *spec, uint64_t seed, struct vmm_classification *cl)
{
	const char *bad = NULL;
	int mask = spec ? cpu_parse_nonvirt(spec, &bad) : 0;
	cr_assert_geq(mask, 0);
	cr_assert(vmm_classify((unsigned)mask, seed, VMM_CLASSIFY_SAMPLES, cl));
	cr_assert_eq(cl->nrows, isa_ninsns);
}

/* The names of the sensitive (or user-sensitive) but unprivileged rows. */
static void unprivileged(const struct vmm_classification *cl, bool user, char *out, size_t len)
{
	out[0] = 0;
	for (int i = 0; i < cl->nrows; i++) {
		const struct vmm_class_row *r = &cl->rows[i];
		if (!r->privileged && (user ? r->user_sensitive : vmm_is_sensitive(r))) {
			strncat(out, r->insn->name, len - strlen(out) - 2);
			strcat(out, " ");
		}
	}
}

Test(classify, experiment_agrees_with_the_table_and_both_theorems_hold)
{
	struct vmm_classification cl;

	classify(NULL, VMM_CLASSIFY_SEED, &cl);
	for (int i = 0; i < cl.nrows; i++) {
		const struct vmm_class_row *r = &cl.rows[i];
		cr_expect_eq(r->derived, r->insn->cls, "%s: derived 0x%x, the table says 0x%x",
			     r->insn->name, r->derived, r->insn->cls);
		/* P&G's definition, literally: every privileged row traps in
		 * user mode and never in supervisor mode. */
		if (r->insn->cls & ISA_PRIV)
			cr_expect(r->user_priv_traps == r->user_runs && r->super_priv_traps == 0, "%s",
				  r->insn->name);
	}
	cr_expect_eq(cl.mismatches, 0);
	cr_expect(cl.theorem1, "every sensitive instruction is privileged");
	cr_expect(cl.theorem3);
	vmm_classification_free(&cl);
}

Test(classify, x86_nonvirt_breaks_both_theorems_naming_the_five)
{
	struct vmm_classification cl;
	char names[256];

	classify("x86", VMM_CLASSIFY_SEED, &cl);
	cr_expect_eq(cl.mismatches, 0, "the table less the lost traps");
	cr_expect(!cl.theorem1);
	cr_expect(!cl.theorem3);
	unprivileged(&cl, false, names, sizeof names);
	cr_expect_str_eq(names, "rfe getpsw setpsw getbase jru ");
	/* In user mode, getpsw shows the interrupt enable and getbase the
	 * real relocation: what a hybrid VMM cannot hide either. */
	unprivileged(&cl, true, names, sizeof names);
	cr_expect_str_eq(names, "getpsw getbase ");
	vmm_classification_free(&cl);
}

Test(classify, pdp10_breaks_theorem_1_only)
{
	struct vmm_classification cl;
	char names[256];

	classify("pdp10", VMM_CLASSIFY_SEED, &cl);
	cr_expect_eq(cl.mismatches, 0);
	cr_expect(!cl.theorem1);
	cr_expect(cl.theorem3, "jru in user mode is a plain jump: innocuous there");
	unprivileged(&cl, false, names, sizeof names);
	cr_expect_str_eq(names, "jru ");
	vmm_classification_free(&cl);
}

Test(classify, other_seeds_find_the_same_classes)
{
	static const char *const specs[] = { NULL, "x86", "pdp10" };
	for (int s = 0; s < 3; s++) {
		for (uint64_t seed = 1; seed <= 3; seed++) {
			struct vmm_classification cl;
			classify(specs[s], seed * 1000003u, &cl);
			cr_expect_eq(cl.mismatches, 0, "seed %llu, nonvirt %s", (unsigned long long)seed,
				     specs[s] ? specs[s] : "none");
			vmm_classification_free(&cl);
		}
	}
}

Test(classify, command_prints_the_verdicts_the_same_every_time)
{
	int status, again;
	char *out = vt_trapeze("classify", VT_BOTH, &status);
	char *out2 = vt_trapeze("classify", VT_BOTH, &again);

	cr_expect_eq(status, 0, "%s", out);
	cr_expect_str_eq(out, out2, "the output depends on the run");
	cr_expect(strstr(out, "Theorem 1 (every sensitive instruction is privileged): holds"), "%s", out);
	cr_expect(strstr(out, "Theorem 3 (every user-sensitive instruction is privileged): holds"));
	cr_expect(strstr(out, "getpsw") && strstr(out, "P.M."));
	free(out);
	free(out2);

	out = vt_trapeze("classify --nonvirt", VT_BOTH, &status);
	cr_expect_eq(status, 0, "the experiment matches the table's nonvirt column:\n%s", out);
	cr_expect(strstr(out, "Theorem 1 (every sensitive instruction is privileged): FAILS: sensitive "
			      "but not privileged: rfe getpsw setpsw getbase jru"), "%s", out);
	cr_expect(strstr(out, "Theorem 3 (every user-sensitive instruction is privileged): FAILS"));
	free(out);

	out = vt_trapeze("classify --nonvirt=pdp10", VT_BOTH, &status);
	cr_expect_eq(status, 0, "%s", out);
	cr_expect(strstr(out, "not privileged: jru\n"), "%s", out);
	cr_expect(strstr(out, "Theorem 3 (every user-sensitive instruction is privileged): holds"));
	free(out);

	free(vt_trapeze("classify --frobnicate", VT_BOTH, &status));
	cr_expect_eq(status, 2);
}
