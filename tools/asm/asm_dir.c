/*
 * tools/asm/asm_dir.c: the assembler's directives.
 * Owns: the table of directives and those that place data or move the
 *       location (.text .data .org .word .half .byte .ascii .asciz .space
 *       .align), define symbols (.equ .set .global), and .error.
 * Not:  .include (asm_src.c), .macro and conditionals (asm_macro.c).
 */
#include "asm_impl.h"

#include <stdlib.h>
#include <string.h>

/* Report an unexpected token where the statement should end; false. */
static bool junk(struct asm_state *st, int i)
{
	char q[ASM_QUOTE];
	const struct asm_tok *t = &st->toks[i];
	asm_error_tok(st, t, "unexpected '%s' after operand", asm_quote(q, asm_tok_text(st, t), t->len));
	return false;
}

static bool no_operands(struct asm_state *st, int i)
{
	return st->toks[i + 1].kind == TK_EOL || junk(st, i + 1);
}

/* Exactly n operands, else an error naming them; their ranges in s, e. */
static bool operands(struct asm_state *st, int i, int n, const char *what, int *s, int *e)
{
	const struct asm_tok *d = &st->toks[i];
	int got = asm_split(st, i + 1, s, e, n);
	if (got < 0)
		return false;
	if (got != n) {
		asm_error_tok(st, d, "'%.*s' takes %d operand%s (%s), found %d", (int)d->len,
		              asm_tok_text(st, d), n, n == 1 ? "" : "s", what, got);
		return false;
	}
	return true;
}

/* A known value in [lo, hi] from toks[s, e); what names it in the error. */
static bool value_in(struct asm_state *st, int s, int e, int64_t lo, int64_t hi, const char *what,
                     int64_t *out)
{
	struct asm_value v;
	if (!asm_expr_all(st, s, e, &v))
		return false;
	*out = v.v;
	if (!v.known) /* a forward reference, first pass: 0 until the next pass */
		*out = 0;
	else if (v.v < lo || v.v > hi) {
		const struct asm_tok *a = &st->toks[s], *b = &st->toks[e - 1];
		asm_error_at(st, a->off, b->off + b->len - a->off, "%s %lld out of range (%lld..%lld)",
		             what, (long long)v.v, (long long)lo, (long long)hi);
		return false;
	}
	return true;
}

static bool section(struct asm_state *st, int i, int which)
{
	st->cur = which;
	return no_operands(st, i);
}

static bool d_text(struct asm_state *st, int i) { return section(st, i, SECT_TEXT); }
static bool d_data(struct asm_state *st, int i) { return section(st, i, SECT_DATA); }

static bool d_org(struct asm_state *st, int i)
{
	int s, e;
	int64_t v;
	struct asm_section *sec = &st->sect[st->cur];
	if (!operands(st, i, 1, "address", &s, &e) ||
	    !value_in(st, s, e, 0, 0xFFFFFFFFll, "address", &v))
		return false;
	if (sec->bytes.len == 0) { /* the very start: where the section begins */
		sec->base = (uint32_t)v;
		sec->base_set = true;
		return true;
	}
	if (v < asm_here(st)) {
		const struct asm_tok *a = &st->toks[s], *b = &st->toks[e - 1];
		asm_error_at(st, a->off, b->off + b->len - a->off,
		             ".org 0x%llx would move the location backwards from 0x%x",
		             (unsigned long long)v, asm_here(st));
		return false;
	}
	uint64_t gap = (uint64_t)v - asm_here(st);
	if (!asm_room(st, gap, st->toks[s].off, st->toks[s].len))
		return false;
	while (gap--)
		asm_emit(st, "", 1);
	return true;
}

static bool define(struct asm_state *st, int i, enum sym_kind kind)
{
	int s[2], e[2];
	struct asm_value v;
	if (!operands(st, i, 2, "NAME, EXPR", s, e))
		return false;
	const struct asm_tok *name = &st->toks[s[0]];
	if (name->kind != TK_IDENT) {
		char q[ASM_QUOTE];
		asm_error_tok(st, name, "expected a symbol name, found '%s'",
		              asm_quote(q, asm_tok_text(st, name), name->len));
		return false;
	}
	if (e[0] != s[0] + 1)
		return junk(st, s[0] + 1);
	return asm_expr_all(st, s[1], e[1], &v) && asm_define(st, name, kind, &v);
}

static bool d_equ(struct asm_state *st, int i) { return define(st, i, SYM_EQU); }
static bool d_set(struct asm_state *st, int i) { return define(st, i, SYM_SET); }

/* .word, .half, .byte: comma-separated values of size bytes each. */
static bool data(struct asm_state *st, int i, int size)
{
	static const char *const what[] = { NULL, "byte value", "half value", NULL, "word value" };
	int64_t lo = -(INT64_C(1) << (8 * size - 1)), hi = (INT64_C(1) << (8 * size)) - 1;
	int n = 0;
	for (int s = i + 1; st->toks[s].kind != TK_EOL || n == 0; n++) {
		int e = asm_group_end(st, s);
		int64_t v;
		if (e == s) {
			asm_error_tok(st, &st->toks[s], st->toks[s].kind == TK_EOL && n == 0 ?
			              "expected an expression" : "missing operand");
			return false;
		}
		if (!value_in(st, s, e, lo, hi, what[size], &v))
			return false;
		uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
		if (!asm_room(st, (uint64_t)size, st->toks[s].off, st->toks[s].len))
			return false;
		asm_emit(st, b, (size_t)size);
		if (st->toks[e].kind == TK_EOL)
			break;
		s = e + 1;
		if (st->toks[s].kind == TK_EOL) {
			asm_error_tok(st, &st->toks[s], "missing operand");
			return false;
		}
	}
	return true;
}

static bool d_word(struct asm_state *st, int i) { return data(st, i, 4); }
static bool d_half(struct asm_state *st, int i) { return data(st, i, 2); }
static bool d_byte(struct asm_state *st, int i) { return data(st, i, 1); }

static bool strings(struct asm_state *st, int i, bool nul)
{
	char q[ASM_QUOTE];
	struct strbuf b = { 0 };
	bool ok = true;
	int s = i + 1;
	for (;;) {
		const struct asm_tok *t = &st->toks[s];
		if (t->kind != TK_STR) {
			asm_error_tok(st, t, t->kind == TK_EOL ? "expected a string" :
			              "expected a string, found '%s'", asm_quote(q, asm_tok_text(st, t), t->len));
			ok = false;
			break;
		}
		b.len = 0;
		asm_string(st, t, &b);
		if (nul)
			sb_putc(&b, 0);
		if (!(ok = asm_room(st, b.len, t->off, t->len)))
			break;
		asm_emit(st, b.s ? b.s : "", b.len);
		if (st->toks[s + 1].kind == TK_EOL)
			break;
		if (!asm_is_op(&st->toks[s + 1], ',')) {
			ok = junk(st, s + 1);
			break;
		}
		s += 2;
	}
	free(b.s);
	return ok;
}

static bool d_ascii(struct asm_state *st, int i) { return strings(st, i, false); }
static bool d_asciz(struct asm_state *st, int i) { return strings(st, i, true); }

static bool d_space(struct asm_state *st, int i)
{
	int s[2], e[2];
	int64_t n, fill = 0;
	int got = asm_split(st, i + 1, s, e, 2);
	if (got < 0)
		return false;
	if (got < 1 || got > 2) {
		asm_error_tok(st, &st->toks[i], "'.space' takes 1 or 2 operands (N[, FILL]), found %d", got);
		return false;
	}
	if (!value_in(st, s[0], e[0], 0, ASM_MAX_SECTION, "size", &n) ||
	    (got == 2 && !value_in(st, s[1], e[1], -128, 255, "fill byte", &fill)))
		return false;
	if (!asm_room(st, (uint64_t)n, st->toks[s[0]].off, st->toks[s[0]].len))
		return false;
	char c = (char)fill;
	while (n--)
		asm_emit(st, &c, 1);
	return true;
}

static bool d_align(struct asm_state *st, int i)
{
	int s, e;
	int64_t n;
	if (!operands(st, i, 1, "N", &s, &e) || !value_in(st, s, e, 1, 65536, "alignment", &n))
		return false;
	if (n == 0) /* not known before a later pass */
		n = 1;
	if (n & (n - 1)) {
		const struct asm_tok *a = &st->toks[s], *b = &st->toks[e - 1];
		asm_error_at(st, a->off, b->off + b->len - a->off, "alignment %lld is not a power of two",
		             (long long)n);
		return false;
	}
	uint32_t pad = (uint32_t)((n - asm_here(st) % n) % n);
	if (!asm_room(st, pad, st->toks[s].off, st->toks[s].len))
		return false;
	while (pad--)
		asm_emit(st, "", 1);
	return true;
}

static bool d_global(struct asm_state *st, int i)
{
	char q[ASM_QUOTE];
	for (int s = i + 1;; s += 2) {
		const struct asm_tok *t = &st->toks[s];
		if (t->kind != TK_IDENT || asm_is_reserved(asm_tok_text(st, t), t->len)) {
			asm_error_tok(st, t, t->kind == TK_EOL ? "expected a symbol name" :
			              "expected a symbol name, found '%s'", asm_quote(q, asm_tok_text(st, t), t->len));
			return false;
		}
		size_t n;
		const char *name = asm_sym_qualify(st, asm_tok_text(st, t), t->len, &n);
		int k = asm_sym_find(st, name, n, true);
		struct asm_sym *sym = &st->syms[k];
		sym->global = true;
		if (st->pass > 1 && sym->def_pass == 0 && sym->kind != SYM_PREDEF) {
			asm_error_tok(st, t, "'.global' names undefined symbol '%s'", asm_quote(q, name, n));
			return false;
		}
		if (st->toks[s + 1].kind == TK_EOL)
			return true;
		if (!asm_is_op(&st->toks[s + 1], ','))
			return junk(st, s + 1);
	}
}

static bool d_include(struct asm_state *st, int i)
{
	const struct asm_tok *t = &st->toks[i + 1];
	if (t->kind != TK_STR) {
		asm_error_tok(st, t, "'.include' takes a file name in double quotes");
		return false;
	}
	return no_operands(st, i + 1) && asm_src_include(st, t);
}

static bool d_macro(struct asm_state *st, int i) { return asm_src_macro_begin(st, i); }

static bool d_endm(struct asm_state *st, int i)
{
	asm_error_tok(st, &st->toks[i], "'.endm' without '.macro'");
	return false;
}

static bool d_cond(struct asm_state *st, int i) { return asm_src_cond(st, &st->toks[i], i + 1); }

static bool d_error(struct asm_state *st, int i)
{
	const struct asm_tok *d = &st->toks[i], *t = &st->toks[i + 1];
	if (t->kind == TK_EOL) {
		asm_error_tok(st, d, ".error directive invoked");
		return false;
	}
	if (t->kind != TK_STR) {
		asm_error_tok(st, t, "'.error' takes a message in double quotes");
		return false;
	}
	if (!no_operands(st, i + 1))
		return false;
	struct strbuf b = { 0 };
	char q[ASM_QUOTE];
	asm_string(st, t, &b);
	asm_error_tok(st, d, "%s", asm_quote(q, b.s ? b.s : "", b.len));
	free(b.s);
	return false;
}

static const struct {
	const char *name;
	bool (*run)(struct asm_state *st, int i);
} directives[] = {
	{ ".text", d_text }, { ".data", d_data }, { ".org", d_org },
	{ ".equ", d_equ }, { ".set", d_set },
	{ ".word", d_word }, { ".half", d_half }, { ".byte", d_byte },
	{ ".ascii", d_ascii }, { ".asciz", d_asciz }, { ".space", d_space }, { ".align", d_align },
	{ ".global", d_global }, { ".include", d_include },
	{ ".macro", d_macro }, { ".endm", d_endm },
	{ ".if", d_cond }, { ".ifdef", d_cond }, { ".ifndef", d_cond }, { ".else", d_cond },
	{ ".endif", d_cond }, { ".error", d_error },
};
enum { NDIRECTIVES = sizeof directives / sizeof directives[0] };

int asm_directive_names(const char **out, int max)
{
	int n = 0;
	for (; n < NDIRECTIVES && n < max; n++)
		out[n] = directives[n].name;
	return n;
}

bool asm_directive(struct asm_state *st, int i)
{
	for (int k = 0; k < NDIRECTIVES; k++)
		if (asm_tok_is(st, &st->toks[i], directives[k].name)) {
			directives[k].run(st, i);
			return true;
		}
	return false;
}
