/*
 * tests/vmm_matrix_test.c: the Popek-Goldberg matrix (tools/diff/matrix.c).
 * Owns: every cell of `trapeze diff --matrix` on the guest OS, asserted,
 *       with the first differences it names; single cells on small guests;
 *       the option's errors.
 * Not:  each technique's own tests (vmm_*_test.c).
 *
 * The matrix on the guest OS, and why each cell is what it is:
 *   default ISA: every sensitive instruction traps (Theorem 1 holds):
 *       every monitor is equivalent.
 *   --nonvirt (x86): trap-and-emulate diverges in the kernel (a silent rfe
 *       leaves it in supervisor mode). Every monitor that runs user code
 *       directly (hybrid, patch, bt) diverges in user mode, where redpill's
 *       silent getbase reads the real relocation base: getbase is
 *       user-sensitive and does not trap, so Theorem 3 fails too. Patch
 *       leaves traces before that: the kernel checksums its own text at
 *       boot. Emulation interprets everything and stays equivalent; so does
 *       hardware assist, the lecture's "since 2005".
 *   --nonvirt=pdp10: only jru is silent, and it is sensitive only in
 *       supervisor mode (Theorem 3 holds); the guest kernel never runs jru,
 *       so even trap-and-emulate stays equivalent. Patch still patches (it
 *       cannot know there is nothing to fix without watching the kernel's
 *       indirect jumps): traces.
 *   pv runs the kernel's paravirtual build, not this image: n/a.
 */
#include <criterion/criterion.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "matrix.h"
#include "vmm/vmtest.h"

struct expect_row {
	const char *mode;
	const char *cell[MATRIX_COLUMNS];
};

static const struct expect_row expected[] = {
	{ "bare", { "reference", "reference", "reference" } },
	{ "emulate", { "equivalent", "equivalent", "equivalent" } },
	{ "trap", { "equivalent", "diverges", "equivalent" } },
	{ "hybrid", { "equivalent", "diverges", "equivalent" } },
	{ "patch", { "equivalent", "traces+diverges", "traces" } },
	{ "bt", { "equivalent", "diverges", "equivalent" } },
	{ "hw", { "equivalent", "equivalent", "equivalent" } },
	{ "pv", { "n/a", "n/a", "n/a" } },
};

/* The row of mode in the table, or NULL. */
static const char *row_of(const char *out, const char *mode)
{
	size_t n = strlen(mode);

	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, mode, n) && p[n] == ' ')
			return p;
	return NULL;
}

/* Column col of a row: its verdict and its two percentages, as printed. */
static void cell_of(const char *row, int col, char *verdict, char *native, char *trans)
{
	const char *c = row + 9 + 33 * col;
	char buf[40];

	memcpy(buf, c, 33);
	buf[33] = 0;
	cr_assert_eq(sscanf(buf, "%15s %7s %7s", verdict, native, trans), 3, "cell: '%s'", buf);
}

Test(matrix, every_cell_on_the_guest_os)
{
	alarm(900); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	const char *build = getenv("BUILD");
	char args[1024];
	int status;
	char *out;

	cr_assert(build && *build, "BUILD must name the build directory (make test sets it)");
	snprintf(args, sizeof args, "diff --matrix --disk '%s/guest/disk.img' '%s/guest/kernel.elf'",
		 build, build);
	out = vt_trapeze(args, VT_BOTH, &status);
	cr_assert_eq(status, 0, "%s", out);
	cr_expect_eq(sizeof expected / sizeof expected[0], (size_t)MODE_COUNT,
		     "every mode has its expected row");
	for (size_t m = 0; m < sizeof expected / sizeof expected[0]; m++) {
		const char *row = row_of(out, expected[m].mode);
		cr_assert(row, "no row for %s in:\n%s", expected[m].mode, out);
		for (int col = 0; col < MATRIX_COLUMNS; col++) {
			char verdict[16], native[8], trans[8];
			cell_of(row, col, verdict, native, trans);
			cr_expect_str_eq(verdict, expected[m].cell[col], "%s, %s: %s", expected[m].mode,
					 matrix_column_names[col], verdict);
			if (!strcmp(expected[m].mode, "emulate"))
				cr_expect_str_eq(native, "0.0%", "emulation runs nothing natively");
			if (!strcmp(expected[m].mode, "bare"))
				cr_expect_str_eq(native, "100.0%");
			if (!strcmp(expected[m].mode, "trap") && col != 1)
				cr_expect_gt(atof(native), 90.0, "trap: %s", native);
			if (!strcmp(expected[m].mode, "bt"))
				cr_expect_gt(atof(trans), 20.0, "bt runs the kernel translated: %s", trans);
			else if (strcmp(expected[m].mode, "pv"))
				cr_expect_str_eq(trans, "-");
		}
	}
	/* The first differences, named. */
	cr_expect(strstr(out, "trap, --nonvirt (x86):\n    diverges after guest instruction"), "%s", out);
	cr_expect(strstr(out, "(supervisor mode), rfe"), "trap parts at the kernel's rfe:\n%s", out);
	cr_expect(strstr(out, "hybrid, --nonvirt (x86):\n    diverges"), "%s", out);
	cr_expect(strstr(out, "bt, --nonvirt (x86):\n    diverges"), "%s", out);
	cr_expect(strstr(out, "(user mode), getbase"), "the red pill:\n%s", out);
	cr_expect(strstr(out, "patch, --nonvirt=pdp10:\n    traces from guest instruction"), "%s", out);
	cr_expect(strstr(out, "reads its code at"), "%s", out);
	free(out);
}

/* One cell at a time, on a kernel that reads its own code. */
Test(matrix, single_cells_on_a_small_guest)
{
	static const struct { enum vmm_mode m; int col; const char *verdict; } cells[] = {
		{ MODE_EMULATE, 1, "equivalent" }, { MODE_TRAP, 0, "equivalent" },
		{ MODE_TRAP, 1, "diverges" },      { MODE_HYBRID, 1, "equivalent" },
		{ MODE_PATCH, 0, "equivalent" },   { MODE_PATCH, 1, "traces" },
		{ MODE_BT, 1, "equivalent" },      { MODE_PV, 1, "n/a" },
	};
	struct image img;
	struct vm_options o;
	struct vmm_equiv_spec spec = { 0 };

	vt_assemble("readcode", &img);
	vm_options_init(&o);
	o.step_limit = 1000;
	spec.options = o;
	spec.load = vt_load_image;
	spec.load_ctx = &img;
	for (size_t k = 0; k < sizeof cells / sizeof cells[0]; k++) {
		struct matrix_cell c;
		char err[256];

		cr_assert(matrix_cell_run(&spec, cells[k].m, cells[k].col, &c, err, sizeof err), "%s", err);
		cr_expect_str_eq(matrix_verdict(&c), cells[k].verdict, "%s, %s",
				 vmm_mode_name(cells[k].m), matrix_column_names[cells[k].col]);
		if (cells[k].m == MODE_PATCH && cells[k].col == 1)
			cr_expect(c.d.ntraces == 1 && c.d.trace_addr == 0, "the read of getpsw's word");
		vmm_divergence_free(&c.d);
	}
	image_free(&img);
}

Test(matrix, takes_neither_modes_nor_nonvirt)
{
	int status;
	char *out = vt_trapeze("diff --matrix --modes bare,trap /dev/null", VT_BOTH, &status);

	cr_expect_eq(status, 2);
	cr_expect(strstr(out, "--matrix runs every mode and every nonvirt set itself"), "%s", out);
	free(out);
	out = vt_trapeze("diff --matrix --nonvirt /dev/null", VT_BOTH, &status);
	cr_expect_eq(status, 2, "%s", out);
	free(out);
	out = vt_trapeze("diff --help", VT_STDOUT, &status);
	cr_expect(strstr(out, "--matrix"), "%s", out);
	free(out);
}
