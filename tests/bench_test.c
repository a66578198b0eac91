/*
 * tests/bench_test.c: the comparison of techniques (tools/bench/bench.h), asserted
 *       on simulated cycles, never on host time.
 * Owns: the orderings Adams and Agesen (ASPLOS 2006) found, reproduced on
 *       the early processor; the ones their later follow-up found on the
 *       modern one; every run equivalent; the measure deterministic; the
 *       command's table, CSV and usage.
 * Not:  the costs' sources (vmm/costs.c); any one technique's correctness
 *       (the vmm_*_test.c files).
 * The binary translator (bt) is another file's technique: where it is in
 * the table of modes, it is compared; where it is not, those checks wait.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "vmm/vmtest.h"

static const char *build(void)
{
	const char *b = getenv("BUILD");
	cr_assert(b && *b, "BUILD must name an absolute path (make test sets it)");
	return b;
}

/* Every mode, measured on processor cpu. */
static struct bench_table *measure(enum vmm_cpu cpu)
{
	enum vmm_mode modes[MODE_COUNT];
	struct bench_table *t = malloc(sizeof *t);
	char err[512];

	cr_assert(t);
	for (int m = 0; m < MODE_COUNT; m++)
		modes[m] = (enum vmm_mode)m;
	cr_assert(bench_techniques(build(), cpu, modes, MODE_COUNT, t, err, sizeof err), "%s", err);
	return t;
}

static double vs_bare(const struct bench_table *t, enum bench_work w, enum vmm_mode m)
{
	const struct bench_cell *c = bench_cell_of(t, w, m);
	cr_assert(c, "%s was not run under %s", bench_work_name(w), vmm_mode_name(m));
	return c->vs_bare;
}

/* The binary translator, if the table of modes has it. */
static bool have_bt(enum vmm_mode *bt)
{
	return vmm_mode_parse("bt", bt);
}

#define CHEAPER(t, w, a, b)                                                                  \
	cr_expect_lt(vs_bare(t, w, a), vs_bare(t, w, b), "%s: %s (%.3f) should cost less than " \
		     "%s (%.3f)", bench_work_name(w), vmm_mode_name(a), vs_bare(t, w, a),         \
		     vmm_mode_name(b), vs_bare(t, w, b))

Test(bench, every_run_is_equivalent_to_bare)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct bench_table *t = measure(VMM_CPU_EARLY);

	for (int w = 0; w < WORK_COUNT; w++)
		for (int i = 0; i < t->nmodes; i++)
			cr_expect_neq(t->cell[w][i].equiv, EQUIV_NO, "%s under %s",
				      bench_work_name((enum bench_work)w), vmm_mode_name(t->modes[i]));
	free(t);
}

/* Adams and Agesen's findings, on the first VT-x processor. */
Test(bench, early_processor_reproduces_the_papers_orderings)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct bench_table *t = measure(VMM_CPU_EARLY);
	enum vmm_mode bt;

	/* Compute-bound: every technique within a few percent of bare (full
	 * emulation, which gives up efficiency by design, apart). */
	for (int i = 0; i < t->nmodes; i++)
		if (t->modes[i] != MODE_EMULATE)
			cr_expect_leq(t->cell[WORK_COMPUTE][i].vs_bare, 1.05, "compute under %s: %.3f",
				      vmm_mode_name(t->modes[i]), t->cell[WORK_COMPUTE][i].vs_bare);
	/* System calls: hardware assist close to bare, and cheaper than the
	 * software techniques, which take a trap into the monitor for each. */
	cr_expect_leq(vs_bare(t, WORK_SYSCALL, MODE_HW), 1.10);
	CHEAPER(t, WORK_SYSCALL, MODE_HW, MODE_TRAP);
	CHEAPER(t, WORK_SYSCALL, MODE_HW, MODE_PV);
	if (have_bt(&bt)) {
		CHEAPER(t, WORK_SYSCALL, MODE_HW, bt);
		/* Privileged operations and port I/O: the translator's callouts
		 * beat the early processor's exits. */
		CHEAPER(t, WORK_PRIVOP, bt, MODE_HW);
		CHEAPER(t, WORK_IO, bt, MODE_HW);
	}
	free(t);
}

/*
 * Memory virtualisation, Adams and Agesen's central result (ASPLOS 2006,
 * forkwait: 6.0 s native, 36.9 s under VMware's translator, 106.4 s under
 * the first VT-x): without nested paging, every guest page-table write and
 * every context switch costs the early processor a VM exit, while the
 * translator makes the writes callouts: binary translation wins fork- and
 * page-table-heavy work. Nested paging (2007-08) takes those exits away:
 * hardware assist wins, paying only for its longer walk.
 */
Test(bench, forkwait_crosses_over_from_binary_translation_to_nested_paging)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct bench_table *early = measure(VMM_CPU_EARLY), *modern = measure(VMM_CPU_MODERN);
	enum vmm_mode bt;

	cr_assert(have_bt(&bt));
	CHEAPER(early, WORK_FORKWAIT, bt, MODE_HW);
	CHEAPER(early, WORK_PTEMOD, bt, MODE_HW);
	CHEAPER(modern, WORK_FORKWAIT, MODE_HW, bt);
	CHEAPER(modern, WORK_PTEMOD, MODE_HW, bt);
	CHEAPER(modern, WORK_PGFAULT, MODE_HW, bt);
	/* Both beat plain trap-and-emulate's shadows, whose traced writes are
	 * all exits; and every run is the bare machine's to the guest. */
	CHEAPER(early, WORK_FORKWAIT, bt, MODE_TRAP);
	for (int w = WORK_FORKWAIT; w <= WORK_PTEMOD; w++)
		for (int i = 0; i < early->nmodes; i++)
			if (early->modes[i] != MODE_PV)
				cr_expect_eq(early->cell[w][i].equiv, EQUIV_YES, "%s under %s",
					     bench_work_name((enum bench_work)w), vmm_mode_name(early->modes[i]));
	free(early);
	free(modern);
}

/* Paravirtualisation on the disk: cheapest of all, and ten times fewer
 * exits per KiB than the emulated disk's. */
Test(bench, pv_is_cheapest_on_disk_io)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	static const enum vmm_cpu cpus[] = { VMM_CPU_EARLY, VMM_CPU_MODERN };

	for (unsigned k = 0; k < 2; k++) {
		struct bench_table *t = measure(cpus[k]);
		const struct bench_cell *pv = bench_cell_of(t, WORK_IO, MODE_PV);
		cr_assert(pv);
		for (int i = 0; i < t->nmodes; i++)
			if (t->modes[i] != MODE_BARE && t->modes[i] != MODE_PV)
				CHEAPER(t, WORK_IO, MODE_PV, t->modes[i]);
		cr_expect_geq(bench_cell_of(t, WORK_IO, MODE_TRAP)->exits_per_kib, 10 * pv->exits_per_kib);
		cr_expect_geq(bench_cell_of(t, WORK_IO, MODE_HW)->exits_per_kib, 10 * pv->exits_per_kib);
		cr_expect_gt(pv->exits_per_kib, 0);
		free(t);
	}
}

/* The follow-up (Agesen et al., 2010, 2012): on later processors hardware
 * assist beats binary translation on most workloads; port I/O still exits. */
Test(bench, modern_processor_lets_hardware_assist_win_most)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct bench_table *t = measure(VMM_CPU_MODERN);
	static const enum bench_work wins[] = { WORK_SYSCALL, WORK_PRIVOP, WORK_IRQ };
	enum vmm_mode bt;

	cr_expect_leq(vs_bare(t, WORK_COMPUTE, MODE_HW), 1.01);
	cr_expect_leq(vs_bare(t, WORK_PRIVOP, MODE_HW), 1.05, "the mask is shadowed: no exits");
	cr_expect_leq(vs_bare(t, WORK_IRQ, MODE_HW), 1.05, "the guest's own timer: no exits");
	for (unsigned i = 0; i < sizeof wins / sizeof wins[0]; i++) {
		CHEAPER(t, wins[i], MODE_HW, MODE_TRAP);
		CHEAPER(t, wins[i], MODE_HW, MODE_PV);
		if (have_bt(&bt))
			CHEAPER(t, wins[i], MODE_HW, bt);
	}
	free(t);
}

Test(bench, simulated_cycles_are_deterministic)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct bench_table *a = measure(VMM_CPU_EARLY), *b = measure(VMM_CPU_EARLY);

	for (int w = 0; w < WORK_COUNT; w++)
		for (int i = 0; i < a->nmodes; i++) {
			cr_expect_eq(a->cell[w][i].cycles, b->cell[w][i].cycles);
			cr_expect_eq(a->cell[w][i].exits, b->cell[w][i].exits);
		}
	free(a);
	free(b);
}

/* The chart the command drew (gnuplot: scripts/deps.sh installs it for the
 * tests and for make bench): there, said, and well-formed XML (xmllint). */
static void expect_svg(const char *dir, const char *name, const char *out)
{
	char path[256], cmd[1024];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	cr_expect_eq(access(path, R_OK), 0, "no chart %s:\n%s", path, out);
	cr_expect(strstr(out, name), "the command does not name its chart:\n%s", out);
	snprintf(cmd, sizeof cmd, "xmllint --noout '%s' && grep -q '<svg' '%s' && grep -q '</svg>' '%s'",
		 path, path, path);
	cr_expect_eq(system(cmd), 0, "%s is not a well-formed SVG document", path);
}

Test(bench, the_command_prints_the_table_and_writes_the_csv)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	char args[1024], dir[] = "/tmp/trapeze-bench-XXXXXX", csv[128];
	int status;
	char *out;

	cr_assert(mkdtemp(dir));
	snprintf(args, sizeof args, "bench --techniques --cpu modern --modes trap,hw,pv --build '%s' --dir %s",
		 build(), dir);
	out = vt_trapeze(args, VT_STDOUT, &status);
	cr_expect_eq(status, 0, "%s", out);
	cr_expect(strstr(out, "processor: modern"), "%s", out);
	cr_expect(strstr(out, "cycles/bare"), "%s", out);
	cr_expect(strstr(out, "HW_EXIT 250"), "the costs it was priced with:\n%s", out);
	snprintf(csv, sizeof csv, "%s/techniques-modern.csv", dir);
	cr_expect_eq(access(csv, R_OK), 0, "%s", out);
	expect_svg(dir, "techniques-modern.svg", out);
	free(out);
	out = vt_trapeze("bench --techniques --cpu pentium", VT_BOTH, &status);
	cr_expect_eq(status, 2);
	cr_expect(strstr(out, "unknown processor 'pentium'"), "%s", out);
	free(out);
	snprintf(args, sizeof args, "rm -rf '%s'", dir);
	cr_expect_eq(system(args), 0);
}

/* The speed table (make bench): one round, two modes. What it measures is
 * never asserted, only that every row is there, that pv ran its own kernel
 * on the guest OS, and that the CSV says the same. */
Test(bench, the_speed_table_has_every_workload_and_mode_and_a_csv)
{
	alarm(300); /* under make sanitize a round takes seconds */
	char args[1024], dir[] = "/tmp/trapeze-speed-XXXXXX", path[128], line[256];
	unsigned long long bare_insns = 0, pv_insns = 0, n;
	int status, rows = 0;
	char *out, work[16], mode[16];

	cr_assert(mkdtemp(dir));
	snprintf(args, sizeof args, "bench --build '%s' --dir %s --runs 1 --modes bare,pv", build(), dir);
	out = vt_trapeze(args, VT_STDOUT, &status);
	cr_assert_eq(status, 0, "%s", out);
	for (const char *p = out; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		if (sscanf(p, "%15s %15s %llu", work, mode, &n) != 3 ||
		    (strcmp(work, "sieve") && strcmp(work, "checksum") && strcmp(work, "guest-os") &&
		     strcmp(work, "sieve-pg") && strcmp(work, "guest-pg")))
			continue;
		rows++;
		if (!strcmp(work, "guest-os") && !strcmp(mode, "bare"))
			bare_insns = n;
		if (!strcmp(work, "guest-os") && !strcmp(mode, "pv"))
			pv_insns = n;
	}
	cr_expect_eq(rows, 3 + 5 * 2, "native three times, then bare and pv for each workload:\n%s", out);
	cr_expect(strstr(out, "paging: the sieve in paged user mode runs at"), "%s", out);
	cr_expect(strstr(out, "sieve     native"), "%s", out);
	cr_expect(strstr(out, "checksum  pv"), "%s", out);
	cr_expect(bare_insns > 0 && pv_insns > 0 && pv_insns != bare_insns,
		  "pv runs the paravirtualised kernel (%llu instructions, bare %llu)", pv_insns, bare_insns);
	snprintf(path, sizeof path, "%s/bench.csv", dir);
	FILE *f = fopen(path, "r");
	cr_assert(f, "%s was not written", path);
	rows = 0;
	while (fgets(line, sizeof line, f))
		rows++;
	fclose(f);
	cr_expect_eq(rows, 1 + 3 + 5 * 2, "a header and a row per line of the table");
	expect_svg(dir, "bench.svg", out);
	free(out);

	out = vt_trapeze("bench --modes bare,warp", VT_BOTH, &status);
	cr_expect_eq(status, 2);
	cr_expect(strstr(out, "unknown mode 'warp'"), "%s", out);
	free(out);
	snprintf(args, sizeof args, "rm -rf '%s'", dir);
	cr_expect_eq(system(args), 0);
}

/* The network table: exits per KiB in the order the lecture gives, on
 * every processor (counts do not depend on prices), and the counts exact. */
Test(bench, network_exits_per_kib_passthrough_below_pv_below_emulated)
{
	for (int cpu = 0; cpu < 3; cpu++) {
		struct bench_net_row r[BENCH_NET_WAYS];
		char err[512];

		cr_assert(bench_net(build(), (enum vmm_cpu)cpu, r, err, sizeof err), "%s", err);
		for (int w = 1; w < BENCH_NET_WAYS; w++)
			cr_expect_eq(r[w].kib, r[NET_WAY_BARE].kib, "every way moved the same bytes");
		cr_expect_gt(r[NET_WAY_BARE].kib, 180.0, "64 frames each way");
		cr_expect_lt(r[NET_WAY_PASSTHROUGH].exits_per_kib, r[NET_WAY_PV].exits_per_kib);
		cr_expect_lt(r[NET_WAY_PV].exits_per_kib, r[NET_WAY_EMULATED].exits_per_kib);
		cr_expect_eq(r[NET_WAY_EMULATED_HW].exits, r[NET_WAY_EMULATED].exits,
			     "hw's I/O exits are trap's traps, one for one");
		/* The card's own exits: none passed through; setup and one
		 * notification per batch of eight on the ring; every port access
		 * emulated (a send is three, a receive two, and the polls). */
		cr_expect_eq(r[NET_WAY_PASSTHROUGH].net_exits, 0);
		cr_expect_eq(r[NET_WAY_PV].net_exits, 1 + BENCH_NET_FRAMES / 8);
		cr_expect_geq(r[NET_WAY_EMULATED].net_exits, 5 * BENCH_NET_FRAMES);
		cr_expect_eq(r[NET_WAY_BARE].exits, 0);
		cr_expect_lt(r[NET_WAY_PASSTHROUGH].vmm_cycles, r[NET_WAY_EMULATED].vmm_cycles);
	}
}
