/*
 * tests/vmm_cost_test.c: the monitor's costs and the processors --cpu offers.
 * Owns: every row of vmm/cost.h priced for every processor; the toy column
 *       being cost.h's; the early processor's figures composing to the
 *       published ones they are modelled on; a VM charging its processor's.
 * Not:  the orderings those costs produce (tests/bench_test.c).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "vmm/vmtest.h"

#define COST(p, name) vmm_cpu_cost(VMM_CPU_##p, VMM_C_##name)

Test(cost, every_row_is_priced_on_every_processor)
{
	for (int r = 0; r < VMM_NCOSTS; r++) {
		cr_expect(vmm_cost_priced((enum vmm_cost_row)r),
			  "%s has no early and modern price in vmm/costs.c", vmm_cost_name((enum vmm_cost_row)r));
		cr_expect_gt(vmm_cpu_cost(VMM_CPU_EARLY, (enum vmm_cost_row)r), 0);
		cr_expect_gt(vmm_cpu_cost(VMM_CPU_MODERN, (enum vmm_cost_row)r), 0);
		cr_expect(strlen(vmm_cost_doc((enum vmm_cost_row)r)) > 10);
	}
}

Test(cost, the_toy_processor_is_cost_h_s_column)
{
#define TOY(name, cyc, doc) cr_expect_eq(vmm_cpu_cost(VMM_CPU_TOY, VMM_C_##name), (uint32_t)(cyc), #name);
	VMM_COSTS(TOY)
#undef TOY
}

Test(cost, processors_parse_by_name)
{
	for (int p = 0; p < VMM_NCPUS; p++) {
		enum vmm_cpu back;
		cr_assert(vmm_cpu_parse(vmm_cpu_name((enum vmm_cpu)p), &back));
		cr_expect_eq(back, (enum vmm_cpu)p);
		cr_expect(strstr(vmm_cpu_names(), vmm_cpu_name((enum vmm_cpu)p)));
	}
	enum vmm_cpu x;
	cr_expect(!vmm_cpu_parse("pentium", &x));
}

/* Adams and Agesen, ASPLOS 2006, on the Pentium 4: the composites. */
Test(cost, the_early_figures_compose_to_the_published_ones)
{
	/* A system call under the software VMM: native plus about 2,000. */
	cr_expect_eq(COST(EARLY, EXIT) + COST(EARLY, REFLECT) + COST(EARLY, ENTRY), 2000);
	/* A port in under VT-x: about 15,800. */
	cr_expect_eq(COST(EARLY, HW_EXIT) + COST(EARLY, HW_ENTRY) + COST(EARLY, EMULATE) +
			     COST(EARLY, HW_IO), 15800);
	/* Translated, a small fraction of the native 3,200. */
	cr_expect_lt(COST(EARLY, CALLOUT) + COST(EARLY, EMULATE), 3200 / 4);
	/* An exit and entry: thousands of cycles then, hundreds later. */
	cr_expect_geq(COST(EARLY, HW_EXIT) + COST(EARLY, HW_ENTRY), 2000);
	cr_expect_lt(COST(MODERN, HW_EXIT) + COST(MODERN, HW_ENTRY), 1000);
	cr_expect_geq(COST(MODERN, HW_EXIT) + COST(MODERN, HW_ENTRY), 100);
	/* The hardware of each generation. */
	cr_expect(!vmm_cpu_mask_shadow(VMM_CPU_EARLY) && vmm_cpu_mask_shadow(VMM_CPU_MODERN));
	cr_expect(!vmm_cpu_guest_timer(VMM_CPU_EARLY) && vmm_cpu_guest_timer(VMM_CPU_MODERN));
}

/* One privileged instruction under trap-and-emulate: an exit, an emulation
 * and an entry, at the prices of the VM's processor. */
Test(cost, a_vm_charges_its_processors_prices)
{
	for (int p = 0; p < VMM_NCPUS; p++) {
		struct prog prog = { .n = 0 };
		struct vm_options o;
		struct vm_stats s;
		struct vm *vm;
		prog_emit(&prog, isa_enc_i(OP_mtsr, 0, 0, SR_scratch));
		prog_halt(&prog, 0);
		vm_options_init(&o);
		o.cpu = (enum vmm_cpu)p;
		vm = vt_vm_prog(&o, MODE_TRAP, &prog);
		cr_assert_eq(vm_run(vm, 100), STOP_HALT);
		cr_expect_eq(vm_cpu(vm), (enum vmm_cpu)p);
		vm_get_stats(vm, &s);
		uint64_t one = vmm_cpu_cost(o.cpu, VMM_C_EXIT) + vmm_cpu_cost(o.cpu, VMM_C_ENTRY) +
			       vmm_cpu_cost(o.cpu, VMM_C_EMULATE);
		cr_expect_eq(s.vmm_cycles, 2 * one, "--cpu %s", vmm_cpu_name(o.cpu));
		vm_destroy(vm);
	}
}
