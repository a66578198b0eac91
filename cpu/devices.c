/*
 * cpu/devices.c: the console, the block disk and the power port.
 * Owns: each device's registers and behaviour behind its ports (see
 *       devices.h and ISA.md, Devices). Everything here is deterministic:
 *       a disk command completes at once, and console input is a queue.
 * Not:  the interval timer (a special register); interrupt delivery (trap.c);
 *       the network card (net.c), whose ports are passed on to it.
 */
#include "devices.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isa.h"

void dev_init(struct devices *d, FILE *out)
{
	memset(d, 0, sizeof *d);
	d->con.out = d->con2.out = out;
	d->con.in_fd = d->con2.in_fd = -1;
	d->con.in_eof = d->con2.in_eof = true;
	net_init(&d->net);
}

void dev_free(struct devices *d)
{
	if (d->disk.overlay)
		for (uint32_t i = 0; i < d->disk.nsectors; i++)
			free(d->disk.overlay[i]);
	free(d->disk.overlay);
	d->disk.overlay = NULL;
	free(d->disk.image);
	net_free(&d->net);
	free(d->con.capture);
	free(d->con2.capture);
	d->disk.image = NULL;
	d->con.capture = d->con2.capture = NULL;
}

void dev_capture(struct devices *d)
{
	d->con.capturing = d->con2.capturing = true;
}

bool dev_disk_set(struct devices *d, const void *bytes, size_t len)
{
	size_t n = (len + DISK_SECTOR_SIZE - 1) / DISK_SECTOR_SIZE;
	uint8_t *img = calloc(n ? n : 1, DISK_SECTOR_SIZE);
	if (!img)
		return false;
	memcpy(img, bytes, len);
	free(d->disk.image);
	d->disk.image = img;
	d->disk.nsectors = (uint32_t)n;
	return true;
}

bool dev_disk_base_load(struct disk_base *b, const char *path, const char **err)
{
	enum { MAX_DISK = 64u << 20 };
	FILE *f = fopen(path, "rb");
	struct stat st;
	long len;
	bool ok = false;

	b->bytes = NULL;
	b->nsectors = 0;
	if (!f) {
		*err = strerror(errno);
		return false;
	}
	/* A directory once measured as "larger than 64 MiB"; a device as empty. */
	if (fstat(fileno(f), &st) != 0)
		*err = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		*err = S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file";
	else if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		*err = "cannot measure the file";
	else if (len > MAX_DISK)
		*err = "disk image larger than 64 MiB";
	else if (!(b->bytes = calloc(len ? ((size_t)len + DISK_SECTOR_SIZE - 1) / DISK_SECTOR_SIZE : 1,
				     DISK_SECTOR_SIZE)))
		*err = "out of memory";
	else if (fread(b->bytes, 1, (size_t)len, f) != (size_t)len)
		*err = "read error";
	else {
		b->nsectors = (uint32_t)(((size_t)len + DISK_SECTOR_SIZE - 1) / DISK_SECTOR_SIZE);
		ok = true;
	}
	if (!ok)
		dev_disk_base_free(b);
	fclose(f);
	return ok;
}

void dev_disk_base_free(struct disk_base *b)
{
	free(b->bytes);
	b->bytes = NULL;
	b->nsectors = 0;
}

bool dev_disk_load(struct devices *d, const char *path, const char **err)
{
	struct disk_base b;

	if (!dev_disk_base_load(&b, path, err))
		return false;
	/* The disk owns the bytes it was read into. */
	free(d->disk.image);
	d->disk.image = b.bytes;
	d->disk.nsectors = b.nsectors;
	return true;
}

bool dev_disk_share(struct devices *d, const struct disk_base *b)
{
	uint8_t **overlay = calloc(b->nsectors ? b->nsectors : 1, sizeof *overlay);

	if (!overlay)
		return false;
	free(d->disk.image);
	d->disk.image = NULL;
	d->disk.base = b->bytes;
	d->disk.overlay = overlay;
	d->disk.nsectors = b->nsectors;
	return true;
}

static uint32_t con_feed(struct console *k, const void *bytes, uint32_t len)
{
	uint32_t n = 0;
	while (n < len && k->in_len < CON_INBUF) {
		k->in[(k->in_head + k->in_len) % CON_INBUF] = ((const uint8_t *)bytes)[n++];
		k->in_len++;
	}
	return n;
}

uint32_t dev_con_feed(struct devices *d, const void *bytes, uint32_t len)
{
	return con_feed(&d->con, bytes, len);
}

uint32_t dev_con2_feed(struct devices *d, const void *bytes, uint32_t len)
{
	return con_feed(&d->con2, bytes, len);
}

void dev_con_source(struct devices *d, int fd)
{
	d->con.in_fd = fd;
	d->con.in_eof = fd < 0;
}

/* Take what host input is ready (wait up to timeout_ms; -1 forever). */
static void con_refill(struct console *k, int timeout_ms)
{
	uint8_t buf[256];
	struct pollfd p = { .fd = k->in_fd, .events = POLLIN };
	ssize_t n;

	if (k->in_eof || k->in_len > 0)
		return;
	if (poll(&p, 1, timeout_ms) <= 0)
		return;
	n = read(k->in_fd, buf, sizeof buf < CON_INBUF - k->in_len ? sizeof buf : CON_INBUF - k->in_len);
	if (n <= 0) {
		k->in_eof = true;
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		k->in[(k->in_head + k->in_len) % CON_INBUF] = buf[i];
		k->in_len++;
	}
}

void dev_con_wait(struct devices *d)
{
	if (d->con.ctrl & 1)
		con_refill(&d->con, -1);
}

static void con_putc(struct console *k, uint8_t ch)
{
	if (k->out_limit && k->out_count >= k->out_limit) {
		k->out_truncated = true;
		return;
	}
	k->out_count++;
	if (k->out)
		fputc(ch, k->out);
	if (k->capturing) {
		if (k->cap_len + 1 >= k->cap_size) {
			size_t size = k->cap_size ? k->cap_size * 2 : 4096;
			char *p = realloc(k->capture, size);
			if (!p)
				return;
			k->capture = p;
			k->cap_size = size;
		}
		k->capture[k->cap_len++] = (char)ch;
		k->capture[k->cap_len] = 0;
	}
}

static uint32_t con_getc(struct console *k)
{
	if (k->in_len == 0)
		con_refill(k, 0);
	if (k->in_len == 0)
		return 0xFFFFFFFFu;
	uint8_t ch = k->in[k->in_head];
	k->in_head = (k->in_head + 1) % CON_INBUF;
	k->in_len--;
	return ch;
}

/* Sector s's bytes: the disk's own image, or with a shared image the
 * overlay's copy, made on the first write (copy-on-write); NULL when out
 * of host memory. */
static uint8_t *disk_sector(struct disk *k, uint32_t s, bool write)
{
	if (k->image)
		return k->image + (size_t)s * DISK_SECTOR_SIZE;
	if (k->overlay[s])
		return k->overlay[s];
	if (!write)
		return (uint8_t *)(k->base + (size_t)s * DISK_SECTOR_SIZE); /* only read from */
	k->overlay[s] = malloc(DISK_SECTOR_SIZE);
	if (k->overlay[s]) {
		memcpy(k->overlay[s], k->base + (size_t)s * DISK_SECTOR_SIZE, DISK_SECTOR_SIZE);
		k->overlay_sectors++;
	}
	return k->overlay[s];
}

/* A disk command: DMA one sector between the disk and memory, at once. */
static void disk_command(struct disk *k, struct mem *mem, uint32_t cmd)
{
	uint8_t *sector;

	if ((cmd != DISK_READ && cmd != DISK_WRITE) || k->sector >= k->nsectors ||
	    !mem_in_range(mem, k->addr, DISK_SECTOR_SIZE)) {
		k->status = DISK_ERROR;
		return;
	}
	sector = disk_sector(k, k->sector, cmd == DISK_WRITE);
	if (!sector) {
		k->status = DISK_ERROR; /* no host memory for the overlay's copy */
		return;
	}
	if (cmd == DISK_READ) {
		mem_write(mem, k->addr, sector, DISK_SECTOR_SIZE);
		k->reads++;
	} else {
		mem_read(mem, k->addr, sector, DISK_SECTOR_SIZE);
		k->writes++;
	}
	k->status = DISK_DONE;
}

/* A command, and the bus's observer told of its transfer. */
static void disk_command_observed(struct devices *d, struct mem *mem, uint32_t cmd)
{
	disk_command(&d->disk, mem, cmd);
	if (d->on_dma && d->disk.status == DISK_DONE)
		d->on_dma(d->dma_ctx, d->disk.addr, DISK_SECTOR_SIZE, cmd == DISK_READ, d->disk.sector);
}

uint32_t dev_in(struct devices *d, struct mem *mem, uint32_t port)
{
	(void)mem;
	d->port_reads++;
	switch (port) {
	case PORT_CON_DATA: return con_getc(&d->con);
	case PORT_CON_STATUS:
		con_refill(&d->con, 0);
		return (d->con.in_len > 0 ? 1u : 0u) | 2u;
	case PORT_CON_CTRL: return d->con.ctrl;
	case PORT_CON2_DATA: return con_getc(&d->con2);
	case PORT_CON2_STATUS: return (d->con2.in_len > 0 ? 1u : 0u) | 2u;
	case PORT_CON2_CTRL: return d->con2.ctrl;
	case PORT_DISK_SECTOR: return d->disk.sector;
	case PORT_DISK_ADDR: return d->disk.addr;
	case PORT_DISK_STATUS: return d->disk.status;
	case PORT_DISK_CTRL: return d->disk.ctrl;
	case PORT_DISK_SIZE: return d->disk.nsectors;
	case PORT_NET_MAC_LO: case PORT_NET_MAC_HI: case PORT_NET_STATUS: case PORT_NET_CTRL:
	case PORT_NET_TX_ADDR: case PORT_NET_TX_LEN: case PORT_NET_RX_LEN: case PORT_NET_RX_ADDR:
		return net_in(&d->net, port);
	default: return 0xFFFFFFFFu; /* nothing answers: the bus floats high */
	}
}

void dev_out(struct devices *d, struct mem *mem, uint32_t port, uint32_t val)
{
	d->port_writes++;
	switch (port) {
	case PORT_CON_DATA: con_putc(&d->con, (uint8_t)val); break;
	case PORT_CON_CTRL: d->con.ctrl = val & 1; break;
	case PORT_CON2_DATA: con_putc(&d->con2, (uint8_t)val); break;
	case PORT_CON2_CTRL: d->con2.ctrl = val & 1; break;
	case PORT_DISK_SECTOR: d->disk.sector = val; break;
	case PORT_DISK_ADDR: d->disk.addr = val; break;
	case PORT_DISK_CMD: disk_command_observed(d, mem, val); break;
	case PORT_DISK_STATUS: d->disk.status = DISK_IDLE; break;
	case PORT_DISK_CTRL: d->disk.ctrl = val & 1; break;
	case PORT_NET_MAC_LO: case PORT_NET_MAC_HI: case PORT_NET_STATUS: case PORT_NET_CTRL:
	case PORT_NET_TX_ADDR: case PORT_NET_TX_LEN: case PORT_NET_RX_LEN: case PORT_NET_RX_ADDR:
		net_out(&d->net, mem, port, val);
		break;
	case PORT_POWER:
		d->halted = true;
		d->halt_code = val;
		break;
	default: break; /* writes to nothing are lost */
	}
}

uint32_t dev_irq_lines(struct devices *d)
{
	uint32_t lines = 0;
	if ((d->con.ctrl & 1) && d->con.in_len > 0)
		lines |= 1u << IRQ_CONSOLE;
	if ((d->disk.ctrl & 1) && d->disk.status != DISK_IDLE)
		lines |= 1u << IRQ_DISK;
	if ((d->con2.ctrl & 1) && d->con2.in_len > 0)
		lines |= 1u << IRQ_CONSOLE2;
	if (net_line(&d->net))
		lines |= 1u << IRQ_NET;
	return lines;
}

bool dev_may_interrupt(struct devices *d)
{
	return ((d->con.ctrl & 1) && !d->con.in_eof) || net_may_wake(&d->net);
}

bool dev_net_attach(struct devices *d, const uint8_t mac[NET_MAC_BYTES], enum net_link link)
{
	return net_attach(&d->net, mac, link);
}

enum disk_status dev_disk_transfer(struct devices *d, struct mem *mem, uint32_t sector,
				   uint32_t addr, enum disk_cmd cmd)
{
	struct disk saved = d->disk;
	enum disk_status st;

	d->disk.sector = sector;
	d->disk.addr = addr;
	disk_command_observed(d, mem, cmd);
	st = (enum disk_status)d->disk.status;
	/* The command's counts stay; the registers are the guest's. */
	saved.reads = d->disk.reads;
	saved.writes = d->disk.writes;
	d->disk = saved;
	return st;
}
