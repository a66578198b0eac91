/*
 * tests/vmm_hw_test.c: hardware assist (vmm/hwassist.c) and device
 *       passthrough.
 * Owns: hw equivalent to bare on the full-coverage guest and on the whole
 *       guest OS, on every processor and with and without --nonvirt; what
 *       exits and what does not (system calls never, ports always, setpsw
 *       and ticks on the early processor only); the second console assigned
 *       to the VM reached with zero exits.
 * Not:  the extension itself, instruction by instruction (tests/cpu/vmx_test.c).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/vmtest.h"

static const enum vmm_cpu cpus[] = { VMM_CPU_TOY, VMM_CPU_EARLY, VMM_CPU_MODERN };

Test(hw, equivalent_to_bare_on_the_everything_guest_on_every_processor_nonvirt_or_not)
{
	struct image img;
	char disk[64];

	vt_assemble("everything", &img);
	vt_make_disk(disk, 8);
	for (unsigned c = 0; c < 3; c++) {
		for (int nv = 0; nv < 2; nv++) {
			struct vm_options o;
			struct vmm_divergence d;
			vm_options_init(&o);
			o.disk_path = disk;
			o.input = "ok";
			o.input_len = 2;
			o.step_limit = 1000000;
			o.cpu = cpus[c];
			o.nonvirt = nv ? (unsigned)cpu_parse_nonvirt("", NULL) : 0;
			bool same = vt_equivalent(&o, MODE_BARE, MODE_HW, vt_load_image, &img, &d);
			cr_expect(same, "--cpu %s%s: hw differs from bare after %llu (%s) at pc 0x%x",
				  vmm_cpu_name(cpus[c]), nv ? " --nonvirt" : "",
				  (unsigned long long)d.index, d.what ? d.what : "?", d.pc);
			if (same)
				cr_expect_eq(d.before.stop, STOP_HALT);
			vmm_divergence_free(&d);
		}
	}
	image_free(&img);
	unlink(disk);
}

/* The guest OS whole, through the diff command, as a student would run it. */
static void diff_guest_os(const char *options)
{
	char args[512];
	int status;
	char *out;

	snprintf(args, sizeof args, "diff --modes bare,hw %s --disk '%s/guest/disk.img' '%s/guest/kernel.elf'",
		 options, getenv("BUILD"), getenv("BUILD"));
	out = vt_trapeze(args, VT_BOTH, &status);
	cr_expect_eq(status, 0, "%s:\n%s", options, out);
	cr_expect(strstr(out, "equivalent: bare = hw"), "%s:\n%s", options, out);
	free(out);
}

Test(hw, the_guest_os_is_equivalent_to_bare)
{
	alarm(240); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	cr_assert(getenv("BUILD"), "BUILD must be set (make test sets it)");
	diff_guest_os("");
	diff_guest_os("--cpu early");
}

Test(hw, the_guest_os_is_equivalent_to_bare_with_nonvirt)
{
	alarm(240); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	cr_assert(getenv("BUILD"), "BUILD must be set (make test sets it)");
	diff_guest_os("--nonvirt");
	diff_guest_os("--nonvirt --cpu early");
	diff_guest_os("--nonvirt=pdp10 --cpu modern");
}

/* Counts the instructions the monitor emulated for guest user mode. */
static void count_user_emulations(void *ctx, const struct vm *vm, const struct vm_event *e)
{
	(void)vm;
	if (e->action == VM_EMULATED && e->user)
		++*(int *)ctx;
}

/* Run the guest OS under hw on a processor; its statistics, and how many
 * instructions the monitor emulated for guest user mode. */
static int guest_os_stats(enum vmm_cpu cpu, unsigned nonvirt, struct vm_stats *s)
{
	int user_emulated = 0;
	struct vm_options o;
	struct image img;
	char path[512], err[256];
	struct vm *vm;

	snprintf(path, sizeof path, "%s/guest/kernel.elf", getenv("BUILD"));
	cr_assert(image_read(path, &img, err, sizeof err), "%s", err);
	snprintf(path, sizeof path, "%s/guest/disk.img", getenv("BUILD"));
	vm_options_init(&o);
	o.mode = MODE_HW;
	o.cpu = cpu;
	o.nonvirt = nonvirt;
	o.disk_path = path;
	cr_assert(vm_create(&vm, &o, err, sizeof err), "%s", err);
	cr_assert(image_load(vm, &img, err, sizeof err), "%s", err);
	vm_set_event_hook(vm, count_user_emulations, &user_emulated);
	cr_assert_eq(vm_run(vm, UINT64_MAX), STOP_HALT);
	vm_get_stats(vm, s);
	vm_destroy(vm);
	image_free(&img);
	return user_emulated;
}

Test(hw, system_calls_never_exit_and_ports_always_do)
{
	alarm(60); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct vm_stats s;

	cr_assert(getenv("BUILD"), "BUILD must be set (make test sets it)");
	guest_os_stats(VMM_CPU_MODERN, 0, &s);
	cr_expect_gt(s.guest_traps[CAUSE_SYSCALL], 2000, "the guest made its system calls");
	cr_expect_eq(s.exits_by_cause[CAUSE_SYSCALL], 0, "through its own vector, never the VMM");
	cr_expect_eq(s.exits_by_cause[CAUSE_TIMER], 0, "its own timer");
	cr_expect_gt(s.io_exits, 1000, "the console and disk are the monitor's");
	cr_expect_eq(s.exits, s.exits_by_cause[CAUSE_PRIV], "only instructions exit (ports, wfi)");
	cr_expect_eq(s.emulated, s.exits, "and the monitor emulated each one");
	cr_expect_gt(vm_efficiency(&s), 99.0);
}

Test(hw, the_early_processor_exits_on_setpsw_and_ticks)
{
	alarm(60); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct vm_stats early, modern;

	cr_assert(getenv("BUILD"), "BUILD must be set (make test sets it)");
	guest_os_stats(VMM_CPU_EARLY, 0, &early);
	guest_os_stats(VMM_CPU_MODERN, 0, &modern);
	cr_expect_gt(early.exits_by_cause[CAUSE_TIMER], 300, "no timer of the guest's own: ticks exit");
	cr_expect_gt(early.exits_by_cause[CAUSE_PRIV], modern.exits_by_cause[CAUSE_PRIV],
		     "no shadow of the interrupt mask: setpsw exits");
	cr_expect_eq(early.retired, modern.retired, "the guest does the same work");
	cr_expect_gt(early.vmm_cycles, 5 * modern.vmm_cycles, "and exits cost more on the early part");
}

Test(hw, nonvirt_silent_instructions_exit_and_are_done_as_bare)
{
	alarm(60); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct vm_stats plain, nonvirt;

	cr_assert(getenv("BUILD"), "BUILD must be set (make test sets it)");
	cr_expect_eq(guest_os_stats(VMM_CPU_MODERN, 0, &plain), 0);
	/* The red pill runs five of them from user mode: bare they do not trap
	 * (no PRIV for its kernel to see), and under hw each one exits. */
	cr_expect_eq(guest_os_stats(VMM_CPU_MODERN, (unsigned)cpu_parse_nonvirt("", NULL), &nonvirt), 5);
	cr_expect_eq(plain.guest_traps[CAUSE_PRIV], 5);
	cr_expect_eq(nonvirt.guest_traps[CAUSE_PRIV], 0);
}

/* ---- passthrough ------------------------------------------------------- */

static struct vm *con2_vm(enum vmm_mode mode, unsigned passthrough, const struct image *img)
{
	struct vm_options o;

	vm_options_init(&o);
	o.passthrough = passthrough;
	o.cpu = VMM_CPU_EARLY;
	return vt_vm_image(&o, mode, img);
}

Test(hw, an_assigned_device_is_reached_with_zero_exits)
{
	static const char line[] = "to both consoles\n";
	struct image img;
	struct vm_stats s;
	struct vm *vm;
	uint32_t code;
	size_t len;

	vt_assemble("con2", &img);

	vm = con2_vm(MODE_HW, VM_PASS_CON2, &img);
	cr_assert_eq(vm_run(vm, 100000), STOP_HALT);
	cr_assert(vm_halted(vm, &code));
	cr_expect_eq(code, strlen(line));
	cr_expect_str_eq(vm_console2(vm, &len), line, "the guest drove the device itself");
	cr_expect_str_eq(vm_console(vm, &len), line, "and the monitor's console as ever");
	vm_get_stats(vm, &s);
	cr_expect_eq(s.io_exits_by_port[PORT_CON2_DATA], 0, "no exit on the assigned device");
	cr_expect_eq(s.io_exits_by_port[PORT_CON2_STATUS], 0);
	cr_expect_eq(s.io_exits_by_port[PORT_CON_DATA], strlen(line), "an exit per byte on the other");
	cr_expect_eq(s.direct_io, 2 * strlen(line), "its out and in went straight to it");
	vm_destroy(vm);

	/* Not assigned, the same device is emulated like any other. */
	vm = con2_vm(MODE_HW, 0, &img);
	cr_assert_eq(vm_run(vm, 100000), STOP_HALT);
	cr_expect_str_eq(vm_console2(vm, &len), line);
	vm_get_stats(vm, &s);
	cr_expect_eq(s.io_exits_by_port[PORT_CON2_DATA], strlen(line));
	cr_expect_eq(s.direct_io, 0);
	vm_destroy(vm);

	/* And bare, it is just the machine's second console. */
	vm = con2_vm(MODE_BARE, 0, &img);
	cr_assert_eq(vm_run(vm, 100000), STOP_HALT);
	cr_expect_str_eq(vm_console2(vm, &len), line);
	vm_destroy(vm);
	image_free(&img);
}

Test(hw, passthrough_is_equivalent_to_bare)
{
	struct image img;
	struct vm_options o;
	struct vmm_divergence d;

	vt_assemble("con2", &img);
	vm_options_init(&o);
	o.passthrough = VM_PASS_CON2;
	o.step_limit = 100000;
	cr_expect(vt_equivalent(&o, MODE_BARE, MODE_HW, vt_load_image, &img, &d),
		  "differs after %llu (%s)", (unsigned long long)d.index, d.what ? d.what : "?");
	vmm_divergence_free(&d);
	image_free(&img);
}

Test(hw, run_command_takes_passthrough_and_cpu)
{
	char elf[128], args[512];
	int status;
	char *out;

	vt_elf("con2", elf);
	snprintf(args, sizeof args, "run --mode hw --cpu modern --passthrough con2 --stats %s", elf);
	out = vt_trapeze(args, VT_BOTH, &status);
	cr_expect_eq(status, (int)strlen("to both consoles\n"), "%s", out);
	cr_expect(strstr(out, "straight to assigned devices"), "%s", out);
	cr_expect(strstr(out, "(--cpu modern)"), "%s", out);
	free(out);
	out = vt_trapeze("run --passthrough disk x.elf", VT_BOTH, &status);
	cr_expect_eq(status, 2);
	cr_expect(strstr(out, "unknown device 'disk' (valid: con2, net)"), "%s", out);
	free(out);
	out = vt_trapeze("run --cpu pentium x.elf", VT_BOTH, &status);
	cr_expect_eq(status, 2);
	cr_expect(strstr(out, "unknown processor 'pentium' (valid: toy, early, modern)"), "%s", out);
	free(out);
	unlink(elf);
}
