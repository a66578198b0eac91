/*
 * cpu/cpu.h: the physical machine: state, the run loop's door, traps.
 * Owns: struct cpu (registers, psw, special registers, memory, devices,
 *       counters) and the narrow interface out of the machine: a stop reason.
 * Not:  any VMM (cpu/ knows nothing of them: a monitor asks for traps to
 *       leave the loop with exit_on_trap, or runs its guest in the guest
 *       mode of cpu/vmx.h); loading images (tools/image.c).
 * Implements: Popek and Goldberg's machine state S = <E, M, P, R>:
 *       E = mem, M = the psw mode bit, P = pc, R = the base and limit registers.
 */
#ifndef TRAPEZE_CPU_H
#define TRAPEZE_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "devices.h"
#include "isa.h"
#include "mem.h"

enum { CPU_DEFAULT_MEM = 1u << 20 };

/* Why cpu_run returned. */
enum cpu_stop {
	STOP_LIMIT, /* ran the number of instructions asked for */
	STOP_HALT,  /* the guest wrote the power port */
	STOP_TRAP,  /* exit_on_trap: a trap left the machine for the monitor */
	STOP_IDLE,  /* wfi with no interrupt that could ever come */
	STOP_FAULT, /* the trap vector itself keeps faulting: a triple fault */
	STOP_VMEXIT, /* guest mode was left for the monitor (cpu/vmx.h) */
};

/* A trap as the hardware raised it; with exit_on_trap, the one that stopped. */
struct cpu_trap {
	enum trap_cause cause;
	uint32_t detail;
	uint32_t epc; /* where rfe would resume: the faulting pc, or the next one */
	uint32_t pc;  /* the pc of the instruction that trapped (or epc for interrupts) */
};

struct cpu;
struct vmcb;
typedef void (*cpu_trap_hook)(void *ctx, const struct cpu *c, const struct cpu_trap *t);

struct cpu {
	uint32_t r[NREGS + 1]; /* r[16] is the sink for writes to r0 */
	uint32_t pc, psw;
	uint32_t sr[SR_COUNT];
	uint32_t ipend_timer;  /* the timer's pending bit (devices hold their own) */
	struct mem mem;
	struct devices *dev;   /* ports; NULL reads all ones */
	unsigned nonvirt;      /* bit (1 << NV_x) set: that instruction loses its trap */
	bool exit_on_trap;     /* a monitor handles traps: cpu_run returns STOP_TRAP */
	struct cpu_trap trap;  /* the last trap raised */
	uint64_t retired, cycles;
	uint64_t traps[CAUSE_COUNT];
	uint64_t idle_ticks;   /* time spent waiting in wfi, in instruction times */
	uint32_t trap_streak;  /* traps in a row with no instruction retired */
	uint64_t trap_retired;
	cpu_trap_hook on_trap; /* called for each trap delivered to the vector */
	void *hook_ctx;
	/* The hardware-assist extension (cpu/vmx.h): the VM control block
	 * of the last entry, and whether the processor is in guest mode. */
	struct vmcb *vmcb;
	bool guest_mode;
};

/* A machine of mem_size bytes, in supervisor mode at pc 0, interrupts off,
 * devices dev (may be NULL). False if host memory ran out. */
bool cpu_init(struct cpu *c, uint32_t mem_size, struct devices *dev);
/* Free the machine's memory. */
void cpu_free(struct cpu *c);

/* Run at most max instructions; return why it stopped. Interrupts, the
 * timer and the limit are checked between blocks, never per instruction. */
enum cpu_stop cpu_run(struct cpu *c, uint64_t max);
/* One instruction retired, or one trap or interrupt entered: the same code
 * as cpu_run, so the same semantics. */
enum cpu_stop cpu_step(struct cpu *c);

/* The interrupts pending now (ipend register value). */
uint32_t cpu_ipend(const struct cpu *c);
/* wfi's wait: with nothing pending, the time to the timer's expiry passes at
 * once (counted as idle ticks, as spinning would count them), then the
 * console may wake the machine. True when an interrupt is pending after.
 * A monitor calls it on its virtual CPU: the guest waits in virtual time. */
bool cpu_idle_until_interrupt(struct cpu *c);
/* True when supervisor mode. */
static inline bool cpu_in_supervisor(const struct cpu *c) { return c->psw & PSW_S; }
/* Set the nonvirt set from a spec: "" or "x86" (all five), "pdp10" (jru only),
 * or a comma list of mnemonics (getpsw,setpsw,getbase,rfe,jru). Returns the
 * mask, or -1 with *bad pointing at the unknown word. */
int cpu_parse_nonvirt(const char *spec, const char **bad);

/* The user-visible relocation of the current mode: base and the limit clamped
 * to memory. Supervisor mode is unrelocated: base 0, limit = memory size. */
void cpu_window(const struct cpu *c, uint32_t *base, uint32_t *limit);
/* Translate a virtual address of the current mode; false if outside. */
bool cpu_translate(const struct cpu *c, uint32_t va, uint32_t *pa);

#endif
