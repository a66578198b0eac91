/*
 * tests/cpu/insn_test.c: every instruction, in both modes, on both builds.
 * Owns: one check per row of isa-spec/isa.def; the coverage test fails when
 *       a row has no check. Privileged rows must trap in user mode and not in
 *       supervisor mode: P&G's definition of privileged, run literally.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "machine.h"

static void next_ok(struct machine *m)
{
	TM_PCIS(m, TM_PC + 4);
}

/* rd = a OP b, via R form, checked against want. */
static void alu(struct machine *m, uint32_t word, uint32_t a, uint32_t b, uint32_t want)
{
	m->c.r[2] = a;
	m->c.r[3] = b;
	cr_assert_eq(tm_exec(m, word), STOP_LIMIT);
	TM_REG(m, 1, want);
	next_ok(m);
}

static void t_add(struct machine *m) { alu(m, R(add, 1, 2, 3), 7, 0xFFFFFFFF, 6); }
static void t_sub(struct machine *m) { alu(m, R(sub, 1, 2, 3), 3, 5, 0xFFFFFFFE); }
static void t_and(struct machine *m) { alu(m, R(and, 1, 2, 3), 0xF0F0, 0xFF00, 0xF000); }
static void t_or(struct machine *m) { alu(m, R(or, 1, 2, 3), 0xF0F0, 0xFF00, 0xFFF0); }
static void t_xor(struct machine *m) { alu(m, R(xor, 1, 2, 3), 0xF0F0, 0xFF00, 0x0FF0); }
static void t_shl(struct machine *m) { alu(m, R(shl, 1, 2, 3), 3, 33, 6); }
static void t_shr(struct machine *m) { alu(m, R(shr, 1, 2, 3), 0x80000000, 31, 1); }
static void t_sar(struct machine *m) { alu(m, R(sar, 1, 2, 3), 0x80000000, 31, 0xFFFFFFFF); }
static void t_mul(struct machine *m) { alu(m, R(mul, 1, 2, 3), 0x10001, 0x10001, 0x20001); }
static void t_slt(struct machine *m) { alu(m, R(slt, 1, 2, 3), 0xFFFFFFFF, 0, 1); }
static void t_sltu(struct machine *m) { alu(m, R(sltu, 1, 2, 3), 0xFFFFFFFF, 0, 0); }

static void divide(struct machine *m, uint32_t word, uint32_t a, uint32_t b, uint32_t want)
{
	alu(m, word, a, b, want);
	/* rt = 0 traps DIVZERO, with the instruction word as detail. */
	m->c.pc = TM_PC;
	m->c.r[3] = 0;
	tm_exec(m, word);
	TM_TRAPPED(m, CAUSE_DIVZERO, word, TM_PC);
}
static void t_div(struct machine *m) { divide(m, R(div, 1, 2, 3), (uint32_t)-7, 2, (uint32_t)-3); }
static void t_divu(struct machine *m) { divide(m, R(divu, 1, 2, 3), 0xFFFFFFFF, 2, 0x7FFFFFFF); }
static void t_rem(struct machine *m) { divide(m, R(rem, 1, 2, 3), (uint32_t)-7, 2, (uint32_t)-1); }
static void t_remu(struct machine *m) { divide(m, R(remu, 1, 2, 3), 7, 4, 3); }

static void imm(struct machine *m, uint32_t word, uint32_t a, uint32_t want)
{
	m->c.r[2] = a;
	cr_assert_eq(tm_exec(m, word), STOP_LIMIT);
	TM_REG(m, 1, want);
	next_ok(m);
}
static void t_lui(struct machine *m) { imm(m, I(lui, 1, 0, 0xBEEF), 0, 0xBEEF0000); }
static void t_addi(struct machine *m) { imm(m, I(addi, 1, 2, -1), 5, 4); }
static void t_andi(struct machine *m) { imm(m, I(andi, 1, 2, 0xFF00), 0xFFFFFFFF, 0xFF00); }
static void t_ori(struct machine *m) { imm(m, I(ori, 1, 2, 0x8001), 0x10000, 0x18001); }
static void t_xori(struct machine *m) { imm(m, I(xori, 1, 2, 0xFFFF), 0xFFFF0000, 0xFFFFFFFF); }
static void t_shli(struct machine *m) { imm(m, I(shli, 1, 2, 4), 0x1, 0x10); }
static void t_shri(struct machine *m) { imm(m, I(shri, 1, 2, 4), 0x80000000, 0x08000000); }
static void t_sari(struct machine *m) { imm(m, I(sari, 1, 2, 4), 0x80000000, 0xF8000000); }
static void t_muli(struct machine *m) { imm(m, I(muli, 1, 2, -3), 5, (uint32_t)-15); }
static void t_slti(struct machine *m) { imm(m, I(slti, 1, 2, -1), (uint32_t)-2, 1); }
static void t_sltiu(struct machine *m) { imm(m, I(sltiu, 1, 2, -1), 5, 1); }

static void t_cmp(struct machine *m)
{
	m->c.r[2] = 1;
	m->c.r[3] = 2;
	tm_exec(m, R(cmp, 0, 2, 3));
	cr_assert_eq(m->c.psw & PSW_FLAGS, PSW_N | PSW_C, "%s: 1 - 2 sets N and C", m->what);
	next_ok(m);
}
static void t_cmpi(struct machine *m)
{
	m->c.r[2] = 0x80000000;
	tm_exec(m, I(cmpi, 0, 2, 1));
	cr_assert_eq(m->c.psw & PSW_FLAGS, PSW_V, "%s: INT_MIN - 1 overflows", m->what);
	next_ok(m);
}

static void load(struct machine *m, uint32_t word, uint32_t stored, uint32_t want)
{
	tm_put(m, TM_DATA, stored);
	m->c.r[2] = TM_DATA - 4;
	tm_exec(m, word);
	TM_REG(m, 1, want);
	next_ok(m);
}
static void t_ldw(struct machine *m) { load(m, I(ldw, 1, 2, 4), 0x12345678, 0x12345678); }
static void t_ldh(struct machine *m) { load(m, I(ldh, 1, 2, 4), 0x8001, 0xFFFF8001); }
static void t_ldhu(struct machine *m) { load(m, I(ldhu, 1, 2, 4), 0x8001, 0x8001); }
static void t_ldb(struct machine *m) { load(m, I(ldb, 1, 2, 4), 0x80, 0xFFFFFF80); }
static void t_ldbu(struct machine *m) { load(m, I(ldbu, 1, 2, 4), 0x80, 0x80); }

static void store(struct machine *m, uint32_t word, uint32_t want)
{
	tm_put(m, TM_DATA, 0xAAAAAAAA);
	m->c.r[1] = 0x11223344;
	m->c.r[2] = TM_DATA + 4;
	tm_exec(m, word);
	cr_assert_eq(tm_get(m, TM_DATA), want, "%s (%s): memory 0x%x, want 0x%x", m->what,
		     TM_MODE(m), tm_get(m, TM_DATA), want);
	next_ok(m);
}
static void t_stw(struct machine *m) { store(m, I(stw, 1, 2, -4), 0x11223344); }
static void t_sth(struct machine *m) { store(m, I(sth, 1, 2, -4), 0xAAAA3344); }
static void t_stb(struct machine *m) { store(m, I(stb, 1, 2, -4), 0xAAAAAA44); }

/* A flag branch: taken with these flags, not taken with those. */
static void branch(struct machine *m, uint32_t word, uint32_t taken, uint32_t not_taken)
{
	m->c.psw = (m->c.psw & ~PSW_FLAGS) | taken;
	tm_exec(m, word);
	TM_PCIS(m, TM_PC + 4 + 4 * 3);
	m->c.pc = TM_PC;
	m->c.psw = (m->c.psw & ~PSW_FLAGS) | not_taken;
	tm_exec(m, word);
	next_ok(m);
}
static void t_jmp(struct machine *m)
{
	tm_exec(m, J(jmp, 3));
	TM_PCIS(m, TM_PC + 4 + 4 * 3);
}
static void t_beq(struct machine *m) { branch(m, J(beq, 3), PSW_Z, 0); }
static void t_bne(struct machine *m) { branch(m, J(bne, 3), 0, PSW_Z); }
static void t_blt(struct machine *m) { branch(m, J(blt, 3), PSW_N, PSW_N | PSW_V); }
static void t_bge(struct machine *m) { branch(m, J(bge, 3), PSW_N | PSW_V, PSW_V); }
static void t_bltu(struct machine *m) { branch(m, J(bltu, 3), PSW_C, 0); }
static void t_bgeu(struct machine *m) { branch(m, J(bgeu, 3), 0, PSW_C); }
static void t_bgt(struct machine *m) { branch(m, J(bgt, 3), 0, PSW_Z); }
static void t_ble(struct machine *m) { branch(m, J(ble, 3), PSW_Z, 0); }

static void t_jal(struct machine *m)
{
	tm_exec(m, J(jal, -2));
	TM_PCIS(m, TM_PC + 4 - 8);
	TM_REG(m, REG_LR, TM_PC + 4);
}
static void t_jr(struct machine *m)
{
	m->c.r[2] = 0x200;
	tm_exec(m, R(jr, 0, 2, 0));
	TM_PCIS(m, 0x200);
	/* A misaligned target faults when fetched, with epc the target. */
	m->c.pc = TM_PC;
	m->c.r[2] = 0x202;
	tm_exec(m, R(jr, 0, 2, 0));
	TM_TRAPPED(m, CAUSE_MISALIGNED, 0x202, 0x202);
}
static void t_jalr(struct machine *m)
{
	m->c.r[2] = 0x300;
	tm_exec(m, R(jalr, 2, 2, 0));
	TM_PCIS(m, 0x300);
	TM_REG(m, 2, TM_PC + 4);
}

static void t_sys(struct machine *m)
{
	uint32_t psw = m->c.psw;
	tm_exec(m, K(sys, 42));
	TM_TRAPPED(m, CAUSE_SYSCALL, 42, TM_PC + 4);
	cr_assert_eq(m->c.sr[SR_epsw], psw);
}
static void t_brk(struct machine *m) { tm_exec(m, K(brk, 7)); TM_TRAPPED(m, CAUSE_BREAKPOINT, 7, TM_PC + 4); }
static void t_hcall(struct machine *m) { tm_exec(m, K(hcall, 0x1234)); TM_TRAPPED(m, CAUSE_HYPERCALL, 0x1234, TM_PC + 4); }

static void t_rdcyc(struct machine *m)
{
	m->c.cycles = 1000;
	tm_exec(m, R(rdcyc, 1, 0, 0));
	TM_REG(m, 1, 1000);
	cr_assert_eq(m->c.cycles, 1001);
}
static void t_cpuid(struct machine *m)
{
	m->c.r[2] = 0;
	tm_exec(m, R(cpuid, 1, 2, 0));
	TM_REG(m, 1, 0x5A505254);
}

/* A privileged instruction in user mode traps PRIV with the word as detail. */
static bool trapped_priv(struct machine *m, uint32_t word)
{
	if (!m->user)
		return false;
	tm_exec(m, word);
	TM_TRAPPED(m, CAUSE_PRIV, word, TM_PC);
	return true;
}

static void t_mfsr(struct machine *m)
{
	if (trapped_priv(m, I(mfsr, 1, 0, SR_scratch)))
		return;
	m->c.sr[SR_scratch] = 0xCAFE;
	tm_exec(m, I(mfsr, 1, 0, SR_scratch));
	TM_REG(m, 1, 0xCAFE);
	m->c.pc = TM_PC;
	tm_exec(m, I(mfsr, 1, 0, SR_memsize));
	TM_REG(m, 1, TM_MEM);
	m->c.pc = TM_PC;
	tm_exec(m, I(mfsr, 1, 0, SR_COUNT));
	TM_TRAPPED(m, CAUSE_ILLEGAL, I(mfsr, 1, 0, SR_COUNT), TM_PC);
}
static void t_mtsr(struct machine *m)
{
	m->c.r[2] = 0x1003;
	if (trapped_priv(m, I(mtsr, 0, 2, SR_base)))
		return;
	tm_exec(m, I(mtsr, 0, 2, SR_base));
	cr_assert_eq(m->c.sr[SR_base], 0x1000, "mtsr base drops the low two bits");
	m->c.pc = TM_PC;
	tm_exec(m, I(mtsr, 0, 2, SR_memsize));
	TM_TRAPPED(m, CAUSE_ILLEGAL, I(mtsr, 0, 2, SR_memsize), TM_PC);
}
static void t_in(struct machine *m)
{
	if (trapped_priv(m, I(in, 1, 0, PORT_CON_STATUS)))
		return;
	tm_exec(m, I(in, 1, 0, PORT_CON_STATUS));
	TM_REG(m, 1, 2); /* output ready, no input */
}
static void t_out(struct machine *m)
{
	m->c.r[2] = 'A';
	if (trapped_priv(m, I(out, 0, 2, PORT_CON_DATA)))
		return;
	tm_exec(m, I(out, 0, 2, PORT_CON_DATA));
	cr_assert_str_eq(m->d.con.capture, "A");
	next_ok(m);
}
static void t_wfi(struct machine *m)
{
	if (trapped_priv(m, K(wfi, 0)))
		return;
	m->c.sr[SR_timer] = 50;
	tm_exec(m, K(wfi, 0));
	next_ok(m);
	cr_assert_eq(m->c.idle_ticks, 50, "wfi skips to the timer");
	cr_assert(cpu_ipend(&m->c) & 1, "the timer interrupt is pending after wfi");
	m->c.pc = TM_PC;
	m->c.ipend_timer = 0; /* as writing the timer register would */
	cr_assert_eq(tm_exec(m, K(wfi, 0)), STOP_IDLE, "nothing can wake it");
}
static void t_rfe(struct machine *m)
{
	m->c.sr[SR_epc] = 0x400;
	m->c.sr[SR_epsw] = PSW_IE | PSW_Z;
	if (trapped_priv(m, K(rfe, 0)))
		return;
	tm_exec(m, K(rfe, 0));
	cr_assert_eq(m->c.psw, PSW_IE | PSW_Z, "rfe restores the psw: user mode now");
	TM_PCIS(m, 0x400);
}
static void t_getpsw(struct machine *m)
{
	if (trapped_priv(m, R(getpsw, 1, 0, 0)))
		return;
	tm_exec(m, R(getpsw, 1, 0, 0));
	TM_REG(m, 1, PSW_S);
}
static void t_setpsw(struct machine *m)
{
	m->c.r[2] = PSW_S | PSW_IE | PSW_C | 0x100;
	if (trapped_priv(m, R(setpsw, 0, 2, 0)))
		return;
	tm_exec(m, R(setpsw, 0, 2, 0));
	cr_assert_eq(m->c.psw, PSW_S | PSW_IE | PSW_C, "setpsw keeps only defined bits");
}
static void t_getbase(struct machine *m)
{
	if (trapped_priv(m, R(getbase, 1, 0, 0)))
		return;
	tm_exec(m, R(getbase, 1, 0, 0));
	TM_REG(m, 1, TM_UBASE);
}
static void t_jru(struct machine *m)
{
	m->c.r[2] = 0x10;
	if (trapped_priv(m, R(jru, 0, 2, 0)))
		return;
	tm_exec(m, R(jru, 0, 2, 0));
	cr_assert(!(m->c.psw & PSW_S), "jru enters user mode");
	TM_PCIS(m, 0x10);
}
static void t_tlbflush(struct machine *m)
{
	if (trapped_priv(m, K(tlbflush, 0)))
		return;
	uint64_t flushes = m->c.tlb.flushes;
	tm_exec(m, K(tlbflush, 0));
	next_ok(m);
	cr_assert_eq(m->c.tlb.flushes, flushes + 1, "tlbflush empties the TLB");
}
static void t_tlbinv(struct machine *m)
{
	m->c.r[2] = 0x3000;
	if (trapped_priv(m, R(tlbinv, 0, 2, 0)))
		return;
	m->c.tlb.rtag[3] = m->c.tlb.wtag[3] = 3;
	tm_exec(m, R(tlbinv, 0, 2, 0));
	next_ok(m);
	cr_assert_eq(m->c.tlb.rtag[3], ~0u, "tlbinv drops the page's entry");
	cr_assert_eq(m->c.tlb.wtag[3], ~0u);
}

struct insn_case {
	const char *name;
	void (*check)(struct machine *m);
};

#define C(n) { #n, t_##n }
static const struct insn_case cases[] = {
	C(add), C(sub), C(and), C(or), C(xor), C(shl), C(shr), C(sar), C(mul), C(div),
	C(divu), C(rem), C(remu), C(slt), C(sltu), C(lui), C(addi), C(andi), C(ori), C(xori),
	C(shli), C(shri), C(sari), C(muli), C(slti), C(sltiu), C(cmp), C(cmpi), C(ldw), C(ldh),
	C(ldhu), C(ldb), C(ldbu), C(stw), C(sth), C(stb), C(jmp), C(beq), C(bne), C(blt),
	C(bge), C(bltu), C(bgeu), C(bgt), C(ble), C(jal), C(jr), C(jalr), C(sys), C(brk),
	C(hcall), C(rdcyc), C(cpuid), C(mfsr), C(mtsr), C(in), C(out), C(wfi), C(rfe), C(getpsw),
	C(setpsw), C(getbase), C(jru), C(tlbflush), C(tlbinv),
};
enum { NCASES = sizeof cases / sizeof cases[0] };

static const struct insn_case *case_for(const char *name)
{
	for (int i = 0; i < NCASES; i++)
		if (!strcmp(cases[i].name, name))
			return &cases[i];
	return NULL;
}

Test(insn, every_row_has_a_check)
{
	for (int i = 0; i < isa_ninsns; i++)
		cr_expect(case_for(isa_insns[i].name), "instruction '%s' has no test in tests/cpu/insn_test.c",
			  isa_insns[i].name);
}

static void run_all(bool user, engine_fn engine)
{
	for (int i = 0; i < isa_ninsns; i++) {
		const struct insn_case *k = case_for(isa_insns[i].name);
		struct machine m;
		if (!k)
			continue;
		tm_boot(&m, user, engine);
		m.what = k->name;
		k->check(&m);
		tm_free(&m);
	}
}

Test(insn, supervisor_goto_semantics_hold) { run_all(false, cpu_exec_goto); }
Test(insn, supervisor_switch_semantics_hold) { run_all(false, cpu_exec_switch); }
Test(insn, user_goto_semantics_hold) { run_all(true, cpu_exec_goto); }
Test(insn, user_switch_semantics_hold) { run_all(true, cpu_exec_switch); }

/* P&G's definition, run literally: privileged = traps in user mode, never in
 * supervisor mode. Every row's class column must agree. */
Test(insn, privileged_rows_trap_in_user_mode_only)
{
	for (int i = 0; i < isa_ninsns; i++) {
		const struct isa_insn *in = &isa_insns[i];
		uint32_t word = (uint32_t)in->opcode << 24;
		struct machine m;
		if (in->opcode == OP_mfsr || in->opcode == OP_mtsr)
			word |= SR_scratch;
		for (int user = 0; user <= 1; user++) {
			tm_boot(&m, user, cpu_exec_goto);
			m.c.sr[SR_timer] = 5; /* so wfi wakes */
			tm_exec(&m, word);
			bool priv_trap = m.c.traps[CAUSE_PRIV] > 0;
			bool want = user && (in->cls & ISA_PRIV);
			cr_expect_eq(priv_trap, want, "%s in %s mode: privileged trap %d, want %d", in->name,
				     user ? "user" : "supervisor", priv_trap, want);
			tm_free(&m);
		}
	}
}

/* An unknown opcode, and a word with bits outside its fields, are illegal. */
Test(insn, illegal_words_trap_illegal)
{
	static const uint32_t words[] = { 0x00000000, 0xFF000000, 0x01000001, 0x64000001 };
	for (int user = 0; user <= 1; user++)
		for (unsigned i = 0; i < sizeof words / sizeof words[0]; i++) {
			struct machine m;
			tm_boot(&m, user, cpu_exec_goto);
			m.what = "illegal word";
			tm_exec(&m, words[i]);
			TM_TRAPPED(&m, CAUSE_ILLEGAL, words[i], TM_PC);
			tm_free(&m);
		}
}

Test(insn, write_to_r0_is_discarded)
{
	struct machine m;
	tm_boot(&m, false, cpu_exec_goto);
	tm_exec(&m, I(addi, 0, 0, 5));
	cr_assert_eq(m.c.r[0], 0);
	m.c.r[2] = 0;
	tm_exec(&m, I(addi, 1, 0, 3));
	cr_assert_eq(m.c.r[1], 3, "r0 reads zero");
	tm_free(&m);
}
