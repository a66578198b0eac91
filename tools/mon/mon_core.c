/*
 * tools/mon/mon_core.c: the monitor's core: the VM it debugs and run control.
 * Owns: building (and rebuilding) the VM, the breakpoint table, the event
 *       log the VM's hook fills, and mon_run: stepping, next, continue and
 *       until-exit, none of which runs past a breakpoint.
 * Not:  the command language (mon_cmd.c); what is printed (mon_show.c);
 *       any terminal (mon.c, tui*.c).
 * Implements: a debugger's single step on top of vm_step: one instruction,
 *       or one trap entered, so the student sees the pc at the trap vector
 *       before the handler runs, and sees each VM exit the VMM handles.
 */
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "host.h"
#include "mon.h"

enum {
	/* Guest instructions between two calls of the poll function. */
	MON_POLL_EVERY = 4096,
	/* With no breakpoint, continue runs in pieces of this many: vm_run is
	 * deterministic however a run is split, so this changes nothing seen. */
	MON_CHUNK = 65536,
};

/* Events are kept by their number: a replay of the past (going back)
 * gives the same events the same numbers, and the log is then as it was. */
static void on_event(void *ctx, const struct vm *vm, const struct vm_event *e)
{
	struct mon *m = ctx;
	(void)vm;
	m->log[e->seq % MON_LOG] = *e;
	m->nevents = e->seq + 1;
}

static bool build_vm(struct mon *m, char *err, size_t errlen)
{
	if (!vm_create(&m->vm, &m->opt, err, errlen))
		return false;
	if (!image_load(m->vm, m->img, err, errlen)) {
		vm_destroy(m->vm);
		m->vm = NULL;
		return false;
	}
	vm_set_event_hook(m->vm, on_event, m);
	memset(m->log, 0xFF, sizeof m->log); /* no slot holds an event numbered yet */
	m->nevents = 0;
	m->console_shown = 0;
	m->x_next = vm_pc(m->vm);
	m->hist_err[0] = 0;
	if (m->hist_bytes) {
		struct vm_history_options h = { .max_bytes = m->hist_bytes };
		if (!vm_history_start(m->vm, &h, m->hist_err, sizeof m->hist_err))
			m->hist_bytes = 0; /* said when a reverse command is given */
	} else {
		snprintf(m->hist_err, sizeof m->hist_err, "no history is kept (--history 0)");
	}
	mon_watch_resync(m);
	return true;
}

bool mon_create(struct mon **out, const struct vm_options *opt, const struct image *img,
		char *err, size_t errlen)
{
	struct mon *m = calloc(1, sizeof *m);

	*out = NULL;
	if (!m) {
		snprintf(err, errlen, "out of host memory");
		return false;
	}
	m->opt = *opt;
	m->opt.capture = true;
	m->opt.console = NULL; /* the front end shows the captured console */
	m->img = img;
	m->hist_bytes = VM_HISTORY_MEM;
	m->next_break_id = 1;
	m->x_fmt = 'x';
	m->x_size = 'w';
	m->x_count = 1;
	if (!build_vm(m, err, errlen)) {
		free(m);
		return false;
	}
	*out = m;
	return true;
}

bool mon_create_host(struct mon **out, struct host *h, const struct image *imgs, char *err,
		     size_t errlen)
{
	struct mon *m = calloc(1, sizeof *m);

	*out = NULL;
	if (!m) {
		snprintf(err, errlen, "out of host memory");
		return false;
	}
	m->host = h;
	m->imgs = imgs;
	m->cur = -1;
	m->next_break_id = 1;
	snprintf(m->hist_err, sizeof m->hist_err,
		 "reverse execution is for a VM alone, not the VMs of a host");
	m->x_fmt = 'x';
	m->x_size = 'w';
	m->x_count = 1;
	for (int i = 0; i < host_nvms(h); i++)
		if (host_vm(h, i) && mon_select_vm(m, i, err, errlen)) {
			*out = m;
			return true;
		}
	snprintf(err, errlen, "no VM of the host has started");
	free(m);
	return false;
}

bool mon_select_vm(struct mon *m, int i, char *err, size_t errlen)
{
	struct vm *vm;

	if (!m->host) {
		snprintf(err, errlen, "not a host: one VM only (trapeze mon --host CONFIG runs several)");
		return false;
	}
	if (i < 0 || i >= host_nvms(m->host)) {
		snprintf(err, errlen, "no VM %d: the host has %d (info vms)", i, host_nvms(m->host));
		return false;
	}
	if (!(vm = host_vm(m->host, i))) {
		snprintf(err, errlen, "VM %d has not started: it waits for memory", i);
		return false;
	}
	{
		struct host_vm_info vi;
		host_vm_info(m->host, i, &vi);
		if (vi.migrated) {
			snprintf(err, errlen, "VM %d ('%s') migrated to %s: it runs there now", i,
				 vi.name, vi.moved_to);
			return false;
		}
	}
	if (m->vm) {
		vm_set_event_hook(m->vm, NULL, NULL);
		vm_set_access_hook(m->vm, NULL, NULL);
	}
	/* The log and the console follow the selected VM from now on; its
	 * breakpoints are guest-physical addresses: they are the selected
	 * VM's, whichever it is. */
	m->vm = vm;
	m->img = &m->imgs[i];
	m->cur = i;
	vm_set_event_hook(vm, on_event, m);
	memset(m->log, 0xFF, sizeof m->log);
	m->nevents = vm_events(vm);
	vm_console(vm, &m->console_shown);
	m->x_next = vm_pc(vm);
	mon_watch_resync(m); /* the watched bytes are the selected VM's */
	return true;
}

void mon_destroy(struct mon *m)
{
	if (!m)
		return;
	if (m->host) {
		if (m->vm) {
			vm_set_event_hook(m->vm, NULL, NULL);
			vm_set_access_hook(m->vm, NULL, NULL);
		}
	} else {
		vm_destroy(m->vm); /* a host's VMs are the host's */
	}
	free(m);
}

bool mon_restart(struct mon *m, char *err, size_t errlen)
{
	struct vm *old = m->vm;

	if (m->host) {
		snprintf(err, errlen, "a host's VMs cannot start again one by one (start trapeze mon "
			 "again)");
		return false;
	}

	if (!build_vm(m, err, errlen)) {
		m->vm = old; /* keep the old one rather than none */
		return false;
	}
	vm_destroy(old);
	mon_forget_hits(m);
	return true;
}

void mon_forget_hits(struct mon *m)
{
	for (int i = 0; i < MON_MAX_BREAKS; i++)
		m->brk[i].hits = 0;
	for (int i = 0; i < MON_MAX_WATCHES; i++)
		m->watch[i].hits = 0;
}

/* ---- breakpoints -------------------------------------------------------- */

bool mon_break_add(struct mon *m, uint32_t va, const struct mon_break **out, char *err,
		   size_t errlen)
{
	uint32_t gpa;

	if (!vm_translate(m->vm, va, &gpa)) {
		snprintf(err, errlen, "no instruction can be at 0x%08x", va);
		return false;
	}
	return mon_break_add_gpa(m, gpa, out, err, errlen);
}

bool mon_break_add_gpa(struct mon *m, uint32_t gpa, const struct mon_break **out, char *err,
		       size_t errlen)
{
	int free_slot = -1;

	if ((gpa & 3) || gpa >= vm_memory(m->vm)->size) {
		snprintf(err, errlen, "no instruction can be at 0x%08x", gpa);
		return false;
	}
	for (int i = 0; i < MON_MAX_BREAKS; i++) {
		if (m->brk[i].id && m->brk[i].gpa == gpa) {
			*out = &m->brk[i];
			return true; /* already there: the same breakpoint */
		}
		if (!m->brk[i].id && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0) {
		snprintf(err, errlen, "no room for more than %d breakpoints", MON_MAX_BREAKS);
		return false;
	}
	m->brk[free_slot] = (struct mon_break){ m->next_break_id++, gpa, 0 };
	*out = &m->brk[free_slot];
	return true;
}

bool mon_break_delete(struct mon *m, unsigned id)
{
	bool found = false;

	for (int i = 0; i < MON_MAX_BREAKS; i++) {
		if (m->brk[i].id && (id == 0 || m->brk[i].id == id)) {
			m->brk[i].id = 0;
			found = true;
		}
	}
	return found || id == 0;
}

/* The slot of the breakpoint at guest-virtual va in the current mode, or -1. */
static int break_slot(const struct mon *m, uint32_t va)
{
	uint32_t gpa;

	if (!vm_translate(m->vm, va, &gpa))
		return -1;
	for (int i = 0; i < MON_MAX_BREAKS; i++)
		if (m->brk[i].id && m->brk[i].gpa == gpa)
			return i;
	return -1;
}

const struct mon_break *mon_break_at(const struct mon *m, uint32_t va)
{
	int i = break_slot(m, va);
	return i < 0 ? NULL : &m->brk[i];
}

bool mon_break_toggle(struct mon *m, uint32_t va, char *err, size_t errlen)
{
	const struct mon_break *b = mon_break_at(m, va);

	if (b)
		return mon_break_delete(m, b->id);
	return mon_break_add(m, va, &b, err, errlen);
}

int mon_break_count(const struct mon *m)
{
	int n = 0;
	for (int i = 0; i < MON_MAX_BREAKS; i++)
		n += m->brk[i].id != 0;
	return n;
}

const struct vm_event *mon_event(const struct mon *m, uint64_t i)
{
	const struct vm_event *e;

	if (i >= m->nevents || i >= MON_LOG)
		return NULL;
	e = &m->log[(m->nevents - 1 - i) % MON_LOG];
	/* After going back further than the log reaches, a slot may hold a
	 * later event (of the future left): not this one. */
	return e->seq == m->nevents - 1 - i ? e : NULL;
}

/* ---- the console -------------------------------------------------------- */

void mon_feed_console(struct mon *m, const char *bytes, size_t len)
{
	vm_feed_console(m->vm, bytes, len); /* recorded, when a history is kept */
}

const char *mon_console_new(struct mon *m, size_t *len)
{
	size_t all;
	const char *text = vm_console(m->vm, &all);

	if (m->console_shown > all)
		m->console_shown = all;
	*len = all - m->console_shown;
	text += m->console_shown;
	m->console_shown = all;
	return text;
}

/* ---- run control -------------------------------------------------------- */

static enum mon_why why_of(const struct vm *vm, enum cpu_stop s)
{
	switch (s) {
	case STOP_HALT: return MON_HALTED;
	case STOP_IDLE: return MON_IDLE;
	case STOP_FAULT: return MON_FAULT;
	default: return vm_at_step_limit(vm) ? MON_AT_LIMIT : MON_DONE;
	}
}

bool mon_stopped(const struct mon *m, enum mon_why *why)
{
	/* vm_run with a budget of 0 runs nothing and says how the VM stands. */
	enum mon_why w = why_of(m->vm, vm_run(m->vm, 0));

	if (why)
		*why = w;
	return w != MON_DONE;
}

/* One single step, then: MON_DONE to go on, or why the run stops here. */
enum mon_why mon_step_once(struct mon *m, struct mon_stop *st)
{
	struct mon_watch_hit pending;
	uint64_t retired = vm_retired(m->vm);
	bool watching = mon_watch_count(m) > 0;
	enum mon_why w;
	int i;

	if (watching)
		mon_watch_before(m, &pending);
	w = why_of(m->vm, vm_step(m->vm));
	if (watching && mon_watch_after(m, &pending, retired, st))
		return w == MON_DONE ? MON_AT_WATCH : w;
	if (w != MON_DONE)
		return w;
	i = break_slot(m, vm_pc(m->vm));
	if (i < 0)
		return MON_DONE;
	if (!m->searching)
		m->brk[i].hits++;
	st->brk = &m->brk[i];
	return MON_AT_BREAK;
}

static enum mon_why step_once(struct mon *m, struct mon_stop *st)
{
	return mon_step_once(m, st);
}

/* Single steps until done says so or something stops the run. */
typedef bool (*until_fn)(struct mon *m, const void *arg);

static enum mon_why step_until(struct mon *m, struct mon_stop *st, until_fn done,
			       const void *arg, mon_poll_fn poll, void *ctx)
{
	for (uint64_t n = 1;; n++) {
		enum mon_why w = step_once(m, st);

		if (w != MON_DONE)
			return w;
		if (done(m, arg))
			return MON_DONE;
		if (n % MON_POLL_EVERY == 0 && poll && poll(ctx))
			return MON_INTERRUPTED;
	}
}

/* Where a call returns to: the instruction after it, in the same process. */
struct return_point {
	uint32_t pc, psw_mode, base;
};

static bool returned(struct mon *m, const void *arg)
{
	const struct return_point *r = arg;
	return vm_pc(m->vm) == r->pc && (vm_psw(m->vm) & PSW_S) == r->psw_mode &&
	       vm_sreg(m->vm, SR_base) == r->base;
}

static bool never(struct mon *m, const void *arg)
{
	(void)m;
	(void)arg;
	return false;
}

static bool is_call(const struct mon *m, uint32_t pc)
{
	uint32_t w;
	return mon_read_word(m, pc, &w) && (isa_op(w) == OP_jal || isa_op(w) == OP_jalr);
}

/* next: a call runs to its return; anything else is one step. */
static enum mon_why next_once(struct mon *m, struct mon_stop *st, mon_poll_fn poll, void *ctx)
{
	struct return_point r = { vm_pc(m->vm) + 4, vm_psw(m->vm) & PSW_S,
				  vm_sreg(m->vm, SR_base) };
	enum mon_why w;

	if (!is_call(m, r.pc - 4))
		return step_once(m, st);
	w = step_once(m, st);
	if (w != MON_DONE || returned(m, &r))
		return w;
	return step_until(m, st, returned, &r, poll, ctx);
}

/* until-exit: single steps until one brings an event. */
static enum mon_why exit_once(struct mon *m, struct mon_stop *st, mon_poll_fn poll, void *ctx)
{
	for (uint64_t n = 1;; n++) {
		uint64_t events = m->nevents;
		enum mon_why w = step_once(m, st);

		if (m->nevents > events)
			return w == MON_DONE ? MON_AT_EVENT : w;
		if (w != MON_DONE)
			return w;
		if (n % MON_POLL_EVERY == 0 && poll && poll(ctx))
			return MON_INTERRUPTED;
	}
}

/* continue with no breakpoint set: whole pieces, nothing to look for. */
static enum mon_why run_free(struct mon *m, mon_poll_fn poll, void *ctx)
{
	for (;;) {
		enum mon_why w = why_of(m->vm, vm_run(m->vm, MON_CHUNK));
		if (w != MON_DONE)
			return w;
		if (poll && poll(ctx))
			return MON_INTERRUPTED;
	}
}

struct mon_stop mon_run(struct mon *m, enum mon_goal goal, uint64_t count, mon_poll_fn poll,
			void *ctx)
{
	struct mon_stop st = { .why = MON_DONE, .first_event = m->nevents };
	uint64_t before = vm_retired(m->vm);
	enum mon_why w = MON_DONE;

	if (mon_stopped(m, &w)) {
		st.why = w;
		return st;
	}
	if (goal == MON_CONTINUE) {
		w = mon_break_count(m) || mon_watch_count(m)
			    ? step_until(m, &st, never, NULL, poll, ctx)
			    : run_free(m, poll, ctx);
	} else {
		for (uint64_t i = 0; i < count && w == MON_DONE; i++) {
			if (goal == MON_STEP)
				w = step_once(m, &st);
			else if (goal == MON_NEXT)
				w = next_once(m, &st, poll, ctx);
			else
				w = exit_once(m, &st, poll, ctx);
			if (w == MON_AT_EVENT && i + 1 < count)
				w = MON_DONE; /* until-exit N: the Nth exit */
			if (w == MON_DONE && i + 1 < count && (i + 1) % MON_POLL_EVERY == 0 &&
			    poll && poll(ctx))
				w = MON_INTERRUPTED;
		}
	}
	st.why = w;
	st.retired = vm_retired(m->vm) - before;
	return st;
}

/* finish: the frame's return point, reached with the caller's sp. */
struct frame_return {
	struct return_point at;
	uint32_t sp;
};

static bool frame_returned(struct mon *m, const void *arg)
{
	const struct frame_return *r = arg;
	return returned(m, &r->at) && mon_reg_read(m, REG_SP) == r->sp;
}

struct mon_stop mon_finish(struct mon *m, mon_poll_fn poll, void *ctx)
{
	struct mon_stop st = { .why = MON_DONE, .first_event = m->nevents };
	struct mon_frame f[1];
	struct frame_return r;
	uint64_t before = vm_retired(m->vm);

	if (mon_backtrace(m, f, 1) < 1 || !f[0].ret) {
		st.why = MON_NO_FRAME;
		return st;
	}
	if (mon_stopped(m, &st.why))
		return st;
	r.at = (struct return_point){ f[0].ret, vm_psw(m->vm) & PSW_S, vm_sreg(m->vm, SR_base) };
	r.sp = f[0].caller_sp;
	st.why = step_until(m, &st, frame_returned, &r, poll, ctx);
	st.retired = vm_retired(m->vm) - before;
	return st;
}
