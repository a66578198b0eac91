/*
 * tools/image/image.h: a program image: loadable segments, an entry point,
 *       symbols.
 * Owns: struct image and its ELF32 file form (read, validate, write), its
 *       conversion into the form the monitor takes (struct vm_image, to load
 *       it into a VM or place it in a machine's memory), and symbol look-ups
 *       by address or name.
 * Not:  assembling (tools/asm/) or disassembling (tools/dis/) one; placing
 *       or running it (vmm/vmm.h, cpu/).
 * Implements: the System V ABI's ELF32 (little-endian, ET_EXEC), one PT_LOAD
 *       per non-empty section, with e_machine EM_TRAPEZE.
 *
 * Errors are one line, "FILE: error: what", written into the caller's buffer;
 * these functions never print.
 */
#ifndef TRAPEZE_IMAGE_H
#define TRAPEZE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"

/* Our e_machine: "TR". Unassigned by the ELF registry; a teaching value. */
#define EM_TRAPEZE 0x5452

/* Files larger than this are not images of a 32-bit toy machine. */
enum { IMAGE_MAX_FILE = 64u << 20 };

struct image_seg {
	uint32_t addr;  /* load (physical) address */
	uint32_t size;  /* bytes of data */
	uint8_t *data;
	char *name;     /* section name: ".text", ".data" */
};

struct image_sym {
	char *name;
	uint32_t addr;
	bool is_global;
};

/* A row of the line table (DWARF .debug_line, image_lines.c): the
 * instruction bytes [addr, end) came from line of files[file]. */
struct image_line {
	uint32_t addr, end;
	uint16_t file;
	uint32_t line;
};

struct image {
	uint32_t entry;
	struct image_seg *segs;
	int nsegs;
	struct image_sym *syms;
	int nsyms;
	char *path;     /* the file it came from, named in messages; may be NULL */
	struct image_line *lines; /* sorted by address; may be none */
	int nlines;
	char **files;   /* the source files the rows name */
	int nfiles;
};

/* Read and validate the ELF file at path into out (segments sorted by
 * address, none overlapping). False with a one-line message in err. */
bool image_read(const char *path, struct image *out, char *err, size_t errlen);
/* The same for the len bytes of an ELF file already in memory, called name
 * in messages (and out->path). */
bool image_parse(const void *bytes, size_t len, const char *name, struct image *out, char *err,
                 size_t errlen);
/* Write img as an ELF file at path, through a temporary file renamed into
 * place, so a failed write never leaves a partial file. Segments of size 0
 * get a section header but no program header. */
bool image_write(const char *path, const struct image *img, char *err, size_t errlen);
/* The ELF file image_write would write, in a malloc'd buffer (*bytes, *len);
 * name is for messages. */
bool image_encode(const struct image *img, const char *name, uint8_t **bytes, size_t *len,
                  char *err, size_t errlen);
/* Copy every segment into m. False, copying nothing, when a segment or the
 * entry point lies outside m. */
bool image_place(const struct image *img, struct mem *m, char *err, size_t errlen);
/* Load img into the VM (vm_load_image): its segments placed, pc at its
 * entry; the guest OS kernel and its pv build recognised by their symbols. */
struct vm;
bool image_load(struct vm *vm, const struct image *img, char *err, size_t errlen);
/* img in the monitor's form (struct vm_image), pointing into img's
 * segments; its segment array is malloc'd into *segs (NULL for none), the
 * caller's to free. False only when there is no memory for it. */
struct vm_image;
struct vm_segment;
bool image_vm_form(const struct image *img, struct vm_image *out, struct vm_segment **segs,
		   char *err, size_t errlen);
/* Free what image_read or the assembler allocated; leaves an empty image. */
void image_free(struct image *img);

/* The symbol at exactly addr, preferring a global, then a name without a
 * dot (not a local label); NULL if none. */
const struct image_sym *image_symbol_at(const struct image *img, uint32_t addr);
/* The symbol at or below addr nearest to it (same preference), with
 * *offset = addr - its address; NULL if none. */
const struct image_sym *image_symbol_near(const struct image *img, uint32_t addr,
                                          uint32_t *offset);
/* The address of the symbol called name; false if there is none. */
bool image_lookup(const struct image *img, const char *name, uint32_t *addr);

/* The line table (image_lines.c): .debug_line's bytes for img's rows
 * (false: out of memory); img's rows and files from such bytes (false with
 * why when the table breaks its own bounds); the row covering addr, or
 * NULL; "file.s:LINE" (the file's last component), or "" when none. */
bool image_lines_encode(const struct image *img, uint8_t **out, size_t *len);
bool image_lines_decode(struct image *img, const uint8_t *p, size_t n, const char **why);
const struct image_line *image_line_at(const struct image *img, uint32_t addr);
const char *image_line_text(const struct image *img, uint32_t addr, char *buf, size_t len);

/* For the reader and the writer: "PATH: error: " and the message into
 * err (errlen bytes); always false. */
bool image_fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
