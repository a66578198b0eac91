/*
 * tests/cpu/paging_test.c: the paging MMU of the bare machine (ISA.md 12).
 * Owns: translation of user addresses through two-level tables, the
 *       accessed and dirty bits, every kind of page fault, the rule that a
 *       change takes effect at once (the TLB's coherence), the kernel staying
 *       unmapped, and the paged loop agreeing with single steps, in both
 *       builds (computed goto and switch).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "machine.h"

/* Physical layout of the paged test machine (64 KiB). */
enum {
	PG_TVEC = 0x40,
	PG_DIR = 0x8000,
	PG_TABLE = 0x9000,
	PG_CODE_VA = 0x1000, PG_CODE_PA = 0x5000,
	PG_DATA_VA = 0x2000, PG_DATA_PA = 0x6000,   /* writable */
	PG_RO_VA = 0x3000, PG_RO_PA = 0x7000,       /* read only */
	PG_SUP_VA = 0x4000, PG_SUP_PA = 0xA000,     /* no U: closed to user mode */
	PG_PT_VA = 0x5000,                          /* the table itself, writable */
	PG_ALT_PA = 0xB000,                         /* a spare page */
	PG_MEM = 64 * 1024,
};

/* The two builds of each loop, paired as cpu_run pairs them. */
struct build {
	engine_fn plain, paged;
	const char *name;
};
static const struct build builds[] = {
	{ cpu_exec_goto, cpu_exec_paged_goto, "goto" },
	{ cpu_exec_switch, cpu_exec_paged_switch, "switch" },
};

/* cpu_run with a chosen build: the loops hand over at EXEC_SWITCH. */
static enum cpu_stop pg_engine(struct cpu *c, const struct build *b, uint64_t max, bool step)
{
	uint64_t end = c->retired + max;
	for (;;) {
		enum cpu_stop s;
		if (c->retired >= end)
			return STOP_LIMIT;
		s = cpu_paging(c) ? b->paged(c, end - c->retired, step)
				  : b->plain(c, end - c->retired, step);
		if ((int)s != EXEC_SWITCH)
			return s;
	}
}

struct pg {
	struct cpu c;
	struct devices d;
	const struct build *b;
};

static void pte_set(struct pg *m, uint32_t va, uint32_t entry)
{
	uint32_t a = PG_TABLE + 4 * ((va >> 12) & 0x3FF);
	cr_assert(mem_write(&m->c.mem, a, &entry, 4));
}

static uint32_t pte_of(const struct pg *m, uint32_t va)
{
	return mem_load32(&m->c.mem, PG_TABLE + 4 * ((va >> 12) & 0x3FF));
}

static void phys_put(struct pg *m, uint32_t pa, uint32_t w)
{
	cr_assert(mem_write(&m->c.mem, pa, &w, 4));
}

static uint32_t phys_get(const struct pg *m, uint32_t pa)
{
	return mem_load32(&m->c.mem, pa);
}

/* A machine in user mode at PG_CODE_VA, paging on, the tables above. */
static void pg_boot(struct pg *m, const struct build *b)
{
	uint32_t pde = PG_TABLE | PTE_V;

	memset(m, 0, sizeof *m);
	dev_init(&m->d, NULL);
	cr_assert(cpu_init(&m->c, PG_MEM, &m->d));
	m->b = b;
	cr_assert(mem_write(&m->c.mem, PG_DIR, &pde, 4));
	pte_set(m, PG_CODE_VA, PG_CODE_PA | PTE_V | PTE_U);
	pte_set(m, PG_DATA_VA, PG_DATA_PA | PTE_V | PTE_U | PTE_W);
	pte_set(m, PG_RO_VA, PG_RO_PA | PTE_V | PTE_U);
	pte_set(m, PG_SUP_VA, PG_SUP_PA | PTE_V | PTE_W);
	pte_set(m, PG_PT_VA, PG_TABLE | PTE_V | PTE_U | PTE_W);
	m->c.sr[SR_tvec] = PG_TVEC;
	m->c.sr[SR_ptb] = PG_DIR | PTB_P;
	m->c.sr[SR_base] = 0x100;   /* not used while paging is on */
	m->c.sr[SR_limit] = 0x10;
	m->c.pc = PG_CODE_VA;
	m->c.psw = 0;
}

static void pg_free(struct pg *m)
{
	cpu_free(&m->c);
	dev_free(&m->d);
}

/* User code at PG_CODE_VA (physical PG_CODE_PA). */
static void pg_code(struct pg *m, const uint32_t *words, int n)
{
	for (int i = 0; i < n; i++)
		phys_put(m, PG_CODE_PA + 4 * (uint32_t)i, words[i]);
}

static enum cpu_stop pg_run(struct pg *m, uint64_t max)
{
	return pg_engine(&m->c, m->b, max, false);
}

static enum cpu_stop pg_step(struct pg *m)
{
	return pg_engine(&m->c, m->b, 1, true);
}

#define FOR_EACH_BUILD(b) for (const struct build *b = builds; b < builds + 2; b++)

Test(paging, user_loads_and_stores_go_through_the_tables)
{
	FOR_EACH_BUILD(b) {
		struct pg m;
		pg_boot(&m, b);
		phys_put(&m, PG_DATA_PA + 8, 0xC0FFEE);
		phys_put(&m, 0x2008, 0xBAD); /* what an unmapped access would read */
		m.c.r[2] = PG_DATA_VA;
		m.c.r[3] = 0x1234;
		pg_code(&m, (const uint32_t[]){ I(ldw, 1, 2, 8), I(stw, 3, 2, 12), I(sth, 3, 2, 18),
						I(stb, 3, 2, 21), I(ldbu, 4, 2, 21) }, 5);
		cr_assert_eq(pg_run(&m, 5), STOP_LIMIT, "%s", b->name);
		cr_assert_eq(m.c.r[1], 0xC0FFEE, "%s: the load read the mapped page", b->name);
		cr_assert_eq(phys_get(&m, PG_DATA_PA + 12), 0x1234, "%s", b->name);
		cr_assert_eq(phys_get(&m, PG_DATA_PA + 16) >> 16, 0x1234, "%s: half", b->name);
		cr_assert_eq(m.c.r[4], 0x34, "%s: byte stored and loaded", b->name);
		cr_assert_eq(m.c.pc, PG_CODE_VA + 20, "%s: pc is virtual", b->name);
		pg_free(&m);
	}
}

Test(paging, accessed_and_dirty_bits_are_set_in_memory)
{
	FOR_EACH_BUILD(b) {
		struct pg m;
		pg_boot(&m, b);
		m.c.r[2] = PG_DATA_VA;
		m.c.r[5] = PG_RO_VA;
		pg_code(&m, (const uint32_t[]){ I(ldw, 1, 5, 0), I(ldw, 1, 2, 0), I(stw, 1, 2, 4) }, 3);
		cr_assert_eq(pte_of(&m, PG_RO_VA) & (PTE_A | PTE_D), 0);
		cr_assert_eq(pg_step(&m), STOP_LIMIT);
		cr_assert_eq(pte_of(&m, PG_RO_VA) & (PTE_A | PTE_D), PTE_A, "%s: a load sets A only", b->name);
		cr_assert(pte_of(&m, PG_CODE_VA) & PTE_A, "%s: a fetch sets A", b->name);
		cr_assert_eq(pg_step(&m), STOP_LIMIT);
		cr_assert_eq(pte_of(&m, PG_DATA_VA) & (PTE_A | PTE_D), PTE_A, "%s", b->name);
		cr_assert_eq(pg_step(&m), STOP_LIMIT);
		cr_assert_eq(pte_of(&m, PG_DATA_VA) & (PTE_A | PTE_D), PTE_A | PTE_D,
			     "%s: a store sets D", b->name);
		pg_free(&m);
	}
}

struct fault_case {
	const char *what;
	uint32_t word;
	uint32_t r2;          /* the address register */
	uint32_t detail, info;
	bool at_target;       /* a jump: epc = the target */
};

Test(paging, every_kind_of_page_fault_says_where_and_why)
{
	const struct fault_case cases[] = {
		{ "load, no entry", I(ldw, 1, 2, 0), 0x7000, 0x7000, 0, false },
		{ "store, no entry", I(stw, 1, 2, 4), 0x7000, 0x7004, PF_W, false },
		{ "store to read-only", I(stb, 1, 2, 3), PG_RO_VA, PG_RO_VA + 3, PF_W | PF_P, false },
		{ "load from a supervisor page", I(ldh, 1, 2, 2), PG_SUP_VA, PG_SUP_VA + 2, PF_P, false },
		{ "load, no directory entry", I(ldw, 1, 2, 0), 0x00400000, 0x00400000, 0, false },
		{ "fetch after a jump", R(jr, 0, 2, 0), 0x7000, 0x7000, PF_X, true },
		{ "fetch from a supervisor page", R(jr, 0, 2, 0), PG_SUP_VA, PG_SUP_VA, PF_X | PF_P, true },
		{ "page outside memory", I(ldw, 1, 2, 0), 0x6000, 0x6000, PF_B, false },
	};
	FOR_EACH_BUILD(b) {
		for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			struct pg m;
			pg_boot(&m, b);
			pte_set(&m, 0x6000, 0x00F00000 | PTE_V | PTE_U); /* beyond 64 KiB */
			m.c.r[2] = cases[i].r2;
			m.c.psw = PSW_IE | PSW_Z;
			pg_code(&m, (const uint32_t[]){ cases[i].word }, 1);
			/* One step: a jump retires and its target's fetch faults. */
			cr_assert_eq(pg_step(&m), STOP_LIMIT, "%s", cases[i].what);
			cr_assert_eq(m.c.sr[SR_cause], CAUSE_PAGEFAULT, "%s (%s): cause %u", cases[i].what,
				     b->name, m.c.sr[SR_cause]);
			cr_assert_eq(m.c.sr[SR_detail], cases[i].detail, "%s: detail 0x%x", cases[i].what,
				     m.c.sr[SR_detail]);
			cr_assert_eq(m.c.sr[SR_pfinfo], cases[i].info, "%s: pfinfo 0x%x, want 0x%x",
				     cases[i].what, m.c.sr[SR_pfinfo], cases[i].info);
			cr_assert_eq(m.c.sr[SR_epc], cases[i].at_target ? cases[i].r2 : PG_CODE_VA,
				     "%s: epc 0x%x", cases[i].what, m.c.sr[SR_epc]);
			cr_assert_eq(m.c.pc, PG_TVEC);
			cr_assert_eq(m.c.psw, PSW_S | PSW_Z, "%s: supervisor, interrupts off", cases[i].what);
			cr_assert_eq(m.c.sr[SR_epsw], PSW_IE | PSW_Z);
			cr_assert_eq(m.c.retired, cases[i].at_target ? 1u : 0u,
				     "%s: a faulting access does not retire", cases[i].what);
			pg_free(&m);
		}
	}
}

Test(paging, misaligned_is_checked_before_translation)
{
	struct pg m;
	pg_boot(&m, &builds[0]);
	m.c.r[2] = 0x7002; /* unmapped and misaligned */
	pg_code(&m, (const uint32_t[]){ I(ldw, 1, 2, 0) }, 1);
	pg_step(&m);
	cr_assert_eq(m.c.sr[SR_cause], CAUSE_MISALIGNED);
	cr_assert_eq(m.c.sr[SR_detail], 0x7002);
	pg_free(&m);
}

Test(paging, a_user_store_to_a_page_table_takes_effect_at_once)
{
	FOR_EACH_BUILD(b) {
		struct pg m;
		pg_boot(&m, b);
		phys_put(&m, PG_DATA_PA, 111);
		phys_put(&m, PG_ALT_PA, 222);
		/* r4 = the new PTE for PG_DATA_VA; r5 = where that PTE is, virtually. */
		m.c.r[2] = PG_DATA_VA;
		m.c.r[4] = PG_ALT_PA | PTE_V | PTE_U | PTE_W;
		m.c.r[5] = PG_PT_VA + 4 * (PG_DATA_VA >> 12);
		pg_code(&m, (const uint32_t[]){ I(ldw, 1, 2, 0), I(stw, 4, 5, 0), I(ldw, 3, 2, 0),
						I(stw, 3, 2, 4) }, 4);
		cr_assert_eq(pg_run(&m, 4), STOP_LIMIT);
		cr_assert_eq(m.c.r[1], 111, "%s: before", b->name);
		cr_assert_eq(m.c.r[3], 222, "%s: the very next access sees the new entry", b->name);
		cr_assert_eq(phys_get(&m, PG_ALT_PA + 4), 222, "%s: and stores there too", b->name);
		pg_free(&m);
	}
}

Test(paging, a_kernel_change_takes_effect_when_it_returns_to_user_mode)
{
	FOR_EACH_BUILD(b) {
		struct pg m;
		pg_boot(&m, b);
		phys_put(&m, PG_DATA_PA, 111);
		phys_put(&m, PG_ALT_PA, 222);
		/* The handler remaps PG_DATA_VA and returns after the sys. */
		uint32_t pte_pa = PG_TABLE + 4 * (PG_DATA_VA >> 12);
		const uint32_t handler[] = {
			I(lui, 6, 0, 0), I(ori, 6, 6, pte_pa), I(lui, 7, 0, 0),
			I(ori, 7, 7, PG_ALT_PA | PTE_V | PTE_U | PTE_W), I(stw, 7, 6, 0), K(rfe, 0),
		};
		for (int i = 0; i < 6; i++)
			phys_put(&m, PG_TVEC + 4 * (uint32_t)i, handler[i]);
		m.c.r[2] = PG_DATA_VA;
		pg_code(&m, (const uint32_t[]){ I(ldw, 1, 2, 0), K(sys, 0), I(ldw, 3, 2, 0) }, 3);
		cr_assert_eq(pg_run(&m, 9), STOP_LIMIT);
		cr_assert_eq(m.c.r[1], 111, "%s", b->name);
		cr_assert_eq(m.c.r[3], 222, "%s: the kernel's new entry is seen after rfe", b->name);
		cr_assert_eq(m.c.psw & PSW_S, 0);
		pg_free(&m);
	}
}

Test(paging, the_kernel_is_unmapped)
{
	struct pg m;
	pg_boot(&m, &builds[0]);
	m.c.psw = PSW_S;
	m.c.pc = 0x100;
	phys_put(&m, PG_DATA_VA, 0x5151);
	phys_put(&m, 0x100, I(ldw, 1, 0, PG_DATA_VA));
	cr_assert_eq(pg_step(&m), STOP_LIMIT);
	cr_assert_eq(m.c.r[1], 0x5151, "supervisor address = physical address, paging or not");
	cr_assert(!cpu_paging(&m.c));
	pg_free(&m);
}

Test(paging, code_runs_on_across_pages_whose_frames_are_apart)
{
	FOR_EACH_BUILD(b) {
		struct pg m;
		pg_boot(&m, b);
		/* Make the data page executable too: VA 0x1FFC then VA 0x2000. */
		phys_put(&m, PG_CODE_PA + 0xFFC, I(addi, 1, 1, 1));
		phys_put(&m, PG_DATA_PA, I(addi, 1, 1, 2));
		phys_put(&m, PG_DATA_PA + 4, J(jmp, -(0x2008 - 0x1000) / 4));
		m.c.pc = 0x1FFC;
		/* 0x1000: a jump back across the page boundary. */
		phys_put(&m, PG_CODE_PA, I(addi, 1, 1, 4));
		cr_assert_eq(pg_run(&m, 4), STOP_LIMIT);
		cr_assert_eq(m.c.r[1], 7, "%s: ran 0x1ffc, 0x2000, jumped back to 0x1000", b->name);
		cr_assert_eq(m.c.pc, 0x1004, "%s", b->name);
		pg_free(&m);
	}
}

Test(paging, ptb_keeps_a_page_address_and_the_paging_bit)
{
	struct machine m;
	tm_boot(&m, false, cpu_exec_goto);
	m.c.r[1] = 0x12345FFF;
	tm_exec(&m, I(mtsr, 0, 1, SR_ptb));
	cr_assert_eq(m.c.sr[SR_ptb], 0x12345001);
	tm_free(&m);
}

Test(paging, tlb_flushes_are_privileged_and_change_no_translation)
{
	FOR_EACH_BUILD(b) {
		struct pg m;
		pg_boot(&m, b);
		pg_code(&m, (const uint32_t[]){ K(tlbflush, 0) }, 1);
		pg_step(&m);
		cr_assert_eq(m.c.sr[SR_cause], CAUSE_PRIV, "%s: tlbflush in user mode", b->name);
		pg_free(&m);

		pg_boot(&m, b);
		pg_code(&m, (const uint32_t[]){ R(tlbinv, 0, 2, 0) }, 1);
		pg_step(&m);
		cr_assert_eq(m.c.sr[SR_cause], CAUSE_PRIV, "%s: tlbinv in user mode", b->name);
		pg_free(&m);
	}
	/* In the kernel, between two user runs: the same results either way. */
	for (int flush = 0; flush < 2; flush++) {
		struct pg m;
		pg_boot(&m, &builds[0]);
		phys_put(&m, PG_DATA_PA, 5);
		const uint32_t handler[] = { flush ? K(tlbflush, 0) : NOP, R(tlbinv, 0, 2, 0), K(rfe, 0) };
		for (int i = 0; i < 3; i++)
			phys_put(&m, PG_TVEC + 4 * (uint32_t)i, handler[i]);
		m.c.r[2] = PG_DATA_VA;
		pg_code(&m, (const uint32_t[]){ I(ldw, 1, 2, 0), K(sys, 0), I(ldw, 3, 2, 0) }, 3);
		cr_assert_eq(pg_run(&m, 6), STOP_LIMIT);
		cr_assert_eq(m.c.r[3], 5);
		pg_free(&m);
	}
}

/* A random walk over a small paged world: many steps against one run. */
static void random_program(struct pg *m, uint32_t seed)
{
	uint32_t s = seed;
	for (uint32_t i = 0; i < 1024; i++) {
		s = s * 1103515245u + 12345u;
		uint32_t k = (s >> 16) % 8, w;
		unsigned rd = 1 + (s >> 8) % 6, rs = 1 + (s >> 12) % 6;
		switch (k) {
		case 0: w = I(ldw, rd, 7, (s >> 4) % 64 * 4); break;
		case 1: w = I(stw, rd, 7, (s >> 4) % 64 * 4); break;
		case 2: w = I(addi, rd, rs, (int16_t)(s >> 3)); break;
		case 3: w = I(stw, rd, 8, (s >> 4) % 16 * 4); break; /* into the table */
		case 4: w = I(ldb, rd, 9, (s >> 4) % 64); break;
		case 5: w = R(add, rd, rs, 1 + (s >> 20) % 6); break;
		case 6: w = J(beq, (int32_t)((s >> 4) % 5) - 2); break;
		default: w = R(cmp, 0, rd, rs); break;
		}
		phys_put(m, PG_CODE_PA + 4 * i, w);
	}
}

Test(paging, single_steps_and_runs_agree_on_random_paged_code)
{
	for (uint32_t seed = 1; seed <= 20; seed++) {
		struct pg a, z;
		FOR_EACH_BUILD(b) {
			pg_boot(&a, b);
			pg_boot(&z, b);
			/* Faults go to a handler that skips the instruction. */
			const uint32_t handler[] = { I(mfsr, 10, 0, SR_epc), I(addi, 10, 10, 4),
						     I(mtsr, 0, 10, SR_epc), K(rfe, 0) };
			for (struct pg *m = &a; m; m = m == &a ? &z : NULL) {
				for (int i = 0; i < 4; i++)
					phys_put(m, PG_TVEC + 4 * (uint32_t)i, handler[i]);
				random_program(m, seed);
				m->c.r[7] = PG_DATA_VA;
				m->c.r[8] = PG_PT_VA;
				m->c.r[9] = PG_RO_VA;
				m->c.sr[SR_timer] = 37;
			}
			cr_assert_eq(pg_run(&a, 3000), STOP_LIMIT);
			/* A step retires one instruction or enters one trap. */
			for (int guard = 0; z.c.retired < a.c.retired && guard < 100000; guard++)
				pg_step(&z);
			cr_assert_eq(a.c.retired, z.c.retired, "seed %u %s", seed, b->name);
			cr_assert_eq(a.c.pc, z.c.pc, "seed %u %s: pc 0x%x against 0x%x", seed, b->name,
				     a.c.pc, z.c.pc);
			cr_assert_arr_eq(a.c.r, z.c.r, sizeof a.c.r[0] * NREGS, "seed %u %s", seed, b->name);
			cr_assert_arr_eq(a.c.mem.bytes, z.c.mem.bytes, PG_MEM, "seed %u %s: memory", seed,
					 b->name);
			pg_free(&a);
			pg_free(&z);
		}
	}
}

Test(paging, translate_walks_without_side_effects)
{
	struct pg m;
	uint32_t pa;
	struct mmu_ctx x;
	struct cpu_walk w;

	pg_boot(&m, &builds[0]);
	cr_assert(cpu_translate(&m.c, PG_DATA_VA + 0x10, &pa));
	cr_assert_eq(pa, PG_DATA_PA + 0x10);
	cr_assert(!cpu_translate(&m.c, 0x7000, &pa));
	cr_assert_eq(pte_of(&m, PG_DATA_VA) & PTE_A, 0, "no accessed bit from a look");
	cpu_mmu_context(&m.c, &x);
	cpu_walk_trace(&m.c, &x, PG_RO_VA + 4, true, &w);
	cr_assert(!w.ok);
	cr_assert_eq(w.fault, PF_W | PF_P);
	cr_assert_eq(w.nsteps, 2);
	cr_assert_eq(w.step[0].table, PG_DIR);
	cr_assert_eq(w.step[1].table, PG_TABLE);
	cr_assert_eq(w.step[1].index, PG_RO_VA >> 12);
	pg_free(&m);
}
