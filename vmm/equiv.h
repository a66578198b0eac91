/*
 * vmm/equiv.h: the equivalence diff: does the guest see any difference?
 * Owns: a snapshot of everything a guest can observe, and the search for
 *       the first guest instruction after which two modes' snapshots differ.
 * Not:  printing (tools/diff/diff.c); loading images (the caller's load
 *       function).
 * Implements: P&G's equivalence property, tested: "any program K executing
 *       with a control program resident performs in a manner
 *       indistinguishable from the case when the control program did not
 *       exist", save for the temporal-latency exception (rdcyc).
 */
#ifndef TRAPEZE_VMM_EQUIV_H
#define TRAPEZE_VMM_EQUIV_H

#include "vmm.h"

/* The step limit of a comparison whose options set none. */
#define VMM_EQUIV_STEP_LIMIT 100000000u

/* One trap or interrupt as the guest saw it delivered. */
struct vmm_guest_trap {
	uint64_t index; /* guest instructions retired before it */
	enum trap_cause cause;
	uint32_t detail, epc;
};

/* What a guest can observe at one moment. */
struct vmm_observation {
	enum vmm_mode mode;
	uint64_t retired;
	uint32_t r[NREGS], pc, psw;
	uint32_t sr[SR_COUNT];   /* as mfsr reads them */
	uint64_t mem_hash;       /* FNV-1a of guest-physical memory */
	char *console;           /* every byte written, NUL-terminated copy */
	size_t console_len;
	size_t ntraps;           /* traps and interrupts delivered so far */
	struct vmm_guest_trap last_trap;
	bool stopped;            /* halted, idle for ever or triple-faulted */
	enum cpu_stop stop;
	bool halted;
	uint32_t halt_code;
};

/* How to make each run: options (the mode is set per run) and a function
 * that puts the program into a fresh VM. Every run must be made alike. */
struct vmm_equiv_spec {
	struct vm_options options;
	bool (*load)(void *ctx, struct vm *vm, char *err, size_t errlen);
	void *load_ctx;
	/* Asked between stretches of guest instructions (NULL: never): true
	 * gives up the comparison (a wall-clock limit, an interrupt). */
	bool (*stop)(void *ctx);
	void *stop_ctx;
};

struct vmm_divergence {
	enum vmm_mode a, b;
	bool equivalent;        /* no difference the guest could see, but the clock's */
	bool diverged;          /* a real difference: what, index, pc, word below */
	/* P&G's temporal latency: readings of the clock (rdcyc) that differed,
	 * forgiven (b was given a's value); the first of them. */
	uint64_t npermitted;
	uint64_t permitted_index;
	uint32_t permitted_pc, permitted_word;
	/* Code patching's traces: reads of words the monitor rewrote (see
	 * vm_patched_word), where the guest read the patch and not its own
	 * word. Not permitted (the guest can tell: not equivalent), but
	 * forgiven like the clock so that the search goes on to any real
	 * divergence after them; the first of them, and where it read. */
	uint64_t ntraces;
	uint64_t trace_index;
	uint32_t trace_pc, trace_word, trace_addr;
	/* When diverged, the first real difference: */
	const char *what;       /* what differs first: "registers", "psw", ... */
	uint64_t index;         /* guest instructions retired before the culprit */
	uint32_t pc;            /* the culprit's address (in the guest's mode then) */
	uint32_t word;          /* and its instruction word, when have_word */
	bool have_word;
	struct vmm_observation before;  /* the common state just before it */
	struct vmm_observation after_a, after_b; /* one instruction later, each mode */
};

/* A snapshot of what vm's guest can observe. (Console bytes need capture,
 * which the diff turns on.) Release it with vmm_observation_free. */
void vmm_observe(const struct vm *vm, struct vmm_observation *o);
void vmm_observation_free(struct vmm_observation *o);

/* Run the program under modes a and b side by side and find the first
 * difference a guest could observe, forgiving readings of the clock and
 * reads of a monitor's patches (counted as traces); memory is compared
 * with each patched word taken as its original. When no real difference
 * remains, out->before is the common final state. Runs are deterministic, so the search
 * re-runs from the start with smaller and smaller steps. True with *out
 * filled (free it with vmm_divergence_free); false with a message in err
 * when a run could not be made, or spec->stop said to stop. */
bool vmm_equiv_compare(const struct vmm_equiv_spec *spec, enum vmm_mode a, enum vmm_mode b,
		       struct vmm_divergence *out, char *err, size_t errlen);
void vmm_divergence_free(struct vmm_divergence *d);

#endif
