/*
 * labs/lab1/tests/syscall_test.c: lab 1, the system calls.
 * Owns: each system call as a user program sees it: the program in progs/
 *       runs as init on a disk of its own and prints what it got.
 * Not:  faults and interrupts (trap_test.c).
 */
#include <criterion/criterion.h>

#include "labtest.h"

#define PROG(name, file) name "=labs/lab1/tests/progs/" file

Test(lab1_syscall, unknown_numbers_return_enosys, .timeout = LAB_TIMEOUT)
{
	static const char *const progs[] = { PROG("init", "nosys.s"), NULL };
	struct lab_run r = { 0 };
	struct lab_result res;

	lab_boot_programs(&r, progs, &res);
	lab_expect_output(res.console, "nosys: sys 99 returned -7, sys 12 returned -7\n",
			  "a system call number with no handler returns E_NOSYS");
	lab_result_free(&res);
}

Test(lab1_syscall, getpid_returns_the_caller_s_pid, .timeout = LAB_TIMEOUT)
{
	static const char *const progs[] = { PROG("init", "getpid.s"), PROG("child", "child.s"),
					     NULL };
	struct lab_run r = { 0 };
	struct lab_result res;

	lab_boot_programs(&r, progs, &res);
	lab_expect_output(res.console, "getpid: init is pid 1\n", "init's getpid");
	lab_expect_output(res.console, "child: my pid is 2\n", "the child's getpid");
	lab_result_free(&res);
}

Test(lab1_syscall, write_prints_and_returns_its_length, .timeout = LAB_TIMEOUT)
{
	static const char *const progs[] = { PROG("init", "write.s"), NULL };
	struct lab_run r = { 0 };
	struct lab_result res;

	lab_boot_programs(&r, progs, &res);
	lab_expect_output(res.console, "hello\n", "write(\"hello\\n\", 6) prints it");
	lab_expect_output(res.console, "write: 6 bytes returned 6, 0 bytes returned 0\n",
			  "write returns the number of bytes written");
	lab_result_free(&res);
}

Test(lab1_syscall, write_refuses_a_buffer_outside_the_process, .timeout = LAB_TIMEOUT)
{
	static const char *const progs[] = { PROG("init", "write.s"), NULL };
	struct lab_run r = { 0 };
	struct lab_result res;

	lab_boot_programs(&r, progs, &res);
	lab_expect_output(res.console, "write: at the limit returned -3, across it returned -3\n",
			  "a buffer not wholly inside the process gives E_FAULT (uaddr)");
	lab_result_free(&res);
}

Test(lab1_syscall, sleep_waits_at_least_its_ticks, .timeout = LAB_TIMEOUT)
{
	static const char *const progs[] = { PROG("init", "sleep.s"), NULL };
	struct lab_run r = { 0 };
	struct lab_result res;

	lab_boot_programs(&r, progs, &res);
	lab_expect_output(res.console, "sleep: sleep(0) returned 0; sleep(5) slept 5 ticks or more\n",
			  "sleep");
	cr_expect(res.halted && res.code == 0, "the guest OS did not finish: it stopped with '%s'",
		  vm_stop_name(res.stop));
	lab_result_free(&res);
}
