/*
 * labs/lab0/hidden/hidden_test.c: lab 0's hidden tests (not in the
 * students' trees; the autograder runs them).
 * Owns: the calling convention kept; fib in a loop, not by recursion;
 *       putdec on every power of ten; sum on negative words.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "../tests/lab0.h"

/* r8..r13 and sp as the caller left them. */
static void expect_callee_saved(const struct lab0_call *c)
{
	for (unsigned i = 8; i <= 13; i++)
		cr_expect(c->r[i] == 0x0DD00000u + i, "%s changed r%u (0x%x): r8..r12 and fp belong "
			  "to the caller", c->fn, i, c->r[i]);
	cr_expect(c->r[14] == LAB0_STACK, "%s returned with sp = 0x%x, not 0x%x", c->fn, c->r[14],
		  LAB0_STACK);
}

Test(lab0_hidden, functions_give_back_r8_to_r12_fp_and_sp, .timeout = LAB_TIMEOUT)
{
	static const uint32_t words[] = { 1, 2, 3 };
	struct lab0_call calls[] = {
		{ .fn = "putdec", .args = { 987654321 } },
		{ .fn = "fib", .args = { 30 } },
		{ .fn = "sum", .args = { LAB0_DATA, 3 }, .data = words, .ndata = 3 },
	};

	for (unsigned i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		lab0_call(&calls[i]);
		expect_callee_saved(&calls[i]);
	}
	cr_expect(calls[1].r[1] == 832040 && calls[2].r[1] == 6 &&
		  !strcmp(calls[0].console, "987654321"),
		  "and the functions must work: fib(30) = 832040, sum 1 2 3 = 6, putdec 987654321");
}

Test(lab0_hidden, fib_takes_time_linear_in_n, .timeout = LAB_TIMEOUT)
{
	struct lab0_call c = { .fn = "fib", .args = { 40 } };

	lab0_call(&c);
	cr_expect(c.r[1] == 102334155, "fib(40) returned %u", c.r[1]);
	cr_expect(c.steps < 2000, "fib(40) took %llu instructions: a loop needs a few hundred",
		  (unsigned long long)c.steps);
}

Test(lab0_hidden, putdec_prints_every_power_of_ten, .timeout = LAB_TIMEOUT)
{
	uint32_t p = 1;
	char want[16];

	for (int i = 0; i < 10; i++, p *= 10) {
		struct lab0_call c = { .fn = "putdec", .args = { p } };
		lab0_call(&c);
		snprintf(want, sizeof want, "%u", p);
		cr_expect(!strcmp(c.console, want), "putdec(%u) printed \"%s\"", p, c.console);
	}
}

Test(lab0_hidden, sum_wraps_on_negative_words, .timeout = LAB_TIMEOUT)
{
	static const uint32_t words[] = { 0xFFFFFFFFu, 0xFFFFFFFEu, 5 };
	struct lab0_call c = { .fn = "sum", .args = { LAB0_DATA, 3 }, .data = words, .ndata = 3 };

	lab0_call(&c);
	cr_expect(c.r[1] == 2, "sum of -1, -2, 5 returned %d", (int)c.r[1]);
}
