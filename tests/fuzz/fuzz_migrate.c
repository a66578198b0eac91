/*
 * tests/fuzz/fuzz_migrate.c: the receiving side of a migration and of
 *       failover on any bytes (tools/migrate/migstream.c).
 * Owns: their promises on any stream: no crash, no hang, no read past the
 *       input; a refusal is one line; a VM they accept (a migrated one, or
 *       the backup's as its last checkpoint left it) has the monitor's own
 *       memory untouched, before and after its guest runs.
 * Not:  the snapshot loader alone (fuzz_snapshot.c).
 *
 * Input: one byte of how, then the bytes the peer sends. how bit 0: the
 * backup's side (checkpoint after checkpoint), else the target's (one
 * stream); bit 1: make each stream's CRC-32 right first, so that the
 * fuzzer's changes reach every section. The seeds
 * (tests/fuzz/corpus/fuzz_migrate) are the streams a source and a primary
 * sent for tests/vmm/everything.s (a 64 KiB guest) in several modes: a
 * pre-copy of several rounds, and a few checkpoints (tests/fuzz/seeds.sh).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "migstream.h"
#include "vmm.h"

static const char H[] = "fuzz_migrate";

enum { RUN = 20000, MAX_MEM = 256 << 10 };

/* Walk the streams in p, header and sections to each END, and make each
 * one's CRC right; stop at the first that does not frame. */
static void fix_crcs(uint8_t *p, size_t n)
{
	size_t start = 0;

	while (n - start >= SNAP_HEADER_BYTES) {
		size_t at = start + SNAP_HEADER_BYTES;
		for (;;) {
			uint32_t tag, len, crc;
			if (n - at < SNAP_SECTION_HEAD)
				return;
			memcpy(&tag, p + at, 4);
			memcpy(&len, p + at + 4, 4);
			if (n - at - SNAP_SECTION_HEAD < len)
				return;
			if (tag == SNAP_TAG('E', 'N', 'D', ' ') && len == 4) {
				crc = snap_crc32(p + start, at + SNAP_SECTION_HEAD - start);
				memcpy(p + at + SNAP_SECTION_HEAD, &crc, 4);
				start = at + SNAP_SECTION_HEAD + 4;
				break;
			}
			at += SNAP_SECTION_HEAD + len;
		}
	}
}

static void check_refusal(const char *err)
{
	FUZZ_CHECK(H, err[0] && !strchr(err, '\n'), "a refusal that is not one line: '%s'", err);
}

static void check_vm(struct vm *vm)
{
	FUZZ_CHECK(H, vm_vmm_intact(vm), "the stream wrote the monitor's own memory");
	vm_run(vm, RUN);
	FUZZ_CHECK(H, vm_vmm_intact(vm), "the received guest reached the monitor's own memory");
}

int fuzz_migrate(const uint8_t *data, size_t size)
{
	struct snap_env env = { .disk_path = "/nonexistent/fuzz.img", .keep_limits = true,
				.max_output = 4096 };
	struct mig_stream_info info = { 0 };
	struct mig_conn c = { .fd = -1 };
	struct vm *vm;
	uint64_t n = 0;
	char err[700] = "";
	uint8_t *p;

	if (size < 1)
		return 0;
	p = malloc(size);
	if (!p)
		return 0;
	memcpy(p, data + 1, size - 1);
	if (data[0] & 2)
		fix_crcs(p, size - 1);
	/* Machines larger than a fuzzer should spend its time on are passed by. */
	if (size - 1 >= SNAP_HEADER_BYTES + SNAP_SECTION_HEAD) {
		struct snap_machine m;
		uint32_t len;
		memcpy(&len, p + SNAP_HEADER_BYTES + 4, 4);
		if (len <= size - 1 - SNAP_HEADER_BYTES - SNAP_SECTION_HEAD &&
		    snap_parse_machine(p + SNAP_HEADER_BYTES + SNAP_SECTION_HEAD, len, &m, err, sizeof err) &&
		    (m.mem_size > MAX_MEM || m.real_size > (4u << 20) || m.disk_sectors > 256)) {
			free(p);
			return 0;
		}
	}
	c.mem = p;
	c.len = size - 1;
	err[0] = 0;
	if (data[0] & 1)
		vm = mig_backup(&c, &env, NULL, NULL, &n, err, sizeof err);
	else
		vm = mig_receive(&c, &env, &info, err, sizeof err);
	/* The backup always ends with why; the target only when it refused. */
	if (!vm || (data[0] & 1))
		check_refusal(err);
	if (vm)
		check_vm(vm);
	fuzz_tally(H, vm ? RUN : 0);
	vm_destroy(vm);
	free(p);
	return 0;
}

#ifdef TRAPEZE_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_migrate(data, size);
}
#endif
