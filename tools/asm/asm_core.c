/*
 * tools/asm/asm_core.c: the assembler's passes and statements.
 * Owns: asm_assemble: -D definitions, running passes until every address
 *       settles, and reading one statement: labels, then an assignment, a
 *       directive, a macro invocation or an instruction.
 * Not:  any one kind of statement (asm_dir.c, asm_macro.c, asm_insn.c).
 *
 * Why passes until nothing moves: a label used before its line is known
 * only from the pass before, and .data's start only once .text is complete.
 * A pass whose symbols and section starts all equal the previous pass's used
 * only final values, so its bytes and its diagnostics are the answer.
 */
#include "asm_impl.h"

#include <stdlib.h>
#include <string.h>

static void unknown(struct asm_state *st, const struct asm_tok *t, bool directive)
{
	char q[ASM_QUOTE];
	const char *text = asm_tok_text(st, t);
	const char *cands[256];
	int n;
	asm_error_tok(st, t, directive ? "unknown directive '%s'" : "unknown mnemonic '%s'",
	              asm_quote(q, text, t->len));
	if (directive) {
		n = asm_directive_names(cands, 256);
	} else {
		n = asm_mnemonics(cands, 256);
		for (int i = 0; i < st->nmacros && n < 256; i++)
			if (st->macros[i].def_pass == st->pass)
				cands[n++] = st->macros[i].name;
	}
	asm_suggest(st, t->off, text, t->len, cands, n);
}

static void statement(struct asm_state *st)
{
	char q[ASM_QUOTE];
	int i = 0;
	while (st->toks[i].kind != TK_EOL && asm_is_op(&st->toks[i + 1], ':')) {
		const struct asm_tok *l = &st->toks[i];
		if (l->kind == TK_IDENT)
			asm_define(st, l, SYM_LABEL, NULL);
		else if (l->kind == TK_NUM)
			asm_define_numeric(st, l);
		else
			break;
		i += 2;
	}
	const struct asm_tok *t = &st->toks[i];
	const char *text = asm_tok_text(st, t);
	if (t->kind == TK_EOL)
		return;
	if (t->kind == TK_IDENT && asm_is_op(&st->toks[i + 1], '=')) {
		struct asm_value v;
		if (asm_expr_all(st, i + 2, st->ntoks - 1, &v))
			asm_define(st, t, SYM_SET, &v);
		return;
	}
	if (t->kind != TK_IDENT) {
		asm_error_tok(st, t, "expected a label, instruction or directive, found '%s'",
		              asm_quote(q, text, t->len));
		return;
	}
	if (text[0] == '.' && t->len > 1) {
		if (!asm_directive(st, i))
			unknown(st, t, true);
		return;
	}
	int m = asm_macro_find(st, text, t->len);
	if (m >= 0)
		asm_src_macro_expand(st, m, i);
	else if (!asm_instruction(st, i))
		unknown(st, t, false);
}

static void line(struct asm_state *st)
{
	int sect = st->cur;
	size_t start = st->sect[sect].bytes.len;
	st->list_words = false;
	if (asm_tokenize(st))
		statement(st);
	else
		asm_src_cond_broken(st);
	if (st->list_words && st->sect[sect].bytes.len > start)
		asm_line_row(st, sect, start);
	if (st->opt->listing)
		asm_list_line(st, sect, start, st->line.macro != NULL);
}

/* -D NAME or -D NAME=EXPR: a constant defined before the first line. */
static void define(struct asm_state *st, const char *def)
{
	char q[ASM_QUOTE];
	st->line = (struct asm_line){ def, strlen(def), "<command line>", 1, NULL, NULL, 0, 0 };
	st->failed = false;
	if (!asm_tokenize(st))
		return;
	const struct asm_tok *t = &st->toks[0];
	struct asm_value v = { 1, true, true };
	if (t->kind != TK_IDENT || asm_is_reserved(asm_tok_text(st, t), t->len) ||
	    (st->toks[1].kind != TK_EOL && !asm_is_op(&st->toks[1], '='))) {
		asm_error_tok(st, t, "expected NAME or NAME=VALUE, found '%s'", asm_quote(q, def, st->line.len));
		return;
	}
	if (st->toks[1].kind != TK_EOL && !asm_expr_all(st, 2, st->ntoks - 1, &v))
		return;
	int k = asm_sym_find(st, asm_tok_text(st, t), t->len, true);
	struct asm_sym *s = &st->syms[k];
	s->kind = SYM_PREDEF;
	s->value = v.v;
	s->constant = true;
}

static void run_pass(struct asm_state *st, const struct asm_input *in, int nin, int keep)
{
	for (int i = keep; i < st->ndiags; i++)
		asm_diag_free(&st->diags[i]);
	st->ndiags = keep;
	st->nerrors = 0;
	for (int i = 0; i < keep; i++)
		st->nerrors += st->diags[i].severity == ASM_ERROR;
	st->listing.len = 0;
	st->nlrows = 0;
	st->scope = -1;
	asm_begin_pass_sections(st);
	asm_src_begin_pass(st);
	for (int i = 0; i < nin; i++)
		if (asm_src_push_input(st, &in[i]))
			while (asm_src_next(st))
				line(st);
}

static void state_free(struct asm_state *st)
{
	for (int i = 0; i < st->nsyms; i++)
		free(st->syms[i].name);
	free(st->syms);
	asm_map_free(&st->symmap);
	for (int i = 0; i < NSECT; i++)
		free(st->sect[i].bytes.s);
	/* Frames first: a pass that stopped early leaves macro frames open,
	 * and freeing a frame reads its macro. */
	asm_src_free(st);
	asm_macro_free(st);
	free(st->toks);
	free(st->scratch.s);
	free(st->listing.s);
	free(st->lrows);
}

bool asm_assemble(const struct asm_input *in, int nin, const struct asm_options *opt,
                  struct asm_result *res)
{
	static const struct asm_options none;
	struct asm_state st;
	memset(&st, 0, sizeof st);
	memset(res, 0, sizeof *res);
	st.opt = opt ? opt : &none;
	st.scope = st.defining = -1;
	asm_sym_init(&st);
	for (int i = 0; i < st.opt->ndefines; i++)
		define(&st, st.opt->defines[i]);
	int keep = st.ndiags;
	bool settled = false;
	for (st.pass = 1; !settled && st.pass <= ASM_MAX_PASSES; st.pass++) {
		run_pass(&st, in, nin, keep);
		bool moved = asm_settle_sections(&st);
		bool changed = asm_sym_settle(&st);
		settled = st.pass >= 2 && !moved && !changed;
	}
	st.pass--;
	const char *first = nin > 0 ? in[0].name : NULL;
	if (!settled)
		asm_error_file(&st, first, "addresses did not settle after %d passes (does a .org, "
		               ".space or .align depend on a later label?)", ASM_MAX_PASSES);
	else if (st.nerrors == 0)
		asm_check_layout(&st, first);
	if (st.nerrors == 0) {
		asm_build_image(&st, &res->image);
		if (st.opt->listing) {
			sb_put(&st.listing, "", 0);
			res->listing = st.listing.s;
			st.listing.s = NULL;
		}
	}
	res->diags = st.diags;
	res->ndiags = st.ndiags;
	res->nerrors = st.nerrors;
	state_free(&st);
	return res->nerrors == 0;
}

bool asm_assemble_text(const char *name, const char *text, struct asm_result *res)
{
	struct asm_input in = { name, text, strlen(text) };
	return asm_assemble(&in, 1, NULL, res);
}

void asm_result_free(struct asm_result *res)
{
	for (int i = 0; i < res->ndiags; i++)
		asm_diag_free(&res->diags[i]);
	free(res->diags);
	free(res->listing);
	image_free(&res->image);
	memset(res, 0, sizeof *res);
}
