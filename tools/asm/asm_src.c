/*
 * tools/asm/asm_src.c: where the assembler's lines come from.
 * Owns: loading source files (once per run), the stack of files being read
 *       (.include) and macros being expanded (substituting \ARG and \@),
 *       recording macro bodies, and skipping the lines of a false .if.
 * Not:  what a line means (asm_core.c and the rooms it dispatches to); the
 *       .macro and .if directives themselves (asm_macro.c).
 *
 * Every line carries the file and line it was written on, so an error inside
 * an included file or a macro body names where to fix it; an expansion adds a
 * note naming the invocation.
 */
#include "asm_impl.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct asm_file *add_file(struct asm_state *st, const char *path, const char *real,
                                 char *text, size_t len)
{
	asm_grow(&st->files, &st->capfiles, st->nfiles + 1, sizeof *st->files);
	struct asm_file *f = asm_xrealloc(NULL, sizeof *f);
	f->path = asm_xstrndup(path, strlen(path));
	f->real = asm_xstrndup(real, strlen(real));
	f->text = text;
	f->len = len;
	st->files[st->nfiles++] = f;
	return f;
}

static struct asm_file *cached(struct asm_state *st, const char *real)
{
	for (int i = 0; i < st->nfiles; i++)
		if (strcmp(st->files[i]->real, real) == 0)
			return st->files[i];
	return NULL;
}

/* Why load failed when errno cannot say: a file too big to be source (say
 * /dev/zero), or an include that is not a regular file (say /dev/stdin,
 * which would wait for a terminal). */
enum { LOAD_TOO_BIG = -1, LOAD_NOT_REGULAR = -2 }; /* beside errno's positive values */

static const char *load_error(int e)
{
	return e == LOAD_TOO_BIG ? "larger than 64 MiB, not a source file" :
	       e == LOAD_NOT_REGULAR ? "not a regular file" : strerror(e);
}

/* Load the file at path (or find it loaded); NULL with *e set to an errno
 * value, LOAD_TOO_BIG or LOAD_NOT_REGULAR. When regular, only a regular
 * file will do. */
static struct asm_file *load(struct asm_state *st, const char *path, bool regular, int *e)
{
	char real[PATH_MAX];
	struct stat sb;
	*e = 0;
	if (!realpath(path, real)) {
		*e = errno;
		return NULL;
	}
	struct asm_file *f = cached(st, real);
	if (f)
		return f;
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		*e = errno;
		return NULL;
	}
	if (fstat(fileno(fp), &sb) == 0 &&
	    (S_ISDIR(sb.st_mode) || (regular && !S_ISREG(sb.st_mode)))) {
		fclose(fp);
		*e = S_ISDIR(sb.st_mode) ? EISDIR : LOAD_NOT_REGULAR;
		return NULL;
	}
	struct strbuf b = { 0 };
	char buf[65536];
	size_t n;
	while (b.len <= ASM_MAX_SOURCE && (n = fread(buf, 1, sizeof buf, fp)) > 0)
		sb_put(&b, buf, n);
	*e = b.len > ASM_MAX_SOURCE ? LOAD_TOO_BIG : ferror(fp) ? (errno ? errno : EIO) : 0;
	fclose(fp);
	if (*e) {
		free(b.s);
		return NULL;
	}
	return add_file(st, path, real, b.s ? b.s : asm_xstrndup("", 0), b.len);
}

/* The line of the first NUL byte in f, or 0 when there is none: a NUL
 * never appears in text, so the file is binary (an image given by mistake). */
static int binary_line(const struct asm_file *f)
{
	const char *nul = memchr(f->text, 0, f->len);
	int line = 1;
	if (!nul)
		return 0;
	for (const char *p = f->text; p < nul; p++)
		line += *p == '\n';
	return line;
}

static void push_frame(struct asm_state *st, const struct asm_file *f)
{
	asm_grow(&st->frames, &st->capframes, st->nframes + 1, sizeof *st->frames);
	struct asm_frame *fr = &st->frames[st->nframes++];
	memset(fr, 0, sizeof *fr);
	fr->file = f;
	fr->mac = -1;
	fr->nconds = st->nconds;
}

bool asm_src_push_input(struct asm_state *st, const struct asm_input *in)
{
	struct asm_file *f;
	int e, line;
	if (in->text) {
		struct strbuf real = { 0 };
		sb_printf(&real, "\1input %p", (const void *)in->text); /* not a disk file */
		f = cached(st, real.s);
		if (!f)
			f = add_file(st, in->name, real.s, asm_xstrndup(in->text, in->len), in->len);
		free(real.s);
	} else if (!(f = load(st, in->name, false, &e))) {
		asm_error_file(st, in->name, "cannot open: %s", load_error(e));
		return false;
	}
	if ((line = binary_line(f)) != 0) {
		asm_error_file(st, in->name, "binary file (a NUL byte on line %d), not assembly source",
		               line);
		return false;
	}
	push_frame(st, f);
	return true;
}

/* The directory part of path, with its slash ("" if none). */
static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path + 1) : 0;
}

bool asm_src_include(struct asm_state *st, const struct asm_tok *t)
{
	char q[ASM_QUOTE];
	struct strbuf name = { 0 }, path = { 0 };
	asm_string(st, t, &name);
	const char *includer = NULL;
	for (int i = st->nframes - 1; i >= 0 && !includer; i--)
		includer = st->frames[i].file ? st->frames[i].file->path : NULL;
	struct asm_file *f = NULL;
	int e = ENOENT, why, line = 0;
	for (int i = -1; !f && name.len && i < st->opt->ninclude_dirs; i++) {
		path.len = 0;
		if (name.s[0] != '/' && i < 0 && includer)
			sb_put(&path, includer, dir_len(includer));
		else if (name.s[0] != '/' && i >= 0)
			sb_printf(&path, "%s/", st->opt->include_dirs[i]);
		sb_put(&path, name.s, name.len);
		if (memchr(name.s, 0, name.len))
			break;
		f = load(st, path.s, true, &why);
		if (!f && why != ENOENT && why != ENOTDIR)
			e = why;
	}
	bool ok = false;
	asm_quote(q, name.s ? name.s : "", name.len);
	if (!f && e == ENOENT) {
		asm_error_tok(st, t, "cannot find include file '%s'", q);
	} else if (!f) {
		asm_error_tok(st, t, "cannot read include file '%s': %s", q, load_error(e));
	} else if ((line = binary_line(f)) != 0) {
		asm_error_tok(st, t, "include file '%s' is a binary file (a NUL byte on line %d)", q,
		              line);
	} else {
		int depth = 0;
		bool recursive = false;
		for (int i = 0; i < st->nframes; i++)
			if (st->frames[i].file) {
				depth++;
				recursive |= st->frames[i].file == f;
			}
		if (recursive)
			asm_error_tok(st, t, "recursive include of '%s'", q);
		else if (depth >= ASM_MAX_INCLUDE)
			asm_error_tok(st, t, "includes nested too deeply");
		else
			ok = true;
	}
	if (ok)
		push_frame(st, f);
	free(name.s);
	free(path.s);
	return ok;
}

/* The directive that begins a line, if it is one of the words the reader
 * must see even in skipped text and macro bodies. */
const char *asm_src_head(const char *s, size_t n, size_t *at)
{
	static const char *const words[] = { ".if", ".ifdef", ".ifndef", ".else", ".endif",
		                              ".macro", ".endm" };
	size_t i = 0, j;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	for (j = i; j < n && (s[j] == '.' || (s[j] >= 'a' && s[j] <= 'z')); j++)
		;
	if (j < n && !(s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == ';' || s[j] == '#'))
		return NULL;
	*at = i;
	for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
		if (strlen(words[k]) == j - i && !memcmp(words[k], s + i, j - i))
			return words[k];
	return NULL;
}

static void free_frame(struct asm_frame *fr, int nparams)
{
	for (int i = 0; fr->args && i < nparams; i++)
		free(fr->args[i]);
	free(fr->args);
	free(fr->expanded.s);
}

static void pop_frame(struct asm_state *st)
{
	struct asm_frame *fr = &st->frames[st->nframes - 1];
	if (st->defining >= 0 && st->def_frame == st->nframes - 1) {
		struct asm_macro *m = &st->macros[st->defining];
		asm_error_line(st, &m->def, m->def_off, (uint32_t)strlen(m->name),
		               "unterminated macro '%s' (no .endm)", m->name);
		st->defining = -1;
	}
	while (st->nconds > fr->nconds) {
		struct asm_cond *c = &st->conds[--st->nconds];
		asm_error_line(st, &c->where, c->off, c->len, "unterminated '%.*s' (no .endif)",
		               (int)c->len, c->where.text + c->off);
		free((char *)c->where.text);
	}
	free_frame(fr, fr->mac >= 0 ? st->macros[fr->mac].nparams : 0);
	st->nframes--;
}

/* Expand a body line of the macro of frame fr into fr->expanded; false if
 * it grew too long (arguments doubled at each level of a recursion would
 * otherwise grow without bound before the depth limit stops them). */
static bool expand(const struct asm_state *st, struct asm_frame *fr, const struct asm_line *l)
{
	const struct asm_macro *m = &st->macros[fr->mac];
	fr->expanded.len = 0;
	sb_put(&fr->expanded, "", 0);
	for (size_t i = 0; i < l->len; i++) {
		if (fr->expanded.len > ASM_MAX_LINE)
			return false;
		if (l->text[i] != '\\' || i + 1 >= l->len) {
			sb_putc(&fr->expanded, l->text[i]);
			continue;
		}
		if (l->text[i + 1] == '@') {
			sb_printf(&fr->expanded, "%u", fr->uid);
			i++;
			continue;
		}
		size_t j = i + 1;
		while (j < l->len && ((l->text[j] >= 'a' && l->text[j] <= 'z') ||
		                      (l->text[j] >= 'A' && l->text[j] <= 'Z') ||
		                      (l->text[j] >= '0' && l->text[j] <= '9') || l->text[j] == '_'))
			j++;
		int p = m->nparams;
		while (--p >= 0)
			if (strlen(m->params[p]) == j - i - 1 && !memcmp(m->params[p], l->text + i + 1, j - i - 1))
				break;
		if (p < 0) {
			sb_putc(&fr->expanded, '\\');
			continue;
		}
		sb_put(&fr->expanded, fr->args[p], strlen(fr->args[p]));
		i = j - 1;
	}
	return fr->expanded.len <= ASM_MAX_LINE;
}

/* A line read while skipping or recording a macro body; true if consumed. */
static bool consume(struct asm_state *st)
{
	size_t at;
	const char *w = asm_src_head(st->line.text, st->line.len, &at);
	if (st->defining >= 0) {
		struct asm_macro *m = &st->macros[st->defining];
		if (w && !strcmp(w, ".endm")) {
			st->defining = -1;
		} else {
			asm_grow(&m->body, &m->capbody, m->nbody + 1, sizeof *m->body);
			struct asm_line *l = &m->body[m->nbody++];
			*l = st->line;
			l->text = asm_xstrndup(st->line.text, st->line.len);
		}
		return true;
	}
	if (st->nconds == 0 || st->conds[st->nconds - 1].active)
		return false;
	if (w && !strncmp(w, ".if", 3)) {
		asm_grow(&st->conds, &st->capconds, st->nconds + 1, sizeof *st->conds);
		struct asm_cond *c = &st->conds[st->nconds++];
		memset(c, 0, sizeof *c);
		c->where = st->line;
		c->where.text = asm_xstrndup(st->line.text, st->line.len);
		c->off = (uint32_t)at;
		c->len = (uint32_t)strlen(w);
	} else if (w && (!strcmp(w, ".else") || !strcmp(w, ".endif")) && asm_tokenize(st)) {
		asm_src_cond(st, &st->toks[0], 1);
	}
	return true;
}

/* Stop reading: the pass ends here, with a note (counted once) on why. */
static void stop(struct asm_state *st, const char *why)
{
	if (!st->stopped)
		asm_note_at(st, st->line.fname, 0, 0, "%s", why);
	st->stopped = true;
}

bool asm_src_next(struct asm_state *st)
{
	while (st->nframes > 0) {
		struct asm_frame *fr = &st->frames[st->nframes - 1];
		if (st->nerrors >= ASM_MAX_ERRORS)
			stop(st, "stopping after 100 errors");
		if (st->stopped)
			return false;
		if (fr->file) {
			const struct asm_file *f = fr->file;
			if (fr->pos >= f->len) {
				pop_frame(st);
				continue;
			}
			const char *s = f->text + fr->pos;
			const char *nl = memchr(s, '\n', f->len - fr->pos);
			size_t n = nl ? (size_t)(nl - s) : f->len - fr->pos;
			fr->pos += n + 1;
			st->line = (struct asm_line){ s, n, f->path, ++fr->lineno, NULL, NULL, 0, 0 };
		} else {
			const struct asm_macro *m = &st->macros[fr->mac];
			if (fr->next >= m->nbody) {
				pop_frame(st);
				continue;
			}
			const struct asm_line *l = &m->body[fr->next++];
			if (++st->expanded > ASM_MAX_EXPANDED) {
				/* Name the outermost expansion: the line the user wrote. */
				int outer = 0;
				while (st->frames[outer].mac < 0)
					outer++;
				const struct asm_line *inv = &st->frames[outer].inv;
				asm_error_pos(st, inv->inv_fname, inv->inv_line, inv->inv_col,
				              "macro '%s' expands to more than %d lines (does it call "
				              "itself?)", inv->macro, ASM_MAX_EXPANDED);
				st->stopped = true;
				return false;
			}
			bool fits = expand(st, fr, l);
			st->line = fr->inv;
			st->line.text = fits ? fr->expanded.s : l->text;
			st->line.len = fits ? fr->expanded.len : l->len;
			st->line.fname = l->fname;
			st->line.lineno = l->lineno;
			st->failed = false;
			if (!fits) {
				asm_error_at(st, 0, (uint32_t)l->len, "expansion of macro '%s' is longer than "
				             "%d bytes", m->name, ASM_MAX_LINE);
				continue;
			}
		}
		st->failed = false;
		if (!consume(st))
			return true;
	}
	return false;
}

void asm_src_begin_pass(struct asm_state *st)
{
	while (st->nframes > 0) {
		struct asm_frame *fr = &st->frames[--st->nframes];
		free_frame(fr, fr->mac >= 0 ? st->macros[fr->mac].nparams : 0);
	}
	while (st->nconds > 0)
		free((char *)st->conds[--st->nconds].where.text);
	st->defining = -1;
	st->uid = 0;
	st->expanded = 0;
	st->stopped = false;
}

void asm_src_free(struct asm_state *st)
{
	asm_src_begin_pass(st);
	for (int i = 0; i < st->nfiles; i++) {
		free(st->files[i]->path);
		free(st->files[i]->real);
		free(st->files[i]->text);
		free(st->files[i]);
	}
	free(st->files);
	free(st->frames);
	free(st->conds);
}
