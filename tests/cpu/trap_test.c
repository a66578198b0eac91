/*
 * tests/cpu/trap_test.c: traps, interrupts, relocation, the timer, nonvirt.
 * Owns: trap delivery and return for every cause; bounds and relocation;
 *       the silent behaviours --nonvirt gives the five flagged instructions.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "machine.h"

/* ---- every cause, delivered through the vector ---- */

struct cause_case {
	enum trap_cause cause;
	bool user;
	uint32_t word;
	uint32_t detail;
	uint32_t epc_off; /* epc - TM_PC */
};

Test(trap, every_cause_is_delivered_with_epc_cause_and_detail)
{
	const struct cause_case cases[] = {
		{ CAUSE_SYSCALL, true, K(sys, 9), 9, 4 },
		{ CAUSE_PRIV, true, K(rfe, 0), K(rfe, 0), 0 },
		{ CAUSE_ILLEGAL, false, 0xFE000000, 0xFE000000, 0 },
		{ CAUSE_BOUNDS, true, I(ldw, 1, 0, 0x7FFC), 0x7FFC, 0 },
		{ CAUSE_MISALIGNED, false, I(ldw, 1, 0, 0x802), 0x802, 0 },
		{ CAUSE_DIVZERO, false, R(div, 1, 0, 0), R(div, 1, 0, 0), 0 },
		{ CAUSE_BREAKPOINT, true, K(brk, 1), 1, 4 },
		{ CAUSE_HYPERCALL, false, K(hcall, 3), 3, 4 },
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct machine m;
		tm_boot(&m, cases[i].user, cpu_exec_goto);
		m.what = isa_cause_name(cases[i].cause);
		uint32_t psw = m.c.psw | PSW_IE | PSW_C;
		m.c.psw = psw;
		tm_exec(&m, cases[i].word);
		TM_TRAPPED(&m, cases[i].cause, cases[i].detail, TM_PC + cases[i].epc_off);
		cr_assert_eq(m.c.sr[SR_epsw], psw, "%s: epsw is the psw before the trap", m.what);
		cr_assert_eq(m.c.psw, PSW_S | PSW_C, "%s: flags survive trap entry", m.what);
		cr_assert_eq(m.c.traps[cases[i].cause], 1);
		tm_free(&m);
	}
}

Test(trap, rfe_returns_to_epc_with_epsw)
{
	struct machine m;
	tm_boot(&m, true, cpu_exec_goto);
	m.c.psw = PSW_IE;
	m.c.sr[SR_timer] = 0;
	uint32_t rfe = K(rfe, 0);
	cr_assert(mem_write(&m.c.mem, TM_TVEC, &rfe, 4)); /* the vector is physical */
	tm_program(&m, TM_PC, (const uint32_t[]){ K(sys, 1), I(addi, 1, 0, 7), K(brk, 0) }, 3);
	cr_assert_eq(tm_run(&m, 3), STOP_LIMIT);
	cr_assert_eq(m.c.r[1], 7, "back in user mode after the handler");
	cr_assert_eq(m.c.psw, PSW_IE, "user mode, interrupts on, as before");
	tm_free(&m);
}

Test(trap, timer_interrupts_after_exactly_n_retired_instructions)
{
	for (int e = 0; e < 2; e++) {
		struct machine m;
		tm_boot(&m, false, e ? cpu_exec_switch : cpu_exec_goto);
		m.what = "timer";
		for (int i = 0; i < 40; i++)
			tm_put(&m, TM_PC + 4 * (uint32_t)i, I(addi, 1, 1, 1));
		tm_put(&m, TM_TVEC, K(brk, 0));
		m.c.sr[SR_timer] = 17;
		m.c.psw = PSW_S | PSW_IE;
		tm_run(&m, 18);
		cr_assert_eq(m.c.r[1], 17, "17 instructions, then the interrupt");
		cr_assert_eq(m.c.sr[SR_cause], CAUSE_BREAKPOINT, "the handler's first instruction ran");
		cr_assert_eq(m.c.sr[SR_epsw] & PSW_S, PSW_S);
		cr_assert_eq(m.c.traps[CAUSE_TIMER], 1);
		tm_free(&m);
	}
}

Test(trap, masked_timer_waits_until_interrupts_are_enabled)
{
	struct machine m;
	tm_boot(&m, false, cpu_exec_goto);
	m.c.sr[SR_timer] = 2;
	m.c.r[2] = PSW_S | PSW_IE;
	tm_program(&m, TM_PC, (const uint32_t[]){ NOP, NOP, NOP, R(setpsw, 0, 2, 0), NOP }, 5);
	tm_run(&m, 4);
	cr_assert_eq(m.c.traps[CAUSE_TIMER], 0, "masked");
	m.engine(&m.c, 1, true);
	cr_assert_eq(m.c.traps[CAUSE_TIMER], 1, "taken right after setpsw enabled it");
	cr_assert_eq(m.c.sr[SR_epc], TM_PC + 16);
	cr_assert_eq(m.c.pc, TM_TVEC);
	tm_free(&m);
}

Test(trap, console_input_raises_device_interrupt)
{
	struct machine m;
	tm_boot(&m, false, cpu_exec_goto);
	dev_con_feed(&m.d, "x", 1);
	m.c.r[2] = 1;
	m.c.psw = PSW_S | PSW_IE;
	tm_program(&m, TM_PC, (const uint32_t[]){ I(out, 0, 2, PORT_CON_CTRL), NOP }, 2);
	tm_put(&m, TM_TVEC, I(in, 1, 0, PORT_CON_DATA));
	tm_run(&m, 2);
	cr_assert_eq(m.c.sr[SR_cause], CAUSE_DEVICE);
	cr_assert_eq(m.c.sr[SR_detail], IRQ_CONSOLE);
	cr_assert_eq(m.c.r[1], 'x');
	cr_assert_eq(cpu_ipend(&m.c), 0, "reading the byte lowers the line");
	tm_free(&m);
}

Test(trap, faulting_vector_is_a_triple_fault_not_a_hang)
{
	struct machine m;
	tm_boot(&m, false, cpu_exec_goto);
	tm_put(&m, TM_TVEC, 0xFE000000);
	cr_assert_eq(tm_exec(&m, 0xFE000000), STOP_LIMIT);
	cr_assert_eq(tm_run(&m, 100), STOP_FAULT);
	m.c.sr[SR_tvec] = 0xFFFFFFF0;
	m.c.pc = TM_PC;
	m.c.trap_streak = 0;
	cr_assert_eq(tm_run(&m, 100), STOP_FAULT, "a vector outside memory too");
	tm_free(&m);
}

/* ---- relocation and bounds: P&G's R = (base, limit) ---- */

Test(reloc, user_addresses_are_relocated_by_base)
{
	struct machine m;
	tm_boot(&m, true, cpu_exec_goto);
	m.c.r[1] = 0xABCD;
	tm_exec(&m, I(stw, 1, 0, 0x10));
	cr_assert_eq(mem_load32(&m.c.mem, TM_UBASE + 0x10), 0xABCD);
	cr_assert_eq(mem_load32(&m.c.mem, 0x10), 0, "physical 0x10 untouched");
	tm_free(&m);
}

Test(reloc, access_at_or_past_limit_faults_bounds)
{
	struct machine m;
	tm_boot(&m, true, cpu_exec_goto);
	m.what = "limit";
	tm_exec(&m, I(ldb, 1, 0, TM_ULIMIT - 1));
	TM_PCIS(&m, TM_PC + 4);
	m.c.psw = 0;
	m.c.pc = TM_PC;
	tm_exec(&m, I(ldb, 1, 0, TM_ULIMIT));
	TM_TRAPPED(&m, CAUSE_BOUNDS, TM_ULIMIT, TM_PC);
	tm_free(&m);
}

Test(reloc, fetch_past_limit_faults_bounds)
{
	struct machine m;
	tm_boot(&m, true, cpu_exec_goto);
	m.what = "fetch";
	m.c.pc = TM_ULIMIT - 4;
	tm_exec(&m, NOP);
	TM_PCIS(&m, TM_ULIMIT);
	m.engine(&m.c, 1, true);
	TM_TRAPPED(&m, CAUSE_BOUNDS, TM_ULIMIT, TM_ULIMIT);
	tm_free(&m);
}

Test(reloc, base_beyond_memory_leaves_nothing_reachable)
{
	struct machine m;
	uint32_t base, lim;
	tm_boot(&m, true, cpu_exec_goto);
	m.c.sr[SR_base] = TM_MEM + 4096;
	cpu_window(&m.c, &base, &lim);
	cr_assert_eq(lim, 0);
	m.c.sr[SR_base] = TM_MEM - 8;
	cpu_window(&m.c, &base, &lim);
	cr_assert_eq(lim, 8, "the limit is clamped to memory");
	tm_free(&m);
}

Test(reloc, supervisor_access_past_memory_faults)
{
	struct machine m;
	tm_boot(&m, false, cpu_exec_goto);
	m.what = "supervisor";
	m.c.r[2] = TM_MEM;
	tm_exec(&m, I(ldw, 1, 2, 0));
	TM_TRAPPED(&m, CAUSE_BOUNDS, TM_MEM, TM_PC);
	tm_free(&m);
}

/* ---- the nonvirt flag: sensitive but no longer privileged ---- */

static void nonvirt_boot(struct machine *m, enum nonvirt_kind k)
{
	tm_boot(m, true, cpu_exec_goto);
	m->c.nonvirt = 1u << k;
	m->c.psw = PSW_IE | PSW_Z;
	m->c.sr[SR_epc] = 0x200;
	m->c.sr[SR_epsw] = PSW_S | PSW_C;
}

Test(nonvirt, getpsw_reveals_the_real_mode)
{
	struct machine m;
	nonvirt_boot(&m, NV_A);
	tm_exec(&m, R(getpsw, 1, 0, 0));
	cr_assert_eq(m.c.traps[CAUSE_PRIV], 0);
	cr_assert_eq(m.c.r[1], PSW_IE | PSW_Z, "user mode shows: S is clear");
	tm_free(&m);
}

Test(nonvirt, setpsw_silently_keeps_mode_and_ie)
{
	struct machine m;
	nonvirt_boot(&m, NV_B);
	m.c.r[2] = PSW_S | PSW_N;
	tm_exec(&m, R(setpsw, 0, 2, 0));
	cr_assert_eq(m.c.traps[CAUSE_PRIV], 0);
	cr_assert_eq(m.c.psw, PSW_IE | PSW_N, "flags written; S not set, IE not cleared");
	tm_free(&m);
}

Test(nonvirt, getbase_reveals_the_real_relocation)
{
	struct machine m;
	nonvirt_boot(&m, NV_C);
	tm_exec(&m, R(getbase, 1, 0, 0));
	cr_assert_eq(m.c.r[1], TM_UBASE);
	tm_free(&m);
}

Test(nonvirt, rfe_returns_without_restoring_the_mode)
{
	struct machine m;
	nonvirt_boot(&m, NV_D);
	tm_exec(&m, K(rfe, 0));
	cr_assert_eq(m.c.pc, 0x200);
	cr_assert_eq(m.c.psw, PSW_IE | PSW_C, "still user mode; only the flags came back");
	tm_free(&m);
}

Test(nonvirt, jru_in_user_mode_is_a_plain_jump)
{
	struct machine m;
	nonvirt_boot(&m, NV_E);
	m.c.r[2] = 0x300;
	tm_exec(&m, R(jru, 0, 2, 0));
	cr_assert_eq(m.c.pc, 0x300);
	cr_assert_eq(m.c.psw & PSW_S, 0);
	cr_assert_eq(m.c.traps[CAUSE_PRIV], 0);
	tm_free(&m);
}

Test(nonvirt, other_instructions_still_trap)
{
	struct machine m;
	nonvirt_boot(&m, NV_E);
	tm_exec(&m, R(getpsw, 1, 0, 0));
	cr_assert_eq(m.c.traps[CAUSE_PRIV], 1, "only jru lost its trap");
	tm_free(&m);
}

Test(nonvirt, presets_and_lists_parse)
{
	const char *bad = NULL;
	cr_assert_eq(cpu_parse_nonvirt("x86", &bad), 0x3E);
	cr_assert_eq(cpu_parse_nonvirt("", &bad), 0x3E);
	cr_assert_eq(cpu_parse_nonvirt("pdp10", &bad), 1 << NV_E);
	cr_assert_eq(cpu_parse_nonvirt("getpsw,rfe", &bad), (1 << NV_A) | (1 << NV_D));
	cr_assert_eq(cpu_parse_nonvirt("getpsw,add", &bad), -1);
	cr_assert_str_eq(bad, "add");
}

/* ---- devices ---- */

Test(devices, disk_reads_and_writes_sectors_by_dma)
{
	struct machine m;
	uint8_t img[1024];
	for (int i = 0; i < 1024; i++)
		img[i] = (uint8_t)(i * 7);
	tm_boot(&m, false, cpu_exec_goto);
	cr_assert(dev_disk_set(&m.d, img, sizeof img));
	dev_out(&m.d, &m.c.mem, PORT_DISK_SECTOR, 1);
	dev_out(&m.d, &m.c.mem, PORT_DISK_ADDR, 0x1000);
	dev_out(&m.d, &m.c.mem, PORT_DISK_CTRL, 1);
	dev_out(&m.d, &m.c.mem, PORT_DISK_CMD, DISK_READ);
	cr_assert_eq(dev_in(&m.d, &m.c.mem, PORT_DISK_STATUS), DISK_DONE);
	cr_assert_eq(m.c.mem.bytes[0x1000 + 3], (uint8_t)((512 + 3) * 7));
	cr_assert_eq(cpu_ipend(&m.c), 1u << IRQ_DISK);
	dev_out(&m.d, &m.c.mem, PORT_DISK_STATUS, 0);
	cr_assert_eq(cpu_ipend(&m.c), 0, "acknowledged");
	m.c.mem.bytes[0x1000] = 0x5A;
	dev_out(&m.d, &m.c.mem, PORT_DISK_SECTOR, 0);
	dev_out(&m.d, &m.c.mem, PORT_DISK_CMD, DISK_WRITE);
	cr_assert_eq(m.d.disk.image[0], 0x5A);
	dev_out(&m.d, &m.c.mem, PORT_DISK_SECTOR, 2);
	dev_out(&m.d, &m.c.mem, PORT_DISK_CMD, DISK_READ);
	cr_assert_eq(dev_in(&m.d, &m.c.mem, PORT_DISK_STATUS), DISK_ERROR, "no sector 2");
	cr_assert_eq(dev_in(&m.d, &m.c.mem, PORT_DISK_SIZE), 2);
	tm_free(&m);
}

Test(devices, dma_into_decoded_code_is_seen)
{
	struct machine m;
	uint32_t sector[128] = { I(addi, 1, 0, 99) };
	tm_boot(&m, false, cpu_exec_goto);
	tm_exec(&m, I(addi, 1, 0, 1)); /* decoded at TM_PC */
	cr_assert(dev_disk_set(&m.d, sector, sizeof sector));
	dev_out(&m.d, &m.c.mem, PORT_DISK_ADDR, TM_PC);
	dev_out(&m.d, &m.c.mem, PORT_DISK_CMD, DISK_READ);
	m.c.pc = TM_PC;
	tm_run(&m, 1);
	cr_assert_eq(m.c.r[1], 99);
	tm_free(&m);
}

Test(devices, power_port_halts_with_code)
{
	struct machine m;
	tm_boot(&m, false, cpu_exec_goto);
	m.c.r[2] = 3;
	tm_program(&m, TM_PC, (const uint32_t[]){ I(out, 0, 2, PORT_POWER), NOP }, 2);
	cr_assert_eq(tm_run(&m, 10), STOP_HALT);
	cr_assert_eq(m.d.halt_code, 3);
	cr_assert_eq(m.c.retired, 1);
	tm_free(&m);
}

Test(devices, unmapped_ports_read_all_ones)
{
	struct devices d;
	struct mem mem = { 0 };
	dev_init(&d, NULL);
	cr_assert_eq(dev_in(&d, &mem, 0x7777), 0xFFFFFFFFu);
	cr_assert_eq(dev_in(&d, &mem, PORT_CON_DATA), 0xFFFFFFFFu, "no input yet");
	dev_free(&d);
}

Test(devices, console_output_limit_truncates)
{
	struct devices d;
	struct mem mem = { 0 };
	dev_init(&d, NULL);
	dev_capture(&d);
	d.con.out_limit = 2;
	for (int i = 0; i < 5; i++)
		dev_out(&d, &mem, PORT_CON_DATA, 'a' + (uint32_t)i);
	cr_assert_str_eq(d.con.capture, "ab");
	cr_assert(d.con.out_truncated);
	dev_free(&d);
}

/* ---- self-modifying code and the two builds ---- */

Test(exec, store_over_the_next_instruction_runs_the_new_one)
{
	struct machine m;
	tm_boot(&m, false, cpu_exec_goto);
	tm_program(&m, TM_PC, (const uint32_t[]){ I(stw, 2, 0, TM_PC + 4), I(addi, 1, 0, 1) }, 2);
	tm_run(&m, 1); /* decode both */
	m.c.pc = TM_PC;
	m.c.r[2] = I(addi, 1, 0, 55);
	tm_run(&m, 2);
	cr_assert_eq(m.c.r[1], 55);
	tm_free(&m);
}

/* A busy program: loops, memory, traps, user mode, the timer. */
static void busy_program(struct machine *m)
{
	const uint32_t kernel[] = {
		I(addi, 5, 5, 1),            /* tvec: count traps */
		I(mfsr, 6, 0, SR_cause),
		I(mtsr, 0, 7, SR_timer),     /* re-arm */
		K(rfe, 0),
	};
	const uint32_t user[] = {
		I(addi, 1, 0, 0),
		I(addi, 2, 0, 300),
		I(stw, 1, 1, 0x800),         /* loop: */
		I(ldw, 3, 1, 0x800),
		R(add, 4, 4, 3),
		I(addi, 1, 1, 4),
		I(cmpi, 0, 1, 1200),
		J(blt, -6),
		K(sys, 1),
		R(div, 8, 4, 2),
		J(jmp, -11),
	};
	cr_assert(mem_write(&m->c.mem, TM_TVEC, kernel, sizeof kernel)); /* physical */
	tm_program(m, 0, user, 11);
	m->c.pc = 0;
	m->c.r[7] = 37;
	m->c.sr[SR_timer] = 37;
	m->c.psw = PSW_IE;
}

Test(exec, goto_and_switch_builds_agree)
{
	struct machine a, b;
	tm_boot(&a, true, cpu_exec_goto);
	tm_boot(&b, true, cpu_exec_switch);
	busy_program(&a);
	busy_program(&b);
	for (int round = 0; round < 50; round++) {
		tm_run(&a, 997);
		tm_run(&b, 997);
		cr_assert_eq(memcmp(a.c.r, b.c.r, sizeof a.c.r), 0, "registers, round %d", round);
		cr_assert_eq(a.c.pc, b.c.pc);
		cr_assert_eq(a.c.psw, b.c.psw);
		cr_assert_eq(a.c.retired, b.c.retired);
		cr_assert_eq(a.c.cycles, b.c.cycles);
		cr_assert_eq(memcmp(a.c.sr, b.c.sr, sizeof a.c.sr), 0);
	}
	cr_assert_eq(memcmp(a.c.mem.bytes, b.c.mem.bytes, TM_MEM), 0);
	cr_assert_gt(a.c.traps[CAUSE_TIMER], 10);
	tm_free(&a);
	tm_free(&b);
}

Test(exec, stepping_and_running_agree)
{
	struct machine a, b;
	tm_boot(&a, true, cpu_exec_goto);
	tm_boot(&b, true, cpu_exec_goto);
	busy_program(&a);
	busy_program(&b);
	tm_run(&a, 5000);
	for (int guard = 0; b.c.retired < 5000 && guard < 100000; guard++)
		b.engine(&b.c, 1, true);
	cr_assert_eq(memcmp(a.c.r, b.c.r, sizeof a.c.r), 0);
	cr_assert_eq(a.c.pc, b.c.pc);
	cr_assert_eq(a.c.cycles, b.c.cycles);
	cr_assert_eq(a.c.traps[CAUSE_TIMER], b.c.traps[CAUSE_TIMER]);
	tm_free(&a);
	tm_free(&b);
}
