/*
 * tests/cpu/vmx_test.c: the hardware-assist extension (cpu/vmx.h).
 * Owns: VM entry and exit swapping guest and host state; each exit reason
 *       with its qualification; the I/O bitmap and a port left to the
 *       guest; nested relocation in both guest modes; what runs in guest
 *       mode with no exit (privileged instructions on the guest's own state,
 *       system calls through the guest's own vector, the guest's timer, the
 *       monitor's virtual interrupt lines); --nonvirt's silent instructions
 *       made to exit. Every case runs on both builds of the dispatch loop.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "machine.h"
#include "vmx.h"

/* The guest's region of the test machine, and where its code runs. */
enum {
	RB = 0x8000,       /* region base: guest-physical 0 */
	RS = 0x4000,       /* region size */
	GPC = 0x100,       /* guest pc */
	GTVEC = 0x40,      /* guest trap vector (guest-physical) */
	GBASE = 0x1000,    /* the guest kernel's relocation for its user mode */
	GLIMIT = 0x800,
	HOST_PC = 0x2222,
};

static const engine_fn engines[] = { cpu_exec_goto, cpu_exec_switch };

struct gm {
	struct machine m;
	struct vmcb b;
};

static void gput(struct gm *g, uint32_t gpa, uint32_t word);

/* A machine whose host state is recognisable, and a VMCB for a guest at
 * GPC in supervisor (or user) mode, everything else left to the test. */
static void gm_boot(struct gm *g, engine_fn e, bool user)
{
	tm_boot(&g->m, false, e);
	g->m.c.pc = HOST_PC;
	g->m.c.r[7] = 0x7777;
	vmx_init(&g->b, RB, RS, &g->m.c.mem);
	g->b.guest.pc = GPC;
	g->b.guest.psw = user ? PSW_IE : PSW_S;
	g->b.guest.sr[SR_tvec] = GTVEC;
	g->b.guest.sr[SR_base] = GBASE;
	g->b.guest.sr[SR_limit] = GLIMIT;
	/* The guest's trap handler counts in r9. */
	for (uint32_t i = 0; i < 8; i++)
		gput(g, GTVEC + 4 * i, I(addi, 9, 9, 1));
}

/* Guest-physical gpa holds word. */
static void gput(struct gm *g, uint32_t gpa, uint32_t word)
{
	cr_assert(mem_write(&g->m.c.mem, RB + gpa, &word, 4));
}

static uint32_t gget(const struct gm *g, uint32_t gpa)
{
	return mem_load32(&g->m.c.mem, RB + gpa);
}

/* Enter and run at most n guest instructions. */
static enum cpu_stop grun(struct gm *g, uint64_t n)
{
	vmx_enter(&g->m.c, &g->b);
	return g->m.engine(&g->m.c, n, false);
}

Test(vmx, entry_loads_the_guest_and_exit_restores_the_host)
{
	for (int e = 0; e < 2; e++) {
		struct gm g;
		gm_boot(&g, engines[e], false);
		g.b.guest.r[3] = 33;
		gput(&g, GPC, I(addi, 3, 3, 1));
		vmx_enter(&g.m.c, &g.b);
		cr_assert(cpu_in_guest(&g.m.c));
		cr_assert_eq(g.m.c.pc, GPC);
		cr_assert_eq(g.m.c.r[7], 0, "the host's registers are not the guest's");
		cr_assert_eq(g.m.engine(&g.m.c, 1, false), STOP_LIMIT);
		cr_assert_eq(vmx_exit(&g.m.c, VMX_EXIT_HOST, 0), STOP_VMEXIT);
		cr_assert(!cpu_in_guest(&g.m.c));
		cr_assert_eq(g.m.c.pc, HOST_PC);
		cr_assert_eq(g.m.c.r[7], 0x7777);
		cr_assert_eq(g.b.guest.r[3], 34, "the guest's work is in its state area");
		cr_assert_eq(g.b.guest.pc, GPC + 4);
		cr_assert_eq(g.b.exit_reason, VMX_EXIT_HOST);
		tm_free(&g.m);
	}
}

Test(vmx, supervisor_mode_is_relocated_into_the_region)
{
	for (int e = 0; e < 2; e++) {
		struct gm g;
		gm_boot(&g, engines[e], false);
		gput(&g, 0x200, 0xCAFE);
		gput(&g, GPC, I(ldw, 1, 0, 0x200));
		gput(&g, GPC + 4, I(stw, 1, 0, 0x204));
		gput(&g, GPC + 8, R(jr, 0, 2, 0)); /* r2 = 0: to guest-physical 0 */
		cr_assert_eq(grun(&g, 3), STOP_LIMIT);
		vmx_exit(&g.m.c, VMX_EXIT_HOST, 0);
		cr_assert_eq(g.b.guest.r[1], 0xCAFE, "guest-physical 0x200 is real RB + 0x200");
		cr_assert_eq(gget(&g, 0x204), 0xCAFE);
		cr_assert_eq(mem_load32(&g.m.c.mem, 0x204), 0, "real 0x204 untouched");
		cr_assert_eq(g.b.guest.pc, 0);
		tm_free(&g.m);
	}
}

Test(vmx, supervisor_mode_cannot_reach_past_the_region)
{
	for (int e = 0; e < 2; e++) {
		struct gm g;
		gm_boot(&g, engines[e], false);
		g.b.guest.r[1] = RS;
		gput(&g, GPC, I(ldw, 2, 1, 0));
		cr_assert_eq(grun(&g, 1), STOP_LIMIT, "a guest fault vectors without an exit");
		vmx_exit(&g.m.c, VMX_EXIT_HOST, 0);
		cr_assert_eq(g.b.guest.sr[SR_cause], CAUSE_BOUNDS);
		cr_assert_eq(g.b.guest.sr[SR_detail], RS);
		cr_assert_eq(g.b.guest.r[9], 1, "and its handler runs, in guest mode");
		tm_free(&g.m);
	}
}

Test(vmx, user_mode_relocation_is_nested_in_the_region)
{
	for (int e = 0; e < 2; e++) {
		struct gm g;
		gm_boot(&g, engines[e], true);
		gput(&g, GBASE + 0x20, 0xBEEF);
		gput(&g, GBASE + GPC, I(ldw, 1, 0, 0x20));
		gput(&g, GBASE + GPC + 4, I(ldw, 2, 0, GLIMIT)); /* just past the guest's limit */
		cr_assert_eq(grun(&g, 2), STOP_LIMIT);
		vmx_exit(&g.m.c, VMX_EXIT_HOST, 0);
		cr_assert_eq(g.b.guest.r[1], 0xBEEF, "va 0x20 is RB + GBASE + 0x20");
		cr_assert_eq(g.b.guest.sr[SR_cause], CAUSE_BOUNDS, "the guest's own bound holds");
		cr_assert_eq(g.b.guest.sr[SR_epc], GPC + 4);
		cr_assert(g.b.guest.psw & PSW_S, "delivered to the guest's kernel");
		tm_free(&g.m);
	}
}

Test(vmx, privileged_instructions_run_on_the_guests_own_state)
{
	for (int e = 0; e < 2; e++) {
		struct gm g;
		gm_boot(&g, engines[e], false);
		g.b.guest.r[1] = 0x300;
		gput(&g, GPC, I(mtsr, 0, 1, SR_tvec));
		gput(&g, GPC + 4, I(mfsr, 2, 0, SR_memsize));
		gput(&g, GPC + 8, R(getbase, 3, 0, 0));
		gput(&g, GPC + 12, R(getpsw, 4, 0, 0));
		cr_assert_eq(grun(&g, 4), STOP_LIMIT, "no exit");
		vmx_exit(&g.m.c, VMX_EXIT_HOST, 0);
		cr_assert_eq(g.b.guest.sr[SR_tvec], 0x300);
		cr_assert_eq(g.m.c.sr[SR_tvec], TM_TVEC, "the host's tvec is its own");
		cr_assert_eq(g.b.guest.r[2], RS, "memsize is the guest's memory: its region");
		cr_assert_eq(g.b.guest.r[3], GBASE, "getbase reads the guest's base, not the composed one");
		cr_assert(g.b.guest.r[4] & PSW_S, "getpsw shows the guest's own supervisor mode");
		tm_free(&g.m);
	}
}

Test(vmx, an_intercepted_instruction_exits_before_it_runs)
{
	for (int e = 0; e < 2; e++) {
		struct gm g;
		gm_boot(&g, engines[e], false);
		vmx_intercept_op(&g.b, OP_wfi, true);
		gput(&g, GPC, I(addi, 1, 0, 5));
		gput(&g, GPC + 4, K(wfi, 0));
		cr_assert_eq(grun(&g, 10), STOP_VMEXIT);
		cr_assert(!cpu_in_guest(&g.m.c));
		cr_assert_eq(g.b.exit_reason, VMX_EXIT_INSN);
		cr_assert_eq(g.b.exit_qual, K(wfi, 0));
		cr_assert_eq(g.b.exit_word, K(wfi, 0));
		cr_assert_eq(g.b.guest.pc, GPC + 4, "not executed: the monitor emulates it");
		cr_assert_eq(g.b.guest.r[1], 5);
		cr_assert_eq(g.m.c.pc, HOST_PC);
		tm_free(&g.m);
	}
}

Test(vmx, io_bitmap_exits_on_intercepted_ports_and_leaves_others_to_the_guest)
{
	for (int e = 0; e < 2; e++) {
		struct gm g;
		gm_boot(&g, engines[e], false);
		vmx_intercept_port(&g.b, PORT_CON2_DATA, false);
		g.b.guest.r[5] = 'x';
		gput(&g, GPC, I(out, 0, 5, PORT_CON2_DATA));
		gput(&g, GPC + 4, I(in, 6, 0, PORT_CON_STATUS));
		cr_assert_eq(grun(&g, 10), STOP_VMEXIT);
		cr_assert_eq(g.m.d.con2.cap_len, 1, "the open port reached the device with no exit");
		cr_assert_eq(g.m.d.con2.capture[0], 'x');
		cr_assert_eq(g.b.exit_reason, VMX_EXIT_IO);
		cr_assert_eq(vmx_io_port(g.b.exit_qual), PORT_CON_STATUS);
		cr_assert(vmx_io_is_in(g.b.exit_qual));
		cr_assert_eq(vmx_io_reg(g.b.exit_qual), 6);
		cr_assert_eq(g.b.guest.pc, GPC + 4);
		cr_assert(vmx_intercepts_port(&g.b, 0x1234), "ports past the bitmap always exit");
		tm_free(&g.m);
	}
}

Test(vmx, system_calls_vector_through_the_guests_own_tvec)
{
	for (int e = 0; e < 2; e++) {
		struct gm g;
		gm_boot(&g, engines[e], true);
		gput(&g, GBASE + GPC, K(sys, 4));
		cr_assert_eq(grun(&g, 2), STOP_LIMIT, "no exit: the guest kernel takes it");
		vmx_exit(&g.m.c, VMX_EXIT_HOST, 0);
		cr_assert_eq(g.b.guest.sr[SR_cause], CAUSE_SYSCALL);
		cr_assert_eq(g.b.guest.sr[SR_detail], 4);
		cr_assert_eq(g.b.guest.sr[SR_epc], GPC + 4);
		cr_assert_eq(g.b.guest.r[9], 1, "the handler ran");
		cr_assert_eq(g.m.c.sr[SR_cause], 0, "the host's registers saw nothing");

		/* Intercepted, the same trap exits instead. */
		tm_free(&g.m);
		gm_boot(&g, engines[e], true);
		vmx_intercept_cause(&g.b, CAUSE_SYSCALL, true);
		gput(&g, GBASE + GPC, K(sys, 4));
		cr_assert_eq(grun(&g, 2), STOP_VMEXIT);
		cr_assert_eq(g.b.exit_reason, VMX_EXIT_TRAP);
		cr_assert_eq(g.b.exit_qual, CAUSE_SYSCALL);
		cr_assert_eq(g.b.exit_trap.detail, 4);
		cr_assert_eq(g.b.exit_trap.epc, GPC + 4);
		cr_assert_eq(g.b.guest.sr[SR_cause], 0, "not delivered: the monitor decides");
		tm_free(&g.m);
	}
}

Test(vmx, hcall_always_exits_after_it_retires)
{
	for (int e = 0; e < 2; e++) {
		struct gm g;
		gm_boot(&g, engines[e], false);
		gput(&g, GPC, K(hcall, 77));
		cr_assert_eq(grun(&g, 5), STOP_VMEXIT);
		cr_assert_eq(g.b.exit_reason, VMX_EXIT_HCALL);
		cr_assert_eq(g.b.exit_qual, 77);
		cr_assert_eq(g.b.guest.pc, GPC + 4);
		cr_assert_eq(g.m.c.retired, 1);
		tm_free(&g.m);
	}
}

Test(vmx, a_triple_fault_exits_instead_of_stopping_the_machine)
{
	for (int e = 0; e < 2; e++) {
		struct gm g;
		gm_boot(&g, engines[e], false);
		g.b.guest.sr[SR_tvec] = RS + 0x100; /* a vector outside the region */
		gput(&g, GPC, 0xFE000000);          /* no such instruction */
		cr_assert_eq(grun(&g, 100), STOP_VMEXIT);
		cr_assert_eq(g.b.exit_reason, VMX_EXIT_FAULT);
		cr_assert_eq(g.b.exit_trap.cause, CAUSE_BOUNDS);
		tm_free(&g.m);
	}
}

Test(vmx, the_monitors_virtual_lines_and_the_guests_timer_interrupt_it_directly)
{
	for (int e = 0; e < 2; e++) {
		struct gm g;
		gm_boot(&g, engines[e], false);
		g.b.guest.psw = PSW_S | PSW_IE;
		g.b.virq = 1u << IRQ_DISK;
		gput(&g, GPC, I(addi, 1, 0, 1));
		cr_assert_eq(grun(&g, 1), STOP_LIMIT);
		vmx_exit(&g.m.c, VMX_EXIT_HOST, 0);
		cr_assert_eq(g.b.guest.sr[SR_cause], CAUSE_DEVICE);
		cr_assert_eq(g.b.guest.sr[SR_detail], IRQ_DISK);
		cr_assert_eq(g.b.guest.sr[SR_epc], GPC, "taken before the first instruction");

		tm_free(&g.m);
		gm_boot(&g, engines[e], false);
		g.b.guest.psw = PSW_S | PSW_IE;
		g.b.guest.sr[SR_timer] = 3;
		for (uint32_t i = 0; i < 8; i++)
			gput(&g, GPC + 4 * i, I(addi, 1, 1, 1));
		cr_assert_eq(grun(&g, 3), STOP_LIMIT);
		cr_assert_eq(g.m.engine(&g.m.c, 1, true), STOP_LIMIT);
		vmx_exit(&g.m.c, VMX_EXIT_HOST, 0);
		cr_assert_eq(g.b.guest.r[1], 3);
		cr_assert_eq(g.b.guest.sr[SR_cause], CAUSE_TIMER, "the guest's own timer, no exit");
		cr_assert_eq(g.b.guest.sr[SR_epc], GPC + 12);
		tm_free(&g.m);
	}
}

Test(vmx, nonvirt_silent_instructions_exit_from_guest_user_mode_when_asked)
{
	for (int e = 0; e < 2; e++) {
		struct gm g;
		gm_boot(&g, engines[e], true);
		g.m.c.nonvirt = 1u << NV_C;
		gput(&g, GBASE + GPC, R(getbase, 1, 0, 0));
		cr_assert_eq(grun(&g, 1), STOP_LIMIT, "silent: no trap, no exit");
		vmx_exit(&g.m.c, VMX_EXIT_HOST, 0);
		cr_assert_eq(g.b.guest.r[1], GBASE, "the guest's base, as the bare machine shows");

		tm_free(&g.m);
		gm_boot(&g, engines[e], true);
		g.m.c.nonvirt = 1u << NV_C;
		g.b.intercept_silent = 1u << NV_C;
		gput(&g, GBASE + GPC, R(getbase, 1, 0, 0));
		cr_assert_eq(grun(&g, 1), STOP_VMEXIT);
		cr_assert_eq(g.b.exit_reason, VMX_EXIT_INSN);
		cr_assert_eq(g.b.exit_qual, R(getbase, 1, 0, 0));
		cr_assert_eq(g.b.guest.pc, GPC);

		/* A privileged instruction that is not silent traps to the guest
		 * kernel first, intercept or not (the privilege check comes first). */
		tm_free(&g.m);
		gm_boot(&g, engines[e], true);
		vmx_intercept_op(&g.b, OP_wfi, true);
		gput(&g, GBASE + GPC, K(wfi, 0));
		cr_assert_eq(grun(&g, 1), STOP_LIMIT);
		vmx_exit(&g.m.c, VMX_EXIT_HOST, 0);
		cr_assert_eq(g.b.guest.sr[SR_cause], CAUSE_PRIV);
		tm_free(&g.m);
	}
}
