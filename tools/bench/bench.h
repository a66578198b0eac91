/*
 * tools/bench/bench.h: the comparison of techniques, as a call the command and
 *       its test share.
 * Owns: the workloads of `trapeze bench --techniques` and what is measured
 *       of each under each mode: simulated cycles relative to bare, VM exits
 *       per 1000 guest instructions and per KiB moved by the disk, host time
 *       relative to bare, equivalence.
 * Not:  printing, the CSV and the chart (tools/bench/bench_techniques.c's
 *       command); the monitor's costs (vmm/costs.c).
 * Implements: Adams and Agesen's comparison (ASPLOS 2006) on this machine:
 *       the same guest OS workloads under every technique, on deterministic
 *       simulated cycles, so that the orderings can be asserted by a test.
 */
#ifndef TRAPEZE_BENCH_H
#define TRAPEZE_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm.h"

/* The workloads, in the table's order (guest-os/bench/NAME.s). */
enum bench_work {
	WORK_COMPUTE, WORK_SYSCALL, WORK_PRIVOP, WORK_IO, WORK_IRQ,
	/* On the paged kernel (memory virtualisation, Adams and Agesen's
	 * forkwait and their page-fault and page-table nanobenchmarks). */
	WORK_FORKWAIT, WORK_PGFAULT, WORK_PTEMOD, WORK_COUNT
};

enum bench_equiv {
	EQUIV_YES,    /* the same end state as bare: console, registers, memory, traps */
	EQUIV_OUTPUT, /* pv: another kernel; the program's output and exit status match */
	EQUIV_NO,
};

/* One workload under one mode, its boot subtracted: what the workload
 * itself cost there, less what the empty workload (null) cost in the same
 * mode, so that booting and shutting down cancel out. */
struct bench_cell {
	bool ran;
	uint64_t cycles, insns, exits;   /* the workload less null */
	double disk_kib;                 /* moved by the disk, less null's */
	double vs_bare;                  /* cycles / bare's cycles */
	double exits_per_kinsn;          /* exits per 1000 guest instructions */
	double exits_per_kib;            /* exits per KiB the disk moved; < 0 when it hardly moved */
	double host_s, host_vs_bare;     /* whole runs, measured: for display only */
	enum bench_equiv equiv;
};

struct bench_table {
	enum vmm_cpu cpu;
	int nmodes;
	enum vmm_mode modes[MODE_COUNT];
	struct bench_cell cell[WORK_COUNT][MODE_COUNT]; /* [work][index into modes] */
};

/* The workload's name ("compute") and a line on what it does. */
const char *bench_work_name(enum bench_work w);
const char *bench_work_summary(enum bench_work w);

/* Run every workload and null under bare and each of modes (bare first
 * whatever the list), with the guest OS of build_dir (build_dir/guest/
 * kernel.elf, kernel-pv.elf and bench/W.img), costs priced for cpu.
 * False, with a message, when a run cannot be made or a workload fails. */
bool bench_techniques(const char *build_dir, enum vmm_cpu cpu, const enum vmm_mode *modes,
		      int nmodes, struct bench_table *t, char *err, size_t errlen);
/* The cell of mode m, or NULL when it was not run. */
const struct bench_cell *bench_cell_of(const struct bench_table *t, enum bench_work w,
				       enum vmm_mode m);

/* The network table (bench_net.c): guest-os/net/bulk.s on the loopback
 * cable, its pv build under pv, each way of giving the card. */
enum bench_net_way {
	NET_WAY_BARE, NET_WAY_EMULATED, NET_WAY_EMULATED_HW, NET_WAY_PV, NET_WAY_PASSTHROUGH,
	BENCH_NET_WAYS
};
enum { BENCH_NET_FRAMES = 64 };      /* bulk.s's FRAMES: its exit status when all came back */
struct bench_net_row {
	enum bench_net_way way;
	double kib;                      /* sent and received by the card */
	uint64_t exits, net_exits;       /* all VM exits; those named NET */
	double exits_per_kib, net_exits_per_kib;
	uint64_t cycles, vmm_cycles;     /* simulated: deterministic */
	double vs_bare;                  /* cycles / bare's */
	double host_s;                   /* measured: for display only */
};
const char *bench_net_way_name(enum bench_net_way w);
/* Every way, in enum order, into rows[BENCH_NET_WAYS]; false with a message. */
bool bench_net(const char *build_dir, enum vmm_cpu cpu, struct bench_net_row *rows, char *err,
	       size_t errlen);

/* The directory holding guest/ and bench/ when no --build is given: build
 * in a source tree, else PREFIX/share/trapeze beside an installed
 * PREFIX/bin/trapeze (bench_data.c). */
void bench_data_dir(char *out, size_t len);

/* `trapeze bench --techniques ...` (tools/bench/bench_report.c): the exit status. */
int bench_techniques_main(int argc, char **argv);
/* `trapeze bench --host [--build DIR]` (tools/bench/bench_host.c): the exit status. */
int bench_host_main(int argc, char **argv);
/* `trapeze bench --migration ...` (tools/bench/bench_migration.c): the exit status. */
int bench_migration_main(int argc, char **argv);

#endif
