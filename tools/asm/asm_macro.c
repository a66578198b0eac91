/*
 * tools/asm/asm_macro.c: macros and conditional assembly.
 * Owns: the .macro/.endm and .if/.ifdef/.ifndef/.else/.endif directives:
 *       defining a macro, starting an expansion with its arguments, and the
 *       stack of conditionals.
 * Not:  reading body lines and substituting \ARG and \@ (asm_src.c, which
 *       also skips the lines of a false conditional).
 *
 * Macros and conditionals are decided in source order, in every pass alike:
 * a macro must be defined before its first use, and .if sees only symbols
 * defined on earlier lines, so every pass reads the same statements.
 */
#include "asm_impl.h"

#include <stdlib.h>
#include <string.h>

int asm_macro_find(const struct asm_state *st, const char *s, size_t n)
{
	int i = asm_map_get(&st->macromap, s, n);
	return i >= 0 && st->macros[i].def_pass == st->pass ? i : -1;
}

static void clear(struct asm_macro *m)
{
	for (int i = 0; i < m->nparams; i++)
		free(m->params[i]);
	for (int i = 0; i < m->nbody; i++)
		free((char *)m->body[i].text);
	free(m->params);
	free((char *)m->def.text);
	m->params = NULL;
	m->nparams = m->nbody = 0;
	m->def.text = NULL;
}

void asm_macro_free(struct asm_state *st)
{
	for (int i = 0; i < st->nmacros; i++) {
		clear(&st->macros[i]);
		free(st->macros[i].body);
		free(st->macros[i].name);
	}
	free(st->macros);
	asm_map_free(&st->macromap);
}

static bool params(struct asm_state *st, struct asm_macro *m, int start)
{
	char q[ASM_QUOTE];
	for (int s = start; st->toks[s].kind != TK_EOL;) {
		int e = asm_group_end(st, s);
		const struct asm_tok *t = &st->toks[s];
		if (e != s + 1 || t->kind != TK_IDENT || asm_tok_text(st, t)[0] == '.') {
			const struct asm_tok *bad = e == s ? t : &st->toks[e == s + 1 ? s : s + 1];
			asm_error_tok(st, bad, "expected a parameter name, found '%s'",
			              asm_quote(q, asm_tok_text(st, bad), bad->len));
			return false;
		}
		for (int i = 0; i < m->nparams; i++)
			if (strlen(m->params[i]) == t->len && !memcmp(m->params[i], asm_tok_text(st, t), t->len)) {
				asm_error_tok(st, t, "duplicate parameter '%s'", m->params[i]);
				return false;
			}
		m->params = asm_xrealloc(m->params, (size_t)(m->nparams + 1) * sizeof *m->params);
		m->params[m->nparams++] = asm_xstrndup(asm_tok_text(st, t), t->len);
		s = st->toks[e].kind == TK_EOL ? e : e + 1;
		if (st->toks[e].kind != TK_EOL && st->toks[s].kind == TK_EOL) {
			asm_error_tok(st, &st->toks[s], "missing operand");
			return false;
		}
	}
	return true;
}

bool asm_src_macro_begin(struct asm_state *st, int i)
{
	char q[ASM_QUOTE];
	const struct asm_tok *t = &st->toks[i + 1];
	const char *name = asm_tok_text(st, t);
	if (t->kind != TK_IDENT || name[0] == '.' || asm_is_reserved(name, t->len)) {
		asm_error_tok(st, t, "expected a macro name after '.macro'");
		return false;
	}
	if (asm_is_mnemonic(name, t->len)) {
		asm_error_tok(st, t, "'%s' is an instruction and cannot name a macro",
		              asm_quote(q, name, t->len));
		return false;
	}
	int k = asm_map_get(&st->macromap, name, t->len);
	if (k >= 0 && st->macros[k].def_pass == st->pass) {
		const struct asm_macro *old = &st->macros[k];
		asm_error_tok(st, t, "macro '%s' is already defined", old->name);
		asm_note_at(st, old->def.fname, old->def.lineno, asm_column_in(&old->def, old->def_off),
		            "'%s' was first defined here", old->name);
		return false;
	}
	if (k < 0) {
		asm_grow(&st->macros, &st->capmacros, st->nmacros + 1, sizeof *st->macros);
		k = st->nmacros++;
		memset(&st->macros[k], 0, sizeof st->macros[k]);
		st->macros[k].name = asm_xstrndup(name, t->len);
		asm_map_put(&st->macromap, st->macros[k].name, t->len, k);
	}
	struct asm_macro *m = &st->macros[k];
	clear(m);
	m->def_pass = st->pass;
	m->def = st->line;
	m->def.text = asm_xstrndup(st->line.text, st->line.len);
	m->def_off = t->off;
	st->defining = k;
	st->def_frame = st->nframes - 1;
	if (!params(st, m, i + 2))
		m->def_pass = 0; /* its body is still read up to .endm, then ignored */
	return true;
}

/* Split the raw argument text at top-level commas, outside quotes. */
static int split_args(const char *s, size_t n, char ***out)
{
	int count = 0, depth = 0;
	char quote = 0;
	size_t start = 0;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	*out = NULL;
	for (size_t i = 0; i <= n; i++) {
		char c = i < n ? s[i] : ',';
		if (quote && i < n) {
			if (c == '\\' && i + 1 < n)
				i++;
			else if (c == quote)
				quote = 0;
			continue;
		}
		if (c == '"' || c == '\'')
			quote = c;
		depth += (c == '(') - (c == ')');
		if (c != ',' || (depth > 0 && i < n))
			continue;
		size_t a = start, b = i < n ? i : n;
		while (a < b && (s[a] == ' ' || s[a] == '\t'))
			a++;
		while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
			b--;
		*out = asm_xrealloc(*out, (size_t)(count + 1) * sizeof **out);
		(*out)[count++] = asm_xstrndup(s + a, b - a);
		start = i + 1;
	}
	if (count == 1 && !(*out)[0][0]) { /* no arguments at all */
		free((*out)[0]);
		count = 0;
	}
	return count;
}

bool asm_src_macro_expand(struct asm_state *st, int mac, int i)
{
	const struct asm_macro *m = &st->macros[mac];
	const struct asm_tok *t = &st->toks[i];
	char **args;
	size_t from = t->off + t->len;
	int nargs = split_args(st->line.text + from, st->toks[st->ntoks - 1].off - from, &args);
	int depth = 0;
	for (int k = 0; k < st->nframes; k++)
		depth += st->frames[k].mac >= 0;
	if (nargs != m->nparams || depth >= ASM_MAX_MACRO) {
		if (depth >= ASM_MAX_MACRO)
			asm_error_tok(st, t, "macro expansions nested too deeply (is '%s' recursive?)",
			              m->name);
		else
			asm_error_tok(st, t, "macro '%s' takes %d argument%s, found %d", m->name,
			              m->nparams, m->nparams == 1 ? "" : "s", nargs);
		for (int k = 0; k < nargs; k++)
			free(args[k]);
		free(args);
		return false;
	}
	asm_grow(&st->frames, &st->capframes, st->nframes + 1, sizeof *st->frames);
	struct asm_frame *fr = &st->frames[st->nframes++];
	memset(fr, 0, sizeof *fr);
	fr->mac = mac;
	fr->args = args;
	fr->uid = st->uid++;
	fr->nconds = st->nconds;
	fr->inv = (struct asm_line){ NULL, 0, NULL, 0, m->name, st->line.fname, st->line.lineno,
		                     asm_column(st, t->off) };
	return true;
}

static bool is_defined(struct asm_state *st, const struct asm_tok *t)
{
	size_t n;
	const char *name = asm_sym_qualify(st, asm_tok_text(st, t), t->len, &n);
	int i = asm_sym_find(st, name, n, false);
	return i >= 0 && (st->syms[i].kind == SYM_PREDEF || st->syms[i].def_pass == st->pass);
}

static void push_cond(struct asm_state *st, uint32_t off, uint32_t len, bool taken, bool ok)
{
	asm_grow(&st->conds, &st->capconds, st->nconds + 1, sizeof *st->conds);
	struct asm_cond *c = &st->conds[st->nconds++];
	bool parent = st->nconds < 2 || st->conds[st->nconds - 2].active;
	/* a condition in error skips both branches: no cascade of errors */
	*c = (struct asm_cond){ parent && ok, taken || !ok, parent && ok && taken, false, st->line,
		                off, len };
	c->where.text = asm_xstrndup(st->line.text, st->line.len);
}

void asm_src_cond_broken(struct asm_state *st)
{
	size_t at;
	const char *w = asm_src_head(st->line.text, st->line.len, &at);
	if (w && !strncmp(w, ".if", 3))
		push_cond(st, (uint32_t)at, (uint32_t)strlen(w), false, false);
}

bool asm_src_cond(struct asm_state *st, const struct asm_tok *dir, int start)
{
	char q[ASM_QUOTE];
	const char *d = asm_tok_text(st, dir);
	const struct asm_tok *t = &st->toks[start];
	if (asm_tok_is(st, dir, ".if")) {
		struct asm_value v = { 0, false, false };
		st->strict = true;
		bool ok = asm_expr_all(st, start, st->ntoks - 1, &v);
		st->strict = false;
		push_cond(st, dir->off, dir->len, v.v != 0, ok);
		return ok;
	}
	if (asm_tok_is(st, dir, ".ifdef") || asm_tok_is(st, dir, ".ifndef")) {
		bool ok = t->kind == TK_IDENT && st->toks[start + 1].kind == TK_EOL;
		if (!ok)
			asm_error_tok(st, t, "'%.*s' takes one symbol name", (int)dir->len, d);
		bool def = ok && is_defined(st, t);
		push_cond(st, dir->off, dir->len, asm_tok_is(st, dir, ".ifdef") ? def : !def, ok);
		return ok;
	}
	if (st->nconds == 0) {
		asm_error_tok(st, dir, "'%.*s' without '.if'", (int)dir->len, d);
		return false;
	}
	struct asm_cond *c = &st->conds[st->nconds - 1];
	bool is_else = asm_tok_is(st, dir, ".else");
	if (is_else && c->in_else) {
		asm_error_tok(st, dir, "'.else' after '.else'");
		return false;
	}
	if (is_else) {
		c->in_else = true;
		c->active = c->parent_active && !c->taken;
	} else {
		free((char *)c->where.text);
		st->nconds--;
	}
	if (t->kind != TK_EOL) {
		asm_error_tok(st, t, "unexpected '%s' after '%.*s'",
		              asm_quote(q, asm_tok_text(st, t), t->len), (int)dir->len, d);
		return false;
	}
	return true;
}
