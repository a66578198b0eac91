/*
 * vmm/bt_cache.h: the binary translator's translation cache.
 * Owns: struct bt_block (one translated basic block) and struct bt_cache:
 *       the cache's fixed memory, finding a block by guest pc, making room,
 *       dropping a stale block, flushing everything when full.
 * Not:  translating or running blocks (bt.c).
 * Implements: the translation cache (VMware's "TC"; QEMU's code buffer) of
 *       a dynamic binary translator: a bounded arena, filled in order and
 *       emptied all at once, so that blocks are never freed one by one and
 *       a chained pointer between two blocks stays valid until the flush.
 */
#ifndef TRAPEZE_VMM_BT_CACHE_H
#define TRAPEZE_VMM_BT_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How a block ends: decided by its last instruction (see bt.c, translate). */
enum bt_end {
	BT_END_BRANCH,   /* a direct jump or branch, run on the real CPU; exits chained */
	BT_END_INDIRECT, /* jr or jalr, run on the real CPU; the next block is looked up */
	BT_END_TRAP,     /* sys, brk, hcall or an illegal word: leaves through a trap */
	BT_END_CALLOUT,  /* a sensitive instruction: the VMM emulates it, no trap */
	BT_END_FALL,     /* cut short (length, or the end of memory): falls through */
};

struct bt_block;

/* A rewritten branch target: the guest pc it goes to and, once resolved,
 * the translation of that pc, so that leaving by it needs no look-up. */
struct bt_exit {
	uint32_t pc;
	struct bt_block *to;
};

struct bt_block {
	uint32_t pc;            /* guest-physical address of its first instruction */
	uint16_t nwords;        /* guest instructions it covers */
	uint16_t nrun;          /* of which the real CPU runs (all but a callout) */
	uint8_t end;            /* enum bt_end */
	bool valid;             /* false once dropped: its guest code changed */
	struct bt_exit exit[2]; /* where it may go next: taken, fall-through */
	struct bt_block *next;  /* in its look-up bucket */
	uint32_t words[];       /* the guest's words, copied unchanged */
};

enum { BT_BUCKETS = 1024 };

struct bt_cache {
	uint8_t *arena;
	size_t size, used, peak;
	uint64_t flushes;
	struct bt_block *bucket[BT_BUCKETS];
};

/* An empty cache of size bytes; false when host memory ran out. */
bool bt_cache_init(struct bt_cache *tc, size_t size);
void bt_cache_free(struct bt_cache *tc);
/* The valid block that starts at guest pc, or NULL. */
struct bt_block *bt_cache_find(const struct bt_cache *tc, uint32_t pc);
/* Room for a block of nwords, findable at pc from now on (not yet valid:
 * the caller fills it in); NULL when the cache is full. */
struct bt_block *bt_cache_alloc(struct bt_cache *tc, uint32_t pc, uint32_t nwords);
/* The bytes a block of nwords takes: no block larger than the cache fits. */
size_t bt_cache_block_size(uint32_t nwords);
/* Forget a block: it can no longer be found; chained pointers to it see
 * it is no longer valid. Its memory is reclaimed by the next flush. */
void bt_cache_drop(struct bt_cache *tc, struct bt_block *b);
/* Empty the cache: every block, and every pointer to one, is gone. */
void bt_cache_flush(struct bt_cache *tc);

/* Snapshots (vmm/snapshot.h): the cache as its blocks in arena order,
 * each pointer (a chained exit, a bucket's chain, cur) written as the
 * number of the block it points at, -1 for none; loaded back into the
 * same places of the arena, every number and chain checked. limit: the
 * guest memory a block's words must lie in. */
struct snap_buf;
struct snap_rd;
void bt_cache_save(const struct bt_cache *tc, struct snap_buf *b, const struct bt_block *cur);
bool bt_cache_load(struct bt_cache *tc, struct snap_rd *r, uint32_t limit, struct bt_block **cur);

#endif
