/*
 * labs/lab1/hidden/hidden_test.c: lab 1's hidden tests (not in the
 * students' trees; the autograder runs them).
 * Owns: what passing the visible tests may still leave wrong: registers a
 *       system call must not touch, a length that wraps, catch armed again,
 *       and the kernel under the reference trap-and-emulate VMM.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "labtest.h"

#define PROG(name, file) name "=labs/lab1/hidden/progs/" file

Test(lab1_hidden, system_calls_preserve_every_other_register, .timeout = LAB_TIMEOUT)
{
	static const char *const progs[] = { PROG("init", "regs.s"), NULL };
	struct lab_run r = { 0 };
	struct lab_result res;

	lab_boot_programs(&r, progs, &res);
	lab_expect_output(res.console, "regs: every register but r1 preserved\n", "registers");
	lab_result_free(&res);
}

Test(lab1_hidden, write_refuses_a_length_that_wraps, .timeout = LAB_TIMEOUT)
{
	static const char *const progs[] = { PROG("init", "wrap.s"), NULL };
	struct lab_run r = { 0 };
	struct lab_result res;

	lab_boot_programs(&r, progs, &res);
	lab_expect_output(res.console, "wrap: returned -3\n", "buf + len past 2^32");
	lab_result_free(&res);
}

Test(lab1_hidden, catch_can_be_armed_again, .timeout = LAB_TIMEOUT)
{
	static const char *const progs[] = { PROG("init", "catch2.s"), NULL };
	struct lab_run r = { 0 };
	struct lab_result res;

	lab_boot_programs(&r, progs, &res);
	lab_expect_output(res.console, "catch2: causes 3 then 7 (code 3)\n", "two catches");
	lab_result_free(&res);
}

Test(lab1_hidden, the_kernel_is_equivalent_under_trap_and_emulate, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { 0 };
	struct lab_result res;
	struct image img;
	char disk[4096];
	char *why = NULL;

	lab_boot(&r, &res);
	cr_assert(res.halted && res.code == 0 && strstr(res.console, "primes: 1229 primes"),
		  "the guest OS does not finish its boot bare: fix the visible tests first");
	lab_result_free(&res);
	snprintf(disk, sizeof disk, "%s", lab_build_path("guest/disk.img"));
	r.disk = disk;
	lab_read_image(lab_build_path("guest/kernel.elf"), &img);
	cr_expect(lab_equivalent(&r, &img, MODE_BARE, MODE_TRAP, &why), "%s", why ? why : "");
	free(why);
	image_free(&img);
}
