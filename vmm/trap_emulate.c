/*
 * vmm/trap_emulate.c: trap-and-emulate (Popek & Goldberg's control program).
 * Owns: the trap mode's run loop, and each VM exit out of the deprivileged
 *       guest: a privileged instruction from virtual supervisor mode is
 *       emulated on the virtual CPU; every other trap is reflected into the
 *       guest's virtual trap vector; the real timer running out makes the
 *       virtual timer's interrupt pending.
 * Not:  entering and leaving the guest (native.c); the trap sequence and
 *       interrupt injection (vcpu.c).
 * Implements: P&G 1974 Theorem 1: when every sensitive instruction is
 *       privileged, this dispatcher, allocator and set of interpreters is a
 *       VMM: efficient (innocuous instructions never reach it), in control
 *       of resources, equivalent. Imitates IBM's CP-67 and VM/370; KVM on
 *       VT-x is the same loop with the hardware doing the deprivileging.
 *       Each emulation below matches cpu/priv.c case for case (ISA.md,
 *       Privileged instructions): that is what equivalence asks.
 *       With --nonvirt the five flagged instructions stop trapping and the
 *       guest kernel sees through the monitor: Theorem 1 no longer applies.
 */
#include "vmm_internal.h"

static void set_reg(struct cpu *v, unsigned rd, uint32_t value)
{
	if (rd != REG_ZERO) /* r0 stays zero, as the hardware's sink does */
		v->r[rd] = value;
}

/* The instruction is no instruction after all: ILLEGAL, as priv.c raises it. */
static int illegal(struct vm *vm, uint32_t word)
{
	return vmm_reflect_trap(vm, CAUSE_ILLEGAL, word, vm->vcpu.pc, vm->vcpu.pc, VM_REFLECTED);
}

/* mfsr: the virtual special register; memsize and ipend are computed. */
static uint32_t read_sreg(const struct cpu *v, uint32_t sr)
{
	switch (sr) {
	case SR_memsize: return v->mem.size; /* the region, not the real memory */
	case SR_ipend: return cpu_ipend(v);  /* virtual lines: the virtual timer and devices */
	default: return v->sr[sr];
	}
}

/* mtsr: false when the register does not exist or is read-only. */
static bool write_sreg(struct cpu *v, uint32_t sr, uint32_t value)
{
	if (sr >= SR_COUNT || !isa_sregs[sr].writable)
		return false;
	if (sr == SR_base || sr == SR_limit)
		value &= ~3u; /* relocation is in words */
	if (sr == SR_timer)
		v->ipend_timer = 0; /* writing the timer acknowledges its interrupt */
	/* Writing the virtual base or limit needs nothing more: the next VM
	 * entry composes the real relocation from them. */
	v->sr[sr] = value;
	return true;
}

/* wfi: virtual time passes until a virtual interrupt is pending. The guest
 * is not run while it waits, exactly as priv.c skips the idle time. */
static int emulate_wfi(struct vm *vm, const struct isa_insn *in)
{
	struct cpu *v = &vm->vcpu;

	if (!cpu_ipend(v) && v->sr[SR_timer]) {
		uint64_t t = v->sr[SR_timer];
		v->idle_ticks += t;
		v->cycles += t * COST_WFI_IDLE;
		v->sr[SR_timer] = 0;
		v->ipend_timer = 1;
	}
	if (!cpu_ipend(v))
		dev_con_wait(v->dev);
	if (!cpu_ipend(v))
		return STOP_IDLE;
	vmm_retire(vm, in, v->pc + 4);
	return VMM_GO_ON;
}

int vmm_emulate_privileged(struct vm *vm, uint32_t word)
{
	struct cpu *v = &vm->vcpu;
	const struct isa_insn *in = isa_decode_row(word);
	unsigned rd = isa_rd(word), rs = isa_rs(word);
	uint32_t imm = isa_uimm16(word); /* sreg and port operands are unsigned */
	uint32_t next = v->pc + 4;
	struct vm_event e = {
		.action = VM_EMULATED, .exit = true, .cause = CAUSE_PRIV, .detail = word,
		.epc = v->pc, .pc = v->pc, .word = word, .index = v->retired, .vector = v->pc,
	};

	vmm_charge(vm, VMM_COST_EMULATE);
	if (!in)
		return illegal(vm, word);
	vmm_emit(vm, &e);
	switch (in->opcode) {
	case OP_mfsr:
		if (imm >= SR_COUNT)
			return illegal(vm, word);
		set_reg(v, rd, read_sreg(v, imm));
		break;
	case OP_mtsr:
		if (!write_sreg(v, imm, v->r[rs]))
			return illegal(vm, word);
		break;
	case OP_in:
		/* The VM's own devices, DMA into guest-physical memory. */
		set_reg(v, rd, dev_in(v->dev, &v->mem, imm));
		break;
	case OP_out:
		dev_out(v->dev, &v->mem, imm, v->r[rs]);
		if (v->dev->halted) {
			vmm_retire(vm, in, next);
			return STOP_HALT;
		}
		break;
	case OP_wfi:
		return emulate_wfi(vm, in);
	case OP_rfe:
		next = v->sr[SR_epc];
		v->psw = v->sr[SR_epsw] & (PSW_PRIVBITS | PSW_FLAGS);
		break;
	case OP_getpsw:
		set_reg(v, rd, v->psw); /* the virtual psw: the guest sees its own mode */
		break;
	case OP_setpsw:
		v->psw = v->r[rs] & (PSW_PRIVBITS | PSW_FLAGS);
		break;
	case OP_getbase:
		set_reg(v, rd, v->sr[SR_base]); /* the virtual base, not the region's */
		break;
	case OP_jru:
		next = v->r[rs];
		v->psw &= ~PSW_S;
		break;
	default:
		/* Not a privileged instruction: it cannot have trapped PRIV. */
		return illegal(vm, word);
	}
	vmm_retire(vm, in, next);
	return VMM_GO_ON;
}

/* One VM exit, out of a guest that was running natively. */
static int handle_exit(struct vm *vm)
{
	struct cpu *v = &vm->vcpu;
	const struct cpu_trap *t = &vm->real.trap;

	switch (t->cause) {
	case CAUSE_TIMER:
		/* The virtual timer ran out: pending now, injected when IE allows. */
		return vmm_timer_exit(vm);
	case CAUSE_PRIV:
		/* The guest kernel, deprivileged, ran a privileged instruction:
		 * it was entitled to, so do it on its behalf. */
		if (cpu_in_supervisor(v))
			return vmm_emulate_privileged(vm, t->detail);
		/* A guest user program was not entitled: its kernel's business. */
		return vmm_reflect_trap(vm, t->cause, t->detail, t->epc, t->pc, VM_REFLECTED);
	default:
		/* sys, brk, hcall, illegal, bounds, misaligned, divzero: the
		 * hardware would have entered the guest's vector; so do we. */
		return vmm_reflect_trap(vm, t->cause, t->detail, t->epc, t->pc, VM_REFLECTED);
	}
}

int vmm_round_trap(struct vm *vm, uint64_t end)
{
	struct cpu *v = &vm->vcpu;
	uint64_t delivered = vm->delivered;
	int why;

	/* cpu/exec.c's resync takes interrupts before the next instruction. */
	why = vmm_inject_interrupt(vm);
	if (why != VMM_GO_ON || vm->delivered != delivered)
		return why;
	if (vmm_run_native(vm, end - v->retired) == STOP_LIMIT)
		return VMM_GO_ON;
	return handle_exit(vm);
}
