/*
 * vmm/native.c: running the guest directly on the real CPU, deprivileged.
 * Owns: the VM entry (loading the virtual CPU's state into the real one, in
 *       real user mode, with the composed relocation) and the VM exit
 *       (copying it back, counting the exit).
 * Not:  what to do about the exit (trap_emulate.c, hybrid.c).
 * Implements: P&G's efficiency property (innocuous instructions run on the
 *       real machine at full speed, the monitor not involved) and resource
 *       control (the real relocation register confines the guest to its
 *       region, whatever it writes into its virtual one). IBM's CP-67 ran
 *       CMS this way on the 360/67; KVM's VM entry and exit are the same idea.
 */
#include <assert.h>
#include <string.h>

#include "vmm_internal.h"

/*
 * The real relocation register composes the VM's region with the guest's
 * own relocation. Virtual supervisor mode is unrelocated, so the guest sees
 * its whole region; virtual user mode sees its virtual window inside it,
 * clamped to the region exactly as cpu_window clamps to memory, so the
 * window the guest sees is the one the bare machine would give it.
 */
static void compose_relocation(const struct vm *vm, uint32_t *base, uint32_t *limit)
{
	const struct cpu *v = &vm->vcpu;
	uint32_t vbase = v->sr[SR_base], vlimit = v->sr[SR_limit];

	if (cpu_in_supervisor(v)) {
		*base = vm->region_base;
		*limit = vm->region_size;
	} else if (vbase >= vm->region_size) {
		*base = vm->region_base;
		*limit = 0;
	} else {
		*base = vm->region_base + vbase;
		*limit = vlimit < vm->region_size - vbase ? vlimit : vm->region_size - vbase;
	}
}

enum cpu_stop vmm_run_native(struct vm *vm, uint64_t max)
{
	struct cpu *v = &vm->vcpu, *c = &vm->real;
	uint64_t before;
	enum cpu_stop s;

	/* VM entry. The real mode is user whatever the virtual one: that is the
	 * deprivileging that makes every privileged instruction trap. Real
	 * interrupts are on so that the real timer, loaded with what is left
	 * of the virtual one, brings the guest back when it runs out. */
	memcpy(c->r, v->r, sizeof c->r[0] * NREGS);
	c->pc = v->pc;
	c->psw = (v->psw & PSW_FLAGS) | PSW_IE;
	compose_relocation(vm, &c->sr[SR_base], &c->sr[SR_limit]);
	/* A paged guest runs on the monitor's tables instead: its kernel on
	 * the physical map, its user mode on the shadow (shadow.c). The real
	 * CPU, always in user mode, translates through them. */
	{
		uint32_t root = vm->pvmm && vmm_pv_paging_on(vm) ? vmm_pv_root(vm, cpu_in_supervisor(v))
				: vm->shadow ? vmm_shadow_root(vm, cpu_in_supervisor(v)) : 0;
		c->sr[SR_ptb] = root ? root | PTB_P : 0;
	}
	c->sr[SR_timer] = v->sr[SR_timer];
	c->ipend_timer = 0;
	/* The real epc and epsw hold the virtual ones: with --nonvirt, an rfe
	 * that does not trap returns to the right place in the wrong mode, as
	 * IRET did on x86 before VT-x. */
	c->sr[SR_epc] = v->sr[SR_epc];
	c->sr[SR_epsw] = v->sr[SR_epsw];
	c->cycles = v->cycles;

	before = c->retired;
	s = cpu_run(c, max);
	/* The real CPU has no devices and every trap leaves it: nothing else. */
	assert(s == STOP_LIMIT || s == STOP_TRAP);
	if (s == STOP_LIMIT && c->ipend_timer && (c->psw & PSW_IE)) {
		/* The budget ran out with the instruction that ran the timer
		 * out: one longer run would take the interrupt right here, as a
		 * TIMER exit. Take that exit now, so that a run in pieces (the
		 * diff's lockstep, a debugger's steps, bt's runs split at stores)
		 * does what one run does: a pv kernel's mask is read at exits. */
		c->trap = (struct cpu_trap){ CAUSE_TIMER, 0, c->pc, c->pc, 0 };
		c->traps[CAUSE_TIMER]++;
		s = STOP_TRAP;
	}

	/* VM exit: the guest's state back into the virtual CPU. The virtual
	 * mode and IE are the monitor's; only the flags came from the guest. */
	memcpy(v->r, c->r, sizeof v->r[0] * NREGS);
	v->pc = c->pc;
	v->psw = (v->psw & PSW_PRIVBITS) | (c->psw & PSW_FLAGS);
	v->retired += c->retired - before;
	vm->stats.native += c->retired - before;
	v->cycles = c->cycles;
	v->sr[SR_timer] = c->sr[SR_timer];
	if (c->ipend_timer)
		v->ipend_timer = 1;
	if (s == STOP_TRAP) {
		/* Charged per round trip, exit and the entry that follows it, never
		 * per cpu_run: the VM's clock must not depend on how a run is
		 * split into budgets, or re-runs would not be repeatable. */
		vm->stats.exits++;
		vm->stats.exits_by_cause[c->trap.cause]++;
		vm->stats.exits_by_reason[vmm_net_exit_reason(vm, &c->trap)]++;
		vmm_charge(vm, vmm_cost(vm, VMM_C_EXIT) + vmm_cost(vm, VMM_C_ENTRY));
	}
	return s;
}
