/*
 * tests/vmm_hostile_test.c: resource control: hostile guests are contained.
 * Owns: a guest reaching outside its region (each attempt a BOUNDS fault
 *       delivered to it, the VMM's memory untouched), an I/O flood and a
 *       loop with interrupts off (both end at the step limit), a triple
 *       fault, and guests of random instructions: in every mode the host
 *       survives and the guest sees what the bare machine would show it.
 * Not:  well-behaved guests (vmm_equiv_test.c).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/vmtest.h"

static const enum vmm_mode modes[] = VT_ALL_MODES;

/* Every guest-visible trap, in order. */
struct log {
	struct vmm_guest_trap t[64];
	int n;
};

static void record(void *ctx, const struct vm *vm, const struct vm_event *e)
{
	struct log *l = ctx;
	(void)vm;
	if ((e->action == VM_DELIVERED || e->action == VM_REFLECTED || e->action == VM_INJECTED) &&
	    l->n < 64)
		l->t[l->n++] = (struct vmm_guest_trap){ e->index, e->cause, e->detail, e->epc };
}

Test(hostile, reaching_outside_the_region_faults_and_leaves_the_vmm_untouched)
{
	static const uint32_t details[] = { 0xFFFFFFFCu, 0x00100000u, 0xFFFF0000u, 0, 0x80000000u };
	struct image img;
	struct vm_options o;

	vt_assemble("hostile", &img);
	vm_options_init(&o);
	o.step_limit = 100000;
	for (int m = 0; m < 4; m++) {
		struct vm *vm = vt_vm_image(&o, modes[m], &img);
		struct log l = { .n = 0 };
		uint32_t code = 0;

		vm_set_event_hook(vm, record, &l);
		cr_assert_eq(vm_run(vm, UINT64_MAX), STOP_HALT, "%s", vmm_mode_name(modes[m]));
		cr_expect(vm_halted(vm, &code) && code == 5, "%s: halt %u", vmm_mode_name(modes[m]), code);
		cr_expect_eq(l.n, 5, "%s: %d traps", vmm_mode_name(modes[m]), l.n);
		for (int i = 0; i < l.n && i < 5; i++) {
			cr_expect_eq(l.t[i].cause, CAUSE_BOUNDS);
			cr_expect_eq(l.t[i].detail, details[i], "%s: fault %d at 0x%x", vmm_mode_name(modes[m]),
				     i, l.t[i].detail);
		}
		cr_expect_eq(vm_reg(vm, 3), DISK_ERROR, "DMA outside the region is refused");
		cr_expect(vm_vmm_intact(vm), "%s: the VMM's memory was touched", vmm_mode_name(modes[m]));
		vm_destroy(vm);
	}
	image_free(&img);
}

Test(hostile, an_io_flood_ends_at_the_step_limit_with_its_output_cut)
{
	struct image img;
	struct vm_options o;

	vt_assemble("flood", &img);
	vm_options_init(&o);
	o.step_limit = 50000;
	o.max_output = 1000;
	for (int m = 0; m < 4; m++) {
		struct vm *vm = vt_vm_image(&o, modes[m], &img);
		size_t len;
		cr_expect_eq(vm_run(vm, UINT64_MAX), STOP_LIMIT);
		cr_expect(vm_at_step_limit(vm));
		cr_expect_eq(vm_retired(vm), 50000);
		vm_console(vm, &len);
		cr_expect_eq(len, 1000, "%s kept %zu bytes", vmm_mode_name(modes[m]), len);
		cr_expect(vm_devices(vm)->con.out_truncated);
		cr_expect(vm_vmm_intact(vm));
		vm_destroy(vm);
	}
	image_free(&img);
}

Test(hostile, a_loop_with_interrupts_off_ends_at_the_step_limit)
{
	struct image img;
	struct vm_options o;

	vt_assemble("spin", &img);
	vm_options_init(&o);
	o.step_limit = 200000;
	for (int m = 0; m < 4; m++) {
		struct vm *vm = vt_vm_image(&o, modes[m], &img);
		cr_expect_eq(vm_run(vm, UINT64_MAX), STOP_LIMIT);
		cr_expect(vm_at_step_limit(vm) && vm_retired(vm) == 200000);
		cr_expect_eq(vm_sreg(vm, SR_ipend) & 1, 1, "%s: the timer ran out, unheard",
			     vmm_mode_name(modes[m]));
		/* Asking again changes nothing: the limit holds. */
		cr_expect_eq(vm_run(vm, 1000), STOP_LIMIT);
		cr_expect_eq(vm_retired(vm), 200000);
		vm_destroy(vm);
	}
	image_free(&img);
}

Test(hostile, a_triple_fault_stops_every_mode_at_the_same_trap)
{
	struct image img;
	struct vm_options o;

	vt_assemble("triple", &img);
	vm_options_init(&o);
	for (int m = 0; m < 4; m++) {
		struct vm *vm = vt_vm_image(&o, modes[m], &img);
		struct vm_stats s;
		cr_expect_eq(vm_run(vm, 100000), STOP_FAULT, "%s", vmm_mode_name(modes[m]));
		cr_expect_eq(vm_run(vm, 100000), STOP_FAULT, "a stopped machine stays stopped");
		vm_get_stats(vm, &s);
		cr_expect_eq(s.retired, 3);
		cr_expect_eq(s.guest_traps[CAUSE_SYSCALL], 1);
		cr_expect_eq(s.guest_traps[CAUSE_BOUNDS], 3, "%s: %llu", vmm_mode_name(modes[m]),
			     (unsigned long long)s.guest_traps[CAUSE_BOUNDS]);
		vm_destroy(vm);
	}
	image_free(&img);
}

/* xorshift: the same random program on every host. */
static uint32_t next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (uint32_t)((*s * 0x2545F4914F6CDD1Dull) >> 32);
}

/* A random valid instruction: any row but rdcyc (whose difference is
 * permitted), registers anywhere, small immediates and offsets. */
static uint32_t random_insn(uint64_t *s)
{
	const struct isa_insn *in;
	uint32_t w;

	do
		in = &isa_insns[next(s) % (uint32_t)isa_ninsns];
	while (in->opcode == OP_rdcyc);
	w = (uint32_t)in->opcode << 24 | (next(s) & 0x00FFF000u);
	if (in->format == FMT_J)
		return isa_enc_j(in->opcode, (int32_t)(next(s) % 64) - 32);
	if (in->format == FMT_K)
		return (uint32_t)in->opcode << 24 | (next(s) % 4);
	if (strchr(in->operands, 'r'))
		w = (w & 0xFFFF0000u) | next(s) % SR_COUNT;
	else if (strchr(in->operands, 'p'))
		w = (w & 0xFFFF0000u) | (uint32_t)isa_ports[next(s) % (uint32_t)isa_nports].number;
	else
		w = (w & 0xFFFF0000u) | (next(s) % 2 ? next(s) % 256 : next(s) & 0xFFFF);
	return w & isa_used_bits(in);
}

static void random_guest(struct prog *p, uint64_t seed)
{
	uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
	memset(p, 0, sizeof *p);
	for (int i = 0; i < 2000; i++)
		prog_emit(p, random_insn(&s));
}

/* Run under the given nonvirt set; the pairs that must stay equivalent. */
static void fuzz(const char *spec, enum vmm_mode a, enum vmm_mode b, int seeds)
{
	struct vm_options o;
	const char *bad;

	vm_options_init(&o);
	o.nonvirt = spec ? (unsigned)cpu_parse_nonvirt(spec, &bad) : 0;
	o.step_limit = 5000;
	o.input = "random";
	o.input_len = 6;
	for (int k = 1; k <= seeds; k++) {
		struct prog p;
		struct vmm_divergence d;
		struct vm *vm;

		random_guest(&p, (uint64_t)k);
		cr_expect(vt_equivalent(&o, a, b, vt_load_prog, &p, &d),
			  "seed %d (nonvirt %s): %s and %s differ after %llu instructions (%s) at pc "
			  "0x%x, word 0x%08x", k, spec ? spec : "none", vmm_mode_name(a), vmm_mode_name(b),
			  (unsigned long long)d.index, d.what ? d.what : "?", d.pc, d.word);
		vmm_divergence_free(&d);
		vm = vt_vm_prog(&o, b, &p);
		vm_run(vm, UINT64_MAX);
		cr_expect(vm_vmm_intact(vm), "seed %d: the VMM's memory was touched", k);
		vm_destroy(vm);
	}
}

Test(hostile, random_guests_see_the_bare_machine_under_trap_and_emulate)
{
	fuzz(NULL, MODE_BARE, MODE_TRAP, 40);
}

Test(hostile, random_guests_see_the_bare_machine_under_emulation_even_with_x86)
{
	fuzz("x86", MODE_BARE, MODE_EMULATE, 20);
}

Test(hostile, random_guests_see_the_bare_machine_under_hybrid_with_pdp10)
{
	/* Theorem 3: jru is a plain jump in user mode, so user code may run
	 * natively; the kernel, where jru is sensitive, is interpreted. */
	fuzz("pdp10", MODE_BARE, MODE_HYBRID, 40);
}
