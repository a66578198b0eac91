/*
 * vmm/hwassist.c: hardware assist: the guest kernel runs natively, in the
 *       guest mode of the processor's virtualisation extension.
 * Owns: the hw mode's run loop and its policy: the VM control block (the
 *       region, which instructions, traps and ports exit, the devices the
 *       guest drives itself), entering the guest, and each exit: port I/O
 *       on the virtual devices, wfi, hcall, intercepted instructions and
 *       traps.
 * Not:  guest mode itself (cpu/vmx.c); emulating a privileged instruction
 *       on the virtual CPU (trap_emulate.c); the trap sequence (vcpu.c).
 * Implements: Popek and Goldberg's three properties with the hardware's
 *       help. Efficiency: the guest kernel's own privileged instructions
 *       (mfsr, mtsr, rfe...) and every system call run without the monitor.
 *       Resource control: nested relocation confines the guest to its
 *       region, the I/O bitmap keeps the monitor's devices the monitor's.
 *       Equivalence, with and without --nonvirt: in guest mode a flagged
 *       instruction acts on the guest's own state, and with --nonvirt the
 *       monitor asks the processor to make the silent ones exit, then does
 *       what the bare machine does. Imitates KVM on VT-x: VMRESUME, read
 *       the exit reason, handle it, again. A device assigned to the VM (the
 *       second console, --passthrough con2) is driven by the guest itself,
 *       with no exit at all, like a NIC given to a VM through VT-d.
 *
 * The processor preset (--cpu) decides two intercepts, as the hardware of
 * each generation did: without a shadow of the interrupt mask (the first
 * VT-x, before TPR shadowing) every setpsw exits, like CR8 writes; without
 * a timer of the guest's own every tick exits and is injected.
 */
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"
#include "vmm_internal.h"
#include "vmx.h"

struct hw {
	struct vmcb vmcb;
	uint32_t nested;      /* nested paging: the nested table (real), once built */
	uint64_t nested_refs; /* the real TLB's nested references, charged so far */
};

/* The intercepts: what the guest may not do without the monitor. */
static void set_policy(struct vm *vm, struct vmcb *b)
{
	/* HLT exiting: the monitor decides how idle time passes. */
	vmx_intercept_op(b, OP_wfi, true);
	/* The console, disk and power are the monitor's: every port exits
	 * (vmx_init), but those of a device assigned to the guest. */
	if (vm->opt.passthrough & VM_PASS_CON2) {
		vmx_intercept_port(b, PORT_CON2_DATA, false);
		vmx_intercept_port(b, PORT_CON2_STATUS, false);
		vmx_intercept_port(b, PORT_CON2_CTRL, false);
		b->irq_direct |= 1u << IRQ_CONSOLE2;
	}
	if (!vmm_cpu_mask_shadow(vm->opt.cpu))
		vmx_intercept_op(b, OP_setpsw, true);
	if (!vmm_cpu_guest_timer(vm->opt.cpu))
		vmx_intercept_cause(b, CAUSE_TIMER, true);
	/* Without nested paging the monitor shadows the guest's tables: it
	 * must see every ptb write (CR3-load exiting) and every page fault
	 * (the exception bitmap's #PF bit), as VMware and KVM did on the
	 * first VT-x parts. With it, neither exits. */
	if (!vmm_cpu_nested_paging(vm->opt.cpu)) {
		b->intercept_mtsr |= 1u << SR_ptb;
		vmx_intercept_cause(b, CAUSE_PAGEFAULT, true);
	}
	/* The silent instructions of --nonvirt exit from guest user mode: the
	 * monitor sees every sensitive instruction (Theorem 1's condition). */
	for (int k = NV_A; k < NV_KINDS; k++)
		if (vm->opt.nonvirt & (1u << k))
			b->intercept_silent |= 1u << k;
}

bool vmm_hw_create(struct vm *vm, char *err, size_t errlen)
{
	struct hw *h = calloc(1, sizeof *h);

	if (!h) {
		snprintf(err, errlen, "out of host memory");
		return false;
	}
	vmx_init(&h->vmcb, vm->region_base, vm->region_size, &vm->real.mem);
	set_policy(vm, &h->vmcb);
	/* The real processor's bus holds the VM's devices: the ports the I/O
	 * bitmap leaves open reach them directly. Traps the guest takes in
	 * guest mode are logged as the bare machine's are. */
	vm->real.dev = &vm->dev;
	vm->real.on_trap = vmm_on_cpu_trap;
	vm->real.hook_ctx = vm;
	vm->hw = h;
	return true;
}

void vmm_hw_destroy(struct vm *vm)
{
	free(vm->hw);
	vm->hw = NULL;
}

/* The counters the guest's clock and statistics are kept in: the real CPU
 * counts for the virtual one while the guest runs in guest mode. */
static void copy_accounting(struct cpu *to, const struct cpu *from)
{
	to->retired = from->retired;
	to->cycles = from->cycles;
	to->idle_ticks = from->idle_ticks;
	memcpy(to->traps, from->traps, sizeof to->traps);
	to->trap = from->trap;
	to->trap_streak = from->trap_streak;
	to->trap_retired = from->trap_retired;
}

/* The tables a paged guest runs on. Shadow paging (--cpu early): its
 * kernel on the physical map, its user mode on the shadow of its current
 * address space (shadow.c). Nested paging: the processor walks the guest's
 * own tables and each guest-physical address through the nested table,
 * built once; given while the guest pages (unpaged, the region is the same
 * map, without a walk). */
static void set_tables(struct vm *vm, struct vmcb *b)
{
	struct hw *h = vm->hw;

	if (vm->shadow) {
		b->spt_sv = vmm_shadow_root(vm, true);
		b->spt_user = b->spt_sv ? vmm_shadow_root(vm, false) : 0;
		return;
	}
	if (!(vm->vcpu.sr[SR_ptb] & PTB_P)) {
		b->npt = 0;
		return;
	}
	if (!h->nested)
		h->nested = vmm_physmap_build(vm);
	b->npt = h->nested;
}

uint32_t vmm_hw_nested(const struct vm *vm)
{
	return vm->hw ? vm->hw->nested : 0;
}

/* Nested paging's price: every reference a TLB miss made to the nested
 * table since the last exit. */
static void charge_nested(struct vm *vm)
{
	struct hw *h = vm->hw;
	const struct tlb *t = &vm->real.tlb;
	uint64_t n = t->nested_refs - h->nested_refs;

	if (!n)
		return;
	h->nested_refs = t->nested_refs;
	vm->stats.mmu.nested_refs += n;
	vmm_charge(vm, n * vmm_cost(vm, VMM_C_NESTED_REF));
}

/* VM entry: the virtual CPU into the guest-state area (vmwrite), the
 * monitor's virtual interrupt lines into the control area, and the guest's
 * clock and counters onto the real processor (VT-x's TSC offsetting). */
static void enter(struct vm *vm, struct vmcb *b)
{
	struct cpu *v = &vm->vcpu, *c = &vm->real;
	struct vmx_state *g = &b->guest;

	memcpy(g->r, v->r, sizeof g->r);
	g->pc = v->pc;
	g->psw = v->psw;
	memcpy(g->sr, v->sr, sizeof g->sr);
	g->ipend_timer = v->ipend_timer;
	b->virq = dev_irq_lines(&vm->dev) & ~b->irq_direct;
	set_tables(vm, b);
	copy_accounting(c, v);
	/* The processor's TLB has no tags (VT-x before VPID): an entry
	 * empties it, so nothing the monitor wrote while the guest was out
	 * (an interpreted store, a debugger's) is seen stale. Not after the
	 * host merely took the processor back because a run's budget ran out
	 * (VMX_EXIT_HOST): that is no exit of the guest's, the monitor did
	 * nothing meanwhile (a debugger's store flushes in vm_load), and a run
	 * stopped there and resumed, or saved there and restored, must cost
	 * what the run that never stopped costs (docs/SNAPSHOT.md). */
	if (b->exit_reason != VMX_EXIT_HOST)
		cpu_tlb_flush(c);
	vmx_enter(c, b);
}

/* After the exit: the guest-state area back into the virtual CPU. */
static void leave(struct vm *vm, const struct vmcb *b)
{
	struct cpu *v = &vm->vcpu, *c = &vm->real;
	const struct vmx_state *g = &b->guest;

	memcpy(v->r, g->r, sizeof v->r[0] * NREGS);
	v->pc = g->pc;
	v->psw = g->psw;
	memcpy(v->sr, g->sr, sizeof v->sr);
	v->ipend_timer = g->ipend_timer;
	vm->stats.native += c->retired - v->retired;
	copy_accounting(v, c);
}

static void set_reg(struct cpu *v, unsigned rd, uint32_t value)
{
	if (rd != REG_ZERO)
		v->r[rd] = value;
}

/* A silent instruction of --nonvirt that exited from guest user mode: do
 * what the bare machine does with it (cpu/priv.c, user mode), on the
 * guest's state, and nothing more. */
static int emulate_silent(struct vm *vm, uint32_t word)
{
	struct cpu *v = &vm->vcpu;
	const struct isa_insn *in = isa_decode_row(word);
	uint32_t next = v->pc + 4;
	struct vm_event e = {
		.action = VM_EMULATED, .exit = true, .cause = CAUSE_PRIV, .detail = word,
		.epc = v->pc, .pc = v->pc, .word = word, .user = true, .index = v->retired,
		.vector = v->pc,
	};

	vmm_charge(vm, vmm_cost(vm, VMM_C_EMULATE));
	vmm_emit(vm, &e);
	switch (in ? in->opcode : 0) {
	case OP_getpsw: /* the guest's psw: its user mode shows, as it would bare */
		set_reg(v, isa_rd(word), v->psw);
		break;
	case OP_setpsw: /* only the flags: the privileged bits are kept */
		v->psw = (v->psw & PSW_PRIVBITS) | (v->r[isa_rs(word)] & PSW_FLAGS);
		break;
	case OP_getbase: /* the guest's own base, as the bare machine's register */
		set_reg(v, isa_rd(word), v->sr[SR_base]);
		break;
	case OP_rfe: /* to epc with epsw's flags; mode and IE stay */
		next = v->sr[SR_epc];
		v->psw = (v->psw & PSW_PRIVBITS) | (v->sr[SR_epsw] & PSW_FLAGS);
		break;
	case OP_jru: /* a plain jump */
		next = v->r[isa_rs(word)];
		break;
	default:
		/* Only silent instructions exit from user mode (vmx.c). */
		return vmm_reflect_trap(vm, CAUSE_ILLEGAL, word, v->pc, v->pc, VM_REFLECTED);
	}
	vmm_retire(vm, in, next);
	return VMM_GO_ON;
}

/* A port access that exited: the virtual device model, as trap-and-emulate
 * runs it, plus what an I/O exit costs beyond an exit. */
static int io_exit(struct vm *vm, const struct vmcb *b)
{
	uint32_t port = vmx_io_port(b->exit_qual);

	/* LAB 5 BEGIN: an I/O exit: count it (in all, and by port), charge HW_IO, run the device model */
	vm->stats.io_exits++;
	vm->stats.io_exits_by_port[port < VM_IO_PORTS ? port : VM_IO_PORTS - 1]++;
	vmm_charge(vm, vmm_cost(vm, VMM_C_HW_IO));
	return vmm_emulate_privileged(vm, b->exit_word);
	/* LAB 5 STUB: (void)vm; */
	/* LAB 5 STUB: (void)port; */
	/* LAB 5 STUB: return STOP_FAULT; */
	/* LAB 5 END */
}

static int handle_exit(struct vm *vm, const struct vmcb *b)
{
	const struct cpu_trap *t = &b->exit_trap;
	struct vm_event e;

	/* LAB 5 BEGIN: count and charge the exit, then handle it by its reason (cpu/vmx.h) */
	vm->stats.exits++;
	vmm_charge(vm, vmm_cost(vm, VMM_C_HW_EXIT) + vmm_cost(vm, VMM_C_HW_ENTRY));
	switch (b->exit_reason) {
	case VMX_EXIT_IO:
		vm->stats.exits_by_cause[CAUSE_PRIV]++;
		return io_exit(vm, b);
	case VMX_EXIT_INSN:
		vm->stats.exits_by_cause[CAUSE_PRIV]++;
		if (cpu_in_supervisor(&vm->vcpu))
			return vmm_emulate_privileged(vm, b->exit_word);
		return emulate_silent(vm, b->exit_word);
	case VMX_EXIT_TRAP:
		vm->stats.exits_by_cause[t->cause]++;
		if (t->cause == CAUSE_PAGEFAULT) {
			/* Shadow paging: hidden, true or tracing (shadow.c). */
			if (vmm_shadow_active(vm))
				return vmm_shadow_fault(vm, t);
			return vmm_reflect_page_fault(vm, t->detail, t->info, t->epc, t->pc);
		}
		/* An intercepted trap or interrupt: delivered into the guest as
		 * VT-x's event injection would at the next entry. */
		return vmm_reflect_trap(vm, t->cause, t->detail, t->epc, t->pc,
					t->cause == CAUSE_TIMER || t->cause == CAUSE_DEVICE
						? VM_INJECTED : VM_REFLECTED);
	case VMX_EXIT_NPF:
		/* The nested table lacks what the region holds only in part (a
		 * last page less than whole): the one instruction, interpreted
		 * on the guest's exact memory. A store it makes is made behind
		 * the processor's back, perhaps into a guest table its TLB has
		 * walked: the TLB starts empty at the next entry, as the bare
		 * machine's own store would have emptied it
		 * (tests/vmm_paging_hostile_test.c, tables_in_a_last_partial_page). */
		vm->stats.exits_by_cause[CAUSE_PAGEFAULT]++;
		cpu_tlb_flush(&vm->real);
		{
			enum cpu_stop s = vmm_interpret_one(vm);
			return s == STOP_LIMIT ? VMM_GO_ON : (int)s;
		}
	case VMX_EXIT_HCALL:
		/* This monitor offers no hypercalls: the guest's own vector takes
		 * it, as the bare machine's would. */
		vm->stats.exits_by_cause[CAUSE_HYPERCALL]++;
		return vmm_reflect_trap(vm, CAUSE_HYPERCALL, t->detail, t->epc, t->pc, VM_REFLECTED);
	case VMX_EXIT_FAULT:
		vm->stats.exits_by_cause[t->cause]++;
		e = (struct vm_event){
			.action = VM_STOPPED, .exit = true, .cause = t->cause, .detail = t->detail,
			.epc = t->epc, .pc = t->pc, .user = !cpu_in_supervisor(&vm->vcpu),
			.index = vm->vcpu.retired,
		};
		vmm_emit(vm, &e);
		return STOP_FAULT;
	default:
		return VMM_GO_ON;
	}
	/* LAB 5 STUB: (void)vm; */
	/* LAB 5 STUB: (void)t; */
	/* LAB 5 STUB: (void)e; */
	/* LAB 5 STUB: (void)io_exit; */
	/* LAB 5 STUB: (void)emulate_silent; */
	/* LAB 5 STUB: return STOP_FAULT; */
	/* LAB 5 END */
}

/* Why the guest left guest mode, as README and lab 5 count hw's exits:
 * ports, wfi, setpsw, other instructions, and the traps the VMCB takes. */
static int exit_reason(const struct vmcb *b)
{
	const struct isa_insn *in;

	switch (b->exit_reason) {
	case VMX_EXIT_IO:
		return VM_EXIT_IO;
	case VMX_EXIT_INSN:
		in = isa_decode_row(b->exit_word);
		if (in && in->opcode == OP_wfi)
			return VM_EXIT_WFI;
		if (in && in->opcode == OP_setpsw)
			return VM_EXIT_SETPSW;
		if (in && in->opcode == OP_mtsr && isa_uimm16(b->exit_word) == SR_ptb)
			return VM_EXIT_CR3;
		return VM_EXIT_INSN;
	case VMX_EXIT_NPF:
		return VM_EXIT_NPF;
	case VMX_EXIT_HCALL:
		return CAUSE_HYPERCALL;
	default:
		return b->exit_trap.cause;
	}
}

int vmm_round_hw(struct vm *vm, uint64_t end)
{
	struct vmcb *b = &vm->hw->vmcb;
	struct cpu *c = &vm->real;
	uint64_t left = end - vm->vcpu.retired, io = vm->dev.port_reads + vm->dev.port_writes;
	enum cpu_stop s;
	int why;

	enter(vm, b);
	/* One instruction left: cpu_step, so that a trap the guest takes is
	 * seen before its handler runs (vm_step's promise). */
	s = left == 1 ? cpu_step(c) : cpu_run(c, left);
	if (c->guest_mode)
		vmx_exit(c, VMX_EXIT_HOST, 0); /* the budget ran out: take the processor back */
	leave(vm, b);
	charge_nested(vm);
	vm->stats.direct_io += vm->dev.port_reads + vm->dev.port_writes - io;
	if (b->exit_reason == VMX_EXIT_HOST)
		return s == STOP_LIMIT ? VMM_GO_ON : (int)s;
	/* The events of the exit, and --stats, name what the VMCB intercepted. */
	vm->exit_reason = exit_reason(b);
	vm->stats.exits_by_reason[vm->exit_reason]++;
	why = handle_exit(vm, b);
	vm->exit_reason = 0;
	return why;
}

/* ---- snapshots: the VM control block's state areas and exit information,
 * the nested table and what its references cost so far. The control area
 * (the intercepts) is the policy set_policy makes from the VM's options:
 * it is made again, never loaded. */

struct vmcb *vmm_hw_vmcb(struct vm *vm)
{
	return vm->hw ? &vm->hw->vmcb : NULL;
}

static void put_state(struct snap_buf *b, const struct vmx_state *s)
{
	snap_put_u32s(b, s->r, NREGS);
	snap_put_u32(b, s->pc);
	snap_put_u32(b, s->psw);
	snap_put_u32s(b, s->sr, SR_COUNT);
	snap_put_u32(b, s->ipend_timer);
}

static void get_state(struct snap_rd *r, struct vmx_state *s)
{
	snap_get_u32s(r, s->r, NREGS);
	s->pc = snap_get_u32(r);
	s->psw = snap_get_u32(r);
	snap_get_u32s(r, s->sr, SR_COUNT);
	s->ipend_timer = snap_get_u32(r);
}

void vmm_hw_save(const struct vm *vm, struct snap_buf *b)
{
	const struct hw *h = vm->hw;
	const struct vmcb *c = &h->vmcb;

	snap_put_u32(b, h->nested);
	snap_put_u64(b, h->nested_refs);
	snap_put_u32(b, c->virq);
	snap_put_u32(b, c->npt);
	snap_put_u32(b, c->spt_user);
	snap_put_u32(b, c->spt_sv);
	put_state(b, &c->guest);
	put_state(b, &c->host);
	snap_put_u32(b, (uint32_t)c->exit_reason);
	snap_put_u32(b, c->exit_qual);
	snap_put_u32(b, c->exit_word);
	snap_put_u32(b, (uint32_t)c->exit_trap.cause);
	snap_put_u32(b, c->exit_trap.detail);
	snap_put_u32(b, c->exit_trap.epc);
	snap_put_u32(b, c->exit_trap.pc);
	snap_put_u32(b, c->exit_trap.info);
}

/* A table the processor may be given: none, or a page of the pool. */
static bool table_ok(const struct vm *vm, uint32_t a)
{
	return a == 0 || vmm_pool_has_page(vm, a);
}

bool vmm_hw_load(struct vm *vm, struct snap_rd *r, char *err, size_t errlen)
{
	struct hw *h = vm->hw;
	struct vmcb *c = &h->vmcb;

	h->nested = snap_get_u32(r);
	h->nested_refs = snap_get_u64(r);
	c->virq = snap_get_u32(r);
	c->npt = snap_get_u32(r);
	c->spt_user = snap_get_u32(r);
	c->spt_sv = snap_get_u32(r);
	get_state(r, &c->guest);
	get_state(r, &c->host);
	c->exit_reason = (enum vmx_exit_reason)snap_get_u32(r);
	c->exit_qual = snap_get_u32(r);
	c->exit_word = snap_get_u32(r);
	c->exit_trap.cause = (enum trap_cause)snap_get_u32(r);
	c->exit_trap.detail = snap_get_u32(r);
	c->exit_trap.epc = snap_get_u32(r);
	c->exit_trap.pc = snap_get_u32(r);
	c->exit_trap.info = snap_get_u32(r);
	if (r->bad)
		return false;
	if (!table_ok(vm, h->nested) || !table_ok(vm, c->npt) || !table_ok(vm, c->spt_user) ||
	    !table_ok(vm, c->spt_sv) || (unsigned)c->exit_reason >= VMX_EXIT_REASONS ||
	    (unsigned)c->exit_trap.cause >= CAUSE_COUNT) {
		snprintf(err, errlen, "a control block with tables outside the pool, or no such exit");
		return false;
	}
	return true;
}
