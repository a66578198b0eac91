/*
 * vmm/host_move.c: one VM of a host saved, restored and migrated, while
 *       the others run on (see host.h).
 * Owns: whether a hosted VM can leave (started, here, its memory its
 *       own); putting a snapshot back into its place in the host, and the
 *       host's bookkeeping after it (a stopped VM lives again); pre-copy
 *       with the host's schedule running during the rounds, and the VM
 *       stopped here, as migrated, once the target commits.
 * Not:  the format and loading (snapshot.c); the rounds (precopy.c);
 *       running the VMs (host.c).
 * Implements: the encapsulation the lecture ends on, for a consolidated
 *       machine: one VM of many is moved off its host while its
 *       neighbours keep their processor and memory (P&G's resource
 *       control: a restore writes only the VM's own region and pool,
 *       snapshot.c refuses any other page), and it resumes elsewhere as
 *       the run that never moved (equivalence).
 *
 * Where a hosted VM lands: its snapshot keeps the host's machine
 * addresses (the region's, the pool's: the shadows, nested tables and
 * page types hold them), so nothing is relocated. A VM alone restored from
 * it gets a machine shaped like the host (vm_create_mirror: the same
 * memory size, the monitor's area, the region and pool at the same
 * addresses), holding only that VM.
 */
#include <stdio.h>
#include <string.h>

#include "host_internal.h"
#include "migrate.h"

/* Does any other live VM hold a byte of [base, base + size)? Its index,
 * or -1. */
static int held_by_other(const struct host *h, int i, uint32_t base, uint32_t size)
{
	for (int k = 0; k < h->n; k++) {
		const struct hvm *v = &h->v[k];
		if (k == i || !host_holds_memory(v))
			continue;
		uint32_t b = v->place.region_base, e = host_page_up(host_claim_end(h, k));
		if (b < base + size && base < e)
			return k;
	}
	return -1;
}

/* Is there a VM i, started (a VM to save or load into)? False with why. */
static bool started(const struct host *h, int i, char *err, size_t errlen)
{
	if (i < 0 || i >= h->n) {
		snprintf(err, errlen, "no VM %d: the host has %d", i, h->n);
		return false;
	}
	if (!h->v[i].vm) {
		snprintf(err, errlen, "VM '%s' has not started: it waits for memory", h->v[i].o.name);
		return false;
	}
	return true;
}

bool host_vm_movable(const struct host *h, int i, char *err, size_t errlen)
{
	const struct hvm *v;
	int k;

	if (!started(h, i, err, errlen))
		return false;
	v = &h->v[i];
	if (v->gone) {
		snprintf(err, errlen, "VM '%s' migrated to %s: it runs there now", v->o.name, v->gone_to);
		return false;
	}
	/* Its snapshot holds its whole region as created: none of it may be
	 * another VM's now (a balloon lends pages; overcommit gives them). */
	k = held_by_other(h, i, v->place.region_base, host_page_up(v->size));
	if (k >= 0) {
		snprintf(err, errlen, "VM '%s' lent memory through its balloon that VM '%s' holds now: "
			 "its snapshot would carry that VM's bytes", v->o.name, h->v[k].o.name);
		return false;
	}
	return true;
}

/* VM i runs again after a restore: whatever the host thought it was doing,
 * its guest is now where the snapshot left it, and wants the processor
 * (one that waits in wfi finds out in its first slice and blocks again). */
static void revive(struct host *h, int i)
{
	struct hvm *v = &h->v[i];

	if (v->state == HOST_STOPPED) {
		v->end = 0;
		v->gone = false;
		v->gone_to[0] = 0;
		sched_start(&h->s, i);
	} else {
		sched_wake(&h->s, i);
	}
	v->state = HOST_RUNNABLE;
	v->net_wait = false;
	v->wake = 0;
	if (vm_mode(v->vm) == MODE_PV) {
		struct vm_balloon b;
		vm_balloon_info(v->vm, &b);
		host_sample(h, i, b.region_size);
	} else {
		host_sample(h, i, v->size);
	}
}

bool host_vm_restore(struct host *h, int i, const void *data, size_t len, char *err,
		     size_t errlen)
{
	struct snap_machine m;
	struct hvm *v;
	char why[600];
	int k;

	if (!started(h, i, err, errlen))
		return false;
	v = &h->v[i];
	k = held_by_other(h, i, v->place.region_base, host_page_up(v->size));
	if (k >= 0) {
		snprintf(err, errlen, "VM '%s''s memory is VM '%s''s now: nothing to restore into",
			 v->o.name, h->v[k].o.name);
		return false;
	}
	/* What changes nothing first: the header, the checksum, the machine
	 * (its place in this host's memory among it). */
	if (!snap_peek_machine(data, len, &m, err, errlen) ||
	    !snap_machine_fits(&m, v->vm, err, errlen))
		return false;
	if (!vm_snapshot_restore(v->vm, data, len, why, sizeof why)) {
		host_stop_vm(h, i, STOP_FAULT);
		snprintf(err, errlen, "%s (VM '%s' was half loaded: it is stopped)", why, v->o.name);
		return false;
	}
	revive(h, i);
	return true;
}

/* Each round's time on the link passes on the host: every VM runs by the
 * schedule, the migrating one its share. */
struct on_host {
	struct host *h;
	int i;
};

static enum cpu_stop run_host(void *ctx, struct vm *vm, uint64_t cycles)
{
	struct on_host *o = ctx;
	const struct hvm *v = &o->h->v[o->i];

	(void)vm;
	host_run(o->h, cycles);
	return v->state == HOST_STOPPED ? v->stop : STOP_LIMIT;
}

bool host_vm_migrate(struct host *h, int i, const char *to, const struct precopy_opts *o,
		     struct mig_link *link,
		     void (*progress)(void *, const struct precopy_result *, bool), void *ctx,
		     struct precopy_result *res, char *err, size_t errlen)
{
	struct on_host on = { h, i };
	struct hvm *v;

	memset(res, 0, sizeof *res);
	if (!host_vm_movable(h, i, err, errlen))
		return false;
	v = &h->v[i];
	if (v->state == HOST_STOPPED) {
		snprintf(err, errlen, "VM '%s' has stopped: nothing runs to migrate", v->o.name);
		return false;
	}
	if (!precopy_migrate_on(v->vm, o, link, run_host, &on, progress, ctx, res)) {
		snprintf(err, errlen, "the migration of VM '%s' failed: it runs on here", v->o.name);
		return false;
	}
	/* Clark's commitment: the VM is the target's; here it is a stale copy
	 * that must never run again, and its memory is the others'. */
	if (v->state != HOST_STOPPED)
		host_stop_vm(h, i, STOP_HALT);
	v->gone = true;
	snprintf(v->gone_to, sizeof v->gone_to, "%s", to ? to : "another machine");
	return true;
}
