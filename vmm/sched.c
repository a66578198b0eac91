/*
 * vmm/sched.c: Xen's credit scheduler, for the VMs of one host (see vmsched.h; not sched.h, the C library's).
 * Owns: credits handed out each period by weight, debited as a VM runs;
 *       UNDER before OVER, BOOST before both; caps; the choice of the next VM.
 * Not:  the host's clock or running anything (host.c).
 */
#include <string.h>

#include "vmsched.h"

void sched_init(struct sched *s, struct sched_vm *vms, int n, uint64_t slice, uint64_t period)
{
	s->vm = vms;
	s->n = n;
	s->slice = slice ? slice : 1;
	s->period = period ? period : 1;
	s->seq = 0;
	s->accountings = 0;
}

static uint64_t live_weight(const struct sched *s)
{
	uint64_t w = 0;

	for (int i = 0; i < s->n; i++)
		if (s->vm[i].live)
			w += s->vm[i].weight;
	return w;
}

/* What VM i may run in a period: its cap's share of it (or all of it). */
static uint64_t cap_cycles(const struct sched *s, int i)
{
	return s->vm[i].cap ? s->period * s->vm[i].cap / 100 : s->period;
}

void sched_account(struct sched *s)
{
	uint64_t total = live_weight(s);

	s->accountings++;
	for (int i = 0; i < s->n; i++) {
		struct sched_vm *v = &s->vm[i];
		int64_t share;

		v->used = 0;
		v->parked = false;
		if (!v->live || !total)
			continue;
		/* A period's worth of the processor, shared out by weight. A VM
		 * keeps at most one period's worth of credit: a VM that waits
		 * cannot save it up for later (Xen makes such a VM inactive and
		 * forgets its credit), while one that merely missed a slice to
		 * the rounding of slices into periods keeps what it was owed
		 * (clipping at its own share lost a heavy VM a few percent).
		 * One that spent more than it had carries the debt, at most a
		 * period's worth. */
		share = (int64_t)(s->period * v->weight / total);
		v->credit += share;
		if (v->credit > (int64_t)s->period)
			v->credit = (int64_t)s->period;
		if (v->credit < -(int64_t)s->period)
			v->credit = -(int64_t)s->period;
	}
}

enum sched_prio sched_prio(const struct sched *s, int i)
{
	const struct sched_vm *v = &s->vm[i];

	if (v->boost && v->credit > 0)
		return SCHED_BOOST;
	return v->credit > 0 ? SCHED_UNDER : SCHED_OVER;
}

/* VM a before VM b in the round robin: the one that ran least recently,
 * then the lower number. */
static bool before(const struct sched *s, int a, int b)
{
	return s->vm[a].last != s->vm[b].last ? s->vm[a].last < s->vm[b].last : a < b;
}

int sched_pick(const struct sched *s)
{
	/* LAB 7 BEGIN: the next VM: runnable and not parked; the best priority (BOOST, UNDER, OVER); ties round robin (before) */
	int best = -1;

	for (int i = 0; i < s->n; i++) {
		const struct sched_vm *v = &s->vm[i];
		if (!v->runnable || v->parked)
			continue;
		if (best < 0 || sched_prio(s, i) < sched_prio(s, best) ||
		    (sched_prio(s, i) == sched_prio(s, best) && before(s, i, best)))
			best = i;
	}
	return best;
	/* LAB 7 STUB: (void)s; */
	/* LAB 7 STUB: (void)before; */
	/* LAB 7 STUB: return -1; */
	/* LAB 7 END */
}

uint64_t sched_budget(const struct sched *s, int i)
{
	const struct sched_vm *v = &s->vm[i];
	uint64_t left;

	if (!v->cap)
		return s->slice;
	left = cap_cycles(s, i) > v->used ? cap_cycles(s, i) - v->used : 0;
	return left < s->slice ? (left ? left : 1) : s->slice;
}

void sched_charge(struct sched *s, int i, uint64_t cycles)
{
	struct sched_vm *v = &s->vm[i];

	v->credit -= (int64_t)cycles;
	v->used += cycles;
	v->busy += cycles;
	v->boost = false; /* a boost lasts one run */
	v->last = ++s->seq;
	if (v->cap && v->used >= cap_cycles(s, i))
		v->parked = true;
}

void sched_block(struct sched *s, int i)
{
	s->vm[i].runnable = false;
}

void sched_wake(struct sched *s, int i)
{
	struct sched_vm *v = &s->vm[i];

	if (!v->live || v->runnable)
		return;
	v->runnable = true;
	v->boost = v->credit > 0;
}

void sched_start(struct sched *s, int i)
{
	struct sched_vm *v = &s->vm[i];

	v->live = v->runnable = true;
	v->boost = false;
	v->credit = 0;
	v->last = s->seq; /* behind those that have not run since it came */
}

void sched_stop(struct sched *s, int i)
{
	s->vm[i].live = s->vm[i].runnable = false;
	s->vm[i].boost = false;
}

double sched_promised(const struct sched *s, int i)
{
	/* Water-filling: each live VM's share by weight; a capped VM whose
	 * share is over its cap gets its cap, and what it leaves is shared
	 * again among the others by weight (work conservation). */
	double share[64] = { 0 }, left = 1.0;
	bool fixed[64] = { false };
	int n = s->n < 64 ? s->n : 64;

	if (i < 0 || i >= n || !s->vm[i].live)
		return 0.0;
	for (bool again = true; again;) {
		double w = 0;
		again = false;
		for (int k = 0; k < n; k++)
			if (s->vm[k].live && !fixed[k])
				w += s->vm[k].weight;
		for (int k = 0; k < n; k++)
			if (s->vm[k].live && !fixed[k])
				share[k] = w > 0 ? left * s->vm[k].weight / w : 0;
		for (int k = 0; k < n; k++) {
			if (s->vm[k].live && !fixed[k] && s->vm[k].cap && share[k] > s->vm[k].cap / 100.0) {
				share[k] = s->vm[k].cap / 100.0;
				fixed[k] = true;
				left -= share[k];
				again = true;
			}
		}
	}
	return share[i];
}
