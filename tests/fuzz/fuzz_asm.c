/*
 * tests/fuzz/fuzz_asm.c: the assembler on any text at all.
 * Owns: the assembler's invariants: it succeeds exactly when it reports no
 *       error, and fails saying what is wrong; every diagnostic formats as
 *       GNU text whose first line is "FILE[:LINE:COL]: error|note: ..."; the
 *       same source gives the same result twice; a program it accepts has
 *       disjoint segments, survives being written as ELF and read back, and
 *       (small enough) disassembles to source that re-assembles to the same
 *       bytes (the disassembler's promise, tested on the assembler's output).
 * Not:  golden messages (tests/asm_errors_test.c, tests/badinput_test.c).
 *
 * The first byte chooses options (a listing, a -D definition); the rest is
 * the source.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "dis.h"
#include "fuzz.h"
#include "image.h"

enum { DIS_MAX = 16 * 1024 };

static const char H[] = "fuzz_asm";

static void check_diagnostics(const struct asm_result *r)
{
	int errors = 0;

	for (int i = 0; i < r->ndiags; i++) {
		const struct asm_diag *d = &r->diags[i];
		char *text = asm_diag_format(d);
		size_t head = text ? strcspn(text, "\n") : 0;

		errors += d->severity == ASM_ERROR;
		FUZZ_CHECK(H, text && d->message && d->message[0] && !strchr(d->message, '\n'),
		           "diagnostic %d has no one-line message", i);
		FUZZ_CHECK(H, d->line >= 0 && d->col >= 0 && (d->line == 0 || d->col >= 1),
		           "diagnostic %d at line %d col %d", i, d->line, d->col);
		FUZZ_CHECK(H, strstr(text, d->severity == ASM_ERROR ? "error: " : "note: ") &&
		                      strstr(text, d->severity == ASM_ERROR ? "error: " : "note: ") <
		                              text + head,
		           "diagnostic %d does not say what it is: %s", i, text);
		free(text);
	}
	FUZZ_CHECK(H, errors == r->nerrors, "%d errors counted, %d reported", r->nerrors, errors);
}

static void check_image(const struct image *img)
{
	for (int i = 0; i < img->nsegs; i++) {
		const struct image_seg *s = &img->segs[i];
		FUZZ_CHECK(H, (uint64_t)s->addr + s->size <= 0x100000000u,
		           "segment at 0x%08x wraps the address space", s->addr);
		for (int k = 0; k < i; k++) {
			const struct image_seg *o = &img->segs[k];
			FUZZ_CHECK(H, !s->size || !o->size || s->addr >= o->addr + (uint64_t)o->size ||
			                      o->addr >= s->addr + (uint64_t)s->size,
			           "segments at 0x%08x and 0x%08x overlap", o->addr, s->addr);
		}
	}
}

/* Written as ELF and read back: the same segments and entry. */
static void check_elf(const struct image *img)
{
	struct image back;
	uint8_t *bytes;
	size_t len;
	char err[512];
	int nonempty = 0;

	FUZZ_CHECK(H, image_encode(img, "out.elf", &bytes, &len, err, sizeof err), "%s", err);
	FUZZ_CHECK(H, image_parse(bytes, len, "out.elf", &back, err, sizeof err),
	           "the loader refuses what the assembler wrote: %s", err);
	FUZZ_CHECK(H, back.entry == img->entry, "entry 0x%x read back as 0x%x", img->entry,
	           back.entry);
	for (int i = 0; i < img->nsegs; i++) {
		const struct image_seg *s = &img->segs[i];
		bool found = false;
		if (!s->size)
			continue;
		nonempty++;
		for (int k = 0; k < back.nsegs && !found; k++)
			found = back.segs[k].addr == s->addr && back.segs[k].size == s->size &&
			        !memcmp(back.segs[k].data, s->data, s->size);
		FUZZ_CHECK(H, found, "segment at 0x%08x changed in the ELF file", s->addr);
	}
	FUZZ_CHECK(H, back.nsegs == nonempty, "%d segments read back, %d written", back.nsegs,
	           nonempty);
	image_free(&back);
	free(bytes);
}

/* dis_image's promise on the assembler's own output: the same bytes. */
static void check_disassembly(const struct image *img)
{
	struct asm_result again;
	uint64_t total = 0;
	char *text;

	for (int i = 0; i < img->nsegs; i++)
		total += img->segs[i].size;
	if (total > DIS_MAX)
		return;
	text = dis_image(img, "fuzz.s");
	FUZZ_CHECK(H, text, "dis_image ran out of memory");
	if (!asm_assemble_text("dis.s", text, &again))
		fuzz_fail(H, "the disassembly does not re-assemble:\n%s\n--- source:\n%s",
		          asm_diags_text(&again), text);
	for (int i = 0; i < img->nsegs; i++) {
		const struct image_seg *s = &img->segs[i];
		bool found = !s->size;
		for (int k = 0; k < again.image.nsegs && !found; k++)
			found = again.image.segs[k].addr == s->addr &&
			        again.image.segs[k].size == s->size &&
			        !memcmp(again.image.segs[k].data, s->data, s->size);
		FUZZ_CHECK(H, found, "segment %s at 0x%08x does not re-assemble to the same bytes\n"
		                     "--- source:\n%s", s->name, s->addr, text);
	}
	asm_result_free(&again);
	free(text);
}

int fuzz_asm(const uint8_t *data, size_t size)
{
	static const char *const defines[] = { "FUZZ=1" };
	struct fuzz_in in = { data, size };
	uint8_t flags = fuzz_byte(&in);
	struct asm_options opt = { 0 };
	struct asm_input src = { "fuzz.s", (const char *)in.p, in.n };
	struct asm_result r, r2;
	char *t1, *t2;
	bool ok;

	fuzz_tally(H, 0);
	opt.listing = flags & 1;
	opt.defines = defines;
	opt.ndefines = flags & 2 ? 1 : 0;
	ok = asm_assemble(&src, 1, &opt, &r);
	FUZZ_CHECK(H, ok == (r.nerrors == 0), "returned %d with %d errors", ok, r.nerrors);
	FUZZ_CHECK(H, ok || r.ndiags > 0, "failed without saying why");
	check_diagnostics(&r);

	/* The same source, the same verdict, word for word. */
	asm_assemble(&src, 1, &opt, &r2);
	t1 = asm_diags_text(&r);
	t2 = asm_diags_text(&r2);
	FUZZ_CHECK(H, !strcmp(t1, t2), "two runs disagree:\n%s---\n%s", t1, t2);
	free(t1);
	free(t2);
	asm_result_free(&r2);

	if (ok) {
		FUZZ_CHECK(H, !opt.listing || r.listing, "a listing was asked for and not made");
		check_image(&r.image);
		check_elf(&r.image);
		check_disassembly(&r.image);
	}
	asm_result_free(&r);
	return 0;
}

#ifdef TRAPEZE_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_asm(data, size);
}
#endif
