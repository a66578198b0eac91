/*
 * vmm/costs.c: the processors --cpu offers, and what each row of cost.h
 *       costs on them.
 * Owns: the one table of monitor costs per processor (toy, early, modern),
 *       their sources, and the hardware-assist features each processor has.
 * Not:  the rows themselves and the toy column (cost.h); charging them
 *       (vmm_charge and every technique); the guest's own instruction and
 *       trap costs (isa-spec/isa.def), which no preset changes.
 * Implements: P&G's "temporal latency", priced after published measurements
 *       so that the comparison of techniques (trapeze bench --techniques)
 *       reproduces the orderings the papers found. The numbers are cycles
 *       of the processor the paper measured, rounded; a row whose figure no
 *       paper gives is an estimate in the same units, chosen to be no kinder
 *       to one technique than to another.
 *
 * Sources:
 *  [AA06] K. Adams and O. Agesen, "A Comparison of Software and Hardware
 *         Techniques for x86 Virtualization", ASPLOS 2006. Nanobenchmarks on
 *         a 3.8 GHz Pentium 4 672, the first VT-x processor: a system call
 *         costs about native plus 2,000 cycles under VMware's binary
 *         translator (it leaves directly run user code through a trap into
 *         the monitor) and about native under VT-x (it never exits); a port
 *         `in` costs about 3,200 cycles natively, a small fraction of that
 *         translated (a callout into the monitor's device model) and about
 *         15,800 under VT-x (an exit, decoding, the device model, an entry);
 *         writes of the interrupt priority (CR8) exit under VT-x and cost
 *         the translator almost nothing; a VM exit and entry take thousands
 *         of cycles.
 *  [AG10] O. Agesen, A. Garthwaite, J. Sheldon, P. Subrahmanyam, "The
 *         Evolution of an x86 Virtual Machine Monitor", ACM SIGOPS OSR
 *         44(4), 2010, and O. Agesen, J. Mattson, R. Rugina, J. Sheldon,
 *         "Software Techniques for Avoiding Hardware Virtualization Exits",
 *         USENIX ATC 2012: exit and entry latency fell from thousands of
 *         cycles to some hundreds over successive processor generations; later
 *         parts shadow the task priority (no CR8 exits) and virtualise the
 *         interrupt controller; "on modern processors, hardware-assisted
 *         virtualization outperforms binary translation for most workloads".
 *  [SVL01] J. Sugerman, G. Venkitachalam, B.-H. Lim, "Virtualizing I/O
 *         Devices on VMware Workstation's Hosted Virtual Machine Monitor",
 *         USENIX ATC 2001: an emulated network card (an AMD Lance) costs a
 *         world switch for each of the handful of port accesses a packet
 *         takes, and the monitor's copy of every frame; their remedy was
 *         fewer accesses per packet, the paravirtual card's idea.
 *  [MSC05] A. Menon, J. R. Santos, Y. Turner, G. Janakiraman, W. Zwaenepoel,
 *         "Diagnosing Performance Overheads in the Xen Virtual Machine
 *         Environment", VEE 2005, and J. R. Santos, Y. Turner, G.
 *         Janakiraman, I. Pratt, "Bridging the Gap between Software and
 *         Hardware Techniques for I/O Virtualization", USENIX ATC 2008: on
 *         Xen's split network driver the per-packet cost is the copy (or
 *         page flip) between the guest's memory and the backend's, not the
 *         notification, which is paid once per batch; a card passed through
 *         (Dong et al., "High Performance Network Virtualization with
 *         SR-IOV", HPCA 2010) costs the processor neither.
 *
 * The toy column (cost.h) is the default: small round numbers for reading
 * --stats and the TUI, where only the orderings matter.
 *
 * What this cannot reproduce: the guest's own costs stay the toy machine's
 * (isa-spec/isa.def): a port access costs 20 cycles bare, not 3,200, and a
 * clock tick comes every 5,000 instructions, not millions. Ratios to bare
 * therefore come out larger than the paper's wherever a workload exits
 * often; the orderings between techniques are what the presets reproduce
 * (tests/bench_test.c asserts them).
 */
#include <string.h>

#include "vmm_internal.h"

/* One row of cost.h priced on each processor. */
struct priced {
	enum vmm_cost_row row;
	uint32_t early, modern;
};

/*
 *   row              early  modern   why
 */
static const struct priced table[] = {
	/* Software: a real trap into the monitor and back. [AA06]: exit,
	 * reflect and entry of a system call come to about 2,000 cycles. */
	{ VMM_C_EXIT,       1000,   350 },
	{ VMM_C_ENTRY,       800,   300 },
	{ VMM_C_EMULATE,     250,   100 },
	{ VMM_C_REFLECT,     200,    80 },
	{ VMM_C_INJECT,      200,    80 },
	/* An interpreter's tens of host cycles per guest instruction. */
	{ VMM_C_INTERPRET,    40,    25 },
	/* Binary translation: translating is paid once per block; a callout
	 * is a call, not a trap ([AA06]: a translated `in` is a small fraction
	 * of the native 3,200 cycles). */
	{ VMM_C_TRANSLATE,   400,   200 },
	{ VMM_C_CALLOUT,     100,    40 },
	{ VMM_C_DISPATCH,     60,    30 },
	{ VMM_C_CHAIN,         1,     1 },
	{ VMM_C_FLUSH,     20000, 10000 },
	{ VMM_C_SCAN,         10,     5 },
	{ VMM_C_PATCH,       200,   100 },
	/* Hardware assist: [AA06] thousands of cycles for an exit and entry
	 * on the Pentium 4; [AG10] some hundreds on later parts. An I/O exit
	 * comes to about 15,800 cycles on the early part: 1,200 + 1,200 +
	 * EMULATE 250 + 13,150. */
	{ VMM_C_HW_EXIT,    1200,   250 },
	{ VMM_C_HW_ENTRY,   1200,   250 },
	{ VMM_C_HW_IO,     13150,   900 },
	/* Paravirtualisation: a hypercall is a trap into the monitor (EXIT and
	 * ENTRY) and a table dispatch; the block backend's work per request. */
	{ VMM_C_HYPERCALL,   150,    80 },
	{ VMM_C_PV_REQUEST,  100,    50 },
	/* Memory virtualisation. [AA06]: a page fault costs 1,093 cycles
	 * natively, 3,927 under VMware's translator and 11,242 under the
	 * first VT-x: the guest's own handler, plus exits (a hidden fault,
	 * the handler's traced writes to its page table) at the exit costs
	 * above, plus the monitor's walk and fill (HIDDEN_FAULT) and its
	 * emulation of each traced write (TRACE). A shadow built for an
	 * address space the cache lacks costs a directory's worth of work.
	 * Nested paging ([BSSM08]: Bhargava et al., ASPLOS 2008) costs no
	 * exit for any of these, but every TLB miss walks the nested table:
	 * about a cache miss's worth per reference on a cold walk, amortised
	 * by the walk caches of later parts. */
	{ VMM_C_HIDDEN_FAULT, 800,   400 },
	{ VMM_C_TRACE,        600,   300 },
	{ VMM_C_SHADOW_SWITCH, 2000, 1000 },
	{ VMM_C_NESTED_REF,     40,    10 },
	{ VMM_C_MMU_UPDATE,    200,   100 },
	/* The network card. [SVL01], [MSC05]: an emulated card's frame and a
	 * paravirtual ring's frame are each copied by the monitor (a real
	 * card's DMA is not the processor's work): 1,514 bytes, cache lines
	 * missed in the guest's buffer, an estimate in cycles of each part.
	 * The port accesses are exits priced above (EXIT, ENTRY, EMULATE;
	 * HW_EXIT, HW_ENTRY, HW_IO). A notification's own work, reading the
	 * ring's indices and raising the event, is paid once per batch; an
	 * estimate in the units of HYPERCALL. */
	{ VMM_C_NET_COPY,     1500,   600 },
	{ VMM_C_NET_NOTIFY,    300,   120 },
};
enum { NPRICED = sizeof table / sizeof table[0] };

static const struct processor {
	const char *name, *summary;
	bool mask_shadow, guest_timer, nested_paging;
} processors[VMM_NCPUS] = {
	[VMM_CPU_TOY] = { "toy",
		"teaching figures: small round numbers, only the orderings matter (the default)",
		true, true, true },
	[VMM_CPU_EARLY] = { "early",
		"the first VT-x processor (Pentium 4, 2005), after Adams and Agesen, ASPLOS 2006: "
		"no nested paging, so shadow page tables",
		false, false, false },
	[VMM_CPU_MODERN] = { "modern",
		"later processors (2009 on): exits in hundreds of cycles, nested paging, TPR shadow, "
		"virtual APIC (Agesen et al., 2010 and 2012)",
		true, true, true },
};

static const struct {
	const char *name, *doc;
	uint32_t toy;
} rows[VMM_NCOSTS] = {
#define VMM_COST_INFO(name, cyc, doc) [VMM_C_##name] = { #name, doc, (cyc) },
	VMM_COSTS(VMM_COST_INFO)
#undef VMM_COST_INFO
};

const char *vmm_cpu_name(enum vmm_cpu p)
{
	return (unsigned)p < VMM_NCPUS ? processors[p].name : "?";
}

const char *vmm_cpu_summary(enum vmm_cpu p)
{
	return (unsigned)p < VMM_NCPUS ? processors[p].summary : "?";
}

bool vmm_cpu_parse(const char *name, enum vmm_cpu *out)
{
	for (int p = 0; p < VMM_NCPUS; p++) {
		if (!strcmp(name, processors[p].name)) {
			*out = (enum vmm_cpu)p;
			return true;
		}
	}
	return false;
}

const char *vmm_cpu_names(void)
{
	return "toy, early, modern";
}

uint32_t vmm_cpu_cost(enum vmm_cpu p, enum vmm_cost_row r)
{
	if ((unsigned)r >= VMM_NCOSTS)
		return 0;
	if (p == VMM_CPU_TOY || (unsigned)p >= VMM_NCPUS)
		return rows[r].toy;
	for (int i = 0; i < NPRICED; i++)
		if (table[i].row == r)
			return p == VMM_CPU_EARLY ? table[i].early : table[i].modern;
	/* A row added to cost.h without a price here keeps its toy figure;
	 * tests/vmm_cost_test.c fails until it is priced. */
	return rows[r].toy;
}

const char *vmm_cost_name(enum vmm_cost_row r)
{
	return (unsigned)r < VMM_NCOSTS ? rows[r].name : "?";
}

const char *vmm_cost_doc(enum vmm_cost_row r)
{
	return (unsigned)r < VMM_NCOSTS ? rows[r].doc : "?";
}

bool vmm_cpu_mask_shadow(enum vmm_cpu p)
{
	return (unsigned)p < VMM_NCPUS && processors[p].mask_shadow;
}

bool vmm_cpu_guest_timer(enum vmm_cpu p)
{
	return (unsigned)p < VMM_NCPUS && processors[p].guest_timer;
}

bool vmm_cpu_nested_paging(enum vmm_cpu p)
{
	return (unsigned)p < VMM_NCPUS && processors[p].nested_paging;
}

bool vmm_cost_priced(enum vmm_cost_row r)
{
	for (int i = 0; i < NPRICED; i++)
		if (table[i].row == r)
			return true;
	return false;
}

void vmm_load_costs(struct vm *vm)
{
	for (int r = 0; r < VMM_NCOSTS; r++)
		vm->cost[r] = vmm_cpu_cost(vm->opt.cpu, (enum vmm_cost_row)r);
}
