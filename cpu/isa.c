/*
 * cpu/isa.c: the instruction table, read from isa-spec/isa.def.
 * Owns: isa_insns[] and the look-ups over it. Not: decoding into the fast
 * form (cpu/exec.c) or text (tools/).
 */
#include "isa.h"

#include <string.h>

/* The class and nonvirt letters of isa.def, for this one reader. */
#define P ISA_PRIV
#define C ISA_CTRL
#define M ISA_MODE
#define L ISA_LOC
#define NVA NV_A
#define NVB NV_B
#define NVC NV_C
#define NVD NV_D
#define NVE NV_E

const struct isa_insn isa_insns[] = {
#define INSN(n, op, fmt, opnds, cls, nv, cyc, sem) \
	{ #n, op, FMT_##fmt, opnds, (cls), nv, cyc, sem },
#include "../isa-spec/isa.def"
#undef INSN
};
const int isa_ninsns = sizeof isa_insns / sizeof isa_insns[0];

#undef P
#undef C
#undef M
#undef L
#undef NVA
#undef NVB
#undef NVC
#undef NVD
#undef NVE

const struct isa_named isa_sregs[] = {
#define SR(name, num, wr, doc) { #name, num, wr, doc },
#include "../isa-spec/isa.def"
#undef SR
};
const int isa_nsregs = sizeof isa_sregs / sizeof isa_sregs[0];

const struct isa_named isa_causes[] = {
#define CAUSE(name, num, doc) { #name, num, 0, doc },
#include "../isa-spec/isa.def"
#undef CAUSE
};
const int isa_ncauses = sizeof isa_causes / sizeof isa_causes[0];

const struct isa_named isa_ports[] = {
#define PORT(name, num, doc) { #name, num, 0, doc },
#include "../isa-spec/isa.def"
#undef PORT
};
const int isa_nports = sizeof isa_ports / sizeof isa_ports[0];

const struct isa_named isa_costs[] = {
#define COST(name, cyc, doc) { #name, cyc, 0, doc },
#include "../isa-spec/isa.def"
#undef COST
};
const int isa_ncosts = sizeof isa_costs / sizeof isa_costs[0];

const struct isa_named isa_netdefs[] = {
#define NETDEF(name, value, doc) { #name, value, 0, doc },
#include "../isa-spec/isa.def"
#undef NETDEF
};
const int isa_nnetdefs = sizeof isa_netdefs / sizeof isa_netdefs[0];

/* Row numbers, so that the opcode index below is a const table. */
enum {
#define INSN(n, ...) ROW_##n,
#include "../isa-spec/isa.def"
#undef INSN
};

static const struct isa_insn *const by_opcode[256] = {
#define INSN(n, op, ...) [op] = &isa_insns[ROW_##n],
#include "../isa-spec/isa.def"
#undef INSN
};

const struct isa_insn *isa_by_opcode(uint8_t opcode)
{
	return by_opcode[opcode];
}

uint32_t isa_used_bits(const struct isa_insn *in)
{
	uint32_t m = 0xFF000000u;
	if (in->format == FMT_J || in->format == FMT_K)
		return in->operands[0] ? 0xFFFFFFFFu : m;
	for (const char *p = in->operands; *p; p++) {
		switch (*p) {
		case 'd': m |= 0x00F00000u; break;
		case 's': m |= 0x000F0000u; break;
		case 't': m |= 0x0000F000u; break;
		case 'm': m |= 0x000FFFFFu; break;
		case 'i': case 'u': case 'r': case 'p': m |= 0x0000FFFFu; break;
		default: break;
		}
	}
	return m;
}

const struct isa_insn *isa_decode_row(uint32_t word)
{
	const struct isa_insn *in = isa_by_opcode((uint8_t)isa_op(word));
	if (!in || (word & ~isa_used_bits(in)))
		return NULL;
	return in;
}

bool isa_writes_rd(const struct isa_insn *in)
{
	/* Stores name their data register d but read it. */
	return in->operands[0] == 'd' && strncmp(in->name, "st", 2) != 0;
}

const struct isa_insn *isa_by_name(const char *name)
{
	for (int i = 0; i < isa_ninsns; i++)
		if (strcmp(isa_insns[i].name, name) == 0)
			return &isa_insns[i];
	return NULL;
}

static const char *named(const struct isa_named *t, int n, int num)
{
	for (int i = 0; i < n; i++)
		if (t[i].number == num)
			return t[i].name;
	return NULL;
}

const char *isa_sreg_name(int num) { return named(isa_sregs, isa_nsregs, num); }
const char *isa_cause_name(int num) { return named(isa_causes, isa_ncauses, num); }
const char *isa_port_name(int num) { return named(isa_ports, isa_nports, num); }

char isa_nonvirt_letter(enum nonvirt_kind k)
{
	return k == NV_NONE ? 0 : (char)('a' + (k - NV_A));
}

bool isa_imm_unsigned(const struct isa_insn *in)
{
	return strpbrk(in->operands, "urp") != NULL;
}

int32_t isa_imm(const struct isa_insn *in, uint32_t w)
{
	return isa_imm_unsigned(in) ? (int32_t)isa_uimm16(w) : isa_simm16(w);
}
