/*
 * labs/lab2/hidden/hidden_test.c: lab 2's hidden tests (not in the
 * students' trees; the autograder runs them).
 * Owns: what a solution that passes the visible tests may still get wrong:
 *       unusual values, r0, device interrupts, the guest OS reading input.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "labtest.h"

static void check(const char *prog, const char *input)
{
	struct lab_run r = { .input = input, .max_steps = 1000000 };
	char path[256];

	snprintf(path, sizeof path, "labs/lab2/hidden/progs/%s.s", prog);
	lab_expect_program(path, MODE_TRAP, &r);
}

Test(lab2_hidden, random_special_register_traffic_is_equivalent, .timeout = LAB_TIMEOUT)
{
	check("random", NULL);
}

Test(lab2_hidden, writes_to_r0_are_discarded, .timeout = LAB_TIMEOUT)
{
	check("r0", NULL);
}

Test(lab2_hidden, console_input_interrupt_is_injected, .timeout = LAB_TIMEOUT)
{
	check("coninput", "abc");
}

Test(lab2_hidden, guest_os_reads_console_input_under_trap, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .input = "hello\nquit\n" };
	struct lab_result bare, virt;
	char disk[4096];

	snprintf(disk, sizeof disk, "%s", lab_build_path("guest/echo.img"));
	r.disk = disk;
	lab_boot(&r, &bare);
	r.mode = MODE_TRAP;
	lab_boot(&r, &virt);
	cr_assert(bare.halted, "the echo disk does not finish bare: a broken test");
	cr_expect(virt.halted && !strcmp(bare.console, virt.console),
		  "the guest OS's echo program behaves differently under trap-and-emulate: it "
		  "stopped with '%s'; its output ends:\n%s", vm_stop_name(virt.stop),
		  lab_tail(virt.console, 600));
	lab_result_free(&bare);
	lab_result_free(&virt);
}
