/*
 * tests/fuzz/fuzz_snapshot.c: the snapshot loader on any bytes.
 * Owns: the loader's promises, checked on any stream: it never crashes,
 *       hangs or reads past its input; a refusal is one line; a snapshot
 *       it accepts makes a VM whose monitor's own memory is untouched,
 *       before and after the guest runs (a snapshot cannot hand a guest
 *       the monitor's area, nor a table that reaches it); and an accepted
 *       VM saved again is restored again to the same state, byte for byte.
 * Not:  the migration stream's framing (fuzz_migrate.c); running random
 *       guests (fuzz_vmm.c).
 *
 * Input: one byte of how, then the stream. how bit 0: recompute the
 * stream's CRC-32 first (so that the fuzzer's changes reach past the
 * checksum into every section); bit 1: load it into a VM already made for
 * the machine it names (as a debugger going back does) instead of a VM
 * made for it; bit 2: restore it into VM 0 of a host made for it (VM 0 the
 * machine it names, VM 1 a neighbour of 8 KiB under trap; vmm/host_move.c),
 * fuzz_snapshot_into_host: where, accepted or not, it must leave the neighbour exactly as it was,
 * and the host's monitor area too, before and after the host runs. The
 * seed corpus (tests/fuzz/corpus/fuzz_snapshot) holds snapshots of
 * tests/vmm/everything.s, paging.s, pvpaging.s and smc.s in every mode,
 * 64 KiB guests:
 *   trapeze run --mode M --mem 64K --max-steps N --save-at K FILE IMAGE
 * and of everything.s as VM 0 of such a host (mon --host's save), with how
 * in front, made by tests/fuzz/seeds.sh.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "host.h"
#include "snapshot.h"
#include "vmm.h"

static const char H[] = "fuzz_snapshot";

enum { RUN = 20000, MAX_MEM = 256 << 10, MAX_REAL = 1 << 20, MAX_SECTORS = 256 };

static void check_refusal(const char *err)
{
	FUZZ_CHECK(H, err[0] && !strchr(err, '\n'), "a refusal that is not one line: '%s'", err);
}

/* A VM made for machine m, as a tool would make one, to load into. */
static struct vm *made_for(const struct snap_machine *m)
{
	struct vm_options o;
	struct vm *vm = NULL;
	char err[512];

	vm_options_init(&o);
	snap_machine_options(m, &o);
	o.capture = true;
	o.disk_path = NULL;
	if (m->hosted || m->disk == SNAP_DISK_SHARED || !vm_create(&vm, &o, err, sizeof err))
		return NULL;
	if (m->disk == SNAP_DISK_OWNED) {
		size_t n = (size_t)m->disk_sectors * DISK_SECTOR_SIZE;
		uint8_t *blank = calloc(n ? n : 1, 1);
		bool given = blank && dev_disk_set(vm_devices(vm), blank, n);
		free(blank);
		if (!given) {
			vm_destroy(vm);
			return NULL;
		}
	}
	return vm;
}

/* An accepted VM: the monitor's memory as filled, before and after the
 * guest runs; saved again, it restores to the same state. */
static void check_accepted(struct vm *vm)
{
	/* The limits and all the rest from the snapshot itself. */
	struct snap_env env = { .capture = true, .disk_path = "/nonexistent/fuzz.img" };
	struct snap_buf b = { 0 };
	struct vm *again = NULL;
	char err[512] = "", what[256] = "";

	FUZZ_CHECK(H, vm_vmm_intact(vm), "the snapshot wrote the monitor's own memory");
	vm_run(vm, RUN);
	FUZZ_CHECK(H, vm_vmm_intact(vm), "the restored guest reached the monitor's own memory");
	FUZZ_CHECK(H, vm_snapshot_save(vm, &b, SNAP_HISTORY), "cannot save it again");
	FUZZ_CHECK(H, vm_snapshot_restore_new(&again, b.p, b.len, &env, err, sizeof err),
		   "its own snapshot is refused: %s", err);
	FUZZ_CHECK(H, vm_snapshot_same(vm, again, what, sizeof what),
		   "restored again, it differs in %s", what);
	vm_destroy(again);
	snap_buf_free(&b);
}

/* ---- into a host ----------------------------------------------------------- */

enum { NEIGHBOUR_MEM = 8192 };

/* VM 1's whole state, to compare. */
static bool neighbour_state(struct host *h, struct snap_buf *b)
{
	b->len = 0;
	return vm_snapshot_save(host_vm(h, 1), b, SNAP_HISTORY);
}

bool fuzz_snapshot_into_host(const uint8_t *p, size_t n, const struct snap_machine *m)
{
	static const uint8_t zeros[NEIGHBOUR_MEM];
	struct vm_segment seg0 = { 0, 64, zeros }, seg1 = { 0, NEIGHBOUR_MEM, zeros };
	struct vm_image img0 = { .entry = 0, .segs = &seg0, .nsegs = 1, .name = "a" };
	struct vm_image img1 = { .entry = 0, .segs = &seg1, .nsegs = 1, .name = "b" };
	struct host_vm_options o[2];
	struct host_options ho = { 0 };
	struct host *h = NULL;
	struct snap_buf before = { 0 }, after = { 0 };
	struct host_info hi;
	char err[600] = "";
	int culprit;
	bool ok;

	if (!m->hosted || m->disk != SNAP_DISK_NONE || m->net_card || m->passthrough ||
	    m->mode == MODE_BARE)
		return false; /* no host of this test's shape makes that machine */
	memset(o, 0, sizeof o);
	snprintf(o[0].name, sizeof o[0].name, "a");
	snprintf(o[1].name, sizeof o[1].name, "b");
	vm_options_init(&o[0].vm);
	snap_machine_options(m, &o[0].vm);
	o[0].vm.disk_path = NULL;
	o[0].vm.capture = true;
	o[0].vm.max_output = 4096;
	o[0].image = &img0;
	vm_options_init(&o[1].vm);
	o[1].vm.mode = MODE_TRAP;
	o[1].vm.mem_size = NEIGHBOUR_MEM;
	o[1].vm.step_limit = RUN;
	o[1].vm.capture = true;
	o[1].image = &img1;
	o[0].weight = o[1].weight = SCHED_DEFAULT_WEIGHT;
	if (!host_create(&h, &ho, o, 2, err, sizeof err, &culprit))
		return false; /* a machine no host makes (its limits, its sizes) */
	FUZZ_CHECK(H, neighbour_state(h, &before), "out of host memory");
	ok = host_vm_restore(h, 0, p, n, err, sizeof err);
	if (!ok)
		check_refusal(err);
	FUZZ_CHECK(H, neighbour_state(h, &after), "out of host memory");
	FUZZ_CHECK(H, before.len == after.len && !memcmp(before.p, after.p, before.len),
		   "restoring VM 0 (%s) changed its neighbour", ok ? "accepted" : "refused");
	host_info(h, &hi);
	FUZZ_CHECK(H, hi.vmm_intact, "restoring VM 0 wrote the host's monitor area");
	if (ok) {
		host_run(h, RUN * 4);
		host_info(h, &hi);
		FUZZ_CHECK(H, hi.vmm_intact, "the restored VM reached the host's monitor area");
	}
	fuzz_tally(H, ok ? RUN : 0);
	snap_buf_free(&before);
	snap_buf_free(&after);
	host_destroy(h);
	return ok;
}

int fuzz_snapshot(const uint8_t *data, size_t size)
{
	struct snap_env env = { .capture = true, .disk_path = "/nonexistent/fuzz.img",
				.keep_limits = true, .max_output = 4096 };
	struct snap_machine m;
	struct vm *vm = NULL;
	uint8_t how, *p;
	size_t n;
	char err[512] = "";
	bool ok;

	if (size < 1)
		return 0;
	how = data[0];
	n = size - 1;
	p = malloc(n + 1);
	if (!p)
		return 0;
	memcpy(p, data + 1, n);
	if ((how & 1) && n >= SNAP_HEADER_BYTES + 4) {
		uint32_t crc = snap_crc32(p, n - 4);
		memcpy(p + n - 4, &crc, 4);
	}
	/* Machines larger than a fuzzer should spend its time on are passed by. */
	if (snap_peek_machine(p, n, &m, err, sizeof err) &&
	    (m.mem_size > MAX_MEM || m.real_size > MAX_REAL || m.disk_sectors > MAX_SECTORS)) {
		free(p);
		return 0;
	}
	if (how & 4) {
		if (snap_peek_machine(p, n, &m, err, sizeof err))
			fuzz_snapshot_into_host(p, n, &m);
		free(p);
		return 0;
	}
	if (how & 2) {
		vm = snap_peek_machine(p, n, &m, err, sizeof err) ? made_for(&m) : NULL;
		ok = vm && vm_snapshot_restore(vm, p, n, err, sizeof err);
		if (vm && !ok)
			check_refusal(err);
	} else {
		ok = vm_snapshot_restore_new(&vm, p, n, &env, err, sizeof err);
		FUZZ_CHECK(H, ok == (vm != NULL), "restore said %d and made %p", ok, (void *)vm);
		if (!ok)
			check_refusal(err);
	}
	if (ok)
		check_accepted(vm);
	fuzz_tally(H, ok ? RUN : 0);
	vm_destroy(vm);
	free(p);
	return 0;
}

#ifdef TRAPEZE_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_snapshot(data, size);
}
#endif
