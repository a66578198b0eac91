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
 * made for it. The seed corpus (tests/fuzz/corpus/fuzz_snapshot) holds
 * snapshots of tests/vmm/everything.s, paging.s, pvpaging.s and smc.s in
 * every mode, 64 KiB guests:
 *   trapeze run --mode M --mem 64K --max-steps N --save-at K FILE IMAGE
 * with how in front, made by tests/fuzz/seeds.sh.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
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
