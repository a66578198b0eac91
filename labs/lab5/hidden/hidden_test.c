/*
 * labs/lab5/hidden/hidden_test.c: lab 5's hidden tests (not in the
 * students' trees; the autograder runs them).
 * Owns: the PV kernel with --nonvirt and its golden transcript; that it runs
 *       no privileged instruction; console input under PV; lab 2's programs
 *       under hw with --nonvirt; the early processor's setpsw exits.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labtest.h"

Test(lab5_hidden, the_pv_kernel_with_nonvirt_matches_its_golden, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_PV, .nonvirt = "x86", .kernel = "guest/kernel-pv.elf" };
	struct lab_result res;
	char *want;
	FILE *f = fopen("tests/golden/guest_os_pv_nonvirt.txt", "rb");
	long n = 0;

	cr_assert(f, "no tests/golden/guest_os_pv_nonvirt.txt");
	cr_assert(!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET));
	want = malloc((size_t)n + 1);
	cr_assert(want && fread(want, 1, (size_t)n, f) == (size_t)n);
	want[n] = 0;
	fclose(f);
	lab_boot(&r, &res);
	cr_expect(!strcmp(want, res.console), "the PV kernel with --nonvirt differs from its "
		  "golden transcript; its output ends:\n%s", lab_tail(res.console, 600));
	free(want);
	lab_result_free(&res);
}

Test(lab5_hidden, the_pv_kernel_runs_no_privileged_instruction, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_PV, .kernel = "guest/kernel-pv.elf" };
	struct lab_result res;

	lab_boot(&r, &res);
	cr_expect(res.halted && res.stats.emulated == 0 && res.stats.pv.hypercalls > 1000 &&
		  res.stats.exits_by_cause[CAUSE_HYPERCALL] == res.stats.pv.hypercalls,
		  "under pv: %llu emulated (0), %llu hypercalls (> 1000), %llu hypercall exits",
		  (unsigned long long)res.stats.emulated, (unsigned long long)res.stats.pv.hypercalls,
		  (unsigned long long)res.stats.exits_by_cause[CAUSE_HYPERCALL]);
	lab_result_free(&res);
}

Test(lab5_hidden, console_input_reaches_the_pv_kernel, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .input = "hi\nquit\n" };
	struct lab_result bare, pv;
	char disk[4096];
	const char *a, *b;

	snprintf(disk, sizeof disk, "%s", lab_build_path("guest/echo.img"));
	r.disk = disk;
	lab_boot(&r, &bare);
	r.mode = MODE_PV;
	r.kernel = "guest/kernel-pv.elf";
	lab_boot(&r, &pv);
	a = strchr(bare.console, '\n'); /* the first line says which kernel booted */
	b = strchr(pv.console, '\n');
	cr_expect(a && b && !strcmp(a, b) && pv.halted, "the echo program under the PV kernel "
		  "behaves differently; its output ends:\n%s", lab_tail(pv.console, 600));
	lab_result_free(&bare);
	lab_result_free(&pv);
}

Test(lab5_hidden, lab_2_programs_run_under_hw_with_nonvirt, .timeout = LAB_TIMEOUT)
{
	static const char *const progs[] = { "mfsr", "mtsr", "illegal", "console", "psw",
					     "usermode", "getbase", "wfi", "faults", "timer" };
	struct lab_run r = { .nonvirt = "x86", .input = "vm", .max_steps = 1000000 };
	char path[256];

	for (unsigned i = 0; i < sizeof progs / sizeof progs[0]; i++) {
		snprintf(path, sizeof path, "labs/lab2/tests/progs/%s.s", progs[i]);
		lab_expect_program(path, MODE_HW, &r);
	}
}

Test(lab5_hidden, the_early_processor_exits_on_every_setpsw, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_HW, .cpu = VMM_CPU_EARLY, .max_steps = 100000 };
	struct lab_result early, modern;
	struct image img;

	lab_assemble_file("labs/lab5/hidden/progs/setpsw.s", NULL, &img);
	lab_run_image(&r, &img, &early);
	r.cpu = VMM_CPU_MODERN;
	lab_run_image(&r, &img, &modern);
	cr_expect(early.halted && modern.halted, "setpsw.s did not halt under hw");
	cr_expect(early.stats.exits_by_cause[CAUSE_PRIV] == 41 &&
		  modern.stats.exits_by_cause[CAUSE_PRIV] == 1,
		  "PRIV exits: %llu on the early processor (40 setpsw and the halt), %llu on the "
		  "modern one (the halt)", (unsigned long long)early.stats.exits_by_cause[CAUSE_PRIV],
		  (unsigned long long)modern.stats.exits_by_cause[CAUSE_PRIV]);
	lab_result_free(&early);
	lab_result_free(&modern);
	image_free(&img);
}
