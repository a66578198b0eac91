/*
 * labs/lab2/tests/guest_test.c: lab 2, the whole guest OS under your VMM.
 * Owns: booting guest-os/ under trap-and-emulate: what it prints, whether it
 *       could tell it was not on the bare machine, and how much of it ran
 *       natively (Popek and Goldberg's three properties, measured).
 * Not:  single instructions (emulate_test.c, reflect_test.c).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "labtest.h"

Test(lab2_guest, boots_and_prints_what_it_prints_bare, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_BARE };
	struct lab_result bare, virt;
	char diff[512];

	lab_boot(&r, &bare);
	cr_assert(bare.halted && bare.code == 0, "the guest OS does not boot bare: a broken test");
	r.mode = MODE_TRAP;
	lab_boot(&r, &virt);
	lab_first_difference(bare.console, virt.console, "bare", "trap", diff, sizeof diff);
	cr_expect(!strcmp(bare.console, virt.console),
		  "the guest OS prints something else under trap-and-emulate; the first line that "
		  "differs:\n%s", diff);
	cr_expect(virt.halted && virt.code == 0, "under trap-and-emulate the guest OS stopped with "
		  "'%s' (code %u) after %llu instructions", vm_stop_name(virt.stop), virt.code,
		  (unsigned long long)virt.stats.retired);
	lab_result_free(&bare);
	lab_result_free(&virt);
}

Test(lab2_guest, cannot_tell_it_is_virtualised, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .disk = NULL };

	lab_expect_guest_equivalent(&r, MODE_TRAP);
}

Test(lab2_guest, runs_almost_every_instruction_natively, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_TRAP };
	struct lab_result res;

	lab_boot(&r, &res);
	cr_assert(res.halted && res.code == 0, "the guest OS did not finish under trap-and-emulate "
		  "(stopped with '%s'): fix the other tests first", vm_stop_name(res.stop));
	cr_expect(vm_efficiency(&res.stats) >= 95.0, "efficiency %.1f%%: below 95%% of the guest's "
		  "instructions ran natively", vm_efficiency(&res.stats));
	cr_expect(res.stats.emulated > 10000, "only %llu instructions emulated: the guest kernel's "
		  "privileged instructions must trap to the VMM", (unsigned long long)res.stats.emulated);
	cr_expect(res.vmm_intact, "resource control: the guest wrote into the VMM's own memory");
	lab_result_free(&res);
}
