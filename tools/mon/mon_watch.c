/*
 * tools/mon/mon_watch.c: watchpoints: watch, rwatch and awatch.
 * Owns: the watchpoint table; looking, around each single step, at what
 *       the guest's own instruction loads or stores and at what the VMM and
 *       the devices read and write in the guest's memory (vm_set_access_hook),
 *       and at whether the watched bytes changed; the hit, in words.
 * Not:  run control (mon_core.c: it asks here around each step); the
 *       VMM's side of the accesses (vmm/access.c).
 * Implements: a debugger's data watchpoint done in software, as gdb does
 *       without debug registers: single steps, each compared. Done this way
 *       it holds in every mode, and it sees what no guest instruction shows:
 *       a page-table bit the VMM set, a word code patching rewrote, a
 *       sector the disk's DMA wrote. A student hunting a culprit is told
 *       who it was.
 *
 * A watchpoint covers guest-physical bytes: a guest-virtual address is
 * translated when it is set, as a breakpoint's is (mon.h). So a watched
 * variable of a user program stays that program's when another one runs
 * at the same virtual address.
 */
#include <stdlib.h>
#include <string.h>

#include "mon.h"

static bool overlaps(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* The watched bytes now, into buf: false when memory no longer holds them
 * (a balloon took the page). */
static bool read_range(const struct mon *m, const struct mon_watch *w, uint8_t *buf)
{
	const struct mem *mem = vm_memory(m->vm);

	if (w->gpa > mem->size || w->len > mem->size - w->gpa)
		return false;
	memcpy(buf, mem->bytes + w->gpa, w->len);
	return true;
}

static void on_access(void *ctx, const struct vm *vm, const struct vm_access *a)
{
	struct mon *m = ctx;
	(void)vm;
	if (m->nacc < MON_ACCESS_LOG)
		m->acc[m->nacc++] = *a;
	else
		m->acc_lost++;
}

static void listen(struct mon *m)
{
	vm_set_access_hook(m->vm, mon_watch_count(m) ? on_access : NULL, m);
}

bool mon_watch_add(struct mon *m, enum mon_watch_kind kind, uint32_t addr, uint32_t len, bool phys,
		   const char *cond, const struct mon_watch **out, char *err, size_t errlen)
{
	uint32_t gpa = addr, size = vm_memory(m->vm)->size;
	struct mon_watch *w = NULL;

	if (len == 0 || len > MON_WATCH_MAX_LEN) {
		snprintf(err, errlen, "a watchpoint covers 1 to %d bytes, not %u", MON_WATCH_MAX_LEN, len);
		return false;
	}
	if (cond && strlen(cond) >= sizeof w->cond) {
		snprintf(err, errlen, "the condition is too long");
		return false;
	}
	if (!phys) {
		/* Every page of the range translated: one run of physical bytes. */
		if (!vm_translate(m->vm, addr, &gpa)) {
			snprintf(err, errlen, "0x%08x is not mapped in the guest's current mode", addr);
			return false;
		}
		for (uint32_t k = 1; k < len; k++) {
			uint32_t p;
			if (((addr + k) & 0xFFF) && k != len - 1)
				continue;
			if (!vm_translate(m->vm, addr + k, &p) || p != gpa + k) {
				snprintf(err, errlen, "0x%08x..0x%08x is not one run of physical memory: watch "
					 "each page apart", addr, addr + len - 1);
				return false;
			}
		}
	}
	if (gpa > size || len > size - gpa) {
		snprintf(err, errlen, "0x%08x..0x%08x lies outside the guest's %u bytes of memory", gpa,
			 gpa + len - 1, size);
		return false;
	}
	for (int i = 0; i < MON_MAX_WATCHES && !w; i++)
		if (!m->watch[i].id)
			w = &m->watch[i];
	if (!w) {
		snprintf(err, errlen, "no room for more than %d watchpoints", MON_MAX_WATCHES);
		return false;
	}
	*w = (struct mon_watch){ .id = m->next_break_id++, .kind = kind, .phys = phys, .va = addr,
				 .gpa = gpa, .len = len };
	snprintf(w->cond, sizeof w->cond, "%s", cond ? cond : "");
	read_range(m, w, w->seen);
	listen(m);
	*out = w;
	return true;
}

bool mon_watch_delete(struct mon *m, unsigned id)
{
	bool found = false;

	for (int i = 0; i < MON_MAX_WATCHES; i++)
		if (m->watch[i].id && (id == 0 || m->watch[i].id == id)) {
			m->watch[i].id = 0;
			found = true;
		}
	listen(m);
	return found;
}

int mon_watch_count(const struct mon *m)
{
	int n = 0;
	for (int i = 0; i < MON_MAX_WATCHES; i++)
		n += m->watch[i].id != 0;
	return n;
}

void mon_watch_resync(struct mon *m)
{
	for (int i = 0; i < MON_MAX_WATCHES; i++)
		if (m->watch[i].id)
			read_range(m, &m->watch[i], m->watch[i].seen);
	listen(m);
}

void mon_watch_before(struct mon *m, struct mon_watch_hit *p)
{
	uint32_t word, ea;
	const struct isa_insn *in;
	unsigned op;

	memset(p, 0, sizeof *p);
	m->nacc = 0;
	m->acc_lost = 0;
	p->pc = vm_pc(m->vm);
	if (!mon_read_word(m, p->pc, &word) || !(in = isa_decode_row(word)))
		return;
	op = in->opcode;
	switch (op) {
	case OP_ldw: case OP_stw: p->len = 4; break;
	case OP_ldh: case OP_ldhu: case OP_sth: p->len = 2; break;
	case OP_ldb: case OP_ldbu: case OP_stb: p->len = 1; break;
	default: return;
	}
	ea = mon_reg_read(m, (int)isa_rs(word)) + (uint32_t)isa_imm(in, word);
	if (!vm_translate(m->vm, ea, &p->gpa)) {
		p->len = 0; /* it will fault: no access */
		return;
	}
	p->by_guest = true;
	p->write = op == OP_stw || op == OP_sth || op == OP_stb;
	p->detail = word;
}

static uint32_t first_word(const uint8_t *b, uint32_t len)
{
	uint32_t v = 0;
	memcpy(&v, b, len < 4 ? len : 4);
	return v;
}

/* Whether w's condition holds where the VM stands (none: it does). A
 * condition that cannot be evaluated stops the run, so that it is seen. */
static bool condition_holds(const struct mon *m, const struct mon_watch *w)
{
	uint32_t v;
	char err[128];

	return !w->cond[0] || !mon_eval_value(m, w->cond, &v, err, sizeof err) || v != 0;
}

/* How w saw the step: filled into h; false when not at all. */
static bool seen_by(const struct mon *m, const struct mon_watch *w, const struct mon_watch_hit *p,
		    bool guest_done, bool changed, struct mon_watch_hit *h)
{
	bool guest = guest_done && p->by_guest && overlaps(p->gpa, p->len, w->gpa, w->len);
	const struct vm_access *a = NULL;

	for (unsigned i = 0; i < m->nacc && !a; i++)
		if (overlaps(m->acc[i].gpa, m->acc[i].len, w->gpa, w->len) &&
		    (w->kind != MON_WATCH_READ || !m->acc[i].write) &&
		    (w->kind != MON_WATCH_WRITE || m->acc[i].write))
			a = &m->acc[i];
	switch (w->kind) {
	case MON_WATCH_WRITE:
		if (!changed)
			return false;
		if (guest && !p->write)
			guest = false;
		break;
	case MON_WATCH_READ:
		if (guest && p->write)
			guest = false;
		if (!guest && !a)
			return false;
		break;
	case MON_WATCH_ACCESS:
		if (!guest && !a && !changed)
			return false;
		break;
	}
	*h = *p;
	h->w = w;
	h->changed = changed;
	if (!guest) {
		h->by_guest = false;
		h->who = a ? a->who : VM_ACCESSORS;
		h->gpa = a ? a->gpa : w->gpa;
		h->len = a ? a->len : w->len;
		h->write = a ? a->write : true;
		h->detail = a ? a->detail : 0;
	}
	return true;
}

bool mon_watch_after(struct mon *m, const struct mon_watch_hit *p, uint64_t retired_before,
		     struct mon_stop *st)
{
	bool guest_done = vm_retired(m->vm) > retired_before, any = false;
	uint8_t now[MON_WATCH_MAX_LEN];

	for (int i = 0; i < MON_MAX_WATCHES; i++) {
		struct mon_watch *w = &m->watch[i];
		struct mon_watch_hit h;
		bool changed;

		if (!w->id || !read_range(m, w, now))
			continue;
		changed = memcmp(now, w->seen, w->len) != 0;
		if (seen_by(m, w, p, guest_done, changed, &h) && !any) {
			h.before = first_word(w->seen, w->len);
			h.after = first_word(now, w->len);
			if (condition_holds(m, w)) {
				if (!m->searching)
					w->hits++;
				m->hit = h;
				st->watch = w;
				any = true;
			}
		}
		memcpy(w->seen, now, w->len);
	}
	m->nacc = 0;
	return any;
}

const char *mon_watch_kind_name(enum mon_watch_kind k)
{
	return k == MON_WATCH_READ ? "rwatch" : k == MON_WATCH_ACCESS ? "awatch" : "watch";
}

void mon_watch_hit_text(const struct mon *m, const struct mon_watch_hit *h, char *buf, size_t len)
{
	const struct mon_watch *w = h->w;
	char where[96] = "", who[192], insn[64];
	size_t n;

	if (h->by_guest) {
		mon_where(m, h->pc, where, sizeof where);
		mon_insn_text(m, h->pc, insn, sizeof insn);
		snprintf(who, sizeof who, "the guest's %s at 0x%08x%s%s", insn, h->pc,
			 where[0] ? " " : "", where);
	} else if (h->who == VM_ACC_DMA) {
		snprintf(who, sizeof who, "the disk's DMA (sector %u)", h->detail);
	} else if (h->who < VM_ACCESSORS) {
		snprintf(who, sizeof who, "%s", vm_accessor_name(h->who));
	} else {
		snprintf(who, sizeof who, "something the monitor was not told of");
	}
	n = (size_t)snprintf(buf, len, "watchpoint %u (%s %s0x%08x, %u byte%s): %s by %s", w->id,
			     mon_watch_kind_name(w->kind), w->phys ? "physical " : "", w->va, w->len,
			     w->len == 1 ? "" : "s", h->write ? "written" : "read", who);
	if (n < len && (h->write || h->changed))
		snprintf(buf + n, len - n, ": 0x%08x -> 0x%08x%s", h->before, h->after,
			 h->changed ? "" : " (unchanged)");
	else if (n < len)
		snprintf(buf + n, len - n, ": 0x%08x", h->after);
}
