/*
 * tests/fuzz/fuzz_image.c: the ELF image loader on any bytes at all.
 * Owns: the loader's invariants: a file is accepted or refused with one
 *       line "NAME: error: what"; an accepted image has its segments sorted,
 *       disjoint and inside the 32-bit space; it is written and read back
 *       the same; placing it in memory copies every segment exactly, or
 *       nothing; and, small enough, it disassembles to source that
 *       re-assembles to the same bytes at the same addresses.
 * Not:  the loader's golden messages (tests/image_test.c, tests/badinput_test.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "dis.h"
#include "fuzz.h"
#include "image.h"

enum { PLACE_MEM = 64 * 1024, DIS_MAX = 16 * 1024 };

static const char H[] = "fuzz_image";

static void check_refusal(const char *err)
{
	static const char prefix[] = "input.elf: error: ";
	FUZZ_CHECK(H, !strncmp(err, prefix, sizeof prefix - 1) && err[sizeof prefix - 1],
	           "a refusal is 'NAME: error: what': '%s'", err);
	FUZZ_CHECK(H, !strchr(err, '\n'), "a refusal is one line: '%s'", err);
}

static void check_shape(const struct image *img)
{
	for (int i = 0; i < img->nsegs; i++) {
		const struct image_seg *s = &img->segs[i];
		FUZZ_CHECK(H, s->size > 0 && s->data && s->name, "segment %d is empty or unnamed", i);
		FUZZ_CHECK(H, (uint64_t)s->addr + s->size <= 0x100000000u,
		           "segment at 0x%08x (%u bytes) wraps the address space", s->addr, s->size);
		FUZZ_CHECK(H, i == 0 || (uint64_t)img->segs[i - 1].addr + img->segs[i - 1].size <= s->addr,
		           "segments %d and %d overlap or are out of order", i - 1, i);
	}
	for (int i = 0; i < img->nsyms; i++)
		FUZZ_CHECK(H, img->syms[i].name && img->syms[i].name[0], "symbol %d has no name", i);
}

/* Written out and read back, the image is the same. */
static void check_round_trip(const struct image *img)
{
	struct image back;
	uint8_t *bytes;
	size_t len;
	char err[512];

	FUZZ_CHECK(H, image_encode(img, "again.elf", &bytes, &len, err, sizeof err), "%s", err);
	FUZZ_CHECK(H, image_parse(bytes, len, "again.elf", &back, err, sizeof err),
	           "an image written back is refused: %s", err);
	FUZZ_CHECK(H, back.entry == img->entry && back.nsegs == img->nsegs,
	           "written back: entry 0x%x, %d segments; was 0x%x, %d", back.entry, back.nsegs,
	           img->entry, img->nsegs);
	for (int i = 0; i < img->nsegs; i++) {
		const struct image_seg *a = &img->segs[i], *b = &back.segs[i];
		FUZZ_CHECK(H, a->addr == b->addr && a->size == b->size &&
		                      !memcmp(a->data, b->data, a->size) && !strcmp(a->name, b->name),
		           "segment %d at 0x%08x changed when written back", i, a->addr);
	}
	FUZZ_CHECK(H, back.nsyms == img->nsyms, "written back: %d symbols, was %d", back.nsyms,
	           img->nsyms);
	for (int i = 0; i < img->nsyms; i++) {
		bool found = false;
		for (int k = 0; k < back.nsyms && !found; k++)
			found = !strcmp(img->syms[i].name, back.syms[k].name) &&
			        img->syms[i].addr == back.syms[k].addr &&
			        img->syms[i].is_global == back.syms[k].is_global;
		FUZZ_CHECK(H, found, "symbol '%s' lost when written back", img->syms[i].name);
	}
	image_free(&back);
	free(bytes);
}

/* image_place copies every segment exactly, or nothing at all. */
static void check_place(const struct image *img)
{
	struct mem m;
	char err[512];
	bool ok;

	FUZZ_CHECK(H, mem_init(&m, PLACE_MEM), "out of host memory");
	ok = image_place(img, &m, err, sizeof err);
	if (ok) {
		FUZZ_CHECK(H, img->entry <= PLACE_MEM - 4, "entry 0x%x placed outside memory", img->entry);
		for (int i = 0; i < img->nsegs; i++)
			FUZZ_CHECK(H, !memcmp(m.bytes + img->segs[i].addr, img->segs[i].data,
			                      img->segs[i].size),
			           "segment at 0x%08x not copied whole", img->segs[i].addr);
	} else {
		check_refusal(err);
		for (uint32_t a = 0; a < PLACE_MEM; a++)
			FUZZ_CHECK(H, m.bytes[a] == 0, "a refused image wrote memory at 0x%x", a);
	}
	mem_free(&m);
}

/* The byte of img at addr, or 0 in a gap. */
static uint8_t byte_at(const struct image *img, uint32_t addr, bool *inside)
{
	for (int i = 0; i < img->nsegs; i++)
		if (addr >= img->segs[i].addr && addr - img->segs[i].addr < img->segs[i].size) {
			*inside = true;
			return img->segs[i].data[addr - img->segs[i].addr];
		}
	*inside = false;
	return 0;
}

/* dis_image's promise: the text re-assembles to the same bytes at the same
 * addresses. It is made for images like the assembler's: at most one
 * segment in each of .text (a word-aligned ".text") and .data; a foreign
 * image with more has its gaps filled with zeros, which for segments far
 * apart is more than a section may hold (tools/dis/dis_image.c says so). */
static void check_disassembly(const struct image *img)
{
	struct asm_result r;
	uint64_t total = 0;
	int ntext = 0;
	char *text;

	for (int i = 0; i < img->nsegs; i++) {
		total += img->segs[i].size;
		ntext += !strcmp(img->segs[i].name, ".text") && img->segs[i].addr % 4 == 0;
	}
	if (total > DIS_MAX || ntext > 1 || img->nsegs - ntext > 1)
		return;
	text = dis_image(img, "input.elf");
	FUZZ_CHECK(H, text, "dis_image ran out of memory");
	if (!asm_assemble_text("dis.s", text, &r)) {
		char *diags = asm_diags_text(&r);
		fuzz_fail(H, "the disassembly does not re-assemble:\n%s\n--- source:\n%s", diags, text);
	}
	for (int i = 0; i < img->nsegs; i++) {
		const struct image_seg *s = &img->segs[i];
		for (uint32_t k = 0; k < s->size; k++) {
			bool inside;
			uint8_t b = byte_at(&r.image, s->addr + k, &inside);
			FUZZ_CHECK(H, inside && b == s->data[k],
			           "re-assembled byte at 0x%08x is 0x%02x%s, was 0x%02x\n--- source:\n%s",
			           s->addr + k, b, inside ? "" : " (missing)", s->data[k], text);
		}
	}
	for (int i = 0; i < r.image.nsegs; i++) {
		const struct image_seg *s = &r.image.segs[i];
		for (uint32_t k = 0; k < s->size; k++) {
			bool inside;
			byte_at(img, s->addr + k, &inside);
			FUZZ_CHECK(H, inside || s->data[k] == 0,
			           "re-assembly put 0x%02x at 0x%08x, outside every segment", s->data[k],
			           s->addr + k);
		}
	}
	asm_result_free(&r);
	free(text);
}

int fuzz_image(const uint8_t *data, size_t size)
{
	struct image img;
	char err[512];

	fuzz_tally(H, 0);
	if (!image_parse(data, size, "input.elf", &img, err, sizeof err)) {
		check_refusal(err);
		FUZZ_CHECK(H, img.nsegs == 0 && img.nsyms == 0 && !img.segs && !img.syms,
		           "a refused file leaves an empty image");
		return 0;
	}
	check_shape(&img);
	check_round_trip(&img);
	check_place(&img);
	check_disassembly(&img);
	image_free(&img);
	return 0;
}

#ifdef TRAPEZE_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_image(data, size);
}
#endif
