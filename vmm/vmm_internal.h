/*
 * vmm/vmm_internal.h: what the files of vmm/ share and no tool calls.
 * Owns: struct vm's layout; the shared mechanics of the virtual CPU (one
 *       emulated instruction retired, a trap reflected, an interrupt
 *       injected, the monitor's cost charged) and of running the guest
 *       natively on the real CPU; one entry point per technique.
 * Not:  the public door (vmm.h).
 */
#ifndef TRAPEZE_VMM_INTERNAL_H
#define TRAPEZE_VMM_INTERNAL_H

#include "cost.h"
#include "vmm.h"

/* The paravirtual interface (isa-spec/hypercalls.def): hypercall numbers
 * and the layouts of the shared page and the ring (pv.c, pv_paging.c). */
enum hcall {
#define HCALL(name, num, args, result, replaces, doc) HC_##name = num,
#include "../isa-spec/hypercalls.def"
#undef HCALL
};

enum pvdef {
#define PVDEF(name, value, doc) PV_##name = value,
#include "../isa-spec/hypercalls.def"
#undef PVDEF
};

/* A mechanic's result: go on running, or stop with this enum cpu_stop. */
enum { VMM_GO_ON = -1 };

struct vm {
	struct vm_options opt;
	/* The real machine. In bare mode it is also the guest; otherwise its
	 * memory is [VMM area | VM region] and it has no devices of its own. */
	struct cpu real;
	/* The virtual CPU: the guest's state as the monitor keeps it. Its psw
	 * holds the virtual mode and IE, sr[] the virtual special registers,
	 * mem a view of the region, dev the virtual devices. Unused in bare. */
	struct cpu vcpu;
	struct devices dev;       /* the VM's devices (virtual unless bare) */
	uint32_t region_base;     /* real physical address of guest-physical 0 */
	uint32_t region_size;
	uint32_t vmm_area;        /* the monitor's own bytes at real 0 (vm_vmm_intact) */
	struct vm_stats stats;
	vm_event_hook on_event;
	void *event_ctx;
	uint64_t events;          /* events emitted so far (vm_events) */
	vm_access_hook on_access; /* a debugger's ear for the monitor's accesses (access.c) */
	void *access_ctx;
	struct vm_history *hist;  /* the recorded past, when kept (history.c) */
	FILE *input_rest;         /* console input beyond the first queue-full */
	uint64_t delivered;       /* traps and interrupts delivered to the guest */
	bool stopped;             /* halted, idle for ever or triple-faulted */
	enum cpu_stop stop;
	bool at_limit;
	struct bt *bt;            /* bt mode: the translator and its cache (bt.c) */
	struct patcher *patcher;  /* patch mode: the scanner and its patch table (patch.c) */
	bool callout;             /* bt: emulating a callout: what happens is no VM exit */
	struct hw *hw;            /* hw mode: the VM control block and its policy (hwassist.c) */
	int exit_reason;          /* hw: the exit being handled (its events say so), or 0 */
	struct pv *pv;            /* pv mode: the shared page, the ring, the balloon (pv.c) */
	struct netpv *netpv;      /* pv mode: the network ring's backend (net_pv.c) */
	struct vmm_pool {         /* the monitor's page-table pages, after the region (physmap.c) */
		uint32_t base, npages, next;
		uint8_t *used;
	} pool;
	struct shadow *shadow;    /* shadow page tables (shadow.c), in the modes that use them */
	struct pvmm *pvmm;        /* pv: direct paging's page types and checks (pv_paging.c) */
	uint32_t cost[VMM_NCOSTS];/* the monitor's costs on the VM's processor (costs.c) */
	/* The disk image of opt.disk_path, read once: the disk is a
	 * copy-on-write overlay of it, so that the sectors the guest wrote are
	 * known (a snapshot sends those, the image is shared storage). */
	struct disk_base disk_own;
	char *disk_path;          /* opt.disk_path's copy (or, hosted, opt.disk_name's) */
	uint32_t disk_crc;        /* CRC-32 of the image the disk reads (its own or a host's) */
	/* A machine laid out as a host lays a VM out, for one VM alone (a
	 * host's VM restored or migrated into `trapeze run`): owned here. */
	struct mem *mirror;
	struct vm_placement mirror_place;
};

/* What row r of cost.h costs on this VM's processor (--cpu). */
static inline uint64_t vmm_cost(const struct vm *vm, enum vmm_cost_row r)
{
	return vm->cost[r];
}
/* vmm/costs.c: price every row for the VM's processor (vm_create does). */
void vmm_load_costs(struct vm *vm);

/* The struct cpu that holds the guest's state: the real one when bare. */
static inline struct cpu *vm_guest(struct vm *vm)
{
	return vm->opt.mode == MODE_BARE ? &vm->real : &vm->vcpu;
}
static inline const struct cpu *vm_guest_c(const struct vm *vm)
{
	return vm->opt.mode == MODE_BARE ? &vm->real : &vm->vcpu;
}

/* vmm/vcpu.c: the virtual CPU's mechanics, mirroring cpu/trap.c and priv.c. */
/* Charge the monitor's own work: the VM's clock advances, the guest's does not. */
void vmm_charge(struct vm *vm, uint64_t cycles);
/* One emulated guest instruction of row in retired: pc = next, the guest's
 * clock advances by its cost and the virtual timer by one tick. */
void vmm_retire(struct vm *vm, const struct isa_insn *in, uint32_t next_pc);
/* Deliver a trap to the guest as the hardware would (cpu/trap.c): virtual
 * epc, epsw, cause, detail; virtual supervisor mode, IE off; pc = virtual
 * tvec; or STOP_FAULT on the third trap in a row with nothing retired.
 * Returns VMM_GO_ON or STOP_FAULT. */
int vmm_reflect_trap(struct vm *vm, enum trap_cause cause, uint32_t detail, uint32_t epc,
		     uint32_t pc, enum vm_action how);
/* The same for a page fault: PAGEFAULT with detail va, and pfinfo = info. */
int vmm_reflect_page_fault(struct vm *vm, uint32_t va, uint32_t info, uint32_t epc, uint32_t pc);
/* If the virtual IE allows and a virtual interrupt is pending, deliver the
 * highest-priority one (cpu/trap.c's order). VMM_GO_ON or STOP_FAULT. */
int vmm_inject_interrupt(struct vm *vm);
/* The real timer, which carried the virtual one, ran out and the guest left
 * the real CPU: log it. VMM_GO_ON. */
int vmm_timer_exit(struct vm *vm);
/* Tell the event hook, if any. */
void vmm_emit(struct vm *vm, const struct vm_event *e);
/* vmm/access.c: tell the access hook, if any, of an access to guest
 * memory that the monitor or a device made. */
void vmm_note_access(struct vm *vm, enum vm_accessor who, uint32_t gpa, uint32_t len, bool write,
		     uint32_t detail);
/* The event hook the interpreted (and bare) CPU calls for each trap it delivers. */
void vmm_on_cpu_trap(void *ctx, const struct cpu *c, const struct cpu_trap *t);
/* Interpret one guest instruction (or one trap entry) on the virtual CPU,
 * charging the interpreter's cost. Returns what cpu_step returned. */
enum cpu_stop vmm_interpret_one(struct vm *vm);

/* vmm/vm.c: vm_run and vm_step themselves, without a history (history.c
 * calls them to record and replay); the end of a budget of max more
 * guest instructions. */
enum cpu_stop vmm_run_plain(struct vm *vm, uint64_t max);
enum cpu_stop vmm_step_plain(struct vm *vm);
uint64_t vmm_budget_end(const struct vm *vm, uint64_t max);

/* vmm/history.c: the past, when a VM keeps it (history.h). */
/* A trap was just entered: logged when the run is new there. */
void vmm_history_delivered(struct vm *vm);
/* vm_run and vm_step with a history: recording, and replaying the
 * recorded run's inputs when they go through it again. */
enum cpu_stop vmm_history_run(struct vm *vm, uint64_t max);
enum cpu_stop vmm_history_step(struct vm *vm);
/* Something from outside changes the VM where it stands (not while the
 * history itself gives it again): recorded with the position, the
 * recorded future after it forgotten. Called before the change is made. */
enum vmm_input_kind { IN_CONSOLE, IN_WAKE, IN_REG, IN_PC, IN_PSW, IN_SREG, IN_MEM };
void vmm_history_input(struct vm *vm, enum vmm_input_kind kind, uint32_t n, uint32_t v,
		       const void *bytes, uint32_t len);
void vmm_history_free(struct vm *vm);

/* vmm/native.c: run the guest on the real CPU, deprivileged, for at most max
 * guest instructions: compose relocation, load the virtual state, cpu_run
 * with exit_on_trap, copy the state back. STOP_LIMIT or STOP_TRAP (the exit
 * is in vm->real.trap, already counted and charged). */
enum cpu_stop vmm_run_native(struct vm *vm, uint64_t max);

/* vmm/trap_emulate.c: emulate the privileged instruction word that trapped
 * out of virtual supervisor mode; VMM_GO_ON or a stop. */
int vmm_emulate_privileged(struct vm *vm, uint32_t word);
/* Handle the exit in vm->real.trap as trap-and-emulate does: the virtual
 * timer's interrupt made pending, a privileged instruction from virtual
 * supervisor mode emulated, any other trap reflected. VMM_GO_ON or a stop. */
int vmm_trap_exit(struct vm *vm);

/* One entry point per technique: a round, the smallest piece of progress
 * the technique makes towards `end` guest instructions retired in all:
 * delivering one trap or interrupt, or running the guest (at most to end)
 * up to its next exit and handling that. VMM_GO_ON or a stop (never
 * STOP_LIMIT). vm_run repeats rounds to its budget; vm_step until the guest
 * has retired one instruction or been delivered one trap. */
int vmm_round_emulate(struct vm *vm, uint64_t end);
int vmm_round_trap(struct vm *vm, uint64_t end);
int vmm_round_hybrid(struct vm *vm, uint64_t end);
int vmm_round_patch(struct vm *vm, uint64_t end);
int vmm_round_bt(struct vm *vm, uint64_t end);
int vmm_round_hw(struct vm *vm, uint64_t end);
int vmm_round_pv(struct vm *vm, uint64_t end);

/* The state some techniques keep beside the virtual CPU: made by vm_create
 * (false, with a message, when host memory runs out), freed by vm_destroy. */
bool vmm_patch_create(struct vm *vm, char *err, size_t errlen);
void vmm_patch_destroy(struct vm *vm);
bool vmm_bt_create(struct vm *vm, char *err, size_t errlen);
void vmm_bt_destroy(struct vm *vm);
bool vmm_hw_create(struct vm *vm, char *err, size_t errlen);
void vmm_hw_destroy(struct vm *vm);
bool vmm_pv_create(struct vm *vm, char *err, size_t errlen);
void vmm_pv_destroy(struct vm *vm);
/* pv.c: whether an image may run in this VM's mode: the guest OS kernel's
 * paravirtual build only under pv, its plain build anywhere but pv (other
 * programs anywhere). False with a message saying which to run instead. */
bool vmm_pv_check_image(const struct vm *vm, const struct vm_image *img, char *err, size_t errlen);

/* vmm/physmap.c: the pool of real pages the monitor's tables live in,
 * after the region; and the physical map (guest-physical to real). */
uint32_t vmm_pool_pages(uint32_t region_size);
bool vmm_pool_init(struct vm *vm, uint32_t base, uint32_t npages);
void vmm_pool_free_all(struct vm *vm);
/* A zeroed pool page's real address, or 0 when the pool is full. */
uint32_t vmm_pool_alloc(struct vm *vm);
void vmm_pool_give(struct vm *vm, uint32_t real);
uint32_t vmm_pool_free_pages(const struct vm *vm);
/* A table mapping every whole guest-physical page to its real page (user,
 * writable); its directory's real address, or 0 when the pool is full. */
uint32_t vmm_physmap_build(struct vm *vm);
/* Make the map's entry for the page of gpa read-only (or writable again). */
void vmm_physmap_protect(struct vm *vm, uint32_t dir, uint32_t gpa, bool read_only);
/* Remove the map's entry for the page of gpa. */
void vmm_physmap_unmap(struct vm *vm, uint32_t dir, uint32_t gpa);

/* vmm/shadow.c: shadow page tables, for trap, patch, bt, hybrid and hw
 * without nested paging. */
bool vmm_shadow_create(struct vm *vm, char *err, size_t errlen);
void vmm_shadow_destroy(struct vm *vm);
/* True while the guest's paging is on and the monitor shadows it. */
bool vmm_shadow_active(const struct vm *vm);
/* The real directory the guest's current virtual mode runs on (its
 * supervisor mode: the physical map; its user mode: the shadow of its
 * current address space), or 0 when the guest's paging is off. */
uint32_t vmm_shadow_root(struct vm *vm, bool supervisor);
/* The guest wrote its ptb (already in the virtual CPU). */
void vmm_shadow_ptb_written(struct vm *vm);
/* The shadow directory of the guest's current address space, if one is
 * built (no side effects: for displays); else 0. */
uint32_t vmm_shadow_peek(const struct vm *vm);
/* hwassist.c: the nested table's directory, once built; else 0. */
uint32_t vmm_hw_nested(const struct vm *vm);
/* Guest-physical [gpa, gpa + len) was written behind the shadows' back
 * (an interpreted store, a device's DMA, a debugger): keep them exact. */
void vmm_shadow_written(struct vm *vm, uint32_t gpa, uint32_t len);
/* A page fault out of the real CPU while shadowing: hidden, true or
 * tracing. VMM_GO_ON or a stop. */
int vmm_shadow_fault(struct vm *vm, const struct cpu_trap *t);
/* The store word at the virtual CPU's pc, made by the monitor as the bare
 * machine would (its faults reflected), and traced if it writes a page
 * table: binary translation's adaptive callout. VMM_GO_ON or a stop. */
int vmm_shadow_store(struct vm *vm, uint32_t word);

/* vmm/pv_paging.c: the paravirtual kernel's direct paging. */
bool vmm_pv_paging_create(struct vm *vm);
void vmm_pv_paging_destroy(struct vm *vm);
/* True once the kernel has pinned a table: it runs on the physical map. */
bool vmm_pv_paging_on(const struct vm *vm);
/* The real directory for the kernel (supervisor) or its processes, or 0. */
uint32_t vmm_pv_root(struct vm *vm, bool supervisor);
/* HC_PIN, HC_UNPIN, HC_MMU_UPDATE, HC_SET_PTB: checked, made, answered in r1. */
int vmm_pv_mmu_hypercall(struct vm *vm, uint32_t code);
/* A device's DMA or the monitor may write [gpa, gpa + len): no pinned page. */
bool vmm_pv_may_write(const struct vm *vm, uint32_t gpa, uint32_t len);
/* The balloon may take page gpa (neither pinned nor mapped): it is unmapped. */
bool vmm_pv_may_give(const struct vm *vm, uint32_t gpa);
/* A page fault out of a guest that pages directly. */
int vmm_pv_fault(struct vm *vm, const struct cpu_trap *t);
/* pv.c: [gpa, gpa + len) overlaps what the monitor writes (shared page, ring). */
bool vmm_pv_monitor_writes(const struct vm *vm, uint32_t gpa, uint32_t len);

/* Snapshots (vmm/snapshot.h): the VM-level sections (snapshot_state.c)
 * and each technique's own, in its file. A save writes the payload of its
 * section; a load reads it back, checks every value the monitor will trust
 * (an index, a table's address, a chain that must end) and returns false
 * with what is wrong in err. */
struct snap_buf;
struct snap_rd;
void vmm_snap_put_cpu(struct snap_buf *b, const struct cpu *c);
bool vmm_snap_load_cpu(struct vm *vm, struct cpu *c, struct snap_rd *r, char *err, size_t errlen);
void vmm_snap_put_devices(const struct vm *vm, struct snap_buf *b, unsigned flags);
bool vmm_snap_load_devices(struct vm *vm, struct snap_rd *r, char *err, size_t errlen);
void vmm_snap_put_vm(const struct vm *vm, struct snap_buf *b);
bool vmm_snap_load_vm(struct vm *vm, struct snap_rd *r, char *err, size_t errlen);
bool vmm_snap_load_pages(struct vm *vm, struct snap_rd *r, uint8_t *covered, uint64_t *loaded,
			 char *err, size_t errlen);
/* After the last section: what no one section can check (the sections
 * agree with each other), and what needs all of memory in place first
 * (patch.c's marks in the decode cache). */
bool vmm_snap_finish(struct vm *vm, char *err, size_t errlen);
void vmm_patch_after_load(struct vm *vm);
void vmm_pool_save(const struct vm *vm, struct snap_buf *b);
bool vmm_pool_load(struct vm *vm, struct snap_rd *r, char *err, size_t errlen);
void vmm_bt_save(const struct vm *vm, struct snap_buf *b);
bool vmm_bt_load(struct vm *vm, struct snap_rd *r, char *err, size_t errlen);
void vmm_patch_save(const struct vm *vm, struct snap_buf *b);
bool vmm_patch_load(struct vm *vm, struct snap_rd *r, char *err, size_t errlen);
void vmm_shadow_save(const struct vm *vm, struct snap_buf *b);
bool vmm_shadow_load(struct vm *vm, struct snap_rd *r, char *err, size_t errlen);
void vmm_pv_save(const struct vm *vm, struct snap_buf *b);
bool vmm_pv_load(struct vm *vm, struct snap_rd *r, char *err, size_t errlen);
void vmm_pv_paging_save(const struct vm *vm, struct snap_buf *b);
bool vmm_pv_paging_load(struct vm *vm, struct snap_rd *r, char *err, size_t errlen);
void vmm_hw_save(const struct vm *vm, struct snap_buf *b);
bool vmm_hw_load(struct vm *vm, struct snap_rd *r, char *err, size_t errlen);
/* hwassist.c: the VM control block (the real CPU points at it in guest mode). */
struct vmcb *vmm_hw_vmcb(struct vm *vm);
/* pv_paging.c: every pinned table maps only the guest's own pages (the real
 * processor walks them as they are). */
bool vmm_pv_paging_check(const struct vm *vm, char *err, size_t errlen);
/* pv.c: the region's size before any balloon took pages (0 outside pv). */
uint32_t vmm_pv_full_size(const struct vm *vm);
/* physmap.c: real address a is a page of the pool. */
bool vmm_pool_has_page(const struct vm *vm, uint32_t a);
/* vm.c: a VM alone on a machine of real_size bytes laid out as a host
 * lays one out (the monitor's area, the pool and the region where given),
 * the machine its own: for a snapshot of a host's VM. */
bool vm_create_mirror(struct vm **out, const struct vm_options *opt, uint32_t real_size,
		      uint32_t vmm_area, uint32_t region_base, uint32_t pool_base, char *err,
		      size_t errlen);

/* The network card, whichever way it is given (vmm/net.c). */
/* vm_create's checks of o->net and VM_PASS_NET: a one-line error. */
bool vmm_net_check_options(const struct vm_options *o, char *err, size_t errlen);
/* After each round: what the card's DMA wrote, told to the shadows (a
 * passed-through card writes with no exit; an emulated one in an exit). */
void vmm_net_after_round(struct vm *vm);
/* The reason an exit of the real CPU is counted under: VM_EXIT_NET for a
 * port access to the card from the guest kernel, or its ring's
 * notification; otherwise the trap's cause. */
int vmm_net_exit_reason(const struct vm *vm, const struct cpu_trap *t);
/* True when port is one of the card's. */
static inline bool vmm_net_port(uint32_t port)
{
	return port >= PORT_NET_MAC_LO && port <= PORT_NET_RX_ADDR;
}
/* vmm/net_emulated.c: the monitor played the card for one port access
 * (the frames the card had moved before it): count it, charge the copies
 * the monitor made. */
void vmm_net_emulated_access(struct vm *vm, uint64_t moved_before);
/* Frames the card has moved to or from memory so far. */
uint64_t vmm_net_moved(const struct vm *vm);
/* The monitor's veto on the card's DMA (pinned page tables), installed at
 * vm_create. */
void vmm_net_emulated_guard(struct vm *vm);
/* vmm/net_pv.c: the backend of the paravirtual card: its hypercalls, and
 * at each round the posted buffers filled from the card and the event line
 * set from the ring. */
int vmm_net_pv_hypercall(struct vm *vm, uint32_t code);
void vmm_net_pv_poll(struct vm *vm);
bool vmm_net_pv_create(struct vm *vm);
void vmm_net_pv_destroy(struct vm *vm);
void vmm_net_pv_ring(const struct vm *vm, struct vm_net_info *info);
bool vmm_net_pv_monitor_writes(const struct vm *vm, uint32_t gpa, uint32_t len);
void vmm_net_pv_save(const struct vm *vm, struct snap_buf *b);
bool vmm_net_pv_load(struct vm *vm, struct snap_rd *r, char *err, size_t errlen);
/* vmm/net_passthrough.c: the card assigned to a hardware-assisted VM: its
 * ports, interrupt and DMA opened in the control block. */
struct vmcb;
void vmm_net_passthrough_policy(const struct vm *vm, struct vmcb *b);
/* The card's section of a snapshot (snapshot_state.c). */
void vmm_snap_put_net(const struct vm *vm, struct snap_buf *b);
bool vmm_snap_load_net(struct vm *vm, struct snap_rd *r, char *err, size_t errlen);

/* vmm/flow.c: what an instruction word at pc does to the flow of control,
 * for a scanner or a translator that looks at code before it runs. */
enum vmm_flow {
	FLOW_NEXT,     /* goes on to the next word (privileged ones too, wfi included) */
	FLOW_BRANCH,   /* a conditional branch: to *target or to the next word */
	FLOW_JUMP,     /* jmp: to *target */
	FLOW_CALL,     /* jal: to *target; its return comes back to the next word */
	FLOW_INDIRECT, /* jr, jalr: to a register, known only when it runs */
	FLOW_TRAP,     /* sys, brk, hcall or no instruction at all: out through the vector */
	FLOW_RETURN,   /* rfe, jru: to epc or a register, perhaps in user mode */
};
enum vmm_flow vmm_flow_of(uint32_t word, uint32_t pc, uint32_t *target);

#endif
