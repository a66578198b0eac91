/*
 * tools/diff/matrix.h: the Popek-Goldberg matrix of "trapeze diff --matrix".
 * Owns: running every mode against bare under each instruction set (the
 *       default, --nonvirt as x86, --nonvirt=pdp10) and the table of
 *       verdicts and efficiencies it prints.
 * Not:  the comparison itself (vmm/equiv.h); the diff command's options
 *       (tools/diff/diff.c).
 */
#ifndef TRAPEZE_MATRIX_H
#define TRAPEZE_MATRIX_H

#include "equiv.h"
#include "image.h"

/* One cell: a mode under one instruction set, against bare. */
struct matrix_cell {
	bool applies;               /* false: the mode runs another build (pv) */
	struct vmm_divergence d;    /* the comparison with bare */
	struct vm_stats stats;      /* a run of its own, for the efficiency */
};

/* The columns: the nonvirt sets the matrix runs. */
enum { MATRIX_COLUMNS = 3 };
extern const char *const matrix_column_names[MATRIX_COLUMNS];

/* Fill cell for mode m under column col (spec's options, nonvirt set by the
 * column). False with a message in err when a run could not be made. */
bool matrix_cell_run(const struct vmm_equiv_spec *spec, enum vmm_mode m, int col,
		     struct matrix_cell *cell, char *err, size_t errlen);
/* "equivalent", "traces", "diverges", "traces+diverges", or "n/a". */
const char *matrix_verdict(const struct matrix_cell *cell);
/* Run the whole matrix for img and print it on standard output; the
 * command's exit status (0, or 1 when a run could not be made). */
int matrix_report(const struct vmm_equiv_spec *spec, const struct image *img, const char *path);

#endif
