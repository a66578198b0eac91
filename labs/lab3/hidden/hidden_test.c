/*
 * labs/lab3/hidden/hidden_test.c: lab 3's hidden tests (not in the
 * students' trees; the autograder runs them).
 * Owns: a red pill that catches each non-trapping instruction on its own
 *       (--nonvirt=getpsw, ...), and stays silent where P&G's Theorem 3
 *       still promises equivalence: the hybrid VMM with --nonvirt=pdp10.
 */
#include <criterion/criterion.h>

#include "../tests/lab3.h"

Test(lab3_hidden, detects_getpsw_alone, .timeout = LAB_TIMEOUT)
{
	lab3_expect_verdict(MODE_TRAP, "getpsw", true);
}

Test(lab3_hidden, detects_setpsw_alone, .timeout = LAB_TIMEOUT)
{
	lab3_expect_verdict(MODE_TRAP, "setpsw", true);
}

Test(lab3_hidden, detects_getbase_alone, .timeout = LAB_TIMEOUT)
{
	lab3_expect_verdict(MODE_TRAP, "getbase", true);
}

Test(lab3_hidden, detects_rfe_alone, .timeout = LAB_TIMEOUT)
{
	lab3_expect_verdict(MODE_TRAP, "rfe", true);
}

Test(lab3_hidden, detects_jru_alone, .timeout = LAB_TIMEOUT)
{
	lab3_expect_verdict(MODE_TRAP, "jru", true);
}

Test(lab3_hidden, says_physical_under_hybrid_with_pdp10, .timeout = LAB_TIMEOUT)
{
	lab3_expect_verdict(MODE_HYBRID, "pdp10", false);
}
