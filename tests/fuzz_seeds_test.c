/*
 * tests/fuzz_seeds_test.c: the seeds of the snapshot and migration fuzzers
 *       are inputs their parsers accept.
 * Owns: every seed of tests/fuzz/corpus/fuzz_snapshot restores as its
 *       harness restores it; every pre-copy seed of fuzz_migrate is a
 *       migration the target takes; every checkpoint seed gives the backup
 *       a VM and at least three checkpoints. A change to the format makes the old
 *       seeds refused at their first changed section, and the fuzzers
 *       would start from nothing: this test says so, and
 *       tests/fuzz/seeds.sh makes them again.
 * Not:  the harnesses' invariants on any bytes (fuzz_replay_test.c).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "migstream.h"
#include "snapshot.h"
#include "vmm.h"

/* Each seed of dir, without its first byte (the harness's how): to fn. */
static int each_seed(const char *dir, void (*fn)(const char *name, const uint8_t *p, size_t n))
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int count = 0;

	cr_assert(d, "no %s (run from the top of the tree)", dir);
	while ((e = readdir(d))) {
		char path[1024];
		uint8_t *b = malloc(1 << 20);
		size_t n;
		FILE *f;

		if (e->d_name[0] == '.') {
			free(b);
			continue;
		}
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		cr_assert(f && b);
		n = fread(b, 1, 1 << 20, f);
		fclose(f);
		cr_assert_gt(n, 1);
		fn(e->d_name, b + 1, n - 1);
		free(b);
		count++;
	}
	closedir(d);
	return count;
}

static int hosted_into; /* hosted seeds restored into a host */

static void restores(const char *name, const uint8_t *p, size_t n)
{
	struct snap_env env = { .capture = true, .disk_path = "/nonexistent/fuzz.img",
				.keep_limits = true, .max_output = 4096 };
	struct vm *vm = NULL;
	char err[512] = "";

	cr_expect(vm_snapshot_restore_new(&vm, p, n, &env, err, sizeof err), "%s: refused: %s", name,
		  err);
	vm_destroy(vm);
	/* A hosted VM's seed meant to go back into a host gets there: the
	 * harness reaches past the checks into a host's VM. */
	if (strstr(name, "-into") && !strncmp(name, "hosted", 6)) {
		struct snap_machine m;
		cr_assert(snap_peek_machine(p, n, &m, err, sizeof err), "%s: %s", name, err);
		cr_expect(m.hosted, "%s: not a hosted VM's", name);
		cr_expect(fuzz_snapshot_into_host(p, n, &m), "%s: refused by its host", name);
		hosted_into++;
	}
}

static void received(const char *name, const uint8_t *p, size_t n)
{
	struct snap_env env = { .disk_path = "/nonexistent/fuzz.img", .keep_limits = true,
				.max_output = 4096 };
	struct mig_stream_info info = { 0 };
	struct mig_conn c = { .fd = -1, .mem = p, .len = n };
	struct vm *vm;
	uint64_t k = 0;
	char err[700] = "";

	if (!strncmp(name, "checkpoints", 11)) {
		vm = mig_backup(&c, &env, NULL, NULL, &k, err, sizeof err);
		cr_expect(vm, "%s: the backup holds nothing: %s", name, err);
		cr_expect_geq(k, 3, "%s: %llu checkpoints, fewer than three", name, (unsigned long long)k);
	} else {
		vm = mig_receive(&c, &env, &info, err, sizeof err);
		cr_expect(vm, "%s: the target refused it: %s", name, err);
		cr_expect_gt(info.memp, 1, "%s: one section of pages: no rounds after the first", name);
	}
	vm_destroy(vm);
}

Test(fuzz_seeds, every_snapshot_seed_restores)
{
	cr_expect_geq(each_seed("tests/fuzz/corpus/fuzz_snapshot", restores), 8);
	cr_expect_geq(hosted_into, 4, "seeds for a host's VM");
}

Test(fuzz_seeds, every_migration_seed_is_a_stream_the_receiver_takes)
{
	cr_expect_geq(each_seed("tests/fuzz/corpus/fuzz_migrate", received), 8);
}
