/*
 * vmm/dirtylog.c: which of a VM's pages changed since they were last sent.
 * Owns: the copy of each page as last sent, and comparing memory with it
 *       (see migrate.h for why a comparison and not write protection).
 * Not:  sending anything (precopy.c, checkpoint.c).
 */
#include <stdlib.h>
#include <string.h>

#include "migrate.h"

bool dirtylog_start(struct dirtylog *d, const struct vm *vm)
{
	memset(d, 0, sizeof *d);
	d->npages = vm_snapshot_page_set(vm, NULL, 0);
	d->pages = malloc(4 * (size_t)d->npages + 4);
	d->dirty = malloc(4 * (size_t)d->npages + 4);
	d->sent = calloc((size_t)d->npages + 1, 1);
	d->copy = malloc((size_t)d->npages * SNAP_PAGE + 1);
	if (!d->pages || !d->dirty || !d->sent || !d->copy) {
		dirtylog_stop(d);
		return false;
	}
	vm_snapshot_page_set(vm, d->pages, d->npages);
	return true;
}

void dirtylog_stop(struct dirtylog *d)
{
	free(d->pages);
	free(d->dirty);
	free(d->sent);
	free(d->copy);
	memset(d, 0, sizeof *d);
}

uint32_t dirtylog_collect(struct dirtylog *d, const struct vm *vm)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < d->npages; i++) {
		const uint8_t *now;
		uint32_t len = vm_snapshot_page_bytes(vm, d->pages[i], &now);
		if (!d->sent[i] || memcmp(d->copy + (size_t)i * SNAP_PAGE, now, len) != 0)
			d->dirty[n++] = d->pages[i];
	}
	return n;
}

/* Where real page p stands in the log (the page set is in order). */
static int64_t index_of(const struct dirtylog *d, uint32_t p)
{
	uint32_t lo = 0, hi = d->npages;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (d->pages[mid] < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->npages && d->pages[lo] == p ? (int64_t)lo : -1;
}

void dirtylog_sent(struct dirtylog *d, const struct vm *vm, const uint32_t *pages, uint32_t n)
{
	for (uint32_t k = 0; k < n; k++) {
		int64_t i = index_of(d, pages[k]);
		const uint8_t *now;
		uint32_t len;

		if (i < 0)
			continue;
		len = vm_snapshot_page_bytes(vm, pages[k], &now);
		memcpy(d->copy + (size_t)i * SNAP_PAGE, now, len);
		d->sent[i] = 1;
	}
}
