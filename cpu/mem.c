/*
 * cpu/mem.c: physical memory and its pre-decoded shadow (see mem.h).
 */
#include "mem.h"

#include <stdlib.h>

bool mem_init(struct mem *m, uint32_t size)
{
	size = (size + 3) & ~3u;
	m->bytes = calloc(size ? size : 4, 1);
	/* One guard entry on each side: a store to word 0 also forgets word -1
	 * (see mem_invalidate), and nothing is ever decoded there. */
	m->dec = calloc(size / 4 + 2, sizeof *m->dec);
	if (m->dec)
		m->dec++;
	m->size = size;
	m->owner = true;
	if (!m->bytes || !m->dec) {
		mem_free(m);
		return false;
	}
	return true;
}

void mem_free(struct mem *m)
{
	if (m->owner) {
		free(m->bytes);
		free(m->dec ? m->dec - 1 : NULL);
	}
	m->bytes = NULL;
	m->dec = NULL;
	m->size = 0;
}

struct mem mem_view(const struct mem *m, uint32_t base, uint32_t size)
{
	struct mem v = { m->bytes + base, size, m->dec + base / 4, false };
	return v;
}

bool mem_write(struct mem *m, uint32_t addr, const void *src, uint32_t len)
{
	if (!mem_in_range(m, addr, len))
		return false;
	memcpy(m->bytes + addr, src, len);
	mem_invalidate(m, addr, len);
	return true;
}

bool mem_read(const struct mem *m, uint32_t addr, void *dst, uint32_t len)
{
	if (!mem_in_range(m, addr, len))
		return false;
	memcpy(dst, m->bytes + addr, len);
	return true;
}
