/*
 * labs/lab6/tests/fault_test.c: lab 6, the shadow page-fault handler.
 * Owns: hidden faults filled and never seen by the guest; true faults
 *       reflected exactly as the bare machine raises them; the exact count
 *       of each kind on a program that can be counted by hand; the guest's
 *       accessed and dirty bits set when, and only when, the bare machine
 *       sets them.
 * Not:  writes to page tables (trace_test.c); the paged guest OS
 *       (guest_test.c); guests that aim outside their memory (hostile_test.c).
 */
#include <criterion/criterion.h>

#include "labtest.h"

#define PROG(name) "labs/lab6/tests/progs/" name ".s"

/* The program at path under trap: equivalent to bare, and its counts. */
static void counts(const char *path, struct vm_mmu_stats *mmu, uint64_t *guest_faults)
{
	struct lab_run r = { .mode = MODE_TRAP };
	struct lab_result res;

	lab_expect_program(path, MODE_TRAP, NULL);
	lab_run_program(path, &r, &res);
	lab_result_free(&res);
	cr_assert(res.halted && res.code == 0, "%s under trap did not finish its checks (stopped "
		  "with '%s', code %u): fix the equivalence first", path, vm_stop_name(res.stop),
		  res.code);
	*mmu = res.stats.mmu;
	*guest_faults = res.stats.guest_traps[CAUSE_PAGEFAULT];
}

Test(lab6_fault, hidden_faults_are_filled_and_the_guest_never_sees_them, .timeout = LAB_TIMEOUT)
{
	struct vm_mmu_stats mmu;
	uint64_t seen;

	counts(PROG("hidden"), &mmu, &seen);
	cr_expect_eq(seen, 0, "the guest saw %llu page faults; its tables allow every access",
		     (unsigned long long)seen);
	cr_expect_eq(mmu.true_faults, 0, "%llu true faults counted: none is (the guest's tables "
		     "allow every access)", (unsigned long long)mmu.true_faults);
	cr_expect_geq(mmu.hidden, 15, "%llu hidden faults counted: each of the 15 pages the user "
		      "code touches (the code, 7 pages through slot 0, the same 7 through slot 1) "
		      "misses the empty shadow once at least", (unsigned long long)mmu.hidden);
	cr_expect_leq(mmu.hidden, 30, "%llu hidden faults: the shadow must keep what a hidden fault "
		      "filled (at most a load's and then a store's fault per page; the program goes "
		      "over its pages five times)", (unsigned long long)mmu.hidden);
}

Test(lab6_fault, true_faults_reach_the_guest_as_on_the_bare_machine, .timeout = LAB_TIMEOUT)
{
	struct vm_mmu_stats mmu;
	uint64_t seen;

	counts(PROG("truefault"), &mmu, &seen);
	cr_expect_eq(seen, 7, "the guest saw %llu page faults; bare, it sees 7", (unsigned long long)seen);
	cr_expect_eq(mmu.true_faults, 7, "%llu true faults counted, 7 reflected",
		     (unsigned long long)mmu.true_faults);
}

Test(lab6_fault, fault_counts_on_a_known_program_are_exact, .timeout = LAB_TIMEOUT)
{
	struct vm_mmu_stats mmu;
	uint64_t seen;

	/* Counted by hand in counts.s's comments, from the lab's rules. */
	counts(PROG("counts"), &mmu, &seen);
	cr_expect_eq(mmu.hidden, 7, "hidden faults: %llu, not 7 (see counts.s: which did you add "
		     "or miss?)", (unsigned long long)mmu.hidden);
	cr_expect_eq(mmu.true_faults, 3, "true faults: %llu, not 3", (unsigned long long)mmu.true_faults);
	cr_expect_eq(mmu.tracing, 2, "tracing faults: %llu, not 2 (the kernel's two writes to the "
		     "table)", (unsigned long long)mmu.tracing);
	cr_expect_eq(mmu.resyncs, 1, "shadow entries dropped: %llu, not 1 (only the entry of 0x3000 "
		     "was in the shadow when its guest entry was written)",
		     (unsigned long long)mmu.resyncs);
	cr_expect_eq(seen, 3, "the guest saw %llu page faults, not its 3", (unsigned long long)seen);
}

Test(lab6_fault, accessed_and_dirty_bits_are_honest, .timeout = LAB_TIMEOUT)
{
	lab_expect_program(PROG("adbits"), MODE_TRAP, NULL);
}
