/*
 * vmm/flow.c: what a guest instruction does to the flow of control, seen
 *       before it runs.
 * Owns: vmm_flow_of, the one question the code scanner (patch.c) and the
 *       binary translator (bt.c) both ask of every word they look at: does
 *       control go on to the next word, to a target known now, to one known
 *       only when the instruction runs, or out through the trap vector?
 * Not:  what the instruction computes (cpu/exec.c, cpu/priv.c); whether it
 *       is sensitive (its P&G class in isa-spec/isa.def).
 * Implements: ISA.md sections Encoding (a J-format target is pc + 4 + 4 x
 *       off24) and Traps (sys, brk and hcall retire, then trap).
 */
#include "vmm_internal.h"

enum vmm_flow vmm_flow_of(uint32_t word, uint32_t pc, uint32_t *target)
{
	const struct isa_insn *in = isa_decode_row(word);

	*target = 0;
	if (!in)
		return FLOW_TRAP; /* no such instruction: it traps ILLEGAL */
	if (in->format == FMT_J) {
		*target = pc + 4 + 4 * (uint32_t)isa_off24(word);
		switch (in->opcode) {
		case OP_jmp: return FLOW_JUMP;
		case OP_jal: return FLOW_CALL;
		default: return FLOW_BRANCH;
		}
	}
	switch (in->opcode) {
	case OP_jr:
	case OP_jalr:
		return FLOW_INDIRECT;
	case OP_sys:
	case OP_brk:
	case OP_hcall:
		return FLOW_TRAP;
	case OP_rfe:
	case OP_jru:
		return FLOW_RETURN;
	default:
		return FLOW_NEXT; /* wfi too: it waits, then goes on */
	}
}
