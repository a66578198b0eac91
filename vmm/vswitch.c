/*
 * vmm/vswitch.c: the virtual switch between a host's VMs (see vswitch.h).
 * Owns: forwarding a frame by its destination address, and the checks
 *       that keep one VM's traffic from another: the source address must
 *       be the sender's port's, and a frame goes only to the port it names
 *       (or, broadcast, to every other port).
 */
#include <string.h>

#include "vswitch.h"

void vswitch_init(struct vswitch *s)
{
	memset(s, 0, sizeof *s);
}

void vswitch_plug(struct vswitch *s, int p, const uint8_t mac[NET_MAC_BYTES])
{
	s->port[p].plugged = true;
	memcpy(s->port[p].mac, mac, NET_MAC_BYTES);
}

int vswitch_port_of(const struct vswitch *s, const uint8_t mac[NET_MAC_BYTES])
{
	for (int p = 0; p < VSWITCH_PORTS; p++)
		if (s->port[p].plugged && !memcmp(s->port[p].mac, mac, NET_MAC_BYTES))
			return p;
	return -1;
}

/* One frame to port p's card: false (counted) when its queue is full. */
static bool deliver(struct vswitch *s, int p, struct netcard *card, const struct net_frame *f)
{
	if (!card || !net_receive(card, f->bytes, f->len)) {
		s->port[p].st.overflow++;
		if (card)
			card->st.rx_overflow++;
		return false;
	}
	s->port[p].st.received++;
	return true;
}

uint32_t vswitch_forward(struct vswitch *s, int from, struct netcard *const *cards)
{
	struct vswitch_port *src = &s->port[from];
	struct netcard *card = cards[from];
	struct net_frame f;
	uint32_t woken = 0;

	if (!card || !src->plugged)
		return 0;
	while (net_take(card, &f)) {
		const uint8_t *dst = net_frame_dst(f.bytes);
		int to;

		/* The card sends what the guest wrote: the switch checks the
		 * source is the port's own, as a port security filter does. */
		if (memcmp(net_frame_src(f.bytes), src->mac, NET_MAC_BYTES) != 0) {
			src->st.spoofed++;
			continue;
		}
		if (net_mac_broadcast(dst)) {
			src->st.sent++;
			for (int p = 0; p < VSWITCH_PORTS; p++)
				if (p != from && s->port[p].plugged && deliver(s, p, cards[p], &f))
					woken |= 1u << p;
			continue;
		}
		to = vswitch_port_of(s, dst);
		if (to < 0 || to == from) {
			/* No one by that name: never flooded to the others, as a
			 * learning switch would (nor sent back out where it came in). */
			src->st.unknown++;
			continue;
		}
		src->st.sent++;
		if (deliver(s, to, cards[to], &f))
			woken |= 1u << to;
	}
	return woken;
}
