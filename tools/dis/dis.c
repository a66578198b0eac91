/*
 * tools/dis/dis.c: one instruction word to one line of assembly.
 * Owns: checking that a word is exactly what its isa.def row would encode,
 *       and printing its operands by the row's template; a few one-word
 *       pseudo-instructions (nop, mov, ret) where they read better.
 * Not:  whole images (tools/dis/dis_image.c); encoding (tools/asm/asm_insn.c).
 * Implements: the inverse of the assembler, word for word: whatever this
 *       prints, the assembler turns back into the same word.
 */
#include "dis.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "asm.h"
#include "isa.h"

static const char *reg(unsigned r)
{
	static const char *const names[NREGS] = {
		"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12",
		[REG_FP] = "fp", [REG_SP] = "sp", [REG_LR] = "lr",
	};
	return names[r & 15];
}

/* True when the fields word leaves unused by row in are zero and its
 * special register, if any, exists. */
static bool exact(const struct isa_insn *in, uint32_t w)
{
	const char *t = in->operands;
	bool d = strchr(t, 'd'), s = strchr(t, 's') || strchr(t, 'm'), rt = strchr(t, 't');
	switch (in->format) {
	case FMT_R:
		return (w & 0xFFF) == 0 && (d || !isa_rd(w)) && (s || !isa_rs(w)) && (rt || !isa_rt(w));
	case FMT_I:
		if (strchr(t, 'r') && !isa_sreg_name((int)isa_uimm16(w)))
			return false;
		return (d || !isa_rd(w)) && (s || !isa_rs(w));
	case FMT_K:
		return strchr(t, 'c') || isa_code24(w) == 0;
	default:
		return true;
	}
}

bool dis_is_exact(uint32_t word)
{
	const struct isa_insn *in = isa_by_opcode((uint8_t)isa_op(word));
	return in && exact(in, word);
}

bool dis_name_ok(const char *name)
{
	if (!name || !((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') ||
	               *name == '_'))
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.'))
			return false;
	/* A predefined constant cannot be a label again: an image from
	 * elsewhere may still have a symbol of that name (fuzz_image found one). */
	return asm_register(name) < 0 && !asm_is_predefined(name);
}

struct out {
	char *buf;
	size_t len, at;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	if (o->at >= o->len)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->at, o->len - o->at, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->at += (size_t)n;
}

/* Small numbers in decimal, others in hex. */
static void number(struct out *o, uint32_t v)
{
	if (v < 256)
		put(o, "%u", v);
	else
		put(o, "0x%x", v);
}

static void operand(struct out *o, char c, uint32_t w, uint32_t pc, const struct image *img)
{
	switch (c) {
	case 'd': put(o, "%s", reg(isa_rd(w))); break;
	case 's': put(o, "%s", reg(isa_rs(w))); break;
	case 't': put(o, "%s", reg(isa_rt(w))); break;
	case 'i': put(o, "%d", isa_simm16(w)); break;
	case 'u': number(o, isa_uimm16(w)); break;
	case 'c': number(o, isa_code24(w)); break;
	case 'm': {
		/* absolute addressing off r0, as in ldw r1, count(zero): name it */
		const struct image_sym *s = isa_rs(w) || isa_simm16(w) < 0 ? NULL :
			image_symbol_at(img, (uint32_t)isa_simm16(w));
		if (s && dis_name_ok(s->name))
			put(o, "%s(%s)", s->name, reg(isa_rs(w)));
		else
			put(o, "%d(%s)", isa_simm16(w), reg(isa_rs(w)));
		break;
	}
	case 'r': put(o, "%s", isa_sreg_name((int)isa_uimm16(w))); break;
	case 'p': {
		const char *port = isa_port_name((int)isa_uimm16(w));
		if (port)
			put(o, "PORT_%s", port);
		else
			put(o, "0x%x", isa_uimm16(w));
		break;
	}
	case 'j': {
		uint32_t target = pc + 4 + (uint32_t)isa_off24(w) * 4;
		const struct image_sym *s = image_symbol_at(img, target);
		if (s && dis_name_ok(s->name))
			put(o, "%s", s->name);
		else
			put(o, "0x%x", target);
		break;
	}
	}
}

/* nop, mov and ret: one-word pseudo-instructions that read better. */
static bool pseudo(struct out *o, uint32_t w)
{
	if (w == isa_enc_r(OP_add, 0, 0, 0))
		put(o, "nop");
	else if (isa_op(w) == OP_add && isa_rt(w) == 0 && (w & 0xFFF) == 0)
		put(o, "mov %s, %s", reg(isa_rd(w)), reg(isa_rs(w)));
	else if (w == isa_enc_r(OP_jr, 0, REG_LR, 0))
		put(o, "ret");
	else
		return false;
	return true;
}

bool dis_insn(uint32_t word, uint32_t pc, const struct image *img, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	const struct isa_insn *in = isa_by_opcode((uint8_t)isa_op(word));
	if (len)
		buf[0] = 0;
	if (!in || !exact(in, word)) {
		put(&o, ".word 0x%08x", word);
		return false;
	}
	if (pseudo(&o, word))
		return true;
	put(&o, "%s", in->name);
	const char *sep = " ";
	for (const char *t = in->operands; *t; t++) {
		if (*t == ',')
			continue;
		put(&o, "%s", sep);
		operand(&o, *t, word, pc, img);
		sep = ", ";
	}
	return true;
}

bool dis_word(uint32_t word, uint32_t pc, char *buf, size_t len)
{
	return dis_insn(word, pc, NULL, buf, len);
}

uint32_t dis_zero_words(const uint8_t *b, uint32_t n, uint32_t max)
{
	uint32_t k = 0;

	while (k < n && k < max && !(b[4 * k] | b[4 * k + 1] | b[4 * k + 2] | b[4 * k + 3]))
		k++;
	return k;
}
