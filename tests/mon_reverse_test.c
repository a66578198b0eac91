/*
 * tests/mon_reverse_test.c: the monitor's reverse commands, watchpoints,
 *       finish, backtrace, display and set, as a user types them.
 * Owns: in every mode, reverse-step from random points lands in exactly the
 *       state of a fresh run stopped at the same step (the whole snapshot:
 *       real CPU, virtual CPU, memory, devices, the VMM's statistics);
 *       reverse-continue goes back to the last breakpoint hit and the last
 *       watchpoint hit; reverse-until-exit to the last VM exit; reverse-next
 *       back over a call whole; console input typed to the monitor given
 *       again when the run goes forward again; the start of the run and
 *       --history 0 said so. Watchpoints hit in every mode: a guest store, a
 *       guest load (rwatch), the disk's DMA, the VMM patching code, a
 *       condition; finish returns to the caller; backtrace names the frames.
 * Not:  the history engine's own exactness (reverse_test.c); transcripts of
 *       the other commands (mon_test.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "mon/montest.h"
#include "snap/snaptest.h"

struct session {
	struct image img;
	struct mon *m;
};

static void start(struct session *s, const struct st_config *c)
{
	struct vm_options o;
	const char *bad;
	char err[512];

	vm_options_init(&o);
	o.mode = c->mode;
	o.cpu = c->cpu;
	o.tc_size = c->tc_size;
	o.disk_path = c->disk ? st_path(c->disk) : NULL;
	o.step_limit = 20000000;
	if (c->nonvirt)
		o.nonvirt = (unsigned)cpu_parse_nonvirt(c->nonvirt, &bad);
	if (c->input) {
		o.input = c->input;
		o.input_len = strlen(c->input);
	}
	cr_assert(image_read(st_path(c->kernel), &s->img, err, sizeof err), "%s", err);
	cr_assert(mon_create(&s->m, &o, &s->img, err, sizeof err), "%s: %s", c->name, err);
}

static void stop(struct session *s)
{
	mon_destroy(s->m);
	image_free(&s->img);
}

/* One command; what it printed (static: the next call overwrites it). */
static const char *cmd(struct session *s, const char *line)
{
	static char *text;

	free(text);
	text = mt_exec(s->m, line, NULL);
	return text;
}

static void expect_in(const char *text, const char *want, const char *ctx)
{
	cr_expect(strstr(text, want), "%s: '%s' not in:\n%s", ctx, want, text);
}

/* A fresh VM of c run to stop point p exactly (single steps near it). */
static struct vm *fresh_at(const struct st_config *c, uint64_t p)
{
	struct vm *vm = st_vm(c);

	while (vm_position(vm) < p) {
		uint64_t gap = p - vm_position(vm);
		enum cpu_stop st = gap > 64 ? vm_run(vm, gap / 2) : vm_step(vm);
		if (st != STOP_LIMIT || vm_at_step_limit(vm))
			break;
	}
	return vm;
}

static uint64_t next_random(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 2685821657736338717ull;
}

/* reverse-step and reverse-step N from random points of c's run: each the
 * state of a fresh run stopped at the step it lands on, which is N single
 * steps before. */
static void reverse_steps_exact(const char *name)
{
	const struct st_config *c = st_config(name);
	uint64_t seed = 0x9E3779B97F4A7C15ull ^ (uint64_t)strlen(name) * 977, at = 0;
	struct session s;
	char ctx[200];

	start(&s, c);
	for (int i = 0; i < 3; i++) {
		uint64_t ahead = 20000 + next_random(&seed) % 400000, n = 1 + next_random(&seed) % 3;
		uint64_t p, q;
		struct vm *f;
		char line[64];

		vm_run(s.m->vm, ahead);
		if (vm_position(s.m->vm) <= at + n)
			break; /* the guest stopped */
		p = vm_position(s.m->vm);
		snprintf(line, sizeof line, "reverse-step %llu", (unsigned long long)n);
		cmd(&s, line);
		q = vm_position(s.m->vm);
		snprintf(ctx, sizeof ctx, "%s: %s from step %llu (to %llu)", name, line,
			 (unsigned long long)p, (unsigned long long)q);
		cr_assert_lt(q, p, "%s", ctx);
		f = fresh_at(c, q);
		cr_assert_eq(vm_position(f), q, "%s: a fresh run cannot stop there", ctx);
		st_expect_same(f, s.m->vm, ctx);
		for (uint64_t k = 0; k < n; k++)
			vm_step(f);
		cr_expect_eq(vm_position(f), p, "%s: %llu steps on from there is %llu", ctx,
			     (unsigned long long)n, (unsigned long long)vm_position(f));
		vm_destroy(f);
		at = vm_position(s.m->vm);
	}
	stop(&s);
}

Test(mon_reverse, steps_back_exactly_bare) { reverse_steps_exact("bare"); }
Test(mon_reverse, steps_back_exactly_trap) { reverse_steps_exact("trap"); }
Test(mon_reverse, steps_back_exactly_emulate) { reverse_steps_exact("emulate"); }
Test(mon_reverse, steps_back_exactly_hybrid) { reverse_steps_exact("hybrid"); }
Test(mon_reverse, steps_back_exactly_patch) { reverse_steps_exact("patch"); }
Test(mon_reverse, steps_back_exactly_bt) { reverse_steps_exact("bt"); }
Test(mon_reverse, steps_back_exactly_hw) { reverse_steps_exact("hw"); }
Test(mon_reverse, steps_back_exactly_pv) { reverse_steps_exact("pv"); }
Test(mon_reverse, steps_back_exactly_shadow_paging) { reverse_steps_exact("paged-trap"); }
Test(mon_reverse, steps_back_exactly_nested_paging) { reverse_steps_exact("paged-hw-modern"); }
Test(mon_reverse, steps_back_exactly_direct_paging) { reverse_steps_exact("paged-pv"); }

/* reverse-continue: back to the previous breakpoint hit, then the one
 * before, then (none before) the start; each as a fresh run has it. */
static void reverse_continue_to_breakpoints(const char *name)
{
	const struct st_config *c = st_config(name);
	struct session s;
	uint64_t hit[3];
	char ctx[160];

	start(&s, c);
	expect_in(cmd(&s, "break kprintf"), "breakpoint 1 at", name);
	for (int i = 0; i < 3; i++) {
		expect_in(cmd(&s, "continue"), "breakpoint 1, ", name);
		hit[i] = vm_position(s.m->vm);
	}
	for (int i = 1; i >= 0; i--) {
		struct vm *f = fresh_at(c, hit[i]);
		snprintf(ctx, sizeof ctx, "%s: reverse-continue to hit %d", name, i + 1);
		expect_in(cmd(&s, "reverse-continue"), "breakpoint 1, ", ctx);
		cr_expect_eq(vm_position(s.m->vm), hit[i], "%s: at %llu", ctx,
			     (unsigned long long)vm_position(s.m->vm));
		st_expect_same(f, s.m->vm, ctx);
		vm_destroy(f);
	}
	expect_in(cmd(&s, "reverse-continue"), "start", name);
	cr_expect_eq(vm_position(s.m->vm), 0);
	expect_in(cmd(&s, "reverse-step"), "at the start of the run: no instruction has run yet", name);
	/* Forward again: the same hits at the same steps. */
	for (int i = 0; i < 3; i++) {
		cmd(&s, "continue");
		cr_expect_eq(vm_position(s.m->vm), hit[i], "%s: forward again, hit %d", name, i + 1);
	}
	stop(&s);
}

Test(mon_reverse, continue_back_to_breakpoints_trap) { reverse_continue_to_breakpoints("trap"); }
Test(mon_reverse, continue_back_to_breakpoints_bt) { reverse_continue_to_breakpoints("bt"); }
Test(mon_reverse, continue_back_to_breakpoints_hw) { reverse_continue_to_breakpoints("hw"); }
Test(mon_reverse, continue_back_to_breakpoints_pv) { reverse_continue_to_breakpoints("pv"); }

/* reverse-until-exit: the step after each exit, as until-exit found them. */
static void reverse_until_exit(const char *name)
{
	const struct st_config *c = st_config(name);
	struct session s;
	uint64_t at[4];

	start(&s, c);
	vm_run(s.m->vm, 50000);
	for (int i = 0; i < 4; i++) {
		cmd(&s, "until-exit");
		at[i] = vm_position(s.m->vm);
	}
	for (int i = 2; i >= 0; i--) {
		struct vm *f = fresh_at(c, at[i]);
		expect_in(cmd(&s, "reverse-until-exit"), "back to: [", name);
		cr_expect_eq(vm_position(s.m->vm), at[i], "%s: back to exit %d at %llu, not %llu", name,
			     i, (unsigned long long)at[i], (unsigned long long)vm_position(s.m->vm));
		st_expect_same(f, s.m->vm, name);
		vm_destroy(f);
	}
	stop(&s);
}

Test(mon_reverse, until_exit_back_trap) { reverse_until_exit("trap"); }
Test(mon_reverse, until_exit_back_hw) { reverse_until_exit("hw"); }
Test(mon_reverse, until_exit_back_pv) { reverse_until_exit("pv"); }
Test(mon_reverse, until_exit_back_shadow_paging) { reverse_until_exit("paged-trap"); }

/* reverse-next steps back over a call whole: from just after boot's first
 * call to kprintf, back to the call itself. */
Test(mon_reverse, next_back_over_a_call)
{
	const struct st_config *c = st_config("trap");
	struct session s;
	uint64_t before, after;

	start(&s, c);
	cmd(&s, "break kprintf");
	cmd(&s, "continue");
	cmd(&s, "finish"); /* back in boot, after the call */
	cmd(&s, "delete");
	cmd(&s, "reverse-step"); /* onto kprintf's ret */
	cmd(&s, "step");
	after = vm_position(s.m->vm);
	expect_in(cmd(&s, "reverse-next"), "jal", "reverse-next lands on the call");
	before = vm_position(s.m->vm);
	cr_expect_gt(after - before, 50, "only %llu steps back over kprintf",
		     (unsigned long long)(after - before));
	expect_in(cmd(&s, "next"), "", "");
	cr_expect_eq(vm_position(s.m->vm), after, "next from the call returns where it was");
	stop(&s);
}

/* Console input typed to the monitor (no --input): going back before it
 * and forward again gives it again, at the same step. */
Test(mon_reverse, typed_input_given_again)
{
	struct st_config c = *st_config("echo-trap");
	struct session s;
	struct snap_buf end = { 0 };
	struct vm *e;
	enum mon_why w;

	c.input = NULL;
	start(&s, &c);
	cmd(&s, "continue");
	cr_assert(mon_stopped(s.m, &w) && w == MON_IDLE, "the echo guest waits for input");
	mon_feed_console(s.m, "abc\n", 4);
	cmd(&s, "continue");
	mon_feed_console(s.m, "\x04", 1);
	cmd(&s, "continue");
	st_save(s.m->vm, &end);
	e = st_restore(end.p, end.len);
	expect_in(cmd(&s, "reverse-step 3000"), "=> ", "back");
	cr_assert_lt(vm_position(s.m->vm), vm_position(e));
	cmd(&s, "continue");
	cmd(&s, "continue");
	st_expect_same(e, s.m->vm, "forward again after going back before the input");
	vm_destroy(e);
	snap_buf_free(&end);
	stop(&s);
}

Test(mon_reverse, off_with_history_zero)
{
	struct session s;
	char err[160];

	start(&s, st_config("trap"));
	cr_assert(mon_history(s.m, 0, err, sizeof err));
	cmd(&s, "step 10");
	expect_in(cmd(&s, "reverse-step"), "reverse execution is off", "history 0");
	cr_expect_eq(mon_execute(s.m, "reverse-continue", stderr, NULL, NULL), MON_ERROR);
	stop(&s);
}

/* ---- watchpoints ----------------------------------------------------------- */

/* A store, a load and the disk's DMA, in every mode: each hit names its
 * maker, stops just after the access, and reverse-continue goes back to
 * the one before. */
static void watchpoints_hit(const char *name)
{
	/* The buffer the kernel reads the disk through (the paged PV kernel's
	 * PV kernels' block front end has its own). */
	const char *buf = strstr(name, "pv") ? "watch -l 8 blk_buf" : "watch -l 8 sector_buf";
	const struct st_config *c = st_config(name);
	struct session s;
	uint64_t first;
	const char *t;

	start(&s, c);
	expect_in(cmd(&s, "rwatch booted"), "watchpoint 1: rwatch", name);
	t = cmd(&s, "continue");
	expect_in(t, "read by the guest's ldw r1, booted(r0) at 0x00000000 <boot>", name);
	cr_expect_eq(vm_pc(s.m->vm), 4, "%s: stopped after the load", name);
	cmd(&s, "delete 1");
	expect_in(cmd(&s, "watch booted"), "watchpoint 2: watch", name);
	t = cmd(&s, "continue");
	expect_in(t, "written by the guest's stw", name);
	expect_in(t, "0x00000000 -> 0x00000001", name);
	first = vm_position(s.m->vm);
	cmd(&s, "delete");
	expect_in(cmd(&s, buf), "8 bytes", name);
	t = cmd(&s, "continue");
	expect_in(t, "written by the disk's DMA (sector ", name);
	cmd(&s, "watch booted");
	expect_in(cmd(&s, "reverse-continue"), "written by the guest's stw", name);
	cr_expect_eq(vm_position(s.m->vm), first, "%s: back to the store", name);
	stop(&s);
}

Test(mon_reverse, watch_bare) { watchpoints_hit("bare"); }
Test(mon_reverse, watch_emulate) { watchpoints_hit("emulate"); }
Test(mon_reverse, watch_trap) { watchpoints_hit("trap"); }
Test(mon_reverse, watch_hybrid) { watchpoints_hit("hybrid"); }
Test(mon_reverse, watch_patch) { watchpoints_hit("patch"); }
Test(mon_reverse, watch_bt) { watchpoints_hit("bt"); }
Test(mon_reverse, watch_hw) { watchpoints_hit("hw"); }
Test(mon_reverse, watch_pv) { watchpoints_hit("pv"); }
Test(mon_reverse, watch_shadow_paging) { watchpoints_hit("paged-trap"); }
Test(mon_reverse, watch_nested_paging) { watchpoints_hit("paged-hw-modern"); }
Test(mon_reverse, watch_direct_paging) { watchpoints_hit("paged-pv"); }

/* Code patching rewrites a kernel word: a physical watchpoint on it says
 * the VMM did it. The word is one a whole run finds patched. */
Test(mon_reverse, watch_sees_the_vmm_patch_code)
{
	const struct st_config *c = st_config("patch");
	struct vm *vm = st_vm(c);
	struct session s;
	uint32_t patched = 0;
	char line[64];

	st_finish(vm);
	start(&s, c);
	for (int k = 0; k < s.img.nsegs && !patched; k++) {
		const struct image_seg *g = &s.img.segs[k];
		for (uint32_t a = 0; a + 4 <= g->size && !patched; a += 4)
			if (memcmp(vm_memory(vm)->bytes + g->addr + a, g->data + a, 4))
				patched = g->addr + a;
	}
	cr_assert(patched, "no kernel word was patched in a whole run");
	snprintf(line, sizeof line, "watch -p 0x%x", patched);
	cmd(&s, line);
	expect_in(cmd(&s, "continue"), "written by the VMM, patching kernel code", "patch");
	vm_destroy(vm);
	stop(&s);
}

/* A condition: the write that makes the word 1 stops; 'if' alone does not. */
Test(mon_reverse, watch_condition)
{
	struct session s;

	start(&s, st_config("trap"));
	expect_in(cmd(&s, "watch booted if *booted == 2"), "if *booted == 2", "cond");
	expect_in(cmd(&s, "continue"), "halted", "the condition never holds");
	cmd(&s, "restart");
	cmd(&s, "delete");
	expect_in(cmd(&s, "watch booted if *booted == 1"), "watchpoint", "cond");
	expect_in(cmd(&s, "continue"), "0x00000000 -> 0x00000001", "the condition holds");
	expect_in(cmd(&s, "watch booted if"), "error: 'if' without a condition", "bad");
	expect_in(cmd(&s, "watch -l 0 booted"), "error: -l takes a length", "bad");
	expect_in(cmd(&s, "watch -l 300 booted"), "error: -l takes a length", "bad");
	expect_in(cmd(&s, "watch -p 0xfffffff0"), "error: ", "bad");
	expect_in(cmd(&s, "watch"), "error: watch what?", "bad");
	expect_in(cmd(&s, "watch nosuchsymbol"), "error: ", "bad");
	stop(&s);
}

/* ---- finish, backtrace, display, set, info vcpu ------------------------------- */

Test(mon_reverse, finish_backtrace_display_set)
{
	struct session s;
	const char *t;
	uint32_t ret;

	start(&s, st_config("trap"));
	cmd(&s, "break format");
	cmd(&s, "continue"); /* kprintf called format */
	cmd(&s, "step 3");
	t = cmd(&s, "backtrace");
	expect_in(t, "#0  ", "bt");
	expect_in(t, "<format", "bt");
	expect_in(t, "#1  ", "bt");
	expect_in(t, "<kprintf", "bt");
	cr_assert(sscanf(strstr(t, "returns to 0x"), "returns to 0x%x", &ret) == 1);
	cmd(&s, "delete");
	t = cmd(&s, "finish");
	cr_expect_eq(vm_pc(s.m->vm), ret, "finish stops where backtrace said: %s", t);
	expect_in(cmd(&s, "display $r1 + 1"), "1: $r1 + 1 = ", "display");
	expect_in(cmd(&s, "step"), "1: $r1 + 1 = ", "display after a stop");
	cmd(&s, "undisplay 1");
	cr_expect(!strstr(cmd(&s, "step"), "$r1 + 1"));
	expect_in(cmd(&s, "set *booted = 0x1234"), "*0x", "set");
	expect_in(cmd(&s, "x/1xw booted"), "0x00001234", "set wrote");
	expect_in(cmd(&s, "set *booted+1 = 5"), "error: ", "misaligned");
	expect_in(cmd(&s, "set *0x7ffffffc = 5"), "error: ", "outside");
	/* The write is an input: going back before it and forward again keeps it. */
	cmd(&s, "step 5");
	cmd(&s, "reverse-step 20");
	cmd(&s, "step 20");
	expect_in(cmd(&s, "x/1xw booted"), "0x00001234", "set replayed");
	t = cmd(&s, "info vcpu");
	expect_in(t, "virtual CPU (trap mode", "vcpu");
	expect_in(t, "traps entered by cause", "vcpu");
	expect_in(cmd(&s, "info history"), "checkpoints", "history");
	expect_in(cmd(&s, "undisplay 7"), "error: no display number", "undisplay");
	stop(&s);
}
