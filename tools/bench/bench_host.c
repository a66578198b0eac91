/*
 * tools/bench/bench_host.c: `trapeze bench --host`: what consolidation costs.
 * Owns: the aggregate guest MIPS of one VM and of eight on one host (the
 *       compute workload of the guest OS, trap mode), as a ratio: the
 *       scheduler should cost nothing on innocuous code; the peak resident
 *       memory of a trapeze process running eight default-sized VMs; the
 *       racks of light guests, as `trapeze host --consolidation` prints them.
 * Not:  the host (vmm/host.c); timing a single VM (bench.c).
 *
 * Host time is real time here, measured in one run (the median of three),
 * and only ever printed as a ratio: never asserted by a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "host.h"
#include "image.h"

enum { HOST_RUNS = 5, MANY = 8 };

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* n VMs of the compute workload in trap mode on one host, run to their
 * end: their instructions, and the host seconds it took. */
static bool run_compute(const struct vm_image *img, const char *disk, int n, uint64_t *insns,
			double *secs, char *err, size_t errlen)
{
	struct host_vm_options o[MANY];
	struct host_options ho = { 0 };
	struct host *h;
	double t0;
	int culprit;

	for (int i = 0; i < n; i++) {
		memset(&o[i], 0, sizeof o[i]);
		snprintf(o[i].name, sizeof o[i].name, "c%d", i);
		vm_options_init(&o[i].vm);
		o[i].vm.mode = MODE_TRAP;
		o[i].vm.disk_path = disk;
		o[i].image = img;
		o[i].weight = SCHED_DEFAULT_WEIGHT;
	}
	if (!host_create(&h, &ho, o, n, err, errlen, &culprit))
		return false;
	t0 = now_s();
	host_run(h, UINT64_MAX);
	*secs = now_s() - t0;
	*insns = 0;
	for (int i = 0; i < n; i++)
		*insns += vm_retired(host_vm_c(h, i));
	host_destroy(h);
	return true;
}

/* The peak resident memory (KiB) of `trapeze host` running n default
 * VMs of the light workload, measured by the kernel (wait4's rusage). */
static long peak_rss(const char *build, int n)
{
	char self[1024], specs[MANY][1100];
	char *argv[2 + 2 * MANY + 1];
	struct rusage ru;
	int status, k = 0;
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	pid_t pid;

	if (len <= 0)
		return -1;
	self[len] = 0;
	argv[k++] = self;
	argv[k++] = "host";
	for (int i = 0; i < n; i++) {
		snprintf(specs[i], sizeof specs[i], "name=v%d,kernel=%s/guest/kernel.elf,disk=%s/guest/"
			 "bench/light.img,console=/dev/null", i, build, build);
		argv[k++] = "--vm";
		argv[k++] = specs[i];
	}
	argv[k] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execv(self, argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return ru.ru_maxrss;
}

int bench_host_main(int argc, char **argv)
{
	const char *build = "build";
	char kernel[1100], disk[1100], err[600];
	struct image img;
	struct vm_image vimg;
	struct vm_segment *segs = NULL;
	double t1[HOST_RUNS], t8[HOST_RUNS], mips1, mips8;
	uint64_t i1 = 0, i8 = 0;
	long rss1, rss8;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--host"))
			continue;
		if (!strcmp(argv[i], "--build") && i + 1 < argc) {
			build = argv[++i];
			continue;
		}
		fprintf(stderr, "trapeze: bench: error: --host takes --build DIR only, not '%s'\n", argv[i]);
		return 2;
	}
	snprintf(kernel, sizeof kernel, "%s/guest/kernel.elf", build);
	snprintf(disk, sizeof disk, "%s/guest/bench/compute.img", build);
	if (!image_read(kernel, &img, err, sizeof err) || !image_vm_form(&img, &vimg, &segs, err, sizeof err)) {
		fprintf(stderr, "trapeze: bench: error: %s (make bench builds it)\n", err);
		return 1;
	}
	/* Measured first: a child's peak counts what it had before its exec,
	 * and this process is about to hold eight VMs itself. */
	rss1 = peak_rss(build, 1);
	rss8 = peak_rss(build, MANY);
	printf("trapeze host: consolidation's costs (compute workload, trap mode; median of %d)\n",
	       HOST_RUNS);
	/* The same work both ways: eight VMs one after another, each alone on
	 * its host, against the eight on one host; rounds interleaved. */
	for (int r = 0; r < HOST_RUNS; r++) {
		bool ok = true;
		t1[r] = 0;
		i1 = 0;
		for (int k = 0; k < MANY && ok; k++) {
			uint64_t n;
			double t;
			ok = run_compute(&vimg, disk, 1, &n, &t, err, sizeof err);
			t1[r] += t;
			i1 += n;
		}
		if (!ok || !run_compute(&vimg, disk, MANY, &i8, &t8[r], err, sizeof err)) {
			fprintf(stderr, "trapeze: bench: error: %s\n", err);
			free(segs);
			image_free(&img);
			return 1;
		}
	}
	qsort(t1, HOST_RUNS, sizeof t1[0], cmp_double);
	qsort(t8, HOST_RUNS, sizeof t8[0], cmp_double);
	mips1 = (double)i1 / t1[HOST_RUNS / 2] / 1e6;
	mips8 = (double)i8 / t8[HOST_RUNS / 2] / 1e6;
	printf("  aggregate guest MIPS: 1 VM at a time %.1f, %d VMs at once %.1f: ratio %.3f (the "
	       "goal: within 5%% of 1.000)\n", mips1, MANY, mips8, mips8 / mips1);
	if (rss1 > 0 && rss8 > 0)
		printf("  peak resident memory of trapeze host: 1 VM %.1f MiB, %d default VMs (1 MiB "
		       "each) %.1f MiB: %.2f of the 64 MiB goal\n", rss1 / 1024.0, MANY, rss8 / 1024.0,
		       rss8 / 1024.0 / 64.0);
	else
		printf("  peak resident memory: could not be measured\n");
	free(segs);
	image_free(&img);
	return 0;
}
