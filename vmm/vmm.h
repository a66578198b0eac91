/*
 * vmm/vmm.h: a virtual machine and its monitor: the one door every tool uses.
 * Owns: struct vm (opaque): a guest's virtual CPU, its region of the real
 *       machine's memory, its virtual devices, its statistics and its log of
 *       VM exits; running it in one of the modes below, bare included.
 * Not:  the machine itself (cpu/); reading ELF files (the tools do, into
 *       the struct vm_image below); the
 *       equivalence diff (vmm/equiv.h) and the classifier (vmm/classify.h).
 * Implements: Popek & Goldberg 1974: a VMM is a control program with three
 *       properties: efficiency (most guest instructions run on the real
 *       machine), resource control (the guest cannot reach what it was not
 *       given), equivalence (the guest cannot tell, save for timing).
 *
 * The real machine's memory holds the VMM's own area (VM_VMM_AREA bytes,
 * filled with a known pattern) and then the VM's region: guest-physical 0 is
 * real physical VM_VMM_AREA. In bare mode there is no monitor: the guest owns
 * the whole machine and its memory starts at real 0.
 */
#ifndef TRAPEZE_VMM_H
#define TRAPEZE_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cost.h"
#include "cpu.h"

struct vm;
struct vm_placement;

/* How the guest is run. Each technique has its own file and a row in
 * vmm/vm.c's table of techniques. */
enum vmm_mode {
	MODE_BARE,    /* no monitor: the guest is the machine */
	MODE_EMULATE, /* full software emulation: every instruction interpreted */
	MODE_TRAP,    /* trap-and-emulate: P&G's control program (Theorem 1) */
	MODE_HYBRID,  /* interpret supervisor code, run user code natively (Theorem 3) */
	MODE_PATCH,   /* trap-and-emulate, the kernel's non-trapping sensitive code patched */
	MODE_BT,      /* binary translation of supervisor code, user code native */
	MODE_HW,      /* hardware assist: the guest kernel in guest mode (cpu/vmx.h) */
	MODE_PV,      /* paravirtualisation: a kernel that asks by hypercall */
	MODE_COUNT
};

enum {
	VM_DEFAULT_MEM = 1u << 20,  /* guest-physical memory unless asked otherwise */
	VM_MAX_MEM = 256u << 20,    /* the largest guest a VM may be given */
	VM_VMM_AREA = 64u << 10,    /* the monitor's own memory, below every region */
	VM_DEFAULT_TC = 64u << 10,  /* bt: the translation cache's size unless asked */
	VM_MIN_TC = 1u << 10,       /* bt: the smallest cache (it holds the longest block) */
};

struct vm_options {
	enum vmm_mode mode;
	uint32_t mem_size;      /* guest-physical bytes; 0 means VM_DEFAULT_MEM */
	unsigned nonvirt;       /* (1u << NV_x) bits: see cpu_parse_nonvirt */
	const char *disk_path;  /* disk image file, or NULL for no disk */
	FILE *console;          /* where console output goes, or NULL */
	bool capture;           /* keep every console byte (vm_console) */
	uint64_t max_output;    /* console bytes kept before output is dropped; 0 = no limit */
	uint64_t step_limit;    /* guest instructions in all, then STOP_LIMIT; 0 = none */
	const void *input;      /* console input, queued before the guest starts */
	size_t input_len;
	uint32_t tc_size;       /* bt: translation cache bytes; 0 = VM_DEFAULT_TC */
	enum vmm_cpu cpu;       /* the processor the monitor's costs are priced for (cost.h) */
	unsigned passthrough;   /* hw: VM_PASS_ bits, devices assigned to the VM itself */
	uint32_t balloon;       /* pv: pages the monitor asks back once the guest runs */
	/* A host of several VMs (vmm/host.h) gives each its place in the one
	 * machine's memory and may share one disk image among them; NULL for
	 * a VM that has a machine of its own (everything else, as ever). */
	const struct vm_placement *place;
	const struct disk_base *disk_base; /* boot from it, copy-on-write (not with disk_path) */
	const char *disk_name;  /* with disk_base: the file it was read from, which a
				 * snapshot names for the side that restores it */
	/* A network card (cpu/net.h), when card is set: its MAC and its cable
	 * (loopback for a VM alone; a host's switch gives its VMs a wire). How
	 * the monitor gives it to the guest follows from the mode: emulated,
	 * paravirtual (the pv kernel's ring) or, with VM_PASS_NET under hw,
	 * passed through (vmm/net_*.c). */
	struct vm_net_options {
		bool card;
		enum net_link link;
		uint8_t mac[NET_MAC_BYTES];
	} net;
};

/*
 * Where a host puts a VM in the memory of its one machine: the VM's
 * region (guest-physical 0 is real region_base) and the pool of page-table
 * pages its monitor keeps (vm_monitor_pages of them), both inside host_mem,
 * which every VM of the host shares; the monitor's own area is its first
 * vmm_area bytes, filled by the host (vm_vmm_area_fill). The VM's real CPU
 * is then a view of that whole memory: the one processor's state, saved
 * and restored at each switch between VMs, its TLB kept per VM as if
 * tagged with the VM's number (Intel's VPID).
 */
struct vm_placement {
	struct mem *host_mem;
	uint32_t vmm_area;
	uint32_t region_base;
	uint32_t pool_base, pool_pages;
};
/* Pages of the monitor's page-table pool a VM of options o needs (0 for
 * the modes that keep no tables of their own). */
uint32_t vm_monitor_pages(const struct vm_options *o);
/* Fill the first bytes of m (a multiple of 4) with the monitor's pattern,
 * the one vm_vmm_intact checks. */
void vm_vmm_area_fill(struct mem *m, uint32_t bytes);

/* Devices a VM can be given for its own (hw mode; other modes ignore the
 * bits): their ports reach the device with no VM exit at all. The network
 * card (VT-d's passthrough of a NIC): its ports, its interrupt and its DMA,
 * confined to the VM's region. */
enum { VM_PASS_CON2 = 1u << 0, VM_PASS_NET = 1u << 1, VM_IO_PORTS = 64, VM_PAGE = 4096 };
/* The MAC a VM's card has unless told: 02:00:00:00:00:01 (a locally
 * administered address: bit 1 of the first byte). */
extern const uint8_t vm_default_mac[NET_MAC_BYTES];

/* What the monitor did about an event: the log the TUI and monitor show. */
enum vm_action {
	VM_DELIVERED, /* the (real or interpreted) hardware vectored a guest trap */
	VM_EMULATED,  /* a privileged instruction was emulated on the virtual CPU */
	VM_REFLECTED, /* a trap was passed into the guest's virtual trap vector */
	VM_INJECTED,  /* a pending virtual interrupt was delivered to the guest */
	VM_PENDED,    /* the virtual timer ran out: its interrupt is now pending */
	VM_STOPPED,   /* the exit ended the run (halt, idle or a triple fault) */
};

/* Why the real CPU left the guest for the monitor: the trap it took (a
 * CAUSE_* value: PRIV for a privileged instruction under trap-and-emulate,
 * HYPERCALL for pv's hypercalls, TIMER, SYSCALL...), or, under hw, what the
 * VMCB intercepted: a port access, wfi, setpsw, another instruction. */
enum vm_exit_reason {
	VM_EXIT_IO = CAUSE_COUNT, /* hw: in or out on an intercepted port */
	VM_EXIT_WFI,              /* hw: wfi */
	VM_EXIT_SETPSW,           /* hw: setpsw (the early processor intercepts it) */
	VM_EXIT_INSN,             /* hw: another intercepted instruction */
	VM_EXIT_NET,              /* the network card: a port access the monitor plays
	                           * (emulated), or a ring notification (pv) */
	VM_EXIT_NPF,              /* hw: nested paging: the nested table lacked a page */
	VM_EXIT_CR3,              /* hw, shadow paging: mtsr ptb (CR3-load exiting) */
	VM_EXIT_REASONS
};

struct vm_event {
	enum vm_action action;
	bool exit;               /* the real CPU left the guest for the monitor */
	int reason;              /* exits: why (enum vm_exit_reason, vm_exit_name) */
	enum trap_cause cause;   /* the trap or interrupt */
	uint32_t detail, epc, pc;
	uint32_t word;           /* VM_EMULATED: the instruction word */
	bool user;               /* the guest's virtual mode when it happened */
	uint64_t index;          /* guest instructions retired before it */
	uint32_t vector;         /* where the guest continues (delivered, reflected, injected) */
	uint64_t seq;            /* events the VM emitted before this one: 0, 1, 2 ... */
	uint64_t pos;            /* vm_position when it happened */
};
typedef void (*vm_event_hook)(void *ctx, const struct vm *vm, const struct vm_event *e);

struct vm_stats {
	uint64_t retired;        /* guest instructions retired */
	uint64_t native;         /* of which ran directly on the real CPU */
	uint64_t emulated;       /* of which were privileged instructions emulated by the VMM */
	uint64_t interpreted;    /* of which were interpreted in software */
	uint64_t exits;          /* VM exits: the real CPU left the guest for the VMM */
	uint64_t exits_by_cause[CAUSE_COUNT]; /* the trap the real CPU took (hw: PRIV for
	                                       * an intercepted instruction or port) */
	uint64_t exits_by_reason[VM_EXIT_REASONS]; /* why it left: vm_exit_name */
	uint64_t reflected, injected;
	uint64_t guest_traps[CAUSE_COUNT]; /* traps and interrupts the guest saw */
	uint64_t cycles;         /* the VM's clock: guest_cycles + vmm_cycles */
	uint64_t guest_cycles;   /* what the guest's own work cost (as on bare) */
	uint64_t vmm_cycles;     /* what the monitor cost (vmm/cost.h) */
	uint64_t idle_ticks;     /* time spent waiting in wfi */
	uint64_t host_ns;        /* host time inside vm_run: for display only */
	/* bt: of retired, guest instructions run as translated code (copies of
	 * the guest kernel's innocuous instructions, from the translation cache):
	 * not native (the monitor chose and placed them), not interpreted. */
	uint64_t translated;
	struct vm_bt_stats {
		uint64_t blocks;      /* blocks translated (again after a flush or a write) */
		uint64_t words;       /* guest instructions translated */
		uint64_t entries;     /* blocks entered from their start */
		uint64_t hits;        /* of which already translated (the rest were translated then) */
		uint64_t chained;     /* of which through a chained exit: no look-up at all */
		uint64_t callouts;    /* sensitive instructions emulated by a call into the VMM */
		uint64_t invalidated; /* translations dropped because the guest wrote their code */
		uint64_t flushes;     /* times the full cache was emptied */
		uint64_t cache_bytes; /* in use now */
		uint64_t cache_peak;  /* in use at most */
		uint64_t cache_size;  /* the cache's capacity */
		uint64_t adaptive;    /* stores retranslated as callouts: they wrote page tables */
	} bt;
	struct vm_patch_stats {
		uint64_t scanned;     /* guest kernel words examined */
		uint64_t patched;     /* sensitive instructions rewritten to trap */
		uint64_t watched;     /* indirect jumps rewritten to trap */
		uint64_t hits;        /* patched words executed: each a VM exit */
		uint64_t rewritten;   /* scanned words the guest overwrote, found at an exit */
	} patch;
	/* hw: port accesses that left the guest (VM exits), by port (ports
	 * from VM_IO_PORTS up are counted in the last), and those that reached
	 * a device assigned to the VM without one. */
	uint64_t io_exits;
	uint64_t io_exits_by_port[VM_IO_PORTS];
	uint64_t direct_io;
	struct vm_pv_stats {
		uint64_t hypercalls;  /* hcalls served (each also a VM exit) */
		uint64_t by_call[32]; /* by hypercall number (isa-spec/hypercalls.def) */
		uint64_t notifies;    /* block-ring notifications: one per batch */
		uint64_t requests;    /* block requests served from the ring */
		uint64_t balloon;     /* pages the guest gave back */
		uint64_t deflated;    /* pages it took back again when the target dropped */
	} pv;
	/* The network card as the monitor gives it (vmm/net_*.c); the card's
	 * own counts (frames, bytes, drops) are the card's (vm_net_info). */
	struct vm_net_stats {
		uint64_t port_exits;  /* emulated: port accesses to the card that exited */
		uint64_t copies;      /* emulated and pv: frames the monitor copied to or from memory */
		uint64_t notifies;    /* pv: transmit notifications (one per batch) */
		uint64_t ring_sent;   /* pv: frames taken from the transmit ring */
		uint64_t ring_received; /* pv: frames put into posted receive buffers */
		uint64_t ring_errors; /* pv: descriptors refused (outside memory, too long, a
		                       * page table) and rings with impossible indices */
	} net;
	/* Memory virtualisation (vmm/shadow.c, hwassist.c, pv_paging.c): page
	 * faults by kind, and the monitor's page tables. */
	struct vm_mmu_stats {
		uint64_t hidden;      /* faults the guest never sees: the shadow lacked an entry */
		uint64_t true_faults; /* faults the guest's own tables make: reflected to it */
		uint64_t tracing;     /* guest writes to its page tables, caught and emulated */
		uint64_t switches;    /* the shadow in use changed (the guest switched ptb) */
		uint64_t resyncs;     /* shadow entries dropped: their guest entry was written */
		uint64_t spaces;      /* shadow address spaces built */
		uint64_t evictions;   /* shadows dropped to make room */
		uint64_t pool_pages;  /* pages of the monitor's table pool in use now */
		uint64_t pool_peak;
		uint64_t pool_size;
		uint64_t nested_walks;/* nested paging: TLB fills that walked the nested table */
		uint64_t nested_refs; /* and the references they made to it */
		uint64_t updates;     /* pv: page-table entries changed by hypercall */
		uint64_t refused;     /* pv: updates refused (they would break isolation) */
	} mmu;
};

/* Defaults: bare, 1 MiB, no nonvirt, no disk, no console, no limits. */
void vm_options_init(struct vm_options *o);

/* A VM in the given options' mode, its memory zeroed, at guest-physical pc 0
 * in supervisor mode with interrupts off (the bare machine's reset). False,
 * with a one-line message in err, on a bad option, an unreadable disk image
 * or no host memory. */
bool vm_create(struct vm **out, const struct vm_options *opt, char *err, size_t errlen);
/* Free everything the VM holds. NULL is allowed. */
void vm_destroy(struct vm *vm);
/* Copy len bytes into guest-physical memory at gpa; false if outside. */
bool vm_load(struct vm *vm, uint32_t gpa, const void *bytes, uint32_t len);
/* A program as the monitor takes it: what to place where, where to start,
 * and the two facts that decide which modes may run it. The monitor owns
 * this form; files (ELF) are the tools' business (tools/image/). */
struct vm_segment {
	uint32_t addr;          /* guest-physical load address */
	uint32_t size;          /* bytes at data */
	const uint8_t *data;
};
struct vm_image {
	uint32_t entry;         /* guest-physical pc to start at */
	const struct vm_segment *segs;
	int nsegs;
	bool is_guest_kernel;   /* the guest OS kernel (it defines ktext_end) */
	bool is_pv_kernel;      /* its paravirtual build (it defines pv_shared) */
	const char *name;       /* named in messages; may be NULL */
};
/* Place every segment into guest-physical memory and set pc to the entry.
 * False, placing nothing, with a one-line message in err, when a segment or
 * the entry lies outside memory, or the image may not run in this mode (the
 * guest OS kernel's paravirtual build only under pv, its plain build
 * anywhere but pv). */
bool vm_load_image(struct vm *vm, const struct vm_image *img, char *err, size_t errlen);
/* The placing half, for any machine's memory m: every segment copied, or
 * nothing and false with "NAME: error: what" in err when a segment or the
 * entry point lies outside m. */
bool vm_image_place(const struct vm_image *img, struct mem *m, char *err, size_t errlen);

/* Run until max more guest instructions have retired (or the step limit;
 * 2^63 in all at most), or the guest halts, idles for ever or triple-faults.
 * Returns why: never STOP_TRAP. Deterministic: runs in several pieces end
 * where one run ends. After a halt, idle or fault the VM stays stopped and
 * returns that again. STOP_WAIT (a card on a wire, its guest waiting in wfi
 * for a frame only the wire can bring) does not stop it: whoever runs it
 * lets time pass (vm_idle_for), brings the frame, and runs it again. */
enum cpu_stop vm_run(struct vm *vm, uint64_t max);
/* For a host's scheduler: as vm_run(vm, max), but it also returns once the
 * VM's clock has advanced by cycles or more (at the end of the monitor's
 * round that passed it), and right after a round in which the guest waited
 * in wfi (its idle time skipped at once, counted in idle_ticks): *idled
 * says so. Splitting a run this way changes nothing the guest can see. */
enum cpu_stop vm_run_slice(struct vm *vm, uint64_t max, uint64_t cycles, bool *idled);

/* For debuggers (tools/mon/, tools/tui/): one guest instruction retired, or
 * one trap or interrupt entered, whichever comes first (as cpu_step), so a
 * breakpoint at a trap vector is seen before the handler's first
 * instruction runs. Otherwise as vm_run(vm, 1). */
enum cpu_stop vm_step(struct vm *vm);
/* After STOP_IDLE, once the tool has queued console input (dev_con_feed on
 * vm_devices): the wfi, which did not retire, is tried again on the next
 * run. False, changing nothing, when the VM is not idle. */
bool vm_wake(struct vm *vm);

/* What the guest can observe: its virtual CPU (registers, pc, virtual psw,
 * special registers as mfsr reads them), its memory and its console. */
enum vmm_mode vm_mode(const struct vm *vm);
/* The processor its costs are priced for (--cpu). */
enum vmm_cpu vm_cpu(const struct vm *vm);
uint32_t vm_reg(const struct vm *vm, unsigned n);
uint32_t vm_pc(const struct vm *vm);
uint32_t vm_psw(const struct vm *vm);
uint32_t vm_sreg(const struct vm *vm, unsigned sr);
uint64_t vm_retired(const struct vm *vm);
/* Where the run stands, in steps: guest instructions retired plus traps
 * and interrupts entered. Each vm_step takes the guest one step on; a
 * step that retires sys, brk or hcall, or a jump to where nothing can be
 * fetched, enters its trap too (two positions in one step). The points a
 * debugger stops at and goes back to (vmm/history.h). */
uint64_t vm_position(const struct vm *vm);
/* Events (vm_set_event_hook) the VM has emitted so far: the next one's seq. */
uint64_t vm_events(const struct vm *vm);
/* The virtual CPU itself, read-only: for a display of all its state. */
const struct cpu *vm_vcpu(const struct vm *vm);
/* The real machine's CPU, read-only, for displays beside the virtual one.
 * Bare, it is the guest (vm_vcpu returns it too). Under a monitor it holds
 * what the guest last ran natively with: real user mode, the composed
 * relocation, the real trap that caused the last exit; in emulate mode it
 * never runs the guest and stays as reset. */
const struct cpu *vm_real_cpu(const struct vm *vm);
/* Change a register, the pc, the psw or a special register of the guest's
 * (virtual) CPU: a debugger's privilege, not the guest's. The psw keeps
 * its defined bits (mode, IE, flags); writing timer acknowledges its
 * interrupt, as mtsr does; vm_set_sreg is false, changing nothing, for a
 * read-only (memsize, ipend) or unknown register. */
void vm_set_reg(struct vm *vm, unsigned n, uint32_t v);
void vm_set_pc(struct vm *vm, uint32_t pc);
void vm_set_psw(struct vm *vm, uint32_t psw);
bool vm_set_sreg(struct vm *vm, unsigned sr, uint32_t v);
/* Guest-physical memory. */
const struct mem *vm_memory(const struct vm *vm);
/* Guest-virtual address in the current virtual mode to guest-physical. */
bool vm_translate(const struct vm *vm, uint32_t va, uint32_t *gpa);
/* A user address's translation, both ways it is made (ISA.md section 12):
 * the guest's own walk of its tables (guest-physical), and the walk the
 * real processor makes for it under this monitor: the shadow of the
 * guest's address space, nested paging's two-dimensional walk, or a
 * paravirtual kernel's own tables of machine addresses. For debuggers. */
struct vm_page_walk {
	bool paging;             /* the guest's user mode pages */
	struct cpu_walk guest;   /* its walk (addresses guest-physical) */
	const char *how;         /* "bare", "shadow", "nested", "direct", "interpreted" */
	bool has_real;           /* a real walk exists (the shadow may lack the entry yet) */
	struct cpu_walk real;    /* the real processor's walk (real physical addresses) */
	uint32_t region_base;    /* real physical address of guest-physical 0 */
};
void vm_page_walk(const struct vm *vm, uint32_t va, struct vm_page_walk *w);
/* The console bytes written so far (needs capture), and their number. */
const char *vm_console(const struct vm *vm, size_t *len);
/* The VM's (virtual) devices: for a tool to attach terminal input. */
struct devices *vm_devices(struct vm *vm);
/* Queue console input for the guest, as a person typing at its terminal,
 * and wake it if it waits for some (vm_wake); returns the bytes the
 * console's queue took (the rest is lost, as on a real UART). A VM that
 * keeps a history (vmm/history.h) records them with the position. */
size_t vm_feed_console(struct vm *vm, const void *bytes, size_t len);
/* True once the guest wrote the power port; *code is its value. */
bool vm_halted(const struct vm *vm, uint32_t *code);
/* True when the last vm_run stopped because the step limit was reached. */
bool vm_at_step_limit(const struct vm *vm);

/* Statistics of everything run so far. */
void vm_get_stats(const struct vm *vm, struct vm_stats *s);
/* native / retired, in percent (100 when nothing ran). */
double vm_efficiency(const struct vm_stats *s);
/* Resource control: true when the VMM's own memory is byte for byte as it
 * was filled (always true in bare mode, which has none). */
bool vm_vmm_intact(const struct vm *vm);
/* Code patching's traces: true when the monitor has rewritten the
 * guest-physical word at gpa, which the guest would otherwise read as
 * *original. Always false outside patch mode (bt leaves no traces). */
bool vm_patched_word(const struct vm *vm, uint32_t gpa, uint32_t *original);
/* The bytes the second console has written so far (needs capture). */
const char *vm_console2(const struct vm *vm, size_t *len);
/* pv: ask the guest's balloon driver for pages pages back in all; the
 * guest sees the request at its next clock tick. A target below what the
 * guest has given lets it take the difference back (the balloon deflates:
 * only do it when that memory above the region is free again). False
 * outside pv mode. */
bool vm_balloon_request(struct vm *vm, uint32_t pages);
/* pv: the balloon as it stands: what was asked, what the guest gave back
 * (the monitor took those pages off the top of the region and reuses
 * them), the region's size now, and whether the given pages are still as
 * the monitor left them (the guest never touched them again). */
struct vm_balloon {
	uint32_t target, given;
	uint32_t region_size;
	bool intact;
};
void vm_balloon_info(const struct vm *vm, struct vm_balloon *b);
/* Be told of every VM exit and every trap delivered to the guest. */
void vm_set_event_hook(struct vm *vm, vm_event_hook fn, void *ctx);

/* Who, besides the guest's own instructions, read or wrote guest memory:
 * the debugger's watchpoints say so when one of them is hit. */
enum vm_accessor {
	VM_ACC_DMA,        /* the disk's DMA (detail: the sector) */
	VM_ACC_HYPERCALL,  /* pv: the monitor serving a hypercall (shared page, ring, args) */
	VM_ACC_PV_MMU,     /* pv: a page-table entry the monitor wrote for the guest (detail: the entry) */
	VM_ACC_BALLOON,    /* pv: the monitor taking or giving back a balloon's page */
	VM_ACC_SHADOW_AD,  /* shadow paging: accessed and dirty bits set in the guest's table */
	VM_ACC_TRACED,     /* a guest store the monitor caught and made itself (a page
	                    * table it shadows, or bt's callout) */
	VM_ACC_PATCH,      /* code patching: the monitor rewrote a word of kernel code */
	VM_ACC_DEBUGGER,   /* a debugger's write (vm_load) */
	VM_ACCESSORS
};
struct vm_access {
	enum vm_accessor who;
	uint32_t gpa, len;       /* guest-physical bytes */
	bool write;
	uint32_t detail;
};
typedef void (*vm_access_hook)(void *ctx, const struct vm *vm, const struct vm_access *a);
/* Be told of every access to guest memory the monitor or a device makes in
 * the guest's place (never the guest's own loads and stores, nor fetches).
 * None set: nothing is asked, and the guest's fast paths never look. */
void vm_set_access_hook(struct vm *vm, vm_access_hook fn, void *ctx);
/* "the disk's DMA", "the VMM (code patching)", ...: who, in words. */
const char *vm_accessor_name(enum vm_accessor w);
/* The network card as it stands (monitor's `info net`). */
enum vm_net_way {
	VM_NET_NONE,        /* no card */
	VM_NET_BARE,        /* no monitor: the machine's own card */
	VM_NET_EMULATED,    /* every port access exits; the monitor plays the card */
	VM_NET_PARAVIRTUAL, /* the pv kernel's ring, one notification per batch */
	VM_NET_PASSTHROUGH, /* hw: the card assigned to the VM, no exit at all */
};
struct vm_net_info {
	enum vm_net_way way;
	const struct netcard *card;  /* its registers, queues and counts (NULL: none) */
	bool ring;                   /* pv: the kernel set a ring up */
	uint32_t ring_addr;          /* its guest-physical address */
	uint32_t tx_prod, tx_cons, rx_prod, rx_cons, rx_seen; /* as the ring says now */
};
void vm_net_info(const struct vm *vm, struct vm_net_info *info);
/* The VM's card itself, for a host's switch that takes and brings its
 * frames (NULL: none). */
struct netcard *vm_net_card(struct vm *vm);
/* "none", "bare", "emulated", "paravirtual", "passthrough". */
const char *vm_net_way_name(enum vm_net_way w);
/* A host's physical cards, passed through: holder[c] is the VM card c is
 * assigned to, or -1. Assign card to vm: false when there is no such card
 * (*other -1) or another VM holds it already (*other says which). */
bool vm_net_assign(int *holder, int ncards, int card, int vm, int *other);
/* For a host: t instruction times pass on a VM that waits (STOP_WAIT) for
 * a frame: its clock advances, its timer counts them (cpu_idle_for). */
void vm_idle_for(struct vm *vm, uint64_t t);

/* Names: "bare", "emulate", "trap", "hybrid", "patch", "bt", ... (vm.c's
 * table of techniques, in enum order). vmm_mode_parse returns false
 * for an unknown name; vmm_mode_names lists them, comma separated. */
const char *vmm_mode_name(enum vmm_mode m);
bool vmm_mode_parse(const char *name, enum vmm_mode *out);
const char *vmm_mode_names(void);
/* A one-line description of the technique, for --help and the TUI. */
const char *vmm_mode_summary(enum vmm_mode m);
/* "delivered", "emulated", ... */
const char *vm_action_name(enum vm_action a);
/* An exit's reason as the trace, the monitor and --stats name it: "PRIV",
 * "HYPERCALL", "TIMER", "IO", "WFI", "SETPSW"... */
const char *vm_exit_name(int reason);
/* The non-zero counts of count[1..n-1] (by trap cause, n = CAUSE_COUNT, or
 * by exit reason, n = VM_EXIT_REASONS) as "SYSCALL 3, PRIV 28", or "none";
 * into buf (len bytes, always terminated). */
void vm_counts_text(const uint64_t *count, int n, char *buf, size_t len);
/* "limit", "halt", "idle", "triple fault", ... */
const char *vm_stop_name(enum cpu_stop s);

#endif
