/*
 * vmm/net.c: a VM's network card, whichever way the monitor gives it.
 * Owns: the checks of a VM's card options, which of the three ways the
 *       card is given (emulated, paravirtual, passed through), what an exit
 *       that concerns the card is counted as (VM_EXIT_NET), keeping the
 *       monitor's shadows of memory exact after the card's DMA, and what
 *       `info net` shows.
 * Not:  the card (cpu/net.c); each way's own mechanics (net_emulated.c,
 *       net_pv.c, net_passthrough.c); the switch between VMs (vswitch.c).
 * Implements: the lecture's three ways to give a guest a device, on the
 *       device they differ most on. The card is one model in every way, as
 *       an e1000 is one card whether QEMU plays it or VT-d hands it over:
 *       only who runs its registers, and at what price, changes.
 */
#include <string.h>

#include "vmm_internal.h"

bool vmm_net_check_options(const struct vm_options *o, char *err, size_t errlen)
{
	if (o->net.card && (unsigned)o->net.link > NET_LINK_WIRE) {
		snprintf(err, errlen, "a network card with no such cable (%d)", (int)o->net.link);
		return false;
	}
	if ((o->passthrough & VM_PASS_NET) && !o->net.card) {
		snprintf(err, errlen, "no network card to pass through (give the VM one: --net loopback)");
		return false;
	}
	if (o->net.card && (o->net.mac[0] & 1)) {
		char mac[NET_MAC_TEXT];
		net_mac_text(o->net.mac, mac);
		snprintf(err, errlen, "MAC %s is a group address (bit 0 of its first byte): a card's "
			 "own address never is", mac);
		return false;
	}
	return true;
}

void vmm_net_after_round(struct vm *vm)
{
	uint32_t lo, len;

	if (vm->dev.net.present && net_dma_taken(&vm->dev.net, &lo, &len))
		vmm_shadow_written(vm, lo, len);
}

/* The hypercalls that are the paravirtual card's. */
static bool net_hypercall(uint32_t code)
{
	return code == HC_NET_SETUP || code == HC_NET_NOTIFY;
}

int vmm_net_exit_reason(const struct vm *vm, const struct cpu_trap *t)
{
	const struct isa_insn *in;

	if (!vm->dev.net.present || !cpu_in_supervisor(&vm->vcpu))
		return (int)t->cause; /* a process's own trap: its kernel's business */
	if (t->cause == CAUSE_HYPERCALL && vm->opt.mode == MODE_PV && net_hypercall(t->detail))
		return VM_EXIT_NET;
	if (t->cause == CAUSE_PRIV && (in = isa_decode_row(t->detail)) &&
	    (in->opcode == OP_in || in->opcode == OP_out) && vmm_net_port(isa_uimm16(t->detail)))
		return VM_EXIT_NET;
	return (int)t->cause;
}

struct netcard *vm_net_card(struct vm *vm)
{
	return vm->dev.net.present ? &vm->dev.net : NULL;
}

const char *vm_net_way_name(enum vm_net_way w)
{
	static const char *const names[] = {
		[VM_NET_NONE] = "none", [VM_NET_BARE] = "bare", [VM_NET_EMULATED] = "emulated",
		[VM_NET_PARAVIRTUAL] = "paravirtual", [VM_NET_PASSTHROUGH] = "passthrough",
	};
	return (unsigned)w < sizeof names / sizeof names[0] ? names[w] : "?";
}

void vm_net_info(const struct vm *vm, struct vm_net_info *info)
{
	memset(info, 0, sizeof *info);
	if (!vm->dev.net.present)
		return;
	info->card = &vm->dev.net;
	if (vm->opt.mode == MODE_BARE)
		info->way = VM_NET_BARE;
	else if (vm->opt.mode == MODE_HW && (vm->opt.passthrough & VM_PASS_NET))
		info->way = VM_NET_PASSTHROUGH;
	else
		info->way = VM_NET_EMULATED;
	if (vm->netpv) {
		vmm_net_pv_ring(vm, info);
		if (info->ring)
			info->way = VM_NET_PARAVIRTUAL;
	}
}
