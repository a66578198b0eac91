/*
 * cpu/cpu.c: the machine's life cycle and its door: cpu_run and cpu_step.
 * Owns: creating the machine, the relocation window of each mode, the
 *       accounting of retired instructions and the interval timer, and the
 *       choice of dispatch build.
 * Not:  executing instructions (exec.c, priv.c), traps (trap.c).
 * Implements: ISA.md sections Machine state and Memory and relocation.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

bool cpu_init(struct cpu *c, uint32_t mem_size, struct devices *dev)
{
	memset(c, 0, sizeof *c);
	if (!mem_init(&c->mem, mem_size))
		return false;
	if (!cpu_tlb_init(c)) {
		cpu_free(c);
		return false;
	}
	c->psw = PSW_S;
	c->dev = dev;
	return true;
}

void cpu_free(struct cpu *c)
{
	mem_free(&c->mem);
	cpu_tlb_free(c);
}

bool cpu_tlb_init(struct cpu *c)
{
	/* The TLB's marks: a byte per physical page, and the list of those set. */
	c->tlb.watched = calloc(c->mem.size / PAGE_SIZE + 1, 1);
	c->tlb.watch_list = calloc(TLB_WATCH_MAX, sizeof *c->tlb.watch_list);
	if (!c->tlb.watched || !c->tlb.watch_list) {
		cpu_tlb_free(c);
		return false;
	}
	c->tlb.nwatch = 0;
	cpu_tlb_flush(c);
	c->tlb.flushes = 0;
	c->tlb.valid = false;
	return true;
}

void cpu_tlb_free(struct cpu *c)
{
	free(c->tlb.watched);
	free(c->tlb.watch_list);
	c->tlb.watched = NULL;
	c->tlb.watch_list = NULL;
}

void cpu_window(const struct cpu *c, uint32_t *base, uint32_t *limit)
{
	if (c->guest_mode) {
		/* Nested relocation: the guest's own inside its region (vmx.c). */
		vmx_window(c, base, limit);
		return;
	}
	if (c->psw & PSW_S) {
		/* Supervisor mode is unrelocated: all of physical memory. */
		*base = 0;
		*limit = c->mem.size;
		return;
	}
	/* User mode: P&G's relocation-bounds register R = (base, limit). */
	uint32_t b = c->sr[SR_base], l = c->sr[SR_limit];
	*base = b;
	*limit = b >= c->mem.size ? 0 : (l < c->mem.size - b ? l : c->mem.size - b);
}


void cpu_account(struct cpu *c, uint64_t n, uint64_t extra)
{
	c->retired += n;
	c->cycles += n + extra;
	if (c->sr[SR_timer]) {
		/* The run loop never runs past the timer, so n <= timer here. */
		c->sr[SR_timer] -= (uint32_t)n;
		if (c->sr[SR_timer] == 0)
			c->ipend_timer = 1;
	}
}

/*
 * Two builds of the loop: the plain one (the P&G machine) and the paged one
 * (ISA.md section 12). Each leaves with EXEC_SWITCH when, at a resync, the
 * current mode needs the other one (entering or leaving paged user mode);
 * the budget goes on in the other.
 */
static enum cpu_stop run_loops(struct cpu *c, uint64_t max, bool step)
{
	const uint64_t end = c->retired + max;
	enum cpu_stop s;

	for (;;) {
		uint64_t left = end > c->retired ? end - c->retired : 0;
		if (!left)
			return STOP_LIMIT;
#ifdef TRAPEZE_SWITCH
		s = cpu_paging(c) ? cpu_exec_paged_switch(c, left, step) : cpu_exec_switch(c, left, step);
#else
		s = cpu_paging(c) ? cpu_exec_paged_goto(c, left, step) : cpu_exec_goto(c, left, step);
#endif
		if ((int)s != EXEC_SWITCH)
			return s;
	}
}

enum cpu_stop cpu_run(struct cpu *c, uint64_t max)
{
	return run_loops(c, max, false);
}

enum cpu_stop cpu_step(struct cpu *c)
{
	return run_loops(c, 1, true);
}

/* The nonvirt bit of the instruction named by the n bytes at p, or 0. */
static unsigned nonvirt_bit(const char *p, size_t n)
{
	for (int i = 0; i < isa_ninsns; i++) {
		const struct isa_insn *in = &isa_insns[i];
		if (in->nonvirt != NV_NONE && strlen(in->name) == n && !strncmp(p, in->name, n))
			return 1u << in->nonvirt;
	}
	return 0;
}

int cpu_parse_nonvirt(const char *spec, const char **bad)
{
	unsigned mask = 0;

	if (!spec || !*spec || !strcmp(spec, "x86")) {
		for (int k = NV_A; k < NV_KINDS; k++)
			mask |= 1u << k;
		return (int)mask;
	}
	if (!strcmp(spec, "pdp10"))
		return 1 << NV_E; /* only the JRST-1-like jru: Theorem 3 still holds */
	for (const char *p = spec; *p;) {
		size_t n = strcspn(p, ",");
		unsigned bit = nonvirt_bit(p, n);
		if (!bit) {
			*bad = p;
			return -1;
		}
		mask |= bit;
		p += n;
		if (*p == ',')
			p++;
	}
	return (int)mask;
}
