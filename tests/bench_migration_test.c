/*
 * tests/bench_migration_test.c: `trapeze bench --migration`, asserted on
 *       its simulated figures (the same on every machine), never on host time.
 * Owns: the pre-copy trade-off in the table and its CSV (the guest that
 *       writes memory fast needs more rounds, sends memory over and over,
 *       stops longest, and has the largest writable working set; the idle
 *       guest converges at once); failover's overhead falling as epochs
 *       grow; every migrated guest exact; the chart's and the usage's lines.
 * Not:  pre-copy and checkpoints themselves (migrate_test.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/vmtest.h"

struct mrow {
	char name[16], end[48];
	unsigned rounds, wws;
	double total, down;
	unsigned long long pages, bytes;
};

static int read_migration(const char *dir, struct mrow *r)
{
	char path[256], line[512];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof path, "%s/migration.csv", dir);
	f = fopen(path, "r");
	cr_assert(f, "no %s", path);
	cr_assert(fgets(line, sizeof line, f) && strstr(line, "workload,rounds"));
	while (n < 8 && fgets(line, sizeof line, f)) {
		unsigned mem;
		unsigned long long insns;
		cr_assert_eq(sscanf(line, "%15[^,],%u,%llu,%u,%llu,%lf,%lf,%llu,%u,%47[^\n]", r[n].name,
				    &r[n].rounds, &r[n].pages, &mem, &r[n].bytes, &r[n].total, &r[n].down,
				    &insns, &r[n].wws, r[n].end), 10, "%s", line);
		n++;
	}
	fclose(f);
	return n;
}

static const struct mrow *row(const struct mrow *r, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(r[i].name, name))
			return &r[i];
	cr_assert_fail("no row %s", name);
	return NULL;
}

Test(bench_migration, the_table_shows_the_pre_copy_trade_off_and_failovers_cost)
{
	alarm(600); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	char dir[] = "/tmp/trapeze-benchmig-XXXXXX", args[1200], path[300], line[256], name[16];
	const char *b = getenv("BUILD");
	struct mrow r[8];
	const struct mrow *idle, *dirty, *compute, *os;
	double over[3] = { 0 };
	int status, n, k = 0;
	char *out;
	FILE *f;

	cr_assert(b && *b && mkdtemp(dir));
	snprintf(args, sizeof args, "bench --migration --build '%s' --dir %s", b, dir);
	out = vt_trapeze(args, VT_STDOUT, &status);
	cr_assert_eq(status, 0, "%s", out);
	cr_expect(!strstr(out, "NOT EXACT"), "a migrated guest did not end as the unmoved run:\n%s", out);
	cr_expect(strstr(out, "downtime") && strstr(out, "WWS") && strstr(out, "overhead"), "%s", out);
	n = read_migration(dir, r);
	cr_assert_eq(n, 4, "four workloads");
	idle = row(r, n, "idle");
	compute = row(r, n, "compute");
	dirty = row(r, n, "dirty");
	os = row(r, n, "guest-os");
	cr_expect_eq(strcmp(idle->end, "converged"), 0, "idle: %s", idle->end);
	cr_expect(strstr(dirty->end, "limit") || strstr(dirty->end, "three times"), "dirty: %s", dirty->end);
	cr_expect_gt(dirty->rounds, idle->rounds + 2);
	cr_expect_gt(dirty->rounds, compute->rounds + 2);
	cr_expect_gt(dirty->down, 5 * os->down, "dirty %.3f ms, guest OS %.3f", dirty->down, os->down);
	cr_expect_gt(dirty->down, 10 * idle->down);
	cr_expect_gt(dirty->bytes, 2 * compute->bytes, "memory sent over and over");
	cr_expect_gt(dirty->wws, os->wws);
	cr_expect_gt(os->wws, idle->wws);
	/* Failover: the guest OS's overhead falls as its epochs grow. */
	snprintf(path, sizeof path, "%s/failover.csv", dir);
	f = fopen(path, "r");
	cr_assert(f);
	cr_assert(fgets(line, sizeof line, f));
	while (fgets(line, sizeof line, f)) {
		unsigned long long epoch, c, p, by;
		double first, paused, o;
		cr_assert_eq(sscanf(line, "%15[^,],%llu,%llu,%llu,%llu,%lf,%lf,%lf", name, &epoch, &c, &p, &by,
				    &first, &paused, &o), 8, "%s", line);
		if (!strcmp(name, "guest-os") && k < 3)
			over[k++] = o;
	}
	fclose(f);
	cr_assert_eq(k, 3);
	cr_expect(over[0] > over[1] && over[1] > over[2], "overhead %.1f%%, %.1f%%, %.1f%%", over[0],
		  over[1], over[2]);
	free(out);
	out = vt_trapeze("bench --migration --frobnicate", VT_BOTH, &status);
	cr_expect_eq(status, 2, "%s", out);
	free(out);
	snprintf(args, sizeof args, "rm -rf '%s'", dir);
	cr_expect_eq(system(args), 0);
}
