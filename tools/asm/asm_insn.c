/*
 * tools/asm/asm_insn.c: instructions and pseudo-instructions.
 * Owns: parsing operands by the template of an isa.def row (d s t registers,
 *       i u immediates, m offset(rs), j branch target, c code, r special
 *       register, p port), range-checking them, encoding the word, and the
 *       pseudo-instructions, each a fixed sequence of real ones.
 * Not:  the instruction table itself (isa-spec/isa.def via cpu/isa.h); the
 *       reverse direction (tools/dis/dis.c).
 */
#include "asm_impl.h"

#include <string.h>

#include "isa.h"

/* A parsed operand: a register, a value, or both (m). */
struct operand {
	unsigned reg;
	int64_t v;
	bool known, constant;
	int s, e; /* its tokens */
};

enum pseudo_kind { P_NOP, P_MOV, P_LI, P_LA, P_CALL, P_RET, P_B, P_PUSH, P_POP, P_NEG, P_NOT,
	           P_BRANCHZ, P_BRANCH3 };
struct pseudo {
	const char *name;
	const char *operands; /* as isa.def's, plus x: any 32-bit value */
	int words;
	enum pseudo_kind kind;
	uint8_t branch;       /* P_BRANCHZ: the flag branch's opcode */
};

static const struct pseudo pseudos[] = {
	{ "nop", "", 1, P_NOP, 0 },       { "mov", "d,s", 1, P_MOV, 0 },
	{ "li", "d,x", 2, P_LI, 0 },      { "la", "d,x", 2, P_LA, 0 },
	{ "call", "j", 1, P_CALL, 0 },    { "ret", "", 1, P_RET, 0 },
	{ "b", "j", 1, P_B, 0 },          { "push", "s", 2, P_PUSH, 0 },
	{ "pop", "d", 2, P_POP, 0 },      { "neg", "d,s", 1, P_NEG, 0 },
	{ "not", "d,s", 2, P_NOT, 0 },
	{ "beqz", "s,j", 2, P_BRANCHZ, OP_beq }, { "bnez", "s,j", 2, P_BRANCHZ, OP_bne },
	{ "bltz", "s,j", 2, P_BRANCHZ, OP_blt }, { "bgez", "s,j", 2, P_BRANCHZ, OP_bge },
	{ "bgtz", "s,j", 2, P_BRANCHZ, OP_bgt }, { "blez", "s,j", 2, P_BRANCHZ, OP_ble },
};
enum { NPSEUDOS = sizeof pseudos / sizeof pseudos[0] };

/* beq rs, rt, L: the flag branches also take three operands. */
static const struct pseudo branch3 = { NULL, "s,t,j", 2, P_BRANCH3, 0 };

static bool is_flag_branch(const struct isa_insn *in)
{
	return in->format == FMT_J && in->opcode != OP_jmp && in->opcode != OP_jal;
}

static const struct pseudo *find_pseudo(const char *s, size_t n)
{
	for (int i = 0; i < NPSEUDOS; i++)
		if (strlen(pseudos[i].name) == n && !memcmp(pseudos[i].name, s, n))
			return &pseudos[i];
	return NULL;
}

/* The row of a mnemonic written as s[0..n). */
static const struct isa_insn *find_insn(const char *s, size_t n)
{
	char name[16];
	if (n >= sizeof name)
		return NULL;
	memcpy(name, s, n);
	name[n] = 0;
	return isa_by_name(name);
}

bool asm_is_mnemonic(const char *s, size_t n) { return find_insn(s, n) || find_pseudo(s, n); }

int asm_mnemonics(const char **out, int max)
{
	int n = 0;
	for (int i = 0; i < isa_ninsns && n < max; i++)
		out[n++] = isa_insns[i].name;
	for (int i = 0; i < NPSEUDOS && n < max; i++)
		out[n++] = pseudos[i].name;
	return n;
}

static const char *describe(char c)
{
	switch (c) {
	case 'd': return "rd";
	case 's': return "rs";
	case 't': return "rt";
	case 'm': return "offset(rs)";
	case 'j': return "target";
	case 'c': return "code";
	case 'r': return "sreg";
	case 'p': return "port";
	case 'x': return "value";
	default: return "imm";
	}
}

static int count_letters(const char *tmpl, char *letters)
{
	int n = 0;
	for (; *tmpl; tmpl++)
		if (*tmpl != ',')
			letters[n++] = *tmpl;
	return n;
}

static uint32_t span_len(const struct asm_state *st, int s, int e)
{
	return st->toks[e - 1].off + st->toks[e - 1].len - st->toks[s].off;
}

static bool reg_op(struct asm_state *st, int s, int e, unsigned *r)
{
	char q[ASM_QUOTE];
	const struct asm_tok *t = &st->toks[s];
	int reg = asm_reg(st, t);
	if (reg < 0) {
		asm_error_tok(st, t, t->kind == TK_IDENT ? "bad register '%s'" :
		              "expected a register, found '%s'", asm_quote(q, asm_tok_text(st, t), t->len));
		return false;
	}
	if (e != s + 1) {
		t = &st->toks[s + 1];
		asm_error_tok(st, t, "unexpected '%s' after operand", asm_quote(q, asm_tok_text(st, t), t->len));
		return false;
	}
	*r = (unsigned)reg;
	return true;
}

static bool value_op(struct asm_state *st, int s, int e, struct operand *o)
{
	struct asm_value v;
	if (!asm_expr_all(st, s, e, &v))
		return false;
	o->v = v.known ? v.v : 0;
	o->known = v.known;
	o->constant = v.constant;
	return true;
}

static bool range(struct asm_state *st, const struct operand *o, int64_t lo, int64_t hi,
                  const char *what, const char *mn)
{
	if (!o->known || (o->v >= lo && o->v <= hi))
		return true;
	asm_error_at(st, st->toks[o->s].off, span_len(st, o->s, o->e),
	             "%s %lld out of range for '%s' (%lld..%lld)", what, (long long)o->v, mn,
	             (long long)lo, (long long)hi);
	return false;
}

/* offset(rs) or (rs). */
static bool mem_op(struct asm_state *st, int s, int e, struct operand *o, const char *mn)
{
	char q[ASM_QUOTE];
	if (e - s < 3 || !asm_is_op(&st->toks[e - 1], ')') || !asm_is_op(&st->toks[e - 3], '(')) {
		asm_error_at(st, st->toks[s].off, span_len(st, s, e),
		             "expected a memory operand like 8(r2), found '%s'",
		             asm_quote(q, asm_tok_text(st, &st->toks[s]), span_len(st, s, e)));
		return false;
	}
	if (!reg_op(st, e - 2, e - 1, &o->reg))
		return false;
	o->known = true;
	o->v = 0;
	if (e - 3 > s) {
		if (!value_op(st, s, e - 3, o))
			return false;
		o->e = e - 3;
	}
	return range(st, o, -32768, 32767, "offset", mn);
}

static bool sreg_op(struct asm_state *st, int s, int e, struct operand *o)
{
	char q[ASM_QUOTE];
	const char *names[64];
	const struct asm_tok *t = &st->toks[s];
	const char *text = asm_tok_text(st, t);
	for (int i = 0; t->kind == TK_IDENT && i < isa_nsregs; i++)
		if (strlen(isa_sregs[i].name) == t->len && !memcmp(isa_sregs[i].name, text, t->len)) {
			o->v = isa_sregs[i].number;
			o->known = true;
			if (e == s + 1)
				return true;
			t = &st->toks[s + 1];
			asm_error_tok(st, t, "unexpected '%s' after operand",
			              asm_quote(q, asm_tok_text(st, t), t->len));
			return false;
		}
	if (t->kind != TK_IDENT) {
		asm_error_tok(st, t, "expected a special register, found '%s'", asm_quote(q, text, t->len));
		return false;
	}
	asm_error_tok(st, t, "unknown special register '%s'", asm_quote(q, text, t->len));
	int n = 0;
	for (; n < isa_nsregs && n < 64; n++)
		names[n] = isa_sregs[n].name;
	asm_suggest(st, t->off, text, t->len, names, n);
	return false;
}

static bool operand(struct asm_state *st, char c, int s, int e, struct operand *o, const char *mn)
{
	*o = (struct operand){ 0, 0, true, true, s, e };
	switch (c) {
	case 'd': case 's': case 't': return reg_op(st, s, e, &o->reg);
	case 'm': return mem_op(st, s, e, o, mn);
	case 'r': return sreg_op(st, s, e, o);
	case 'i': return value_op(st, s, e, o) && range(st, o, -32768, 32767, "immediate", mn);
	case 'u': return value_op(st, s, e, o) && range(st, o, 0, 65535, "immediate", mn);
	case 'p': return value_op(st, s, e, o) && range(st, o, 0, 65535, "port", mn);
	case 'c': return value_op(st, s, e, o) && range(st, o, 0, 0xFFFFFF, "code", mn);
	case 'x': return value_op(st, s, e, o) && range(st, o, INT32_MIN, UINT32_MAX, "value", mn);
	default: return value_op(st, s, e, o); /* j: checked against the pc */
	}
}

/* Parse the operands of a template; false if any is wrong (reported). */
static bool operands(struct asm_state *st, int i, const char *tmpl, const char *mn,
                     struct operand *ops)
{
	char letters[8];
	int s[4], e[4];
	int want = count_letters(tmpl, letters), got = asm_split(st, i + 1, s, e, 4);
	if (got < 0)
		return false;
	if (got != want) {
		char list[64] = "";
		for (int k = 0; k < want; k++)
			strcat(strcat(list, k ? ", " : ""), describe(letters[k]));
		if (want == 0)
			asm_error_tok(st, &st->toks[i], "'%s' takes no operands, found %d", mn, got);
		else
			asm_error_tok(st, &st->toks[i], "'%s' takes %d operand%s (%s), found %d", mn, want,
			              want == 1 ? "" : "s", list, got);
		return false;
	}
	for (int k = 0; k < want; k++)
		if (!operand(st, letters[k], s[k], e[k], &ops[k], mn))
			return false;
	return true;
}

/* The J-format word branching from pc to the target operand. */
static uint32_t branch(struct asm_state *st, uint8_t op, const struct operand *o, uint32_t pc,
                       const char *mn)
{
	if (!o->known)
		return isa_enc_j(op, 0);
	if (o->v < INT32_MIN || o->v > (int64_t)UINT32_MAX) {
		range(st, o, INT32_MIN, UINT32_MAX, "branch target", mn);
		return 0;
	}
	int32_t delta = (int32_t)(uint32_t)((uint64_t)o->v - pc - 4); /* modulo 2^32, as the CPU */
	uint32_t len = span_len(st, o->s, o->e);
	if (delta % 4) {
		asm_error_at(st, st->toks[o->s].off, len, "branch target 0x%08x is not word-aligned",
		             (uint32_t)o->v);
		return 0;
	}
	if (delta / 4 < -(1 << 23) || delta / 4 >= (1 << 23)) {
		asm_error_at(st, st->toks[o->s].off, len,
		             "branch target 0x%08x out of range for '%s' at 0x%08x (%d words; reach -8388608..8388607)",
		             (uint32_t)o->v, mn, pc, delta / 4);
		return 0;
	}
	return isa_enc_j(op, delta / 4);
}

static uint32_t encode(struct asm_state *st, const struct isa_insn *in, const struct operand *ops)
{
	uint32_t rd = 0, rs = 0, rt = 0, imm = 0, code = 0, pc = asm_here(st);
	char letters[8];
	int n = count_letters(in->operands, letters);
	for (int k = 0; k < n; k++) {
		const struct operand *o = &ops[k];
		switch (letters[k]) {
		case 'd': rd = o->reg; break;
		case 's': rs = o->reg; break;
		case 't': rt = o->reg; break;
		case 'm': rs = o->reg; imm = (uint32_t)o->v & 0xFFFF; break;
		case 'c': code = (uint32_t)o->v & 0xFFFFFF; break;
		case 'j': return branch(st, in->opcode, o, pc, in->name);
		default: imm = (uint32_t)o->v & 0xFFFF; break;
		}
	}
	switch (in->format) {
	case FMT_R: return isa_enc_r(in->opcode, rd, rs, rt);
	case FMT_I: return isa_enc_i(in->opcode, rd, rs, imm);
	default: return (uint32_t)in->opcode << 24 | code;
	}
}

static void emit(struct asm_state *st, uint32_t w)
{
	asm_emit_word(st, w);
}

static void expand(struct asm_state *st, const struct pseudo *p, uint8_t op,
                   const struct operand *o, const char *mn)
{
	uint32_t pc = asm_here(st);
	uint32_t v = (uint32_t)o[1].v;
	switch (p->kind) {
	case P_NOP: emit(st, isa_enc_r(OP_add, 0, 0, 0)); break;
	case P_MOV: emit(st, isa_enc_r(OP_add, o[0].reg, o[1].reg, 0)); break;
	case P_NEG: emit(st, isa_enc_r(OP_sub, o[0].reg, 0, o[1].reg)); break;
	case P_NOT:
		emit(st, isa_enc_r(OP_sub, o[0].reg, 0, o[1].reg));
		emit(st, isa_enc_i(OP_addi, o[0].reg, o[0].reg, 0xFFFF));
		break;
	case P_LI: case P_LA:
		if (p->kind == P_LI && o[1].constant && o[1].v >= -32768 && o[1].v <= 32767) {
			emit(st, isa_enc_i(OP_addi, o[0].reg, 0, v & 0xFFFF));
		} else {
			emit(st, isa_enc_i(OP_lui, o[0].reg, 0, v >> 16));
			emit(st, isa_enc_i(OP_ori, o[0].reg, o[0].reg, v & 0xFFFF));
		}
		break;
	case P_CALL: emit(st, branch(st, OP_jal, &o[0], pc, mn)); break;
	case P_B: emit(st, branch(st, OP_jmp, &o[0], pc, mn)); break;
	case P_RET: emit(st, isa_enc_r(OP_jr, 0, REG_LR, 0)); break;
	case P_PUSH:
		emit(st, isa_enc_i(OP_addi, REG_SP, REG_SP, 0xFFFC));
		emit(st, isa_enc_i(OP_stw, o[0].reg, REG_SP, 0));
		break;
	case P_POP:
		emit(st, isa_enc_i(OP_ldw, o[0].reg, REG_SP, 0));
		emit(st, isa_enc_i(OP_addi, REG_SP, REG_SP, 4));
		break;
	case P_BRANCHZ:
		emit(st, isa_enc_i(OP_cmpi, 0, o[0].reg, 0));
		emit(st, branch(st, p->branch, &o[1], pc + 4, mn));
		break;
	case P_BRANCH3:
		emit(st, isa_enc_r(OP_cmp, 0, o[0].reg, o[1].reg));
		emit(st, branch(st, op, &o[2], pc + 4, mn));
		break;
	}
}

bool asm_instruction(struct asm_state *st, int i)
{
	const struct asm_tok *t = &st->toks[i];
	const char *text = asm_tok_text(st, t);
	const struct isa_insn *in = find_insn(text, t->len);
	const struct pseudo *p = in ? NULL : find_pseudo(text, t->len);
	struct operand ops[4];
	char mn[16];
	if (!in && !p)
		return false;
	memcpy(mn, text, t->len);
	mn[t->len] = 0;
	if (in && is_flag_branch(in) && asm_group_end(st, i + 1) != i + 1 &&
	    st->toks[asm_group_end(st, i + 1)].kind != TK_EOL)
		p = &branch3; /* more than one operand: the compare-and-branch form */
	if (asm_here(st) % 4)
		asm_error_tok(st, t, "instruction at unaligned address 0x%08x (try .align 4)",
		              asm_here(st));
	int words = p ? p->words : 1;
	if (!asm_room(st, 4u * (uint64_t)words, t->off, t->len))
		return true;
	st->list_words = true;
	bool ok = operands(st, i, p ? p->operands : in->operands, mn, ops);
	if (ok && p && p->kind == P_LI && ops[1].constant && ops[1].v >= -32768 && ops[1].v <= 32767)
		words = 1;
	if (!ok) {
		while (words--) /* keep the size, so later addresses stay right */
			emit(st, 0);
	} else if (p) {
		expand(st, p, in ? in->opcode : 0, ops, mn);
	} else {
		emit(st, encode(st, in, ops));
	}
	return true;
}
