/*
 * tools/diff/diff.c: "trapeze diff": is the guest's world the same in every mode?
 * Owns: the diff command's options and its report: "equivalent", or the
 *       first guest instruction after which two modes differ, with the two
 *       states side by side.
 * Not:  running and comparing (vmm/equiv.h); the shared options (runopts.c).
 * Implements: P&G's equivalence property as a command a student can run;
 *       a difference at rdcyc is reported as permitted (temporal latency),
 *       forgiven, and does not fail the diff.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "dis.h"
#include "equiv.h"
#include "matrix.h"
#include "resume.h"
#include "runopts.h"

enum { MAX_MODES = MODE_COUNT * 2 };

static const char usage_line[] =
	"usage: trapeze diff [--modes MODE,MODE[,...] | --matrix] [--nonvirt[=LIST]] [--max-steps N]\n"
	"                    [--timeout SECONDS] [--mem BYTES] [--disk FILE] [--input FILE]\n"
	"                    [--max-output BYTES] [--cpu NAME] [--tc-size BYTES] [--passthrough con2]\n"
	"                    [--balloon PAGES] IMAGE\n"
	"       trapeze diff --restore FILE [--disk FILE] [--input FILE] [--timeout SECONDS] IMAGE\n";

static void help(const struct runopts *o)
{
	fputs(usage_line, stdout);
	printf("\nRun IMAGE under each mode and compare what the guest can observe: console\n"
	       "output, every trap and interrupt delivered to it (when, cause, detail, epc),\n"
	       "its registers, pc, psw and special registers, its memory, and how it stopped.\n"
	       "Prints 'equivalent' and exits 0, or finds the first guest instruction after\n"
	       "which the first mode and another differ, prints it with both states side by\n"
	       "side, and exits 121. A difference at rdcyc (reading the clock) is Popek and\n"
	       "Goldberg's permitted temporal latency: reported, then forgiven (the second\n"
	       "mode is given the first one's reading) and the comparison goes on. A read\n"
	       "of code a monitor patched (patch mode) is a trace: reported and forgiven the\n"
	       "same way, so that the comparison goes on, but it fails the diff: the guest\n"
	       "can tell.\n\n"
	       "  --modes LIST        modes to compare, the first against each other one\n"
	       "                      (default bare,trap; valid: %s)\n"
	       "  --matrix            Popek and Goldberg's matrix instead: every mode against\n"
	       "                      bare, under the default ISA, --nonvirt (x86) and\n"
	       "                      --nonvirt=pdp10, each cell equivalent, traces (the guest\n"
	       "                      read code the monitor patched) or diverges, with the\n"
	       "                      mode's efficiency; the first differences below it. Exits\n"
	       "                      0 when the matrix could be made\n"
	       "  --restore FILE      instead: the run resumed from the snapshot FILE (trapeze\n"
	       "                      run --save-at) against a fresh run of IMAGE on the same\n"
	       "                      machine, their whole states (both CPUs, memory, devices,\n"
	       "                      the monitor's state and statistics) compared every 20000\n"
	       "                      instructions to the end: 'same', or the first instruction\n"
	       "                      after which they part (exit 121). Give the --input the\n"
	       "                      saved run had\n", vmm_mode_names());
	runopt_print_help(o, stdout);
	fputs("  --help              show this help\n\n"
	      "Exit status: 0 equivalent; 121 the modes diverge or leave traces; 1 an input\n"
	      "error; 2 a usage error; 120 a host failure; 123 --timeout ran out.\n", stdout);
}

struct diff_args {
	struct runopts o;
	enum vmm_mode modes[MAX_MODES];
	int nmodes;
	bool modes_given, matrix;
	const char *image, *restore;
};

/* 0, or 2 after a usage error. */
static int parse_modes(struct diff_args *a, const char *list)
{
	char name[32];

	a->nmodes = 0;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		if (n >= sizeof name || a->nmodes == MAX_MODES)
			return runopt_usage(&a->o, "--modes: too long a list: '%s'", list);
		memcpy(name, p, n);
		name[n] = 0;
		if (!vmm_mode_parse(name, &a->modes[a->nmodes++]))
			return runopt_usage(&a->o, "unknown mode '%s' (valid: %s)", name,
					    vmm_mode_names());
		p += n;
		if (*p == ',')
			p++;
	}
	if (a->nmodes < 2)
		return runopt_usage(&a->o, "--modes: name at least two modes to compare");
	return 0;
}

/* 0 ok, 1 --help, 2 usage error (printed). */
static int parse(int argc, char **argv, struct diff_args *a)
{
	unsigned mask = 0;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		bool missing;
		int r;

		if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
			return 1;
		if (!strcmp(arg, "--matrix")) {
			a->matrix = true;
		} else if ((v = runopt_value("--restore", argc, argv, &i, &missing))) {
			a->restore = v;
		} else if ((v = runopt_value("--modes", argc, argv, &i, &missing))) {
			if ((r = parse_modes(a, v)) != 0)
				return r;
			a->modes_given = true;
		} else if (missing) {
			return runopt_usage(&a->o, "option '%s' needs a value", arg);
		} else if ((r = runopt_rest(&a->o, argc, argv, &i, &a->image)) != 0) {
			return r;
		}
	}
	if (a->matrix && (a->modes_given || a->o.vm.nonvirt))
		return runopt_usage(&a->o, "--matrix runs every mode and every nonvirt set itself: "
				    "give it neither --modes nor --nonvirt");
	if (!a->image)
		return runopt_usage(&a->o, "no IMAGE given");
	if (a->restore && (a->matrix || a->modes_given))
		return runopt_usage(&a->o, "--restore compares a resumed run with a fresh one, in the "
				    "snapshot's mode: give it neither --modes nor --matrix");
	if (a->restore)
		return 0;
	for (int k = 0; k < a->nmodes; k++)
		mask |= 1u << a->modes[k];
	return runopt_check_modes(&a->o, a->matrix ? ~0u : mask);
}

static bool load_image(void *ctx, struct vm *vm, char *err, size_t errlen)
{
	return image_load(vm, ctx, err, errlen);
}

static bool out_of_time(void *ctx)
{
	(void)ctx;
	return runopt_timed_out();
}

/* ---- the report -------------------------------------------------------- */

static void psw_text(uint32_t psw, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s %c%c%c%c", psw & PSW_S ? "super" : "user",
		 psw & PSW_IE ? ",IE" : "", psw & PSW_Z ? 'Z' : '-', psw & PSW_N ? 'N' : '-',
		 psw & PSW_C ? 'C' : '-', psw & PSW_V ? 'V' : '-');
}

/* One row: the name, the value before, and after in each mode; marked when
 * the two modes differ. */
static void row_u32(const char *name, uint32_t before, uint32_t x, uint32_t y)
{
	printf("  %-10s 0x%08x%8s0x%08x%8s0x%08x%s\n", name, before, "", x, "", y,
	       x != y ? "        <<<" : "");
}

static void row_text(const char *name, const char *before, const char *x, const char *y)
{
	printf("  %-10s %-17s %-17s %-18s%s\n", name, before, x, y, strcmp(x, y) ? "<<<" : "");
}

static const char *stop_text(const struct vmm_observation *o, char *buf, size_t len)
{
	if (!o->stopped)
		snprintf(buf, len, "running");
	else if (o->stop == STOP_HALT)
		snprintf(buf, len, "halt %u", o->halt_code);
	else
		snprintf(buf, len, "%s", vm_stop_name(o->stop));
	return buf;
}

static void print_states(const struct vmm_divergence *d)
{
	const struct vmm_observation *b = &d->before, *x = &d->after_a, *y = &d->after_b;
	char t0[32], t1[32], t2[32];

	printf("\n  %-10s %-17s %-17s %-18s\n", "", "before", vmm_mode_name(d->a), vmm_mode_name(d->b));
	row_u32("pc", b->pc, x->pc, y->pc);
	psw_text(b->psw, t0, sizeof t0);
	psw_text(x->psw, t1, sizeof t1);
	psw_text(y->psw, t2, sizeof t2);
	row_text("mode", t0, t1, t2);
	row_u32("psw", b->psw, x->psw, y->psw);
	for (unsigned i = 1; i < NREGS; i++) {
		char name[8];
		snprintf(name, sizeof name, "r%u", i);
		row_u32(name, b->r[i], x->r[i], y->r[i]);
	}
	for (unsigned i = 0; i < SR_COUNT; i++)
		row_u32(isa_sreg_name((int)i), b->sr[i], x->sr[i], y->sr[i]);
	snprintf(t0, sizeof t0, "%zu", b->ntraps);
	snprintf(t1, sizeof t1, "%zu", x->ntraps);
	snprintf(t2, sizeof t2, "%zu", y->ntraps);
	row_text("traps", t0, t1, t2);
	snprintf(t0, sizeof t0, "%zu bytes", b->console_len);
	snprintf(t1, sizeof t1, "%zu bytes", x->console_len);
	snprintf(t2, sizeof t2, "%zu bytes", y->console_len);
	if (x->console_len == y->console_len && memcmp(x->console, y->console, x->console_len))
		strcat(t2, "*");
	row_text("console", t0, t1, t2);
	snprintf(t0, sizeof t0, "%016llx", (unsigned long long)b->mem_hash);
	snprintf(t1, sizeof t1, "%016llx", (unsigned long long)x->mem_hash);
	snprintf(t2, sizeof t2, "%016llx", (unsigned long long)y->mem_hash);
	row_text("memory", t0, t1, t2);
	row_text("stopped", stop_text(b, t0, sizeof t0), stop_text(x, t1, sizeof t1),
		 stop_text(y, t2, sizeof t2));
	if (x->ntraps && x->ntraps == y->ntraps &&
	    (x->last_trap.cause != y->last_trap.cause || x->last_trap.detail != y->last_trap.detail ||
	     x->last_trap.epc != y->last_trap.epc || x->last_trap.index != y->last_trap.index)) {
		printf("  last trap: %s: %s detail 0x%08x epc 0x%08x; %s: %s detail 0x%08x epc 0x%08x\n",
		       vmm_mode_name(d->a), isa_cause_name(x->last_trap.cause), x->last_trap.detail,
		       x->last_trap.epc, vmm_mode_name(d->b), isa_cause_name(y->last_trap.cause),
		       y->last_trap.detail, y->last_trap.epc);
	}
}

/* The temporal latency forgiven on the way, if any. */
static void report_permitted(const struct vmm_divergence *d, const struct image *img)
{
	char text[80];

	if (!d->npermitted)
		return;
	dis_insn(d->permitted_word, d->permitted_pc, img, text, sizeof text);
	printf("permitted: temporal latency: %s and %s first differ at guest instruction %llu, "
	       "pc 0x%08x: %s (reading the clock); %llu such reading%s forgiven\n",
	       vmm_mode_name(d->a), vmm_mode_name(d->b), (unsigned long long)d->permitted_index,
	       d->permitted_pc, text, (unsigned long long)d->npermitted, d->npermitted == 1 ? "" : "s");
}

/* The traces read on the way, if any: code a monitor patched. */
static void report_traces(const struct vmm_divergence *d, const struct image *img)
{
	char text[80];

	if (!d->ntraces)
		return;
	dis_insn(d->trace_word, d->trace_pc, img, text, sizeof text);
	printf("traces: %s and %s first differ at guest instruction %llu, pc 0x%08x: %s reads "
	       "0x%08x, a word the monitor patched; %llu such read%s (each forgiven to look "
	       "further, but the guest can tell)\n",
	       vmm_mode_name(d->a), vmm_mode_name(d->b), (unsigned long long)d->trace_index,
	       d->trace_pc, text, d->trace_addr, (unsigned long long)d->ntraces,
	       d->ntraces == 1 ? "" : "s");
}

/* Report one pair; true when it does not fail the diff. */
static bool report(const struct vmm_divergence *d, const struct image *img)
{
	char text[80] = "(no instruction here)";

	report_permitted(d, img);
	report_traces(d, img);
	if (!d->diverged)
		return d->equivalent;
	if (d->have_word)
		dis_insn(d->word, d->pc, img, text, sizeof text);
	printf("divergence: %s and %s differ after guest instruction %llu (%s)\n", vmm_mode_name(d->a),
	       vmm_mode_name(d->b), (unsigned long long)d->index, d->what ? d->what : "?");
	printf("  at pc 0x%08x (%s mode): %s\n", d->pc,
	       d->before.psw & PSW_S ? "supervisor" : "user", text);
	print_states(d);
	return false;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_args a = { .modes = { MODE_BARE, MODE_TRAP }, .nmodes = 2 };
	struct image img = { 0 };
	struct vmm_equiv_spec spec = { 0 };
	struct vmm_divergence *d = NULL;
	char err[512];
	int status = EXIT_INPUT, nequal = 0;
	bool ok = true;

	runopt_init(&a.o, "diff");
	a.o.vm.step_limit = VMM_EQUIV_STEP_LIMIT;
	switch (parse(argc, argv, &a)) {
	case 1: help(&a.o); return EXIT_OK;
	case 2: return runopt_usage_exit(&a.o);
	default: break;
	}
	if (!runopt_read_image(&a.o, a.image, &img) || !runopt_read_input(&a.o))
		goto out;
	if (a.o.input_terminal)
		a.o.vm.input_len = 0; /* every run must see the same input: none */
	spec.options = a.o.vm;
	spec.load = load_image;
	spec.load_ctx = &img;
	if (a.o.timeout > 0)
		spec.stop = out_of_time;
	runopt_start_timeout(&a.o);
	if (a.restore) {
		status = diff_resume(&a.o, a.restore, &img, a.image);
		goto out;
	}
	if (a.matrix) {
		status = matrix_report(&spec, &img, a.image);
		if (status != EXIT_OK && runopt_timed_out())
			status = runopt_timeout_exit(&a.o, "before the matrix was made");
		goto out;
	}
	d = calloc((size_t)a.nmodes, sizeof *d);
	if (!d) {
		runopt_error(&a.o, "out of memory");
		status = EXIT_HOST;
		goto out;
	}
	for (int k = 1; k < a.nmodes; k++) {
		if (!vmm_equiv_compare(&spec, a.modes[0], a.modes[k], &d[k], err, sizeof err)) {
			if (runopt_timed_out()) {
				status = runopt_timeout_exit(&a.o, err);
			} else {
				runopt_error(&a.o, "%s", err);
			}
			goto out;
		}
		nequal += d[k].equivalent;
		if (!report(&d[k], &img))
			ok = false;
	}
	if (nequal < a.nmodes - 1) {
		for (int k = 1; k < a.nmodes; k++)
			if (d[k].equivalent)
				printf("equivalent: %s = %s\n", vmm_mode_name(a.modes[0]),
				       vmm_mode_name(a.modes[k]));
	} else {
		const struct vmm_observation *f = &d[1].before;
		char stop[32];
		printf("equivalent: ");
		for (int k = 0; k < a.nmodes; k++)
			printf("%s%s", k ? " = " : "", vmm_mode_name(a.modes[k]));
		printf(" (%llu instructions, %zu traps and interrupts, %zu console bytes, %s)\n",
		       (unsigned long long)f->retired, f->ntraps, f->console_len,
		       stop_text(f, stop, sizeof stop));
	}
	status = ok ? EXIT_OK : EXIT_DIFFERS;
out:
	if (d)
		for (int k = 1; k < a.nmodes; k++)
			vmm_divergence_free(&d[k]);
	free(d);
	image_free(&img);
	runopt_free(&a.o);
	return status;
}
