/*
 * labs/lab5/tests/compare_test.c: lab 5, the technique comparison.
 * Owns: labs/lab5/comparison.txt against `trapeze bench --techniques`, run
 *       here on the same build (its cycles are simulated: deterministic).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labtest.h"

enum { MAX_ROWS = 128 };

struct row {
	char workload[32], mode[32];
	double vs_bare;
	char equivalent[16];
};

/* Run the benchmark into a fresh directory and read its CSV. */
static int bench(struct row *rows)
{
	char cmd[8192], line[512], path[256];
	char dir[] = "/tmp/trapeze-lab5-XXXXXX";
	int status, n = 0;
	char *out;
	FILE *f;

	cr_assert(mkdtemp(dir));
	snprintf(cmd, sizeof cmd, "'%s' bench --techniques --cpu early --build '%s' --dir %s",
		 lab_trapeze(), lab_build(), dir);
	out = lab_sh(cmd, &status);
	cr_assert(status == 0, "trapeze bench --techniques failed:\n%s", lab_tail(out, 2000));
	free(out);
	snprintf(path, sizeof path, "%s/techniques-early.csv", dir);
	f = fopen(path, "r");
	cr_assert(f, "no %s", path);
	cr_assert(fgets(line, sizeof line, f), "an empty CSV"); /* the header */
	while (n < MAX_ROWS && fgets(line, sizeof line, f)) {
		char *field[16];
		int k = 0;
		for (char *p = line, *q; k < 16 && p; p = q) {
			q = strchr(p, ',');
			if (q)
				*q++ = 0;
			field[k++] = p;
		}
		if (k < 12)
			continue;
		snprintf(rows[n].workload, sizeof rows[n].workload, "%s", field[0]);
		snprintf(rows[n].mode, sizeof rows[n].mode, "%s", field[1]);
		rows[n].vs_bare = atof(field[6]);
		snprintf(rows[n].equivalent, sizeof rows[n].equivalent, "%.*s",
			 (int)strcspn(field[11], "\r\n"), field[11]);
		n++;
	}
	fclose(f);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	free(lab_sh(cmd, &status));
	return n;
}

static bool finding(const char *key, char *buf, size_t len)
{
	FILE *f = fopen("labs/lab5/comparison.txt", "r");
	char line[512];
	size_t klen = strlen(key);
	bool found = false;

	cr_assert(f, "no labs/lab5/comparison.txt");
	while (!found && fgets(line, sizeof line, f)) {
		char *p = line + strspn(line, " \t");
		if (*p == '#' || strncmp(p, key, klen) || p[klen] != ':')
			continue;
		p += klen + 1;
		p += strspn(p, " \t");
		p[strcspn(p, " \t#\r\n")] = 0;
		snprintf(buf, len, "%s", p);
		found = true;
	}
	fclose(f);
	return found;
}

Test(lab5_compare, comparison_txt_reads_the_benchmark_right, .timeout = 60)
{
	static const char *const workloads[] = { "compute", "syscall", "privop", "io", "irq" };
	static const struct { const char *key, *mode, *workload; } numbers[] = {
		{ "trap-syscall", "trap", "syscall" },
		{ "hw-privop", "hw", "privop" },
		{ "pv-syscall", "pv", "syscall" },
	};
	struct row rows[MAX_ROWS];
	int n = bench(rows);
	char got[128];

	cr_assert(n >= 10, "the benchmark's table has %d rows", n);
	for (int i = 0; i < n; i++)
		cr_assert(!strcmp(rows[i].equivalent, "yes") || !strcmp(rows[i].equivalent, "output"),
			  "under %s the %s workload is not what it is bare (%s): fix the monitors first",
			  rows[i].mode, rows[i].workload, rows[i].equivalent);
	for (unsigned w = 0; w < sizeof workloads / sizeof workloads[0]; w++) {
		double best = 1e300;
		char key[64];
		bool ok = false;

		for (int i = 0; i < n; i++)
			if (!strcmp(rows[i].workload, workloads[w]) && strcmp(rows[i].mode, "bare") &&
			    rows[i].vs_bare < best)
				best = rows[i].vs_bare;
		snprintf(key, sizeof key, "best-%s", workloads[w]);
		if (!finding(key, got, sizeof got)) {
			cr_expect_fail("comparison.txt has no line '%s: ...'", key);
			continue;
		}
		for (int i = 0; i < n; i++) /* a tie: either answer is right */
			ok |= !strcmp(rows[i].workload, workloads[w]) && rows[i].vs_bare == best &&
			      !strcmp(rows[i].mode, got);
		cr_expect(ok, "%s: you wrote '%s'; the benchmark's cheapest technique there costs "
			  "%.3f times bare", key, got, best);
	}
	for (unsigned k = 0; k < sizeof numbers / sizeof numbers[0]; k++) {
		double want = -1, off;

		for (int i = 0; i < n; i++)
			if (!strcmp(rows[i].workload, numbers[k].workload) &&
			    !strcmp(rows[i].mode, numbers[k].mode))
				want = rows[i].vs_bare;
		if (!finding(numbers[k].key, got, sizeof got)) {
			cr_expect_fail("comparison.txt has no line '%s: ...'", numbers[k].key);
			continue;
		}
		off = atof(got) - want;
		cr_expect(want > 0 && (off < 0 ? -off : off) <= 0.01 * want,
			  "%s: you wrote %s; the table says %.3f", numbers[k].key, got, want);
	}
}
