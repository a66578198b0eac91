/*
 * vmm/physmap.c: the monitor's own page tables: their pool of real pages,
 *       and the table that maps guest-physical memory onto the region.
 * Owns: the pool (real pages after the VM's region, which no guest mapping
 *       ever reaches), taking and giving back its pages, and building a
 *       "physical map": a two-level table whose entry for guest-physical
 *       page p maps real page region_base + p, for every whole page of the
 *       region. The same shape serves as the table a shadowing monitor runs
 *       the guest's unmapped kernel on (with the guest's page tables made
 *       read-only, so that writing them exits) and as nested paging's table
 *       (nothing read-only).
 * Not:  shadow tables' contents (shadow.c); the nested walk (cpu/mmu.c).
 * Implements: P&G's resource control for paged guests: every table the real
 *       processor walks is the monitor's, in memory the guest cannot name,
 *       and maps only the guest's own region. A last page the region holds
 *       only in part is left out: the monitor emulates accesses to it, so
 *       that no byte past the region is ever reachable.
 *       Also: the pool's section of a snapshot (which of its pages are in
 *       use; their contents travel with the rest of memory).
 */
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"
#include "vmm_internal.h"

/* Pages a table covering the region needs: a directory and its tables. */
static uint32_t table_pages(uint32_t region_size)
{
	return 1 + (region_size + (4u << 20) - 1) / (4u << 20);
}

uint32_t vmm_pool_pages(uint32_t region_size)
{
	/* Two physical maps (one protectable, one nested) and room for the
	 * shadows of a few address spaces. */
	return 2 * table_pages(region_size) + 96;
}

bool vmm_pool_init(struct vm *vm, uint32_t base, uint32_t npages)
{
	struct vmm_pool *p = &vm->pool;

	p->base = base;
	p->npages = npages;
	p->used = calloc(npages ? npages : 1, 1);
	vm->stats.mmu.pool_size = npages;
	return p->used != NULL;
}

void vmm_pool_free_all(struct vm *vm)
{
	free(vm->pool.used);
	vm->pool.used = NULL;
}

uint32_t vmm_pool_alloc(struct vm *vm)
{
	struct vmm_pool *p = &vm->pool;

	for (uint32_t i = 0; i < p->npages; i++) {
		uint32_t k = (p->next + i) % p->npages;
		if (p->used[k])
			continue;
		p->used[k] = 1;
		p->next = k + 1;
		uint32_t real = p->base + k * PAGE_SIZE;
		memset(vm->real.mem.bytes + real, 0, PAGE_SIZE);
		if (++vm->stats.mmu.pool_pages > vm->stats.mmu.pool_peak)
			vm->stats.mmu.pool_peak = vm->stats.mmu.pool_pages;
		return real;
	}
	return 0;
}

void vmm_pool_give(struct vm *vm, uint32_t real)
{
	struct vmm_pool *p = &vm->pool;
	uint32_t k = (real - p->base) / PAGE_SIZE;

	if (real < p->base || k >= p->npages || !p->used[k])
		return;
	p->used[k] = 0;
	vm->stats.mmu.pool_pages--;
}

bool vmm_pool_has_page(const struct vm *vm, uint32_t a)
{
	return a >= vm->pool.base && !(a & ~PAGE_MASK) && (a - vm->pool.base) / PAGE_SIZE < vm->pool.npages;
}

void vmm_pool_save(const struct vm *vm, struct snap_buf *b)
{
	const struct vmm_pool *p = &vm->pool;

	snap_put_u32(b, p->base);
	snap_put_u32(b, p->npages);
	snap_put_u32(b, p->next);
	snap_put_bytes(b, p->used, p->npages);
}

bool vmm_pool_load(struct vm *vm, struct snap_rd *r, char *err, size_t errlen)
{
	struct vmm_pool *p = &vm->pool;
	uint32_t base = snap_get_u32(r), npages = snap_get_u32(r), next = snap_get_u32(r);

	if (r->bad || base != p->base || npages != p->npages || next > npages) {
		snprintf(err, errlen, "another pool than this VM's");
		return false;
	}
	snap_get_bytes(r, p->used, npages);
	for (uint32_t i = 0; i < npages; i++)
		if (p->used[i] > 1) {
			snprintf(err, errlen, "pool page %u is neither used nor free", i);
			return false;
		}
	p->next = next;
	return !r->bad;
}

uint32_t vmm_pool_free_pages(const struct vm *vm)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < vm->pool.npages; i++)
		n += !vm->pool.used[i];
	return n;
}

/* The real address of the entry for guest-physical page gp in map dir, or
 * 0 when the map has no table there. */
static uint32_t entry_addr(const struct vm *vm, uint32_t dir, uint32_t gp)
{
	uint32_t pde = mem_load32(&vm->real.mem, dir + 4 * (gp >> 10));
	return pde & PTE_V ? (pde & PAGE_MASK) + 4 * (gp & 0x3FF) : 0;
}

uint32_t vmm_physmap_build(struct vm *vm)
{
	uint32_t dir = vmm_pool_alloc(vm), whole = vm->region_size / PAGE_SIZE;

	if (!dir)
		return 0;
	for (uint32_t gp = 0; gp < whole; gp++) {
		uint32_t slot = dir + 4 * (gp >> 10), pde = mem_load32(&vm->real.mem, slot);
		if (!(pde & PTE_V)) {
			uint32_t t = vmm_pool_alloc(vm);
			if (!t)
				return 0;
			pde = t | PTE_V;
			memcpy(vm->real.mem.bytes + slot, &pde, 4);
		}
		uint32_t e = (vm->region_base + gp * PAGE_SIZE) | PTE_V | PTE_U | PTE_W;
		memcpy(vm->real.mem.bytes + entry_addr(vm, dir, gp), &e, 4);
	}
	return dir;
}

void vmm_physmap_protect(struct vm *vm, uint32_t dir, uint32_t gpa, bool read_only)
{
	uint32_t gp = gpa / PAGE_SIZE, a, e;

	if (!dir || gp >= vm->region_size / PAGE_SIZE || !(a = entry_addr(vm, dir, gp)))
		return;
	e = mem_load32(&vm->real.mem, a);
	e = read_only ? e & ~PTE_W : e | PTE_W;
	memcpy(vm->real.mem.bytes + a, &e, 4);
	cpu_tlb_flush(&vm->real);
}

void vmm_physmap_unmap(struct vm *vm, uint32_t dir, uint32_t gpa)
{
	uint32_t gp = gpa / PAGE_SIZE, zero = 0, a;

	if (!dir || gp >= (1u << 20) || !(a = entry_addr(vm, dir, gp)))
		return;
	memcpy(vm->real.mem.bytes + a, &zero, 4);
	cpu_tlb_flush(&vm->real);
}
