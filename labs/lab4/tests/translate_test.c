/*
 * labs/lab4/tests/translate_test.c: lab 4, translating the guest kernel.
 * Owns: innocuous kernel code run from the translation cache; every
 *       sensitive kernel instruction replaced by a callout, so that the
 *       kernel is equivalent under binary translation even with --nonvirt,
 *       where trap-and-emulate is not.
 * Not:  the cache (cache_test.c); the guest OS (guest_test.c).
 */
#include <criterion/criterion.h>

#include "labtest.h"

static void stats_of(const char *path, enum vmm_mode mode, const char *nonvirt, struct lab_result *res)
{
	struct lab_run r = { .mode = mode, .nonvirt = nonvirt, .max_steps = 1000000 };

	lab_run_program(path, &r, res);
}

Test(lab4_translate, kernel_code_runs_from_the_translation_cache, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .max_steps = 1000000 };
	struct lab_result res;

	lab_expect_program("labs/lab4/tests/progs/loop.s", MODE_BT, &r);
	stats_of("labs/lab4/tests/progs/loop.s", MODE_BT, NULL, &res);
	cr_expect(res.stats.translated > 15000, "only %llu of %llu instructions ran as translated "
		  "code: the kernel's innocuous instructions are copied into blocks and run",
		  (unsigned long long)res.stats.translated, (unsigned long long)res.stats.retired);
	cr_expect(res.stats.interpreted == 0, "%llu instructions interpreted: bt runs translations",
		  (unsigned long long)res.stats.interpreted);
	lab_result_free(&res);
}

Test(lab4_translate, every_sensitive_kernel_instruction_is_a_callout, .timeout = LAB_TIMEOUT)
{
	struct lab_result trap, bt;

	/* With the default ISA each of the kernel's sensitive instructions
	 * traps under trap-and-emulate: their number is the emulated count.
	 * The translator must call out for exactly those, and never trap. */
	stats_of("labs/lab4/tests/progs/sensitive.s", MODE_TRAP, NULL, &trap);
	stats_of("labs/lab4/tests/progs/sensitive.s", MODE_BT, "x86", &bt);
	cr_expect(bt.halted && bt.code == 0, "sensitive.s under bt --nonvirt fails its check %u "
		  "(stopped with '%s')", bt.code, vm_stop_name(bt.stop));
	cr_expect(bt.stats.bt.callouts == trap.stats.emulated,
		  "%llu callouts; the kernel runs %llu sensitive instructions (trap mode emulates that "
		  "many)", (unsigned long long)bt.stats.bt.callouts,
		  (unsigned long long)trap.stats.emulated);
	/* The user program's two mfsr trap, as they must; nothing else may. */
	cr_expect(bt.stats.exits_by_cause[CAUSE_PRIV] == bt.stats.guest_traps[CAUSE_PRIV],
		  "%llu PRIV exits under bt, of which %llu were the user program's: a sensitive "
		  "kernel instruction ran on the real CPU instead of being called out",
		  (unsigned long long)bt.stats.exits_by_cause[CAUSE_PRIV],
		  (unsigned long long)bt.stats.guest_traps[CAUSE_PRIV]);
	lab_result_free(&trap);
	lab_result_free(&bt);
}

Test(lab4_translate, the_kernel_is_equivalent_even_with_nonvirt, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .nonvirt = "x86", .max_steps = 1000000 };

	lab_expect_program("labs/lab4/tests/progs/sensitive.s", MODE_BT, &r);
	lab_expect_program("labs/lab4/tests/progs/loop.s", MODE_BT, &r);
}

Test(lab4_translate, the_red_pill_of_lab_3_finds_nothing, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_BT, .nonvirt = "x86", .max_steps = 1000000 };
	struct lab_result res;
	struct image img;

	lab_assemble_file("labs/lab3/redpill.s", NULL, &img);
	lab_run_image(&r, &img, &res);
	cr_expect(res.halted && res.code == 0, "labs/lab3/redpill.s (a kernel-mode red pill) under "
		  "bt --nonvirt printed \"%s\"", res.console);
	lab_result_free(&res);
	image_free(&img);
}
