/*
 * tools/bench/bench_migration.c: `trapeze bench --migration`: what moving a
 *       running VM costs, and what keeping a backup costs.
 * Owns: four guests (idle, compute-bound, one that writes memory fast, the
 *       whole guest OS) migrated with pre-copy: rounds, pages and bytes
 *       sent, total time, downtime, how the rounds ended, and each guest's
 *       writable working set measured on its own; the same guests
 *       replicated for failover at several epoch lengths: checkpoints,
 *       pages, bytes, the guest's pauses and their share of its time; a
 *       CSV file of each and an SVG chart (with gnuplot).
 * Not:  the rounds and checkpoints (vmm/precopy.c, vmm/checkpoint.c).
 * Implements: the measurements of Clark et al. (NSDI 2005: downtime and the
 *       writable working set per workload) and Cully et al. (NSDI 2008:
 *       overhead against epoch length), on simulated time: every figure is
 *       the same on every machine, and a test may assert their order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench.h"
#include "image.h"
#include "migrate.h"

enum { NWORK = 4, NEPOCH = 3 };

/* The writable working set is measured in windows of this much
 * simulated time (a millisecond), over this many of them. */
#define WWS_WINDOW 1000000ull
enum { WWS_WINDOWS = 20 };

static const struct workload {
	const char *name, *summary;
	const char *image;      /* under the build directory */
	const char *disk;       /* or NULL */
	uint64_t at;            /* migrate at this instruction */
} works[NWORK] = {
	{ "idle", "waits for the timer, counts a tick", "bench/mig_idle.elf", NULL, 10000 },
	{ "compute", "a generator over a 512 KiB table it never writes again",
	  "bench/mig_compute.elf", NULL, 1000000 },
	{ "dirty", "rewrites 128 pages every 500 instructions", "bench/mig_dirty.elf", NULL, 1000000 },
	{ "guest-os", "the guest OS boots and runs its programs", "guest/kernel.elf", "guest/disk.img",
	  500000 },
};
static const uint64_t epochs[NEPOCH] = { 10000, 100000, 1000000 };
/* Failover is measured over a guest's first instructions. */
#define FAILOVER_INSNS 4000000ull

struct mig_row {
	struct precopy_result r;
	uint32_t wws;            /* the most pages written in one window */
	bool exact;              /* the target ended as the unmoved run */
};

struct ckpt_row {
	struct checkpoint_stats st[NEPOCH];
};

/* A fresh VM of workload w in mode, ready at instruction 0. */
static struct vm *make(const char *build, const struct workload *w, enum vmm_mode mode, char *err,
		       size_t errlen)
{
	char path[1024], disk[1024];
	struct vm_options o;
	struct image img;
	struct vm *vm = NULL;
	bool ok;

	snprintf(path, sizeof path, "%s/%s", build, w->image);
	if (w->disk)
		snprintf(disk, sizeof disk, "%s/%s", build, w->disk);
	vm_options_init(&o);
	o.mode = mode;
	o.disk_path = w->disk ? disk : NULL;
	o.step_limit = 1000000000;
	if (!image_read(path, &img, err, errlen))
		return NULL;
	ok = vm_create(&vm, &o, err, errlen) && image_load(vm, &img, err, errlen);
	image_free(&img);
	if (!ok) {
		vm_destroy(vm);
		return NULL;
	}
	return vm;
}

/* Clark's writable working set: the pages a guest writes in a window of
 * time, at most, over the windows after the point of migration. */
static uint32_t wws(struct vm *vm)
{
	struct dirtylog d;
	uint32_t most = 0;

	if (!dirtylog_start(&d, vm))
		return 0;
	dirtylog_sent(&d, vm, d.pages, dirtylog_collect(&d, vm));
	for (int i = 0; i < WWS_WINDOWS; i++) {
		enum cpu_stop s = mig_run_for(vm, WWS_WINDOW);
		uint32_t n = dirtylog_collect(&d, vm);
		dirtylog_sent(&d, vm, d.dirty, n);
		if (n > most)
			most = n;
		if (s != STOP_LIMIT)
			break;
	}
	dirtylog_stop(&d);
	return most;
}

static bool migrate_one(const char *build, const struct workload *w, enum vmm_mode mode,
			const struct precopy_opts *po, struct mig_row *row, char *err, size_t errlen)
{
	struct vm *vm = make(build, w, mode, err, errlen), *ref = make(build, w, mode, err, errlen);
	struct snap_env env = { 0 };
	struct mig_local l;
	bool ok = vm && ref;

	if (ok) {
		vm_run(vm, w->at);
		vm_run(ref, w->at);
		row->wws = wws(ref);
		mig_local_init(&l, &env);
		ok = precopy_migrate(vm, po, &l.link, NULL, NULL, &row->r);
		if (!ok)
			snprintf(err, errlen, "%s: %s", w->name, l.err);
		if (ok) {
			vm_run(l.target, UINT64_MAX);
			vm_destroy(ref);
			ref = make(build, w, mode, err, errlen);
			vm_run(ref, UINT64_MAX);
			row->exact = ref && vm_snapshot_same(ref, l.target, NULL, 0);
		}
		mig_local_free(&l);
	}
	vm_destroy(vm);
	vm_destroy(ref);
	return ok;
}

static bool replicate_one(const char *build, const struct workload *w, enum vmm_mode mode,
			  uint64_t bandwidth, struct ckpt_row *row, char *err, size_t errlen)
{
	for (int e = 0; e < NEPOCH; e++) {
		struct vm *vm = make(build, w, mode, err, errlen);
		struct snap_env env = { 0 };
		struct mig_local l;
		struct checkpointer c;
		bool ok = vm && checkpoint_start(&c, vm, bandwidth);

		mig_local_init(&l, &env);
		for (enum cpu_stop s = STOP_LIMIT; ok && s == STOP_LIMIT && vm_retired(vm) < FAILOVER_INSNS;) {
			s = vm_run(vm, epochs[e]);
			ok = checkpoint_send(&c, NULL, 0, &l.link);
		}
		if (vm && !ok)
			snprintf(err, errlen, "%s: a checkpoint failed: %s", w->name, l.err);
		if (vm) {
			row->st[e] = c.st;
			checkpoint_stop(&c);
		}
		mig_local_free(&l);
		vm_destroy(vm);
		if (!ok)
			return false;
	}
	return true;
}

static void print_tables(const struct mig_row *m, const struct ckpt_row *c, enum vmm_mode mode,
			 uint64_t bandwidth)
{
	printf("live migration (pre-copy, Clark et al. 2005): %s mode, a link of %llu Mbit/s; times "
	       "simulated (1 ms = 10^6 cycles)\n", vmm_mode_name(mode),
	       (unsigned long long)(bandwidth * 8 / 1000000));
	printf("%-9s %7s %7s %7s %10s %9s %10s %11s %5s  %s\n", "workload", "rounds", "pages", "memory",
	       "bytes", "total ms", "downtime", "down insns", "WWS", "rounds ended");
	for (int i = 0; i < NWORK; i++) {
		const struct precopy_result *r = &m[i].r;
		printf("%-9s %7u %7llu %7u %10llu %9.3f %10.3f %11llu %5u  %s%s\n", works[i].name, r->rounds,
		       (unsigned long long)r->pages, r->memory_pages, (unsigned long long)r->bytes,
		       (double)r->total_cycles / 1e6, (double)r->downtime_cycles / 1e6,
		       (unsigned long long)r->downtime_insns, m[i].wws, precopy_end_name(r->end),
		       m[i].exact ? "" : " (NOT EXACT)");
	}
	printf("WWS: the writable working set, the most pages the guest writes in 1 ms, on its own.\n"
	       "The trade-off: a guest that dirties pages faster than the link sends them runs\n"
	       "to a limit, sends memory several times over, and stops longest.\n\n");
	printf("failover (Remus, Cully et al. 2008): a checkpoint every epoch, over the first %llu "
	       "instructions\n", (unsigned long long)FAILOVER_INSNS);
	printf("%-9s %9s %11s %9s %12s %9s %10s %9s\n", "workload", "epoch", "checkpoints", "pages",
	       "bytes", "first ms", "paused ms", "overhead");
	for (int i = 0; i < NWORK; i++)
		for (int e = 0; e < NEPOCH; e++) {
			const struct checkpoint_stats *s = &c[i].st[e];
			printf("%-9s %9llu %11llu %9llu %12llu %9.3f %10.3f %8.1f%%\n", works[i].name,
			       (unsigned long long)epochs[e], (unsigned long long)s->checkpoints,
			       (unsigned long long)s->pages, (unsigned long long)s->bytes,
			       (double)s->sync_cycles / 1e6, (double)s->pause_cycles / 1e6,
			       checkpoint_overhead(s));
		}
	printf("first: the first checkpoint, all of memory, paid once. overhead: the guest's pauses\n"
	       "for the checkpoints after it, against its own time. Shorter epochs hold output and\n"
	       "lose work for less time, and cost more.\n");
}

static bool write_csvs(const char *dir, const struct mig_row *m, const struct ckpt_row *c)
{
	char path[1100];
	FILE *f;

	snprintf(path, sizeof path, "%s/migration.csv", dir);
	if (!(f = fopen(path, "w")))
		return false;
	fprintf(f, "workload,rounds,pages,memory_pages,bytes,total_ms,downtime_ms,downtime_insns,wws,end\n");
	for (int i = 0; i < NWORK; i++) {
		const struct precopy_result *r = &m[i].r;
		fprintf(f, "%s,%u,%llu,%u,%llu,%.3f,%.3f,%llu,%u,%s\n", works[i].name, r->rounds,
			(unsigned long long)r->pages, r->memory_pages, (unsigned long long)r->bytes,
			(double)r->total_cycles / 1e6, (double)r->downtime_cycles / 1e6,
			(unsigned long long)r->downtime_insns, m[i].wws, precopy_end_name(r->end));
	}
	fclose(f);
	snprintf(path, sizeof path, "%s/failover.csv", dir);
	if (!(f = fopen(path, "w")))
		return false;
	fprintf(f, "workload,epoch,checkpoints,pages,bytes,first_ms,paused_ms,overhead_percent\n");
	for (int i = 0; i < NWORK; i++)
		for (int e = 0; e < NEPOCH; e++) {
			const struct checkpoint_stats *s = &c[i].st[e];
			fprintf(f, "%s,%llu,%llu,%llu,%llu,%.3f,%.3f,%.2f\n", works[i].name,
				(unsigned long long)epochs[e], (unsigned long long)s->checkpoints,
				(unsigned long long)s->pages, (unsigned long long)s->bytes,
				(double)s->sync_cycles / 1e6, (double)s->pause_cycles / 1e6,
				checkpoint_overhead(s));
		}
	fclose(f);
	return true;
}

/* Downtime and rounds per workload; failover's overhead by epoch. */
static void chart(const char *dir)
{
	char cmd[8192];

	if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
		printf("chart: gnuplot is not installed: the tables and the CSV files have it all\n");
		return;
	}
	snprintf(cmd, sizeof cmd,
		 "gnuplot -e \"set terminal svg size 900,420 dynamic; set output '%s/migration.svg';"
		 " set datafile separator ','; set multiplot layout 1,2 title 'live migration and "
		 "failover (simulated time)'; set style data histograms; set style fill solid;"
		 " set ylabel 'downtime (ms)'; set y2label 'rounds'; set ytics nomirror; set y2tics;"
		 " plot '%s/migration.csv' every ::1 using 7:xtic(1) title 'downtime', '' every ::1"
		 " using 2 axes x1y2 title 'rounds'; unset y2label; unset y2tics; set style data"
		 " linespoints; set logscale x; set xlabel 'epoch (instructions)'; set ylabel"
		 " 'overhead (%%)'; plot for [w in 'idle compute dirty guest-os'] '%s/failover.csv'"
		 " using (strcol(1) eq w ? \\$2 : 1/0):8 title w; unset multiplot\" 2>/dev/null",
		 dir, dir, dir);
	if (system(cmd) == 0)
		printf("chart: %s/migration.svg\n", dir);
	else
		printf("chart: gnuplot failed: the tables and the CSV files have it all\n");
}

static void help(void)
{
	printf("usage: trapeze bench --migration [--mode MODE] [--bandwidth MBIT] [--build DIR] [--dir DIR]\n\n"
	       "Live migration (Clark et al., NSDI 2005) and failover (Remus, NSDI 2008) of four\n"
	       "guests: idle, compute-bound, one that writes memory fast, and the guest OS.\n"
	       "Migration: pre-copy rounds, pages and bytes sent, total time, downtime (in\n"
	       "simulated ms and in the instructions it would have run), how the rounds ended,\n"
	       "and the writable working set (WWS: the most pages the guest writes in 1 ms);\n"
	       "failover: checkpoints every 10^4, 10^5 and 10^6 instructions, their pages and\n"
	       "bytes, and the guest's pauses against its own time. Times are simulated\n"
	       "(10^9 cycles a second): the figures are the same on every machine.\n\n"
	       "  --mode MODE       the monitor (default trap)\n"
	       "  --bandwidth MBIT  the link, megabits per second (default 1000)\n"
	       "  --build DIR       where the guest OS and the benchmark's guests were built\n"
	       "  --dir DIR         where migration.csv, failover.csv and migration.svg go\n"
	       "                    (default build/bench)\n\n"
	       "Exit status: 0; 1 a guest could not be run or migrated; 2 a usage error.\n");
}

int bench_migration_main(int argc, char **argv)
{
	static struct mig_row m[NWORK];
	static struct ckpt_row c[NWORK];
	char build[1024], dir[1024] = "build/bench", err[700];
	enum vmm_mode mode = MODE_TRAP;
	struct precopy_opts po = { .bandwidth = MIG_DEFAULT_BANDWIDTH };

	bench_data_dir(build, sizeof build);
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(arg, "--migration"))
			continue;
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			help();
			return 0;
		}
		if (v && !strcmp(arg, "--mode") && vmm_mode_parse(v, &mode)) {
			i++;
		} else if (v && !strcmp(arg, "--bandwidth") && atoll(v) > 0 && atoll(v) <= 1000000) {
			po.bandwidth = (uint64_t)atoll(v) * 1000000 / 8;
			i++;
		} else if (v && (!strcmp(arg, "--build") || !strcmp(arg, "--dir"))) {
			snprintf(!strcmp(arg, "--build") ? build : dir, sizeof build, "%s", v);
			i++;
		} else {
			fprintf(stderr, "trapeze: bench: error: --migration: '%s'%s\n", arg,
				v ? " is not an option it takes, or its value is wrong" : " needs a value");
			fprintf(stderr, "usage: trapeze bench --migration [--mode MODE] [--bandwidth MBIT] "
				"[--build DIR] [--dir DIR]\n");
			return 2;
		}
	}
	for (int i = 0; i < NWORK; i++) {
		if (mode == MODE_PV && works[i].disk) {
			/* pv runs its own kernel on the guest OS (pv.c). */
			static const struct workload pvos = { "guest-os", "the paravirtual guest OS",
							      "guest/kernel-pv.elf", "guest/disk.img", 500000 };
			if (!migrate_one(build, &pvos, mode, &po, &m[i], err, sizeof err) ||
			    !replicate_one(build, &pvos, mode, po.bandwidth, &c[i], err, sizeof err))
				goto fail;
			continue;
		}
		if (!migrate_one(build, &works[i], mode, &po, &m[i], err, sizeof err) ||
		    !replicate_one(build, &works[i], mode, po.bandwidth, &c[i], err, sizeof err))
			goto fail;
	}
	print_tables(m, c, mode, po.bandwidth);
	if ((mkdir(dir, 0777) != 0 && errno != EEXIST) || !write_csvs(dir, m, c)) {
		fprintf(stderr, "trapeze: bench: error: cannot write the CSV files in %s\n", dir);
		return 120;
	}
	printf("csv: %s/migration.csv, %s/failover.csv\n", dir, dir);
	chart(dir);
	return 0;
fail:
	fprintf(stderr, "trapeze: bench: error: %s\n", err);
	return 1;
}
