/*
 * labs/lab6/hidden/hidden_test.c: lab 6's hidden tests (not in the
 * students' trees; the autograder runs them).
 * Owns: random page-table changes, by the user code and by the kernel, at
 *       random points, in two address spaces, compared step by step with
 *       the bare machine under trap, bt and early hw (the three share the
 *       code); the paged guest OS under bt and early hw; the tree's paging
 *       test under every monitor that shadows; a debugger's write to a page
 *       table; a directory that is its own table; a memory that ends inside
 *       a page; the exact counts under bt and early hw.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "labtest.h"

#define PROG(name) "labs/lab6/hidden/progs/" name ".s"
#define VISIBLE(name) "labs/lab6/tests/progs/" name ".s"

static const char *const inc[] = { "guest-os/include", NULL };

/* Under trap, bt and hw on the early processor: the monitors that shadow
 * with the code of this lab (hw on the modern one uses nested paging). */
static const struct {
	enum vmm_mode mode;
	enum vmm_cpu cpu;
	const char *name;
} shadowing[] = {
	{ MODE_TRAP, VMM_CPU_TOY, "trap" },
	{ MODE_BT, VMM_CPU_TOY, "bt" },
	{ MODE_HW, VMM_CPU_EARLY, "hw --cpu early" },
};
#define NSHADOWING (sizeof shadowing / sizeof shadowing[0])

static void expect_everywhere(const char *path, const struct lab_run *base)
{
	for (unsigned i = 0; i < NSHADOWING; i++) {
		struct lab_run r = *base;
		r.cpu = shadowing[i].cpu;
		lab_expect_program(path, shadowing[i].mode, &r);
	}
}

/* And under trap the real processor's tables, every `piece` instructions,
 * map nothing but the guest's region. */
static void expect_everywhere_confined(const char *path, const struct lab_run *base, uint64_t piece)
{
	struct lab_run r = *base;
	struct image img;
	char why[256];

	expect_everywhere(path, base);
	lab_assemble_file(path, inc, &img);
	r.mode = MODE_TRAP;
	cr_expect(lab_run_confined(&r, &img, piece, why, sizeof why), "resource control: %s", why);
	image_free(&img);
}

Test(lab6_hidden, random_page_table_changes_are_equivalent, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .max_steps = 1000000 };

	expect_everywhere_confined(PROG("random"), &r, 97);
}

Test(lab6_hidden, the_paged_guest_os_under_bt_and_early_hw, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_BARE, .kernel = "guest/kernel-paged.elf" };
	struct lab_result bare, virt;
	char disk[4096], diff[512];

	snprintf(disk, sizeof disk, "%s", lab_build_path("guest/paged.img"));
	r.disk = disk;
	lab_boot(&r, &bare);
	cr_assert(bare.halted && bare.code == 0, "the paged guest OS does not boot bare");
	for (unsigned i = 1; i < NSHADOWING; i++) {
		r.mode = shadowing[i].mode;
		r.cpu = shadowing[i].cpu;
		lab_boot(&r, &virt);
		lab_first_difference(bare.console, virt.console, "bare", shadowing[i].name, diff,
				     sizeof diff);
		cr_expect(!strcmp(bare.console, virt.console), "under %s the paged guest OS prints "
			  "something else; the first line that differs:\n%s", shadowing[i].name, diff);
		cr_expect(virt.halted && virt.code == 0, "under %s it stopped with '%s'",
			  shadowing[i].name, vm_stop_name(virt.stop));
		cr_expect_eq(virt.stats.mmu.true_faults, bare.stats.guest_traps[CAUSE_PAGEFAULT],
			     "under %s: %llu true faults, the kernel's own: %llu", shadowing[i].name,
			     (unsigned long long)virt.stats.mmu.true_faults,
			     (unsigned long long)bare.stats.guest_traps[CAUSE_PAGEFAULT]);
		cr_expect(virt.vmm_intact, "under %s the guest wrote into the monitor's memory",
			  shadowing[i].name);
		lab_result_free(&virt);
	}
	lab_result_free(&bare);
}

Test(lab6_hidden, the_paging_test_under_every_shadowing_mode, .timeout = LAB_TIMEOUT)
{
	static const enum vmm_mode others[] = { MODE_PATCH, MODE_HYBRID };
	struct lab_run r = { .max_steps = 1000000 };

	expect_everywhere("tests/vmm/paging.s", &r);
	for (unsigned i = 0; i < sizeof others / sizeof others[0]; i++)
		lab_expect_program("tests/vmm/paging.s", others[i], &r);
	r.nonvirt = "x86";
	lab_expect_program("tests/vmm/paging.s", MODE_BT, &r);
}

/* A debugger (trapeze mon's set, a test's vm_load) writes guest memory from
 * outside, behind the monitor's back: vmm_shadow_written must hear of it. */
Test(lab6_hidden, a_debugger_write_to_a_page_table_reaches_the_shadow, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_BARE, .max_steps = 100000 };
	struct image img;
	struct vm *a, *b;
	uint32_t ca = 0, cb = 0, e = 0x25000 | 7; /* hidden.s: frame 5, V U W */

	lab_assemble_file(VISIBLE("hidden"), inc, &img);
	a = lab_vm(&r, &img);
	r.mode = MODE_TRAP;
	b = lab_vm(&r, &img);
	/* Into the user code's second round: slot 0's shadow is full. */
	vm_run(a, 250);
	vm_run(b, 250);
	cr_assert(vm_load(a, 0x11000 + 4 * 3, &e, 4) && vm_load(b, 0x11000 + 4 * 3, &e, 4));
	vm_run(a, 100000);
	vm_run(b, 100000);
	cr_assert(vm_halted(a, &ca), "bare did not halt");
	cr_expect(vm_halted(b, &cb) && ca == cb && vm_reg(a, 1) == vm_reg(b, 1),
		  "after a debugger remapped a page, bare ends with sum 0x%x (halt %u), trap with "
		  "0x%x (halt %u): the shadow kept the old mapping", vm_reg(a, 1), ca, vm_reg(b, 1), cb);
	vm_destroy(a);
	vm_destroy(b);
	image_free(&img);
}

Test(lab6_hidden, a_directory_that_is_its_own_page_table, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .max_steps = 100000 };

	expect_everywhere_confined(PROG("selfmap"), &r, 1);
}

Test(lab6_hidden, a_memory_that_ends_inside_a_page, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .max_steps = 100000, .mem = 0x100800 };

	expect_everywhere_confined(PROG("partial"), &r, 1);
}

Test(lab6_hidden, exact_counts_under_bt_and_early_hw, .timeout = LAB_TIMEOUT)
{
	for (unsigned i = 1; i < NSHADOWING; i++) {
		struct lab_run r = { .mode = shadowing[i].mode, .cpu = shadowing[i].cpu };
		struct lab_result res;

		lab_run_program(VISIBLE("counts"), &r, &res);
		cr_expect(res.halted && res.code == 0, "counts.s under %s: halt %u", shadowing[i].name,
			  res.code);
		cr_expect(res.stats.mmu.hidden == 7 && res.stats.mmu.true_faults == 3 &&
			  res.stats.mmu.tracing == 2,
			  "counts.s under %s: %llu hidden, %llu true, %llu tracing faults (7, 3, 2)",
			  shadowing[i].name, (unsigned long long)res.stats.mmu.hidden,
			  (unsigned long long)res.stats.mmu.true_faults,
			  (unsigned long long)res.stats.mmu.tracing);
		lab_result_free(&res);
	}
}
