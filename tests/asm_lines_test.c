/*
 * tests/asm_lines_test.c: the assembler's line table (DWARF .debug_line).
 * Owns: a row for every statement that assembles instructions, at its
 *       file and line (an included file's own; a macro's where it was
 *       invoked; a two-word pseudo-instruction one row of 8 bytes); no row
 *       for data; the ELF written and read back gives the same rows;
 *       readelf --debug-dump=decodedline reads the table as we meant it;
 *       a table that breaks its bounds is refused with one line; the
 *       monitor and the trace show file.s:line.
 * Not:  the rest of the image format (image_test.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asm.h"
#include "image.h"
#include "vmm/vmtest.h"

static const char main_s[] =
	"        .include \"lines_inc.s\"\n"   /* 1 */
	"_start:\n"                            /* 2 */
	"        li      r1, 5\n"              /* 3: one word */
	"        la      r2, msg\n"            /* 4: two words */
	"        twice   r1\n"                 /* 5: a macro of two instructions */
	"        call    helper\n"             /* 6 */
	"        wfi\n"                        /* 7 */
	"msg:    .word   1, 2, 3\n";           /* 8: data, no row */

static const char inc_s[] =
	"; an included file\n"                 /* 1 */
	"        .macro  twice r\n"            /* 2 */
	"        add     \\r, \\r, \\r\n"      /* 3 */
	"        add     \\r, \\r, \\r\n"      /* 4 */
	"        .endm\n"                      /* 5 */
	"helper: ret\n";                       /* 6 */

static char dir[64];

static void write_file(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	cr_assert(f && fputs(text, f) >= 0 && fclose(f) == 0, "cannot write %s", path);
}

/* The two sources assembled; the image in *img. */
static void assemble(struct image *img)
{
	char path[128];
	struct asm_input in = { path, NULL, 0 };
	struct asm_result r;

	snprintf(dir, sizeof dir, "/tmp/trapeze-lines-%ld", (long)getpid());
	mkdir(dir, 0777);
	write_file("lines_main.s", main_s);
	write_file("lines_inc.s", inc_s);
	snprintf(path, sizeof path, "%s/lines_main.s", dir);
	cr_assert(asm_assemble(&in, 1, NULL, &r), "%s", asm_diags_text(&r));
	*img = r.image;
	memset(&r.image, 0, sizeof r.image);
	asm_result_free(&r);
}

static void expect_row(const struct image *img, uint32_t addr, const char *file, uint32_t line,
		       uint32_t bytes)
{
	const struct image_line *l = image_line_at(img, addr);

	cr_assert(l, "no row at 0x%x", addr);
	cr_expect_eq(l->addr, addr, "the row at 0x%x starts at 0x%x", addr, l->addr);
	cr_expect_eq(l->line, line, "0x%x: line %u, not %u", addr, l->line, line);
	cr_expect_eq(l->end - l->addr, bytes, "0x%x: %u bytes, not %u", addr, l->end - l->addr, bytes);
	cr_expect(strstr(img->files[l->file], file), "0x%x: file %s, not %s", addr,
		  img->files[l->file], file);
}

static void expect_rows(const struct image *img)
{
	uint32_t msg;

	/* The included file comes first: helper (its ret) is at 0. */
	expect_row(img, 4, "lines_main.s", 3, 4);
	expect_row(img, 8, "lines_main.s", 4, 8);
	cr_expect_eq(image_line_at(img, 12), image_line_at(img, 8), "la's second word: la's row");
	expect_row(img, 16, "lines_main.s", 5, 4); /* the macro's lines: where invoked */
	expect_row(img, 20, "lines_main.s", 5, 4);
	expect_row(img, 24, "lines_main.s", 6, 4);
	expect_row(img, 28, "lines_main.s", 7, 4);
	cr_assert(image_lookup(img, "msg", &msg));
	cr_expect_null(image_line_at(img, msg), "data has no row");
	cr_assert(image_lookup(img, "helper", &msg));
	expect_row(img, msg, "lines_inc.s", 6, 4);
}

Test(asm_lines, a_row_for_each_instruction_statement)
{
	struct image img;

	assemble(&img);
	expect_rows(&img);
	image_free(&img);
}

Test(asm_lines, written_and_read_back)
{
	struct image img, back;
	char path[160], err[256];

	assemble(&img);
	snprintf(path, sizeof path, "%s/lines.elf", dir);
	cr_assert(image_write(path, &img, err, sizeof err), "%s", err);
	cr_assert(image_read(path, &back, err, sizeof err), "%s", err);
	cr_assert_eq(back.nlines, img.nlines);
	expect_rows(&back);
	image_free(&img);
	image_free(&back);
}

/* readelf, a tool that knows nothing of Trapeze, decodes the same rows. */
Test(asm_lines, readelf_reads_the_table)
{
	struct image img;
	char path[160], err[256], cmd[400], line[256];
	bool saw3 = false, saw4 = false, saw_inc = false;
	FILE *p;

	assemble(&img);
	snprintf(path, sizeof path, "%s/lines.elf", dir);
	cr_assert(image_write(path, &img, err, sizeof err), "%s", err);
	snprintf(cmd, sizeof cmd, "readelf --debug-dump=decodedline '%s' 2>&1", path);
	p = popen(cmd, "r");
	cr_assert(p, "cannot run readelf");
	while (fgets(line, sizeof line, p)) {
		char file[128];
		unsigned ln;
		char addr[32];
		if (sscanf(line, "%127s %u %31s", file, &ln, addr) != 3)
			continue;
		saw3 |= strstr(file, "lines_main.s") && ln == 3 && !strcmp(addr, "0x4");
		saw4 |= strstr(file, "lines_main.s") && ln == 4 && !strcmp(addr, "0x8");
		saw_inc |= strstr(file, "lines_inc.s") && ln == 6;
	}
	cr_assert_eq(pclose(p), 0, "readelf failed");
	cr_expect(saw3 && saw4, "readelf did not show lines_main.s 3 at 0x4 and 4 at 0x8");
	cr_expect(saw_inc, "readelf did not show the included file's row");
	image_free(&img);
}

/* Corrupted tables: each refused with one line naming .debug_line. */
Test(asm_lines, a_broken_table_is_refused)
{
	struct image img, back;
	uint8_t *bytes, *copy;
	size_t len;
	char err[256];
	const uint8_t magic[] = { 3, 0 }; /* the version, just after the unit's length */
	bool found = false;

	assemble(&img);
	cr_assert(image_encode(&img, "lines.elf", &bytes, &len, err, sizeof err));
	copy = malloc(len);
	for (size_t at = 0; at + 14 < len; at++) {
		/* .debug_line begins with its length, then version 3 */
		if (memcmp(bytes + at + 4, magic, 2) || bytes[at + 10] != 1 || bytes[at + 11] != 1 ||
		    bytes[at + 12] != 0xfb || bytes[at + 13] != 14)
			continue;
		for (int k = 0; k < 4; k++) {
			memcpy(copy, bytes, len);
			if (k == 0)
				copy[at + 3] = 0x7f; /* a unit longer than the section */
			else if (k == 1)
				copy[at + 4] = 9;    /* version 9 */
			else if (k == 2)
				copy[at + 9] = 0x7f; /* a header longer than its unit */
			else
				copy[at + 13] = 0;   /* a line range of 0 */
			cr_expect(!image_parse(copy, len, "bad.elf", &back, err, sizeof err),
				  "corruption %d accepted", k);
			cr_expect(strstr(err, "bad.elf: ") && strstr(err, ".debug_line") &&
				  !strchr(err, '\n'), "corruption %d: %s", k, err);
		}
		found = true;
		break;
	}
	cr_expect(found, "no .debug_line in the encoded image");
	free(copy);
	free(bytes);
	image_free(&img);
}

Test(asm_lines, monitor_and_trace_show_the_source_line)
{
	int status;
	char args[512], *out;

	snprintf(args, sizeof args, "run --trace --max-steps 3 %s/guest/kernel.elf",
		 getenv("BUILD") ? getenv("BUILD") : "build");
	out = vt_trapeze(args, VT_STDERR, &status);
	cr_expect(strstr(out, "ldw r1, booted(r0)") && strstr(out, "; boot.s:"), "%s", out);
	free(out);
}
