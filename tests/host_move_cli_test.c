/*
 * tests/host_move_cli_test.c: one VM of a trapeze host saved, restored and
 *       migrated from the monitor (trapeze mon --host), as a user does it:
 *       commands on standard input, a trapeze migrate --listen target over
 *       TCP on 127.0.0.1, trapeze run --restore.
 * Owns: a hosted guest OS saved from the monitor and resumed by run
 *       --restore prints, across the two, what the host printed for it;
 *       migrated out of a running host into a target in every mode a host
 *       runs, its output joined across the two processes is the output of
 *       the run that never moved, and its neighbour's is untouched; kept on
 *       a failover backup (host --failover), the host killed (kill -9) at
 *       moments through its run, the backup prints the VM's unmoved output,
 *       nothing lost or doubled; the
 *       monitor's one-line refusals (a snapshot of another place, a VM
 *       that left, nothing listening).
 * Not:  the machinery (host_move_test.c).
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "snap/snaptest.h"
#include "vmm/vmtest.h"

struct hdir {
	char path[64];
	char cfg[128], script[128], mon[128], aout[128], bout[128], snap[128], tout[128], terr[128],
		ref_a[128], ref_b[128];
};

/* A folder with a host config of VM a (mode, kernel, disk, nonvirt) and
 * VM b (the guest OS under trap), each console into a file of its own. */
static void hdir_make(struct hdir *d, const char *mode, const char *kernel, const char *nonvirt)
{
	char base[sizeof d->path] = "/tmp/trapeze-hostmove-XXXXXX";
	const char *disk = strstr(kernel, "paged") ? "paged.img" : "disk.img";
	FILE *f;

	cr_assert(mkdtemp(base));
	strcpy(d->path, base);
#define F(x, n) snprintf(d->x, sizeof d->x, "%s/" n, base)
	F(cfg, "host.ini");
	F(script, "script");
	F(mon, "mon.out");
	F(aout, "a.out");
	F(bout, "b.out");
	F(snap, "a.snap");
	F(tout, "target.out");
	F(terr, "target.err");
	F(ref_a, "ref-a.out");
	F(ref_b, "ref-b.out");
#undef F
	f = fopen(d->cfg, "w");
	cr_assert(f);
	fprintf(f, "[vm a]\nkernel = %s\ndisk = %s\nmode = %s\nconsole = a.out\n%s%s%s", st_path(kernel),
		st_path(disk), mode, nonvirt ? "nonvirt = " : "", nonvirt ? nonvirt : "",
		nonvirt ? "\n" : "");
	fprintf(f, "[vm b]\nkernel = %s\ndisk = %s\nmode = trap\nconsole = b.out\n",
		st_path("kernel.elf"), st_path("disk.img"));
	fclose(f);
}

static void hdir_remove(struct hdir *d)
{
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->path);
	cr_expect_eq(system(cmd), 0);
}

/* `sh -c CMD` from d's folder, at most seconds: its exit status (-1 when
 * it had to be killed). */
static int sh(const struct hdir *d, const char *cmd, int seconds)
{
	char full[4096];
	const char *bin = getenv("TRAPEZE");
	pid_t pid;

	snprintf(full, sizeof full, "exec < /dev/null; cd '%s' && T='%s' && %s", d->path,
		 bin && *bin ? bin : "build/trapeze",
		 cmd);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", full, (char *)NULL);
		_exit(127);
	}
	return vt_reap(pid, seconds);
}

/* The monitor on d's host, with these commands. */
static int mon_host(const struct hdir *d, const char *commands)
{
	FILE *f = fopen(d->script, "w");
	cr_assert(f);
	fputs(commands, f);
	fclose(f);
	return sh(d, "\"$T\" mon --host host.ini < script > mon.out 2>&1", 120);
}

/* The host run through once, nothing moved: each VM's console kept as
 * ref-a.out and ref-b.out. */
static void unmoved(const struct hdir *d)
{
	cr_assert_eq(sh(d, "\"$T\" host host.ini > /dev/null 2>&1 && mv a.out ref-a.out && "
		     "mv b.out ref-b.out", 120), 0, "the host's run");
}

static void expect_joined(const char *whole_file, const char *a_file, const char *b_file,
			  const char *ctx)
{
	char *whole = vt_slurp(whole_file), *a = vt_slurp(a_file), *b = vt_slurp(b_file);
	size_t la = strlen(a);

	cr_expect(strstr(whole, "halting"), "%s: the run that never moved halts", ctx);
	cr_expect(la > 0 && strlen(b) > 0, "%s: both sides printed (%zu, %zu bytes)", ctx, la,
		  strlen(b));
	cr_expect(la + strlen(b) == strlen(whole) && !strncmp(whole, a, la) && !strcmp(whole + la, b),
		  "%s: the two sides' output joined (%zu + %zu bytes) is not the unmoved run's (%zu)",
		  ctx, la, strlen(b), strlen(whole));
	free(whole);
	free(a);
	free(b);
}

static void expect_same_file(const char *x, const char *y, const char *ctx)
{
	char *a = vt_slurp(x), *b = vt_slurp(y);
	cr_expect(strlen(a) > 100 && !strcmp(a, b), "%s: %s and %s differ", ctx, x, y);
	free(a);
	free(b);
}

/* Saved from the monitor, resumed by trapeze run --restore. */
static void save_and_resume(const char *mode, const char *kernel, const char *nonvirt)
{
	struct hdir d;
	char ctx[160];
	int st;

	snprintf(ctx, sizeof ctx, "%s %s saved from mon --host", mode, kernel);
	hdir_make(&d, mode, kernel, nonvirt);
	unmoved(&d);
	cr_assert_eq(mon_host(&d, "host 2000000\nvm a\nsave a.snap\nquit\n"), 0, "%s: mon failed",
		     ctx);
	cr_expect(vt_file_has(d.mon, "saved at instruction"), "%s: not saved", ctx);
	st = sh(&d, "\"$T\" run --restore a.snap > target.out 2> target.err", 120);
	cr_expect_eq(st, 0, "%s: run --restore exits %d", ctx, st);
	expect_joined(d.ref_a, d.aout, d.tout, ctx);
	hdir_remove(&d);
}

Test(host_move_cli, a_vm_saved_from_mon_host_resumes_with_run_restore)
{
	alarm(300); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	save_and_resume("trap", "kernel.elf", NULL);
	save_and_resume("bt", "kernel.elf", "x86");
	save_and_resume("pv", "kernel-pv.elf", NULL);
	save_and_resume("hw", "kernel-paged.elf", NULL);
}

/* Migrated from the monitor at host time `at`, the host running on. */
static void migrate_out(const char *mode, const char *kernel, const char *nonvirt, uint64_t at)
{
	struct hdir d;
	char ctx[160], cmds[400], args[300];
	uint16_t port = vt_loopback_port(NULL);
	char *mon;
	int st;
	pid_t t;

	snprintf(ctx, sizeof ctx, "%s %s migrated out of its host at %llu", mode, kernel,
		 (unsigned long long)at);
	hdir_make(&d, mode, kernel, nonvirt);
	unmoved(&d);
	snprintf(args, sizeof args, "migrate --listen 127.0.0.1:%u", port);
	t = vt_spawn(args, d.tout, d.terr);
	cr_assert(vt_wait_for_text(d.terr, "listening", 30), "%s: the target never listened", ctx);
	snprintf(cmds, sizeof cmds, "host %llu\nvm a\nmigrate 127.0.0.1:%u\ninfo vms\nhost 1000000000\n"
		 "info vms\nquit\n", (unsigned long long)at, port);
	st = mon_host(&d, cmds);
	mon = vt_slurp(d.mon);
	cr_expect_eq(st, 0, "%s: mon exits %d: %s", ctx, st, mon);
	cr_expect(strstr(mon, "round 1:") && strstr(mon, "stop-and-copy:"), "%s: the rounds printed: %s",
		  ctx, mon);
	cr_expect(strstr(mon, "VM 0 runs at 127.0.0.1:"), "%s: %s", ctx, mon);
	cr_expect(strstr(mon, "migrated"), "%s: info vms says so: %s", ctx, mon);
	cr_expect(strstr(mon, "every VM has stopped"), "%s: the host ran its neighbour out: %s", ctx,
		  mon);
	free(mon);
	cr_expect_eq(vt_reap(t, 60), 0, "%s: the target failed", ctx);
	expect_joined(d.ref_a, d.aout, d.tout, ctx);
	expect_same_file(d.ref_b, d.bout, ctx);
	hdir_remove(&d);
}

Test(host_move_cli, a_vm_migrated_out_of_a_running_host_prints_its_unmoved_output_in_every_mode)
{
	alarm(600); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	migrate_out("emulate", "kernel.elf", NULL, 1500000);
	migrate_out("trap", "kernel.elf", NULL, 2000000);
	migrate_out("hybrid", "kernel.elf", "pdp10", 2500000);
	migrate_out("patch", "kernel.elf", "x86", 1000000);
	migrate_out("bt", "kernel.elf", "x86", 3000000);
	migrate_out("hw", "kernel.elf", "x86", 2000000);
	migrate_out("pv", "kernel-pv.elf", NULL, 2000000);
	migrate_out("trap", "kernel-paged.elf", NULL, 2500000);
	migrate_out("pv", "kernel-pv-paged.elf", NULL, 200000);
}

Test(host_move_cli, the_monitor_refuses_what_cannot_be_moved_in_one_line)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct hdir d;
	char cmds[600];
	uint16_t port = vt_loopback_port(NULL);
	char *mon;

	hdir_make(&d, "trap", "kernel.elf", NULL);
	/* A snapshot of a VM alone. */
	{
		char cmd[1500];
		snprintf(cmd, sizeof cmd, "\"$T\" run --save-at 300000 solo.snap --mode trap --disk '%s' '%s' "
			 "> /dev/null 2>&1", st_path("disk.img"), st_path("kernel.elf"));
		cr_assert_eq(sh(&d, cmd, 60), 0, "run --save-at");
	}
	snprintf(cmds, sizeof cmds,
		 "host 1000000\nvm a\nrestore solo.snap\nvm b\nsave b.snap\nvm a\nrestore b.snap\n"
		 "migrate 127.0.0.1:%u\nsave a.snap\nhost 3000000\nrestore a.snap\ninfo vms\nquit\n", port);
	cr_expect_eq(mon_host(&d, cmds), 1, "a script with failed commands exits 1");
	mon = vt_slurp(d.mon);
	cr_expect(strstr(mon, "error: snapshot of another machine (trap mode, 1048576 bytes of memory"),
		  "a VM alone's snapshot: %s", mon);
	cr_expect(strstr(mon, "lies elsewhere in its machine's memory"), "%s", mon);
	cr_expect(strstr(mon, "error: migration to 127.0.0.1:"), "nothing listening: %s", mon);
	cr_expect(strstr(mon, "the VM is here, unharmed"), "%s", mon);
	cr_expect(strstr(mon, "restored a.snap"), "its own snapshot goes back: %s", mon);
	free(mon);
	hdir_remove(&d);
}

/* ---- failover of one VM of a host ------------------------------------------ */

/* VM a of the host kept on a trapeze failover --listen backup; the host
 * killed (kill -9) after ms milliseconds (or run to its end): what the
 * user sees of VM a, on the backup's standard output, is its unmoved
 * output, nothing lost, nothing doubled. */
static int took_over; /* backups that took over from a killed host */

static void host_failover_killed(const char *mode, const char *kernel, const char *nonvirt,
				 uint64_t epoch, int ms)
{
	struct hdir d;
	char ctx[200], args[300], cmd[600];
	uint16_t port = vt_loopback_port(NULL);
	pid_t backup, host;
	int status = 0, st;

	snprintf(ctx, sizeof ctx, "VM a (%s) of a host, epoch %llu, the host killed after %d ms", mode,
		 (unsigned long long)epoch, ms);
	hdir_make(&d, mode, kernel, nonvirt);
	unmoved(&d);
	snprintf(args, sizeof args, "failover --listen 127.0.0.1:%u --net-timeout 20", port);
	backup = vt_spawn(args, d.tout, d.terr);
	cr_assert(vt_wait_for_text(d.terr, "listens", 30), "%s: the backup never listened", ctx);
	snprintf(cmd, sizeof cmd, "cd '%s' && exec '%s' host --failover a --to 127.0.0.1:%u --epoch %llu "
		 "host.ini </dev/null >/dev/null 2>host.err", d.path, getenv("TRAPEZE"), port,
		 (unsigned long long)epoch);
	host = fork();
	cr_assert(host >= 0);
	if (host == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (ms >= 0) {
		/* From the first checkpoint on: the backup holds the VM. */
		cr_expect(vt_wait_for_text(d.terr, "holding the VM", 30), "%s: no first checkpoint", ctx);
		usleep((useconds_t)ms * 1000);
		kill(host, SIGKILL);
	}
	waitpid(host, &status, 0);
	st = vt_reap(backup, 60);
	cr_expect_eq(st, 0, "%s: the backup exits %d", ctx, st);
	/* VM a's console on the host stays empty: the backup prints it. */
	{
		char *held = vt_slurp(d.aout);
		cr_expect_str_empty(held, "%s: the host printed VM a's output itself", ctx);
		free(held);
	}
	expect_same_file(d.ref_a, d.tout, ctx);
	took_over += vt_file_has(d.terr, "taking over from checkpoint");
	hdir_remove(&d);
}

Test(host_move_cli, a_vm_of_a_killed_host_runs_on_its_backup_nothing_lost_or_doubled)
{
	alarm(600); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	host_failover_killed("trap", "kernel.elf", NULL, 100000, -1); /* the host runs to its end */
	host_failover_killed("trap", "kernel.elf", NULL, 50000, 10);
	host_failover_killed("bt", "kernel.elf", "x86", 100000, 30);
	host_failover_killed("hw", "kernel.elf", "x86", 20000, 5);
	host_failover_killed("pv", "kernel-pv.elf", NULL, 100000, 20);
	host_failover_killed("trap", "kernel-paged.elf", NULL, 200000, 40);
	/* (A fast machine may finish a run before its kill: then the backup
	 * prints what the host finished with. Most kills land mid-run.) */
	cr_expect_geq(took_over, 1, "no backup ever took over from a killed host");
}

/* `trapeze host ARGS host.ini` in d refused with status, its standard
 * error one line (the usage line after it aside) holding want. */
static void refused(const struct hdir *d, const char *args, int status, const char *want)
{
	char cmd[600], path[200], *err;

	snprintf(cmd, sizeof cmd, "\"$T\" host %s host.ini 2> err.txt", args);
	cr_expect_eq(sh(d, cmd, 30), status, "%s: exit status", args);
	snprintf(path, sizeof path, "%s/err.txt", d->path);
	err = vt_slurp(path);
	cr_expect(strstr(err, want), "%s: wanted \"%s\" in: %s", args, want, err);
	cr_expect(strncmp(err, "trapeze: host:", 14) == 0, "%s: %s", args, err);
	cr_expect(!strstr(strchr(err, '\n') ? strchr(err, '\n') + 1 : "", "error"),
		  "%s: more than one line of error: %s", args, err);
	free(err);
}

Test(host_move_cli, failover_options_are_checked_in_one_line)
{
	alarm(60); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct hdir d;
	char args[200];

	hdir_make(&d, "trap", "kernel.elf", NULL);
	refused(&d, "--failover a --epoch 100", 2, "go together");
	refused(&d, "--failover zz --to 127.0.0.1:1 --epoch 100", 2, "--failover 'zz': no VM of that name");
	refused(&d, "--failover a --to 127.0.0.1:1 --epoch 0", 2, "--epoch '0'");
	snprintf(args, sizeof args, "--failover a --to 127.0.0.1:%u --epoch 100 --net-timeout 2",
		 vt_loopback_port(NULL));
	refused(&d, args, 120, "--failover: nothing listens on 127.0.0.1:");
	hdir_remove(&d);
}
