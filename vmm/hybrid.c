/*
 * vmm/hybrid.c: the hybrid VMM: interpret the guest kernel, run its users.
 * Owns: the hybrid mode's run loop: while the guest is in virtual supervisor
 *       mode every instruction is interpreted on the virtual CPU; while it is
 *       in virtual user mode it runs natively, deprivileged, and every exit
 *       is reflected to its kernel (or, for the real timer, made pending).
 * Not:  the interpreter (cpu_step, see emulate.c); VM entry and exit
 *       (native.c); the trap sequence (vcpu.c).
 * Implements: P&G 1974 Theorem 3: a hybrid VMM can be built when every
 *       user-sensitive instruction is privileged, a weaker condition than
 *       Theorem 1's. The PDP-10 was their example: JRST 1 (our jru under
 *       --nonvirt=pdp10) is sensitive in supervisor mode, where it is
 *       interpreted here, and a plain jump in user mode. Efficiency holds
 *       for the user programs only. Imitates the early VMware's split
 *       (guest user code direct, guest kernel code translated or interpreted).
 */
#include "vmm_internal.h"

/* A VM exit out of guest user code: every one is its kernel's business. */
static int handle_exit(struct vm *vm)
{
	const struct cpu_trap *t = &vm->real.trap;

	if (t->cause == CAUSE_TIMER)
		return vmm_timer_exit(vm);
	if (t->cause == CAUSE_PAGEFAULT && vmm_shadow_active(vm))
		return vmm_shadow_fault(vm, t); /* hidden, true or tracing (shadow.c) */
	return vmm_reflect_trap(vm, t->cause, t->detail, t->epc, t->pc, VM_REFLECTED);
}

/* The interpreted kernel's stores reach guest memory without the shadows
 * seeing them: tell them of any to a page the guest may use as a table
 * (shadow.c keeps what is not one cheap to skip). Stores are the only
 * instructions that write memory, but for a device's DMA, which the port
 * instruction's emulation reports itself. */
static enum cpu_stop interpret_kernel(struct vm *vm)
{
	struct cpu *v = &vm->vcpu;
	uint32_t word = 0, ea = 0, size = 0;
	enum cpu_stop s;

	if (vmm_shadow_active(vm) && mem_read(&v->mem, v->pc, &word, 4)) {
		unsigned op = isa_op(word);
		const struct isa_insn *in = isa_decode_row(word);
		if (in && (op == OP_stw || op == OP_sth || op == OP_stb)) {
			size = op == OP_stw ? 4 : op == OP_sth ? 2 : 1;
			ea = v->r[isa_rs(word)] + (uint32_t)isa_imm(in, word);
		}
	}
	s = vmm_interpret_one(vm);
	if (size)
		vmm_shadow_written(vm, ea, size);
	return s;
}

int vmm_round_hybrid(struct vm *vm, uint64_t end)
{
	struct cpu *v = &vm->vcpu;
	uint64_t delivered = vm->delivered;
	enum cpu_stop s;
	int why;

	if (cpu_in_supervisor(v)) {
		/* Kernel code: interpreted, so every sensitive instruction,
		 * trapping or not, gets the exact semantics. cpu_step also
		 * takes the virtual CPU's interrupts. */
		s = interpret_kernel(vm);
		return s == STOP_LIMIT ? VMM_GO_ON : (int)s;
	}
	/* User code: interrupts as cpu/exec.c's resync takes them, then native. */
	why = vmm_inject_interrupt(vm);
	if (why != VMM_GO_ON || vm->delivered != delivered)
		return why;
	if (vmm_run_native(vm, end - v->retired) == STOP_LIMIT)
		return VMM_GO_ON;
	return handle_exit(vm);
}
