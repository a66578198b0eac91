/*
 * vmm/snapshot_state.c: the VM-level sections of a snapshot.
 * Owns: saving and loading a CPU (the real one and the virtual one, their
 *       TLBs included), the devices (console queues, what input is left,
 *       output counts and history; the disk's registers and the sectors it
 *       wrote), the VM's flags and statistics, and the real machine's pages
 *       the VM holds; the checks across sections.
 * Not:  the format and its framing (snapshot.c); the techniques' sections
 *       (their files).
 *
 * The TLB is saved, not emptied: under nested paging each miss is charged
 * to the VM's clock (hwassist.c), so a TLB rebuilt from nothing would make
 * a resumed run dearer than the run it resumes. Its host pointers are
 * rebuilt from the frames. The decode cache is rebuilt: a page loaded is
 * decoded again when it runs, which no count can see.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snapshot.h"
#include "vmm_internal.h"
#include "vmx.h"

#define BAD(...) (snprintf(err, errlen, __VA_ARGS__), false)

/* ---- a CPU ------------------------------------------------------------------ */

/* The TLB: its filled entries only (index, tags, frame), its context, the
 * pages it watches and its counters. */
static void put_tlb(struct snap_buf *b, const struct tlb *t)
{
	uint32_t n = 0;

	for (int i = 0; i < TLB_SIZE; i++)
		n += t->rtag[i] != ~0u;
	snap_put_u32(b, TLB_SIZE);
	snap_put_u32(b, n);
	for (uint32_t i = 0; i < TLB_SIZE; i++) {
		if (t->rtag[i] == ~0u)
			continue;
		snap_put_u32(b, i);
		snap_put_u32(b, t->rtag[i]);
		snap_put_u32(b, t->wtag[i]);
		snap_put_u32(b, t->frame[i]);
	}
	snap_put_u32(b, t->ctx.kind);
	snap_put_u32(b, t->ctx.root);
	snap_put_u32(b, t->ctx.nroot);
	snap_put_u32(b, t->ctx.limit);
	snap_put_u32(b, t->ctx.offset);
	snap_put_u8(b, t->ctx.nested_faults);
	snap_put_u8(b, t->valid);
	snap_put_u32(b, t->nwatch);
	snap_put_u32s(b, t->watch_list, t->nwatch);
	snap_put_u64(b, t->fills);
	snap_put_u64(b, t->walk_refs);
	snap_put_u64(b, t->flushes);
	snap_put_u64(b, t->nested_refs);
}

void vmm_snap_put_cpu(struct snap_buf *b, const struct cpu *c)
{
	snap_put_u32(b, NREGS + 1);
	snap_put_u32s(b, c->r, NREGS + 1);
	snap_put_u32(b, c->pc);
	snap_put_u32(b, c->psw);
	snap_put_u32(b, SR_COUNT);
	snap_put_u32s(b, c->sr, SR_COUNT);
	snap_put_u32(b, c->ipend_timer);
	snap_put_u32(b, (uint32_t)c->trap.cause);
	snap_put_u32(b, c->trap.detail);
	snap_put_u32(b, c->trap.epc);
	snap_put_u32(b, c->trap.pc);
	snap_put_u32(b, c->trap.info);
	snap_put_u64(b, c->retired);
	snap_put_u64(b, c->cycles);
	snap_put_u32(b, CAUSE_COUNT);
	snap_put_u64s(b, c->traps, CAUSE_COUNT);
	snap_put_u64(b, c->idle_ticks);
	snap_put_u32(b, c->trap_streak);
	snap_put_u64(b, c->trap_retired);
	snap_put_u8(b, c->guest_mode);
	snap_put_u8(b, c->vmcb != NULL);
	snap_put_u32(b, c->mem.size);
	put_tlb(b, &c->tlb);
}

/* The TLB's entries: each maps a whole page of c's memory (and, on the
 * real CPU under a monitor, never one of the monitor's own). */
static bool load_tlb(struct vm *vm, struct cpu *c, struct snap_rd *r, uint32_t watch_pages,
		     char *err, size_t errlen)
{
	struct tlb *t = &c->tlb;
	uint32_t low = c == &vm->real ? vm->vmm_area : 0, n;

	if (snap_get_u32(r) != TLB_SIZE)
		return BAD("the TLB has another size");
	memset(t->rtag, 0xFF, sizeof t->rtag);
	memset(t->wtag, 0xFF, sizeof t->wtag);
	memset(t->frame, 0, sizeof t->frame);
	n = snap_get_count(r, TLB_SIZE, 16);
	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = snap_get_u32(r);
		if (i >= TLB_SIZE || t->rtag[i] != ~0u)
			return BAD("TLB entry %u twice, or no entry at all", i);
		t->rtag[i] = snap_get_u32(r);
		t->wtag[i] = snap_get_u32(r);
		t->frame[i] = snap_get_u32(r);
		if (t->rtag[i] == ~0u)
			return BAD("TLB entry %u is empty", i);
	}
	t->ctx.kind = (enum mmu_kind)snap_get_u32(r);
	t->ctx.root = snap_get_u32(r);
	t->ctx.nroot = snap_get_u32(r);
	t->ctx.limit = snap_get_u32(r);
	t->ctx.offset = snap_get_u32(r);
	t->ctx.nested_faults = snap_get_bool(r);
	t->valid = snap_get_bool(r);
	/* Forget the pages watched now, then mark the snapshot's. */
	for (uint32_t i = 0; i < t->nwatch; i++)
		t->watched[t->watch_list[i]] = 0;
	t->nwatch = 0;
	n = snap_get_count(r, TLB_WATCH_MAX, 4);
	snap_get_u32s(r, t->watch_list, n);
	for (uint32_t i = 0; i < n; i++)
		if (t->watch_list[i] >= watch_pages)
			return BAD("the TLB watches page %u, outside memory", t->watch_list[i]);
	for (uint32_t i = 0; i < n; i++)
		t->watched[t->watch_list[i]] = 1;
	t->nwatch = n;
	t->fills = snap_get_u64(r);
	t->walk_refs = snap_get_u64(r);
	t->flushes = snap_get_u64(r);
	t->nested_refs = snap_get_u64(r);
	if ((unsigned)t->ctx.kind > MMU_2D)
		return BAD("the TLB's context is of no kind");
	for (int i = 0; i < TLB_SIZE; i++) {
		t->delta[i] = 0;
		if (t->rtag[i] == ~0u) {
			if (t->wtag[i] != ~0u)
				return BAD("TLB entry %d is writable but not readable", i);
			continue;
		}
		if (t->rtag[i] >= 1u << 20 || (t->wtag[i] != ~0u && t->wtag[i] != t->rtag[i]) ||
		    (t->frame[i] & ~PAGE_MASK) || c->mem.size < PAGE_SIZE ||
		    t->frame[i] > c->mem.size - PAGE_SIZE || t->frame[i] < low)
			return BAD("TLB entry %d maps no page of its memory", i);
		t->delta[i] = (uintptr_t)c->mem.bytes + t->frame[i] - ((uintptr_t)t->rtag[i] << PAGE_SHIFT);
	}
	return true;
}

bool vmm_snap_load_cpu(struct vm *vm, struct cpu *c, struct snap_rd *r, char *err, size_t errlen)
{
	bool real = c == &vm->real, vmcb;
	uint32_t size;

	if (snap_get_u32(r) != NREGS + 1)
		return BAD("another number of registers");
	snap_get_u32s(r, c->r, NREGS + 1);
	c->pc = snap_get_u32(r);
	c->psw = snap_get_u32(r);
	if (snap_get_u32(r) != SR_COUNT)
		return BAD("another number of special registers");
	snap_get_u32s(r, c->sr, SR_COUNT);
	c->ipend_timer = snap_get_u32(r);
	c->trap.cause = (enum trap_cause)snap_get_u32(r);
	c->trap.detail = snap_get_u32(r);
	c->trap.epc = snap_get_u32(r);
	c->trap.pc = snap_get_u32(r);
	c->trap.info = snap_get_u32(r);
	c->retired = snap_get_u64(r);
	c->cycles = snap_get_u64(r);
	if (snap_get_u32(r) != CAUSE_COUNT)
		return BAD("another number of trap causes");
	snap_get_u64s(r, c->traps, CAUSE_COUNT);
	c->idle_ticks = snap_get_u64(r);
	c->trap_streak = snap_get_u32(r);
	c->trap_retired = snap_get_u64(r);
	if (snap_get_bool(r))
		return BAD("taken in the middle of guest mode");
	vmcb = snap_get_bool(r);
	size = snap_get_u32(r);
	if (r->bad)
		return false;
	if (c->r[0] != 0 || (unsigned)c->trap.cause >= CAUSE_COUNT || c->ipend_timer > 1)
		return BAD("a register holds what the machine never could");
	if (vmcb && !vm->hw)
		return BAD("a VM control block outside hw mode");
	c->vmcb = vmcb ? vmm_hw_vmcb(vm) : NULL;
	c->guest_mode = false;
	/* The real memory is fixed; the virtual CPU's (the region) shrinks
	 * with a balloon, never past what the VM was made with. */
	if (real ? size != vm->real.mem.size : size > vm->opt.mem_size || size % 4 || size < 4)
		return BAD("memory of %u bytes: not this machine's", size);
	c->mem.size = size;
	return load_tlb(vm, c, r, (real ? vm->real.mem.size : vm->opt.mem_size) / PAGE_SIZE + 1, err,
			errlen);
}

/* ---- the devices ------------------------------------------------------------ */

/* Where a console's input comes from when its queue runs dry. */
enum { SRC_NONE, SRC_REST, SRC_TERMINAL };

/* The bytes of the host file fd from its offset on: console input not yet
 * queued (vm.c's queue_input keeps it in a file). */
static void put_rest(struct snap_buf *b, int fd)
{
	struct stat st;
	off_t at = lseek(fd, 0, SEEK_CUR);
	uint32_t n = 0;
	uint8_t chunk[4096];

	if (at < 0 || fstat(fd, &st) != 0 || st.st_size < at || st.st_size - at > (64 << 20)) {
		snap_put_u32(b, 0);
		return;
	}
	n = (uint32_t)(st.st_size - at);
	snap_put_u32(b, n);
	for (uint32_t done = 0; done < n;) {
		ssize_t k = pread(fd, chunk, n - done < sizeof chunk ? n - done : sizeof chunk, at + done);
		if (k <= 0) {
			b->failed = true; /* the file changed under us: no half snapshot */
			return;
		}
		snap_put_bytes(b, chunk, (size_t)k);
		done += (uint32_t)k;
	}
}

static void put_console(struct snap_buf *b, const struct console *k, const struct vm *vm,
			unsigned flags)
{
	uint8_t src = k->in_fd < 0 ? SRC_NONE
		: vm->input_rest && k->in_fd == fileno(vm->input_rest) ? SRC_REST : SRC_TERMINAL;
	/* Whether a buffer happens to be there yet (made at the first byte)
	 * is no part of the state, nor whether the tool captures at all when
	 * nothing was captured: both send no history. */
	bool history = (flags & SNAP_HISTORY) && k->capturing && k->cap_len;

	snap_put_u32(b, k->in_len);
	for (uint32_t i = 0; i < k->in_len; i++)
		snap_put_u8(b, k->in[(k->in_head + i) % CON_INBUF]);
	snap_put_u8(b, k->in_eof);
	snap_put_u32(b, k->ctrl);
	snap_put_u64(b, k->out_count);
	snap_put_u8(b, k->out_truncated);
	snap_put_u8(b, src);
	if (src == SRC_REST)
		put_rest(b, k->in_fd);
	snap_put_u64(b, k->capturing ? k->cap_len : 0);
	snap_put_u8(b, history);
	if (history)
		snap_put_bytes(b, k->capture, k->cap_len);
}

/* A fresh host file of the input not yet queued, for the console to read. */
static bool load_rest(struct vm *vm, struct console *k, const uint8_t *bytes, uint32_t n)
{
	FILE *f = tmpfile();

	if (!f || fwrite(bytes, 1, n, f) != n || fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0) {
		if (f)
			fclose(f);
		return false;
	}
	if (vm->input_rest)
		fclose(vm->input_rest);
	vm->input_rest = f;
	k->in_fd = fileno(f);
	return true;
}

static bool load_history(struct console *k, uint64_t cap_len, const uint8_t *bytes)
{
	if (!k->capturing)
		return true;
	if (!bytes) {
		/* No history sent: a console that captured past this point (the
		 * same VM, resumed from earlier) forgets what came after. */
		if (k->capture && k->cap_len >= cap_len) {
			k->cap_len = cap_len;
			k->capture[cap_len] = 0;
		}
		return true;
	}
	if (cap_len + 1 > k->cap_size) {
		char *p = realloc(k->capture, cap_len + 1);
		if (!p)
			return false;
		k->capture = p;
		k->cap_size = cap_len + 1;
	}
	memcpy(k->capture, bytes, cap_len);
	k->capture[cap_len] = 0;
	k->cap_len = cap_len;
	return true;
}

static bool load_console(struct vm *vm, struct console *k, bool first, struct snap_rd *r,
			 char *err, size_t errlen)
{
	uint32_t n = snap_get_count(r, CON_INBUF, 1), rest_len = 0;
	const uint8_t *rest = NULL, *history = NULL;
	uint64_t cap_len;
	uint8_t src;

	snap_get_bytes(r, k->in, n);
	k->in_head = 0;
	k->in_len = n;
	k->in_eof = snap_get_bool(r);
	k->ctrl = snap_get_u32(r);
	k->out_count = snap_get_u64(r);
	k->out_truncated = snap_get_bool(r);
	src = snap_get_u8(r);
	if (src == SRC_REST) {
		rest_len = snap_get_count(r, 64u << 20, 1);
		rest = snap_get_span(r, rest_len);
	}
	cap_len = snap_get_u64(r);
	if (snap_get_bool(r)) {
		if (cap_len > r->n)
			return BAD("console history longer than the section");
		history = snap_get_span(r, (size_t)cap_len);
	}
	if (r->bad)
		return false;
	if (src > SRC_TERMINAL || (src == SRC_REST && !first) || k->ctrl > 1)
		return BAD("a console in no state a console has");
	if (src == SRC_REST) {
		if (!load_rest(vm, k, rest, rest_len))
			return BAD("cannot keep %u bytes of console input", rest_len);
	} else if (first && vm->input_rest && k->in_fd == fileno(vm->input_rest)) {
		fclose(vm->input_rest);
		vm->input_rest = NULL;
		k->in_fd = -1;
	}
	if (src == SRC_NONE) {
		k->in_fd = -1;
	} else if (src == SRC_TERMINAL && k->in_fd < 0) {
		/* It read a terminal: this side reads none until a tool attaches one. */
		k->in_eof = true;
	}
	if (!load_history(k, cap_len, history))
		return BAD("out of host memory for the console's history");
	return true;
}

static void put_disk(struct snap_buf *b, const struct disk *k)
{
	uint8_t kind = k->image ? SNAP_DISK_OWNED : k->base ? SNAP_DISK_SHARED : SNAP_DISK_NONE;

	snap_put_u8(b, kind);
	snap_put_u32(b, k->nsectors);
	snap_put_u32(b, k->sector);
	snap_put_u32(b, k->addr);
	snap_put_u32(b, k->status);
	snap_put_u32(b, k->ctrl);
	snap_put_u64(b, k->reads);
	snap_put_u64(b, k->writes);
	snap_put_u32(b, k->overlay_sectors);
	if (kind == SNAP_DISK_OWNED)
		snap_put_bytes(b, k->image, (size_t)k->nsectors * DISK_SECTOR_SIZE);
	if (kind != SNAP_DISK_SHARED)
		return;
	/* The sectors the guest wrote: the image itself is shared storage. */
	snap_put_u32(b, k->overlay_sectors);
	for (uint32_t s = 0; s < k->nsectors; s++)
		if (k->overlay[s]) {
			snap_put_u32(b, s);
			snap_put_bytes(b, k->overlay[s], DISK_SECTOR_SIZE);
		}
}

static bool load_overlay(struct disk *k, struct snap_rd *r, char *err, size_t errlen)
{
	uint32_t n = snap_get_count(r, k->nsectors, 4 + DISK_SECTOR_SIZE), next = 0;

	if (n != k->overlay_sectors)
		return BAD("the disk's count of written sectors disagrees with its list");
	for (uint32_t i = 0; i < n; i++) {
		uint32_t s = snap_get_u32(r);
		const uint8_t *bytes = snap_get_span(r, DISK_SECTOR_SIZE);
		if (r->bad)
			return false;
		if (s < next || s >= k->nsectors)
			return BAD("written sector %u out of order or past the disk", s);
		for (; next < s; next++) {
			free(k->overlay[next]);
			k->overlay[next] = NULL;
		}
		if (!k->overlay[s] && !(k->overlay[s] = malloc(DISK_SECTOR_SIZE)))
			return BAD("out of host memory for the disk's written sectors");
		memcpy(k->overlay[s], bytes, DISK_SECTOR_SIZE);
		next = s + 1;
	}
	for (; next < k->nsectors; next++) {
		free(k->overlay[next]);
		k->overlay[next] = NULL;
	}
	return true;
}

static bool load_disk(struct disk *k, struct snap_rd *r, char *err, size_t errlen)
{
	uint8_t kind = snap_get_u8(r);
	uint8_t have = k->image ? SNAP_DISK_OWNED : k->base ? SNAP_DISK_SHARED : SNAP_DISK_NONE;

	if (kind != have || snap_get_u32(r) != k->nsectors)
		return BAD("another disk than this VM's");
	k->sector = snap_get_u32(r);
	k->addr = snap_get_u32(r);
	k->status = snap_get_u32(r);
	k->ctrl = snap_get_u32(r);
	k->reads = snap_get_u64(r);
	k->writes = snap_get_u64(r);
	k->overlay_sectors = snap_get_u32(r);
	if (k->status > DISK_ERROR || k->ctrl > 1)
		return BAD("a disk in no state a disk has");
	if (kind == SNAP_DISK_OWNED)
		snap_get_bytes(r, k->image, (size_t)k->nsectors * DISK_SECTOR_SIZE);
	else if (kind == SNAP_DISK_NONE && k->overlay_sectors)
		return BAD("written sectors on no disk");
	if (kind == SNAP_DISK_SHARED)
		return load_overlay(k, r, err, errlen);
	return true;
}

void vmm_snap_put_devices(const struct vm *vm, struct snap_buf *b, unsigned flags)
{
	const struct devices *d = &vm->dev;

	put_console(b, &d->con, vm, flags);
	put_console(b, &d->con2, vm, flags);
	put_disk(b, &d->disk);
	snap_put_u64(b, d->port_reads);
	snap_put_u64(b, d->port_writes);
	snap_put_u8(b, d->halted);
	snap_put_u32(b, d->halt_code);
}

bool vmm_snap_load_devices(struct vm *vm, struct snap_rd *r, char *err, size_t errlen)
{
	struct devices *d = &vm->dev;

	if (!load_console(vm, &d->con, true, r, err, errlen) ||
	    !load_console(vm, &d->con2, false, r, err, errlen) || !load_disk(&d->disk, r, err, errlen))
		return false;
	d->port_reads = snap_get_u64(r);
	d->port_writes = snap_get_u64(r);
	d->halted = snap_get_bool(r);
	d->halt_code = snap_get_u32(r);
	return true;
}

/* ---- the network card ---------------------------------------------------------- */

static void put_queue(struct snap_buf *b, const struct net_queue *q)
{
	snap_put_u32(b, q->len);
	for (uint32_t i = 0; i < q->len; i++) {
		const struct net_frame *f = &q->f[(q->head + i) % q->cap];
		snap_put_u32(b, f->len);
		snap_put_u64(b, f->due);
		snap_put_bytes(b, f->bytes, f->len);
	}
}

static bool load_queue(struct net_queue *q, struct snap_rd *r, char *err, size_t errlen)
{
	uint32_t n = snap_get_count(r, q->cap, 12);

	q->head = 0;
	q->len = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct net_frame *f = &q->f[i];
		f->len = snap_get_u32(r);
		f->due = snap_get_u64(r);
		if (f->len > NET_FRAME_MAX)
			return BAD("a frame of %u bytes, more than a card holds", f->len);
		snap_get_bytes(r, f->bytes, f->len);
	}
	q->len = n;
	return !r->bad;
}

/* The card: its registers, both queues with the frames in them (those on
 * the loopback cable with their arrival), its counts. Its MAC and cable
 * are the machine's (MACH), checked there. */
void vmm_snap_put_net(const struct vm *vm, struct snap_buf *b)
{
	const struct netcard *n = &vm->dev.net;
	uint64_t w[sizeof n->st / 8];

	snap_put_u32(b, n->ctrl);
	snap_put_u32(b, n->tx_addr);
	snap_put_u8(b, n->refused);
	snap_put_u8(b, n->backend);
	snap_put_u8(b, n->event);
	snap_put_u8(b, n->backend_irq);
	snap_put_u32(b, n->posted);
	snap_put_u32(b, n->dma_lo);
	snap_put_u32(b, n->dma_end);
	put_queue(b, &n->rx);
	put_queue(b, &n->tx);
	memcpy(w, &n->st, sizeof w);
	snap_put_u64s(b, w, sizeof w / 8);
	if (vm->netpv)
		vmm_net_pv_save(vm, b);
}

_Static_assert(sizeof(struct net_stats) % 8 == 0, "net_stats holds only uint64_t");

bool vmm_snap_load_net(struct vm *vm, struct snap_rd *r, char *err, size_t errlen)
{
	struct netcard *n = &vm->dev.net;
	uint64_t w[sizeof n->st / 8];

	n->ctrl = snap_get_u32(r);
	n->tx_addr = snap_get_u32(r);
	n->refused = snap_get_bool(r);
	n->backend = snap_get_bool(r);
	n->event = snap_get_bool(r);
	n->backend_irq = snap_get_bool(r);
	n->posted = snap_get_u32(r);
	n->dma_lo = snap_get_u32(r);
	n->dma_end = snap_get_u32(r);
	n->waiting = false;
	if (!load_queue(&n->rx, r, err, errlen) || !load_queue(&n->tx, r, err, errlen))
		return false;
	snap_get_u64s(r, w, sizeof w / 8);
	memcpy(&n->st, w, sizeof w);
	if (r->bad)
		return false;
	if (n->ctrl > NET_CTRL_RXIRQ || n->posted > PV_NET_SLOTS || (n->backend && !vm->netpv) ||
	    (n->dma_lo != UINT32_MAX && (n->dma_end < n->dma_lo || n->dma_end > vm->opt.mem_size)))
		return BAD("a network card in no state a card has");
	for (uint32_t i = 0; i < n->tx.len; i++)
		if (n->tx.f[i].len < NET_HEADER || (n->link != NET_LINK_LOOPBACK &&
						    n->tx.f[i].due != NET_UNSTAMPED))
			return BAD("a frame on its way out that no card would send");
	return !vm->netpv || vmm_net_pv_load(vm, r, err, errlen);
}

/* ---- the VM's flags and statistics ------------------------------------------ */

/* struct vm_stats is counters only: it travels as an array of them. */
enum { NSTATS = sizeof(struct vm_stats) / sizeof(uint64_t) };
_Static_assert(sizeof(struct vm_stats) % sizeof(uint64_t) == 0, "vm_stats holds only uint64_t");

/* The statistics travel as the counters that are not zero, each with its
 * place in struct vm_stats. */
void vmm_snap_put_vm(const struct vm *vm, struct snap_buf *b)
{
	struct vm_stats s = vm->stats;
	uint64_t w[NSTATS];
	uint32_t n = 0;

	s.host_ns = 0; /* host time: the one thing a resumed run need not repeat */
	memcpy(w, &s, sizeof w);
	for (uint32_t i = 0; i < NSTATS; i++)
		n += w[i] != 0;
	snap_put_u32(b, vm->region_size);
	snap_put_u64(b, vm->delivered);
	snap_put_u8(b, vm->stopped);
	snap_put_u32(b, (uint32_t)vm->stop);
	snap_put_u8(b, vm->at_limit);
	snap_put_u32(b, NSTATS);
	snap_put_u32(b, n);
	for (uint32_t i = 0; i < NSTATS; i++)
		if (w[i]) {
			snap_put_u32(b, i);
			snap_put_u64(b, w[i]);
		}
}

bool vmm_snap_load_vm(struct vm *vm, struct snap_rd *r, char *err, size_t errlen)
{
	uint64_t w[NSTATS] = { 0 }, host_ns = vm->stats.host_ns;
	uint32_t region = snap_get_u32(r), n;

	vm->delivered = snap_get_u64(r);
	vm->stopped = snap_get_bool(r);
	vm->stop = (enum cpu_stop)snap_get_u32(r);
	vm->at_limit = snap_get_bool(r);
	if (snap_get_u32(r) != NSTATS)
		return BAD("another set of statistics");
	n = snap_get_count(r, NSTATS, 12);
	for (uint32_t k = 0, last = 0; k < n; k++) {
		uint32_t i = snap_get_u32(r);
		if (i >= NSTATS || (k && i <= last))
			return BAD("statistic %u out of order", i);
		w[i] = snap_get_u64(r);
		last = i;
	}
	if (r->bad)
		return false;
	if (region > vm->opt.mem_size || region % 4 || region < 4 ||
	    (vm->opt.mode != MODE_PV && region != vm->opt.mem_size))
		return BAD("a region of %u bytes in a VM of %u", region, vm->opt.mem_size);
	if ((unsigned)vm->stop > STOP_VMEXIT ||
	    (vm->stopped && vm->stop != STOP_HALT && vm->stop != STOP_IDLE && vm->stop != STOP_FAULT))
		return BAD("stopped for no reason a VM stops");
	vm->region_size = region;
	memcpy(&vm->stats, w, sizeof w);
	vm->stats.host_ns = host_ns;
	vm->callout = false;
	return true;
}

/* ---- memory -------------------------------------------------------------------- */

/* The region's bytes before a balloon took any. */
static uint32_t full_region(const struct vm *vm)
{
	return vm->pv ? vmm_pv_full_size(vm) : vm->region_size;
}

static void page_ranges(const struct vm *vm, uint32_t *r0, uint32_t *r1, uint32_t *p0, uint32_t *p1)
{
	uint64_t end = (uint64_t)vm->region_base + full_region(vm);

	*r0 = vm->region_base / SNAP_PAGE;
	*r1 = (uint32_t)((end + SNAP_PAGE - 1) / SNAP_PAGE);
	*p0 = vm->pool.base / SNAP_PAGE;
	*p1 = vm->pool.npages ? *p0 + vm->pool.npages : *p0;
}

uint32_t vm_snapshot_page_set(const struct vm *vm, uint32_t *pages, uint32_t max)
{
	uint32_t r0, r1, p0, p1, n = 0;

	page_ranges(vm, &r0, &r1, &p0, &p1);
	/* In ascending order: a host puts the pool below the region. */
	for (int pass = 0; pass < 2; pass++) {
		bool region = (pass == 0) == (r0 <= p0);
		uint32_t a = region ? r0 : p0, b = region ? r1 : p1;
		for (uint32_t p = a; p < b; p++, n++)
			if (pages && n < max)
				pages[n] = p;
	}
	return n;
}

uint32_t vm_snapshot_page_bytes(const struct vm *vm, uint32_t page, const uint8_t **at)
{
	uint64_t start = (uint64_t)page * SNAP_PAGE, size = vm->real.mem.size;

	*at = vm->real.mem.bytes + start;
	if (start >= size)
		return 0;
	return size - start < SNAP_PAGE ? (uint32_t)(size - start) : SNAP_PAGE;
}

/* Where page p stands in the VM's page set, or -1 when it holds no such page. */
static int64_t page_index(const struct vm *vm, uint32_t p)
{
	uint32_t r0, r1, p0, p1;

	page_ranges(vm, &r0, &r1, &p0, &p1);
	if (p >= r0 && p < r1)
		return p - r0;
	if (p >= p0 && p < p1)
		return (int64_t)(r1 - r0) + (p - p0);
	return -1;
}

static bool is_zero(const uint8_t *p, uint32_t len)
{
	return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

bool vmm_snap_load_pages(struct vm *vm, struct snap_rd *r, uint8_t *covered, uint64_t *loaded,
			 char *err, size_t errlen)
{
	uint32_t n = snap_get_count(r, SNAP_PAGES_PER_SECTION, 5);

	for (uint32_t i = 0; i < n && !r->bad; i++) {
		uint32_t p = snap_get_u32(r), len;
		uint8_t kind = snap_get_u8(r);
		int64_t at = page_index(vm, p);
		const uint8_t *bytes = NULL;
		uint8_t *dst;

		if (r->bad)
			return false;
		if (at < 0 || kind > 1)
			return BAD("page %u is not one of this VM's", p);
		len = vm_snapshot_page_bytes(vm, p, (const uint8_t **)&dst);
		if (kind == 1 && !(bytes = snap_get_span(r, len)))
			return false;
		/* Only what differs is written and decoded again: loading into
		 * the same VM, as a debugger going back does, stays cheap. */
		if (bytes ? memcmp(dst, bytes, len) != 0 : !is_zero(dst, len)) {
			if (bytes)
				memcpy(dst, bytes, len);
			else
				memset(dst, 0, len);
			mem_invalidate(&vm->real.mem, p * SNAP_PAGE, len);
		}
		covered[at] = 1;
		++*loaded;
	}
	return !r->bad;
}

/* ---- across sections ------------------------------------------------------------ */

/* Every valid entry of the monitor's tables points at a page of its pool
 * (a directory's) or a whole page of the region (a table's): the real
 * processor walks them, and must reach nothing else, the monitor's own
 * area least of all. */
static bool pool_tables_confined(const struct vm *vm, char *err, size_t errlen)
{
	uint32_t full = full_region(vm);

	for (uint32_t k = 0; k < vm->pool.npages; k++) {
		uint32_t page = vm->pool.base + k * PAGE_SIZE;
		if (!vm->pool.used[k])
			continue;
		for (uint32_t i = 0; i < 1024; i++) {
			uint32_t e = mem_load32(&vm->real.mem, page + 4 * i), f = e & PAGE_MASK;
			if (!(e & PTE_V) || vmm_pool_has_page(vm, f))
				continue;
			if (f < vm->region_base || f - vm->region_base > full ||
			    full - (f - vm->region_base) < PAGE_SIZE)
				return BAD("a monitor's table at 0x%08x maps 0x%08x, outside the VM", page, f);
		}
	}
	return true;
}

bool vmm_snap_finish(struct vm *vm, char *err, size_t errlen)
{
	char why[256] = "";
	bool ok = true;

	if (vm->opt.mode != MODE_BARE && vm->vcpu.mem.size != vm->region_size) {
		snprintf(why, sizeof why, "the virtual CPU's memory (%u bytes) is not the region (%u)",
			 vm->vcpu.mem.size, vm->region_size);
		ok = false;
	} else if (vm->pv) {
		struct vm_balloon b;
		vm_balloon_info(vm, &b);
		if (vmm_pv_full_size(vm) != vm->opt.mem_size ||
		    (uint64_t)vm->region_size + (uint64_t)b.given * PAGE_SIZE != vm->opt.mem_size) {
			snprintf(why, sizeof why, "the balloon's pages and the region disagree");
			ok = false;
		}
	}
	ok = ok && pool_tables_confined(vm, why, sizeof why) &&
	     (!vm->pvmm || vmm_pv_paging_check(vm, why, sizeof why));
	if (!ok)
		snprintf(err, errlen, "snapshot inconsistent: %s", why);
	else
		vmm_patch_after_load(vm);
	return ok;
}
