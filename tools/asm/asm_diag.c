/*
 * tools/asm/asm_diag.c: the assembler's diagnostics.
 * Owns: recording errors and notes with their position and source line,
 *       formatting them in GNU form, and "did you mean" suggestions.
 * Not:  printing them (tools/asm/asm_cmd.c prints; this library never does).
 *
 *   prog.s:12:9: error: unknown mnemonic 'ad'
 *      12 | loop:   ad r1, r2, r3
 *         |         ^~
 *   prog.s:12:9: note: did you mean 'add'?
 *
 * Columns are 1-based and count tab stops every 8 columns, as the GNU Coding
 * Standards ask; the source line is shown with its tabs expanded, so the
 * caret lands under the token in any terminal.
 */
#include "asm_impl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The bytes of one displayed character at s[i]: a whole valid UTF-8
 * sequence, or 1. */
static size_t unit(const char *s, size_t n, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	size_t k = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 1;
	if (c < 0xC2 || c > 0xF4 || i + k > n)
		return 1;
	for (size_t j = 1; j < k; j++)
		if (((unsigned char)s[i + j] & 0xC0) != 0x80)
			return 1;
	return k;
}

void asm_display_line(struct strbuf *out, const char *s, size_t n)
{
	int col = 0;
	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	for (size_t i = 0; i < n;) {
		size_t k = unit(s, n, i);
		unsigned char c = (unsigned char)s[i];
		if (c == '\t') {
			do
				sb_putc(out, ' ');
			while (++col % 8);
		} else {
			if (k > 1)
				sb_put(out, s + i, k);
			else
				sb_putc(out, c < 0x20 || c >= 0x7F ? '?' : (char)c);
			col++;
		}
		i += k;
	}
}

static int column_in(const char *s, size_t n, size_t off)
{
	int col = 0;
	for (size_t i = 0; i < off && i < n;) {
		col = s[i] == '\t' ? (col / 8 + 1) * 8 : col + 1;
		i += unit(s, n, i);
	}
	if (off > n)
		col += (int)(off - n);
	return col + 1;
}

int asm_column_in(const struct asm_line *l, uint32_t off)
{
	return column_in(l->text, l->len, off);
}

int asm_column(const struct asm_state *st, uint32_t off)
{
	return column_in(st->line.text, st->line.len, off);
}

const char *asm_quote(char *buf, const char *s, size_t n)
{
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (j + 8 >= ASM_QUOTE) {
			memcpy(buf + j, "...", 4);
			return buf;
		}
		if (c >= 0x20 && c < 0x7F)
			buf[j++] = (char)c;
		else
			j += (size_t)snprintf(buf + j, ASM_QUOTE - j, "\\x%02x", c);
	}
	buf[j] = 0;
	return buf;
}

/* Where the file fname, being read now, was included from: GNU's lines,
 * innermost first ("In file included from b.s:2,\n                 from
 * a.s:7:\n"), or NULL when it is a top-level source or not being read. */
static char *included_from(const struct asm_state *st, const char *fname)
{
	struct strbuf b = { 0 };
	int i = st->nframes - 1;

	if (!fname)
		return NULL;
	while (i >= 0 && !(st->frames[i].file && !strcmp(st->frames[i].file->path, fname)))
		i--;
	for (int j = i - 1; i >= 0 && j >= 0; j--) {
		const struct asm_frame *f = &st->frames[j];
		if (!f->file)
			continue; /* a macro expanded there: its file's line is the one */
		sb_printf(&b, "%s %s:%d", b.len ? ",\n                 from" : "In file included from",
			  f->file->path, f->lineno);
	}
	if (!b.len)
		return NULL;
	sb_put(&b, ":\n", 3);
	return b.s;
}

void asm_diag_free(struct asm_diag *d)
{
	free(d->file);
	free(d->message);
	free(d->source);
	free(d->included_from);
}

static void add(struct asm_state *st, enum asm_severity sev, const char *fname, int line,
                int col, int width, char *source, const char *fmt, va_list ap)
{
	struct strbuf msg = { 0 };
	char small[512];
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(small, sizeof small, fmt, aq);
	va_end(aq);
	if (n >= 0 && (size_t)n < sizeof small) {
		sb_put(&msg, small, (size_t)n);
	} else if (n >= 0) {
		char *big = asm_xrealloc(NULL, (size_t)n + 1);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		sb_put(&msg, big, (size_t)n);
		free(big);
	}
	asm_grow(&st->diags, &st->capdiags, st->ndiags + 1, sizeof *st->diags);
	st->diags[st->ndiags++] = (struct asm_diag){
		sev, fname ? asm_xstrndup(fname, strlen(fname)) : NULL, line, col,
		width < 1 ? 1 : width, msg.s ? msg.s : asm_xstrndup("", 0), source,
		sev == ASM_ERROR ? included_from(st, fname) : NULL };
	if (sev == ASM_ERROR)
		st->nerrors++;
}

static void error_line(struct asm_state *st, const struct asm_line *l, uint32_t off,
                       uint32_t len, const char *fmt, va_list ap)
{
	struct strbuf src = { 0 };
	asm_display_line(&src, l->text, l->len);
	int col = column_in(l->text, l->len, off);
	int width = column_in(l->text, l->len, (size_t)off + len) - col;
	add(st, ASM_ERROR, l->fname, l->lineno, col, width,
	    src.s ? src.s : asm_xstrndup("", 0), fmt, ap);
	if (l->macro)
		asm_note_at(st, l->inv_fname, l->inv_line, l->inv_col, "in expansion of macro '%s'",
		            l->macro);
}

void asm_error_at(struct asm_state *st, uint32_t off, uint32_t len, const char *fmt, ...)
{
	va_list ap;
	if (st->failed) /* one error per line: the first is the one to fix */
		return;
	st->failed = true;
	va_start(ap, fmt);
	error_line(st, &st->line, off, len, fmt, ap);
	va_end(ap);
}

void asm_error_tok(struct asm_state *st, const struct asm_tok *t, const char *fmt, ...)
{
	va_list ap;
	if (st->failed)
		return;
	st->failed = true;
	va_start(ap, fmt);
	error_line(st, &st->line, t->off, t->len, fmt, ap);
	va_end(ap);
}

void asm_error_line(struct asm_state *st, const struct asm_line *l, uint32_t off, uint32_t len,
                    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_line(st, l, off, len, fmt, ap);
	va_end(ap);
}

void asm_note_at(struct asm_state *st, const char *fname, int line, int col,
                 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(st, ASM_NOTE, fname, line, col, 1, NULL, fmt, ap);
	va_end(ap);
}

void asm_error_pos(struct asm_state *st, const char *fname, int line, int col,
                   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(st, ASM_ERROR, fname, line, col, 1, NULL, fmt, ap);
	va_end(ap);
}

void asm_error_file(struct asm_state *st, const char *fname, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(st, ASM_ERROR, fname, 0, 0, 1, NULL, fmt, ap);
	va_end(ap);
}

/* Optimal string alignment distance, ignoring case; words are short. */
static int distance(const char *a, size_t n, const char *b, size_t m)
{
	int d[33][33];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			int v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[n][m];
}

const char *asm_nearest(const char *word, size_t n, const char *const *cands, int ncands)
{
	const char *best = NULL;
	/* a near miss shares most of its letters: a one-letter word must differ
	 * only in case, a short one by one edit, a longer one by two */
	int limit = n < 2 ? 0 : n < 6 ? 1 : 2, bestd = limit + 1;
	if (n == 0 || n > 32)
		return NULL;
	for (int i = 0; i < ncands; i++) {
		size_t m = strlen(cands[i]);
		if (m > 32 || (m == n && !memcmp(cands[i], word, n)))
			continue;
		int d = distance(word, n, cands[i], m);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	return best;
}

void asm_suggest(struct asm_state *st, uint32_t off, const char *word, size_t n,
                 const char *const *cands, int ncands)
{
	const char *s = asm_nearest(word, n, cands, ncands);
	if (s)
		asm_note_at(st, st->line.fname, st->line.lineno, asm_column(st, off),
		            "did you mean '%s'?", s);
}

char *asm_diag_format(const struct asm_diag *d)
{
	struct strbuf b = { 0 };
	const char *sev = d->severity == ASM_ERROR ? "error" : "note";
	if (d->included_from)
		sb_printf(&b, "%s", d->included_from);
	if (d->file && d->line > 0)
		sb_printf(&b, "%s:%d:%d: %s: %s\n", d->file, d->line, d->col, sev, d->message);
	else if (d->file)
		sb_printf(&b, "%s: %s: %s\n", d->file, sev, d->message);
	else
		sb_printf(&b, "%s: %s\n", sev, d->message);
	if (d->source && d->line > 0) {
		sb_printf(&b, "%5d | %s\n", d->line, d->source);
		sb_printf(&b, "%5s | %*s^", "", d->col - 1, "");
		for (int i = 1; i < d->width; i++)
			sb_putc(&b, '~');
		sb_putc(&b, '\n');
	}
	return b.s;
}

char *asm_diags_text(const struct asm_result *res)
{
	struct strbuf b = { 0 };
	sb_put(&b, "", 0);
	for (int i = 0; i < res->ndiags; i++) {
		char *s = asm_diag_format(&res->diags[i]);
		sb_put(&b, s, strlen(s));
		free(s);
	}
	return b.s;
}
