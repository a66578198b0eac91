/*
 * cpu/vmx.c: the hardware-assist extension: guest mode, the VM control
 *       block, VM entry and exit (see vmx.h).
 * Owns: entry and exit (swapping the guest-state and host-state areas),
 *       and the four places guest mode changes the machine, all of them
 *       slow paths: the relocation window (cpu.c's cpu_window), privileged
 *       instructions (priv.c: intercepted ones exit instead of executing),
 *       traps and interrupts (trap.c: intercepted ones exit instead of
 *       vectoring) and the pending interrupt lines (the guest's own timer,
 *       the monitor's virtual lines, the lines of devices it drives itself).
 * Not:  the fast dispatch loop (exec.c), which guest mode leaves alone:
 *       innocuous instructions cost in guest mode exactly what they cost
 *       outside it, and no instruction pays a new check.
 * Implements: ISA.md section 11; the VT-x exit conditions, reduced: an
 *       intercept bitmap over opcodes (VT-x's "HLT exiting", "MOV-to-CR8
 *       exiting" and the like), an exception bitmap over trap causes, an
 *       I/O bitmap over ports, VMCALL always exiting, a triple fault
 *       exiting; and one the x86 never needed in this form: in guest user
 *       mode, an instruction --nonvirt has made silent can be made to exit.
 *       The privilege check comes first, as on VT-x: in guest user mode a
 *       privileged instruction traps to the guest's own kernel. Popek and Goldberg: in guest mode each sensitive
 *       instruction acts on the guest's own state (the mode is the guest's,
 *       the relocation composed) or exits, so the monitor keeps resource
 *       control and the guest sees what the bare machine would show it.
 */
#include "vmx.h"

#include <string.h>

#include "internal.h"

void vmx_init(struct vmcb *b, uint32_t region_base, uint32_t region_size, const struct mem *real)
{
	memset(b, 0, sizeof *b);
	b->region_base = region_base;
	b->region_size = region_size;
	/* Every port exits until the monitor opens it to the guest. */
	memset(b->io_bitmap, 0xFF, sizeof b->io_bitmap);
	b->dma = mem_view(real, region_base, region_size);
	b->guest.psw = PSW_S;
}

void vmx_intercept_op(struct vmcb *b, unsigned opcode, bool on)
{
	uint32_t *word = &b->intercept_op[(opcode >> 5) & 7], bit = 1u << (opcode & 31);
	*word = on ? *word | bit : *word & ~bit;
}

bool vmx_intercepts_op(const struct vmcb *b, unsigned opcode)
{
	return b->intercept_op[(opcode >> 5) & 7] >> (opcode & 31) & 1;
}

void vmx_intercept_port(struct vmcb *b, uint32_t port, bool on)
{
	if (port >= VMX_NPORTS)
		return; /* beyond the bitmap: always intercepted */
	if (on)
		b->io_bitmap[port / 32] |= 1u << (port % 32);
	else
		b->io_bitmap[port / 32] &= ~(1u << (port % 32));
}

bool vmx_intercepts_port(const struct vmcb *b, uint32_t port)
{
	return port >= VMX_NPORTS || (b->io_bitmap[port / 32] >> (port % 32) & 1);
}

void vmx_intercept_cause(struct vmcb *b, enum trap_cause cause, bool on)
{
	b->intercept_cause = on ? b->intercept_cause | 1u << cause : b->intercept_cause & ~(1u << cause);
}

const char *vmx_exit_name(enum vmx_exit_reason r)
{
	static const char *const names[VMX_EXIT_REASONS] = {
		[VMX_EXIT_NONE] = "none", [VMX_EXIT_INSN] = "insn", [VMX_EXIT_IO] = "io",
		[VMX_EXIT_TRAP] = "trap", [VMX_EXIT_HCALL] = "hcall",
		[VMX_EXIT_FAULT] = "triple fault", [VMX_EXIT_HOST] = "host",
		[VMX_EXIT_NPF] = "npf",
	};
	return (unsigned)r < VMX_EXIT_REASONS ? names[r] : "?";
}

/* ---- entry and exit ---------------------------------------------------- */

static void save_state(const struct cpu *c, struct vmx_state *s)
{
	memcpy(s->r, c->r, sizeof s->r);
	s->pc = c->pc;
	s->psw = c->psw;
	memcpy(s->sr, c->sr, sizeof s->sr);
	s->ipend_timer = c->ipend_timer;
}

static void load_state(struct cpu *c, const struct vmx_state *s)
{
	memcpy(c->r, s->r, sizeof s->r);
	c->r[0] = 0;
	c->pc = s->pc;
	c->psw = s->psw;
	memcpy(c->sr, s->sr, sizeof s->sr);
	c->ipend_timer = s->ipend_timer;
}

void vmx_enter(struct cpu *c, struct vmcb *b)
{
	c->vmcb = b;
	save_state(c, &b->host);
	load_state(c, &b->guest);
	b->exit_reason = VMX_EXIT_NONE;
	b->exit_qual = b->exit_word = 0;
	memset(&b->exit_trap, 0, sizeof b->exit_trap);
	c->guest_mode = true;
}

/* Leave guest mode, recording why. */
static int leave(struct cpu *c, enum vmx_exit_reason why, uint32_t qual, uint32_t word,
		 const struct cpu_trap *t)
{
	struct vmcb *b = c->vmcb;

	save_state(c, &b->guest);
	b->exit_reason = why;
	b->exit_qual = qual;
	b->exit_word = word;
	if (t) {
		b->exit_trap = *t;
	} else {
		memset(&b->exit_trap, 0, sizeof b->exit_trap);
		b->exit_trap.pc = b->exit_trap.epc = c->pc;
	}
	load_state(c, &b->host);
	c->guest_mode = false;
	return STOP_VMEXIT;
}

int vmx_exit(struct cpu *c, enum vmx_exit_reason why, uint32_t qual)
{
	return leave(c, why, qual, 0, NULL);
}

/* ---- what guest mode changes ------------------------------------------- */

/* The region, clamped to real memory. */
static uint32_t region_size(const struct cpu *c)
{
	const struct vmcb *b = c->vmcb;

	if (b->region_base >= c->mem.size)
		return 0;
	return b->region_size < c->mem.size - b->region_base ? b->region_size
							       : c->mem.size - b->region_base;
}

void vmx_window(const struct cpu *c, uint32_t *base, uint32_t *limit)
{
	uint32_t rb = c->vmcb->region_base, rs = region_size(c);
	uint32_t gb = c->sr[SR_base], gl = c->sr[SR_limit];

	if (c->psw & PSW_S) {
		/* The guest's supervisor mode sees its whole guest-physical memory. */
		*base = rb;
		*limit = rs;
	} else if (gb >= rs) {
		*base = rb;
		*limit = 0;
	} else {
		/* Nested: the guest's window inside its region, clamped to the
		 * region as cpu_window clamps to memory. */
		*base = rb + gb;
		*limit = gl < rs - gb ? gl : rs - gb;
	}
}

uint32_t vmx_memsize(const struct cpu *c)
{
	return region_size(c);
}

struct mem *vmx_dma(struct cpu *c)
{
	return &c->vmcb->dma;
}

uint32_t vmx_ipend(const struct cpu *c)
{
	const struct vmcb *b = c->vmcb;
	uint32_t lines = b->virq;

	if (c->dev)
		lines |= dev_irq_lines(c->dev) & b->irq_direct;
	return lines | (c->ipend_timer ? 1u << IRQ_TIMER : 0);
}

/* An instruction nonvirt has made silent in user mode: it does not trap. */
static bool is_silent(const struct cpu *c, const struct isa_insn *in)
{
	return in->nonvirt != NV_NONE && (c->nonvirt & (1u << in->nonvirt));
}

int vmx_check_priv(struct cpu *c, const struct insn *d)
{
	const struct vmcb *b = c->vmcb;
	const struct isa_insn *in = isa_by_opcode(d->op);
	uint32_t word = mem_load32(&c->mem, cpu_phys_pc(c));

	if (!(c->psw & PSW_S)) {
		/* Guest user mode: a privileged instruction traps to the guest's
		 * own kernel (priv.c goes on to do that, no exit); one nonvirt
		 * has made silent exits instead when the VMCB asks. */
		if (is_silent(c, in) && (b->intercept_silent >> in->nonvirt & 1))
			return leave(c, VMX_EXIT_INSN, word, word, NULL);
		return GO_ON;
	}
	if (d->op == OP_in || d->op == OP_out) {
		uint32_t port = (uint32_t)d->imm;
		unsigned reg = d->op == OP_in ? d->rd : d->rs;
		if (vmx_intercepts_op(b, d->op) || vmx_intercepts_port(b, port))
			return leave(c, VMX_EXIT_IO,
				     (port & 0xFFFF) | (d->op == OP_in ? VMX_IO_IN : 0) |
					     (uint32_t)(reg & 15) << 20,
				     word, NULL);
		return GO_ON;
	}
	if (vmx_intercepts_op(b, d->op) ||
	    (d->op == OP_mtsr && (uint32_t)d->imm < 32 && (b->intercept_mtsr >> d->imm & 1)))
		return leave(c, VMX_EXIT_INSN, word, word, NULL);
	return GO_ON;
}

int vmx_check_trap(struct cpu *c, const struct cpu_trap *t)
{
	if (t->cause == CAUSE_HYPERCALL)
		return leave(c, VMX_EXIT_HCALL, t->detail, 0, t); /* like VMCALL: always */
	if (c->vmcb->intercept_cause >> t->cause & 1)
		return leave(c, VMX_EXIT_TRAP, (uint32_t)t->cause, 0, t);
	return GO_ON;
}

void vmx_mmu_context(const struct cpu *c, struct mmu_ctx *x)
{
	const struct vmcb *b = c->vmcb;
	uint32_t rs = region_size(c);

	if (c->psw & PSW_S) {
		/* The guest's kernel is unmapped: its guest-physical addresses
		 * go through the nested table, or the monitor's own table for
		 * it, or (neither) the region. */
		if (b->npt || b->spt_sv) {
			x->kind = MMU_1D;
			x->root = b->npt ? b->npt : b->spt_sv;
			x->limit = rs;
			x->nested_faults = b->npt != 0;
		}
	} else if (c->sr[SR_ptb] & PTB_P) {
		if (b->spt_user && !b->npt) {
			x->kind = MMU_1D; /* shadow paging: the monitor's table */
			x->root = b->spt_user;
		} else {
			/* The guest's own tables, walked by the processor. */
			x->kind = MMU_2D;
			x->root = c->sr[SR_ptb] & PAGE_MASK;
			x->nroot = b->npt;
			x->limit = rs;
			x->offset = b->region_base;
		}
	}
}

int vmx_nested_fault(struct cpu *c, uint32_t gpa, uint32_t info)
{
	struct cpu_trap t = { CAUSE_PAGEFAULT, gpa, c->pc, c->pc, info };
	return leave(c, VMX_EXIT_NPF, gpa, info, &t);
}

int vmx_triple_fault(struct cpu *c, const struct cpu_trap *t)
{
	return leave(c, VMX_EXIT_FAULT, (uint32_t)t->cause, 0, t);
}
