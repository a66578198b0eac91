/*
 * vmm/history.h: a VM's past, kept so that a debugger can go back in it.
 * Owns: recording a run so that any earlier point of it can be returned to
 *       exactly: checkpoints (snapshots, vmm/snapshot.h) taken every so
 *       many steps and kept in memory within a bound, the log of the traps
 *       entered (so that a replay stops at any step), and what came into
 *       the VM from outside (console input, a debugger's writes) with the
 *       step it came at; going back to a step by restoring the checkpoint
 *       before it and replaying from there; searching the past for the last
 *       step at which something a debugger looks for happened.
 * Not:  what a debugger looks for (breakpoints, watchpoints: tools/mon/);
 *       the snapshot format and each technique's state (snapshot.c).
 * Implements: deterministic replay, the idea behind ReVirt (Dunlap et al.,
 *       OSDI 2002) and Bressoud and Schneider's hypervisor-based fault
 *       tolerance (SOSP 1995): a machine whose every step depends only on
 *       its state and its inputs is back at any earlier point once its state
 *       at a point before is restored and its inputs after it are given again.
 *       Trapeze counts time in instructions, never host time, so every mode
 *       is such a machine: the real CPU, the virtual CPU, the devices and the
 *       monitor's statistics all come back, not only what the guest sees.
 *
 * Positions are vm_position's: instructions retired plus traps entered.
 * The points a run can stop at ("stop points") are those vm_step stops at:
 * every position, except the one between a sys (brk, hcall, a faulting
 * jump) retiring and its trap being entered, which one step does both of.
 * vm_run and vm_step keep recording while a history is kept; when they run
 * through a part of the past again (after going back), they give the VM
 * the inputs it had there, at the same steps: the recorded future is
 * replayed until something new (input, a debugger's write) changes it,
 * and then that future is forgotten, as an editor's redo is.
 */
#ifndef TRAPEZE_VMM_HISTORY_H
#define TRAPEZE_VMM_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm.h"

enum {
	VM_HISTORY_MEM = 32u << 20,       /* bytes kept at most, unless asked */
	VM_HISTORY_INTERVAL = 100000,     /* steps between checkpoints, unless asked */
	VM_HISTORY_MIN_MEM = 1u << 20,    /* the smallest bound that may be asked */
};

struct vm_history_options {
	uint64_t max_bytes;     /* checkpoints, logs and inputs together; 0: VM_HISTORY_MEM */
	uint64_t interval;      /* steps between checkpoints; 0: VM_HISTORY_INTERVAL */
};

/* Start keeping vm's history from where it stands now (the first point
 * it can go back to). The bound holds while one checkpoint fits in it:
 * the latest is always kept, so a guest whose memory fills up past the
 * bound keeps one checkpoint a little over it. False, with a one-line message, when the VM cannot
 * be replayed (one VM of a host; console input read from a terminal) or
 * one checkpoint of it does not fit in max_bytes. */
bool vm_history_start(struct vm *vm, const struct vm_history_options *o, char *err,
		      size_t errlen);
/* True while vm keeps a history. */
bool vm_history_on(const struct vm *vm);
/* Forget the past and keep none from now on. */
void vm_history_stop(struct vm *vm);

struct vm_history_info {
	uint64_t first;         /* the earliest position it can go back to */
	uint64_t frontier;      /* the furthest position the recorded run reached */
	uint64_t checkpoints;
	uint64_t bytes, max_bytes;
	uint64_t interval;      /* steps between checkpoints now (doubled when memory ran short) */
	uint64_t traps_logged, inputs;
	uint64_t restores;      /* checkpoints restored so far */
	uint64_t replayed;      /* steps replayed so far */
	uint64_t last_ns;       /* host time of the last going back: for display only */
	uint64_t last_replayed; /* steps it replayed */
};
void vm_history_info(const struct vm *vm, struct vm_history_info *i);

/* Go to stop point pos, first <= pos <= frontier: afterwards vm is in
 * exactly the state a fresh run given the same inputs would be in there.
 * False, changing nothing, with a message, when pos is out of that range. */
bool vm_history_goto(struct vm *vm, uint64_t pos, char *err, size_t errlen);
/* Go back one step: to the stop point before the current one. False,
 * changing nothing, at the first point (a message says so). */
bool vm_history_back(struct vm *vm, char *err, size_t errlen);
/* The stop point before the current one, without going there (first:
 * none before it). */
bool vm_history_previous(struct vm *vm, uint64_t *pos);

/* Searching the past. A search replays it step by step, calling step for
 * each step: step must take exactly one step (vm_step) and say what it saw. */
enum vm_mark {
	VM_MARK_NONE,    /* nothing */
	VM_MARK_HERE,    /* the point the step stopped at is one looked for */
	VM_MARK_BEFORE,  /* the point the step started from is one */
	VM_MARK_FORGET,  /* forget the points marked so far: none of them counts */
};
typedef enum vm_mark (*vm_history_step_fn)(void *ctx, struct vm *vm);
/* Find the last point before the current one that a step marks (and that
 * no later step made forgotten): true, with vm there and *where its
 * position; false, with vm back where it was, when there is none since
 * the first point. While it searches, vm_history_replaying is true. */
bool vm_history_find(struct vm *vm, vm_history_step_fn step, void *ctx, uint64_t *where);
/* True while the history replays the past (going back, or searching): a
 * tool's hooks see events and accesses again that it has seen before. */
bool vm_history_replaying(const struct vm *vm);

#endif
