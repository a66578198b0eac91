/*
 * tools/image/image_lines.c: an image's line table, as DWARF's .debug_line.
 * Owns: encoding the rows the assembler records (each instruction's address,
 *       source file and line) as a .debug_line section, decoding one back
 *       (ours, or another tool's of versions 2 to 4), and finding the row of
 *       an address.
 * Not:  the rest of the ELF file (image_write.c, image.c).
 * Implements: DWARF 3 (dwarf.org, DWARF Debugging Information Format
 *       version 3, section 6.2 "Line Number Information"): a header (the
 *       opcodes' parameters, the file names), then a line number program run
 *       by a state machine (address, file, line) whose rows are the table.
 *       readelf --debug-dump=line and objdump --dwarf=decodedline read it.
 *
 * We write the plain opcodes only (set_address, advance_pc, advance_line,
 * set_file, copy, end_sequence): one row an instruction, a sequence for
 * each run of adjacent instructions. The decoder takes the special opcodes
 * too. A table that breaks its own bounds is refused, as a bad symbol table
 * is: the file is untrusted input.
 */
#include "image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	LINE_BASE = -5, LINE_RANGE = 14, OPCODE_BASE = 13,
	MAX_ROWS = 1u << 20, MAX_FILES = 4096,
	/* standard opcodes */
	DW_LNS_copy = 1, DW_LNS_advance_pc, DW_LNS_advance_line, DW_LNS_set_file,
	DW_LNS_set_column, DW_LNS_negate_stmt, DW_LNS_set_basic_block, DW_LNS_const_add_pc,
	DW_LNS_fixed_advance_pc,
	/* extended opcodes */
	DW_LNE_end_sequence = 1, DW_LNE_set_address, DW_LNE_define_file,
};

/* ---- writing ------------------------------------------------------------ */

struct buf {
	uint8_t *b;
	size_t n, cap;
	bool oom;
};

static void put_bytes(struct buf *o, const void *p, size_t n)
{
	if (o->oom)
		return;
	if (o->n + n > o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 1024;
		while (cap < o->n + n)
			cap *= 2;
		uint8_t *b = realloc(o->b, cap);
		if (!b) {
			o->oom = true;
			return;
		}
		o->b = b;
		o->cap = cap;
	}
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

static void put8(struct buf *o, uint8_t v) { put_bytes(o, &v, 1); }

static void put32le(struct buf *o, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	put_bytes(o, b, 4);
}

static void set32le(struct buf *o, size_t at, uint32_t v)
{
	if (!o->oom)
		for (int i = 0; i < 4; i++)
			o->b[at + i] = (uint8_t)(v >> (8 * i));
}

static void put_uleb(struct buf *o, uint64_t v)
{
	do {
		uint8_t b = v & 0x7F;
		v >>= 7;
		put8(o, (uint8_t)(b | (v ? 0x80 : 0)));
	} while (v);
}

static void put_sleb(struct buf *o, int64_t v)
{
	for (;;) {
		uint8_t b = v & 0x7F;
		v >>= 7; /* arithmetic: the sign stays */
		if ((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40))) {
			put8(o, b);
			return;
		}
		put8(o, b | 0x80);
	}
}

bool image_lines_encode(const struct image *img, uint8_t **out, size_t *len)
{
	static const uint8_t lengths[OPCODE_BASE - 1] = { 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1 };
	struct buf o = { 0 };
	size_t header_at;
	uint32_t addr = 0, end = 0, file = 1;
	int64_t line = 1;
	bool open = false;

	put32le(&o, 0);          /* unit_length, set below */
	put8(&o, 3);             /* version */
	put8(&o, 0);
	header_at = o.n;
	put32le(&o, 0);          /* header_length, set below */
	put8(&o, 1);             /* minimum_instruction_length */
	put8(&o, 1);             /* default_is_stmt */
	put8(&o, (uint8_t)(int8_t)LINE_BASE);
	put8(&o, LINE_RANGE);
	put8(&o, OPCODE_BASE);
	put_bytes(&o, lengths, sizeof lengths);
	put8(&o, 0);             /* no include directories */
	for (int i = 0; i < img->nfiles; i++) {
		put_bytes(&o, img->files[i], strlen(img->files[i]) + 1);
		put_uleb(&o, 0);  /* directory: the current one */
		put_uleb(&o, 0);  /* modification time: unknown */
		put_uleb(&o, 0);  /* length: unknown */
	}
	put8(&o, 0);
	set32le(&o, header_at, (uint32_t)(o.n - header_at - 4));
	for (int i = 0; i < img->nlines; i++) {
		const struct image_line *r = &img->lines[i];
		if (open && r->addr != end) {
			/* a gap: this sequence ends where its last row does */
			put8(&o, DW_LNS_advance_pc);
			put_uleb(&o, end - addr);
			put8(&o, 0), put_uleb(&o, 1), put8(&o, DW_LNE_end_sequence);
			open = false;
		}
		if (!open) {
			put8(&o, 0), put_uleb(&o, 5), put8(&o, DW_LNE_set_address);
			put32le(&o, r->addr);
			addr = r->addr;
			file = 1;
			line = 1;
			open = true;
		} else {
			put8(&o, DW_LNS_advance_pc);
			put_uleb(&o, r->addr - addr);
			addr = r->addr;
		}
		if ((uint32_t)r->file + 1 != file) {
			file = r->file + 1u;
			put8(&o, DW_LNS_set_file);
			put_uleb(&o, file);
		}
		if ((int64_t)r->line != line) {
			put8(&o, DW_LNS_advance_line);
			put_sleb(&o, (int64_t)r->line - line);
			line = r->line;
		}
		put8(&o, DW_LNS_copy);
		end = r->end;
	}
	if (open) {
		put8(&o, DW_LNS_advance_pc);
		put_uleb(&o, end - addr);
		put8(&o, 0), put_uleb(&o, 1), put8(&o, DW_LNE_end_sequence);
	}
	set32le(&o, 0, (uint32_t)(o.n - 4));
	if (o.oom) {
		free(o.b);
		return false;
	}
	*out = o.b;
	*len = o.n;
	return true;
}

/* ---- reading ------------------------------------------------------------ */

struct rd {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t get_n(struct rd *r, int n)
{
	uint64_t v = 0;
	if (r->end - r->p < n) {
		r->bad = true;
		r->p = r->end;
		return 0;
	}
	for (int i = 0; i < n; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += n;
	return v;
}

static uint64_t get_uleb(struct rd *r)
{
	uint64_t v = 0;
	for (int shift = 0; r->p < r->end; shift += 7) {
		uint8_t b = *r->p++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7F) << shift;
		if (!(b & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

static int64_t get_sleb(struct rd *r)
{
	int64_t v = 0;
	int shift = 0;
	while (r->p < r->end) {
		uint8_t b = *r->p++;
		if (shift < 64)
			v |= (int64_t)((uint64_t)(b & 0x7F) << shift);
		shift += 7;
		if (!(b & 0x80)) {
			if (shift < 64 && (b & 0x40))
				v |= -((int64_t)1 << shift);
			return v;
		}
	}
	r->bad = true;
	return 0;
}

/* A NUL-terminated string inside the reader's bounds, or NULL. */
static const char *get_str(struct rd *r)
{
	const uint8_t *z = memchr(r->p, 0, (size_t)(r->end - r->p));
	const char *s = (const char *)r->p;
	if (!z) {
		r->bad = true;
		r->p = r->end;
		return NULL;
	}
	r->p = z + 1;
	return s;
}

/* Rows of the table being read, and where each ends. */
struct table {
	struct image *img;
	int file_base;          /* the unit's file 1 is img->files[file_base] */
	int nunit_files;
	int open;               /* the row whose end the next row sets, or -1 */
};

static bool emit(struct table *t, uint32_t addr, uint64_t file, uint64_t line)
{
	struct image *img = t->img;
	struct image_line *r;

	if (t->open >= 0 && addr >= img->lines[t->open].addr)
		img->lines[t->open].end = addr;
	if (file == 0 || file > (uint64_t)t->nunit_files || line > UINT32_MAX ||
	    img->nlines >= (int)MAX_ROWS) {
		t->open = -1; /* a row of no file we know: none */
		return img->nlines < (int)MAX_ROWS;
	}
	r = &img->lines[img->nlines];
	*r = (struct image_line){ addr, addr, (uint16_t)(t->file_base + file - 1), (uint32_t)line };
	t->open = img->nlines++;
	return true;
}

static bool grow_lines(struct image *img, size_t n)
{
	struct image_line *p = realloc(img->lines, n * sizeof *p);
	if (!p)
		return false;
	img->lines = p;
	return true;
}

/* One unit's header and program: false when it breaks its bounds. */
static bool read_unit(struct table *t, struct rd *r, const char **why)
{
	struct image *img = t->img;
	uint8_t lengths[256] = { 0 };
	uint64_t unit_len = get_n(r, 4), header_len;
	const uint8_t *hdr_end;
	struct rd u = *r;
	unsigned version, min_inst, line_range, opcode_base;
	int line_base;

	if (r->bad || unit_len >= 0xFFFFFFF0u || unit_len > (uint64_t)(r->end - r->p)) {
		*why = "a unit longer than the section (or 64-bit DWARF)";
		return false;
	}
	u.end = r->p + unit_len;
	r->p = u.end;
	version = (unsigned)get_n(&u, 2);
	if (version < 2 || version > 4) {
		*why = "a version other than 2, 3 or 4";
		return false;
	}
	header_len = get_n(&u, 4);
	if (header_len > (uint64_t)(u.end - u.p)) {
		*why = "a header longer than its unit";
		return false;
	}
	hdr_end = u.p + header_len;
	min_inst = (unsigned)get_n(&u, 1);
	if (version >= 4)
		get_n(&u, 1); /* maximum_operations_per_instruction */
	get_n(&u, 1);         /* default_is_stmt */
	line_base = (int8_t)get_n(&u, 1);
	line_range = (unsigned)get_n(&u, 1);
	opcode_base = (unsigned)get_n(&u, 1);
	if (u.bad || line_range == 0 || opcode_base == 0) {
		*why = "a header with a line range or opcode base of 0";
		return false;
	}
	for (unsigned i = 1; i < opcode_base; i++)
		lengths[i] = (uint8_t)get_n(&u, 1);
	while (!u.bad && u.p < hdr_end && *u.p)
		get_str(&u); /* include directories: names only, unused */
	get_n(&u, 1);
	t->file_base = img->nfiles;
	t->nunit_files = 0;
	while (!u.bad && u.p < hdr_end && *u.p) {
		const char *name = get_str(&u);
		char **f;
		get_uleb(&u), get_uleb(&u), get_uleb(&u);
		if (u.bad || img->nfiles >= MAX_FILES) {
			*why = "too many or malformed file names";
			return false;
		}
		if (!(f = realloc(img->files, (size_t)(img->nfiles + 1) * sizeof *f)))
			return (*why = "out of memory"), false;
		img->files = f;
		if (!(f[img->nfiles] = strdup(name)))
			return (*why = "out of memory"), false;
		img->nfiles++;
		t->nunit_files++;
	}
	if (u.bad || hdr_end > u.end) {
		*why = "a header that breaks its bounds";
		return false;
	}
	u.p = hdr_end;

	uint64_t addr = 0, file = 1, line = 1;
	t->open = -1;
	while (u.p < u.end && !u.bad) {
		unsigned op = (unsigned)get_n(&u, 1);
		if (op >= opcode_base) {
			unsigned adj = op - opcode_base;
			addr += (uint64_t)(adj / line_range) * min_inst;
			line += (uint64_t)(int64_t)(line_base + (int)(adj % line_range));
			if (!emit(t, (uint32_t)addr, file, line))
				return (*why = "too many rows"), false;
			continue;
		}
		switch (op) {
		case 0: {
			uint64_t n = get_uleb(&u);
			const uint8_t *next;
			if (u.bad || n == 0 || n > (uint64_t)(u.end - u.p)) {
				*why = "an extended opcode longer than its unit";
				return false;
			}
			next = u.p + n;
			switch (get_n(&u, 1)) {
			case DW_LNE_end_sequence:
				if (t->open >= 0 && (uint32_t)addr >= img->lines[t->open].addr)
					img->lines[t->open].end = (uint32_t)addr;
				t->open = -1;
				addr = 0, file = 1, line = 1;
				break;
			case DW_LNE_set_address:
				addr = get_n(&u, (int)(n - 1 > 8 ? 8 : n - 1));
				break;
			default:
				break; /* define_file and vendors' opcodes: skipped */
			}
			u.p = next;
			break;
		}
		case DW_LNS_copy:
			if (!emit(t, (uint32_t)addr, file, line))
				return (*why = "too many rows"), false;
			break;
		case DW_LNS_advance_pc: addr += get_uleb(&u) * min_inst; break;
		case DW_LNS_advance_line: line += (uint64_t)get_sleb(&u); break;
		case DW_LNS_set_file: file = get_uleb(&u); break;
		case DW_LNS_const_add_pc: addr += (uint64_t)((255 - opcode_base) / line_range) * min_inst; break;
		case DW_LNS_fixed_advance_pc: addr += get_n(&u, 2); break;
		default:
			/* set_column, set_isa and any other: their operands skipped */
			for (unsigned k = 0; k < lengths[op]; k++)
				get_uleb(&u);
			break;
		}
	}
	if (u.bad) {
		*why = "a program that runs past its unit";
		return false;
	}
	return true;
}

static int by_line_addr(const void *a, const void *b)
{
	const struct image_line *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

bool image_lines_decode(struct image *img, const uint8_t *p, size_t n, const char **why)
{
	struct rd r = { p, p + n, false };
	struct table t = { img, 0, 0, -1 };
	size_t cap = 0;
	int k = 0;

	/* Rows: at most one for each byte of the table (a copy is one byte). */
	cap = n < MAX_ROWS ? n + 1 : MAX_ROWS;
	if (!grow_lines(img, cap))
		return (*why = "out of memory"), false;
	while (r.p < r.end)
		if (!read_unit(&t, &r, why))
			return false;
	/* Rows that cover nothing (a sequence's last, closed by nothing) go. */
	for (int i = 0; i < img->nlines; i++)
		if (img->lines[i].end > img->lines[i].addr)
			img->lines[k++] = img->lines[i];
	img->nlines = k;
	qsort(img->lines, (size_t)img->nlines, sizeof *img->lines, by_line_addr);
	return true;
}

const struct image_line *image_line_at(const struct image *img, uint32_t addr)
{
	int lo = 0, hi = img ? img->nlines : 0;

	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (img->lines[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || addr >= img->lines[lo - 1].end)
		return NULL;
	return &img->lines[lo - 1];
}

const char *image_line_text(const struct image *img, uint32_t addr, char *buf, size_t len)
{
	const struct image_line *l = image_line_at(img, addr);
	const char *name, *slash;

	if (!l || l->file >= img->nfiles) {
		if (len)
			buf[0] = 0;
		return buf;
	}
	name = img->files[l->file];
	slash = strrchr(name, '/');
	snprintf(buf, len, "%s:%u", slash ? slash + 1 : name, l->line);
	return buf;
}
