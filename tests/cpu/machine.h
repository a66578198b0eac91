/*
 * tests/cpu/machine.h: a small bare machine for the CPU tests.
 * Owns: building one instruction at a time into memory and stepping it, in
 *       either mode and with either build of the dispatch loop.
 */
#ifndef TRAPEZE_TEST_MACHINE_H
#define TRAPEZE_TEST_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "internal.h"

typedef enum cpu_stop (*engine_fn)(struct cpu *c, uint64_t max, bool step);

/* Supervisor code runs at 0x100; user code at virtual 0x100 with base 0x4000. */
enum {
	TM_MEM = 64 * 1024,
	TM_TVEC = 0x40,
	TM_PC = 0x100,
	TM_DATA = 0x800,
	TM_UBASE = 0x4000,
	TM_ULIMIT = 0x2000,
};

struct machine {
	struct cpu c;
	struct devices d;
	engine_fn engine;
	bool user;
	const char *what; /* the case under test, for failure messages */
};

#define TM_MODE(m) ((m)->user ? "user" : "supervisor")
/* Assert a register's value, naming the case and mode on failure. */
#define TM_REG(m, n, v) \
	cr_assert_eq((m)->c.r[n], (uint32_t)(v), "%s (%s): r%d = 0x%x, want 0x%x", (m)->what, \
		     TM_MODE(m), (int)(n), (m)->c.r[n], (uint32_t)(v))
#define TM_PCIS(m, v) \
	cr_assert_eq((m)->c.pc, (uint32_t)(v), "%s (%s): pc = 0x%x, want 0x%x", (m)->what, \
		     TM_MODE(m), (m)->c.pc, (uint32_t)(v))
/* Assert that a trap was just delivered through the vector. */
#define TM_TRAPPED(m, cause_, detail_, epc_)                                                      \
	do {                                                                                      \
		cr_assert_eq((m)->c.sr[SR_cause], (uint32_t)(cause_), "%s (%s): cause %u, want %u", \
			     (m)->what, TM_MODE(m), (m)->c.sr[SR_cause], (unsigned)(cause_));     \
		cr_assert_eq((m)->c.sr[SR_detail], (uint32_t)(detail_), "%s (%s): detail 0x%x, want 0x%x", \
			     (m)->what, TM_MODE(m), (m)->c.sr[SR_detail], (uint32_t)(detail_));   \
		cr_assert_eq((m)->c.sr[SR_epc], (uint32_t)(epc_), "%s (%s): epc 0x%x, want 0x%x", \
			     (m)->what, TM_MODE(m), (m)->c.sr[SR_epc], (uint32_t)(epc_));         \
		TM_PCIS(m, TM_TVEC);                                                              \
		cr_assert((m)->c.psw & PSW_S, "%s: trap entry is in supervisor mode", (m)->what); \
		cr_assert(!((m)->c.psw & PSW_IE), "%s: trap entry disables interrupts", (m)->what); \
	} while (0)

/* One instruction's word, by mnemonic. */
#define R(op, d, s, t) isa_enc_r(OP_##op, d, s, t)
#define I(op, d, s, imm) isa_enc_i(OP_##op, d, s, (uint32_t)(imm))
#define J(op, off) isa_enc_j(OP_##op, off)
#define K(op, code) isa_enc_j(OP_##op, (int32_t)(code))
#define NOP R(add, 0, 0, 0)

void tm_boot(struct machine *m, bool user, engine_fn engine);
void tm_free(struct machine *m);
/* Physical address of a virtual address in the machine's mode. */
uint32_t tm_phys(const struct machine *m, uint32_t va);
/* Put word at virtual address va. */
void tm_put(struct machine *m, uint32_t va, uint32_t word);
uint32_t tm_get(const struct machine *m, uint32_t va);
/* Put n words from virtual address va on. */
void tm_program(struct machine *m, uint32_t va, const uint32_t *words, int n);
/* Place word at the pc and run it: one step. */
enum cpu_stop tm_exec(struct machine *m, uint32_t word);
/* Run up to max instructions with cpu_run semantics on this engine. */
enum cpu_stop tm_run(struct machine *m, uint64_t max);

#endif
