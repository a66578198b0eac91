/*
 * vmm/net_emulated.c: the emulated network card: every port access to the
 *       card leaves the guest, and the monitor plays the card.
 * Owns: what the monitor's side of an emulated card costs and counts: each
 *       port access is a VM exit (the trap of a deprivileged `in` or `out`,
 *       or hardware assist's I/O exit), decoded and run on the VM's own
 *       card model (cpu/net.c, the same model the bare machine has, so the
 *       guest cannot tell), and each frame the monitor copies between the
 *       card and guest memory costs it a copy (VMM_C_NET_COPY): a real
 *       card's DMA is free to the processor, a played card's is not.
 * Not:  decoding and emulating the instruction (trap_emulate.c, which
 *       calls here after each port access it emulates); the card's
 *       registers (cpu/net.c); the other two ways (net_pv.c,
 *       net_passthrough.c).
 * Implements: full device emulation, as VMware Workstation played an AMD
 *       Lance card (Sugerman, Venkitachalam and Lim, USENIX ATC 2001) and
 *       QEMU plays an e1000 under KVM: any unmodified driver works, and P&G's
 *       equivalence holds (the guest sees the bare machine's card), but a
 *       send is three exits and a receive two, each a world switch: the
 *       dearest of the three ways in exits per KiB (bench --techniques).
 */
#include "vmm_internal.h"

uint64_t vmm_net_moved(const struct vm *vm)
{
	const struct net_stats *s = &vm->dev.net.st;

	return s->tx_frames + s->rx_frames;
}

void vmm_net_emulated_access(struct vm *vm, uint64_t moved_before)
{
	uint64_t moved = vmm_net_moved(vm) - moved_before;

	if (!vm->callout)
		vm->stats.net.port_exits++; /* bt's callouts take no exit */
	/* A send or a receive copied a frame: the monitor did the card's DMA. */
	if (moved) {
		vm->stats.net.copies += moved;
		vmm_charge(vm, moved * vmm_cost(vm, VMM_C_NET_COPY));
	}
}

/* The monitor's veto on the card's DMA into guest memory: a paravirtual
 * kernel's pinned page tables are written by checked hypercalls only, or
 * one DMA would map it what is not its own (pv_paging.c). */
static bool dma_ok(void *ctx, uint32_t addr, uint32_t len)
{
	return vmm_pv_may_write(ctx, addr, len);
}

void vmm_net_emulated_guard(struct vm *vm)
{
	if (vm->dev.net.present && vm->opt.mode != MODE_BARE) {
		vm->dev.net.dma_ok = dma_ok;
		vm->dev.net.dma_ctx = vm;
	}
}
