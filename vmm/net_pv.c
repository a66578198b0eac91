/*
 * vmm/net_pv.c: the paravirtual network card: the backend of a ring of
 *       frames in the guest kernel's memory.
 * Owns: the monitor's side of the network ring of isa-spec/hypercalls.def:
 *       HC_NET_SETUP (where the ring is; the card's MAC written into it),
 *       HC_NET_NOTIFY (send every frame the transmit ring holds: one exit a
 *       batch), and, whenever the monitor runs the VM, filling the buffers
 *       the kernel posted with frames the card received, and the receive
 *       event (irq 4) raised while filled buffers wait to be looked at.
 *       Every index and descriptor the guest wrote is checked: a ring that
 *       claims more than it holds, a buffer outside the guest or too small,
 *       a page table (direct paging) is refused and counted, never obeyed.
 * Not:  the card (cpu/net.c: the backend reads and feeds it as a driver
 *       would); the rest of pv (pv.c, which hands its hypercalls here); the
 *       kernel's side (guest-os/kernel/netfront.s).
 * Implements: split drivers (Xen's netfront and netback, Barham et al.,
 *       SOSP 2003; virtio-net's virtqueues, Russell, OSR 2008): the guest
 *       knows it is virtual and asks in batches. The monitor keeps its own
 *       consumer indices and only ever writes them into the ring, as
 *       netback keeps req_cons: a guest that scribbles on the ring can
 *       confuse itself, never the monitor. Exits per KiB: one notification
 *       per batch of up to PV_NET_SLOTS frames sent, none to receive (the
 *       event is delivered when the monitor next has the processor).
 */
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"
#include "vmm_internal.h"

struct netpv {
	bool ring_set;
	uint32_t ring;        /* guest-physical address of the ring */
	uint32_t tx_cons;     /* frames taken from the transmit ring: the monitor's own count */
	uint32_t tx_kicked;   /* the transmit producer at the last notification */
	uint32_t rx_cons;     /* buffers filled */
};

bool vmm_net_pv_create(struct vm *vm)
{
	vm->netpv = calloc(1, sizeof *vm->netpv);
	return vm->netpv != NULL;
}

void vmm_net_pv_destroy(struct vm *vm)
{
	free(vm->netpv);
	vm->netpv = NULL;
}

bool vmm_net_pv_monitor_writes(const struct vm *vm, uint32_t gpa, uint32_t len)
{
	const struct netpv *p = vm->netpv;

	return p && p->ring_set && gpa < p->ring + PV_NET_RING_SIZE && p->ring < gpa + len;
}

/* ---- the ring, in guest memory -------------------------------------------- */

static uint32_t ring_word(struct vm *vm, uint32_t off)
{
	return mem_load32(&vm->vcpu.mem, vm->netpv->ring + off);
}

static void set_ring_word(struct vm *vm, uint32_t off, uint32_t w)
{
	mem_write(&vm->vcpu.mem, vm->netpv->ring + off, &w, 4);
}

static uint32_t desc(uint32_t base, uint32_t index)
{
	return base + (index % PV_NET_SLOTS) * PV_NET_DESC_SIZE;
}

/* The ring lies in guest memory, word-aligned, on no page table: checked
 * at setup and at every use (a balloon may shrink the region under it). */
static bool ring_ok(const struct vm *vm, uint32_t ring)
{
	return (ring & 3) == 0 && mem_in_range(&vm->vcpu.mem, ring, PV_NET_RING_SIZE) &&
	       vmm_pv_may_write(vm, ring, PV_NET_RING_SIZE);
}

/* A buffer the monitor may write a frame of len bytes into. */
static bool buffer_ok(const struct vm *vm, uint32_t addr, uint32_t size, uint32_t len)
{
	return len <= size && mem_in_range(&vm->vcpu.mem, addr, len) &&
	       vmm_pv_may_write(vm, addr, len) && !vmm_pv_monitor_writes(vm, addr, len);
}

/* ---- sending ---------------------------------------------------------------- */

/* Frames of the transmit ring the kernel has notified, to the card, until
 * it is full (the rest wait in the ring: the next notification, or the
 * next time the monitor runs, sends them). How many were taken, or -1. */
static int64_t send_ring(struct vm *vm)
{
	struct netpv *p = vm->netpv;
	struct netcard *n = &vm->dev.net;
	uint32_t prod = p->tx_kicked, taken = 0;

	if (prod - p->tx_cons > PV_NET_SLOTS) {
		vm->stats.net.ring_errors++;
		p->tx_cons = p->tx_kicked = ring_word(vm, PV_NET_TX_PROD); /* skip the nonsense */
		set_ring_word(vm, PV_NET_TX_CONS, p->tx_cons);
		return -1;
	}
	while (p->tx_cons != prod) {
		uint32_t d = desc(PV_NET_TX_DESCS, p->tx_cons);
		uint32_t addr = ring_word(vm, d + PV_NET_DESC_ADDR), len = ring_word(vm, d + PV_NET_DESC_LEN);
		enum net_send st = net_send(n, &vm->vcpu.mem, addr, len);

		if (st == NET_TX_FULL)
			break; /* the card is full: it waits in the ring */
		if (st == NET_SENT) {
			vm->stats.net.ring_sent++;
			vm->stats.net.copies++;
			vmm_charge(vm, vmm_cost(vm, VMM_C_NET_COPY));
		} else {
			vm->stats.net.ring_errors++; /* too long, outside memory: refused */
		}
		set_ring_word(vm, d + PV_NET_DESC_STATUS, st == NET_SENT ? DISK_DONE : DISK_ERROR);
		p->tx_cons++;
		taken++;
	}
	set_ring_word(vm, PV_NET_TX_CONS, p->tx_cons);
	return taken;
}

/* ---- receiving -------------------------------------------------------------- */

/* Frames the card holds into the buffers the kernel posted, in order. */
static void fill_buffers(struct vm *vm)
{
	struct netpv *p = vm->netpv;
	struct netcard *n = &vm->dev.net;
	uint32_t prod = ring_word(vm, PV_NET_RX_PROD);
	const struct net_frame *f;

	if (prod - p->rx_cons > PV_NET_SLOTS) {
		vm->stats.net.ring_errors++;
		n->posted = 0;
		return; /* more posted than the ring holds: nothing is trusted */
	}
	while ((f = net_rx_head(n)) && p->rx_cons != prod) {
		uint32_t d = desc(PV_NET_RX_DESCS, p->rx_cons);
		uint32_t addr = ring_word(vm, d + PV_NET_DESC_ADDR), size = ring_word(vm, d + PV_NET_DESC_LEN);
		bool ok = buffer_ok(vm, addr, size, f->len);

		if (ok) {
			mem_write(&vm->vcpu.mem, addr, f->bytes, f->len);
			vmm_shadow_written(vm, addr, f->len);
			set_ring_word(vm, d + PV_NET_DESC_LEN, f->len);
			vm->stats.net.ring_received++;
			vm->stats.net.copies++;
			vmm_charge(vm, vmm_cost(vm, VMM_C_NET_COPY));
		} else {
			n->st.bad_dma++;
			vm->stats.net.ring_errors++;
		}
		set_ring_word(vm, d + PV_NET_DESC_STATUS, ok ? DISK_DONE : DISK_ERROR);
		net_rx_pop(n, ok);
		p->rx_cons++;
	}
	n->posted = prod - p->rx_cons;
	set_ring_word(vm, PV_NET_RX_CONS, p->rx_cons);
}

void vmm_net_pv_poll(struct vm *vm)
{
	struct netpv *p = vm->netpv;
	struct netcard *n = &vm->dev.net;

	if (!p || !p->ring_set)
		return;
	if (!ring_ok(vm, p->ring)) {
		/* The region shrank under the ring: it is gone. */
		p->ring_set = false;
		n->backend = n->event = n->backend_irq = false;
		n->posted = 0;
		vm->stats.net.ring_errors++;
		return;
	}
	if (p->tx_cons != p->tx_kicked)
		send_ring(vm); /* notified earlier, the card was full then */
	fill_buffers(vm);
	/* The event: filled buffers the kernel has not looked at yet. */
	n->event = p->rx_cons != ring_word(vm, PV_NET_RX_SEEN);
}

/* ---- the hypercalls ----------------------------------------------------------- */

static void setup(struct vm *vm)
{
	struct netpv *p = vm->netpv;
	struct netcard *n = &vm->dev.net;
	struct cpu *v = &vm->vcpu;
	uint32_t ring = v->r[1], mac[2] = { 0, 0 };

	if (!n->present || !ring_ok(vm, ring)) {
		v->r[1] = (uint32_t)-1;
		return;
	}
	p->ring = ring;
	p->ring_set = true;
	memcpy(mac, n->mac, NET_MAC_BYTES);
	set_ring_word(vm, PV_NET_MAC, mac[0]);
	set_ring_word(vm, PV_NET_MAC + 4, mac[1]);
	/* Whatever the kernel queued before is where the monitor starts. */
	p->tx_cons = p->tx_kicked = ring_word(vm, PV_NET_TX_PROD);
	p->rx_cons = ring_word(vm, PV_NET_RX_PROD);
	set_ring_word(vm, PV_NET_TX_CONS, p->tx_cons);
	set_ring_word(vm, PV_NET_RX_CONS, p->rx_cons);
	n->backend = true;
	n->backend_irq = v->r[2] == 1;
	n->posted = 0;
	v->r[1] = 0;
}

int vmm_net_pv_hypercall(struct vm *vm, uint32_t code)
{
	struct netpv *p = vm->netpv;
	struct cpu *v = &vm->vcpu;
	int64_t taken;

	switch (code) {
	case HC_NET_SETUP:
		setup(vm);
		break;
	case HC_NET_NOTIFY:
		if (!p->ring_set || !ring_ok(vm, p->ring)) {
			v->r[1] = (uint32_t)-1;
			break;
		}
		vm->stats.net.notifies++;
		vmm_charge(vm, vmm_cost(vm, VMM_C_NET_NOTIFY));
		p->tx_kicked = ring_word(vm, PV_NET_TX_PROD);
		taken = send_ring(vm);
		v->r[1] = taken < 0 ? (uint32_t)-1 : (uint32_t)taken;
		break;
	default:
		break;
	}
	return VMM_GO_ON;
}

void vmm_net_pv_ring(const struct vm *vm, struct vm_net_info *info)
{
	const struct netpv *p = vm->netpv;
	const struct mem *m = &vm->vcpu.mem;

	info->ring = p->ring_set && mem_in_range(m, p->ring, PV_NET_RING_SIZE);
	if (!info->ring)
		return;
	info->ring_addr = p->ring;
	info->tx_prod = mem_load32(m, p->ring + PV_NET_TX_PROD);
	info->tx_cons = p->tx_cons;
	info->rx_prod = mem_load32(m, p->ring + PV_NET_RX_PROD);
	info->rx_cons = p->rx_cons;
	info->rx_seen = mem_load32(m, p->ring + PV_NET_RX_SEEN);
}

/* ---- snapshots: the ring as registered, the monitor's own indices ---------- */

void vmm_net_pv_save(const struct vm *vm, struct snap_buf *b)
{
	const struct netpv *p = vm->netpv;

	snap_put_u8(b, p->ring_set);
	snap_put_u32(b, p->ring);
	snap_put_u32(b, p->tx_cons);
	snap_put_u32(b, p->tx_kicked);
	snap_put_u32(b, p->rx_cons);
}

bool vmm_net_pv_load(struct vm *vm, struct snap_rd *r, char *err, size_t errlen)
{
	struct netpv *p = vm->netpv;

	p->ring_set = snap_get_bool(r);
	p->ring = snap_get_u32(r);
	p->tx_cons = snap_get_u32(r);
	p->tx_kicked = snap_get_u32(r);
	p->rx_cons = snap_get_u32(r);
	if (r->bad)
		return false;
	if (p->ring_set && (!vm->dev.net.present || (p->ring & 3) || p->ring > vm->opt.mem_size ||
			    vm->opt.mem_size - p->ring < PV_NET_RING_SIZE ||
			    p->tx_kicked - p->tx_cons > PV_NET_SLOTS)) {
		snprintf(err, errlen, "a network ring at 0x%08x that no guest could have set up", p->ring);
		return false;
	}
	return true;
}
