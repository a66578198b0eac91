/*
 * tools/asm/asm_sym.c: the assembler's symbol table.
 * Owns: defining and looking up symbols (labels, constants, local and numeric
 *       labels), the constants predefined from isa-spec/isa.def and
 *       isa-spec/hypercalls.def, and the
 *       string, buffer and hash-map helpers every part of the assembler uses.
 * Not:  evaluating expressions (asm_lex.c); writing the image's symbol table
 *       (asm_out.c).
 */
#include "asm_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa.h"

/* Out of host memory is the one failure the assembler does not survive: an
 * input that could exhaust memory is already refused by the section limit. */
void *asm_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		abort();
	return q;
}

char *asm_xstrndup(const char *s, size_t n)
{
	char *d = asm_xrealloc(NULL, n + 1);
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

void asm_grow(void *p, int *cap, int n, size_t sz)
{
	void **a = p;
	if (n <= *cap)
		return;
	int c = *cap ? *cap : 8;
	while (c < n)
		c *= 2;
	*a = asm_xrealloc(*a, (size_t)c * sz);
	*cap = c;
}

void sb_put(struct strbuf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t c = b->cap ? b->cap : 64;
		while (c < b->len + n + 1)
			c *= 2;
		b->s = asm_xrealloc(b->s, c);
		b->cap = c;
	}
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = 0;
}

void sb_putc(struct strbuf *b, char c) { sb_put(b, &c, 1); }

void sb_printf(struct strbuf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		sb_put(b, small, (size_t)n);
		return;
	}
	char *big = asm_xrealloc(NULL, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb_put(b, big, (size_t)n);
	free(big);
}

/* FNV-1a. */
static size_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

int asm_map_get(const struct asm_map *m, const char *key, size_t klen)
{
	if (!m->cap)
		return -1;
	for (size_t i = hash(key, klen) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		const struct asm_map_ent *e = &m->e[i];
		if (!e->key)
			return -1;
		if (e->klen == klen && memcmp(e->key, key, klen) == 0)
			return e->val;
	}
}

void asm_map_put(struct asm_map *m, const char *key, size_t klen, int val)
{
	if (2 * (m->n + 1) > m->cap) {
		struct asm_map old = *m;
		m->cap = old.cap ? old.cap * 2 : 64;
		m->e = asm_xrealloc(NULL, m->cap * sizeof *m->e);
		memset(m->e, 0, m->cap * sizeof *m->e);
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.e[i].key)
				asm_map_put(m, old.e[i].key, old.e[i].klen, old.e[i].val);
		free(old.e);
	}
	size_t i = hash(key, klen) & (m->cap - 1);
	while (m->e[i].key && !(m->e[i].klen == klen && !memcmp(m->e[i].key, key, klen)))
		i = (i + 1) & (m->cap - 1);
	if (!m->e[i].key)
		m->n++;
	m->e[i] = (struct asm_map_ent){ key, klen, val };
}

void asm_map_free(struct asm_map *m)
{
	free(m->e);
	memset(m, 0, sizeof *m);
}

int asm_sym_find(struct asm_state *st, const char *name, size_t n, bool create)
{
	int i = asm_map_get(&st->symmap, name, n);
	if (i >= 0 || !create)
		return i;
	asm_grow(&st->syms, &st->capsyms, st->nsyms + 1, sizeof *st->syms);
	struct asm_sym *s = &st->syms[st->nsyms];
	memset(s, 0, sizeof *s);
	s->name = asm_xstrndup(name, n);
	asm_map_put(&st->symmap, s->name, n, st->nsyms);
	return st->nsyms++;
}

static void predefine(struct asm_state *st, const char *prefix, const char *name, int64_t v)
{
	char buf[64];
	int n = snprintf(buf, sizeof buf, "%s%s", prefix, name);
	int k = asm_sym_find(st, buf, (size_t)n, true);
	struct asm_sym *s = &st->syms[k];
	s->kind = SYM_PREDEF;
	s->value = v;
	s->constant = true;
}

typedef void (*predef_fn)(void *ctx, const char *prefix, const char *name, int64_t v);

/* The constants every program may use, from the ISA's own tables. */
static void each_predefined(predef_fn fn, void *ctx)
{
	static const struct { const char *name; int64_t v; } bits[] = {
		{ "PSW_S", PSW_S }, { "PSW_IE", PSW_IE }, { "PSW_Z", PSW_Z },
		{ "PSW_N", PSW_N }, { "PSW_C", PSW_C }, { "PSW_V", PSW_V },
		{ "IRQ_TIMER", IRQ_TIMER }, { "IRQ_CONSOLE", IRQ_CONSOLE }, { "IRQ_DISK", IRQ_DISK },
		{ "IRQ_CONSOLE2", IRQ_CONSOLE2 }, { "IRQ_NET", IRQ_NET },
	};
	for (int i = 0; i < isa_nports; i++)
		fn(ctx, "PORT_", isa_ports[i].name, isa_ports[i].number);
	for (int i = 0; i < isa_ncauses; i++)
		fn(ctx, "CAUSE_", isa_causes[i].name, isa_causes[i].number);
	for (int i = 0; i < isa_nsregs; i++)
		fn(ctx, "SR_", isa_sregs[i].name, isa_sregs[i].number);
	for (int i = 0; i < isa_nnetdefs; i++)
		fn(ctx, "NET_", isa_netdefs[i].name, isa_netdefs[i].number);
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
		fn(ctx, "", bits[i].name, bits[i].v);
	/* The paravirtual interface: hypercall numbers and layouts. */
#define HCALL(name, num, args, result, replaces, doc) fn(ctx, "HC_", #name, num);
#define PVDEF(name, value, doc) fn(ctx, "PV_", #name, value);
#include "../isa-spec/hypercalls.def"
#undef HCALL
#undef PVDEF
}

static void define_one(void *ctx, const char *prefix, const char *name, int64_t v)
{
	predefine(ctx, prefix, name, v);
}

void asm_sym_init(struct asm_state *st)
{
	each_predefined(define_one, st);
}

struct lookup {
	const char *name;
	bool found;
};

static void match_one(void *ctx, const char *prefix, const char *name, int64_t v)
{
	struct lookup *l = ctx;
	size_t n = strlen(prefix);
	(void)v;
	l->found |= !strncmp(l->name, prefix, n) && !strcmp(l->name + n, name);
}

bool asm_is_predefined(const char *name)
{
	struct lookup l = { name, false };
	each_predefined(match_one, &l);
	return l.found;
}

bool asm_is_reserved(const char *s, size_t n)
{
	return (n == 1 && s[0] == '.') || asm_reg_named(s, n) >= 0;
}

const char *asm_sym_qualify(struct asm_state *st, const char *s, size_t n, size_t *len)
{
	*len = n;
	if (n < 2 || s[0] != '.' || st->scope < 0)
		return s;
	const char *scope = st->syms[st->scope].name;
	st->scratch.len = 0;
	sb_put(&st->scratch, scope, strlen(scope));
	sb_put(&st->scratch, s, n);
	*len = st->scratch.len;
	return st->scratch.s;
}

int64_t asm_sym_value(const struct asm_state *st, const struct asm_sym *s)
{
	return s->kind == SYM_LABEL ? st->sect[s->sect].base + s->value : s->value;
}

static bool define(struct asm_state *st, const struct asm_tok *t, const char *name, size_t n,
                   enum sym_kind kind, const struct asm_value *v)
{
	char q[ASM_QUOTE];
	int i = asm_sym_find(st, name, n, true);
	struct asm_sym *s = &st->syms[i];
	if (s->kind == SYM_PREDEF) {
		asm_error_tok(st, t, "'%s' is predefined and cannot be redefined",
		              asm_quote(q, name, n));
		return false;
	}
	if (s->def_pass == st->pass && !(kind == SYM_SET && s->kind == SYM_SET)) {
		asm_error_tok(st, t, kind == SYM_LABEL && s->kind == SYM_LABEL ?
		              "duplicate label '%s'" : "symbol '%s' is already defined",
		              asm_quote(q, name, n));
		asm_note_at(st, s->def_fname, s->def_line, s->def_col, "'%s' was first defined here",
		            asm_quote(q, name, n));
		return false;
	}
	if (s->def_pass != st->pass) {
		s->def_fname = st->line.fname;
		s->def_line = st->line.lineno;
		s->def_col = asm_column(st, t->off);
	}
	s->kind = kind;
	s->def_pass = st->pass;
	if (kind == SYM_LABEL) {
		s->sect = st->cur;
		s->value = (int64_t)st->sect[st->cur].bytes.len;
		s->constant = false;
	} else {
		s->value = v->v;
		s->constant = v->constant && v->known;
	}
	return true;
}

bool asm_define(struct asm_state *st, const struct asm_tok *t, enum sym_kind kind,
                const struct asm_value *v)
{
	char q[ASM_QUOTE];
	const char *text = asm_tok_text(st, t);
	if (asm_is_reserved(text, t->len)) {
		asm_error_tok(st, t, "'%s' is reserved and cannot name a symbol",
		              asm_quote(q, text, t->len));
		return false;
	}
	size_t n;
	const char *name = asm_sym_qualify(st, text, t->len, &n);
	if (!define(st, t, name, n, kind, v))
		return false;
	if (kind == SYM_LABEL && text[0] != '.')
		st->scope = asm_sym_find(st, name, n, false);
	return true;
}

/* Numeric label N's k-th definition is the hidden symbol "N\1k"; "N\1#"
 * counts this pass's definitions so far. */
static int counter(struct asm_state *st, const char *num, size_t n, int64_t *count)
{
	char key[48];
	int len = snprintf(key, sizeof key, "%.*s\1#", (int)n, num);
	int i = asm_sym_find(st, key, (size_t)len, true);
	st->syms[i].hidden = true;
	*count = st->syms[i].def_pass == st->pass ? st->syms[i].value : 0;
	return i;
}

static int instance(struct asm_state *st, const char *num, size_t n, int64_t k, bool create)
{
	char key[64];
	int len = snprintf(key, sizeof key, "%.*s\1%lld", (int)n, num, (long long)k);
	return asm_sym_find(st, key, (size_t)len, create);
}

static bool numeric_name(struct asm_state *st, const struct asm_tok *t, const char **num,
                         size_t *n)
{
	char q[ASM_QUOTE];
	const char *s = asm_tok_text(st, t);
	size_t len = t->kind == TK_LREF ? t->len - 1 : t->len;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9' || len > 9) {
			asm_error_tok(st, t, "numeric label '%s' must be a decimal number of at most 9 digits",
			              asm_quote(q, s, t->len));
			return false;
		}
	*num = s;
	*n = len;
	return true;
}

bool asm_define_numeric(struct asm_state *st, const struct asm_tok *t)
{
	const char *num;
	size_t n;
	int64_t k;
	if (!numeric_name(st, t, &num, &n))
		return false;
	int c = counter(st, num, n, &k);
	int i = instance(st, num, n, k, true);
	st->syms[i].hidden = true;
	st->syms[c].kind = SYM_SET;
	st->syms[c].value = k + 1;
	st->syms[c].def_pass = st->pass;
	size_t len = strlen(st->syms[i].name);
	return define(st, t, st->syms[i].name, len, SYM_LABEL, NULL);
}

bool asm_numeric_ref(struct asm_state *st, const struct asm_tok *t, struct asm_value *v)
{
	const char *num;
	size_t n;
	int64_t k;
	char q[ASM_QUOTE];
	if (!numeric_name(st, t, &num, &n))
		return false;
	counter(st, num, n, &k);
	*v = (struct asm_value){ 0, false, false };
	if (t->op == 'b' && k == 0) {
		asm_error_tok(st, t, "no label '%s:' before this reference", asm_quote(q, num, n));
		return false;
	}
	int i = instance(st, num, n, t->op == 'b' ? k - 1 : k, false);
	if (i < 0 || st->syms[i].def_pass == 0) {
		if (st->pass == 1)
			return true;
		asm_error_tok(st, t, "no label '%s:' after this reference", asm_quote(q, num, n));
		return false;
	}
	v->v = asm_sym_value(st, &st->syms[i]);
	v->known = true;
	return true;
}

bool asm_sym_settle(struct asm_state *st)
{
	bool changed = false;
	for (int i = 0; i < st->nsyms; i++) {
		struct asm_sym *s = &st->syms[i];
		bool defined = s->kind == SYM_PREDEF || s->def_pass == st->pass;
		int64_t v = defined ? asm_sym_value(st, s) : 0;
		if (defined != s->snap_defined || v != s->snap)
			changed = true;
		s->snap_defined = defined;
		s->snap = v;
	}
	return changed;
}
