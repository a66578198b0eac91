/*
 * tools/image/image.c: reading an ELF32 image, placing it in memory, its symbols.
 * Owns: validating every field a loader trusts (a file is untrusted input),
 *       and the symbol look-ups the disassembler, tracer and monitor use.
 * Not:  writing images (tools/image/image_write.c).
 * Implements: System V ABI, ELF32 little-endian: ELF header, program headers
 *       (PT_LOAD), section headers (names, .symtab and its string table).
 *
 * Fields are decoded byte by byte in little-endian order, so the reader works
 * on any host; glibc's <elf.h> supplies the structures and constants.
 */
#include "image.h"

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A segment bigger than the whole 32-bit address space's useful part. */
enum { MAX_SEGMENT = 64u << 20, MAX_PHDRS = 256, MAX_SYMS = 1u << 20 };

struct file {
	const uint8_t *b;
	size_t n;
};

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool image_fail(char *err, size_t len, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, len, "%s: error: ", path);
	if (n >= 0 && (size_t)n < len) {
		va_start(ap, fmt);
		vsnprintf(err + n, len - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return false;
}

static void get_ehdr(const uint8_t *p, Elf32_Ehdr *h)
{
	memcpy(h->e_ident, p, EI_NIDENT);
	h->e_type = get16(p + 16);
	h->e_machine = get16(p + 18);
	h->e_version = get32(p + 20);
	h->e_entry = get32(p + 24);
	h->e_phoff = get32(p + 28);
	h->e_shoff = get32(p + 32);
	h->e_flags = get32(p + 36);
	h->e_ehsize = get16(p + 40);
	h->e_phentsize = get16(p + 42);
	h->e_phnum = get16(p + 44);
	h->e_shentsize = get16(p + 46);
	h->e_shnum = get16(p + 48);
	h->e_shstrndx = get16(p + 50);
}

static void get_phdr(const uint8_t *p, Elf32_Phdr *h)
{
	h->p_type = get32(p);
	h->p_offset = get32(p + 4);
	h->p_vaddr = get32(p + 8);
	h->p_paddr = get32(p + 12);
	h->p_filesz = get32(p + 16);
	h->p_memsz = get32(p + 20);
	h->p_flags = get32(p + 24);
	h->p_align = get32(p + 28);
}

static void get_shdr(const uint8_t *p, Elf32_Shdr *h)
{
	h->sh_name = get32(p);
	h->sh_type = get32(p + 4);
	h->sh_flags = get32(p + 8);
	h->sh_addr = get32(p + 12);
	h->sh_offset = get32(p + 16);
	h->sh_size = get32(p + 20);
	h->sh_link = get32(p + 24);
	h->sh_info = get32(p + 28);
	h->sh_addralign = get32(p + 32);
	h->sh_entsize = get32(p + 36);
}

/* True when [off, off+len) lies inside the file. */
static bool in_file(const struct file *f, uint64_t off, uint64_t len)
{
	return off <= f->n && len <= f->n - off;
}

static bool check_header(const struct file *f, const Elf32_Ehdr *h, char *err, size_t len,
                         const char *path)
{
	size_t magic = f->n < SELFMAG ? f->n : SELFMAG;
	if (f->n == 0)
		return image_fail(err, len, path, "empty file, not an ELF image");
	if (memcmp(f->b, ELFMAG, magic) != 0)
		return image_fail(err, len, path, "not an ELF file");
	if (f->n < sizeof(Elf32_Ehdr))
		return image_fail(err, len, path, "truncated ELF header");
	if (h->e_ident[EI_CLASS] != ELFCLASS32)
		return image_fail(err, len, path, "not a 32-bit ELF file (class %u)", h->e_ident[EI_CLASS]);
	if (h->e_ident[EI_DATA] != ELFDATA2LSB)
		return image_fail(err, len, path, "not a little-endian ELF file");
	if (h->e_ident[EI_VERSION] != EV_CURRENT || h->e_version != EV_CURRENT)
		return image_fail(err, len, path, "unsupported ELF version %u", h->e_ident[EI_VERSION]);
	if (h->e_machine != EM_TRAPEZE)
		return image_fail(err, len, path, "wrong machine type 0x%x (a Trapeze image has 0x%x)",
		            h->e_machine, EM_TRAPEZE);
	if (h->e_type != ET_EXEC)
		return image_fail(err, len, path, "not an executable ELF file (type %u)", h->e_type);
	if (h->e_phnum > MAX_PHDRS)
		return image_fail(err, len, path, "too many program headers (%u)", h->e_phnum);
	if (h->e_phnum && h->e_phentsize != sizeof(Elf32_Phdr))
		return image_fail(err, len, path, "bad program header size %u", h->e_phentsize);
	if (!in_file(f, h->e_phoff, (uint64_t)h->e_phnum * sizeof(Elf32_Phdr)))
		return image_fail(err, len, path, "truncated program headers");
	if (h->e_shnum && h->e_shentsize != sizeof(Elf32_Shdr))
		return image_fail(err, len, path, "bad section header size %u", h->e_shentsize);
	if (!in_file(f, h->e_shoff, (uint64_t)h->e_shnum * sizeof(Elf32_Shdr)))
		return image_fail(err, len, path, "truncated section headers");
	return true;
}

static int by_addr(const void *a, const void *b)
{
	const struct image_seg *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The section names' string table: false when the file has none (or a
 * broken one: its sections then have no names). */
static bool names_table(const struct file *f, const Elf32_Ehdr *h, Elf32_Shdr *names)
{
	if (h->e_shstrndx == SHN_UNDEF || h->e_shstrndx >= h->e_shnum)
		return false;
	get_shdr(f->b + h->e_shoff + (size_t)h->e_shstrndx * sizeof *names, names);
	return in_file(f, names->sh_offset, names->sh_size);
}

/* The name of the allocated section that starts at addr, or NULL. */
static const char *section_name(const struct file *f, const Elf32_Ehdr *h, uint32_t addr)
{
	Elf32_Shdr names, s;
	if (!names_table(f, h, &names))
		return NULL;
	for (unsigned i = 1; i < h->e_shnum; i++) {
		get_shdr(f->b + h->e_shoff + (size_t)i * sizeof s, &s);
		if (!(s.sh_flags & SHF_ALLOC) || s.sh_addr != addr || s.sh_size == 0 ||
		    s.sh_name >= names.sh_size)
			continue;
		const char *n = (const char *)f->b + names.sh_offset + s.sh_name;
		if (memchr(n, 0, names.sh_size - s.sh_name))
			return n;
	}
	return NULL;
}

static bool read_segments(const struct file *f, const Elf32_Ehdr *h, struct image *img,
                          char *err, size_t len, const char *path)
{
	img->segs = calloc(h->e_phnum + 1u, sizeof *img->segs);
	if (!img->segs)
		return image_fail(err, len, path, "out of memory");
	for (unsigned i = 0; i < h->e_phnum; i++) {
		Elf32_Phdr p;
		get_phdr(f->b + h->e_phoff + (size_t)i * sizeof p, &p);
		if (p.p_type != PT_LOAD || p.p_memsz == 0)
			continue;
		if (p.p_memsz > MAX_SEGMENT || p.p_filesz > p.p_memsz ||
		    (uint64_t)p.p_vaddr + p.p_memsz > 0x100000000u)
			return image_fail(err, len, path, "segment at 0x%08x has an absurd size (%u bytes)",
			            p.p_vaddr, p.p_memsz);
		if (!in_file(f, p.p_offset, p.p_filesz))
			return image_fail(err, len, path, "truncated segment data at 0x%08x", p.p_vaddr);
		struct image_seg *s = &img->segs[img->nsegs++];
		const char *name = section_name(f, h, p.p_vaddr);
		s->addr = p.p_vaddr;
		s->size = p.p_memsz;
		s->data = calloc(p.p_memsz, 1);
		s->name = strdup(name ? name : (p.p_flags & PF_X) ? ".text" : ".data");
		if (!s->data || !s->name)
			return image_fail(err, len, path, "out of memory");
		memcpy(s->data, f->b + p.p_offset, p.p_filesz);
	}
	qsort(img->segs, (size_t)img->nsegs, sizeof *img->segs, by_addr);
	for (int i = 1; i < img->nsegs; i++) {
		const struct image_seg *a = &img->segs[i - 1], *b = &img->segs[i];
		if ((uint64_t)a->addr + a->size > b->addr)
			return image_fail(err, len, path, "segments at 0x%08x and 0x%08x overlap", a->addr,
			            b->addr);
	}
	return true;
}

static bool add_symbol(struct image *img, const char *name, uint32_t addr, bool global)
{
	struct image_sym *s = &img->syms[img->nsyms];
	s->name = strdup(name);
	s->addr = addr;
	s->is_global = global;
	if (!s->name)
		return false;
	img->nsyms++;
	return true;
}

/* The symbols of the first SHT_SYMTAB section, if any: named, defined ones. */
static bool read_symbols(const struct file *f, const Elf32_Ehdr *h, struct image *img,
                         char *err, size_t len, const char *path)
{
	Elf32_Shdr s, str;
	for (unsigned i = 1; i < h->e_shnum; i++) {
		get_shdr(f->b + h->e_shoff + (size_t)i * sizeof s, &s);
		if (s.sh_type != SHT_SYMTAB)
			continue;
		if (s.sh_entsize != sizeof(Elf32_Sym) || s.sh_link >= h->e_shnum)
			return image_fail(err, len, path, "malformed symbol table");
		get_shdr(f->b + h->e_shoff + (size_t)s.sh_link * sizeof s, &str);
		if (!in_file(f, s.sh_offset, s.sh_size) || !in_file(f, str.sh_offset, str.sh_size))
			return image_fail(err, len, path, "truncated symbol table");
		size_t n = s.sh_size / sizeof(Elf32_Sym);
		if (n > MAX_SYMS)
			return image_fail(err, len, path, "too many symbols (%zu)", n);
		img->syms = calloc(n + 1, sizeof *img->syms);
		if (!img->syms)
			return image_fail(err, len, path, "out of memory");
		for (size_t k = 1; k < n; k++) {
			const uint8_t *p = f->b + s.sh_offset + k * sizeof(Elf32_Sym);
			uint32_t name = get32(p), value = get32(p + 4);
			unsigned info = p[12], shndx = get16(p + 14);
			unsigned type = ELF32_ST_TYPE(info), bind = ELF32_ST_BIND(info);
			if (name >= str.sh_size || !memchr(f->b + str.sh_offset + name, 0,
			                                    str.sh_size - name))
				return image_fail(err, len, path, "bad symbol name in symbol %zu", k);
			const char *nm = (const char *)f->b + str.sh_offset + name;
			if (!*nm || shndx == SHN_UNDEF || shndx == SHN_COMMON ||
			    (type != STT_NOTYPE && type != STT_FUNC && type != STT_OBJECT))
				continue;
			if (!add_symbol(img, nm, value, bind == STB_GLOBAL || bind == STB_WEAK))
				return image_fail(err, len, path, "out of memory");
		}
		break;
	}
	return true;
}

/* The line table of the first .debug_line section, if any. */
static bool read_lines(const struct file *f, const Elf32_Ehdr *h, struct image *img, char *err,
                       size_t len, const char *path)
{
	Elf32_Shdr names, s;
	const char *why = "";

	if (!names_table(f, h, &names))
		return true;
	for (unsigned i = 1; i < h->e_shnum; i++) {
		get_shdr(f->b + h->e_shoff + (size_t)i * sizeof s, &s);
		if (s.sh_type != SHT_PROGBITS || s.sh_name >= names.sh_size ||
		    names.sh_size - s.sh_name < sizeof ".debug_line" ||
		    memcmp(f->b + names.sh_offset + s.sh_name, ".debug_line", sizeof ".debug_line"))
			continue;
		if (!in_file(f, s.sh_offset, s.sh_size))
			return image_fail(err, len, path, "truncated .debug_line");
		if (!image_lines_decode(img, f->b + s.sh_offset, s.sh_size, &why))
			return image_fail(err, len, path, "malformed .debug_line: %s", why);
		break;
	}
	return true;
}

static bool parse(const struct file *f, struct image *img, char *err, size_t len,
                  const char *path)
{
	Elf32_Ehdr h;
	memset(&h, 0, sizeof h);
	if (f->n >= sizeof h)
		get_ehdr(f->b, &h);
	if (!check_header(f, &h, err, len, path))
		return false;
	img->entry = h.e_entry;
	return read_segments(f, &h, img, err, len, path) &&
	       read_symbols(f, &h, img, err, len, path) && read_lines(f, &h, img, err, len, path);
}

/* The whole file in a malloc'd buffer. */
static bool slurp(const char *path, struct file *f, char *err, size_t len)
{
	FILE *fp = fopen(path, "rb");
	struct stat st;
	if (!fp)
		return image_fail(err, len, path, "cannot open: %s", strerror(errno));
	/* fopen opens a directory; only the first read fails, with a vaguer word. */
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(fp);
		return image_fail(err, len, path, "is a directory, not an image");
	}
	size_t cap = 0, n = 0;
	uint8_t *b = NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			uint8_t *nb = cap > IMAGE_MAX_FILE + 1u ? NULL : realloc(b, cap);
			if (!nb) {
				free(b);
				fclose(fp);
				return image_fail(err, len, path, "file too large for an image");
			}
			b = nb;
		}
		size_t got = fread(b + n, 1, cap - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	bool bad = ferror(fp);
	fclose(fp);
	if (bad || n > IMAGE_MAX_FILE) {
		free(b);
		return bad ? image_fail(err, len, path, "read error") :
		             image_fail(err, len, path, "file too large for an image");
	}
	f->b = b;
	f->n = n;
	return true;
}

bool image_parse(const void *bytes, size_t len, const char *name, struct image *out, char *err,
                 size_t errlen)
{
	struct file f = { bytes, len };
	memset(out, 0, sizeof *out);
	bool ok = parse(&f, out, err, errlen, name);
	if (ok) {
		out->path = strdup(name);
		if (!out->path)
			ok = image_fail(err, errlen, name, "out of memory");
	}
	if (!ok)
		image_free(out);
	return ok;
}

bool image_read(const char *path, struct image *out, char *err, size_t errlen)
{
	struct file f = { NULL, 0 };
	memset(out, 0, sizeof *out);
	if (!slurp(path, &f, err, errlen))
		return false;
	bool ok = image_parse(f.b, f.n, path, out, err, errlen);
	free((void *)f.b);
	return ok;
}

void image_free(struct image *img)
{
	for (int i = 0; i < img->nsegs; i++) {
		free(img->segs[i].data);
		free(img->segs[i].name);
	}
	for (int i = 0; i < img->nsyms; i++)
		free(img->syms[i].name);
	for (int i = 0; i < img->nfiles; i++)
		free(img->files[i]);
	free(img->files);
	free(img->lines);
	free(img->segs);
	free(img->syms);
	free(img->path);
	memset(img, 0, sizeof *img);
}

/* Rank of a symbol among several at one address: lower is preferred. */
static int rank(const struct image_sym *s)
{
	return (s->is_global ? 0 : 2) + (strchr(s->name, '.') ? 1 : 0);
}

const struct image_sym *image_symbol_at(const struct image *img, uint32_t addr)
{
	const struct image_sym *best = NULL;
	for (int i = 0; img && i < img->nsyms; i++) {
		const struct image_sym *s = &img->syms[i];
		if (s->addr == addr && (!best || rank(s) < rank(best)))
			best = s;
	}
	return best;
}

const struct image_sym *image_symbol_near(const struct image *img, uint32_t addr,
                                          uint32_t *offset)
{
	const struct image_sym *best = NULL;
	for (int i = 0; img && i < img->nsyms; i++) {
		const struct image_sym *s = &img->syms[i];
		if (s->addr > addr)
			continue;
		if (!best || s->addr > best->addr || (s->addr == best->addr && rank(s) < rank(best)))
			best = s;
	}
	if (best && offset)
		*offset = addr - best->addr;
	return best;
}

bool image_lookup(const struct image *img, const char *name, uint32_t *addr)
{
	for (int i = 0; img && i < img->nsyms; i++)
		if (strcmp(img->syms[i].name, name) == 0) {
			if (addr)
				*addr = img->syms[i].addr;
			return true;
		}
	return false;
}
