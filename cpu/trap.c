/*
 * cpu/trap.c: the trap sequence and interrupt delivery.
 * Owns: what the hardware does when an instruction traps or an interrupt is
 *       taken: save pc and psw, enter supervisor mode with interrupts off,
 *       jump through the trap vector. Or, when a monitor runs the machine
 *       (exit_on_trap), leave the loop so that it can decide.
 * Not:  which instructions trap (exec.c, priv.c); which traps exit guest
 *       mode instead (vmx.c); what a VMM does next (vmm/).
 * Implements: ISA.md section Traps and interrupts.
 */
#include "internal.h"

/* A trap vector that faults again before one instruction retires, three
 * times over, stops the machine: the toy's triple fault. */
enum { DOUBLE_FAULT_STREAK = 3 };

int cpu_trap(struct cpu *c, enum trap_cause cause, uint32_t detail, uint32_t epc, uint32_t pc)
{
	return cpu_trap_info(c, cause, detail, 0, epc, pc);
}

int cpu_trap_info(struct cpu *c, enum trap_cause cause, uint32_t detail, uint32_t info,
		  uint32_t epc, uint32_t pc)
{
	struct cpu_trap t = { cause, detail, epc, pc, info };

	if (c->guest_mode) {
		/* Hardware assist: an intercepted trap exits instead (vmx.c). */
		int why = vmx_check_trap(c, &t);
		if (why != GO_ON)
			return why;
	}
	c->trap = t;
	c->traps[cause]++;
	if (c->exit_on_trap && !c->guest_mode)
		return STOP_TRAP;

	c->trap_streak = (c->retired == c->trap_retired) ? c->trap_streak + 1 : 0;
	c->trap_retired = c->retired;
	if (c->trap_streak >= DOUBLE_FAULT_STREAK)
		return c->guest_mode ? vmx_triple_fault(c, &t) : STOP_FAULT;

	c->sr[SR_epc] = epc;
	c->sr[SR_epsw] = c->psw;
	c->sr[SR_cause] = cause;
	c->sr[SR_detail] = detail;
	if (cause == CAUSE_PAGEFAULT)
		c->sr[SR_pfinfo] = info;
	c->psw = (c->psw & PSW_FLAGS) | PSW_S;
	c->pc = c->sr[SR_tvec];
	c->cycles += COST_TRAP_ENTRY;
	if (c->on_trap)
		c->on_trap(c->hook_ctx, c, &t);
	return GO_ON;
}

uint32_t cpu_ipend(const struct cpu *c)
{
	if (c->guest_mode)
		return vmx_ipend(c);
	uint32_t lines = c->dev ? dev_irq_lines(c->dev) : 0;
	return lines | (c->ipend_timer ? 1u << IRQ_TIMER : 0);
}

int cpu_take_interrupt(struct cpu *c, bool *taken)
{
	uint32_t pending = cpu_ipend(c);

	*taken = false;
	if (!pending || !(c->psw & PSW_IE))
		return GO_ON;
	*taken = true;
	/* The lowest-numbered line wins: the timer before the console before the disk. */
	if (pending & (1u << IRQ_TIMER))
		return cpu_trap(c, CAUSE_TIMER, 0, c->pc, c->pc);
	for (unsigned irq = 1; irq < 32; irq++)
		if (pending & (1u << irq))
			return cpu_trap(c, CAUSE_DEVICE, irq, c->pc, c->pc);
	return GO_ON;
}
