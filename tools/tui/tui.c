/*
 * tools/tui/tui.c: "trapeze tui": step a guest in a terminal user interface.
 * Owns: the command's options, the terminal (curses set up, and restored on
 *       quit, Ctrl-C and SIGTERM), the keys, questions in the status line,
 *       and running: continue in pieces, interruptible by a key, the guest
 *       console fed from the keyboard when its pane has the focus.
 * Not:  the panes (tui_draw.c); run control and breakpoints (mon_core.c).
 */
#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "runopts.h"
#include "host.h"
#include "host_session.h"
#include "tui.h"

enum {
	KEY_ESC = 27,
	KEY_CTRL_L = 12,
	REDRAW_NS = 100 * 1000 * 1000, /* redraw a running guest ten times a second */
	IDLE_WAIT_MS = 200,            /* getch's wait: how often a signal is noticed */
};

static const char usage_line[] =
	"usage: trapeze tui [--mode MODE] [--max-steps N] [--nonvirt[=LIST]] [--mem BYTES]\n"
	"                   [--disk FILE] [--input FILE] [--max-output BYTES] [--cpu NAME]\n"
	"                   [--tc-size BYTES] [--passthrough con2|net] [--balloon PAGES]\n"
	"                   [--net CABLE] [--mac ADDRESS] IMAGE\n"
	"       trapeze tui --host CONFIG\n";

static void help(const struct runopts *o)
{
	fputs(usage_line, stdout);
	fputs("\nStep a guest, bare or under a VMM, in a full-screen terminal interface: code\n"
	      "with breakpoints, the guest's virtual CPU beside the real CPU, memory, the\n"
	      "guest console, the log of traps and VM exits, statistics. Press ? inside for\n"
	      "the keys. Needs a terminal of at least 80x24; honours NO_COLOR.\n\n", stdout);
	runopt_print_mode_help(stdout);
	runopt_print_help(o, stdout);
	fputs("  --host CONFIG       a trapeze host config's VMs (trapeze host --help): the\n"
	      "                      host pane lists them; v shows the next one's virtual CPU\n"
	      "                      beside the real one, H runs them all by the schedule\n"
	      "  --help              show this help\n\n"
	      "Exit status: 0 when quit; 1 an input error; 2 a usage error (no terminal too).\n",
	      stdout);
}

/* Signal handlers can reach nothing else: set by SIGINT or SIGTERM, read
 * by the main loop and the run's poll, which then quit and restore the
 * terminal. The TUI's one mutable file-scope variable. */
static volatile sig_atomic_t quit_requested;

static void on_signal(int sig)
{
	(void)sig;
	quit_requested = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts); /* for redraw pacing only: nothing the guest sees */
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A key the guest's console takes (when its pane has the focus). */
static bool is_console_key(int ch)
{
	return (ch >= 32 && ch < 127) || ch == '\n' || ch == '\r' || ch == KEY_ENTER ||
	       ch == KEY_BACKSPACE || ch == 127 || ch == 8;
}

/* Typing for the guest is edited on a line, like a terminal in cooked mode:
 * Enter sends the line (with its newline) to the guest's console. True when
 * a line was sent. */
static bool type_key(struct tui *t, int ch)
{
	size_t n = strlen(t->line);

	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		t->line[n] = '\n';
		mon_feed_console(t->m, t->line, n + 1);
		t->line[0] = 0;
		return true;
	}
	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (n > 0)
			t->line[n - 1] = 0;
	} else if (n + 2 < sizeof t->line) {
		t->line[n] = (char)ch;
		t->line[n + 1] = 0;
	}
	return false;
}

static void resize(struct tui *t)
{
	tui_layout(t);
	clearok(curscr, TRUE);
	tui_draw(t);
}

/* ---- running ------------------------------------------------------------ */

struct poll_state {
	struct tui *t;
	uint64_t last_draw;
};

/* Between pieces of a run: keys, resizes, a redraw now and then. */
static bool poll_keys(void *ctx)
{
	struct poll_state *p = ctx;
	struct tui *t = p->t;
	int ch;

	if (quit_requested)
		return true;
	while ((ch = getch()) != ERR) {
		if (ch == KEY_RESIZE)
			tui_layout(t);
		else if (t->focus == PANE_CONSOLE && is_console_key(ch))
			type_key(t, ch); /* typing while it runs: the guest reads it */
		else
			return true;
	}
	if (now_ns() - p->last_draw > REDRAW_NS) {
		tui_draw(t);
		p->last_draw = now_ns();
	}
	return false;
}

/* The guest idles waiting for input: let the user type some. True once a
 * key went to the guest (it can run again); false when asked to stop. */
static bool wait_for_input(struct tui *t)
{
	t->focus = PANE_CONSOLE;
	t->running = false; /* the title says IDLE while it waits */
	tui_say(t, TUI_GOOD, "the guest waits for console input: type a line (Esc stops)");
	for (;;) {
		int ch;
		tui_draw(t);
		ch = getch();
		if (quit_requested)
			return false;
		if (ch == ERR)
			continue;
		if (ch == KEY_RESIZE) {
			tui_layout(t);
			continue;
		}
		if (!is_console_key(ch))
			return false;
		if (type_key(t, ch))
			return true;
	}
}

static void describe_stop(struct tui *t, const struct mon_stop *st)
{
	struct vm *vm = t->m->vm;
	char text[256], where[96];
	uint32_t code = 0;

	mon_where(t->m, vm_pc(vm), where, sizeof where);
	switch (st->why) {
	case MON_AT_BREAK:
		tui_say(t, TUI_GOOD, "breakpoint %u at %08x %s", st->brk->id, vm_pc(vm), where);
		break;
	case MON_HALTED:
		vm_halted(vm, &code);
		tui_say(t, TUI_GOOD, "the guest halted with code %u after %llu instruction%s "
			"(r restarts)", code, (unsigned long long)vm_retired(vm),
			vm_retired(vm) == 1 ? "" : "s");
		break;
	case MON_IDLE:
		tui_say(t, TUI_BAD, "idle: the guest waits for an interrupt; "
			"Tab to the console and type");
		break;
	case MON_FAULT:
		tui_say(t, TUI_BAD, "triple fault: the trap vector faulted three times in a row");
		break;
	case MON_AT_LIMIT:
		tui_say(t, TUI_BAD, "step limit reached (--max-steps)");
		break;
	case MON_INTERRUPTED:
		tui_say(t, TUI_PLAIN, "stopped after %llu instruction%s",
			(unsigned long long)st->retired, st->retired == 1 ? "" : "s");
		break;
	case MON_AT_WATCH:
		mon_watch_hit_text(t->m, &t->m->hit, text, sizeof text);
		tui_say(t, TUI_GOOD, "%s", text);
		break;
	case MON_AT_START:
		tui_say(t, TUI_BAD, "%s", t->m->hist_err[0] ? t->m->hist_err
			: "back at the start of the recorded past: nothing earlier stops there");
		t->m->hist_err[0] = 0;
		break;
	case MON_NO_PAST:
		tui_say(t, TUI_BAD, "reverse execution is off: %s", t->m->hist_err);
		break;
	case MON_NO_FRAME:
		tui_say(t, TUI_BAD, "finish: the pc is in no function whose return can be found");
		break;
	default:
		if (t->m->nevents > st->first_event) {
			/* The event in full words, or in brief when they do not fit. */
			mon_event_text(t->m, mon_event(t->m, 0), text, sizeof text);
			if ((int)strlen(text) >= COLS)
				mon_event_brief(t->m, mon_event(t->m, 0), text, sizeof text);
			tui_say(t, TUI_GOOD, "%s", text);
		} else {
			tui_say(t, TUI_PLAIN, "%s", "");
		}
		break;
	}
}

static void run(struct tui *t, enum mon_goal goal)
{
	struct poll_state p = { t, now_ns() };
	struct mon_stop st;

	for (unsigned i = 0; i < NREGS; i++)
		t->prev_r[i] = vm_reg(t->m->vm, i);
	t->prev_valid = true;
	t->running = true;
	t->cursor_on_pc = true;
	tui_say(t, TUI_PLAIN, "running: any key stops it");
	tui_draw(t);
	nodelay(stdscr, TRUE);
	st = mon_run(t->m, goal, 1, poll_keys, &p);
	while (st.why == MON_IDLE && goal == MON_CONTINUE && !quit_requested) {
		timeout(IDLE_WAIT_MS);
		if (!wait_for_input(t))
			break;
		nodelay(stdscr, TRUE);
		t->running = true;
		tui_say(t, TUI_PLAIN, "running: any key stops it");
		st = mon_run(t->m, goal, 1, poll_keys, &p);
	}
	timeout(IDLE_WAIT_MS);
	t->running = false;
	t->last_why = st.why;
	describe_stop(t, &st);
}

/* S, N, C, X: backwards. The whole machine as a fresh run has it there. */
static void reverse(struct tui *t, enum mon_reverse goal)
{
	struct mon_stop st;
	char text[256];

	tui_say(t, TUI_PLAIN, "going back...");
	tui_draw(t);
	st = mon_reverse(t->m, goal, 1);
	t->cursor_on_pc = true;
	t->prev_valid = false;
	t->last_why = st.why;
	t->m->console_shown = SIZE_MAX; /* the console as it was there: nothing new */
	if (st.why == MON_AT_EVENT && mon_event(t->m, 0)) {
		mon_event_text(t->m, mon_event(t->m, 0), text, sizeof text);
		if ((int)strlen(text) + 9 >= COLS)
			mon_event_brief(t->m, mon_event(t->m, 0), text, sizeof text);
		tui_say(t, TUI_GOOD, "back to: %s", text);
		return;
	}
	if (st.why == MON_DONE)
		tui_say(t, TUI_GOOD, "back at step %llu", (unsigned long long)vm_position(t->m->vm));
	else
		describe_stop(t, &st);
}

static void finish(struct tui *t)
{
	struct poll_state p = { t, now_ns() };
	struct mon_stop st;

	t->running = true;
	t->cursor_on_pc = true;
	tui_say(t, TUI_PLAIN, "running to the return: any key stops it");
	tui_draw(t);
	nodelay(stdscr, TRUE);
	st = mon_finish(t->m, poll_keys, &p);
	timeout(IDLE_WAIT_MS);
	t->running = false;
	t->last_why = st.why;
	describe_stop(t, &st);
}

/* ---- questions in the status line --------------------------------------- */

/* Ask in the status line; true with the answer when Enter ends it. */
static bool ask(struct tui *t, const char *question)
{
	snprintf(t->prompt, sizeof t->prompt, "%s", question);
	t->input[0] = 0;
	t->prompting = true;
	for (;;) {
		size_t n = strlen(t->input);
		int ch;
		tui_draw(t);
		ch = getch();
		if (quit_requested || ch == KEY_ESC)
			break;
		if (ch == KEY_RESIZE) {
			tui_layout(t);
		} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			t->prompting = false;
			return n > 0;
		} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n > 0) {
			t->input[n - 1] = 0;
		} else if (ch >= 32 && ch < 127 && n + 1 < sizeof t->input) {
			t->input[n] = (char)ch;
			t->input[n + 1] = 0;
		}
	}
	t->prompting = false;
	return false;
}

/* w: a watchpoint on the word at an address (its writes, whoever makes them). */
static void add_watch(struct tui *t)
{
	const struct mon_watch *w;
	uint32_t a;
	char err[200];

	if (!ask(t, "watch the word at (address, symbol, $reg): "))
		return;
	if (!mon_eval(t->m, t->input, &a, err, sizeof err) ||
	    !mon_watch_add(t->m, MON_WATCH_WRITE, a, 4, false, NULL, &w, err, sizeof err)) {
		tui_say(t, TUI_BAD, "%s", err);
		return;
	}
	tui_say(t, TUI_GOOD, "watchpoint %u on the word at %08x: c runs until it changes, C goes "
		"back to its last change", w->id, a);
}

static void go_to(struct tui *t)
{
	uint32_t a;
	char err[160];

	if (!ask(t, "go to (address, symbol, $reg): "))
		return;
	if (!mon_eval(t->m, t->input, &a, err, sizeof err)) {
		tui_say(t, TUI_BAD, "%s", err);
		return;
	}
	t->cursor = a & ~3u;
	t->cursor_on_pc = false;
	t->focus = PANE_CODE;
	tui_say(t, TUI_PLAIN, "code cursor at %08x: b sets a breakpoint there, "
		"'.' goes back to the pc", a);
}

static void memory_view(struct tui *t)
{
	uint32_t a;
	char err[160];

	if (!ask(t, "memory view follows (address, symbol, $reg): "))
		return;
	if (!mon_eval(t->m, t->input, &a, err, sizeof err)) {
		tui_say(t, TUI_BAD, "%s", err);
		return;
	}
	snprintf(t->mem_expr, sizeof t->mem_expr, "%s", t->input);
	t->mem_scroll = 0;
	tui_say(t, TUI_PLAIN, "memory follows %s", t->mem_expr);
}

static void toggle_break(struct tui *t)
{
	char err[160], where[96];
	uint32_t a = t->cursor;
	const struct mon_break *b;

	if (!mon_break_toggle(t->m, a, err, sizeof err)) {
		tui_say(t, TUI_BAD, "%s", err);
		return;
	}
	mon_where(t->m, a, where, sizeof where);
	b = mon_break_at(t->m, a);
	if (b)
		tui_say(t, TUI_GOOD, "breakpoint %u at %08x %s: c runs to it", b->id, a, where);
	else
		tui_say(t, TUI_PLAIN, "breakpoint at %08x deleted", a);
}

/* Another VM, or the VM from another point (restarted, another VM of the
 * host): the code view follows its pc, every pane scrolls back to the top. */
static void view_afresh(struct tui *t)
{
	t->cursor_on_pc = true;
	t->prev_valid = false;
	t->console_scroll = t->event_scroll = t->mem_scroll = 0;
}

static void restart(struct tui *t)
{
	char err[512];

	if (!mon_restart(t->m, err, sizeof err)) {
		tui_say(t, TUI_BAD, "%s", err);
		return;
	}
	view_afresh(t);
	t->last_why = MON_DONE;
	tui_say(t, TUI_GOOD, "restarted from the entry point; breakpoints kept");
}

/* ---- snapshots and live migration (mon_snap.c does the work) ------------ */

static void save_vm(struct tui *t)
{
	char err[600];

	if (!ask(t, "save the VM to (file): "))
		return;
	if (!mon_save(t->m, t->input, err, sizeof err))
		tui_say(t, TUI_BAD, "%s", err);
	else
		tui_say(t, TUI_GOOD, "saved at instruction %llu to %s",
			(unsigned long long)vm_retired(t->m->vm), t->input);
}

static void restore_vm(struct tui *t)
{
	char err[700];

	if (!ask(t, "restore the VM from (file): "))
		return;
	if (!mon_restore(t->m, t->input, err, sizeof err)) {
		tui_say(t, TUI_BAD, "%s", err);
		return;
	}
	t->cursor_on_pc = true;
	t->prev_valid = false;
	t->console_scroll = t->event_scroll = 0;
	t->last_why = MON_DONE;
	tui_say(t, TUI_GOOD, "restored %s: instruction %llu; breakpoints kept", t->input,
		(unsigned long long)vm_retired(t->m->vm));
}

/* Each round of pre-copy, as it ends, in the status line with a bar of
 * what was sent against memory (a migration sends at most three times it). */
static void show_round(void *ctx, const struct precopy_result *r, bool stop)
{
	struct tui *t = ctx;
	const struct precopy_round *x = &r->round[stop ? r->rounds : r->rounds - 1];
	uint64_t mem = (uint64_t)r->memory_pages * SNAP_PAGE;
	int full = mem ? (int)(r->bytes * 20 / (3 * mem)) : 20;
	char bar[24];

	for (int i = 0; i < 20; i++)
		bar[i] = i < full ? '#' : '.';
	bar[20] = 0;
	if (stop)
		tui_say(t, TUI_PLAIN, "migrating to %s: stop-and-copy, %u pages [%s] %llu KiB",
			t->migrating, x->pages, bar, (unsigned long long)(r->bytes >> 10));
	else
		tui_say(t, TUI_PLAIN, "migrating to %s: round %u, %u pages, guest ran %llu insns [%s] "
			"%llu KiB", t->migrating, r->rounds, x->pages, (unsigned long long)x->insns, bar,
			(unsigned long long)(r->bytes >> 10));
	tui_draw(t);
}

static void migrate_vm(struct tui *t)
{
	static struct precopy_result res; /* large: off the stack */
	struct precopy_opts po = { .bandwidth = MIG_DEFAULT_BANDWIDTH };
	char peer[128], err[700];
	bool ok;

	if (!ask(t, "migrate to HOST:PORT: "))
		return;
	snprintf(peer, sizeof peer, "%s", t->input);
	t->migrating = peer;
	tui_say(t, TUI_PLAIN, "migrating to %s: connecting", peer);
	tui_draw(t);
	int was = t->m->cur;

	ok = mon_migrate(t->m, peer, &po, show_round, t, &res, err, sizeof err);
	t->migrating = NULL;
	if (!ok) {
		tui_say(t, TUI_BAD, "migration to %s failed: %s; the VM is here, unharmed", peer, err);
		return;
	}
	if (t->m->host && t->m->cur != was) {
		/* It left the host; the next VM here is shown. */
		view_afresh(t);
		tui_say(t, TUI_GOOD, "VM %d migrated to %s: %u rounds (%s), %llu KiB; downtime %.3f ms; "
			"VM %d shown", was, peer, res.rounds, precopy_end_name(res.end),
			(unsigned long long)(res.bytes >> 10), (double)res.downtime_cycles / 1e6,
			t->m->cur);
		return;
	}
	t->migrated = true;
	tui_say(t, TUI_GOOD, "migrated to %s: %u rounds (%s), %llu KiB; downtime %.3f ms; it runs "
		"there now: q quits", peer, res.rounds, precopy_end_name(res.end),
		(unsigned long long)(res.bytes >> 10), (double)res.downtime_cycles / 1e6);
}

/* On a host: show VM cur + by (wrapping), skipping those not started. */
static void next_vm(struct tui *t, int by)
{
	int n = host_nvms(t->m->host);
	char err[200];

	for (int k = 1; k <= n; k++) {
		int i = ((t->m->cur + by * k) % n + n) % n;
		if (host_vm(t->m->host, i) && mon_select_vm(t->m, i, err, sizeof err)) {
			struct host_vm_info vi;
			host_vm_info(t->m->host, i, &vi);
			view_afresh(t);
			tui_say(t, TUI_GOOD, "vm %d: %s, %s: %s", i, vi.name, vmm_mode_name(vm_mode(t->m->vm)),
				vmm_mode_summary(vm_mode(t->m->vm)));
			return;
		}
	}
	tui_say(t, TUI_BAD, "no other VM has started");
}

/* On a host: every VM by the schedule for an accounting period's worth. */
static void run_host(struct tui *t)
{
	struct host_info a, b;
	bool more;

	host_info(t->m->host, &a);
	more = host_run(t->m->host, 3000000);
	host_info(t->m->host, &b);
	t->cursor_on_pc = true;
	t->prev_valid = false;
	tui_say(t, more ? TUI_PLAIN : TUI_GOOD, "host: %llu cycles (busy %llu, idle %llu)%s",
		(unsigned long long)(b.now - a.now), (unsigned long long)(b.busy - a.busy),
		(unsigned long long)(b.idle - a.idle), more ? "" : ": every VM has stopped");
}

/* ---- keys --------------------------------------------------------------- */

/* Scrolled back by `by` fewer lines (down is toward the newest), never below 0. */
static int back(int scrolled, int by)
{
	return scrolled - by < 0 ? 0 : scrolled - by;
}

/* Arrows and pages: move the cursor or scroll the focused pane. */
static void scroll_pane(struct tui *t, int lines)
{
	switch (t->focus) {
	case PANE_CODE:
		t->cursor_on_pc = false;
		t->cursor += (uint32_t)(4 * lines);
		break;
	case PANE_MEMORY: t->mem_scroll += lines; break;
	case PANE_CONSOLE: t->console_scroll = back(t->console_scroll, lines); break;
	case PANE_EVENTS: t->event_scroll = back(t->event_scroll, lines); break;
	default: break;
	}
}

static int page(const struct tui *t)
{
	int h = t->pane[t->focus].h - 2;
	return h > 1 ? h : 1;
}

/* One key while the console has the focus: typing goes to the guest. */
static void console_key(struct tui *t, int ch)
{
	if (ch == KEY_ESC) {
		t->focus = PANE_CODE;
		return;
	}
	if (type_key(t, ch) && t->last_why == MON_IDLE)
		run(t, MON_CONTINUE); /* it was waiting for just this */
}

/* One key; false to quit. */
static bool key(struct tui *t, int ch)
{
	if (t->show_help) {
		t->show_help = false;
		return true;
	}
	if (t->focus == PANE_CONSOLE && (is_console_key(ch) || ch == KEY_ESC)) {
		console_key(t, ch);
		return true;
	}
	if (t->migrated && ch > 0 && ch < 128 && strchr("snxcrSLMH", ch)) {
		tui_say(t, TUI_BAD, "the VM was migrated: it runs at the target now; q quits");
		return true;
	}
	switch (ch) {
	case 'q': case 'Q': return false;
	case 'W': save_vm(t); break; /* W: write a snapshot (S goes back a step) */
	case 'L': restore_vm(t); break;
	case 'M': migrate_vm(t); break;
	case 's': run(t, MON_STEP); break;
	case 'n': run(t, MON_NEXT); break;
	case 'c': run(t, MON_CONTINUE); break;
	case 'x': run(t, MON_EXIT); break;
	case 'b': toggle_break(t); break;
	case 'S': reverse(t, MON_RSTEP); break;
	case 'N': reverse(t, MON_RNEXT); break;
	case 'C': reverse(t, MON_RCONTINUE); break;
	case 'X': reverse(t, MON_REXIT); break;
	case 'f': finish(t); break;
	case 'w': add_watch(t); break;
	case 'g': go_to(t); break;
	case 'm': memory_view(t); break;
	case 'p': t->show_pages = !t->show_pages; t->mem_scroll = 0; break;
	case 'r': restart(t); break;
	case 'v': case 'V':
		if (t->m->host)
			next_vm(t, ch == 'v' ? 1 : -1);
		else
			tui_say(t, TUI_BAD, "one VM only: trapeze tui --host CONFIG shows several");
		break;
	case 'H':
		if (t->m->host)
			run_host(t);
		else
			tui_say(t, TUI_BAD, "one VM only: trapeze tui --host CONFIG runs a host");
		break;
	case '.': t->cursor_on_pc = true; break;
	case '?': case 'h': t->show_help = true; break;
	case '\t': t->focus = (enum tui_pane)((t->focus + 1) % PANE_COUNT); break;
	case KEY_BTAB: t->focus = (enum tui_pane)((t->focus + PANE_COUNT - 1) % PANE_COUNT); break;
	case KEY_UP: scroll_pane(t, -1); break;
	case KEY_DOWN: scroll_pane(t, 1); break;
	case KEY_PPAGE: scroll_pane(t, -page(t)); break;
	case KEY_NPAGE: scroll_pane(t, page(t)); break;
	case KEY_RESIZE: tui_layout(t); break;
	case KEY_CTRL_L: clearok(curscr, TRUE); break;
	default: break;
	}
	return true;
}

/* ---- the command -------------------------------------------------------- */

static void setup_terminal(struct tui *t)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Line drawing: Unicode in a UTF-8 locale; otherwise plain ASCII, which
	 * every terminal (and tmux's capture-pane) shows as drawn. */
	setlocale(LC_ALL, "");
	t->ascii_lines = strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
	initscr();
	cbreak(); /* Ctrl-C still raises SIGINT, handled above */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	timeout(IDLE_WAIT_MS);
	tui_init_colors(t);
	tui_layout(t);
}

static void main_loop(struct tui *t)
{
	tui_draw(t);
	while (!quit_requested) {
		int ch = getch();
		if (quit_requested)
			break;
		if (ch == KEY_RESIZE) {
			resize(t);
			continue;
		}
		if (ch != ERR && !key(t, ch))
			break;
		tui_draw(t);
	}
}

/* trapeze tui --host CONFIG: the host's VMs, one shown at a time. */
static int tui_host(const char *config)
{
	static struct host_session s; /* large: off the stack */
	static struct tui t;
	char err[1200];
	int status;

	memset(&t, 0, sizeof t);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "trapeze: tui: error: needs a terminal (for scripts, try 'trapeze mon --host')\n");
		return 1;
	}
	status = host_session_start(&s, config, "tui", HOST_CONSOLES_ONLY);
	if (!status && !mon_create_host(&t.m, s.h, s.img, err, sizeof err)) {
		fprintf(stderr, "trapeze: tui: error: %s\n", err);
		status = 1;
	}
	if (!status) {
		t.image = strrchr(config, '/') ? strrchr(config, '/') + 1 : config;
		t.cursor_on_pc = true;
		snprintf(t.mem_expr, sizeof t.mem_expr, "$sp");
		tui_say(&t, TUI_PLAIN, "a host of %d VMs: v shows the next, H runs them all by the schedule",
			host_nvms(s.h));
		setup_terminal(&t);
		main_loop(&t);
		endwin();
	}
	mon_destroy(t.m);
	host_session_close(&s);
	return status;
}

int cmd_tui(int argc, char **argv)
{
	struct runopts o;
	const char *image;
	uint64_t history;
	struct image img = { 0 };
	struct tui t = { 0 };
	char err[512];
	int status = EXIT_INPUT;

	runopt_init(&o, "tui");
	o.interactive = true;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--host")) {
			if (argc != 3 || i != 1) {
				fprintf(stderr, "trapeze: tui: error: --host takes a CONFIG and nothing else "
					"(the VMs' options are in it)\n");
				fputs(usage_line, stderr);
				return EXIT_USAGE;
			}
			return tui_host(argv[2]);
		}
	switch (mon_parse_args(argc, argv, &o, &image, &history)) {
	case 1: help(&o); return EXIT_OK;
	case 2: return runopt_usage_exit(&o);
	default: break;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		runopt_usage(&o, "needs a terminal (for scripts, try 'trapeze mon')");
		return EXIT_USAGE;
	}
	/* The keyboard belongs to the TUI: console input only from --input. */
	if (!runopt_read_image(&o, image, &img) || (o.input_path && !runopt_read_input(&o)))
		goto out;
	if (!mon_create(&t.m, &o.vm, &img, err, sizeof err)) {
		runopt_error(&o, "%s", err);
		goto out;
	}
	if (!mon_history(t.m, history, err, sizeof err))
		tui_say(&t, TUI_PLAIN, "no reverse execution: %s", err);
	t.image = strrchr(image, '/') ? strrchr(image, '/') + 1 : image;
	t.cursor_on_pc = true;
	snprintf(t.mem_expr, sizeof t.mem_expr, "$sp");
	tui_say(&t, TUI_PLAIN, "%s", vmm_mode_summary(vm_mode(t.m->vm)));
	setup_terminal(&t);
	main_loop(&t);
	endwin();
	status = EXIT_OK;
out:
	mon_destroy(t.m);
	image_free(&img);
	runopt_free(&o);
	return status;
}
