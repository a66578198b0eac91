/*
 * labs/lab7/tests/host_test.c: lab 7, your scheduler running a host: shares
 *       by weight, a cap, an idle guest giving its time away, the racks.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "labhost.h"

Test(lab7_host, shares_follow_the_weights, .timeout = LAB_TIMEOUT)
{
	static const struct lab_vm v[] = {
		{ "light", MODE_TRAP, "host_worker", NULL, NULL, 100, 0, 0 },
		{ "heavy", MODE_TRAP, "host_worker", NULL, NULL, 300, 0, 0 },
	};
	struct lab_host t;
	double share[2];

	lab_host_make(&t, v, 2);
	lab_host_window(&t, 3000000, share);
	lab_host_window(&t, 30000000, share);
	lab_expect_share("weight 100 of 400", share[0], 0.25);
	lab_expect_share("weight 300 of 400", share[1], 0.75);
	lab_host_free(&t);
}

Test(lab7_host, a_cap_holds_and_its_neighbour_takes_the_rest, .timeout = LAB_TIMEOUT)
{
	static const struct lab_vm v[] = {
		{ "capped", MODE_TRAP, "host_worker", NULL, NULL, 256, 30, 0 },
		{ "other", MODE_HW, "host_worker", NULL, NULL, 256, 0, 0 },
	};
	struct lab_host t;
	double share[2];

	lab_host_make(&t, v, 2);
	lab_host_window(&t, 30000000, share);
	lab_expect_share("capped at 30%", share[0], 0.30);
	lab_expect_share("its neighbour", share[1], 0.70);
	lab_host_free(&t);
}

Test(lab7_host, an_idle_guest_gives_its_time_away, .timeout = LAB_TIMEOUT)
{
	static const struct lab_vm v[] = {
		{ "light", MODE_TRAP, NULL, "guest/kernel.elf", "guest/bench/light.img", 256, 0, 0 },
		{ "busy", MODE_TRAP, "host_worker", NULL, NULL, 256, 0, 0 },
	};
	struct lab_host t;
	struct host_info a, b;
	double share[2];

	lab_host_make(&t, v, 2);
	host_info(t.h, &a);
	lab_host_window(&t, 2000000, share);
	host_info(t.h, &b);
	cr_expect_eq(b.idle, a.idle, "the processor idled %llu cycles while a VM could run",
		     (unsigned long long)(b.idle - a.idle));
	cr_expect_gt(share[1], 0.55, "the busy VM got %.1f%%: the light guest sleeps most of the time",
		     100 * share[1]);
	lab_host_free(&t);
}

Test(lab7_host, four_light_guests_consolidate_on_one_host, .timeout = LAB_TIMEOUT)
{
	static const struct lab_vm v[] = {
		{ "web", MODE_TRAP, NULL, "guest/kernel.elf", "guest/bench/light.img", 256, 0, 0 },
		{ "db", MODE_PV, NULL, "guest/kernel-pv.elf", "guest/bench/light.img", 256, 0, 0 },
		{ "mail", MODE_HW, NULL, "guest/kernel.elf", "guest/bench/light.img", 256, 0, 0 },
		{ "dns", MODE_BT, NULL, "guest/kernel.elf", "guest/bench/light.img", 256, 0, 0 },
	};
	struct lab_host t;
	struct host_info hi;

	lab_host_make(&t, v, 4);
	cr_expect(!host_run(t.h, 50000000), "every guest finished within 50 million host cycles");
	for (int i = 0; i < 4; i++)
		cr_expect(strstr(lab_host_console(&t, i), "light: 00002140 after 40 requests"),
			  "%s finished its work: it printed \"%s\"", v[i].name, lab_host_console(&t, i));
	host_info(t.h, &hi);
	cr_expect_gt(hi.busy + hi.overhead, hi.now / 2, "the host was busy more than half the time: "
		     "utilisation %.1f%%", 100.0 * (double)(hi.busy + hi.overhead) / (double)hi.now);
	lab_host_free(&t);
}
