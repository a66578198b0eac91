/*
 * vmm/host.c: one machine running several VMs (see host.h).
 * Owns: the host's memory and where each VM goes in it, the shared disk
 *       images, the host's clock and its run loop (pick a VM, run its
 *       slice, account), blocking and waking VMs that wait in wfi, and
 *       memory overcommit: asking pv balloons for memory to start a VM that
 *       did not fit, and giving it back when that VM is done.
 * Not:  the choice of the next VM (sched.c); running a VM (vm.c and the
 *       techniques).
 * Implements: P&G's resource control between VMs (placement: each VM gets
 *       a region and a pool no other VM's window or tables reach; the
 *       monitor's area below them all, checked) and consolidation.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

uint32_t host_page_up(uint32_t x)
{
	return (uint32_t)(((uint64_t)x + PAGE_SIZE - 1) & PAGE_MASK);
}

static uint32_t vm_bytes(const struct host_vm_options *o)
{
	return o->vm.mem_size ? o->vm.mem_size : VM_DEFAULT_MEM;
}

/* A one-line message in err, naming VM who (when who >= 0) and making it
 * the culprit; always false. */
static bool __attribute__((format(printf, 4, 5)))
fail(char *err, size_t errlen, const struct host_vm_options *who, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (who)
		snprintf(err, errlen, "VM '%s': %s", who->name, what);
	else
		snprintf(err, errlen, "%s", what);
	return false;
}

/* ---- memory: who holds what ---------------------------------------------- */

/* The end of what live VM k holds: its region, and above it the pages its
 * balloon gave that the host has promised back (the target dropped below
 * what was given). */
uint32_t host_claim_end(const struct host *h, int k)
{
	const struct hvm *v = &h->v[k];
	struct vm_balloon b;

	if (vm_mode(v->vm) != MODE_PV)
		return v->place.region_base + v->size;
	vm_balloon_info(v->vm, &b);
	uint32_t full = b.region_size + b.given * VM_PAGE;
	uint32_t keep = b.given < b.target ? b.given : b.target;
	return v->place.region_base + full - keep * VM_PAGE;
}

bool host_holds_memory(const struct hvm *v)
{
	return v->vm && v->state != HOST_STOPPED;
}

/* The free run of memory that starts at a (up to the next thing held, or
 * the end of memory); 0 when a is held. */
static uint32_t free_run(const struct host *h, uint32_t a, int except)
{
	uint32_t end = h->mem.size;

	for (int k = 0; k < h->n; k++) {
		const struct hvm *v = &h->v[k];
		if (k == except || !host_holds_memory(v))
			continue;
		uint32_t b = v->place.region_base, e = host_page_up(host_claim_end(h, k));
		if (a >= b && a < e)
			return 0;
		if (b >= a && b < end)
			end = b;
	}
	return end - a;
}

/* The lowest page-aligned address with size free bytes from it, or 0. */
static uint32_t first_fit(const struct host *h, uint32_t size)
{
	uint32_t a = h->pools_end;

	while (a < h->mem.size && h->mem.size - a >= size) {
		uint32_t run = free_run(h, a, -1);
		if (run >= size)
			return a;
		if (run == 0) {
			/* Skip past whatever holds a. */
			uint32_t next = h->mem.size;
			for (int k = 0; k < h->n; k++)
				if (host_holds_memory(&h->v[k]) && h->v[k].place.region_base <= a) {
					uint32_t e = host_page_up(host_claim_end(h, k));
					if (e > a && e < next)
						next = e;
				}
			a = next;
		} else {
			a += host_page_up(run) > run ? host_page_up(run) : run;
		}
	}
	return 0;
}

void host_sample(struct host *h, int k, uint32_t bytes)
{
	h->v[k].region_now = bytes;
	if (h->nsamples < HOST_MAX_SAMPLES)
		h->samples[h->nsamples++] = (struct host_mem_sample){ h->now, k, bytes };
}

/* ---- creating ------------------------------------------------------------ */

/* VM i's network card: an address no other VM's card has; passed
 * through, one of the host's cards that no other VM holds (holder[c]: the
 * VM card c is assigned to, or -1), and only under hw. */
static bool check_card(const struct host_vm_options *vms, int i, int *holder, char *err,
		       size_t errlen)
{
	const struct host_vm_options *v = &vms[i];
	char mac[NET_MAC_TEXT];
	int other;

	if (!v->vm.net.card) {
		if (v->vm.passthrough & VM_PASS_NET)
			return fail(err, errlen, v, "no network card to pass through");
		return true;
	}
	net_mac_text(v->vm.net.mac, mac);
	if (v->vm.net.mac[0] & 1)
		return fail(err, errlen, v, "MAC %s is a group address: a card's own never is", mac);
	for (int k = 0; k < i; k++)
		if (vms[k].vm.net.card && !memcmp(vms[k].vm.net.mac, v->vm.net.mac, NET_MAC_BYTES))
			return fail(err, errlen, v, "MAC %s is VM '%s''s already: each card's address "
				    "is its own on the switch", mac, vms[k].name);
	if (!(v->vm.passthrough & VM_PASS_NET))
		return true;
	if (v->vm.mode != MODE_HW)
		return fail(err, errlen, v, "a card is passed through under hw only (mode hw)");
	if (!vm_net_assign(holder, HOST_NICS, (int)(v->nic < HOST_NICS ? v->nic : HOST_NICS), i, &other)) {
		if (other < 0)
			return fail(err, errlen, v, "the host has no card net%u (it has net0 to net%d)",
				    v->nic, HOST_NICS - 1);
		return fail(err, errlen, v, "card net%u is passed through to VM '%s' already: a card "
			    "passed through serves one VM", v->nic, vms[other].name);
	}
	return true;
}

/* Each VM's options, alone; *culprit the first bad one. */
static bool check_options(const struct host_options *o, const struct host_vm_options *vms, int n,
			  char *err, size_t errlen, int *culprit)
{
	int holder[HOST_NICS];

	for (int c = 0; c < HOST_NICS; c++)
		holder[c] = -1;
	if (n < 1 || n > HOST_MAX_VMS)
		return fail(err, errlen, NULL, "a host runs 1 to %d VMs, not %d", HOST_MAX_VMS, n);
	if (o->mem_size > HOST_MAX_MEM || o->mem_size % 4)
		return fail(err, errlen, NULL, "host memory of %u bytes: must be a multiple of 4, at "
			    "most %u", o->mem_size, HOST_MAX_MEM);
	for (int i = 0; i < n; i++) {
		const struct host_vm_options *v = &vms[i];
		uint32_t size = vm_bytes(v);

		*culprit = i;
		if (!v->name[0] || memchr(v->name, 0, HOST_NAME_MAX) == NULL)
			return fail(err, errlen, NULL, "VM %d has no name", i + 1);
		for (int k = 0; k < i; k++)
			if (!strcmp(vms[k].name, v->name))
				return fail(err, errlen, v, "the name is VM %d's too", k + 1);
		if (v->vm.mode == MODE_BARE || (unsigned)v->vm.mode >= MODE_COUNT)
			return fail(err, errlen, v, "bare mode cannot be hosted: a bare guest owns the "
				    "whole machine (choose a monitor: emulate, trap, hybrid, patch, bt, hw or pv)");
		if (v->weight < 1 || v->weight > SCHED_MAX_WEIGHT)
			return fail(err, errlen, v, "weight %u: must be 1 to %u", v->weight,
				    (unsigned)SCHED_MAX_WEIGHT);
		if (v->cap > 100)
			return fail(err, errlen, v, "cap %u%%: must be 0 (none) to 100%%", v->cap);
		if (size < 64 || size > VM_MAX_MEM || size % 4)
			return fail(err, errlen, v, "memory of %u bytes: must be a multiple of 4, 64 to %u",
				    size, VM_MAX_MEM);
		if (!v->image)
			return fail(err, errlen, v, "no image to run");
		if (v->base % PAGE_SIZE)
			return fail(err, errlen, v, "base 0x%x: must be a multiple of %u", v->base, PAGE_SIZE);
		if (!check_card(vms, i, holder, err, errlen))
			return false;
	}
	*culprit = -1;
	return true;
}

/* Where each VM goes: the pools after the monitor's area, then the regions
 * asked for at a base (checked here); the others go first fit, later. */
static bool place_all(struct host *h, const struct host_vm_options *vms, char *err, size_t errlen,
		      int *culprit)
{
	uint32_t pool = VM_VMM_AREA;
	uint64_t want = 0;

	for (int i = 0; i < h->n; i++) {
		struct hvm *v = &h->v[i];
		v->size = vm_bytes(&vms[i]);
		v->pool_pages = vm_monitor_pages(&vms[i].vm);
		v->place = (struct vm_placement){ &h->mem, VM_VMM_AREA, 0, pool, v->pool_pages };
		pool += v->pool_pages * PAGE_SIZE;
	}
	h->vmm_area = VM_VMM_AREA;
	h->pools_end = pool;
	for (int i = 0; i < h->n; i++) {
		uint64_t top = vms[i].base ? (uint64_t)vms[i].base + h->v[i].size : 0;
		want += host_page_up(h->v[i].size);
		if (top > want + h->pools_end)
			want = top - h->pools_end;
	}
	if (!h->opt.mem_size)
		h->opt.mem_size = want + h->pools_end > HOST_MAX_MEM ? HOST_MAX_MEM
								     : (uint32_t)(want + h->pools_end);
	if (h->opt.mem_size < h->pools_end)
		return fail(err, errlen, NULL, "host memory of %u bytes does not even hold the monitor's "
			    "area and the VMs' page-table pools (%u bytes)", h->opt.mem_size, h->pools_end);
	if (!mem_init(&h->mem, h->opt.mem_size))
		return fail(err, errlen, NULL, "out of host memory for %u bytes", h->opt.mem_size);
	/* Regions asked for at a base: inside memory, past the pools, apart. */
	for (int i = 0; i < h->n; i++) {
		struct hvm *v = &h->v[i];
		uint32_t b = vms[i].base;
		if (!b)
			continue;
		*culprit = i;
		if (b < h->pools_end)
			return fail(err, errlen, &v->o, "base 0x%08x lies below 0x%08x, in the monitor's area "
				    "or the page-table pools", b, h->pools_end);
		if ((uint64_t)b + v->size > h->mem.size)
			return fail(err, errlen, &v->o, "region 0x%08x..0x%08llx lies beyond the host's %u "
				    "bytes of memory", b, (unsigned long long)b + v->size, h->mem.size);
		for (int k = 0; k < i; k++) {
			uint32_t c = vms[k].base;
			if (c && b < c + host_page_up(h->v[k].size) && c < b + host_page_up(v->size))
				return fail(err, errlen, &v->o, "region 0x%08x..0x%08x overlaps VM '%s' "
					    "(0x%08x..0x%08x)", b, b + v->size, h->v[k].o.name, c,
					    c + h->v[k].size);
		}
		v->place.region_base = b;
	}
	*culprit = -1;
	return true;
}

static bool create_vm(struct host *h, int i, char *err, size_t errlen)
{
	struct hvm *v = &h->v[i];
	struct vm_options o = v->o.vm;
	char why[400];

	o.mem_size = v->size;
	o.place = &v->place;
	o.disk_path = NULL;
	o.disk_base = v->disk;
	o.disk_name = v->o.vm.disk_path; /* named in its snapshots */
	o.net.link = NET_LINK_WIRE; /* a card on a host is plugged into its switch */
	if (!vm_create(&v->vm, &o, why, sizeof why) || !vm_load_image(v->vm, v->o.image, why, sizeof why)) {
		snprintf(err, errlen, "VM '%s': %s", v->o.name, why);
		vm_destroy(v->vm);
		v->vm = NULL;
		return false;
	}
	v->state = HOST_RUNNABLE;
	v->start = h->now;
	v->asked = -1;
	if (o.net.card)
		vswitch_plug(&h->sw, i, o.net.mac);
	sched_start(&h->s, i);
	host_sample(h, i, v->size);
	return true;
}

/* An image a waiting VM will run: refused now rather than later. A VM of
 * its own, as big, tries it. */
static bool try_image(const struct hvm *v, char *err, size_t errlen)
{
	struct vm_options o;
	struct vm *t;
	char why[400];
	bool ok;

	vm_options_init(&o);
	o.mode = v->o.vm.mode;
	o.mem_size = v->size;
	ok = vm_create(&t, &o, why, sizeof why) && vm_load_image(t, v->o.image, why, sizeof why);
	vm_destroy(t);
	if (!ok)
		snprintf(err, errlen, "VM '%s': %s", v->o.name, why);
	return ok;
}

static const struct disk_base *shared_disk(struct host *h, const char *path, const char **why)
{
	for (int d = 0; d < h->ndisks; d++)
		if (!strcmp(h->disk_paths[d], path))
			return &h->disks[d];
	if (!dev_disk_base_load(&h->disks[h->ndisks], path, why))
		return NULL;
	h->disk_paths[h->ndisks] = path;
	return &h->disks[h->ndisks++];
}

bool host_create(struct host **out, const struct host_options *o, const struct host_vm_options *vms,
		 int n, char *err, size_t errlen, int *culprit)
{
	struct host *h;
	int who = -1;

	*out = NULL;
	if (!check_options(o, vms, n, err, errlen, &who))
		goto refused;
	h = calloc(1, sizeof *h);
	if (!h) {
		snprintf(err, errlen, "out of host memory");
		goto refused;
	}
	h->opt = *o;
	if (!h->opt.slice)
		h->opt.slice = HOST_DEFAULT_SLICE;
	if (!h->opt.period)
		h->opt.period = HOST_DEFAULT_PERIOD;
	h->n = n;
	h->current = -1;
	vswitch_init(&h->sw);
	for (int i = 0; i < n; i++) {
		h->v[i].o = vms[i];
		h->v[i].state = HOST_WAITING;
		h->v[i].asked = -1;
		h->sv[i].weight = vms[i].weight;
		h->sv[i].cap = vms[i].cap;
	}
	sched_init(&h->s, h->sv, n, h->opt.slice, h->opt.slice * h->opt.period);
	if (!place_all(h, vms, err, errlen, &who))
		goto fail;
	vm_vmm_area_fill(&h->mem, h->vmm_area);
	/* Those asked for at a base first: the others fit around them. */
	for (int pass = 0; pass < 2; pass++)
	for (int i = 0; i < n; i++) {
		struct hvm *v = &h->v[i];
		const char *why = NULL;

		if ((pass == 0) != (vms[i].base != 0))
			continue;
		who = i;
		if (v->o.vm.disk_path && !(v->disk = shared_disk(h, v->o.vm.disk_path, &why))) {
			fail(err, errlen, &v->o, "disk image '%s': %s", v->o.vm.disk_path, why);
			goto fail;
		}
		if (!vms[i].base) {
			uint32_t at = first_fit(h, host_page_up(v->size));
			if (!at && !h->opt.overcommit) {
				fail(err, errlen, &v->o, "its %u bytes do not fit: the host's %u bytes hold the "
				     "monitor's %u, %u of page-table pools and the VMs before it, and no free "
				     "piece that large is left (give the host more memory, or overcommit "
				     "with pv balloons)", v->size, h->mem.size, h->vmm_area,
				     h->pools_end - h->vmm_area);
				goto fail;
			}
			if (!at) {
				if (host_page_up(v->size) > h->mem.size - h->pools_end) {
					fail(err, errlen, &v->o, "its %u bytes do not fit even alone in the %u "
					     "bytes the host has for regions", v->size, h->mem.size - h->pools_end);
					goto fail;
				}
				if (!try_image(v, err, errlen))
					goto fail;
				continue; /* it waits for memory */
			}
			v->place.region_base = at;
		}
		if (!create_vm(h, i, err, errlen))
			goto fail;
	}
	sched_account(&h->s);
	h->next_account = h->s.period;
	*out = h;
	return true;
fail:
	host_destroy(h);
refused:
	if (culprit)
		*culprit = who;
	return false;
}

void host_destroy(struct host *h)
{
	if (!h)
		return;
	for (int i = 0; i < h->n; i++)
		vm_destroy(h->v[i].vm);
	for (int d = 0; d < h->ndisks; d++)
		dev_disk_base_free(&h->disks[d]);
	mem_free(&h->mem);
	free(h);
}

/* ---- overcommit ---------------------------------------------------------- */

/* Start the VMs waiting for memory that now fit; for one that does not,
 * ask a pv VM's balloon for what it lacks: the pv VM whose region, with the
 * free memory after it, is largest. */
static void start_waiting(struct host *h)
{
	for (int i = 0; i < h->n; i++) {
		struct hvm *v = &h->v[i];
		uint32_t need = host_page_up(v->size), at;
		char err[512];

		if (v->state != HOST_WAITING)
			continue;
		at = first_fit(h, need);
		if (at) {
			v->place.region_base = at;
			if (!create_vm(h, i, err, sizeof err)) {
				v->state = HOST_STOPPED; /* checked at creation: out of host memory */
				v->stop = STOP_FAULT;
			}
			continue;
		}
		if (v->asked >= 0 && host_holds_memory(&h->v[v->asked]))
			continue; /* asked already: the guest gives at its clock's next tick */
		int best = -1;
		uint64_t best_room = 0;
		for (int k = 0; k < h->n; k++) {
			struct vm_balloon b;
			if (!host_holds_memory(&h->v[k]) || vm_mode(h->v[k].vm) != MODE_PV)
				continue;
			vm_balloon_info(h->v[k].vm, &b);
			uint32_t end = h->v[k].place.region_base + b.region_size;
			uint64_t room = (uint64_t)b.region_size + free_run(h, host_page_up(end), k);
			if (room > best_room) {
				best = k;
				best_room = room;
			}
		}
		if (best < 0)
			continue; /* no balloon: it waits for a VM to stop */
		struct vm_balloon b;
		vm_balloon_info(h->v[best].vm, &b);
		uint32_t end = h->v[best].place.region_base + b.region_size;
		uint32_t have = free_run(h, host_page_up(end), best) + (host_page_up(end) - end);
		uint32_t pages = need > have ? (need - have + VM_PAGE - 1) / VM_PAGE : 0;
		vm_balloon_request(h->v[best].vm, b.given + pages);
		v->asked = best;
	}
}

/* A pv VM whose balloon holds pages the host no longer needs gets them
 * back: its target drops by the free pages right above its region. */
static void return_memory(struct host *h)
{
	for (int k = 0; k < h->n; k++) {
		struct vm_balloon b;
		bool waiting = false;

		if (!host_holds_memory(&h->v[k]) || vm_mode(h->v[k].vm) != MODE_PV)
			continue;
		vm_balloon_info(h->v[k].vm, &b);
		if (!b.target || b.target > b.given)
			continue; /* nothing asked, or still giving */
		for (int i = 0; i < h->n; i++)
			waiting |= h->v[i].state == HOST_WAITING && h->v[i].asked == k;
		if (waiting)
			continue;
		uint32_t end = h->v[k].place.region_base + b.region_size;
		uint32_t run = free_run(h, end, k), pages = run / VM_PAGE;
		if (pages > b.given)
			pages = b.given;
		if (pages && b.given - pages < b.target)
			vm_balloon_request(h->v[k].vm, b.given - pages);
	}
}

/* ---- running ------------------------------------------------------------- */

void host_stop_vm(struct host *h, int i, enum cpu_stop why)
{
	struct hvm *v = &h->v[i];

	v->state = HOST_STOPPED;
	v->stop = why;
	v->end = h->now;
	sched_stop(&h->s, i);
	host_sample(h, i, 0);
	return_memory(h);
}

/* What VM i's card sent, through the switch; a VM blocked in wfi that
 * got a frame wakes. */
static void forward(struct host *h, int i)
{
	struct netcard *cards[VSWITCH_PORTS] = { 0 };
	uint32_t woken;

	for (int k = 0; k < h->n; k++)
		cards[k] = h->v[k].vm && h->v[k].state != HOST_STOPPED ? vm_net_card(h->v[k].vm) : NULL;
	woken = vswitch_forward(&h->sw, i, cards);
	for (int k = 0; k < h->n; k++) {
		struct hvm *v = &h->v[k];
		if (!(woken >> k & 1) || v->state != HOST_BLOCKED)
			continue;
		/* One that waited for a frame only: the time passed on its clock
		 * too. One that waited for its timer as well already skipped its
		 * clock to that (cpu_idle_until_interrupt): it wakes now, early,
		 * and finds both the frame and its timer's interrupt. */
		if (v->net_wait)
			vm_idle_for(v->vm, h->now - v->wait_from);
		v->net_wait = false;
		v->state = HOST_RUNNABLE;
		sched_wake(&h->s, k);
	}
}

/* Run VM i for at most budget cycles; the host's clock moves by the time
 * it was busy. */
static void run_slice(struct host *h, int i, uint64_t budget)
{
	struct hvm *v = &h->v[i];
	const struct cpu *g = vm_vcpu(v->vm);
	uint64_t c0 = g->cycles, i0 = g->idle_ticks, busy, idle;
	bool idled;
	enum cpu_stop s = vm_run_slice(v->vm, UINT64_MAX, budget, &idled);

	idle = (g->idle_ticks - i0) * COST_WFI_IDLE;
	busy = g->cycles - c0 - idle;
	h->now += busy;
	h->busy += busy;
	v->busy += busy;
	v->slices++;
	sched_charge(&h->s, i, busy);
	forward(h, i);
	if (s == STOP_HALT || s == STOP_IDLE || s == STOP_FAULT || (s == STOP_LIMIT && vm_at_step_limit(v->vm))) {
		host_stop_vm(h, i, s);
		return;
	}
	if (vm_mode(v->vm) == MODE_PV) {
		struct vm_balloon b;
		vm_balloon_info(v->vm, &b);
		if (b.region_size != v->region_now) {
			host_sample(h, i, b.region_size);
			return_memory(h);
		}
	}
	if (s == STOP_WAIT) {
		/* Its guest waits for a frame only the switch can bring. */
		v->state = HOST_BLOCKED;
		v->wake = UINT64_MAX;
		v->net_wait = true;
		v->wait_from = h->now;
		sched_block(&h->s, i);
	} else if (idled) {
		v->state = HOST_BLOCKED;
		v->wake = h->now + idle;
		sched_block(&h->s, i);
	} else {
		v->state = HOST_RUNNABLE;
	}
}

/* Wake the VMs whose wait is over; the earliest wake-up still to come. */
static uint64_t wake_up(struct host *h)
{
	uint64_t next = UINT64_MAX;

	for (int i = 0; i < h->n; i++) {
		struct hvm *v = &h->v[i];
		if (v->state != HOST_BLOCKED)
			continue;
		if (v->wake <= h->now) {
			v->state = HOST_RUNNABLE;
			sched_wake(&h->s, i);
		} else if (v->wake < next) {
			next = v->wake;
		}
	}
	return next;
}

bool host_run(struct host *h, uint64_t cycles)
{
	uint64_t stop_at = cycles > UINT64_MAX - h->now ? UINT64_MAX : h->now + cycles;

	for (;;) {
		bool live = false, parked = false, waiting = false;
		uint64_t next, budget;
		int i;

		while (h->now >= h->next_account) {
			sched_account(&h->s);
			h->next_account += h->s.period;
		}
		next = wake_up(h);
		start_waiting(h);
		for (int k = 0; k < h->n; k++) {
			live |= h->v[k].state != HOST_STOPPED && h->v[k].state != HOST_WAITING;
			parked |= h->sv[k].parked && h->sv[k].runnable;
			waiting |= h->v[k].state == HOST_WAITING;
		}
		if (!live && !waiting)
			return false;
		if (!live && waiting) {
			/* Nothing runs and nothing will free memory: cannot happen
			 * (a waiting VM fits alone), but never loop on it. */
			for (int k = 0; k < h->n; k++)
				if (h->v[k].state == HOST_WAITING)
					host_stop_vm(h, k, STOP_IDLE);
			return false;
		}
		if (h->now >= stop_at || (h->stop_asked && h->stop_asked()))
			return true;
		i = sched_pick(&h->s);
		if (i < 0) {
			/* Nothing may run: the processor idles to the next event, a
			 * wake-up or (caps lifted, credit handed out) the next period. */
			bool runnable = false;
			for (int k = 0; k < h->n; k++)
				runnable |= h->sv[k].runnable;
			if (parked || runnable)
				next = next < h->next_account ? next : h->next_account;
			if (next == UINT64_MAX && !parked && !runnable) {
				/* Every live VM waits for a frame and none can come:
				 * they idle for ever, as a lone machine would. */
				for (int k = 0; k < h->n; k++)
					if (h->v[k].state == HOST_BLOCKED)
						host_stop_vm(h, k, STOP_IDLE);
				continue;
			}
			if (next == UINT64_MAX)
				next = h->next_account; /* cannot be: every live VM is blocked or runnable */
			if (next > stop_at)
				next = stop_at;
			h->idle += next - h->now;
			h->now = next;
			continue;
		}
		/* A slice, shortened so that a VM waking with credit left (BOOST)
		 * preempts at once, and accounting is not late. */
		budget = sched_budget(&h->s, i);
		for (int k = 0; k < h->n; k++)
			if (h->v[k].state == HOST_BLOCKED && h->sv[k].credit > 0 && h->v[k].wake - h->now < budget)
				budget = h->v[k].wake - h->now;
		if (h->next_account - h->now < budget)
			budget = h->next_account - h->now;
		if (stop_at - h->now < budget)
			budget = stop_at - h->now;
		if (!budget)
			budget = 1;
		if (h->current != i) {
			/* The world switch: one VM's processor state saved, the
			 * next one's loaded (its TLB is its own: no flush). */
			if (h->current >= 0) {
				h->now += HOST_SWITCH_COST;
				h->overhead += HOST_SWITCH_COST;
				h->switches++;
			}
			h->current = i;
		}
		h->v[i].state = HOST_RUNNING;
		run_slice(h, i, budget);
	}
}

void host_set_stop(struct host *h, bool (*stop_asked)(void))
{
	h->stop_asked = stop_asked;
}

void host_run_window(struct host *h, uint64_t cycles, double *share)
{
	uint64_t busy[HOST_MAX_VMS], t0 = h->now;

	for (int i = 0; i < h->n; i++)
		busy[i] = h->v[i].busy;
	host_run(h, cycles);
	for (int i = 0; i < h->n; i++)
		share[i] = h->now > t0 ? (double)(h->v[i].busy - busy[i]) / (double)(h->now - t0) : 0.0;
}

/* ---- what it looks like -------------------------------------------------- */

const char *host_vm_state_name(enum host_vm_state s)
{
	static const char *const names[] = {
		[HOST_WAITING] = "waiting", [HOST_RUNNABLE] = "runnable", [HOST_RUNNING] = "running",
		[HOST_BLOCKED] = "blocked", [HOST_PARKED] = "parked", [HOST_STOPPED] = "stopped",
	};
	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

int host_nvms(const struct host *h) { return h->n; }
struct vm *host_vm(struct host *h, int i) { return i >= 0 && i < h->n ? h->v[i].vm : NULL; }
const struct vm *host_vm_c(const struct host *h, int i) { return i >= 0 && i < h->n ? h->v[i].vm : NULL; }
int host_current(const struct host *h) { return h->current; }

void host_vm_info(const struct host *h, int i, struct host_vm_info *info)
{
	const struct hvm *v = &h->v[i];
	uint64_t lived = (v->state == HOST_STOPPED ? v->end : h->now) - v->start;

	memset(info, 0, sizeof *info);
	info->name = v->o.name;
	info->state = v->state;
	if (v->state == HOST_RUNNABLE && h->sv[i].parked)
		info->state = HOST_PARKED;
	info->stop = v->stop;
	info->weight = v->o.weight;
	info->cap = v->o.cap;
	info->mem_size = v->size;
	info->region_base = v->vm ? v->place.region_base : 0;
	info->region_size = v->region_now;
	info->pool_base = v->place.pool_base;
	info->pool_pages = v->pool_pages;
	info->start = v->start;
	info->end = v->end;
	info->busy = v->busy;
	info->wake = v->state == HOST_BLOCKED ? v->wake : 0;
	info->share = v->vm && lived ? (double)v->busy / (double)lived : 0.0;
	info->promised = sched_promised(&h->s, i);
	info->slices = v->slices;
	info->migrated = v->gone;
	info->moved_to = v->gone ? v->gone_to : NULL;
}

const char *host_vm_state_text(const struct host_vm_info *vi)
{
	return vi->migrated ? "migrated" : host_vm_state_name(vi->state);
}

void host_info(const struct host *h, struct host_info *info)
{
	uint32_t held = 0;

	memset(info, 0, sizeof *info);
	info->now = h->now;
	info->busy = h->busy;
	info->idle = h->idle;
	info->overhead = h->overhead;
	info->switches = h->switches;
	info->mem_size = h->mem.size;
	info->vmm_area = h->vmm_area;
	info->pools_end = h->pools_end;
	for (int k = 0; k < h->n; k++)
		if (host_holds_memory(&h->v[k]))
			held += host_page_up(host_claim_end(h, k) - h->v[k].place.region_base);
	info->free_bytes = h->mem.size - h->pools_end - held;
	info->vmm_intact = true;
	for (int k = 0; k < h->n; k++)
		if (h->v[k].vm && !vm_vmm_intact(h->v[k].vm))
			info->vmm_intact = false;
}

const struct host_mem_sample *host_mem_samples(const struct host *h, int *n)
{
	*n = h->nsamples;
	return h->samples;
}

bool host_net_port(const struct host *h, int i, struct vswitch_port_stats *st)
{
	if (i < 0 || i >= h->n || !h->sw.port[i].plugged)
		return false;
	*st = h->sw.port[i].st;
	return true;
}
