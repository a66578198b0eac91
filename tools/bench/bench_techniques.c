/*
 * tools/bench/bench_techniques.c: the comparison of techniques: every guest OS
 *       workload under every mode, measured (see bench.h).
 * Owns: the workloads' table, making each run (the guest OS kernel, or its
 *       paravirtual build under pv, with the workload's disk), subtracting
 *       the empty workload, and judging equivalence with bare.
 * Not:  the command's table, CSV and chart (bench_report.c); what anything
 *       costs (vmm/costs.c); running guests (vmm/).
 * Implements: Adams and Agesen's methodology, on a machine where it can be
 *       exact: simulated cycles are deterministic, so an ordering between
 *       techniques is a fact a test can assert; host time is reported only.
 *       The boot is subtracted as a paper times its benchmark and not the
 *       machine's boot: each workload's disk holds the same files as the
 *       empty one's, so booting, listing the directory and shutting down
 *       cost the same in both, within a few bytes of console output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "equiv.h"
#include "image.h"

/* Enough for the slowest mode on the largest workload, with room to spare. */
#define BENCH_STEPS 2000000000ull
/* Below this the disk did not work enough for exits per KiB to mean much:
 * a larger program to load is not an I/O workload. */
#define BENCH_MIN_KIB 16.0

static const struct {
	const char *name, *summary;
	bool paged; /* runs on the paged kernel (and its pv build), against its null */
} works[WORK_COUNT] = {
	[WORK_COMPUTE] = { "compute", "compute-bound: a generator loop, a tick per million instructions", false },
	[WORK_SYSCALL] = { "syscall", "system-call-heavy: 100,000 getpid calls", false },
	[WORK_PRIVOP] = { "privop", "privileged-operation-heavy: the kernel masks interrupts 200,000 times", false },
	[WORK_IO] = { "io", "I/O-heavy: a 16 KiB file read 16 times from the disk", false },
	[WORK_IRQ] = { "irq", "interrupt-heavy: a clock tick every 500 instructions", false },
	[WORK_FORKWAIT] = { "forkwait", "fork-heavy (paged): Adams and Agesen's fork and wait, scaled down", true },
	[WORK_PGFAULT] = { "pgfault", "page-fault-heavy (paged): fresh demand-zero pages, touched and freed", true },
	[WORK_PTEMOD] = { "ptemod", "page-table-heavy (paged): a page's protection changed again and again", true },
};

const char *bench_work_name(enum bench_work w)
{
	return (unsigned)w < WORK_COUNT ? works[w].name : "?";
}

const char *bench_work_summary(enum bench_work w)
{
	return (unsigned)w < WORK_COUNT ? works[w].summary : "?";
}

/* One whole run of one disk under one mode. */
struct run {
	struct vm_stats st;
	struct vmm_observation obs;
	uint64_t disk_bytes;
};

/* The four kernels, read once: plain and paged, each with its pv build. */
struct kernels {
	struct image plain, pv, paged, pv_paged;
};

static const struct image *kernel_for(const struct kernels *k, enum vmm_mode mode, bool paged)
{
	if (paged)
		return mode == MODE_PV ? &k->pv_paged : &k->paged;
	return mode == MODE_PV ? &k->pv : &k->plain;
}

static bool run_one(const char *build, const struct kernels *k, const char *work, bool paged,
		    enum vmm_mode mode, enum vmm_cpu cpu, struct run *r, char *err, size_t errlen)
{
	struct vm_options o;
	struct vm *vm;
	char disk[1024];
	enum cpu_stop s;

	snprintf(disk, sizeof disk, "%s/guest/bench/%s.img", build, work);
	vm_options_init(&o);
	o.mode = mode;
	o.cpu = cpu;
	o.disk_path = disk;
	o.capture = true;
	o.step_limit = BENCH_STEPS;
	if (!vm_create(&vm, &o, err, errlen) ||
	    !image_load(vm, kernel_for(k, mode, paged), err, errlen)) {
		vm_destroy(vm);
		return false;
	}
	s = vm_run(vm, UINT64_MAX);
	vm_get_stats(vm, &r->st);
	vmm_observe(vm, &r->obs);
	r->disk_bytes = (vm_devices(vm)->disk.reads + vm_devices(vm)->disk.writes) * DISK_SECTOR_SIZE;
	vm_destroy(vm);
	if (s != STOP_HALT || r->obs.halt_code != 0) {
		snprintf(err, errlen, "the %s workload under %s did not halt cleanly: %s (code %u)",
			 work, vmm_mode_name(mode), vm_stop_name(s), r->obs.halt_code);
		vmm_observation_free(&r->obs);
		return false;
	}
	return true;
}

/* Everything the guest can observe at the end, the same in both runs. */
static bool same_end(const struct vmm_observation *a, const struct vmm_observation *b)
{
	return a->retired == b->retired && !memcmp(a->r, b->r, sizeof a->r) && a->pc == b->pc &&
	       a->psw == b->psw && !memcmp(a->sr, b->sr, sizeof a->sr) && a->mem_hash == b->mem_hash &&
	       a->console_len == b->console_len && !memcmp(a->console, b->console, a->console_len) &&
	       a->ntraps == b->ntraps && a->last_trap.index == b->last_trap.index &&
	       a->last_trap.cause == b->last_trap.cause && a->stop == b->stop &&
	       a->halt_code == b->halt_code;
}

/* The lines of console output that begin with the workload's name: what the
 * program itself printed (the kernel's lines differ under another kernel). */
static bool same_program_output(const char *work, const struct vmm_observation *a,
				const struct vmm_observation *b)
{
	size_t n = strlen(work);
	const char *p = a->console, *q = b->console;

	for (;;) {
		while (*p && !(strncmp(p, work, n) == 0 && p[n] == ':'))
			p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p);
		while (*q && !(strncmp(q, work, n) == 0 && q[n] == ':'))
			q = strchr(q, '\n') ? strchr(q, '\n') + 1 : q + strlen(q);
		if (!*p || !*q)
			return !*p && !*q && a->halt_code == b->halt_code;
		size_t lp = strcspn(p, "\n"), lq = strcspn(q, "\n");
		if (lp != lq || memcmp(p, q, lp))
			return false;
		p += lp;
		q += lq;
	}
}

static double ratio(double x, double y)
{
	return y > 0 ? x / y : 0;
}

/* The cell of workload run w less null run n, against bare's pair. */
static void fill(struct bench_cell *c, const struct run *w, const struct run *n,
		 const struct run *bw, const struct run *bn)
{
	uint64_t bare_cycles = bw->st.cycles - bn->st.cycles;
	double disk = (double)(w->disk_bytes - n->disk_bytes) / 1024.0;

	c->ran = true;
	c->cycles = w->st.cycles - n->st.cycles;
	c->insns = w->st.retired - n->st.retired;
	c->exits = w->st.exits > n->st.exits ? w->st.exits - n->st.exits : 0;
	c->disk_kib = disk;
	c->vs_bare = ratio((double)c->cycles, (double)bare_cycles);
	c->exits_per_kinsn = ratio(1000.0 * (double)c->exits, (double)c->insns);
	c->exits_per_kib = disk >= BENCH_MIN_KIB ? (double)c->exits / disk : -1;
	c->host_s = (double)w->st.host_ns / 1e9;
	c->host_vs_bare = ratio((double)w->st.host_ns, (double)bw->st.host_ns);
}

static void free_runs(struct run *r, int n)
{
	for (int i = 0; i < n; i++)
		vmm_observation_free(&r[i].obs);
}

/* Bare first, then the other modes asked for, each once. */
static void order_modes(struct bench_table *t, const enum vmm_mode *modes, int nmodes)
{
	t->nmodes = 0;
	t->modes[t->nmodes++] = MODE_BARE;
	for (int i = 0; i < nmodes; i++) {
		bool seen = false;
		for (int j = 0; j < t->nmodes; j++)
			seen |= t->modes[j] == modes[i];
		if (!seen && t->nmodes < MODE_COUNT)
			t->modes[t->nmodes++] = modes[i];
	}
}

/* Workload w under every mode of t, against null's runs (on its kernel). */
static bool measure(const char *build, const struct kernels *k, struct bench_table *t,
		    enum bench_work w, const struct run *nulls, char *err, size_t errlen)
{
	struct run runs[MODE_COUNT];
	int done = 0;
	bool ok = true;

	for (int i = 0; i < t->nmodes && ok; i++, done++)
		ok = run_one(build, k, works[w].name, works[w].paged, t->modes[i], t->cpu, &runs[i], err,
			     errlen);
	for (int i = 0; i < t->nmodes && ok; i++) {
		struct bench_cell *c = &t->cell[w][i];
		fill(c, &runs[i], &nulls[i], &runs[0], &nulls[0]);
		if (t->modes[i] == MODE_PV)
			c->equiv = same_program_output(works[w].name, &runs[i].obs, &runs[0].obs)
					   ? EQUIV_OUTPUT : EQUIV_NO;
		else
			c->equiv = same_end(&runs[i].obs, &runs[0].obs) ? EQUIV_YES : EQUIV_NO;
	}
	free_runs(runs, ok ? done : done - 1);
	return ok;
}

bool bench_techniques(const char *build, enum vmm_cpu cpu, const enum vmm_mode *modes, int nmodes,
		      struct bench_table *t, char *err, size_t errlen)
{
	struct kernels k = { 0 };
	struct run nulls[2][MODE_COUNT];
	static const char *const files[] = { "kernel", "kernel-pv", "kernel-paged", "kernel-pv-paged" };
	struct image *imgs[] = { &k.plain, &k.pv, &k.paged, &k.pv_paged };
	char path[1024];
	int done[2] = { 0, 0 };
	bool ok = true;

	memset(t, 0, sizeof *t);
	t->cpu = cpu;
	order_modes(t, modes, nmodes);
	for (int i = 0; i < 4 && ok; i++) {
		snprintf(path, sizeof path, "%s/guest/%s.elf", build, files[i]);
		ok = image_read(path, imgs[i], err, errlen);
	}
	/* The empty workload on each kernel: what every other one subtracts. */
	for (int paged = 0; paged < 2; paged++)
		for (int i = 0; i < t->nmodes && ok; i++, done[paged]++)
			ok = run_one(build, &k, "null", paged, t->modes[i], cpu, &nulls[paged][i], err, errlen);
	for (int w = 0; w < WORK_COUNT && ok; w++)
		ok = measure(build, &k, t, (enum bench_work)w, nulls[works[w].paged], err, errlen);
	for (int paged = 0; paged < 2; paged++)
		free_runs(nulls[paged], done[paged] && !ok && done[paged] < t->nmodes ? done[paged] - 1
										    : done[paged]);
	for (int i = 0; i < 4; i++)
		image_free(imgs[i]);
	return ok;
}

const struct bench_cell *bench_cell_of(const struct bench_table *t, enum bench_work w,
				       enum vmm_mode m)
{
	for (int i = 0; i < t->nmodes; i++)
		if (t->modes[i] == m && t->cell[w][i].ran)
			return &t->cell[w][i];
	return NULL;
}
