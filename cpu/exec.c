/*
 * cpu/exec.c: the dispatch loop: every innocuous instruction's semantics, once.
 * Owns: fetching pre-decoded instructions and executing them at full speed.
 * Not:  privileged instructions (cpu/priv.c), trap delivery (cpu/trap.c),
 *       devices (cpu/devices.c). The loop leaves through one door: a stop reason.
 * Implements: ISA.md sections Instructions and Memory; P&G's efficiency
 *       property starts here: an innocuous instruction costs fetch, dispatch
 *       and execute, and nothing else.
 *
 * This file is compiled twice (see exec_switch.c): with computed goto, a GNU
 * C extension that gcc and clang accept (direct jumps between handlers, one
 * indirect branch per handler), and with a portable switch. Both builds pass
 * the same tests; `make DISPATCH=switch` makes the switch build cpu_run's.
 *
 * Hot state lives in locals: ip (the pre-decoded instruction at pc), the
 * window of the current mode (lo, nwin, mb, lim), psw (its flags kept lazily
 * as the last compared values) and the countdown `left`. SYNC() writes it back before anything can observe it. The timer,
 * the instruction limit and the end of the window are all folded into `left`:
 * one decrement and one test per instruction, and a straight run of code can
 * never pass the window's end unnoticed. A taken jump checks its target and,
 * only when it lands near the end, re-clamps `left` (the rest waits in
 * `slack`). Interrupts are recognised only when the loop is (re)entered.
 */
#include "internal.h"

#ifndef EXEC_NAME
#define EXEC_NAME cpu_exec_goto
#define EXEC_GOTO 1
#endif
#ifndef EXEC_PAGED
#define EXEC_PAGED 0
#endif

/* Extra cycles per instruction, beyond the one every instruction costs. */
enum {
#define INSN(n, op, fmt, opnds, cls, nv, cyc, sem) XCYC_##n = (cyc) - 1,
#include "../isa-spec/isa.def"
#undef INSN
};

static inline uint32_t flags_of_compare(uint32_t a, uint32_t b)
{
	uint32_t d = a - b;
	return (d == 0 ? PSW_Z : 0) | (d >> 31 ? PSW_N : 0) | (a < b ? PSW_C : 0) |
	       (((a ^ b) & (a ^ d)) >> 31 ? PSW_V : 0);
}

/*
 * Flags are computed lazily. Only cmp and cmpi set them, and almost every
 * compare is read by the branch after it and by nothing else, so the loop
 * keeps the compared values (fa, fb) and `lazy` instead of the four flag
 * bits: a branch tests the values natively, and the bits are made only when
 * something outside the loop can see the psw (SYNC).
 */
#define FLAGS_NOW() (psw = (psw & ~PSW_FLAGS) | flags_of_compare(fa, fb), lazy = false)

/* Each conditional branch (beq ... ble, in opcode order) as a test of the
 * compared values a and b, and as a test of the flags (from setpsw or rfe). */
#define COND_beq(a, b)  ((a) == (b))
#define COND_bne(a, b)  ((a) != (b))
#define COND_blt(a, b)  ((int32_t)(a) < (int32_t)(b))
#define COND_bge(a, b)  ((int32_t)(a) >= (int32_t)(b))
#define COND_bltu(a, b) ((a) < (b))
#define COND_bgeu(a, b) ((a) >= (b))
#define COND_bgt(a, b)  ((int32_t)(a) > (int32_t)(b))
#define COND_ble(a, b)  ((int32_t)(a) <= (int32_t)(b))
/* Signed less-than from the flags: N != V. */
#define LESS(psw) ((((psw) >> 5) ^ ((psw) >> 7)) & 1)
#define FLAG_beq(p)  ((p) & PSW_Z)
#define FLAG_bne(p)  (!((p) & PSW_Z))
#define FLAG_blt(p)  LESS(p)
#define FLAG_bge(p)  (!LESS(p))
#define FLAG_bltu(p) ((p) & PSW_C)
#define FLAG_bgeu(p) (!((p) & PSW_C))
#define FLAG_bgt(p)  (!((p) & PSW_Z) && !LESS(p))
#define FLAG_ble(p)  (((p) & PSW_Z) || LESS(p))
#define BRANCH_TAKEN(k) (lazy ? COND_##k(fa, fb) : FLAG_##k(psw))
#define FOR_EACH_BRANCH(X) X(beq) X(bne) X(blt) X(bge) X(bltu) X(bgeu) X(bgt) X(ble)

/*
 * Superinstructions, made when their first word is decoded, one opcode per
 * shape and branch (see mem.h):
 *   cmp or cmpi, then a conditional branch          FUSE_CMP, FUSE_CMPI
 *   add or addi, then such a compare and branch     FUSE_ADD_CMP ... FUSE_ADDI_CMPI
 * the second is the step, test and branch that close a counted loop. Safe:
 * only the first entry changes, and each handler checks, before it runs the
 * group, that the entries after it still say what they said when it was made
 * (a store forgets the entry of the word it wrote).
 */
/* In this order: an add's shape is FUSE_ADD_CMP + 2 * (its compare's shape) + (addi). */
enum { FUSE_CMP, FUSE_CMPI, FUSE_ADD_CMP, FUSE_ADDI_CMP, FUSE_ADD_CMPI, FUSE_ADDI_CMPI, FUSE_SHAPES };
#define NBRANCH (OP_ble - OP_beq + 1)
#define FUSED_OP(shape, branch_op) (OP_FUSED_FIRST + (shape) * NBRANCH + ((branch_op) - OP_beq))
_Static_assert(FUSED_OP(FUSE_SHAPES - 1, OP_ble) == OP_FUSED_LAST, "mem.h reserves every fused opcode");

static inline bool is_branch(uint8_t op)
{
	return (uint8_t)(op - OP_beq) < NBRANCH;
}

/* Decode the word whose entry is e. */
static inline void decode_entry(struct cpu *c, struct insn *e)
{
	cpu_decode(e, mem_load32(&c->mem, (uint32_t)(e - c->mem.dec) * 4));
}

/* The entry after ip, decoded (fresh: by this call); NULL past the end of
 * memory. A caller that decoded it only to look, and does not keep it in a
 * group, forgets it again: it may start a group of its own, made when it is
 * reached (an add looking at the add after it must not leave that add
 * decoded and never fused). */
static inline struct insn *look_ahead(struct cpu *c, struct insn *ip, bool *fresh)
{
	struct insn *next = ip + 1;
	if (next >= c->mem.dec + c->mem.size / 4)
		return NULL;
	*fresh = next->op == OP_UNDECODED;
	if (*fresh)
		decode_entry(c, next);
	return next;
}

/* A compare fused with its branch: FUSE_CMP or FUSE_CMPI. */
static inline bool is_fused_compare(uint8_t op)
{
	return (unsigned)(op - FUSED_OP(FUSE_CMP, OP_beq)) < 2 * NBRANCH;
}

/* cmp or cmpi at ip: with the branch after it. */
static inline void fuse_compare(struct cpu *c, struct insn *ip)
{
	bool fresh;
	struct insn *next = look_ahead(c, ip, &fresh);
	if (!next)
		return;
	if (is_branch(next->op))
		ip->op = (uint8_t)FUSED_OP(ip->op == OP_cmp ? FUSE_CMP : FUSE_CMPI, next->op);
	else if (fresh)
		next->op = OP_UNDECODED;
}

/* add or addi at ip: with a compare and the branch after it. A compare
 * decoded here stays decoded, fused or not: it starts no other group. */
static inline void fuse_step(struct cpu *c, struct insn *ip)
{
	bool fresh;
	struct insn *next = look_ahead(c, ip, &fresh);
	if (!next)
		return;
	if (next->op == OP_cmp || next->op == OP_cmpi)
		fuse_compare(c, next);
	else if (fresh && !is_fused_compare(next->op))
		next->op = OP_UNDECODED;
	if (!is_fused_compare(next->op))
		return;
	/* next->op - OP_FUSED_FIRST is its shape (0 cmp, 1 cmpi) * NBRANCH + its branch */
	unsigned k = next->op - OP_FUSED_FIRST;
	ip->op = (uint8_t)FUSED_OP(FUSE_ADD_CMP + 2 * (k / NBRANCH) + (ip->op == OP_addi), OP_beq + k % NBRANCH);
}

/* The instruction at ip has just been decoded: make it the first of a
 * group when it can be. */
static inline void fuse(struct cpu *c, struct insn *ip)
{
	if (ip->op == OP_cmp || ip->op == OP_cmpi)
		fuse_compare(c, ip);
	else if (ip->op == OP_add || ip->op == OP_addi)
		fuse_step(c, ip);
}

#if EXEC_GOTO
#define CASE(n) L_##n
#define SUPER(n, op) L_##n
#define DISPATCH() goto *labels[ip->op]
#else
#define CASE(n) case OP_##n
#define SUPER(n, op) case op
#define DISPATCH() goto dispatch
#endif

/*
 * The paged build (exec_paged.c, ISA.md section 12) runs user code whose
 * addresses go through page tables: its window is one page, at virtual
 * address vpage, and a data access finds its page in the TLB (one tag
 * compare) or leaves for mmu.c. The plain build is the P&G machine: a
 * window of relocation, vpage always 0, nothing paid for paging at all.
 */
#if EXEC_PAGED
#define VBASE vpage
#else
#define VBASE 0u
#endif
/* The virtual address of the entry at ip. */
#define PC_OF(ip) (VBASE + (uint32_t)((ip) - lo) * 4)
/* The physical address of c->pc (synced), for a trap's instruction word. */
#if EXEC_PAGED
#define PHYS_PC() (pframe + (c->pc & ~PAGE_MASK))
#else
#define PHYS_PC() (base + c->pc)
#endif

/* Write the hot locals back into *c; the retired count catches up. */
#define SYNC()                                                   \
	do {                                                     \
		c->pc = PC_OF(ip);                               \
		if (lazy)                                        \
			FLAGS_NOW();                             \
		c->psw = psw;                                    \
		cpu_account(c, (uint64_t)(chunk - left), extra); \
		chunk = left;                                    \
		extra = 0;                                       \
	} while (0)

/* Retire the current instruction and fetch the next one in sequence. */
#define NEXT(n)                                    \
	do {                                       \
		extra += XCYC_##n;                 \
		ip++;                              \
		if (unlikely(--left <= 0))         \
			goto out_of_time;          \
		DISPATCH();                        \
	} while (0)

/* Retire a jump whose new ip has been checked. */
#define NEXT_JUMPED(n)                     \
	do {                               \
		extra += XCYC_##n;         \
		if (unlikely(--left <= 0)) \
			goto out_of_time;  \
		DISPATCH();                \
	} while (0)

/* Land on the entry at address to (an integer: it may lie outside the
 * window) for the guest address target: a fault outside the window, a
 * re-clamp of the countdown when a straight run from there could pass its
 * end. In bytes of the decoded window, so that a relative jump's new ip is
 * one add from the old (the chain from one taken jump to the next is what a
 * loop's speed rests on). */
#define LAND(n, to, target)                                                        \
	do {                                                                       \
		uintptr_t to_ = (to);                                              \
		if (unlikely(to_ - (uintptr_t)lo >= wbytes)) {                     \
			bad_target = (target);                                     \
			goto jump_fault;                                           \
		}                                                                  \
		ip = (struct insn *)to_;                                           \
		if (unlikely((uintptr_t)lo + wbytes - to_ < (uintptr_t)left * sizeof *ip)) \
			RECLAMP(nwin - (ip - lo));                                 \
		NEXT_JUMPED(n);                                                    \
	} while (0)

/* Let at most d more instructions run before the loop looks again. */
#define RECLAMP(d)                                              \
	do {                                                    \
		int64_t total_ = left + slack;                  \
		int64_t new_ = total_ < (d) ? total_ : (d);     \
		chunk += new_ - left;                           \
		slack = total_ - new_;                          \
		left = new_;                                    \
	} while (0)

/* Jump by off words from pc + 4. */
#define JUMP_REL(n, off)                                                                       \
	LAND(n, (uintptr_t)ip + sizeof *ip * (uintptr_t)(1 + (intptr_t)(off)),                \
	     VBASE + (uint32_t)(((ip - lo) + 1 + (int64_t)(off)) * 4))

/* Jump to an absolute address of the current mode. */
#define JUMP_ABS(n, addr)                                                 \
	do {                                                              \
		uint32_t abs_ = (addr);                                   \
		if (unlikely(abs_ & 3)) {                                 \
			bad_target = abs_;                                \
			goto jump_fault;                                  \
		}                                                         \
		LAND(n, (uintptr_t)lo + sizeof *ip * (uintptr_t)((abs_ - VBASE) / 4), abs_); \
	} while (0)

#if !EXEC_PAGED
/* A data access of sz bytes at a: aligned and below the limit, or a fault;
 * p = its host address. The limit is a multiple of 4, so an aligned a
 * below it fits whole. Loads and stores check alike. */
#define ACCESS(p, a, sz, slow)                                       \
	do {                                                         \
		if (unlikely(((a) & ((sz) - 1)) | ((a) >= lim))) {   \
			fault_addr = (a);                            \
			fault_size = (sz);                           \
			goto data_fault;                             \
		}                                                    \
		(p) = mb + (a);                                      \
	} while (0)
#define LOAD_AT(p, a, sz) ACCESS(p, a, sz, 0)
#define STORE_AT(p, a, sz) ACCESS(p, a, sz, 0)

/* A store also forgets the decoded form of the word it wrote, and of the
 * word before, which may be a compare fused with it (see mem.h). */
#define STORED(a, p) (lo[(a) >> 2].op = OP_UNDECODED, lo[(int64_t)((a) >> 2) - 1].op = OP_UNDECODED)
#else
/* Paged: aligned, and the page's TLB entry says it may be read (rtag) or
 * written at full speed (wtag); anything else leaves for mmu.c. A page is
 * never crossed: sz divides the page size. */
#define TLB_ACCESS(p, a, sz, tag, slow)                                              \
	do {                                                                         \
		uint32_t i_ = ((a) >> PAGE_SHIFT) & (TLB_SIZE - 1);                  \
		if (unlikely(((a) & ((sz) - 1)) | (tlb->tag[i_] != (a) >> PAGE_SHIFT))) { \
			fault_addr = (a);                                            \
			fault_size = (sz);                                           \
			goto slow;                                                   \
		}                                                                    \
		(p) = (uint8_t *)(tlb->delta[i_] + (a));                             \
	} while (0)
#define LOAD_AT(p, a, sz) TLB_ACCESS(p, a, sz, rtag, load_slow)
#define STORE_AT(p, a, sz) TLB_ACCESS(p, a, sz, wtag, store_slow)
/* The decoded form of the word at host address p, and of the word before. */
#define STORED(a, p)                                                        \
	do {                                                                \
		struct insn *d_ = c->mem.dec + ((p) - bytes) / 4;           \
		d_[0].op = OP_UNDECODED;                                    \
		d_[-1].op = OP_UNDECODED;                                   \
	} while (0)
#endif

#define RD r[ip->rd]
#define RS r[ip->rs]
#define RT r[ip->rt]
#define IMM ((uint32_t)ip->imm)

enum cpu_stop EXEC_NAME(struct cpu *c, uint64_t max, bool step)
{
#if EXEC_GOTO
	/* Every opcode first points at L_bad, then each row overrides its own. */
#ifdef __clang__
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winitializer-overrides"
#else
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
#endif
	static const void *const labels[256] = {
		[0 ... 255] = &&L_bad,
		[OP_UNDECODED] = &&L_undecoded,
#define FUSED_LABELS(k)                                                  \
		[FUSED_OP(FUSE_CMP, OP_##k)] = &&L_cmp_##k,               \
		[FUSED_OP(FUSE_CMPI, OP_##k)] = &&L_cmpi_##k,             \
		[FUSED_OP(FUSE_ADD_CMP, OP_##k)] = &&L_add_cmp_##k,       \
		[FUSED_OP(FUSE_ADDI_CMP, OP_##k)] = &&L_addi_cmp_##k,     \
		[FUSED_OP(FUSE_ADD_CMPI, OP_##k)] = &&L_add_cmpi_##k,     \
		[FUSED_OP(FUSE_ADDI_CMPI, OP_##k)] = &&L_addi_cmpi_##k,
		FOR_EACH_BRANCH(FUSED_LABELS)
#undef FUSED_LABELS
#define INSN(n, op, ...) [op] = &&L_##n,
#include "../isa-spec/isa.def"
#undef INSN
	};
#ifdef __clang__
#pragma clang diagnostic pop
#else
#pragma GCC diagnostic pop
#endif
#endif
	uint32_t *const r = c->r;
	uint8_t *const bytes = c->mem.bytes;
	const uint64_t end = c->retired + max;
	uint32_t psw, fa = 0, fb = 0, bad_target, fault_addr, fault_size;
	bool lazy = false;
#if EXEC_PAGED
	struct tlb *const tlb = &c->tlb;
	struct mmu_ctx ctx;
	uint32_t vpage, pframe;
#else
	uint32_t base, lim;
	uint8_t *mb;
#endif
	struct insn *lo, *ip;
	ptrdiff_t nwin;
	uintptr_t wbytes; /* nwin * sizeof *ip */
	int64_t left, chunk, slack;
	uint64_t extra, dev_left;
	int why;

resync:
	/* (Re)enter from *c: the one place interrupts and the limit are seen. */
	if (c->retired >= end)
		return STOP_LIMIT;
	/* A device acting at its own time (a frame arriving on the network
	 * card's loopback cable) acts here, before interrupts are looked at;
	 * the run stops at its next act as it stops at the timer. */
	dev_left = c->dev ? dev_tick(c->dev, c->retired + c->idle_ticks) : UINT64_MAX;
	{
		bool taken;
		why = cpu_take_interrupt(c, &taken);
		if (why != GO_ON)
			return (enum cpu_stop)why;
		if (taken && step)
			return STOP_LIMIT;
	}
	psw = c->psw;
	lazy = false;
#if EXEC_PAGED
	/* The window is the page of the pc: found in the TLB, or walked. */
	cpu_mmu_context(c, &ctx);
	if (ctx.kind == MMU_OFF)
		return (enum cpu_stop)EXEC_SWITCH;
	mmu_use_context(c, &ctx);
	if (unlikely(c->pc & 3)) {
		why = cpu_trap(c, CAUSE_MISALIGNED, c->pc, c->pc, c->pc);
		goto after_trap;
	}
	vpage = c->pc & PAGE_MASK;
	if (tlb->rtag[(vpage >> PAGE_SHIFT) & (TLB_SIZE - 1)] == vpage >> PAGE_SHIFT) {
		pframe = tlb->frame[(vpage >> PAGE_SHIFT) & (TLB_SIZE - 1)];
	} else {
		why = mmu_fill(c, &ctx, c->pc, ACC_FETCH, &pframe);
		if (why != MMU_FILLED)
			goto after_trap;
	}
	lo = c->mem.dec + pframe / 4;
	nwin = PAGE_SIZE / 4;
	wbytes = (uintptr_t)nwin * sizeof *ip;
	ip = lo + (c->pc & ~PAGE_MASK) / 4;
#else
	if (unlikely(cpu_paging(c)))
		return (enum cpu_stop)EXEC_SWITCH;
	/* Supervisor mode, or paging off: the TLB is not in use. Forgetting its
	 * context here empties it at the next entry into paged user mode. */
	mmu_leave_context(c);
	cpu_window(c, &base, &lim);
	mb = bytes + base;
	lo = c->mem.dec + base / 4;
	nwin = lim / 4;
	wbytes = (uintptr_t)nwin * sizeof *ip;
	if (unlikely((c->pc & 3) | (c->pc >= lim))) {
		why = cpu_trap(c, c->pc & 3 ? CAUSE_MISALIGNED : CAUSE_BOUNDS, c->pc, c->pc, c->pc);
		if (why != GO_ON || step)
			return why == GO_ON ? STOP_LIMIT : (enum cpu_stop)why;
		goto resync;
	}
	ip = lo + c->pc / 4;
#endif
	left = (int64_t)(end - c->retired);
	if (c->sr[SR_timer] && c->sr[SR_timer] < (uint64_t)left)
		left = c->sr[SR_timer];
	if (unlikely(dev_left < (uint64_t)left))
		left = (int64_t)dev_left;
	slack = 0;
	chunk = left;
	RECLAMP(nwin - (ip - lo));
	extra = 0;
	DISPATCH();

#if !EXEC_GOTO
dispatch:
	switch (ip->op) {
#endif

	CASE(add): RD = RS + RT; NEXT(add);
	CASE(sub): RD = RS - RT; NEXT(sub);
	CASE(and): RD = RS & RT; NEXT(and);
	CASE(or):  RD = RS | RT; NEXT(or);
	CASE(xor): RD = RS ^ RT; NEXT(xor);
	CASE(shl): RD = RS << (RT & 31); NEXT(shl);
	CASE(shr): RD = RS >> (RT & 31); NEXT(shr);
	/* >> of a negative int32_t: arithmetic in gcc and clang (C11 leaves it to them). */
	CASE(sar): RD = (uint32_t)((int32_t)RS >> (RT & 31)); NEXT(sar);
	CASE(mul): RD = RS * RT; NEXT(mul);
	CASE(div):
		if (unlikely(RT == 0))
			goto divide_by_zero;
		/* INT_MIN / -1 overflows in C; the machine gives INT_MIN. */
		RD = RT == 0xFFFFFFFFu ? 0u - RS : (uint32_t)((int32_t)RS / (int32_t)RT);
		NEXT(div);
	CASE(divu):
		if (unlikely(RT == 0))
			goto divide_by_zero;
		RD = RS / RT;
		NEXT(divu);
	CASE(rem):
		if (unlikely(RT == 0))
			goto divide_by_zero;
		RD = RT == 0xFFFFFFFFu ? 0u : (uint32_t)((int32_t)RS % (int32_t)RT);
		NEXT(rem);
	CASE(remu):
		if (unlikely(RT == 0))
			goto divide_by_zero;
		RD = RS % RT;
		NEXT(remu);
	CASE(slt):  RD = (int32_t)RS < (int32_t)RT; NEXT(slt);
	CASE(sltu): RD = RS < RT; NEXT(sltu);

	CASE(lui):  RD = IMM << 16; NEXT(lui);
	CASE(addi): RD = RS + IMM; NEXT(addi);
	CASE(andi): RD = RS & IMM; NEXT(andi);
	CASE(ori):  RD = RS | IMM; NEXT(ori);
	CASE(xori): RD = RS ^ IMM; NEXT(xori);
	CASE(shli): RD = RS << (IMM & 31); NEXT(shli);
	CASE(shri): RD = RS >> (IMM & 31); NEXT(shri);
	CASE(sari): RD = (uint32_t)((int32_t)RS >> (IMM & 31)); NEXT(sari);
	CASE(muli): RD = RS * IMM; NEXT(muli);
	CASE(slti): RD = (int32_t)RS < ip->imm; NEXT(slti);
	CASE(sltiu): RD = RS < IMM; NEXT(sltiu);

	CASE(cmp):  fa = RS; fb = RT; lazy = true; NEXT(cmp);
	CASE(cmpi): fa = RS; fb = IMM; lazy = true; NEXT(cmpi);

	CASE(ldw): {
		uint32_t a = RS + IMM;
		uint8_t *p;
		LOAD_AT(p, a, 4);
		memcpy(&RD, p, 4);
		NEXT(ldw);
	}
	CASE(ldh): {
		uint32_t a = RS + IMM;
		uint8_t *p;
		int16_t h;
		LOAD_AT(p, a, 2);
		memcpy(&h, p, 2);
		RD = (uint32_t)(int32_t)h;
		NEXT(ldh);
	}
	CASE(ldhu): {
		uint32_t a = RS + IMM;
		uint8_t *p;
		uint16_t h;
		LOAD_AT(p, a, 2);
		memcpy(&h, p, 2);
		RD = h;
		NEXT(ldhu);
	}
	CASE(ldb): {
		uint32_t a = RS + IMM;
		uint8_t *p;
		LOAD_AT(p, a, 1);
		RD = (uint32_t)(int32_t)(int8_t)*p;
		NEXT(ldb);
	}
	CASE(ldbu): {
		uint32_t a = RS + IMM;
		uint8_t *p;
		LOAD_AT(p, a, 1);
		RD = *p;
		NEXT(ldbu);
	}
	CASE(stw): {
		uint32_t a = RS + IMM;
		uint8_t *p;
		STORE_AT(p, a, 4);
		memcpy(p, &RD, 4);
		STORED(a, p);
		NEXT(stw);
	}
	CASE(sth): {
		uint32_t a = RS + IMM;
		uint8_t *p;
		uint16_t h = (uint16_t)RD;
		STORE_AT(p, a, 2);
		memcpy(p, &h, 2);
		STORED(a, p);
		NEXT(sth);
	}
	CASE(stb): {
		uint32_t a = RS + IMM;
		uint8_t *p;
		STORE_AT(p, a, 1);
		*p = (uint8_t)RD;
		STORED(a, p);
		NEXT(stb);
	}

	CASE(jmp): JUMP_REL(jmp, ip->imm);
#define BRANCH(k) CASE(k): if (BRANCH_TAKEN(k)) JUMP_REL(k, ip->imm); NEXT(k);
	FOR_EACH_BRANCH(BRANCH)
#undef BRANCH
	CASE(jal):
		r[REG_LR] = PC_OF(ip) + 4;
		JUMP_REL(jal, ip->imm);
	CASE(jr): JUMP_ABS(jr, RS);
	CASE(jalr): {
		uint32_t to = RS;
		RD = PC_OF(ip) + 4;
		JUMP_ABS(jalr, to);
	}

	CASE(sys):   why = CAUSE_SYSCALL; goto trap_after;
	CASE(brk):   why = CAUSE_BREAKPOINT; goto trap_after;
	CASE(hcall): why = CAUSE_HYPERCALL; goto trap_after;
	CASE(rdcyc):
		/* The cycle count before this instruction: all retired so far. */
		RD = (uint32_t)(c->cycles + (uint64_t)(chunk - left) + extra);
		NEXT(rdcyc);
	CASE(cpuid): {
		static const uint32_t leaves[] = { 0x5A505254u /* "TRPZ" */, 1u };
		uint32_t leaf = RS;
		if (leaf < 2)
			RD = leaves[leaf];
		else if (leaf == 2)
			RD = c->nonvirt ? 1u : 0u;
		else
			RD = 0;
		NEXT(cpuid);
	}

	/*
	 * The superinstructions: a compare and the conditional branch after it,
	 * and an add before the two (see fuse): one dispatch, one countdown
	 * test, and the branch a native test of the compared values. Only when
	 * the whole group fits in the countdown, so that timers and single
	 * steps see every instruction; only when the entries after the first
	 * still say what they said (a store may have forgotten them: fuzz_vmm
	 * found it; cpu, a_store_after_a_fused_compare_and_branch_regression).
	 * Otherwise the first instruction runs alone. make bench, paired runs
	 * against the compare-and-branch pair with eager flags: the loop-closing
	 * group and lazy flags took the sieve to 0.71x the time, the checksum
	 * to 0.86x.
	 */
#define CMP_BRANCH(k, B)                                              \
	do {                                                          \
		fa = RS;                                              \
		fb = (B);                                             \
		lazy = true;                                          \
		if (unlikely(left < 2 || ip[1].op != OP_##k))         \
			NEXT(cmp);                                    \
		extra += XCYC_cmp;                                    \
		left--;                                               \
		ip++;                                                 \
		if (COND_##k(fa, fb))                                 \
			JUMP_REL(k, ip->imm);                         \
		NEXT(k);                                              \
	} while (0)
#define STEP_CMP_BRANCH(k, first, STEP, cmp_shape, B)                                  \
	do {                                                                           \
		uint32_t sum_ = RS + (STEP);                                           \
		if (unlikely(left < 3 || ip[1].op != FUSED_OP(cmp_shape, OP_##k) ||   \
			     ip[2].op != OP_##k)) {                                    \
			RD = sum_;                                                     \
			NEXT(first);                                                   \
		}                                                                      \
		RD = sum_;                                                             \
		fa = r[ip[1].rs];                                                      \
		fb = (B);                                                              \
		lazy = true;                                                           \
		extra += XCYC_##first + XCYC_cmp;                                      \
		left -= 2;                                                             \
		ip += 2;                                                               \
		if (COND_##k(fa, fb))                                                  \
			JUMP_REL(k, ip->imm);                                          \
		NEXT(k);                                                               \
	} while (0)
#define FUSED_HANDLERS(k)                                                                          \
	SUPER(cmp_##k, FUSED_OP(FUSE_CMP, OP_##k)) : CMP_BRANCH(k, RT);                            \
	SUPER(cmpi_##k, FUSED_OP(FUSE_CMPI, OP_##k)) : CMP_BRANCH(k, IMM);                         \
	SUPER(add_cmp_##k, FUSED_OP(FUSE_ADD_CMP, OP_##k)) :                                       \
		STEP_CMP_BRANCH(k, add, RT, FUSE_CMP, r[ip[1].rt]);                                \
	SUPER(addi_cmp_##k, FUSED_OP(FUSE_ADDI_CMP, OP_##k)) :                                     \
		STEP_CMP_BRANCH(k, addi, IMM, FUSE_CMP, r[ip[1].rt]);                              \
	SUPER(add_cmpi_##k, FUSED_OP(FUSE_ADD_CMPI, OP_##k)) :                                     \
		STEP_CMP_BRANCH(k, add, RT, FUSE_CMPI, (uint32_t)ip[1].imm);                       \
	SUPER(addi_cmpi_##k, FUSED_OP(FUSE_ADDI_CMPI, OP_##k)) :                                   \
		STEP_CMP_BRANCH(k, addi, IMM, FUSE_CMPI, (uint32_t)ip[1].imm);
	FOR_EACH_BRANCH(FUSED_HANDLERS)
#undef FUSED_HANDLERS
#undef STEP_CMP_BRANCH
#undef CMP_BRANCH

	CASE(mfsr): CASE(mtsr): CASE(in): CASE(out): CASE(wfi): CASE(rfe):
	CASE(getpsw): CASE(setpsw): CASE(getbase): CASE(jru): CASE(tlbflush): CASE(tlbinv):
		/* Privileged: the slow path, with the state written back. */
		SYNC();
		why = cpu_exec_priv(c, ip);
		if (why != GO_ON)
			return (enum cpu_stop)why;
		if (step)
			return STOP_LIMIT;
		goto resync;

#if EXEC_GOTO
	L_undecoded:
#else
	case OP_UNDECODED:
#endif
		decode_entry(c, ip);
		fuse(c, ip);
		DISPATCH();

#if EXEC_GOTO
	L_bad:
#else
	default:
#endif
		SYNC();
		why = cpu_trap(c, CAUSE_ILLEGAL, mem_load32(&c->mem, PHYS_PC()), c->pc, c->pc);
		goto after_trap;
#if !EXEC_GOTO
	}
#endif

trap_after:
	/* sys, brk and hcall retire, then trap; epc is the next instruction. */
	extra += (why == CAUSE_SYSCALL) ? XCYC_sys : (why == CAUSE_BREAKPOINT) ? XCYC_brk : XCYC_hcall;
	left--;
	ip++;
	SYNC();
	why = cpu_trap(c, (enum trap_cause)why, (uint32_t)ip[-1].imm, c->pc, c->pc - 4);
	goto after_trap;

divide_by_zero:
	SYNC();
	why = cpu_trap(c, CAUSE_DIVZERO, mem_load32(&c->mem, PHYS_PC()), c->pc, c->pc);
	goto after_trap;

#if !EXEC_PAGED
data_fault:
	SYNC();
	why = cpu_trap(c, fault_addr & (fault_size - 1) ? CAUSE_MISALIGNED : CAUSE_BOUNDS,
		       fault_addr, c->pc, c->pc);
	goto after_trap;
#else
load_slow:
	/* Misaligned, or the page is not in the TLB: walk (which may fault),
	 * then run the load again from resync, where it hits. */
	SYNC();
	if (fault_addr & (fault_size - 1)) {
		why = cpu_trap(c, CAUSE_MISALIGNED, fault_addr, c->pc, c->pc);
		goto after_trap;
	}
	why = mmu_fill(c, &ctx, fault_addr, ACC_READ, NULL);
	if (why != MMU_FILLED)
		goto after_trap;
	goto resync;

store_slow:
	/* Misaligned, not in the TLB, or a store that cannot take the fast
	 * path (a dirty bit to set, a watched page): mmu.c makes the store,
	 * and it retires here. Its next store to the page is fast if it can be. */
	SYNC();
	if (fault_addr & (fault_size - 1)) {
		why = cpu_trap(c, CAUSE_MISALIGNED, fault_addr, c->pc, c->pc);
		goto after_trap;
	}
	why = mmu_store(c, &ctx, fault_addr, r[ip->rd], fault_size);
	if (why != MMU_FILLED)
		goto after_trap;
	c->pc += 4;
	cpu_account(c, 1, XCYC_stw);
	if (step)
		return STOP_LIMIT;
	goto resync;
#endif

jump_fault:
	/* The jump retires; fetching at its target faults, with epc = target.
	 * Paged, a target outside the page is only another page: resync finds
	 * it, and faults there if it cannot be fetched (the same trap). */
	left--;
	SYNC();
	c->pc = bad_target;
#if EXEC_PAGED
	if (!(bad_target & 3)) {
		why = mmu_fetchable(c, &ctx, bad_target);
		if (why != MMU_FILLED)
			goto after_trap;
		if (step)
			return STOP_LIMIT;
		goto resync;
	}
#endif
	why = cpu_trap(c, bad_target & 3 ? CAUSE_MISALIGNED : CAUSE_BOUNDS, bad_target,
		       bad_target, bad_target);
	goto after_trap;

fell_off:
	/* Ran sequentially past the limit: the fetch at the limit faults.
	 * Paged, the window was one page: the next one is found at resync. */
	SYNC();
#if EXEC_PAGED
	why = mmu_fetchable(c, &ctx, c->pc);
	if (why != MMU_FILLED)
		goto after_trap;
	if (step)
		return STOP_LIMIT;
	goto resync;
#else
	why = cpu_trap(c, CAUSE_BOUNDS, c->pc, c->pc, c->pc);
	goto after_trap;
#endif

out_of_time:
	/* (VMM helper's fix, see tests/vmm_equiv_test.c one_long_run_...:) a
	 * jump backwards since the last clamp leaves `left` shorter than the
	 * way to the window's end, and LAND only re-clamps for shorter ways.
	 * Not at the end yet: clamp again from here and run on. */
	if (slack > 0 && ip < lo + nwin) {
		RECLAMP(nwin - (ip - lo));
		DISPATCH();
	}
	SYNC();
	if (slack > 0)
		goto fell_off; /* the clamp ran out, not the time: this is the window's end */
	if (step)
		return STOP_LIMIT;
	goto resync;

after_trap:
	if (why != GO_ON)
		return (enum cpu_stop)why;
	if (step)
		return STOP_LIMIT;
	goto resync;
}
