/*
 * tests/host_hostile_test.c: isolation on a host, proven by hostile
 *       neighbours (issue 15, item 4).
 * Owns: two well-behaved VMs beside one that triple-faults, spins for ever
 *       with interrupts off, floods its console, floods its disk, or makes
 *       an exit storm: the well-behaved VMs' outputs are byte for byte
 *       their outputs alone, their shares of the processor within 5% of
 *       what their weights promise, the monitor's memory untouched; the
 *       triple-faulting VM is stopped and the others go on.
 * Not:  a hostile guest alone (vmm_hostile_test.c).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/hosttest.h"

static const struct host_options fast = { .slice = 100000, .period = 3 };

/* The neighbour, in mode m; how it must end. */
static void beside(const char *fixture, enum vmm_mode m, enum cpu_stop ends, bool dies_at_once)
{
	struct ht_vm vms[] = {
		{ "good1", MODE_TRAP, "host_worker", NULL, NULL, 256, 0, 0, 0, 30000000, NULL },
		{ "good2", MODE_HW, "host_worker", NULL, "guest/disk.img", 512, 0, 0, 0, 30000000, NULL },
		{ "bad", m, fixture, NULL, "guest/disk.img", 256, 0, 0, 0, 1u << 30, NULL },
	};
	struct ht t;
	struct host_info hi;
	struct host_vm_info bad;
	double share[3];
	double live = dies_at_once ? 768.0 : 1024.0;

	ht_host(&t, vms, 3, &fast);
	/* The flood's console kept short: its output is cut, the host unharmed. */
	vm_devices(host_vm(t.h, 2))->con.out_limit = 65536;
	ht_window(&t, 200000, share); /* the neighbour shows what it is */
	/* 80 accounting periods: the credit scheduler's shares hold over
	 * periods, not slice by slice (a heavy VM catches up when the others
	 * have spent their credit). */
	ht_window(&t, 24000000, share);
	ht_expect_share("good1 (weight 256)", share[0], 256 / live);
	ht_expect_share("good2 (weight 512)", share[1], 512 / live);
	if (!dies_at_once)
		ht_expect_share(fixture, share[2], 256 / live);
	host_run(t.h, 200000000);
	for (int i = 0; i < 2; i++) {
		char *alone = ht_alone(&t, i, MODE_BARE);
		struct host_vm_info vi;
		host_vm_info(t.h, i, &vi);
		cr_expect_eq(vi.state, HOST_STOPPED, "%s finished", vi.name);
		cr_expect_str_eq(ht_console(&t, i), alone, "%s's output beside %s differs from its output "
				 "alone", vi.name, fixture);
		free(alone);
	}
	host_vm_info(t.h, 2, &bad);
	if (dies_at_once)
		cr_expect(bad.state == HOST_STOPPED && bad.stop == ends, "%s: %s", fixture,
			  vm_stop_name(bad.stop));
	else
		cr_expect(bad.state != HOST_STOPPED, "%s still runs (its step limit is far)", fixture);
	host_info(t.h, &hi);
	cr_expect(hi.vmm_intact, "the monitor's area written beside %s", fixture);
	for (int i = 0; i < 3; i++)
		cr_expect(vm_vmm_intact(host_vm(t.h, i)));
	ht_free(&t);
}

Test(host_hostile, a_triple_fault_stops_that_vm_and_the_others_go_on)
{
	alarm(60); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	beside("triple", MODE_TRAP, STOP_FAULT, true);
}

Test(host_hostile, a_vm_spinning_with_interrupts_off_gets_its_share_only)
{
	alarm(60); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	beside("spin", MODE_TRAP, STOP_LIMIT, false);
}

Test(host_hostile, the_same_under_hardware_assist)
{
	alarm(60); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	beside("spin", MODE_HW, STOP_LIMIT, false);
}

Test(host_hostile, a_console_flood_is_cut_and_harms_nobody)
{
	alarm(60); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	beside("flood", MODE_TRAP, STOP_LIMIT, false);
}

Test(host_hostile, a_disk_flood_writes_its_own_overlay_only)
{
	alarm(60); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	beside("host_diskflood", MODE_BT, STOP_LIMIT, false);
}

Test(host_hostile, an_exit_storm_costs_its_own_time)
{
	alarm(60); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	beside("host_storm", MODE_TRAP, STOP_LIMIT, false);
}

Test(host_hostile, a_guest_reaching_out_of_its_region_touches_no_neighbour)
{
	alarm(60); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	/* tests/vmm/hostile.s stores below guest-physical 0 and past its
	 * memory, DMAs outside it, runs a window beyond it: every attempt a
	 * BOUNDS fault of its own, as alone. */
	struct ht_vm vms[] = {
		{ "good", MODE_TRAP, "host_worker", NULL, NULL, 0, 0, 0, 0, 300000, NULL },
		{ "bad", MODE_PATCH, "hostile", NULL, "guest/disk.img", 0, 0, 0, 0, 100000, NULL },
	};
	struct ht t;
	uint32_t code = 0;
	char *alone;

	ht_host(&t, vms, 2, &fast);
	host_run(t.h, UINT64_MAX);
	cr_expect(vm_halted(host_vm(t.h, 1), &code) && code == 5, "five faults, as alone (%u)", code);
	alone = ht_alone(&t, 0, MODE_BARE);
	cr_expect_str_eq(ht_console(&t, 0), alone);
	free(alone);
	cr_expect(vm_vmm_intact(host_vm(t.h, 0)));
	ht_free(&t);
}
