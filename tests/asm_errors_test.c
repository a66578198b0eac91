/*
 * tests/asm_errors_test.c: the assembler's diagnostics, golden.
 * Owns: every kind of error as its exact GNU-form text (file:line:col, the
 *       source line, the caret, notes); that every error of a run is
 *       reported; robustness: empty, huge and binary input, deep nesting.
 * Not:  what correct source assembles to (tests/asm_test.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "asm.h"

/* Every diagnostic of assembling src, as the command would print them. */
static char *diagnostics(const char *name, const char *src)
{
	struct asm_result r;
	asm_assemble_text(name, src, &r);
	char *text = asm_diags_text(&r);
	asm_result_free(&r);
	return text;
}

static void expect_errors(const char *src, const char *want)
{
	char *got = diagnostics("prog.s", src);
	cr_assert_str_eq(got, want, "source:\n%s\ngot:\n%s\nwanted:\n%s", src, got, want);
	free(got);
}

/* Golden diagnostics: each kind of error, with its exact text. */

Test(asm_errors, unknown_mnemonic_suggests_the_nearest)
{
	expect_errors("; 1\n; 2\n; 3\n; 4\n; 5\n; 6\n; 7\n; 8\n; 9\n; 10\n; 11\nloop:   ad r1, r2, r3\n",
	              "prog.s:12:9: error: unknown mnemonic 'ad'\n"
	              "   12 | loop:   ad r1, r2, r3\n"
	              "      |         ^~\n"
	              "prog.s:12:9: note: did you mean 'add'?\n");
}

Test(asm_errors, wrong_operand_count_names_the_operands)
{
	expect_errors("\tadd r1, r2\n",
	              "prog.s:1:9: error: 'add' takes 3 operands (rd, rs, rt), found 2\n"
	              "    1 |         add r1, r2\n"
	              "      |         ^~~\n");
	expect_errors("\twfi r1\n",
	              "prog.s:1:9: error: 'wfi' takes no operands, found 1\n"
	              "    1 |         wfi r1\n"
	              "      |         ^~~\n");
}

Test(asm_errors, bad_register)
{
	expect_errors("\tadd r1, r2, r16\n",
	              "prog.s:1:21: error: bad register 'r16'\n"
	              "    1 |         add r1, r2, r16\n"
	              "      |                     ^~~\n");
	expect_errors("\tadd r1, r2, 5\n",
	              "prog.s:1:21: error: expected a register, found '5'\n"
	              "    1 |         add r1, r2, 5\n"
	              "      |                     ^\n");
}

Test(asm_errors, immediate_out_of_range_names_value_and_range)
{
	expect_errors("\taddi r1, r2, 40000\n",
	              "prog.s:1:22: error: immediate 40000 out of range for 'addi' (-32768..32767)\n"
	              "    1 |         addi r1, r2, 40000\n"
	              "      |                      ^~~~~\n");
	expect_errors("\tori r1, r1, -1\n",
	              "prog.s:1:21: error: immediate -1 out of range for 'ori' (0..65535)\n"
	              "    1 |         ori r1, r1, -1\n"
	              "      |                     ^~\n");
	expect_errors("\tsys 0x1000000\n",
	              "prog.s:1:13: error: code 16777216 out of range for 'sys' (0..16777215)\n"
	              "    1 |         sys 0x1000000\n"
	              "      |             ^~~~~~~~~\n");
}

Test(asm_errors, branch_out_of_range)
{
	expect_errors("\tbeq 0x4000000\n",
	              "prog.s:1:13: error: branch target 0x04000000 out of range for 'beq' at "
	              "0x00000000 (16777215 words; reach -8388608..8388607)\n"
	              "    1 |         beq 0x4000000\n"
	              "      |             ^~~~~~~~~\n");
}

Test(asm_errors, undefined_symbol)
{
	expect_errors("\tjmp nowhere\n",
	              "prog.s:1:13: error: undefined symbol 'nowhere'\n"
	              "    1 |         jmp nowhere\n"
	              "      |             ^~~~~~~\n");
}

Test(asm_errors, duplicate_label_notes_the_first)
{
	expect_errors("x:\tnop\nx:\tnop\n",
	              "prog.s:2:1: error: duplicate label 'x'\n"
	              "    2 | x:      nop\n"
	              "      | ^\n"
	              "prog.s:1:1: note: 'x' was first defined here\n");
}

Test(asm_errors, unterminated_string)
{
	expect_errors("\t.ascii \"abc\n",
	              "prog.s:1:16: error: unterminated string\n"
	              "    1 |         .ascii \"abc\n"
	              "      |                ^~~~\n");
}

Test(asm_errors, bad_character)
{
	expect_errors("\tadd r1, r2, @\n",
	              "prog.s:1:21: error: bad character '@'\n"
	              "    1 |         add r1, r2, @\n"
	              "      |                     ^\n");
}

Test(asm_errors, unknown_directive_suggests_the_nearest)
{
	expect_errors("\t.wrod 1\n",
	              "prog.s:1:9: error: unknown directive '.wrod'\n"
	              "    1 |         .wrod 1\n"
	              "      |         ^~~~~\n"
	              "prog.s:1:9: note: did you mean '.word'?\n");
}

Test(asm_errors, unterminated_macro_names_where_it_began)
{
	expect_errors("\tnop\n\t.macro twice x\n\tadd \\x, \\x, \\x\n",
	              "prog.s:2:16: error: unterminated macro 'twice' (no .endm)\n"
	              "    2 |         .macro twice x\n"
	              "      |                ^~~~~\n");
}

Test(asm_errors, recursive_include)
{
	char *got = diagnostics("tests/asm/errors/main.s", ".include \"rec_a.inc\"\n");
	cr_assert_str_eq(got, "In file included from tests/asm/errors/rec_a.inc:1,\n"
	                      "                 from tests/asm/errors/main.s:1:\n"
	                      "tests/asm/errors/rec_b.inc:1:10: error: recursive include of 'rec_a.inc'\n"
	                      "    1 | .include \"rec_a.inc\"\n"
	                      "      |          ^~~~~~~~~~~\n");
	free(got);
}

Test(asm_errors, missing_include_file)
{
	expect_errors("\t.include \"nothere.inc\"\n",
	              "prog.s:1:18: error: cannot find include file 'nothere.inc'\n"
	              "    1 |         .include \"nothere.inc\"\n"
	              "      |                  ^~~~~~~~~~~~~\n");
}

Test(asm_errors, org_going_backwards)
{
	expect_errors("\tnop\n\t.org 0\n",
	              "prog.s:2:14: error: .org 0x0 would move the location backwards from 0x4\n"
	              "    2 |         .org 0\n"
	              "      |              ^\n");
}

Test(asm_errors, division_by_zero)
{
	expect_errors("\tli r1, 8 / 0\n",
	              "prog.s:1:18: error: division by zero\n"
	              "    1 |         li r1, 8 / 0\n"
	              "      |                  ^\n");
}

Test(asm_errors, align_not_a_power_of_two)
{
	expect_errors("\t.align 3\n",
	              "prog.s:1:16: error: alignment 3 is not a power of two\n"
	              "    1 |         .align 3\n"
	              "      |                ^\n");
}

Test(asm_errors, bad_number_literal)
{
	expect_errors("\tli r1, 12x\n",
	              "prog.s:1:16: error: bad number literal '12x'\n"
	              "    1 |         li r1, 12x\n"
	              "      |                ^~~\n");
	expect_errors("\t.word 0x\n",
	              "prog.s:1:15: error: bad number literal '0x'\n"
	              "    1 |         .word 0x\n"
	              "      |               ^~\n");
}

Test(asm_errors, error_directive_reports_its_message)
{
	expect_errors("\t.error \"stop here\"\n",
	              "prog.s:1:9: error: stop here\n"
	              "    1 |         .error \"stop here\"\n"
	              "      |         ^~~~~~\n");
}

Test(asm_errors, unknown_special_register_suggests_the_nearest)
{
	expect_errors("\tmfsr r1, tvek\n",
	              "prog.s:1:18: error: unknown special register 'tvek'\n"
	              "    1 |         mfsr r1, tvek\n"
	              "      |                  ^~~~\n"
	              "prog.s:1:18: note: did you mean 'tvec'?\n");
}

Test(asm_errors, garbage_after_operand)
{
	expect_errors("\tadd r1, r2, r3 r4\n",
	              "prog.s:1:24: error: unexpected 'r4' after operand\n"
	              "    1 |         add r1, r2, r3 r4\n"
	              "      |                        ^~\n");
}

Test(asm_errors, endif_without_if)
{
	expect_errors("\t.endif\n",
	              "prog.s:1:9: error: '.endif' without '.if'\n"
	              "    1 |         .endif\n"
	              "      |         ^~~~~~\n");
}

Test(asm_errors, unterminated_if)
{
	expect_errors(".if 1\nnop\n",
	              "prog.s:1:1: error: unterminated '.if' (no .endif)\n"
	              "    1 | .if 1\n"
	              "      | ^~~\n");
}

Test(asm_errors, if_sees_only_earlier_lines)
{
	expect_errors(".if LATER\n.endif\nLATER = 1\n",
	              "prog.s:1:5: error: 'LATER' is defined after this line; .if sees only "
	              "earlier lines\n"
	              "    1 | .if LATER\n"
	              "      |     ^~~~~\n");
}

Test(asm_errors, error_in_an_included_file_names_that_file)
{
	char *got = diagnostics("tests/asm/errors/main.s", "nop\n.include \"bad_body.inc\"\n");
	cr_assert_str_eq(got, "In file included from tests/asm/errors/main.s:2:\n"
	                      "tests/asm/errors/bad_body.inc:3:22: error: immediate 70000 out of "
	                      "range for 'addi' (-32768..32767)\n"
	                      "    3 |         addi r1, r2, 70000\n"
	                      "      |                      ^~~~~\n");
	free(got);
}

/* GNU's form, innermost first: each file and the line that included it. */
Test(asm_errors, error_in_a_nested_include_says_where_each_file_was_included_from)
{
	char *got = diagnostics("tests/asm/errors/main.s",
	                        "nop\nnop\n\t.include \"nested.inc\"\n\t.include \"nested.inc\"\n");
	cr_assert_str_eq(got, "In file included from tests/asm/errors/nested.inc:2,\n"
	                      "                 from tests/asm/errors/main.s:3:\n"
	                      "tests/asm/errors/bad_body.inc:3:22: error: immediate 70000 out of "
	                      "range for 'addi' (-32768..32767)\n"
	                      "    3 |         addi r1, r2, 70000\n"
	                      "      |                      ^~~~~\n"
	                      "In file included from tests/asm/errors/nested.inc:2,\n"
	                      "                 from tests/asm/errors/main.s:4:\n"
	                      "tests/asm/errors/bad_body.inc:3:22: error: immediate 70000 out of "
	                      "range for 'addi' (-32768..32767)\n"
	                      "    3 |         addi r1, r2, 70000\n"
	                      "      |                      ^~~~~\n");
	free(got);
}

Test(asm_errors, error_in_a_macro_names_the_body_line_and_the_invocation)
{
	expect_errors(".macro twice x\n\tadd \\x, \\x, \\x\n.endm\n\ttwice r99\n",
	              "prog.s:2:13: error: bad register 'r99'\n"
	              "    2 |         add r99, r99, r99\n"
	              "      |             ^~~\n"
	              "prog.s:4:9: note: in expansion of macro 'twice'\n");
	expect_errors(".macro one x\n.endm\n\tone 1, 2\n",
	              "prog.s:3:9: error: macro 'one' takes 1 argument, found 2\n"
	              "    3 |         one 1, 2\n"
	              "      |         ^~~\n");
}

Test(asm_errors, every_error_of_the_run_is_reported)
{
	expect_errors("\tad r1\n\tnop\n\tadd r1\n\tjmp nowhere\n",
	              "prog.s:1:9: error: unknown mnemonic 'ad'\n"
	              "    1 |         ad r1\n"
	              "      |         ^~\n"
	              "prog.s:1:9: note: did you mean 'add'?\n"
	              "prog.s:3:9: error: 'add' takes 3 operands (rd, rs, rt), found 1\n"
	              "    3 |         add r1\n"
	              "      |         ^~~\n"
	              "prog.s:4:13: error: undefined symbol 'nowhere'\n"
	              "    4 |         jmp nowhere\n"
	              "      |             ^~~~~~~\n");
}

Test(asm_errors, overlapping_sections)
{
	expect_errors("nop\nnop\n.data\n.org 4\n.word 1\n",
	              "prog.s: error: sections .text (0x00000000..0x00000007) and .data "
	              "(0x00000004..0x00000007) overlap\n");
}

Test(asm_robustness, empty_input_is_an_empty_program)
{
	struct asm_result r;
	cr_assert(asm_assemble_text("empty.s", "", &r));
	cr_assert_eq(r.ndiags, 0);
	cr_assert_eq(r.image.segs[0].size, 0);
	asm_result_free(&r);
}

/* Linear time: 400,000 lines with forward branches assemble in seconds. */
Test(asm_robustness, huge_input_assembles_in_linear_time)
{
	alarm(30); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	enum { LINES = 200000 };
	size_t cap = (size_t)LINES * 48, n = 0;
	char *src = malloc(cap);
	cr_assert(src);
	for (int i = 0; i < LINES; i++)
		n += (size_t)snprintf(src + n, cap - n, "l%d: addi r1, r1, %d\n\tbeq l%d\n", i, i % 1000,
		                      (i * 7919) % LINES);
	struct asm_input in = { "huge.s", src, n };
	struct asm_result r;
	clock_t t0 = clock();
	cr_assert(asm_assemble(&in, 1, NULL, &r));
	cr_assert_eq(r.image.segs[0].size, 8u * LINES);
	cr_log_info("huge input: %.2f s", (double)(clock() - t0) / CLOCKS_PER_SEC);
	asm_result_free(&r);
	free(src);
}

Test(asm_robustness, binary_garbage_is_an_error_not_a_crash)
{
	enum { N = 1 << 16 };
	char *src = malloc(N);
	uint32_t x = 12345;
	for (int i = 0; i < N; i++) {
		x = x * 1103515245 + 12345;
		src[i] = (char)(x >> 16);
	}
	struct asm_input in = { "garbage.s", src, N };
	struct asm_result r;
	cr_assert_not(asm_assemble(&in, 1, NULL, &r));
	cr_assert_eq(r.nerrors, 1, "a binary file is one error, not one per line");
	char *text = asm_diags_text(&r);
	cr_assert(!strncmp(text, "garbage.s: error: binary file (a NUL byte on line ", 50), "%s", text);
	free(text);
	asm_result_free(&r);
	/* Without a NUL byte it is text, if strange: errors named by line. */
	for (int i = 0; i < N; i++)
		src[i] = src[i] ? src[i] : 'x';
	cr_assert_not(asm_assemble(&in, 1, NULL, &r));
	cr_assert_gt(r.nerrors, 0);
	text = asm_diags_text(&r);
	cr_assert(strstr(text, "garbage.s:1:"), "the first line is named");
	free(text);
	asm_result_free(&r);
	free(src);
}

Test(asm_robustness, include_of_a_device_or_a_binary_file_is_refused_regression)
{
	/* .include "/dev/zero" once read for ever; /dev/stdin waited for a terminal. */
	char *got = diagnostics("prog.s", ".include \"/dev/zero\"\n");
	cr_assert_str_eq(got, "prog.s:1:10: error: cannot read include file '/dev/zero': not a "
	                      "regular file\n"
	                      "    1 | .include \"/dev/zero\"\n"
	                      "      |          ^~~~~~~~~~~\n");
	free(got);
	got = diagnostics("prog.s", ".include \"/\"\n");
	cr_assert(strstr(got, "prog.s:1:10: error: cannot read include file '/': Is a directory"),
	          "%s", got);
	free(got);
	struct asm_input in = { "/dev/zero", NULL, 0 };
	struct asm_result r;
	cr_assert_not(asm_assemble(&in, 1, NULL, &r));
	got = asm_diags_text(&r);
	cr_assert_str_eq(got, "/dev/zero: error: cannot open: larger than 64 MiB, not a source "
	                      "file\n");
	free(got);
	asm_result_free(&r);
}

Test(asm_robustness, deep_nesting_and_huge_values_are_errors)
{
	char src[4096] = "\t.word ";
	for (int i = 0; i < 1000; i++)
		strcat(src, "(");
	char *got = diagnostics("prog.s", src);
	cr_assert(strstr(got, "error: expression nested too deeply"), "%s", got);
	free(got);
	expect_errors(".macro r\nr\n.endm\nr\n",
	              "prog.s:2:1: error: macro expansions nested too deeply (is 'r' recursive?)\n"
	              "    2 | r\n"
	              "      | ^\n"
	              "prog.s:2:1: note: in expansion of macro 'r'\n");
	got = diagnostics("prog.s", ".macro m a\n m \\a\\a\n.endm\n m x\n");
	cr_assert(strstr(got, "prog.s:2:1: error: expansion of macro 'm' is longer than 65536 bytes"),
	          "%s", got);
	free(got);
	got = diagnostics("prog.s", ".space 0x7fffffff\n.word 99999999999999999999\n");
	cr_assert(strstr(got, "prog.s:1:8: error: size 2147483647 out of range (0..16777216)"), "%s", got);
	cr_assert(strstr(got, "prog.s:2:7: error: number literal '99999999999999999999' is too large"),
	          "%s", got);
	free(got);
}


Test(asm_robustness, a_macro_that_doubles_itself_stops_at_the_budget_regression)
{
	/* alarm, not .timeout: see tests/limits_test.c. */
	alarm(30);
	/* Once hung for ever: each level calls the next twice, 2^30 lines in
	 * all, while staying far within the nesting limit. (Found by fuzz_asm.) */
	char src[4096];
	size_t n = (size_t)snprintf(src, sizeof src, ".macro m0\n\tnop\n.endm\n");
	for (int i = 1; i <= 30; i++)
		n += (size_t)snprintf(src + n, sizeof src - n, ".macro m%d\n\tm%d\n\tm%d\n.endm\n", i,
		                      i - 1, i - 1);
	snprintf(src + n, sizeof src - n, "\tm30\n");
	expect_errors(src, "prog.s:124:9: error: macro 'm30' expands to more than 1048576 lines "
	                   "(does it call itself?)\n");
	/* Recursion that errors at every leaf stops at the error limit. */
	char *got = diagnostics("prog.s", ".macro m\n\tm\n\tm\n.endm\n\tm\n");
	cr_assert(strstr(got, "prog.s: note: stopping after 100 errors\n"), "%s", got);
	free(got);
}

Test(asm_robustness, errors_stop_after_one_hundred)
{
	enum { LINES = 5000 };
	char *src = malloc(LINES * 16);
	size_t n = 0;
	for (int i = 0; i < LINES; i++)
		n += (size_t)sprintf(src + n, "junk %d !!\n", i);
	struct asm_result r;
	cr_assert_not(asm_assemble_text("junk.s", src, &r));
	cr_assert_eq(r.nerrors, 100);
	cr_assert_str_eq(r.diags[r.ndiags - 1].message, "stopping after 100 errors");
	asm_result_free(&r);
	free(src);
}
