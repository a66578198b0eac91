/*
 * vmm/snapshot.h: a VM's whole state as bytes: snapshots, and the stream
 *       that migration and failover send.
 * Owns: the format (docs/SNAPSHOT.md): a header (magic, version, flags),
 *       sections each tagged and sized, and an END section holding the
 *       CRC-32 of everything before it; the machine a snapshot fits (and
 *       the one-line refusal of any other); writing a VM into it, in one
 *       buffer or section by section, and loading it back, from a buffer or
 *       section by section as a network delivers them; the primitives with
 *       which each technique's file writes and reads its own section.
 * Not:  any technique's state (bt.c, bt_cache.c, patch.c, shadow.c,
 *       physmap.c, pv.c, pv_paging.c, hwassist.c each save and load their
 *       own); which pages changed (dirtylog.c); migration's rounds and
 *       failover's epochs (precopy.c, checkpoint.c); files and sockets
 *       (the tools).
 * Implements: the encapsulation that makes a VM more than its hardware:
 *       its whole state is data, so it can be saved, resumed, moved to
 *       another machine while it runs (Clark et al., NSDI 2005) and kept
 *       on a backup that takes over when its machine dies (Cully et al.,
 *       Remus, NSDI 2008). Equivalence, across time: a run resumed from a
 *       snapshot is exactly the run that was never stopped, in every mode,
 *       down to the monitor's statistics and costs.
 *
 * What is saved: both CPUs (the real one and the virtual one: registers,
 * special registers, counters, the TLB), the devices (console queues and
 * counts, the disk's registers and the sectors it wrote), the VM's flags
 * and statistics (all of struct vm_stats but host time), the monitor's
 * page-table pool, every technique's own state (translation cache and its
 * chains, patch tables, shadows, page types, the pv shared page, ring and
 * balloon, the VM control block), and the pages of the real machine the VM
 * holds: its region and its pool (never the monitor's own area: a
 * snapshot cannot write it). What is rebuilt instead: the decode cache,
 * host pointers (event hooks, streams), host time.
 */
#ifndef TRAPEZE_VMM_SNAPSHOT_H
#define TRAPEZE_VMM_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm.h"

enum {
	SNAP_VERSION = 1,
	SNAP_HEADER_BYTES = 16,     /* magic (8), version (4), flags (4) */
	SNAP_SECTION_HEAD = 8,      /* tag (4), payload length (4) */
	SNAP_PAGE = 4096,           /* memory travels in pages of the real machine */
	SNAP_PAGES_PER_SECTION = 256,
	SNAP_PATH_MAX = 1024,
};
/* The header's flags. */
enum {
	SNAP_F_DELTA = 1u << 0,     /* only some pages: the others are as the last
	                             * stream left them (failover's checkpoints) */
};
/* What vm_snapshot_put_state may leave out. */
enum {
	SNAP_HISTORY = 1u << 0,     /* keep the console bytes captured so far */
};

/* A section's tag: four letters, readable in a hex dump. */
#define SNAP_TAG(a, b, c, d) \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

/* ---- writing: a growing buffer, little-endian --------------------------- */

struct snap_buf {
	uint8_t *p;
	size_t len, cap;
	bool failed;                /* host memory ran out: what follows is lost */
};
void snap_buf_free(struct snap_buf *b);
void snap_put_u8(struct snap_buf *b, uint8_t v);
void snap_put_u16(struct snap_buf *b, uint16_t v);
void snap_put_u32(struct snap_buf *b, uint32_t v);
void snap_put_u64(struct snap_buf *b, uint64_t v);
void snap_put_bytes(struct snap_buf *b, const void *p, size_t n);
void snap_put_u16s(struct snap_buf *b, const uint16_t *a, size_t n);
void snap_put_u32s(struct snap_buf *b, const uint32_t *a, size_t n);
void snap_put_u64s(struct snap_buf *b, const uint64_t *a, size_t n);
/* Open a section: returns where it starts, for snap_end_section, which
 * writes its length once its payload is in. */
size_t snap_begin_section(struct snap_buf *b, uint32_t tag);
void snap_end_section(struct snap_buf *b, size_t at);

/* ---- reading a section's payload ------------------------------------------ */

/* Every read past the end yields zeros and marks the reader bad: a loader
 * reads on, then checks bad once (and refuses a section with bytes left). */
struct snap_rd {
	const uint8_t *p;
	size_t n;
	bool bad;
};
uint8_t snap_get_u8(struct snap_rd *r);
uint16_t snap_get_u16(struct snap_rd *r);
uint32_t snap_get_u32(struct snap_rd *r);
uint64_t snap_get_u64(struct snap_rd *r);
bool snap_get_bool(struct snap_rd *r);     /* 0 or 1: anything else is bad */
void snap_get_bytes(struct snap_rd *r, void *dst, size_t n);
void snap_get_u16s(struct snap_rd *r, uint16_t *a, size_t n);
void snap_get_u32s(struct snap_rd *r, uint32_t *a, size_t n);
void snap_get_u64s(struct snap_rd *r, uint64_t *a, size_t n);
/* n bytes in place, or NULL (and bad) when fewer are left. */
const uint8_t *snap_get_span(struct snap_rd *r, size_t n);
/* A count of elements of `each` bytes to follow: bad (and 0) when above
 * max or more than the bytes left could hold. */
uint32_t snap_get_count(struct snap_rd *r, uint32_t max, size_t each);
/* True when the payload was read exactly: nothing short, nothing left. */
bool snap_rd_done(const struct snap_rd *r);

/* ---- the machine a snapshot fits ------------------------------------------ */

enum snap_disk { SNAP_DISK_NONE, SNAP_DISK_OWNED, SNAP_DISK_SHARED };

struct snap_machine {
	enum vmm_mode mode;
	enum vmm_cpu cpu;
	uint32_t nonvirt, passthrough;
	uint32_t mem_size;          /* guest memory as created (a balloon shrinks the region later) */
	uint32_t tc_size;           /* bt: the translation cache's bytes; 0 otherwise */
	uint32_t balloon;           /* pv: the balloon asked for at creation */
	/* The real machine: its memory, where the monitor's area, the region
	 * and the page-table pool lie in it. */
	bool hosted;                /* one VM of a `trapeze host` */
	uint32_t real_size, vmm_area, region_base, pool_base, pool_pages;
	/* The disk: none; an image of the VM's own (sent whole); or a shared
	 * image file, which the restoring side opens itself (shared storage)
	 * and which must be the same: its sectors and CRC-32 are checked. */
	enum snap_disk disk;
	uint32_t disk_sectors, disk_crc;
	char disk_path[SNAP_PATH_MAX];
	/* The run's limits, and where it stands. */
	uint64_t step_limit, max_output;
	bool capture;
	uint64_t retired;           /* guest instructions retired when it was taken */
	/* The network card, if the machine has one: its cable and MAC. */
	bool net_card;
	uint8_t net_link;
	uint8_t net_mac[NET_MAC_BYTES];
};

/* The machine vm is, as a snapshot of it would record it. */
void vm_snapshot_machine(const struct vm *vm, struct snap_machine *m);
/* The options that make a VM of machine m: mode, processor, nonvirt,
 * memory, cache, passthrough, balloon, limits and the disk's path (o's
 * console, capture and input are left as they are). */
void snap_machine_options(const struct snap_machine *m, struct vm_options *o);
/* Does vm fit machine m? False with "snapshot: made for ..." in err. */
bool snap_machine_fits(const struct snap_machine *m, const struct vm *vm, char *err, size_t errlen);
/* A MACH section's payload into m, checked. */
bool snap_parse_machine(const uint8_t *payload, size_t len, struct snap_machine *m, char *err,
			size_t errlen);
/* One line describing m ("trap mode, 1048576 bytes, at instruction 500000, ..."). */
void snap_machine_describe(const struct snap_machine *m, char *out, size_t outlen);

/* ---- a whole snapshot, in one buffer ------------------------------------- */

/* Append a whole snapshot of vm to out (header, machine, state, every
 * page, END). flags: SNAP_HISTORY. False when host memory ran out. */
bool vm_snapshot_save(const struct vm *vm, struct snap_buf *out, unsigned flags);
/* The same into a file (written whole, then renamed into place). */
bool vm_snapshot_save_file(const struct vm *vm, const char *path, unsigned flags, char *err,
			   size_t errlen);
/* Read a snapshot file into memory (at most a VM's largest snapshot). */
bool snap_read_file(const char *path, uint8_t **data, size_t *len, char *err, size_t errlen);

/* Load a whole snapshot into vm, which must be the machine it was taken
 * of (snap_machine_fits): afterwards vm is exactly the VM that was saved.
 * False, with a one-line message, on a truncated, corrupted, wrong-version
 * or wrong-machine snapshot; the checks that need no change to vm (header,
 * machine, checksum) come first, so such a snapshot leaves vm as it was.
 * A snapshot that passes them and is still found wrong (hand-made: a CRC
 * is no signature) leaves vm changed: destroy it. */
bool vm_snapshot_restore(struct vm *vm, const void *data, size_t len, char *err, size_t errlen);

/* Where a VM made from a snapshot sends its console and finds its disk. */
struct snap_env {
	FILE *console;              /* console output (NULL: none) */
	bool capture;               /* keep every console byte (vm_console) */
	const char *disk_path;      /* the shared image to open; NULL: the path the snapshot names */
	bool keep_limits;           /* keep the step limit and output limit below, not the snapshot's */
	uint64_t step_limit, max_output;
};
/* A new VM, made as the snapshot's machine, and the snapshot loaded into
 * it. False, nothing made, with a one-line message. */
bool vm_snapshot_restore_new(struct vm **out, const void *data, size_t len,
			     const struct snap_env *env, char *err, size_t errlen);
/* The machine a snapshot was taken of, read from its MACH section (after
 * checking the header and the checksum). */
bool snap_peek_machine(const void *data, size_t len, struct snap_machine *m, char *err,
		       size_t errlen);

/* ---- a stream, section by section ---------------------------------------- */

/* The writer keeps a running CRC of what it has handed out. */
struct snap_writer {
	struct snap_buf buf;        /* written, not yet taken */
	uint32_t crc;
	uint64_t bytes;             /* taken so far */
};
void snap_writer_begin(struct snap_writer *w, uint32_t flags);
/* Sections of vm: MACH; every state section (not memory); pages (the real
 * machine's page numbers, in MEMP sections of up to SNAP_PAGES_PER_SECTION). */
void vm_snapshot_put_machine(const struct vm *vm, struct snap_buf *b);
void vm_snapshot_put_state(const struct vm *vm, struct snap_buf *b, unsigned flags);
void vm_snapshot_put_pages(const struct vm *vm, struct snap_buf *b, const uint32_t *pages,
			   uint32_t n);
/* Failover's output commit: console output held until the checkpoint that
 * produced it is safe, sent with it (an OUTP section: not the VM's state;
 * a loader keeps it in its output for the caller to release). */
void snap_put_output(struct snap_buf *b, const uint8_t *p, size_t n);
/* The END section: the CRC of everything before its payload. */
void snap_writer_end(struct snap_writer *w);
/* What was written since the last take, to send: counted into the CRC and
 * forgotten (valid until the next write). */
const uint8_t *snap_writer_take(struct snap_writer *w, size_t *n);
void snap_writer_free(struct snap_writer *w);

/* The real machine's pages a VM holds (its region, to its size before any
 * balloon, and its pool), in order; returns how many (at most max are
 * written to pages, which may be NULL to count). */
uint32_t vm_snapshot_page_set(const struct vm *vm, uint32_t *pages, uint32_t max);
/* The bytes of real page p that belong to the machine (a last page may be
 * short of SNAP_PAGE), and where they are. */
uint32_t vm_snapshot_page_bytes(const struct vm *vm, uint32_t page, const uint8_t **at);

/* A VM to load a stream into, made once its machine is known. */
typedef bool (*snap_make_fn)(void *ctx, const struct snap_machine *m, struct vm **out, char *err,
			     size_t errlen);

struct snap_loader {
	struct vm *vm;              /* given, or made by make when MACH arrives */
	bool made;                  /* made here: destroyed by snap_loader_free unless taken */
	snap_make_fn make;
	void *make_ctx;
	uint32_t crc;
	uint64_t bytes;
	uint32_t flags;
	bool header, ended;
	uint32_t seen;              /* sections seen, a bit per kind */
	struct snap_machine m;
	uint8_t *covered;           /* real pages loaded (a whole snapshot needs them all) */
	uint32_t npages;
	uint64_t pages_loaded;
	struct snap_buf output;     /* OUTP sections' bytes, for the caller */
};
/* A loader into vm (checked against the stream's machine), or, vm NULL,
 * into the VM make builds for it. */
void snap_loader_init(struct snap_loader *l, struct vm *vm, snap_make_fn make, void *ctx);
bool snap_load_header(struct snap_loader *l, const uint8_t *h, char *err, size_t errlen);
/* A section's head: its tag, and a length that section may have (the
 * largest is known from the machine once MACH is in). False, with the
 * message, for an unknown tag or a length no section of it can have: the
 * payload need not be read (or allocated) at all. */
bool snap_load_head(const struct snap_loader *l, const uint8_t *head, uint32_t *tag,
		    uint32_t *len, char *err, size_t errlen);
/* The section (its head and payload) checked and applied. */
bool snap_load_section(struct snap_loader *l, const uint8_t *head, const uint8_t *payload,
		       char *err, size_t errlen);
/* True once END was read and checked: every section the machine needs seen,
 * every page of a whole snapshot loaded, the CRC right. */
bool snap_loader_done(const struct snap_loader *l);
/* A loader that makes its VM as vm_snapshot_restore_new does, with env
 * (which must outlive it). */
void snap_loader_init_env(struct snap_loader *l, const struct snap_env *env);
/* A whole stream in memory through l: the checks that change nothing
 * first (header, framing, CRC, the machine), then every section. */
bool snap_load_all(struct snap_loader *l, const void *data, size_t len, char *err, size_t errlen);
/* Is tag a section this format has? */
bool snap_tag_known(uint32_t tag);
/* The VM, now the caller's (NULL unless done). */
struct vm *snap_loader_take(struct snap_loader *l);
void snap_loader_free(struct snap_loader *l);

/* ---- comparing states ---------------------------------------------------- */

/* Two VMs in exactly the same state (all that a snapshot holds, console
 * history included)? False with where they first differ in what (a
 * section's name and the byte in it), when what is not NULL. */
bool vm_snapshot_same(const struct vm *a, const struct vm *b, char *what, size_t whatlen);

/* The CRC-32 (zlib's, gzip's and PNG's) of n bytes. */
uint32_t snap_crc32(const void *p, size_t n);

/* The name of section tag ("CPUR", ...), in out (at least 5 bytes). */
const char *snap_tag_name(uint32_t tag, char *out);

#endif
