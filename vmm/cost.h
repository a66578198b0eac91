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
 * The numbers below (the "toy" processor, the default) are a teaching
 * model, not a measurement; --cpu early and --cpu modern price the same
 * rows after published figures, in vmm/costs.c, which cites them. Here: a
 * real exit on a 2005 VT-x part cost on the order of a thousand cycles, an interpreter
 * spends tens of host instructions per guest instruction. They are chosen so
 * that the ordering is right: interpreting everything costs most, an exit
 * costs much more than the instruction that caused it, and an innocuous
 * instruction run natively costs nothing extra.
 *
 * Binary translation (bt) and code patching (patch) add their own rows. A
 * translated instruction, once translated, costs nothing extra (VMware's
 * IDENT translations run on the hardware); a sensitive one becomes a
 * callout, which, unlike an exit, takes no trap and switches no world.
 * Adams and Agesen (ASPLOS 2006) found both sides of that on real parts:
 * VMware's translator emulated a privileged instruction faster than a
 * first-generation VT-x exit did, while a system call, which leaves
 * directly run user code for translated kernel code, cost it about two
 * thousand cycles over native. Translation itself is paid once per block
 * (again after a flush); patching once per word scanned or rewritten.
 *
 * Hardware assist (hw) charges the processor's own VM exit and entry, and
 * an I/O exit's extra work; paravirtualisation (pv) a hypercall's dispatch
 * (the trap into the monitor is EXIT and ENTRY) and each block request.
 *
 * The network card (vmm/net_*.c): a monitor that plays the card (emulated)
 * or serves its ring (pv) copies each frame itself, NET_COPY; the ring's
 * backend also reads the ring at each notification, NET_NOTIFY. A card
 * passed through does its own DMA: the processor pays nothing.
 */
#ifndef TRAPEZE_VMM_COST_H
#define TRAPEZE_VMM_COST_H

#include <stdbool.h>
#include <stdint.h>

#include "isa.h"

#define VMM_COSTS(X)                                                                      \
	X(EXIT, COST_TRAP_ENTRY + 30, "a VM exit: the real trap entry, then saving the guest") \
	X(ENTRY, 30, "the VM entry after an exit: loading the guest's state and relocation")      \
	X(EMULATE, 40, "decoding and emulating one privileged instruction")                    \
	X(REFLECT, 20, "building a virtual trap frame (epc, epsw, cause, detail)")             \
	X(INJECT, 20, "delivering a pending virtual interrupt")                                \
	X(INTERPRET, 30, "fetching, decoding and dispatching one instruction in software")     \
	X(TRANSLATE, 60, "bt: decoding, classifying and copying one guest instruction")       \
	X(CALLOUT, 15, "bt: a call from translated code into the VMM (no trap, no world switch)") \
	X(DISPATCH, 20, "bt: an unchained block exit: finding the next block by guest pc")     \
	X(CHAIN, 1, "bt: a chained block exit: a direct jump to the next translation")        \
	X(FLUSH, 200, "bt: emptying the full translation cache")                               \
	X(SCAN, 4, "patch: examining one guest word for what must not run unpatched")          \
	X(PATCH, 30, "patch: rewriting one guest word to trap, keeping the original")          \
	X(HW_EXIT, 40, "hw: a VM exit in hardware: guest state into the VMCB, host state out")  \
	X(HW_ENTRY, 40, "hw: a VM entry in hardware: host state saved, guest state loaded")     \
	X(HW_IO, 40, "hw: an I/O exit's extra work: decoding it, the device model, resuming")   \
	X(HYPERCALL, 20, "pv: serving one hypercall (the trap into the VMM is EXIT and ENTRY)") \
	X(PV_REQUEST, 10, "pv: the block backend serving one request of the shared ring") \
	X(HIDDEN_FAULT, 60, "shadow: walking the guest's tables and filling a shadow entry") \
	X(TRACE, 50, "shadow: emulating a write to a guest page table, dropping what it changed") \
	X(SHADOW_SWITCH, 40, "shadow: building the shadow of an address space not cached")   \
	X(NESTED_REF, 1, "nested paging: one reference to the nested table in a TLB miss's walk") \
	X(MMU_UPDATE, 15, "pv: checking and making one page-table update")                  \
	X(NET_COPY, 30, "net: the monitor copying one frame between a card and guest memory") \
	X(NET_NOTIFY, 20, "pv net: the backend's work per notification: reading the ring's indices")

/*
 * The column above is the "toy" processor, the default. --cpu early and
 * --cpu modern price the same rows after published figures (vmm/costs.c,
 * which cites them): a technique charges vmm_cost(vm, VMM_C_NAME), the
 * value of the VM's processor, so that every row follows --cpu.
 */
enum vmm_cost_row {
#define VMM_COST_ROW(name, cyc, doc) VMM_C_##name,
	VMM_COSTS(VMM_COST_ROW)
#undef VMM_COST_ROW
	VMM_NCOSTS
};

/* The processors --cpu offers; each prices every row. */
enum vmm_cpu { VMM_CPU_TOY, VMM_CPU_EARLY, VMM_CPU_MODERN, VMM_NCPUS };

/* "toy", "early", "modern"; false for an unknown name. */
const char *vmm_cpu_name(enum vmm_cpu p);
bool vmm_cpu_parse(const char *name, enum vmm_cpu *out);
const char *vmm_cpu_names(void);
/* One line on what the processor stands for, and its sources. */
const char *vmm_cpu_summary(enum vmm_cpu p);
/* Cycles of row r on processor p; its name ("EXIT") and meaning. */
uint32_t vmm_cpu_cost(enum vmm_cpu p, enum vmm_cost_row r);
const char *vmm_cost_name(enum vmm_cost_row r);
const char *vmm_cost_doc(enum vmm_cost_row r);
/* What the hardware-assist extension of processor p can do without an exit
 * (vmm/hwassist.c asks): a shadow of the interrupt mask, so setpsw need not
 * exit (VT-x's TPR shadow, 2006 on); a timer of the guest's own, so its
 * ticks need not exit (APIC virtualisation, later still). */
bool vmm_cpu_mask_shadow(enum vmm_cpu p);
bool vmm_cpu_guest_timer(enum vmm_cpu p);
/* Nested paging (AMD's NPT, 2007; Intel's EPT, 2008): without it a
 * monitor shadows the guest's page tables. */
bool vmm_cpu_nested_paging(enum vmm_cpu p);
/* True when vmm/costs.c prices row r for the published processors (a test
 * asks it of every row, so that a new row cannot go unpriced). */
bool vmm_cost_priced(enum vmm_cost_row r);

#endif
