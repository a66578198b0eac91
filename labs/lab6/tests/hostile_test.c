/*
 * labs/lab6/tests/hostile_test.c: lab 6, resource control against a guest
 * whose page tables aim outside its memory.
 * Owns: such accesses faulting as on the bare machine, and the real
 *       processor's tables mapping nothing but the guest's region at every
 *       step, the monitor's memory untouched.
 */
#include <criterion/criterion.h>

#include "labtest.h"

Test(lab6_hostile, tables_pointing_outside_guest_memory_fault_as_bare, .timeout = LAB_TIMEOUT)
{
	static const char *const inc[] = { "guest-os/include", NULL };
	struct lab_run r = { .mode = MODE_TRAP, .max_steps = 100000 };
	struct image img;
	char why[256];

	lab_expect_program("labs/lab6/tests/progs/hostile.s", MODE_TRAP, &r);
	lab_assemble_file("labs/lab6/tests/progs/hostile.s", inc, &img);
	cr_expect(lab_run_confined(&r, &img, 1, why, sizeof why),
		  "resource control: after some step of hostile.s, %s", why);
	image_free(&img);
}
