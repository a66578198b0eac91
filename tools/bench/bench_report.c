/*
 * tools/bench/bench_report.c: `trapeze bench --techniques`: the comparison of
 *       techniques as a table, a CSV file and a chart.
 * Owns: the options of bench --techniques, printing the table and the cost
 *       table it was priced with, writing DIR/techniques-CPU.csv, and the
 *       chart DIR/techniques-CPU.svg when gnuplot is installed.
 * Not:  measuring (bench_techniques.c); the speed benchmark (bench.c).
 * Implements: part of P&G's efficiency property made visible: which
 *       technique pays where, after Adams and Agesen (ASPLOS 2006).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench.h"
#include "commands.h"
#include "exitcode.h"

static const char usage_line[] =
	"usage: trapeze bench --techniques [--cpu NAME] [--modes LIST] [--build DIR] [--dir DIR]\n";

static void help(void)
{
	fputs(usage_line, stdout);
	printf("\nRun the guest OS workloads (guest-os/bench: compute, syscall, privop, io, irq)\n"
	       "under bare and every technique, and print for each: simulated cycles relative\n"
	       "to bare, VM exits per 1000 guest instructions and per KiB the disk moved, host\n"
	       "time relative to bare, and whether the run was equivalent to bare. Cycles are\n"
	       "simulated and deterministic: the empty workload's cycles (booting and shutting\n"
	       "down) are subtracted in each mode. Host time is measured, whole runs, for\n"
	       "display only.\n\n"
	       "  --cpu NAME      the processor the monitor's costs are priced for (default\n"
	       "                  early; valid: %s; vmm/costs.c cites the figures)\n"
	       "  --modes LIST    the modes to compare with bare (default: every mode)\n"
	       "  --build DIR     where the guest OS was built (default: build in a source\n"
	       "                  tree, else the installed PREFIX/share/trapeze)\n"
	       "  --dir DIR       where techniques-CPU.csv and .svg go (default build/bench)\n\n"
	       "Exit status: 0 done; 1 the guest OS cannot be read or a workload failed; 2 a\n"
	       "usage error; 120 the results cannot be written.\n",
	       vmm_cpu_names());
}

static bool parse_modes(const char *list, enum vmm_mode *modes, int *n)
{
	char name[32];

	*n = 0;
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		if (len >= sizeof name || *n == MODE_COUNT)
			return false;
		memcpy(name, p, len);
		name[len] = 0;
		if (!vmm_mode_parse(name, &modes[(*n)++])) {
			fprintf(stderr, "trapeze: bench: error: unknown mode '%s' (valid: %s)\n", name,
				vmm_mode_names());
			return false;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return true;
}

static const char *equiv_text(enum bench_equiv e)
{
	return e == EQUIV_YES ? "yes" : e == EQUIV_OUTPUT ? "output" : "NO";
}

static void print_table(const struct bench_table *t)
{
	printf("%-8s %-8s %12s %14s %10s %10s  %s\n", "workload", "mode", "cycles/bare",
	       "exits/1k insn", "exits/KiB", "host/bare", "equivalent");
	for (int w = 0; w < WORK_COUNT; w++) {
		for (int i = 0; i < t->nmodes; i++) {
			const struct bench_cell *c = &t->cell[w][i];
			char kib[32];
			if (c->exits_per_kib < 0)
				snprintf(kib, sizeof kib, "-");
			else
				snprintf(kib, sizeof kib, "%.2f", c->exits_per_kib);
			printf("%-8s %-8s %12.3f %14.2f %10s %10.2f  %s\n",
			       i ? "" : bench_work_name((enum bench_work)w), vmm_mode_name(t->modes[i]),
			       c->vs_bare, c->exits_per_kinsn, kib, c->host_vs_bare, equiv_text(c->equiv));
		}
	}
}

static void print_net(const struct bench_net_row *rows)
{
	printf("\nnetwork: guest-os/net/bulk.s, %d frames of %d bytes on the card's loopback cable,\n"
	       "each way of giving the guest the card:\n", BENCH_NET_FRAMES, NET_FRAME_MAX);
	printf("%-16s %10s %10s %14s %12s %10s %10s\n", "way", "KiB", "exits/KiB", "NET exits/KiB",
	       "cycles/bare", "VMM cycles", "host s");
	for (int w = 0; w < BENCH_NET_WAYS; w++) {
		const struct bench_net_row *r = &rows[w];
		printf("%-16s %10.1f %10.3f %14.3f %12.3f %10llu %10.4f\n",
		       bench_net_way_name(r->way), r->kib, r->exits_per_kib, r->net_exits_per_kib,
		       r->vs_bare, (unsigned long long)r->vmm_cycles, r->host_s);
	}
	printf("KiB: bytes the card sent and received. exits/KiB: every VM exit of the run (the\n"
	       "program's console lines too); NET: the card's own (port accesses the monitor\n"
	       "played, ring notifications). Priced by vmm/costs.c's rows: an emulated access is\n"
	       "an exit, an entry and the emulation (EXIT ENTRY EMULATE; hw: HW_EXIT HW_ENTRY\n"
	       "HW_IO) after Sugerman et al. 2001, each frame the monitor copies NET_COPY, a\n"
	       "notification NET_NOTIFY after Menon et al. 2005 and Santos et al. 2008; a card\n"
	       "passed through costs the monitor nothing (Dong et al. 2010).\n");
}

static void print_costs(enum vmm_cpu cpu)
{
	printf("\ncosts of the monitor's events, in cycles (--cpu %s; vmm/costs.c):\n ", vmm_cpu_name(cpu));
	for (int r = 0, col = 1; r < VMM_NCOSTS; r++) {
		char item[40];
		int n = snprintf(item, sizeof item, " %s %u", vmm_cost_name((enum vmm_cost_row)r),
				 vmm_cpu_cost(cpu, (enum vmm_cost_row)r));
		if (col + n > 78) {
			printf("\n ");
			col = 1;
		}
		fputs(item, stdout);
		col += n;
	}
	printf("\n");
}

static bool write_csv(const char *path, const struct bench_table *t)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return false;
	fprintf(f, "workload,mode,cpu,cycles,insns,exits,cycles_vs_bare,exits_per_1k_insns,"
		"exits_per_kib,host_s,host_vs_bare,equivalent\n");
	for (int w = 0; w < WORK_COUNT; w++) {
		for (int i = 0; i < t->nmodes; i++) {
			const struct bench_cell *c = &t->cell[w][i];
			fprintf(f, "%s,%s,%s,%llu,%llu,%llu,%.4f,%.4f,", bench_work_name((enum bench_work)w),
				vmm_mode_name(t->modes[i]), vmm_cpu_name(t->cpu),
				(unsigned long long)c->cycles, (unsigned long long)c->insns,
				(unsigned long long)c->exits, c->vs_bare, c->exits_per_kinsn);
			if (c->exits_per_kib >= 0)
				fprintf(f, "%.4f", c->exits_per_kib);
			fprintf(f, ",%.6f,%.4f,%s\n", c->host_s, c->host_vs_bare, equiv_text(c->equiv));
		}
	}
	return fclose(f) == 0;
}

/* gnuplot reads a matrix: one row per workload, one column per mode. */
static bool write_matrix(const char *path, const struct bench_table *t)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return false;
	fprintf(f, "workload");
	for (int i = 0; i < t->nmodes; i++)
		fprintf(f, " %s", vmm_mode_name(t->modes[i]));
	fprintf(f, "\n");
	for (int w = 0; w < WORK_COUNT; w++) {
		fprintf(f, "%s", bench_work_name((enum bench_work)w));
		for (int i = 0; i < t->nmodes; i++)
			fprintf(f, " %.4f", t->cell[w][i].vs_bare > 0 ? t->cell[w][i].vs_bare : 1e-3);
		fprintf(f, "\n");
	}
	return fclose(f) == 0;
}

static void chart(const char *dat, const char *svg, const struct bench_table *t)
{
	char cmd[4096];

	if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
		printf("chart: gnuplot is not installed: the table and the CSV have it all\n"
		       "(scripts/deps.sh bench installs it, as make bench does)\n");
		return;
	}
	snprintf(cmd, sizeof cmd,
		 "gnuplot -e \"set terminal svg size 900,450 dynamic; set output '%s';"
		 " set title 'Guest OS workloads, simulated cycles relative to bare (--cpu %s)';"
		 " set style data histograms; set style histogram clustered gap 1;"
		 " set style fill solid border -1; set logscale y; set yrange [0.5:*];"
		 " set ylabel 'cycles / bare (log scale)'; set key outside right;"
		 " plot for [i=2:%d] '%s' using i:xtic(1) title columnheader(i)\" 2>/dev/null",
		 svg, vmm_cpu_name(t->cpu), t->nmodes + 1, dat);
	if (system(cmd) == 0)
		printf("chart: %s\n", svg);
	else
		printf("chart: gnuplot failed: the table and the CSV have it all\n");
}

/* A usage error: what is wrong, then the usage line; EXIT_USAGE. */
static int bad_usage(const char *what, const char *arg)
{
	fprintf(stderr, "trapeze: bench: error: %s '%s'\n", what, arg);
	fputs(usage_line, stderr);
	return EXIT_USAGE;
}

int bench_techniques_main(int argc, char **argv)
{
	const char *build = NULL, *dir = "build/bench";
	enum vmm_cpu cpu = VMM_CPU_EARLY;
	enum vmm_mode modes[MODE_COUNT];
	int nmodes = 0;
	struct bench_table *t;
	char err[512], csv[1024], dat[1024], svg[1024], data[1024];
	struct bench_net_row net[BENCH_NET_WAYS];

	for (int m = 0; m < MODE_COUNT; m++)
		modes[nmodes++] = (enum vmm_mode)m;
	for (int i = 1; i < argc; i++) {
		bool has_value = i + 1 < argc;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			help();
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--techniques")) {
			continue;
		} else if (!strcmp(argv[i], "--cpu") && has_value) {
			if (!vmm_cpu_parse(argv[++i], &cpu)) {
				fprintf(stderr, "trapeze: bench: error: unknown processor '%s' (valid: %s)\n",
					argv[i], vmm_cpu_names());
				fputs(usage_line, stderr);
				return EXIT_USAGE;
			}
		} else if (!strcmp(argv[i], "--modes") && has_value) {
			if (!parse_modes(argv[++i], modes, &nmodes)) {
				fputs(usage_line, stderr);
				return EXIT_USAGE;
			}
		} else if (!strcmp(argv[i], "--build") && has_value) {
			build = argv[++i];
		} else if (!strcmp(argv[i], "--dir") && has_value) {
			dir = argv[++i];
		} else if (!strcmp(argv[i], "--cpu") || !strcmp(argv[i], "--modes") ||
			   !strcmp(argv[i], "--build") || !strcmp(argv[i], "--dir")) {
			return bad_usage("no value for option", argv[i]);
		} else {
			return bad_usage("unknown option", argv[i]);
		}
	}
	if (!build) {
		bench_data_dir(data, sizeof data);
		build = data;
	}
	t = malloc(sizeof *t);
	if (!t) {
		fprintf(stderr, "trapeze: bench: error: out of memory\n");
		return EXIT_HOST;
	}
	if (!bench_techniques(build, cpu, modes, nmodes, t, err, sizeof err)) {
		fprintf(stderr, "trapeze: bench: error: %s\n", err);
		free(t);
		return EXIT_INPUT;
	}
	printf("trapeze bench --techniques: the guest OS workloads under every technique\n"
	       "processor: %s: %s\n\n", vmm_cpu_name(cpu), vmm_cpu_summary(cpu));
	print_table(t);
	printf("\ncycles/bare: simulated cycles of the workload, less the empty workload's in the\n"
	       "same mode (the boot and shutdown), relative to bare's: deterministic. exits/KiB:\n"
	       "VM exits per KiB the disk moved. host/bare: host time of the whole run relative\n"
	       "to bare's: measured, for display only. equivalent: yes = bare's end state\n"
	       "(console, registers, memory, traps); output = pv runs its own kernel, and the\n"
	       "program's output and exit status are bare's.\n");
	if (!bench_net(build, cpu, net, err, sizeof err)) {
		fprintf(stderr, "trapeze: bench: error: %s\n", err);
		free(t);
		return EXIT_INPUT;
	}
	print_net(net);
	print_costs(cpu);
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		fprintf(stderr, "trapeze: bench: warning: cannot make %s: %s\n", dir, strerror(errno));
	snprintf(csv, sizeof csv, "%s/techniques-%s.csv", dir, vmm_cpu_name(cpu));
	snprintf(dat, sizeof dat, "%s/techniques-%s.dat", dir, vmm_cpu_name(cpu));
	snprintf(svg, sizeof svg, "%s/techniques-%s.svg", dir, vmm_cpu_name(cpu));
	if (!write_csv(csv, t) || !write_matrix(dat, t)) {
		fprintf(stderr, "trapeze: bench: error: cannot write %s (does %s exist?)\n", csv, dir);
		free(t);
		return EXIT_HOST;
	}
	printf("\ncsv: %s\n", csv);
	chart(dat, svg, t);
	free(t);
	return EXIT_OK;
}
