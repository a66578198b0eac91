/*
 * tools/mon/mon_paging.c: paging as the monitor shows it: info tlb and
 *       info pagetable.
 * Owns: the text of a translation's walk, level by level, the guest's own
 *       and the real processor's, and of the TLB's entries.
 * Not:  walking (cpu/mmu.c, vm_page_walk in vmm/vm.c); the commands
 *       (mon_cmd.c).
 * Implements: the lecture's three address spaces made visible: guest
 *       virtual, guest physical, machine physical; and which table the
 *       hardware really walks under each technique (ISA.md section 12).
 */
#include <string.h>

#include "mon.h"

/* "V W U A D" for an entry's bits. */
static void entry_bits(uint32_t e, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s", e & PTE_V ? "V" : "-", e & PTE_W ? "W" : "-",
		 e & PTE_U ? "U" : "-", e & PTE_A ? "A" : "-", e & PTE_D ? "D" : "-");
}

static void fault_text(uint32_t f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", f & PF_P ? "protection" : "not present",
		 f & PF_B ? ", outside memory" : "", f & PF_W ? ", on a store" : "",
		 f & PF_X ? ", on a fetch" : "");
}

static void show_walk(const struct cpu_walk *w, const char *space, FILE *out)
{
	char bits[8], why[64];
	int level[2] = { 0, 0 }; /* steps so far of the guest's tables, and of the nested */

	for (int i = 0; i < w->nsteps; i++) {
		const struct cpu_walk_step *s = &w->step[i];
		bool table = level[s->nested]++ % 2;
		entry_bits(s->entry, bits, sizeof bits);
		fprintf(out, "    %s%s at %s 0x%08x [%4u] = 0x%08x %s\n", s->nested ? "nested " : "",
			table ? "table    " : "directory", space, s->table, s->index, s->entry, bits);
	}
	if (!w->ok) {
		fault_text(w->fault, why, sizeof why);
		fprintf(out, "    => page fault (%s)\n", why);
	}
}

void mon_show_pagetable(const struct mon *m, uint32_t va, FILE *out)
{
	struct vm_page_walk w;

	vm_page_walk(m->vm, va, &w);
	if (!w.paging) {
		fprintf(out, "paging is off in the guest's user mode: user addresses are relocated by "
			"base and limit (ISA.md section 2)\n");
		return;
	}
	fprintf(out, "guest virtual 0x%08x, through the guest's own tables (ptb 0x%08x):\n", va,
		vm_sreg(m->vm, SR_ptb));
	show_walk(&w.guest, strcmp(w.how, "direct") ? "guest-physical" : "machine", out);
	if (w.guest.ok)
		fprintf(out, "    => guest physical 0x%08x = machine physical 0x%08x\n", w.guest.pa,
			strcmp(w.how, "direct") ? w.region_base + w.guest.pa : w.guest.pa);
	if (!strcmp(w.how, "bare") || !strcmp(w.how, "direct")) {
		fprintf(out, "the real processor walks these same tables (%s)\n",
			!strcmp(w.how, "bare") ? "no monitor" : "direct paging: they hold machine addresses");
		return;
	}
	if (!strcmp(w.how, "interpreted")) {
		fprintf(out, "the monitor interprets every instruction: its interpreter walks the guest's "
			"tables itself\n");
		return;
	}
	if (!w.has_real) {
		fprintf(out, "the monitor has no shadow of this address space yet: the first access "
			"will be a hidden page fault\n");
		return;
	}
	fprintf(out, "what the real processor walks (%s):\n",
		!strcmp(w.how, "shadow") ? "the monitor's shadow table" : "nested paging: the guest's "
		"tables, each guest-physical address through the nested table");
	show_walk(&w.real, "machine", out);
	if (w.real.ok)
		fprintf(out, "    => machine physical 0x%08x\n", w.real.pa);
}

void mon_show_tlb(const struct mon *m, FILE *out)
{
	const struct cpu *r = vm_real_cpu(m->vm);
	const struct tlb *t = &r->tlb;
	static const char *const kinds[] = { "off", "one table", "nested (two-dimensional)" };
	int n = 0;

	fprintf(out, "the real processor's TLB: %u entries, direct-mapped; %s\n", TLB_SIZE,
		t->valid ? kinds[t->ctx.kind] : "empty until the next paged user instruction");
	if (t->valid && t->ctx.kind != MMU_OFF)
		fprintf(out, "  its context: %s at 0x%08x%s\n", t->ctx.kind == MMU_2D ? "guest directory" : "directory",
			t->ctx.root, t->ctx.kind == MMU_2D && t->ctx.nroot ? ", nested directory beside it" : "");
	fprintf(out, "  %llu fills, %llu flushes, %llu walk references (%llu to a nested table)\n",
		(unsigned long long)t->fills, (unsigned long long)t->flushes,
		(unsigned long long)t->walk_refs, (unsigned long long)t->nested_refs);
	for (int i = 0; t->valid && i < TLB_SIZE; i++) {
		if (t->rtag[i] == ~0u)
			continue;
		if (n++ == 0)
			fprintf(out, "  %-10s %-12s %s\n", "virtual", "machine", "stores");
		fprintf(out, "  0x%08x 0x%08x   %s\n", t->rtag[i] << PAGE_SHIFT, t->frame[i],
			t->wtag[i] == t->rtag[i] ? "at full speed" : "checked (read only, clean or watched)");
	}
	if (t->valid && !n)
		fprintf(out, "  (no entries)\n");
}
