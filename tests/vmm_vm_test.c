/*
 * tests/vmm_vm_test.c: the VM's door (vmm/vmm.h) itself.
 * Owns: mode names, creation and its errors, the machine at reset, step
 *       limits and stops that stay stopped, the event log, accessors.
 * Not:  what any mode does to a whole program (the other vmm_ tests).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/vmtest.h"

#define I(op, d, s, imm) isa_enc_i(OP_##op, d, s, (uint32_t)(imm))
#define R(op, d, s, t) isa_enc_r(OP_##op, d, s, t)
#define K(op, code) isa_enc_j(OP_##op, (int32_t)(code))

Test(vm, mode_names_round_trip)
{
	for (int m = 0; m < MODE_COUNT; m++) {
		enum vmm_mode back;
		cr_assert(vmm_mode_parse(vmm_mode_name((enum vmm_mode)m), &back));
		cr_assert_eq(back, (enum vmm_mode)m);
		cr_assert(strstr(vmm_mode_names(), vmm_mode_name((enum vmm_mode)m)));
		cr_assert(*vmm_mode_summary((enum vmm_mode)m));
	}
	enum vmm_mode m;
	cr_assert(!vmm_mode_parse("paravirt", &m));
	cr_assert_str_eq(vmm_mode_names(), "bare, emulate, trap, hybrid, patch, bt, hw, pv");
}

Test(vm, create_refuses_bad_options_with_a_message)
{
	struct vm_options o;
	struct vm *vm = (struct vm *)1;
	char err[256] = "";

	vm_options_init(&o);
	o.mem_size = 16;
	cr_assert(!vm_create(&vm, &o, err, sizeof err));
	cr_assert_null(vm);
	cr_assert(strstr(err, "guest memory"), "%s", err);
	vm_options_init(&o);
	o.mode = MODE_TRAP;
	o.disk_path = "/nonexistent/disk.img";
	cr_assert(!vm_create(&vm, &o, err, sizeof err));
	cr_assert(strstr(err, "/nonexistent/disk.img"), "%s", err);
}

Test(vm, a_new_vm_is_the_machine_at_reset)
{
	static const enum vmm_mode modes[] = VT_ALL_MODES;
	for (int m = 0; m < 4; m++) {
		struct vm_options o;
		struct vm *vm;
		char err[256];
		uint32_t gpa;

		vm_options_init(&o);
		o.mode = modes[m];
		o.mem_size = 64 * 1024;
		cr_assert(vm_create(&vm, &o, err, sizeof err), "%s", err);
		cr_assert_eq(vm_mode(vm), modes[m]);
		cr_assert_eq(vm_pc(vm), 0);
		cr_assert_eq(vm_psw(vm), PSW_S);
		cr_assert_eq(vm_sreg(vm, SR_memsize), 64 * 1024);
		cr_assert_eq(vm_memory(vm)->size, 64 * 1024);
		cr_assert_eq(vm_retired(vm), 0);
		cr_assert(vm_translate(vm, 0xFFFC, &gpa) && gpa == 0xFFFC);
		cr_assert(!vm_translate(vm, 0x10000, &gpa));
		cr_assert(vm_vmm_intact(vm));
		cr_assert(!vm_load(vm, 0xFFFE, "abcd", 4), "a load past the end is refused");
		vm_set_reg(vm, 3, 77);
		vm_set_reg(vm, 0, 77);
		cr_assert_eq(vm_reg(vm, 3), 77);
		cr_assert_eq(vm_reg(vm, 0), 0, "r0 stays zero");
		vm_destroy(vm);
	}
	vm_destroy(NULL);
}

struct events {
	struct vm_event e[32];
	int n;
};

static void keep(void *ctx, const struct vm *vm, const struct vm_event *e)
{
	struct events *ev = ctx;
	(void)vm;
	if (ev->n < 32)
		ev->e[ev->n++] = *e;
}

Test(vm, the_event_log_says_what_the_vmm_did)
{
	struct prog p = { .n = 0 };
	struct vm_options o;
	struct events ev = { .n = 0 };
	struct vm *vm;

	prog_emit(&p, I(ori, 1, 0, 0x40));
	prog_emit(&p, I(mtsr, 0, 1, SR_tvec));   /* 0x04: emulated */
	prog_emit(&p, K(sys, 3));                /* 0x08: reflected, vector 0x40 */
	while (p.n < 0x40 / 4)
		prog_emit(&p, 0);
	prog_halt(&p, 0);                        /* 0x40: emulated, halts */
	vm_options_init(&o);
	vm = vt_vm_prog(&o, MODE_TRAP, &p);
	vm_set_event_hook(vm, keep, &ev);
	cr_assert_eq(vm_run(vm, 100), STOP_HALT);
	cr_assert_eq(ev.n, 3);
	cr_assert_eq(ev.e[0].action, VM_EMULATED);
	cr_assert(ev.e[0].exit);
	cr_assert_eq(ev.e[0].pc, 4);
	cr_assert_eq(ev.e[0].word, I(mtsr, 0, 1, SR_tvec));
	cr_assert_eq(ev.e[0].index, 1);
	cr_assert_eq(ev.e[1].action, VM_REFLECTED);
	cr_assert_eq(ev.e[1].cause, CAUSE_SYSCALL);
	cr_assert_eq(ev.e[1].detail, 3);
	cr_assert_eq(ev.e[1].epc, 12);
	cr_assert_eq(ev.e[1].vector, 0x40);
	cr_assert_eq(ev.e[2].action, VM_EMULATED);
	cr_assert_str_eq(vm_action_name(VM_REFLECTED), "reflected");
	vm_destroy(vm);

	/* Bare: the hardware delivers the trap itself. */
	ev.n = 0;
	vm = vt_vm_prog(&o, MODE_BARE, &p);
	vm_set_event_hook(vm, keep, &ev);
	cr_assert_eq(vm_run(vm, 100), STOP_HALT);
	cr_assert_eq(ev.n, 1);
	cr_assert_eq(ev.e[0].action, VM_DELIVERED);
	cr_assert_eq(ev.e[0].cause, CAUSE_SYSCALL);
	cr_assert_eq(ev.e[0].vector, 0x40);
	vm_destroy(vm);
}

Test(vm, step_limit_and_budgets)
{
	struct prog p = { .n = 0 };
	struct vm_options o;

	prog_emit(&p, isa_enc_j(OP_jmp, -1)); /* for ever */
	vm_options_init(&o);
	o.step_limit = 1000;
	for (int m = 0; m < 4; m++) {
		static const enum vmm_mode modes[] = VT_ALL_MODES;
		struct vm *vm = vt_vm_prog(&o, modes[m], &p);
		cr_assert_eq(vm_run(vm, 0), STOP_LIMIT);
		cr_assert_eq(vm_retired(vm), 0);
		cr_assert_eq(vm_run(vm, 400), STOP_LIMIT);
		cr_assert_eq(vm_retired(vm), 400);
		cr_assert(!vm_at_step_limit(vm));
		cr_assert_eq(vm_run(vm, 5000), STOP_LIMIT);
		cr_assert_eq(vm_retired(vm), 1000);
		cr_assert(vm_at_step_limit(vm));
		vm_destroy(vm);
	}
}

Test(vm, stepping_is_the_same_in_every_mode)
{
	static const enum vmm_mode modes[] = VT_ALL_MODES;
	struct image img;
	struct vm_options o;
	struct vm *vm[4];
	char disk[64];
	uint64_t steps = 0;
	bool at_vector = false;

	vt_assemble("everything", &img);
	vt_make_disk(disk, 8);
	vm_options_init(&o);
	o.disk_path = disk;
	o.input = "ok";
	o.input_len = 2;
	for (int m = 0; m < 4; m++)
		vm[m] = vt_vm_image(&o, modes[m], &img);
	for (;;) {
		enum cpu_stop s[4];
		uint64_t before = vm_retired(vm[0]);
		for (int m = 0; m < 4; m++)
			s[m] = vm_step(vm[m]);
		for (int m = 1; m < 4; m++) {
			cr_assert_eq(s[m], s[0], "step %llu: %s stopped differently",
				     (unsigned long long)steps, vmm_mode_name(modes[m]));
			cr_assert_eq(vm_pc(vm[m]), vm_pc(vm[0]), "step %llu: %s at pc 0x%x, bare at 0x%x",
				     (unsigned long long)steps, vmm_mode_name(modes[m]), vm_pc(vm[m]),
				     vm_pc(vm[0]));
			cr_assert_eq(vm_retired(vm[m]), vm_retired(vm[0]));
			cr_assert_eq(vm_psw(vm[m]), vm_psw(vm[0]));
		}
		/* A step that delivers a fault stops at the vector, nothing retired. */
		if (vm_retired(vm[0]) == before && vm_pc(vm[0]) == vm_sreg(vm[0], SR_tvec))
			at_vector = true;
		steps++;
		if (s[0] != STOP_LIMIT)
			break;
	}
	cr_expect_eq(vm_step(vm[2]), STOP_HALT, "a halted VM stays halted");
	cr_expect(at_vector, "some step ended at the trap vector");
	cr_expect_gt(steps, vm_retired(vm[0]), "traps are steps of their own");
	for (int m = 0; m < 4; m++)
		vm_destroy(vm[m]);
	image_free(&img);
	unlink(disk);
}

/* Runs are deterministic: single steps end where one run ends, with the
 * same clock and the same exits, in every mode, on the whole guest OS (its
 * timer runs out at every step boundary some time: native.c takes the exit
 * a whole run takes there; bt must then follow the block it left). */
Test(vm, single_steps_end_where_one_run_ends_in_every_mode_regression)
{
	alarm(600); /* millions of single steps in each mode: seconds, more under ASan */
	const char *b = getenv("BUILD");
	char kernel[512], pv_kernel[512], disk[512], err[256];
	struct image img, pv_img;

	cr_assert(b && *b, "BUILD must name an absolute path (make test sets it)");
	snprintf(kernel, sizeof kernel, "%s/guest/kernel.elf", b);
	snprintf(pv_kernel, sizeof pv_kernel, "%s/guest/kernel-pv.elf", b);
	snprintf(disk, sizeof disk, "%s/guest/disk.img", b);
	cr_assert(image_read(kernel, &img, err, sizeof err), "%s", err);
	cr_assert(image_read(pv_kernel, &pv_img, err, sizeof err), "%s", err);
	for (int m = 0; m < MODE_COUNT; m++) {
		struct vm_options o;
		struct vm_stats x, y;
		struct vm *whole, *steps;
		const char *name = vmm_mode_name((enum vmm_mode)m);
		size_t lx, ly;

		vm_options_init(&o);
		o.disk_path = disk;
		whole = vt_vm_image(&o, (enum vmm_mode)m, m == MODE_PV ? &pv_img : &img);
		steps = vt_vm_image(&o, (enum vmm_mode)m, m == MODE_PV ? &pv_img : &img);
		cr_assert_eq(vm_run(whole, UINT64_MAX), STOP_HALT, "%s", name);
		while (vm_run(steps, 1) == STOP_LIMIT)
			;
		vm_get_stats(whole, &x);
		vm_get_stats(steps, &y);
		vm_console(whole, &lx);
		vm_console(steps, &ly);
		cr_expect_eq(y.retired, x.retired, "%s: %llu instructions in steps, %llu in one run",
			     name, (unsigned long long)y.retired, (unsigned long long)x.retired);
		cr_expect_eq(ly, lx, "%s: console", name);
		cr_expect_eq(y.cycles, x.cycles, "%s: the clock", name);
		cr_expect_eq(y.exits, x.exits, "%s: exits", name);
		vm_destroy(whole);
		vm_destroy(steps);
	}
	image_free(&img);
	image_free(&pv_img);
}

Test(vm, an_idle_vm_can_be_woken_by_input)
{
	struct prog p = { .n = 0 };
	struct vm_options o;
	struct vm *vm;

	/* Enable the console interrupt, wait; then read the byte and halt with it. */
	prog_emit(&p, I(ori, 1, 0, 1));
	prog_emit(&p, I(out, 0, 1, PORT_CON_CTRL));
	prog_emit(&p, K(wfi, 0));
	prog_emit(&p, I(in, 2, 0, PORT_CON_DATA));
	prog_halt(&p, 2);
	vm_options_init(&o);
	vm = vt_vm_prog(&o, MODE_TRAP, &p);
	cr_assert_eq(vm_run(vm, 100), STOP_IDLE);
	cr_assert_eq(vm_run(vm, 100), STOP_IDLE, "idle stays idle");
	dev_con_feed(vm_devices(vm), "*", 1);
	cr_assert(vm_wake(vm));
	cr_assert(!vm_wake(vm), "awake already");
	cr_assert_eq(vm_run(vm, 100), STOP_HALT);
	cr_assert_eq(vm_devices(vm)->halt_code, '*');
	cr_assert_eq(vm_real_cpu(vm)->psw & PSW_S, 0, "the real CPU ran the guest in user mode");
	vm_destroy(vm);
}
