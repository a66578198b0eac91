/*
 * tests/asm_test.c: the assembler, from source to bytes.
 * Owns: encodings of the language's examples, pseudo-instructions, sections,
 *       symbols, macros, includes and conditionals, the listing; the trapeze
 *       asm command's files and exit codes.
 * Not:  diagnostics and robustness (tests/asm_errors_test.c); the
 *       disassembler's round trips (tests/dis_test.c); ELF files
 *       (tests/image_test.c).
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asm.h"
#include "commands.h"
#include "isa.h"

/* Assemble src (no errors allowed) and return the segment called name. */
static const struct image_seg *segment(struct asm_result *r, const char *src, const char *name)
{
	bool ok = asm_assemble_text("t.s", src, r);
	char *d = asm_diags_text(r);
	cr_assert(ok, "unexpected errors:\n%s", d);
	free(d);
	for (int i = 0; i < r->image.nsegs; i++)
		if (!strcmp(r->image.segs[i].name, name))
			return &r->image.segs[i];
	cr_assert_fail("no segment %s", name);
	return NULL;
}

static uint32_t word_at(const struct image_seg *s, uint32_t off)
{
	cr_assert(off + 4 <= s->size, "offset %u beyond the segment (%u bytes)", off, s->size);
	const uint8_t *b = s->data + off;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* The text words of src must be exactly want[0..n). */
static void expect_words(const char *src, const uint32_t *want, int n)
{
	struct asm_result r;
	const struct image_seg *t = segment(&r, src, ".text");
	cr_assert_eq(t->size, 4u * (uint32_t)n, "%s: %u bytes, wanted %d words", src, t->size, n);
	for (int i = 0; i < n; i++)
		cr_assert_eq(word_at(t, 4u * (uint32_t)i), want[i], "%s: word %d is %08x, wanted %08x",
		             src, i, word_at(t, 4u * (uint32_t)i), want[i]);
	asm_result_free(&r);
}

#define WORDS(src, ...)                                                                  \
	do {                                                                             \
		const uint32_t w_[] = { __VA_ARGS__ };                                   \
		expect_words(src, w_, (int)(sizeof w_ / sizeof w_[0]));                   \
	} while (0)

Test(asm, examples_encode_as_the_isa_says)
{
	WORDS("add r1, r2, r3", 0x01123000);
	WORDS("addi r1, r2, -5", 0x1112fffb);
	WORDS("lui r1, 0x1234", 0x10101234);
	WORDS("ldw r1, 8(r2)", 0x30120008);
	WORDS("ldw r1, (r2)", 0x30120000);
	WORDS("stw r1, -4(sp)", 0x381efffc);
	WORDS("cmp r1, r2", 0x20012000);
	WORDS("cmpi r1, 10", 0x2101000a);
	WORDS("beq label\nnop\nlabel:", 0x41000001, 0x01000000);
	WORDS("func: jal func", 0x49ffffff);
	WORDS("jr lr", 0x4a0f0000);
	WORDS("jalr r1, r2", 0x4b120000);
	WORDS("sys 3", 0x50000003);
	WORDS("mfsr r1, epc", 0x60100001);
	WORDS("mtsr tvec, r1", 0x61010000);
	WORDS("in r1, PORT_CON_STATUS", 0x62100011);
	WORDS("out PORT_CON_DATA, r1", 0x63010010);
	WORDS("wfi\nrfe", 0x64000000, 0x65000000);
	WORDS("getpsw r1\nsetpsw r1\ngetbase r1\njru r1", 0x66100000, 0x67010000, 0x68100000,
	      0x69010000);
	WORDS("rdcyc r1\ncpuid r1, r2", 0x53100000, 0x54120000);
	WORDS("add zero, fp, lr", 0x010df000);
}

Test(asm, pseudo_instructions_expand_to_their_documented_words)
{
	WORDS("nop", 0x01000000);
	WORDS("mov r1, r2", 0x01120000);
	WORDS("li r1, -5", 0x1110fffb);
	WORDS("li r1, 0x12345678", 0x10101234, 0x14115678);
	WORDS("la r1, 8", 0x10100000, 0x14110008);
	WORDS("x: call x", 0x49ffffff);
	WORDS("ret", 0x4a0f0000);
	WORDS("x: b x", 0x40ffffff);
	WORDS("push r3", 0x11eefffc, 0x383e0000);
	WORDS("pop r3", 0x303e0000, 0x11ee0004);
	WORDS("neg r1, r2", 0x02102000);
	WORDS("not r1, r2", 0x02102000, 0x1111ffff);
	WORDS("x: beq r1, r2, x", 0x20012000, 0x41fffffe);
	WORDS("x: bgeu r1, r2, x", 0x20012000, 0x46fffffe);
	WORDS("x: bnez r4, x", 0x21040000, 0x42fffffe);
	WORDS("x: blez r4, x", 0x21040000, 0x48fffffe);
}

Test(asm, li_size_depends_only_on_earlier_constants)
{
	/* A constant defined later, or a label, always takes the long form. */
	WORDS("li r1, K\nK = 5", 0x10100000, 0x14110005);
	WORDS("K = 5\nli r1, K", 0x11100005);
	WORDS("x: li r1, x", 0x10100000, 0x14110000);
	WORDS("li r1, 32767\nli r1, -32768", 0x11107fff, 0x11108000);
	WORDS("li r1, 32768", 0x10100000, 0x14118000);
	WORDS("li r1, PSW_S | PSW_IE", 0x11100003);
}

Test(asm, expressions_follow_c_precedence)
{
	WORDS(".word 1 + 2 * 3, (1 + 2) * 3, 7 - 2 - 1, 1 << 4 | 1, ~0 & 0xff",
	      7, 9, 4, 17, 0xff);
	WORDS(".word -7 / 2, -7 % 2, 0b1010, 'a', '\\n', '\\x41', hi(0x12345678), lo(-1)",
	      (uint32_t)-3, (uint32_t)-1, 10, 'a', '\n', 0x41, 0x1234, 0xffff);
	WORDS(".word 3 > 2, 2 >= 3, 1 == 1 && 2 != 2, 0 || 5, !0, -0x80000000",
	      1, 0, 0, 1, 1, 0x80000000);
	WORDS("x: .word . - x, x + 4, .", 0, 4, 8);
}

Test(asm, predefined_constants_come_from_the_isa_tables)
{
	char src[8192] = "";
	for (int i = 0; i < isa_nports; i++)
		sprintf(src + strlen(src), ".word PORT_%s\n", isa_ports[i].name);
	for (int i = 0; i < isa_ncauses; i++)
		sprintf(src + strlen(src), ".word CAUSE_%s\n", isa_causes[i].name);
	for (int i = 0; i < isa_nsregs; i++)
		sprintf(src + strlen(src), ".word SR_%s\n", isa_sregs[i].name);
	strcat(src, ".word PSW_S, PSW_IE, PSW_Z, PSW_N, PSW_C, PSW_V, IRQ_TIMER, IRQ_CONSOLE, IRQ_DISK\n");
	struct asm_result r;
	const struct image_seg *t = segment(&r, src, ".text");
	uint32_t at = 0;
	for (int i = 0; i < isa_nports; i++, at += 4)
		cr_assert_eq(word_at(t, at), (uint32_t)isa_ports[i].number);
	for (int i = 0; i < isa_ncauses; i++, at += 4)
		cr_assert_eq(word_at(t, at), (uint32_t)isa_causes[i].number);
	for (int i = 0; i < isa_nsregs; i++, at += 4)
		cr_assert_eq(word_at(t, at), (uint32_t)isa_sregs[i].number);
	const uint32_t rest[] = { PSW_S, PSW_IE, PSW_Z, PSW_N, PSW_C, PSW_V, IRQ_TIMER, IRQ_CONSOLE,
		                  IRQ_DISK };
	for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++, at += 4)
		cr_assert_eq(word_at(t, at), rest[i]);
	asm_result_free(&r);
}

Test(asm, data_follows_text_aligned_to_16)
{
	struct asm_result r;
	const struct image_seg *d = segment(&r, "nop\nnop\nnop\n.data\nv: .byte 1\n", ".data");
	cr_assert_eq(d->addr, 16);
	cr_assert_eq(d->size, 1);
	uint32_t v;
	cr_assert(image_lookup(&r.image, "v", &v));
	cr_assert_eq(v, 16);
	cr_assert_eq(r.image.entry, 0);
	asm_result_free(&r);
}

Test(asm, org_at_the_start_sets_where_a_section_begins)
{
	struct asm_result r;
	const char *src = ".data\n.org 0x3000\nd: .word t\n.text\n.org 0x1000\nt: nop\n_start: nop\n";
	const struct image_seg *d = segment(&r, src, ".data");
	cr_assert_eq(d->addr, 0x3000);
	cr_assert_eq(word_at(d, 0), 0x1000);
	const struct image_seg *t = &r.image.segs[0];
	cr_assert_str_eq(t->name, ".text");
	cr_assert_eq(t->addr, 0x1000);
	cr_assert_eq(r.image.entry, 0x1004, "entry is _start");
	asm_result_free(&r);
}

Test(asm, org_later_pads_with_zeros_and_align_pads_to_a_power_of_two)
{
	WORDS("nop\n.org 12\nnop", 0x01000000, 0, 0, 0x01000000);
	WORDS(".byte 1\n.align 4\n.word 2", 1, 2);
	WORDS(".space 5, 0xab\n.align 8", 0xabababab, 0xab);
}

Test(asm, local_labels_belong_to_the_previous_label)
{
	struct asm_result r;
	segment(&r, "f: nop\n.loop: b .loop\ng: nop\n.loop: b .loop\n b f.loop\n", ".text");
	uint32_t a, b;
	cr_assert(image_lookup(&r.image, "f.loop", &a));
	cr_assert(image_lookup(&r.image, "g.loop", &b));
	cr_assert_eq(a, 4);
	cr_assert_eq(b, 12);
	asm_result_free(&r);
	WORDS("1: b 1f\n1: b 1b\n b 1b", 0x40000000, 0x40ffffff, 0x40fffffe);
}

Test(asm, macros_substitute_arguments_and_unique_numbers)
{
	WORDS(".macro twice op, r\n \\op \\r, \\r, \\r\n \\op \\r, \\r, \\r\n.endm\n"
	      "twice add, r1\n",
	      0x01111000, 0x01111000);
	struct asm_result r;
	segment(&r, ".macro m\nl\\@: nop\n.endm\nm\nm\n", ".text");
	cr_assert(image_lookup(&r.image, "l0", NULL));
	cr_assert(image_lookup(&r.image, "l1", NULL));
	asm_result_free(&r);
}

Test(asm, conditionals_choose_lines)
{
	WORDS("A = 1\n.if A\nnop\n.else\nwfi\n.endif\n.ifdef A\nrfe\n.endif\n.ifndef B\nret\n.endif",
	      0x01000000, 0x65000000, 0x4a0f0000);
	WORDS(".if 0\n.if 1\nnop\n.else\nnop\n.endif\n.error \"skipped\"\n.else\nwfi\n.endif",
	      0x64000000);
}

Test(asm, several_inputs_are_one_program)
{
	struct asm_input in[2] = { { "a.s", "_start: jal f\n", 14 }, { "b.s", "f: ret\n", 7 } };
	struct asm_result r;
	cr_assert(asm_assemble(in, 2, NULL, &r));
	cr_assert_eq(r.image.segs[0].size, 8);
	asm_result_free(&r);
}

Test(asm, defines_and_include_dirs_come_from_the_options)
{
	const char *dirs[] = { "tests/asm/inc" }, *defs[] = { "N=2+3", "FLAG" };
	struct asm_options opt = { dirs, 1, defs, 2, true };
	const char *src = ".include \"util.inc\"\n.word N, FLAG, UTIL_VERSION\n";
	struct asm_input in = { "t.s", src, strlen(src) };
	struct asm_result r;
	cr_assert(asm_assemble(&in, 1, &opt, &r));
	cr_assert_eq(r.image.segs[0].size, 12);
	cr_assert_eq(r.image.segs[0].data[0], 5);
	cr_assert_eq(r.image.segs[0].data[4], 1);
	cr_assert_eq(r.image.segs[0].data[8], 2);
	cr_assert(strstr(r.listing, "00000000  05 00 00 00 01 00 00 00     .word N, FLAG, UTIL_VERSION"),
	          "listing:\n%s", r.listing);
	asm_result_free(&r);
}

Test(asm, listing_shows_address_words_and_source)
{
	struct asm_options opt = { NULL, 0, NULL, 0, true };
	const char *src = "start:\tli r1, 0x12345\n";
	struct asm_input in = { "t.s", src, strlen(src) };
	struct asm_result r;
	cr_assert(asm_assemble(&in, 1, &opt, &r));
	cr_assert_str_eq(r.listing, "00000000  10100001 14112345           start:  li r1, 0x12345\n");
	asm_result_free(&r);
}

/* The command: files, exit codes. */

static char *temp_dir(void)
{
	char tmpl[] = "/tmp/trapeze-asm-XXXXXX";
	char *d = mkdtemp(tmpl);
	cr_assert(d);
	return strdup(d);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert(f, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

static bool exists(const char *path)
{
	struct stat s;
	return stat(path, &s) == 0;
}

static int run_asm(int argc, const char **argv)
{
	return cmd_asm(argc, (char **)argv);
}

Test(asm_cmd, writes_image_and_listing_at_the_default_names, .init = cr_redirect_stderr)
{
	char *d = temp_dir(), src[256], elf[256], lst[256];
	snprintf(src, sizeof src, "%s/prog.s", d);
	snprintf(elf, sizeof elf, "%s/prog.elf", d);
	snprintf(lst, sizeof lst, "%s/prog.lst", d);
	write_file(src, "_start: nop\n");
	const char *argv[] = { "asm", "-l", lst, src };
	cr_assert_eq(run_asm(4, argv), 0);
	cr_assert(exists(elf));
	cr_assert(exists(lst));
	unlink(elf);
	unlink(lst);
	unlink(src);
	rmdir(d);
	free(d);
}

Test(asm_cmd, leaves_no_output_behind_on_error, .init = cr_redirect_stderr)
{
	char *d = temp_dir(), src[256], elf[256], lst[256];
	snprintf(src, sizeof src, "%s/bad.s", d);
	snprintf(elf, sizeof elf, "%s/out.elf", d);
	snprintf(lst, sizeof lst, "%s/out.lst", d);
	write_file(src, "\tad r1, r2, r3\n");
	const char *argv[] = { "asm", "-o", elf, "-l", lst, src };
	cr_assert_eq(run_asm(6, argv), 1);
	cr_assert_not(exists(elf));
	cr_assert_not(exists(lst));
	unlink(src);
	cr_assert_eq(rmdir(d), 0, "nothing else was left in the directory");
	free(d);
}

Test(asm_cmd, help_exits_0_and_bad_usage_exits_2, .init = cr_redirect_stdout)
{
	const char *help[] = { "asm", "--help" }, *none[] = { "asm" }, *bad[] = { "asm", "-x", "a.s" },
		   *missing[] = { "asm", "-o" };
	cr_redirect_stderr();
	cr_assert_eq(run_asm(2, help), 0);
	cr_assert_eq(run_asm(1, none), 2);
	cr_assert_eq(run_asm(3, bad), 2);
	cr_assert_eq(run_asm(2, missing), 2);
}

Test(asm_cmd, missing_input_file_is_an_error, .init = cr_redirect_stderr)
{
	const char *argv[] = { "asm", "-o", "/tmp/trapeze-never.elf", "/nonexistent/x.s" };
	cr_assert_eq(run_asm(4, argv), 1);
	cr_assert_not(exists("/tmp/trapeze-never.elf"));
}
