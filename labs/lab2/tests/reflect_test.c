/*
 * labs/lab2/tests/reflect_test.c: lab 2, traps and interrupts reflected.
 * Owns: a trap out of a guest user program, and the virtual timer's
 *       interrupt, delivered into the guest's own trap vector with the state
 *       the hardware's trap sequence would leave; a privileged instruction
 *       from virtual user mode is the guest kernel's business, not the VMM's.
 * Not:  emulated instructions (emulate_test.c).
 */
#include <criterion/criterion.h>

#include "labtest.h"

Test(lab2_reflect, every_user_trap_reaches_the_guest_vector, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .max_steps = 1000000 };
	lab_expect_program("labs/lab2/tests/progs/faults.s", MODE_TRAP, &r);
}

Test(lab2_reflect, timer_interrupt_waits_for_the_virtual_ie, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .max_steps = 1000000 };
	lab_expect_program("labs/lab2/tests/progs/timer.s", MODE_TRAP, &r);
}

Test(lab2_reflect, privileged_instruction_of_a_user_program_is_not_emulated,
     .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_TRAP, .max_steps = 1000000 };
	struct lab_result res;
	struct image img;

	lab_assemble_file("labs/lab2/tests/progs/faults.s", NULL, &img);
	lab_run_image(&r, &img, &res);
	/* Eight traps reach the guest, the privileged one among them; only the
	 * guest kernel's own privileged instructions are emulated. */
	cr_expect(res.stats.guest_traps[CAUSE_PRIV] == 1,
		  "the guest saw %llu PRIV traps, not 1: the user program's mfsr must be reflected",
		  (unsigned long long)res.stats.guest_traps[CAUSE_PRIV]);
	cr_expect(res.stats.reflected == 8, "%llu traps reflected, not 8",
		  (unsigned long long)res.stats.reflected);
	lab_result_free(&res);
	image_free(&img);
}
