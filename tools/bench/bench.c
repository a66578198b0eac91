/*
 * tools/bench/bench.c: `trapeze bench`: guest speed, measured against native C.
 * Owns: timing the compute-bound guest programs (tools/bench/workloads/
 *       NAME.s) under each mode, and the same algorithms compiled natively
 *       (NAME.c), in one run; the table, the CSV and the chart.
 * Not:  asserting anything about speed: a benchmark reports, it never fails
 *       the test suite. Host time here is measured, never simulated.
 * Implements: P&G's efficiency property, made visible: trap-and-emulate runs
 *       innocuous code at the bare machine's speed; emulation does not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "bench.h"
#include "commands.h"
#include "exitcode.h"
#include "image.h"
#include "runopts.h"
#include "vmm.h"

enum { MAX_RUNS = 21, DEFAULT_RUNS = 7, EMULATE_BUDGET = 30000000 };

/* The compute-bound pair has native twins; the guest OS (its whole boot and
 * every user program) shows what a workload heavy in exits does. */
struct workload {
	const char *name;
	const char *image;    /* relative to the bench directory's parent (build/) */
	const char *pv_image; /* what --mode pv runs instead, or NULL: the same */
	const char *disk;     /* or NULL */
	const char *native;   /* the native C twin (BUILD/bench/NAME-native), or NULL */
};
static const struct workload workloads[] = {
	{ "sieve", "bench/sieve.elf", NULL, NULL, "sieve" },
	{ "checksum", "bench/checksum.elf", NULL, NULL, "checksum" },
	/* The sieve again, in user mode through page tables: paging's price. */
	{ "sieve-pg", "bench/sieve-paged.elf", NULL, NULL, "sieve" },
	{ "guest-os", "guest/kernel.elf", "guest/kernel-pv.elf", "guest/disk.img", NULL },
	{ "guest-pg", "guest/kernel-paged.elf", "guest/kernel-pv-paged.elf", "guest/paged.img", NULL },
};

/* Modes that interpret or translate supervisor code: on the compute-bound
 * pair (all supervisor code) they are timed on a prefix; their rate is what
 * counts. */
static bool timed_on_prefix(const struct workload *wl, enum vmm_mode mode)
{
	return wl->native && (mode == MODE_EMULATE || mode == MODE_HYBRID || mode == MODE_BT);
}
enum { NWORK = sizeof workloads / sizeof workloads[0] };

struct row {
	const char *work, *mode;
	uint64_t insns;
	double seconds; /* median */
	double mips;
	double exits_per_s;
	double vs_native, vs_bare; /* 0 when not applicable */
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, by_value);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Run BUILD/bench/NAME-native once: the seconds it reports and its result. */
static bool time_native(const char *build, const char *work, double *sec, uint32_t *result)
{
	char cmd[1100];
	unsigned res;
	snprintf(cmd, sizeof cmd, "%s/bench/%s-native", build, work);
	FILE *p = popen(cmd, "r");
	if (!p || fscanf(p, "%u %lf", &res, sec) != 2) {
		if (p)
			pclose(p);
		fprintf(stderr, "trapeze: bench: error: cannot run %s\n", cmd);
		return false;
	}
	pclose(p);
	*result = res;
	return true;
}

/* Run the image under a mode once, for at most budget instructions: the
 * seconds vm_run took (not the set-up), instructions, exits and r11. */
static bool time_guest(const struct image *img, const char *disk, enum vmm_mode mode, uint64_t budget,
		       double *sec, uint64_t *insns, uint64_t *exits, uint32_t *result)
{
	struct vm_options o;
	struct vm_stats st;
	struct vm *vm;
	char err[256];
	vm_options_init(&o);
	o.mode = mode;
	o.disk_path = disk;
	if (!vm_create(&vm, &o, err, sizeof err) || !image_load(vm, img, err, sizeof err)) {
		fprintf(stderr, "trapeze: bench: error: %s\n", err);
		return false;
	}
	double t0 = now();
	enum cpu_stop why = vm_run(vm, budget);
	*sec = now() - t0;
	*insns = vm_retired(vm);
	*result = vm_reg(vm, 11);
	vm_get_stats(vm, &st);
	*exits = st.exits;
	vm_destroy(vm);
	if (why != STOP_HALT && why != STOP_LIMIT) {
		fprintf(stderr, "trapeze: bench: error: %s stopped: %s\n", vmm_mode_name(mode), vm_stop_name(why));
		return false;
	}
	return true;
}

/* A ratio cell: "1.23x", or "-" when it does not apply. */
static const char *ratio(char *buf, size_t n, double v)
{
	if (v > 0)
		snprintf(buf, n, "%.3fx", v);
	else
		snprintf(buf, n, "-");
	return buf;
}

static void print_row(FILE *f, const struct row *r, bool csv)
{
	char a[32], b[32];
	if (csv)
		fprintf(f, "%s,%s,%llu,%.6f,%.1f,%.0f,%.3f,%.3f\n", r->work, r->mode, (unsigned long long)r->insns,
			r->seconds, r->mips, r->exits_per_s, r->vs_native, r->vs_bare);
	else
		fprintf(f, "%-9s %-8s %11llu %9.4f %8.1f %11.0f %10s %9s\n", r->work, r->mode,
			(unsigned long long)r->insns, r->seconds, r->mips, r->exits_per_s,
			ratio(a, sizeof a, r->vs_native), ratio(b, sizeof b, r->vs_bare));
}

static void chart(const char *dir, const char *csv)
{
	char cmd[2048];
	if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
		printf("(gnuplot is not installed: no chart; the table and %s have it all;\n"
		       " scripts/deps.sh bench installs it, as make bench does)\n", csv);
		return;
	}
	snprintf(cmd, sizeof cmd,
		 "gnuplot -e \"set terminal svg size 800,400; set output '%s/bench.svg'; set datafile separator ',';"
		 " set style data histograms; set style fill solid; set ylabel 'guest MIPS'; set xtics rotate by -30;"
		 " plot '%s' every ::1 using 5:xtic(strcol(1).' '.strcol(2)) title 'MIPS'\" 2>/dev/null",
		 dir, csv);
	if (system(cmd) == 0)
		printf("chart: %s/bench.svg\n", dir);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: trapeze bench [--build DIR] [--dir DIR] [--runs N] [--modes LIST]\n"
		   "       trapeze bench --techniques [--cpu NAME] [--modes LIST] [--build DIR] [--dir DIR]\n"
		   "       trapeze bench --host [--build DIR]\n"
		   "       trapeze bench --migration [--mode MODE] [--bandwidth MBIT] [--build DIR] [--dir DIR]\n");
}

int cmd_bench(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--techniques"))
			return bench_techniques_main(argc, argv); /* tools/bench/bench_report.c */
		else if (!strcmp(argv[i], "--host"))
			return bench_host_main(argc, argv); /* tools/bench/bench_host.c */
		else if (!strcmp(argv[i], "--migration"))
			return bench_migration_main(argc, argv); /* tools/bench/bench_migration.c */
	const char *dir = "build/bench", *modes = "bare,trap,patch,hw,pv,bt,hybrid,emulate";
	const char *build = NULL;
	char root[1024];
	int runs = DEFAULT_RUNS;
	struct row rows[NWORK * (MODE_COUNT + 1)];
	int nrows = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			printf("Times the sieve and checksum guests (tools/bench/workloads) and the whole\n"
			       "guest OS under each mode (median of N rounds, default %d), and the two\n"
			       "algorithms in native C, and prints guest MIPS, the slowdown against native\n"
			       "and each mode's host time relative to bare. Each round runs native and every\n"
			       "mode once; a ratio is the median of the rounds'. On sieve and checksum, bt,\n"
			       "hybrid and emulate (which interpret or translate supervisor code) are timed\n"
			       "on their first %d instructions. --modes defaults to every mode. The images\n"
			       "and native programs are make's, under BUILD (default: build in a source\n"
			       "tree, else the installed PREFIX/share/trapeze).\n"
			       "Writes DIR/bench.csv (and DIR/bench.svg when gnuplot is installed). DIR\n"
			       "defaults to build/bench. Exit status: 0 done; 1 a program is missing or\n"
			       "computed a wrong result; 2 a usage error; 120 a host failure.\n",
			       DEFAULT_RUNS, EMULATE_BUDGET);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--build") && i + 1 < argc) {
			build = argv[++i];
		} else if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			dir = argv[++i];
		} else if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
			uint64_t n = 0;
			enum runopt_number k = runopt_count(argv[++i], MAX_RUNS, &n);
			if (k != NUM_OK || n < 1) {
				fprintf(stderr, "trapeze: bench: error: --runs: '%s' is %s (1 to %d)\n",
					argv[i], k == NUM_TOO_LARGE ? "too large" : "not a number of rounds",
					MAX_RUNS);
				usage(stderr);
				return EXIT_USAGE;
			}
			runs = (int)n;
		} else if (!strcmp(argv[i], "--modes") && i + 1 < argc) {
			modes = argv[++i];
		} else {
			bool known = !strcmp(argv[i], "--build") || !strcmp(argv[i], "--dir") ||
				     !strcmp(argv[i], "--runs") || !strcmp(argv[i], "--modes");
			fprintf(stderr, "trapeze: bench: error: %s '%s'\n",
				known ? "no value for option" : "unknown option", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}

	/* The modes, checked before anything is timed. */
	enum vmm_mode mode_of[MODE_COUNT];
	int nmodes = 0, bare = -1;
	char list[256];
	snprintf(list, sizeof list, "%s", modes);
	for (char *m = strtok(list, ","); m; m = strtok(NULL, ",")) {
		if (!vmm_mode_parse(m, &mode_of[nmodes])) {
			fprintf(stderr, "trapeze: bench: error: unknown mode '%s' (modes: %s)\n", m, vmm_mode_names());
			usage(stderr);
			return EXIT_USAGE;
		}
		if (mode_of[nmodes] == MODE_BARE)
			bare = nmodes;
		if (++nmodes == MODE_COUNT)
			break;
	}

	/* Where the results go, made before anything is timed: a run never
	 * ends in a table it cannot write. */
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "trapeze: bench: error: cannot make %s: %s\n", dir, strerror(errno));
		return EXIT_HOST;
	}
	/* The images and native programs: what make built (make bench), or
	 * what make install put beside the binary. */
	if (build)
		snprintf(root, sizeof root, "%s", build);
	else
		bench_data_dir(root, sizeof root);
	printf("%-9s %-8s %11s %9s %8s %11s %10s %9s\n", "workload", "mode", "guest insns", "median s", "MIPS",
	       "exits/s", "vs native", "vs bare");
	for (int w = 0; w < NWORK; w++) {
		const struct workload *wl = &workloads[w];
		char path[2048], disk[2048], err[512];
		struct image img, pv_img;
		double tn[MAX_RUNS], tg[MODE_COUNT][MAX_RUNS], v[MAX_RUNS];
		uint64_t insns[MODE_COUNT] = { 0 }, exits[MODE_COUNT] = { 0 };
		uint32_t native_res = 0, res = 0;
		snprintf(path, sizeof path, "%s/%s", root, wl->image);
		snprintf(disk, sizeof disk, "%s/%s", root, wl->disk ? wl->disk : "");
		if (!image_read(path, &img, err, sizeof err)) {
			fprintf(stderr, "trapeze: bench: error: %s\n", err);
			return EXIT_INPUT;
		}
		snprintf(path, sizeof path, "%s/%s", root, wl->pv_image ? wl->pv_image : wl->image);
		if (!image_read(path, &pv_img, err, sizeof err)) {
			fprintf(stderr, "trapeze: bench: error: %s\n", err);
			image_free(&img);
			return EXIT_INPUT;
		}
		/* Round by round, native then every mode, so that the machine's
		 * drift falls on all of them alike; each ratio is the median of
		 * the ratios within a round. */
		for (int k = 0; k < runs; k++) {
			if (wl->native && !time_native(root, wl->native, &tn[k], &native_res))
				return EXIT_HOST;
			for (int m = 0; m < nmodes; m++) {
				/* Interpreting modes are timed on a prefix: their rate is what counts. */
				bool partial = timed_on_prefix(wl, mode_of[m]);
				if (!time_guest(mode_of[m] == MODE_PV && wl->pv_image ? &pv_img : &img, wl->disk ? disk : NULL, mode_of[m],
						partial ? EMULATE_BUDGET : UINT64_MAX / 2, &tg[m][k], &insns[m],
						&exits[m], &res))
					return EXIT_INPUT;
				if (wl->native && !partial && res != native_res) {
					fprintf(stderr, "trapeze: bench: error: %s under %s computed %u, native C %u\n",
						wl->name, vmm_mode_name(mode_of[m]), res, native_res);
					return EXIT_INPUT;
				}
			}
		}
		if (wl->native) {
			memcpy(v, tn, sizeof v);
			rows[nrows] = (struct row){ wl->name, "native", 0, median(v, runs), 0, 0, 1.0, 0 };
			print_row(stdout, &rows[nrows++], false);
		}
		for (int m = 0; m < nmodes; m++) {
			bool partial = timed_on_prefix(wl, mode_of[m]);
			struct row *r = &rows[nrows++];
			memcpy(v, tg[m], sizeof v);
			double sec = median(v, runs);
			*r = (struct row){ wl->name, vmm_mode_name(mode_of[m]), insns[m], sec,
					   (double)insns[m] / sec / 1e6, (double)exits[m] / sec, 0, 0 };
			if (wl->native && !partial) {
				for (int k = 0; k < runs; k++)
					v[k] = tg[m][k] / tn[k];
				r->vs_native = median(v, runs);
			}
			if (bare >= 0 && m != bare) {
				/* as time per instruction when the two ran different counts */
				for (int k = 0; k < runs; k++)
					v[k] = (tg[m][k] / (double)insns[m]) / (tg[bare][k] / (double)insns[bare]);
				r->vs_bare = median(v, runs);
			}
			print_row(stdout, r, false);
		}
		image_free(&img);
		image_free(&pv_img);
	}

	/* Paging's price on the bare machine: the paged sieve's time per
	 * instruction against the unpaged one's (ISA.md section 12's TLB). */
	{
		const struct row *un = NULL, *pg = NULL;
		for (int i = 0; i < nrows; i++) {
			if (!strcmp(rows[i].mode, "bare") && !strcmp(rows[i].work, "sieve"))
				un = &rows[i];
			if (!strcmp(rows[i].mode, "bare") && !strcmp(rows[i].work, "sieve-pg"))
				pg = &rows[i];
		}
		if (un && pg && pg->mips > 0)
			printf("paging: the sieve in paged user mode runs at %.0f MIPS bare, %.2fx the time "
			       "per instruction of the unpaged sieve (%.0f MIPS)\n", pg->mips, un->mips / pg->mips,
			       un->mips);
	}

	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("peak memory: %ld KiB (default 1 MiB guest memory)\n", ru.ru_maxrss);
	printf("%d round%s, each running native and every mode once; ratios are the median of\n"
	       "the rounds' ratios. vs native: guest time / native C time for the same algorithm;\n"
	       "vs bare: host time relative to bare (bt, hybrid and emulate on sieve and\n"
	       "checksum: measured on their first %d instructions, compared as instruction\n"
	       "rates). guest-os: the whole boot and every user program (pv: its\n"
	       "paravirtualised build); exits/s: VM exits per second of host time.\n",
	       runs, runs == 1 ? "" : "s", EMULATE_BUDGET);

	char csv[1100];
	snprintf(csv, sizeof csv, "%s/bench.csv", dir);
	FILE *f = fopen(csv, "w");
	if (!f) {
		fprintf(stderr, "trapeze: bench: error: cannot write %s\n", csv);
		return EXIT_HOST;
	}
	fprintf(f, "workload,mode,guest_insns,median_s,mips,exits_per_s,vs_native,vs_bare\n");
	for (int i = 0; i < nrows; i++)
		print_row(f, &rows[i], true);
	fclose(f);
	printf("csv: %s\n", csv);
	chart(dir, csv);
	return EXIT_OK;
}
