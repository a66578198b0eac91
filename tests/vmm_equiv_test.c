/*
 * tests/vmm_equiv_test.c: equivalence: the guest cannot tell the modes apart.
 * Owns: the full-coverage guest (tests/vmm/everything.s: every instruction,
 *       every trap cause, timer and device interrupts, console, disk by DMA,
 *       power, user mode with relocation) under bare, emulate, trap and
 *       hybrid; the guest's time; repeatability of runs in pieces; the diff
 *       command's verdicts, including the permitted one (reading the clock).
 * Not:  single instructions (vmm_trap_test.c); nonvirt (vmm_nonvirt_test.c).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/vmtest.h"

static const enum vmm_mode modes[] = VT_ALL_MODES;

Test(equiv, every_mode_is_equivalent_to_bare_on_the_everything_guest)
{
	struct image img;
	struct vm_options o;
	char disk[64];

	vt_assemble("everything", &img);
	vt_everything_options(&o, disk);
	for (int m = 1; m < 4; m++) {
		struct vmm_divergence d;
		bool same = vt_equivalent(&o, MODE_BARE, modes[m], vt_load_image, &img, &d);
		cr_expect(same, "%s differs from bare after %llu instructions (%s) at pc 0x%x",
			  vmm_mode_name(modes[m]), (unsigned long long)d.index, d.what ? d.what : "?", d.pc);
		if (same) {
			cr_expect_eq(d.before.stop, STOP_HALT);
			cr_expect_eq(d.before.halt_code, 3);
			cr_expect(strstr(d.before.console, "user two"), "console: %s", d.before.console);
		}
		vmm_divergence_free(&d);
	}
	image_free(&img);
	unlink(disk);
}

Test(equiv, everything_guest_runs_every_instruction_and_takes_every_trap)
{
	struct image img;
	struct vm_options o;
	struct vm_stats s;
	bool seen[256] = { false };
	char disk[64];
	struct vm *vm;
	enum cpu_stop stop;

	vt_assemble("everything", &img);
	vt_everything_options(&o, disk);
	vm = vt_vm_image(&o, MODE_BARE, &img);
	do {
		uint32_t gpa;
		if (vm_translate(vm, vm_pc(vm), &gpa) && gpa + 4 <= vm_memory(vm)->size)
			seen[isa_op(mem_load32(vm_memory(vm), gpa))] = true;
		stop = vm_run(vm, 1);
	} while (stop == STOP_LIMIT && !vm_at_step_limit(vm));
	cr_assert_eq(stop, STOP_HALT);
	for (int i = 0; i < isa_ninsns; i++)
		cr_expect(seen[isa_insns[i].opcode], "the guest never runs %s", isa_insns[i].name);
	vm_get_stats(vm, &s);
	for (int c = 1; c < CAUSE_COUNT; c++)
		cr_expect_gt(s.guest_traps[c], 0, "the guest never takes %s", isa_cause_name(c));
	cr_expect_gt(s.guest_traps[CAUSE_DEVICE], 2, "console and disk interrupts");
	vm_destroy(vm);
	image_free(&img);
	unlink(disk);
}

Test(equiv, guest_time_and_efficiency_per_mode)
{
	struct image img;
	struct vm_options o;
	struct vm_stats s[4];
	char disk[64];

	vt_assemble("everything", &img);
	vt_everything_options(&o, disk);
	for (int m = 0; m < 4; m++) {
		struct vm *vm = vt_vm_image(&o, modes[m], &img);
		cr_assert_eq(vm_run(vm, UINT64_MAX), STOP_HALT, "%s", vmm_mode_name(modes[m]));
		vm_get_stats(vm, &s[m]);
		cr_expect(vm_vmm_intact(vm), "%s touched the VMM's memory", vmm_mode_name(modes[m]));
		vm_destroy(vm);
	}
	for (int m = 1; m < 4; m++) {
		cr_expect_eq(s[m].retired, s[0].retired, "%s", vmm_mode_name(modes[m]));
		/* The guest's own work costs what it costs bare; the monitor's is extra. */
		cr_expect_eq(s[m].guest_cycles, s[0].cycles, "%s: guest cycles %llu, bare %llu",
			     vmm_mode_name(modes[m]), (unsigned long long)s[m].guest_cycles,
			     (unsigned long long)s[0].cycles);
		cr_expect_gt(s[m].vmm_cycles, 0);
		cr_expect_eq(s[m].native + s[m].emulated + s[m].interpreted, s[m].retired);
	}
	cr_expect_eq(vm_efficiency(&s[0]), 100.0);
	cr_expect_eq(s[1].native, 0, "emulation runs nothing natively");
	cr_expect_eq(s[1].exits, 0);
	cr_expect_gt(vm_efficiency(&s[2]), 80.0, "trap-and-emulate runs most of it natively");
	cr_expect_gt(s[2].emulated, 0);
	cr_expect_eq(s[2].exits_by_cause[CAUSE_PRIV], s[2].emulated + s[2].guest_traps[CAUSE_PRIV]);
	cr_expect_gt(s[3].native, 0, "hybrid runs the user programs natively");
	cr_expect_gt(s[3].interpreted, 0, "hybrid interprets the kernel");
	cr_expect_eq(s[3].emulated, 0);
	image_free(&img);
	unlink(disk);
}

Test(equiv, runs_in_pieces_end_where_one_run_ends)
{
	static const uint64_t pieces[] = { 1, 7, 1, 100, 3, 4096, 2, 1000 };
	struct image img;
	struct vm_options o;
	char disk[64];

	vt_assemble("everything", &img);
	vt_everything_options(&o, disk);
	for (int m = 0; m < 4; m++) {
		struct vm *whole = vt_vm_image(&o, modes[m], &img), *split = vt_vm_image(&o, modes[m], &img);
		struct vmm_observation a, b;
		struct vm_stats sa, sb;
		enum cpu_stop stop = STOP_LIMIT;

		cr_assert_eq(vm_run(whole, UINT64_MAX), STOP_HALT);
		for (int k = 0; stop == STOP_LIMIT; k++)
			stop = vm_run(split, pieces[k % 8]);
		cr_assert_eq(stop, STOP_HALT);
		vmm_observe(whole, &a);
		vmm_observe(split, &b);
		cr_expect_eq(a.retired, b.retired);
		cr_expect_eq(a.mem_hash, b.mem_hash);
		cr_expect(!memcmp(a.r, b.r, sizeof a.r) && a.pc == b.pc && a.psw == b.psw);
		cr_expect(a.console_len == b.console_len && !memcmp(a.console, b.console, a.console_len));
		vm_get_stats(whole, &sa);
		vm_get_stats(split, &sb);
		/* Even the clock: the monitor charges per exit, never per budget. */
		cr_expect_eq(sa.cycles, sb.cycles, "%s: the clock depends on how the run was split",
			     vmm_mode_name(modes[m]));
		vmm_observation_free(&a);
		vmm_observation_free(&b);
		vm_destroy(whole);
		vm_destroy(split);
	}
	image_free(&img);
	unlink(disk);
}

/* Observe one long run and a run of single steps; they must agree. */
static void one_run_and_steps(const struct image *img, const struct vm_options *o, enum vmm_mode m)
{
	struct vm *whole = vt_vm_image(o, m, img), *steps = vt_vm_image(o, m, img);
	struct vmm_observation a, b;
	enum cpu_stop sa = vm_run(whole, UINT64_MAX), sb;

	do
		sb = vm_run(steps, 1);
	while (sb == STOP_LIMIT && !vm_at_step_limit(steps));
	vmm_observe(whole, &a);
	vmm_observe(steps, &b);
	cr_expect_eq(sa, sb, "%s: one run stopped %s, steps %s", vmm_mode_name(m), vm_stop_name(sa),
		     vm_stop_name(sb));
	cr_expect(a.retired == b.retired && a.pc == b.pc && a.psw == b.psw &&
			  !memcmp(a.r, b.r, sizeof a.r) && a.mem_hash == b.mem_hash,
		  "%s: one run and single steps end in different states", vmm_mode_name(m));
	vmm_observation_free(&a);
	vmm_observation_free(&b);
	vm_destroy(whole);
	vm_destroy(steps);
}

Test(equiv, one_long_run_equals_single_steps_in_every_mode)
{
	struct image img;
	struct vm_options o;
	char disk[64];

	vt_assemble("backloop", &img);
	vm_options_init(&o);
	for (int m = 0; m < 4; m++) {
		struct vm *vm = vt_vm_image(&o, modes[m], &img);
		uint32_t code = 0;
		cr_expect_eq(vm_run(vm, 100000), STOP_HALT);
		cr_expect(vm_halted(vm, &code) && code == CAUSE_SYSCALL, "%s: halt %u, want 1 (sys)",
			  vmm_mode_name(modes[m]), code);
		vm_destroy(vm);
		one_run_and_steps(&img, &o, modes[m]);
	}
	image_free(&img);

	vt_assemble("everything", &img);
	vt_everything_options(&o, disk);
	for (int m = 0; m < 4; m++)
		one_run_and_steps(&img, &o, modes[m]);
	image_free(&img);
	unlink(disk);
}

Test(equiv, input_longer_than_the_console_queue_arrives_whole_in_every_mode)
{
	enum { N = 3 * CON_INBUF + 123 };
	struct image img;
	struct vm_options o;
	char *input = malloc(N);

	cr_assert(input);
	for (int i = 0; i < N; i++)
		input[i] = (char)('a' + i % 26);
	vt_assemble("echo", &img);
	vm_options_init(&o);
	o.input = input;
	o.input_len = N;
	for (int m = 0; m < 4; m++) {
		struct vm *vm = vt_vm_image(&o, modes[m], &img);
		size_t len;
		const char *out;
		cr_assert_eq(vm_run(vm, 10000000), STOP_HALT);
		out = vm_console(vm, &len);
		cr_expect_eq(len, N, "%s echoed %zu of %d bytes", vmm_mode_name(modes[m]), len, N);
		cr_expect(len == N && !memcmp(out, input, N));
		vm_destroy(vm);
	}
	image_free(&img);
	free(input);
}

Test(equiv, reading_the_clock_is_the_permitted_difference)
{
	struct image img;
	struct vm_options o;
	struct vmm_divergence d;

	vt_assemble("latency", &img);
	vm_options_init(&o);
	o.step_limit = 1000;
	/* The clock differs, is forgiven, and then the halt code (the clock's
	 * value) is the same: equivalent, save for the permitted latency. */
	cr_assert(vt_equivalent(&o, MODE_BARE, MODE_TRAP, vt_load_image, &img, &d));
	cr_expect_eq(d.npermitted, 1, "one reading of the clock differed");
	cr_expect_eq(isa_op(d.permitted_word), OP_rdcyc);
	cr_expect_eq(d.permitted_index, 2, "li, mtsr, then rdcyc");
	cr_expect_eq(d.permitted_pc, 8);
	vmm_divergence_free(&d);
	image_free(&img);
}

Test(equiv, diff_command_reports_equivalent_and_permitted)
{
	char elf[96], disk[64], input[64], args[512];
	int status;
	char *out;

	vt_elf("everything", elf);
	vt_make_disk(disk, 8);
	vt_make_file(input, "ok");
	snprintf(args, sizeof args, "diff --modes bare,emulate,trap,hybrid --disk %s --input %s %s",
		 disk, input, elf);
	out = vt_trapeze(args, VT_BOTH, &status);
	cr_expect_eq(status, 0, "%s", out);
	cr_expect(!strncmp(out, "equivalent: bare = emulate = trap = hybrid", 42), "%s", out);
	free(out);
	unlink(elf);

	vt_elf("latency", elf);
	snprintf(args, sizeof args, "diff --modes bare,trap %s", elf);
	out = vt_trapeze(args, VT_BOTH, &status);
	cr_expect_eq(status, 0, "%s", out);
	cr_expect(strstr(out, "permitted: temporal latency") && strstr(out, "rdcyc"), "%s", out);
	cr_expect(strstr(out, "equivalent: bare = trap"), "%s", out);
	free(out);
	unlink(elf);
	unlink(disk);
	unlink(input);
}

Test(equiv, run_command_prints_the_same_in_every_mode)
{
	char elf[96], disk[64], input[64], args[512];
	char *outs[4];
	int status;

	vt_elf("everything", elf);
	vt_make_disk(disk, 8);
	vt_make_file(input, "ok");
	for (int m = 0; m < 4; m++) {
		snprintf(args, sizeof args, "run --mode %s --disk %s --input %s %s",
			 vmm_mode_name(modes[m]), disk, input, elf);
		outs[m] = vt_trapeze(args, VT_STDOUT, &status);
		cr_expect_eq(status, 3, "%s: exit %d", vmm_mode_name(modes[m]), status);
	}
	for (int m = 1; m < 4; m++)
		cr_expect_str_eq(outs[m], outs[0], "%s prints something else", vmm_mode_name(modes[m]));
	for (int m = 0; m < 4; m++)
		free(outs[m]);
	unlink(elf);
	unlink(disk);
	unlink(input);
}
