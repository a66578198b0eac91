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
	/* LAB 2 BEGIN: read virtual special register sr (memsize and ipend are computed: whose?) */
	switch (sr) {
	case SR_memsize: return v->mem.size; /* the region, not the real memory */
	case SR_ipend: return cpu_ipend(v);  /* virtual lines: the virtual timer and devices */
	default: return v->sr[sr];
	}
	/* LAB 2 STUB: (void)v; */
	/* LAB 2 STUB: (void)sr; */
	/* LAB 2 STUB: return 0; */
	/* LAB 2 END */
}

/* mtsr: false when the register does not exist or is read-only. */
static bool write_sreg(struct cpu *v, uint32_t sr, uint32_t value)
{
	/* LAB 2 BEGIN: write virtual special register sr as cpu/priv.c writes the real one */
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
	/* LAB 2 STUB: (void)v; */
	/* LAB 2 STUB: (void)sr; */
	/* LAB 2 STUB: (void)value; */
	/* LAB 2 STUB: return false; */
	/* LAB 2 END */
}

/* wfi: virtual time passes until a virtual interrupt is pending. The guest
 * is not run while it waits, exactly as priv.c skips the idle time. */
static int emulate_wfi(struct vm *vm, const struct isa_insn *in)
{
	struct cpu *v = &vm->vcpu;

	/* LAB 2 BEGIN: emulate wfi: let virtual time pass to the next virtual interrupt */
	if (!cpu_idle_until_interrupt(v))
		return STOP_IDLE;
	vmm_retire(vm, in, v->pc + 4);
	return VMM_GO_ON;
	/* LAB 2 STUB: (void)v; */
	/* LAB 2 STUB: (void)in; */
	/* LAB 2 STUB: return STOP_IDLE; */
	/* LAB 2 END */
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

	bool net = in && (in->opcode == OP_in || in->opcode == OP_out) && vmm_net_port(imm) &&
		   vm->dev.net.present;
	uint64_t moved = net ? vmm_net_moved(vm) : 0;

	vmm_charge(vm, vmm_cost(vm, VMM_C_EMULATE));
	if (!in)
		return illegal(vm, word);
	if (net)
		e.reason = VM_EXIT_NET; /* the event log names the card's exits */
	vmm_emit(vm, &e);
	switch (in->opcode) {
	case OP_mfsr:
		/* LAB 2 BEGIN: emulate mfsr: rd = virtual special register imm; no such one: ILLEGAL */
		if (imm >= SR_COUNT)
			return illegal(vm, word);
		set_reg(v, rd, read_sreg(v, imm));
		break;
		/* LAB 2 STUB: (void)read_sreg; */
		/* LAB 2 STUB: (void)set_reg; */
		/* LAB 2 STUB: (void)rd; */
		/* LAB 2 STUB: (void)imm; */
		/* LAB 2 STUB: return illegal(vm, word); */
		/* LAB 2 END */
	case OP_mtsr:
		/* LAB 2 BEGIN: emulate mtsr: virtual special register imm = rs; ILLEGAL if it cannot be */
		if (!write_sreg(v, imm, v->r[rs]))
			return illegal(vm, word);
		break;
		/* LAB 2 STUB: (void)write_sreg; */
		/* LAB 2 STUB: (void)rs; */
		/* LAB 2 STUB: return illegal(vm, word); */
		/* LAB 2 END */
	case OP_in:
		/* LAB 2 BEGIN: emulate in: rd = port imm of the VM's own devices */
		/* The VM's own devices, DMA into guest-physical memory. */
		set_reg(v, rd, dev_in(v->dev, &v->mem, imm));
		break;
		/* LAB 2 STUB: return illegal(vm, word); */
		/* LAB 2 END */
	case OP_out:
		/* LAB 2 BEGIN: emulate out: port imm of the VM's own devices = rs; power halts */
		dev_out(v->dev, &v->mem, imm, v->r[rs]);
		if (v->dev->halted) {
			vmm_retire(vm, in, next);
			return STOP_HALT;
		}
		break;
		/* LAB 2 STUB: return illegal(vm, word); */
		/* LAB 2 END */
	case OP_wfi:
		return emulate_wfi(vm, in);
	case OP_rfe:
		/* LAB 2 BEGIN: emulate rfe: return from the guest's trap, to its virtual epc and epsw */
		next = v->sr[SR_epc];
		v->psw = v->sr[SR_epsw] & (PSW_PRIVBITS | PSW_FLAGS);
		break;
		/* LAB 2 STUB: return illegal(vm, word); */
		/* LAB 2 END */
	case OP_getpsw:
		/* LAB 2 BEGIN: emulate getpsw: rd = the psw the guest would see on the bare machine */
		set_reg(v, rd, v->psw); /* the virtual psw: the guest sees its own mode */
		break;
		/* LAB 2 STUB: return illegal(vm, word); */
		/* LAB 2 END */
	case OP_setpsw:
		/* LAB 2 BEGIN: emulate setpsw: the virtual psw from rs */
		v->psw = v->r[rs] & (PSW_PRIVBITS | PSW_FLAGS);
		break;
		/* LAB 2 STUB: return illegal(vm, word); */
		/* LAB 2 END */
	case OP_getbase:
		/* LAB 2 BEGIN: emulate getbase: rd = the base the guest would see on the bare machine */
		set_reg(v, rd, v->sr[SR_base]); /* the virtual base, not the region's */
		break;
		/* LAB 2 STUB: return illegal(vm, word); */
		/* LAB 2 END */
	case OP_jru:
		/* LAB 2 BEGIN: emulate jru: jump to rs in virtual user mode */
		next = v->r[rs];
		v->psw &= ~PSW_S;
		break;
		/* LAB 2 STUB: return illegal(vm, word); */
		/* LAB 2 END */
	case OP_tlbflush:
	case OP_tlbinv:
		/* The TLB changes no translation (ISA.md section 12): neither do
		 * these; they cost the guest its trap. */
		break;
	default:
		/* Not a privileged instruction: it cannot have trapped PRIV. */
		return illegal(vm, word);
	}
	if (in->opcode == OP_mtsr && imm == SR_ptb) {
		/* The page-table base: a page and the paging bit, as priv.c keeps
		 * it; the shadows follow (shadow.c). */
		v->sr[SR_ptb] &= PAGE_MASK | PTB_P;
		vmm_shadow_ptb_written(vm);
	}
	if (in->opcode == OP_out && imm == PORT_DISK_CMD)
		vmm_shadow_written(vm, vm->dev.disk.addr, DISK_SECTOR_SIZE); /* DMA */
	if (net)
		vmm_net_emulated_access(vm, moved); /* net_emulated.c: the card played */
	vmm_retire(vm, in, next);
	return VMM_GO_ON;
}

/* One VM exit, out of a guest that was running natively (patch.c and bt.c
 * hand theirs here too, once they have taken what is theirs). */
int vmm_trap_exit(struct vm *vm)
{
	struct cpu *v = &vm->vcpu;
	const struct cpu_trap *t = &vm->real.trap;

	switch (t->cause) {
	case CAUSE_TIMER:
		/* The virtual timer ran out: pending now, injected when IE allows. */
		return vmm_timer_exit(vm);
	case CAUSE_PAGEFAULT:
		/* Hidden, true or tracing: the shadows decide (shadow.c); or
		 * the paravirtual kernel's direct paging (pv_paging.c). */
		if (vmm_shadow_active(vm))
			return vmm_shadow_fault(vm, t);
		if (vm->pvmm && vmm_pv_paging_on(vm))
			return vmm_pv_fault(vm, t);
		return vmm_reflect_page_fault(vm, t->detail, t->info, t->epc, t->pc);
	case CAUSE_PRIV:
		/* LAB 2 BEGIN: emulate the instruction or reflect the trap? (the virtual mode decides) */
		/* The guest kernel, deprivileged, ran a privileged instruction:
		 * it was entitled to, so do it on its behalf. */
		if (cpu_in_supervisor(v))
			return vmm_emulate_privileged(vm, t->detail);
		/* A guest user program was not entitled: its kernel's business. */
		return vmm_reflect_trap(vm, t->cause, t->detail, t->epc, t->pc, VM_REFLECTED);
		/* LAB 2 STUB: (void)v; */
		/* LAB 2 STUB: return vmm_reflect_trap(vm, t->cause, t->detail, t->epc, t->pc, VM_REFLECTED); */
		/* LAB 2 END */
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
	return vmm_trap_exit(vm);
}
