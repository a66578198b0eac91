/*
 * tests/snapshot_cli_test.c: snapshots as a user makes them: trapeze run
 *       --save-at N FILE, then trapeze run --restore FILE.
 * Owns: the saved run's output followed by the resumed run's is the
 *       uninterrupted run's, byte for byte, in every mode, and so are the
 *       exit status and the final statistics; the refusals as a user sees
 *       them (one line, exit 1, nothing run); trapeze diff --restore.
 * Not:  the format itself (snapshot_test.c, snapshot_bad_test.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snap/snaptest.h"
#include "vmm/vmtest.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	cr_assert(f, "no %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = calloc((size_t)n + 1, 1);
	cr_assert(b && fread(b, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	return b;
}

/* Run `trapeze ARGS`, its stdout into out (a file); its status. */
static int run_into(const char *args, const char *out)
{
	char cmd[8000];
	int status;

	snprintf(cmd, sizeof cmd, "%s > %s", args, out);
	free(vt_trapeze(cmd, VT_STDOUT, &status));
	return status;
}

/* The statistics --stats printed, without the host's time. */
static char *stats_of(const char *args)
{
	int status;
	char *out = vt_trapeze(args, VT_STDERR, &status), *p;

	p = strstr(out, "  host time");
	if (p) {
		char *e = strchr(p, '\n');
		memmove(p, e + 1, strlen(e + 1) + 1);
	}
	return out;
}

static void save_and_resume(const char *mode, const char *options, const char *kernel, uint64_t at)
{
	char dir[] = "/tmp/trapeze-snapcli-XXXXXX", args[4000], base[1200], f[1300], a[1300], b[1300],
	     full[1300];
	int s_full, s_save, s_rest;
	char *whole, *first, *rest, *st_full, *st_rest;

	cr_assert(mkdtemp(dir));
	snprintf(base, sizeof base, "run --mode %s %s --disk %s %s", mode, options, st_path("disk.img"),
		 st_path(kernel));
	snprintf(f, sizeof f, "%s/vm.snap", dir);
	snprintf(a, sizeof a, "%s/a.txt", dir);
	snprintf(b, sizeof b, "%s/b.txt", dir);
	snprintf(full, sizeof full, "%s/full.txt", dir);
	s_full = run_into(base, full);
	snprintf(args, sizeof args, "run --mode %s %s --disk %s --save-at %llu %s %s", mode, options,
		 st_path("disk.img"), (unsigned long long)at, f, st_path(kernel));
	s_save = run_into(args, a);
	cr_expect_eq(s_save, 0, "%s: saving exits %d", mode, s_save);
	snprintf(args, sizeof args, "run --restore %s", f);
	s_rest = run_into(args, b);
	cr_expect_eq(s_rest, s_full, "%s: resumed %d, whole %d", mode, s_rest, s_full);
	whole = slurp(full);
	first = slurp(a);
	rest = slurp(b);
	cr_expect(strlen(first) > 0 && strlen(rest) > 0, "%s: each half printed something", mode);
	cr_expect(strlen(first) + strlen(rest) == strlen(whole) && !strncmp(whole, first, strlen(first)) &&
		  !strcmp(whole + strlen(first), rest),
		  "%s: saved at %llu, the two halves are not the whole run", mode, (unsigned long long)at);
	/* The final state: every counter --stats prints is the whole run's. */
	snprintf(args, sizeof args, "%s --stats", base);
	st_full = stats_of(args);
	snprintf(args, sizeof args, "run --restore %s --stats", f);
	st_rest = stats_of(args);
	cr_expect_str_eq(strstr(st_rest, "trapeze: run: stats") ? strstr(st_rest, "trapeze: run: stats") : st_rest,
			 strstr(st_full, "trapeze: run: stats") ? strstr(st_full, "trapeze: run: stats") : st_full,
			 "%s: the statistics differ", mode);
	free(whole);
	free(first);
	free(rest);
	free(st_full);
	free(st_rest);
	snprintf(args, sizeof args, "rm -rf '%s'", dir);
	cr_expect_eq(system(args), 0);
}

Test(snapshot_cli, save_at_then_restore_is_the_whole_run_in_every_mode)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	save_and_resume("bare", "", "kernel.elf", 700000);
	save_and_resume("emulate", "", "kernel.elf", 300001);
	save_and_resume("trap", "", "kernel.elf", 1000003);
	save_and_resume("hybrid", "--nonvirt=pdp10", "kernel.elf", 1500000);
	save_and_resume("patch", "--nonvirt", "kernel.elf", 900000);
	save_and_resume("bt", "--nonvirt", "kernel.elf", 1234567);
	save_and_resume("hw", "--nonvirt --cpu early", "kernel.elf", 800000);
	save_and_resume("pv", "", "kernel-pv.elf", 1100000);
}

static char *trapeze2(const char *args, int *status)
{
	return vt_trapeze(args, VT_STDERR, status);
}

Test(snapshot_cli, refusals_are_one_line_and_run_nothing)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	char dir[] = "/tmp/trapeze-snapcli-XXXXXX", args[4000], f[1300], t[1300];
	int status;
	char *out;

	cr_assert(mkdtemp(dir));
	snprintf(f, sizeof f, "%s/vm.snap", dir);
	snprintf(t, sizeof t, "%s/cut.snap", dir);
	snprintf(args, sizeof args, "run --mode trap --disk %s --save-at 500000 %s %s", st_path("disk.img"),
		 f, st_path("kernel.elf"));
	free(trapeze2(args, &status));
	cr_assert_eq(status, 0);

	struct { const char *opts, *what; } bad[] = {
		{ "--mode bt", "--mode does not fit" },
		{ "--mem 2M", "--mem does not fit" },
		{ "--nonvirt", "--nonvirt does not fit" },
		{ "--input /dev/null", "its console input is the snapshot's" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(args, sizeof args, "run --restore %s %s", f, bad[i].opts);
		out = trapeze2(args, &status);
		cr_expect_eq(status, 1, "%s: status %d", bad[i].opts, status);
		cr_expect(strstr(out, bad[i].what) && strchr(out, '\n') == out + strlen(out) - 1,
			  "%s: %s", bad[i].opts, out);
		free(out);
	}
	/* Another image for the shared disk; a cut and a spoiled file. */
	snprintf(args, sizeof args, "run --restore %s --disk %s", f, st_path("echo.img"));
	out = trapeze2(args, &status);
	cr_expect(status == 1 && strstr(out, "disk image is another one"), "%s", out);
	free(out);
	snprintf(args, sizeof args, "head -c 5000 %s > %s", f, t);
	cr_assert_eq(system(args), 0);
	snprintf(args, sizeof args, "run --restore %s", t);
	out = trapeze2(args, &status);
	cr_expect(status == 1 && strstr(out, "truncated") && strchr(out, '\n') == out + strlen(out) - 1,
		  "%s", out);
	free(out);
	snprintf(args, sizeof args, "printf 'X' | dd of=%s bs=1 seek=3000 conv=notrunc 2>/dev/null", f);
	cr_assert_eq(system(args), 0);
	snprintf(args, sizeof args, "run --restore %s", f);
	out = trapeze2(args, &status);
	cr_expect(status == 1 && strstr(out, "corrupted"), "%s", out);
	free(out);
	/* Saving past the guest's end saves nothing. */
	snprintf(args, sizeof args, "run --mode trap --disk %s --save-at 900000000 %s/late.snap %s",
		 st_path("disk.img"), dir, st_path("kernel.elf"));
	out = trapeze2(args, &status);
	cr_expect(strstr(out, "nothing saved"), "%s", out);
	snprintf(args, sizeof args, "%s/late.snap", dir);
	cr_expect_neq(access(args, F_OK), 0, "a snapshot was written past the end");
	free(out);
	snprintf(args, sizeof args, "rm -rf '%s'", dir);
	cr_expect_eq(system(args), 0);
}

/* trapeze diff --restore: the resumed run against a fresh one, compared
 * whole every so many instructions, for each kind of monitor; another
 * image is told apart where the snapshot was taken. */
Test(snapshot_cli, diff_finds_the_resumed_run_the_same_as_a_fresh_one)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	static const char *const runs[][3] = {
		{ "trap", "", "kernel.elf" }, { "bt", "--nonvirt", "kernel.elf" },
		{ "hw", "--cpu modern", "kernel.elf" }, { "pv", "", "kernel-pv.elf" },
		{ "patch", "--nonvirt", "kernel.elf" },
	};
	char dir[] = "/tmp/trapeze-snapcli-XXXXXX", args[4000], f[1300];
	int status;
	char *out;

	cr_assert(mkdtemp(dir));
	snprintf(f, sizeof f, "%s/vm.snap", dir);
	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		snprintf(args, sizeof args, "run --mode %s %s --disk %s --save-at 654321 %s %s",
			 runs[i][0], runs[i][1], st_path("disk.img"), f, st_path(runs[i][2]));
		free(vt_trapeze(args, VT_BOTH, &status));
		cr_assert_eq(status, 0);
		snprintf(args, sizeof args, "diff --restore %s %s", f, st_path(runs[i][2]));
		out = vt_trapeze(args, VT_BOTH, &status);
		cr_expect_eq(status, 0, "%s: %s", runs[i][0], out);
		cr_expect(strstr(out, "same: the resumed run is the fresh run"), "%s", out);
		free(out);
	}
	snprintf(args, sizeof args, "diff --restore %s %s", f, st_path("hello.elf"));
	out = vt_trapeze(args, VT_BOTH, &status);
	cr_expect_eq(status, 121, "%s", out);
	cr_expect(strstr(out, "differ:"), "%s", out);
	free(out);
	snprintf(args, sizeof args, "rm -rf '%s'", dir);
	cr_expect_eq(system(args), 0);
}
