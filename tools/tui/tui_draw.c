/*
 * tools/tui/tui_draw.c: the TUI's screen: its layout and its frame.
 * Owns: where each pane goes for the terminal's size (80x24 and up, nothing
 *       overlapping), colours (none under NO_COLOR), the drawing helpers,
 *       the title bar, the status and key lines, the help screen, and the
 *       order a frame is drawn in.
 * Not:  the panes themselves (tui_panes.c); keys, running, the terminal's
 *       setup (tui.c).
 */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "tui.h"

/* Each colour pair, and what stands in for it without colour. */
static const struct {
	short fg, bg;
	attr_t mono; /* the attribute used under NO_COLOR */
} pairs[P_COUNT] = {
	[P_TITLE] = { COLOR_WHITE, COLOR_BLUE, A_REVERSE },
	[P_SUP] = { COLOR_RED, -1, A_BOLD },
	[P_USER] = { COLOR_GREEN, -1, A_UNDERLINE },
	[P_PC] = { COLOR_BLACK, COLOR_CYAN, A_REVERSE },
	[P_BREAK] = { COLOR_RED, -1, A_BOLD },
	[P_EMUL] = { COLOR_YELLOW, -1, A_NORMAL },
	[P_REFL] = { COLOR_CYAN, -1, A_NORMAL },
	[P_INJ] = { COLOR_MAGENTA, -1, A_NORMAL },
	[P_DELIV] = { COLOR_GREEN, -1, A_NORMAL },
	[P_PEND] = { COLOR_BLUE, -1, A_NORMAL },
	[P_BAD] = { COLOR_RED, -1, A_BOLD },
	[P_GOOD] = { COLOR_GREEN, -1, A_BOLD },
	[P_KEY] = { COLOR_YELLOW, -1, A_BOLD },
};

void tui_init_colors(struct tui *t)
{
	const char *no = getenv("NO_COLOR");

	/* https://no-color.org: present and not empty means no colour. */
	t->color = has_colors() && !(no && *no);
	if (!t->color)
		return;
	start_color();
	use_default_colors();
	for (short p = 1; p < P_COUNT; p++)
		init_pair(p, pairs[p].fg, pairs[p].bg);
}

attr_t tui_attr(const struct tui *t, enum tui_pair p)
{
	return t->color ? (attr_t)COLOR_PAIR(p) | (p == P_SUP || p == P_USER ? A_BOLD : A_NORMAL)
			: pairs[p].mono;
}

/* Text at (row, col) of a rectangle, cut at its right edge; fill pads the
 * rest of the row with spaces in the same attribute (a highlight bar). */
void tui_put(const struct tui_rect *r, int row, int col, attr_t a, bool fill, const char *text)
{
	int room = r->w - col;

	if (row < 0 || row >= r->h || room <= 0)
		return;
	attrset(a);
	mvaddnstr(r->y + row, r->x + col, text, room);
	if (fill) {
		int n = (int)strlen(text);
		for (int i = n; i < room; i++)
			mvaddch(r->y + row, r->x + col + i, ' ');
	}
	attrset(A_NORMAL);
}

void tui_put_words(const struct tui_rect *r, int row, int col, attr_t a, const char *text)
{
	char buf[512];
	int room = r->w - col, n = (int)strlen(text), cut;

	if (n <= room || room <= 3) {
		tui_put(r, row, col, a, false, text);
		return;
	}
	/* The last whole word that leaves room for "...": never half a word. */
	snprintf(buf, sizeof buf, "%s", text);
	cut = room - 3 < (int)sizeof buf - 4 ? room - 3 : (int)sizeof buf - 4;
	while (cut > 0 && !(buf[cut] == ' ' || buf[cut] == ','))
		cut--;
	while (cut > 0 && (buf[cut - 1] == ' ' || buf[cut - 1] == ','))
		cut--;
	memcpy(buf + cut, "...", 4);
	tui_put(r, row, col, a, false, buf);
}

void tui_putf(const struct tui_rect *r, int row, int col, attr_t a, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	tui_put(r, row, col, a, false, buf);
}

void tui_say(struct tui *t, int a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->status, sizeof t->status, fmt, ap);
	va_end(ap);
	t->status_attr = a;
}

/* ---- layout ------------------------------------------------------------- */

void tui_layout(struct tui *t)
{
	int rows = LINES, cols = COLS, body = rows - 3, rw, lw, mem, con, stats, cpu;

	t->too_small = rows < TUI_MIN_ROWS || cols < TUI_MIN_COLS;
	if (t->too_small)
		return;
	/* Right: the CPU pane needs 39 columns; it grows slower than code. */
	rw = 39 + (cols - TUI_MIN_COLS) * 3 / 10;
	lw = cols - rw - 2; /* the rule, and a space after it */
	t->split_x = lw;
	mem = body / 4;
	con = body * 3 / 10;
	t->pane[PANE_CODE] = (struct tui_rect){ 1, 0, body - mem - con, lw };
	t->pane[PANE_MEMORY] = (struct tui_rect){ 1 + body - mem - con, 0, mem, lw };
	t->pane[PANE_CONSOLE] = (struct tui_rect){ 1 + body - con, 0, con, lw };
	/* The CPU's 13 essential rows first, then room for events, then more. */
	stats = body >= 27 ? 5 : 4;
	if (t->m->host) {
		/* On a host the pane lists the VMs: a line each, and the host's. */
		stats = host_nvms(t->m->host) + 3;
		if (stats > body - 21)
			stats = body - 21 > 4 ? body - 21 : 4;
	}
	cpu = 13 + (body - 21) / 2;
	if (cpu > 22)
		cpu = 22;
	t->pane[PANE_CPU] = (struct tui_rect){ 1, lw + 2, cpu, rw };
	t->pane[PANE_EVENTS] = (struct tui_rect){ 1 + cpu, lw + 2, body - cpu - stats, rw };
	t->pane[PANE_STATS] = (struct tui_rect){ 1 + body - stats, lw + 2, stats, rw };
}

/* A pane's title line: reversed when it has the focus. */
void tui_pane_title(const struct tui *t, enum tui_pane p, attr_t a, const char *text)
{
	const struct tui_rect *r = &t->pane[p];
	char buf[256];

	attrset(A_NORMAL);
	mvhline(r->y, r->x, t->ascii_lines ? '-' : ACS_HLINE, r->w);
	snprintf(buf, sizeof buf, " %s ", text);
	tui_put(r, 0, 1, t->focus == p ? A_REVERSE | A_BOLD : a ? a : A_BOLD, false, buf);
}

/* ---- the frame ---------------------------------------------------------- */

static void draw_title(struct tui *t)
{
	struct tui_rect bar = { 0, 0, 1, COLS };
	enum mon_why why;
	uint32_t code;
	char state[64], line[512];

	if (t->migrating)
		snprintf(state, sizeof state, "MIGRATING");
	else if (t->migrated)
		snprintf(state, sizeof state, "MIGRATED");
	else if (t->running)
		snprintf(state, sizeof state, "RUNNING");
	else if (mon_stopped(t->m, &why) && why == MON_HALTED && vm_halted(t->m->vm, &code))
		snprintf(state, sizeof state, "HALTED (code %u)", code);
	else if (why == MON_IDLE)
		snprintf(state, sizeof state, "IDLE");
	else if (why == MON_FAULT)
		snprintf(state, sizeof state, "TRIPLE FAULT");
	else
		snprintf(state, sizeof state, "STOPPED");
	if (t->m->host) {
		struct host_vm_info vi;
		host_vm_info(t->m->host, t->m->cur, &vi);
		snprintf(line, sizeof line, " Trapeze  host %s  vm %d %s (%s mode)  %llu instruction%s",
			 t->image, t->m->cur, vi.name, vmm_mode_name(vm_mode(t->m->vm)),
			 (unsigned long long)vm_retired(t->m->vm), vm_retired(t->m->vm) == 1 ? "" : "s");
	} else {
		snprintf(line, sizeof line, " Trapeze  %s mode  %s  %llu instruction%s",
			 vmm_mode_name(vm_mode(t->m->vm)), t->image, (unsigned long long)vm_retired(t->m->vm),
			 vm_retired(t->m->vm) == 1 ? "" : "s");
	}
	tui_put(&bar, 0, 0, tui_attr(t, P_TITLE), true, line);
	tui_put(&bar, 0, COLS - (int)strlen(state) - 1, tui_attr(t, P_TITLE) | A_BOLD, false, state);
}

static void draw_bottom(struct tui *t)
{
	static const char *const keys[][2] = {
		{ "s", "step" }, { "n", "next" }, { "c", "cont" }, { "x", "exit" }, { "S", "back" },
		{ "b", "bkpt" }, { "g", "goto" }, { "m", "mem" }, { "Tab", "pane" },
		{ "r", "restart" }, { "?", "help" }, { "q", "quit" },
	}, *const host_keys[][2] = {
		{ "s", "step" }, { "n", "next" }, { "c", "cont" }, { "x", "exit" }, { "b", "bkpt" },
		{ "v", "next vm" }, { "H", "run host" }, { "Tab", "pane" }, { "?", "help" }, { "q", "quit" },
	};
	const char *const (*k)[2] = t->m->host ? host_keys : keys;
	size_t nk = t->m->host ? sizeof host_keys / sizeof host_keys[0] : sizeof keys / sizeof keys[0];
	struct tui_rect status = { LINES - 2, 0, 1, COLS }, help = { LINES - 1, 0, 1, COLS };
	attr_t a = t->status_attr == TUI_BAD    ? tui_attr(t, P_BAD)
		   : t->status_attr == TUI_GOOD ? tui_attr(t, P_GOOD)
						: A_NORMAL;
	int col = 0;

	if (t->prompting) {
		tui_putf(&status, 0, 0, A_BOLD, "%s%s", t->prompt, t->input);
	} else {
		tui_put(&status, 0, 0, a, false, t->status);
	}
	if (t->focus == PANE_CONSOLE) {
		tui_put(&help, 0, 0, tui_attr(t, P_KEY), false, "typing goes to the guest's console");
		tui_put(&help, 0, 36, A_NORMAL, false, "Esc or Tab: leave it   Ctrl-C: quit");
		return;
	}
	for (size_t i = 0; i < nk; i++) {
		tui_put(&help, 0, col, tui_attr(t, P_KEY), false, k[i][0]);
		col += (int)strlen(k[i][0]) + 1;
		tui_put(&help, 0, col, A_NORMAL, false, k[i][1]);
		col += (int)strlen(k[i][1]) + 1;
	}
}

static void draw_help(const struct tui *t)
{
	const char *const lines[] = {
		"Trapeze TUI: keys",
		"",
		"  s        step: one instruction, or one trap entered",
		"  n        next: like s, but a call (jal, jalr) runs to its return",
		"  c        continue until a breakpoint or the guest stops (any key stops it)",
		"  x        run to the next trap or VM exit; the event log says what the VMM",
		"           did about it",
		"  S N C X  backwards: a step, a next, to the last breakpoint or watchpoint hit,",
		"           to the last trap or exit (exact: the state a fresh run has there)",
		"  f        finish: run until this function returns   w  watch a word's writes",
		"  b        toggle a breakpoint at the code cursor (B in the code pane)",
		"  g        go to an address or symbol: moves the code cursor",
		"  m        what the memory pane follows: address, symbol or $register",
		"  p        the memory pane shows the page tables: each user page, the",
		"           guest's entry beside the one the real processor walks",
		"  .        code cursor back to the pc",
		"  arrows, PgUp, PgDn   move the cursor or scroll the focused pane",
		"  Tab      next pane (Shift-Tab previous); in the console pane typing goes",
		"           to the guest; Esc leaves it",
		"  r        restart the guest from its entry point (breakpoints stay)",
		"  W / L    write the VM to a file / load it back from one (a snapshot)",
		"  M        live-migrate the VM to a trapeze migrate --listen HOST:PORT:",
		"           the rounds of pre-copy go by in the status line",
		"  q        quit (Ctrl-C too)      ?  this screen",
		t->m->host ? "  v / V    host: the next (previous) VM;  H  run every VM by the schedule" : "",
		t->m->host ? "  W L M    host: the VM shown; M runs every VM during the rounds, then it leaves" : "",
		"guest: the mode the guest believes it is in (its virtual PSW).",
		"real:  the mode the real CPU runs it in: under trap-and-emulate always USER,",
		"       so every privileged instruction traps to the VMM (a VM exit).",
		"",
		"Press any key to go back.",
	};
	struct tui_rect all = { 0, 0, LINES, COLS };

	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		tui_put(&all, (int)i + 1, 2, i == 0 ? A_BOLD : A_NORMAL, false, lines[i]);
}

void tui_draw(struct tui *t)
{
	erase();
	if (t->too_small) {
		struct tui_rect all = { 0, 0, LINES, COLS };
		tui_putf(&all, 0, 0, A_BOLD, "The terminal is %dx%d: Trapeze needs %dx%d.", COLS, LINES,
			 TUI_MIN_COLS, TUI_MIN_ROWS);
		tui_put(&all, 1, 0, A_NORMAL, false, "Make it larger, or press q to quit.");
	} else if (t->show_help) {
		draw_help(t);
	} else {
		draw_title(t);
		mvvline(1, t->split_x, t->ascii_lines ? '|' : ACS_VLINE, LINES - 3);
		tui_draw_code(t);
		if (t->show_pages)
			tui_draw_pages(t);
		else
			tui_draw_memory(t);
		tui_draw_console(t);
		tui_draw_cpu(t);
		tui_draw_events(t);
		tui_draw_stats(t);
		draw_bottom(t);
	}
	if (t->prompting && !t->too_small) {
		move(LINES - 2, (int)(strlen(t->prompt) + strlen(t->input)));
		curs_set(1);
	} else {
		curs_set(0);
	}
	refresh();
}
