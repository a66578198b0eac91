/*
 * cpu/net.c: the network card (see net.h and ISA.md, Devices).
 * Owns: the card's registers, its two queues, DMA at once between them and
 *       memory, the loopback cable's arrivals, and what the card counts.
 *       A refused send and a lost frame are counted, never silent: a
 *       hostile guest's oversized frame, a DMA address outside memory, a
 *       flood that fills a queue each has its own counter.
 * Not:  the switch between machines (vmm/vswitch.c); interrupts (trap.c).
 */
#include "net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the queues ------------------------------------------------------------ */

static bool queue_init(struct net_queue *q, uint32_t cap)
{
	q->f = calloc(cap, sizeof *q->f);
	q->head = q->len = 0;
	q->cap = q->f ? cap : 0;
	return q->f != NULL;
}

static struct net_frame *queue_at(const struct net_queue *q, uint32_t i)
{
	return &q->f[(q->head + i) % q->cap];
}

/* The slot a new frame goes in, or NULL when full. */
static struct net_frame *queue_push(struct net_queue *q)
{
	if (q->len == q->cap)
		return NULL;
	return &q->f[(q->head + q->len++) % q->cap];
}

static void queue_pop(struct net_queue *q)
{
	q->head = (q->head + 1) % q->cap;
	q->len--;
}

/* ---- life ------------------------------------------------------------------ */

void net_init(struct netcard *n)
{
	memset(n, 0, sizeof *n);
	n->dma_lo = UINT32_MAX;
}

bool net_attach(struct netcard *n, const uint8_t mac[NET_MAC_BYTES], enum net_link link)
{
	net_free(n);
	if (!queue_init(&n->rx, NET_RX_QUEUE) || !queue_init(&n->tx, NET_TX_QUEUE)) {
		net_free(n);
		return false;
	}
	memcpy(n->mac, mac, NET_MAC_BYTES);
	n->link = link;
	n->present = true;
	return true;
}

void net_free(struct netcard *n)
{
	free(n->rx.f);
	free(n->tx.f);
	net_init(n);
}

/* ---- the ports ------------------------------------------------------------- */

static uint32_t status(const struct netcard *n)
{
	uint32_t s = 0;

	if (n->rx.len)
		s |= NET_ST_RX;
	if (n->link != NET_LINK_NONE) {
		s |= NET_ST_LINK;
		if (n->tx.len < n->tx.cap)
			s |= NET_ST_ROOM;
	}
	if (n->refused)
		s |= NET_ST_REFUSED;
	return s;
}

uint32_t net_in(struct netcard *n, uint32_t port)
{
	const uint8_t *m = n->mac;

	if (!n->present)
		return 0xFFFFFFFFu; /* no card: the bus floats high */
	switch (port) {
	case PORT_NET_MAC_LO:
		return (uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 | (uint32_t)m[3] << 24;
	case PORT_NET_MAC_HI: return (uint32_t)m[4] | (uint32_t)m[5] << 8;
	case PORT_NET_STATUS: return status(n);
	case PORT_NET_CTRL: return n->ctrl;
	case PORT_NET_TX_ADDR: return n->tx_addr;
	case PORT_NET_RX_LEN: return n->rx.len ? queue_at(&n->rx, 0)->len : 0;
	default: return 0; /* the write-only registers read as zero */
	}
}

/* The first received frame into memory at addr, and gone from the queue:
 * lost (counted) when it would not fit in memory. */
static void receive_dma(struct netcard *n, struct mem *mem, uint32_t addr)
{
	const struct net_frame *f;

	if (!n->rx.len)
		return; /* nothing waits: nothing to copy */
	f = queue_at(&n->rx, 0);
	if ((n->dma_ok && !n->dma_ok(n->dma_ctx, addr, f->len)) ||
	    !mem_write(mem, addr, f->bytes, f->len)) {
		n->st.bad_dma++;
		net_rx_pop(n, false);
		return;
	}
	if (n->dma_lo == UINT32_MAX || addr < n->dma_lo)
		n->dma_lo = addr;
	if (addr + f->len > n->dma_end)
		n->dma_end = addr + f->len;
	net_rx_pop(n, true);
}

void net_out(struct netcard *n, struct mem *mem, uint32_t port, uint32_t val)
{
	if (!n->present)
		return; /* writes to nothing are lost */
	switch (port) {
	case PORT_NET_CTRL: n->ctrl = val & NET_CTRL_RXIRQ; break;
	case PORT_NET_TX_ADDR: n->tx_addr = val; break;
	case PORT_NET_TX_LEN: net_send(n, mem, n->tx_addr, val); break;
	case PORT_NET_RX_ADDR: receive_dma(n, mem, val); break;
	default: break; /* read-only registers ignore writes */
	}
}

/* ---- the paths -------------------------------------------------------------- */

enum net_send net_send(struct netcard *n, const struct mem *mem, uint32_t addr, uint32_t len)
{
	struct net_frame *f;
	enum net_send why = NET_SENT;

	if (len < NET_HEADER || len > NET_FRAME_MAX) {
		why = NET_BAD_LENGTH;
		n->st.bad_length++;
	} else if (!mem_in_range(mem, addr, len)) {
		why = NET_BAD_DMA;
		n->st.bad_dma++;
	} else if (n->link == NET_LINK_NONE) {
		why = NET_NO_LINK;
		n->st.no_link++;
	} else if (!(f = queue_push(&n->tx))) {
		why = NET_TX_FULL;
		n->st.tx_full++;
	} else {
		memcpy(f->bytes, mem->bytes + addr, len);
		f->len = len;
		f->due = NET_UNSTAMPED;
		n->st.tx_frames++;
		n->st.tx_bytes += len;
	}
	n->refused = why != NET_SENT;
	return why;
}

bool net_receive(struct netcard *n, const uint8_t *bytes, uint32_t len)
{
	struct net_frame *f;

	if (len > NET_FRAME_MAX || !(f = queue_push(&n->rx)))
		return false;
	memcpy(f->bytes, bytes, len);
	f->len = len;
	f->due = 0;
	return true;
}

const struct net_frame *net_rx_head(const struct netcard *n)
{
	return n->rx.len ? queue_at(&n->rx, 0) : NULL;
}

void net_rx_pop(struct netcard *n, bool delivered)
{
	if (!n->rx.len)
		return;
	if (delivered) {
		n->st.rx_frames++;
		n->st.rx_bytes += queue_at(&n->rx, 0)->len;
	}
	queue_pop(&n->rx);
}

uint32_t net_rx_room(const struct netcard *n)
{
	return n->present ? n->rx.cap - n->rx.len : 0;
}

bool net_take(struct netcard *n, struct net_frame *out)
{
	if (!n->tx.len)
		return false;
	*out = *queue_at(&n->tx, 0);
	queue_pop(&n->tx);
	return true;
}

uint64_t net_tick(struct netcard *n, uint64_t now)
{
	uint64_t next = NET_NEVER;

	if (!n->present || n->link != NET_LINK_LOOPBACK)
		return NET_NEVER;
	for (uint32_t i = 0; i < n->tx.len; i++) {
		struct net_frame *f = queue_at(&n->tx, i);
		if (f->due == NET_UNSTAMPED)
			f->due = now + NET_LATENCY;
	}
	/* In order: the cable keeps the order frames were sent in. */
	while (n->tx.len && queue_at(&n->tx, 0)->due <= now) {
		struct net_frame *f = queue_at(&n->tx, 0);
		if (!net_receive(n, f->bytes, f->len))
			n->st.rx_overflow++;
		queue_pop(&n->tx);
	}
	if (n->tx.len)
		next = queue_at(&n->tx, 0)->due - now;
	return next;
}

bool net_may_wake(const struct netcard *n)
{
	return n->present && n->link == NET_LINK_WIRE &&
	       (n->backend ? n->backend_irq : (n->ctrl & NET_CTRL_RXIRQ) != 0);
}

bool net_dma_taken(struct netcard *n, uint32_t *lo, uint32_t *len)
{
	if (n->dma_lo == UINT32_MAX)
		return false;
	*lo = n->dma_lo;
	*len = n->dma_end - n->dma_lo;
	n->dma_lo = UINT32_MAX;
	n->dma_end = 0;
	return true;
}

/* ---- addresses ---------------------------------------------------------------- */

void net_mac_text(const uint8_t mac[NET_MAC_BYTES], char *out)
{
	snprintf(out, NET_MAC_TEXT, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool net_mac_parse(const char *s, uint8_t mac[NET_MAC_BYTES])
{
	for (int i = 0; i < NET_MAC_BYTES; i++) {
		int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);
		if (lo < 0 || s[2] != (i == NET_MAC_BYTES - 1 ? '\0' : ':'))
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 3;
	}
	return true;
}

bool net_mac_broadcast(const uint8_t mac[NET_MAC_BYTES])
{
	static const uint8_t all[NET_MAC_BYTES] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
	return memcmp(mac, all, NET_MAC_BYTES) == 0;
}
