/*
 * tools/tui/tui_paging.c: the page-table view of the TUI's memory pane.
 * Owns: drawing, for the guest's current address space, each mapped user
 *       page: the guest's own entry (guest virtual to guest physical), and
 *       the entry the real processor walks for it (the shadow's, nested
 *       paging's, or the paravirtual kernel's own), and the TLB's fill.
 * Not:  walking (vm_page_walk, cpu/mmu.c); the key that shows it (tui.c).
 * Implements: ISA.md section 12 as the lecture draws it: guest virtual,
 *       guest physical, machine physical, and the table each technique
 *       really hands the hardware.
 */
#include <string.h>

#include "tui.h"

static void bits(uint32_t e, char *buf)
{
	buf[0] = e & PTE_V ? 'V' : '-';
	buf[1] = e & PTE_W ? 'W' : '-';
	buf[2] = e & PTE_U ? 'U' : '-';
	buf[3] = e & PTE_A ? 'A' : '-';
	buf[4] = e & PTE_D ? 'D' : '-';
	buf[5] = 0;
}

/* The leaf entry of a walk: its last step that is not the nested table's. */
static uint32_t leaf_of(const struct cpu_walk *w, bool nested)
{
	for (int i = w->nsteps - 1; i >= 0; i--)
		if (w->step[i].nested == nested)
			return w->step[i].entry;
	return 0;
}

/* Draw the row of the page at va; false when there is no room left. */
static bool draw_page(struct tui *t, const struct tui_rect *r, int *row, int *skip, uint32_t va)
{
	struct vm_page_walk w;
	char gb[8], rb[8], line[128];

	if ((*skip)-- > 0)
		return true;
	if (*row >= r->h)
		return false;
	vm_page_walk(t->m->vm, va, &w);
	bits(leaf_of(&w.guest, false), gb);
	if (!w.has_real || !strcmp(w.how, "bare") || !strcmp(w.how, "direct"))
		snprintf(line, sizeof line, "%08x  %08x %s", va, w.guest.ok ? w.guest.pa & PAGE_MASK : 0, gb);
	else if (!w.real.ok)
		snprintf(line, sizeof line, "%08x  %08x %s   (not yet: a hidden fault)", va,
			 w.guest.pa & PAGE_MASK, gb);
	else {
		bits(leaf_of(&w.real, !strcmp(w.how, "nested")), rb);
		snprintf(line, sizeof line, "%08x  %08x %s   %08x %s", va, w.guest.pa & PAGE_MASK, gb,
			 w.real.pa & PAGE_MASK, rb);
	}
	tui_put(r, (*row)++, 0, w.guest.ok ? A_NORMAL : A_DIM, false, line);
	return true;
}

void tui_draw_pages(struct tui *t)
{
	const struct tui_rect *r = &t->pane[PANE_MEMORY];
	const struct vm *vm = t->m->vm;
	const struct mem *gm = vm_memory(vm);
	const struct tlb *tlb = &vm_real_cpu(vm)->tlb;
	struct vm_page_walk w;
	char title[160];
	int row = 2, skip = t->mem_scroll > 0 ? t->mem_scroll : 0, used = 0;
	uint32_t dir;

	vm_page_walk(vm, 0, &w);
	for (int i = 0; i < TLB_SIZE; i++)
		used += tlb->rtag[i] != ~0u;
	if (!w.paging) {
		tui_pane_title(t, PANE_MEMORY, 0, "page tables (p: memory)");
		tui_putf(r, 1, 0, A_NORMAL, "paging is off: user addresses are relocated by base %08x,",
			 vm_sreg(vm, SR_base));
		tui_putf(r, 2, 0, A_NORMAL, "limit %08x (P&G's relocation-bounds register)",
			 vm_sreg(vm, SR_limit));
		return;
	}
	snprintf(title, sizeof title, "page tables, %s; TLB %d/%d (p: memory)", w.how, used, TLB_SIZE);
	tui_pane_title(t, PANE_MEMORY, 0, title);
	tui_put(r, 1, 0, A_DIM, false,
		!strcmp(w.how, "bare") || !strcmp(w.how, "direct") || !strcmp(w.how, "interpreted")
			? "virtual   physical bits"
			: "virtual   guest-phys bits    machine  bits (the real walk)");
	/* The guest's directory, guest-physical (direct paging's is a machine
	 * address: its region's base comes off). */
	dir = w.guest.nsteps ? w.guest.step[0].table : 0;
	if (!strcmp(w.how, "direct"))
		dir -= w.region_base;
	for (uint32_t i = 0; i < 1024; i++) {
		uint32_t pde, pt;
		if (!mem_in_range(gm, dir + 4 * i, 4))
			break;
		pde = mem_load32(gm, dir + 4 * i);
		if (!(pde & PTE_V))
			continue;
		pt = (pde & PAGE_MASK) - (!strcmp(w.how, "direct") ? w.region_base : 0);
		for (uint32_t j = 0; j < 1024 && mem_in_range(gm, pt + 4 * j, 4); j++)
			if ((mem_load32(gm, pt + 4 * j) & PTE_V) &&
			    !draw_page(t, r, &row, &skip, i << 22 | j << PAGE_SHIFT))
				return;
	}
	if (row == 2)
		tui_put(r, 2, 0, A_DIM, false, "(no page mapped)");
}
