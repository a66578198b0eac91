/*
 * tests/image_test.c: ELF images: written, read back, placed, refused.
 * Owns: the write/read round trip; readelf reading an assembled image; each
 *       loader error's exact one-line message; placing into memory; symbol
 *       look-ups.
 * Not:  assembling (tests/asm_test.c) or disassembling (tests/dis_test.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asm.h"
#include "image.h"
#include "mem.h"

/* A temporary file name unique to this test process. */
static void temp_name(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "/tmp/trapeze-image-%ld-%s.elf", (long)getpid(), tag);
}

static uint8_t text_bytes[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
static uint8_t data_bytes[] = { 'h', 'e', 'l', 'l', 'o' };

/* A small image: .text at 0 (12 bytes), .data at 0x103 (5 bytes). */
static struct image sample(struct image_seg *segs, struct image_sym *syms)
{
	segs[0] = (struct image_seg){ 0, sizeof text_bytes, text_bytes, ".text" };
	segs[1] = (struct image_seg){ 0x103, sizeof data_bytes, data_bytes, ".data" };
	syms[0] = (struct image_sym){ "_start", 4, true };
	syms[1] = (struct image_sym){ "loop", 8, false };
	syms[2] = (struct image_sym){ "msg", 0x103, false };
	syms[3] = (struct image_sym){ "end", 0x108, true };
	return (struct image){ .entry = 4, .segs = segs, .nsegs = 2, .syms = syms, .nsyms = 4 };
}

static void write_sample(const char *path)
{
	struct image_seg segs[2];
	struct image_sym syms[4];
	struct image img = sample(segs, syms);
	char err[256];
	cr_assert(image_write(path, &img, err, sizeof err), "%s", err);
}

Test(image, write_then_read_gives_the_same_image)
{
	char path[128], err[256];
	temp_name(path, sizeof path, "rt");
	write_sample(path);
	struct image img;
	cr_assert(image_read(path, &img, err, sizeof err), "%s", err);
	cr_assert_eq(img.entry, 4);
	cr_assert_eq(img.nsegs, 2);
	cr_assert_str_eq(img.segs[0].name, ".text");
	cr_assert_eq(img.segs[0].addr, 0);
	cr_assert_eq(img.segs[0].size, sizeof text_bytes);
	cr_assert_eq(memcmp(img.segs[0].data, text_bytes, sizeof text_bytes), 0);
	cr_assert_str_eq(img.segs[1].name, ".data");
	cr_assert_eq(img.segs[1].addr, 0x103);
	cr_assert_eq(memcmp(img.segs[1].data, data_bytes, sizeof data_bytes), 0);
	cr_assert_eq(img.nsyms, 4);
	uint32_t a;
	cr_assert(image_lookup(&img, "_start", &a) && a == 4);
	cr_assert(image_lookup(&img, "end", &a) && a == 0x108);
	cr_assert(image_symbol_at(&img, 4)->is_global);
	cr_assert_not(image_symbol_at(&img, 8)->is_global);
	cr_assert_str_eq(img.path, path);
	image_free(&img);
	unlink(path);
}

Test(image, readelf_reads_an_assembled_image_cleanly)
{
	if (system("command -v readelf >/dev/null 2>&1") != 0)
		cr_skip_test("readelf is not installed");
	struct asm_result r;
	struct asm_input in = { "tests/asm/features.s", NULL, 0 };
	char path[128], err[256], cmd[1024];
	cr_assert(asm_assemble(&in, 1, NULL, &r));
	temp_name(path, sizeof path, "readelf");
	cr_assert(image_write(path, &r.image, err, sizeof err), "%s", err);
	snprintf(cmd, sizeof cmd, "readelf -h -S -s -l %s > %s.out 2> %s.err", path, path, path);
	cr_assert_eq(system(cmd), 0, "readelf failed");
	snprintf(cmd, sizeof cmd, "test ! -s %s.err && grep -q 'Machine:.*0x5452' %s.out && "
	         "grep -q ' _start$' %s.out && grep -q 'LOAD' %s.out", path, path, path, path);
	cr_assert_eq(system(cmd), 0, "readelf complained or missed something");
	snprintf(cmd, sizeof cmd, "rm -f %s %s.out %s.err", path, path, path);
	cr_assert_eq(system(cmd), 0);
	asm_result_free(&r);
}

/* Read a copy of the sample patched at off with n bytes; expect message. */
static void expect_read_error(const char *tag, size_t off, const void *patch, size_t n,
                              long truncate_to, const char *message)
{
	char path[128], err[256], want[512];
	temp_name(path, sizeof path, tag);
	write_sample(path);
	FILE *f = fopen(path, "r+b");
	cr_assert(f);
	if (n) {
		fseek(f, (long)off, SEEK_SET);
		fwrite(patch, 1, n, f);
	}
	fclose(f);
	if (truncate_to >= 0)
		cr_assert_eq(truncate(path, truncate_to), 0);
	struct image img;
	cr_assert_not(image_read(path, &img, err, sizeof err));
	snprintf(want, sizeof want, "%s: error: %s", path, message);
	cr_assert_str_eq(err, want);
	cr_assert_eq(img.nsegs, 0, "a failed read leaves an empty image");
	unlink(path);
}

Test(image_errors, not_an_elf_file)
{
	expect_read_error("notelf", 0, "hello", 5, -1, "not an ELF file");
	expect_read_error("empty", 0, NULL, 0, 0, "empty file, not an ELF image");
}

Test(image_errors, truncated_header)
{
	expect_read_error("trunc", 0, NULL, 0, 30, "truncated ELF header");
}

Test(image_errors, wrong_machine)
{
	expect_read_error("machine", 18, "\x3e\x00", 2, -1,
	                  "wrong machine type 0x3e (a Trapeze image has 0x5452)");
}

Test(image_errors, wrong_class_and_type)
{
	expect_read_error("class", 4, "\x02", 1, -1, "not a 32-bit ELF file (class 2)");
	expect_read_error("type", 16, "\x01\x00", 2, -1, "not an executable ELF file (type 1)");
}

Test(image_errors, truncated_program_headers)
{
	expect_read_error("phdrs", 28, "\x00\x10\x00\x00", 4, -1, "truncated program headers");
}

Test(image_errors, truncated_section_headers)
{
	expect_read_error("shdrs", 32, "\x00\x10\x00\x00", 4, -1, "truncated section headers");
}

Test(image_errors, truncated_segment_data)
{
	/* the first PT_LOAD's p_offset, moved past the end of the file */
	expect_read_error("segdata", 52 + 4, "\x00\x10\x00\x00", 4, -1,
	                  "truncated segment data at 0x00000000");
}

Test(image_errors, absurd_segment_size)
{
	expect_read_error("absurd", 52 + 20, "\x00\x00\x00\x80", 4, -1,
	                  "segment at 0x00000000 has an absurd size (2147483648 bytes)");
}

Test(image_errors, overlapping_segments)
{
	char path[128], err[256], want[256];
	struct image_seg segs[2] = { { 0, 8, text_bytes, ".text" }, { 4, 5, data_bytes, ".data" } };
	struct image img = { .segs = segs, .nsegs = 2 }, back;
	temp_name(path, sizeof path, "overlap");
	cr_assert(image_write(path, &img, err, sizeof err), "%s", err);
	cr_assert_not(image_read(path, &back, err, sizeof err));
	snprintf(want, sizeof want, "%s: error: segments at 0x00000000 and 0x00000004 overlap", path);
	cr_assert_str_eq(err, want);
	unlink(path);
}

Test(image_errors, missing_file)
{
	char err[256];
	struct image img;
	cr_assert_not(image_read("/nonexistent/prog.elf", &img, err, sizeof err));
	cr_assert_str_eq(err, "/nonexistent/prog.elf: error: cannot open: No such file or directory");
}

Test(image_errors, failed_write_leaves_no_file)
{
	char err[256];
	struct image_seg segs[2];
	struct image_sym syms[4];
	struct image img = sample(segs, syms);
	cr_assert_not(image_write("/nonexistent/prog.elf", &img, err, sizeof err));
	cr_assert_str_eq(err, "/nonexistent/prog.elf: error: cannot write: No such file or directory");
}

Test(image_place, copies_every_segment_into_memory)
{
	struct image_seg segs[2];
	struct image_sym syms[4];
	struct image img = sample(segs, syms);
	struct mem m;
	char err[256];
	cr_assert(mem_init(&m, 4096));
	cr_assert(image_place(&img, &m, err, sizeof err), "%s", err);
	cr_assert_eq(memcmp(m.bytes, text_bytes, sizeof text_bytes), 0);
	cr_assert_eq(memcmp(m.bytes + 0x103, data_bytes, sizeof data_bytes), 0);
	mem_free(&m);
}

Test(image_place, segment_outside_memory_is_refused_and_nothing_copied)
{
	struct image_seg segs[2] = { { 0, 12, text_bytes, ".text" },
		                     { 0xFFFFC, 8, text_bytes, ".data" } };
	struct image img = { .segs = segs, .nsegs = 2, .path = "prog.elf" };
	struct mem m;
	char err[256];
	cr_assert(mem_init(&m, 1 << 20));
	cr_assert_not(image_place(&img, &m, err, sizeof err));
	cr_assert_str_eq(err, "prog.elf: error: segment at 0x000ffffc (8 bytes) lies outside the "
	                      "1048576-byte memory");
	cr_assert_eq(m.bytes[0], 0, "nothing was copied");
	mem_free(&m);
}

Test(image_place, entry_outside_memory_is_refused)
{
	struct image_seg segs[1] = { { 0, 12, text_bytes, ".text" } };
	struct image img = { .entry = 0x100000, .segs = segs, .nsegs = 1, .path = "prog.elf" };
	struct mem m;
	char err[256];
	cr_assert(mem_init(&m, 1 << 20));
	cr_assert_not(image_place(&img, &m, err, sizeof err));
	cr_assert_str_eq(err, "prog.elf: error: entry point 0x00100000 lies outside the "
	                      "1048576-byte memory");
	mem_free(&m);
}

Test(image_symbols, lookups_prefer_globals_then_names_without_a_dot)
{
	struct image_sym syms[] = { { "f.loop", 0x10, false }, { "f", 0x10, false },
		                    { "g", 0x20, false }, { "G", 0x20, true }, { "h", 0x40, false } };
	struct image img = { .syms = syms, .nsyms = 5 };
	uint32_t off = 99, a;
	cr_assert_str_eq(image_symbol_at(&img, 0x10)->name, "f");
	cr_assert_str_eq(image_symbol_at(&img, 0x20)->name, "G");
	cr_assert_null(image_symbol_at(&img, 0x14));
	cr_assert_str_eq(image_symbol_near(&img, 0x14, &off)->name, "f");
	cr_assert_eq(off, 4);
	cr_assert_str_eq(image_symbol_near(&img, 0x3c, &off)->name, "G");
	cr_assert_null(image_symbol_near(&img, 0x0c, &off));
	cr_assert(image_lookup(&img, "h", &a));
	cr_assert_eq(a, 0x40);
	cr_assert_not(image_lookup(&img, "nope", &a));
	cr_assert_null(image_symbol_at(NULL, 0));
}
