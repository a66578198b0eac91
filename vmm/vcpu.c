/*
 * vmm/vcpu.c: the virtual CPU's mechanics, shared by every technique.
 * Owns: what the monitor does to the guest's state in the hardware's place:
 *       retiring an emulated instruction (its cost, a tick of the virtual
 *       timer), reflecting a trap into the guest's virtual trap vector,
 *       injecting a pending virtual interrupt, interpreting one instruction,
 *       charging the monitor's own time, and the event log.
 * Not:  deciding what to do about an exit (the technique files); the real
 *       trap sequence (cpu/trap.c), which everything here mirrors.
 * Implements: P&G's equivalence property at the trap boundary: a trap the
 *       guest takes under the monitor leaves exactly the state the hardware's
 *       trap sequence would (ISA.md, Traps and interrupts).
 */
#include "vmm_internal.h"

/* The triple-fault rule of cpu/trap.c (its DOUBLE_FAULT_STREAK): a trap
 * vector that faults again before one instruction retires, three times
 * over, stops the machine. The monitor must stop the guest at the same
 * trap, so it counts the same way. */
enum { VMM_FAULT_STREAK = 3 };

void vmm_emit(struct vm *vm, const struct vm_event *e)
{
	struct vm_event c;
	uint64_t seq = vm->events++;

	if (!vm->on_event)
		return;
	c = *e;
	c.seq = seq;
	c.pos = vm_position(vm);
	if (vm->callout)
		c.exit = false; /* bt: emulated from translated code, no VM exit */
	if (c.exit && !c.reason)
		c.reason = vm->exit_reason ? vm->exit_reason : (int)c.cause;
	vm->on_event(vm->event_ctx, vm, &c);
}

void vmm_charge(struct vm *vm, uint64_t cycles)
{
	/* Time passes on the machine (the VM's clock, what rdcyc reads), but the
	 * guest did no work: P&G's temporal latency, kept apart in the stats. */
	vm->vcpu.cycles += cycles;
	vm->stats.vmm_cycles += cycles;
}

void vmm_retire(struct vm *vm, const struct isa_insn *in, uint32_t next_pc)
{
	struct cpu *v = &vm->vcpu;

	/* As cpu_account does for a real retired instruction. */
	v->pc = next_pc;
	v->retired++;
	v->cycles += (uint64_t)in->cycles;
	if (v->sr[SR_timer] && --v->sr[SR_timer] == 0)
		v->ipend_timer = 1;
	vm->stats.emulated++;
}

int vmm_reflect_trap(struct vm *vm, enum trap_cause cause, uint32_t detail, uint32_t epc,
		     uint32_t pc, enum vm_action how)
{
	struct cpu *v = &vm->vcpu;
	struct cpu_trap t = { cause, detail, epc, pc, 0 };
	struct vm_event e = {
		.action = how, .exit = how == VM_REFLECTED, .cause = cause, .detail = detail,
		.epc = epc, .pc = pc, .user = !cpu_in_supervisor(v), .index = v->retired,
	};

	v->trap = t;
	v->traps[cause]++;
	v->trap_streak = (v->retired == v->trap_retired) ? v->trap_streak + 1 : 0;
	v->trap_retired = v->retired;
	if (v->trap_streak >= VMM_FAULT_STREAK) {
		e.action = VM_STOPPED;
		vmm_emit(vm, &e);
		return STOP_FAULT;
	}

	/* LAB 2 BEGIN: the hardware's trap sequence (ISA.md section 7), on the virtual CPU */
	/* The hardware's trap sequence, on the virtual CPU. */
	v->sr[SR_epc] = epc;
	v->sr[SR_epsw] = v->psw;
	v->sr[SR_cause] = cause;
	v->sr[SR_detail] = detail;
	v->psw = (v->psw & PSW_FLAGS) | PSW_S;
	v->pc = v->sr[SR_tvec];
	/* LAB 2 STUB: return STOP_FAULT; */
	/* LAB 2 END */
	v->cycles += COST_TRAP_ENTRY; /* the guest's cost, as on the real machine */

	if (how == VM_INJECTED) {
		vm->stats.injected++;
		vmm_charge(vm, vmm_cost(vm, VMM_C_INJECT));
	} else {
		vm->stats.reflected++;
		vmm_charge(vm, vmm_cost(vm, VMM_C_REFLECT));
	}
	e.vector = v->pc;
	vm->delivered++;
	vmm_history_delivered(vm);
	vmm_emit(vm, &e);
	return VMM_GO_ON;
}

int vmm_reflect_page_fault(struct vm *vm, uint32_t va, uint32_t info, uint32_t epc, uint32_t pc)
{
	int why = vmm_reflect_trap(vm, CAUSE_PAGEFAULT, va, epc, pc, VM_REFLECTED);

	if (why == VMM_GO_ON) {
		vm->vcpu.sr[SR_pfinfo] = info; /* as cpu/trap.c writes it */
		vm->vcpu.trap.info = info;
	}
	return why;
}

int vmm_inject_interrupt(struct vm *vm)
{
	struct cpu *v = &vm->vcpu;
	uint32_t pending = cpu_ipend(v);

	/* LAB 2 BEGIN: deliver the highest-priority pending virtual interrupt, when the virtual IE allows */
	if (!pending || !(v->psw & PSW_IE))
		return VMM_GO_ON;
	/* cpu/trap.c's priority: the lowest-numbered line first. */
	if (pending & (1u << IRQ_TIMER))
		return vmm_reflect_trap(vm, CAUSE_TIMER, 0, v->pc, v->pc, VM_INJECTED);
	for (unsigned irq = 1; irq < 32; irq++)
		if (pending & (1u << irq))
			return vmm_reflect_trap(vm, CAUSE_DEVICE, irq, v->pc, v->pc, VM_INJECTED);
	return VMM_GO_ON;
	/* LAB 2 STUB: (void)pending; */
	/* LAB 2 STUB: return VMM_GO_ON; */
	/* LAB 2 END */
}

int vmm_timer_exit(struct vm *vm)
{
	const struct cpu *v = &vm->vcpu;
	const struct cpu_trap *t = &vm->real.trap;
	struct vm_event e = {
		.action = VM_PENDED, .exit = true, .cause = CAUSE_TIMER, .epc = t->epc, .pc = t->pc,
		.user = !cpu_in_supervisor(v), .index = v->retired, .vector = v->pc,
	};

	/* native.c has already made the virtual timer's interrupt pending;
	 * it is injected when the virtual IE allows, not before. */
	vmm_emit(vm, &e);
	return VMM_GO_ON;
}

void vmm_on_cpu_trap(void *ctx, const struct cpu *c, const struct cpu_trap *t)
{
	struct vm *vm = ctx;
	struct vm_event e = {
		.action = VM_DELIVERED, .cause = t->cause, .detail = t->detail, .epc = t->epc,
		.pc = t->pc, .user = !(c->sr[SR_epsw] & PSW_S), .index = c->retired,
		.vector = c->pc,
	};
	vm->delivered++;
	vmm_history_delivered(vm);
	vmm_emit(vm, &e);
}

enum cpu_stop vmm_interpret_one(struct vm *vm)
{
	struct cpu *v = &vm->vcpu;
	uint64_t before = v->retired;
	enum cpu_stop s;

	/* The virtual CPU's TLB saw nothing of what the guest did natively
	 * since it last interpreted: start it empty. (Emulation runs nothing
	 * natively, and supervisor mode is unmapped: neither needs it.) */
	if (vm->opt.mode != MODE_EMULATE && !cpu_in_supervisor(v))
		cpu_tlb_flush(v);
	s = cpu_step(v);

	vm->stats.interpreted += v->retired - before;
	vmm_charge(vm, vmm_cost(vm, VMM_C_INTERPRET));
	return s;
}
