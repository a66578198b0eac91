/*
 * tests/snapshot_bad_test.c: snapshots that must be refused.
 * Owns: truncated, corrupted, wrong-version and wrong-machine snapshots, and
 *       hand-made ones whose checksum is right but whose contents no VM
 *       could have: each refused with one line that says what is wrong,
 *       nothing made, and (for the first four) the VM it was meant for
 *       left exactly as it was.
 * Not:  random bytes (tests/fuzz/fuzz_snapshot.c, replayed by make test).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "snap/snaptest.h"

/* A small snapshot of the guest OS in mode `name`, a little way in. */
static void small(const char *name, struct snap_buf *b)
{
	struct vm *vm = st_vm(st_config(name));

	vm_run(vm, 300000);
	st_save(vm, b);
	vm_destroy(vm);
}

/* Restoring p fails with one line containing what; nothing is made. */
static void refused(const uint8_t *p, size_t n, const char *what)
{
	struct snap_env env = { .capture = true };
	struct vm *vm = (struct vm *)1;
	char err[512] = "";

	cr_assert(!vm_snapshot_restore_new(&vm, p, n, &env, err, sizeof err), "accepted (wanted: %s)",
		  what);
	cr_expect_null(vm);
	cr_expect(strstr(err, what), "wanted \"%s\" in: %s", what, err);
	cr_expect(!strchr(err, '\n') && strlen(err) > 10, "not one line: %s", err);
}

Test(snapshot_bad, a_truncated_snapshot_is_refused_wherever_it_ends)
{
	struct snap_buf b = { 0 };

	small("trap", &b);
	static const double cuts[] = { 0, 0.0001, 0.01, 0.3, 0.5, 0.9, 0.9999 };
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
		refused(b.p, (size_t)(cuts[i] * (double)b.len), "truncated");
	refused(b.p, b.len - 1, "truncated");
	refused(b.p, 5, "truncated");
	refused(b.p, SNAP_HEADER_BYTES + 3, "truncated");
	snap_buf_free(&b);
}

Test(snapshot_bad, a_corrupted_byte_fails_the_checksum)
{
	struct snap_buf b = { 0 };

	small("bt", &b);
	for (size_t at = SNAP_HEADER_BYTES + 200; at < b.len - 4; at += b.len / 7) {
		b.p[at] ^= 0x10;
		refused(b.p, b.len, "corrupted");
		b.p[at] ^= 0x10;
	}
	b.p[b.len - 1] ^= 1; /* the checksum itself */
	refused(b.p, b.len, "corrupted");
	snap_buf_free(&b);
}

Test(snapshot_bad, another_version_or_no_snapshot_at_all_is_refused)
{
	struct snap_buf b = { 0 };
	uint32_t v = SNAP_VERSION + 1;

	small("pv", &b);
	memcpy(b.p + 8, &v, 4);
	refused(b.p, b.len, "version 2");
	v = SNAP_VERSION;
	memcpy(b.p + 8, &v, 4);
	b.p[0] = 'X';
	refused(b.p, b.len, "not a Trapeze snapshot");
	refused((const uint8_t *)"#!/bin/sh\necho hello, this is not a snapshot\n", 46,
		"not a Trapeze snapshot");
	snap_buf_free(&b);
}

/* Into a VM of another kind: refused, and the VM exactly as it was. */
static void wrong_machine(const char *made, const char *into, const char *what)
{
	struct snap_buf b = { 0 }, before = { 0 }, after = { 0 };
	struct vm *vm = st_vm(st_config(into));
	char err[512] = "";

	small(made, &b);
	vm_run(vm, 1000);
	st_save(vm, &before);
	cr_assert(!vm_snapshot_restore(vm, b.p, b.len, err, sizeof err), "%s restored into %s", made,
		  into);
	cr_expect(strstr(err, what) && strstr(err, "another machine"), "%s into %s: %s", made, into,
		  err);
	cr_expect(!strchr(err, '\n'));
	st_save(vm, &after);
	cr_expect(before.len == after.len && !memcmp(before.p, after.p, before.len),
		  "a refused snapshot changed the VM");
	vm_destroy(vm);
	snap_buf_free(&b);
	snap_buf_free(&before);
	snap_buf_free(&after);
}

Test(snapshot_bad, a_snapshot_of_another_machine_is_refused_and_changes_nothing)
{
	wrong_machine("trap", "bt", "bt mode");
	wrong_machine("paged-hw-modern", "paged-hw-early", "processor is early");
	wrong_machine("bt", "bt-1k", "--nonvirt");
	wrong_machine("trap", "paged-trap", "disk image is another one");
	wrong_machine("bare", "trap", "trap mode");
}

Test(snapshot_bad, the_shared_disk_must_be_the_same_image)
{
	struct snap_buf b = { 0 };
	struct snap_env env = { .capture = true, .disk_path = st_path("echo.img") };
	struct vm *vm;
	char err[512] = "";

	small("trap", &b);
	cr_assert(!vm_snapshot_restore_new(&vm, b.p, b.len, &env, err, sizeof err));
	cr_expect(strstr(err, "disk image is another one"), "%s", err);
	env.disk_path = "/nonexistent/disk.img";
	cr_assert(!vm_snapshot_restore_new(&vm, b.p, b.len, &env, err, sizeof err));
	cr_expect(strstr(err, "/nonexistent/disk.img"), "%s", err);
	snap_buf_free(&b);
}

/* ---- hand-made: the checksum right, the contents impossible ---------------- */

static void poke(const char *mode, uint32_t tag, long off, const void *bytes, size_t n,
		 const char *what)
{
	struct snap_buf b = { 0 };
	long at;

	small(mode, &b);
	at = st_section_at(&b, tag);
	cr_assert_geq(at, 0, "no such section");
	memcpy(b.p + at + off, bytes, n);
	st_fix_crc(&b);
	refused(b.p, b.len, what);
	snap_buf_free(&b);
}

Test(snapshot_bad, hand_made_snapshots_that_no_vm_could_have_are_refused)
{
	uint32_t big = 0xFFFFF000u, vmm = 0x1000 / 4096, seven = 7;
	/* A page of memory in the monitor's own area (the first MEMP page's
	 * number). */
	poke("trap", SNAP_TAG('M', 'E', 'M', 'P'), 4, &vmm, 4, "not one of this VM's");
	/* A TLB entry outside memory: the first entry's frame far away. */
	uint32_t tlb = 4 * 19 + 4 + 4 + 4 * SR_COUNT + 4 + 20 + 16 + 4 + 8 * CAUSE_COUNT + 8 + 4 + 8 + 2 + 4;
	struct snap_buf b = { 0 };
	small("paged-bare", &b);
	long at = st_section_at(&b, SNAP_TAG('C', 'P', 'U', 'R'));
	uint32_t n, k;
	memcpy(&n, b.p + at + tlb, 4);
	memcpy(&k, b.p + at + tlb + 4, 4);
	cr_assert_eq(n, TLB_SIZE, "the TLB is not where this test expects it");
	cr_assert_gt(k, 0, "no TLB entry to spoil");
	memcpy(b.p + at + tlb + 8 + 12, &big, 4); /* the first entry's frame */
	st_fix_crc(&b);
	refused(b.p, b.len, "TLB entry");
	snap_buf_free(&b);
	/* A disk status no disk has; a stop no VM stops for. */
	poke("trap", SNAP_TAG('V', 'M', 'S', 'T'), 4 + 8 + 1, &seven, 4, "stopped for no reason");
	/* The shadows' pool address outside the pool. */
	poke("paged-trap", SNAP_TAG('S', 'H', 'D', 'W'), 1, &big, 4, "do not hold together");
	/* A section no snapshot has. */
	uint32_t tag = SNAP_TAG('Z', 'Z', 'Z', 'Z');
	poke("trap", SNAP_TAG('C', 'P', 'U', 'V'), -8, &tag, 4, "unknown section 'ZZZZ'");
	/* A translation cache block running past guest memory. */
	poke("bt", SNAP_TAG('B', 'T', 'T', 'C'), 36, &big, 4, "translation cache");
}
