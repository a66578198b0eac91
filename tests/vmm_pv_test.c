/*
 * tests/vmm_pv_test.c: paravirtualisation (vmm/pv.c and the kernel's PV build).
 * Owns: the PV kernel against its own golden transcripts, with and without
 *       --nonvirt; that it runs no privileged instruction at all; the block
 *       ring (one notification per batch, ten times fewer exits per KiB
 *       than the emulated disk); the balloon (pages given back, taken off
 *       the region, reused by the monitor, out of the guest's reach; the
 *       guest still runs); which kernel runs in which mode; a program that
 *       never registers runs as under trap-and-emulate.
 * Not:  the comparison with the other techniques (tests/bench_test.c).
 *
 * TRAPEZE and BUILD are absolute paths from the environment (make test
 * sets them); the Makefile builds the guest OS first.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/vmtest.h"

static const char *build(void)
{
	const char *b = getenv("BUILD");
	cr_assert(b && *b, "BUILD must name an absolute path (make test sets it)");
	return b;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n = -1;
	char *buf;

	cr_assert(f, "cannot open %s", path);
	cr_assert(fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0);
	buf = malloc((size_t)n + 1);
	cr_assert(buf);
	cr_assert(fread(buf, 1, (size_t)n, f) == (size_t)n);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* The PV guest OS under pv with options, run through the command. */
static char *run_pv(const char *options, const char *kernel, int *status)
{
	char args[1024];

	snprintf(args, sizeof args, "run --mode pv %s --disk '%s/guest/disk.img' '%s/guest/%s'", options,
		 build(), build(), kernel);
	return vt_trapeze(args, VT_STDOUT, status);
}

Test(pv, the_pv_kernel_matches_its_golden_transcript)
{
	int status;
	char *out = run_pv("", "kernel-pv.elf", &status);
	char *want = slurp("tests/golden/guest_os_pv.txt");

	cr_expect_eq(status, 0);
	cr_expect_str_eq(out, want, "the PV boot differs from tests/golden/guest_os_pv.txt");
	cr_expect(strstr(out, "critical section: OK"), "masking in the shared page works");
	free(out);
	free(want);
}

/* --nonvirt cannot reach a kernel that runs no privileged instruction; the
 * red pill, a user program, sees what it sees under any monitor. */
Test(pv, the_pv_kernel_with_nonvirt_matches_its_golden_transcript)
{
	int status;
	char *out = run_pv("--nonvirt", "kernel-pv.elf", &status);
	char *want = slurp("tests/golden/guest_os_pv_nonvirt.txt");

	cr_expect_eq(status, 0);
	cr_expect_str_eq(out, want, "differs from tests/golden/guest_os_pv_nonvirt.txt");
	cr_expect(strstr(out, "critical section: OK"));
	free(out);
	free(want);
}

/* The PV guest OS as a VM, for its statistics. */
static struct vm *pv_vm(uint32_t balloon, const char *disk)
{
	struct vm_options o;
	struct image img;
	char path[512], err[256];
	struct vm *vm;

	snprintf(path, sizeof path, "%s/guest/kernel-pv.elf", build());
	cr_assert(image_read(path, &img, err, sizeof err), "%s", err);
	snprintf(path, sizeof path, "%s/guest/%s", build(), disk);
	vm_options_init(&o);
	o.mode = MODE_PV;
	o.disk_path = path;
	o.balloon = balloon;
	o.capture = true;
	cr_assert(vm_create(&vm, &o, err, sizeof err), "%s", err);
	cr_assert(image_load(vm, &img, err, sizeof err), "%s", err);
	image_free(&img);
	return vm;
}

/* Runs are deterministic: a run in pieces ends where one run ends. A pv
 * kernel masks interrupts in the shared page, which the monitor reads at
 * exits; a budget that ended just as the timer ran out skipped the exit a
 * whole run takes there, so the diff's lockstep (single steps) injected the
 * tick on a stale mask: `diff --modes pv,pv` retired 2139587 instructions
 * and printed 1749 bytes, `run --mode pv` 2139885 and 1770. Found in the
 * first-run trial (issue 13); native.c now takes that exit. */
Test(pv, a_run_in_single_steps_ends_where_one_run_ends_regression)
{
	alarm(300); /* two million single steps: seconds, more under ASan */
	struct vm *whole = pv_vm(0, "disk.img"), *steps = pv_vm(0, "disk.img");
	struct vm_stats a, b;
	size_t la, lb;
	const char *ca, *cb;
	uint32_t ha = 99, hb = 98;

	cr_assert_eq(vm_run(whole, UINT64_MAX), STOP_HALT);
	while (vm_run(steps, 1) == STOP_LIMIT)
		;
	cr_expect_eq(vm_retired(steps), vm_retired(whole), "single steps %llu, one run %llu",
		     (unsigned long long)vm_retired(steps), (unsigned long long)vm_retired(whole));
	ca = vm_console(whole, &la);
	cb = vm_console(steps, &lb);
	cr_expect(la == lb && !memcmp(ca, cb, la), "the console differs (%zu and %zu bytes)", la, lb);
	cr_expect(vm_halted(whole, &ha) && vm_halted(steps, &hb) && ha == hb);
	vm_get_stats(whole, &a);
	vm_get_stats(steps, &b);
	cr_expect_eq(a.exits, b.exits, "the same exits, taken at the same places");
	cr_expect_eq(a.cycles, b.cycles, "the same clock");
	vm_destroy(whole);
	vm_destroy(steps);
}

/* The same through the commands a student types: what diff counts is what
 * run counts. */
Test(pv, diff_of_pv_with_itself_counts_what_run_counts_regression)
{
	alarm(120);
	char args[1024];
	unsigned long long diff_insns = 0, run_insns = 1;
	size_t diff_bytes = 0;
	int status;
	char *out, *said, *console, *p;

	snprintf(args, sizeof args, "diff --modes pv,pv --disk '%s/guest/disk.img' "
		 "'%s/guest/kernel-pv.elf'", build(), build());
	out = vt_trapeze(args, VT_STDOUT, &status);
	cr_expect_eq(status, 0, "%s", out);
	p = strstr(out, "equivalent: pv = pv (");
	cr_assert(p && sscanf(p, "equivalent: pv = pv (%llu instructions, %*u traps and interrupts, "
			      "%zu console bytes", &diff_insns, &diff_bytes) == 2, "%s", out);
	console = run_pv("", "kernel-pv.elf", &status);
	snprintf(args, sizeof args, "run --mode pv --stats --disk '%s/guest/disk.img' "
		 "'%s/guest/kernel-pv.elf'", build(), build());
	said = vt_trapeze(args, VT_STDERR, &status);
	p = strstr(said, "guest instructions");
	cr_assert(p && sscanf(p, "guest instructions %llu", &run_insns) == 1, "%s", said);
	cr_expect_eq(diff_insns, run_insns, "diff counts %llu instructions, run %llu", diff_insns,
		     run_insns);
	cr_expect_eq(diff_bytes, strlen(console), "diff counts %zu console bytes, run prints %zu",
		     diff_bytes, strlen(console));
	free(out);
	free(said);
	free(console);
}

Test(pv, the_pv_kernel_runs_no_privileged_instruction)
{
	struct vm *vm = pv_vm(0, "disk.img");
	struct vm_stats s;

	cr_assert_eq(vm_run(vm, UINT64_MAX), STOP_HALT);
	vm_get_stats(vm, &s);
	cr_expect_eq(s.emulated, 0, "nothing for the monitor to emulate: hypercalls instead");
	cr_expect_eq(s.exits_by_cause[CAUSE_PRIV], s.guest_traps[CAUSE_PRIV],
		     "the only PRIV exits are the red pill's, reflected to its kernel");
	cr_expect_gt(s.pv.hypercalls, 1000);
	cr_expect_eq(s.exits_by_cause[CAUSE_HYPERCALL], s.pv.hypercalls);
	cr_expect_eq(vm_efficiency(&s), 100.0);
	vm_destroy(vm);
}

Test(pv, the_block_ring_takes_one_notification_per_batch)
{
	struct vm *pv = pv_vm(0, "bench/io.img");
	struct vm_stats s;
	double kib;

	cr_assert_eq(vm_run(pv, UINT64_MAX), STOP_HALT);
	vm_get_stats(pv, &s);
	kib = (double)vm_devices(pv)->disk.reads / 2.0;
	cr_expect_gt(kib, 256, "the io workload reads 256 KiB and more");
	cr_expect_eq(s.pv.requests, vm_devices(pv)->disk.reads, "every sector through the ring");
	cr_expect_lt(s.pv.notifies * 7, s.pv.requests, "batches of eight, but for a few");
	cr_expect_eq(s.io_exits, 0, "no port of the emulated disk touched");
	vm_destroy(pv);
}

/* The whole io workload, boot and all: the emulated disk's five exits a
 * sector against a hypercall a batch. */
Test(pv, ten_times_fewer_exits_per_kib_than_the_emulated_disk)
{
	struct vm_options o;
	struct image img;
	char path[512], disk[512], err[256];
	double per_kib[2];
	const enum vmm_mode modes[2] = { MODE_TRAP, MODE_PV };

	snprintf(disk, sizeof disk, "%s/guest/bench/io.img", build());
	for (int i = 0; i < 2; i++) {
		struct vm *vm;
		struct vm_stats s;
		snprintf(path, sizeof path, "%s/guest/%s", build(),
			 modes[i] == MODE_PV ? "kernel-pv.elf" : "kernel.elf");
		cr_assert(image_read(path, &img, err, sizeof err), "%s", err);
		vm_options_init(&o);
		o.mode = modes[i];
		o.disk_path = disk;
		cr_assert(vm_create(&vm, &o, err, sizeof err), "%s", err);
		cr_assert(image_load(vm, &img, err, sizeof err), "%s", err);
		cr_assert_eq(vm_run(vm, UINT64_MAX), STOP_HALT);
		vm_get_stats(vm, &s);
		per_kib[i] = (double)s.exits / ((double)vm_devices(vm)->disk.reads / 2.0);
		vm_destroy(vm);
		image_free(&img);
	}
	cr_expect_gt(per_kib[0], 10 * per_kib[1], "trap %.2f, pv %.2f exits per KiB", per_kib[0],
		     per_kib[1]);
}

Test(pv, the_balloon_gives_pages_back_and_the_guest_still_runs)
{
	struct vm *vm = pv_vm(40, "disk.img");
	struct vm_balloon b;
	struct vm_stats s;
	size_t len;
	const char *console;
	uint32_t code;

	cr_assert_eq(vm_run(vm, UINT64_MAX), STOP_HALT);
	cr_assert(vm_halted(vm, &code));
	cr_expect_eq(code, 0, "the guest finished its work");
	console = vm_console(vm, &len);
	cr_expect(strstr(console, "balloon: gave the monitor 8 pages, 40 in all (160 KiB)"), "%s", console);
	cr_expect(strstr(console, "primes: 1229 primes below 10000"), "%s", console);
	vm_balloon_info(vm, &b);
	cr_expect_eq(b.target, 40);
	cr_expect_eq(b.given, 40);
	cr_expect_eq(b.region_size, VM_DEFAULT_MEM - 40 * VM_PAGE, "taken off the region");
	cr_expect_eq(vm_memory(vm)->size, b.region_size, "the guest's memory is the smaller region");
	cr_expect(b.intact, "the monitor's pages kept what it put there: the guest never touched them");
	cr_expect(vm_vmm_intact(vm));
	vm_get_stats(vm, &s);
	cr_expect_eq(s.pv.balloon, 40);
	vm_destroy(vm);
}

Test(pv, the_balloon_can_be_asked_while_the_guest_runs)
{
	struct vm *vm = pv_vm(0, "disk.img");
	struct vm_balloon b;

	cr_assert_eq(vm_run(vm, 200000), STOP_LIMIT);
	vm_balloon_info(vm, &b);
	cr_expect_eq(b.given, 0);
	cr_assert(vm_balloon_request(vm, 3));
	cr_assert_eq(vm_run(vm, UINT64_MAX), STOP_HALT);
	vm_balloon_info(vm, &b);
	cr_expect_eq(b.given, 3, "at the next clock tick");
	cr_expect(b.intact);
	vm_destroy(vm);
}

/* The page given is out of the guest's reach at once: resource control. */
Test(pv, a_page_given_back_faults_when_the_guest_touches_it)
{
	struct image img;
	struct vm_options o;
	struct vm *vm;
	struct vm_balloon b;
	uint32_t code;

	vt_assemble("balloon", &img);
	vm_options_init(&o);
	vm = vt_vm_image(&o, MODE_PV, &img);
	cr_assert_eq(vm_run(vm, 10000), STOP_HALT);
	cr_assert(vm_halted(vm, &code));
	cr_expect_eq(code, 1 * 16 + CAUSE_BOUNDS, "one page taken, then BOUNDS (code %u)", code);
	vm_balloon_info(vm, &b);
	cr_expect_eq(b.given, 1);
	cr_expect(b.intact);
	vm_destroy(vm);
	image_free(&img);
}

Test(pv, each_kernel_runs_only_where_it_can)
{
	int status;
	char *out;
	char args[1024];

	snprintf(args, sizeof args, "run --mode pv --disk '%s/guest/disk.img' '%s/guest/kernel.elf'",
		 build(), build());
	out = vt_trapeze(args, VT_BOTH, &status);
	cr_expect_eq(status, 1);
	cr_expect(strstr(out, "is the guest OS kernel built for the bare machine: --mode pv runs its "
			      "paravirtualised build"), "%s", out);
	free(out);
	snprintf(args, sizeof args, "run --mode trap --disk '%s/guest/disk.img' '%s/guest/kernel-pv.elf'",
		 build(), build());
	out = vt_trapeze(args, VT_BOTH, &status);
	cr_expect_eq(status, 1);
	cr_expect(strstr(out, "is the paravirtualised guest OS kernel: it asks a monitor by "
			      "hypercall, so it runs only under --mode pv"), "%s", out);
	free(out);
}

/* A program that never registers is trap-and-emulate's guest. */
Test(pv, an_unregistered_program_runs_as_under_trap_and_emulate)
{
	struct image img;
	struct vm_options o;
	struct vmm_divergence d;
	char disk[64];

	vt_assemble("everything", &img);
	vt_make_disk(disk, 8);
	vm_options_init(&o);
	o.disk_path = disk;
	o.input = "ok";
	o.input_len = 2;
	o.step_limit = 1000000;
	cr_expect(vt_equivalent(&o, MODE_BARE, MODE_PV, vt_load_image, &img, &d),
		  "differs after %llu (%s)", (unsigned long long)d.index, d.what ? d.what : "?");
	vmm_divergence_free(&d);
	image_free(&img);
	remove(disk);
}

Test(pv, balloon_requests_are_for_pv_only)
{
	struct prog p = { .n = 0 };
	struct vm_options o;
	struct vm *vm;

	prog_halt(&p, 0);
	vm_options_init(&o);
	vm = vt_vm_prog(&o, MODE_TRAP, &p);
	cr_expect(!vm_balloon_request(vm, 1));
	vm_destroy(vm);
}

/* The ABI is written once (isa-spec/hypercalls.def); the README's table of
 * it must not fall behind. */
Test(pv, the_readme_lists_every_hypercall)
{
	char *readme = slurp("guest-os/README.md");

#define HCALL(name, num, args, result, replaces, doc)                                   \
	{                                                                               \
		char row[64];                                                           \
		snprintf(row, sizeof row, "| %d | `HC_%s` |", num, #name);              \
		cr_expect(strstr(readme, row), "guest-os/README.md lacks the row %s", row); \
	}
#include "../isa-spec/hypercalls.def"
#undef HCALL
	free(readme);
}
