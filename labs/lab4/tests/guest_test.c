/*
 * labs/lab4/tests/guest_test.c: lab 4, the guest OS under your translator.
 * Owns: the whole guest OS, unmodified, under binary translation with the
 *       x86-like --nonvirt set, where trap-and-emulate breaks it; and with
 *       --nonvirt=pdp10, where nothing at all gives the monitor away.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "labtest.h"

/* Does a line of the bare machine's transcript depend on how time falls?
 * The red pill's verdict differs by design (a user program, run directly:
 * see vmm/bt.c), and the extra line it prints shifts the later processes
 * against the clock: who prints when, system-call counts, ticks. */
static bool timing_dependent(const char *line)
{
	static const char *const prefixes[] = { "redpill:", "init:", "kernel:", "ping", "pong", " " };

	for (unsigned i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (!strncmp(line, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

Test(lab4_guest, boots_with_nonvirt_as_on_the_bare_machine, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_BARE };
	struct lab_result bare, bt;
	char *a;

	lab_boot(&r, &bare);
	r.mode = MODE_BT;
	r.nonvirt = "x86";
	lab_boot(&r, &bt);
	lab_expect_output(bt.console, "critical section: OK", "the kernel's setpsw, called out");
	/* Every line that does not depend on timing, as on the bare machine. */
	a = strdup(bare.console);
	cr_assert(a);
	for (char *line = strtok(a, "\n"); line; line = strtok(NULL, "\n")) {
		if (timing_dependent(line))
			continue;
		cr_expect(strstr(bt.console, line), "under bt --nonvirt the guest OS does not print "
			  "this line of the bare machine's:\n    %s\nits output ends:\n%s", line,
			  lab_tail(bt.console, 800));
	}
	cr_expect(bt.halted && bt.code == 0, "the guest OS under bt --nonvirt stopped with '%s'",
		  vm_stop_name(bt.stop));
	free(a);
	lab_result_free(&bare);
	lab_result_free(&bt);
}

Test(lab4_guest, is_equivalent_with_the_pdp10_like_set, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .nonvirt = "pdp10" };

	lab_expect_guest_equivalent(&r, MODE_BT);
}
