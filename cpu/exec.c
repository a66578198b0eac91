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
 * window of the current mode (lo, nwin, mb, lim), psw and the countdown
 * `left`. SYNC() writes it back before anything can observe it. The timer,
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
 * Whether each conditional branch (beq ... ble, in opcode order) is taken,
 * for each of the 16 values of the flags nibble (bit 0 Z, 1 N, 2 C, 3 V):
 * the fused compare-and-branch reads it; tests/cpu/trap_test.c checks it
 * against the branches' own handlers.
 */
static const uint16_t branch_taken[OP_ble - OP_beq + 1] = {
	0xAAAA, /* beq:  Z */
	0x5555, /* bne:  !Z */
	0x33CC, /* blt:  N != V */
	0xCC33, /* bge:  N == V */
	0xF0F0, /* bltu: C */
	0x0F0F, /* bgeu: !C */
	0x4411, /* bgt:  !Z && N == V */
	0xBBEE, /* ble:  Z || N != V */
};
#define TAKEN(branch_op, psw) ((branch_taken[(branch_op) - OP_beq] >> (((psw) >> 4) & 15)) & 1)

/* Signed less-than from the flags: N != V. */
#define LESS(psw) ((((psw) >> 5) ^ ((psw) >> 7)) & 1)

/* A compare followed by a conditional branch becomes one superinstruction.
 * Safe: writing the branch's word also forgets the compare's (STORED), and
 * the fused handler checks that the branch is still decoded there. */
static inline void fuse(struct cpu *c, struct insn *ip)
{
	struct insn *next = ip + 1;
	uint32_t next_pa = (uint32_t)(next - c->mem.dec) * 4;
	if ((ip->op != OP_cmp && ip->op != OP_cmpi) || next >= c->mem.dec + c->mem.size / 4)
		return;
	if (next->op == OP_UNDECODED)
		cpu_decode(next, mem_load32(&c->mem, next_pa));
	if (next->op >= OP_beq && next->op <= OP_ble)
		ip->op = ip->op == OP_cmp ? OP_CMP_BRANCH : OP_CMPI_BRANCH;
}

#if EXEC_GOTO
#define CASE(n) L_##n
#define DISPATCH() goto *labels[ip->op]
#else
#define CASE(n) case OP_##n
#define DISPATCH() goto dispatch
#endif

/* Write the hot locals back into *c; the retired count catches up. */
#define SYNC()                                                   \
	do {                                                     \
		c->pc = (uint32_t)(ip - lo) * 4;                 \
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

/* Land on word index to_ of the window: a fault outside it, a re-clamp of
 * the countdown when a straight run from there could pass its end. */
#define LAND(n, to)                                                   \
	do {                                                          \
		int64_t at_ = (to);                                   \
		if (unlikely((uint64_t)at_ >= (uint64_t)nwin)) {      \
			bad_target = (uint32_t)(at_ * 4);             \
			goto jump_fault;                              \
		}                                                     \
		ip = lo + at_;                                        \
		if (unlikely(nwin - at_ < left))                      \
			RECLAMP(nwin - at_);                          \
		NEXT_JUMPED(n);                                       \
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
#define JUMP_REL(n, off) LAND(n, (ip - lo) + 1 + (int64_t)(off))

/* Jump to an absolute address of the current mode. */
#define JUMP_ABS(n, addr)                                            \
	do {                                                         \
		uint32_t to_ = (addr);                               \
		if (unlikely(to_ & 3)) {                             \
			bad_target = to_;                            \
			goto jump_fault;                             \
		}                                                    \
		LAND(n, (int64_t)(to_ / 4));                         \
	} while (0)

/* A data access of sz bytes at a: aligned and below the limit, or a fault.
 * The limit is a multiple of 4, so an aligned a below it fits whole. */
#define CHECK(a, sz)                                                 \
	do {                                                         \
		if (unlikely(((a) & ((sz) - 1)) | ((a) >= lim))) {   \
			fault_addr = (a);                            \
			fault_size = (sz);                           \
			goto data_fault;                             \
		}                                                    \
	} while (0)

/* A store also forgets the decoded form of the word it wrote, and of the
 * word before, which may be a compare fused with it (see mem.h). */
#define STORED(a) (lo[(a) >> 2].op = OP_UNDECODED, lo[(int64_t)((a) >> 2) - 1].op = OP_UNDECODED)

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
		[OP_CMP_BRANCH] = &&L_cmp_branch,
		[OP_CMPI_BRANCH] = &&L_cmpi_branch,
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
	uint32_t psw, base, lim, bad_target, fault_addr, fault_size;
	uint8_t *mb;
	struct insn *lo, *ip;
	ptrdiff_t nwin;
	int64_t left, chunk, slack;
	uint64_t extra;
	int why;

resync:
	/* (Re)enter from *c: the one place interrupts and the limit are seen. */
	if (c->retired >= end)
		return STOP_LIMIT;
	{
		bool taken;
		why = cpu_take_interrupt(c, &taken);
		if (why != GO_ON)
			return (enum cpu_stop)why;
		if (taken && step)
			return STOP_LIMIT;
	}
	psw = c->psw;
	cpu_window(c, &base, &lim);
	mb = bytes + base;
	lo = c->mem.dec + base / 4;
	nwin = lim / 4;
	if (unlikely((c->pc & 3) | (c->pc >= lim))) {
		why = cpu_trap(c, c->pc & 3 ? CAUSE_MISALIGNED : CAUSE_BOUNDS, c->pc, c->pc, c->pc);
		if (why != GO_ON || step)
			return why == GO_ON ? STOP_LIMIT : (enum cpu_stop)why;
		goto resync;
	}
	ip = lo + c->pc / 4;
	left = (int64_t)(end - c->retired);
	if (c->sr[SR_timer] && c->sr[SR_timer] < (uint64_t)left)
		left = c->sr[SR_timer];
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

	CASE(cmp):  psw = (psw & ~PSW_FLAGS) | flags_of_compare(RS, RT); NEXT(cmp);
	CASE(cmpi): psw = (psw & ~PSW_FLAGS) | flags_of_compare(RS, IMM); NEXT(cmpi);

	CASE(ldw): {
		uint32_t a = RS + IMM;
		CHECK(a, 4);
		memcpy(&RD, mb + a, 4);
		NEXT(ldw);
	}
	CASE(ldh): {
		uint32_t a = RS + IMM;
		int16_t h;
		CHECK(a, 2);
		memcpy(&h, mb + a, 2);
		RD = (uint32_t)(int32_t)h;
		NEXT(ldh);
	}
	CASE(ldhu): {
		uint32_t a = RS + IMM;
		uint16_t h;
		CHECK(a, 2);
		memcpy(&h, mb + a, 2);
		RD = h;
		NEXT(ldhu);
	}
	CASE(ldb): {
		uint32_t a = RS + IMM;
		CHECK(a, 1);
		RD = (uint32_t)(int32_t)(int8_t)mb[a];
		NEXT(ldb);
	}
	CASE(ldbu): {
		uint32_t a = RS + IMM;
		CHECK(a, 1);
		RD = mb[a];
		NEXT(ldbu);
	}
	CASE(stw): {
		uint32_t a = RS + IMM;
		CHECK(a, 4);
		memcpy(mb + a, &RD, 4);
		STORED(a);
		NEXT(stw);
	}
	CASE(sth): {
		uint32_t a = RS + IMM;
		uint16_t h = (uint16_t)RD;
		CHECK(a, 2);
		memcpy(mb + a, &h, 2);
		STORED(a);
		NEXT(sth);
	}
	CASE(stb): {
		uint32_t a = RS + IMM;
		CHECK(a, 1);
		mb[a] = (uint8_t)RD;
		STORED(a);
		NEXT(stb);
	}

	CASE(jmp): JUMP_REL(jmp, ip->imm);
	CASE(beq):  if (psw & PSW_Z) JUMP_REL(beq, ip->imm); NEXT(beq);
	CASE(bne):  if (!(psw & PSW_Z)) JUMP_REL(bne, ip->imm); NEXT(bne);
	CASE(blt):  if (LESS(psw)) JUMP_REL(blt, ip->imm); NEXT(blt);
	CASE(bge):  if (!LESS(psw)) JUMP_REL(bge, ip->imm); NEXT(bge);
	CASE(bltu): if (psw & PSW_C) JUMP_REL(bltu, ip->imm); NEXT(bltu);
	CASE(bgeu): if (!(psw & PSW_C)) JUMP_REL(bgeu, ip->imm); NEXT(bgeu);
	CASE(bgt):  if (!(psw & PSW_Z) && !LESS(psw)) JUMP_REL(bgt, ip->imm); NEXT(bgt);
	CASE(ble):  if ((psw & PSW_Z) || LESS(psw)) JUMP_REL(ble, ip->imm); NEXT(ble);
	CASE(jal):
		r[REG_LR] = (uint32_t)(ip - lo) * 4 + 4;
		JUMP_REL(jal, ip->imm);
	CASE(jr): JUMP_ABS(jr, RS);
	CASE(jalr): {
		uint32_t to = RS;
		RD = (uint32_t)(ip - lo) * 4 + 4;
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

	/* The superinstruction: a compare and the conditional branch after it,
	 * one dispatch for two instructions. Only when both fit in the
	 * countdown, so that timers and single steps see every instruction.
	 * make bench: checksum 8% faster, sieve 1.5% (user time, paired runs). */
#if EXEC_GOTO
	L_cmp_branch:
#else
	case OP_CMP_BRANCH:
#endif
		psw = (psw & ~PSW_FLAGS) | flags_of_compare(RS, RT);
		goto fused_branch;
#if EXEC_GOTO
	L_cmpi_branch:
#else
	case OP_CMPI_BRANCH:
#endif
		psw = (psw & ~PSW_FLAGS) | flags_of_compare(RS, IMM);
	fused_branch:
		/* The branch's entry may have been forgotten since the two were
		 * fused: a store to the word after it forgets it as "the word
		 * before" (STORED). Then run the compare alone; the branch is
		 * decoded when it is reached. (fuzz_vmm found it; cpu,
		 * a_store_after_a_fused_compare_and_branch_regression.) */
		if (unlikely(left < 2 || (uint8_t)(ip[1].op - OP_beq) > OP_ble - OP_beq))
			NEXT(cmp);
		left--;
		ip++;
		if (TAKEN(ip->op, psw))
			JUMP_REL(beq, ip->imm);
		NEXT(beq);

	CASE(mfsr): CASE(mtsr): CASE(in): CASE(out): CASE(wfi): CASE(rfe):
	CASE(getpsw): CASE(setpsw): CASE(getbase): CASE(jru):
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
		cpu_decode(ip, mem_load32(&c->mem, (uint32_t)(ip - c->mem.dec) * 4));
		fuse(c, ip);
		DISPATCH();

#if EXEC_GOTO
	L_bad:
#else
	default:
#endif
		SYNC();
		why = cpu_trap(c, CAUSE_ILLEGAL, mem_load32(&c->mem, base + c->pc), c->pc, c->pc);
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
	why = cpu_trap(c, CAUSE_DIVZERO, mem_load32(&c->mem, base + c->pc), c->pc, c->pc);
	goto after_trap;

data_fault:
	SYNC();
	why = cpu_trap(c, fault_addr & (fault_size - 1) ? CAUSE_MISALIGNED : CAUSE_BOUNDS,
		       fault_addr, c->pc, c->pc);
	goto after_trap;

jump_fault:
	/* The jump retires; fetching at its target faults, with epc = target. */
	left--;
	SYNC();
	c->pc = bad_target;
	why = cpu_trap(c, bad_target & 3 ? CAUSE_MISALIGNED : CAUSE_BOUNDS, bad_target,
		       bad_target, bad_target);
	goto after_trap;

fell_off:
	/* Ran sequentially past the limit: the fetch at the limit faults. */
	SYNC();
	why = cpu_trap(c, CAUSE_BOUNDS, c->pc, c->pc, c->pc);
	goto after_trap;

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
