/*
 * labs/lab0/tests/monitor_test.c: lab 0, the monitor script.
 * Owns: running labs/lab0/explore.mon in `trapeze mon` on lab0.s's program
 *       and looking for what the handout asks it to show.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "labtest.h"

Test(lab0_monitor, explore_stops_at_putdec_and_runs_to_the_end, .timeout = LAB_TIMEOUT)
{
	char cmd[8192];
	char *out;
	int status;

	snprintf(cmd, sizeof cmd, "d=$(mktemp -d) && '%s' asm -o $d/lab0.elf labs/lab0/lab0.s && "
		 "'%s' mon $d/lab0.elf < labs/lab0/explore.mon; s=$?; rm -rf $d; exit $s",
		 lab_trapeze(), lab_trapeze());
	out = lab_sh(cmd, &status);
	cr_expect(strstr(out, "breakpoint 1, ") && strstr(out, "<putdec>"),
		  "the script must stop at a breakpoint on putdec; trapeze mon printed:\n%s", out);
	cr_expect(strstr(out, "0x0000000a  unsigned 10"), "at putdec's first call, print $r1 shows 10 "
		  "(0x0000000a): that line is missing; trapeze mon printed:\n%s", out);
	cr_expect(strstr(out, "lr ") && strstr(out, "sp "),
		  "info registers pc lr sp: lr and sp are missing; trapeze mon printed:\n%s", out);
	cr_expect(strstr(out, "the guest halted with code 0"),
		  "the script must run the program to its end; trapeze mon printed:\n%s", out);
	free(out);
}
