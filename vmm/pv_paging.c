/*
 * vmm/pv_paging.c: paravirtual page tables: Xen's direct paging.
 * Owns: the monitor's side of HC_PIN, HC_UNPIN, HC_MMU_UPDATE and
 *       HC_SET_PTB (isa-spec/hypercalls.def): which guest pages are page
 *       tables, checking every entry before it is made, the table the PV
 *       kernel itself runs on (its tables read-only there), and its page
 *       faults.
 * Not:  the other hypercalls, the shared page and the ring (pv.c); shadow
 *       paging (shadow.c), which pv mode uses for a guest that is not the
 *       paravirtual kernel.
 * Implements: Barham et al., "Xen and the Art of Virtualization", SOSP
 *       2003, section 3.3.2: the guest's page tables are registered with the
 *       monitor ("pinned") and are then read-only to the guest; it reads them
 *       freely, but asks for every update, in batches, and the monitor checks
 *       each one. They hold machine addresses, so the real processor walks
 *       them as they are: no shadow, no hidden fault, no tracing fault; a
 *       user page fault is the guest's own. Resource control rests on the
 *       checks: an entry may map only a page of the guest's region, a page
 *       table is never mapped writable, a directory points only at pinned
 *       tables, and no DMA or balloon touches a pinned page. Equivalence is
 *       given up, as for the rest of pv: the kernel knows.
 */
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"
#include "vmm_internal.h"

enum { NOT_PINNED, PIN_TABLE = 1, PIN_DIR = 2, MAX_BATCH = 1024 };

struct pvmm {
	uint32_t npages;     /* guest-physical pages (of the full region) */
	uint8_t *pinned;     /* per page: NOT_PINNED, PIN_TABLE, PIN_DIR */
	uint16_t *refs;      /* per table: directory entries pointing at it */
	uint16_t *maps;      /* per page: valid entries of pinned tables mapping it */
	uint16_t *wmaps;     /* of which writable */
	uint32_t pmap;       /* the physical map the kernel runs on, once paging began */
	uint32_t ptb;        /* the address space in use: a pinned directory's machine
	                      * address and the paging bit, or 0 */
};

bool vmm_pv_paging_create(struct vm *vm)
{
	struct pvmm *m = calloc(1, sizeof *m);
	uint32_t n = vm->region_size / PAGE_SIZE + 1;

	vm->pvmm = m;
	if (!m)
		return false;
	m->npages = n;
	m->pinned = calloc(n, 1);
	m->refs = calloc(n, sizeof *m->refs);
	m->maps = calloc(n, sizeof *m->maps);
	m->wmaps = calloc(n, sizeof *m->wmaps);
	return m->pinned && m->refs && m->maps && m->wmaps;
}

void vmm_pv_paging_destroy(struct vm *vm)
{
	struct pvmm *m = vm->pvmm;

	if (!m)
		return;
	free(m->pinned);
	free(m->refs);
	free(m->maps);
	free(m->wmaps);
	free(m);
	vm->pvmm = NULL;
}

bool vmm_pv_paging_on(const struct vm *vm)
{
	return vm->pvmm && vm->pvmm->pmap;
}

uint32_t vmm_pv_root(struct vm *vm, bool supervisor)
{
	struct pvmm *m = vm->pvmm;

	if (supervisor)
		return m->pmap;
	return m->ptb & PTB_P ? m->ptb & PAGE_MASK : 0;
}

/* The guest page of machine address a whose whole page lies in the
 * region, or -1. */
static int64_t page_of(const struct vm *vm, uint32_t a)
{
	uint32_t gpa = a - vm->region_base;

	if (a < vm->region_base || gpa >= vm->region_size || vm->region_size - gpa < PAGE_SIZE)
		return -1;
	return gpa / PAGE_SIZE;
}

/* May entry e stand in a page of this kind? */
static bool entry_ok(const struct vm *vm, const struct pvmm *m, int kind, uint32_t e)
{
	int64_t g;

	if (!(e & PTE_V))
		return true; /* the hardware ignores it */
	g = page_of(vm, e & PAGE_MASK);
	if (g < 0)
		return false; /* not the guest's memory */
	if (kind == PIN_DIR)
		return m->pinned[g] == PIN_TABLE;
	return !(e & PTE_W) || m->pinned[g] == NOT_PINNED; /* no table mapped writable */
}

/* Count entry e in (add = +1) or out (-1) of the pinned world. */
static void count(const struct vm *vm, struct pvmm *m, int kind, uint32_t e, int add)
{
	int64_t g;

	if (!(e & PTE_V) || (g = page_of(vm, e & PAGE_MASK)) < 0)
		return;
	if (kind == PIN_DIR) {
		m->refs[g] = (uint16_t)(m->refs[g] + add);
		return;
	}
	m->maps[g] = (uint16_t)(m->maps[g] + add);
	if (e & PTE_W)
		m->wmaps[g] = (uint16_t)(m->wmaps[g] + add);
}

static uint32_t entry_at(const struct vm *vm, uint32_t g, uint32_t i)
{
	return mem_load32(&vm->vcpu.mem, g * PAGE_SIZE + 4 * i);
}

/* Pages the monitor itself writes (the shared page, the ring) never
 * become page tables. */
static bool monitor_writes(const struct vm *vm, uint32_t g)
{
	return vmm_pv_monitor_writes(vm, g * PAGE_SIZE, PAGE_SIZE);
}

static int pin(struct vm *vm, struct pvmm *m, uint32_t a, uint32_t kind)
{
	int64_t g = page_of(vm, a);

	if ((a & ~PAGE_MASK) || g < 0 || (kind != PIN_TABLE && kind != PIN_DIR) ||
	    m->pinned[g] || m->wmaps[g] || monitor_writes(vm, (uint32_t)g))
		return -1;
	for (uint32_t i = 0; i < 1024; i++)
		if (!entry_ok(vm, m, (int)kind, entry_at(vm, (uint32_t)g, i)))
			return -1;
	for (uint32_t i = 0; i < 1024; i++)
		count(vm, m, (int)kind, entry_at(vm, (uint32_t)g, i), +1);
	m->pinned[g] = (uint8_t)kind;
	if (!m->pmap)
		m->pmap = vmm_physmap_build(vm);
	vmm_physmap_protect(vm, m->pmap, (uint32_t)g * PAGE_SIZE, true);
	return 0;
}

static int unpin(struct vm *vm, struct pvmm *m, uint32_t a)
{
	int64_t g = page_of(vm, a);

	if ((a & ~PAGE_MASK) || g < 0 || !m->pinned[g] ||
	    (m->pinned[g] == PIN_TABLE && m->refs[g]) ||
	    (m->pinned[g] == PIN_DIR && (m->ptb & PAGE_MASK) == a))
		return -1;
	for (uint32_t i = 0; i < 1024; i++)
		count(vm, m, m->pinned[g], entry_at(vm, (uint32_t)g, i), -1);
	m->pinned[g] = NOT_PINNED;
	vmm_physmap_protect(vm, m->pmap, (uint32_t)g * PAGE_SIZE, false);
	return 0;
}

/* One update: entry at machine address a becomes e, if it may. */
static bool update(struct vm *vm, struct pvmm *m, uint32_t a, uint32_t e)
{
	int64_t g = page_of(vm, a);
	uint32_t gpa = a - vm->region_base, old;
	int kind;

	if ((a & 3) || g < 0 || !m->pinned[g])
		return false;
	kind = m->pinned[g];
	if (!entry_ok(vm, m, kind, e))
		return false;
	old = mem_load32(&vm->vcpu.mem, gpa);
	count(vm, m, kind, old, -1);
	count(vm, m, kind, e, +1);
	mem_write(&vm->vcpu.mem, gpa, &e, 4);
	vmm_note_access(vm, VM_ACC_PV_MMU, gpa, 4, true, e);
	return true;
}

int vmm_pv_mmu_hypercall(struct vm *vm, uint32_t code)
{
	struct pvmm *m = vm->pvmm;
	struct cpu *v = &vm->vcpu;
	uint32_t r1 = v->r[1], r2 = v->r[2], done = 0;

	switch (code) {
	case HC_PIN:
		v->r[1] = (uint32_t)pin(vm, m, r1, r2);
		break;
	case HC_UNPIN:
		v->r[1] = (uint32_t)unpin(vm, m, r1);
		break;
	case HC_SET_PTB:
		v->r[1] = 0;
		if (!(r1 & PTB_P))
			m->ptb = 0; /* user mode relocated by base and limit again */
		else if (page_of(vm, r1 & PAGE_MASK) >= 0 && m->pinned[page_of(vm, r1 & PAGE_MASK)] == PIN_DIR)
			m->ptb = r1 & (PAGE_MASK | PTB_P);
		else
			v->r[1] = (uint32_t)-1;
		break;
	case HC_MMU_UPDATE:
		if (r2 > MAX_BATCH || !mem_in_range(&v->mem, r1, 8 * r2) || (r1 & 3)) {
			v->r[1] = (uint32_t)-1;
			break;
		}
		for (; done < r2; done++) {
			uint32_t a = mem_load32(&v->mem, r1 + 8 * done);
			uint32_t e = mem_load32(&v->mem, r1 + 8 * done + 4);
			if (!update(vm, m, a, e)) {
				vm->stats.mmu.refused++;
				break;
			}
		}
		vm->stats.mmu.updates += done;
		vmm_charge(vm, (uint64_t)done * vmm_cost(vm, VMM_C_MMU_UPDATE));
		v->r[1] = done;
		break;
	default:
		return VMM_GO_ON;
	}
	if (code != HC_MMU_UPDATE && v->r[1] == (uint32_t)-1)
		vm->stats.mmu.refused++;
	/* The real processor may have cached what changed. */
	cpu_tlb_flush(&vm->real);
	return VMM_GO_ON;
}

bool vmm_pv_may_write(const struct vm *vm, uint32_t gpa, uint32_t len)
{
	const struct pvmm *m = vm->pvmm;

	if (!m || !len)
		return true;
	for (uint32_t g = gpa / PAGE_SIZE; g <= (gpa + len - 1) / PAGE_SIZE && g < m->npages; g++)
		if (m->pinned[g])
			return false;
	return true;
}

bool vmm_pv_may_give(const struct vm *vm, uint32_t gpa)
{
	const struct pvmm *m = vm->pvmm;
	uint32_t g = gpa / PAGE_SIZE;

	if (!m || g >= m->npages)
		return true;
	if (m->pinned[g] || m->maps[g])
		return false;
	vmm_physmap_unmap((struct vm *)vm, m->pmap, gpa);
	return true;
}

int vmm_pv_fault(struct vm *vm, const struct cpu_trap *t)
{
	struct cpu *v = &vm->vcpu;

	if (cpu_in_supervisor(v)) {
		/* The kernel, on the physical map: past its memory is the bare
		 * machine's BOUNDS; a write to a pinned table is its own fault
		 * (it should have asked); what the map leaves out of a partial
		 * last page runs interpreted. */
		if (t->detail >= v->mem.size)
			return vmm_reflect_trap(vm, CAUSE_BOUNDS, t->detail, t->epc, t->pc, VM_REFLECTED);
		if ((t->info & PF_W) && vm->pvmm->pinned[t->detail / PAGE_SIZE])
			return vmm_reflect_page_fault(vm, t->detail, t->info, t->epc, t->pc);
		enum cpu_stop s = vmm_interpret_one(vm);
		return s == STOP_LIMIT ? VMM_GO_ON : (int)s;
	}
	/* A process's fault on the guest's own tables: its own, as it stands. */
	vm->stats.mmu.true_faults++;
	return vmm_reflect_page_fault(vm, t->detail, t->info, t->epc, t->pc);
}

/* ---- snapshots: the page types and their counts, the physical map, the
 * address space in use. The pinned tables' entries are machine addresses
 * the real processor walks as they are: a restored VM's are checked as a
 * pin checks them (vmm_pv_paging_check, once memory is in). */

void vmm_pv_paging_save(const struct vm *vm, struct snap_buf *b)
{
	const struct pvmm *m = vm->pvmm;

	snap_put_u32(b, m->npages);
	snap_put_bytes(b, m->pinned, m->npages);
	snap_put_u16s(b, m->refs, m->npages);
	snap_put_u16s(b, m->maps, m->npages);
	snap_put_u16s(b, m->wmaps, m->npages);
	snap_put_u32(b, m->pmap);
	snap_put_u32(b, m->ptb);
}

bool vmm_pv_paging_load(struct vm *vm, struct snap_rd *r, char *err, size_t errlen)
{
	struct pvmm *m = vm->pvmm;

	if (snap_get_u32(r) != m->npages) {
		snprintf(err, errlen, "page types of another memory size");
		return false;
	}
	snap_get_bytes(r, m->pinned, m->npages);
	snap_get_u16s(r, m->refs, m->npages);
	snap_get_u16s(r, m->maps, m->npages);
	snap_get_u16s(r, m->wmaps, m->npages);
	m->pmap = snap_get_u32(r);
	m->ptb = snap_get_u32(r);
	if (r->bad)
		return false;
	for (uint32_t g = 0; g < m->npages; g++)
		if (m->pinned[g] > PIN_DIR) {
			snprintf(err, errlen, "page %u has no page type", g);
			return false;
		}
	if ((m->pmap && !vmm_pool_has_page(vm, m->pmap)) ||
	    (m->ptb && ((m->ptb & ~(PAGE_MASK | PTB_P)) || !(m->ptb & PTB_P)))) {
		snprintf(err, errlen, "the physical map or the address space is not the monitor's");
		return false;
	}
	return true;
}

bool vmm_pv_paging_check(const struct vm *vm, char *err, size_t errlen)
{
	const struct pvmm *m = vm->pvmm;
	int64_t root = m->ptb ? page_of(vm, m->ptb & PAGE_MASK) : 0;

	if (root < 0 || (m->ptb && m->pinned[root] != PIN_DIR)) {
		snprintf(err, errlen, "the address space in use is no pinned directory");
		return false;
	}
	for (uint32_t g = 0; g < m->npages; g++) {
		if (!m->pinned[g])
			continue;
		if (page_of(vm, vm->region_base + g * PAGE_SIZE) < 0) {
			snprintf(err, errlen, "page %u is pinned but not wholly the guest's", g);
			return false;
		}
		for (uint32_t i = 0; i < 1024; i++)
			if (!entry_ok(vm, m, m->pinned[g], entry_at(vm, g, i))) {
				snprintf(err, errlen, "pinned page %u maps what a pin would refuse", g);
				return false;
			}
	}
	return true;
}
