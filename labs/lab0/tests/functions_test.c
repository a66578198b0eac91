/*
 * labs/lab0/tests/functions_test.c: lab 0, each function on its own.
 * Owns: puts, putdec, fib and sum called as the calling convention says,
 *       with their results and output checked; the whole program's report.
 * Not:  the monitor script (monitor_test.c).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "lab0.h"

static void expect_prints(const char *fn, uint32_t arg, const char *want)
{
	struct lab0_call c = { .fn = fn, .args = { arg } };

	lab0_call(&c);
	cr_expect(!strcmp(c.console, want), "%s(%u) printed \"%s\", not \"%s\"", fn, arg, c.console,
		  want);
}

static void expect_returns(const char *fn, uint32_t a, uint32_t b, uint32_t want)
{
	struct lab0_call c = { .fn = fn, .args = { a, b } };

	lab0_call(&c);
	cr_expect(c.r[1] == want, "%s(%u) returned %u (0x%x), not %u", fn, a, c.r[1], c.r[1], want);
}

Test(lab0_puts, prints_a_string, .timeout = LAB_TIMEOUT)
{
	struct image img;
	uint32_t s;
	struct lab0_call c = { .fn = "puts" };

	lab_assemble_file("labs/lab0/lab0.s", NULL, &img);
	cr_assert(image_lookup(&img, "s_sum", &s), "lab0.s lost its label s_sum");
	image_free(&img);
	c.args[0] = s;
	lab0_call(&c);
	cr_expect(!strcmp(c.console, "sum of the table = "),
		  "puts(\"sum of the table = \") printed \"%s\"", c.console);
}

Test(lab0_putdec, prints_zero, .timeout = LAB_TIMEOUT)
{
	expect_prints("putdec", 0, "0");
}

Test(lab0_putdec, prints_numbers_in_decimal, .timeout = LAB_TIMEOUT)
{
	expect_prints("putdec", 7, "7");
	expect_prints("putdec", 10, "10");
	expect_prints("putdec", 1234567, "1234567");
}

Test(lab0_putdec, prints_the_largest_word_unsigned, .timeout = LAB_TIMEOUT)
{
	expect_prints("putdec", 0xFFFFFFFFu, "4294967295");
}

Test(lab0_fib, small_numbers, .timeout = LAB_TIMEOUT)
{
	static const uint32_t f[] = { 0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55 };

	for (uint32_t n = 0; n < sizeof f / sizeof f[0]; n++)
		expect_returns("fib", n, 0, f[n]);
}

Test(lab0_fib, wraps_modulo_two_to_the_32, .timeout = LAB_TIMEOUT)
{
	expect_returns("fib", 47, 0, 2971215073u);  /* the last one that fits */
	expect_returns("fib", 50, 0, 3996334433u);  /* 12586269025 mod 2^32 */
}

Test(lab0_sum, adds_the_words, .timeout = LAB_TIMEOUT)
{
	static const uint32_t words[] = { 5, 10, 1000, 123456, 7 };
	struct lab0_call c = { .fn = "sum", .args = { LAB0_DATA, 5 }, .data = words, .ndata = 5 };

	lab0_call(&c);
	cr_expect(c.r[1] == 124478, "sum of 5, 10, 1000, 123456, 7 returned %u", c.r[1]);
}

Test(lab0_sum, of_nothing_is_zero, .timeout = LAB_TIMEOUT)
{
	struct lab0_call c = { .fn = "sum", .args = { LAB0_DATA, 0 } };

	lab0_call(&c);
	cr_expect(c.r[1] == 0, "sum of no words returned %u", c.r[1]);
}

Test(lab0_program, prints_its_report, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .max_steps = 1000000 };
	struct lab_result res;
	struct image img;

	lab_assemble_file("labs/lab0/lab0.s", NULL, &img);
	lab_run_image(&r, &img, &res);
	cr_expect(!strcmp(res.console, "fib(10) = 55\nsum of the table = 55\n"),
		  "build/trapeze run printed:\n%s", res.console);
	cr_expect(res.halted && res.code == 0, "the program stopped with '%s'", vm_stop_name(res.stop));
	lab_result_free(&res);
	image_free(&img);
}
