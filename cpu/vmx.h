/*
 * cpu/vmx.h: the hardware-assist extension: guest mode, the VM control
 *       block, VM entry and exit.
 * Owns: struct vmcb, which a monitor fills and the processor reads: the
 *       control area (the guest's region of memory, which instructions,
 *       traps and ports exit, the virtual interrupt lines), the guest-state
 *       and host-state areas, and the exit information the processor
 *       writes (reason, qualification); entering guest mode and leaving it.
 * Not:  a monitor's policy, which intercepts to ask for and what to do
 *       about an exit (vmm/hwassist.c); what guest mode changes in the
 *       machine's slow paths (cpu/vmx.c, called from cpu.c, priv.c, trap.c).
 * Implements: Intel VT-x (2005) and AMD-V (2006), reduced to this machine
 *       (ISA.md section 11). In guest mode the guest kernel runs natively in
 *       its own supervisor mode, on its own special registers: every
 *       sensitive instruction either works on the guest's state or exits to
 *       the monitor, so Popek and Goldberg's Theorem 1 holds again, nonvirt
 *       or not. The relocation of guest mode composes the VMCB's region
 *       with the guest's own base and limit: nested relocation, the idea of
 *       Intel's EPT and AMD's NPT. A system call vectors through the
 *       guest's own tvec without an exit: that is why VT-x made system
 *       calls cheap (Adams and Agesen, ASPLOS 2006).
 *
 *   struct vmcb                                 written by
 *   +----------------------------------------+
 *   | control: region base and size,          |  the monitor, before entry
 *   |   intercepted opcodes, causes, ports,   |
 *   |   virtual interrupt lines, direct irqs  |
 *   +----------------------------------------+
 *   | guest state: r, pc, psw, sr, timer bit  |  entry loads it, exit saves it
 *   | host state:  the same, the monitor's    |  entry saves it, exit loads it
 *   +----------------------------------------+
 *   | exit: reason, qualification, word, trap |  the processor, at each exit
 *   +----------------------------------------+
 */
#ifndef TRAPEZE_VMX_H
#define TRAPEZE_VMX_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"

/* Ports the I/O bitmap covers; in or out on any other port always exits. */
enum { VMX_NPORTS = 256 };

enum vmx_exit_reason {
	VMX_EXIT_NONE,  /* no exit since the last entry */
	VMX_EXIT_INSN,  /* an intercepted instruction, not executed: qual = its word */
	VMX_EXIT_IO,    /* in or out on an intercepted port, not executed: qual, see below */
	VMX_EXIT_TRAP,  /* a trap or interrupt the VMCB intercepts: qual = its cause */
	VMX_EXIT_HCALL, /* hcall, like VMCALL, always exits (it has retired): qual = its code */
	VMX_EXIT_FAULT, /* the guest's third trap in a row: its triple fault */
	VMX_EXIT_HOST,  /* the host took the processor back (see vmx_exit) */
	VMX_EXIT_NPF,   /* nested paging: the monitor's nested table has no entry for
	                 * a guest-physical address (EPT violation): qual = it */
	VMX_EXIT_REASONS
};

/* VMX_EXIT_IO's qualification, packed as VT-x packs it: the port in bits
 * 15..0, bit 16 set for in (clear for out), the register in bits 23..20. */
enum { VMX_IO_IN = 1u << 16 };
static inline uint32_t vmx_io_port(uint32_t qual) { return qual & 0xFFFF; }
static inline bool vmx_io_is_in(uint32_t qual) { return qual & VMX_IO_IN; }
static inline unsigned vmx_io_reg(uint32_t qual) { return (qual >> 20) & 15; }

/* The architectural state an entry or exit swaps. */
struct vmx_state {
	uint32_t r[NREGS];
	uint32_t pc, psw;
	uint32_t sr[SR_COUNT];
	uint32_t ipend_timer;
};

struct vmcb {
	/* Control area. Guest-physical address a is real region_base + a,
	 * below region_size: the guest's own relocation composes with it. */
	uint32_t region_base, region_size;
	uint32_t intercept_op[256 / 32];      /* opcode bits: exits instead of executing */
	uint32_t intercept_cause;             /* 1 << cause: exits instead of vectoring */
	uint32_t intercept_silent;            /* 1 << NV_x: in guest user mode, an instruction
	                                       * nonvirt has made silent exits instead */
	uint32_t io_bitmap[VMX_NPORTS / 32];  /* port bits: in and out exit; clear: the port
	                                       * is the guest's own (the processor's dev) */
	uint32_t virq;        /* lines the monitor raises: delivered when the guest's IE allows */
	uint32_t irq_direct;  /* lines of the processor's dev the guest takes itself */
	uint32_t intercept_mtsr;  /* 1 << sr: mtsr to that register exits (VT-x's CR3-load
	                           * exiting is this bit for ptb) */
	/* Paging in guest mode (ISA.md sections 11 and 12): real physical
	 * addresses of page directories, or 0 for none. */
	uint32_t npt;         /* nested paging (EPT, NPT): guest-physical to real, for all
	                       * of the guest's accesses and its page-table walks */
	uint32_t spt_user;    /* without it, shadow paging: the table the guest's paged
	                       * user mode runs on, in place of its own */
	uint32_t spt_sv;      /* and the table its unmapped supervisor mode runs on, in
	                       * place of the region (so that the monitor can
	                       * write-protect the guest's page tables) */
	struct mem dma;       /* what a device's DMA reaches in guest mode: the region (an IOMMU) */
	/* Guest-state and host-state areas. */
	struct vmx_state guest, host;
	/* Exit information. */
	enum vmx_exit_reason exit_reason;
	uint32_t exit_qual;
	uint32_t exit_word;           /* INSN, IO: the instruction word; NPF: the pfinfo bits */
	struct cpu_trap exit_trap;    /* TRAP, HCALL, FAULT: the trap as raised; else pc */
};

/* A control block with nothing intercepted but what the hardware always
 * takes (hcall) and every port: the monitor then opens what it will. */
void vmx_init(struct vmcb *b, uint32_t region_base, uint32_t region_size, const struct mem *real);

/* VM entry (VMLAUNCH, VMRUN): save the processor's state into b->host,
 * load b->guest, enter guest mode; cpu_run then runs the guest. */
void vmx_enter(struct cpu *c, struct vmcb *b);
/* VM exit: save the guest's state into the VMCB with the reason and
 * qualification, load the host's, leave guest mode; returns STOP_VMEXIT.
 * The processor makes every exit itself; a host calls it with
 * VMX_EXIT_HOST to take the processor back when cpu_run returned for a
 * reason of its own (the budget ran out, the guest halted or idles). */
int vmx_exit(struct cpu *c, enum vmx_exit_reason why, uint32_t qual);
/* True in guest mode. */
static inline bool cpu_in_guest(const struct cpu *c) { return c->guest_mode; }

/* The control area's bitmaps, one bit at a time. */
void vmx_intercept_op(struct vmcb *b, unsigned opcode, bool on);
void vmx_intercept_port(struct vmcb *b, uint32_t port, bool on);
void vmx_intercept_cause(struct vmcb *b, enum trap_cause cause, bool on);
bool vmx_intercepts_op(const struct vmcb *b, unsigned opcode);
bool vmx_intercepts_port(const struct vmcb *b, uint32_t port);

/* "insn", "io", "trap", "hcall", "triple fault", "host". */
const char *vmx_exit_name(enum vmx_exit_reason r);

#endif
