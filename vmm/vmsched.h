/*
 * vmm/vmsched.h: the VMM's scheduler: which VM the one processor runs next.
 * Owns: struct sched (every VM's weight, cap, credit and state), the
 *       accounting that hands out credits, the choice of the next VM, and
 *       charging a VM for the time it ran.
 * Not:  running a VM (vmm/host.c calls vm_run_slice for the time chosen);
 *       time itself (the host's clock, in cycles, is host.c's).
 * Implements: Xen's credit scheduler (Cherkasova, Gupta and Vahdat,
 *       "Comparison of the Three CPU Schedulers in Xen", SIGMETRICS
 *       Performance Evaluation Review 35(2), 2007; the design of Xen 3's
 *       sched_credit.c): proportional share by weight, an optional cap, and
 *       work conservation.
 *
 * Time is counted in host cycles. Every accounting period the scheduler
 * hands out one period's worth of credit among the VMs in proportion to
 * their weights; a VM's credit is debited by the cycles it runs. A VM with
 * credit left is UNDER, one that has spent it OVER: UNDER VMs always run
 * first, so over many periods each VM that always wants the processor gets
 * weight / (sum of weights) of it. When no UNDER VM can run, an OVER one
 * runs rather than the processor idling (work-conserving). A VM with a cap
 * may use at most cap% of each period, and is parked once it has, even if
 * the processor would idle (a cap is not work-conserving, by design). A VM
 * that wakes from waiting with credit left is BOOSTed ahead of the others
 * (Xen 3.1's answer to I/O latency). Ties go round robin: the VM that ran
 * least recently first, then the lowest number. Nothing here reads a clock
 * of the host's: the same VMs doing the same work get the same schedule.
 */
#ifndef TRAPEZE_VMSCHED_H
#define TRAPEZE_VMSCHED_H

#include <stdbool.h>
#include <stdint.h>

enum {
	SCHED_MAX_WEIGHT = 65535,
	SCHED_DEFAULT_WEIGHT = 256, /* Xen's */
};

/* Priorities, best first. */
enum sched_prio { SCHED_BOOST, SCHED_UNDER, SCHED_OVER };

struct sched_vm {
	uint32_t weight;       /* 1 .. SCHED_MAX_WEIGHT */
	uint32_t cap;          /* percent of the processor per period; 0 = none */
	bool live;             /* started and not stopped: it is given credit */
	bool runnable;         /* live and not waiting (in wfi) */
	bool boost;            /* woke with credit left: runs before the others */
	bool parked;           /* capped: it used its cap this period */
	int64_t credit;        /* cycles it may still run as UNDER */
	uint64_t used;         /* cycles run this period (for the cap) */
	uint64_t busy;         /* cycles run in all */
	uint64_t last;         /* when it last ran: the pick's sequence number */
};

struct sched {
	struct sched_vm *vm;
	int n;
	uint64_t slice;        /* the longest run before the scheduler looks again */
	uint64_t period;       /* cycles between accountings */
	uint64_t seq;          /* picks made */
	uint64_t accountings;
};

/* n VMs (their weight and cap set, live as the host starts them), a slice
 * and an accounting period in cycles (both at least 1). */
void sched_init(struct sched *s, struct sched_vm *vms, int n, uint64_t slice, uint64_t period);
/* The start of a period: every live VM's credit for it, caps lifted. */
void sched_account(struct sched *s);
/* The priority of VM i now. */
enum sched_prio sched_prio(const struct sched *s, int i);
/* The VM to run next, or -1 when none may run (all waiting, parked or
 * stopped). */
int sched_pick(const struct sched *s);
/* The longest VM i may run now: a slice, or less when its cap is near. */
uint64_t sched_budget(const struct sched *s, int i);
/* VM i was picked and ran for cycles (busy time: not its idle time). */
void sched_charge(struct sched *s, int i, uint64_t cycles);
/* VM i waits (its guest is in wfi), wakes, starts, or has stopped for good. */
void sched_block(struct sched *s, int i);
void sched_wake(struct sched *s, int i);
void sched_start(struct sched *s, int i);
void sched_stop(struct sched *s, int i);
/* weight / (sum of the live VMs' weights), as the cap allows: what the
 * scheduler promises VM i if every live VM always wants the processor. */
double sched_promised(const struct sched *s, int i);

#endif
