/*
 * cpu/decode.c: the decoder: an instruction word into its fast form.
 * Owns: struct insn's contents (see mem.h). Not: executing it (exec.c).
 * The word's layout is drawn in cpu/isa.h and ISA.md (Encoding).
 */
#include "internal.h"

void cpu_decode(struct insn *d, uint32_t word)
{
	const struct isa_insn *in = isa_decode_row(word);
	if (!in) {
		d->op = OP_BAD;
		d->rd = d->rs = d->rt = 0;
		d->imm = 0;
		return;
	}
	d->op = in->opcode;
	d->rd = (uint8_t)isa_rd(word);
	d->rs = (uint8_t)isa_rs(word);
	d->rt = (uint8_t)isa_rt(word);
	/* r0 reads zero: a write to it lands in the sink, r[16]. */
	if (d->rd == REG_ZERO && isa_writes_rd(in))
		d->rd = REG_SINK;
	switch (in->format) {
	case FMT_I: d->imm = isa_imm(in, word); break;
	case FMT_J: d->imm = isa_off24(word); break;
	case FMT_K: d->imm = (int32_t)isa_code24(word); break;
	default: d->imm = 0; break;
	}
}
