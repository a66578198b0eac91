/*
 * labs/lab6/tests/guest_test.c: lab 6, the paged guest OS under your
 * shadow page tables.
 * Owns: booting build/guest/kernel-paged.elf with paged.img (fork with
 *       copy-on-write, exec, wait, demand-zero pages, forkwait) under
 *       trap-and-emulate: what it prints, its page faults, the monitor's
 *       memory, and the step-by-step equivalence with the bare machine.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "labtest.h"

static void boot_paged(enum vmm_mode mode, struct lab_result *res)
{
	struct lab_run r = { .mode = mode, .kernel = "guest/kernel-paged.elf" };
	char disk[4096];

	snprintf(disk, sizeof disk, "%s", lab_build_path("guest/paged.img"));
	r.disk = disk;
	lab_boot(&r, res);
}

Test(lab6_guest, the_paged_guest_os_prints_what_it_prints_bare, .timeout = LAB_TIMEOUT)
{
	struct lab_result bare, virt;
	char diff[512];

	boot_paged(MODE_BARE, &bare);
	cr_assert(bare.halted && bare.code == 0, "the paged guest OS does not boot bare: a broken "
		  "test, tell your instructor");
	boot_paged(MODE_TRAP, &virt);
	lab_first_difference(bare.console, virt.console, "bare", "trap", diff, sizeof diff);
	cr_expect(!strcmp(bare.console, virt.console), "the paged guest OS prints something else "
		  "under trap; the first line that differs:\n%s", diff);
	cr_expect(virt.halted && virt.code == 0, "under trap the paged guest OS stopped with '%s' "
		  "(code %u) after %llu instructions", vm_stop_name(virt.stop), virt.code,
		  (unsigned long long)virt.stats.retired);
	cr_expect_eq(virt.stats.guest_traps[CAUSE_PAGEFAULT], bare.stats.guest_traps[CAUSE_PAGEFAULT],
		     "the guest's kernel saw %llu page faults, bare %llu: only true faults reach it",
		     (unsigned long long)virt.stats.guest_traps[CAUSE_PAGEFAULT],
		     (unsigned long long)bare.stats.guest_traps[CAUSE_PAGEFAULT]);
	cr_expect_eq(virt.stats.mmu.true_faults, bare.stats.guest_traps[CAUSE_PAGEFAULT],
		     "true faults counted: %llu, the kernel's own faults: %llu",
		     (unsigned long long)virt.stats.mmu.true_faults,
		     (unsigned long long)bare.stats.guest_traps[CAUSE_PAGEFAULT]);
	cr_expect(virt.stats.mmu.hidden > 0 && virt.stats.mmu.tracing > 0,
		  "%llu hidden and %llu tracing faults: the kernel forks and builds tables, so "
		  "there are both", (unsigned long long)virt.stats.mmu.hidden,
		  (unsigned long long)virt.stats.mmu.tracing);
	cr_expect(virt.vmm_intact, "resource control: the guest wrote into the monitor's memory");
	lab_result_free(&bare);
	lab_result_free(&virt);
}

Test(lab6_guest, the_paged_guest_os_cannot_tell_it_is_virtualised, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .kernel = "guest/kernel-paged.elf" };
	char disk[4096];

	snprintf(disk, sizeof disk, "%s", lab_build_path("guest/paged.img"));
	r.disk = disk;
	lab_expect_guest_equivalent(&r, MODE_TRAP);
}
