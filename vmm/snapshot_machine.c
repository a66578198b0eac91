/*
 * vmm/snapshot_machine.c: the machine a snapshot fits (see snapshot.h).
 * Owns: what a snapshot records of the machine it was taken of (MACH: the
 *       mode, processor, memory, the real machine's layout, the disk, the
 *       network card, the limits, where the run stood), reading it back
 *       with every value checked, describing it in one line, the options
 *       that make such a VM, and the check that a VM is that machine (the
 *       one-line refusal of any other).
 * Not:  the format's framing and the loader (snapshot.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "snapshot.h"
#include "vmm_internal.h"

void vm_snapshot_machine(const struct vm *vm, struct snap_machine *m)
{
	memset(m, 0, sizeof *m);
	m->mode = vm->opt.mode;
	m->cpu = vm->opt.cpu;
	m->nonvirt = vm->opt.nonvirt;
	m->passthrough = vm->opt.passthrough;
	m->mem_size = vm->opt.mem_size;
	m->tc_size = vm->bt ? (uint32_t)vm->stats.bt.cache_size : 0;
	m->balloon = vm->opt.balloon;
	m->hosted = vm->opt.place != NULL;
	m->real_size = vm->real.mem.size;
	m->vmm_area = vm->vmm_area;
	m->region_base = vm->region_base;
	m->pool_base = vm->pool.base;
	m->pool_pages = vm->pool.npages;
	m->disk = vm->dev.disk.image ? SNAP_DISK_OWNED : vm->dev.disk.base ? SNAP_DISK_SHARED
									       : SNAP_DISK_NONE;
	m->disk_sectors = vm->dev.disk.nsectors;
	m->disk_crc = m->disk == SNAP_DISK_SHARED ? vm->disk_crc : 0;
	if (vm->disk_path && m->disk != SNAP_DISK_NONE)
		snprintf(m->disk_path, sizeof m->disk_path, "%s", vm->disk_path);
	m->step_limit = vm->opt.step_limit;
	m->max_output = vm->opt.max_output;
	m->capture = vm->dev.con.capturing;
	m->retired = vm_guest_c(vm)->retired;
	m->net_card = vm->dev.net.present;
	if (m->net_card) {
		m->net_link = (uint8_t)vm->dev.net.link;
		memcpy(m->net_mac, vm->dev.net.mac, NET_MAC_BYTES);
	}
}

void snap_machine_options(const struct snap_machine *m, struct vm_options *o)
{
	o->mode = m->mode;
	o->cpu = m->cpu;
	o->nonvirt = m->nonvirt;
	o->passthrough = m->passthrough;
	o->mem_size = m->mem_size;
	o->tc_size = m->tc_size;
	o->balloon = m->balloon;
	o->step_limit = m->step_limit;
	o->max_output = m->max_output;
	o->disk_path = m->disk != SNAP_DISK_NONE && m->disk_path[0] ? m->disk_path : NULL;
	o->net.card = m->net_card;
	if (m->net_card) {
		o->net.link = (enum net_link)m->net_link;
		memcpy(o->net.mac, m->net_mac, NET_MAC_BYTES);
	}
}

void snap_machine_describe(const struct snap_machine *m, char *out, size_t outlen)
{
	const char *bad;
	char nv[64] = "";
	unsigned x86 = (unsigned)cpu_parse_nonvirt("x86", &bad);

	if (m->nonvirt)
		snprintf(nv, sizeof nv, ", --nonvirt%s", m->nonvirt == x86 ? "" : " (some)");
	snprintf(out, outlen, "%s mode, %u bytes of memory, --cpu %s%s%s%s, at instruction %llu",
		 vmm_mode_name(m->mode), m->mem_size, vmm_cpu_name(m->cpu), nv,
		 m->hosted ? ", one VM of a host" : "",
		 m->disk == SNAP_DISK_SHARED ? ", a shared disk" : m->disk == SNAP_DISK_OWNED
		 ? ", a disk of its own" : "", (unsigned long long)m->retired);
	if (m->net_card) {
		size_t at = strlen(out);
		char mac[NET_MAC_TEXT];
		net_mac_text(m->net_mac, mac);
		snprintf(out + at, outlen - at, ", a network card %s", mac);
	}
}

static void put_machine(struct snap_buf *b, const struct snap_machine *m)
{
	size_t at = snap_begin_section(b, SNAP_TAG('M', 'A', 'C', 'H'));
	uint16_t plen = (uint16_t)strnlen(m->disk_path, SNAP_PATH_MAX - 1);

	snap_put_u32(b, m->mode);
	snap_put_u32(b, m->cpu);
	snap_put_u32(b, m->nonvirt);
	snap_put_u32(b, m->passthrough);
	snap_put_u32(b, m->mem_size);
	snap_put_u32(b, m->tc_size);
	snap_put_u32(b, m->balloon);
	snap_put_u8(b, m->hosted);
	snap_put_u32(b, m->real_size);
	snap_put_u32(b, m->vmm_area);
	snap_put_u32(b, m->region_base);
	snap_put_u32(b, m->pool_base);
	snap_put_u32(b, m->pool_pages);
	snap_put_u8(b, (uint8_t)m->disk);
	snap_put_u32(b, m->disk_sectors);
	snap_put_u32(b, m->disk_crc);
	snap_put_u16(b, plen);
	snap_put_bytes(b, m->disk_path, plen);
	snap_put_u64(b, m->step_limit);
	snap_put_u64(b, m->max_output);
	snap_put_u8(b, m->capture);
	snap_put_u64(b, m->retired);
	/* Only a machine with a network card says so: the bytes of any other
	 * machine are as they were before cards existed. */
	if (m->net_card) {
		snap_put_u8(b, 1);
		snap_put_u8(b, m->net_link);
		snap_put_bytes(b, m->net_mac, NET_MAC_BYTES);
	}
	snap_end_section(b, at);
}

void vm_snapshot_put_machine(const struct vm *vm, struct snap_buf *b)
{
	struct snap_machine m;

	vm_snapshot_machine(vm, &m);
	put_machine(b, &m);
}

/* MACH's payload into m, every value in the range a VM can have. */
static bool get_machine(struct snap_rd *r, struct snap_machine *m, char *err, size_t errlen)
{
	uint16_t plen;

	memset(m, 0, sizeof *m);
	m->mode = (enum vmm_mode)snap_get_u32(r);
	m->cpu = (enum vmm_cpu)snap_get_u32(r);
	m->nonvirt = snap_get_u32(r);
	m->passthrough = snap_get_u32(r);
	m->mem_size = snap_get_u32(r);
	m->tc_size = snap_get_u32(r);
	m->balloon = snap_get_u32(r);
	m->hosted = snap_get_bool(r);
	m->real_size = snap_get_u32(r);
	m->vmm_area = snap_get_u32(r);
	m->region_base = snap_get_u32(r);
	m->pool_base = snap_get_u32(r);
	m->pool_pages = snap_get_u32(r);
	m->disk = (enum snap_disk)snap_get_u8(r);
	m->disk_sectors = snap_get_u32(r);
	m->disk_crc = snap_get_u32(r);
	plen = snap_get_u16(r);
	if (plen >= SNAP_PATH_MAX)
		r->bad = true;
	else
		snap_get_bytes(r, m->disk_path, plen);
	m->step_limit = snap_get_u64(r);
	m->max_output = snap_get_u64(r);
	m->capture = snap_get_bool(r);
	m->retired = snap_get_u64(r);
	if (r->n && !r->bad) {
		m->net_card = snap_get_bool(r);
		m->net_link = snap_get_u8(r);
		snap_get_bytes(r, m->net_mac, NET_MAC_BYTES);
		if (!m->net_card || m->net_link > NET_LINK_WIRE || (m->net_mac[0] & 1))
			r->bad = true;
	}
	if (!snap_rd_done(r) || memchr(m->disk_path, 0, plen)) {
		snprintf(err, errlen, "the machine section is malformed");
		return false;
	}
	if ((unsigned)m->mode >= MODE_COUNT || (unsigned)m->cpu >= VMM_NCPUS || m->mem_size < 64 ||
	    m->mem_size > VM_MAX_MEM || m->mem_size % 4 || (unsigned)m->disk > SNAP_DISK_SHARED ||
	    m->tc_size > (64u << 20) || m->pool_pages > (1u << 20) ||
	    m->disk_sectors > (64u << 20) / DISK_SECTOR_SIZE) {
		snprintf(err, errlen, "the machine section describes no machine Trapeze can make");
		return false;
	}
	return true;
}

bool snap_parse_machine(const uint8_t *payload, size_t len, struct snap_machine *m, char *err,
			size_t errlen)
{
	struct snap_rd r = { payload, len, false };

	return get_machine(&r, m, err, errlen);
}

/* Say the first way the machine differs, or nothing. */
static bool differs(char *err, size_t errlen, const struct snap_machine *m, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static bool differs(char *err, size_t errlen, const struct snap_machine *m, const char *fmt, ...)
{
	char what[256], was[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snap_machine_describe(m, was, sizeof was);
	snprintf(err, errlen, "snapshot of another machine (%s): %s", was, what);
	return false;
}

bool snap_machine_fits(const struct snap_machine *m, const struct vm *vm, char *err, size_t errlen)
{
	struct snap_machine h;

	vm_snapshot_machine(vm, &h);
	if (m->mode != h.mode)
		return differs(err, errlen, m, "this VM runs in %s mode", vmm_mode_name(h.mode));
	if (m->cpu != h.cpu)
		return differs(err, errlen, m, "this VM's processor is %s", vmm_cpu_name(h.cpu));
	if (m->nonvirt != h.nonvirt)
		return differs(err, errlen, m, "this VM's --nonvirt set differs");
	if (m->mem_size != h.mem_size)
		return differs(err, errlen, m, "this VM has %u bytes of memory", h.mem_size);
	if (m->tc_size != h.tc_size)
		return differs(err, errlen, m, "this VM's translation cache has %u bytes", h.tc_size);
	if (m->passthrough != h.passthrough)
		return differs(err, errlen, m, "this VM's passthrough devices differ");
	if (m->hosted != h.hosted || m->real_size != h.real_size || m->vmm_area != h.vmm_area ||
	    m->region_base != h.region_base || m->pool_base != h.pool_base ||
	    m->pool_pages != h.pool_pages)
		return differs(err, errlen, m, "this VM lies elsewhere in its machine's memory "
			       "(region 0x%08x in %u bytes)", h.region_base, h.real_size);
	if (m->disk != h.disk)
		return differs(err, errlen, m, "this VM has %s", h.disk == SNAP_DISK_NONE ? "no disk"
			       : "another kind of disk");
	if (m->net_card != h.net_card || (m->net_card && (m->net_link != h.net_link ||
							  memcmp(m->net_mac, h.net_mac, NET_MAC_BYTES))))
		return differs(err, errlen, m, "this VM has %s", h.net_card ? "another network card"
			       : "no network card");
	if (m->disk_sectors != h.disk_sectors || m->disk_crc != h.disk_crc)
		return differs(err, errlen, m, "this VM's disk image is another one (%u sectors, "
			       "CRC-32 %08x; the snapshot's: %u, %08x)", h.disk_sectors, h.disk_crc,
			       m->disk_sectors, m->disk_crc);
	return true;
}
