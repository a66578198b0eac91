/*
 * tools/image/image_write.c: writing an image as an ELF32 executable.
 * Owns: the file layout below and writing it atomically (temporary + rename).
 * Not:  reading images back (tools/image/image.c).
 * Implements: System V ABI, ELF32 little-endian ET_EXEC, readable by readelf.
 *
 *   ELF header | program headers (one PT_LOAD per non-empty segment)
 *   | segment bytes | .symtab | .strtab | .debug_line | .shstrtab | section headers
 *   sections: [0] null, one per segment (.text, .data), .symtab, .strtab,
 *   .debug_line (when the image has a line table: image_lines.c), .shstrtab
 */
#include "image.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct out {
	uint8_t *b;
	size_t n, cap;
	bool oom;
};

static void reserve(struct out *o, size_t n)
{
	if (o->oom || n <= o->cap)
		return;
	size_t cap = o->cap ? o->cap : 4096;
	while (cap < n)
		cap *= 2;
	uint8_t *b = realloc(o->b, cap);
	if (!b) {
		o->oom = true;
		return;
	}
	memset(b + o->cap, 0, cap - o->cap);
	o->b = b;
	o->cap = cap;
}

static void put(struct out *o, size_t at, const void *p, size_t n)
{
	reserve(o, at + n);
	if (o->oom)
		return;
	memcpy(o->b + at, p, n);
	if (at + n > o->n)
		o->n = at + n;
}

static void put16(struct out *o, size_t at, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	put(o, at, b, 2);
}

static void put32(struct out *o, size_t at, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	put(o, at, b, 4);
}

static size_t align4(size_t n) { return (n + 3) & ~(size_t)3; }

static void put_shdr(struct out *o, size_t at, const Elf32_Shdr *s)
{
	put32(o, at, s->sh_name);
	put32(o, at + 4, s->sh_type);
	put32(o, at + 8, s->sh_flags);
	put32(o, at + 12, s->sh_addr);
	put32(o, at + 16, s->sh_offset);
	put32(o, at + 20, s->sh_size);
	put32(o, at + 24, s->sh_link);
	put32(o, at + 28, s->sh_info);
	put32(o, at + 32, s->sh_addralign);
	put32(o, at + 36, s->sh_entsize);
}

/* Append a NUL-terminated string to a string table; its offset. */
static uint32_t add_str(struct out *tab, const char *s)
{
	size_t at = tab->n;
	put(tab, at, s, strlen(s) + 1);
	return (uint32_t)at;
}

static bool is_text(const struct image_seg *s) { return strcmp(s->name, ".text") == 0; }

/* The section index (1-based, segments first) a symbol at addr belongs to. */
static uint16_t symbol_section(const struct image *img, uint32_t addr)
{
	for (int i = 0; i < img->nsegs; i++)
		if (addr >= img->segs[i].addr && addr - img->segs[i].addr < img->segs[i].size)
			return (uint16_t)(i + 1);
	for (int i = 0; i < img->nsegs; i++)
		if (addr == img->segs[i].addr + img->segs[i].size)
			return (uint16_t)(i + 1);
	return SHN_ABS;
}

/* Symbols: null entry, locals, then globals (as the ABI requires); returns
 * the index of the first global. */
static uint32_t build_symtab(const struct image *img, struct out *sym, struct out *str)
{
	uint32_t first_global = 1;
	size_t at = sizeof(Elf32_Sym);
	put(str, 0, "", 1);
	put(sym, 0, &(Elf32_Sym){ 0 }, sizeof(Elf32_Sym));
	for (int global = 0; global < 2; global++) {
		for (int i = 0; i < img->nsyms; i++) {
			const struct image_sym *s = &img->syms[i];
			if (s->is_global != global)
				continue;
			put32(sym, at, add_str(str, s->name));
			put32(sym, at + 4, s->addr);
			put32(sym, at + 8, 0);
			uint8_t info = ELF32_ST_INFO(global ? STB_GLOBAL : STB_LOCAL, STT_NOTYPE);
			put(sym, at + 12, &info, 1);
			put16(sym, at + 14, symbol_section(img, s->addr));
			at += sizeof(Elf32_Sym);
			if (!global)
				first_global++;
		}
	}
	return first_global;
}

static void put_ehdr(struct out *o, const struct image *img, int nload, uint32_t shoff,
                     int nsec)
{
	uint8_t ident[EI_NIDENT] = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS32,
		                     ELFDATA2LSB, EV_CURRENT, ELFOSABI_SYSV };
	put(o, 0, ident, EI_NIDENT);
	put16(o, 16, ET_EXEC);
	put16(o, 18, EM_TRAPEZE);
	put32(o, 20, EV_CURRENT);
	put32(o, 24, img->entry);
	put32(o, 28, nload ? sizeof(Elf32_Ehdr) : 0);
	put32(o, 32, shoff);
	put32(o, 36, 0);
	put16(o, 40, sizeof(Elf32_Ehdr));
	put16(o, 42, sizeof(Elf32_Phdr));
	put16(o, 44, (uint16_t)nload);
	put16(o, 46, sizeof(Elf32_Shdr));
	put16(o, 48, (uint16_t)nsec);
	put16(o, 50, (uint16_t)(nsec - 1));
}

/* The whole file in o. */
static void build(const struct image *img, struct out *o)
{
	struct out sym = { 0 }, str = { 0 }, shstr = { 0 };
	uint8_t *lines = NULL;
	size_t nlines = 0;
	if (img->nlines && !image_lines_encode(img, &lines, &nlines)) {
		o->oom = true;
		return;
	}
	int nload = 0, nsec = img->nsegs + 4 + (lines != NULL);
	for (int i = 0; i < img->nsegs; i++)
		nload += img->segs[i].size > 0;
	size_t at = sizeof(Elf32_Ehdr) + (size_t)nload * sizeof(Elf32_Phdr);
	Elf32_Shdr *sh = calloc((size_t)nsec, sizeof *sh);
	if (!sh) {
		o->oom = true;
		return;
	}
	put(&shstr, 0, "", 1);
	int ph = 0;
	for (int i = 0; i < img->nsegs; i++) {
		const struct image_seg *s = &img->segs[i];
		while (at % 4 != s->addr % 4) /* p_offset = p_vaddr modulo p_align */
			at++;
		sh[i + 1] = (Elf32_Shdr){ .sh_name = add_str(&shstr, s->name), .sh_type = SHT_PROGBITS,
			                  .sh_flags = SHF_ALLOC | (is_text(s) ? SHF_EXECINSTR : SHF_WRITE),
			                  .sh_addr = s->addr, .sh_offset = (uint32_t)at,
			                  .sh_size = s->size, .sh_addralign = 1 };
		if (s->size == 0)
			continue;
		size_t p = sizeof(Elf32_Ehdr) + (size_t)ph++ * sizeof(Elf32_Phdr);
		put32(o, p, PT_LOAD);
		put32(o, p + 4, (uint32_t)at);
		put32(o, p + 8, s->addr);
		put32(o, p + 12, s->addr);
		put32(o, p + 16, s->size);
		put32(o, p + 20, s->size);
		put32(o, p + 24, PF_R | (is_text(s) ? PF_X : PF_W));
		put32(o, p + 28, 4);
		put(o, at, s->data, s->size);
		at += s->size;
	}
	int isym = img->nsegs + 1, istr = isym + 1, iline = istr + 1, ishstr = iline + (lines != NULL);
	uint32_t first_global = build_symtab(img, &sym, &str);
	at = align4(at);
	sh[isym] = (Elf32_Shdr){ .sh_name = add_str(&shstr, ".symtab"), .sh_type = SHT_SYMTAB,
		                 .sh_offset = (uint32_t)at, .sh_size = (uint32_t)sym.n,
		                 .sh_link = (uint32_t)istr, .sh_info = first_global,
		                 .sh_addralign = 4, .sh_entsize = sizeof(Elf32_Sym) };
	put(o, at, sym.b, sym.n);
	at += sym.n;
	sh[istr] = (Elf32_Shdr){ .sh_name = add_str(&shstr, ".strtab"), .sh_type = SHT_STRTAB,
		                 .sh_offset = (uint32_t)at, .sh_size = (uint32_t)str.n,
		                 .sh_addralign = 1 };
	put(o, at, str.b, str.n);
	at += str.n;
	if (lines) {
		sh[iline] = (Elf32_Shdr){ .sh_name = add_str(&shstr, ".debug_line"),
			                  .sh_type = SHT_PROGBITS, .sh_offset = (uint32_t)at,
			                  .sh_size = (uint32_t)nlines, .sh_addralign = 1 };
		put(o, at, lines, nlines);
		at += nlines;
		free(lines);
	}
	sh[ishstr] = (Elf32_Shdr){ .sh_name = add_str(&shstr, ".shstrtab"), .sh_type = SHT_STRTAB,
		                   .sh_offset = (uint32_t)at, .sh_size = (uint32_t)shstr.n,
		                   .sh_addralign = 1 };
	put(o, at, shstr.b, shstr.n);
	at = align4(at + shstr.n);
	for (int i = 0; i < nsec; i++)
		put_shdr(o, at + (size_t)i * sizeof(Elf32_Shdr), &sh[i]);
	put_ehdr(o, img, nload, (uint32_t)at, nsec);
	o->oom |= sym.oom || str.oom || shstr.oom;
	free(sh);
	free(sym.b);
	free(str.b);
	free(shstr.b);
}

static bool write_all(int fd, const uint8_t *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return false;
		}
		b += w;
		n -= (size_t)w;
	}
	return true;
}

bool image_encode(const struct image *img, const char *name, uint8_t **bytes, size_t *len,
                  char *err, size_t errlen)
{
	struct out o = { 0 };
	*bytes = NULL;
	*len = 0;
	if (img->nsegs > 1000)
		return image_fail(err, errlen, name, "too many segments (%d)", img->nsegs);
	build(img, &o);
	if (o.oom) {
		free(o.b);
		return image_fail(err, errlen, name, "out of memory");
	}
	*bytes = o.b;
	*len = o.n;
	return true;
}

bool image_write(const char *path, const struct image *img, char *err, size_t errlen)
{
	struct out o = { 0 };
	if (!image_encode(img, path, &o.b, &o.n, err, errlen))
		return false;
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 8);
	if (!tmp) {
		free(o.b);
		return image_fail(err, errlen, path, "out of memory");
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".XXXXXX", 8);
	int fd = mkstemp(tmp);
	int e = fd < 0 ? errno : 0;
	if (fd >= 0) {
		if (fchmod(fd, 0644) != 0 || !write_all(fd, o.b, o.n))
			e = errno ? errno : EIO;
		if (close(fd) != 0 && !e)
			e = errno;
		if (!e && rename(tmp, path) != 0)
			e = errno;
		if (e)
			unlink(tmp);
	}
	free(tmp);
	free(o.b);
	if (e)
		return image_fail(err, errlen, path, "cannot write: %s", strerror(e));
	return true;
}
