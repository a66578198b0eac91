/*
 * labs/lab3/tests/redpill_test.c: lab 3, the red pill.
 * Owns: labs/lab3/redpill.s run bare and under each monitor, with and
 *       without --nonvirt: its verdict (the line it prints, its halt code).
 * Not:  the findings (findings_test.c).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "lab3.h"

Test(lab3_redpill, says_physical_on_the_bare_machine, .timeout = LAB_TIMEOUT)
{
	lab3_expect_verdict(MODE_BARE, NULL, false);
}

Test(lab3_redpill, says_physical_on_the_bare_machine_with_nonvirt, .timeout = LAB_TIMEOUT)
{
	lab3_expect_verdict(MODE_BARE, "x86", false);
	lab3_expect_verdict(MODE_BARE, "pdp10", false);
}

Test(lab3_redpill, says_physical_under_every_vmm_of_the_default_isa, .timeout = LAB_TIMEOUT)
{
	lab3_expect_verdict(MODE_EMULATE, NULL, false);
	lab3_expect_verdict(MODE_TRAP, NULL, false);
	lab3_expect_verdict(MODE_HYBRID, NULL, false);
}

Test(lab3_redpill, detects_trap_and_emulate_with_nonvirt, .timeout = LAB_TIMEOUT)
{
	lab3_expect_verdict(MODE_TRAP, "x86", true);
}
