/*
 * tests/host_test.c: trapeze host's machine: placement, the schedule, each
 *       guest's view, shared disks, overcommit (vmm/host.c, vmm/sched.c).
 * Owns: four guest OSes in mixed modes on one host, each printing what it
 *       prints alone; shares against weights and caps; work conservation;
 *       where VMs go and what is refused; copy-on-write disks; a schedule
 *       that is the same every time; pv balloons lending memory to a VM
 *       that did not fit, and getting it back.
 * Not:  hostile neighbours (host_hostile_test.c); the command and its
 *       config (host_cli_test.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/hosttest.h"

/* The Done-when of issue 15: four guest OSes at once, mixed modes, each
 * one's console byte for byte its solo run's. */
Test(host, four_guest_oses_in_mixed_modes_print_what_each_prints_alone)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	static const struct ht_vm vms[] = {
		{ "t", MODE_TRAP, NULL, "guest/kernel.elf", "guest/disk.img", 0, 0, 0, 0, 0, NULL },
		{ "p", MODE_PV, NULL, "guest/kernel-pv.elf", "guest/disk.img", 0, 0, 0, 0, 0, NULL },
		{ "h", MODE_HW, NULL, "guest/kernel.elf", "guest/disk.img", 0, 0, 0, 0, 0, NULL },
		{ "b", MODE_BT, NULL, "guest/kernel.elf", "guest/disk.img", 0, 0, 0, 0, 0, NULL },
	};
	struct ht t;
	struct host_info hi;

	ht_host(&t, vms, 4, NULL);
	cr_assert(!host_run(t.h, UINT64_MAX), "every VM ends");
	for (int i = 0; i < 4; i++) {
		struct host_vm_info vi;
		char *alone = ht_alone(&t, i, vms[i].mode);
		host_vm_info(t.h, i, &vi);
		cr_expect_eq(vi.state, HOST_STOPPED);
		cr_expect_eq(vi.stop, STOP_HALT, "%s: %s", vi.name, vm_stop_name(vi.stop));
		cr_expect(strstr(ht_console(&t, i), "halting"), "%s booted and halted", vi.name);
		cr_expect_str_eq(ht_console(&t, i), alone, "%s (%s): its console on the host differs from "
				 "its run alone", vi.name, vmm_mode_name(vms[i].mode));
		free(alone);
		if (vms[i].mode != MODE_PV) {
			alone = ht_alone(&t, i, MODE_BARE);
			cr_expect_str_eq(ht_console(&t, i), alone, "%s: differs from bare", vi.name);
			free(alone);
		}
	}
	host_info(t.h, &hi);
	cr_expect(hi.vmm_intact, "the monitor's memory untouched");
	cr_expect_gt(hi.switches, 4, "the VMs took turns");
	ht_free(&t);
}

static const struct host_options fast = { .slice = 100000, .period = 3 };

/* Three VMs that always want the processor: weights 1:2:5. */
Test(host, shares_follow_the_weights)
{
	alarm(60); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	static const struct ht_vm vms[] = {
		{ "one", MODE_TRAP, "host_worker", NULL, NULL, 100, 0, 0, 0, 1u << 31, NULL },
		{ "two", MODE_TRAP, "host_worker", NULL, NULL, 200, 0, 0, 0, 1u << 31, NULL },
		{ "five", MODE_HW, "host_worker", NULL, NULL, 500, 0, 0, 0, 1u << 31, NULL },
	};
	struct ht t;
	double share[3];

	ht_host(&t, vms, 3, &fast);
	ht_window(&t, 3000000, share); /* settle */
	ht_window(&t, 30000000, share); /* 100 accounting periods */
	ht_expect_share("weight 100", share[0], 100.0 / 800);
	ht_expect_share("weight 200", share[1], 200.0 / 800);
	ht_expect_share("weight 500", share[2], 500.0 / 800);
	for (int i = 0; i < 3; i++) {
		struct host_vm_info vi;
		host_vm_info(t.h, i, &vi);
		cr_expect_float_eq(vi.promised, vms[i].weight / 800.0, 1e-9);
	}
	ht_free(&t);
}

/* A cap holds a VM to its percentage; the rest goes to the others (work
 * conservation), but a capped VM alone leaves the processor idle. */
Test(host, a_cap_holds_and_the_rest_goes_to_the_others)
{
	alarm(60); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	static const struct ht_vm vms[] = {
		{ "capped", MODE_TRAP, "host_worker", NULL, NULL, 256, 20, 0, 0, 1u << 31, NULL },
		{ "free", MODE_TRAP, "host_worker", NULL, NULL, 256, 0, 0, 0, 1u << 31, NULL },
	};
	struct ht t;
	struct host_info a, b;
	double share[2];

	ht_host(&t, vms, 2, &fast);
	ht_window(&t, 30000000, share);
	ht_expect_share("capped at 20%", share[0], 0.20);
	ht_expect_share("its neighbour", share[1], 0.80);
	ht_free(&t);

	ht_host(&t, vms, 1, &fast);
	host_info(t.h, &a);
	ht_window(&t, 30000000, share);
	host_info(t.h, &b);
	ht_expect_share("capped at 20%, alone", share[0], 0.20);
	cr_expect_gt(b.idle - a.idle, 30000000 * 3 / 4, "the processor idles the rest");
	ht_free(&t);
}

/* A guest that mostly sleeps (wfi) gives its time away: its neighbour
 * never waits for an idle processor. */
Test(host, an_idle_guest_gives_its_time_away)
{
	alarm(60); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	static const struct ht_vm vms[] = {
		{ "light", MODE_TRAP, NULL, "guest/kernel.elf", "guest/bench/light.img", 0, 0, 0, 0, 0, NULL },
		{ "busy", MODE_TRAP, "host_worker", NULL, NULL, 0, 0, 0, 0, 1u << 31, NULL },
	};
	struct ht t;
	struct host_info a, b;
	double share[2];

	ht_host(&t, vms, 2, &fast);
	host_info(t.h, &a);
	ht_window(&t, 2000000, share);
	host_info(t.h, &b);
	cr_expect_eq(b.idle, a.idle, "never idle while one VM can run");
	cr_expect_lt(share[0], 0.35, "the light guest used %.1f%%", 100 * share[0]);
	cr_expect_gt(share[1], 0.55, "its neighbour took the rest: %.1f%%", 100 * share[1]);
	/* The rest is the world switches: each of the light guest's clock
	 * ticks wakes it (BOOST) and sends it back to sleep. */
	cr_expect_float_eq(share[0] + share[1] + (double)(b.overhead - a.overhead) / (double)(b.now - a.now),
			   1.0, 1e-9, "every cycle accounted for");
	ht_free(&t);
}

Test(host, regions_and_pools_are_apart_and_the_monitor_s_area_is_filled)
{
	static const struct ht_vm vms[] = {
		{ "a", MODE_TRAP, "host_worker", NULL, NULL, 0, 0, 65536, 0, 10000, NULL },
		{ "b", MODE_EMULATE, "host_worker", NULL, NULL, 0, 0, 131072, 0, 10000, NULL },
		{ "c", MODE_PV, "host_worker", NULL, NULL, 0, 0, 0, 0x400000, 10000, NULL },
		{ "d", MODE_HW, "host_worker", NULL, NULL, 0, 0, 4096, 0, 10000, NULL },
	};
	struct ht t;
	struct host_info hi;
	struct host_vm_info v[4];

	ht_host(&t, vms, 4, NULL);
	host_info(t.h, &hi);
	for (int i = 0; i < 4; i++) {
		host_vm_info(t.h, i, &v[i]);
		cr_expect_geq(v[i].region_base, hi.pools_end, "%s: its region above the pools", v[i].name);
		cr_expect_leq((uint64_t)v[i].region_base + v[i].mem_size, hi.mem_size);
		cr_expect_eq(v[i].region_base % 4096, 0);
		cr_expect(!v[i].pool_pages || (v[i].pool_base >= hi.vmm_area &&
					      v[i].pool_base + v[i].pool_pages * 4096 <= hi.pools_end));
		for (int k = 0; k < i; k++) {
			cr_expect(v[i].region_base >= v[k].region_base + v[k].mem_size ||
				  v[k].region_base >= v[i].region_base + v[i].mem_size,
				  "%s and %s overlap", v[i].name, v[k].name);
			cr_expect(!v[i].pool_pages || !v[k].pool_pages ||
				  v[i].pool_base >= v[k].pool_base + v[k].pool_pages * 4096 ||
				  v[k].pool_base >= v[i].pool_base + v[i].pool_pages * 4096);
		}
	}
	cr_expect_eq(v[2].region_base, 0x400000, "asked for at a base: there");
	cr_expect_eq(v[1].pool_pages, 0, "emulation keeps no tables");
	cr_expect(hi.vmm_intact);
	cr_expect_eq(vm_memory(host_vm(t.h, 0))->size, 65536, "each guest sees its own memory");
	host_run(t.h, UINT64_MAX);
	host_info(t.h, &hi);
	cr_expect(hi.vmm_intact);
	ht_free(&t);
}

static void refused(const struct ht_vm *vms, int n, const struct host_options *ho, int culprit_is,
		    const char *says)
{
	struct ht t;
	char err[600] = "";
	int culprit = -2;

	cr_expect(!ht_make(&t, vms, n, ho, err, sizeof err), "accepted: %s", says);
	cr_expect(t.h == NULL);
	cr_expect(strstr(err, says), "'%s' does not say '%s'", err, says);
	/* ht_make hides the culprit: ask again. */
	cr_expect(!host_create(&t.h, ho ? ho : &(struct host_options){ 0 }, t.o, n, err, sizeof err,
			       &culprit));
	cr_expect_eq(culprit, culprit_is, "%s: culprit %d", says, culprit);
	ht_free(&t);
}

Test(host, a_set_that_does_not_fit_or_overlaps_is_refused_whole)
{
	struct ht_vm two[] = {
		{ "a", MODE_TRAP, "host_worker", NULL, NULL, 0, 0, 0, 0, 0, NULL },
		{ "b", MODE_TRAP, "host_worker", NULL, NULL, 0, 0, 0, 0, 0, NULL },
	};
	struct host_options small = { .mem_size = 2u << 20 };

	refused(two, 2, &small, 1, "VM 'b': its 1048576 bytes do not fit");
	two[0].base = 0x200000;
	two[1].base = 0x280000;
	refused(two, 2, NULL, 1, "VM 'b': region 0x00280000..0x00380000 overlaps VM 'a'");
	two[1].base = 0x10000;
	refused(two, 2, NULL, 1, "in the monitor's area or the page-table pools");
	two[0].base = two[1].base = 0;
	two[1].mode = MODE_BARE;
	refused(two, 2, NULL, 1, "bare mode cannot be hosted");
	two[1].mode = MODE_TRAP;
	two[0].weight = 70000;
	refused(two, 2, NULL, 0, "weight 70000: must be 1 to 65535");
	two[0].weight = 0;
	two[1].cap = 101;
	refused(two, 2, NULL, 1, "cap 101%: must be 0 (none) to 100%");
	two[1].cap = 0;
	two[1].mem = VM_MAX_MEM + 4;
	refused(two, 2, NULL, 1, "memory of 268435460 bytes");
	two[1].mem = 0;
	two[1].disk = "no/such/disk.img";
	refused(two, 2, NULL, 1, "disk image");
}

/* Two VMs write their disk for ever: each its own overlay, the shared
 * image held once and never written. */
Test(host, several_vms_boot_from_one_disk_copy_on_write)
{
	static const struct ht_vm vms[] = {
		{ "w1", MODE_TRAP, "host_diskflood", NULL, "guest/disk.img", 0, 0, 0, 0, 200000, NULL },
		{ "w2", MODE_PATCH, "host_diskflood", NULL, "guest/disk.img", 0, 0, 0, 0, 200000, NULL },
		{ "os", MODE_HW, NULL, "guest/kernel.elf", "guest/disk.img", 0, 0, 0, 0, 0, NULL },
	};
	struct ht t;
	struct disk_base file;
	const char *why;
	char *alone;

	ht_host(&t, vms, 3, &fast);
	host_run(t.h, UINT64_MAX);
	cr_assert(dev_disk_base_load(&file, t.disk[0], &why), "%s", why);
	for (int i = 0; i < 3; i++) {
		const struct disk *d = &vm_devices(host_vm(t.h, i))->disk;
		cr_expect(d->image == NULL && d->base != NULL, "shared, not copied");
		cr_expect_eq(d->base, vm_devices(host_vm(t.h, 0))->disk.base, "one image for all");
		cr_expect_eq(memcmp(d->base, file.bytes, (size_t)file.nsectors * DISK_SECTOR_SIZE), 0,
			     "the shared image never written");
	}
	cr_expect_eq(vm_devices(host_vm(t.h, 0))->disk.overlay_sectors, 8, "the sectors it wrote, its own");
	cr_expect_eq(vm_devices(host_vm(t.h, 2))->disk.overlay_sectors, 0, "a guest that only reads copies none");
	alone = ht_alone(&t, 2, MODE_BARE);
	cr_expect_str_eq(ht_console(&t, 2), alone, "the guest OS read the image, not its neighbours' writes");
	free(alone);
	dev_disk_base_free(&file);
	ht_free(&t);
}

/* Same config, same schedule: every figure the same. */
Test(host, the_schedule_is_the_same_every_time)
{
	alarm(60); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	static const struct ht_vm vms[] = {
		{ "light", MODE_PV, NULL, "guest/kernel-pv.elf", "guest/bench/light.img", 0, 0, 0, 0, 0, NULL },
		{ "w", MODE_TRAP, "host_worker", NULL, NULL, 300, 50, 0, 0, 3000000, NULL },
		{ "x", MODE_BT, "host_worker", NULL, NULL, 100, 0, 0, 0, 2000000, NULL },
	};
	uint64_t busy[2][3], end[2][3], now[2];

	for (int r = 0; r < 2; r++) {
		struct ht t;
		struct host_info hi;
		ht_host(&t, vms, 3, &fast);
		host_run(t.h, UINT64_MAX);
		host_info(t.h, &hi);
		now[r] = hi.now;
		for (int i = 0; i < 3; i++) {
			struct host_vm_info vi;
			host_vm_info(t.h, i, &vi);
			busy[r][i] = vi.busy;
			end[r][i] = vi.end;
		}
		ht_free(&t);
	}
	cr_expect_eq(now[0], now[1]);
	for (int i = 0; i < 3; i++) {
		cr_expect_eq(busy[0][i], busy[1][i]);
		cr_expect_eq(end[0][i], end[1][i]);
	}
}

/* Memory overcommit: two pv guests fill the host; a third VM waits, the
 * host asks a balloon for what it lacks and starts it in the pages given;
 * once it is done, the balloon deflates and the guest has them back. */
Test(host, pv_balloons_lend_memory_to_a_vm_that_did_not_fit)
{
	alarm(60); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct ht_vm vms[] = {
		{ "p1", MODE_PV, NULL, "guest/kernel-pv.elf", "guest/bench/light.img", 0, 0, 0, 0, 0, NULL },
		{ "p2", MODE_PV, NULL, "guest/kernel-pv.elf", "guest/bench/light.img", 0, 0, 0, 0, 0, NULL },
		{ "late", MODE_TRAP, "host_worker", NULL, NULL, 0, 0, 256u << 10, 0, 400000, NULL },
	};
	struct host_options ho = fast;
	struct vm_options pv, trap;
	struct ht t;
	struct host_vm_info late, p1;
	const struct host_mem_sample *s;
	int ns, shrank = 0, grew = 0;

	vm_options_init(&pv);
	pv.mode = MODE_PV;
	vm_options_init(&trap);
	trap.mode = MODE_TRAP;
	trap.mem_size = vms[2].mem;
	ho.mem_size = VM_VMM_AREA + (2 * vm_monitor_pages(&pv) + vm_monitor_pages(&trap)) * 4096 + (2u << 20);
	ho.overcommit = true;
	ht_host(&t, vms, 3, &ho);
	host_vm_info(t.h, 2, &late);
	cr_expect_eq(late.state, HOST_WAITING, "it does not fit at first");
	cr_expect_null(host_vm(t.h, 2));
	cr_assert(!host_run(t.h, UINT64_MAX));
	host_vm_info(t.h, 2, &late);
	host_vm_info(t.h, 0, &p1);
	cr_expect_eq(late.stop, STOP_LIMIT, "it ran to its step limit");
	cr_expect_gt(late.start, 0, "started later, in memory a balloon gave");
	cr_expect(late.region_base >= p1.region_base && late.region_base < p1.region_base + p1.mem_size,
		  "in p1's pages: 0x%x", late.region_base);
	cr_expect(strstr(ht_console(&t, 2), "w00000001\n"), "it ran");
	cr_expect(strstr(ht_console(&t, 0), "balloon: gave the monitor"), "%s", ht_console(&t, 0));
	cr_expect(strstr(ht_console(&t, 0), "balloon: took back"), "the balloon deflated: %s",
		  ht_console(&t, 0));
	cr_expect(strstr(ht_console(&t, 0), "light: 00002140 after 40 requests"), "p1 finished its work");
	cr_expect(strstr(ht_console(&t, 1), "light: 00002140 after 40 requests"));
	s = host_mem_samples(t.h, &ns);
	for (int k = 0; k < ns; k++) {
		if (s[k].vm == 0 && s[k].bytes && s[k].bytes < p1.mem_size)
			shrank++;
		if (s[k].vm == 0 && shrank && s[k].bytes == p1.mem_size)
			grew++;
	}
	cr_expect_gt(shrank, 0, "p1's memory over time shows the balloon");
	cr_expect_gt(grew, 0, "and its memory back");
	ht_free(&t);
}
