/*
 * labs/lab7/hidden/hidden_test.c: lab 7's hidden tests: three weights and a
 *       cap at once, equal VMs sharing evenly, a waking VM served at once,
 *       the same schedule every time, stopped VMs never picked.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "../tests/labhost.h"

Test(lab7_hidden, three_weights_and_a_cap, .timeout = LAB_TIMEOUT)
{
	static const struct lab_vm v[] = {
		{ "a", MODE_TRAP, "host_worker", NULL, NULL, 100, 0, 0 },
		{ "b", MODE_BT, "host_worker", NULL, NULL, 100, 0, 0 },
		{ "c", MODE_HW, "host_worker", NULL, NULL, 200, 20, 0 },
	};
	struct lab_host t;
	double share[3];

	lab_host_make(&t, v, 3);
	lab_host_window(&t, 3000000, share);
	lab_host_window(&t, 30000000, share);
	/* c would have half; its cap holds it to 20%, the rest shared 1:1. */
	lab_expect_share("a", share[0], 0.40);
	lab_expect_share("b", share[1], 0.40);
	lab_expect_share("c, capped", share[2], 0.20);
	lab_host_free(&t);
}

Test(lab7_hidden, equal_vms_share_evenly_over_short_windows, .timeout = LAB_TIMEOUT)
{
	static const struct lab_vm v[] = {
		{ "a", MODE_TRAP, "host_worker", NULL, NULL, 0, 0, 0 },
		{ "b", MODE_TRAP, "host_worker", NULL, NULL, 0, 0, 0 },
		{ "c", MODE_TRAP, "host_worker", NULL, NULL, 0, 0, 0 },
		{ "d", MODE_TRAP, "host_worker", NULL, NULL, 0, 0, 0 },
	};
	struct lab_host t;
	double share[4];

	lab_host_make(&t, v, 4);
	for (int w = 0; w < 3; w++) {
		lab_host_window(&t, 1200000, share);
		for (int i = 0; i < 4; i++)
			lab_expect_share(v[i].name, share[i], 0.25);
	}
	lab_host_free(&t);
}

Test(lab7_hidden, a_waking_vm_with_credit_runs_at_once, .timeout = LAB_TIMEOUT)
{
	/* The light guest's clock ticks every 5,000 of its instructions: each
	 * tick it must be served before the busy VM's slice ends, or its
	 * requests take far longer than alone. */
	static const struct lab_vm v[] = {
		{ "light", MODE_TRAP, NULL, "guest/kernel.elf", "guest/bench/light.img", 256, 0, 0 },
		{ "busy", MODE_TRAP, "host_worker", NULL, NULL, 256, 0, 0 },
	};
	struct lab_host t;
	struct host_vm_info vi;
	struct vm_stats s;

	lab_host_make(&t, v, 2);
	host_vm_info(t.h, 0, &vi);
	for (int k = 0; k < 400 && vi.state != HOST_STOPPED; k++) {
		host_run(t.h, 100000);
		host_vm_info(t.h, 0, &vi);
	}
	cr_assert_eq(vi.state, HOST_STOPPED, "the light guest finished");
	vm_get_stats(host_vm_c(t.h, 0), &s);
	cr_expect_lt((double)(vi.end - vi.start), 1.5 * (double)s.cycles, "it took %.2fx its time "
		     "alone: BOOST should have served it at each wake-up",
		     (double)(vi.end - vi.start) / (double)s.cycles);
	lab_host_free(&t);
}

Test(lab7_hidden, stopped_vms_are_never_picked_and_the_schedule_repeats, .timeout = LAB_TIMEOUT)
{
	static const struct lab_vm v[] = {
		{ "short", MODE_TRAP, "host_worker", NULL, NULL, 256, 0, 300000 },
		{ "long", MODE_PATCH, "host_worker", NULL, NULL, 256, 0, 0 },
	};
	uint64_t busy[2][2];

	for (int r = 0; r < 2; r++) {
		struct lab_host t;
		double share[2];
		lab_host_make(&t, v, 2);
		lab_host_window(&t, 2000000, share);
		lab_host_window(&t, 3000000, share);
		cr_expect_float_eq(share[0], 0.0, 1e-12, "a stopped VM ran again");
		cr_expect_gt(share[1], 0.99, "its neighbour has the processor to itself");
		for (int i = 0; i < 2; i++) {
			struct host_vm_info vi;
			host_vm_info(t.h, i, &vi);
			busy[r][i] = vi.busy;
		}
		lab_host_free(&t);
	}
	cr_expect(busy[0][0] == busy[1][0] && busy[0][1] == busy[1][1], "the same schedule twice");
}
