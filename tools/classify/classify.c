/*
 * tools/classify/classify.c: "trapeze classify": Popek and Goldberg's table,
 *       measured.
 * Owns: the classify command's options and its report: the derived class
 *       of every instruction beside the one the table declares, and the
 *       verdicts of Theorems 1 and 3.
 * Not:  the experiments (vmm/classify.h).
 * Exit status: 0 when the experiment agrees with the table (under --nonvirt,
 * with the table less the traps nonvirt takes away), 121 when it does not
 * (exitcode.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "commands.h"
#include "cpu.h"
#include "runopts.h"

static const char usage_line[] = "usage: trapeze classify [--nonvirt[=LIST]] [--seed N] [--samples N]\n";

static void help(void)
{
	fputs(usage_line, stdout);
	printf("\nDerive every instruction's Popek-Goldberg class by experiment: run it from\n"
	       "many random machine states, in user and supervisor mode, on a scratch machine,\n"
	       "and watch what it does (see vmm/classify.c for each definition). Print the\n"
	       "derived table beside the declared one (isa-spec/isa.def) and the verdicts:\n"
	       "Theorem 1 (every sensitive instruction is privileged: a VMM can be built) and\n"
	       "Theorem 3 (every user-sensitive instruction is privileged: a hybrid VMM can be\n"
	       "built). Exit status: 0 when the experiment agrees with the table, 121 when\n"
	       "it does not, 2 a usage error, 120 a host failure.\n\n"
	       "  --nonvirt[=LIST]  as for run: x86 (default), pdp10, or a list of instructions\n"
	       "  --seed N          the random seed (default 0x%llx: the output is the same\n"
	       "                    every time)\n"
	       "  --samples N       random states per instruction (default %d)\n"
	       "  --help            show this help\n",
	       VMM_CLASSIFY_SEED, VMM_CLASSIFY_SAMPLES);
}

/* "P.ML": the class bits as letters. */
static const char *bits_text(unsigned cls, char *buf)
{
	buf[0] = cls & ISA_PRIV ? 'P' : '.';
	buf[1] = cls & ISA_CTRL ? 'C' : '.';
	buf[2] = cls & ISA_MODE ? 'M' : '.';
	buf[3] = cls & ISA_LOC ? 'L' : '.';
	buf[4] = 0;
	return buf;
}

/* Fewer random states than the default may miss a sensitivity that only
 * some states show (a jump that changes the mode only when the psw says
 * so): a disagreement then says so, rather than blame the table. */
static bool few(int samples)
{
	return samples < VMM_CLASSIFY_SAMPLES;
}

static const char *verdict(const struct vmm_class_row *r, int samples)
{
	if (r->derived != r->expected)
		return few(samples) ? "DISAGREES WITH THE TABLE (too few samples?)"
				    : "DISAGREES WITH THE TABLE";
	if (!vmm_is_sensitive(r))
		return r->privileged ? "privileged, innocuous" : "innocuous";
	if (r->privileged)
		return "sensitive, privileged: traps";
	return r->user_sensitive ? "SENSITIVE, NOT PRIVILEGED, even in user mode"
				 : "SENSITIVE, NOT PRIVILEGED";
}

static void print_table(const struct vmm_classification *cl)
{
	printf("%-8s %4s %4s %4s %4s  %-9s %-9s %-5s  %s\n", "insn", "priv", "ctrl", "mode", "loc",
	       "sensitive", "user-sens", "table", "verdict");
	for (int i = 0; i < cl->nrows; i++) {
		const struct vmm_class_row *r = &cl->rows[i];
		char table[8];
		printf("%-8s %4s %4s %4s %4s  %-9s %-9s %-5s  %s\n", r->insn->name,
		       r->privileged ? "P" : ".", r->control ? "C" : ".", r->mode ? "M" : ".",
		       r->location ? "L" : ".", vmm_is_sensitive(r) ? "yes" : ".",
		       r->user_sensitive ? "yes" : ".", bits_text(r->insn->cls, table),
		       verdict(r, cl->samples));
	}
}

/* The names of rows that pass the test, space-separated, on one line. */
static void print_names(const struct vmm_classification *cl, bool user)
{
	for (int i = 0; i < cl->nrows; i++) {
		const struct vmm_class_row *r = &cl->rows[i];
		if (!r->privileged && (user ? r->user_sensitive : vmm_is_sensitive(r)))
			printf(" %s", r->insn->name);
	}
}

static void print_verdicts(const struct vmm_classification *cl)
{
	printf("\nTheorem 1 (every sensitive instruction is privileged): ");
	if (cl->theorem1) {
		printf("holds: a trap-and-emulate VMM can be built\n");
	} else {
		printf("FAILS: sensitive but not privileged:");
		print_names(cl, false);
		printf("\n  trap-and-emulate cannot be equivalent: these run in the deprivileged\n"
		       "  guest kernel without the VMM seeing them\n");
	}
	printf("Theorem 3 (every user-sensitive instruction is privileged): ");
	if (cl->theorem3) {
		printf("holds: a hybrid VMM can be built\n");
	} else {
		printf("FAILS: sensitive in user mode but not privileged:");
		print_names(cl, true);
		printf("\n  not even a hybrid VMM (kernel interpreted, user code native) is equivalent\n");
	}
}

/* --seed's or --samples' value: 1 taken, 2 after a usage error. */
static int number(const struct runopts *o, const char *opt, const char *v, uint64_t min,
                  uint64_t max, unsigned long long *out)
{
	uint64_t n;

	switch (runopt_count(v, max, &n)) {
	case NUM_TOO_LARGE:
		return runopt_usage(o, "%s: '%s' is too large (at most %llu)", opt, v,
				    (unsigned long long)max);
	case NUM_OK:
		if (n >= min) {
			*out = n;
			return 1;
		}
		/* fall through */
	default:
		return runopt_usage(o, "%s: '%s' is not a number from %llu to %llu", opt, v,
				    (unsigned long long)min, (unsigned long long)max);
	}
}

/* 0 ok, 1 --help, 2 usage error (printed). */
static int parse(int argc, char **argv, struct runopts *o, unsigned long long *seed,
                 unsigned long long *samples)
{
	for (int i = 1; i < argc; i++) {
		const char *v;
		bool missing;
		int r = 1;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
		if (!strcmp(argv[i], "--nonvirt") || !strncmp(argv[i], "--nonvirt=", 10))
			r = runopt_parse(o, argc, argv, &i);
		else if ((v = runopt_value("--seed", argc, argv, &i, &missing)))
			r = number(o, "--seed", v, 0, UINT64_MAX, seed);
		else if (!missing && (v = runopt_value("--samples", argc, argv, &i, &missing)))
			r = number(o, "--samples", v, 1, 1000000, samples);
		else if (missing)
			return runopt_usage(o, "option '%s' needs a value", argv[i]);
		else
			return runopt_usage(o, "unknown option '%s'", argv[i]);
		if (r != 1)
			return r;
	}
	return 0;
}

int cmd_classify(int argc, char **argv)
{
	struct runopts o;
	struct vmm_classification cl;
	unsigned long long seed = VMM_CLASSIFY_SEED, samples = VMM_CLASSIFY_SAMPLES;

	runopt_init(&o, "classify");
	switch (parse(argc, argv, &o, &seed, &samples)) {
	case 1: help(); return EXIT_OK;
	case 2: fputs(usage_line, stderr); return EXIT_USAGE;
	default: break;
	}
	if (!vmm_classify(o.vm.nonvirt, seed, (int)samples, &cl)) {
		runopt_error(&o, "out of memory");
		return EXIT_HOST;
	}
	printf("Popek-Goldberg classes derived by experiment: %d random states per "
	       "instruction, seed 0x%llx, nonvirt:", cl.samples, seed);
	if (!cl.nonvirt)
		printf(" none");
	for (int i = 0; i < cl.nrows; i++)
		if (cl.rows[i].nonvirt)
			printf(" %s(%c)", cl.rows[i].insn->name, isa_nonvirt_letter(cl.rows[i].insn->nonvirt));
	printf("\nP privileged, C control-, M mode-, L location-sensitive; 'table' is isa.def's class\n\n");
	print_table(&cl);
	if (cl.nonvirt) {
		printf("\nWith --nonvirt these lost their trap, as on x86 before VT-x:");
		for (int i = 0; i < cl.nrows; i++)
			if (cl.rows[i].nonvirt)
				printf(" %s", cl.rows[i].insn->name);
		printf(" (the table's class less P is what the experiment should find)\n");
	}
	print_verdicts(&cl);
	for (int i = 0; i < cl.nrows; i++) {
		const struct vmm_class_row *r = &cl.rows[i];
		char d[8], e[8];
		if (r->derived != r->expected)
			fprintf(stderr, "trapeze: classify: error: '%s': the experiment finds %s, the "
				"table says %s\n", r->insn->name, bits_text(r->derived, d),
				bits_text(r->expected, e));
	}
	if (cl.mismatches && few(cl.samples))
		fprintf(stderr, "trapeze: classify: note: %d random state%s per instruction can miss "
			"what only some states show; the default, %d, finds the table's classes\n",
			cl.samples, cl.samples == 1 ? "" : "s", VMM_CLASSIFY_SAMPLES);
	vmm_classification_free(&cl);
	return cl.mismatches ? EXIT_DIFFERS : EXIT_OK;
}
