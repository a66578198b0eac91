/*
 * vmm/bt_cache.c: the binary translator's translation cache (see bt_cache.h).
 */
#include "bt_cache.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

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
