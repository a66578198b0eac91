/*
 * tests/fuzz/fuzz_cpu.c: the bare machine on random code and device requests.
 * Owns: the CPU's invariants on any program: a run always ends (halt, idle,
 *       triple fault or the instruction limit, never a trap out: no monitor
 *       asked for one) having retired no more than it was allowed; the
 *       machine never writes outside its memory (guard zones around it stay
 *       as filled); a user-mode program confined by base and limit, under a
 *       small fixed kernel, changes nothing outside its window but the
 *       kernel's trap counter, whatever --nonvirt takes away; a paged user
 *       program, on random page tables it cannot write, changes nothing
 *       but the pages they let it write, their entries' accessed and dirty
 *       bits and that counter; and four ways to run it agree exactly: the
 *       computed-goto loops, the switch loops (each the plain build and the
 *       paged one, handing over as cpu_run does), and single steps through
 *       each (cpu_step promises cpu_run's semantics; the TLB is invisible).
 * Not:  any VMM (fuzz_vmm.c).
 *
 * Input: a header of configuration bytes (read_setup), console input,
 * page tables when paged (fuzz_page_tables), then the program, one
 * instruction per few bytes (fuzz_insn).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "fuzz.h"
#include "internal.h"

static const char H[] = "fuzz_cpu";

enum {
	GUARD = 4096,       /* bytes of pattern on each side of the machine's memory */
	MAX_STEPS = 4000,   /* instructions per run */
	MAX_WORDS = 1024,   /* of program */
	OUT_LIMIT = 256,    /* console bytes */
	USER_MIN = 0x1000,  /* user windows start above the kernel (fuzz_kernel) */
};

struct setup {
	uint32_t mem_size;
	bool user;              /* confined: user mode under the fixed kernel */
	uint32_t base, limit;   /* the user window */
	bool paged;             /* user mode on page tables instead of the window */
	bool exposed;           /* and the tables let it write them */
	uint32_t ptb;
	uint8_t tables[FUZZ_PT_MEM]; /* paged: memory with the tables in it */
	uint32_t psw;           /* the starting psw */
	unsigned nonvirt;
	uint32_t timer;
	const uint8_t *input;
	size_t input_len;
	unsigned disk_sectors;
	uint32_t prog[MAX_WORDS];
	size_t nprog;
};

/* A machine whose memory is a window of a larger buffer: guard zones. */
struct rig {
	struct mem host;
	struct cpu c;
	struct devices d;
};

static uint8_t guard_byte(uint32_t i) { return (uint8_t)(0xA5 ^ (i * 7)); }

static void read_setup(struct fuzz_in *in, struct setup *s)
{
	static const uint32_t sizes[] = { 1024, 4096, 16384, 65536 };
	uint8_t flags = fuzz_byte(in), nv = fuzz_byte(in), size = fuzz_byte(in);
	uint8_t base = fuzz_byte(in), limit = fuzz_byte(in), timer = fuzz_byte(in);
	uint8_t ninput = fuzz_byte(in) % 64;
	const char *bad;

	memset(s, 0, sizeof *s);
	s->user = flags & 1;
	s->mem_size = sizes[size & 3];
	if (s->user && s->mem_size < 16384)
		s->mem_size = 16384;
	s->base = USER_MIN + (uint32_t)(base & 0x3F) * 0x100;
	s->limit = (uint32_t)limit * 64; /* may pass the end of memory: clamped */
	s->psw = (s->user ? 0 : PSW_S) | (flags & 2 ? PSW_IE : 0);
	switch ((flags >> 2) & 3) {
	case 0: s->nonvirt = 0; break;
	case 1: s->nonvirt = (unsigned)cpu_parse_nonvirt("x86", &bad); break;
	case 2: s->nonvirt = (unsigned)cpu_parse_nonvirt("pdp10", &bad); break;
	default: s->nonvirt = nv & (unsigned)cpu_parse_nonvirt("x86", &bad); break;
	}
	s->timer = flags & 0x10 ? timer : 0;
	s->disk_sectors = flags & 0x20 ? 1u + (nv & 3) : 0;
	s->input = fuzz_bytes(in, ninput, &s->input_len);
	/* Paged: the program at virtual 0 (physical FUZZ_PT_CODE), one page. */
	s->paged = s->user && (flags & 0x40);
	if (s->paged) {
		s->exposed = flags & 0x80;
		s->mem_size = FUZZ_PT_MEM + FUZZ_PT_TAIL * ((size >> 2) & 3); /* a partial page? */
		s->ptb = fuzz_page_tables(in, s->tables, s->exposed);
	}
	while (in->n && s->nprog < (s->paged ? PAGE_SIZE / 4 : MAX_WORDS))
		s->prog[s->nprog++] = fuzz_insn(in);
}

static void rig_init(struct rig *g, const struct setup *s)
{
	static const uint8_t pattern[] = "Trapeze disk sector";
	uint8_t disk[4 * DISK_SECTOR_SIZE];

	memset(g, 0, sizeof *g);
	FUZZ_CHECK(H, mem_init(&g->host, s->mem_size + 2 * GUARD), "out of host memory");
	for (uint32_t i = 0; i < GUARD; i++) {
		g->host.bytes[i] = guard_byte(i);
		g->host.bytes[GUARD + s->mem_size + i] = guard_byte(i);
	}
	dev_init(&g->d, NULL);
	dev_capture(&g->d);
	g->d.con.out_limit = OUT_LIMIT;
	dev_con_feed(&g->d, s->input, (uint32_t)s->input_len);
	for (size_t i = 0; i < sizeof disk; i++)
		disk[i] = pattern[i % (sizeof pattern - 1)] ^ (uint8_t)(i >> 9);
	if (s->disk_sectors)
		dev_disk_set(&g->d, disk, s->disk_sectors * DISK_SECTOR_SIZE);
	/* cpu_init, but with memory that is a window of the guarded buffer. */
	g->c.mem = mem_view(&g->host, GUARD, s->mem_size);
	FUZZ_CHECK(H, cpu_tlb_init(&g->c), "out of host memory");
	if (s->paged) /* the directory and the two tables; the rest is zero */
		mem_write(&g->c.mem, FUZZ_PT_DIR, s->tables + FUZZ_PT_DIR, FUZZ_PT_CODE - FUZZ_PT_DIR);
	g->c.dev = &g->d;
	g->c.psw = s->psw;
	g->c.nonvirt = s->nonvirt;
	g->c.sr[SR_timer] = s->timer;
	if (s->user) {
		/* The kernel's boot code is not run: the state is set here. */
		uint32_t k[FUZZ_K_END / 4];
		fuzz_kernel(k, s->base, s->limit, s->ptb, (uint16_t)s->timer, s->psw & PSW_IE);
		mem_write(&g->c.mem, 0, k, sizeof k);
		g->c.sr[SR_tvec] = FUZZ_K_TVEC;
		g->c.sr[SR_base] = s->base;
		g->c.sr[SR_limit] = s->limit;
		g->c.sr[SR_ptb] = s->ptb;
	}
	{
		uint32_t at = s->paged ? FUZZ_PT_CODE : s->user ? s->base : 0;
		uint32_t room = s->mem_size - at;
		mem_write(&g->c.mem, at, s->prog, (uint32_t)(s->nprog * 4 < room ? s->nprog * 4 : room));
	}
}

static void rig_free(struct rig *g)
{
	cpu_tlb_free(&g->c);
	mem_free(&g->host);
	dev_free(&g->d);
}

typedef enum cpu_stop (*engine_fn)(struct cpu *c, uint64_t max, bool step);

/* A build of the dispatch loop: its plain and paged halves. */
static const struct engine {
	engine_fn plain, paged;
	const char *name;
} engines[] = {
	{ cpu_exec_goto, cpu_exec_paged_goto, "goto loops" },
	{ cpu_exec_switch, cpu_exec_paged_switch, "switch loops" },
};

/* Run one build as cpu_run runs the default one: each half hands over to
 * the other (EXEC_SWITCH) when the mode needs it. */
static enum cpu_stop run_engine(struct cpu *c, const struct engine *e, uint64_t max, bool step)
{
	const uint64_t end = c->retired + max;

	for (uint64_t n = 0;; n++) {
		enum cpu_stop s;
		if (c->retired >= end)
			return STOP_LIMIT;
		FUZZ_CHECK(H, n < 4 * max + 16, "%s: no progress at pc 0x%x", e->name, c->pc);
		s = cpu_paging(c) ? e->paged(c, end - c->retired, step)
		                  : e->plain(c, end - c->retired, step);
		if ((int)s != EXEC_SWITCH)
			return s;
	}
}

/* Single steps, as a debugger makes them, to the same instruction count. */
static enum cpu_stop run_stepping(struct cpu *c, const struct engine *e, uint64_t max)
{
	enum cpu_stop s = STOP_LIMIT;
	for (uint64_t n = 0; c->retired < max && s == STOP_LIMIT; n++) {
		FUZZ_CHECK(H, n < 4 * max + 16, "%s: a step makes no progress at pc 0x%x", e->name,
		           c->pc);
		s = run_engine(c, e, 1, true);
	}
	return s;
}

static void check_run(const struct rig *g, const struct setup *s, enum cpu_stop stop,
                      const uint8_t *before, const char *how)
{
	const struct cpu *c = &g->c;

	FUZZ_CHECK(H, stop == STOP_LIMIT || stop == STOP_HALT || stop == STOP_IDLE ||
	                      stop == STOP_FAULT,
	           "%s: stopped with %d, no monitor asked for traps", how, (int)stop);
	FUZZ_CHECK(H, c->retired <= MAX_STEPS, "%s: %llu instructions retired, limit %d", how,
	           (unsigned long long)c->retired, MAX_STEPS);
	FUZZ_CHECK(H, stop != STOP_LIMIT || c->retired == MAX_STEPS,
	           "%s: stopped at the limit after %llu of %d instructions", how,
	           (unsigned long long)c->retired, MAX_STEPS);
	FUZZ_CHECK(H, stop != STOP_HALT || g->d.halted, "%s: halted without a power write", how);
	FUZZ_CHECK(H, c->r[0] == 0, "%s: r0 is 0x%x", how, c->r[0]);
	FUZZ_CHECK(H, g->d.con.out_count <= OUT_LIMIT, "%s: %llu console bytes past the limit", how,
	           (unsigned long long)g->d.con.out_count);
	for (uint32_t i = 0; i < GUARD; i++)
		FUZZ_CHECK(H, g->host.bytes[i] == guard_byte(i) &&
		                      g->host.bytes[GUARD + s->mem_size + i] == guard_byte(i),
		           "%s: the machine wrote outside its memory, %u bytes %s it", how,
		           g->host.bytes[i] != guard_byte(i) ? GUARD - i : i + 1,
		           g->host.bytes[i] != guard_byte(i) ? "below" : "above");
	if (!s->user || s->exposed)
		return;
	if (s->paged) {
		/* Resource control by paging: tables the user cannot write. */
		static uint8_t may[FUZZ_PT_MEM]; /* test-only scratch, one harness per process */
		fuzz_user_may_change(before, may);
		memset(may + FUZZ_K_COUNT, 0xFF, 4);
		for (uint32_t a = 0; a < s->mem_size; a++)
			FUZZ_CHECK(H, ((c->mem.bytes[a] ^ before[a]) & ~(a < FUZZ_PT_MEM ? may[a] : 0)) == 0,
			           "%s: a paged user program (nonvirt 0x%x) changed physical 0x%x from "
			           "0x%02x to 0x%02x", how, s->nonvirt, a, before[a], c->mem.bytes[a]);
		return;
	}
	/* Resource control on the bare machine: base and limit confine user mode. */
	for (uint32_t a = 0; a < s->mem_size; a++) {
		bool in_window = a >= s->base && a - s->base < s->limit;
		bool counter = a >= FUZZ_K_COUNT && a < FUZZ_K_COUNT + 4;
		FUZZ_CHECK(H, in_window || counter || c->mem.bytes[a] == before[a],
		           "%s: user code (window 0x%x+0x%x, nonvirt 0x%x) changed physical 0x%x",
		           how, s->base, s->limit, s->nonvirt, a);
	}
}

static void compare(const struct rig *a, const struct rig *b, const char *how)
{
	const struct cpu *x = &a->c, *y = &b->c;
	const struct console *kx = &a->d.con, *ky = &b->d.con;
	const struct disk *dx = &a->d.disk, *dy = &b->d.disk;

	for (int i = 0; i < NREGS; i++)
		FUZZ_CHECK(H, x->r[i] == y->r[i], "%s: r%d 0x%x and 0x%x", how, i, x->r[i], y->r[i]);
	FUZZ_CHECK(H, x->pc == y->pc && x->psw == y->psw, "%s: pc 0x%x psw 0x%x and pc 0x%x psw 0x%x",
	           how, x->pc, x->psw, y->pc, y->psw);
	for (int i = 0; i < SR_COUNT; i++)
		FUZZ_CHECK(H, x->sr[i] == y->sr[i], "%s: special register %d 0x%x and 0x%x", how, i,
		           x->sr[i], y->sr[i]);
	FUZZ_CHECK(H, x->retired == y->retired && x->cycles == y->cycles &&
	                      x->idle_ticks == y->idle_ticks && x->ipend_timer == y->ipend_timer,
	           "%s: retired %llu cycles %llu idle %llu and retired %llu cycles %llu idle %llu", how,
	           (unsigned long long)x->retired, (unsigned long long)x->cycles,
	           (unsigned long long)x->idle_ticks, (unsigned long long)y->retired,
	           (unsigned long long)y->cycles, (unsigned long long)y->idle_ticks);
	FUZZ_CHECK(H, !memcmp(x->traps, y->traps, sizeof x->traps), "%s: trap counts differ", how);
	FUZZ_CHECK(H, !memcmp(x->mem.bytes, y->mem.bytes, x->mem.size), "%s: memory differs", how);
	FUZZ_CHECK(H, kx->out_count == ky->out_count && kx->cap_len == ky->cap_len &&
	                      (!kx->cap_len || !memcmp(kx->capture, ky->capture, kx->cap_len)) &&
	                      kx->in_len == ky->in_len && kx->in_head == ky->in_head &&
	                      kx->ctrl == ky->ctrl,
	           "%s: the console differs", how);
	FUZZ_CHECK(H, dx->sector == dy->sector && dx->addr == dy->addr && dx->status == dy->status &&
	                      dx->ctrl == dy->ctrl && dx->reads == dy->reads &&
	                      dx->writes == dy->writes &&
	                      (!dx->nsectors ||
	                       !memcmp(dx->image, dy->image, (size_t)dx->nsectors * DISK_SECTOR_SIZE)),
	           "%s: the disk differs", how);
	FUZZ_CHECK(H, a->d.halted == b->d.halted && a->d.halt_code == b->d.halt_code,
	           "%s: halted %d code %u and halted %d code %u", how, a->d.halted, a->d.halt_code,
	           b->d.halted, b->d.halt_code);
}

int fuzz_cpu(const uint8_t *data, size_t size)
{
	enum { RUNS = 4 };
	static const char *const how[RUNS] = { "goto loops", "switch loops",
	                                       "single steps (goto)", "single steps (switch)" };
	struct fuzz_in in = { data, size };
	struct setup *s = malloc(sizeof *s);
	struct rig *g = malloc(RUNS * sizeof *g);
	uint8_t *before;
	enum cpu_stop stop[RUNS];
	uint64_t ran = 0;

	FUZZ_CHECK(H, s && g, "out of host memory");
	read_setup(&in, s);
	for (int k = 0; k < RUNS; k++) {
		const struct engine *e = &engines[k % 2];
		rig_init(&g[k], s);
		before = malloc(s->mem_size);
		FUZZ_CHECK(H, before, "out of host memory");
		memcpy(before, g[k].c.mem.bytes, s->mem_size);
		stop[k] = k < 2 ? run_engine(&g[k].c, e, MAX_STEPS, false)
		                : run_stepping(&g[k].c, e, MAX_STEPS);
		check_run(&g[k], s, stop[k], before, how[k]);
		ran += g[k].c.retired;
		free(before);
	}
	for (int k = 1; k < RUNS; k++) {
		char pair[96];
		snprintf(pair, sizeof pair, "%s and %s", how[0], how[k]);
		FUZZ_CHECK(H, stop[0] == stop[k], "%s stopped with %d, %s with %d", how[0],
		           (int)stop[0], how[k], (int)stop[k]);
		compare(&g[0], &g[k], pair);
	}
	for (int k = 0; k < RUNS; k++)
		rig_free(&g[k]);
	free(g);
	free(s);
	fuzz_tally(H, ran);
	return 0;
}

#ifdef TRAPEZE_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_cpu(data, size);
}
#endif
