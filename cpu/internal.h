/*
 * cpu/internal.h: what the files of cpu/ share and nobody else calls.
 * Owns: the decoder, the accounting of retired instructions, the privileged
 *       instructions' slow path and the two builds of the dispatch loop.
 */
#ifndef TRAPEZE_CPU_INTERNAL_H
#define TRAPEZE_CPU_INTERNAL_H

#include "cpu.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Result of a slow-path helper: go on, or leave the loop with a stop reason. */
enum { GO_ON = -1 };

/* The physical address of c->pc in the current mode (pc already checked:
 * it was fetched). */
static inline uint32_t cpu_phys_pc(const struct cpu *c)
{
	uint32_t pa = 0;
	if (!cpu_translate(c, c->pc, &pa))
		return 0;
	return pa;
}

/* cpu_run's own reason to leave a dispatch loop: the other build of the loop
 * (paged or not) must run from here. Never returned by cpu_run. */
enum { EXEC_SWITCH = 100 };
/* mmu.c's result when the translation was made (no trap): distinct from
 * GO_ON, which after a trap means "vectored". */
enum { MMU_FILLED = -2 };
/* Access kinds for the walk, as pfinfo's bits. */
enum { ACC_READ = 0, ACC_WRITE = PF_W, ACC_FETCH = PF_X };

/* cpu/mmu.c: the paged loop's slow paths (state synced). */
/* The TLB for context x: emptied unless it already belongs to it. */
void mmu_use_context(struct cpu *c, const struct mmu_ctx *x);
/* Forget the context: the next paged run empties the TLB (ISA.md section
 * 12: on every entry into user mode). */
static inline void mmu_leave_context(struct cpu *c) { c->tlb.valid = false; }
/* Fill the TLB entry of va for an access of kind acc: MMU_FILLED, or what
 * raising the trap (PAGEFAULT, BOUNDS) or VM exit returned. *frame, if not NULL, gets the
 * real physical page. */
int mmu_fill(struct cpu *c, const struct mmu_ctx *x, uint32_t va, unsigned acc, uint32_t *frame);
/* The fetch at va can be made (the TLB has its page, or the walk fills
 * it): MMU_FILLED, or what raising the trap returned (epc = pc = c->pc). */
int mmu_fetchable(struct cpu *c, const struct mmu_ctx *x, uint32_t va);
/* A store of size bytes of v at va that missed the TLB's fast path: made
 * here, with the TLB kept coherent; MMU_FILLED or what the trap returned. */
int mmu_store(struct cpu *c, const struct mmu_ctx *x, uint32_t va, uint32_t v, unsigned size);
/* Raise a page fault (or, for a fault in a monitor's table, the VM exit). */
int mmu_fault(struct cpu *c, const struct mmu_ctx *x, uint32_t va, uint32_t info, bool nested,
	      uint32_t epc, uint32_t pc);
/* The paged builds of the dispatch loop. */
enum cpu_stop cpu_exec_paged_goto(struct cpu *c, uint64_t max, bool step);
enum cpu_stop cpu_exec_paged_switch(struct cpu *c, uint64_t max, bool step);
/* Raise a trap with a pfinfo value (cpu_trap is this with 0). */
int cpu_trap_info(struct cpu *c, enum trap_cause cause, uint32_t detail, uint32_t info,
		  uint32_t epc, uint32_t pc);

/* Fill d from an instruction word. */
void cpu_decode(struct insn *d, uint32_t word);
/* n more instructions retired, costing n + extra cycles; the timer counts them. */
void cpu_account(struct cpu *c, uint64_t n, uint64_t extra);
/* Execute the privileged instruction d at c->pc (state synced): GO_ON or a stop. */
int cpu_exec_priv(struct cpu *c, const struct insn *d);
/* Raise a trap; GO_ON when vectored, or STOP_TRAP / STOP_FAULT. */
int cpu_trap(struct cpu *c, enum trap_cause cause, uint32_t detail, uint32_t epc, uint32_t pc);
/* Deliver the highest-priority pending interrupt if the psw allows: GO_ON
 * (none, or vectored) or a stop; *taken says whether one was. */
int cpu_take_interrupt(struct cpu *c, bool *taken);

/* The dispatch loop, built twice from cpu/exec.c: computed goto and switch.
 * step: stop after one retired instruction or one trap delivered. */
enum cpu_stop cpu_exec_goto(struct cpu *c, uint64_t max, bool step);
enum cpu_stop cpu_exec_switch(struct cpu *c, uint64_t max, bool step);

/* cpu/vmx.c: what guest mode changes, asked only on slow paths and only
 * when c->guest_mode is set. The window of the current guest mode, nested
 * in the VMCB's region; the guest's memory size; what DMA reaches. */
void vmx_window(const struct cpu *c, uint32_t *base, uint32_t *limit);
uint32_t vmx_memsize(const struct cpu *c);
struct mem *vmx_dma(struct cpu *c);
/* The guest's pending lines: its timer, the monitor's, its own devices'. */
uint32_t vmx_ipend(const struct cpu *c);
/* What translates the guest's addresses in its current mode. */
void vmx_mmu_context(const struct cpu *c, struct mmu_ctx *x);
/* A fault in the monitor's nested table: the exit (NPF). */
int vmx_nested_fault(struct cpu *c, uint32_t gpa, uint32_t info);
/* Before privileged instruction d executes: GO_ON, or the exit
 * (STOP_VMEXIT) when the VMCB intercepts it. */
int vmx_check_priv(struct cpu *c, const struct insn *d);
/* Before trap t is delivered: GO_ON, or the exit when intercepted. */
int vmx_check_trap(struct cpu *c, const struct cpu_trap *t);
/* The guest's triple fault: an exit, never a stop of the machine. */
int vmx_triple_fault(struct cpu *c, const struct cpu_trap *t);

#endif
