/*
 * labs/lab5/tests/pv_test.c: lab 5, paravirtualisation.
 * Owns: the monitor's side of the hypercall interface: a small PV kernel's
 *       hypercalls one by one; the guest OS's PV build against its golden
 *       transcript; the block ring's backend serving batches.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labtest.h"

Test(lab5_pv, a_small_kernel_s_hypercalls, .timeout = LAB_TIMEOUT)
{
	static const char *const inc[] = { "guest-os/include", NULL };
	struct lab_run r = { .mode = MODE_PV, .max_steps = 1000000 };
	struct lab_result res;
	struct image img;

	lab_assemble_file("labs/lab5/tests/progs/pvcall.s", inc, &img);
	lab_run_image(&r, &img, &res);
	cr_expect(res.halted && res.code == 0, "pvcall.s under pv: %s %u (see its comments); it "
		  "printed \"%s\"", res.halted ? "failed its check" : "did not halt: code",
		  res.code, res.console);
	lab_expect_output(res.console, "hello, pv!\n", "HC_CONSOLE_WRITE");
	cr_expect(res.stats.io_exits == 0 && res.stats.emulated == 0,
		  "a PV kernel's console takes no port exit (%llu) and nothing emulated (%llu)",
		  (unsigned long long)res.stats.io_exits, (unsigned long long)res.stats.emulated);
	lab_result_free(&res);
	image_free(&img);
}

Test(lab5_pv, the_pv_kernel_boots_as_its_golden_transcript, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_PV, .kernel = "guest/kernel-pv.elf" };
	struct lab_result res;
	char *want;
	FILE *f = fopen("tests/golden/guest_os_pv.txt", "rb");
	long n = 0;
	size_t i = 0, line = 0;

	cr_assert(f, "no tests/golden/guest_os_pv.txt");
	cr_assert(!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET));
	want = malloc((size_t)n + 1);
	cr_assert(want && fread(want, 1, (size_t)n, f) == (size_t)n);
	want[n] = 0;
	fclose(f);
	lab_boot(&r, &res);
	while (want[i] && want[i] == res.console[i]) {
		if (want[i] == '\n')
			line = i + 1;
		i++;
	}
	cr_expect(!strcmp(want, res.console), "the PV kernel's boot differs from "
		  "tests/golden/guest_os_pv.txt from this line:\nexpected: %.*s\ngot:      %.*s",
		  (int)strcspn(want + line, "\n"), want + line, (int)strcspn(res.console + line, "\n"),
		  res.console + line);
	cr_expect(res.halted && res.code == 0, "the PV kernel stopped with '%s'",
		  vm_stop_name(res.stop));
	free(want);
	lab_result_free(&res);
}

Test(lab5_pv, the_disk_ring_serves_a_batch_per_notification, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_BARE };
	struct lab_result bare, res;
	const char *want, *got;
	char disk[4096];

	snprintf(disk, sizeof disk, "%s", lab_build_path("guest/bench/io.img"));
	r.disk = disk;
	lab_boot(&r, &bare);
	want = strstr(bare.console, "io: ");
	cr_assert(want, "the io workload prints no result bare: a broken test");
	r.mode = MODE_PV;
	r.kernel = "guest/kernel-pv.elf";
	lab_boot(&r, &res);
	got = strstr(res.console, "io: ");
	cr_expect(res.halted && res.code == 0 && got &&
		  !strncmp(got, want, strcspn(want, "\n") + 1),
		  "the io workload's checksum under pv is not bare's (%.*s); its output ends:\n%s",
		  (int)strcspn(want, "\n"), want, lab_tail(res.console, 600));
	cr_expect(res.stats.pv.requests > 500, "%llu requests served from the ring: the io "
		  "workload reads hundreds of sectors", (unsigned long long)res.stats.pv.requests);
	cr_expect(res.stats.pv.notifies * 7 < res.stats.pv.requests,
		  "%llu notifications for %llu requests: the backend must serve the whole batch "
		  "queued since the last one", (unsigned long long)res.stats.pv.notifies,
		  (unsigned long long)res.stats.pv.requests);
	cr_expect(res.stats.io_exits == 0, "%llu port exits: the ring replaces the disk's ports",
		  (unsigned long long)res.stats.io_exits);
	lab_result_free(&bare);
	lab_result_free(&res);
}
