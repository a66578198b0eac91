/*
 * cpu/devices.h: the machine's devices behind the port instructions.
 * Owns: the console, a second console, the block disk and the power port;
 *       the bus the network card (cpu/net.h) sits on; their interrupt lines;
 *       the next time a device will act of its own accord.
 * Not:  the interval timer (a special register, cpu/exec.c); delivering
 *       interrupts (cpu/trap.c); the network card's registers (cpu/net.c).
 *       A VMM gives each VM its own struct devices: those are its virtual
 *       devices.
 * Implements: ISA.md section Devices.
 */
#ifndef TRAPEZE_DEVICES_H
#define TRAPEZE_DEVICES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mem.h"
#include "net.h"

enum { DISK_SECTOR_SIZE = 512, CON_INBUF = 4096 };
enum disk_status { DISK_IDLE = 0, DISK_DONE = 1, DISK_ERROR = 2 };
enum disk_cmd { DISK_READ = 1, DISK_WRITE = 2 };

/* Where console output goes: a host stream, a capture buffer, or both. */
struct console {
	uint8_t in[CON_INBUF];    /* input queue */
	uint32_t in_head, in_len;
	int in_fd;                /* host fd read when the queue is empty, or -1 */
	bool in_eof;
	uint32_t ctrl;
	FILE *out;                /* may be NULL */
	char *capture;            /* grows; may be NULL when not capturing */
	size_t cap_len, cap_size;
	bool capturing;
	uint64_t out_count, out_limit; /* bytes written; 0 = no limit */
	bool out_truncated;
};

struct disk {
	uint8_t *image;     /* nsectors * 512 bytes, owned; NULL when shared */
	uint32_t nsectors;
	/* A shared image (dev_disk_share): read-only, another's (a host's);
	 * overlay[s] is this disk's own copy of sector s once it wrote it. */
	const uint8_t *base;
	uint8_t **overlay;
	uint32_t overlay_sectors; /* sectors copied so far */
	uint32_t sector, addr, status, ctrl;
	uint64_t reads, writes;
};

/* An observer of the bus: told of each DMA transfer (a debugger's
 * watchpoints see the disk write memory). to_memory: a read command. */
typedef void (*dev_dma_hook)(void *ctx, uint32_t addr, uint32_t len, bool to_memory,
			     uint32_t sector);

struct devices {
	struct console con;
	struct console con2;  /* the second console: a device a monitor can assign */
	struct disk disk;
	struct netcard net;   /* absent unless dev_net_attach plugged one in */
	uint64_t port_reads, port_writes;
	bool halted;
	uint32_t halt_code;
	dev_dma_hook on_dma;  /* NULL: no one watches */
	void *dma_ctx;
};

/* Reset every device: no disk, output of both consoles to out (may be
 * NULL), no input. */
void dev_init(struct devices *d, FILE *out);
/* Free the disk image and capture buffer. */
void dev_free(struct devices *d);
/* Keep a copy of every byte either console writes (for diff and tests). */
void dev_capture(struct devices *d);
/* Load a disk image from a file; on failure return false and set *err. */
bool dev_disk_load(struct devices *d, const char *path, const char **err);
/* Give the disk an image of the given bytes (copied; padded to a sector). */
bool dev_disk_set(struct devices *d, const void *bytes, size_t len);
/* A disk image read once and shared by several machines' disks: its bytes
 * (nsectors whole sectors, owned), never written once shared. */
struct disk_base {
	uint8_t *bytes;
	uint32_t nsectors;
};
/* Read a disk image file (at most 64 MiB, padded to a sector); on failure
 * return false and set *err. */
bool dev_disk_base_load(struct disk_base *b, const char *path, const char **err);
void dev_disk_base_free(struct disk_base *b);
/* Boot the disk from a shared image, copy-on-write: reads see b until this
 * disk writes a sector, which it then keeps a copy of (its overlay), so b
 * is never written. b must outlive the disk. False when out of memory. */
bool dev_disk_share(struct devices *d, const struct disk_base *b);
/* Queue bytes of console input; returns how many fitted. */
uint32_t dev_con_feed(struct devices *d, const void *bytes, uint32_t len);
/* The same for the second console. */
uint32_t dev_con2_feed(struct devices *d, const void *bytes, uint32_t len);
/* Read console input from host fd when the queue runs dry (-1: none). */
void dev_con_source(struct devices *d, int fd);

/* The CPU waits with nothing pending: block for host console input if a
 * host source may still give some. */
void dev_con_wait(struct devices *d);
/* Port read: *val = value; unmapped ports read all ones. mem is the memory
 * the devices' DMA reaches (for a VM, its guest-physical memory). */
uint32_t dev_in(struct devices *d, struct mem *mem, uint32_t port);
/* Port write. */
void dev_out(struct devices *d, struct mem *mem, uint32_t port, uint32_t val);
/* The interrupt lines raised now: bits IRQ_CONSOLE, IRQ_DISK, IRQ_CONSOLE2, IRQ_NET. */
uint32_t dev_irq_lines(struct devices *d);
/* Time passes: now is the machine's instruction time (retired instructions
 * plus idle ticks). A device that acts at a time of its own (a frame on the
 * network card's loopback cable) acts when it is due; returns instruction
 * times until the next such act, UINT64_MAX when none is coming. The
 * dispatch loop never runs past it, as it never runs past the timer, so a
 * frame arrives at the same instruction in every mode. */
static inline uint64_t dev_tick(struct devices *d, uint64_t now)
{
	return d->net.present ? net_tick(&d->net, now) : UINT64_MAX;
}
/* True when some device may still raise an interrupt without the CPU's help
 * (input may arrive). A CPU waiting with nothing else to wake it is stuck. */
bool dev_may_interrupt(struct devices *d);
/* Plug a network card into the bus: its MAC and cable (cpu/net.h). False
 * when host memory ran out. */
bool dev_net_attach(struct devices *d, const uint8_t mac[NET_MAC_BYTES], enum net_link link);
/* One sector between the disk and mem at addr, as a command through the
 * ports would move it, without them (a paravirtual backend's way in):
 * DISK_DONE or DISK_ERROR. The disk's registers are left as they were. */
enum disk_status dev_disk_transfer(struct devices *d, struct mem *mem, uint32_t sector,
				   uint32_t addr, enum disk_cmd cmd);

#endif
