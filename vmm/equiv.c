/*
 * vmm/equiv.c: the equivalence diff (see equiv.h).
 * Owns: running two modes in lockstep, comparing what the guest can observe
 *       (registers, pc, virtual psw, special registers, the traps it was
 *       delivered, console output, memory, how it stopped) and narrowing a
 *       difference down to the one guest instruction after which it appears.
 * Not:  any technique; printing the report (tools/diff/diff.c).
 * Implements: P&G's equivalence property as an experiment. Both runs are
 *       deterministic (virtual time is counted in guest instructions, input
 *       is queued up front), so a run can be repeated to any instruction
 *       count and the two compared there: the search is a lockstep run,
 *       instruction by instruction at first and then in growing chunks;
 *       a difference found between two comparisons is narrowed by re-runs
 *       in steps a sixteenth as long, down to a single instruction.
 *       P&G's one exception, temporal latency, is forgiven where it shows:
 *       when the culprit is an rdcyc and the clock it read is the only
 *       difference, mode b's register gets mode a's value and the search goes
 *       on, so that a reading of the clock cannot hide a later divergence.
 *       Every re-run applies the same forgiveness at the same instruction.
 *       A monitor that patches the guest's code (patch.c) leaves traces:
 *       memory is compared with each patched word taken as the original it
 *       replaced, and a load that read a patch is forgiven the same way as
 *       the clock, but counted: the guest could tell, so the two are not
 *       equivalent, yet the search still finds any real divergence after.
 */
#include <stdlib.h>
#include <string.h>

#include "equiv.h"

enum {
	EXACT_PREFIX = 1 << 20, /* compared after every instruction up to here */
	FIRST_CHUNK = 4096,     /* then compared every this many at first */
	LARGEST_CHUNK = 1 << 20,
	NARROWING = 16,         /* each re-run cuts the suspect stretch this many ways */
	STOP_SLICE = 1 << 20,   /* the caller's stop is asked at least this often */
};

/* A forgiven reading of the clock: once `at` instructions have retired (the
 * rdcyc the last of them), mode b's register reg is given mode a's value. */
struct forgiven {
	uint64_t at;
	unsigned reg;
	uint32_t value;
};

/* One comparison of two modes, and what it has forgiven so far (in order). */
struct search {
	const struct vmm_equiv_spec *spec;
	enum vmm_mode a, b;
	struct forgiven *fv;
	size_t nfv, cap;
	struct vmm_divergence *out;
	char *err;
	size_t errlen;
};

/* One run: a VM and the log of traps its guest was delivered. Mode b's
 * runner applies the search's forgiveness as it passes each point. */
struct runner {
	struct vm *vm;
	struct vmm_guest_trap *log;
	size_t n, cap;
	bool out_of_memory;
	const struct search *forgive; /* NULL for mode a */
	size_t next;                  /* the next forgiveness to apply */
	/* Traps found equal to the partner's are forgotten, but the last:
	 * log[i] is trap number dropped + i. See same_traps. */
	size_t dropped;
	uint32_t vector;              /* where the last trap sent the guest */
	const struct vmm_equiv_spec *spec; /* its stop, asked as it runs */
	bool stopped;                 /* the stop said so: the search gives up */
};

static void record_trap(void *ctx, const struct vm *vm, const struct vm_event *e)
{
	struct runner *r = ctx;
	(void)vm;

	if (e->action != VM_DELIVERED && e->action != VM_REFLECTED && e->action != VM_INJECTED)
		return; /* the monitor's own business: invisible to the guest */
	r->vector = e->vector;
	if (r->n - r->dropped == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 256;
		struct vmm_guest_trap *p = realloc(r->log, cap * sizeof *p);
		if (!p) {
			r->out_of_memory = true;
			return;
		}
		r->log = p;
		r->cap = cap;
	}
	r->log[r->n++ - r->dropped] = (struct vmm_guest_trap){ e->index, e->cause, e->detail, e->epc };
}

static void runner_stop(struct runner *r)
{
	vm_destroy(r->vm);
	free(r->log);
	memset(r, 0, sizeof *r);
}

static bool runner_start(struct runner *r, const struct vmm_equiv_spec *spec, enum vmm_mode mode,
			 char *err, size_t errlen)
{
	struct vm_options o = spec->options;

	memset(r, 0, sizeof *r);
	o.mode = mode;
	o.capture = true;
	o.console = NULL; /* the diff shows output itself; runs stay quiet */
	if (!vm_create(&r->vm, &o, err, errlen))
		return false;
	if (!spec->load(spec->load_ctx, r->vm, err, errlen)) {
		runner_stop(r);
		return false;
	}
	vm_set_event_hook(r->vm, record_trap, r);
	r->spec = spec;
	return true;
}

/* vm_run, in slices when the caller may want to stop. */
static void runner_run(struct runner *r, uint64_t max)
{
	const struct vmm_equiv_spec *spec = r->spec;

	if (!spec->stop) {
		vm_run(r->vm, max);
		return;
	}
	while (max && !r->stopped) {
		uint64_t n = max < STOP_SLICE ? max : STOP_SLICE;
		if (vm_run(r->vm, n) != STOP_LIMIT || vm_at_step_limit(r->vm))
			break;
		max -= n;
		r->stopped = spec->stop(spec->stop_ctx);
	}
}

/* Run to n guest instructions in all (or until it stops), forgiving on the way. */
static void runner_run_to(struct runner *r, uint64_t n)
{
	const struct search *s = r->forgive;

	while (s && r->next < s->nfv && s->fv[r->next].at <= n) {
		const struct forgiven *f = &s->fv[r->next++];
		if (vm_retired(r->vm) < f->at)
			runner_run(r, f->at - vm_retired(r->vm));
		if (vm_retired(r->vm) == f->at)
			vm_set_reg(r->vm, f->reg, f->value);
	}
	if (n > vm_retired(r->vm))
		runner_run(r, n - vm_retired(r->vm));
	if (r->spec->stop && !r->stopped)
		r->stopped = r->spec->stop(r->spec->stop_ctx);
}

/* Stopped for good, or at the step limit: no more to compare. (vm_run with
 * a budget of 0 runs nothing and says how the VM stands.) */
static bool runner_finished(struct runner *r)
{
	return vm_run(r->vm, 0) != STOP_LIMIT || vm_at_step_limit(r->vm);
}

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3u;
	return h;
}

void vmm_observe(const struct vm *vm, struct vmm_observation *o)
{
	const struct mem *m = vm_memory(vm);
	const char *con;
	uint32_t code = 0;

	memset(o, 0, sizeof *o);
	o->mode = vm_mode(vm);
	o->retired = vm_retired(vm);
	for (unsigned i = 0; i < NREGS; i++)
		o->r[i] = vm_reg(vm, i);
	o->pc = vm_pc(vm);
	o->psw = vm_psw(vm);
	for (unsigned i = 0; i < SR_COUNT; i++)
		o->sr[i] = vm_sreg(vm, i);
	o->mem_hash = fnv1a(m->bytes, m->size);
	con = vm_console(vm, &o->console_len);
	o->console = malloc(o->console_len + 1);
	if (o->console) {
		memcpy(o->console, con, o->console_len);
		o->console[o->console_len] = 0;
	} else {
		o->console_len = 0;
	}
	o->halted = vm_halted(vm, &code);
	o->halt_code = code;
}

void vmm_observation_free(struct vmm_observation *o)
{
	free(o->console);
	o->console = NULL;
}

static void observe_runner(struct runner *r, struct vmm_observation *o)
{
	enum cpu_stop s = vm_run(r->vm, 0);

	vmm_observe(r->vm, o);
	o->ntraps = r->n;
	if (r->n)
		o->last_trap = r->log[r->n - 1 - r->dropped];
	o->stopped = s != STOP_LIMIT;
	o->stop = s;
}

/* Keep only the last trap of the log (the report shows it). */
static void forget_agreed(struct runner *r)
{
	if (r->n - r->dropped > 1) {
		r->log[0] = r->log[r->n - 1 - r->dropped];
		r->dropped = r->n - 1;
	}
}

/* The logs only grow, and the two of a pair are only ever compared with
 * each other: once they agree, what they agreed on need not be compared or
 * kept again. (Comparing whole logs after every instruction made `trapeze
 * diff` quadratic in the traps, and keeping them cost 24 bytes a trap: a
 * guest that traps at every instruction took minutes for 100000 steps and
 * gigabytes for the default 10^8. Found with the bad-input table; see
 * equiv, diff_of_a_trap_storm_is_quick_and_small_regression.) */
static bool same_traps(struct runner *a, struct runner *b)
{
	if (a->n != b->n || a->dropped != b->dropped)
		return false;
	for (size_t i = 0; i < a->n - a->dropped; i++) {
		const struct vmm_guest_trap *x = &a->log[i], *y = &b->log[i];
		if (x->index != y->index || x->cause != y->cause || x->detail != y->detail ||
		    x->epc != y->epc)
			return false;
	}
	forget_agreed(a);
	forget_agreed(b);
	return true;
}

/* Memory as the guests could see it: the same, but where one monitor
 * patched a word of which the other run holds the original. Compared a
 * page at a time, word by word only where a page differs. */
static bool memory_differs(const struct vm *x, const struct vm *y)
{
	const struct mem *mx = vm_memory(x), *my = vm_memory(y);
	enum { PAGE = 4096 };

	if (mx->size != my->size)
		return true;
	for (uint32_t pg = 0; pg < mx->size; pg += PAGE) {
		uint32_t n = mx->size - pg < PAGE ? mx->size - pg : PAGE;
		if (!memcmp(mx->bytes + pg, my->bytes + pg, n))
			continue;
		for (uint32_t a = pg; a < pg + n; a += 4) {
			uint32_t wx = mem_load32(mx, a), wy = mem_load32(my, a), orig;
			if (wx != wy && !(vm_patched_word(y, a, &orig) && orig == wx) &&
			    !(vm_patched_word(x, a, &orig) && orig == wy))
				return true;
		}
	}
	return false;
}

/* What the two guests would see differently now, or NULL. Memory, the one
 * costly comparison, only when asked. */
static const char *runners_differ(struct runner *a, struct runner *b, bool memory)
{
	const struct vm *x = a->vm, *y = b->vm;
	enum cpu_stop sx = vm_run(a->vm, 0), sy = vm_run(b->vm, 0);
	size_t lx, ly;
	const char *cx = vm_console(x, &lx), *cy = vm_console(y, &ly);
	uint32_t hx = 0, hy = 0;

	if (sx != sy || vm_halted(x, &hx) != vm_halted(y, &hy) || hx != hy)
		return "how it stopped";
	if (vm_retired(x) != vm_retired(y))
		return "instructions retired";
	if (vm_pc(x) != vm_pc(y))
		return "pc";
	if (vm_psw(x) != vm_psw(y))
		return "psw";
	for (unsigned i = 0; i < NREGS; i++)
		if (vm_reg(x, i) != vm_reg(y, i))
			return "registers";
	for (unsigned i = 0; i < SR_COUNT; i++)
		if (vm_sreg(x, i) != vm_sreg(y, i))
			return "special registers";
	if (!same_traps(a, b))
		return "traps delivered";
	if (lx != ly || memcmp(cx, cy, lx) != 0)
		return "console output";
	if (memory && memory_differs(x, y))
		return "memory";
	return NULL;
}

static bool start_pair(struct search *s, struct runner p[2])
{
	if (!runner_start(&p[0], s->spec, s->a, s->err, s->errlen))
		return false;
	if (!runner_start(&p[1], s->spec, s->b, s->err, s->errlen)) {
		runner_stop(&p[0]);
		return false;
	}
	p[1].forgive = s;
	return true;
}

static void stop_pair(struct runner p[2])
{
	runner_stop(&p[0]);
	runner_stop(&p[1]);
}

/* The instruction word at the guest's pc, if there is one. */
static bool word_at_pc(const struct vm *vm, uint32_t *word)
{
	const struct mem *m = vm_memory(vm);
	uint32_t pc = vm_pc(vm), gpa;

	if ((pc & 3) || !vm_translate(vm, pc, &gpa) || gpa > m->size - 4)
		return false;
	*word = mem_load32(m, gpa);
	return true;
}

/* The instruction the pair is about to run, as forgive needs to know it:
 * its word and pc, the traps delivered so far, and the guest-physical word
 * it reads if it is a load. */
struct about {
	bool have;
	uint32_t word, pc;
	size_t ntraps;
	bool load;
	uint32_t gpa;
};

static void note(struct runner p[2], struct about *c)
{
	const struct vm *vm = p[0].vm;
	uint32_t va;

	memset(c, 0, sizeof *c);
	c->pc = vm_pc(vm);
	c->ntraps = p[0].n;
	c->have = word_at_pc(vm, &c->word);
	if (!c->have || isa_op(c->word) < OP_ldw || isa_op(c->word) > OP_ldbu)
		return;
	va = vm_reg(vm, isa_rs(c->word)) + (uint32_t)isa_simm16(c->word);
	c->load = vm_translate(vm, va, &c->gpa);
	c->gpa &= ~3u;
}

/*
 * When traps came first in the step just run (the same in both runs), the
 * instruction that retired was not the one at the pc before it but the
 * first of the last handler entered: it is read at that trap's vector (in
 * supervisor mode, so a guest-physical address). A handler that reads the
 * clock first (a timer interrupt's would) was once not forgiven: fuzz_vmm,
 * tests/fuzz/regressions/fuzz_vmm/crash-76a6ced6..., and equiv,
 * a_clock_read_first_in_a_trap_handler_is_permitted_regression.
 */
static const struct about *trapped_first(const struct runner p[2], const struct about *c,
					 struct about *handler)
{
	const struct mem *m = vm_memory(p[0].vm);
	uint32_t v = p[0].vector;

	if (p[0].n == c->ntraps || p[1].n != p[0].n || p[1].vector != v)
		return c;
	memset(handler, 0, sizeof *handler);
	handler->pc = v;
	handler->ntraps = p[0].n;
	handler->have = !(v & 3) && m->size >= 4 && v <= m->size - 4;
	if (handler->have)
		handler->word = mem_load32(m, v);
	return handler;
}

/*
 * The pair has just run one instruction c from a state where they agreed.
 * If it was an rdcyc, or a load of a word a monitor patched, no trap came
 * first, and the register it loaded is all that differs, forgive it: mode b
 * is given mode a's value; true, the two agree again.
 */
static bool forgive(struct search *s, struct runner p[2], const struct about *before)
{
	struct about handler;
	const struct about *c = trapped_first(p, before, &handler);
	unsigned rd = isa_rd(c->word);
	uint32_t was = vm_reg(p[1].vm, rd), orig;
	struct vmm_divergence *d = s->out;
	bool clock = c->have && isa_op(c->word) == OP_rdcyc;
	bool trace = c->load && (vm_patched_word(p[1].vm, c->gpa, &orig) ||
				 vm_patched_word(p[0].vm, c->gpa, &orig));

	if (!(clock || trace) || p[0].n != c->ntraps || p[1].n != c->ntraps)
		return false;
	vm_set_reg(p[1].vm, rd, vm_reg(p[0].vm, rd));
	if (runners_differ(&p[0], &p[1], true)) {
		vm_set_reg(p[1].vm, rd, was);
		return false;
	}
	if (s->nfv == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct forgiven *f = realloc(s->fv, cap * sizeof *f);
		if (!f)
			return false;
		s->fv = f;
		s->cap = cap;
	}
	s->fv[s->nfv++] = (struct forgiven){ vm_retired(p[0].vm), rd, vm_reg(p[0].vm, rd) };
	p[1].next = s->nfv;
	if (clock && d->npermitted++ == 0) {
		d->permitted_index = vm_retired(p[0].vm) - 1;
		d->permitted_pc = c->pc;
		d->permitted_word = c->word;
	}
	if (trace && d->ntraces++ == 0) {
		d->trace_index = vm_retired(p[0].vm) - 1;
		d->trace_pc = c->pc;
		d->trace_word = c->word;
		d->trace_addr = c->gpa;
	}
	return true;
}

/*
 * Lockstep from where the pair stands (*lo instructions, agreeing) to the
 * end: 0 when they never differ (then out->before is the common final
 * state), 1 when they agree after *lo instructions and differ after *hi,
 * -1 when the caller's stop said to give up.
 *
 * For the first EXACT_PREFIX instructions the two are compared after every
 * one (memory every FIRST_CHUNK), so that a difference that heals itself a
 * few instructions later (a wrong psw that the next setpsw overwrites) is
 * still caught, and a reading of the clock is forgiven on the spot; after
 * that, in chunks that double up to LARGEST_CHUNK.
 */
static int lockstep(struct search *s, struct runner p[2], uint64_t *lo, uint64_t *hi)
{
	uint64_t chunk = FIRST_CHUNK, at = *lo;

	for (;;) {
		uint64_t step = at < EXACT_PREFIX ? 1 : chunk;
		bool done, full = step > 1 || (at + 1) % FIRST_CHUNK == 0;
		struct about c;

		note(p, &c);
		runner_run_to(&p[0], at + step);
		runner_run_to(&p[1], at + step);
		if (p[0].stopped || p[1].stopped)
			return -1;
		done = runner_finished(&p[0]) && runner_finished(&p[1]);
		if (runners_differ(&p[0], &p[1], full || done) &&
		    !(step == 1 && forgive(s, p, &c))) {
			*hi = at + step;
			return 1;
		}
		at += step;
		if (full || done)
			*lo = at;
		if (done) {
			vmm_observation_free(&s->out->before);
			observe_runner(&p[0], &s->out->before);
			return 0;
		}
		if (step > 1 && chunk < LARGEST_CHUNK)
			chunk *= 2;
	}
}

/* Re-run to lo and walk to hi in smaller steps, until hi = lo + 1. */
static bool narrow(struct search *s, uint64_t *lo, uint64_t *hi)
{
	while (*hi - *lo > 1) {
		struct runner p[2];
		uint64_t step = (*hi - *lo + NARROWING - 1) / NARROWING, at = *lo;
		bool found = false;

		if (!start_pair(s, p))
			return false;
		runner_run_to(&p[0], at);
		runner_run_to(&p[1], at);
		while (at < *hi && !found) {
			uint64_t to = at + step < *hi ? at + step : *hi;
			runner_run_to(&p[0], to);
			runner_run_to(&p[1], to);
			if (p[0].stopped || p[1].stopped) {
				stop_pair(p);
				return false;
			}
			if (runners_differ(&p[0], &p[1], true)) {
				*hi = to;
				found = true;
			} else {
				at = to;
				*lo = at;
			}
		}
		stop_pair(p);
		if (!found) {
			snprintf(s->err, s->errlen, "runs are not deterministic: %s and %s agreed at "
				 "%llu instructions on a re-run", vmm_mode_name(s->a),
				 vmm_mode_name(s->b), (unsigned long long)*hi);
			return false;
		}
	}
	return true;
}

/*
 * Re-run to the culprit, the instruction after `index` agreeing ones, and
 * run it. A reading of the clock is forgiven: 1, with the pair left
 * standing after it, agreeing. Otherwise 0, with the states just before
 * and just after it in the report; -1 on error.
 */
static int culprit(struct search *s, uint64_t index, struct runner p[2])
{
	struct vmm_divergence *d = s->out;
	struct about c;

	if (!start_pair(s, p))
		return -1;
	runner_run_to(&p[0], index);
	runner_run_to(&p[1], index);
	if (p[0].stopped || p[1].stopped) {
		stop_pair(p);
		return -1;
	}
	note(p, &c);
	vmm_observation_free(&d->before);
	observe_runner(&p[0], &d->before);
	d->index = index;
	d->pc = d->before.pc;
	d->have_word = c.have;
	d->word = c.word;
	runner_run_to(&p[0], index + 1);
	runner_run_to(&p[1], index + 1);
	if (forgive(s, p, &c))
		return 1;
	d->what = runners_differ(&p[0], &p[1], true);
	observe_runner(&p[0], &d->after_a);
	observe_runner(&p[1], &d->after_b);
	stop_pair(p);
	return 0;
}

bool vmm_equiv_compare(const struct vmm_equiv_spec *spec, enum vmm_mode a, enum vmm_mode b,
		       struct vmm_divergence *out, char *err, size_t errlen)
{
	struct vmm_equiv_spec opts = *spec;
	struct search s = { &opts, a, b, NULL, 0, 0, out, err, errlen };
	struct runner p[2];
	uint64_t lo = 0, hi;
	bool ok = false;

	memset(out, 0, sizeof *out);
	out->a = a;
	out->b = b;
	if (!opts.options.step_limit)
		opts.options.step_limit = VMM_EQUIV_STEP_LIMIT; /* a guest may never stop */
	if (!start_pair(&s, p))
		return false;
	if (runners_differ(&p[0], &p[1], true)) {
		/* Different before the first instruction: the loads differ. */
		snprintf(err, errlen, "%s and %s differ before the guest starts", vmm_mode_name(a),
			 vmm_mode_name(b));
		stop_pair(p);
		goto out;
	}
	for (;;) {
		int found = lockstep(&s, p, &lo, &hi);
		stop_pair(p);
		if (found < 0)
			break;
		if (found == 0) {
			out->equivalent = true;
			ok = true;
			break;
		}
		if (!narrow(&s, &lo, &hi))
			break;
		found = culprit(&s, lo, p);
		if (found <= 0) {
			ok = found == 0;
			out->diverged = ok;
			break;
		}
		lo++; /* forgiven: go on from just after the clock was read */
	}
out:
	if (!ok && spec->stop && spec->stop(spec->stop_ctx))
		snprintf(err, errlen, "stopped before %s and %s were compared to the end",
			 vmm_mode_name(a), vmm_mode_name(b));
	if (out->ntraces)
		out->equivalent = false; /* forgiven to look further, never permitted */
	free(s.fv);
	return ok;
}

void vmm_divergence_free(struct vmm_divergence *d)
{
	vmm_observation_free(&d->before);
	vmm_observation_free(&d->after_a);
	vmm_observation_free(&d->after_b);
}
