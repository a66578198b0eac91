/*
 * cpu/net.h: the network card: frames in and out of the machine.
 * Owns: the card's registers behind its ports (ISA.md, Devices: the network
 *       card), its MAC address, its receive queue and its transmit queue,
 *       DMA between them and memory, its interrupt line (irq 4), and the
 *       cable: none, plugged into the card itself (loopback), or a wire
 *       whose far end is someone else's (a host's switch takes what the
 *       card sends and brings what arrives).
 * Not:  where frames go between machines (vmm/vswitch.c); the three ways a
 *       monitor gives a card to a VM (vmm/net_emulated.c, net_pv.c,
 *       net_passthrough.c); delivering the interrupt (cpu/trap.c).
 * Implements: a simple DMA network card, after the Ethernet cards a driver
 *       programs through a few registers (the NE2000's and the Lance's
 *       generation), reduced to this machine: a send is two port writes and
 *       a DMA at once, a receive one read and one write. Deterministic as
 *       the disk: nothing happens by host time. On the loopback cable a
 *       frame sent at instruction time t arrives at t + NET_LATENCY, counted
 *       in the machine's own instruction times (retired instructions plus
 *       time waited in wfi, as the timer counts them), whichever way the
 *       machine is run.
 *
 *   frame:  0        6        12     14                    len <= NET_FRAME_MAX
 *          +--------+--------+------+-----------------------+
 *          | dst MAC| src MAC| type |  payload (<= NET_MTU)  |
 *          +--------+--------+------+-----------------------+
 *
 *   send:    out NET_TX_ADDR, a; out NET_TX_LEN, n   (DMA from a, at once)
 *            in NET_STATUS: bit 2 says whether it was refused
 *   receive: in NET_RX_LEN (0: none); out NET_RX_ADDR, a  (DMA to a, at once)
 */
#ifndef TRAPEZE_NET_H
#define TRAPEZE_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "isa.h"
#include "mem.h"

enum { NET_MAC_BYTES = 6, NET_MAC_TEXT = 18 /* "02:00:00:00:00:01" and its NUL */ };
/* A frame sent on the loopback cable not yet seen by the cable: its arrival
 * is set at the card's next tick. */
#define NET_UNSTAMPED UINT64_MAX
#define NET_NEVER UINT64_MAX

/* NET_STATUS's bits. */
enum {
	NET_ST_RX = 1u << 0,      /* a received frame waits */
	NET_ST_ROOM = 1u << 1,    /* the transmit queue has room (and there is a cable) */
	NET_ST_REFUSED = 1u << 2, /* the last send was refused */
	NET_ST_LINK = 1u << 3,    /* a cable is plugged in */
	NET_CTRL_RXIRQ = 1u << 0, /* NET_CTRL: the receive interrupt is enabled */
};

enum net_link {
	NET_LINK_NONE,     /* no cable: every send is refused */
	NET_LINK_LOOPBACK, /* the cable plugged into the card itself */
	NET_LINK_WIRE,     /* to a switch: its owner takes and brings frames */
};

/* Why a send was refused. */
enum net_send {
	NET_SENT,
	NET_BAD_LENGTH,  /* shorter than the header or longer than NET_FRAME_MAX */
	NET_BAD_DMA,     /* the frame lies outside memory */
	NET_TX_FULL,     /* the transmit queue is full */
	NET_NO_LINK,     /* no cable */
};

struct net_frame {
	uint32_t len;
	uint64_t due;    /* loopback, in flight: the instruction time it arrives */
	uint8_t bytes[NET_FRAME_MAX];
};

/* A ring of frames. */
struct net_queue {
	struct net_frame *f;
	uint32_t head, len, cap;
};

struct net_stats {
	uint64_t tx_frames, tx_bytes;   /* sent: taken by the card for the wire */
	uint64_t rx_frames, rx_bytes;   /* received: copied into memory (or handed to a backend) */
	uint64_t bad_length;  /* sends refused: too short or too long (an oversized frame) */
	uint64_t bad_dma;     /* sends refused, or received frames lost: DMA outside memory */
	uint64_t tx_full;     /* sends refused: the transmit queue was full */
	uint64_t no_link;     /* sends refused: no cable */
	uint64_t rx_overflow; /* frames arriving to a full receive queue: dropped */
};

struct netcard {
	bool present;            /* false: its ports read all ones, as no card */
	enum net_link link;
	uint8_t mac[NET_MAC_BYTES];
	uint32_t ctrl, tx_addr;
	bool refused;            /* the last send was refused */
	/* A backend reads the card instead of a driver (pv's ring): its event
	 * is the line (filled buffers to look at), or a frame waiting while
	 * it has buffers posted to fill (it fills them when it next runs). */
	bool backend, event;
	bool backend_irq;        /* the backend's event raises the line (else it is polled) */
	uint32_t posted;
	bool waiting;            /* the CPU waited in wfi for a frame from the wire */
	struct net_queue rx, tx; /* received; sent, until the wire takes them */
	uint32_t dma_lo, dma_end;/* what receive DMA wrote since net_dma_taken asked */
	/* Where receive DMA may write besides inside memory: a monitor's
	 * veto (a paravirtual guest's pinned page tables), or NULL. */
	bool (*dma_ok)(void *ctx, uint32_t addr, uint32_t len);
	void *dma_ctx;
	struct net_stats st;
};

/* No card at all (its ports float). */
void net_init(struct netcard *n);
/* Plug a card in: its MAC, its cable. False when host memory ran out. */
bool net_attach(struct netcard *n, const uint8_t mac[NET_MAC_BYTES], enum net_link link);
void net_free(struct netcard *n);

/* The ports: a read (all ones with no card), a write (mem: what DMA reaches). */
uint32_t net_in(struct netcard *n, uint32_t port);
void net_out(struct netcard *n, struct mem *mem, uint32_t port, uint32_t val);
/* The receive interrupt's line: enabled and a frame waits; with a backend,
 * its event, or a frame it will put in a posted buffer when it runs. */
static inline bool net_line(const struct netcard *n)
{
	if (n->backend)
		return n->backend_irq && (n->event || (n->rx.len > 0 && n->posted > 0));
	return (n->ctrl & NET_CTRL_RXIRQ) && n->rx.len > 0;
}

/* Time passes: now is the machine's instruction time (retired + waited).
 * The loopback cable stamps frames sent since the last tick with their
 * arrival and delivers those due. Returns the instruction times until the
 * next arrival, NET_NEVER when none is in flight. */
uint64_t net_tick(struct netcard *n, uint64_t now);
/* True when a frame from outside the machine may still wake a CPU waiting
 * in wfi (a wire, and the receive interrupt or a backend's event enabled):
 * how long it waits is not the machine's to know. */
bool net_may_wake(const struct netcard *n);

/* The transmit path, for the port and for a backend: len bytes at addr of
 * mem, copied at once into the transmit queue, or refused (counted). */
enum net_send net_send(struct netcard *n, const struct mem *mem, uint32_t addr, uint32_t len);
/* A frame from the wire into the receive queue: false, changing nothing,
 * when it is full (the caller keeps the frame, or drops and counts it). */
bool net_receive(struct netcard *n, const uint8_t *bytes, uint32_t len);
/* The receive queue's head (NULL when empty), and dropping it: counted as
 * received when delivered is true. */
const struct net_frame *net_rx_head(const struct netcard *n);
void net_rx_pop(struct netcard *n, bool delivered);
/* Room left in the receive queue. */
uint32_t net_rx_room(const struct netcard *n);
/* The wire takes the oldest frame sent: false when none. */
bool net_take(struct netcard *n, struct net_frame *out);
/* What receive DMA wrote since the last call, [*lo, *lo + *len): false when
 * nothing (a monitor keeps its shadows of memory exact with it). */
bool net_dma_taken(struct netcard *n, uint32_t *lo, uint32_t *len);

/* "02:00:00:00:00:01" into out (NET_MAC_TEXT bytes); parsing it back: false
 * when s is not six hex bytes separated by ':'. */
void net_mac_text(const uint8_t mac[NET_MAC_BYTES], char *out);
bool net_mac_parse(const char *s, uint8_t mac[NET_MAC_BYTES]);
/* A frame's destination and source MAC (it has at least the header). */
static inline const uint8_t *net_frame_dst(const uint8_t *frame) { return frame; }
static inline const uint8_t *net_frame_src(const uint8_t *frame) { return frame + NET_MAC_BYTES; }
/* The broadcast address, ff:ff:ff:ff:ff:ff. */
bool net_mac_broadcast(const uint8_t mac[NET_MAC_BYTES]);

#endif
