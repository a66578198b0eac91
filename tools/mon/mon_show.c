/*
 * tools/mon/mon_show.c: the machine as the monitor shows it.
 * Owns: the text of every display: the current instruction, registers
 *       (the guest's virtual CPU beside the real one), VM exits and the
 *       event log, breakpoints, statistics, memory (x) and disassembly,
 *       and the words for modes and events that the TUI shares.
 * Not:  reading the machine (mon_expr.c); commands (mon_cmd.c).
 * Implements: the lecture's two views of one guest: its virtual mode (what
 *       it believes) and the real mode it runs in (what the VMM arranged).
 */
#include <ctype.h>
#include <string.h>

#include "dis.h"
#include "host.h"
#include "mon.h"

enum { FUNCTION_MAX = 64 }; /* instructions "disassemble" shows at most */

const char *mon_guest_mode(const struct mon *m)
{
	bool sup = vm_psw(m->vm) & PSW_S;

	if (vm_mode(m->vm) == MODE_BARE)
		return sup ? "SUPERVISOR (bare: real)" : "USER (bare: real)";
	return sup ? "SUPERVISOR (virtual)" : "USER (virtual)";
}

const char *mon_real_mode(const struct mon *m)
{
	const struct cpu *r = vm_real_cpu(m->vm);

	switch (vm_mode(m->vm)) {
	case MODE_BARE:
		return cpu_in_supervisor(r) ? "SUPERVISOR (the guest's own)"
					    : "USER (the guest's own)";
	case MODE_EMULATE:
		return "SUPERVISOR (VMM interprets all)";
	case MODE_HYBRID:
		if (vm_psw(m->vm) & PSW_S)
			return "SUPERVISOR (kernel interpreted)";
		break;
	default:
		break;
	}
	/* Until the first VM entry the real CPU is as reset: the VMM's. */
	return cpu_in_supervisor(r) ? "SUPERVISOR (the VMM)" : "USER (guest deprivileged)";
}

/* "[S IE Z]": the psw's bits by name. */
static void psw_text(uint32_t psw, char *buf, size_t len)
{
	static const struct { uint32_t bit; const char *name; } bits[] = {
		{ PSW_S, "S" }, { PSW_IE, "IE" }, { PSW_Z, "Z" },
		{ PSW_N, "N" }, { PSW_C, "C" }, { PSW_V, "V" },
	};
	size_t n = 0;

	buf[n++] = '[';
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
		if ((psw & bits[i].bit) && n + 4 < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n > 1 ? " " : "",
					      bits[i].name);
	snprintf(buf + n, len - n, "]");
}

void mon_show_location(const struct mon *m, FILE *out)
{
	uint32_t pc = vm_pc(m->vm);
	char where[96], text[96], src[96];

	mon_where(m, pc, where, sizeof where);
	mon_insn_text(m, pc, text, sizeof text);
	mon_source(m, pc, src, sizeof src);
	fprintf(out, "=> 0x%08x%s%s:  %s%s%s%s\n", pc, where[0] ? " " : "", where, text,
		src[0] ? "    (" : "", src, src[0] ? ")" : "");
}

static void show_gprs(const uint32_t *r, FILE *out)
{
	for (int i = 0; i < NREGS; i++)
		fprintf(out, "  %-3s 0x%08x%s", mon_reg_name(i), r[i],
			i % 4 == 3 ? "\n" : "");
}

static void show_sregs(const struct mon *m, FILE *out)
{
	for (int i = 0; i < SR_COUNT; i++)
		fprintf(out, "  %s 0x%08x%s", isa_sreg_name(i),
			vm_sreg(m->vm, (unsigned)i), i % 4 == 3 || i == SR_COUNT - 1 ? "\n" : "");
}

void mon_show_registers(const struct mon *m, FILE *out)
{
	const struct cpu *g = vm_vcpu(m->vm), *r = vm_real_cpu(m->vm);
	uint32_t gr[NREGS], base, limit;
	char where[96], flags[32];

	for (unsigned i = 0; i < NREGS; i++)
		gr[i] = vm_reg(m->vm, i);
	mon_where(m, vm_pc(m->vm), where, sizeof where);
	psw_text(vm_psw(m->vm), flags, sizeof flags);
	fprintf(out, "guest (%s mode): %s, interrupts %s\n", vmm_mode_name(vm_mode(m->vm)),
		mon_guest_mode(m), vm_psw(m->vm) & PSW_IE ? "on" : "off");
	show_gprs(gr, out);
	fprintf(out, "  pc  0x%08x%s%s  psw 0x%08x %s\n", vm_pc(m->vm), where[0] ? " " : "", where,
		vm_psw(m->vm), flags);
	show_sregs(m, out);

	psw_text(r->psw, flags, sizeof flags);
	cpu_window(r, &base, &limit);
	if (vm_mode(m->vm) == MODE_BARE) {
		fprintf(out, "real CPU: %s: bare, the guest is the machine (as above)\n",
			mon_real_mode(m));
		return;
	}
	fprintf(out, "real CPU: %s\n", mon_real_mode(m));
	if (g != r && vm_mode(m->vm) != MODE_EMULATE) {
		fprintf(out, "  (as the guest last ran on it, up to its last VM exit)\n");
		show_gprs(r->r, out);
	}
	fprintf(out, "  pc  0x%08x  psw 0x%08x %s  relocation base 0x%08x limit 0x%08x\n", r->pc,
		r->psw, flags, base, limit);
	if (r->trap.cause != CAUSE_NONE)
		fprintf(out, "  last real trap: %s at 0x%08x, detail 0x%08x\n",
			isa_cause_name(r->trap.cause), r->trap.pc, r->trap.detail);
}

/* ---- events ------------------------------------------------------------- */

static const char *cause_name(enum trap_cause c)
{
	const char *n = isa_cause_name((int)c);
	return n ? n : "?";
}

static bool is_interrupt(const struct vm_event *e)
{
	return e->cause == CAUSE_TIMER || e->cause == CAUSE_DEVICE;
}

/* " <sym+off>" for a guest-physical address that an image symbol names. */
static void where_phys(const struct mon *m, uint32_t addr, bool user, char *buf, size_t len)
{
	const struct image_sym *s;
	uint32_t off;
	bool inside = false;

	buf[0] = 0;
	for (int i = 0; i < m->img->nsegs && !user; i++)
		inside |= addr >= m->img->segs[i].addr &&
			  addr - m->img->segs[i].addr < m->img->segs[i].size;
	if (!inside || !(s = image_symbol_near(m->img, addr, &off)))
		return;
	if (off)
		snprintf(buf, len, " <%s+%u>", s->name, off);
	else
		snprintf(buf, len, " <%s>", s->name);
}

void mon_event_text(const struct mon *m, const struct vm_event *e, char *buf, size_t len)
{
	char at[96], vec[96], text[64];
	const char *who = vm_mode(m->vm) == MODE_BARE ? "the hardware" : "the interpreter";

	where_phys(m, e->pc, e->user, at, sizeof at);
	where_phys(m, e->vector, false, vec, sizeof vec);
	switch (e->action) {
	case VM_EMULATED:
		dis_word(e->word, e->pc, text, sizeof text);
		snprintf(buf, len, "%s%s at 0x%08x%s: '%s' emulated by the VMM",
			 e->exit ? "exit " : "callout", e->exit ? vm_exit_name(e->reason) : "", e->pc,
			 at, text);
		break;
	case VM_PENDED:
		snprintf(buf, len, "exit TIMER at 0x%08x%s: the virtual timer ran out, its "
			 "interrupt now pending", e->pc, at);
		break;
	case VM_REFLECTED:
		snprintf(buf, len, "exit %s at 0x%08x%s, detail 0x%08x: reflected to the guest's "
			 "vector 0x%08x%s", vm_exit_name(e->exit ? e->reason : (int)e->cause), e->pc, at,
			 e->detail, e->vector, vec);
		break;
	case VM_INJECTED:
		snprintf(buf, len, "interrupt %s at 0x%08x%s: injected by the VMM, vector 0x%08x%s",
			 cause_name(e->cause), e->pc, at, e->vector, vec);
		break;
	case VM_DELIVERED:
		snprintf(buf, len, "%s %s at 0x%08x%s, detail 0x%08x: delivered by %s to 0x%08x%s",
			 is_interrupt(e) ? "interrupt" : "trap", cause_name(e->cause), e->pc, at,
			 e->detail, who, e->vector, vec);
		break;
	case VM_STOPPED:
		snprintf(buf, len, "trap %s at 0x%08x%s: third in a row, triple fault",
			 cause_name(e->cause), e->pc, at);
		break;
	}
}

void mon_event_brief(const struct mon *m, const struct vm_event *e, char *buf, size_t len)
{
	static const char *const verbs[] = {
		[VM_DELIVERED] = "delivered", [VM_EMULATED] = "emulated", [VM_REFLECTED] = "reflected",
		[VM_INJECTED] = "injected", [VM_PENDED] = "pended", [VM_STOPPED] = "FAULT",
	};
	char text[64] = "";

	(void)m;
	/* An emulated instruction is shown itself: the verb would crowd it out. */
	if (e->action == VM_EMULATED)
		dis_word(e->word, e->pc, text, sizeof text);
	snprintf(buf, len, "%-6s %5x %s", e->exit ? vm_exit_name(e->reason) : cause_name(e->cause),
		 e->pc, e->action == VM_EMULATED ? text : verbs[e->action]);
}

/* Counts by trap cause (n = CAUSE_COUNT) or by exit reason (n =
 * VM_EXIT_REASONS, whose first names are the causes'). */
static void show_counts(const char *title, const uint64_t *count, int n, FILE *out)
{
	char text[512];

	vm_counts_text(count, n, text, sizeof text);
	fprintf(out, "  %-20s %s\n", title, text);
}

void mon_show_exits(const struct mon *m, FILE *out)
{
	struct vm_stats s;
	uint64_t shown = m->nevents < 10 ? m->nevents : 10;
	char text[256];

	vm_get_stats(m->vm, &s);
	if (vm_mode(m->vm) == MODE_BARE) {
		fprintf(out, "no VMM (bare): no VM exits; the hardware delivers every trap\n");
	} else {
		fprintf(out, "VM exits: %llu (%s mode)\n", (unsigned long long)s.exits,
			vmm_mode_name(vm_mode(m->vm)));
		show_counts("by reason", s.exits_by_reason, VM_EXIT_REASONS, out);
		fprintf(out, "  %-20s %llu emulated, %llu reflected, %llu injected\n", "the VMM did",
			(unsigned long long)s.emulated, (unsigned long long)s.reflected,
			(unsigned long long)s.injected);
	}
	show_counts("traps the guest saw", s.guest_traps, CAUSE_COUNT, out);
	if (!shown) {
		fprintf(out, "no events yet\n");
		return;
	}
	fprintf(out, "last %llu of %llu events (at: guest instructions retired before it):\n",
		(unsigned long long)shown, (unsigned long long)m->nevents);
	for (uint64_t i = shown; i-- > 0;) {
		const struct vm_event *e = mon_event(m, i);
		mon_event_text(m, e, text, sizeof text);
		fprintf(out, "  #%llu at %llu: %s\n", (unsigned long long)(m->nevents - i),
			(unsigned long long)e->index, text);
	}
}

void mon_show_breaks(const struct mon *m, FILE *out)
{
	char where[96];

	if (!mon_break_count(m)) {
		fprintf(out, "no breakpoints\n");
		return;
	}
	fprintf(out, "Num  Address     Hits  Where\n");
	for (int i = 0; i < MON_MAX_BREAKS; i++) {
		const struct mon_break *b = &m->brk[i];
		if (!b->id)
			continue;
		where_phys(m, b->gpa, false, where, sizeof where);
		fprintf(out, "%-4u 0x%08x  %-4llu %s\n", b->id, b->gpa, (unsigned long long)b->hits,
			where[0] ? where + 1 : "");
	}
}

void mon_show_stats(const struct mon *m, FILE *out)
{
	struct vm_stats s;

	vm_get_stats(m->vm, &s);
	fprintf(out, "mode %s: %s\n", vmm_mode_name(vm_mode(m->vm)), vmm_mode_summary(vm_mode(m->vm)));
	fprintf(out, "  %-20s %llu\n", "guest instructions", (unsigned long long)s.retired);
	fprintf(out, "  %-20s %llu (%.1f%%: efficiency)\n", "  native", (unsigned long long)s.native,
		vm_efficiency(&s));
	fprintf(out, "  %-20s %llu\n", "  emulated", (unsigned long long)s.emulated);
	fprintf(out, "  %-20s %llu\n", "  interpreted", (unsigned long long)s.interpreted);
	fprintf(out, "  %-20s %llu (reflected %llu, injected %llu)\n", "VM exits",
		(unsigned long long)s.exits, (unsigned long long)s.reflected,
		(unsigned long long)s.injected);
	show_counts("  by reason", s.exits_by_reason, VM_EXIT_REASONS, out);
	show_counts("traps the guest saw", s.guest_traps, CAUSE_COUNT, out);
	fprintf(out, "  %-20s %llu (guest %llu, VMM %llu)\n", "cycles", (unsigned long long)s.cycles,
		(unsigned long long)s.guest_cycles, (unsigned long long)s.vmm_cycles);
}

/* ---- memory and code ---------------------------------------------------- */

static void line_start(const struct mon *m, uint32_t va, FILE *out)
{
	char where[96];
	mon_where(m, va, where, sizeof where);
	fprintf(out, "0x%08x%s%s:", va, where[0] ? " " : "", where);
}

static void examine_string(struct mon *m, uint32_t *va, FILE *out)
{
	enum { MAX_STRING = 200 };
	uint8_t c;
	unsigned n = 0;

	line_start(m, *va, out);
	fputs("  \"", out);
	while (n < MAX_STRING && mon_read_bytes(m, *va, &c, 1) && c) {
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (isprint(c))
			fputc(c, out);
		else
			fprintf(out, "\\x%02x", c);
		(*va)++;
		n++;
	}
	fprintf(out, "\"%s\n", n == MAX_STRING ? "..." : "");
	(*va)++;
}

/* One unit of x/ in format fmt; false when memory cannot be read. */
static bool examine_unit(struct mon *m, uint32_t va, unsigned size, char fmt, FILE *out)
{
	uint8_t b[4] = { 0 };
	uint32_t v;

	if (!mon_read_bytes(m, va, b, size))
		return false;
	v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	switch (fmt) {
	case 'c':
		fprintf(out, "  %3u '%s%c'", b[0], b[0] == '\'' || b[0] == '\\' ? "\\" : "",
			isprint(b[0]) ? b[0] : '.');
		break;
	case 'd':
		fprintf(out, "  %d", size == 1 ? (int8_t)v : size == 2 ? (int16_t)v : (int32_t)v);
		break;
	case 'u':
		fprintf(out, "  %u", v);
		break;
	default:
		fprintf(out, "  0x%0*x", (int)size * 2, v);
		break;
	}
	return true;
}

bool mon_examine(struct mon *m, uint32_t va, unsigned count, char fmt, char size, FILE *out)
{
	unsigned unit = fmt == 'c' ? 1 : size == 'b' ? 1 : size == 'h' ? 2 : 4;
	unsigned per_line = unit == 4 ? 4 : 8;

	if (fmt == 'i') {
		m->x_next = va + 4 * count;
		return mon_disassemble(m, va, count, out);
	}
	for (unsigned i = 0; i < count; i++) {
		uint8_t probe[4];
		if (fmt == 's') {
			examine_string(m, &va, out);
			continue;
		}
		/* Look before printing the line's address: an address that cannot
		 * be read gets its error alone on a line (the error, not a stray
		 * "0x99999999:", is what a script's reader must see first). */
		if (!mon_read_bytes(m, va, probe, unit)) {
			fprintf(out, "%serror: cannot read memory at 0x%08x\n",
				i % per_line ? "\n" : "", va);
			m->x_next = va;
			return false;
		}
		if (i % per_line == 0)
			line_start(m, va, out);
		examine_unit(m, va, unit, fmt, out);
		va += unit;
		if (i % per_line == per_line - 1 || i + 1 == count)
			fputc('\n', out);
	}
	m->x_next = va;
	return true;
}

/* Zero words from va on, at most max, stopping at the pc and at a symbol
 * (each is shown on its own line). */
static unsigned zero_run(const struct mon *m, uint32_t va, unsigned max)
{
	unsigned k = 0;
	uint32_t w, a = va;

	while (k < max && mon_read_word(m, a, &w) && w == 0 &&
	       (k == 0 || (a != vm_pc(m->vm) && !image_symbol_at(mon_symbols_at(m, a), a)))) {
		k++;
		a += 4;
	}
	return k;
}

bool mon_disassemble(const struct mon *m, uint32_t va, unsigned count, FILE *out)
{
	char where[96], text[96];

	va &= ~3u;
	for (unsigned i = 0; i < count; i++, va += 4) {
		uint32_t w;
		unsigned zeros;
		mon_where(m, va, where, sizeof where);
		if (!mon_read_word(m, va, &w)) {
			fprintf(out, "error: cannot read memory at 0x%08x\n", va);
			return false;
		}
		if (va != vm_pc(m->vm) && (zeros = zero_run(m, va, count - i)) >= DIS_ZERO_RUN) {
			/* A gap (an .org, a .space): one line, as objdump's "...". */
			fprintf(out, "   0x%08x%s%s:  ... %u zero words, to 0x%08x\n", va,
				where[0] ? " " : "", where, zeros, va + 4 * zeros);
			i += zeros - 1;
			va += 4 * (zeros - 1);
			continue;
		}
		dis_insn(w, va, mon_symbols_at(m, va), text, sizeof text);
		fprintf(out, "%s0x%08x%s%s:  %s\n", va == vm_pc(m->vm) ? "=> " : "   ", va,
			where[0] ? " " : "", where, text);
	}
	return true;
}

unsigned mon_function_extent(const struct mon *m, uint32_t va, uint32_t *start)
{
	const struct image *img = mon_symbols_at(m, va);
	uint32_t lo = 0, hi = UINT32_MAX;
	bool found = false;

	*start = va & ~3u;
	for (int i = 0; img && i < img->nsyms; i++) {
		const struct image_sym *s = &img->syms[i];
		if (strchr(s->name, '.'))
			continue; /* a local label is inside a function, not its start */
		if (s->addr <= va && (!found || s->addr > lo)) {
			lo = s->addr;
			found = true;
		} else if (s->addr > va && s->addr < hi) {
			hi = s->addr;
		}
	}
	if (found && va - lo < 4 * FUNCTION_MAX)
		*start = lo & ~3u;
	if (hi == UINT32_MAX || hi <= *start || (hi - *start) / 4 > FUNCTION_MAX)
		return FUNCTION_MAX;
	return (hi - *start + 3) / 4;
}

void mon_show_vms(const struct mon *m, FILE *out)
{
	struct host_info hi;

	host_info(m->host, &hi);
	fprintf(out, "  %-3s %-10s %-7s %-9s %7s %6s %4s %14s %10s\n", "vm", "name", "mode", "state",
		"share", "weight", "cap", "instructions", "exits");
	for (int i = 0; i < host_nvms(m->host); i++) {
		struct host_vm_info vi;
		struct vm_stats s;
		const struct vm *vm = host_vm_c(m->host, i);

		host_vm_info(m->host, i, &vi);
		memset(&s, 0, sizeof s);
		if (vm)
			vm_get_stats(vm, &s);
		char cap[16];

		snprintf(cap, sizeof cap, vi.cap ? "%u%%" : "-", vi.cap);
		fprintf(out, "%c %-3d %-10s %-7s %-9s %6.1f%% %6u %4s %14llu %10llu\n",
			i == m->cur ? '*' : ' ', i, vi.name, vm ? vmm_mode_name(vm_mode(vm)) : "-",
			host_vm_state_text(&vi), 100.0 * vi.share, vi.weight, cap,
			(unsigned long long)s.retired, (unsigned long long)s.exits);
	}
	fprintf(out, "  host time %llu cycles, utilisation %.1f%%\n", (unsigned long long)hi.now,
		hi.now ? 100.0 * (double)(hi.busy + hi.overhead) / (double)hi.now : 0.0);
}
