/*
 * tests/vmm_paging_test.c: memory virtualisation: a paged guest under every
 *       monitor, and the faults each kind of monitor takes.
 * Owns: tests/vmm/paging.s (every hard case of ISA.md section 12) equivalent
 *       to bare in every mode, under each processor preset and each nonvirt
 *       set; the counts of hidden, true and tracing faults on it; shadows
 *       kept exact when guest memory is written behind them; nested paging
 *       taking no exit for what shadow paging exits on, and pricing its walk.
 * Not:  the bare machine's MMU (tests/cpu/paging_test.c); the paged guest
 *       OS (tests/guest_os_paged_test.c).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/vmtest.h"

static const enum vmm_mode every_mode[] = {
	MODE_EMULATE, MODE_TRAP, MODE_HYBRID, MODE_PATCH, MODE_BT, MODE_HW,
};

static void paging_options(struct vm_options *o)
{
	vm_options_init(o);
	o->step_limit = 1000000;
}

/* The guest prints a line per phase; these are the ones bare prints. */
static void expect_bare_transcript(const char *console)
{
	cr_expect(strstr(console, "phase 00000009 00000077 00000088 00010000"), "%s", console);
	cr_expect(strstr(console, "  fault 00006000 00000004"), "a protection fault: %s", console);
	cr_expect(strstr(console, "  fault 00002008 00000005"), "a store to a read-only page");
}

Test(paging_vmm, every_mode_shows_the_guest_the_bare_machine)
{
	struct image img;
	static const enum vmm_cpu cpus[] = { VMM_CPU_TOY, VMM_CPU_EARLY, VMM_CPU_MODERN };

	vt_assemble("paging", &img);
	for (unsigned c = 0; c < 3; c++) {
		for (unsigned m = 0; m < sizeof every_mode / sizeof every_mode[0]; m++) {
			struct vm_options o;
			struct vmm_divergence d;
			paging_options(&o);
			o.cpu = cpus[c];
			bool same = vt_equivalent(&o, MODE_BARE, every_mode[m], vt_load_image, &img, &d);
			cr_expect(same, "--cpu %s: %s differs from bare after %llu instructions (%s) at pc 0x%x",
				  vmm_cpu_name(cpus[c]), vmm_mode_name(every_mode[m]),
				  (unsigned long long)d.index, d.what ? d.what : "?", d.pc);
			if (same) {
				cr_expect_eq(d.before.stop, STOP_HALT);
				expect_bare_transcript(d.before.console);
			}
			vmm_divergence_free(&d);
		}
	}
	image_free(&img);
}

Test(paging_vmm, nonvirt_does_not_change_what_the_repairing_modes_show)
{
	struct image img;
	static const enum vmm_mode repairing[] = { MODE_EMULATE, MODE_HYBRID, MODE_PATCH, MODE_BT, MODE_HW };

	vt_assemble("paging", &img);
	for (unsigned m = 0; m < sizeof repairing / sizeof repairing[0]; m++) {
		struct vm_options o;
		struct vmm_divergence d;
		paging_options(&o);
		o.nonvirt = (unsigned)cpu_parse_nonvirt("x86", NULL);
		bool same = vt_equivalent(&o, MODE_BARE, repairing[m], vt_load_image, &img, &d);
		cr_expect(same, "--nonvirt: %s differs after %llu (%s)", vmm_mode_name(repairing[m]),
			  (unsigned long long)d.index, d.what ? d.what : "?");
		vmm_divergence_free(&d);
	}
	image_free(&img);
}

static void run_stats(enum vmm_mode m, enum vmm_cpu cpu, struct vm_stats *s)
{
	struct image img;
	struct vm_options o;
	struct vm *vm;

	vt_assemble("paging", &img);
	paging_options(&o);
	o.cpu = cpu;
	vm = vt_vm_image(&o, m, &img);
	cr_assert_eq(vm_run(vm, 1000000), STOP_HALT);
	vm_get_stats(vm, s);
	vm_destroy(vm);
	image_free(&img);
}

/*
 * What the guest does, and so what shadow paging must count:
 * - true faults are the faults the guest's own handler sees: it prints
 *   "fault" for each: 3 demand-zero faults (0x3000 in A, in B, and in A
 *   again after ph_unmap), 2 stores to the read-only page (once per
 *   table), 1 load from the supervisor page: 6.
 * - tracing: the kernel's writes to a table while a shadow is built from
 *   it: its 3 demand-zero entries, its 2 grants of W, ph_remap's and
 *   ph_unmap's entries, ph_ad's clearing of A and D, ph_pde's directory
 *   entry: 9; and user code writing its own table (ph_self): 1. In all 10.
 */
Test(paging_vmm, shadow_paging_counts_hidden_true_and_tracing_faults)
{
	struct vm_stats s;

	run_stats(MODE_TRAP, VMM_CPU_TOY, &s);
	cr_expect_eq(s.mmu.true_faults, 6, "true faults: %llu", (unsigned long long)s.mmu.true_faults);
	cr_expect_eq(s.mmu.tracing, 10, "tracing faults: %llu", (unsigned long long)s.mmu.tracing);
	cr_expect_gt(s.mmu.hidden, 6, "hidden faults fill the shadows: %llu",
		     (unsigned long long)s.mmu.hidden);
	cr_expect_eq(s.mmu.switches, 2, "A to B, B to A: %llu", (unsigned long long)s.mmu.switches);
	cr_expect_geq(s.mmu.resyncs, 5, "entries dropped after traced writes");
	cr_expect_eq(s.guest_traps[CAUSE_PAGEFAULT], 6, "the guest sees only its own faults");

	run_stats(MODE_HW, VMM_CPU_EARLY, &s);
	cr_expect_eq(s.mmu.true_faults, 6);
	cr_expect_eq(s.mmu.tracing, 10, "early VT-x traces the same writes: %llu",
		     (unsigned long long)s.mmu.tracing);
	cr_expect_gt(s.exits_by_cause[CAUSE_PAGEFAULT], 16, "each fault an exit");
}

Test(paging_vmm, nested_paging_takes_no_exit_for_page_tables_and_prices_its_walk)
{
	struct vm_stats s;

	run_stats(MODE_HW, VMM_CPU_MODERN, &s);
	cr_expect_eq(s.mmu.tracing + s.mmu.hidden + s.mmu.true_faults, 0, "the monitor sees no fault");
	cr_expect_eq(s.exits_by_cause[CAUSE_PAGEFAULT], 0);
	cr_expect_eq(s.guest_traps[CAUSE_PAGEFAULT], 6, "the guest's own faults, delivered in guest mode");
	cr_expect_gt(s.mmu.nested_refs, 0, "every TLB miss walks the nested table too");
}

Test(paging_vmm, a_debugger_write_to_a_page_table_reaches_the_shadow)
{
	struct image img;
	struct vm_options o;
	struct vm *a, *b;

	vt_assemble("paging", &img);
	paging_options(&o);
	a = vt_vm_image(&o, MODE_BARE, &img);
	b = vt_vm_image(&o, MODE_TRAP, &img);
	/* Run into phase 2 (space A's shadow is built and cached), then point
	 * A's data page elsewhere from outside, as a debugger's `set` would. */
	vm_run(a, 20000);
	vm_run(b, 20000);
	uint32_t e = 0x17000 | 7; /* ALT, V U W */
	cr_assert(vm_load(a, 0x11004, &e, 4));
	cr_assert(vm_load(b, 0x11004, &e, 4));
	vm_run(a, 1000000);
	vm_run(b, 1000000);
	size_t la, lb;
	const char *ca = vm_console(a, &la), *cb = vm_console(b, &lb);
	cr_expect(la == lb && !memcmp(ca, cb, la), "bare:\n%.*s\ntrap:\n%.*s", (int)la, ca, (int)lb, cb);
	vm_destroy(a);
	vm_destroy(b);
	image_free(&img);
}

Test(paging_vmm, binary_translation_turns_page_table_stores_into_callouts)
{
	struct vm_stats bt, hw;

	run_stats(MODE_BT, VMM_CPU_EARLY, &bt);
	run_stats(MODE_HW, VMM_CPU_EARLY, &hw);
	cr_expect_eq(bt.mmu.tracing, 10, "the same writes traced: %llu", (unsigned long long)bt.mmu.tracing);
	cr_expect_geq(bt.bt.adaptive, 1, "a store that wrote a page table is retranslated");
	/* The fault handler's store runs five times: it exits once, then it is
	 * a callout; under early VT-x each one is an exit. */
	cr_expect_lt(bt.exits_by_cause[CAUSE_PAGEFAULT], hw.exits_by_cause[CAUSE_PAGEFAULT],
		     "bt %llu exits on page faults, early hw %llu",
		     (unsigned long long)bt.exits_by_cause[CAUSE_PAGEFAULT],
		     (unsigned long long)hw.exits_by_cause[CAUSE_PAGEFAULT]);
}

Test(paging_vmm, pv_direct_paging_checks_every_update)
{
	struct image img;
	struct vm_options o;
	struct vm_stats s;
	struct vm *vm;
	uint32_t code = 0;
	size_t len;

	vt_assemble("pvpaging", &img);
	paging_options(&o);
	vm = vt_vm_image(&o, MODE_PV, &img);
	cr_assert_eq(vm_run(vm, 1000000), STOP_HALT);
	cr_assert(vm_halted(vm, &code));
	const char *out = vm_console(vm, &len);
	cr_expect_eq(code, 12, "every check answered as a safe monitor must:\n%.*s", (int)len, out);
	cr_expect(!strstr(out, "WRONG"), "%.*s", (int)len, out);
	cr_expect(vm_vmm_intact(vm), "the monitor's memory untouched");
	vm_get_stats(vm, &s);
	cr_expect_eq(s.mmu.updates, 1, "one update made (the demand-mapped page)");
	cr_expect_geq(s.mmu.refused, 5, "the hostile requests refused: %llu",
		      (unsigned long long)s.mmu.refused);
	cr_expect_eq(s.mmu.hidden + s.mmu.tracing, 0, "no shadow: no hidden or tracing fault");
	cr_expect_eq(s.mmu.true_faults, 1, "the process's own fault, reflected");
	vm_destroy(vm);
	image_free(&img);
}

/* The monitor on paging.s in mode m (and cpu), stopped where phase 0 ends
 * (in the kernel, space A's tables in use), asked for a walk and the TLB. */
static char *monitor_on_paging(const char *mode_args)
{
	char elf[128], cmd[1024];
	const char *bin = getenv("TRAPEZE");
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap);
	FILE *p;

	vt_elf("paging", elf);
	snprintf(cmd, sizeof cmd,
		 "printf 'break on_sys\\ncontinue\\ninfo pagetable 0x1008\\ninfo pagetable 0x7000\\n"
		 "info tlb\\n' | '%s' mon %s '%s' 2>&1",
		 bin && *bin ? bin : "build/trapeze", mode_args, elf);
	p = popen(cmd, "r");
	cr_assert(p && out);
	while ((len += fread(out + len, 1, cap - 1 - len, p)) < cap - 1 && !feof(p))
		;
	out[len] = 0;
	pclose(p);
	unlink(elf);
	return out;
}

Test(paging_vmm, the_monitor_shows_both_walks_and_the_tlb)
{
	char *bare = monitor_on_paging("--mode bare"), *trap = monitor_on_paging("--mode trap");
	char *hw = monitor_on_paging("--mode hw --cpu modern");

	/* The guest's walk of VA 0x1008 is the same everywhere: PD_A, PT_A, DATA_A. */
	for (char **o = (char *[]){ bare, trap, hw, NULL }; *o; o++) {
		cr_expect(strstr(*o, "directory at guest-physical 0x00010000 [   0] = 0x00011001"), "%s", *o);
		cr_expect(strstr(*o, "table     at guest-physical 0x00011000 [   1] = 0x0001401f VWUAD"),
			  "%s", *o);
		cr_expect(strstr(*o, "table     at guest-physical 0x00011000 [   7] = 0x00000000 -----"),
			  "an unmapped page: %s", *o);
		cr_expect(strstr(*o, "=> page fault (not present)"), "%s", *o);
		cr_expect(strstr(*o, "the real processor's TLB"), "%s", *o);
	}
	cr_expect(strstr(bare, "=> guest physical 0x00014008 = machine physical 0x00014008"), "%s", bare);
	cr_expect(strstr(bare, "the real processor walks these same tables"), "%s", bare);
	/* Under a monitor the guest's memory sits at the region's real base. */
	cr_expect(strstr(trap, "=> guest physical 0x00014008 = machine physical 0x00024008"), "%s", trap);
	cr_expect(strstr(trap, "the monitor's shadow table"), "%s", trap);
	cr_expect(strstr(trap, "=> machine physical 0x00024008"), "the shadow maps it there: %s", trap);
	cr_expect(strstr(hw, "nested directory at machine"), "the two-dimensional walk: %s", hw);
	cr_expect(strstr(hw, "=> machine physical 0x00024008"), "%s", hw);
	free(bare);
	free(trap);
	free(hw);
}
