/*
 * cpu/mmu.c: paging: the page-table walk, the TLB and page faults.
 * Owns: walking two-level page tables (one table, or nested: the guest's
 *       tables with each guest-physical address through a monitor's table),
 *       setting the accessed and dirty bits, filling and emptying the TLB,
 *       keeping it coherent, and raising PAGEFAULT.
 * Not:  the fast path through a filled TLB entry (exec.c, its paged build);
 *       which context applies in guest mode (vmx.c); what a monitor does
 *       about a fault (vmm/).
 * Implements: ISA.md section 12. The rule a program relies on is that every
 *       user access behaves as if it walked the tables at that moment. The
 *       TLB keeps that true by being emptied at every entry into user mode
 *       (the unmapped kernel's changes can matter only from then on: the
 *       context changes from MMU_OFF, see mmu_use_context) and whenever a
 *       translated store writes a page an entry was walked from ("watched"
 *       pages: such a store never takes the fast path, see fill_entry).
 *       Intel's i386 did neither and asked kernels to flush by hand; this
 *       machine pays for coherence so that every mode stays exact.
 *
 *   PDE  31 ........ 12 11 ...... 1 0       PTE  31 ........ 12 11 .. 5 4 3 2 1 0
 *       | table's page | ignored  |V|           | page         | ignored |D|A|U|W|V|
 */
#include <string.h>

#include "internal.h"
#include "vmx.h"

/* One walk in progress: what it has read, and what it found. */
struct walker {
	struct cpu *c;           /* NULL: no side effects (cpu_translate) */
	const struct cpu *cc;
	const struct mmu_ctx *x;
	bool write;
	struct cpu_walk *trace;  /* or NULL */
	uint32_t pages[8];       /* real pages entries were read from */
	int npages;
	uint32_t refs, nested_refs;
	uint32_t leaf_pa;        /* the guest-visible leaf entry (real address) */
	uint32_t leaf;           /* and its value */
	bool writable;           /* every level lets a store through */
	uint32_t fault;          /* PF_ bits of a fault */
	bool nested;             /* the fault was in the monitor's nested table */
	uint32_t gpa;            /* 2D: the guest-physical address found (or faulting) */
};

static bool fail(struct walker *w, uint32_t bits, bool nested)
{
	w->fault = bits;
	w->nested = nested;
	return false;
}

/* Read the entry at real address pa of a table; false if outside memory. */
static bool read_entry(struct walker *w, uint32_t pa, uint32_t *e, bool nested)
{
	const struct mem *m = &w->cc->mem;

	if ((pa & 3) || m->size < 4 || pa > m->size - 4)
		return false;
	*e = mem_load32(m, pa);
	w->refs++;
	w->nested_refs += nested && w->x->kind == MMU_2D;
	if (w->npages < (int)(sizeof w->pages / sizeof w->pages[0]))
		w->pages[w->npages++] = pa >> PAGE_SHIFT;
	if (w->trace && w->trace->nsteps < (int)(sizeof w->trace->step / sizeof w->trace->step[0]))
		w->trace->step[w->trace->nsteps++] = (struct cpu_walk_step){
			pa & PAGE_MASK, (pa & ~PAGE_MASK) / 4, *e, nested };
	return true;
}

/* The two-level walk of the table whose directory is at real address dir,
 * for address a; *leaf_pa gets the real address of the table entry used. */
static bool table_walk(struct walker *w, uint32_t dir, uint32_t a, bool write, bool nested,
		       uint32_t *pa, uint32_t *leaf_pa, uint32_t *leaf)
{
	uint32_t pde, pte, pte_pa, frame;

	if (!read_entry(w, (dir & PAGE_MASK) + 4 * (a >> 22), &pde, nested))
		return fail(w, PF_B, nested);
	if (!(pde & PTE_V))
		return fail(w, 0, nested);
	pte_pa = (pde & PAGE_MASK) + 4 * ((a >> PAGE_SHIFT) & 0x3FF);
	if (!read_entry(w, pte_pa, &pte, nested))
		return fail(w, PF_B, nested);
	if (!(pte & PTE_V))
		return fail(w, 0, nested);
	if (!(pte & PTE_U) || (write && !(pte & PTE_W)))
		return fail(w, PF_P, nested);
	frame = pte & PAGE_MASK;
	if (frame > w->cc->mem.size - PAGE_SIZE || w->cc->mem.size < PAGE_SIZE)
		return fail(w, PF_B, nested);
	if (!(pte & PTE_W))
		w->writable = false;
	*pa = frame | (a & ~PAGE_MASK);
	*leaf_pa = pte_pa;
	*leaf = pte;
	return true;
}

/* Guest-physical gpa to real: beyond the guest's memory is its own fault
 * (the bare machine's "outside memory"); otherwise the nested table, or
 * the region when the monitor gave none. */
static bool nested_xlate(struct walker *w, uint32_t gpa, bool write, uint32_t *pa)
{
	const struct mmu_ctx *x = w->x;
	uint32_t leaf_pa, leaf;

	w->gpa = gpa; /* what an NPF names, when the nested table lacks it */
	if (gpa >= x->limit)
		return fail(w, PF_B, false);
	if (!x->nroot) {
		*pa = x->offset + gpa;
		return true;
	}
	return table_walk(w, x->nroot, gpa, write, true, pa, &leaf_pa, &leaf);
}

/* Nested paging's two-dimensional walk: the guest's directory and table
 * entries are read at guest-physical addresses, each one translated by
 * the nested table first (Bhargava et al., ASPLOS 2008, count 24
 * references for x86's four levels; two levels here make eight). */
static bool walk_2d(struct walker *w, uint32_t va, uint32_t *pa)
{
	const struct mmu_ctx *x = w->x;
	uint32_t p, pde, pte, pte_gpa;

	/* A table entry's own nested mapping is read, never written through
	 * by the access: it needs no W (the walk's A and D updates are the
	 * machine's, not the program's). */
	if (!nested_xlate(w, (x->root & PAGE_MASK) + 4 * (va >> 22), false, &p))
		return false;
	if (!read_entry(w, p, &pde, false))
		return fail(w, PF_B, false);
	if (!(pde & PTE_V))
		return fail(w, 0, false);
	pte_gpa = (pde & PAGE_MASK) + 4 * ((va >> PAGE_SHIFT) & 0x3FF);
	if (!nested_xlate(w, pte_gpa, false, &p))
		return false;
	if (!read_entry(w, p, &pte, false))
		return fail(w, PF_B, false);
	if (!(pte & PTE_V))
		return fail(w, 0, false);
	if (!(pte & PTE_U) || (w->write && !(pte & PTE_W)))
		return fail(w, PF_P, false);
	/* A page lying partly outside the guest's memory faults, as on the
	 * bare machine (table_walk). The nested table lacks such a page, but
	 * without one (nroot 0: the guest turned paging on since its entry)
	 * the region's offset alone would map the whole of it, the bytes past
	 * the region's end included (tests/vmm_paging_hostile_test.c,
	 * tables_in_a_last_partial_page_in_every_mode). */
	if ((pte & PAGE_MASK) > x->limit - PAGE_SIZE || x->limit < PAGE_SIZE)
		return fail(w, PF_B, false);
	if (!(pte & PTE_W))
		w->writable = false;
	w->leaf_pa = p;
	w->leaf = pte;
	w->gpa = (pte & PAGE_MASK) | (va & ~PAGE_MASK);
	if (w->trace)
		w->trace->gpa = w->gpa;
	return nested_xlate(w, w->gpa, w->write, pa);
}

/* Walk va in w's context: true with the real address in *pa. */
static bool walk(struct walker *w, uint32_t va, uint32_t *pa)
{
	w->writable = true;
	w->fault = 0;
	w->nested = false;
	if (w->x->kind == MMU_2D)
		return walk_2d(w, va, pa);
	return table_walk(w, w->x->root, va, w->write, w->x->nested_faults, pa, &w->leaf_pa,
			  &w->leaf);
}

/* ---- the context and the TLB --------------------------------------------- */

void cpu_mmu_context(const struct cpu *c, struct mmu_ctx *x)
{
	memset(x, 0, sizeof *x);
	if (c->guest_mode) {
		vmx_mmu_context(c, x);
		return;
	}
	if (!(c->psw & PSW_S) && (c->sr[SR_ptb] & PTB_P)) {
		x->kind = MMU_1D;
		x->root = c->sr[SR_ptb] & PAGE_MASK;
	}
}

bool cpu_paging(const struct cpu *c)
{
	struct mmu_ctx x;
	cpu_mmu_context(c, &x);
	return x.kind != MMU_OFF;
}

static bool same_context(const struct mmu_ctx *a, const struct mmu_ctx *b)
{
	return a->kind == b->kind && a->root == b->root && a->nroot == b->nroot &&
	       a->limit == b->limit && a->offset == b->offset && a->nested_faults == b->nested_faults;
}

void cpu_tlb_flush(struct cpu *c)
{
	struct tlb *t = &c->tlb;

	memset(t->rtag, 0xFF, sizeof t->rtag);
	memset(t->wtag, 0xFF, sizeof t->wtag);
	for (uint32_t i = 0; i < t->nwatch; i++)
		t->watched[t->watch_list[i]] = 0;
	t->nwatch = 0;
	t->flushes++;
}

void mmu_use_context(struct cpu *c, const struct mmu_ctx *x)
{
	if (c->tlb.valid && same_context(&c->tlb.ctx, x))
		return;
	cpu_tlb_flush(c);
	c->tlb.ctx = *x;
	c->tlb.valid = true;
}

/* A store through entry i of the TLB may no longer take the fast path:
 * its page now holds an entry some translation was walked from. */
static void watch_page(struct cpu *c, uint32_t page)
{
	struct tlb *t = &c->tlb;

	if (t->watched[page])
		return;
	if (t->nwatch == TLB_WATCH_MAX)
		cpu_tlb_flush(c);
	t->watched[page] = 1;
	t->watch_list[t->nwatch++] = page;
	for (int i = 0; i < TLB_SIZE; i++)
		if (t->wtag[i] != ~0u && t->frame[i] >> PAGE_SHIFT == page)
			t->wtag[i] = ~0u;
}

/* Set the accessed bit, and the dirty bit for a store, in the leaf the
 * walk used, before the access (ISA.md section 12, step 4). */
static void set_accessed(struct cpu *c, struct walker *w)
{
	uint32_t e = w->leaf | PTE_A | (w->write ? PTE_D : 0);

	if (e == w->leaf)
		return;
	memcpy(c->mem.bytes + w->leaf_pa, &e, 4);
	mem_invalidate(&c->mem, w->leaf_pa, 4);
	w->leaf = e;
}

/* Enter the translation of va's page, walked for an access of kind acc,
 * into the TLB. */
static void fill_entry(struct cpu *c, struct walker *w, uint32_t va, uint32_t pa, unsigned acc)
{
	struct tlb *t = &c->tlb;
	uint32_t vpn = va >> PAGE_SHIFT, i = vpn & (TLB_SIZE - 1), frame = pa & PAGE_MASK;

	for (int k = 0; k < w->npages; k++)
		watch_page(c, w->pages[k]);
	t->fills++;
	t->walk_refs += w->refs;
	/* A 1D walk of a nested table (a guest's unmapped kernel under nested
	 * paging) is all nested references: the bare machine makes none. */
	t->nested_refs += w->x->kind == MMU_1D && w->x->nested_faults ? w->refs : w->nested_refs;
	/* A fetch's walk never evicts another page's entry. The loop runs
	 * code from the frame the walk gave it (its window), so the code page
	 * needs no entry; a load that missed needs its own to last until it
	 * is run again from resync, which walks the code page first. With
	 * the eviction, a load from a page that shares the code page's entry
	 * (1 MiB apart) missed for ever: the machine hung without retiring
	 * (tests/vmm_paging_hostile_test.c, paging_hostile,
	 * a_load_sharing_the_code_pages_tlb_entry_completes_regression). Not
	 * caching is always allowed: the watched pages above keep the window
	 * coherent. */
	if (acc == ACC_FETCH && t->rtag[i] != ~0u && t->rtag[i] != vpn)
		return;
	t->rtag[i] = vpn;
	t->frame[i] = frame;
	t->delta[i] = (uintptr_t)c->mem.bytes + frame - (uintptr_t)(va & PAGE_MASK);
	/* A store may go straight through only when it needs no dirty bit set
	 * and cannot change a translation (a watched page). */
	t->wtag[i] = w->writable && (w->leaf & PTE_D) && !t->watched[frame >> PAGE_SHIFT] ? vpn : ~0u;
}

int mmu_fault(struct cpu *c, const struct mmu_ctx *x, uint32_t va, uint32_t info, bool nested,
	      uint32_t epc, uint32_t pc)
{
	(void)x;
	if (nested && c->guest_mode)
		return vmx_nested_fault(c, va, info);
	return cpu_trap_info(c, CAUSE_PAGEFAULT, va, info, epc, pc);
}

/* The walk for an access of kind acc at va, with its side effects:
 * MMU_FILLED with *pa, or what raising the trap returned. */
static int translate_for(struct cpu *c, const struct mmu_ctx *x, uint32_t va, unsigned acc,
			 uint32_t *pa)
{
	struct walker w = { .c = c, .cc = c, .x = x, .write = acc == ACC_WRITE };

	if (x->kind == MMU_1D && x->limit && va >= x->limit)
		return cpu_trap(c, CAUSE_BOUNDS, va, c->pc, c->pc);
	if (!walk(&w, va, pa))
		return mmu_fault(c, x, w.nested && x->kind == MMU_2D ? w.gpa : va,
				 w.fault | (acc & (PF_W | PF_X)), w.nested, c->pc, c->pc);
	set_accessed(c, &w);
	fill_entry(c, &w, va, *pa, acc);
	return MMU_FILLED;
}

int mmu_fill(struct cpu *c, const struct mmu_ctx *x, uint32_t va, unsigned acc, uint32_t *frame)
{
	uint32_t pa;
	int why = translate_for(c, x, va, acc, &pa);

	if (why == MMU_FILLED && frame)
		*frame = pa & PAGE_MASK;
	return why;
}

int mmu_fetchable(struct cpu *c, const struct mmu_ctx *x, uint32_t va)
{
	uint32_t i = (va >> PAGE_SHIFT) & (TLB_SIZE - 1);

	if (c->tlb.rtag[i] == va >> PAGE_SHIFT)
		return MMU_FILLED;
	return mmu_fill(c, x, va, ACC_FETCH, NULL);
}

int mmu_store(struct cpu *c, const struct mmu_ctx *x, uint32_t va, uint32_t v, unsigned size)
{
	uint32_t pa;
	int why = translate_for(c, x, va, ACC_WRITE, &pa);

	if (why != MMU_FILLED)
		return why;
	/* Little-endian, as the fast path's memcpy of a uint32_t on the host. */
	for (unsigned k = 0; k < size; k++)
		c->mem.bytes[pa + k] = (uint8_t)(v >> (8 * k));
	mem_invalidate(&c->mem, pa, size);
	if (c->tlb.watched[pa >> PAGE_SHIFT])
		cpu_tlb_flush(c); /* it may have changed a translation: coherence */
	return MMU_FILLED;
}

/* ---- translations without side effects ----------------------------------- */

bool cpu_translate(const struct cpu *c, uint32_t va, uint32_t *pa)
{
	struct mmu_ctx x;
	uint32_t base, lim;

	cpu_mmu_context(c, &x);
	if (x.kind == MMU_OFF) {
		cpu_window(c, &base, &lim);
		if (va >= lim)
			return false;
		*pa = base + va;
		return true;
	}
	if (x.kind == MMU_1D && x.limit && va >= x.limit)
		return false;
	struct walker w = { .cc = c, .x = &x };
	return walk(&w, va, pa);
}

void cpu_walk_trace(const struct cpu *c, const struct mmu_ctx *x, uint32_t va, bool write,
		    struct cpu_walk *t)
{
	struct walker w = { .cc = c, .x = x, .write = write, .trace = t };

	memset(t, 0, sizeof *t);
	t->ok = walk(&w, va, &t->pa);
	t->fault = w.fault | (write ? PF_W : 0);
	if (x->kind == MMU_1D)
		t->gpa = t->pa;
}
