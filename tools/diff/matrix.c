/*
 * tools/diff/matrix.c: the Popek-Goldberg matrix (see matrix.h).
 * Owns: the cells (one comparison with bare and one run for the statistics
 *       per mode and instruction set) and their table.
 * Not:  comparing (vmm/equiv.c); disassembling (dis.h).
 * Implements: the lecture's story of x86 in one table, by experiment:
 *       with every sensitive instruction privileged (the default ISA) every
 *       monitor is equivalent; with x86's flaws (--nonvirt) trap-and-emulate
 *       diverges (Theorem 1 fails), patching leaves traces, and every monitor
 *       that runs user code directly can be seen through from user mode
 *       (Theorem 3 fails too); with the PDP-10's one flaw (--nonvirt=pdp10)
 *       Theorem 3 holds. Efficiency is P&G's: the share of guest
 *       instructions the real processor ran directly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dis.h"
#include "exitcode.h"
#include "matrix.h"

const char *const matrix_column_names[MATRIX_COLUMNS] = {
	"default ISA", "--nonvirt (x86)", "--nonvirt=pdp10",
};
static const char *const column_specs[MATRIX_COLUMNS] = { NULL, "x86", "pdp10" };

/* The paravirtual monitor runs a guest built for it, not this image. */
static bool runs_another_build(enum vmm_mode m)
{
	return !strcmp(vmm_mode_name(m), "pv");
}

static unsigned column_nonvirt(int col)
{
	const char *bad;
	return column_specs[col] ? (unsigned)cpu_parse_nonvirt(column_specs[col], &bad) : 0;
}

/* One run to the end, for its statistics. */
static bool run_for_stats(const struct vmm_equiv_spec *spec, const struct vm_options *o,
			  struct vm_stats *stats, char *err, size_t errlen)
{
	struct vm *vm;

	if (!vm_create(&vm, o, err, errlen))
		return false;
	if (!spec->load(spec->load_ctx, vm, err, errlen)) {
		vm_destroy(vm);
		return false;
	}
	if (!spec->stop) {
		vm_run(vm, UINT64_MAX);
	} else {
		/* In slices, asking the caller between them (--timeout). */
		while (vm_run(vm, 1u << 20) == STOP_LIMIT && !vm_at_step_limit(vm)) {
			if (spec->stop(spec->stop_ctx)) {
				snprintf(err, errlen, "stopped before the %s run ended",
					 vmm_mode_name(o->mode));
				vm_destroy(vm);
				return false;
			}
		}
	}
	vm_get_stats(vm, stats);
	vm_destroy(vm);
	return true;
}

bool matrix_cell_run(const struct vmm_equiv_spec *spec, enum vmm_mode m, int col,
		     struct matrix_cell *cell, char *err, size_t errlen)
{
	struct vmm_equiv_spec s = *spec;

	memset(cell, 0, sizeof *cell);
	if (runs_another_build(m))
		return true;
	cell->applies = true;
	s.options.nonvirt = column_nonvirt(col);
	s.options.mode = m;
	s.options.console = NULL;
	s.options.capture = false;
	if (!s.options.step_limit)
		s.options.step_limit = VMM_EQUIV_STEP_LIMIT;
	if (!run_for_stats(&s, &s.options, &cell->stats, err, errlen))
		return false;
	if (m == MODE_BARE) {
		cell->d.equivalent = true;
		return true;
	}
	return vmm_equiv_compare(&s, MODE_BARE, m, &cell->d, err, errlen);
}

const char *matrix_verdict(const struct matrix_cell *cell)
{
	if (!cell->applies)
		return "n/a";
	if (cell->d.diverged)
		return cell->d.ntraces ? "traces+diverges" : "diverges";
	return cell->d.ntraces ? "traces" : "equivalent";
}

static double percent(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 100.0;
}

static void print_cell(enum vmm_mode m, const struct matrix_cell *c)
{
	if (!c->applies) {
		printf("  %-31s", "n/a (paravirtual build)");
		return;
	}
	printf("  %-15s %6.1f%%", m == MODE_BARE ? "reference" : matrix_verdict(c),
	       vm_efficiency(&c->stats));
	if (c->stats.translated)
		printf(" %6.1f%%", percent(c->stats.translated, c->stats.retired));
	else
		printf(" %7s", "-");
}

/* The first difference of one cell, in words: its traces, then its divergence. */
static void print_details(enum vmm_mode m, int col, const struct matrix_cell *c,
			  const struct image *img)
{
	const struct vmm_divergence *d = &c->d;
	char text[80] = "(no instruction here)";

	if (!c->applies || m == MODE_BARE || (!d->diverged && !d->ntraces))
		return;
	printf("  %s, %s:\n", vmm_mode_name(m), matrix_column_names[col]);
	if (d->ntraces) {
		dis_insn(d->trace_word, d->trace_pc, img, text, sizeof text);
		printf("    traces from guest instruction %llu: at pc 0x%08x, %s reads its code at "
		       "0x%08x, patched by the monitor (%llu such read%s)\n",
		       (unsigned long long)d->trace_index, d->trace_pc, text, d->trace_addr,
		       (unsigned long long)d->ntraces, d->ntraces == 1 ? "" : "s");
	}
	if (d->diverged) {
		snprintf(text, sizeof text, "(no instruction here)");
		if (d->have_word)
			dis_insn(d->word, d->pc, img, text, sizeof text);
		printf("    diverges after guest instruction %llu: at pc 0x%08x (%s mode), %s: "
		       "%s differ\n", (unsigned long long)d->index, d->pc,
		       d->before.psw & PSW_S ? "supervisor" : "user", text, d->what ? d->what : "?");
	}
}

static void print_legend(void)
{
	printf("\nequivalent: the guest cannot tell (reading the clock aside: P&G's temporal\n"
	       "latency); traces: it can, by reading its own code, which the monitor patched;\n"
	       "diverges: it behaves differently. native: the share of guest instructions the\n"
	       "real processor ran directly, P&G's efficiency; trans.: the share run as\n"
	       "translated code (bt), which runs on the processor but only as the monitor\n"
	       "chose to copy it.\n");
}

int matrix_report(const struct vmm_equiv_spec *spec, const struct image *img, const char *path)
{
	struct matrix_cell *cells = calloc((size_t)MODE_COUNT * MATRIX_COLUMNS, sizeof *cells);
	char err[512];
	int status = EXIT_INPUT;
	bool any = false;

	if (!cells) {
		fprintf(stderr, "trapeze: diff: error: out of memory\n");
		return EXIT_HOST;
	}
	for (int m = 0; m < MODE_COUNT; m++) {
		for (int col = 0; col < MATRIX_COLUMNS; col++) {
			if (!matrix_cell_run(spec, (enum vmm_mode)m, col, &cells[m * MATRIX_COLUMNS + col],
					     err, sizeof err)) {
				fprintf(stderr, "trapeze: diff: error: %s\n", err);
				goto out;
			}
		}
	}
	printf("Popek and Goldberg, by experiment: %s under every mode, against bare\n\n", path);
	printf("%-9s", "");
	for (int col = 0; col < MATRIX_COLUMNS; col++)
		printf("  %-31s", matrix_column_names[col]);
	printf("\n%-9s", "mode");
	for (int col = 0; col < MATRIX_COLUMNS; col++)
		printf("  %-15s %7s %7s", "verdict", "native", "trans.");
	printf("\n");
	for (int m = 0; m < MODE_COUNT; m++) {
		printf("%-9s", vmm_mode_name((enum vmm_mode)m));
		for (int col = 0; col < MATRIX_COLUMNS; col++)
			print_cell((enum vmm_mode)m, &cells[m * MATRIX_COLUMNS + col]);
		printf("\n");
	}
	print_legend();
	for (int m = 0; m < MODE_COUNT; m++) {
		for (int col = 0; col < MATRIX_COLUMNS; col++) {
			const struct matrix_cell *c = &cells[m * MATRIX_COLUMNS + col];
			if (c->applies && (c->d.diverged || c->d.ntraces)) {
				if (!any)
					printf("\nfirst differences:\n");
				any = true;
				print_details((enum vmm_mode)m, col, c, img);
			}
		}
	}
	status = EXIT_OK;
out:
	for (int i = 0; i < MODE_COUNT * MATRIX_COLUMNS; i++)
		vmm_divergence_free(&cells[i].d);
	free(cells);
	return status;
}
