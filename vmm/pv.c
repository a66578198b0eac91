/*
 * vmm/pv.c: paravirtualisation: a guest kernel that knows it is virtual and
 *       asks the monitor by hypercall.
 * Owns: the pv mode's run loop; the monitor's side of the interface in
 *       isa-spec/hypercalls.def: each hypercall, the page shared with the
 *       guest kernel (the trap frame, the interrupt mask, the pending flag,
 *       the balloon's target), the block ring's backend, the balloon (pages
 *       given back, taken off the top of the region and reused); which
 *       images may run in pv mode. The network ring's hypercalls are handed
 *       to its backend (net_pv.c).
 * Not:  running the guest deprivileged (native.c, as trap mode does); what
 *       the kernel does on its side (guest-os/kernel, under `.ifdef PV`).
 * Implements: the lecture's paravirtualisation. Popek and Goldberg's
 *       equivalence is given up on purpose: the guest is modified and knows
 *       (it is compared with its own golden output, not with bare); in
 *       exchange efficiency improves where trap-and-emulate pays most, and
 *       --nonvirt cannot hurt a kernel that runs no privileged instruction.
 *       Resource control holds: the guest still runs in real user mode,
 *       inside its region, and what it asks for is checked. Imitates Xen
 *       (Barham et al., SOSP 2003): hypercalls for privileged operations, a
 *       shared info page with the event mask, split block drivers on a
 *       shared ring with one notification per batch, and the balloon driver
 *       of Waldspurger (OSDI 2002) and Xen.
 *
 * A guest that never registers (a program that is not the PV kernel) runs
 * here exactly as under trap-and-emulate: every exit goes to vmm_trap_exit.
 */
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"
#include "vmm_internal.h"


/* What the monitor fills a page it took back with, word by word of the
 * region's address: "BALL" and a Weyl sequence. */
static uint32_t reclaimed_word(uint32_t gpa)
{
	return 0x42414C4Cu ^ (gpa / 4 * 0x9E3779B9u);
}

struct pv {
	bool registered;       /* HC_REGISTER was made: the shared page is known */
	uint32_t shared;       /* its guest-physical address */
	bool ring_set;
	uint32_t ring;         /* the block ring's guest-physical address */
	uint32_t target;       /* pages asked back in all */
	uint32_t given;        /* pages the guest gave, now the monitor's */
	uint32_t full_size;    /* the region before the balloon */
};

bool vmm_pv_create(struct vm *vm, char *err, size_t errlen)
{
	struct pv *p = calloc(1, sizeof *p);

	if (!p) {
		snprintf(err, errlen, "out of host memory");
		return false;
	}
	p->target = vm->opt.balloon;
	p->full_size = vm->region_size;
	vm->pv = p;
	if (!vmm_pv_paging_create(vm) || !vmm_net_pv_create(vm)) {
		snprintf(err, errlen, "out of host memory");
		return false;
	}
	return true;
}

void vmm_pv_destroy(struct vm *vm)
{
	vmm_net_pv_destroy(vm);
	vmm_pv_paging_destroy(vm);
	free(vm->pv);
	vm->pv = NULL;
}

bool vmm_pv_monitor_writes(const struct vm *vm, uint32_t gpa, uint32_t len)
{
	const struct pv *p = vm->pv;

	if (p->registered && gpa < p->shared + PV_PAGE_SIZE && p->shared < gpa + len)
		return true;
	if (vmm_net_pv_monitor_writes(vm, gpa, len))
		return true; /* the network ring (net_pv.c) */
	return p->ring_set && gpa < p->ring + PV_RING_SIZE && p->ring < gpa + len;
}

/* ---- guest memory, checked ---------------------------------------------- */

static bool load_word(struct vm *vm, uint32_t gpa, uint32_t *w)
{
	if ((gpa & 3) || !mem_read(&vm->vcpu.mem, gpa, w, 4))
		return false;
	vmm_note_access(vm, VM_ACC_HYPERCALL, gpa, 4, false, 0);
	return true;
}

static bool store_word(struct vm *vm, uint32_t gpa, uint32_t w)
{
	if ((gpa & 3) || !mem_write(&vm->vcpu.mem, gpa, &w, 4))
		return false;
	vmm_note_access(vm, VM_ACC_HYPERCALL, gpa, 4, true, 0);
	return true;
}

static uint32_t shared_word(struct vm *vm, uint32_t off)
{
	uint32_t w = 0;
	load_word(vm, vm->pv->shared + off, &w);
	return w;
}

static void set_shared_word(struct vm *vm, uint32_t off, uint32_t w)
{
	store_word(vm, vm->pv->shared + off, w);
}

/* True when [gpa, gpa + len) is guest memory and gpa is word-aligned. */
static bool in_guest(const struct vm *vm, uint32_t gpa, uint32_t len)
{
	return (gpa & 3) == 0 && mem_in_range(&vm->vcpu.mem, gpa, len);
}

/* ---- the shared page's interrupt mask ------------------------------------ */

/* After an exit from the guest kernel: the mask it stored while it ran
 * becomes the virtual IE. Read at exits only, never when a run merely ran
 * out of budget, so that a run in pieces does what one run does. */
static void read_mask(struct vm *vm)
{
	struct cpu *v = &vm->vcpu;

	if (!vm->pv->registered || !cpu_in_supervisor(v))
		return;
	v->psw = (v->psw & ~PSW_IE) | (shared_word(vm, PV_IE) ? PSW_IE : 0);
}

/* Before the guest runs again: the frame of a trap just delivered, the
 * virtual IE as the kernel's mask, and whether an interrupt waits for it. */
static void publish(struct vm *vm, bool delivered)
{
	struct cpu *v = &vm->vcpu;

	if (!vm->pv->registered)
		return;
	if (delivered) {
		set_shared_word(vm, PV_EPC, v->sr[SR_epc]);
		set_shared_word(vm, PV_EPSW, v->sr[SR_epsw]);
		set_shared_word(vm, PV_CAUSE, v->sr[SR_cause]);
		set_shared_word(vm, PV_DETAIL, v->sr[SR_detail]);
		set_shared_word(vm, PV_BASE, v->sr[SR_base]);
		set_shared_word(vm, PV_LIMIT, v->sr[SR_limit]);
		set_shared_word(vm, PV_PFINFO, v->sr[SR_pfinfo]);
	}
	if (cpu_in_supervisor(v)) {
		set_shared_word(vm, PV_IE, v->psw & PSW_IE ? 1 : 0);
		set_shared_word(vm, PV_PENDING, !(v->psw & PSW_IE) && cpu_ipend(v) ? 1 : 0);
	}
}

/* ---- the hypercalls ---------------------------------------------------- */

static int hc_register(struct vm *vm, struct pv *p)
{
	struct cpu *v = &vm->vcpu;

	if (!in_guest(vm, v->r[2], PV_PAGE_SIZE)) {
		v->r[1] = (uint32_t)-1;
		return VMM_GO_ON;
	}
	v->sr[SR_tvec] = v->r[1];
	p->shared = v->r[2];
	p->registered = true;
	set_shared_word(vm, PV_MEMSIZE, v->mem.size);
	set_shared_word(vm, PV_MACHINE_BASE, vm->region_base);
	set_shared_word(vm, PV_BALLOON, p->target);
	v->r[1] = PV_ABI;
	return VMM_GO_ON;
}

/* rfe, with the frame the kernel left in the shared page. */
static int hc_iret(struct vm *vm)
{
	struct cpu *v = &vm->vcpu;

	/* LAB 5 BEGIN: HC_IRET: rfe, and base and limit too, from the frame in the shared page */
	v->sr[SR_epc] = shared_word(vm, PV_EPC);
	v->sr[SR_epsw] = shared_word(vm, PV_EPSW);
	v->sr[SR_base] = shared_word(vm, PV_BASE) & ~3u;
	v->sr[SR_limit] = shared_word(vm, PV_LIMIT) & ~3u;
	v->pc = v->sr[SR_epc];
	v->psw = v->sr[SR_epsw] & (PSW_PRIVBITS | PSW_FLAGS);
	return VMM_GO_ON;
	/* LAB 5 STUB: v->r[1] = (uint32_t)-1; */
	/* LAB 5 STUB: return VMM_GO_ON; */
	/* LAB 5 END */
}

/* wfi and mfsr ipend in one: virtual time passes to the next interrupt, as
 * trap_emulate.c's wfi lets it. With nothing that could ever come the VM
 * idles for good, at the hcall, which runs again if it is woken. */
static int hc_idle(struct vm *vm, uint32_t hcall_pc)
{
	struct cpu *v = &vm->vcpu;

	if (!cpu_idle_until_interrupt(v)) {
		v->pc = hcall_pc;
		return STOP_IDLE;
	}
	vmm_net_pv_poll(vm); /* a frame that woke it goes into a posted buffer now */
	v->r[1] = cpu_ipend(v);
	return VMM_GO_ON;
}

static int hc_console_write(struct vm *vm)
{
	struct cpu *v = &vm->vcpu;
	uint32_t at = v->r[1], len = v->r[2];

	/* LAB 5 BEGIN: HC_CONSOLE_WRITE: len bytes at guest-physical at to the console; -1 if outside */
	if (!mem_in_range(&v->mem, at, len)) {
		v->r[1] = (uint32_t)-1;
		return VMM_GO_ON;
	}
	for (uint32_t i = 0; i < len; i++)
		dev_out(v->dev, &v->mem, PORT_CON_DATA, v->mem.bytes[at + i]);
	v->r[1] = len;
	return VMM_GO_ON;
	/* LAB 5 STUB: (void)at; */
	/* LAB 5 STUB: (void)len; */
	/* LAB 5 STUB: v->r[1] = (uint32_t)-1; */
	/* LAB 5 STUB: return VMM_GO_ON; */
	/* LAB 5 END */
}

/* The block backend: serve every request between the monitor's producer
 * count and the guest's, through the VM's disk, by DMA into guest memory. */
static int hc_blk_notify(struct vm *vm, struct pv *p)
{
	struct cpu *v = &vm->vcpu;
	uint32_t req = 0, rsp = 0, n;

	/* LAB 5 BEGIN: HC_BLK_NOTIFY: serve every request queued on the ring since the last, in order */
	if (!p->ring_set || !load_word(vm, p->ring + PV_REQ_PROD, &req) ||
	    !load_word(vm, p->ring + PV_RSP_PROD, &rsp) || req - rsp > PV_RING_SLOTS) {
		v->r[1] = (uint32_t)-1; /* no ring, or more queued than it holds */
		return VMM_GO_ON;
	}
	n = req - rsp;
	for (uint32_t i = rsp; i != req; i++) {
		uint32_t at = p->ring + PV_RING_REQS + (i % PV_RING_SLOTS) * PV_REQ_SIZE;
		uint32_t sector = 0, addr = 0, op = 0;
		enum disk_status st = DISK_ERROR;
		load_word(vm, at + PV_REQ_SECTOR, &sector);
		load_word(vm, at + PV_REQ_ADDR, &addr);
		load_word(vm, at + PV_REQ_OP, &op);
		if (op == DISK_READ || op == DISK_WRITE)
			st = dev_disk_transfer(v->dev, &v->mem, sector, addr, (enum disk_cmd)op);
		store_word(vm, at + PV_REQ_STATUS, st);
	}
	store_word(vm, p->ring + PV_RSP_PROD, req);
	vm->stats.pv.notifies++;
	vm->stats.pv.requests += n;
	vmm_charge(vm, (uint64_t)vmm_cost(vm, VMM_C_PV_REQUEST) * n);
	v->r[1] = n;
	return VMM_GO_ON;
	/* LAB 5 STUB: (void)p; */
	/* LAB 5 STUB: (void)req; */
	/* LAB 5 STUB: (void)rsp; */
	/* LAB 5 STUB: n = 0; */
	/* LAB 5 STUB: v->r[1] = n - 1; */
	/* LAB 5 STUB: return VMM_GO_ON; */
	/* LAB 5 END */
}

/* The balloon: the guest gives pages back, from the top of its memory
 * down. The monitor takes each one off the region (the relocation bound
 * drops below it: the guest can no longer reach it) and reuses it: here it
 * fills it with its own data, as it would hand it to another VM. */
static int hc_balloon(struct vm *vm, struct pv *p)
{
	struct cpu *v = &vm->vcpu;
	uint32_t list = v->r[1], n = v->r[2], taken = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t page = 0, top = vm->region_size - PV_PAGE;
		if (!load_word(vm, list + 4 * i, &page) || vm->region_size <= PV_PAGE ||
		    page != top || (p->registered && p->shared + PV_PAGE_SIZE > top) ||
		    !vmm_pv_may_give(vm, page))
			break; /* not the top page: the region cannot shrink past it */
		vm->region_size -= PV_PAGE;
		v->mem.size -= PV_PAGE;
		for (uint32_t a = page; a < page + PV_PAGE; a += 4) {
			uint32_t word = reclaimed_word(a);
			memcpy(vm->real.mem.bytes + vm->region_base + a, &word, 4);
		}
		mem_invalidate(&vm->real.mem, vm->region_base + page, PV_PAGE);
		vmm_note_access(vm, VM_ACC_BALLOON, page, PV_PAGE, true, 0);
		p->given++;
		taken++;
	}
	vm->stats.pv.balloon += taken;
	v->r[1] = taken;
	return VMM_GO_ON;
}

/* The balloon deflates: the monitor asked for fewer pages than the guest
 * has given (the target dropped), and the guest takes the difference back.
 * Only that difference, never more: the pages still asked for may be in
 * use elsewhere (a host gave them to another VM), and the target is the
 * monitor's word on which are free. They come back on top of the region,
 * zeroed: whatever the monitor or another VM left there is not this
 * guest's to read. */
static int hc_deflate(struct vm *vm, struct pv *p)
{
	struct cpu *v = &vm->vcpu;
	uint32_t want = v->r[1], room = p->given > p->target ? p->given - p->target : 0;
	uint32_t n = want < room ? want : room, at = vm->region_size;

	memset(vm->real.mem.bytes + vm->region_base + at, 0, (size_t)n * PV_PAGE);
	mem_invalidate(&vm->real.mem, vm->region_base + at, n * PV_PAGE);
	if (n)
		vmm_note_access(vm, VM_ACC_BALLOON, at, n * PV_PAGE, true, 0);
	vm->region_size += n * PV_PAGE;
	v->mem.size += n * PV_PAGE;
	p->given -= n;
	vm->stats.pv.deflated += n;
	v->r[1] = n;
	return VMM_GO_ON;
}

/* Direct paging: no request on the ring may read a sector into a pinned
 * page table (its entries would be made unchecked). */
static bool ring_writes_allowed(struct vm *vm, const struct pv *p)
{
	uint32_t req = 0, rsp = 0;

	if (!p->ring_set || !load_word(vm, p->ring + PV_REQ_PROD, &req) ||
	    !load_word(vm, p->ring + PV_RSP_PROD, &rsp) || req - rsp > PV_RING_SLOTS)
		return true; /* the backend refuses these itself */
	for (uint32_t i = rsp; i != req; i++) {
		uint32_t at = p->ring + PV_RING_REQS + (i % PV_RING_SLOTS) * PV_REQ_SIZE, addr = 0, op = 0;
		load_word(vm, at + PV_REQ_ADDR, &addr);
		load_word(vm, at + PV_REQ_OP, &op);
		if (op == DISK_READ && !vmm_pv_may_write(vm, addr, DISK_SECTOR_SIZE))
			return false;
	}
	return true;
}

static int hypercall(struct vm *vm, uint32_t code, uint32_t pc)
{
	struct pv *p = vm->pv;
	struct cpu *v = &vm->vcpu;
	struct vm_event e = {
		.action = VM_EMULATED, .exit = true, .cause = CAUSE_HYPERCALL, .detail = code,
		.epc = v->pc, .pc = pc, .word = isa_enc_j(OP_hcall, (int32_t)code),
		.index = v->retired, .vector = v->pc,
	};

	if (code == HC_NET_SETUP || code == HC_NET_NOTIFY)
		e.reason = VM_EXIT_NET; /* the network card's: named apart */
	vmm_emit(vm, &e); /* the event log shows each hypercall served */
	vm->stats.pv.hypercalls++;
	vm->stats.pv.by_call[code < 32 ? code : 31]++;
	vmm_charge(vm, vmm_cost(vm, VMM_C_HYPERCALL));
	if (!p->registered && code != HC_REGISTER)
		return vmm_reflect_trap(vm, CAUSE_HYPERCALL, code, v->pc, pc, VM_REFLECTED);
	switch (code) {
	case HC_REGISTER: return hc_register(vm, p);
	case HC_IRET: return hc_iret(vm);
	case HC_SET_TIMER:
		/* LAB 5 BEGIN: HC_SET_TIMER: the virtual timer, as mtsr timer would set it */
		v->sr[SR_timer] = v->r[1];
		v->ipend_timer = 0; /* as mtsr timer: writing it acknowledges it */
		return VMM_GO_ON;
		/* LAB 5 STUB: v->r[1] = (uint32_t)-1; */
		/* LAB 5 STUB: return VMM_GO_ON; */
		/* LAB 5 END */
	case HC_IDLE: return hc_idle(vm, pc);
	case HC_EVENTS: return VMM_GO_ON; /* the exit was the point: see vmm_round_pv */
	case HC_CONSOLE_WRITE: return hc_console_write(vm);
	case HC_CONSOLE_GETC:
		v->r[1] = dev_in(v->dev, &v->mem, PORT_CON_DATA);
		return VMM_GO_ON;
	case HC_CONSOLE_IRQ:
		dev_out(v->dev, &v->mem, PORT_CON_CTRL, v->r[1]);
		return VMM_GO_ON;
	case HC_POWER:
		dev_out(v->dev, &v->mem, PORT_POWER, v->r[1]);
		return STOP_HALT;
	case HC_BLK_SETUP:
		if (!in_guest(vm, v->r[1], PV_RING_SIZE)) {
			v->r[1] = (uint32_t)-1;
			return VMM_GO_ON;
		}
		p->ring = v->r[1];
		p->ring_set = true;
		v->r[1] = v->dev->disk.nsectors;
		return VMM_GO_ON;
	case HC_BLK_NOTIFY:
		if (!ring_writes_allowed(vm, p)) {
			v->r[1] = (uint32_t)-1; /* a read into a page table: refused */
			return VMM_GO_ON;
		}
		return hc_blk_notify(vm, p);
	case HC_BALLOON: return hc_balloon(vm, p);
	case HC_DEFLATE: return hc_deflate(vm, p);
	case HC_MMU_UPDATE:
	case HC_PIN:
	case HC_UNPIN:
	case HC_SET_PTB:
		return vmm_pv_mmu_hypercall(vm, code);
	case HC_NET_SETUP:
	case HC_NET_NOTIFY:
		return vmm_net_pv_hypercall(vm, code); /* net_pv.c: the network ring */
	default:
		/* No such hypercall: the guest's own vector hears of it. */
		return vmm_reflect_trap(vm, CAUSE_HYPERCALL, code, v->pc, pc, VM_REFLECTED);
	}
}

/* One exit out of a guest that was running natively. */
static int handle_exit(struct vm *vm)
{
	const struct cpu_trap *t = &vm->real.trap;

	/* LAB 5 BEGIN: the exit: a hypercall of the guest kernel is ours; anything else trap-and-emulate's */
	if (t->cause == CAUSE_HYPERCALL && cpu_in_supervisor(&vm->vcpu))
		return hypercall(vm, t->detail, t->pc);
	/* A process's own hcall, a system call, a fault, the timer, or a
	 * privileged instruction of a kernel that is not paravirtualised:
	 * trap-and-emulate's business. */
	return vmm_trap_exit(vm);
	/* LAB 5 STUB: (void)t; */
	/* LAB 5 STUB: (void)hypercall; */
	/* LAB 5 STUB: return vmm_trap_exit(vm); */
	/* LAB 5 END */
}

int vmm_round_pv(struct vm *vm, uint64_t end)
{
	struct cpu *v = &vm->vcpu;
	uint64_t delivered = vm->delivered;
	int why;

	/* The network ring's backend runs whenever the monitor does: posted
	 * buffers filled, the receive event set (net_pv.c). */
	vmm_net_pv_poll(vm);
	/* Interrupts as cpu/exec.c's resync takes them, the virtual IE being
	 * the kernel's mask as the monitor last saw it. */
	why = vmm_inject_interrupt(vm);
	if (why == VMM_GO_ON && vm->delivered == delivered) {
		if (vmm_run_native(vm, end - v->retired) == STOP_LIMIT)
			return VMM_GO_ON; /* no exit: nothing to look at yet */
		read_mask(vm);
		why = handle_exit(vm);
	}
	publish(vm, vm->delivered != delivered);
	return why;
}

/* ---- images and the balloon's door ------------------------------------- */

bool vmm_pv_check_image(const struct vm *vm, const struct vm_image *img, char *err, size_t errlen)
{
	bool kernel = img->is_guest_kernel, pv = img->is_pv_kernel;
	const char *name = img->name ? img->name : "the image";

	if (vm->opt.mode == MODE_PV && kernel && !pv) {
		snprintf(err, errlen, "%s is the guest OS kernel built for the bare machine: --mode pv "
			 "runs its paravirtualised build (kernel-pv.elf, assembled with -D PV=1)", name);
		return false;
	}
	if (vm->opt.mode != MODE_PV && pv) {
		snprintf(err, errlen, "%s is the paravirtualised guest OS kernel: it asks a monitor "
			 "by hypercall, so it runs only under --mode pv", name);
		return false;
	}
	return true;
}

bool vm_balloon_request(struct vm *vm, uint32_t pages)
{
	if (vm->opt.mode != MODE_PV)
		return false;
	vm->pv->target = pages;
	if (vm->pv->registered)
		set_shared_word(vm, PV_BALLOON, pages);
	return true;
}

void vm_balloon_info(const struct vm *vm, struct vm_balloon *b)
{
	const struct pv *p = vm->pv;

	memset(b, 0, sizeof *b);
	b->region_size = vm->region_size;
	b->intact = true;
	if (vm->opt.mode != MODE_PV)
		return;
	b->target = p->target;
	b->given = p->given;
	for (uint32_t a = vm->region_size; a < p->full_size; a += 4) {
		uint32_t w;
		memcpy(&w, vm->real.mem.bytes + vm->region_base + a, 4);
		if (w != reclaimed_word(a)) {
			b->intact = false;
			break;
		}
	}
}

/* ---- snapshots: the interface as registered, the ring, the balloon ---- */

uint32_t vmm_pv_full_size(const struct vm *vm)
{
	return vm->pv ? vm->pv->full_size : 0;
}

void vmm_pv_save(const struct vm *vm, struct snap_buf *b)
{
	const struct pv *p = vm->pv;

	snap_put_u8(b, p->registered);
	snap_put_u32(b, p->shared);
	snap_put_u8(b, p->ring_set);
	snap_put_u32(b, p->ring);
	snap_put_u32(b, p->target);
	snap_put_u32(b, p->given);
	snap_put_u32(b, p->full_size);
}

bool vmm_pv_load(struct vm *vm, struct snap_rd *r, char *err, size_t errlen)
{
	struct pv *p = vm->pv;

	p->registered = snap_get_bool(r);
	p->shared = snap_get_u32(r);
	p->ring_set = snap_get_bool(r);
	p->ring = snap_get_u32(r);
	p->target = snap_get_u32(r);
	p->given = snap_get_u32(r);
	p->full_size = snap_get_u32(r);
	/* The pages given come off the top of the region: never more than it had. */
	if (!r->bad && (p->full_size != vm->opt.mem_size || p->given > p->full_size / PV_PAGE)) {
		snprintf(err, errlen, "a balloon of %u pages in a region of %u bytes", p->given,
			 p->full_size);
		return false;
	}
	return !r->bad;
}
