/*
 * cpu/isa.h: the instruction set as C tables and encoding helpers.
 * Owns: the enums and the per-instruction table every reader of isa.def shares.
 * Not:  what instructions do (cpu/exec.c); the text form (tools/asm*.c, dis.c).
 * Implements: isa-spec/ISA.md sections Encoding, Special registers, Traps, Ports.
 *
 *   31      24 23  20 19  16 15  12 11                    0
 *  +----------+------+------+------+-----------------------+
 *  |  opcode  |  rd  |  rs  |  rt  |        0              |  R
 *  +----------+------+------+------+-----------------------+
 *  |  opcode  |  rd  |  rs  |       imm16                  |  I
 *  +----------+------+------+------------------------------+
 *  |  opcode  |            off24 (words from pc + 4)       |  J
 *  +----------+--------------------------------------------+
 *  |  opcode  |            code24                          |  K
 *  +----------+--------------------------------------------+
 */
#ifndef TRAPEZE_ISA_H
#define TRAPEZE_ISA_H

#include <stdbool.h>
#include <stdint.h>

enum isa_format { FMT_R, FMT_I, FMT_J, FMT_K };

/* Popek-Goldberg class bits of an instruction (isa.def's class column). */
enum isa_class {
	ISA_INNOCUOUS = 0,
	ISA_PRIV = 1, /* traps in user mode, not in supervisor mode */
	ISA_CTRL = 2, /* control-sensitive: changes mode, relocation or resources */
	ISA_MODE = 4, /* behaviour-sensitive: result depends on the mode */
	ISA_LOC = 8,  /* behaviour-sensitive: result depends on the relocation */
};

/* Which silent, non-trapping behaviour --nonvirt gives an instruction. */
enum nonvirt_kind { NV_NONE, NV_A, NV_B, NV_C, NV_D, NV_E, NV_KINDS };

enum opcode {
#define INSN(name, op, ...) OP_##name = op,
#include "../isa-spec/isa.def"
#undef INSN
};

enum sreg {
#define SR(name, num, wr, doc) SR_##name = num,
#include "../isa-spec/isa.def"
#undef SR
	SR_COUNT
};

enum trap_cause {
	CAUSE_NONE = 0,
#define CAUSE(name, num, doc) CAUSE_##name = num,
#include "../isa-spec/isa.def"
#undef CAUSE
	CAUSE_COUNT
};

enum port {
#define PORT(name, num, doc) PORT_##name = num,
#include "../isa-spec/isa.def"
#undef PORT
};

enum cost {
#define COST(name, cyc, doc) COST_##name = cyc,
#include "../isa-spec/isa.def"
#undef COST
};

enum netdef {
#define NETDEF(name, value, doc) NET_##name = value,
#include "../isa-spec/isa.def"
#undef NETDEF
};

/* Interrupt numbers: bit n of the ipend register. */
enum irq { IRQ_TIMER = 0, IRQ_CONSOLE = 1, IRQ_DISK = 2, IRQ_CONSOLE2 = 3, IRQ_NET = 4 };

/* PSW bits. The mode and interrupt-enable bits are privileged; the flags are not. */
enum psw_bits {
	PSW_S = 1u << 0,  /* supervisor mode */
	PSW_IE = 1u << 1, /* interrupts enabled */
	PSW_Z = 1u << 4,
	PSW_N = 1u << 5,
	PSW_C = 1u << 6,
	PSW_V = 1u << 7,
};
#define PSW_FLAGS (PSW_Z | PSW_N | PSW_C | PSW_V)
#define PSW_PRIVBITS (PSW_S | PSW_IE)

/* Registers with a conventional role. */
enum { REG_ZERO = 0, REG_FP = 13, REG_SP = 14, REG_LR = 15, NREGS = 16 };

struct isa_insn {
	const char *name;
	uint8_t opcode;
	enum isa_format format;
	const char *operands;
	unsigned cls;             /* enum isa_class bits */
	enum nonvirt_kind nonvirt;
	int cycles;
	const char *semantics;
};

struct isa_named {
	const char *name;
	int number;
	int writable; /* special registers only */
	const char *doc;
};

extern const struct isa_insn isa_insns[];
extern const int isa_ninsns;
extern const struct isa_named isa_sregs[], isa_causes[], isa_ports[], isa_costs[], isa_netdefs[];
extern const int isa_nsregs, isa_ncauses, isa_nports, isa_ncosts, isa_nnetdefs;

/* The row of an opcode, or NULL when no instruction has it. */
const struct isa_insn *isa_by_opcode(uint8_t opcode);
/* The row of a mnemonic, or NULL. */
const struct isa_insn *isa_by_name(const char *name);
/* The name of a special register, trap cause or port, or NULL. */
const char *isa_sreg_name(int num);
const char *isa_cause_name(int num);
const char *isa_port_name(int num);
/* The letter ('a'..'e') of a nonvirt kind, or 0. */
char isa_nonvirt_letter(enum nonvirt_kind k);

/* Field extraction; see the diagram above. */
static inline unsigned isa_op(uint32_t w) { return w >> 24; }
static inline unsigned isa_rd(uint32_t w) { return (w >> 20) & 15; }
static inline unsigned isa_rs(uint32_t w) { return (w >> 16) & 15; }
static inline unsigned isa_rt(uint32_t w) { return (w >> 12) & 15; }
static inline int32_t isa_simm16(uint32_t w) { return (int16_t)(w & 0xFFFF); }
static inline uint32_t isa_uimm16(uint32_t w) { return w & 0xFFFF; }
static inline int32_t isa_off24(uint32_t w)
{
	return (int32_t)((w & 0xFFFFFF) ^ 0x800000) - 0x800000;
}
static inline uint32_t isa_code24(uint32_t w) { return w & 0xFFFFFF; }

/* The bits a valid word of this row may have set; the others must be zero. */
uint32_t isa_used_bits(const struct isa_insn *in);
/* The row of a valid instruction word, or NULL (unknown opcode, or a bit set
 * outside the row's fields): such a word traps ILLEGAL. */
const struct isa_insn *isa_decode_row(uint32_t word);
/* True when the instruction writes register rd (stores only read it). */
bool isa_writes_rd(const struct isa_insn *in);
/* True when the 16-bit immediate of this row is unsigned (operand u, r or p). */
bool isa_imm_unsigned(const struct isa_insn *in);
/* The immediate field of word w as this row reads it (signed or unsigned). */
int32_t isa_imm(const struct isa_insn *in, uint32_t w);

static inline uint32_t isa_enc_r(unsigned op, unsigned rd, unsigned rs, unsigned rt)
{
	return (uint32_t)op << 24 | (rd & 15) << 20 | (rs & 15) << 16 | (rt & 15) << 12;
}
static inline uint32_t isa_enc_i(unsigned op, unsigned rd, unsigned rs, uint32_t imm)
{
	return (uint32_t)op << 24 | (rd & 15) << 20 | (rs & 15) << 16 | (imm & 0xFFFF);
}
static inline uint32_t isa_enc_j(unsigned op, int32_t off)
{
	return (uint32_t)op << 24 | ((uint32_t)off & 0xFFFFFF);
}

#endif
