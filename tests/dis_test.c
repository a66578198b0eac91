/*
 * tests/dis_test.c: the disassembler is the assembler's exact inverse.
 * Owns: every isa.def row round-trips word -> text -> word; any word at all
 *       does (the ones no row encodes become .word); whole images round-trip
 *       asm -> dis -> asm to the same bytes at the same addresses: a fixture
 *       generated from the table (a new row is covered with no edit here),
 *       every pseudo-instruction, and every program under tests/asm/ and
 *       guest-os/.
 * Not:  the assembler's own errors (tests/asm_test.c).
 */
#include <criterion/criterion.h>
#include <unistd.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "dis.h"
#include "isa.h"

/* Assemble text (no errors allowed) and return the word at address pc. */
static uint32_t assemble_word(const char *text, uint32_t pc)
{
	char src[256];
	struct asm_result r;
	snprintf(src, sizeof src, ".org 0x%x\n%s\n", pc, text);
	bool ok = asm_assemble_text("dis.s", src, &r);
	char *d = asm_diags_text(&r);
	cr_assert(ok, "'%s' at 0x%x does not assemble:\n%s", text, pc, d);
	free(d);
	const struct image_seg *s = &r.image.segs[0];
	cr_assert_eq(s->addr, pc);
	cr_assert_eq(s->size, 4, "'%s' is not one word", text);
	uint32_t w = (uint32_t)s->data[0] | (uint32_t)s->data[1] << 8 | (uint32_t)s->data[2] << 16 |
	             (uint32_t)s->data[3] << 24;
	asm_result_free(&r);
	return w;
}

static uint32_t rng(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* A random word this row encodes exactly: only its template's fields set. */
static uint32_t random_word(const struct isa_insn *in, uint32_t *x)
{
	const char *t = in->operands;
	uint32_t w = (uint32_t)in->opcode << 24, r = rng(x);
	if (in->format == FMT_J)
		return w | (r & 0xFFFFFF);
	if (in->format == FMT_K)
		return w | (strchr(t, 'c') ? r & 0xFFFFFF : 0);
	if (strchr(t, 'd'))
		w |= r & 0x00F00000;
	if (strchr(t, 's') || strchr(t, 'm'))
		w |= r & 0x000F0000;
	if (in->format == FMT_R)
		return w | (strchr(t, 't') ? r & 0xF000 : 0);
	if (strchr(t, 'r'))
		return w | (uint32_t)isa_sregs[r % (uint32_t)isa_nsregs].number;
	return w | (r & 0xFFFF);
}

Test(dis, every_row_round_trips_word_text_word)
{
	uint32_t x = 2463534242u;
	char text[128];
	for (int i = 0; i < isa_ninsns; i++) {
		const struct isa_insn *in = &isa_insns[i];
		for (int k = 0; k < 40; k++) {
			uint32_t w = random_word(in, &x), pc = (rng(&x) & 0xFFFFF) * 4;
			cr_assert(dis_is_exact(w), "%s: %08x", in->name, w);
			cr_assert(dis_word(w, pc, text, sizeof text), "%s: %08x", in->name, w);
			cr_assert_neq(strncmp(text, ".word", 5), 0);
			cr_assert_eq(assemble_word(text, pc), w, "%s: %08x -> '%s' -> %08x", in->name, w,
			             text, assemble_word(text, pc));
		}
	}
}

Test(dis, any_word_round_trips_even_the_undecodable)
{
	uint32_t x = 88172645u;
	char text[128];
	for (int k = 0; k < 3000; k++) {
		uint32_t w = rng(&x), pc = (rng(&x) & 0x3FFFFFFF) * 4;
		if (k % 2)
			w = (w & 0x00FFFFFF) | (uint32_t)isa_insns[k % isa_ninsns].opcode << 24;
		bool exact = dis_word(w, pc, text, sizeof text);
		cr_assert_eq(exact, dis_is_exact(w));
		cr_assert_eq(assemble_word(text, pc), w, "%08x at 0x%x -> '%s'", w, pc, text);
	}
}

Test(dis, inexact_words_become_word_directives)
{
	char text[64];
	const uint32_t bad[] = {
		0xFF000000,                                 /* no such opcode */
		isa_enc_r(OP_add, 1, 2, 3) | 1,             /* R format: low 12 bits set */
		isa_enc_r(OP_jr, 1, 15, 0),                 /* jr has no rd */
		isa_enc_i(OP_mfsr, 1, 0, 99),               /* no special register 99 */
		isa_enc_i(OP_lui, 1, 2, 5),                 /* lui has no rs */
		(uint32_t)OP_wfi << 24 | 7,                 /* wfi has no code */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_assert_not(dis_word(bad[i], 0, text, sizeof text));
		char want[32];
		snprintf(want, sizeof want, ".word 0x%08x", bad[i]);
		cr_assert_str_eq(text, want);
	}
}

Test(dis, operands_read_as_the_assembler_writes_them)
{
	struct image_sym syms[] = { { "func", 0x100, true }, { "count", 0x40, false },
		                    { "func.loop", 0x100, false } };
	struct image img = { .syms = syms, .nsyms = 3 };
	char text[128];
	const struct { uint32_t w, pc; const struct image *img; const char *want; } cases[] = {
		{ 0x01123000, 0, NULL, "add r1, r2, r3" },
		{ 0x1112fffb, 0, NULL, "addi r1, r2, -5" },
		{ 0x10101234, 0, NULL, "lui r1, 0x1234" },
		{ 0x30120008, 0, NULL, "ldw r1, 8(r2)" },
		{ 0x381efffc, 0, NULL, "stw r1, -4(sp)" },
		{ 0x30100040, 0, &img, "ldw r1, count(r0)" },
		{ 0x60100001, 0, NULL, "mfsr r1, epc" },
		{ 0x61010000, 0, NULL, "mtsr tvec, r1" },
		{ 0x62100011, 0, NULL, "in r1, PORT_CON_STATUS" },
		{ 0x63010099, 0, NULL, "out 0x99, r1" },
		{ 0x50000003, 0, NULL, "sys 3" },
		{ 0x490000ff, 0xfc, NULL, "jal 0x4fc" },
		{ 0x49000000, 0xfc, &img, "jal func" },
		{ 0x40ffffff, 0, NULL, "jmp 0x0" },
		{ 0x01000000, 0, NULL, "nop" },
		{ 0x01120000, 0, NULL, "mov r1, r2" },
		{ 0x4a0f0000, 0, NULL, "ret" },
		{ 0x64000000, 0, NULL, "wfi" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		dis_insn(cases[i].w, cases[i].pc, cases[i].img, text, sizeof text);
		cr_assert_str_eq(text, cases[i].want);
	}
	cr_assert_not(dis_insn(0xFF000000, 0, NULL, text, 8));
	cr_assert_str_eq(text, ".word 0", "a short buffer is cut, still terminated");
}

/* asm -> dis -> asm: same bytes at the same addresses. */
static void round_trip(const struct asm_input *in, int nin, const struct asm_options *opt,
                       const char *what)
{
	struct asm_result a, b;
	bool ok = asm_assemble(in, nin, opt, &a);
	char *d = asm_diags_text(&a);
	cr_assert(ok, "%s does not assemble:\n%s", what, d);
	free(d);
	char *text = dis_image(&a.image, what);
	cr_assert(text);
	struct asm_input again = { "dis-output.s", text, strlen(text) };
	ok = asm_assemble(&again, 1, NULL, &b);
	d = asm_diags_text(&b);
	cr_assert(ok, "the disassembly of %s does not assemble:\n%s\n%s", what, d, text);
	free(d);
	int na = 0, nb = 0;
	for (int i = 0; i < b.image.nsegs; i++)
		nb += b.image.segs[i].size > 0;
	for (int i = 0; i < a.image.nsegs; i++) {
		const struct image_seg *s = &a.image.segs[i], *t = NULL;
		if (!s->size)
			continue;
		na++;
		for (int j = 0; j < b.image.nsegs; j++)
			if (b.image.segs[j].addr == s->addr && b.image.segs[j].size)
				t = &b.image.segs[j];
		cr_assert(t, "%s: no segment at 0x%x after the round trip", what, s->addr);
		cr_assert_eq(t->size, s->size, "%s: segment at 0x%x", what, s->addr);
		cr_assert_eq(memcmp(t->data, s->data, s->size), 0, "%s: bytes at 0x%x differ", what,
		             s->addr);
	}
	cr_assert_eq(na, nb, "%s: segment count", what);
	free(text);
	asm_result_free(&a);
	asm_result_free(&b);
}

/* Sample operands for a template letter, varied by row so the fixture
 * touches many registers and values. */
static void sample(char *out, size_t len, char c, int i, int n)
{
	switch (c) {
	case 'd': snprintf(out, len, "r%d", 1 + i % 12); break;
	case 's': snprintf(out, len, "%s", i % 3 ? "sp" : "r7"); break;
	case 't': snprintf(out, len, "r%d", (i * 5) % 16); break;
	case 'i': snprintf(out, len, "%d", (i * 997) % 65536 - 32768); break;
	case 'u': snprintf(out, len, "0x%x", (i * 4099) % 65536); break;
	case 'm': snprintf(out, len, "%d(r%d)", (i * 13) % 200 - 100, i % 16); break;
	case 'j': snprintf(out, len, "row%d", (i * 7) % n); break;
	case 'c': snprintf(out, len, "%d", i * 12345 % 0x1000000); break;
	case 'r': snprintf(out, len, "%s", isa_sregs[i % isa_nsregs].name); break;
	default:
		if (i % 2)
			snprintf(out, len, "PORT_%s", isa_ports[i % isa_nports].name);
		else
			snprintf(out, len, "0x%x", 0x40 + i);
		break;
	}
}

Test(dis, generated_fixture_of_every_row_and_pseudo_round_trips)
{
	size_t cap = 65536, at = 0;
	char *src = malloc(cap), op[64];
	at += (size_t)snprintf(src + at, cap - at, "\t.text\n_start:\n");
	for (int i = 0; i < isa_ninsns; i++) {
		const struct isa_insn *in = &isa_insns[i];
		at += (size_t)snprintf(src + at, cap - at, "row%d:\t%s", i, in->name);
		const char *sep = " ";
		for (const char *t = in->operands; *t; t++) {
			if (*t == ',')
				continue;
			sample(op, sizeof op, *t, i, isa_ninsns);
			at += (size_t)snprintf(src + at, cap - at, "%s%s", sep, op);
			sep = ", ";
		}
		at += (size_t)snprintf(src + at, cap - at, "\n");
	}
	at += (size_t)snprintf(src + at, cap - at,
	        "\tnop\n\tmov r1, r2\n\tli r3, 7\n\tli r3, 0x12345\n\tla r4, data0\n\tcall row0\n"
	        "\tret\n\tb row1\n\tpush lr\n\tpop lr\n\tneg r5, r6\n\tnot r5, r6\n"
	        "\tbeq r1, r2, row2\n\tbne r1, r2, row2\n\tblt r1, r2, row2\n\tbge r1, r2, row2\n"
	        "\tbltu r1, r2, row2\n\tbgeu r1, r2, row2\n\tbgt r1, r2, row2\n\tble r1, r2, row2\n"
	        "\tbeqz r3, row3\n\tbnez r3, row3\n\tbltz r3, row3\n\tbgez r3, row3\n"
	        "\tbgtz r3, row3\n\tblez r3, row3\n"
	        "\t.data\ndata0:\t.word 1, row0\n\t.asciz \"text\\n\"\n\t.byte 1, 2, 3\n"
	        "\t.space 40\n\t.half 7\nend:\n");
	struct asm_input in = { "generated.s", src, at };
	round_trip(&in, 1, NULL, "the generated fixture");
	free(src);
}

/* A regression: a label in an empty section was printed nowhere, so a
 * branch to it did not re-assemble. */
Test(dis, labels_outside_every_segment_become_equates)
{
	const char *src = "_start: jmp end\n.byte 1\nodd: .byte 2, 3, 4\njmp end\n.data\nend:\n";
	struct asm_input in = { "empty-data.s", src, strlen(src) };
	round_trip(&in, 1, NULL, "a label in an empty .data");
	struct asm_result r;
	cr_assert(asm_assemble(&in, 1, NULL, &r));
	char *text = dis_image(&r.image, "t");
	cr_assert(strstr(text, "odd = 0x00000005\n") && strstr(text, "end = 0x00000010\n") &&
	          strstr(text, "jmp end"), "%s", text);
	free(text);
	asm_result_free(&r);
}

/* .s files under root, and every directory holding sources (for -I). */
struct tree {
	char **files, **dirs;
	int nfiles, ndirs;
};

static void walk(const char *dir, struct tree *t)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool sources = false;
	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[PATH_MAX];
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		DIR *sub = opendir(path);
		if (sub) {
			closedir(sub);
			walk(path, t);
		} else if (n > 2 && !strcmp(e->d_name + n - 2, ".s")) {
			t->files = realloc(t->files, (size_t)(t->nfiles + 1) * sizeof *t->files);
			t->files[t->nfiles++] = strdup(path);
			sources = true;
		} else if (n > 4 && !strcmp(e->d_name + n - 4, ".inc")) {
			sources = true;
		}
	}
	closedir(d);
	if (sources) {
		t->dirs = realloc(t->dirs, (size_t)(t->ndirs + 1) * sizeof *t->dirs);
		t->dirs[t->ndirs++] = strdup(dir);
	}
}

/* True when some other file .includes path: then path is a part of that
 * program, covered by its round trip, not a program of its own. */
static bool included(const struct tree *t, const char *path)
{
	char want[PATH_MAX], got[PATH_MAX], line[1024];
	if (!realpath(path, want))
		return false;
	for (int i = 0; i < t->nfiles; i++) {
		FILE *f = fopen(t->files[i], "r");
		while (f && fgets(line, sizeof line, f)) {
			char *q = strstr(line, ".include"), *a, *b;
			if (!q || !(a = strchr(q, '"')) || !(b = strchr(a + 1, '"')))
				continue;
			*b = 0;
			for (int k = -1; k < t->ndirs; k++) {
				char cand[PATH_MAX * 2];
				const char *slash = strrchr(t->files[i], '/');
				if (k < 0)
					snprintf(cand, sizeof cand, "%.*s/%s", (int)(slash - t->files[i]),
					         t->files[i], a + 1);
				else
					snprintf(cand, sizeof cand, "%s/%s", t->dirs[k], a + 1);
				if (realpath(cand, got) && !strcmp(got, want)) {
					fclose(f);
					return true;
				}
			}
		}
		if (f)
			fclose(f);
	}
	return false;
}

static void round_trip_tree(const char *root, bool required)
{
	struct tree t = { 0 };
	DIR *d = opendir(root);
	if (!d) {
		cr_assert_not(required, "%s is missing", root);
		return;
	}
	closedir(d);
	walk(root, &t);
	struct asm_options opt = { (const char *const *)t.dirs, t.ndirs, NULL, 0, false };
	int programs = 0;
	for (int i = 0; i < t.nfiles; i++) {
		if (included(&t, t.files[i])) {
			cr_log_info("%s: a part, covered by the program that includes it", t.files[i]);
			continue;
		}
		struct asm_input in = { t.files[i], NULL, 0 };
		round_trip(&in, 1, &opt, t.files[i]);
		programs++;
	}
	cr_assert(!required || programs > 0, "no programs under %s", root);
	for (int i = 0; i < t.nfiles; i++)
		free(t.files[i]);
	for (int i = 0; i < t.ndirs; i++)
		free(t.dirs[i]);
	free(t.files);
	free(t.dirs);
}

Test(dis, every_fixture_under_tests_asm_round_trips)
{
	round_trip_tree("tests/asm", true);
}

Test(dis, every_guest_os_program_round_trips)
{
	alarm(60); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	round_trip_tree("guest-os", false);
}

/* A gap of zero words (an .org) is one line, as objdump's "...", and still
 * re-assembles to the same bytes; a short run stays word by word. */
Test(dis, a_run_of_zero_words_is_one_line)
{
	static const char src[] = "\tnop\n\t.org 0x1000\nlater:\tnop\n\t.word 0, 0, 0\n\tnop\n";
	struct asm_input in = { "gap.s", src, sizeof src - 1 };
	struct asm_result r;
	char *text;
	int lines = 0;

	cr_assert(asm_assemble(&in, 1, NULL, &r));
	text = dis_image(&r.image, "gap.s");
	cr_assert(text);
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	cr_expect(strstr(text, "\t.space 4092 "), "the gap as .space:\n%s", text);
	cr_expect(strstr(text, "1023 zero words, to 0x00001000"), "%s", text);
	cr_expect(lines < 20, "%d lines for a 4 KiB gap:\n%s", lines, text);
	cr_expect(strstr(text, ".word 0x00000000                         ; 0x00001008"),
		  "three zero words stay three lines:\n%s", text);
	free(text);
	asm_result_free(&r);
	round_trip(&in, 1, NULL, "gap.s");
}
