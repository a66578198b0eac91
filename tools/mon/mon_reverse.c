/*
 * tools/mon/mon_reverse.c: the monitor going backwards.
 * Owns: keeping the VM's past (vm_history_start, within --history's
 *       bound) and the reverse commands on it: reverse-step, reverse-next,
 *       reverse-continue (to the last breakpoint or watchpoint hit) and
 *       reverse-until-exit (to the last trap or VM exit); what the monitor
 *       keeps beside the VM (the event log, the watched bytes) made to
 *       agree with the point gone back to.
 * Not:  checkpoints and replay (vmm/history.c); what a forward step looks
 *       for (mon_core.c, mon_watch.c), which a search of the past asks the
 *       same way.
 * Implements: reverse execution by deterministic replay: a search runs the
 *       past forward again from a checkpoint, step by step, asking at each
 *       step what a forward run would have asked, and keeps the last point
 *       that would have stopped it. Nothing is undone: every point gone
 *       back to is the state a fresh run stopped there has, VMM statistics
 *       and all.
 */
#include <string.h>

#include "history.h"
#include "mon.h"

bool mon_history(struct mon *m, uint64_t max_bytes, char *err, size_t errlen)
{
	struct vm_history_options h = { .max_bytes = max_bytes };

	m->hist_bytes = max_bytes;
	if (m->host) {
		snprintf(err, errlen, "%s", m->hist_err);
		return false;
	}
	if (vm_history_on(m->vm)) {
		struct vm_history_info i;
		vm_history_info(m->vm, &i);
		if (i.max_bytes == max_bytes)
			return true;
		vm_history_stop(m->vm); /* kept from here on within the new bound */
	}
	if (!max_bytes) {
		snprintf(m->hist_err, sizeof m->hist_err, "no history is kept (--history 0)");
		return true;
	}
	if (max_bytes < VM_HISTORY_MIN_MEM) {
		snprintf(err, errlen, "--history needs at least %u bytes", VM_HISTORY_MIN_MEM);
		m->hist_bytes = 0;
		snprintf(m->hist_err, sizeof m->hist_err, "%s", err);
		return false;
	}
	if (!vm_history_start(m->vm, &h, m->hist_err, sizeof m->hist_err)) {
		m->hist_bytes = 0;
		snprintf(err, errlen, "%s", m->hist_err);
		return false;
	}
	m->hist_err[0] = 0;
	return true;
}

/* After the VM moved through its past: the log and the watched bytes as
 * they are there. */
static void arrived(struct mon *m)
{
	m->nevents = vm_events(m->vm);
	mon_watch_resync(m);
}

/* ---- searching the past ------------------------------------------------- */

struct search {
	struct mon *m;
	enum mon_reverse goal;
	uint64_t from;          /* where the search started: points before it count */
	/* reverse-next: the call a return stepped back over came from here. */
	uint32_t call_pc, psw_mode, base, sp;
	/* What the last point marked stopped for. */
	enum mon_why why;
	const struct mon_break *brk;
	struct mon_watch_hit hit;
	const struct mon_watch *watch;
};

static bool at_call(const struct search *s)
{
	const struct vm *vm = s->m->vm;
	return vm_pc(vm) == s->call_pc && (vm_psw(vm) & PSW_S) == s->psw_mode &&
	       vm_sreg(vm, SR_base) == s->base && mon_reg_read(s->m, REG_SP) == s->sp;
}

/* One step of the past: what a forward run would have seen there. */
static enum vm_mark search_step(void *ctx, struct vm *vm)
{
	struct search *s = ctx;
	struct mon *m = s->m;
	struct mon_stop st = { 0 };
	uint64_t events = vm_events(vm);
	bool call = false;
	enum mon_why w;

	if (vm_position(vm) != m->search_pos)
		mon_watch_resync(m); /* a checkpoint restored: the bytes as they are there */
	if (s->goal == MON_RNEXT)
		call = at_call(s);
	w = mon_step_once(m, &st);
	m->search_pos = vm_position(vm);
	if (m->search_pos >= s->from && s->goal != MON_RNEXT)
		return VM_MARK_NONE; /* the point the search started from, or after */
	switch (s->goal) {
	case MON_RNEXT:
		return call ? VM_MARK_BEFORE : VM_MARK_NONE;
	case MON_REXIT:
		return vm_events(vm) > events ? VM_MARK_HERE : VM_MARK_NONE;
	default:
		if (w != MON_AT_BREAK && w != MON_AT_WATCH)
			return VM_MARK_NONE;
		s->why = w;
		s->brk = st.brk;
		s->watch = st.watch;
		if (w == MON_AT_WATCH)
			s->hit = m->hit;
		return VM_MARK_HERE;
	}
}

/* Search back for the last point s marks: true with the VM there. */
static bool search(struct mon *m, struct search *s)
{
	uint64_t where;
	bool found;

	m->searching = true;
	m->search_pos = UINT64_MAX;
	s->from = vm_position(m->vm);
	found = vm_history_find(m->vm, search_step, s, &where);
	m->searching = false;
	arrived(m);
	return found;
}

/* ---- the commands --------------------------------------------------------- */

/* Back to the first point kept, when a search found nothing before. */
static enum mon_why to_start(struct mon *m)
{
	struct vm_history_info i;
	char err[160];

	vm_history_info(m->vm, &i);
	if (vm_position(m->vm) != i.first)
		vm_history_goto(m->vm, i.first, err, sizeof err);
	arrived(m);
	return MON_AT_START;
}

static enum mon_why back_one(struct mon *m)
{
	char err[160];

	if (!vm_history_back(m->vm, err, sizeof err)) {
		snprintf(m->hist_err, sizeof m->hist_err, "%s", err);
		return MON_AT_START;
	}
	arrived(m);
	return MON_DONE;
}

static bool is_return_to(const struct mon *m, uint32_t target)
{
	uint32_t w;
	return mon_read_word(m, vm_pc(m->vm), &w) && isa_op(w) == OP_jr &&
	       mon_reg_read(m, (int)isa_rs(w)) == target;
}

static bool is_call_at(const struct mon *m, uint32_t pc)
{
	uint32_t w;
	return mon_read_word(m, pc, &w) && (isa_op(w) == OP_jal || isa_op(w) == OP_jalr);
}

/* reverse-next: a step back; when it undid a return (into a call's next
 * instruction), on back to that call, as next steps over it forward. The
 * call is the one made with the sp the caller has now (the convention
 * restores it), so a recursive call is stepped over whole. */
static enum mon_why rnext_once(struct mon *m)
{
	const struct vm *vm = m->vm;
	struct search s = { .m = m, .goal = MON_RNEXT, .call_pc = vm_pc(vm) - 4,
			    .psw_mode = vm_psw(vm) & PSW_S, .base = vm_sreg(vm, SR_base),
			    .sp = mon_reg_read(m, REG_SP) };
	uint32_t target = vm_pc(vm);
	enum mon_why w = back_one(m);

	if (w != MON_DONE || !is_return_to(m, target) || !is_call_at(m, s.call_pc))
		return w;
	return search(m, &s) ? MON_DONE : to_start(m);
}

struct mon_stop mon_reverse(struct mon *m, enum mon_reverse goal, uint64_t count)
{
	struct mon_stop st = { .why = MON_DONE, .first_event = m->nevents };
	uint64_t before = vm_retired(m->vm);

	if (!vm_history_on(m->vm)) {
		st.why = MON_NO_PAST;
		return st;
	}
	if (goal == MON_RCONTINUE) {
		struct search s = { .m = m, .goal = goal };
		if (!search(m, &s)) {
			st.why = to_start(m);
		} else {
			st.why = s.why;
			st.brk = s.brk;
			st.watch = s.watch;
			if (s.why == MON_AT_WATCH)
				m->hit = s.hit;
		}
	} else {
		for (uint64_t i = 0; i < count && st.why == MON_DONE; i++) {
			if (goal == MON_RSTEP) {
				st.why = back_one(m);
			} else if (goal == MON_RNEXT) {
				st.why = rnext_once(m);
			} else {
				struct search s = { .m = m, .goal = goal };
				st.why = search(m, &s) ? (i + 1 < count ? MON_DONE : MON_AT_EVENT)
						       : to_start(m);
			}
			/* step N back stops at a breakpoint on the way, as step N does */
			if (st.why == MON_DONE && i + 1 < count && goal != MON_REXIT &&
			    (st.brk = mon_break_at(m, vm_pc(m->vm))))
				st.why = MON_AT_BREAK;
		}
	}
	st.first_event = m->nevents;
	st.retired = before - vm_retired(m->vm);
	return st;
}
