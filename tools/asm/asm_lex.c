/*
 * tools/asm/asm_lex.c: the assembler's lexer and expression evaluator.
 * Owns: cutting a line into tokens (identifiers, numbers, characters,
 *       strings, operators), escapes, registers' names, and evaluating
 *       expressions with C's precedence.
 * Not:  what a statement means (asm_core.c, asm_dir.c, asm_insn.c);
 *       symbol definitions (asm_sym.c).
 */
#include "asm_impl.h"

#include <string.h>

#include "isa.h"

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.';
}
static bool is_ident(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static int hexval(char c)
{
	return is_digit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 :
	       (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}

const char *asm_tok_text(const struct asm_state *st, const struct asm_tok *t)
{
	return st->line.text + t->off;
}

bool asm_tok_is(const struct asm_state *st, const struct asm_tok *t, const char *s)
{
	return t->kind == TK_IDENT && strlen(s) == t->len && !memcmp(asm_tok_text(st, t), s, t->len);
}

bool asm_is_op(const struct asm_tok *t, int op) { return t->kind == TK_OP && t->op == op; }

int asm_reg_named(const char *s, size_t n)
{
	static const struct { const char *name; int reg; } alias[] = {
		{ "zero", REG_ZERO }, { "fp", REG_FP }, { "sp", REG_SP }, { "lr", REG_LR },
	};
	if (n >= 2 && n <= 3 && s[0] == 'r' && is_digit(s[1]) && (n == 2 || s[1] != '0')) {
		int r = s[1] - '0';
		if (n == 3) {
			if (!is_digit(s[2]))
				return -1;
			r = r * 10 + s[2] - '0';
		}
		return r < 16 ? r : -1;
	}
	for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
		if (strlen(alias[i].name) == n && !memcmp(alias[i].name, s, n))
			return alias[i].reg;
	return -1;
}

int asm_register(const char *name) { return asm_reg_named(name, strlen(name)); }

int asm_reg(const struct asm_state *st, const struct asm_tok *t)
{
	return t->kind == TK_IDENT ? asm_reg_named(asm_tok_text(st, t), t->len) : -1;
}

/* Decode the escape at s[i] (a backslash); its length, or 0 if invalid. */
static size_t escape(const char *s, size_t n, size_t i, uint8_t *out)
{
	static const char from[] = "ntr0\\\"'", to[] = "\n\t\r\0\\\"'";
	if (i + 1 >= n)
		return 0;
	const char *p = s[i + 1] ? strchr(from, s[i + 1]) : NULL;
	if (p) {
		*out = (uint8_t)to[p - from];
		return 2;
	}
	if (s[i + 1] == 'x' && i + 3 < n && hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0) {
		*out = (uint8_t)(hexval(s[i + 2]) * 16 + hexval(s[i + 3]));
		return 4;
	}
	return 0;
}

static struct asm_tok *push(struct asm_state *st, enum tok_kind k, size_t off, size_t len)
{
	asm_grow(&st->toks, &st->captoks, st->ntoks + 1, sizeof *st->toks);
	struct asm_tok *t = &st->toks[st->ntoks++];
	*t = (struct asm_tok){ k, 0, (uint32_t)off, (uint32_t)len, 0 };
	return t;
}

/* A number, or a numeric label reference like 1b / 1f. */
static bool number(struct asm_state *st, size_t i, size_t j)
{
	const char *s = st->line.text + i;
	size_t n = j - i;
	char q[ASM_QUOTE];
	struct asm_tok *t = push(st, TK_NUM, i, n);
	size_t k = 0;
	while (k < n && is_digit(s[k]))
		k++;
	if (k == n - 1 && (s[k] == 'b' || s[k] == 'f')) {
		t->kind = TK_LREF;
		t->op = s[k];
		return true;
	}
	unsigned base = 10;
	k = 0;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'b' || s[1] == 'B')) {
		base = s[1] == 'x' || s[1] == 'X' ? 16 : 2;
		k = 2;
	}
	uint64_t v = 0;
	for (; k < n; k++) {
		int d = hexval(s[k]);
		if (d < 0 || (unsigned)d >= base) {
			asm_error_at(st, (uint32_t)i, (uint32_t)n, "bad number literal '%s'",
			             asm_quote(q, s, n));
			return false;
		}
		if (v > (UINT64_C(0x7fffffffffffffff) - (unsigned)d) / base) {
			asm_error_at(st, (uint32_t)i, (uint32_t)n, "number literal '%s' is too large",
			             asm_quote(q, s, n));
			return false;
		}
		v = v * base + (unsigned)d;
	}
	t->val = (int64_t)v;
	return true;
}

/* A character constant or string starting at s[i]; its end, or 0 on error. */
static size_t quoted(struct asm_state *st, size_t i)
{
	const char *s = st->line.text;
	size_t n = st->line.len, j = i + 1, count = 0;
	char quote = s[i], q[ASM_QUOTE];
	uint8_t c = 0, dummy;
	while (j < n && s[j] != quote) {
		if (s[j] == '\\') {
			size_t e = escape(s, n, j, count ? &dummy : &c);
			if (!e) {
				asm_error_at(st, (uint32_t)j, j + 1 < n ? 2 : 1,
				             "unknown escape sequence '%s'", asm_quote(q, s + j, j + 1 < n ? 2 : 1));
				return 0;
			}
			j += e;
		} else {
			if (!count)
				c = (uint8_t)s[j];
			j++;
		}
		count++;
	}
	if (j >= n) {
		asm_error_at(st, (uint32_t)i, (uint32_t)(n - i), quote == '"' ?
		             "unterminated string" : "unterminated character constant");
		return 0;
	}
	struct asm_tok *t = push(st, quote == '"' ? TK_STR : TK_CHAR, i, j + 1 - i);
	if (quote == '\'' && count != 1) {
		asm_error_at(st, (uint32_t)i, (uint32_t)(j + 1 - i), count ?
		             "character constant %s holds more than one character" :
		             "empty character constant", asm_quote(q, s + i, j + 1 - i));
		return 0;
	}
	t->val = c;
	return j + 1;
}

static int two_char_op(char a, char b)
{
	static const struct { char a, b; int op; } ops[] = {
		{ '<', '<', OP_SHL }, { '>', '>', OP_SHR }, { '<', '=', OP_LE }, { '>', '=', OP_GE },
		{ '=', '=', OP_EQ }, { '!', '=', OP_NE }, { '&', '&', OP_ANDAND }, { '|', '|', OP_OROR },
	};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (ops[i].a == a && ops[i].b == b)
			return ops[i].op;
	return 0;
}

bool asm_tokenize(struct asm_state *st)
{
	const char *s = st->line.text;
	size_t n = st->line.len, i = 0;
	int op;
	char q[ASM_QUOTE];
	st->ntoks = 0;
	for (;;) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\f' ||
		                 s[i] == '\v'))
			i++;
		if (i >= n || s[i] == ';' || s[i] == '#') {
			push(st, TK_EOL, i, 0);
			return true;
		}
		size_t j = i + 1;
		if (is_ident_start(s[i])) {
			while (j < n && is_ident(s[j]))
				j++;
			push(st, TK_IDENT, i, j - i);
		} else if (is_digit(s[i])) {
			while (j < n && (is_ident(s[j]) && s[j] != '.'))
				j++;
			if (!number(st, i, j))
				return false;
		} else if (s[i] == '"' || s[i] == '\'') {
			if (!(j = quoted(st, i)))
				return false;
		} else if (j < n && (op = two_char_op(s[i], s[j])) != 0) {
			push(st, TK_OP, i, 2)->op = op;
			j++;
		} else if (strchr("(),:=+-*/%&|^~<>!", s[i]) && s[i]) {
			push(st, TK_OP, i, 1)->op = s[i];
		} else {
			asm_error_at(st, (uint32_t)i, 1, "bad character '%s'", asm_quote(q, s + i, 1));
			return false;
		}
		i = j;
	}
}

void asm_string(const struct asm_state *st, const struct asm_tok *t, struct strbuf *out)
{
	const char *s = asm_tok_text(st, t);
	size_t n = t->len - 1;
	for (size_t i = 1; i < n;) {
		uint8_t c = (uint8_t)s[i];
		size_t e = s[i] == '\\' ? escape(s, n, i, &c) : 1;
		sb_putc(out, (char)c);
		i += e ? e : 1;
	}
}

int asm_group_end(const struct asm_state *st, int s)
{
	int depth = 0;
	for (;; s++) {
		const struct asm_tok *t = &st->toks[s];
		if (t->kind == TK_EOL || (depth == 0 && asm_is_op(t, ',')))
			return s;
		depth += asm_is_op(t, '(') - asm_is_op(t, ')');
	}
}

int asm_split(struct asm_state *st, int start, int *starts, int *ends, int max)
{
	int n = 0;
	if (st->toks[start].kind == TK_EOL)
		return 0;
	for (int s = start;; n++) {
		int e = asm_group_end(st, s);
		if (e == s) {
			asm_error_tok(st, &st->toks[e], "missing operand");
			return -1;
		}
		if (n < max) {
			starts[n] = s;
			ends[n] = e;
		}
		if (st->toks[e].kind == TK_EOL)
			return n + 1;
		s = e + 1;
	}
}

/* Expressions: precedence climbing over toks[pos, end). */
struct parser {
	struct asm_state *st;
	int pos, end, depth;
};

static bool unary(struct parser *p, struct asm_value *v);

/* C's precedence, highest first. */
static int precedence(const struct asm_tok *t)
{
	if (t->kind != TK_OP)
		return 0;
	switch (t->op) {
	case '*': case '/': case '%': return 12;
	case '+': case '-': return 11;
	case OP_SHL: case OP_SHR: return 10;
	case '<': case '>': case OP_LE: case OP_GE: return 9;
	case OP_EQ: case OP_NE: return 8;
	case '&': return 7;
	case '^': return 6;
	case '|': return 5;
	case OP_ANDAND: return 4;
	case OP_OROR: return 3;
	default: return 0;
	}
}

static int64_t sar64(int64_t a, int64_t n) { return a >= 0 ? a >> n : ~(~a >> n); }

static bool apply(struct parser *p, const struct asm_tok *op, struct asm_value *a,
                  const struct asm_value *b)
{
	uint64_t x = (uint64_t)a->v, y = (uint64_t)b->v;
	bool known = a->known && b->known;
	switch (op->op) {
	case '+': a->v = (int64_t)(x + y); break;
	case '-': a->v = (int64_t)(x - y); break;
	case '*': a->v = (int64_t)(x * y); break;
	case '/': case '%':
		if (b->v == 0) {
			if (known) {
				asm_error_tok(p->st, op, "division by zero");
				return false;
			}
			a->v = 0;
		} else if (b->v == -1) {
			a->v = op->op == '/' ? (int64_t)(0 - x) : 0;
		} else {
			a->v = op->op == '/' ? a->v / b->v : a->v % b->v;
		}
		break;
	case OP_SHL: case OP_SHR:
		if (b->v < 0 || b->v > 63) {
			if (known) {
				asm_error_tok(p->st, op, "shift count %lld out of range (0..63)",
				              (long long)b->v);
				return false;
			}
			a->v = 0;
		} else {
			a->v = op->op == OP_SHL ? (int64_t)(x << b->v) : sar64(a->v, b->v);
		}
		break;
	case '&': a->v = a->v & b->v; break;
	case '^': a->v = a->v ^ b->v; break;
	case '|': a->v = a->v | b->v; break;
	case '<': a->v = a->v < b->v; break;
	case '>': a->v = a->v > b->v; break;
	case OP_LE: a->v = a->v <= b->v; break;
	case OP_GE: a->v = a->v >= b->v; break;
	case OP_EQ: a->v = a->v == b->v; break;
	case OP_NE: a->v = a->v != b->v; break;
	case OP_ANDAND: a->v = a->v && b->v; break;
	case OP_OROR: a->v = a->v || b->v; break;
	}
	a->known = known;
	a->constant = a->constant && b->constant;
	return true;
}

static bool binary(struct parser *p, int min, struct asm_value *v)
{
	if (!unary(p, v))
		return false;
	while (p->pos < p->end) {
		const struct asm_tok *op = &p->st->toks[p->pos];
		int prec = precedence(op);
		if (prec < min || prec == 0)
			return true;
		p->pos++;
		struct asm_value r;
		if (!binary(p, prec + 1, &r) || !apply(p, op, v, &r))
			return false;
	}
	return true;
}

static bool expect_expr(struct parser *p)
{
	char q[ASM_QUOTE];
	struct asm_state *st = p->st;
	const struct asm_tok *t = &st->toks[p->pos];
	if (p->pos >= p->end || t->kind == TK_EOL)
		asm_error_tok(st, t, "expected an expression");
	else if (asm_reg(st, t) >= 0)
		asm_error_tok(st, t, "expected an expression, found register '%s'",
		              asm_quote(q, asm_tok_text(st, t), t->len));
	else
		asm_error_tok(st, t, "expected an expression, found '%s'",
		              asm_quote(q, asm_tok_text(st, t), t->len));
	return false;
}

static bool paren(struct parser *p, struct asm_value *v)
{
	if (!binary(p, 1, v))
		return false;
	if (p->pos < p->end && asm_is_op(&p->st->toks[p->pos], ')')) {
		p->pos++;
		return true;
	}
	asm_error_tok(p->st, &p->st->toks[p->pos], "expected ')'");
	return false;
}

static bool symbol(struct parser *p, const struct asm_tok *t, struct asm_value *v)
{
	struct asm_state *st = p->st;
	char q[ASM_QUOTE];
	size_t n;
	const char *name = asm_sym_qualify(st, asm_tok_text(st, t), t->len, &n);
	int i = asm_sym_find(st, name, n, false);
	const struct asm_sym *s = i >= 0 ? &st->syms[i] : NULL;
	bool defined = s && (s->kind == SYM_PREDEF || s->def_pass > 0);
	*v = (struct asm_value){ 0, false, false };
	if (defined && st->strict && s->kind != SYM_PREDEF && s->def_pass != st->pass) {
		asm_error_tok(st, t, "'%s' is defined after this line; .if sees only earlier lines",
		              asm_quote(q, name, n));
		return false;
	}
	if (!defined) {
		if (st->pass == 1)
			return true;
		asm_error_tok(st, t, "undefined symbol '%s'", asm_quote(q, name, n));
		return false;
	}
	v->v = asm_sym_value(st, s);
	v->known = true;
	v->constant = s->kind == SYM_PREDEF || (s->def_pass == st->pass && s->constant);
	return true;
}

static bool primary(struct parser *p, struct asm_value *v)
{
	struct asm_state *st = p->st;
	if (p->pos >= p->end)
		return expect_expr(p);
	const struct asm_tok *t = &st->toks[p->pos];
	*v = (struct asm_value){ t->val, true, true };
	switch (t->kind) {
	case TK_NUM: case TK_CHAR:
		p->pos++;
		return true;
	case TK_LREF:
		p->pos++;
		return asm_numeric_ref(st, t, v);
	case TK_OP:
		if (t->op != '(')
			return expect_expr(p);
		p->pos++;
		return paren(p, v);
	case TK_IDENT:
		if (asm_reg(st, t) >= 0)
			return expect_expr(p);
		p->pos++;
		if (t->len == 1 && asm_tok_text(st, t)[0] == '.') {
			*v = (struct asm_value){ asm_here(st), true, false };
			return true;
		}
		if ((asm_tok_is(st, t, "hi") || asm_tok_is(st, t, "lo")) && p->pos < p->end &&
		    asm_is_op(&st->toks[p->pos], '(')) {
			p->pos++;
			if (!paren(p, v))
				return false;
			v->v = asm_tok_is(st, t, "hi") ? sar64(v->v, 16) & 0xffff : v->v & 0xffff;
			return true;
		}
		return symbol(p, t, v);
	default:
		return expect_expr(p);
	}
}

static bool unary(struct parser *p, struct asm_value *v)
{
	const struct asm_tok *t = &p->st->toks[p->pos];
	if (++p->depth > ASM_MAX_EXPR) {
		asm_error_tok(p->st, t, "expression nested too deeply");
		return false;
	}
	bool ok;
	if (p->pos < p->end && t->kind == TK_OP &&
	    (t->op == '-' || t->op == '~' || t->op == '+' || t->op == '!')) {
		p->pos++;
		ok = unary(p, v);
		if (t->op == '-')
			v->v = (int64_t)(0 - (uint64_t)v->v);
		else if (t->op == '~')
			v->v = ~v->v;
		else if (t->op == '!')
			v->v = !v->v;
	} else {
		ok = primary(p, v);
	}
	p->depth--;
	return ok;
}

bool asm_expr(struct asm_state *st, int *pos, int end, struct asm_value *v)
{
	struct parser p = { st, *pos, end, 0 };
	bool ok = binary(&p, 1, v);
	*pos = p.pos;
	return ok;
}

bool asm_expr_all(struct asm_state *st, int start, int end, struct asm_value *v)
{
	char q[ASM_QUOTE];
	int pos = start;
	if (!asm_expr(st, &pos, end, v))
		return false;
	if (pos < end) {
		const struct asm_tok *t = &st->toks[pos];
		asm_error_tok(st, t, "unexpected '%s' after operand",
		              asm_quote(q, asm_tok_text(st, t), t->len));
		return false;
	}
	return true;
}
