/*
 * cpu/priv.c: the privileged instructions, and what --nonvirt makes of them.
 * Owns: mfsr, mtsr, in, out, wfi, rfe, getpsw, setpsw, getbase and jru: in
 *       supervisor mode, their effect; in user mode, the privileged-instruction
 *       trap, or, for the five the nonvirt flag names, a silent non-trapping
 *       behaviour like pre-2005 x86 (Robin and Irvine, USENIX Security 2000).
 * Not:  innocuous instructions (exec.c); the trap sequence (trap.c); which
 *       ones exit in the guest mode of hardware assist (vmx.c asks first).
 * Implements: ISA.md sections Privileged instructions and The nonvirt flag.
 *       With nonvirt off every sensitive instruction is privileged, so P&G's
 *       Theorem 1 holds and trap-and-emulate works.
 */
#include "internal.h"

static int retire(struct cpu *c, const struct isa_insn *in, uint32_t next_pc)
{
	c->pc = next_pc;
	cpu_account(c, 1, (uint64_t)in->cycles - 1);
	return GO_ON;
}

static int illegal(struct cpu *c)
{
	return cpu_trap(c, CAUSE_ILLEGAL, mem_load32(&c->mem, cpu_phys_pc(c)), c->pc, c->pc);
}

void cpu_idle_for(struct cpu *c, uint64_t t)
{
	/* The same as spinning: the timer counts idle ticks too. */
	c->idle_ticks += t;
	c->cycles += t * COST_WFI_IDLE;
	if (c->sr[SR_timer]) {
		if (t >= c->sr[SR_timer]) {
			c->sr[SR_timer] = 0;
			c->ipend_timer = 1;
		} else {
			c->sr[SR_timer] -= (uint32_t)t;
		}
	}
}

bool cpu_idle_until_interrupt(struct cpu *c)
{
	for (;;) {
		/* A device's own next act (a frame on the loopback cable) wakes
		 * the machine as the timer does: time skips to whichever is first. */
		uint64_t dev = c->dev ? dev_tick(c->dev, c->retired + c->idle_ticks) : UINT64_MAX;
		uint64_t t = c->sr[SR_timer] ? c->sr[SR_timer] : UINT64_MAX;

		if (cpu_ipend(c) || (dev == UINT64_MAX && t == UINT64_MAX))
			break;
		/* Nothing pending yet: skip the idle time at once. */
		cpu_idle_for(c, t < dev ? t : dev);
	}
	if (!cpu_ipend(c) && c->dev) {
		dev_con_wait(c->dev);
		/* A frame from outside the machine may still come: when is not
		 * the machine's to know (a host decides, and wakes it). */
		if (!cpu_ipend(c) && net_may_wake(&c->dev->net))
			c->dev->net.waiting = true;
	}
	return cpu_ipend(c) != 0;
}

/* wfi: time passes until an interrupt is pending, then wfi completes. */
static int wait_for_interrupt(struct cpu *c, const struct isa_insn *in)
{
	if (!cpu_idle_until_interrupt(c))
		return STOP_IDLE;
	return retire(c, in, c->pc + 4);
}

static bool sreg_writable(uint32_t sr)
{
	return sr < SR_COUNT && isa_sregs[sr].writable;
}

static void write_sreg(struct cpu *c, uint32_t sr, uint32_t v)
{
	if (sr == SR_base || sr == SR_limit)
		v &= ~3u; /* relocation is in words: the low two bits read as zero */
	if (sr == SR_ptb)
		v &= PAGE_MASK | PTB_P; /* a page's address and the paging bit */
	if (sr == SR_timer)
		c->ipend_timer = 0; /* writing the timer acknowledges its interrupt */
	c->sr[sr] = v;
}

static uint32_t read_sreg(const struct cpu *c, uint32_t sr)
{
	switch (sr) {
	case SR_memsize: return c->guest_mode ? vmx_memsize(c) : c->mem.size;
	case SR_ipend: return cpu_ipend(c);
	default: return c->sr[sr];
	}
}

int cpu_exec_priv(struct cpu *c, const struct insn *d)
{
	const struct isa_insn *in = isa_by_opcode(d->op);
	uint32_t *r = c->r;
	uint32_t next = c->pc + 4;
	/* Devices' DMA: physical memory, or in guest mode the guest's region. */
	struct mem *dma = c->guest_mode ? vmx_dma(c) : &c->mem;

	if (c->guest_mode) {
		/* Hardware assist: an intercepted instruction exits instead. */
		int why = vmx_check_priv(c, d);
		if (why != GO_ON)
			return why;
	}

	if (!(c->psw & PSW_S)) {
		/* User mode: the trap that makes the instruction privileged,
		 * unless nonvirt has taken it away. */
		if (in->nonvirt == NV_NONE || !(c->nonvirt & (1u << in->nonvirt)))
			return cpu_trap(c, CAUSE_PRIV, mem_load32(&c->mem, cpu_phys_pc(c)), c->pc, c->pc);
		switch (d->op) {
		case OP_getpsw: /* (a) like SMSW/PUSHF: the real mode shows through */
			r[d->rd] = c->psw;
			break;
		case OP_setpsw: /* (b) like POPF: the privileged bits are silently kept */
			c->psw = (c->psw & PSW_PRIVBITS) | (r[d->rs] & PSW_FLAGS);
			break;
		case OP_getbase: /* (c) like SGDT: the real relocation shows through */
			r[d->rd] = c->sr[SR_base];
			break;
		case OP_rfe: /* (d) like IRET to the same ring: the mode is not restored */
			next = c->sr[SR_epc];
			c->psw = (c->psw & PSW_PRIVBITS) | (c->sr[SR_epsw] & PSW_FLAGS);
			break;
		case OP_jru: /* (e) like JRST 1 in user mode: a plain jump */
			next = r[d->rs];
			break;
		default:
			break;
		}
		return retire(c, in, next);
	}

	switch (d->op) {
	case OP_mfsr:
		if ((uint32_t)d->imm >= SR_COUNT)
			return illegal(c);
		r[d->rd] = read_sreg(c, (uint32_t)d->imm);
		break;
	case OP_mtsr:
		if (!sreg_writable((uint32_t)d->imm))
			return illegal(c);
		write_sreg(c, (uint32_t)d->imm, r[d->rs]);
		break;
	case OP_in:
		r[d->rd] = c->dev ? dev_in(c->dev, dma, (uint32_t)d->imm) : 0xFFFFFFFFu;
		break;
	case OP_out:
		if (c->dev) {
			dev_out(c->dev, dma, (uint32_t)d->imm, r[d->rs]);
			if (c->dev->halted) {
				retire(c, in, next);
				return STOP_HALT;
			}
		}
		break;
	case OP_wfi:
		return wait_for_interrupt(c, in);
	case OP_rfe:
		next = c->sr[SR_epc];
		c->psw = c->sr[SR_epsw] & (PSW_PRIVBITS | PSW_FLAGS);
		break;
	case OP_getpsw:
		r[d->rd] = c->psw;
		break;
	case OP_setpsw:
		c->psw = r[d->rs] & (PSW_PRIVBITS | PSW_FLAGS);
		break;
	case OP_getbase:
		r[d->rd] = c->sr[SR_base];
		break;
	case OP_jru:
		next = r[d->rs];
		c->psw &= ~PSW_S;
		break;
	case OP_tlbflush:
	case OP_tlbinv:
		/* The TLB is coherent by itself (ISA.md section 12): emptying
		 * it, or one entry, changes no translation; it costs the time. */
		if (d->op == OP_tlbflush)
			cpu_tlb_flush(c);
		else
			c->tlb.rtag[(r[d->rs] >> PAGE_SHIFT) & (TLB_SIZE - 1)] =
				c->tlb.wtag[(r[d->rs] >> PAGE_SHIFT) & (TLB_SIZE - 1)] = ~0u;
		break;
	default:
		return illegal(c);
	}
	return retire(c, in, next);
}
