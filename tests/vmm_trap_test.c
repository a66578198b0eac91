/*
 * tests/vmm_trap_test.c: trap-and-emulate, instruction by instruction.
 * Owns: every privileged instruction, with each of its special registers and
 *       ports, emulated under trap mode exactly as the bare machine executes
 *       it; every trap cause reflected into the guest with the virtual epc,
 *       epsw, cause and detail the hardware would have given it.
 * Not:  whole programs (vmm_equiv_test.c); nonvirt (vmm_nonvirt_test.c).
 * Programs are built word by word with cpu/isa.h's encoders.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "vmm/vmtest.h"

#define R(op, d, s, t) isa_enc_r(OP_##op, d, s, t)
#define I(op, d, s, imm) isa_enc_i(OP_##op, d, s, (uint32_t)(imm))
#define K(op, code) isa_enc_j(OP_##op, (int32_t)(code))
#define NOP R(add, 0, 0, 0)

enum {
	VECTOR = 0x400,  /* the trap vector: halt 0x5A */
	CODE = 0x100,    /* supervisor code under test */
	UBASE = 0x1000,  /* the user window: base and limit */
	ULIMIT = 0x1000,
};

/*
 * A scene: a rich machine state set up by a prologue at 0 (registers,
 * every writable special register, console input queued, a disk), the code
 * under test at CODE (supervisor) or at user virtual 0 (user, entered by rfe
 * with epsw_user), and a vector that halts.
 */
static void scene(struct prog *p, bool user, uint32_t epsw_user, const uint32_t *code, int n)
{
	memset(p, 0, sizeof *p);
	for (unsigned r = 1; r < 13; r++)
		prog_li(p, r, 0x01010101u * r + (r << 4));
	prog_li(p, 13, 3);          /* a small number: a register index, a shift */
	prog_li(p, 9, UBASE / 2);   /* an address inside the supervisor's memory */
	prog_li(p, 14, VECTOR);
	prog_emit(p, I(mtsr, 0, 14, SR_tvec));
	prog_li(p, 14, 0x7000);
	prog_emit(p, I(mtsr, 0, 14, SR_epc));
	prog_li(p, 14, PSW_IE | PSW_C);
	prog_emit(p, I(mtsr, 0, 14, SR_epsw));
	prog_li(p, 14, UBASE);
	prog_emit(p, I(mtsr, 0, 14, SR_base));
	prog_li(p, 14, ULIMIT);
	prog_emit(p, I(mtsr, 0, 14, SR_limit));
	prog_li(p, 14, 0xC0FFEE);
	prog_emit(p, I(mtsr, 0, 14, SR_scratch));
	prog_li(p, 14, 500);
	prog_emit(p, I(mtsr, 0, 14, SR_timer));
	prog_li(p, 14, 0x5A);
	if (user) {
		prog_li(p, 15, epsw_user);
		prog_emit(p, I(mtsr, 0, 15, SR_epsw));
		prog_emit(p, I(mtsr, 0, 0, SR_epc));
		prog_emit(p, K(rfe, 0));
	} else {
		prog_li(p, 15, CODE);
		prog_emit(p, R(jr, 0, 15, 0));
	}
	cr_assert(p->n * 4 <= CODE);
	p->n = (user ? UBASE : CODE) / 4;
	for (int i = 0; i < n; i++)
		prog_emit(p, code[i]);
	prog_emit(p, I(out, 0, 14, PORT_POWER)); /* halt 0x5A: privileged in user mode */
	if (!user) {
		while (p->n < VECTOR / 4)
			prog_emit(p, NOP);
	} else {
		cr_assert(p->n > VECTOR / 4);
	}
	p->w[VECTOR / 4] = I(mfsr, 1, 0, SR_cause);
	p->w[VECTOR / 4 + 1] = I(out, 0, 1, PORT_POWER);
	if (p->n < VECTOR / 4 + 2)
		p->n = VECTOR / 4 + 2;
}

/* Every mode sees exactly what the bare machine does. */
static void assert_all_equivalent(const struct prog *p, const char *what)
{
	static const enum vmm_mode modes[] = VT_ALL_MODES;
	struct vm_options o;
	char disk[64];

	vt_make_disk(disk, 4);
	vm_options_init(&o);
	o.step_limit = 20000;
	o.disk_path = disk;
	o.input = "hi";
	o.input_len = 2;
	for (int m = 1; m < 4; m++) {
		struct vmm_divergence d;
		bool same = vt_equivalent(&o, MODE_BARE, modes[m], vt_load_prog, (void *)p, &d);
		cr_expect(same, "%s: %s differs from bare after %llu instructions (%s) at pc 0x%x",
			  what, vmm_mode_name(modes[m]), (unsigned long long)d.index,
			  d.what ? d.what : "?", d.pc);
		vmm_divergence_free(&d);
	}
	unlink(disk);
}

static void check_supervisor(const uint32_t *code, int n, const char *what)
{
	struct prog p;
	scene(&p, false, 0, code, n);
	assert_all_equivalent(&p, what);
}

Test(trap_emulate, mfsr_of_every_special_register_equals_bare)
{
	for (unsigned sr = 0; sr <= SR_COUNT; sr++) { /* SR_COUNT itself is ILLEGAL */
		uint32_t code[] = { I(mfsr, 5, 0, sr), I(mfsr, 0, 0, sr) };
		char what[32];
		snprintf(what, sizeof what, "mfsr sr%u", sr);
		check_supervisor(code, 2, what);
	}
}

Test(trap_emulate, mtsr_of_every_special_register_equals_bare)
{
	for (unsigned sr = 0; sr <= SR_COUNT; sr++) {
		/* A value with the low bits set (base and limit drop them), then read back. */
		uint32_t code[] = { I(ori, 6, 0, 0x0203), I(mtsr, 0, 6, sr), I(mfsr, 7, 0, sr) };
		char what[32];
		snprintf(what, sizeof what, "mtsr sr%u", sr);
		check_supervisor(code, 3, what);
	}
}

Test(trap_emulate, in_and_out_on_every_port_equal_bare)
{
	for (int i = 0; i <= isa_nports; i++) {
		uint32_t port = i < isa_nports ? (uint32_t)isa_ports[i].number : 0x77; /* and one unmapped */
		/* Read, write 1, read back, write 2 (for power: halt 1). */
		uint32_t code[] = {
			I(in, 5, 0, port),      I(ori, 6, 0, 1), I(out, 0, 6, port),
			I(in, 7, 0, port),      I(ori, 6, 0, 2), I(out, 0, 6, port),
			I(in, 8, 0, PORT_DISK_STATUS), I(in, 10, 0, PORT_CON_STATUS),
		};
		char what[32];
		snprintf(what, sizeof what, "in/out port 0x%x", port);
		check_supervisor(code, 8, what);
	}
	/* DMA into memory, then the write back from it. */
	{
		uint32_t code[] = {
			I(ori, 6, 0, 2), I(out, 0, 6, PORT_DISK_SECTOR), I(out, 0, 9, PORT_DISK_ADDR),
			I(ori, 6, 0, 1), I(out, 0, 6, PORT_DISK_CMD), I(ldw, 5, 9, 100),
			I(out, 0, 0, PORT_DISK_SECTOR), I(ori, 6, 0, 2), I(out, 0, 6, PORT_DISK_CMD),
			I(out, 0, 6, PORT_DISK_CMD), I(in, 7, 0, PORT_DISK_STATUS),
		};
		check_supervisor(code, 11, "disk DMA read and write");
	}
	/* Power off with a code. */
	{
		uint32_t code[] = { I(ori, 6, 0, 42), I(out, 0, 6, PORT_POWER) };
		check_supervisor(code, 2, "out power");
	}
}

Test(trap_emulate, wfi_waits_as_bare_does)
{
	/* The timer armed: idle time skipped, the interrupt pending (IE off);
	 * writing the timer acknowledges it. */
	uint32_t timer[] = { I(ori, 6, 0, 37), I(mtsr, 0, 6, SR_timer), K(wfi, 0),
			     I(mfsr, 5, 0, SR_ipend), I(mtsr, 0, 0, SR_timer), I(mfsr, 10, 0, SR_ipend) };
	/* Nothing can ever come: idle for ever. */
	uint32_t never[] = { I(mtsr, 0, 0, SR_timer), K(wfi, 0) };
	/* The console interrupt already pending, taken once IE is on. */
	uint32_t console[] = { I(ori, 6, 0, 1), I(out, 0, 6, PORT_CON_CTRL), K(wfi, 0),
			       I(ori, 6, 0, PSW_S | PSW_IE), R(setpsw, 0, 6, 0), NOP };
	check_supervisor(timer, 6, "wfi with the timer");
	check_supervisor(never, 2, "wfi with nothing to wait for");
	check_supervisor(console, 6, "wfi with the console pending");
}

Test(trap_emulate, psw_and_mode_instructions_equal_bare)
{
	uint32_t getpsw[] = { R(getpsw, 5, 0, 0), R(cmp, 0, 5, 5), R(getpsw, 6, 0, 0) };
	uint32_t setpsw_ie[] = { I(ori, 6, 0, PSW_S | PSW_IE | PSW_N), R(setpsw, 0, 6, 0),
				 R(getpsw, 7, 0, 0) };
	uint32_t setpsw_user[] = { I(ori, 6, 0, PSW_IE), R(setpsw, 0, 6, 0), NOP };
	uint32_t getbase[] = { R(getbase, 5, 0, 0), R(getbase, 0, 0, 0) };
	uint32_t rfe_super[] = { I(ori, 6, 0, PSW_S | PSW_Z), I(mtsr, 0, 6, SR_epsw),
				 I(ori, 7, 0, CODE + 5 * 4), I(mtsr, 0, 7, SR_epc), K(rfe, 0), NOP };
	uint32_t rfe_user[] = { K(rfe, 0) };
	uint32_t jru[] = { I(ori, 6, 0, 0x20), R(jru, 0, 6, 0) };
	uint32_t jru_bad[] = { I(ori, 6, 0, 0x22), R(jru, 0, 6, 0) }; /* misaligned target */

	check_supervisor(getpsw, 3, "getpsw");
	check_supervisor(setpsw_ie, 3, "setpsw enabling interrupts");
	check_supervisor(setpsw_user, 3, "setpsw into user mode");
	check_supervisor(getbase, 2, "getbase");
	check_supervisor(rfe_super, 6, "rfe to supervisor");
	check_supervisor(rfe_user, 1, "rfe to user");
	check_supervisor(jru, 2, "jru");
	check_supervisor(jru_bad, 2, "jru to a misaligned address");
}

Test(trap_emulate, privileged_instructions_are_emulated_not_run)
{
	struct prog p;
	uint32_t code[] = { R(getpsw, 5, 0, 0), R(getbase, 6, 0, 0), I(mfsr, 7, 0, SR_scratch) };
	struct vm_options o;
	struct vm_stats bare, trap;
	struct vm *b, *t;

	scene(&p, false, 0, code, 3);
	vm_options_init(&o);
	b = vt_vm_prog(&o, MODE_BARE, &p);
	t = vt_vm_prog(&o, MODE_TRAP, &p);
	cr_assert_eq(vm_run(b, 10000), STOP_HALT);
	cr_assert_eq(vm_run(t, 10000), STOP_HALT);
	vm_get_stats(b, &bare);
	vm_get_stats(t, &trap);
	cr_assert_eq(trap.retired, bare.retired);
	/* The prologue's 7 mtsr, the 3 under test, the out that halts. */
	cr_assert_eq(trap.emulated, 11, "emulated %llu", (unsigned long long)trap.emulated);
	cr_assert_eq(trap.native + trap.emulated, trap.retired);
	cr_assert_eq(trap.exits_by_cause[CAUSE_PRIV], trap.emulated);
	cr_assert_eq(trap.guest_cycles, bare.cycles, "the guest's own time is the bare machine's");
	cr_assert_gt(trap.vmm_cycles, 0);
	cr_assert_eq(vm_reg(t, 5), PSW_S, "the guest sees its virtual mode");
	cr_assert_eq(vm_reg(t, 6), UBASE, "the guest sees its virtual base");
	cr_assert_eq(vm_reg(t, 7), 0xC0FFEE);
	cr_assert(vm_vmm_intact(t));
	vm_destroy(b);
	vm_destroy(t);
}

/* ---- reflection: every cause, as the hardware would deliver it ---------- */

struct reflect_case {
	const char *what;
	bool user;
	uint32_t epsw_user;       /* the user's psw, entered by rfe */
	uint32_t code[4];
	int n;
	enum trap_cause cause;
	uint32_t detail;          /* (checked when check_detail) */
	bool check_detail;
	uint32_t epc;             /* the virtual epc (checked when check_epc) */
	bool check_epc;
};

Test(trap_emulate, every_trap_cause_is_reflected_as_the_hardware_delivers_it)
{
	const uint32_t illegal = 0xFE000000u;
	const struct reflect_case cases[] = {
		{ "sys in user mode", true, 0, { NOP, K(sys, 9) }, 2, CAUSE_SYSCALL, 9, true, 8, true },
		{ "sys in supervisor mode", false, 0, { K(sys, 0x123456) }, 1, CAUSE_SYSCALL, 0x123456,
		  true, CODE + 4, true },
		{ "privileged in user mode", true, 0, { NOP, R(getpsw, 1, 0, 0) }, 2, CAUSE_PRIV,
		  R(getpsw, 1, 0, 0), true, 4, true },
		{ "wfi in user mode", true, PSW_IE, { K(wfi, 0) }, 1, CAUSE_PRIV, K(wfi, 0), true, 0, true },
		{ "illegal in user mode", true, 0, { illegal }, 1, CAUSE_ILLEGAL, illegal, true, 0, true },
		{ "illegal in supervisor mode", false, 0, { NOP, illegal }, 2, CAUSE_ILLEGAL, illegal, true,
		  CODE + 4, true },
		{ "mfsr of no register (emulated)", false, 0, { I(mfsr, 1, 0, 40) }, 1, CAUSE_ILLEGAL,
		  I(mfsr, 1, 0, 40), true, CODE, true },
		{ "mtsr of a read-only register (emulated)", false, 0, { I(mtsr, 0, 1, SR_memsize) }, 1,
		  CAUSE_ILLEGAL, I(mtsr, 0, 1, SR_memsize), true, CODE, true },
		{ "load past the user limit", true, 0, { I(ori, 3, 0, ULIMIT), I(ldw, 1, 3, 0) }, 2,
		  CAUSE_BOUNDS, ULIMIT, true, 4, true },
		{ "store past the guest's memory", false, 0, { I(lui, 3, 0, 0x10), I(stw, 1, 3, 0) }, 2,
		  CAUSE_BOUNDS, 0x100000, true, CODE + 4, true },
		{ "jump out of the user window", true, 0, { I(lui, 3, 0, 1), R(jr, 0, 3, 0) }, 2,
		  CAUSE_BOUNDS, 0x10000, true, 0x10000, true },
		{ "misaligned load", true, 0, { I(ori, 3, 0, 2), I(ldw, 1, 3, 0) }, 2, CAUSE_MISALIGNED, 2,
		  true, 4, true },
		{ "misaligned jump", false, 0, { I(ori, 3, 0, 0x102), R(jr, 0, 3, 0) }, 2, CAUSE_MISALIGNED,
		  0x102, true, 0x102, true },
		{ "divide by zero", true, 0, { R(div, 1, 2, 0) }, 1, CAUSE_DIVZERO, R(div, 1, 2, 0), true, 0,
		  true },
		{ "breakpoint", true, 0, { K(brk, 5) }, 1, CAUSE_BREAKPOINT, 5, true, 4, true },
		{ "hypercall", true, 0, { NOP, K(hcall, 77) }, 2, CAUSE_HYPERCALL, 77, true, 8, true },
		{ "timer interrupt in user mode", true, PSW_IE,
		  { I(ori, 3, 0, 0x7fff), I(addi, 3, 3, -1), isa_enc_j(OP_bne, -2) }, 3, CAUSE_TIMER, 0,
		  true, 0, false },
		{ "console interrupt in user mode", true, PSW_IE, { NOP }, 1, CAUSE_DEVICE, IRQ_CONSOLE,
		  true, 0, false },
	};

	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		const struct reflect_case *c = &cases[k];
		struct prog p;
		struct vm_options o;
		struct vm *t;
		scene(&p, c->user, c->epsw_user, c->code, c->n);
		if (c->cause == CAUSE_DEVICE) {
			/* The console's line enabled just before the rfe (the last
			 * word of the prologue), so the input queued interrupts the
			 * user program at once. */
			int rfe_at = -1;
			for (int i = 0; i < CODE / 4; i++)
				if (p.w[i] == K(rfe, 0))
					rfe_at = i;
			cr_assert(rfe_at > 0);
			p.w[rfe_at + 2] = p.w[rfe_at];
			p.w[rfe_at] = I(ori, 15, 0, 1);
			p.w[rfe_at + 1] = I(out, 0, 15, PORT_CON_CTRL);
		}
		assert_all_equivalent(&p, c->what);

		vm_options_init(&o);
		o.input = "!";
		o.input_len = 1;
		t = vt_vm_prog(&o, MODE_TRAP, &p);
		cr_assert_eq(vm_run(t, 100000), STOP_HALT, "%s: did not reach the vector", c->what);
		cr_expect_eq(vm_sreg(t, SR_cause), c->cause, "%s: cause %u, want %u", c->what,
			     vm_sreg(t, SR_cause), c->cause);
		if (c->check_detail)
			cr_expect_eq(vm_sreg(t, SR_detail), c->detail, "%s: detail 0x%x, want 0x%x",
				     c->what, vm_sreg(t, SR_detail), c->detail);
		if (c->check_epc)
			cr_expect_eq(vm_sreg(t, SR_epc), c->epc, "%s: epc 0x%x, want 0x%x", c->what,
				     vm_sreg(t, SR_epc), c->epc);
		/* epsw: the mode and IE the guest had when it trapped. */
		cr_expect_eq(vm_sreg(t, SR_epsw) & PSW_PRIVBITS,
			     c->user ? c->epsw_user & PSW_PRIVBITS : PSW_S, "%s: epsw 0x%x", c->what,
			     vm_sreg(t, SR_epsw));
		/* The vector ran in virtual supervisor mode with interrupts off. */
		cr_expect_eq(vm_psw(t) & PSW_PRIVBITS, PSW_S, "%s: psw 0x%x", c->what, vm_psw(t));
		cr_expect_eq(vm_pc(t), VECTOR + 8, "%s: pc 0x%x", c->what, vm_pc(t));
		cr_expect(vm_vmm_intact(t));
		vm_destroy(t);
	}
}

/* ISA.md section 7's rule, exactly, in every mode: the mtsr that writes N
 * to timer is the first of the N instructions counted; the one that brings
 * it to 0 raises the line, which the next instruction sees in ipend. */
Test(timer, the_mtsr_that_sets_it_is_the_first_of_n_in_every_mode)
{
	for (uint32_t n = 1; n <= 4; n++) {
		struct prog p = { .n = 0 };
		struct vm_options o;

		prog_li(&p, 9, n);
		prog_emit(&p, I(mtsr, 0, 9, SR_timer));
		for (unsigned k = 1; k <= 4; k++)
			prog_emit(&p, I(mfsr, k, 0, SR_ipend));
		prog_emit(&p, K(wfi, 0)); /* a pending line completes it at once */
		prog_halt(&p, 0);
		vm_options_init(&o);
		o.step_limit = 1000;
		for (int m = 0; m < MODE_COUNT; m++) {
			struct vm *vm = vt_vm_prog(&o, (enum vmm_mode)m, &p);
			cr_assert_eq(vm_run(vm, UINT64_MAX), STOP_HALT, "%s", vmm_mode_name((enum vmm_mode)m));
			/* mfsr number k is instruction k + 1 counting the mtsr: it
			 * sees the line when the k instructions before it make n. */
			for (unsigned k = 1; k <= 4; k++)
				cr_expect_eq(vm_reg(vm, k) & 1, k >= n, "%s, timer %u: mfsr %u read %u",
					     vmm_mode_name((enum vmm_mode)m), n, k, vm_reg(vm, k) & 1);
			vm_destroy(vm);
		}
	}
}
