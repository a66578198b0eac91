/*
 * tools/classify/classify.c: "trapeze classify": Popek and Goldberg's table, measured.
 * Owns: the classify command's options and its report: the derived class
 *       of every instruction beside the one the table declares, and the
 *       verdicts of Theorems 1 and 3.
 * Not:  the experiments (vmm/classify.h).
 * Exit status: 0 when the experiment agrees with the table (under --nonvirt,
 * with the table less the traps nonvirt takes away), 1 when it does not.
 */
#include <errno.h>
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
	       "built). Exit 1 when the experiment disagrees with the table.\n\n"
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

static const char *verdict(const struct vmm_class_row *r)
{
	if (r->derived != r->expected)
		return "DISAGREES WITH THE TABLE";
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
		       r->user_sensitive ? "yes" : ".", bits_text(r->insn->cls, table), verdict(r));
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

static bool parse_number(const char *s, unsigned long long *out)
{
	char *end;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return *s && *s != '-' && !errno && !*end;
}

int cmd_classify(int argc, char **argv)
{
	struct runopts o;
	struct vmm_classification cl;
	unsigned long long seed = VMM_CLASSIFY_SEED, samples = VMM_CLASSIFY_SAMPLES;

	runopt_init(&o, "classify");
	for (int i = 1; i < argc; i++) {
		const char *v;
		bool missing;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			help();
			return 0;
		}
		if (!strcmp(argv[i], "--nonvirt") || !strncmp(argv[i], "--nonvirt=", 10)) {
			if (runopt_parse(&o, argc, argv, &i) < 0)
				return 1;
		} else if ((v = runopt_value("--seed", argc, argv, &i, &missing))) {
			if (!parse_number(v, &seed)) {
				runopt_error(&o, "--seed: '%s' is not a number", v);
				return 1;
			}
		} else if ((v = runopt_value("--samples", argc, argv, &i, &missing))) {
			if (!parse_number(v, &samples) || samples < 1 || samples > 1000000) {
				runopt_error(&o, "--samples: '%s' is not a number from 1 to 1000000", v);
				return 1;
			}
		} else {
			/* (missing tells of --samples only: the last option asked.) */
			bool lacks = !strcmp(argv[i], "--seed") || !strcmp(argv[i], "--samples");
			runopt_usage(&o, lacks ? "option '%s' needs a value" : "unknown option '%s'",
				     argv[i]);
			fputs(usage_line, stderr);
			return 2;
		}
	}
	if (!vmm_classify(o.vm.nonvirt, seed, (int)samples, &cl)) {
		runopt_error(&o, "out of memory");
		return 1;
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
	vmm_classification_free(&cl);
	return cl.mismatches ? 1 : 0;
}
