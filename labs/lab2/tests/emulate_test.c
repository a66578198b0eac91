/*
 * labs/lab2/tests/emulate_test.c: lab 2, the privileged instructions.
 * Owns: each privileged instruction executed by the deprivileged guest
 *       kernel and emulated by the VMM: the program in progs/ checks itself,
 *       and the guest must see no difference from the bare machine.
 * Not:  traps reflected into the guest (reflect_test.c); the guest OS
 *       (guest_test.c).
 * Run one yourself:  build/trapeze asm -I guest-os/include -o /tmp/p.elf
 *       labs/lab2/tests/progs/mfsr.s  and then  build/trapeze diff /tmp/p.elf
 */
#include <criterion/criterion.h>

#include "labtest.h"

static void check(const char *prog, const char *input)
{
	struct lab_run r = { .input = input, .max_steps = 1000000 };
	char path[256];

	snprintf(path, sizeof path, "labs/lab2/tests/progs/%s.s", prog);
	lab_expect_program(path, MODE_TRAP, &r);
}

Test(lab2_emulate, mfsr_reads_the_virtual_registers_at_reset, .timeout = LAB_TIMEOUT)
{
	check("mfsr", NULL);
}

Test(lab2_emulate, mtsr_then_mfsr_round_trips_every_register, .timeout = LAB_TIMEOUT)
{
	check("mtsr", NULL);
}

Test(lab2_emulate, no_such_or_read_only_register_is_illegal, .timeout = LAB_TIMEOUT)
{
	check("illegal", NULL);
}

Test(lab2_emulate, in_and_out_reach_the_vm_console, .timeout = LAB_TIMEOUT)
{
	check("console", "vm");
}

Test(lab2_emulate, getpsw_and_setpsw_see_the_virtual_psw, .timeout = LAB_TIMEOUT)
{
	check("psw", NULL);
}

Test(lab2_emulate, rfe_and_jru_enter_virtual_user_mode, .timeout = LAB_TIMEOUT)
{
	check("usermode", NULL);
}

Test(lab2_emulate, getbase_reads_the_virtual_base, .timeout = LAB_TIMEOUT)
{
	check("getbase", NULL);
}

Test(lab2_emulate, wfi_waits_for_the_virtual_timer, .timeout = LAB_TIMEOUT)
{
	check("wfi", NULL);
}

Test(lab2_emulate, out_to_the_power_port_halts_with_its_code, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_TRAP, .max_steps = 1000 };
	struct lab_result res;
	struct image img;

	lab_assemble_text("halt.s", "\tli r1, 0x2a\n\tout PORT_POWER, r1\n\tli r1, 1\n\tb .\n", &img);
	lab_run_image(&r, &img, &res);
	cr_expect(res.halted, "the guest did not halt: it stopped with '%s'", vm_stop_name(res.stop));
	cr_expect(res.code == 0x2a, "halt code %u, not 42", res.code);
	cr_expect(res.stats.retired == 2, "%llu guest instructions retired, not 2 (li and out): "
		  "an emulated instruction retires like any other (vmm_retire)",
		  (unsigned long long)res.stats.retired);
	lab_result_free(&res);
	image_free(&img);
}
