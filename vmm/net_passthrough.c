/*
 * vmm/net_passthrough.c: the network card passed straight through to a
 *       hardware-assisted VM.
 * Owns: assigning a card to one VM: its ports left open in the control
 *       block's I/O bitmap (the guest's `in` and `out` reach the card with
 *       no exit), its interrupt line delivered to the guest directly, its
 *       DMA confined to the VM's region; and the refusal to assign one card
 *       to two VMs.
 * Not:  guest mode and the I/O bitmap themselves (cpu/vmx.c); the rest of
 *       hw's policy (hwassist.c); the card (cpu/net.c), which is the very
 *       card the emulated way plays, so that the guest's one driver serves
 *       both (guest-os/kernel/netcard.s).
 * Implements: Intel's VT-d and AMD's IOMMU (Ben-Yehuda et al., "Utilizing
 *       IOMMUs for Virtualization in Linux and Xen", OLS 2006): the device
 *       is the guest's, and the IOMMU confines its DMA to the guest's memory
 *       (here cpu/vmx.c's DMA window, the region), so resource control
 *       holds with the monitor out of the way. Network cards are the device
 *       most often passed through, whole or as SR-IOV virtual functions
 *       (Dong et al., HPCA 2010). Exits per KiB: none for the card; its
 *       interrupts too are delivered with no exit (as ELI did in software
 *       and posted interrupts do in hardware: Gordon et al., ASPLOS 2012).
 *       The price is elsewhere: a card given to one VM serves no other, and
 *       a monitor that cannot see the device cannot snapshot it behind the
 *       guest's back (here it can: the card is the simulator's).
 *
 * The card's DMA writes memory with no exit: a monitor that shadows the
 * guest's page tables (hw without nested paging) is told after the round
 * (vmm_net_after_round), as it would have to flush its shadows of the
 * pages a real device wrote.
 */
#include "vmm_internal.h"
#include "vmx.h"

void vmm_net_passthrough_policy(const struct vm *vm, struct vmcb *b)
{
	if (!(vm->opt.passthrough & VM_PASS_NET))
		return;
	for (uint32_t port = PORT_NET_MAC_LO; port <= PORT_NET_RX_ADDR; port++)
		vmx_intercept_port(b, port, false);
	b->irq_direct |= 1u << IRQ_NET;
}

bool vm_net_assign(int *holder, int ncards, int card, int vm, int *other)
{
	*other = -1;
	if (card < 0 || card >= ncards)
		return false;
	if (holder[card] >= 0 && holder[card] != vm) {
		*other = holder[card];
		return false; /* one card, one VM: never two */
	}
	holder[card] = vm;
	return true;
}
