/*
 * vmm/shadow.c: shadow page tables: a paged guest run on the real
 *       processor, its page tables never walked by the hardware.
 * Owns: the shadows (one per guest address space, cached: guest virtual to
 *       real physical), filling them on hidden page faults, reflecting true
 *       ones, tracing the guest's writes to its own page tables (they are
 *       read-only on the physical map its kernel runs on, and in every
 *       shadow), keeping the guest's accessed and dirty bits honest, and
 *       choosing the table the real processor runs each virtual mode on.
 * Not:  the pool and the physical map (physmap.c); entering the guest
 *       (native.c; hwassist.c for --cpu early); nested paging (hwassist.c)
 *       and direct paging (pv_paging.c), the two other ways.
 * Implements: the technique of VMware Workstation (Adams and Agesen, ASPLOS
 *       2006) and of VT-x before EPT: P&G's resource control and
 *       equivalence for the one state a relocation register never had to
 *       hide, the page tables. The guest believes its tables translate its
 *       addresses; in fact the processor walks the monitor's shadow, which
 *       maps the same virtual pages onto the VM's region. Three kinds of
 *       page fault follow: *hidden* (the shadow lacks an entry the guest's
 *       tables have: the monitor fills it and the guest never knows),
 *       *true* (the guest's tables fault too: reflected, exactly as the
 *       bare machine would raise it) and *tracing* (the guest wrote one of
 *       its page tables: the monitor makes the write and drops the shadow
 *       entries it changes, so that the change takes effect at once, as
 *       ISA.md section 12 promises). These exits are what made early VT-x
 *       lose to binary translation on fork-heavy work.
 *
 * Accessed and dirty bits: a shadow entry is created by a hidden fault,
 * which sets A in the guest's entry, as the hardware's walk would; it is
 * writable only once the guest's entry has D, so the first write faults
 * (hidden) and sets D then. A frame that holds a guest page table is never
 * mapped writable: writes to it trace.
 */
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"
#include "vmm_internal.h"

enum { SHADOW_SPACES = 8, SLOTS = 1024 };
static const uint32_t NO_USER = 0xFFFFFFFFu;

/* The shadow of one guest address space. */
struct space {
	bool used;
	uint32_t groot;        /* guest-physical page of its directory */
	uint32_t dir;          /* real address of the shadow directory */
	uint32_t pt[SLOTS];    /* per directory slot: the shadow table's real address, or 0 */
	uint32_t gpt[SLOTS];   /* and the guest table (guest-physical page) it shadows */
	uint32_t next[SLOTS];  /* the next (space, slot) shadowing the same guest table */
	uint32_t victim;       /* where the search for one of its own tables to drop goes on */
	uint64_t used_at;
};

struct shadow {
	bool active;           /* the guest's paging is on: its user mode runs on shadows */
	uint32_t pmap;         /* the physical map its kernel runs on (real directory) */
	uint32_t npages;       /* guest-physical pages */
	uint16_t *ptrefs;      /* per guest page: shadows built from it (as a table or directory) */
	uint32_t *users;       /* per guest page: the first (space, slot) shadowing it as a table */
	uint32_t *writable;    /* per guest page: shadow entries mapping it writable */
	struct space sp[SHADOW_SPACES];
	int cur;               /* the space guest user mode ran on last, or -1 */
	uint64_t clock;
};

static uint32_t real_of(const struct vm *vm, uint32_t gpage)
{
	return vm->region_base + gpage * PAGE_SIZE;
}

static uint32_t real_load(const struct vm *vm, uint32_t a)
{
	return mem_load32(&vm->real.mem, a);
}

static void real_store(struct vm *vm, uint32_t a, uint32_t w)
{
	memcpy(vm->real.mem.bytes + a, &w, 4);
}

bool vmm_shadow_create(struct vm *vm, char *err, size_t errlen)
{
	struct shadow *s = calloc(1, sizeof *s);
	uint32_t n = vm->region_size / PAGE_SIZE + 1;

	vm->shadow = s;
	if (s) {
		s->npages = n;
		s->cur = -1;
		s->ptrefs = calloc(n, sizeof *s->ptrefs);
		s->users = malloc(n * sizeof *s->users);
		s->writable = calloc(n, sizeof *s->writable);
	}
	if (!s || !s->ptrefs || !s->users || !s->writable) {
		snprintf(err, errlen, "out of host memory for shadow page tables");
		return false;
	}
	for (uint32_t i = 0; i < n; i++)
		s->users[i] = NO_USER;
	return true;
}

void vmm_shadow_destroy(struct vm *vm)
{
	struct shadow *s = vm->shadow;

	if (!s)
		return;
	free(s->ptrefs);
	free(s->users);
	free(s->writable);
	free(s);
	vm->shadow = NULL;
}

/* ---- which guest pages are page tables --------------------------------- */

/* Shadow entries mapping guest page g writable lose W: g became a table. */
static void revoke_writes(struct vm *vm, struct shadow *s, uint32_t g)
{
	uint32_t frame = real_of(vm, g);

	for (int k = 0; k < SHADOW_SPACES && s->writable[g]; k++) {
		struct space *sp = &s->sp[k];
		for (int slot = 0; sp->used && slot < SLOTS; slot++) {
			if (!sp->pt[slot])
				continue;
			for (uint32_t i = 0; i < SLOTS; i++) {
				uint32_t a = sp->pt[slot] + 4 * i, e = real_load(vm, a);
				if ((e & (PTE_V | PTE_W)) == (PTE_V | PTE_W) && (e & PAGE_MASK) == frame) {
					real_store(vm, a, e & ~PTE_W);
					s->writable[g]--;
				}
			}
		}
	}
}

/* Guest page g is now a page table of some shadow: its writes must exit. */
static void protect(struct vm *vm, struct shadow *s, uint32_t g)
{
	if (g >= s->npages || s->ptrefs[g]++)
		return;
	vmm_physmap_protect(vm, s->pmap, g * PAGE_SIZE, true);
	revoke_writes(vm, s, g);
	cpu_tlb_flush(&vm->real);
}

static void unprotect(struct vm *vm, struct shadow *s, uint32_t g)
{
	if (g >= s->npages || !s->ptrefs[g] || --s->ptrefs[g])
		return;
	vmm_physmap_protect(vm, s->pmap, g * PAGE_SIZE, false);
}

static bool is_table(const struct shadow *s, uint32_t g)
{
	return g < s->npages && s->ptrefs[g];
}

/* ---- shadow entries, tables and spaces ---------------------------------- */

/* The counter of shadow entries mapping the page of entry e writable, or
 * NULL (an entry restored from a snapshot is checked, never trusted). */
static uint32_t *writable_count(const struct vm *vm, struct shadow *s, uint32_t e)
{
	uint32_t g = ((e & PAGE_MASK) - vm->region_base) / PAGE_SIZE;

	if ((e & (PTE_V | PTE_W)) != (PTE_V | PTE_W) || g >= s->npages)
		return NULL;
	return &s->writable[g];
}

/* Set the shadow entry at real address a, keeping the writable counts. */
static void set_entry(struct vm *vm, struct shadow *s, uint32_t a, uint32_t e)
{
	uint32_t *was = writable_count(vm, s, real_load(vm, a)), *now = writable_count(vm, s, e);

	if (was)
		--*was;
	if (now)
		++*now;
	real_store(vm, a, e);
}

static void unlink_user(struct shadow *s, uint32_t g, uint32_t who)
{
	uint32_t *p = &s->users[g];

	while (*p != NO_USER && *p != who)
		p = &s->sp[*p / SLOTS].next[*p % SLOTS];
	if (*p == who)
		*p = s->sp[who / SLOTS].next[who % SLOTS];
}

/* Drop the shadow table of one directory slot. */
static void drop_slot(struct vm *vm, struct shadow *s, int k, uint32_t slot)
{
	struct space *sp = &s->sp[k];
	uint32_t t = sp->pt[slot];

	if (!t)
		return;
	for (uint32_t i = 0; i < SLOTS; i++)
		set_entry(vm, s, t + 4 * i, 0);
	real_store(vm, sp->dir + 4 * slot, 0);
	vmm_pool_give(vm, t);
	sp->pt[slot] = 0;
	unlink_user(s, sp->gpt[slot], (uint32_t)k * SLOTS + slot);
	unprotect(vm, s, sp->gpt[slot]);
	cpu_tlb_flush(&vm->real);
}

static void drop_space(struct vm *vm, struct shadow *s, int k)
{
	struct space *sp = &s->sp[k];

	if (!sp->used)
		return;
	for (uint32_t slot = 0; slot < SLOTS; slot++)
		drop_slot(vm, s, k, slot);
	vmm_pool_give(vm, sp->dir);
	unprotect(vm, s, sp->groot);
	sp->used = false;
	if (s->cur == k)
		s->cur = -1;
	cpu_tlb_flush(&vm->real);
}

static void drop_all(struct vm *vm, struct shadow *s)
{
	for (int k = 0; k < SHADOW_SPACES; k++)
		drop_space(vm, s, k);
}

/* A pool page, evicting the least recently used other shadows if need be. */
static uint32_t take_page(struct vm *vm, struct shadow *s, int keep)
{
	uint32_t p;

	while (!(p = vmm_pool_alloc(vm))) {
		int victim = -1;
		for (int k = 0; k < SHADOW_SPACES; k++)
			if (s->sp[k].used && k != keep &&
			    (victim < 0 || s->sp[k].used_at < s->sp[victim].used_at))
				victim = k;
		if (victim < 0)
			return 0;
		drop_space(vm, s, victim);
		vm->stats.mmu.evictions++;
	}
	return p;
}

/* Room for one more shadow table of space k when the pool has none even
 * with every other space dropped (the guest uses more directory slots than
 * the pool has pages): one of k's own tables goes, neither the one of slot
 * keep nor that of the slot the guest's pc lies in, whose fetch comes next.
 * Without this the access faulted, hidden, for ever: the host hung
 * (tests/vmm_paging_hostile_test.c, paging_hostile,
 * more_directory_slots_than_the_pool_holds_regression). */
static uint32_t take_own_page(struct vm *vm, struct shadow *s, int k, uint32_t keep)
{
	struct space *sp = &s->sp[k];
	uint32_t code = vm->vcpu.pc >> 22;

	for (uint32_t n = 0; n < SLOTS; n++) {
		uint32_t slot = sp->victim++ % SLOTS;
		if (sp->pt[slot] && slot != keep && slot != code) {
			drop_slot(vm, s, k, slot);
			vm->stats.mmu.evictions++;
			return take_page(vm, s, k);
		}
	}
	return 0;
}

/* The space shadowing the guest directory at page groot, made if need be. */
static int space_for(struct vm *vm, struct shadow *s, uint32_t groot)
{
	int k, free_k = -1, lru = -1;

	for (k = 0; k < SHADOW_SPACES; k++) {
		if (s->sp[k].used && s->sp[k].groot == groot)
			return k;
		if (!s->sp[k].used && free_k < 0)
			free_k = k;
		if (s->sp[k].used && (lru < 0 || s->sp[k].used_at < s->sp[lru].used_at))
			lru = k;
	}
	if (free_k < 0) {
		drop_space(vm, s, lru);
		vm->stats.mmu.evictions++;
		free_k = lru;
	}
	k = free_k;
	uint32_t dir = take_page(vm, s, -1);
	if (!dir)
		return -1;
	struct space *sp = &s->sp[k];
	memset(sp, 0, sizeof *sp);
	sp->used = true;
	sp->groot = groot;
	sp->dir = dir;
	vm->stats.mmu.spaces++;
	vmm_charge(vm, vmm_cost(vm, VMM_C_SHADOW_SWITCH));
	protect(vm, s, groot);
	return k;
}

/* ---- the guest's own tables, read as its hardware would ------------------ */

/* Walk the guest's tables for va (no side effects): *w as the bare
 * machine's walk would find it. */
static void guest_walk(struct vm *vm, uint32_t va, bool write, struct cpu_walk *w)
{
	struct mmu_ctx x = { .kind = MMU_1D, .root = vm->vcpu.sr[SR_ptb] & PAGE_MASK };
	cpu_walk_trace(&vm->vcpu, &x, va, write, w);
}

/* Set A, and D for a write, in the guest's leaf entry the walk used. */
static void guest_set_accessed(struct vm *vm, const struct cpu_walk *w, bool write)
{
	/* LAB 6 BEGIN: honest A and D: set them in the guest's entry that w used, as the bare machine's walk does */
	uint32_t pte_gpa = w->step[1].table + 4 * w->step[1].index;
	uint32_t e = w->step[1].entry | PTE_A | (write ? PTE_D : 0);

	if (e != w->step[1].entry) {
		mem_write(&vm->vcpu.mem, pte_gpa, &e, 4);
		vmm_note_access(vm, VM_ACC_SHADOW_AD, pte_gpa, 4, true, e);
	}
	/* LAB 6 STUB: (void)vm; */
	/* LAB 6 STUB: (void)w; */
	/* LAB 6 STUB: (void)write; */
	/* LAB 6 END */
}

/* Fill the shadow entry of va from the guest's walk w. */
static void install(struct vm *vm, struct shadow *s, int k, uint32_t va, const struct cpu_walk *w)
{
	struct space *sp = &s->sp[k];
	uint32_t slot = va >> 22, gpt = w->step[1].table / PAGE_SIZE;
	uint32_t gpage = w->pa / PAGE_SIZE, pte = w->step[1].entry | PTE_A;

	if (sp->pt[slot] && sp->gpt[slot] != gpt)
		drop_slot(vm, s, k, slot); /* cannot happen: directory writes trace */
	if (!sp->pt[slot]) {
		uint32_t t = take_page(vm, s, k);
		if (!t)
			t = take_own_page(vm, s, k, slot);
		if (!t)
			return; /* no pool at all: the access faults again, hidden */
		sp->pt[slot] = t;
		sp->gpt[slot] = gpt;
		sp->next[slot] = s->users[gpt];
		s->users[gpt] = (uint32_t)k * SLOTS + slot;
		real_store(vm, sp->dir + 4 * slot, t | PTE_V);
		protect(vm, s, gpt);
	}
	/* LAB 6 BEGIN: the shadow entry of va: the real frame, writable only where a store may go straight through */
	/* Writable only where the guest's store would not fault, would set
	 * no dirty bit, and would not change a page table. */
	bool w_ok = (pte & PTE_W) && (pte & PTE_D) && !is_table(s, gpage);
	set_entry(vm, s, sp->pt[slot] + 4 * ((va >> PAGE_SHIFT) & 0x3FF),
		  real_of(vm, gpage) | PTE_V | PTE_U | (w_ok ? PTE_W : 0));
	cpu_tlb_flush(&vm->real);
	/* LAB 6 STUB: (void)gpage; */
	/* LAB 6 STUB: (void)pte; */
	/* LAB 6 END */
}

/* ---- the monitor's side ---------------------------------------------------- */

bool vmm_shadow_active(const struct vm *vm)
{
	return vm->shadow && vm->shadow->active;
}

uint32_t vmm_shadow_root(struct vm *vm, bool supervisor)
{
	struct shadow *s = vm->shadow;
	int k;

	if (!s)
		return 0;
	/* The paging bit may have changed without an exit (an interpreted
	 * mtsr in hybrid mode, a debugger): catch up here, before it matters. */
	if (!!(vm->vcpu.sr[SR_ptb] & PTB_P) != s->active)
		vmm_shadow_ptb_written(vm);
	if (!s->active)
		return 0;
	if (!s->pmap)
		s->pmap = vmm_physmap_build(vm);
	if (supervisor)
		return s->pmap;
	k = space_for(vm, s, (vm->vcpu.sr[SR_ptb] & PAGE_MASK) / PAGE_SIZE);
	if (k < 0)
		return s->pmap; /* no pool at all: every user access faults, hidden */
	if (k != s->cur) {
		if (s->cur >= 0)
			vm->stats.mmu.switches++;
		s->cur = k;
		/* Stamped when it becomes the one in use: the others' stamps then
		 * order them as their last use does, and the stamps do not depend
		 * on how many rounds a run was split into (a resumed run's are
		 * the uninterrupted run's). */
		s->sp[k].used_at = ++s->clock;
	}
	return s->sp[k].dir;
}

uint32_t vmm_shadow_peek(const struct vm *vm)
{
	const struct shadow *s = vm->shadow;
	uint32_t groot = (vm->vcpu.sr[SR_ptb] & PAGE_MASK) / PAGE_SIZE;

	if (!s || !s->active)
		return 0;
	for (int k = 0; k < SHADOW_SPACES; k++)
		if (s->sp[k].used && s->sp[k].groot == groot)
			return s->sp[k].dir;
	return 0;
}

void vmm_shadow_ptb_written(struct vm *vm)
{
	struct shadow *s = vm->shadow;
	bool on = vm->vcpu.sr[SR_ptb] & PTB_P;

	if (!s || on == s->active)
		return;
	/* Turned on: start afresh (nothing was traced while it was off).
	 * Turned off: the shadows go, and the guest's tables are its memory. */
	drop_all(vm, s);
	s->active = on;
	cpu_tlb_flush(&vm->real);
}

void vmm_shadow_written(struct vm *vm, uint32_t gpa, uint32_t len)
{
	/* LAB 6 BEGIN: guest memory [gpa, gpa + len) changed: drop each shadow table and entry built from a word of it */
	struct shadow *s = vm->shadow;

	if (!s || !len)
		return;
	for (uint32_t a = gpa & ~3u; a < gpa + len && a >= (gpa & ~3u); a += 4) {
		uint32_t g = a / PAGE_SIZE, i = (a / 4) & (SLOTS - 1);
		if (!is_table(s, g))
			continue;
		/* As a directory: that slot's shadow table goes. */
		for (int k = 0; k < SHADOW_SPACES; k++)
			if (s->sp[k].used && s->sp[k].groot == g && s->sp[k].pt[i]) {
				drop_slot(vm, s, k, i);
				vm->stats.mmu.resyncs++;
			}
		/* As a table: the entry it shadows, in every shadow built from it. */
		for (uint32_t who = s->users[g]; who != NO_USER; who = s->sp[who / SLOTS].next[who % SLOTS]) {
			struct space *sp = &s->sp[who / SLOTS];
			uint32_t a2 = sp->pt[who % SLOTS] + 4 * i;
			if (real_load(vm, a2)) {
				set_entry(vm, s, a2, 0);
				vm->stats.mmu.resyncs++;
			}
		}
	}
	cpu_tlb_flush(&vm->real);
	/* LAB 6 STUB: (void)vm; */
	/* LAB 6 STUB: (void)gpa; */
	/* LAB 6 STUB: (void)len; */
	/* LAB 6 END */
}

/* Run the one instruction on the virtual CPU, whose memory is exactly the
 * guest's: for what the physical map leaves out (a last partial page). */
static int interpret(struct vm *vm)
{
	enum cpu_stop st = vmm_interpret_one(vm);
	return st == STOP_LIMIT ? VMM_GO_ON : (int)st;
}

/* A traced write: make the store the guest meant, exactly as the bare
 * machine would (its accessed and dirty bits too), then drop what it
 * changed from the shadows. False, changing nothing, when word is not a
 * store this can make (the caller interprets it). */
static bool emulate_store(struct vm *vm, uint32_t word)
{
	/* LAB 6 BEGIN: a traced store: make it as the bare machine would (A and D too), then tell the shadows */
	struct cpu *v = &vm->vcpu;
	uint32_t ea, gpa, size;
	const struct isa_insn *in = isa_decode_row(word);
	struct cpu_walk w;

	if (!in || (in->opcode != OP_stw && in->opcode != OP_sth && in->opcode != OP_stb))
		return false;
	size = in->opcode == OP_stw ? 4 : in->opcode == OP_sth ? 2 : 1;
	ea = v->r[isa_rs(word)] + (uint32_t)isa_imm(in, word);
	gpa = ea;
	if (!cpu_in_supervisor(v)) {
		guest_walk(vm, ea, true, &w);
		if (!w.ok)
			return false;
		guest_set_accessed(vm, &w, true);
		gpa = w.pa;
	}
	if (!mem_in_range(&v->mem, gpa, size))
		return false;
	for (uint32_t k = 0; k < size; k++)
		v->mem.bytes[gpa + k] = (uint8_t)(v->r[isa_rd(word)] >> (8 * k));
	mem_invalidate(&v->mem, gpa, size);
	vmm_note_access(vm, VM_ACC_TRACED, gpa, size, true, v->pc);
	if (is_table(vm->shadow, gpa / PAGE_SIZE)) {
		vmm_shadow_written(vm, gpa, size);
		vm->stats.mmu.tracing++;
		vmm_charge(vm, vmm_cost(vm, VMM_C_TRACE));
	}
	vmm_retire(vm, in, v->pc + 4);
	return true;
	/* LAB 6 STUB: (void)vm; */
	/* LAB 6 STUB: (void)word; */
	/* LAB 6 STUB: return false; */
	/* LAB 6 END */
}

int vmm_shadow_store(struct vm *vm, uint32_t word)
{
	struct cpu *v = &vm->vcpu;
	const struct isa_insn *in = isa_decode_row(word);
	uint32_t size, ea;

	/* The bare machine's checks first: alignment, then memory's bound. */
	if (in && (in->opcode == OP_stw || in->opcode == OP_sth || in->opcode == OP_stb)) {
		size = in->opcode == OP_stw ? 4 : in->opcode == OP_sth ? 2 : 1;
		ea = v->r[isa_rs(word)] + (uint32_t)isa_imm(in, word);
		if (ea & (size - 1))
			return vmm_reflect_trap(vm, CAUSE_MISALIGNED, ea, v->pc, v->pc, VM_REFLECTED);
		if (cpu_in_supervisor(v) && ea >= v->mem.size)
			return vmm_reflect_trap(vm, CAUSE_BOUNDS, ea, v->pc, v->pc, VM_REFLECTED);
		if (emulate_store(vm, word))
			return VMM_GO_ON;
	}
	return interpret(vm);
}

int vmm_shadow_fault(struct vm *vm, const struct cpu_trap *t)
{
	struct shadow *s = vm->shadow;
	struct cpu *v = &vm->vcpu;
	bool write = t->info & PF_W, fetch = t->info & PF_X;
	uint32_t va = t->detail;
	struct cpu_walk w;
	int k;

	if (cpu_in_supervisor(v)) {
		/* The unmapped kernel, on the physical map: past the region is the
		 * bare machine's BOUNDS; a write to a page table traces. */
		if (va >= v->mem.size)
			return vmm_reflect_trap(vm, CAUSE_BOUNDS, va, t->epc, t->pc, VM_REFLECTED);
		if (write && is_table(s, va / PAGE_SIZE) && !fetch &&
		    emulate_store(vm, mem_load32(&v->mem, v->pc)))
			return VMM_GO_ON;
		return interpret(vm);
	}
	/* LAB 6 BEGIN: a page fault of guest user mode: true (reflect it), tracing (make the store) or hidden (fill the shadow) */
	guest_walk(vm, va, write, &w);
	if (!w.ok) {
		/* The guest's own tables fault: a true page fault, as bare. */
		vm->stats.mmu.true_faults++;
		return vmm_reflect_page_fault(vm, va, w.fault | (fetch ? PF_X : 0), t->epc, t->pc);
	}
	if (write && is_table(s, w.pa / PAGE_SIZE)) {
		struct cpu_walk f;
		guest_walk(vm, v->pc, false, &f);
		if (f.ok && emulate_store(vm, mem_load32(&v->mem, f.pa)))
			return VMM_GO_ON;
		return interpret(vm);
	}
	/* Hidden: the guest's tables allow it; the shadow did not have it. */
	guest_set_accessed(vm, &w, write);
	guest_walk(vm, va, write, &w);
	k = s->cur >= 0 ? s->cur : space_for(vm, s, (v->sr[SR_ptb] & PAGE_MASK) / PAGE_SIZE);
	if (k >= 0)
		install(vm, s, k, va, &w);
	vm->stats.mmu.hidden++;
	vmm_charge(vm, vmm_cost(vm, VMM_C_HIDDEN_FAULT));
	return VMM_GO_ON;
	/* LAB 6 STUB: (void)&w; */
	/* LAB 6 STUB: (void)&k; */
	/* LAB 6 STUB: (void)guest_walk; */
	/* LAB 6 STUB: (void)guest_set_accessed; */
	/* LAB 6 STUB: (void)install; */
	/* LAB 6 STUB: return vmm_reflect_page_fault(vm, va, (write ? PF_W : 0) | (fetch ? PF_X : 0), t->epc, t->pc); */
	/* LAB 6 END */
}

/* ---- snapshots ------------------------------------------------------------- */

void vmm_shadow_save(const struct vm *vm, struct snap_buf *b)
{
	const struct shadow *s = vm->shadow;
	uint32_t n;

	snap_put_u8(b, s->active);
	snap_put_u32(b, s->pmap);
	snap_put_u32(b, s->npages);
	snap_put_u16s(b, s->ptrefs, s->npages);
	snap_put_u32s(b, s->users, s->npages);
	snap_put_u32s(b, s->writable, s->npages);
	for (int k = 0; k < SHADOW_SPACES; k++) {
		const struct space *sp = &s->sp[k];
		snap_put_u8(b, sp->used);
		if (!sp->used)
			continue;
		snap_put_u32(b, sp->groot);
		snap_put_u32(b, sp->dir);
		snap_put_u64(b, sp->used_at);
		snap_put_u32(b, sp->victim);
		/* The slots with a table: the others have nothing to keep. */
		n = 0;
		for (int slot = 0; slot < SLOTS; slot++)
			n += sp->pt[slot] != 0;
		snap_put_u32(b, n);
		for (uint32_t slot = 0; slot < SLOTS; slot++)
			if (sp->pt[slot]) {
				snap_put_u32(b, slot);
				snap_put_u32(b, sp->pt[slot]);
				snap_put_u32(b, sp->gpt[slot]);
				snap_put_u32(b, sp->next[slot]);
			}
	}
	snap_put_u32(b, (uint32_t)s->cur);
	snap_put_u64(b, s->clock);
}

/* A (space, slot) link of a user chain: none, or a slot with a table. */
static bool link_ok(const struct shadow *s, uint32_t who)
{
	return who == NO_USER ||
	       (who < SHADOW_SPACES * SLOTS && s->sp[who / SLOTS].used && s->sp[who / SLOTS].pt[who % SLOTS]);
}

static bool load_space(const struct vm *vm, struct shadow *s, struct space *sp, struct snap_rd *r)
{
	uint32_t n;

	sp->groot = snap_get_u32(r);
	sp->dir = snap_get_u32(r);
	sp->used_at = snap_get_u64(r);
	sp->victim = snap_get_u32(r);
	memset(sp->pt, 0, sizeof sp->pt);
	memset(sp->gpt, 0, sizeof sp->gpt);
	memset(sp->next, 0, sizeof sp->next);
	n = snap_get_count(r, SLOTS, 16);
	for (uint32_t k = 0; k < n; k++) {
		uint32_t slot = snap_get_u32(r);
		if (slot >= SLOTS || sp->pt[slot])
			return false;
		sp->pt[slot] = snap_get_u32(r);
		sp->gpt[slot] = snap_get_u32(r);
		sp->next[slot] = snap_get_u32(r);
		if (!vmm_pool_has_page(vm, sp->pt[slot]) || sp->gpt[slot] >= s->npages)
			return false;
	}
	/* groot may lie past memory: a guest may point ptb anywhere (its
	 * walks then fault); it is only ever compared. */
	return !r->bad && vmm_pool_has_page(vm, sp->dir);
}

/* Every user chain ends, and no (space, slot) is on two of them. */
static bool chains_ok(struct shadow *s)
{
	uint8_t *seen = calloc(SHADOW_SPACES * SLOTS, 1);
	bool ok = seen != NULL;

	for (uint32_t g = 0; ok && g < s->npages; g++) {
		uint32_t who = s->users[g];
		while (ok && who != NO_USER) {
			ok = link_ok(s, who) && !seen[who];
			if (ok) {
				seen[who] = 1;
				who = s->sp[who / SLOTS].next[who % SLOTS];
			}
		}
	}
	free(seen);
	return ok;
}

bool vmm_shadow_load(struct vm *vm, struct snap_rd *r, char *err, size_t errlen)
{
	struct shadow *s = vm->shadow;
	int32_t cur;

	s->active = snap_get_bool(r);
	s->pmap = snap_get_u32(r);
	if (snap_get_u32(r) != s->npages) {
		snprintf(err, errlen, "shadows of another memory size");
		return false;
	}
	snap_get_u16s(r, s->ptrefs, s->npages);
	snap_get_u32s(r, s->users, s->npages);
	snap_get_u32s(r, s->writable, s->npages);
	for (int k = 0; k < SHADOW_SPACES; k++) {
		struct space *sp = &s->sp[k];
		sp->used = snap_get_bool(r);
		if (sp->used && !load_space(vm, s, sp, r)) {
			snprintf(err, errlen, "shadow space %d names tables outside the monitor's pool", k);
			return false;
		}
	}
	cur = (int32_t)snap_get_u32(r);
	s->clock = snap_get_u64(r);
	if (r->bad)
		return false;
	if ((s->pmap && !vmm_pool_has_page(vm, s->pmap)) || cur < -1 || cur >= SHADOW_SPACES ||
	    (cur >= 0 && !s->sp[cur].used) || !chains_ok(s)) {
		snprintf(err, errlen, "the shadows' tables and chains do not hold together");
		return false;
	}
	s->cur = cur;
	return true;
}
