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
	c->psw = PSW_S;
	c->dev = dev;
	return true;
}

void cpu_free(struct cpu *c)
{
	mem_free(&c->mem);
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

bool cpu_translate(const struct cpu *c, uint32_t va, uint32_t *pa)
{
	uint32_t base, lim;
	cpu_window(c, &base, &lim);
	if (va >= lim)
		return false;
	*pa = base + va;
	return true;
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

enum cpu_stop cpu_run(struct cpu *c, uint64_t max)
{
#ifdef TRAPEZE_SWITCH
	return cpu_exec_switch(c, max, false);
#else
	return cpu_exec_goto(c, max, false);
#endif
}

enum cpu_stop cpu_step(struct cpu *c)
{
#ifdef TRAPEZE_SWITCH
	return cpu_exec_switch(c, 1, true);
#else
	return cpu_exec_goto(c, 1, true);
#endif
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
