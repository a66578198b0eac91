/*
 * tools/dis/dis_image.c: a whole image as assembler source; "trapeze dis".
 * Owns: writing an image as source that re-assembles to the same bytes at
 *       the same addresses: sections with .org, a label for each symbol,
 *       instructions, data as .word/.byte/.ascii/.space, and "; address:
 *       word" comments; the dis command, which prints it.
 * Not:  one instruction (tools/dis/dis.c); reading ELF (tools/image/image.c).
 *
 * The guarantee holds for images the assembler makes (at most one .text and
 * one .data segment). A foreign image with more segments is still printed,
 * but gaps between two segments of one section come back as zero bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "exitcode.h"
#include "dis.h"
#include "image.h"

/* The symbols worth printing: writable names, each name once, by address. */
struct syms {
	struct image_sym *v;
	int n;
	bool *placed;
};

static int by_name(const void *a, const void *b)
{
	const struct image_sym *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->addr > y->addr) - (x->addr < y->addr);
}

static int by_addr(const void *a, const void *b)
{
	const struct image_sym *x = a, *y = b;
	return x->addr != y->addr ? (x->addr > y->addr) - (x->addr < y->addr) : strcmp(x->name, y->name);
}

static void usable(const struct image *img, struct syms *s)
{
	s->v = calloc((size_t)img->nsyms + 1, sizeof *s->v);
	s->placed = calloc((size_t)img->nsyms + 1, sizeof *s->placed);
	s->n = 0;
	if (!s->v || !s->placed)
		return;
	for (int i = 0; i < img->nsyms; i++)
		if (dis_name_ok(img->syms[i].name))
			s->v[s->n++] = img->syms[i];
	qsort(s->v, (size_t)s->n, sizeof *s->v, by_name);
	int k = 0;
	for (int i = 0; i < s->n; i++)
		if (k == 0 || strcmp(s->v[k - 1].name, s->v[i].name))
			s->v[k++] = s->v[i];
	s->n = k;
	qsort(s->v, (size_t)s->n, sizeof *s->v, by_addr);
}

static bool is_text(const struct image_seg *g)
{
	return strcmp(g->name, ".text") == 0 && g->addr % 4 == 0;
}

/* Print the labels at addr; the first symbol index not below it. */
static int labels(FILE *o, struct syms *s, int k, uint32_t addr)
{
	while (k < s->n && s->v[k].addr < addr)
		k++;
	for (; k < s->n && s->v[k].addr == addr; k++) {
		if (!s->placed[k])
			fprintf(o, "%s:\n", s->v[k].name);
		s->placed[k] = true;
	}
	return k;
}

/* The address of the next symbol after addr, or end. */
static uint64_t next_label(const struct syms *s, int k, uint32_t addr, uint64_t end)
{
	while (k < s->n && s->v[k].addr <= addr)
		k++;
	return k < s->n && s->v[k].addr < end ? s->v[k].addr : end;
}

static void line(FILE *o, const char *text, uint32_t addr, const uint8_t *b, size_t n)
{
	fprintf(o, "\t%-40s ; 0x%08x:", text, addr);
	for (size_t i = 0; i < n && i < 8; i++)
		fprintf(o, " %02x", b[i]);
	fprintf(o, "\n");
}

static bool printable(uint8_t c) { return (c >= 0x20 && c < 0x7F) || c == '\n' || c == '\t'; }

/* A run of at least 4 printable bytes at b: .ascii, or .asciz when a NUL
 * ends it; the bytes used, or 0. */
static size_t string(FILE *o, const uint8_t *b, size_t n, uint32_t addr)
{
	size_t run = 0;
	while (run < n && run < 48 && printable(b[run]))
		run++;
	if (run < 4)
		return 0;
	bool nul = run < n && b[run] == 0;
	char text[256] = ".asciz \"";
	if (!nul)
		memcpy(text, ".ascii \"", 8);
	size_t j = 8;
	for (size_t i = 0; i < run; i++) {
		uint8_t c = b[i];
		if (c == '"' || c == '\\')
			j += (size_t)snprintf(text + j, sizeof text - j, "\\%c", c);
		else if (c == '\n' || c == '\t')
			j += (size_t)snprintf(text + j, sizeof text - j, "\\%c", c == '\n' ? 'n' : 't');
		else
			text[j++] = (char)c;
	}
	snprintf(text + j, sizeof text - j, "\"");
	line(o, text, addr, b, run + nul);
	return run + nul;
}

static void data(FILE *o, const struct image_seg *g, struct syms *s)
{
	char text[64];
	uint64_t end = (uint64_t)g->addr + g->size;
	int k = 0;
	for (uint64_t a = g->addr; a < end;) {
		k = labels(o, s, k, (uint32_t)a);
		const uint8_t *b = g->data + (a - g->addr);
		size_t room = (size_t)(next_label(s, k, (uint32_t)a, end) - a), n = 0, used;
		while (n < room && b[n] == 0)
			n++;
		if (n >= 16) {
			snprintf(text, sizeof text, ".space %zu", n);
			line(o, text, (uint32_t)a, b, 0);
			used = n;
		} else if ((used = string(o, b, room, (uint32_t)a)) > 0) {
		} else if (a % 4 == 0 && room >= 4) {
			snprintf(text, sizeof text, ".word 0x%02x%02x%02x%02x", b[3], b[2], b[1], b[0]);
			line(o, text, (uint32_t)a, b, 4);
			used = 4;
		} else {
			int j = snprintf(text, sizeof text, ".byte 0x%02x", b[0]);
			for (used = 1; used < room && (a + used) % 4 && used < 4; used++)
				j += snprintf(text + j, sizeof text - (size_t)j, ", 0x%02x", b[used]);
			line(o, text, (uint32_t)a, b, used);
		}
		a += used;
	}
	labels(o, s, k, (uint32_t)end);
}

static void code(FILE *o, const struct image_seg *g, struct syms *s, const struct image *view)
{
	char buf[128];
	int k = 0;
	uint32_t a = g->addr, words = g->size / 4;
	for (uint32_t i = 0; i < words; i++, a += 4) {
		const uint8_t *b = g->data + 4 * (size_t)i;
		uint32_t w = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
		             (uint32_t)b[3] << 24;
		k = labels(o, s, k, a);
		uint32_t zeros = dis_zero_words(b, words - i, (uint32_t)((next_label(s, k, a,
		                                (uint64_t)g->addr + 4 * (uint64_t)words) - a) / 4));
		if (zeros >= DIS_ZERO_RUN) {
			/* A gap (an .org, a .space): one line, as objdump's "...". */
			snprintf(buf, sizeof buf, ".space %u", zeros * 4);
			fprintf(o, "\t%-40s ; 0x%08x: %u zero words, to 0x%08x\n", buf, a, zeros,
				a + zeros * 4);
			i += zeros - 1;
			a += (zeros - 1) * 4;
			continue;
		}
		dis_insn(w, a, view, buf, sizeof buf);
		fprintf(o, "\t%-40s ; 0x%08x: %08x\n", buf, a, w);
	}
	for (uint32_t i = words * 4; i < g->size; i++, a++) {
		k = labels(o, s, k, a);
		snprintf(buf, sizeof buf, ".byte 0x%02x", g->data[i]);
		line(o, buf, a, g->data + i, 1);
	}
	labels(o, s, k, (uint32_t)((uint64_t)g->addr + g->size));
}

/* Symbols no label will carry (between instructions, outside every
 * segment) become equates, so every name a branch may print is defined. */
static void equates(FILE *o, const struct image *img, struct syms *s)
{
	for (int i = 0; i < s->n; i++) {
		uint32_t a = s->v[i].addr;
		bool placeable = false;
		for (int j = 0; j < img->nsegs && !placeable; j++) {
			const struct image_seg *g = &img->segs[j];
			uint64_t off = (uint64_t)a - g->addr;
			if (g->size == 0 || a < g->addr || off > g->size) /* empty: not printed */
				continue;
			placeable = !is_text(g) || off % 4 == 0 || off >= g->size / 4 * 4;
		}
		if (!placeable) {
			fprintf(o, "%s = 0x%08x\n", s->v[i].name, a);
			s->placed[i] = true;
		}
	}
}

static void usage(FILE *f) { fprintf(f, "usage: trapeze dis IMAGE\n"); }

char *dis_image(const struct image *img, const char *title)
{
	char *text = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&text, &len);
	struct syms s;
	if (!o)
		return NULL;
	usable(img, &s);
	struct image view = *img;
	view.syms = s.v;
	view.nsyms = s.n;
	fprintf(o, "; trapeze dis %s\n; entry 0x%08x\n", title ? title : "", img->entry);
	equates(o, img, &s);
	for (int pass = 0; pass < 2; pass++) {
		bool first = true;
		for (int i = 0; i < img->nsegs; i++) {
			const struct image_seg *g = &img->segs[i];
			if (is_text(g) != (pass == 0) || g->size == 0)
				continue;
			if (first)
				fprintf(o, "\n\t%s\n", pass == 0 ? ".text" : ".data");
			fprintf(o, "\t.org 0x%08x\n", g->addr);
			if (pass == 0)
				code(o, g, &s, &view);
			else
				data(o, g, &s);
			first = false;
		}
	}
	free(s.v);
	free(s.placed);
	if (fclose(o) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* A usage error: what is wrong, then the usage line; exit status 2. */
static int bad_usage(const char *fmt, const char *what)
{
	fputs("trapeze: dis: error: ", stderr);
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	usage(stderr);
	return EXIT_USAGE;
}

int cmd_dis(int argc, char **argv)
{
	char err[512];
	struct image img;
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		printf("Print IMAGE (an ELF file from 'trapeze asm') as assembler source that\n"
		       "re-assembles to the same bytes at the same addresses. A run of zero words\n"
		       "is one .space line. Exit status: 0 done; 1 IMAGE cannot be read or is not\n"
		       "an image; 2 a usage error; 120 the output cannot be written.\n");
		return EXIT_OK;
	}
	if (argc < 2)
		return bad_usage("no IMAGE given%s", "");
	if (argv[1][0] == '-')
		return bad_usage("unknown option '%s'", argv[1]);
	if (argc > 2)
		return bad_usage("one IMAGE only: '%s' too", argv[2]);
	if (!image_read(argv[1], &img, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return EXIT_INPUT;
	}
	char *text = dis_image(&img, argv[1]);
	image_free(&img);
	if (!text) {
		fprintf(stderr, "trapeze: dis: error: out of memory\n");
		return EXIT_HOST;
	}
	fputs(text, stdout);
	free(text);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "trapeze: dis: error: cannot write the output: %s\n", strerror(errno));
		return EXIT_HOST;
	}
	return EXIT_OK;
}
