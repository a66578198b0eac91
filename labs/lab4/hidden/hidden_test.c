/*
 * labs/lab4/hidden/hidden_test.c: lab 4's hidden tests (not in the
 * students' trees; the autograder runs them).
 * Owns: a rewritten block reached through a chained exit; a kernel reading
 *       its own code; lab 2's programs under bt with --nonvirt; a run in
 *       many small pieces ending exactly where one run ends.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "labtest.h"

Test(lab4_hidden, a_rewritten_block_behind_a_chained_exit_runs_new, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .nonvirt = "x86", .max_steps = 1000000 };
	lab_expect_program("labs/lab4/hidden/progs/chained.s", MODE_BT, &r);
}

Test(lab4_hidden, the_kernel_reads_its_own_code_unchanged, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .nonvirt = "x86", .max_steps = 1000000 };
	lab_expect_program("labs/lab4/hidden/progs/readcode.s", MODE_BT, &r);
}

Test(lab4_hidden, lab_2_programs_run_under_bt_with_nonvirt, .timeout = LAB_TIMEOUT)
{
	static const char *const progs[] = { "mfsr", "mtsr", "illegal", "psw", "usermode",
					     "getbase", "wfi", "faults", "timer" };
	struct lab_run r = { .nonvirt = "x86", .max_steps = 1000000 };
	char path[256];

	for (unsigned i = 0; i < sizeof progs / sizeof progs[0]; i++) {
		snprintf(path, sizeof path, "labs/lab2/tests/progs/%s.s", progs[i]);
		lab_expect_program(path, MODE_BT, &r);
	}
}

Test(lab4_hidden, a_run_in_pieces_ends_where_one_run_ends, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_BT, .nonvirt = "x86" };
	struct lab_result whole;
	struct vm_stats s;
	struct image img;
	struct vm *vm;
	char disk[4096];
	const char *con;
	size_t len;

	lab_boot(&r, &whole);
	cr_assert(whole.halted && whole.code == 0, "the guest OS does not finish under bt --nonvirt "
		  "('%s'): fix the visible tests first", vm_stop_name(whole.stop));
	snprintf(disk, sizeof disk, "%s", lab_build_path("guest/disk.img"));
	r.disk = disk;
	lab_read_image(lab_build_path("guest/kernel.elf"), &img);
	vm = lab_vm(&r, &img);
	while (vm_run(vm, 777) == STOP_LIMIT && vm_retired(vm) < LAB_MAX_STEPS)
		;
	con = vm_console(vm, &len);
	vm_get_stats(vm, &s);
	cr_expect(len == whole.console_len && !memcmp(con, whole.console, len),
		  "run in pieces of 777 instructions, the guest OS prints something else");
	cr_expect(s.retired == whole.stats.retired && s.bt.blocks == whole.stats.bt.blocks &&
		  s.bt.callouts == whole.stats.bt.callouts,
		  "in pieces: %llu instructions, %llu blocks, %llu callouts; in one run: %llu, %llu, %llu",
		  (unsigned long long)s.retired, (unsigned long long)s.bt.blocks,
		  (unsigned long long)s.bt.callouts, (unsigned long long)whole.stats.retired,
		  (unsigned long long)whole.stats.bt.blocks, (unsigned long long)whole.stats.bt.callouts);
	vm_destroy(vm);
	image_free(&img);
	lab_result_free(&whole);
}
