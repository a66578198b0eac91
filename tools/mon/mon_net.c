/*
 * tools/mon/mon_net.c: the network card as the monitor shows it: info net.
 * Owns: the text of the card's state (its address, cable, registers and
 *       queues), what it counted (frames, bytes, each kind of drop), how
 *       the monitor gives it to the guest and what that cost (exits,
 *       copies, notifications), and the pv ring's indices.
 * Not:  the card (cpu/net.c); the three ways (vmm/net_*.c); the command
 *       (mon_cmd.c).
 */
#include "mon.h"

static const char *cable_name(enum net_link l)
{
	return l == NET_LINK_LOOPBACK ? "loopback" : l == NET_LINK_WIRE ? "a switch" : "unplugged";
}

void mon_show_net(const struct mon *m, FILE *out)
{
	const struct netcard *n;
	const struct net_stats *st;
	struct vm_net_info ni;
	struct vm_stats s;
	char mac[NET_MAC_TEXT];

	vm_net_info(m->vm, &ni);
	if (!(n = ni.card)) {
		fprintf(out, "no network card (trapeze run --net loopback gives the machine one)\n");
		return;
	}
	st = &n->st;
	vm_get_stats(m->vm, &s);
	net_mac_text(n->mac, mac);
	fprintf(out, "card %s, cable: %s, given %s\n", mac, cable_name(n->link), vm_net_way_name(ni.way));
	fprintf(out, "  ctrl 0x%x (receive interrupt %s), tx_addr 0x%08x, last send %s\n", n->ctrl,
		n->ctrl & NET_CTRL_RXIRQ ? "on" : "off", n->tx_addr, n->refused ? "refused" : "taken");
	fprintf(out, "  receive queue %u of %u frames, transmit queue %u of %u\n", n->rx.len, n->rx.cap,
		n->tx.len, n->tx.cap);
	fprintf(out, "  sent %llu frames (%llu bytes), received %llu frames (%llu bytes)\n",
		(unsigned long long)st->tx_frames, (unsigned long long)st->tx_bytes,
		(unsigned long long)st->rx_frames, (unsigned long long)st->rx_bytes);
	fprintf(out, "  drops: %llu bad length, %llu DMA outside memory, %llu transmit queue full, "
		"%llu no cable, %llu receive queue full\n", (unsigned long long)st->bad_length,
		(unsigned long long)st->bad_dma, (unsigned long long)st->tx_full,
		(unsigned long long)st->no_link, (unsigned long long)st->rx_overflow);
	fprintf(out, "  the monitor: %llu NET exits (%llu port accesses played), %llu frames copied, "
		"%llu notifications\n", (unsigned long long)s.exits_by_reason[VM_EXIT_NET],
		(unsigned long long)s.net.port_exits, (unsigned long long)s.net.copies,
		(unsigned long long)s.net.notifies);
	if (ni.ring)
		fprintf(out, "  ring at 0x%08x: transmit %u queued, %u taken; receive %u posted, %u filled, "
			"%u seen; %llu refused\n", ni.ring_addr, ni.tx_prod, ni.tx_cons, ni.rx_prod,
			ni.rx_cons, ni.rx_seen, (unsigned long long)s.net.ring_errors);
}
