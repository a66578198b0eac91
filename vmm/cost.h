/*
 * vmm/cost.h: what the monitor's own work costs, in simulated cycles.
 * Owns: the one table of VMM costs that --stats and the TUI charge.
 * Not:  the cost of guest instructions and of the hardware's trap entry
 *       (isa-spec/isa.def, INSN and COST rows): those are the guest's.
 * Implements: the measure behind P&G's efficiency property and its
 *       "temporal latency" exception: a guest under a monitor computes the
 *       same results, later. The VM's clock (what rdcyc reads) runs at guest
 *       cost plus these; vm_stats splits the two.
 *
 * The numbers are a teaching model, not a measurement: a real exit on a
 * 2005 VT-x part cost on the order of a thousand cycles, an interpreter
 * spends tens of host instructions per guest instruction. They are chosen so
 * that the ordering is right: interpreting everything costs most, an exit
 * costs much more than the instruction that caused it, and an innocuous
 * instruction run natively costs nothing extra.
 */
#ifndef TRAPEZE_VMM_COST_H
#define TRAPEZE_VMM_COST_H

#include "isa.h"

#define VMM_COSTS(X)                                                                      \
	X(EXIT, COST_TRAP_ENTRY + 30, "a VM exit: the real trap entry, then saving the guest") \
	X(ENTRY, 30, "the VM entry after an exit: loading the guest's state and relocation")      \
	X(EMULATE, 40, "decoding and emulating one privileged instruction")                    \
	X(REFLECT, 20, "building a virtual trap frame (epc, epsw, cause, detail)")             \
	X(INJECT, 20, "delivering a pending virtual interrupt")                                \
	X(INTERPRET, 30, "fetching, decoding and dispatching one instruction in software")

enum vmm_cost {
#define VMM_COST_ENUM(name, cyc, doc) VMM_COST_##name = (cyc),
	VMM_COSTS(VMM_COST_ENUM)
#undef VMM_COST_ENUM
};

#endif
