/*
 * tests/fuzz_replay_test.c: every fuzz input we keep, replayed.
 * Owns: running each file of tests/fuzz/corpus/HARNESS/ (the seed corpus)
 *       and tests/fuzz/regressions/HARNESS/ (every input that ever crashed a
 *       harness or broke one of its invariants) through the same harness
 *       function libFuzzer calls, without libFuzzer: so `make test` and
 *       `make sanitize` check them all, on any compiler.
 * Not:  the harnesses and their invariants (tests/fuzz/); fuzzing itself
 *       (`make fuzz`).
 *
 * Each input runs in a child process, so that a failure (a harness aborts
 * on a broken invariant, a sanitizer on a bad access) names its file and
 * the other inputs still run.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz/fuzz.h"

typedef int (*harness_fn)(const uint8_t *data, size_t size);

static uint8_t *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	size_t cap = 0;

	*len = 0;
	cr_assert(f, "cannot open %s", path);
	for (;;) {
		if (*len == cap) {
			cap = cap ? 2 * cap : 4096;
			b = realloc(b, cap);
			cr_assert(b);
		}
		size_t got = fread(b + *len, 1, cap - *len, f);
		if (got == 0)
			break;
		*len += got;
	}
	fclose(f);
	return b;
}

/* Run the harness on one file in a child; true when it returned. */
static bool replay_one(harness_fn fn, const char *path)
{
	size_t len;
	uint8_t *data = read_all(path, &len);
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	cr_assert(pid >= 0, "fork");
	if (pid == 0) {
		fn(data, len);
		_exit(0);
	}
	free(data);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Replay every file of dir (which may not exist); the number replayed. */
static int replay_dir(harness_fn fn, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[1024];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		cr_expect(replay_one(fn, path), "%s: the harness failed on it (see above)", path);
		n++;
	}
	closedir(d);
	return n;
}

static void replay(harness_fn fn, const char *name)
{
	char dir[256];
	int n;

	/* A harness that hangs on an input fails the test, not make test.
	 * (alarm, not .timeout: see tests/limits_test.c.) */
	alarm(300);
	snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", name);
	n = replay_dir(fn, dir);
	cr_expect_gt(n, 0, "%s: no seed corpus in %s (run from the top of the tree)", name, dir);
	snprintf(dir, sizeof dir, "tests/fuzz/regressions/%s", name);
	n += replay_dir(fn, dir);
	cr_log_info("%s: %d inputs replayed", name, n);
}

Test(fuzz_replay, assembler_corpus_and_regressions)
{
	replay(fuzz_asm, "fuzz_asm");
}

Test(fuzz_replay, image_loader_corpus_and_regressions)
{
	replay(fuzz_image, "fuzz_image");
}

Test(fuzz_replay, cpu_corpus_and_regressions)
{
	replay(fuzz_cpu, "fuzz_cpu");
}

Test(fuzz_replay, vmm_corpus_and_regressions)
{
	replay(fuzz_vmm, "fuzz_vmm");
}

Test(fuzz_replay, monitor_corpus_and_regressions)
{
	replay(fuzz_mon, "fuzz_mon");
}

Test(fuzz_replay, host_config_corpus_and_regressions)
{
	replay(fuzz_hostcfg, "fuzz_hostcfg");
}

Test(fuzz_replay, host_corpus_and_regressions)
{
	replay(fuzz_host, "fuzz_host");
}

Test(fuzz_replay, snapshot_corpus_and_regressions)
{
	replay(fuzz_snapshot, "fuzz_snapshot");
}

Test(fuzz_replay, dap_corpus_and_regressions)
{
	replay(fuzz_dap, "fuzz_dap");
}

Test(fuzz_replay, migration_stream_corpus_and_regressions)
{
	replay(fuzz_migrate, "fuzz_migrate");
}
