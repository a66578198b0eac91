/*
 * vmm/history.c: a VM's past: checkpoints, logs, and going back (history.h).
 * Owns: the checkpoints (whole snapshots in memory, fewer and further apart
 *       when memory runs short), the log of traps entered, the inputs from
 *       outside with the step each came at, the console output as far as
 *       the run went, and replaying from a checkpoint to any stop point;
 *       recording as vm_run and vm_step go; searching the past.
 * Not:  the snapshot itself (snapshot.c and each technique's file); what a
 *       debugger looks for (tools/mon/).
 * Implements: deterministic replay (history.h): a checkpoint, then the
 *       same inputs at the same steps, gives the same run, in every mode.
 *
 * How a replay stops at a given step. vm_run counts instructions, not
 * steps: run to instruction R, it stops at the first point at which R have
 * retired, before any trap that is entered after the R-th instruction on
 * its own. The log says how many traps were entered up to each step, so
 * the instruction count at a stop point T is known (T minus the traps
 * entered by then): a replay runs to that count at full speed, then takes
 * single steps (a few at most: the traps entered between that instruction
 * and the next) until it stands at T.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "history.h"
#include "snapshot.h"
#include "vmm_internal.h"

struct checkpoint {
	uint64_t pos;
	uint64_t events;        /* vm->events then (not in the snapshot) */
	size_t inputs;          /* inputs given by then */
	uint64_t cap_len[2];    /* console bytes captured by then (the snapshot keeps none) */
	struct snap_buf snap;
};

/* Something that came into the VM from outside, at a stop point. A
 * guest idling at a point (wfi with nothing to wake it) stops the run
 * there: what came after the run stopped that way came after `idles`
 * such stops at that point, and a replay gives it only once the guest
 * has idled there as often (each time costs the monitor an exit). */
struct input {
	uint64_t pos;
	uint32_t idles;
	enum vmm_input_kind kind;
	uint32_t n, v, len;     /* register and value; IN_MEM: n is the address */
	uint8_t *bytes;         /* console bytes, or memory bytes */
};

struct stash {
	char *p;
	size_t len, cap;
};

struct vm_history {
	uint64_t max_bytes, interval;
	struct checkpoint *ck;
	size_t nck, capck;
	uint64_t *log;          /* the position just after each trap entered, in order */
	size_t nlog, caplog;
	struct input *in;
	size_t nin, capin;
	size_t in_next;         /* inputs given so far, on the pass the VM is on */
	uint64_t in_bytes;
	uint64_t frontier;      /* the furthest position recorded */
	uint64_t idle_pos;      /* where the guest last idled, and how often there */
	uint32_t idles;
	struct stash stash[2];  /* both consoles' output, as far as the run went */
	bool busy;              /* the history drives the VM: nothing it does is new */
	bool replaying;
	uint64_t restores, replayed, last_ns, last_replayed;
};

static uint64_t pos_of(const struct vm *vm)
{
	return vm_position(vm);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts); /* for vm_history_info's display only */
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool grow(void **p, size_t *cap, size_t n, size_t each)
{
	size_t c = *cap ? *cap : 16;
	void *q;

	if (n <= *cap)
		return true;
	while (c < n)
		c *= 2;
	if (!(q = realloc(*p, c * each)))
		return false;
	*p = q;
	*cap = c;
	return true;
}

/* ---- memory ------------------------------------------------------------------ */

static uint64_t bytes_used(const struct vm_history *h)
{
	uint64_t n = h->caplog * sizeof *h->log + h->capin * sizeof *h->in + h->in_bytes +
		     h->capck * sizeof *h->ck + h->stash[0].cap + h->stash[1].cap;

	for (size_t i = 0; i < h->nck; i++)
		n += h->ck[i].snap.cap;
	return n;
}

static void drop_checkpoint(struct vm_history *h, size_t i)
{
	snap_buf_free(&h->ck[i].snap);
	memmove(&h->ck[i], &h->ck[i + 1], (h->nck - i - 1) * sizeof *h->ck);
	h->nck--;
}

/* Within the bound: checkpoints twice as far apart (every other one
 * dropped, and the interval doubled), and, with two left and still too
 * much, the oldest given up: the past before the next is then out of reach. */
static void fit(struct vm_history *h)
{
	while (bytes_used(h) > h->max_bytes && h->nck > 1) {
		if (h->nck > 2) {
			for (size_t i = 1; i + 1 < h->nck; i++)
				drop_checkpoint(h, i);
			h->interval *= 2;
		} else {
			drop_checkpoint(h, 0);
		}
	}
	/* Traps entered before the first checkpoint are never replayed again. */
	if (h->nck) {
		size_t k = 0;
		while (k < h->nlog && h->log[k] <= h->ck[0].pos)
			k++;
		if (k) { /* (an empty log may have no array yet) */
			memmove(h->log, h->log + k, (h->nlog - k) * sizeof *h->log);
			h->nlog -= k;
		}
	}
}

/* ---- the consoles' output ------------------------------------------------------ */

static struct console *console_of(struct vm *vm, int k)
{
	return k == 0 ? &vm->dev.con : &vm->dev.con2;
}

/* Keep what the consoles have printed beyond what was kept: a restored
 * checkpoint has only its length, and the replay that follows would print
 * the same bytes again. */
static void stash_console(struct vm_history *h, struct vm *vm)
{
	for (int k = 0; k < 2; k++) {
		struct console *c = console_of(vm, k);
		struct stash *s = &h->stash[k];
		if (!c->capture || c->cap_len <= s->len ||
		    !grow((void **)&s->p, &s->cap, c->cap_len, 1))
			continue;
		memcpy(s->p + s->len, c->capture + s->len, c->cap_len - s->len);
		s->len = c->cap_len;
	}
}

/* The consoles' capture as it was at a checkpoint: cut (the snapshot did
 * that) or, when it was shorter than that, filled from the stash. */
static bool unstash_console(struct vm_history *h, struct vm *vm, const struct checkpoint *c)
{
	for (int k = 0; k < 2; k++) {
		struct console *con = console_of(vm, k);
		size_t want = (size_t)c->cap_len[k];
		if (!con->capturing || con->cap_len >= want)
			continue;
		if (want > h->stash[k].len)
			return false;
		if (want + 1 > con->cap_size) {
			char *p = realloc(con->capture, want + 1);
			if (!p)
				return false;
			con->capture = p;
			con->cap_size = want + 1;
		}
		memcpy(con->capture + con->cap_len, h->stash[k].p + con->cap_len, want - con->cap_len);
		con->cap_len = want;
		con->capture[want] = 0;
	}
	return true;
}

/* ---- checkpoints --------------------------------------------------------------- */

static bool take_checkpoint(struct vm *vm)
{
	struct vm_history *h = vm->hist;
	struct checkpoint c = { .pos = pos_of(vm), .events = vm->events, .inputs = h->in_next,
				.cap_len = { vm->dev.con.cap_len, vm->dev.con2.cap_len } };
	uint8_t *p;

	if (!vm_snapshot_save(vm, &c.snap, 0) || !grow((void **)&h->ck, &h->capck, h->nck + 1,
						       sizeof *h->ck)) {
		snap_buf_free(&c.snap);
		return false;
	}
	/* Kept as long as it is, not as the buffer grew. */
	if ((p = realloc(c.snap.p, c.snap.len))) {
		c.snap.p = p;
		c.snap.cap = c.snap.len;
	}
	h->ck[h->nck++] = c;
	fit(h);
	return true;
}

/* The last checkpoint at or before pos (there is one: pos >= first). */
static size_t checkpoint_before(const struct vm_history *h, uint64_t pos)
{
	size_t k = 0;

	while (k + 1 < h->nck && h->ck[k + 1].pos <= pos)
		k++;
	return k;
}

/* ---- inputs ---------------------------------------------------------------------- */

static void give(struct vm *vm, const struct input *in)
{
	bool busy = vm->hist->busy;

	vm->hist->busy = true; /* given again, not recorded again */
	switch (in->kind) {
	case IN_CONSOLE: vm_feed_console(vm, in->bytes, in->len); break;
	case IN_WAKE: vm_wake(vm); break;
	case IN_REG: vm_set_reg(vm, in->n, in->v); break;
	case IN_PC: vm_set_pc(vm, in->v); break;
	case IN_PSW: vm_set_psw(vm, in->v); break;
	case IN_SREG: vm_set_sreg(vm, in->n, in->v); break;
	case IN_MEM: vm_load(vm, in->n, in->bytes, in->len); break;
	}
	vm->hist->busy = busy;
}

/* Give the inputs recorded at the point the VM stands at, up to the idle
 * stops it has made there: true when any was given. */
static bool give_inputs(struct vm *vm)
{
	struct vm_history *h = vm->hist;
	uint64_t pos = pos_of(vm);
	uint32_t idles = h->idle_pos == pos ? h->idles : 0;
	bool any = false;

	/* (One behind the VM was never reached: a replay that went astray.) */
	while (h->in_next < h->nin && h->in[h->in_next].pos < pos)
		h->in_next++;
	while (h->in_next < h->nin && h->in[h->in_next].pos == pos &&
	       h->in[h->in_next].idles <= idles) {
		give(vm, &h->in[h->in_next++]);
		any = true;
	}
	return any;
}

/* The VM stopped idle where it stands: one more idle stop there; true
 * when the inputs that came after it were given (it may run on). */
static bool idled(struct vm *vm)
{
	struct vm_history *h = vm->hist;
	uint64_t pos = pos_of(vm);

	if (h->idle_pos != pos) {
		h->idle_pos = pos;
		h->idles = 0;
	}
	h->idles++;
	return give_inputs(vm) && !vm->stopped;
}

/* The recorded future after the point the VM stands at is forgotten: it
 * is about to change. */
static void forget_future(struct vm *vm)
{
	struct vm_history *h = vm->hist;
	uint64_t pos = pos_of(vm);

	for (size_t i = h->in_next; i < h->nin; i++) {
		h->in_bytes -= h->in[i].len;
		free(h->in[i].bytes);
	}
	h->nin = h->in_next;
	while (h->nck > 1 && h->ck[h->nck - 1].pos > pos)
		drop_checkpoint(h, h->nck - 1);
	while (h->nlog && h->log[h->nlog - 1] > pos)
		h->nlog--;
	h->frontier = pos;
	for (int k = 0; k < 2; k++) {
		const struct console *c = console_of(vm, k);
		if (h->stash[k].len > c->cap_len)
			h->stash[k].len = c->cap_len;
	}
}

void vmm_history_input(struct vm *vm, enum vmm_input_kind kind, uint32_t n, uint32_t v,
		       const void *bytes, uint32_t len)
{
	struct vm_history *h = vm->hist;
	struct input in = { .pos = pos_of(vm), .kind = kind, .n = n, .v = v, .len = len };

	if (!h || h->busy)
		return;
	forget_future(vm);
	if (vm->stopped && vm->stop == STOP_IDLE && h->idle_pos == in.pos)
		in.idles = h->idles;
	if (len && !(in.bytes = malloc(len)))
		return; /* no host memory: the input happens, unrecorded (going back forgets it) */
	if (len)
		memcpy(in.bytes, bytes, len);
	if (!grow((void **)&h->in, &h->capin, h->nin + 1, sizeof *h->in)) {
		free(in.bytes);
		return;
	}
	h->in[h->nin++] = in;
	h->in_next = h->nin; /* the caller gives it now */
	h->in_bytes += len;
	fit(h);
}

void vmm_history_delivered(struct vm *vm)
{
	struct vm_history *h = vm->hist;
	uint64_t pos;

	if (!h || (pos = pos_of(vm)) <= h->frontier)
		return; /* not kept, or replayed: logged the first time */
	if (grow((void **)&h->log, &h->caplog, h->nlog + 1, sizeof *h->log))
		h->log[h->nlog++] = pos;
}

/* ---- moving through the recorded run ------------------------------------------------- */

/* After the VM moved on to a stop point: record what is new, or give what
 * was recorded there. */
static void arrive(struct vm *vm)
{
	struct vm_history *h = vm->hist;
	uint64_t pos = pos_of(vm);

	if (pos > h->frontier) {
		h->frontier = pos;
		if (!vm->stopped && pos >= h->ck[h->nck - 1].pos + h->interval)
			take_checkpoint(vm);
		return;
	}
	give_inputs(vm);
}

/* Traps entered after position a, up to and including b. */
static uint64_t traps_between(const struct vm_history *h, uint64_t a, uint64_t b)
{
	size_t lo = 0, hi = h->nlog, from;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (h->log[mid] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	from = lo;
	hi = h->nlog;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (h->log[mid] <= b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - from;
}

/* The instructions retired at recorded stop point t (>= where the VM is). */
static uint64_t retired_at(const struct vm *vm, uint64_t t)
{
	uint64_t traps = vm->delivered + traps_between(vm->hist, pos_of(vm), t);

	return t > traps ? t - traps : 0;
}

/* One step of a replay (or a recording run): inputs given where recorded,
 * idle stops that the recorded run went on from gone on from. */
static enum cpu_stop step(struct vm *vm)
{
	for (;;) {
		uint64_t before = pos_of(vm);
		enum cpu_stop s = vmm_step_plain(vm);
		if (pos_of(vm) != before) {
			if (vm->hist->replaying)
				vm->hist->replayed++;
			arrive(vm);
			return s;
		}
		if (s != STOP_IDLE || !idled(vm))
			return s;
	}
}

/* On from a stop point to recorded stop point t (to the one after it when
 * t is none), the inputs given on the way. False if it could not get there
 * (the run stopped before: only when the recorded run did too). */
static bool replay_to(struct vm *vm, uint64_t t)
{
	struct vm_history *h = vm->hist;

	while (pos_of(vm) < t) {
		uint64_t pos = pos_of(vm), to = t, r;
		const struct input *next;

		while (h->in_next < h->nin && h->in[h->in_next].pos < pos)
			h->in_next++; /* never reached: a replay that went astray */
		next = h->in_next < h->nin ? &h->in[h->in_next] : NULL;
		if (next && next->pos == pos) {
			/* Given only after the guest idled here: make it idle. */
			if (step(vm) != STOP_IDLE && pos_of(vm) == pos)
				return false;
			continue;
		}
		if (next && next->pos < to)
			to = next->pos;
		r = retired_at(vm, to);
		if (r > vm_guest(vm)->retired) {
			uint64_t n = r - vm_guest(vm)->retired;
			enum cpu_stop s = vmm_run_plain(vm, n);
			if (h->replaying)
				h->replayed += pos_of(vm) - pos;
			arrive(vm);
			if (s == STOP_IDLE && idled(vm))
				continue;
			if (s != STOP_LIMIT)
				return pos_of(vm) >= t;
		}
		while (pos_of(vm) < to) {
			uint64_t before = pos_of(vm);
			enum cpu_stop s = step(vm);
			if (pos_of(vm) == before && s != STOP_LIMIT)
				return false;
		}
	}
	return true;
}

/* Restore checkpoint k: the VM as it was there, the inputs given by then. */
static bool restore(struct vm *vm, size_t k)
{
	struct vm_history *h = vm->hist;
	const struct checkpoint *c = &h->ck[k];
	char err[256];

	stash_console(h, vm);
	if (!vm_snapshot_restore(vm, c->snap.p, c->snap.len, err, sizeof err) ||
	    !unstash_console(h, vm, c))
		return false;
	vm->events = c->events;
	h->in_next = c->inputs;
	h->idle_pos = c->pos;
	h->idles = 0;
	h->restores++;
	give_inputs(vm);
	return true;
}

/* Start and end of something the history does to the VM on its own. */
static void begin(struct vm_history *h)
{
	h->replaying = true;
	h->last_ns = now_ns();
	h->last_replayed = h->replayed;
}

static bool end(struct vm_history *h, bool ok)
{
	fit(h); /* what going back kept (the consoles' output) counts too */
	h->replaying = false;
	h->last_ns = now_ns() - h->last_ns;
	h->last_replayed = h->replayed - h->last_replayed;
	return ok;
}

/* To stop point t, from the VM's point if it lies between t's checkpoint
 * and t, else from that checkpoint. */
static bool go(struct vm *vm, uint64_t t)
{
	struct vm_history *h = vm->hist;
	size_t k = checkpoint_before(h, t);
	uint64_t pos = pos_of(vm);

	if (pos == t)
		return true;
	if (!(pos < t && pos >= h->ck[k].pos) && !restore(vm, k))
		return false;
	return replay_to(vm, t) && pos_of(vm) == t;
}

/* ---- the door -------------------------------------------------------------------------- */

bool vm_history_start(struct vm *vm, const struct vm_history_options *o, char *err, size_t errlen)
{
	struct vm_history *h;
	const struct console *con = &vm->dev.con;

	if (vm->hist)
		return true;
	if (vm->opt.place) {
		snprintf(err, errlen, "reverse execution is for a VM alone, not one VM of a host");
		return false;
	}
	if (con->in_fd >= 0 && !(vm->input_rest && con->in_fd == fileno(vm->input_rest))) {
		snprintf(err, errlen, "console input read from a terminal cannot be replayed: give it "
			 "with --input, or type it to the debugger");
		return false;
	}
	if (!(h = calloc(1, sizeof *h))) {
		snprintf(err, errlen, "out of host memory");
		return false;
	}
	h->max_bytes = o && o->max_bytes ? o->max_bytes : VM_HISTORY_MEM;
	h->interval = o && o->interval ? o->interval : VM_HISTORY_INTERVAL;
	h->frontier = pos_of(vm);
	h->idle_pos = h->frontier;
	vm->hist = h;
	if (!take_checkpoint(vm) || bytes_used(h) > h->max_bytes) {
		snprintf(err, errlen, "a checkpoint of this VM (%llu bytes) does not fit in %llu bytes of "
			 "history memory", h->nck ? (unsigned long long)h->ck[0].snap.len : 0ull,
			 (unsigned long long)h->max_bytes);
		vmm_history_free(vm);
		return false;
	}
	return true;
}

bool vm_history_on(const struct vm *vm)
{
	return vm->hist != NULL;
}

void vm_history_stop(struct vm *vm)
{
	vmm_history_free(vm);
}

void vmm_history_free(struct vm *vm)
{
	struct vm_history *h = vm->hist;

	if (!h)
		return;
	for (size_t i = 0; i < h->nck; i++)
		snap_buf_free(&h->ck[i].snap);
	for (size_t i = 0; i < h->nin; i++)
		free(h->in[i].bytes);
	free(h->ck);
	free(h->log);
	free(h->in);
	free(h->stash[0].p);
	free(h->stash[1].p);
	free(h);
	vm->hist = NULL;
}

void vm_history_info(const struct vm *vm, struct vm_history_info *i)
{
	const struct vm_history *h = vm->hist;

	memset(i, 0, sizeof *i);
	if (!h)
		return;
	i->first = h->ck[0].pos;
	i->frontier = h->frontier;
	i->checkpoints = h->nck;
	i->bytes = bytes_used(h);
	i->max_bytes = h->max_bytes;
	i->interval = h->interval;
	i->traps_logged = h->nlog;
	i->inputs = h->nin;
	i->restores = h->restores;
	i->replayed = h->replayed;
	i->last_ns = h->last_ns;
	i->last_replayed = h->last_replayed;
}

bool vm_history_replaying(const struct vm *vm)
{
	return vm->hist && vm->hist->replaying;
}

bool vm_history_goto(struct vm *vm, uint64_t pos, char *err, size_t errlen)
{
	struct vm_history *h = vm->hist;

	if (!h) {
		snprintf(err, errlen, "no history is kept");
		return false;
	}
	if (pos < h->ck[0].pos || pos > h->frontier) {
		snprintf(err, errlen, "position %llu is outside the recorded run (%llu to %llu)",
			 (unsigned long long)pos, (unsigned long long)h->ck[0].pos,
			 (unsigned long long)h->frontier);
		return false;
	}
	begin(h);
	if (!go(vm, pos)) {
		snprintf(err, errlen, "could not replay to position %llu", (unsigned long long)pos);
		return end(h, false);
	}
	return end(h, true);
}

bool vm_history_back(struct vm *vm, char *err, size_t errlen)
{
	struct vm_history *h = vm->hist;
	uint64_t p = pos_of(vm);
	size_t k;
	bool ok;

	if (!h) {
		snprintf(err, errlen, "no history is kept");
		return false;
	}
	if (p <= h->ck[0].pos) {
		if (h->ck[0].pos == 0)
			snprintf(err, errlen, "at the start of the run: no instruction has run yet, "
				 "there is nothing before");
		else
			snprintf(err, errlen, "at the start of the recorded history (position %llu): "
				 "what came before was not kept", (unsigned long long)p);
		return false;
	}
	begin(h);
	k = checkpoint_before(h, p - 1);
	ok = restore(vm, k);
	if (ok && h->ck[k].pos < p - 1) {
		/* p-1 is a stop point unless p ended a step that retired an
		 * instruction and entered its trap: then p-2 is. */
		ok = replay_to(vm, p - 2);
		if (ok && pos_of(vm) == p - 2) {
			step(vm);
			if (pos_of(vm) != p - 1)
				ok = restore(vm, k) && replay_to(vm, p - 2);
		}
	}
	if (!ok || pos_of(vm) >= p) {
		snprintf(err, errlen, "could not replay to the step before position %llu",
			 (unsigned long long)p);
		return end(h, false);
	}
	return end(h, true);
}

/* Replay one segment (from checkpoint k up to stop point hi) step by step:
 * the last point marked in it, or none; *forgot when a step made the
 * earlier ones forgotten (the search ends there). */
static bool search_segment(struct vm *vm, size_t k, uint64_t hi, uint64_t p,
			   vm_history_step_fn fn, void *ctx, uint64_t *last, bool *forgot)
{
	bool found = false;

	*forgot = false;
	if (!restore(vm, k))
		return false;
	while (pos_of(vm) < hi) {
		uint64_t before = pos_of(vm), after;
		enum vm_mark m = fn(ctx, vm);
		after = pos_of(vm);
		if (m == VM_MARK_HERE && after < p) {
			*last = after;
			found = true;
		} else if (m == VM_MARK_BEFORE) {
			*last = before;
			found = true;
		} else if (m == VM_MARK_FORGET && after < p) {
			found = false;
			*forgot = true;
		}
		if (after == before)
			break; /* the recorded run stopped here too */
	}
	return found;
}

bool vm_history_find(struct vm *vm, vm_history_step_fn fn, void *ctx, uint64_t *where)
{
	struct vm_history *h = vm->hist;
	uint64_t p = pos_of(vm), hi = p, last = 0;
	bool forgot = false;

	if (!h || p <= h->ck[0].pos)
		return false;
	begin(h);
	for (size_t k = checkpoint_before(h, p - 1) + 1; k-- > 0;) {
		if (search_segment(vm, k, hi, p, fn, ctx, &last, &forgot)) {
			*where = last;
			return end(h, go(vm, last));
		}
		if (forgot)
			break;
		hi = h->ck[k].pos;
	}
	go(vm, p);
	return end(h, false);
}

/* ---- vm_run and vm_step, recording ------------------------------------------------------ */

enum cpu_stop vmm_history_run(struct vm *vm, uint64_t max)
{
	struct vm_history *h = vm->hist;
	uint64_t end_r = vmm_budget_end(vm, max);
	enum cpu_stop s = STOP_LIMIT;

	if (max == 0)
		return vmm_run_plain(vm, max);
	for (;;) {
		struct cpu *g = vm_guest(vm);
		uint64_t pos = pos_of(vm), target = end_r;
		const struct input *next = h->in_next < h->nin ? &h->in[h->in_next] : NULL;

		if (vm->stopped || g->retired >= end_r)
			return vm->stopped ? vm->stop : s;
		while (next && next->pos < pos)
			next = ++h->in_next < h->nin ? &h->in[h->in_next] : NULL;
		if (pos < h->frontier) {
			/* The recorded run: to its next input, or on to where it ends. */
			if (next && (next->pos == pos || retired_at(vm, next->pos) < end_r)) {
				if (!replay_to(vm, next->pos > pos ? next->pos : pos + 1))
					return vm->stopped ? vm->stop : STOP_LIMIT;
				continue;
			}
			if (retired_at(vm, h->frontier) < target)
				target = retired_at(vm, h->frontier);
		} else if (h->ck[h->nck - 1].pos + h->interval > pos) {
			uint64_t to_ck = h->ck[h->nck - 1].pos + h->interval - pos;
			if (target - g->retired > to_ck)
				target = g->retired + to_ck;
		}
		if (target <= g->retired)
			target = g->retired + 1;
		s = vmm_run_plain(vm, target - g->retired);
		arrive(vm);
		if (s == STOP_IDLE && idled(vm))
			continue;
		if (s != STOP_LIMIT || vm->at_limit)
			return s;
	}
}

enum cpu_stop vmm_history_step(struct vm *vm)
{
	return step(vm);
}
