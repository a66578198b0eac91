/*
 * vmm/snapshot.c: the snapshot format (see snapshot.h, docs/SNAPSHOT.md).
 * Owns: the byte primitives, the header and the sections' framing, the
 *       CRC-32, the loader that applies a stream section by section, whole
 *       snapshots in a buffer or a file, and comparing two states.
 * Not:  the machine section (MACH) and the check that a snapshot fits a VM
 *       (snapshot_machine.c); the VM-level sections' contents
 *       (snapshot_state.c); each technique's own section (its file).
 *
 * The checksum is zlib's crc32: the CRC-32 of gzip and PNG, so a snapshot
 * can be checked with any tool (python3 -c 'import zlib; ...'), and fast
 * (a debugger that keeps many snapshots checks every one it loads).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "snapshot.h"
#include "vmm_internal.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "snapshots are little-endian and copy arrays as they are in memory"
#endif

static const char MAGIC[8] = { 'T', 'R', 'A', 'P', 'S', 'N', 'A', 'P' };

/* ---- the buffer ----------------------------------------------------------- */

void snap_buf_free(struct snap_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

static bool grow(struct snap_buf *b, size_t n)
{
	size_t cap;
	uint8_t *p;

	if (b->failed)
		return false;
	if (n <= b->cap - b->len)
		return true;
	cap = b->cap ? b->cap : 4096;
	while (cap - b->len < n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void snap_put_bytes(struct snap_buf *b, const void *p, size_t n)
{
	if (!n || !grow(b, n))
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void snap_put_u8(struct snap_buf *b, uint8_t v) { snap_put_bytes(b, &v, 1); }
void snap_put_u16(struct snap_buf *b, uint16_t v) { snap_put_bytes(b, &v, 2); }
void snap_put_u32(struct snap_buf *b, uint32_t v) { snap_put_bytes(b, &v, 4); }
void snap_put_u64(struct snap_buf *b, uint64_t v) { snap_put_bytes(b, &v, 8); }
void snap_put_u16s(struct snap_buf *b, const uint16_t *a, size_t n) { snap_put_bytes(b, a, 2 * n); }
void snap_put_u32s(struct snap_buf *b, const uint32_t *a, size_t n) { snap_put_bytes(b, a, 4 * n); }
void snap_put_u64s(struct snap_buf *b, const uint64_t *a, size_t n) { snap_put_bytes(b, a, 8 * n); }

size_t snap_begin_section(struct snap_buf *b, uint32_t tag)
{
	size_t at = b->len;

	snap_put_u32(b, tag);
	snap_put_u32(b, 0); /* the length, once known */
	return at;
}

void snap_end_section(struct snap_buf *b, size_t at)
{
	uint32_t len = (uint32_t)(b->len - at - SNAP_SECTION_HEAD);

	if (!b->failed)
		memcpy(b->p + at + 4, &len, 4);
}

/* ---- the reader ------------------------------------------------------------ */

const uint8_t *snap_get_span(struct snap_rd *r, size_t n)
{
	const uint8_t *p = r->p;

	if (r->bad || n > r->n) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	r->n -= n;
	return p;
}

void snap_get_bytes(struct snap_rd *r, void *dst, size_t n)
{
	const uint8_t *p = snap_get_span(r, n);

	if (p)
		memcpy(dst, p, n);
	else
		memset(dst, 0, n);
}

uint8_t snap_get_u8(struct snap_rd *r) { uint8_t v; snap_get_bytes(r, &v, 1); return v; }
uint16_t snap_get_u16(struct snap_rd *r) { uint16_t v; snap_get_bytes(r, &v, 2); return v; }
uint32_t snap_get_u32(struct snap_rd *r) { uint32_t v; snap_get_bytes(r, &v, 4); return v; }
uint64_t snap_get_u64(struct snap_rd *r) { uint64_t v; snap_get_bytes(r, &v, 8); return v; }
void snap_get_u16s(struct snap_rd *r, uint16_t *a, size_t n) { snap_get_bytes(r, a, 2 * n); }
void snap_get_u32s(struct snap_rd *r, uint32_t *a, size_t n) { snap_get_bytes(r, a, 4 * n); }
void snap_get_u64s(struct snap_rd *r, uint64_t *a, size_t n) { snap_get_bytes(r, a, 8 * n); }

bool snap_get_bool(struct snap_rd *r)
{
	uint8_t v = snap_get_u8(r);

	if (v > 1)
		r->bad = true;
	return v == 1;
}

uint32_t snap_get_count(struct snap_rd *r, uint32_t max, size_t each)
{
	uint32_t n = snap_get_u32(r);

	if (n > max || (each && n > r->n / each)) {
		r->bad = true;
		return 0;
	}
	return n;
}

bool snap_rd_done(const struct snap_rd *r)
{
	return !r->bad && r->n == 0;
}

/* ---- the sections ---------------------------------------------------------- */

/* Every kind of section, with a bit for "seen". MEMP may come many times. */
static const struct kind {
	uint32_t tag;
	const char *what;
} kinds[] = {
	{ SNAP_TAG('M', 'A', 'C', 'H'), "the machine" },
	{ SNAP_TAG('C', 'P', 'U', 'R'), "the real CPU" },
	{ SNAP_TAG('C', 'P', 'U', 'V'), "the virtual CPU" },
	{ SNAP_TAG('D', 'E', 'V', 'S'), "the devices" },
	{ SNAP_TAG('V', 'M', 'S', 'T'), "the VM's flags and statistics" },
	{ SNAP_TAG('P', 'O', 'O', 'L'), "the monitor's page-table pool" },
	{ SNAP_TAG('M', 'E', 'M', 'P'), "pages of memory" },
	{ SNAP_TAG('B', 'T', 'T', 'C'), "binary translation's cache" },
	{ SNAP_TAG('P', 'T', 'C', 'H'), "code patching's tables" },
	{ SNAP_TAG('S', 'H', 'D', 'W'), "the shadow page tables" },
	{ SNAP_TAG('P', 'V', 'I', 'F'), "the paravirtual interface" },
	{ SNAP_TAG('P', 'V', 'M', 'M'), "direct paging's page types" },
	{ SNAP_TAG('H', 'W', 'V', 'M'), "the VM control block" },
	{ SNAP_TAG('N', 'E', 'T', 'C'), "the network card" },
	{ SNAP_TAG('O', 'U', 'T', 'P'), "console output to release" },
	{ SNAP_TAG('E', 'N', 'D', ' '), "the end and checksum" },
};
enum { K_MACH, K_CPUR, K_CPUV, K_DEVS, K_VMST, K_POOL, K_MEMP, K_BTTC, K_PTCH, K_SHDW, K_PVIF,
       K_PVMM, K_HWVM, K_NETC, K_OUTP, K_END, K_COUNT };

static int kind_of(uint32_t tag)
{
	for (int k = 0; k < K_COUNT; k++)
		if (kinds[k].tag == tag)
			return k;
	return -1;
}

const char *snap_tag_name(uint32_t tag, char *out)
{
	for (int i = 0; i < 4; i++) {
		char c = (char)(tag >> (8 * i));
		out[i] = c >= 0x20 && c < 0x7F ? c : '?';
	}
	out[4] = 0;
	return out;
}

/* The sections a VM of machine m must have (a bit per kind). */
static uint32_t needed(const struct vm *vm)
{
	uint32_t k = 1u << K_MACH | 1u << K_CPUR | 1u << K_DEVS | 1u << K_VMST | 1u << K_POOL;

	if (vm->opt.mode != MODE_BARE)
		k |= 1u << K_CPUV;
	if (vm->bt)
		k |= 1u << K_BTTC;
	if (vm->patcher)
		k |= 1u << K_PTCH;
	if (vm->shadow)
		k |= 1u << K_SHDW;
	if (vm->pv)
		k |= 1u << K_PVIF | 1u << K_PVMM;
	if (vm->hw)
		k |= 1u << K_HWVM;
	if (vm->dev.net.present)
		k |= 1u << K_NETC;
	return k;
}

/* The largest payload a section of kind k may have in a VM of machine m:
 * a hostile length is refused before anything is read or allocated. */
static uint64_t max_len(const struct snap_machine *m, int k)
{
	uint64_t words = m->mem_size / 4, pages = m->mem_size / SNAP_PAGE + 1;

	switch (k) {
	case K_MACH: return 256 + SNAP_PATH_MAX;
	case K_CPUR: case K_CPUV: return 16384;
	case K_VMST: case K_PVIF: case K_HWVM: return 8192;
	case K_END: return 4;
	case K_POOL: return 64 + (uint64_t)m->pool_pages;
	case K_MEMP: return 4 + (uint64_t)SNAP_PAGES_PER_SECTION * (5 + SNAP_PAGE);
	case K_BTTC: return 4 * (uint64_t)m->tc_size + words / 8 + 8 * 1024 + 1024;
	case K_PTCH: return 24 * words + m->mem_size / 1024 + 1024;
	case K_SHDW: return 10 * pages + 8 * (24 + 3 * 4 * 1024) + 1024;
	case K_PVMM: return 8 * pages + 64;
	/* Registers, both queues full of the longest frames, counts, a ring. */
	case K_NETC: return 256 + (uint64_t)(NET_RX_QUEUE + NET_TX_QUEUE) * (12 + NET_FRAME_MAX);
	case K_OUTP: return 64u << 20;
	/* Console queues, input not yet queued, history, the disk. */
	case K_DEVS: return 512u << 20;
	default: return 0;
	}
}

/* ---- the VM's sections ------------------------------------------------------ */

static void section(struct snap_buf *b, int k, const struct vm *vm,
		    void (*put)(const struct vm *, struct snap_buf *))
{
	size_t at = snap_begin_section(b, kinds[k].tag);

	put(vm, b);
	snap_end_section(b, at);
}

void vm_snapshot_put_state(const struct vm *vm, struct snap_buf *b, unsigned flags)
{
	size_t at;

	at = snap_begin_section(b, kinds[K_CPUR].tag);
	vmm_snap_put_cpu(b, &vm->real);
	snap_end_section(b, at);
	if (vm->opt.mode != MODE_BARE) {
		at = snap_begin_section(b, kinds[K_CPUV].tag);
		vmm_snap_put_cpu(b, &vm->vcpu);
		snap_end_section(b, at);
	}
	at = snap_begin_section(b, kinds[K_DEVS].tag);
	vmm_snap_put_devices(vm, b, flags);
	snap_end_section(b, at);
	section(b, K_VMST, vm, vmm_snap_put_vm);
	section(b, K_POOL, vm, vmm_pool_save);
	if (vm->bt)
		section(b, K_BTTC, vm, vmm_bt_save);
	if (vm->patcher)
		section(b, K_PTCH, vm, vmm_patch_save);
	if (vm->shadow)
		section(b, K_SHDW, vm, vmm_shadow_save);
	if (vm->pv) {
		section(b, K_PVIF, vm, vmm_pv_save);
		section(b, K_PVMM, vm, vmm_pv_paging_save);
	}
	if (vm->hw)
		section(b, K_HWVM, vm, vmm_hw_save);
	if (vm->dev.net.present)
		section(b, K_NETC, vm, vmm_snap_put_net);
}

void snap_put_output(struct snap_buf *b, const uint8_t *p, size_t n)
{
	size_t at = snap_begin_section(b, kinds[K_OUTP].tag);

	snap_put_bytes(b, p, n);
	snap_end_section(b, at);
}

static bool all_zero(const uint8_t *p, uint32_t len)
{
	return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

void vm_snapshot_put_pages(const struct vm *vm, struct snap_buf *b, const uint32_t *pages, uint32_t n)
{
	for (uint32_t i = 0; i < n; i += SNAP_PAGES_PER_SECTION) {
		uint32_t k = n - i < SNAP_PAGES_PER_SECTION ? n - i : SNAP_PAGES_PER_SECTION;
		size_t at = snap_begin_section(b, kinds[K_MEMP].tag);

		snap_put_u32(b, k);
		for (uint32_t j = i; j < i + k; j++) {
			const uint8_t *bytes;
			uint32_t len = vm_snapshot_page_bytes(vm, pages[j], &bytes);
			/* A page of zeros is sent as its number alone. */
			bool zero = all_zero(bytes, len);
			snap_put_u32(b, pages[j]);
			snap_put_u8(b, zero ? 0 : 1);
			if (!zero)
				snap_put_bytes(b, bytes, len);
		}
		snap_end_section(b, at);
	}
}

/* ---- the stream's two ends -------------------------------------------------- */

static void put_header(struct snap_buf *b, uint32_t flags)
{
	snap_put_bytes(b, MAGIC, sizeof MAGIC);
	snap_put_u32(b, SNAP_VERSION);
	snap_put_u32(b, flags);
}

static uint32_t crc_of(uint32_t crc, const uint8_t *p, size_t n)
{
	return (uint32_t)crc32_z(crc, p, n);
}

uint32_t snap_crc32(const void *p, size_t n)
{
	return crc_of(crc_of(0, NULL, 0), p, n);
}

void snap_writer_begin(struct snap_writer *w, uint32_t flags)
{
	memset(w, 0, sizeof *w);
	w->crc = crc_of(0, NULL, 0);
	put_header(&w->buf, flags);
}

const uint8_t *snap_writer_take(struct snap_writer *w, size_t *n)
{
	*n = w->buf.len;
	w->crc = crc_of(w->crc, w->buf.p, w->buf.len);
	w->bytes += w->buf.len;
	w->buf.len = 0;
	return w->buf.p;
}

void snap_writer_end(struct snap_writer *w)
{
	uint32_t crc;

	snap_put_u32(&w->buf, kinds[K_END].tag);
	snap_put_u32(&w->buf, 4);
	/* Everything before the END's payload: what was taken, and what waits. */
	crc = crc_of(w->crc, w->buf.p, w->buf.len);
	snap_put_u32(&w->buf, crc);
}

void snap_writer_free(struct snap_writer *w)
{
	snap_buf_free(&w->buf);
}

bool vm_snapshot_save(const struct vm *vm, struct snap_buf *out, unsigned flags)
{
	size_t start = out->len, n;
	uint32_t npages = vm_snapshot_page_set(vm, NULL, 0), *pages = malloc(4 * (size_t)npages + 4);
	uint32_t crc;

	if (!pages) {
		out->failed = true;
		return false;
	}
	vm_snapshot_page_set(vm, pages, npages);
	put_header(out, 0);
	vm_snapshot_put_machine(vm, out);
	vm_snapshot_put_state(vm, out, flags);
	vm_snapshot_put_pages(vm, out, pages, npages);
	free(pages);
	snap_put_u32(out, kinds[K_END].tag);
	snap_put_u32(out, 4);
	if (out->failed)
		return false;
	n = out->len - start;
	crc = crc_of(crc_of(0, NULL, 0), out->p + start, n);
	snap_put_u32(out, crc);
	return !out->failed;
}

bool vm_snapshot_save_file(const struct vm *vm, const char *path, unsigned flags, char *err,
			   size_t errlen)
{
	struct snap_buf b = { 0 };
	char tmp[SNAP_PATH_MAX + 16];
	FILE *f;
	bool ok;

	if (!vm_snapshot_save(vm, &b, flags)) {
		snap_buf_free(&b);
		snprintf(err, errlen, "%s: out of host memory for the snapshot", path);
		return false;
	}
	/* Written beside, then renamed: a snapshot file is whole or absent. */
	snprintf(tmp, sizeof tmp, "%s.part", path);
	f = fopen(tmp, "wb");
	ok = f && fwrite(b.p, 1, b.len, f) == b.len;
	if (f && fclose(f) != 0)
		ok = false;
	if (ok && rename(tmp, path) != 0)
		ok = false;
	if (!ok) {
		snprintf(err, errlen, "%s: cannot write the snapshot: %s", path, strerror(errno));
		remove(tmp);
	}
	snap_buf_free(&b);
	return ok;
}

bool snap_read_file(const char *path, uint8_t **data, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *p = NULL;

	*data = NULL;
	*len = 0;
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
	} else if ((uint64_t)st.st_size > (uint64_t)VM_MAX_MEM * 2 + (1u << 30)) {
		snprintf(err, errlen, "%s: too large for a snapshot", path);
	} else if (!(p = malloc((size_t)st.st_size + 1))) {
		snprintf(err, errlen, "%s: out of host memory", path);
	} else if (fread(p, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		snprintf(err, errlen, "%s: read error", path);
		free(p);
		p = NULL;
	} else {
		*data = p;
		*len = (size_t)st.st_size;
	}
	fclose(f);
	return p != NULL;
}

/* ---- the loader ------------------------------------------------------------- */

void snap_loader_init(struct snap_loader *l, struct vm *vm, snap_make_fn make, void *ctx)
{
	memset(l, 0, sizeof *l);
	l->vm = vm;
	l->make = make;
	l->make_ctx = ctx;
}

void snap_loader_free(struct snap_loader *l)
{
	if (l->made)
		vm_destroy(l->vm);
	free(l->covered);
	snap_buf_free(&l->output);
	memset(l, 0, sizeof *l);
}

struct vm *snap_loader_take(struct snap_loader *l)
{
	struct vm *vm = l->ended ? l->vm : NULL;

	if (vm)
		l->made = false;
	return vm;
}

bool snap_loader_done(const struct snap_loader *l)
{
	return l->ended;
}

bool snap_load_header(struct snap_loader *l, const uint8_t *h, char *err, size_t errlen)
{
	uint32_t version, flags;

	memcpy(&version, h + 8, 4);
	memcpy(&flags, h + 12, 4);
	if (memcmp(h, MAGIC, sizeof MAGIC) != 0) {
		snprintf(err, errlen, "not a Trapeze snapshot (no TRAPSNAP at its start)");
		return false;
	}
	if (version != SNAP_VERSION) {
		snprintf(err, errlen, "snapshot format version %u: this trapeze reads version %u",
			 version, SNAP_VERSION);
		return false;
	}
	if (flags & ~(uint32_t)SNAP_F_DELTA) {
		snprintf(err, errlen, "snapshot header has unknown flags 0x%x", flags);
		return false;
	}
	l->flags = flags;
	l->header = true;
	l->crc = crc_of(crc_of(0, NULL, 0), h, SNAP_HEADER_BYTES);
	l->bytes = SNAP_HEADER_BYTES;
	return true;
}

bool snap_load_head(const struct snap_loader *l, const uint8_t *head, uint32_t *tag, uint32_t *len,
		    char *err, size_t errlen)
{
	char name[5];
	int k;

	memcpy(tag, head, 4);
	memcpy(len, head + 4, 4);
	k = kind_of(*tag);
	snap_tag_name(*tag, name);
	if (!l->header || l->ended) {
		snprintf(err, errlen, "snapshot: section '%s' %s", name,
			 l->ended ? "after the end" : "before the header");
		return false;
	}
	if (k < 0) {
		snprintf(err, errlen, "snapshot: unknown section '%s' at byte %llu", name,
			 (unsigned long long)l->bytes);
		return false;
	}
	if (k == K_MACH && (l->seen & 1u << K_MACH)) {
		snprintf(err, errlen, "snapshot: a second machine section at byte %llu",
			 (unsigned long long)l->bytes);
		return false;
	}
	if (k != K_MACH && !(l->seen & 1u << K_MACH)) {
		snprintf(err, errlen, "snapshot: section '%s' before the machine section", name);
		return false;
	}
	if (*len > max_len(&l->m, k)) {
		snprintf(err, errlen, "snapshot: section '%s' claims %u bytes, more than %s can take",
			 name, *len, kinds[k].what);
		return false;
	}
	return true;
}

/* The VM for the machine just read: given (it must fit) or made. */
static bool machine_in(struct snap_loader *l, const struct snap_rd *r, char *err, size_t errlen)
{
	if (!snap_parse_machine(r->p, r->n, &l->m, err, errlen))
		return false;
	if (l->vm)
		return snap_machine_fits(&l->m, l->vm, err, errlen);
	if (!l->make) {
		snprintf(err, errlen, "snapshot: no VM to load it into");
		return false;
	}
	if (!l->make(l->make_ctx, &l->m, &l->vm, err, errlen))
		return false;
	l->made = true;
	return snap_machine_fits(&l->m, l->vm, err, errlen);
}

/* The end: the CRC, every section the machine needs, every page. */
static bool end_in(struct snap_loader *l, const uint8_t *payload, char *err, size_t errlen)
{
	uint32_t want, miss = needed(l->vm) & ~l->seen;

	memcpy(&want, payload, 4);
	if (want != l->crc) {
		snprintf(err, errlen, "snapshot corrupted: its CRC-32 is %08x, its bytes make %08x",
			 want, l->crc);
		return false;
	}
	for (int k = 0; k < K_COUNT; k++)
		if (miss & 1u << k) {
			snprintf(err, errlen, "snapshot incomplete: no section for %s", kinds[k].what);
			return false;
		}
	if (!(l->flags & SNAP_F_DELTA))
		for (uint32_t i = 0; i < l->npages; i++)
			if (!l->covered[i]) {
				snprintf(err, errlen, "snapshot incomplete: page %u of the VM's memory is missing",
					 i);
				return false;
			}
	return vmm_snap_finish(l->vm, err, errlen);
}

/* Apply the payload of a section of kind k. */
static bool apply(struct snap_loader *l, int k, struct snap_rd *r, char *err, size_t errlen)
{
	struct vm *vm = l->vm;

	switch (k) {
	case K_CPUR: return vmm_snap_load_cpu(vm, &vm->real, r, err, errlen);
	case K_CPUV: return vmm_snap_load_cpu(vm, &vm->vcpu, r, err, errlen);
	case K_DEVS: return vmm_snap_load_devices(vm, r, err, errlen);
	case K_VMST: return vmm_snap_load_vm(vm, r, err, errlen);
	case K_POOL: return vmm_pool_load(vm, r, err, errlen);
	case K_MEMP: return vmm_snap_load_pages(vm, r, l->covered, &l->pages_loaded, err, errlen);
	case K_BTTC: return vmm_bt_load(vm, r, err, errlen);
	case K_PTCH: return vmm_patch_load(vm, r, err, errlen);
	case K_SHDW: return vmm_shadow_load(vm, r, err, errlen);
	case K_PVIF: return vmm_pv_load(vm, r, err, errlen);
	case K_PVMM: return vmm_pv_paging_load(vm, r, err, errlen);
	case K_HWVM: return vmm_hw_load(vm, r, err, errlen);
	case K_NETC: return vmm_snap_load_net(vm, r, err, errlen);
	default: return false;
	}
}

bool snap_load_section(struct snap_loader *l, const uint8_t *head, const uint8_t *payload, char *err,
		       size_t errlen)
{
	uint32_t tag, len;
	char name[5], why[300] = "";
	struct snap_rd r;
	int k;

	if (!snap_load_head(l, head, &tag, &len, err, errlen))
		return false;
	k = kind_of(tag);
	snap_tag_name(tag, name);
	l->crc = crc_of(l->crc, head, SNAP_SECTION_HEAD);
	l->bytes += SNAP_SECTION_HEAD + len;
	if (k == K_END) {
		if (len != 4) {
			snprintf(err, errlen, "snapshot: the end section has %u bytes, not 4", len);
			return false;
		}
		if (!end_in(l, payload, err, errlen))
			return false;
		l->ended = true;
		return true;
	}
	l->crc = crc_of(l->crc, payload, len);
	if (k == K_OUTP) {
		/* Not the VM's state: the caller's, to release (failover). */
		snap_put_bytes(&l->output, payload, len);
		return !l->output.failed;
	}
	if (k != K_MEMP && (l->seen & 1u << k)) {
		snprintf(err, errlen, "snapshot: a second section '%s'", name);
		return false;
	}
	r = (struct snap_rd){ payload, len, false };
	if (k == K_MACH) {
		if (!machine_in(l, &r, err, errlen))
			return false;
		l->npages = vm_snapshot_page_set(l->vm, NULL, 0);
		l->covered = calloc(l->npages ? l->npages : 1, 1);
		if (!l->covered) {
			snprintf(err, errlen, "snapshot: out of host memory");
			return false;
		}
	} else if (!(needed(l->vm) & 1u << k) && k != K_MEMP) {
		snprintf(err, errlen, "snapshot: section '%s' (%s) does not belong to a %s-mode VM", name,
			 kinds[k].what, vmm_mode_name(l->vm->opt.mode));
		return false;
	} else if (!apply(l, k, &r, why, sizeof why) || !snap_rd_done(&r)) {
		snprintf(err, errlen, "snapshot: section '%s' (%s): %s", name, kinds[k].what,
			 why[0] ? why : r.bad ? "truncated or malformed" : "bytes left over");
		return false;
	}
	l->seen |= 1u << k;
	return true;
}

/* Walk a whole snapshot in memory: each section's head and payload to fn.
 * False, with the message, on the first problem. */
static bool each_section(struct snap_loader *l, const uint8_t *p, size_t len, char *err,
			 size_t errlen)
{
	size_t at = SNAP_HEADER_BYTES;

	if (len < SNAP_HEADER_BYTES) {
		snprintf(err, errlen, "snapshot truncated: %zu bytes, not even a header", len);
		return false;
	}
	if (!snap_load_header(l, p, err, errlen))
		return false;
	while (!l->ended) {
		uint32_t tag, n;
		if (len - at < SNAP_SECTION_HEAD) {
			snprintf(err, errlen, "snapshot truncated: it ends at byte %zu, inside a section's "
				 "head, before its end section", len);
			return false;
		}
		if (!snap_load_head(l, p + at, &tag, &n, err, errlen))
			return false;
		if (len - at - SNAP_SECTION_HEAD < n) {
			char name[5];
			snprintf(err, errlen, "snapshot truncated: section '%s' at byte %zu needs %u bytes, "
				 "%zu are left", snap_tag_name(tag, name), at, n,
				 len - at - SNAP_SECTION_HEAD);
			return false;
		}
		if (!snap_load_section(l, p + at, p + at + SNAP_SECTION_HEAD, err, errlen))
			return false;
		at += SNAP_SECTION_HEAD + n;
	}
	if (at != len) {
		snprintf(err, errlen, "snapshot has %zu bytes after its end section", len - at);
		return false;
	}
	return true;
}

/* The checks that change nothing: header, framing, CRC, the machine. */
static bool precheck(const uint8_t *p, size_t len, struct snap_machine *m, char *err, size_t errlen)
{
	size_t at = SNAP_HEADER_BYTES;
	uint32_t crc, tag, n, want, version;
	bool have_m = false;

	if (len < SNAP_HEADER_BYTES) {
		snprintf(err, errlen, "snapshot truncated: %zu bytes, not even a header", len);
		return false;
	}
	memcpy(&version, p + 8, 4);
	if (memcmp(p, MAGIC, sizeof MAGIC) != 0 || version != SNAP_VERSION) {
		struct snap_loader l;
		snap_loader_init(&l, NULL, NULL, NULL);
		return snap_load_header(&l, p, err, errlen);
	}
	for (;;) {
		if (len - at < SNAP_SECTION_HEAD) {
			snprintf(err, errlen, "snapshot truncated: it ends at byte %zu, before its end "
				 "section", len);
			return false;
		}
		memcpy(&tag, p + at, 4);
		memcpy(&n, p + at + 4, 4);
		if (len - at - SNAP_SECTION_HEAD < n) {
			char name[5];
			snprintf(err, errlen, "snapshot truncated: section '%s' at byte %zu needs %u bytes, "
				 "%zu are left", snap_tag_name(tag, name), at, n,
				 len - at - SNAP_SECTION_HEAD);
			return false;
		}
		if (tag == kinds[K_MACH].tag && !have_m) {
			if (!snap_parse_machine(p + at + SNAP_SECTION_HEAD, n, m, err, errlen))
				return false;
			have_m = true;
		}
		if (tag == kinds[K_END].tag && n == 4)
			break;
		at += SNAP_SECTION_HEAD + n;
	}
	crc = crc_of(crc_of(0, NULL, 0), p, at + SNAP_SECTION_HEAD);
	memcpy(&want, p + at + SNAP_SECTION_HEAD, 4);
	if (crc != want) {
		snprintf(err, errlen, "snapshot corrupted: its CRC-32 is %08x, its bytes make %08x", want,
			 crc);
		return false;
	}
	if (!have_m) {
		snprintf(err, errlen, "snapshot has no machine section");
		return false;
	}
	return true;
}

bool snap_peek_machine(const void *data, size_t len, struct snap_machine *m, char *err, size_t errlen)
{
	return precheck(data, len, m, err, errlen);
}

bool snap_tag_known(uint32_t tag)
{
	return kind_of(tag) >= 0;
}

bool snap_load_all(struct snap_loader *l, const void *data, size_t len, char *err, size_t errlen)
{
	struct snap_machine m;

	if (!precheck(data, len, &m, err, errlen) || (l->vm && !snap_machine_fits(&m, l->vm, err, errlen)))
		return false;
	if (!each_section(l, data, len, err, errlen))
		return false;
	if (!l->made) {
		/* Into a VM that was there: its limits become the snapshot's too. */
		l->vm->opt.step_limit = m.step_limit;
		l->vm->opt.max_output = m.max_output;
		l->vm->dev.con.out_limit = m.max_output;
	}
	return true;
}

bool vm_snapshot_restore(struct vm *vm, const void *data, size_t len, char *err, size_t errlen)
{
	struct snap_loader l;
	bool ok;

	snap_loader_init(&l, vm, NULL, NULL);
	ok = snap_load_all(&l, data, len, err, errlen);
	snap_loader_free(&l);
	return ok;
}

/* A VM as the snapshot's machine, with the tool's console and disk. */
static bool make_from(void *ctx, const struct snap_machine *m, struct vm **out, char *err,
		      size_t errlen)
{
	const struct snap_env *env = ctx;
	struct vm_options o;
	char why[600];

	vm_options_init(&o);
	snap_machine_options(m, &o);
	if (m->disk == SNAP_DISK_SHARED && env->disk_path)
		o.disk_path = env->disk_path;
	if (m->disk == SNAP_DISK_OWNED)
		o.disk_path = NULL; /* its image travels with it */
	o.console = env->console;
	o.capture = env->capture;
	if (env->keep_limits) {
		o.step_limit = env->step_limit;
		o.max_output = env->max_output;
	}
	if (m->hosted) {
		if (!vm_create_mirror(out, &o, m->real_size, m->vmm_area, m->region_base, m->pool_base,
				      why, sizeof why)) {
			snprintf(err, errlen, "snapshot: cannot make its machine: %s", why);
			return false;
		}
	} else if (!vm_create(out, &o, why, sizeof why)) {
		snprintf(err, errlen, "snapshot: cannot make its machine: %s", why);
		return false;
	}
	if (m->disk == SNAP_DISK_OWNED) {
		/* An image of its own: blank here, its bytes are in the snapshot. */
		size_t n = (size_t)m->disk_sectors * DISK_SECTOR_SIZE;
		uint8_t *blank = calloc(n ? n : 1, 1);
		bool ok = blank && dev_disk_set(vm_devices(*out), blank, n);
		free(blank);
		if (!ok) {
			snprintf(err, errlen, "snapshot: out of host memory for its disk");
			vm_destroy(*out);
			*out = NULL;
			return false;
		}
	}
	return true;
}

void snap_loader_init_env(struct snap_loader *l, const struct snap_env *env)
{
	snap_loader_init(l, NULL, make_from, (void *)env);
}

bool vm_snapshot_restore_new(struct vm **out, const void *data, size_t len, const struct snap_env *env,
			     char *err, size_t errlen)
{
	struct snap_loader l;
	bool ok;

	*out = NULL;
	snap_loader_init_env(&l, env);
	ok = snap_load_all(&l, data, len, err, errlen);
	if (ok)
		*out = snap_loader_take(&l);
	snap_loader_free(&l);
	return ok;
}

/* ---- comparing ---------------------------------------------------------------- */

bool vm_snapshot_same(const struct vm *a, const struct vm *b, char *what, size_t whatlen)
{
	struct snap_buf x = { 0 }, y = { 0 };
	size_t at = SNAP_HEADER_BYTES;
	bool same;

	vm_snapshot_save(a, &x, SNAP_HISTORY);
	vm_snapshot_save(b, &y, SNAP_HISTORY);
	same = !x.failed && !y.failed && x.len == y.len && !memcmp(x.p, y.p, x.len);
	if (!same && what) {
		snprintf(what, whatlen, "%s", x.failed || y.failed ? "out of host memory" : "the header");
		/* The first section whose bytes differ, and where in it. */
		while (!x.failed && !y.failed && at + SNAP_SECTION_HEAD <= x.len &&
		       at + SNAP_SECTION_HEAD <= y.len) {
			uint32_t tag, nx, ny;
			char name[5];
			memcpy(&tag, x.p + at, 4);
			memcpy(&nx, x.p + at + 4, 4);
			memcpy(&ny, y.p + at + 4, 4);
			if (memcmp(x.p + at, y.p + at, 4) || nx != ny ||
			    memcmp(x.p + at, y.p + at, SNAP_SECTION_HEAD + (size_t)nx)) {
				size_t i = 0;
				while (i < nx && i < ny && x.p[at + 8 + i] == y.p[at + 8 + i])
					i++;
				snprintf(what, whatlen, "section %s (%s), byte %zu of %u", snap_tag_name(tag, name),
					 kind_of(tag) >= 0 ? kinds[kind_of(tag)].what : "?", i, nx);
				break;
			}
			at += SNAP_SECTION_HEAD + nx;
		}
	}
	snap_buf_free(&x);
	snap_buf_free(&y);
	return same;
}
