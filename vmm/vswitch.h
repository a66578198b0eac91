/*
 * vmm/vswitch.h: the virtual switch between a host's VMs.
 * Owns: struct vswitch: one port per VM whose card is on the host's wire,
 *       the MAC each port was given, forwarding by destination address,
 *       and what it drops and counts: a frame whose source address is not
 *       the sender's own (spoofed), a frame to no address on the switch, a
 *       frame for a receive queue that is full or a VM that has stopped.
 * Not:  the cards (cpu/net.c); when frames move (vmm/host.c calls
 *       vswitch_forward after each slice of a VM, so delivery follows the
 *       host's deterministic schedule); how each VM's monitor gives its
 *       card to the guest (vmm/net_*.c).
 * Implements: the software bridge every hypervisor puts between its VMs
 *       (Xen's bridge or Open vSwitch, VMware's vSwitch), reduced to what
 *       isolation needs: the switch knows every port's address (it gave
 *       them), so it never learns and never floods a frame to unknown
 *       addresses: a guest receives only frames addressed to it or to
 *       everyone (broadcast), and cannot send as another (P&G's resource
 *       control, for the wire: a VM's traffic is its own).
 */
#ifndef TRAPEZE_VSWITCH_H
#define TRAPEZE_VSWITCH_H

#include <stdbool.h>
#include <stdint.h>

#include "net.h"

enum { VSWITCH_PORTS = 32 };

struct vswitch_port_stats {
	uint64_t sent;      /* frames it sent that the switch forwarded */
	uint64_t received;  /* frames the switch put in its card's receive queue */
	uint64_t spoofed;   /* frames it sent with another source address: dropped */
	uint64_t unknown;   /* frames it sent to no address on the switch: dropped */
	uint64_t overflow;  /* frames for it dropped: its receive queue was full (or it had stopped) */
};

struct vswitch {
	struct vswitch_port {
		bool plugged;
		uint8_t mac[NET_MAC_BYTES];
		struct vswitch_port_stats st;
	} port[VSWITCH_PORTS];
};

void vswitch_init(struct vswitch *s);
/* Port p gets a card with address mac. */
void vswitch_plug(struct vswitch *s, int p, const uint8_t mac[NET_MAC_BYTES]);
/* The port whose address is mac, or -1. */
int vswitch_port_of(const struct vswitch *s, const uint8_t mac[NET_MAC_BYTES]);
/* Everything port from's card has sent, forwarded to the cards of the
 * ports (cards[p], NULL for a port with no card now): returns a mask of
 * the ports that received a frame. */
uint32_t vswitch_forward(struct vswitch *s, int from, struct netcard *const *cards);

#endif
