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
	STOP_WAIT,  /* vm_run only, never cpu_run: the guest waits in wfi for a frame
	             * from outside (a host's switch), which decides when it wakes */
};

/* A trap as the hardware raised it; with exit_on_trap, the one that stopped. */
struct cpu_trap {
	enum trap_cause cause;
	uint32_t detail;
	uint32_t epc; /* where rfe would resume: the faulting pc, or the next one */
	uint32_t pc;  /* the pc of the instruction that trapped (or epc for interrupts) */
	uint32_t info; /* PAGEFAULT: what pfinfo says (PF_ bits); otherwise 0 */
};

/*
 * Paging (ISA.md section 12): two-level tables of 4 KiB pages, for user
 * mode only (supervisor mode is unmapped). The TLB below is the machine's
 * cache of translations; it is invisible to programs, because the machine
 * keeps it coherent (see cpu/mmu.c).
 */
enum {
	PAGE_SIZE = 4096,
	PAGE_SHIFT = 12,
	PTE_V = 1u << 0, PTE_W = 1u << 1, PTE_U = 1u << 2, PTE_A = 1u << 3, PTE_D = 1u << 4,
	PTB_P = 1u << 0,        /* ptb: paging on for user mode */
	PF_W = 1u << 0,         /* pfinfo: the access was a store */
	PF_X = 1u << 1,         /* an instruction fetch */
	PF_P = 1u << 2,         /* the page was present: a protection fault */
	PF_B = 1u << 3,         /* a table or the page lies outside memory */
	TLB_SIZE = 256,         /* entries, direct-mapped by virtual page number */
	TLB_WATCH_MAX = 1024,   /* pages watched at most before the TLB starts afresh */
};
#define PAGE_MASK 0xFFFFF000u

/* What translates the current mode's addresses (cpu/mmu.c). */
enum mmu_kind {
	MMU_OFF,  /* no walk: unrelocated, or relocated by a window (base, limit) */
	MMU_1D,   /* one table walk: user paging, or a monitor's table in guest mode */
	MMU_2D,   /* nested paging: the guest's tables, each guest-physical address
	           * through the monitor's nested table (cpu/vmx.h) */
};

struct mmu_ctx {
	enum mmu_kind kind;
	uint32_t root;        /* 1D: the directory (real physical); 2D: the guest's (guest-physical) */
	uint32_t nroot;       /* 2D: the nested directory, or 0: guest-physical a is region_base + a */
	uint32_t limit;       /* 1D: addresses from here up trap BOUNDS (0: none); 2D: the region's size */
	uint32_t offset;      /* 2D without a nested table: the region's base */
	bool nested_faults;   /* a fault in the monitor's table exits guest mode (NPF), not PAGEFAULT */
};

/* The TLB: a direct-mapped cache of user translations. rtag[i] is the
 * virtual page number of a readable (and executable) entry, wtag[i] of
 * one stores may use at full speed; ~0 is empty. host address of va =
 * delta[i] + va. */
struct tlb {
	uint32_t rtag[TLB_SIZE];
	uint32_t wtag[TLB_SIZE];
	uintptr_t delta[TLB_SIZE];
	uint32_t frame[TLB_SIZE];   /* its physical page */
	struct mmu_ctx ctx;         /* the context its entries belong to */
	bool valid;                 /* false: none (the next paged run empties it) */
	uint8_t *watched;           /* per physical page: an entry was walked from it */
	uint32_t *watch_list;       /* those pages, to clear them at a flush */
	uint32_t nwatch;
	uint64_t fills, walk_refs, flushes;  /* counters, for monitors and displays */
	uint64_t nested_refs;       /* of walk_refs, those to a monitor's nested table */
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
	struct tlb tlb;
};

/* A machine of mem_size bytes, in supervisor mode at pc 0, interrupts off,
 * devices dev (may be NULL). False if host memory ran out. */
bool cpu_init(struct cpu *c, uint32_t mem_size, struct devices *dev);
/* Free the machine's memory. */
void cpu_free(struct cpu *c);
/* The TLB's own allocations, for a CPU whose memory is set (cpu_init does
 * it; a monitor's virtual CPU on a view of memory calls it itself). */
bool cpu_tlb_init(struct cpu *c);
void cpu_tlb_free(struct cpu *c);

/* Run at most max instructions; return why it stopped. Interrupts, the
 * timer and the limit are checked between blocks, never per instruction. */
enum cpu_stop cpu_run(struct cpu *c, uint64_t max);
/* One instruction retired, or one trap or interrupt entered: the same code
 * as cpu_run, so the same semantics. */
enum cpu_stop cpu_step(struct cpu *c);

/* The interrupts pending now (ipend register value). */
uint32_t cpu_ipend(const struct cpu *c);
/* wfi's wait: with nothing pending, the time to the timer's expiry, or to a
 * device's next act (a frame arriving on the loopback cable) if sooner,
 * passes at once (counted as idle ticks, as spinning would count them),
 * then the console may wake the machine. True when an interrupt is pending
 * after. False with the network card marked waiting (net.waiting) when only
 * a frame from outside could still wake it. A monitor calls it on its
 * virtual CPU: the guest waits in virtual time. */
bool cpu_idle_until_interrupt(struct cpu *c);
/* t instruction times pass with the CPU waiting: counted as idle ticks (and
 * cycles), the timer counting them down (its interrupt pending if they
 * reach it). A host calls it on a VM that waited for a frame. */
void cpu_idle_for(struct cpu *c, uint64_t t);
/* True when supervisor mode. */
static inline bool cpu_in_supervisor(const struct cpu *c) { return c->psw & PSW_S; }
/* Set the nonvirt set from a spec: "" or "x86" (all five), "pdp10" (jru only),
 * or a comma list of mnemonics (getpsw,setpsw,getbase,rfe,jru). Returns the
 * mask, or -1 with *bad pointing at the unknown word. */
int cpu_parse_nonvirt(const char *spec, const char **bad);

/* The user-visible relocation of the current mode: base and the limit clamped
 * to memory. Supervisor mode is unrelocated: base 0, limit = memory size.
 * (With paging on, user mode has no window: see cpu_translate.) */
void cpu_window(const struct cpu *c, uint32_t *base, uint32_t *limit);
/* Translate a virtual address of the current mode as a load would, without
 * setting accessed bits or touching the TLB; false if it would fault. */
bool cpu_translate(const struct cpu *c, uint32_t va, uint32_t *pa);
/* True when the current mode's addresses are translated by page tables. */
bool cpu_paging(const struct cpu *c);
/* What translates the current mode's addresses. */
void cpu_mmu_context(const struct cpu *c, struct mmu_ctx *x);

/* One step of a walk, for displays (info pagetable): what was read where. */
struct cpu_walk_step {
	uint32_t table;   /* real physical address of the table (or directory) */
	uint32_t index;   /* entry number in it */
	uint32_t entry;   /* the entry's value */
	bool nested;      /* a step of the monitor's nested table (2D walks) */
};
struct cpu_walk {
	struct cpu_walk_step step[16];
	int nsteps;
	uint32_t gpa;     /* 2D: the guest-physical address found */
	uint32_t pa;      /* the real physical address, when ok */
	uint32_t fault;   /* PF_ bits when !ok */
	bool ok;
};
/* Walk va in context x as a load (or store, write) would, with no side
 * effects, recording each step. */
void cpu_walk_trace(const struct cpu *c, const struct mmu_ctx *x, uint32_t va, bool write,
		    struct cpu_walk *w);
/* Empty the TLB. A monitor calls it after changing a table the real CPU
 * walks (a shadow or nested table); the machine calls it itself whenever
 * ISA.md section 12 needs it. */
void cpu_tlb_flush(struct cpu *c);

#endif
