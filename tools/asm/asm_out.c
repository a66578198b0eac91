/*
 * tools/asm/asm_out.c: the assembler's sections and what comes out of them.
 * Owns: the .text and .data sections (start address, bytes, the location
 *       counter), placing .data after .text, the listing, and turning the
 *       final pass into a struct image.
 * Not:  ELF files (tools/image/image_write.c); what a statement emits (the rooms
 *       that parse it).
 */
#include "asm_impl.h"

#include <stdlib.h>
#include <string.h>

uint32_t asm_here(const struct asm_state *st)
{
	const struct asm_section *s = &st->sect[st->cur];
	return s->base + (uint32_t)s->bytes.len;
}

bool asm_room(struct asm_state *st, uint64_t n, uint32_t off, uint32_t len)
{
	const struct asm_section *s = &st->sect[st->cur];
	if (s->bytes.len + n > ASM_MAX_SECTION) {
		asm_error_at(st, off, len, "section %s would grow beyond %d bytes", s->name,
		             ASM_MAX_SECTION);
		return false;
	}
	if (s->base + s->bytes.len + n > UINT64_C(0x100000000)) {
		asm_error_at(st, off, len, "section %s would run past address 0xffffffff", s->name);
		return false;
	}
	return true;
}

void asm_emit(struct asm_state *st, const void *p, size_t n)
{
	sb_put(&st->sect[st->cur].bytes, p, n);
}

void asm_emit_word(struct asm_state *st, uint32_t w)
{
	uint8_t b[4] = { (uint8_t)w, (uint8_t)(w >> 8), (uint8_t)(w >> 16), (uint8_t)(w >> 24) };
	asm_emit(st, b, 4);
}

void asm_begin_pass_sections(struct asm_state *st)
{
	static const char *const names[NSECT] = { ".text", ".data" };
	for (int i = 0; i < NSECT; i++) {
		struct asm_section *s = &st->sect[i];
		s->name = names[i];
		s->bytes.len = 0;
		s->base_at_start = s->base;
		s->base_set = false;
	}
	st->cur = SECT_TEXT;
}

bool asm_settle_sections(struct asm_state *st)
{
	struct asm_section *text = &st->sect[SECT_TEXT], *data = &st->sect[SECT_DATA];
	if (!text->base_set)
		text->base = 0;
	if (!data->base_set) /* .data follows .text, aligned to 16 */
		data->base = (uint32_t)((text->base + (uint64_t)text->bytes.len + 15) & ~(uint64_t)15);
	return text->base != text->base_at_start || data->base != data->base_at_start;
}

bool asm_check_layout(struct asm_state *st, const char *fname)
{
	const struct asm_section *a = &st->sect[SECT_TEXT], *b = &st->sect[SECT_DATA];
	uint64_t aend = a->base + (uint64_t)a->bytes.len, bend = b->base + (uint64_t)b->bytes.len;
	if (a->bytes.len && b->bytes.len && a->base < bend && b->base < aend) {
		asm_error_file(st, fname, "sections .text (0x%08x..0x%08llx) and .data "
		               "(0x%08x..0x%08llx) overlap", a->base, (unsigned long long)aend - 1,
		               b->base, (unsigned long long)bend - 1);
		return false;
	}
	return true;
}

/* Listing: "address  words or bytes  source"; at most four lines of data
 * per statement. marked: a line of a macro expansion. */
void asm_list_line(struct asm_state *st, int sect, size_t start, bool marked)
{
	const struct asm_section *s = &st->sect[sect];
	/* An empty section has no buffer yet: NULL + 0 is undefined in C. */
	const uint8_t *b = s->bytes.s ? (const uint8_t *)s->bytes.s + start : NULL;
	size_t n = s->bytes.len > start ? s->bytes.len - start : 0, at = 0;
	size_t per = st->list_words ? 12 : 8;
	struct strbuf src = { 0 }, field = { 0 };
	asm_display_line(&src, st->line.text, st->line.len);
	for (int lines = 0; lines == 0 || at < n; lines++) {
		if (lines == 4) {
			sb_printf(&st->listing, "%8s  ...\n", "");
			break;
		}
		size_t first = at;
		field.len = 0;
		sb_put(&field, "", 0);
		for (size_t k = 0; at < n && k < per;) {
			if (st->list_words && at + 4 <= n) {
				sb_printf(&field, "%s%02x%02x%02x%02x", k ? " " : "", b[at + 3], b[at + 2],
				          b[at + 1], b[at]);
				at += 4;
				k += 4;
			} else {
				sb_printf(&field, "%s%02x", k ? " " : "", b[at]);
				at++;
				k++;
			}
		}
		if (n)
			sb_printf(&st->listing, "%08x  %-26s", s->base + (uint32_t)(start + first), field.s);
		else
			sb_printf(&st->listing, "%8s  %-26s", "", "");
		if (lines == 0)
			sb_printf(&st->listing, "%s%s", marked ? "+ " : "  ", src.s ? src.s : "");
		while (st->listing.len && st->listing.s[st->listing.len - 1] == ' ')
			st->listing.len--;
		sb_putc(&st->listing, '\n');
	}
	free(field.s);
	free(src.s);
}

void asm_line_row(struct asm_state *st, int sect, size_t start)
{
	const struct asm_section *s = &st->sect[sect];
	const struct asm_line *l = &st->line;

	if (st->nlrows == st->caplrows) {
		st->caplrows = st->caplrows ? st->caplrows * 2 : 256;
		st->lrows = asm_xrealloc(st->lrows, (size_t)st->caplrows * sizeof *st->lrows);
	}
	st->lrows[st->nlrows++] = (struct asm_lrow){
		s->base + (uint32_t)start, s->base + (uint32_t)s->bytes.len,
		l->macro && l->inv_fname ? l->inv_fname : l->fname,
		l->macro && l->inv_fname ? l->inv_line : l->lineno,
	};
}

static int by_row_addr(const void *a, const void *b)
{
	const struct image_line *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The image's line table from this pass's rows: each file named once. */
static void build_lines(struct asm_state *st, struct image *img)
{
	img->lines = asm_xrealloc(NULL, ((size_t)st->nlrows + 1) * sizeof *img->lines);
	img->files = asm_xrealloc(NULL, ((size_t)st->nlrows + 1) * sizeof *img->files);
	for (int i = 0; i < st->nlrows; i++) {
		const struct asm_lrow *r = &st->lrows[i];
		int f = img->nfiles;
		if (!r->fname || r->line <= 0)
			continue;
		while (f > 0 && strcmp(img->files[f - 1], r->fname))
			f--;
		if (f == 0) {
			img->files[img->nfiles] = asm_xstrndup(r->fname, strlen(r->fname));
			f = ++img->nfiles;
		}
		img->lines[img->nlines++] = (struct image_line){ r->addr, r->end, (uint16_t)(f - 1),
								 (uint32_t)r->line };
	}
	qsort(img->lines, (size_t)img->nlines, sizeof *img->lines, by_row_addr);
}

bool asm_build_image(struct asm_state *st, struct image *img)
{
	memset(img, 0, sizeof *img);
	img->segs = asm_xrealloc(NULL, NSECT * sizeof *img->segs);
	for (int i = 0; i < NSECT; i++) {
		const struct asm_section *s = &st->sect[i];
		struct image_seg *g = &img->segs[img->nsegs++];
		g->addr = s->base;
		g->size = (uint32_t)s->bytes.len;
		g->data = asm_xrealloc(NULL, s->bytes.len);
		if (s->bytes.len)
			memcpy(g->data, s->bytes.s, s->bytes.len);
		g->name = asm_xstrndup(s->name, strlen(s->name));
	}
	img->syms = asm_xrealloc(NULL, (size_t)st->nsyms * sizeof *img->syms);
	img->entry = st->sect[SECT_TEXT].base;
	for (int i = 0; i < st->nsyms; i++) {
		const struct asm_sym *s = &st->syms[i];
		bool defined = s->def_pass == st->pass && !s->hidden;
		if (defined && !strcmp(s->name, "_start"))
			img->entry = (uint32_t)asm_sym_value(st, s);
		if (!defined || s->kind != SYM_LABEL)
			continue;
		struct image_sym *y = &img->syms[img->nsyms++];
		y->name = asm_xstrndup(s->name, strlen(s->name));
		y->addr = (uint32_t)asm_sym_value(st, s);
		y->is_global = s->global;
	}
	build_lines(st, img);
	return true;
}
