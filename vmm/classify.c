/*
 * vmm/classify.c: Popek and Goldberg's classes, derived by experiment.
 * Owns: the scratch machines, the random states, the experiments and the
 *       verdicts (see classify.h).
 * Not:  the table's class column: it is read only to compare at the end.
 * Implements: P&G 1974, section 3, each definition run literally on a
 *       scratch `struct cpu` with exit_on_trap (so a trap is seen, not
 *       taken) and cpu_step (one instruction):
 *   privileged     it traps PRIV in every user-mode state tried and in no
 *                  supervisor-mode state.
 *   control        from some state, without trapping, it changes resources:
 *                  the mode or interrupt enable, the relocation registers,
 *                  any other special register, a device (any port I/O).
 *                  Time is not a resource: the timer's tick for a retired
 *                  instruction is expected, not counted.
 *   mode           from two states that differ only in mode state, neither
 *                  trapping, its effect (registers, flags, pc, memory seen,
 *                  how it stopped) differs. Mode state is the mode itself
 *                  (user against supervisor, with identity relocation so that
 *                  both see the same memory) and the privileged bits of the
 *                  psw and of the saved epsw: what a monitor must fake.
 *   location       from two states with the same view of memory placed at
 *                  different relocation bases, neither trapping, its effect
 *                  differs.
 *   user-sensitive control, mode or location sensitivity seen from user-mode
 *                  states alone (the mode itself held fixed): what a hybrid
 *                  VMM, which runs only user code natively, must catch.
 * Paging (ISA.md section 12) is state too: one state in PAGED_SHARE runs on
 * a larger scratch machine with paging on (ptb and pfinfo are resources
 * like the other special registers). Its user mode sees memory through a
 * small table whose entries have A and D set already, so that a walk
 * writes nothing. The mode experiment maps every page to itself, so that
 * user and supervisor mode see the same memory (as identity relocation
 * does unpaged); the location experiment maps the user's one page onto
 * another frame holding the same bytes, the tables kept out of its view
 * (they hold the frame numbers, which is what differs). The TLB is no
 * resource: ISA.md makes it invisible, so tlbflush and tlbinv come out
 * privileged and innocuous.
 * Theorem 1: a VMM can be built if every sensitive instruction is
 * privileged; Theorem 3: a hybrid VMM, if every user-sensitive one is.
 */
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "cpu.h"

enum {
	LAB_MEM = 2048,      /* a scratch machine's memory: small, so copies are cheap */
	LAB_SECTORS = 2,
	LAB_MIN_WINDOW = 64, /* user windows are at least this big */
	/* The paged scratch machine: the user's page, another frame for it,
	 * and above them a directory and a table. */
	PG_MEM = 4 * PAGE_SIZE,
	PG_VIEW = 0, PG_ALT = PAGE_SIZE, PG_DIR = 2 * PAGE_SIZE, PG_TABLE = 3 * PAGE_SIZE,
	PG_FULL = PTE_V | PTE_W | PTE_U | PTE_A | PTE_D, /* an entry a walk leaves as it is */
	PAGED_SHARE = 4,     /* one random state in this many is paged */
};

/* A scratch machine: a CPU and its devices; when paged, where its user
 * mode's view lies in physical memory (contiguous: view .. view + len). */
struct lab {
	struct cpu c;
	struct devices d;
	bool paged;
	uint32_t view, view_len;
};

/* xorshift64*: small, fast and the same on every host. */
struct rng {
	uint64_t s;
};

static uint32_t rng_next(struct rng *g)
{
	g->s ^= g->s >> 12;
	g->s ^= g->s << 25;
	g->s ^= g->s >> 27;
	return (uint32_t)((g->s * 0x2545F4914F6CDD1Dull) >> 32);
}

static uint32_t rng_below(struct rng *g, uint32_t n)
{
	return rng_next(g) % n;
}

static bool lab_init(struct lab *m, unsigned nonvirt, uint32_t mem_size)
{
	uint8_t disk[LAB_SECTORS * DISK_SECTOR_SIZE] = { 0 };

	dev_init(&m->d, NULL);
	if (!cpu_init(&m->c, mem_size, &m->d) || !dev_disk_set(&m->d, disk, sizeof disk))
		return false;
	m->c.nonvirt = nonvirt;
	m->c.exit_on_trap = true; /* see the trap, do not take it */
	return true;
}

static void lab_free(struct lab *m)
{
	cpu_free(&m->c);
	dev_free(&m->d);
}

/* Make dst a copy of src's machine state (memory, registers, devices). */
static void lab_copy(struct lab *dst, const struct lab *src)
{
	struct cpu *c = &dst->c;
	const struct cpu *s = &src->c;
	uint8_t *image = dst->d.disk.image;

	memcpy(c->mem.bytes, s->mem.bytes, s->mem.size);
	memset(c->mem.dec, 0, (s->mem.size / 4) * sizeof *c->mem.dec); /* OP_UNDECODED */
	if (src->paged || dst->paged)
		cpu_tlb_flush(c); /* its entries were walked in another state */
	dst->paged = src->paged;
	dst->view = src->view;
	dst->view_len = src->view_len;
	memcpy(c->r, s->r, sizeof c->r);
	c->pc = s->pc;
	c->psw = s->psw;
	memcpy(c->sr, s->sr, sizeof c->sr);
	c->ipend_timer = s->ipend_timer;
	c->retired = c->cycles = 0;
	c->trap_streak = 0;
	c->trap_retired = 0;
	dst->d = src->d;
	dst->d.disk.image = image;
	memcpy(image, src->d.disk.image, LAB_SECTORS * DISK_SECTOR_SIZE);
}

/* The window the lab's current mode sees, as cpu_window computes it, or
 * in paged user mode the physical pages its virtual ones map to. */
static void lab_window(const struct lab *m, uint32_t *base, uint32_t *limit)
{
	if (m->paged && !cpu_in_supervisor(&m->c)) {
		*base = m->view;
		*limit = m->view_len;
		return;
	}
	cpu_window(&m->c, base, limit);
}

static void put_word(struct lab *m, uint32_t pa, uint32_t w)
{
	mem_write(&m->c.mem, pa, &w, 4);
}

/* Paging on with fresh tables: every page mapped to itself (identity: the
 * user sees all of memory, as supervisor mode does), or only virtual page
 * 0, onto frame (the tables out of the user's view). */
static void lab_map(struct lab *m, bool identity, uint32_t frame)
{
	/* The directory and the table, empty (and never run as code). */
	memset(m->c.mem.bytes + PG_DIR, 0, PG_MEM - PG_DIR);
	memset(m->c.mem.dec + PG_DIR / 4, 0, (PG_MEM - PG_DIR) / 4 * sizeof *m->c.mem.dec);
	put_word(m, PG_DIR, PG_TABLE | PTE_V);
	for (uint32_t k = 0; k < (identity ? PG_MEM / PAGE_SIZE : 1); k++)
		put_word(m, PG_TABLE + 4 * k, (identity ? k * PAGE_SIZE : frame) | PG_FULL);
	m->c.sr[SR_ptb] = PG_DIR | PTB_P;
	m->paged = true;
	m->view = identity ? 0 : frame;
	m->view_len = identity ? PG_MEM : PAGE_SIZE;
	cpu_tlb_flush(&m->c);
}

/* A random state of the lab's machine: unpaged (P&G's machine), or paged
 * (the lab's larger one) with either kind of tables. The instruction is
 * placed at a random word of the window; nothing is pending, so cpu_step
 * runs the instruction, not an interrupt. */
static void lab_randomize(struct lab *m, struct rng *g)
{
	struct cpu *c = &m->c;
	static const uint32_t privs[] = { 0, PSW_S, PSW_IE, PSW_S | PSW_IE };
	const uint32_t size = c->mem.size;
	/* Addresses in registers: mostly in memory, or (paged) in the page
	 * every mapping gives the user (at virtual 0). */
	const uint32_t span = size == PG_MEM ? PAGE_SIZE : size;

	/* Random memory (paged: below the tables, which lab_map writes). */
	for (uint32_t i = 0; i < (size == PG_MEM ? PG_DIR : size); i += 4) {
		uint32_t w = rng_next(g);
		memcpy(c->mem.bytes + i, &w, 4);
	}
	for (unsigned i = 1; i < NREGS; i++)
		c->r[i] = rng_below(g, 2) ? rng_below(g, span) & ~(rng_below(g, 2) ? 3u : 0u)
					 : rng_next(g);
	c->psw = (rng_next(g) & PSW_FLAGS) | (rng_below(g, 2) ? PSW_IE : 0);
	for (unsigned i = 0; i < SR_COUNT; i++)
		c->sr[i] = rng_below(g, 2) ? rng_below(g, size) : rng_next(g);
	c->sr[SR_ptb] &= ~PTB_P; /* paging off: P&G's machine, unless made paged below */
	m->paged = false;
	c->sr[SR_epsw] = (rng_next(g) & PSW_FLAGS) | privs[rng_below(g, 4)];
	c->sr[SR_base] = rng_below(g, size / 2) & ~3u;
	c->sr[SR_limit] = LAB_MIN_WINDOW + (rng_below(g, size / 2 - LAB_MIN_WINDOW) & ~3u);
	if (size == PG_MEM)
		lab_map(m, rng_below(g, 2), PG_VIEW);
	switch (rng_below(g, 3)) {
	case 0: c->sr[SR_timer] = 0; break;
	case 1: c->sr[SR_timer] = 1 + rng_below(g, 3); break;
	default: c->sr[SR_timer] = rng_next(g) | 1; break;
	}
	c->ipend_timer = 0;

	{
		uint8_t *image = m->d.disk.image; /* the devices' reset keeps the disk */
		dev_init(&m->d, NULL);
		m->d.disk.image = image;
		m->d.disk.nsectors = LAB_SECTORS;
		for (uint32_t i = 0; i < LAB_SECTORS * DISK_SECTOR_SIZE; i++)
			image[i] = (uint8_t)rng_next(g);
	}
	m->d.con.in_len = rng_below(g, 4);
	for (uint32_t i = 0; i < m->d.con.in_len; i++)
		m->d.con.in[i] = (uint8_t)rng_next(g);
	m->d.disk.sector = rng_below(g, LAB_SECTORS + 2);
	m->d.disk.addr = rng_below(g, size);
	m->d.disk.status = rng_below(g, 3);
}

/* Put the lab in a mode and the instruction at a random pc of its window.
 * Paged, the pc is one the two modes share when every page maps to itself
 * (in the pages below the tables), or one of the user's page. */
static void lab_place(struct lab *m, bool user, uint32_t pc_seed, uint32_t word)
{
	uint32_t base, limit, pa;

	m->c.psw = (m->c.psw & ~PSW_S) | (user ? 0 : PSW_S);
	if (m->paged) {
		bool all = !user || m->view_len == PG_MEM;
		m->c.pc = (pc_seed % ((all ? PG_DIR : PAGE_SIZE) / 4)) * 4;
		if (cpu_translate(&m->c, m->c.pc, &pa))
			put_word(m, pa, word);
		return;
	}
	lab_window(m, &base, &limit);
	m->c.pc = (pc_seed % (limit / 4)) * 4;
	mem_write(&m->c.mem, base + m->c.pc, &word, 4);
}

/* A random valid word of the row: registers, sregs and ports in range,
 * immediates and branch offsets small enough to land in the window often
 * (memory offsets word multiples when aligned: paged states, whose one
 * page should be met more often than a misaligned trap). */
static uint32_t random_word(const struct isa_insn *in, struct rng *g, bool aligned)
{
	/* rd rs rt for R, rd rs for I; the immediate is drawn below. */
	uint32_t fields = in->format == FMT_R ? 0x00FFF000u : 0x00FF0000u;
	uint32_t w = (uint32_t)in->opcode << 24 | (rng_next(g) & fields);

	if (in->format == FMT_J)
		return isa_enc_j(in->opcode, (int32_t)rng_below(g, 33) - 16);
	if (in->format == FMT_K)
		w = (uint32_t)in->opcode << 24 | (rng_next(g) & 0xFFFFFFu);
	else if (strchr(in->operands, 'r'))
		w |= rng_below(g, SR_COUNT);
	else if (strchr(in->operands, 'p'))
		w |= (uint32_t)isa_ports[rng_below(g, (uint32_t)isa_nports)].number;
	else if (strchr(in->operands, 'm'))
		w |= (uint32_t)((int32_t)rng_below(g, 96) - 32) & (aligned ? 0xFFFCu : 0xFFFFu);
	else
		w |= rng_below(g, 2) ? rng_below(g, 64) : rng_next(g) & 0xFFFFu;
	return w & isa_used_bits(in);
}

/* The resources an instruction might change: what control sensitivity sees. */
struct resources {
	uint32_t privbits, sr[SR_COUNT], ipend_timer;
	uint32_t con_head, con_len, con_ctrl;
	uint64_t con_out, port_reads, port_writes, disk_reads, disk_writes;
	uint32_t disk_sector, disk_addr, disk_status, disk_ctrl;
	bool halted;
};

static void take_resources(const struct lab *m, struct resources *r)
{
	memset(r, 0, sizeof *r);
	r->privbits = m->c.psw & PSW_PRIVBITS;
	memcpy(r->sr, m->c.sr, sizeof r->sr);
	r->ipend_timer = m->c.ipend_timer;
	r->con_head = m->d.con.in_head;
	r->con_len = m->d.con.in_len;
	r->con_ctrl = m->d.con.ctrl;
	r->con_out = m->d.con.out_count;
	r->port_reads = m->d.port_reads;
	r->port_writes = m->d.port_writes;
	r->disk_reads = m->d.disk.reads;
	r->disk_writes = m->d.disk.writes;
	r->disk_sector = m->d.disk.sector;
	r->disk_addr = m->d.disk.addr;
	r->disk_status = m->d.disk.status;
	r->disk_ctrl = m->d.disk.ctrl;
	r->halted = m->d.halted;
}

/* The outcome of one run: did it trap, and did it touch resources? */
struct outcome {
	bool trapped;
	enum trap_cause cause;
	bool changed_resources;
	enum cpu_stop stop;
	uint32_t base, limit; /* the window it ran in */
};

static struct outcome run_one(struct lab *m)
{
	struct outcome o = { 0 };
	struct resources before, after;

	take_resources(m, &before);
	lab_window(m, &o.base, &o.limit);
	o.stop = cpu_step(&m->c);
	o.trapped = o.stop == STOP_TRAP;
	o.cause = m->c.trap.cause;
	if (o.trapped && m->c.retired == 0)
		return o;
	/* The tick of the interval timer is time passing, not the instruction. */
	if (before.sr[SR_timer] && m->c.retired) {
		before.sr[SR_timer] -= (uint32_t)m->c.retired;
		if (before.sr[SR_timer] == 0)
			before.ipend_timer = 1;
	}
	take_resources(m, &after);
	o.changed_resources = memcmp(&before, &after, sizeof before) != 0;
	return o;
}

/* Same effect: registers, flags, pc, how it stopped, and the memory each
 * saw (its own window before the run). */
static bool same_effect(const struct lab *x, const struct outcome *ox, const struct lab *y,
			const struct outcome *oy)
{
	if (ox->stop != oy->stop || x->c.pc != y->c.pc ||
	    (x->c.psw & PSW_FLAGS) != (y->c.psw & PSW_FLAGS) ||
	    memcmp(x->c.r, y->c.r, NREGS * sizeof x->c.r[0]) != 0 || ox->limit != oy->limit)
		return false;
	return memcmp(x->c.mem.bytes + ox->base, y->c.mem.bytes + oy->base, ox->limit) == 0;
}

/* Run the pair; true when neither trapped and their effects differ.
 * *ran counts the pairs in which neither trapped: the evidence. */
static bool pair_differs(struct lab *x, struct lab *y, int *ran)
{
	struct outcome ox = run_one(x), oy = run_one(y);

	if (ox.trapped || oy.trapped)
		return false;
	++*ran;
	return !same_effect(x, &ox, y, &oy);
}

/* The template state and two machines to run, unpaged and paged. */
struct labs {
	struct lab t, x, y;
};

struct bench {
	struct labs plain, paged;
	struct rng g;
};

/* y as x, but its user's page on another frame holding the same bytes
 * (paged), or its window at another relocation base (unpaged). */
static void move_view(struct lab *x, struct lab *y, bool user, struct rng *g)
{
	uint32_t base, limit, nb;

	if (x->paged && user) {
		lab_map(x, false, PG_VIEW);
		lab_copy(y, x);
		mem_write(&y->c.mem, PG_ALT, x->c.mem.bytes + PG_VIEW, PAGE_SIZE);
		lab_map(y, false, PG_ALT);
		return;
	}
	cpu_window(&x->c, &base, &limit);
	nb = (base + 4 + 4 * rng_below(g, LAB_MEM / 8)) % (LAB_MEM / 2) & ~3u;
	if (nb == x->c.sr[SR_base])
		nb = (nb + 4) % (LAB_MEM / 2);
	lab_copy(y, x);
	if (user)
		memcpy(y->c.mem.bytes + nb, x->c.mem.bytes + base, limit);
	y->c.sr[SR_base] = nb;
}

/* One random state of one row: all the experiments. */
static void sample(struct bench *b, struct vmm_class_row *row)
{
	bool paged = rng_below(&b->g, PAGED_SHARE) == 0;
	uint32_t word = random_word(row->insn, &b->g, paged);
	uint32_t pc_seed = rng_next(&b->g);
	struct labs *L = paged ? &b->paged : &b->plain;
	int ignored = 0, *ran = paged ? &row->paged_pairs : &ignored;
	static const uint32_t privs[] = { 0, PSW_S, PSW_IE, PSW_S | PSW_IE };

	lab_randomize(&L->t, &b->g);

	/* Each mode alone: privilege and control sensitivity. */
	for (int user = 0; user < 2; user++) {
		struct outcome o;
		lab_copy(&L->x, &L->t);
		lab_place(&L->x, user, pc_seed, word);
		o = run_one(&L->x);
		if (user) {
			row->user_runs++;
			row->paged_runs += paged;
			row->user_priv_traps += o.trapped && o.cause == CAUSE_PRIV;
		} else {
			row->super_priv_traps += o.trapped && o.cause == CAUSE_PRIV;
		}
		if (o.changed_resources) {
			row->control = true;
			row->user_sensitive |= user;
		}
	}

	/* The mode itself: user against supervisor, seeing the same memory:
	 * identity relocation, or every page mapped to itself. */
	lab_copy(&L->x, &L->t);
	if (paged) {
		lab_map(&L->x, true, 0);
	} else {
		L->x.c.sr[SR_base] = 0;
		L->x.c.sr[SR_limit] = LAB_MEM;
	}
	lab_copy(&L->y, &L->x);
	lab_place(&L->x, false, pc_seed, word);
	lab_place(&L->y, true, pc_seed, word);
	if (pair_differs(&L->x, &L->y, ran))
		row->mode = true;

	for (int user = 0; user < 2; user++) {
		uint32_t other = privs[rng_below(&b->g, 4)];

		/* Interrupt enable, and the saved mode in epsw: mode state. */
		lab_copy(&L->x, &L->t);
		lab_place(&L->x, user, pc_seed, word);
		lab_copy(&L->y, &L->x);
		L->x.c.psw &= ~PSW_IE;
		L->y.c.psw |= PSW_IE;
		if (pair_differs(&L->x, &L->y, &ignored)) {
			row->mode = true;
			row->user_sensitive |= user;
		}
		lab_copy(&L->x, &L->t);
		lab_place(&L->x, user, pc_seed, word);
		lab_copy(&L->y, &L->x);
		if ((L->y.c.sr[SR_epsw] & PSW_PRIVBITS) == other)
			other ^= PSW_S;
		L->y.c.sr[SR_epsw] = (L->y.c.sr[SR_epsw] & ~PSW_PRIVBITS) | other;
		if (pair_differs(&L->x, &L->y, &ignored)) {
			row->mode = true;
			row->user_sensitive |= user;
		}

		/* Location: the same view placed elsewhere. */
		lab_copy(&L->x, &L->t);
		lab_place(&L->x, user, pc_seed, word);
		move_view(&L->x, &L->y, user, &b->g);
		if (pair_differs(&L->x, &L->y, user ? ran : &ignored)) {
			row->location = true;
			row->user_sensitive |= user;
		}
	}
}

static void conclude(struct vmm_classification *cl, struct vmm_class_row *row)
{
	const struct isa_insn *in = row->insn;

	row->privileged = row->user_runs > 0 && row->user_priv_traps == row->user_runs &&
			  row->super_priv_traps == 0;
	row->derived = (row->privileged ? ISA_PRIV : 0) | (row->control ? ISA_CTRL : 0) |
		       (row->mode ? ISA_MODE : 0) | (row->location ? ISA_LOC : 0);
	row->nonvirt = in->nonvirt != NV_NONE && (cl->nonvirt & (1u << in->nonvirt));
	/* The table's class is the default ISA's; nonvirt takes only the trap away. */
	row->expected = in->cls & ~(row->nonvirt ? (unsigned)ISA_PRIV : 0u);
	if (row->derived != row->expected)
		cl->mismatches++;
	if (vmm_is_sensitive(row) && !row->privileged)
		cl->theorem1 = false;
	if (row->user_sensitive && !row->privileged)
		cl->theorem3 = false;
}

static bool labs_init(struct labs *L, unsigned nonvirt, uint32_t mem_size)
{
	return lab_init(&L->t, nonvirt, mem_size) && lab_init(&L->x, nonvirt, mem_size) &&
	       lab_init(&L->y, nonvirt, mem_size);
}

static void labs_free(struct labs *L)
{
	lab_free(&L->t);
	lab_free(&L->x);
	lab_free(&L->y);
}

bool vmm_classify(unsigned nonvirt, uint64_t seed, int samples, struct vmm_classification *cl)
{
	struct bench *b = calloc(1, sizeof *b);
	bool ok = b && labs_init(&b->plain, nonvirt, LAB_MEM) &&
		  labs_init(&b->paged, nonvirt, PG_MEM);

	memset(cl, 0, sizeof *cl);
	cl->nonvirt = nonvirt;
	cl->seed = seed;
	cl->samples = samples;
	cl->theorem1 = cl->theorem3 = true;
	cl->rows = ok ? calloc((size_t)isa_ninsns, sizeof *cl->rows) : NULL;
	if (cl->rows) {
		cl->nrows = isa_ninsns;
		b->g.s = seed ? seed : 1;
		for (int i = 0; i < isa_ninsns; i++) {
			struct vmm_class_row *row = &cl->rows[i];
			row->insn = &isa_insns[i];
			for (int k = 0; k < samples; k++)
				sample(b, row);
			conclude(cl, row);
		}
	}
	if (b) {
		labs_free(&b->plain);
		labs_free(&b->paged);
		free(b);
	}
	return cl->rows != NULL;
}

void vmm_classification_free(struct vmm_classification *cl)
{
	free(cl->rows);
	cl->rows = NULL;
	cl->nrows = 0;
}
