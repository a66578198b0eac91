/*
 * labs/lab6/tests/trace_test.c: lab 6, the guest's writes to its page tables.
 * Owns: a write to a table, by the user code or by the kernel, of a word,
 *       a halfword or a byte, to a table entry or a directory entry, taking
 *       effect at the next access; a table shared by two address spaces;
 *       the tree's own paging test (tests/vmm/paging.s) under trap.
 * Not:  the fault handler's hidden and true faults (fault_test.c).
 */
#include <criterion/criterion.h>

#include "labtest.h"

#define PROG(name) "labs/lab6/tests/progs/" name ".s"

Test(lab6_trace, a_traced_write_takes_effect_at_once, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_TRAP };
	struct lab_result res;

	lab_expect_program(PROG("traced"), MODE_TRAP, NULL);
	lab_run_program(PROG("traced"), &r, &res);
	/* The user's word, halfword and two byte stores to its table, the kernel's
	 * two entries and its directory entry: each a tracing fault. */
	cr_expect_eq(res.stats.mmu.tracing, 7, "tracing faults: %llu, not 7 (4 stores of the user "
		     "code to its table, 3 of the kernel's)", (unsigned long long)res.stats.mmu.tracing);
	lab_result_free(&res);
}

Test(lab6_trace, a_table_shared_by_two_spaces_changes_in_both, .timeout = LAB_TIMEOUT)
{
	lab_expect_program(PROG("shared"), MODE_TRAP, NULL);
}

/* tests/vmm/paging.s and tests/vmm_paging_test.c explain its counts. */
Test(lab6_trace, the_tree_s_paging_test_is_equivalent_under_trap, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_TRAP, .max_steps = 1000000 };
	struct lab_result res;

	lab_expect_program("tests/vmm/paging.s", MODE_TRAP, &r);
	lab_run_program("tests/vmm/paging.s", &r, &res);
	cr_expect_eq(res.stats.mmu.true_faults, 6, "true faults: %llu, not 6",
		     (unsigned long long)res.stats.mmu.true_faults);
	cr_expect_eq(res.stats.mmu.tracing, 10, "tracing faults: %llu, not 10",
		     (unsigned long long)res.stats.mmu.tracing);
	lab_result_free(&res);
}
