/*
 * tools/tui/tui_panes.c: the TUI's panes, each drawn into its rectangle.
 * Owns: the code pane (labels, breakpoints, the pc and the cursor), the two
 *       CPUs side by side (the guest's virtual CPU, the real CPU it runs on),
 *       memory, the guest console (with the line being typed for it), the
 *       log of traps and VM exits, and the statistics.
 * Not:  where the panes go, colours, the frame (tui_draw.c); the words for
 *       modes and events (mon_show.c).
 */
#include <stdio.h>
#include <string.h>

#include "host.h"
#include "tui.h"

/* ---- code --------------------------------------------------------------- */

struct code_line {
	uint32_t addr;
	const char *label; /* a symbol line before the instruction, or NULL */
};

/* The lines the code pane shows from top: labels and instructions. */
static int code_lines(const struct tui *t, uint32_t top, struct code_line *out, int rows)
{
	int n = 0;

	for (uint32_t a = top; n < rows; a += 4) {
		const struct image *img = mon_symbols_at(t->m, a);
		const struct image_sym *s = img ? image_symbol_at(img, a) : NULL;
		if (s && n > 0)
			out[n++] = (struct code_line){ a, s->name };
		if (n < rows)
			out[n++] = (struct code_line){ a, NULL };
		if (a > UINT32_MAX - 4)
			break;
	}
	return n;
}

static bool shows(const struct code_line *l, int n, uint32_t addr)
{
	for (int i = 0; i < n; i++)
		if (!l[i].label && l[i].addr == addr)
			return true;
	return false;
}

static void draw_code_line(struct tui *t, const struct tui_rect *r, int row,
			   const struct code_line *l)
{
	uint32_t pc = vm_pc(t->m->vm);
	bool is_pc = l->addr == pc, is_cursor = l->addr == t->cursor && t->focus == PANE_CODE;
	char text[96], line[160];
	attr_t a = is_pc ? tui_attr(t, P_PC) : A_NORMAL;

	if (l->label) {
		tui_putf(r, row, 0, A_BOLD, "%s:", l->label);
		return;
	}
	if (is_cursor)
		a = is_pc ? a | A_BOLD : A_REVERSE;
	mon_insn_text(t->m, l->addr, text, sizeof text);
	snprintf(line, sizeof line, "%s  %08x  %s", is_pc ? "=>" : "  ", l->addr, text);
	tui_put(r, row, 0, a, is_pc || is_cursor, line);
	if (mon_break_at(t->m, l->addr))
		tui_put(r, row, 2, tui_attr(t, P_BREAK) | (is_pc ? A_REVERSE : 0), false, "B");
}

void tui_draw_code(struct tui *t)
{
	enum { MAX_ROWS = 256 };
	const struct tui_rect *r = &t->pane[PANE_CODE];
	struct code_line lines[MAX_ROWS];
	uint32_t above;
	int rows = r->h - 1 < MAX_ROWS ? r->h - 1 : MAX_ROWS, n;
	char title[224], where[96], src[96];

	if (t->cursor_on_pc)
		t->cursor = vm_pc(t->m->vm);
	t->cursor &= ~3u;
	above = 4u * (unsigned)(rows / 3);
	/* Keep the cursor in view, a third of the way down when it jumps. */
	if (t->cursor < t->code_top || t->cursor - t->code_top >= 4u * (unsigned)rows)
		t->code_top = t->cursor >= above ? t->cursor - above : 0;
	n = code_lines(t, t->code_top, lines, rows);
	for (int guard = 0; !shows(lines, n, t->cursor) && guard < rows; guard++) {
		t->code_top += 4; /* label lines pushed it below the pane */
		n = code_lines(t, t->code_top, lines, rows);
	}
	mon_where(t->m, t->cursor, where, sizeof where);
	mon_source(t->m, t->cursor, src, sizeof src);
	snprintf(title, sizeof title, "code %08x%s%s%s%s", t->cursor, where[0] ? " " : "", where,
		 src[0] ? " " : "", src);
	tui_pane_title(t, PANE_CODE, 0, title);
	for (int i = 0; i < n; i++)
		draw_code_line(t, r, 1 + i, &lines[i]);
}

/* ---- the two CPUs ------------------------------------------------------- */

static attr_t mode_attr(const struct tui *t, bool supervisor)
{
	return tui_attr(t, supervisor ? P_SUP : P_USER);
}

static int draw_gprs(struct tui *t, const struct tui_rect *r, int row, const uint32_t *regs,
		     bool mark_changes)
{
	int per = (r->w + 1) / 13 >= 4 ? 4 : 3;

	for (int i = 0; i < NREGS; i++) {
		bool changed = mark_changes && t->prev_valid && regs[i] != t->prev_r[i];
		tui_putf(r, row + i / per, (i % per) * 13, changed ? A_BOLD | A_UNDERLINE : A_NORMAL,
			 "%-3s %08x", mon_reg_name(i), regs[i]);
	}
	return row + (NREGS + per - 1) / per;
}

void tui_draw_cpu(struct tui *t)
{
	const struct tui_rect *r = &t->pane[PANE_CPU];
	struct vm *vm = t->m->vm;
	const struct cpu *real = vm_real_cpu(vm);
	uint32_t regs[NREGS], base, limit;
	bool bare = vm_mode(vm) == MODE_BARE;
	const char *real_mode;
	char title[96];
	int row, spare;

	for (unsigned i = 0; i < NREGS; i++)
		regs[i] = vm_reg(vm, i);
	snprintf(title, sizeof title, "guest: %s", mon_guest_mode(t->m));
	tui_pane_title(t, PANE_CPU, mode_attr(t, vm_psw(vm) & PSW_S), title);
	tui_putf(r, 1, 0, A_NORMAL, "pc  %08x  psw %08x %s%s", vm_pc(vm), vm_psw(vm),
		 vm_psw(vm) & PSW_S ? "S" : "-", vm_psw(vm) & PSW_IE ? " IE" : " --");
	row = draw_gprs(t, r, 2, regs, true);
	tui_putf(r, row++, 0, A_NORMAL, "tvec %08x  epc   %08x", vm_sreg(vm, SR_tvec),
		 vm_sreg(vm, SR_epc));
	tui_putf(r, row++, 0, A_NORMAL, "base %08x  limit %08x", vm_sreg(vm, SR_base),
		 vm_sreg(vm, SR_limit));
	spare = r->h - row - 3;
	if (spare-- > 0)
		tui_putf(r, row++, 0, A_NORMAL, "cause %-7s timer %08x",
			 vm_sreg(vm, SR_cause) ? isa_cause_name((int)vm_sreg(vm, SR_cause)) : "-",
			 vm_sreg(vm, SR_timer));
	if (bare) {
		tui_put(r, row++, 0, mode_attr(t, cpu_in_supervisor(real)), false,
			"real: the guest itself (bare)");
		tui_put(r, row++, 0, A_NORMAL, false, "no VMM: the guest owns the machine");
		return;
	}
	real_mode = mon_real_mode(t->m);
	tui_putf(r, row++, 0, mode_attr(t, !strncmp(real_mode, "SUPERVISOR", 10)), "real: %s",
		 real_mode);
	cpu_window(real, &base, &limit);
	if (real->pc != vm_pc(vm) && !cpu_in_supervisor(real) && vm_mode(vm) != MODE_EMULATE) {
		/* Not a bug: the real CPU stopped where the guest left it (its
		 * last exit); the monitor has since moved the guest on. */
		if (r->w >= 64)
			snprintf(title, sizeof title, "pc  %08x  psw %08x  where the guest last exited; "
				 "the VMM has moved it on", real->pc, real->psw);
		else
			snprintf(title, sizeof title, "pc  %08x  where the guest exited", real->pc);
		tui_put_words(r, row++, 0, A_NORMAL, title);
	} else {
		tui_putf(r, row++, 0, A_NORMAL, "pc  %08x  psw %08x %s%s", real->pc, real->psw,
			 real->psw & PSW_S ? "S" : "-", real->psw & PSW_IE ? " IE" : " --");
	}
	tui_putf(r, row++, 0, A_NORMAL, "base %08x  limit %08x", base, limit);
	if (spare-- > 0 && real->trap.cause)
		tui_putf(r, row++, 0, A_NORMAL, "last exit %s at %08x",
			 isa_cause_name((int)real->trap.cause), real->trap.pc);
	if (spare >= 7 && vm_mode(vm) != MODE_EMULATE) {
		tui_put(r, row++, 0, A_DIM, false, "real registers, as the guest last left them:");
		draw_gprs(t, r, row, real->r, false);
	}
}

/* ---- memory, console, events, statistics -------------------------------- */

void tui_draw_memory(struct tui *t)
{
	const struct tui_rect *r = &t->pane[PANE_MEMORY];
	int per = 4 * ((r->w - 9) / 13); /* bytes: "addr " + a word's 8 hex, a space, 4 chars */
	uint32_t base = 0;
	char title[160], err[128];

	if (per > 16)
		per = 16;
	if (!mon_eval(t->m, t->mem_expr, &base, err, sizeof err)) {
		snprintf(title, sizeof title, "memory: %s", t->mem_expr);
		tui_pane_title(t, PANE_MEMORY, 0, title);
		tui_putf(r, 1, 0, tui_attr(t, P_BAD), "%s", err);
		return;
	}
	base = (base & ~3u) + (uint32_t)(t->mem_scroll * per);
	snprintf(title, sizeof title, "memory: %s = %08x", t->mem_expr, base);
	tui_pane_title(t, PANE_MEMORY, 0, title);
	for (int row = 1; row < r->h; row++) {
		uint32_t a = base + (uint32_t)((row - 1) * per);
		char line[128], ascii[20];
		int n = snprintf(line, sizeof line, "%08x ", a);
		/* Words as the monitor's x shows them (little-endian: 1 reads
		 * 00000001), then the same bytes as characters, in memory order. */
		for (int i = 0; i < per; i += 4) {
			uint8_t b[4] = { 0 };
			bool ok = mon_read_bytes(t->m, a + (uint32_t)i, b, 4);
			uint32_t w = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
				     (uint32_t)b[3] << 24;
			if (ok)
				n += snprintf(line + n, sizeof line - (size_t)n, "%08x ", w);
			else
				n += snprintf(line + n, sizeof line - (size_t)n, "???????? ");
			for (int k = 0; k < 4; k++)
				ascii[i + k] = ok && b[k] >= 32 && b[k] < 127 ? (char)b[k] : '.';
		}
		ascii[per] = 0;
		snprintf(line + n, sizeof line - (size_t)n, "%s", ascii);
		tui_put(r, row, 0, A_NORMAL, false, line);
	}
}

/* The console as the pane shows it: what the guest wrote, then the line
 * being typed for it (echoed here, as a terminal echoes), then a cursor. */
struct console_view {
	const char *out, *typed;
	size_t out_len, len;
};

static char view_at(const struct console_view *v, size_t i)
{
	if (i < v->out_len)
		return v->out[i];
	i -= v->out_len;
	return i < strlen(v->typed) ? v->typed[i] : '_';
}

/* The console's last rows, wrapped at the pane's width, scrolled back. */
void tui_draw_console(struct tui *t)
{
	enum { MAX_ROWS = 1024 };
	const struct tui_rect *r = &t->pane[PANE_CONSOLE];
	struct console_view v = { .typed = t->line };
	size_t starts[MAX_ROWS], lens[MAX_ROWS], end;
	int rows = r->h - 1, w = r->w, need = rows + t->console_scroll, got = 0, shown;
	bool focused = t->focus == PANE_CONSOLE;

	v.out = vm_console(t->m->vm, &v.out_len);
	v.len = end = v.out_len + strlen(t->line) + (focused ? 1 : 0);
	tui_pane_title(t, PANE_CONSOLE, 0, focused ? "console: typing goes to the guest" : "console");
	if (need > MAX_ROWS)
		need = MAX_ROWS;
	/* Walk back over lines; each wraps into rows of w characters. */
	while (got < need) {
		size_t start = end, n, wraps;
		while (start > 0 && view_at(&v, start - 1) != '\n')
			start--;
		n = end - start;
		wraps = n ? (n + (size_t)w - 1) / (size_t)w : 1;
		for (size_t k = wraps; k-- > 0 && got < need; got++) {
			starts[got] = start + k * (size_t)w;
			lens[got] = n - k * (size_t)w < (size_t)w ? n - k * (size_t)w : (size_t)w;
		}
		if (start == 0)
			break;
		end = start - 1;
	}
	if (t->console_scroll > got - rows)
		t->console_scroll = got > rows ? got - rows : 0;
	/* Like a terminal: from the top until full, then the newest at the bottom. */
	shown = got < rows ? got : rows;
	for (int i = 0; i < shown; i++) {
		int k = t->console_scroll + shown - 1 - i; /* rows from the bottom */
		char line[512];
		size_t n = lens[k] < sizeof line - 1 ? lens[k] : sizeof line - 1;
		for (size_t j = 0; j < n; j++) {
			char c = view_at(&v, starts[k] + j);
			line[j] = c >= 32 && c < 127 ? c : c == '\t' ? ' ' : '.';
		}
		line[n] = 0;
		tui_put(r, 1 + i, 0, A_NORMAL, false, line);
	}
}

static attr_t event_attr(const struct tui *t, enum vm_action a)
{
	static const enum tui_pair by_action[] = {
		[VM_DELIVERED] = P_DELIV, [VM_EMULATED] = P_EMUL, [VM_REFLECTED] = P_REFL,
		[VM_INJECTED] = P_INJ, [VM_PENDED] = P_PEND, [VM_STOPPED] = P_BAD,
	};
	return tui_attr(t, by_action[a]);
}

void tui_draw_events(struct tui *t)
{
	const struct tui_rect *r = &t->pane[PANE_EVENTS];
	int rows = r->h - 1;
	char title[96], text[256];

	if (t->event_scroll > (int)(t->m->nevents < MON_LOG ? t->m->nevents : MON_LOG) - rows)
		t->event_scroll = 0;
	if (t->event_scroll < 0)
		t->event_scroll = 0;
	snprintf(title, sizeof title, "traps and VM exits: %llu",
		 (unsigned long long)t->m->nevents);
	tui_pane_title(t, PANE_EVENTS, 0, title);
	int kept = (int)(t->m->nevents < MON_LOG ? t->m->nevents : MON_LOG);
	int shown = kept < rows ? kept : rows;
	for (int i = 0; i < shown; i++) {
		uint64_t back = (uint64_t)(t->event_scroll + shown - 1 - i);
		const struct vm_event *e = mon_event(t->m, back);
		if (!e)
			continue;
		if (r->w >= 90)
			mon_event_text(t->m, e, text, sizeof text);
		else
			mon_event_brief(t->m, e, text, sizeof text);
		tui_put_words(r, 1 + i, 0, event_attr(t, e->action), text);
	}
}

void tui_draw_stats(struct tui *t)
{
	const struct tui_rect *r = &t->pane[PANE_STATS];
	struct vm_stats s;
	char line[256];
	int n = 0;

	if (t->m->host) {
		tui_draw_host(t);
		return;
	}
	vm_get_stats(t->m->vm, &s);
	tui_pane_title(t, PANE_STATS, 0, "statistics");
	tui_putf(r, 1, 0, A_NORMAL, "retired %llu  native %.1f%%", (unsigned long long)s.retired,
		 vm_efficiency(&s));
	n = snprintf(line, sizeof line, vm_mode(t->m->vm) == MODE_BARE ? "traps " : "exits %llu: ",
		     (unsigned long long)s.exits);
	if (vm_mode(t->m->vm) == MODE_BARE)
		vm_counts_text(s.guest_traps, CAUSE_COUNT, line + n, sizeof line - (size_t)n);
	else
		vm_counts_text(s.exits_by_reason, VM_EXIT_REASONS, line + n, sizeof line - (size_t)n);
	tui_put_words(r, 2, 0, A_NORMAL, line);
	tui_putf(r, 3, 0, A_NORMAL, "cycles %llu (VMM %llu)", (unsigned long long)s.cycles,
		 (unsigned long long)s.vmm_cycles);
	tui_putf(r, 4, 0, A_NORMAL, "emulated %llu refl %llu inj %llu", (unsigned long long)s.emulated,
		 (unsigned long long)s.reflected, (unsigned long long)s.injected);
}

/* On a host: every VM, its state, share and exits; the one shown marked. */
void tui_draw_host(struct tui *t)
{
	const struct tui_rect *r = &t->pane[PANE_STATS];
	struct host *h = t->m->host;
	struct host_info hi;
	int n = host_nvms(h), row = 1;

	host_info(h, &hi);
	tui_pane_title(t, PANE_STATS, 0, "host: the VMs (v: next)");
	tui_putf(r, row++, 0, A_BOLD, "  %-8s %-5s %-8s %6s %8s", "vm", "mode", "state", "share", "exits");
	for (int i = 0; i < n && row < r->h - 1; i++, row++) {
		struct host_vm_info vi;
		struct vm_stats s;
		const struct vm *vm = host_vm_c(h, i);
		host_vm_info(h, i, &vi);
		memset(&s, 0, sizeof s);
		if (vm)
			vm_get_stats(vm, &s);
		tui_putf(r, row, 0, i == t->m->cur ? A_REVERSE : A_NORMAL, "%c %-8.8s %-5s %-8s %5.1f%% %8llu",
			 i == t->m->cur ? '*' : ' ', vi.name, vm ? vmm_mode_name(vm_mode(vm)) : "-",
			 host_vm_state_text(&vi), 100.0 * vi.share, (unsigned long long)s.exits);
	}
	tui_putf(r, row, 0, A_NORMAL, "host %llu cycles, utilisation %.1f%%", (unsigned long long)hi.now,
		 hi.now ? 100.0 * (double)(hi.busy + hi.overhead) / (double)hi.now : 0.0);
}
