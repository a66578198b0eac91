/*
 * tools/mon/mon_cmd.c: the monitor's command language, parsed and executed.
 * Owns: the table of commands (names, aliases, help), resolving a word by
 *       exact name, alias or unambiguous prefix, each command's arguments,
 *       and the report after a run (console output, why it stopped, where).
 * Not:  terminals (mon.c reads lines, with readline or without); run control
 *       (mon_core.c); displays (mon_show.c); the commands on the VM as a
 *       whole and on a host's VMs (mon_cmd_vm.c). Never reads stdin: a fuzzer or
 *       a test calls mon_execute with any line it likes.
 * Implements: gdb's vocabulary where it fits a machine with no source
 *       lines: step, next, continue, break, x/FMT, info registers.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mon_cmd.h"
#include "runopts.h"

typedef enum mon_status (*handler_fn)(struct call *c);

struct command {
	const char *name, *alias;
	handler_fn run;
	const char *usage, *help;
};

/* An optional count argument: absent means 1. Too large a number is
 * refused as such, never wrapped (18014398509481985K is not 1024). */
static bool parse_count(struct call *c, uint64_t *n)
{
	char word[64];
	size_t len = strcspn(c->args, " \t");

	*n = 1;
	if (!*c->args)
		return true;
	snprintf(word, sizeof word, "%.*s", (int)len, c->args);
	switch (len < sizeof word && !c->args[len + strspn(c->args + len, " \t")]
			? runopt_count(word, MON_MAX_COUNT, n) : NUM_BAD) {
	case NUM_OK:
		if (*n > 0)
			return true;
		/* fall through */
	case NUM_BAD:
		error(c, "'%s' is not a positive count", c->args);
		return false;
	default:
		error(c, "'%s' is too large a count", c->args);
		return false;
	}
}

/* ---- after a run -------------------------------------------------------- */

static void show_console(struct call *c)
{
	size_t len;
	const char *text = mon_console_new(c->m, &len);

	if (!len)
		return;
	fwrite(text, 1, len, c->out);
	if (text[len - 1] != '\n')
		fputc('\n', c->out); /* the monitor's own words start a line */
}

static void show_events(struct call *c, uint64_t first)
{
	enum { SHOW = 4 };
	uint64_t n = c->m->nevents - first;
	char text[256];

	if (n > SHOW)
		fprintf(c->out, "(%llu traps and exits before these; 'info exits' counts them)\n",
			(unsigned long long)(n - SHOW));
	for (uint64_t i = n > SHOW ? SHOW : n; i-- > 0;) {
		mon_event_text(c->m, mon_event(c->m, i), text, sizeof text);
		fprintf(c->out, "[%s]\n", text);
	}
}

static void report(struct call *c, const struct mon_stop *st)
{
	struct mon *m = c->m;
	char where[96];
	uint32_t code = 0;

	show_console(c);
	show_events(c, st->first_event);
	switch (st->why) {
	case MON_AT_BREAK:
		mon_where(m, vm_pc(m->vm), where, sizeof where);
		fprintf(c->out, "breakpoint %u, 0x%08x%s%s", st->brk->id, vm_pc(m->vm),
			where[0] ? " " : "", where);
		if (st->brk->gpa != vm_pc(m->vm)) {
			/* A label of code that runs in user mode: the image names its
			 * physical address; the pc is its virtual one. */
			const struct image_sym *s = image_symbol_at(m->img, st->brk->gpa);
			fprintf(c->out, " (user mode: addresses are virtual; this is guest-physical "
				"0x%08x%s%s%s, relocated by base 0x%08x)", st->brk->gpa, s ? " <" : "",
				s ? s->name : "", s ? ">" : "", vm_sreg(m->vm, SR_base));
		}
		fputc('\n', c->out);
		break;
	case MON_HALTED:
		vm_halted(m->vm, &code);
		fprintf(c->out, "the guest halted with code %u after %llu instruction%s\n", code,
			(unsigned long long)vm_retired(m->vm), vm_retired(m->vm) == 1 ? "" : "s");
		return;
	case MON_FAULT:
		fprintf(c->out, "triple fault: the trap vector faulted three times in a row\n");
		return;
	case MON_IDLE:
		fprintf(c->out, "the guest is idle: it waits (wfi) for an interrupt that can never "
			"come\n");
		break;
	case MON_AT_LIMIT:
		fprintf(c->out, "step limit reached after %llu instruction%s\n",
			(unsigned long long)vm_retired(m->vm), vm_retired(m->vm) == 1 ? "" : "s");
		break;
	case MON_INTERRUPTED:
		fprintf(c->out, "interrupted after %llu instruction%s\n",
			(unsigned long long)st->retired, st->retired == 1 ? "" : "s");
		break;
	case MON_AT_WATCH: {
		char text[400];
		mon_watch_hit_text(m, &m->hit, text, sizeof text);
		fprintf(c->out, "%s\n", text);
		break;
	}
	case MON_AT_START:
		fprintf(c->out, "%s\n", m->hist_err[0] ? m->hist_err
			: "no earlier point stops there: at the start of the recorded past");
		m->hist_err[0] = 0;
		break;
	case MON_NO_PAST:
		fprintf(c->out, "error: reverse execution is off: %s\n", m->hist_err);
		return;
	case MON_NO_FRAME:
		fprintf(c->out, "error: finish: the pc is in no function of the image whose return "
			"address can be found (backtrace shows the frames)\n");
		return;
	default:
		break;
	}
	mon_show_location(m, c->out);
	mon_show_displays(m, c->out);
}

/* A run command's argument: a count (N), or none at all. */
static bool run_args(struct call *c, bool counted, uint64_t *n)
{
	*n = 1;
	if (counted)
		return parse_count(c, n);
	if (*c->args)
		error(c, "'%s': this command takes no argument", c->args);
	return !*c->args;
}

static enum mon_status run(struct call *c, enum mon_goal goal, bool counted)
{
	uint64_t n;
	struct mon_stop st;

	if (!run_args(c, counted, &n))
		return MON_ERROR;
	st = mon_run(c->m, goal, n, c->poll, c->ctx);
	report(c, &st);
	return MON_OK;
}

/* A reverse command: going back, then what a forward stop reports. */
static enum mon_status reverse(struct call *c, enum mon_reverse goal, bool counted)
{
	uint64_t n;
	struct mon_stop st;

	if (!run_args(c, counted, &n))
		return MON_ERROR;
	st = mon_reverse(c->m, goal, n);
	/* The console as it was there: nothing new to show (what is printed
	 * again going forward is shown again). */
	c->m->console_shown = SIZE_MAX;
	if (st.why == MON_AT_EVENT && mon_event(c->m, 0)) {
		char text[256];
		mon_event_text(c->m, mon_event(c->m, 0), text, sizeof text);
		fprintf(c->out, "back to: [%s]\n", text);
	}
	report(c, &st);
	return st.why == MON_NO_PAST ? MON_ERROR : MON_OK;
}

static enum mon_status do_rstep(struct call *c) { return reverse(c, MON_RSTEP, true); }
static enum mon_status do_rnext(struct call *c) { return reverse(c, MON_RNEXT, true); }
static enum mon_status do_rcontinue(struct call *c) { return reverse(c, MON_RCONTINUE, false); }
static enum mon_status do_runtil_exit(struct call *c) { return reverse(c, MON_REXIT, true); }

static enum mon_status do_finish(struct call *c)
{
	struct mon_stop st;
	uint64_t n;

	if (!run_args(c, false, &n))
		return MON_ERROR;
	st = mon_finish(c->m, c->poll, c->ctx);
	report(c, &st);
	return st.why == MON_NO_FRAME ? MON_ERROR : MON_OK;
}

static enum mon_status do_step(struct call *c) { return run(c, MON_STEP, true); }
static enum mon_status do_next(struct call *c) { return run(c, MON_NEXT, true); }
static enum mon_status do_continue(struct call *c) { return run(c, MON_CONTINUE, false); }
static enum mon_status do_until_exit(struct call *c) { return run(c, MON_EXIT, true); }

/* ---- breakpoints and values --------------------------------------------- */

/* The address argument, or the pc when there is none. */
static bool address(struct call *c, uint32_t *va)
{
	char err[160];

	if (!*c->args) {
		*va = vm_pc(c->m->vm);
		return true;
	}
	if (mon_eval(c->m, c->args, va, err, sizeof err))
		return true;
	error(c, "%s", err);
	return false;
}

static enum mon_status do_break(struct call *c)
{
	const struct mon_break *b;
	uint32_t va;
	char err[160], where[96];

	if (!address(c, &va))
		return MON_ERROR;
	if (!mon_break_add(c->m, va, &b, err, sizeof err))
		return error(c, "%s", err);
	mon_where(c->m, va, where, sizeof where);
	fprintf(c->out, "breakpoint %u at 0x%08x%s%s", b->id, va, where[0] ? " " : "", where);
	if (b->gpa != va)
		fprintf(c->out, " (guest-physical 0x%08x)", b->gpa);
	fputc('\n', c->out);
	if (b->gpa != va)
		fprintf(c->out, "note: the guest is in user mode, where addresses are virtual: "
			"0x%08x is relocated by base 0x%08x; the breakpoint is on the physical word, "
			"and the image's symbols are physical (kernel) addresses\n", va,
			vm_sreg(c->m->vm, SR_base));
	return MON_OK;
}

static enum mon_status do_delete(struct call *c)
{
	uint64_t id = 0;

	bool b, w;

	if (*c->args && !parse_count(c, &id))
		return MON_ERROR;
	if (id > UINT32_MAX)
		return error(c, "no breakpoint or watchpoint number %s", c->args);
	b = mon_break_delete(c->m, (unsigned)id) && id;
	w = mon_watch_delete(c->m, (unsigned)id);
	if (id && !b && !w)
		return error(c, "no breakpoint or watchpoint number %s", c->args);
	if (id)
		fprintf(c->out, "deleted %s %llu\n", w ? "watchpoint" : "breakpoint",
			(unsigned long long)id);
	else
		fprintf(c->out, "deleted all breakpoints and watchpoints\n");
	return MON_OK;
}

/* watch, rwatch, awatch [-p] [-l LEN] ADDR [if COND] */
static enum mon_status add_watch(struct call *c, enum mon_watch_kind kind)
{
	const struct mon_watch *w;
	char expr[256], err[200], where[96];
	const char *p = c->args, *cond = NULL, *at;
	uint64_t len = 4;
	uint32_t addr;
	bool phys = false;

	for (;;) {
		if (!strcmp(p, "-p") || !strcmp(p, "-l"))
			return error(c, "%s", "watch what? [-p] [-l LEN] ADDR [if COND]");
		if (!strncmp(p, "-p", 2) && (p[2] == ' ' || p[2] == '\t')) {
			phys = true;
			p += 2 + strspn(p + 2, " \t");
		} else if (!strncmp(p, "-l", 2) && (p[2] == ' ' || p[2] == '\t')) {
			char word[32];
			int n = 0;
			p += 2 + strspn(p + 2, " \t");
			if (sscanf(p, "%31s%n", word, &n) != 1 || runopt_count(word, MON_WATCH_MAX_LEN, &len)
			    != NUM_OK || !len)
				return error(c, "-l takes a length of 1 to %s bytes", "256");
			p += n + strspn(p + n, " \t");
		} else {
			break;
		}
	}
	snprintf(expr, sizeof expr, "%s", p);
	/* " if COND" ends the address */
	for (at = expr; (at = strstr(at, "if")); at++)
		if (at > expr && (at[-1] == ' ' || at[-1] == '\t') &&
		    (at[2] == ' ' || at[2] == '\t' || !at[2])) {
			cond = p + (at - expr) + 2;
			cond += strspn(cond, " \t");
			expr[at - expr] = 0;
			break;
		}
	if (!expr[strspn(expr, " \t")])
		return error(c, "%s", "watch what? [-p] [-l LEN] ADDR [if COND]");
	if (cond && !*cond)
		return error(c, "%s", "'if' without a condition");
	if (!mon_eval(c->m, expr, &addr, err, sizeof err))
		return error(c, "%s", err);
	if (cond && !mon_eval_value(c->m, cond, &(uint32_t){ 0 }, err, sizeof err))
		return error(c, "the condition: %s", err);
	if (!mon_watch_add(c->m, kind, addr, (uint32_t)len, phys, cond, &w, err, sizeof err))
		return error(c, "%s", err);
	mon_where(c->m, addr, where, sizeof where);
	fprintf(c->out, "watchpoint %u: %s %s0x%08x%s%s, %u byte%s", w->id, mon_watch_kind_name(kind),
		phys ? "physical " : "", addr, where[0] && !phys ? " " : "", phys ? "" : where, w->len,
		w->len == 1 ? "" : "s");
	if (!phys && w->gpa != addr)
		fprintf(c->out, " (guest-physical 0x%08x)", w->gpa);
	if (w->cond[0])
		fprintf(c->out, " if %s", w->cond);
	fprintf(c->out, "\n");
	return MON_OK;
}

static enum mon_status do_watch(struct call *c) { return add_watch(c, MON_WATCH_WRITE); }
static enum mon_status do_rwatch(struct call *c) { return add_watch(c, MON_WATCH_READ); }
static enum mon_status do_awatch(struct call *c) { return add_watch(c, MON_WATCH_ACCESS); }

static enum mon_status do_backtrace(struct call *c)
{
	struct mon_frame f[MON_MAX_FRAMES];
	int n = mon_backtrace(c->m, f, MON_MAX_FRAMES);
	char where[96];

	if (*c->args)
		return error(c, "'%s': this command takes no argument", c->args);
	if (n == 0) {
		fprintf(c->out, "#0  0x%08x  (in no function of the image: no frames to show)\n",
			vm_pc(c->m->vm));
		return MON_OK;
	}
	for (int i = 0; i < n; i++) {
		mon_where(c->m, f[i].func, where, sizeof where);
		fprintf(c->out, "#%-2d 0x%08x in %s  sp 0x%08x", i, f[i].pc, where[0] ? where : "?",
			f[i].sp);
		if (f[i].func == vm_sreg(c->m->vm, SR_tvec))
			fprintf(c->out, "  (the trap vector: entered from epc 0x%08x)",
				vm_sreg(c->m->vm, SR_epc));
		else if (f[i].ret)
			fprintf(c->out, "  returns to 0x%08x%s", f[i].ret,
				f[i].lr_in_reg ? " (in lr)" : "");
		fputc('\n', c->out);
	}
	return MON_OK;
}

/* display [EXPR]: show EXPR after every stop; alone, show them all now. */
static enum mon_status do_display(struct call *c)
{
	struct mon *m = c->m;
	uint32_t v;
	char err[160];
	int i;

	if (!*c->args) {
		mon_show_displays(m, c->out);
		return MON_OK;
	}
	if (strlen(c->args) >= sizeof m->display[0])
		return error(c, "%s", "the expression is too long");
	if (!mon_eval_value(m, c->args, &v, err, sizeof err))
		return error(c, "%s", err);
	for (i = 0; i < MON_MAX_DISPLAYS && m->display[i][0]; i++)
		;
	if (i == MON_MAX_DISPLAYS)
		return error(c, "no room for more than %s displays (undisplay N)", "8");
	snprintf(m->display[i], sizeof m->display[i], "%s", c->args);
	fprintf(c->out, "%d: %s = 0x%08x  %d\n", i + 1, m->display[i], v, (int32_t)v);
	return MON_OK;
}

static enum mon_status do_undisplay(struct call *c)
{
	uint64_t n = 0;

	if (*c->args && !parse_count(c, &n))
		return MON_ERROR;
	if (n > MON_MAX_DISPLAYS || (n && !c->m->display[n - 1][0]))
		return error(c, "no display number %s", c->args);
	for (int i = 0; i < MON_MAX_DISPLAYS; i++)
		if (!n || (uint64_t)i == n - 1)
			c->m->display[i][0] = 0;
	return MON_OK;
}

/* set *ADDR = VALUE: a word of guest memory, as the debugger writes it. */
static enum mon_status set_memory(struct call *c, const char *p)
{
	char addr_text[256], err[160];
	const char *eq = NULL;
	uint32_t va, v, gpa, gpa_end;

	/* the '=' that is no part of ==, <=, >= or != */
	for (const char *q = p; *q; q++)
		if (*q == '=' && q[1] != '=' && (q == p || !strchr("=<>!", q[-1])))
			eq = q;
	if (!eq || (size_t)(eq - p) >= sizeof addr_text)
		return error(c, "%s", "usage: set *ADDR = VALUE");
	while (eq - p > 0 && (eq[-1] == ' ' || eq[-1] == '\t') && eq - 1 > p)
		eq--;
	snprintf(addr_text, sizeof addr_text, "%.*s", (int)(eq - p), p);
	eq = strchr(eq, '=');
	if (!mon_eval(c->m, addr_text, &va, err, sizeof err))
		return error(c, "%s", err);
	if (!mon_eval(c->m, eq + 1, &v, err, sizeof err))
		return error(c, "%s", err);
	if (va & 3)
		return error(c, "%s is not a word's address (a multiple of 4)", addr_text);
	if (!vm_translate(c->m->vm, va, &gpa) || !vm_translate(c->m->vm, va + 3, &gpa_end) ||
	    gpa_end != gpa + 3 || !vm_load(c->m->vm, gpa, &v, 4))
		return error(c, "%s is outside the guest's memory", addr_text);
	mon_watch_resync(c->m); /* the debugger's own write is no watchpoint's hit */
	fprintf(c->out, "*0x%08x = 0x%08x\n", va, v);
	return MON_OK;
}

static enum mon_status do_print(struct call *c)
{
	uint32_t v;
	char err[160];

	if (!*c->args)
		return error(c, "%s", "print what? (an expression: 8*4+$sp, kprintf+8, -1 >> 4)");
	if (!mon_eval(c->m, c->args, &v, err, sizeof err))
		return error(c, "%s", err);
	fprintf(c->out, "0x%08x  unsigned %u  signed %d\n", v, v, (int32_t)v);
	return MON_OK;
}

static enum mon_status do_set(struct call *c)
{
	char name[32], rest[160];
	const char *p = c->args;
	uint32_t v;
	int r, n = 0;

	if (*p == '*')
		return set_memory(c, p + 1);
	if (!strncmp(p, "reg ", 4) || !strncmp(p, "reg\t", 4))
		p += 4;
	if (sscanf(p, " %31[^ \t=] %n", name, &n) != 1 || !p[n])
		return error(c, "%s", "usage: set reg NAME VALUE, or set *ADDR = VALUE");
	p += n;
	if (*p == '=')
		p++;
	snprintf(rest, sizeof rest, "%s", p);
	r = mon_reg_parse(name);
	if (r < 0)
		return error(c, "no register '%s'", name);
	if (!mon_reg_settable(r))
		return error(c, "'%s' cannot be set (it reads what the machine is: r0 is 0, memsize "
			     "its memory, ipend its interrupt lines)", name);
	if (!mon_eval(c->m, rest, &v, name, sizeof name))
		return error(c, "%s", name);
	/* Through the monitor's door (vmm.h): under a VMM this is the guest's
	 * virtual CPU, as a debugger attached to the VM would change it. */
	if (r == MON_REG_PC)
		vm_set_pc(c->m->vm, v);
	else if (r == MON_REG_PSW)
		vm_set_psw(c->m->vm, v);
	else if (r >= MON_REG_SR0)
		vm_set_sreg(c->m->vm, (unsigned)(r - MON_REG_SR0), v);
	else
		vm_set_reg(c->m->vm, (unsigned)r, v);
	fprintf(c->out, "%s = 0x%08x\n", mon_reg_name(r), mon_reg_read(c->m, r));
	return MON_OK;
}

/* ---- displays ----------------------------------------------------------- */

static enum mon_status info_registers(struct call *c, const char *names)
{
	char name[32];
	int n;

	if (!*names) {
		mon_show_registers(c->m, c->out);
		return MON_OK;
	}
	while (sscanf(names, " %31s%n", name, &n) == 1) {
		int r = mon_reg_parse(name);
		uint32_t v;
		if (r < 0)
			return error(c, "no register '%s'", name);
		v = mon_reg_read(c->m, r);
		fprintf(c->out, "%-8s 0x%08x %u\n", mon_reg_name(r), v, v);
		names += n;
	}
	return MON_OK;
}

static enum mon_status do_info(struct call *c)
{
	static const char *const what[] = { "registers", "exits", "breakpoints", "tlb", "pagetable",
					    "vms", "vcpu", "watchpoints", "history", "net" };
	char word[32] = "", err[128];
	int n = 0, found = -1;
	uint32_t va;

	sscanf(c->args, "%31s%n", word, &n);
	for (int i = 0; i < (int)(sizeof what / sizeof what[0]) && word[0]; i++) {
		if (!strncmp(what[i], word, strlen(word))) {
			if (found >= 0)
				return error(c, "ambiguous 'info %s'", word);
			found = i;
		}
	}
	if (found < 0)
		return error(c, "%s", "info what? registers, exits, breakpoints, tlb, pagetable, vms, "
			     "vcpu, watchpoints, history or net");
	if (found == 0)
		return info_registers(c, c->args + n);
	if (found == 4) {
		if (!mon_eval(c->m, c->args + n, &va, err, sizeof err))
			return error(c, "info pagetable ADDR: %s", err);
		mon_show_pagetable(c->m, va, c->out);
		return MON_OK;
	}
	if (found == 1)
		mon_show_exits(c->m, c->out);
	else if (found == 2)
		mon_show_breaks(c->m, c->out);
	else if (found == 3)
		mon_show_tlb(c->m, c->out);
	else if (found == 6)
		mon_show_vcpu(c->m, c->out);
	else if (found == 7)
		mon_show_watches(c->m, c->out);
	else if (found == 8)
		mon_show_history(c->m, c->out);
	else if (found == 9)
		mon_show_net(c->m, c->out);
	else if (!c->m->host)
		return error(c, "%s", "no host: one VM only (trapeze mon --host CONFIG runs several)");
	else
		mon_show_vms(c->m, c->out);
	return MON_OK;
}

/* x/NFMT: N units; FMT letters from x d u c s i (format) and b h w (size). */
static enum mon_status do_examine(struct call *c)
{
	struct mon *m = c->m;
	const char *f = c->suffix;
	unsigned count = 1;
	uint32_t va = m->x_next;
	char err[160];

	if (isdigit((unsigned char)*f)) {
		char *end;
		unsigned long n = strtoul(f, &end, 10);
		count = n > 4096 ? 0 : (unsigned)n; /* refused below, never wrapped */
		f = end;
	}
	for (; *f; f++) {
		if (strchr("xducsi", *f))
			m->x_fmt = *f;
		else if (strchr("bhw", *f))
			m->x_size = *f;
		else
			return error(c, "unknown format letter '%s' "
				     "(formats x d u c s i, sizes b h w)",
				     (char[]){ *f, 0 });
	}
	if (count == 0 || count > 4096)
		return error(c, "%s", "a count from 1 to 4096");
	if (*c->args && !mon_eval(m, c->args, &va, err, sizeof err))
		return error(c, "%s", err);
	m->x_count = count;
	return mon_examine(m, va, count, m->x_fmt, m->x_size, c->out) ? MON_OK : MON_ERROR;
}

static enum mon_status do_disassemble(struct call *c)
{
	char expr[160], cnt[64] = "", err[160];
	uint32_t va = vm_pc(c->m->vm), start;
	unsigned count = 0;
	uint64_t n;

	if (sscanf(c->args, "%159s %63s", expr, cnt) >= 1 &&
	    !mon_eval(c->m, expr, &va, err, sizeof err))
		return error(c, "%s", err);
	if (cnt[0]) {
		enum runopt_number k = runopt_count(cnt, 4096, &n);
		if (k != NUM_OK || n == 0)
			return error(c, k == NUM_TOO_LARGE ? "'%s' is too large a count (at most 4096)"
							  : "'%s' is not a positive count", cnt);
		count = (unsigned)n;
	}
	if (count)
		return mon_disassemble(c->m, va, count, c->out) ? MON_OK : MON_ERROR;
	count = mon_function_extent(c->m, va, &start);
	fprintf(c->out, "from 0x%08x, %u instructions:\n", start, count);
	return mon_disassemble(c->m, start, count, c->out) ? MON_OK : MON_ERROR;
}

static enum mon_status do_stats(struct call *c)
{
	mon_show_stats(c->m, c->out);
	return MON_OK;
}

static enum mon_status do_help(struct call *c);

static enum mon_status do_quit(struct call *c)
{
	(void)c;
	return MON_QUIT;
}

/* The commands, in the order help lists them. */
static const struct command commands[] = {
	{ "step", "s", do_step, "step [N]",
	  "Run N (default 1) single steps: each retires one guest instruction, or\n"
	  "enters a trap or interrupt (the pc is then at the trap vector)." },
	{ "stepi", "si", do_step, "stepi [N]",
	  "The same as step: every line here is an instruction." },
	{ "next", "n", do_next, "next [N]",
	  "Like step, but a call (jal, jalr) runs until it returns." },
	{ "continue", "c", do_continue, "continue", "Run until a breakpoint, or the guest stops." },
	{ "until-exit", "ue", do_until_exit, "until-exit [N]",
	  "Run until the next trap or VM exit (the Nth), and say what the VMM did." },
	{ "reverse-step", "rs", do_rstep, "reverse-step [N]",
	  "Go back N single steps (the last breakpoint on the way stops it): the\n"
	  "whole machine as it was there, the VMM's statistics and devices included." },
	{ "reverse-next", "rn", do_rnext, "reverse-next [N]",
	  "Like reverse-step, but a call stepped back over is gone back over whole." },
	{ "reverse-continue", "rc", do_rcontinue, "reverse-continue",
	  "Go back to the last point a breakpoint or watchpoint stopped at (or the start)." },
	{ "reverse-until-exit", "rue", do_runtil_exit, "reverse-until-exit [N]",
	  "Go back to the last trap or VM exit (the Nth), and say what it was." },
	{ "finish", "fin", do_finish, "finish",
	  "Run until the current function returns to its caller (its sp restored)." },
	{ "backtrace", "bt", do_backtrace, "backtrace",
	  "The call frames, read from each function's prologue (the guest OS's\n"
	  "convention: push lr first; docs/ASSEMBLY.md)." },
	{ "break", "b", do_break, "break [ADDR]",
	  "Stop when the pc reaches ADDR (default: the pc): a number, a symbol,\n"
	  "a $register, or sums of them (kprintf+8)." },
	{ "delete", "d", do_delete, "delete [N]",
	  "Delete breakpoint or watchpoint N, or all of them." },
	{ "watch", NULL, do_watch, "watch [-p] [-l LEN] ADDR [if COND]",
	  "Stop when the LEN (default 4) bytes at ADDR change, whoever changes them:\n"
	  "the guest, the VMM or the disk's DMA (the hit says which). ADDR is\n"
	  "guest-virtual in the current mode (translated now), or guest-physical with\n"
	  "-p. COND, an expression, must be non-zero at the hit. The debugger's own\n"
	  "set is no hit." },
	{ "rwatch", NULL, do_rwatch, "rwatch [-p] [-l LEN] ADDR [if COND]",
	  "Stop when the guest, the VMM or a device reads those bytes." },
	{ "awatch", NULL, do_awatch, "awatch [-p] [-l LEN] ADDR [if COND]",
	  "Stop when anything reads or writes those bytes (even the same value)." },
	{ "display", NULL, do_display, "display [EXPR]",
	  "Show EXPR's value after every stop (*ADDR: the word at ADDR); alone, show them all." },
	{ "undisplay", NULL, do_undisplay, "undisplay [N]", "Stop showing display N, or all." },
	{ "info", "i", do_info,
	  "info registers [NAME...]|exits|breakpoints|watchpoints|tlb|pagetable ADDR|vcpu|history|vms|net",
	  "registers: the guest's virtual CPU and the real CPU beside it.\n"
	  "exits: VM exits by reason and the last traps and exits, with what the VMM did.\n"
	  "tlb: the real processor's TLB: its context, counters and entries.\n"
	  "pagetable ADDR: the user address's walk, each level's entry: through the guest's\n"
	  "tables (guest virtual to guest physical to machine physical), and through\n"
	  "what the real processor walks: the shadow, or nested paging's two tables.\n"
	  "vms: on a host, every VM: its state, share of the processor, exits.\n"
	  "vcpu: the virtual CPU whole, as the VMM keeps it: registers, trap state, counters.\n"
	  "watchpoints: each watchpoint, its bytes and hits.\n"
	  "history: reverse execution's checkpoints, memory and last going back.\n"
	  "net: the network card: its queues, frames and drops, how the monitor gives it\n"
	  "(emulated, paravirtual, passthrough) and what that cost; the pv ring's indices." },
	{ "x", NULL, do_examine, "x/NFMT [ADDR]",
	  "Examine memory: N units in format x (hex), d, u (decimal), c (chars),\n"
	  "s (strings), i (instructions); sizes b, h, w. Default: where x left off." },
	{ "disassemble", NULL, do_disassemble, "disassemble [ADDR [COUNT]]",
	  "COUNT instructions from ADDR, or the function around ADDR (default: the pc)." },
	{ "print", "p", do_print, "print EXPR",
	  "The value of EXPR, in hex, unsigned and signed: numbers, symbols and\n"
	  "$registers with C's operators (* / % + - << >> < <= > >= == != & ^ |,\n"
	  "unary - ~ !, parentheses), on 32-bit words. Every ADDR is such an EXPR." },
	{ "set", NULL, do_set, "set reg NAME VALUE | set *ADDR = VALUE",
	  "Set a register of the guest's (virtual) CPU: r1-r15, pc, psw (its mode,\n"
	  "IE and flags), or a special register (tvec epc epsw cause detail base limit\n"
	  "timer scratch). VALUE is an expression. Tab offers the settable ones.\n"
	  "set *ADDR = VALUE writes the word at ADDR (guest-virtual, current mode)." },
	{ "stats", NULL, do_stats, "stats",
	  "Instructions retired, native and emulated, VM exits by reason, cycles." },
	{ "restart", NULL, mon_cmd_restart, "restart", "Start the guest again from its entry point." },
	{ "save", NULL, mon_cmd_save, "save FILE",
	  "Save the VM where it stands: CPUs, monitor, devices, memory, disk writes\n"
	  "(a snapshot: trapeze run --restore FILE resumes it, or restore here).\n"
	  "On a host: the selected VM (run --restore resumes it alone)." },
	{ "restore", NULL, mon_cmd_restore, "restore FILE",
	  "Put the VM back exactly as FILE saved it (save, trapeze run --save-at).\n"
	  "A snapshot of another machine is refused. Breakpoints stay. On a host:\n"
	  "the selected VM, from a snapshot of the same VM of a host of the same\n"
	  "config; the other VMs are untouched." },
	{ "migrate", NULL, mon_cmd_migrate, "migrate HOST:PORT",
	  "Live-migrate the VM (pre-copy, Clark et al.) to a trapeze migrate --listen\n"
	  "target, each round printed as it ends; then the target runs it and the\n"
	  "monitor ends. If the link fails the VM stays here, unharmed. On a host:\n"
	  "the selected VM, while every VM runs by the schedule during the rounds;\n"
	  "then it leaves the host, which runs on with the next VM selected." },
	{ "vm", NULL, mon_cmd_vm, "vm [N|NAME]",
	  "On a host (trapeze mon --host CONFIG): the VM the other commands act on;\n"
	  "step, continue and the rest run it alone, the others standing still." },
	{ "host", NULL, mon_cmd_host, "host [CYCLES]",
	  "On a host: run every VM by the schedule for CYCLES of the host's clock\n"
	  "(default 3000000), then show them (info vms)." },
	{ "help", "h", do_help, "help [COMMAND]", "List the commands, or describe one." },
	{ "quit", "q", do_quit, "quit", "Leave the monitor." },
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

const char *mon_command_name(int i)
{
	return i >= 0 && i < NCOMMANDS ? commands[i].name : NULL;
}

/* The command a word names: exact name, alias, or unambiguous prefix.
 * NULL with *ambiguous set when several commands start with word. */
static const struct command *lookup(const char *word, bool *ambiguous)
{
	const struct command *found = NULL;
	size_t n = strlen(word);

	*ambiguous = false;
	for (int i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, word) ||
		    (commands[i].alias && !strcmp(commands[i].alias, word)))
			return &commands[i];
	for (int i = 0; i < NCOMMANDS && n; i++) {
		if (strncmp(commands[i].name, word, n))
			continue;
		if (found) {
			*ambiguous = true;
			return NULL;
		}
		found = &commands[i];
	}
	return found;
}

static enum mon_status do_help(struct call *c)
{
	const struct command *k;
	bool ambiguous;

	if (!*c->args) {
		for (int i = 0; i < NCOMMANDS; i++) {
			const char *alias = commands[i].alias;
			fprintf(c->out, "  %-46s %s%s\n", commands[i].usage, alias ? "alias " : "",
				alias ? alias : "");
		}
		fprintf(c->out, "Commands may be shortened to any unambiguous prefix.\n");
		return MON_OK;
	}
	k = lookup(c->args, &ambiguous);
	if (!k)
		return error(c, ambiguous ? "ambiguous command '%s'" : "unknown command '%s'",
			     c->args);
	fprintf(c->out, "%s\n%s\n", k->usage, k->help);
	return MON_OK;
}

enum mon_status mon_execute(struct mon *m, const char *line, FILE *out, mon_poll_fn poll,
			    void *ctx)
{
	char word[64], suffix[64] = "", args[512];
	const struct command *k;
	struct call c = { m, args, suffix, out, poll, ctx };
	size_t n, len;
	bool ambiguous;

	line += strspn(line, " \t");
	len = strcspn(line, "\r\n");
	if (len == 0 || line[0] == '#')
		return MON_OK;
	n = strcspn(line, " \t/\r\n");
	if (n >= sizeof word || len >= sizeof args) {
		fprintf(out, "error: line too long\n");
		return MON_ERROR;
	}
	memcpy(word, line, n);
	word[n] = 0;
	line += n;
	len -= n;
	if (*line == '/') {
		size_t s = strcspn(line + 1, " \t\r\n");
		snprintf(suffix, sizeof suffix, "%.*s", (int)s, line + 1);
		line += s + 1;
		len -= s + 1;
	}
	while (len && isspace((unsigned char)line[len - 1]))
		len--;
	n = strspn(line, " \t");
	snprintf(args, sizeof args, "%.*s", (int)(len - (n < len ? n : len)), line + n);
	k = lookup(word, &ambiguous);
	if (!k)
		return error(&c, ambiguous ? "ambiguous command '%s' (help lists them)"
					   : "unknown command '%s' (help lists them)", word);
	if (suffix[0] && k->run != do_examine)
		return error(&c, "'%s' takes no /FORMAT", k->name);
	return k->run(&c);
}
