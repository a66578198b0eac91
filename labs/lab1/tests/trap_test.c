/*
 * labs/lab1/tests/trap_test.c: lab 1, traps other than system calls.
 * Owns: a fault handed to the process that asked for it (SYS_CATCH); a
 *       fault that kills only its process; the timer interrupt that takes
 *       the processor from a busy process.
 * Not:  the system calls themselves (syscall_test.c).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "labtest.h"

#define PROG(name, file) name "=labs/lab1/tests/progs/" file

Test(lab1_trap, catch_hands_a_fault_to_its_handler, .timeout = LAB_TIMEOUT)
{
	static const char *const progs[] = { PROG("init", "catch.s"), NULL };
	struct lab_run r = { 0 };
	struct lab_result res;

	lab_boot_programs(&r, progs, &res);
	lab_expect_output(res.console, "catch: cause 6, detail 0x0a550000, at the div: yes\n",
			  "the handler gets r1 = cause, r2 = detail, r3 = pc of the fault");
	lab_expect_output(res.console, "kernel: pid 1 (init) killed: address out of bounds",
			  "a second fault, not caught, kills");
	cr_expect(!strstr(res.console, "still running"), "the process ran on after a fault");
	lab_result_free(&res);
}

Test(lab1_trap, a_fault_kills_only_its_process, .timeout = LAB_TIMEOUT)
{
	static const char *const progs[] = { PROG("init", "fault.s"), PROG("crasher", "crasher.s"),
					     NULL };
	struct lab_run r = { 0 };
	struct lab_result res;

	lab_boot_programs(&r, progs, &res);
	lab_expect_output(res.console, "crasher: about to fault\n", "crasher's line");
	lab_expect_output(res.console, "kernel: pid 2 (crasher) killed: address out of bounds",
			  "the kernel kills crasher");
	lab_expect_output(res.console, "fault: init is still here\n", "init goes on");
	lab_result_free(&res);
}

Test(lab1_trap, the_timer_preempts_a_busy_process, .timeout = LAB_TIMEOUT)
{
	static const char *const progs[] = { PROG("init", "preempt.s"), PROG("busy", "busy.s"),
					     NULL };
	struct lab_run r = { 0 };
	struct lab_result res;
	const char *init, *busy;

	lab_boot_programs(&r, progs, &res);
	init = strstr(res.console, "preempt: init is done\n");
	busy = strstr(res.console, "busy: done\n");
	cr_expect(init && busy, "both init and busy must finish; the output ends:\n%s",
		  lab_tail(res.console, 800));
	cr_expect(!init || !busy || init < busy,
		  "busy finished before init: the timer interrupt did not take the processor "
		  "from it (QUANTUM instructions, then the next ready process)");
	lab_result_free(&res);
}
