/*
 * labs/lab5/tests/hw_test.c: lab 5, hardware assist.
 * Owns: the VM-exit handler of the hw monitor: the guest OS equivalent to
 *       bare, with and without --nonvirt; each exit counted, by reason and
 *       by port; the guest kernel's privileged instructions, which no
 *       longer exit.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "labtest.h"

static void run(const char *path, enum vmm_mode mode, struct lab_result *res)
{
	struct lab_run r = { .mode = mode, .max_steps = 1000000 };

	lab_run_program(path, &r, res);
}

Test(lab5_hw, the_guest_os_is_equivalent_under_hw, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { 0 };

	lab_expect_guest_equivalent(&r, MODE_HW);
}

Test(lab5_hw, with_nonvirt_the_red_pill_finds_nothing, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_HW, .nonvirt = "x86", .max_steps = 1000000 };
	struct lab_result res;
	struct image img;

	lab_assemble_file("labs/lab3/redpill.s", NULL, &img);
	lab_run_image(&r, &img, &res);
	cr_expect(res.halted && res.code == 0, "labs/lab3/redpill.s under hw --nonvirt printed "
		  "\"%s\" (stopped with '%s')", res.console, vm_stop_name(res.stop));
	lab_result_free(&res);
	image_free(&img);
	lab_expect_program("labs/lab4/tests/progs/sensitive.s", MODE_HW, &r);
}

Test(lab5_hw, exits_are_counted_by_reason_and_by_port, .timeout = LAB_TIMEOUT)
{
	struct lab_result res;

	run("labs/lab5/tests/progs/hwio.s", MODE_HW, &res);
	cr_expect(res.halted && res.code == 0, "hwio.s under hw: stopped with '%s', code %u",
		  vm_stop_name(res.stop), res.code);
	cr_expect(res.stats.exits == 7, "%llu VM exits, not 7 (six port accesses and a wfi)",
		  (unsigned long long)res.stats.exits);
	cr_expect(res.stats.exits_by_cause[CAUSE_PRIV] == 7, "%llu exits counted as PRIV, not 7",
		  (unsigned long long)res.stats.exits_by_cause[CAUSE_PRIV]);
	cr_expect(res.stats.io_exits == 6, "%llu I/O exits, not 6",
		  (unsigned long long)res.stats.io_exits);
	cr_expect(res.stats.io_exits_by_port[PORT_CON_DATA] == 3 &&
		  res.stats.io_exits_by_port[PORT_CON_STATUS] == 2 &&
		  res.stats.io_exits_by_port[PORT_POWER] == 1,
		  "I/O exits by port: CON_DATA %llu (3), CON_STATUS %llu (2), POWER %llu (1)",
		  (unsigned long long)res.stats.io_exits_by_port[PORT_CON_DATA],
		  (unsigned long long)res.stats.io_exits_by_port[PORT_CON_STATUS],
		  (unsigned long long)res.stats.io_exits_by_port[PORT_POWER]);
	lab_result_free(&res);
}

Test(lab5_hw, the_kernel_s_privileged_instructions_do_not_exit, .timeout = LAB_TIMEOUT)
{
	struct lab_result trap, hw;

	run("labs/lab5/tests/progs/hwio.s", MODE_TRAP, &trap);
	run("labs/lab5/tests/progs/hwio.s", MODE_HW, &hw);
	cr_expect(hw.halted && hw.code == 0 && trap.halted && trap.code == 0,
		  "hwio.s fails its check: %u under hw, %u under trap", hw.code, trap.code);
	cr_expect(trap.stats.exits > 80 && hw.stats.exits < 10,
		  "VM exits: %llu under trap, %llu under hw: in guest mode the kernel's mfsr, mtsr "
		  "and getpsw run without the monitor", (unsigned long long)trap.stats.exits,
		  (unsigned long long)hw.stats.exits);
	lab_result_free(&trap);
	lab_result_free(&hw);
}
