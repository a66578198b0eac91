/*
 * tests/cpu/fused_test.c: the dispatch loop's superinstructions.
 * Owns: a compare and its branch, and an add before the two, run as one
 *       dispatch (cpu/exec.c, fuse), against the same instructions run one
 *       step at a time; the flags they leave; what unfuses them.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "machine.h"

/* The same program and registers on two machines: a runs n instructions in
 * one go (fused where it can), b one step at a time (never fused: a single
 * step has no room for a group). Everything they leave must agree. */
static void agree(const char *what, const uint32_t *prog, int len, const uint32_t regs[4], uint64_t n)
{
	struct machine a, b;
	for (int e = 0; e < 2; e++) {
		struct machine *m = e ? &b : &a;
		tm_boot(m, false, e ? cpu_exec_switch : cpu_exec_goto);
		tm_program(m, TM_PC, prog, len);
		memcpy(&m->c.r[1], regs, 4 * sizeof regs[0]);
	}
	tm_run(&a, n);
	for (uint64_t i = 0; i < n; i++)
		b.engine(&b.c, 1, true);
	cr_assert_eq(a.c.pc, b.c.pc, "%s: pc 0x%x fused, 0x%x stepped", what, a.c.pc, b.c.pc);
	cr_assert_eq(a.c.psw, b.c.psw, "%s: psw 0x%x fused, 0x%x stepped", what, a.c.psw, b.c.psw);
	cr_assert_eq(memcmp(a.c.r, b.c.r, 16 * sizeof a.c.r[0]), 0, "%s: registers differ", what);
	cr_assert_eq(a.c.retired, n, "%s: retired %llu", what, (unsigned long long)a.c.retired);
	cr_assert_eq(b.c.retired, n);
	cr_assert_eq(a.c.cycles, b.c.cycles, "%s: cycles", what);
	tm_free(&a);
	tm_free(&b);
}

/* The first entry of the program at TM_PC, as the loop left it. */
static bool fused_at_start(const uint32_t *prog, int len)
{
	struct machine m;
	tm_boot(&m, false, cpu_exec_goto);
	tm_program(&m, TM_PC, prog, len);
	tm_run(&m, 1);
	uint8_t op = m.c.mem.dec[TM_PC / 4].op;
	tm_free(&m);
	return op >= OP_FUSED_FIRST && op <= OP_FUSED_LAST;
}

static const uint32_t vals[][2] = {
	{ 0, 0 }, { 1, 2 }, { 2, 1 }, { 0x80000000u, 1 }, { 0x7FFFFFFFu, 0xFFFFFFFFu },
	{ 0xFFFFFFFFu, 1 }, { 1, 0xFFFFFFFFu }, { 5, 5 }, { 0x80000000u, 0x7FFFFFFFu },
};
#define NVALS (sizeof vals / sizeof vals[0])

Test(fused, no_row_uses_the_reserved_opcodes)
{
	for (unsigned op = OP_FUSED_FIRST; op <= OP_FUSED_LAST; op++)
		cr_assert_null(isa_by_opcode((uint8_t)op), "opcode 0x%02x is reserved", op);
	cr_assert_null(isa_by_opcode(OP_UNDECODED));
	cr_assert_null(isa_by_opcode(OP_BAD));
}

/* Every branch after every kind of compare, on values that tell signed from
 * unsigned and equal from not. */
Test(fused, compare_and_branch_agree_with_single_steps)
{
	for (int op = OP_beq; op <= OP_ble; op++)
		for (unsigned v = 0; v < NVALS; v++)
			for (int imm = 0; imm <= 1; imm++) {
				char what[80];
				uint32_t b = imm ? (uint32_t)(int32_t)(int16_t)vals[v][1] : vals[v][1];
				uint32_t cmp = imm ? I(cmpi, 0, 1, (uint16_t)vals[v][1]) : R(cmp, 0, 1, 2);
				uint32_t prog[] = { cmp, isa_enc_j((unsigned)op, 5), NOP, NOP };
				snprintf(what, sizeof what, "%s after %s 0x%x, 0x%x", isa_by_opcode((uint8_t)op)->name,
					 imm ? "cmpi" : "cmp", vals[v][0], b);
				cr_assert(fused_at_start(prog, 4), "%s: fused", what);
				agree(what, prog, 4, (const uint32_t[]){ vals[v][0], b, 0, 0 }, 2);
			}
}

/* The step, test and branch that close a loop: add or addi, cmp or cmpi,
 * every branch. The add's result is what the compare reads. */
Test(fused, step_compare_and_branch_agree_with_single_steps)
{
	for (int op = OP_beq; op <= OP_ble; op++)
		for (unsigned v = 0; v < NVALS; v++)
			for (int shape = 0; shape < 4; shape++) {
				char what[96];
				bool addi = shape & 1, cmpi = shape & 2;
				/* r1 + 1 (r3 = 1) is compared with vals[v][1] */
				uint32_t b = cmpi ? (uint32_t)(int32_t)(int16_t)vals[v][1] : vals[v][1];
				uint32_t prog[] = {
					addi ? I(addi, 1, 1, 1) : R(add, 1, 1, 3),
					cmpi ? I(cmpi, 0, 1, (uint16_t)vals[v][1]) : R(cmp, 0, 1, 2),
					isa_enc_j((unsigned)op, 5), NOP, NOP,
				};
				snprintf(what, sizeof what, "%s %s after %s 0x%x + 1, 0x%x",
					 isa_by_opcode((uint8_t)op)->name, cmpi ? "cmpi" : "cmp",
					 addi ? "addi" : "add", vals[v][0] - 1, b);
				cr_assert(fused_at_start(prog, 5), "%s: fused", what);
				agree(what, prog, 5, (const uint32_t[]){ vals[v][0] - 1, b, 1, 0 }, 3);
			}
}

/* A counted loop stopped after every number of instructions: a group the
 * countdown ends inside runs one instruction at a time (timers, single
 * steps and the instruction limit see every instruction). */
Test(fused, a_loop_stopped_anywhere_agrees_with_single_steps)
{
	/* loop: addi r1, r1, 1; cmp r1, r2; blt loop; addi r4, r4, 1 */
	const uint32_t prog[] = { I(addi, 1, 1, 1), R(cmp, 0, 1, 2), J(blt, -3), I(addi, 4, 4, 1), NOP, NOP, NOP, NOP };
	for (uint64_t n = 1; n <= 20; n++) {
		char what[48];
		snprintf(what, sizeof what, "stopped after %llu", (unsigned long long)n);
		agree(what, prog, 8, (const uint32_t[]){ 0, 5, 0, 0 }, n);
	}
}

/* The flags a fused compare leaves are the psw's: a trap saves them. */
Test(fused, a_trap_after_a_group_saves_its_flags)
{
	/* r1 = 0x7FFFFFFF + 1 compared with 1: 0x80000000 - 1 overflows to
	 * 0x7FFFFFFF: V set; Z, N and C clear. */
	const uint32_t prog[] = { I(addi, 1, 1, 1), I(cmpi, 0, 1, 1), J(beq, 1), K(sys, 0), NOP };
	struct machine m;
	tm_boot(&m, false, cpu_exec_goto);
	tm_program(&m, TM_PC, prog, 5);
	m.c.r[1] = 0x7FFFFFFF;
	tm_run(&m, 4);
	cr_assert_eq(m.c.sr[SR_cause], CAUSE_SYSCALL);
	cr_assert_eq(m.c.sr[SR_epsw] & PSW_FLAGS, PSW_V, "epsw flags 0x%x",
		     m.c.sr[SR_epsw] & PSW_FLAGS);
	tm_free(&m);
}

/* A branch after setpsw tests the flags setpsw wrote, not the values an
 * earlier compare left. */
Test(fused, a_branch_after_setpsw_reads_the_new_flags)
{
	/* cmpi r0, 1 (not equal); setpsw r5 (Z set); beq +1; addi r1, r0, 1 */
	const uint32_t prog[] = { I(cmpi, 0, 0, 1), R(setpsw, 0, 5, 0), J(beq, 1), I(addi, 1, 0, 1), NOP };
	for (int e = 0; e < 2; e++) {
		struct machine m;
		tm_boot(&m, false, e ? cpu_exec_switch : cpu_exec_goto);
		tm_program(&m, TM_PC, prog, 5);
		m.c.r[5] = PSW_S | PSW_Z;
		tm_run(&m, 3);
		cr_assert_eq(m.c.pc, TM_PC + 16, "engine %d: beq was taken (pc 0x%x)", e, m.c.pc);
		cr_assert_eq(m.c.r[1], 0);
		tm_free(&m);
	}
}

/* An add that looks ahead at the next word decodes it to look; when that
 * word starts a group of its own (here another add before a compare and
 * branch), it is still fused when it is reached. */
Test(fused, a_word_decoded_to_look_ahead_is_fused_when_reached)
{
	/* loop: addi r1, r1, 1; addi r2, r2, 1; cmpi r2, 5; blt loop */
	const uint32_t prog[] = { I(addi, 1, 1, 1), I(addi, 2, 2, 1), I(cmpi, 0, 2, 5), J(blt, -4), NOP };
	struct machine m;
	tm_boot(&m, false, cpu_exec_goto);
	tm_program(&m, TM_PC, prog, 5);
	tm_run(&m, 8);
	uint8_t op = m.c.mem.dec[TM_PC / 4 + 1].op;
	cr_assert(op >= OP_FUSED_FIRST && op <= OP_FUSED_LAST, "the second add is fused (op 0x%02x)", op);
	tm_run(&m, 100);
	cr_assert_eq(m.c.r[1], 5);
	cr_assert_eq(m.c.r[2], 5);
	tm_free(&m);
}

Test(fused, rewriting_the_branch_unfuses_the_compare)
{
	struct machine m;
	tm_boot(&m, false, cpu_exec_goto);
	/* loop: cmp r1, r2; beq done; addi r1, r1, 1; jmp loop; done: */
	tm_program(&m, TM_PC, (const uint32_t[]){ R(cmp, 0, 1, 2), J(beq, 2), I(addi, 1, 1, 1), J(jmp, -4), NOP }, 5);
	m.c.r[2] = 3;
	tm_run(&m, 14);
	cr_assert_eq(m.c.r[1], 3, "the fused loop ran to its end");
	/* Now make the branch a bne: the loop exits at once when r1 != r2. */
	m.c.pc = TM_PC;
	m.c.r[1] = 0;
	tm_put(&m, TM_PC + 4, J(bne, 2));
	tm_run(&m, 2);
	cr_assert_eq(m.c.pc, TM_PC + 16, "the new branch, bne, was taken");
	tm_free(&m);
}

/* The loop rewrites its own compare and branch at its top, every pass,
 * with what r6 and r7 hold: a new word counts from the next pass on. */
Test(fused, a_loop_that_rewrites_its_compare_and_branch_runs_the_new_words)
{
	const uint32_t prog[] = {
		/* 0x100 */ I(stw, 6, 0, TM_PC + 0x0c), /* over the compare */
		/* 0x104 */ I(stw, 7, 0, TM_PC + 0x10), /* over the branch */
		/* 0x108 */ I(addi, 1, 1, 1),           /* the group */
		/* 0x10c */ I(cmpi, 0, 1, 100),
		/* 0x110 */ J(blt, -5),                 /* to 0x100 */
		/* 0x114 */ NOP,
	};
	for (int e = 0; e < 2; e++) {
		struct machine m;
		tm_boot(&m, false, e ? cpu_exec_switch : cpu_exec_goto);
		tm_program(&m, TM_PC, prog, 6);
		m.c.r[6] = prog[3];
		m.c.r[7] = prog[4];
		tm_run(&m, 2 * 5);
		cr_assert_eq(m.c.r[1], 2, "engine %d: two passes (r1 %u)", e, m.c.r[1]);
		cr_assert_eq(m.c.pc, TM_PC);
		/* cmpi r1, 3: the third pass leaves the loop. */
		m.c.r[6] = I(cmpi, 0, 1, 3);
		tm_run(&m, 5);
		cr_assert_eq(m.c.pc, TM_PC + 0x14, "engine %d: left at r1 = 3 (pc 0x%x)", e, m.c.pc);
		/* bge: back to the top while r1 >= 3. */
		m.c.r[7] = J(bge, -5);
		m.c.pc = TM_PC;
		tm_run(&m, 5);
		cr_assert_eq(m.c.pc, TM_PC, "engine %d: bge taken (pc 0x%x)", e, m.c.pc);
		tm_run(&m, 5);
		cr_assert_eq(m.c.pc, TM_PC, "engine %d: bge taken again (pc 0x%x)", e, m.c.pc);
		cr_assert_eq(m.c.r[1], 5);
		tm_free(&m);
	}
}
