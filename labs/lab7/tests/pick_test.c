/*
 * labs/lab7/tests/pick_test.c: lab 7, the scheduler's choice of the next VM
 *       (sched_pick in vmm/sched.c), on a scheduler's state built by hand.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "labhost.h"

/* n VMs, all live and runnable, credits as given. */
static void state(struct sched *s, struct sched_vm *v, int n, const int64_t *credit)
{
	memset(v, 0, sizeof *v * (size_t)n);
	sched_init(s, v, n, 1000, 3000);
	for (int i = 0; i < n; i++) {
		v[i].weight = 256;
		v[i].live = v[i].runnable = true;
		v[i].credit = credit[i];
	}
}

Test(lab7_pick, under_before_over_and_none_when_none_can_run, .timeout = LAB_TIMEOUT)
{
	struct sched s;
	struct sched_vm v[3];
	static const int64_t credit[] = { -500, 200, -100 };

	state(&s, v, 3, credit);
	cr_expect_eq(sched_pick(&s), 1, "the only VM with credit left (UNDER) runs before those "
		     "that have spent theirs (OVER)");
	v[1].runnable = false;
	cr_expect_eq(sched_pick(&s), 0, "no UNDER VM can run: an OVER one does (work-conserving); "
		     "both OVER, neither ran yet: the lower number");
	v[0].runnable = v[2].runnable = false;
	cr_expect_eq(sched_pick(&s), -1, "nothing runnable: -1");
}

Test(lab7_pick, boost_first_and_parked_or_waiting_vms_never, .timeout = LAB_TIMEOUT)
{
	struct sched s;
	struct sched_vm v[4];
	static const int64_t credit[] = { 900, 100, 100, 800 };

	state(&s, v, 4, credit);
	v[2].boost = true;
	cr_expect_eq(sched_pick(&s), 2, "a VM that woke with credit (BOOST) runs first");
	v[2].runnable = false;
	v[0].parked = true;
	cr_expect_eq(sched_pick(&s), 1, "a parked VM (it used its cap) never runs, however much credit "
		     "it has; among UNDER VMs, round robin: neither ran yet, the lower number");
	v[1].runnable = false;
	cr_expect_eq(sched_pick(&s), 3);
	v[3].parked = true;
	cr_expect_eq(sched_pick(&s), -1, "waiting or parked: none may run");
}

Test(lab7_pick, ties_go_to_the_vm_that_ran_least_recently, .timeout = LAB_TIMEOUT)
{
	struct sched s;
	struct sched_vm v[3];
	static const int64_t credit[] = { 100, 100, 100 };
	int order[6];

	state(&s, v, 3, credit);
	for (int k = 0; k < 6; k++) {
		order[k] = sched_pick(&s);
		cr_assert(order[k] >= 0, "a VM to run");
		sched_charge(&s, order[k], 10); /* still UNDER */
	}
	for (int k = 0; k < 6; k++)
		cr_expect_eq(order[k], k % 3, "round robin 0, 1, 2, 0, 1, 2: pick %d was %d", k, order[k]);
}
