/*
 * vmm/bt_cache.c: the binary translator's translation cache (see bt_cache.h).
 */
#include "bt_cache.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

static unsigned bucket_of(uint32_t pc)
{
	return ((pc >> 2) * 0x9E3779B1u) >> 22; /* Fibonacci hashing: 10 bits */
}

bool bt_cache_init(struct bt_cache *tc, size_t size)
{
	memset(tc, 0, sizeof *tc);
	tc->arena = malloc(size);
	tc->size = size;
	return tc->arena != NULL;
}

void bt_cache_free(struct bt_cache *tc)
{
	free(tc->arena);
	memset(tc, 0, sizeof *tc);
}

struct bt_block *bt_cache_find(const struct bt_cache *tc, uint32_t pc)
{
	/* LAB 4 BEGIN: the block that starts at pc, in pc's bucket's chain */
	for (struct bt_block *b = tc->bucket[bucket_of(pc)]; b; b = b->next)
		if (b->pc == pc)
			return b;
	return NULL;
	/* LAB 4 STUB: (void)tc; */
	/* LAB 4 STUB: (void)pc; */
	/* LAB 4 STUB: return NULL; */
	/* LAB 4 END */
}

size_t bt_cache_block_size(uint32_t nwords)
{
	size_t n = sizeof(struct bt_block) + 4 * (size_t)nwords, a = alignof(struct bt_block);
	return (n + a - 1) / a * a;
}

struct bt_block *bt_cache_alloc(struct bt_cache *tc, uint32_t pc, uint32_t nwords)
{
	size_t n = bt_cache_block_size(nwords);
	struct bt_block *b;
	unsigned k = bucket_of(pc);

	if (n > tc->size - tc->used)
		return NULL;
	b = (struct bt_block *)(tc->arena + tc->used);
	tc->used += n;
	if (tc->used > tc->peak)
		tc->peak = tc->used;
	memset(b, 0, sizeof *b);
	b->pc = pc;
	b->nwords = (uint16_t)nwords;
	b->next = tc->bucket[k];
	tc->bucket[k] = b;
	return b;
}

void bt_cache_drop(struct bt_cache *tc, struct bt_block *b)
{
	/* LAB 4 BEGIN: unlink b from its bucket's chain, so that it can no longer be found */
	for (struct bt_block **p = &tc->bucket[bucket_of(b->pc)]; *p; p = &(*p)->next) {
		if (*p == b) {
			*p = b->next;
			break;
		}
	}
	/* LAB 4 STUB: (void)tc; */
	/* LAB 4 END */
	b->valid = false;
}

void bt_cache_flush(struct bt_cache *tc)
{
	memset(tc->bucket, 0, sizeof tc->bucket);
	tc->used = 0;
	tc->flushes++;
}

/* ---- snapshots ------------------------------------------------------------ */

/* The arena's blocks in order: where each starts. */
static uint32_t block_offsets(const struct bt_cache *tc, size_t **out)
{
	size_t *at = malloc((tc->used / bt_cache_block_size(0) + 1) * sizeof *at);
	uint32_t n = 0;

	for (size_t off = 0; at && off < tc->used; n++) {
		at[n] = off;
		off += bt_cache_block_size(((const struct bt_block *)(tc->arena + off))->nwords);
	}
	*out = at;
	return at ? n : 0;
}

/* The number of block b (its place in the arena), or -1 for none. */
static int32_t number_of(const struct bt_cache *tc, const size_t *at, uint32_t n, const struct bt_block *b)
{
	size_t off;
	uint32_t lo = 0, hi = n;

	if (!b)
		return -1;
	off = (size_t)((const uint8_t *)b - tc->arena);
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (at[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && at[lo] == off ? (int32_t)lo : -1;
}

void bt_cache_save(const struct bt_cache *tc, struct snap_buf *b, const struct bt_block *cur)
{
	size_t *at;
	uint32_t n = block_offsets(tc, &at);

	if (!at) {
		b->failed = true;
		return;
	}
	snap_put_u64(b, tc->size);
	snap_put_u64(b, tc->used);
	snap_put_u64(b, tc->peak);
	snap_put_u64(b, tc->flushes);
	snap_put_u32(b, n);
	for (uint32_t i = 0; i < n; i++) {
		const struct bt_block *k = (const struct bt_block *)(tc->arena + at[i]);
		snap_put_u32(b, k->pc);
		snap_put_u16(b, k->nwords);
		snap_put_u16(b, k->nrun);
		snap_put_u8(b, k->end);
		snap_put_u8(b, k->valid);
		for (int e = 0; e < 2; e++) {
			snap_put_u32(b, k->exit[e].pc);
			snap_put_u32(b, (uint32_t)number_of(tc, at, n, k->exit[e].to));
		}
		snap_put_u32(b, (uint32_t)number_of(tc, at, n, k->next));
		snap_put_u32s(b, k->words, k->nwords);
	}
	snap_put_u32(b, BT_BUCKETS);
	for (int k = 0; k < BT_BUCKETS; k++)
		snap_put_u32(b, (uint32_t)number_of(tc, at, n, tc->bucket[k]));
	snap_put_u32(b, (uint32_t)number_of(tc, at, n, cur));
	free(at);
}

/* Block number k of n, or NULL for -1; *ok false for any other number. */
static struct bt_block *block_at(struct bt_block **blocks, uint32_t n, uint32_t k, bool *ok)
{
	if (k == (uint32_t)-1)
		return NULL;
	if (k >= n) {
		*ok = false;
		return NULL;
	}
	return blocks[k];
}

/* One block into the arena at *off: false when it is none a translator makes. */
static bool load_block(struct bt_cache *tc, struct snap_rd *r, uint32_t limit, size_t *off,
		       struct bt_block **placed, uint32_t *links)
{
	uint32_t pc = snap_get_u32(r), nwords = snap_get_u16(r), nrun = snap_get_u16(r);
	uint8_t end = snap_get_u8(r);
	bool valid = snap_get_bool(r);
	size_t size = bt_cache_block_size(nwords);
	struct bt_block *k;

	for (int e = 0; e < 2; e++) {
		links[2 * e] = snap_get_u32(r);
		links[2 * e + 1] = snap_get_u32(r);
	}
	links[4] = snap_get_u32(r);
	if (r->bad || size > tc->size - *off || nwords == 0 || nrun > nwords || end > BT_END_FALL ||
	    (end == BT_END_CALLOUT && nrun == nwords) || (pc & 3) || (uint64_t)pc + 4ull * nwords > limit)
		return false;
	k = (struct bt_block *)(tc->arena + *off);
	memset(k, 0, sizeof *k);
	k->pc = pc;
	k->nwords = (uint16_t)nwords;
	k->nrun = (uint16_t)nrun;
	k->end = end;
	k->valid = valid;
	k->exit[0].pc = links[0];
	k->exit[1].pc = links[2];
	snap_get_u32s(r, k->words, nwords);
	*placed = k;
	*off += size;
	return !r->bad;
}

/* Every bucket's chain (heads[k], then each block's next in links) ends,
 * and no block is on two chains. */
static bool chains_ok(const uint32_t *heads, const uint32_t *links, uint32_t n)
{
	uint8_t *seen = calloc(n + 1, 1);
	bool ok = seen != NULL;

	for (int k = 0; ok && k < BT_BUCKETS; k++)
		for (uint32_t i = heads[k]; ok && i != (uint32_t)-1; i = links[5 * i + 4]) {
			ok = i < n && !seen[i];
			if (!ok)
				break;
			seen[i] = 1;
		}
	free(seen);
	return ok;
}

bool bt_cache_load(struct bt_cache *tc, struct snap_rd *r, uint32_t limit, struct bt_block **cur)
{
	uint64_t size = snap_get_u64(r), used = snap_get_u64(r), peak = snap_get_u64(r);
	uint64_t flushes = snap_get_u64(r);
	uint32_t n = snap_get_count(r, (uint32_t)(tc->size / bt_cache_block_size(0)), 29);
	struct bt_block **blocks = calloc(n + 1, sizeof *blocks);
	uint32_t *links = calloc(5 * (size_t)n + 1, sizeof *links), heads[BT_BUCKETS];
	size_t off = 0;
	bool ok = blocks && links && !r->bad && size == tc->size && used <= size && peak >= used &&
		  peak <= size;

	for (uint32_t i = 0; ok && i < n; i++)
		ok = load_block(tc, r, limit, &off, &blocks[i], &links[5 * i]);
	ok = ok && off == used && snap_get_u32(r) == BT_BUCKETS;
	snap_get_u32s(r, heads, BT_BUCKETS);
	ok = ok && !r->bad && chains_ok(heads, links, n);
	for (uint32_t i = 0; ok && i < n; i++) {
		blocks[i]->exit[0].to = block_at(blocks, n, links[5 * i + 1], &ok);
		blocks[i]->exit[1].to = block_at(blocks, n, links[5 * i + 3], &ok);
		blocks[i]->next = block_at(blocks, n, links[5 * i + 4], &ok);
	}
	for (int k = 0; ok && k < BT_BUCKETS; k++)
		tc->bucket[k] = block_at(blocks, n, heads[k], &ok);
	if (ok)
		*cur = block_at(blocks, n, snap_get_u32(r), &ok);
	if (ok && !r->bad) {
		tc->used = used;
		tc->peak = peak;
		tc->flushes = flushes;
	} else {
		/* Nothing half-made stays findable. */
		memset(tc->bucket, 0, sizeof tc->bucket);
		tc->used = 0;
		*cur = NULL;
		ok = false;
	}
	free(blocks);
	free(links);
	return ok;
}
