/*
 * tests/migrate_cli_test.c: trapeze migrate and trapeze failover as a user
 *       runs them: two processes over TCP on 127.0.0.1.
 * Owns: a migrated guest OS prints, across the two processes, exactly what
 *       an unmigrated run prints, in every mode, with the unmigrated exit
 *       status; a port in use, nothing listening, a connection lost in the
 *       middle of the stream, a truncated or junk stream: each a one-line
 *       message, the source running on unharmed, the target discarding
 *       what it got; failover with the primary killed (kill -9) at moments
 *       through its run: what the user sees across both processes is the
 *       uninterrupted run's output, nothing lost, nothing doubled.
 * Not:  the rounds and checkpoints themselves (migrate_test.c).
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "snap/snaptest.h"
#include "vmm/vmtest.h"

struct dir {
	char path[64];
	char f[8][96];
};

static void dir_make(struct dir *d)
{
	static const char *const names[] = { "full", "a", "b", "aerr", "berr", "x", "y", "z" };
	char base[sizeof d->path] = "/tmp/trapeze-migcli-XXXXXX";

	cr_assert(mkdtemp(base));
	strcpy(d->path, base);
	for (int i = 0; i < 8; i++)
		snprintf(d->f[i], sizeof d->f[i], "%s/%s", base, names[i]);
}

static void dir_remove(struct dir *d)
{
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->path);
	cr_expect_eq(system(cmd), 0);
}

enum { FULL, A, B, AERR, BERR };

/* The run that never moved: its output in d->f[FULL], its status. */
static int whole_run(struct dir *d, const char *guest)
{
	char args[2000];
	int status;

	snprintf(args, sizeof args, "run %s > '%s'", guest, d->f[FULL]);
	free(vt_trapeze(args, VT_STDOUT, &status));
	return status;
}

static void expect_joined(struct dir *d, const char *ctx)
{
	char *whole = vt_slurp(d->f[FULL]), *a = vt_slurp(d->f[A]), *b = vt_slurp(d->f[B]);
	size_t la = strlen(a);

	cr_expect(strlen(whole) > 100, "%s: the run printed too little to tell", ctx);
	cr_expect(la + strlen(b) == strlen(whole) && !strncmp(whole, a, la) && !strcmp(whole + la, b),
		  "%s: the two sides' output joined (%zu + %zu bytes) is not the run's (%zu)", ctx, la,
		  strlen(b), strlen(whole));
	free(whole);
	free(a);
	free(b);
}

static void migrate_guest(const char *mode, const char *options, const char *kernel, uint64_t at,
			  const char *link)
{
	struct dir d;
	char guest[1500], args[4000], ctx[200];
	uint16_t port = vt_loopback_port(NULL);
	int full, src, dst;
	pid_t t;

	dir_make(&d);
	snprintf(guest, sizeof guest, "--mode %s %s --disk %s %s", mode, options,
		 st_path(strstr(kernel, "paged") ? "paged.img" : "disk.img"), st_path(kernel));
	full = whole_run(&d, guest);
	snprintf(args, sizeof args, "migrate --listen 127.0.0.1:%u", port);
	t = vt_spawn(args, d.f[B], d.f[BERR]);
	cr_assert(vt_wait_for_text(d.f[BERR], "listening", 30), "the target never listened");
	snprintf(args, sizeof args, "migrate --to 127.0.0.1:%u --at %llu %s %s", port,
		 (unsigned long long)at, link, guest);
	src = vt_reap(vt_spawn(args, d.f[A], d.f[AERR]), 60);
	dst = vt_reap(t, 60);
	snprintf(ctx, sizeof ctx, "%s %s migrated at %llu", mode, options, (unsigned long long)at);
	cr_expect_eq(src, 0, "%s: the source exits %d:\n%s", ctx, src, vt_slurp(d.f[AERR]));
	cr_expect_eq(dst, full, "%s: the target exits %d, the whole run %d:\n%s", ctx, dst, full,
		     vt_slurp(d.f[BERR]));
	cr_expect(vt_wait_for_text(d.f[AERR], "downtime", 1), "%s: no report", ctx);
	cr_expect(vt_wait_for_text(d.f[BERR], "resumed at instruction", 1), "%s", ctx);
	expect_joined(&d, ctx);
	dir_remove(&d);
}

Test(migrate_cli, a_migrated_guest_os_prints_what_it_prints_unmigrated_in_every_mode)
{
	alarm(600); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	migrate_guest("bare", "", "kernel.elf", 600000, "");
	migrate_guest("emulate", "", "kernel.elf", 500000, "");
	migrate_guest("trap", "", "kernel.elf", 1000000, "");
	migrate_guest("hybrid", "--nonvirt=pdp10", "kernel.elf", 700000, "");
	migrate_guest("patch", "--nonvirt", "kernel.elf", 800000, "");
	migrate_guest("bt", "--nonvirt", "kernel.elf", 900000, "");
	migrate_guest("hw", "--nonvirt --cpu early", "kernel.elf", 1100000, "");
	migrate_guest("pv", "", "kernel-pv.elf", 1200000, "");
	migrate_guest("trap", "", "kernel.elf", 300000, "--bandwidth 50 --stop-pages 4");
}

/* The paged guest OS (issue 14): what the monitor keeps for its tables
 * (shadows, the nested table, direct paging's page types) moves too. */
Test(migrate_cli, a_migrated_paged_guest_os_prints_what_it_prints_unmigrated)
{
	alarm(600); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	migrate_guest("bare", "", "kernel-paged.elf", 900000, "");
	migrate_guest("trap", "", "kernel-paged.elf", 1000000, "");
	migrate_guest("hybrid", "", "kernel-paged.elf", 1100000, "");
	migrate_guest("bt", "--nonvirt", "kernel-paged.elf", 1200000, "");
	migrate_guest("hw", "--nonvirt --cpu early", "kernel-paged.elf", 1300000, "");
	migrate_guest("hw", "--cpu modern", "kernel-paged.elf", 1400000, "");
	migrate_guest("pv", "", "kernel-pv-paged.elf", 1500000, "");
	migrate_guest("trap", "", "kernel-paged.elf", 700000, "--bandwidth 20 --max-rounds 3");
}

/* ---- faults ----------------------------------------------------------------- */

Test(migrate_cli, a_port_in_use_or_nothing_listening_is_one_line)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct dir d;
	char args[4000], guest[1500], *out;
	int held, status, full;
	uint16_t port = vt_loopback_port(&held);

	dir_make(&d);
	snprintf(args, sizeof args, "migrate --listen 127.0.0.1:%u", port);
	out = vt_trapeze(args, VT_STDERR, &status);
	cr_expect_eq(status, 120, "%s", out);
	cr_expect(strstr(out, "in use") && strchr(out, '\n') == out + strlen(out) - 1, "%s", out);
	free(out);
	snprintf(args, sizeof args, "failover --listen 127.0.0.1:%u", port);
	out = vt_trapeze(args, VT_STDERR, &status);
	cr_expect(status == 120 && strstr(out, "in use"), "%s", out);
	free(out);
	close(held);
	/* Nothing listens: the source says so and runs its guest on. */
	port = vt_loopback_port(NULL);
	snprintf(guest, sizeof guest, "--mode trap --disk %s %s", st_path("disk.img"),
		 st_path("kernel.elf"));
	full = whole_run(&d, guest);
	snprintf(args, sizeof args, "migrate --to 127.0.0.1:%u --at 100000 %s", port, guest);
	status = vt_reap(vt_spawn(args, d.f[A], d.f[AERR]), 60);
	cr_expect_eq(status, full);
	cr_expect(vt_wait_for_text(d.f[AERR], "nothing listens", 1), "%s", vt_slurp(d.f[AERR]));
	{
		char *got = vt_slurp(d.f[A]), *want = vt_slurp(d.f[FULL]);
		cr_expect_str_eq(got, want, "the source did not run on unharmed");
		free(got);
		free(want);
	}
	/* A backup nobody connects to stops waiting. */
	snprintf(args, sizeof args, "failover --listen 127.0.0.1:%u --wait 1", port);
	out = vt_trapeze(args, VT_STDERR, &status);
	cr_expect(status == 120 && strstr(out, "nobody connected"), "%s", out);
	free(out);
	dir_remove(&d);
}

/* A fake target: takes the connection, reads some bytes (or all, until
 * the peer hangs up), hangs up. */
static void *fake_target(int lfd, size_t bytes)
{
	int fd = accept(lfd, NULL, NULL);
	char buf[4096];
	size_t got = 0;

	while (fd >= 0 && got < bytes) {
		ssize_t k = read(fd, buf, sizeof buf);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

Test(migrate_cli, a_connection_lost_mid_stream_leaves_the_source_running_unharmed)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct dir d;
	char args[4000], guest[1500];
	int lfd, status, full;
	uint16_t port = vt_loopback_port(&lfd);
	pid_t src;

	dir_make(&d);
	snprintf(guest, sizeof guest, "--mode bt --nonvirt --disk %s %s", st_path("disk.img"),
		 st_path("kernel.elf"));
	full = whole_run(&d, guest);
	snprintf(args, sizeof args, "migrate --to 127.0.0.1:%u --at 700000 %s", port, guest);
	src = vt_spawn(args, d.f[A], d.f[AERR]);
	fake_target(lfd, 30000);
	status = vt_reap(src, 60);
	close(lfd);
	cr_expect_eq(status, full, "%s", vt_slurp(d.f[AERR]));
	cr_expect(vt_wait_for_text(d.f[AERR], "the VM runs on here", 1), "%s", vt_slurp(d.f[AERR]));
	{
		char *got = vt_slurp(d.f[A]), *want = vt_slurp(d.f[FULL]);
		cr_expect_str_eq(got, want, "the source did not run on unharmed");
		free(got);
		free(want);
	}
	dir_remove(&d);
}

/* A stream cut short, or junk: the target says so in one line, runs
 * nothing, prints nothing of the guest's. */
static void feed_target(const char *bytes_file, const char *what)
{
	struct dir d;
	char args[4000], *err, *out;
	uint16_t port = vt_loopback_port(NULL);
	int status;
	pid_t t;

	dir_make(&d);
	snprintf(args, sizeof args, "migrate --listen 127.0.0.1:%u --net-timeout 2", port);
	t = vt_spawn(args, d.f[B], d.f[BERR]);
	cr_assert(vt_wait_for_text(d.f[BERR], "listening", 30));
	snprintf(args, sizeof args, "exec 3<>/dev/tcp/127.0.0.1/%u; cat '%s' >&3; sleep 0.3", port,
		 bytes_file);
	{
		char cmd[4200];
		snprintf(cmd, sizeof cmd, "bash -c \"%s\" 2>/dev/null", args);
		cr_expect_eq(system(cmd), 0);
	}
	status = vt_reap(t, 30);
	err = vt_slurp(d.f[BERR]);
	out = vt_slurp(d.f[B]);
	cr_expect_eq(status, 1, "%s", err);
	cr_expect(strstr(err, what) && strstr(err, "discarded"), "wanted '%s' in:\n%s", what, err);
	cr_expect_str_eq(out, "", "the target ran something");
	free(err);
	free(out);
	dir_remove(&d);
}

Test(migrate_cli, a_truncated_or_junk_stream_is_discarded_with_one_line)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	char dir[] = "/tmp/trapeze-migfeed-XXXXXX", snap[200], cut[200], junk[200], args[2000];
	int status;

	cr_assert(mkdtemp(dir));
	snprintf(snap, sizeof snap, "%s/vm.snap", dir);
	snprintf(cut, sizeof cut, "%s/cut.snap", dir);
	snprintf(junk, sizeof junk, "%s/junk", dir);
	snprintf(args, sizeof args, "run --mode trap --disk %s --save-at 400000 %s %s", st_path("disk.img"),
		 snap, st_path("kernel.elf"));
	free(vt_trapeze(args, VT_BOTH, &status));
	cr_assert_eq(status, 0);
	snprintf(args, sizeof args, "head -c 40000 %s > %s && head -c 3000 /dev/urandom > %s", snap, cut,
		 junk);
	cr_assert_eq(system(args), 0);
	feed_target(cut, "went away");
	feed_target(junk, "not a Trapeze snapshot");
	snprintf(args, sizeof args, "rm -rf '%s'", dir);
	cr_expect_eq(system(args), 0);
}

/* A peer that connects, sends bytes (the first n of file, or nothing), and
 * then says nothing more for seconds: the listener must give up on it. */
static void stall_listener(const char *cmd, const char *file, size_t n, const char *what)
{
	struct dir d;
	char args[4000], *err, *out;
	uint16_t port = vt_loopback_port(NULL);
	int status;
	pid_t t;

	dir_make(&d);
	snprintf(args, sizeof args, "%s --listen 127.0.0.1:%u --net-timeout 1", cmd, port);
	t = vt_spawn(args, d.f[B], d.f[BERR]);
	cr_assert(vt_wait_for_text(d.f[BERR], "listen", 30));
	snprintf(args, sizeof args, "bash -c \"exec 3<>/dev/tcp/127.0.0.1/%u; head -c %zu '%s' >&3; "
		 "sleep 4\" 2>/dev/null", port, n, file);
	cr_expect_eq(system(args), 0);
	status = vt_reap(t, 30);
	err = vt_slurp(d.f[BERR]);
	out = vt_slurp(d.f[B]);
	cr_expect(status == 1 || status == 120, "%s: exits %d:\n%s", cmd, status, err);
	cr_expect(strstr(err, what) && strstr(err, "said nothing for 1 s"), "%s: wanted '%s' in:\n%s",
		  cmd, what, err);
	cr_expect_str_eq(out, "", "%s ran something", cmd);
	free(err);
	free(out);
	dir_remove(&d);
}

/* A peer that takes the connection and reads all it is sent, but never
 * answers: the sender gives up after --net-timeout and runs its guest on
 * alone, the user's output whole. */
static void stall_receiver(const char *cmd, const char *guest, const char *what)
{
	struct dir d;
	char args[4000];
	int lfd, status, full;
	uint16_t port = vt_loopback_port(&lfd);
	pid_t src;

	dir_make(&d);
	full = whole_run(&d, guest);
	snprintf(args, sizeof args, "%s --to 127.0.0.1:%u --net-timeout 1 %s %s", cmd, port,
		 strcmp(cmd, "failover") ? "--at 300000" : "--epoch 100000", guest);
	src = vt_spawn(args, d.f[A], d.f[AERR]);
	fake_target(lfd, (size_t)-1); /* until the sender hangs up */
	status = vt_reap(src, 60);
	close(lfd);
	cr_expect_eq(status, full, "%s: %s", cmd, vt_slurp(d.f[AERR]));
	cr_expect(vt_wait_for_text(d.f[AERR], what, 1) && vt_wait_for_text(d.f[AERR], "said nothing for 1 s", 1),
		  "%s: wanted '%s' in:\n%s", cmd, what, vt_slurp(d.f[AERR]));
	{
		char *got = vt_slurp(d.f[A]), *want = vt_slurp(d.f[FULL]);
		cr_expect_str_eq(got, want, "%s: the guest's output is not whole", cmd);
		free(got);
		free(want);
	}
	dir_remove(&d);
}

Test(migrate_cli, every_network_wait_ends_a_peer_that_stalls)
{
	alarm(180); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	char dir[] = "/tmp/trapeze-migstall-XXXXXX", snap[200], args[2000], guest[1500];
	int status;

	cr_assert(mkdtemp(dir));
	snprintf(snap, sizeof snap, "%s/vm.snap", dir);
	snprintf(args, sizeof args, "run --mode trap --disk %s --save-at 400000 %s %s", st_path("disk.img"),
		 snap, st_path("kernel.elf"));
	free(vt_trapeze(args, VT_BOTH, &status));
	cr_assert_eq(status, 0);
	/* The receivers: a source or primary that stops in the middle of a
	 * stream, or never starts one. */
	stall_listener("migrate", snap, 20000, "discarded");
	stall_listener("migrate", snap, 0, "discarded");
	stall_listener("failover", snap, 20000, "nothing to take over");
	/* The senders: a target that never says "ready", a backup that never
	 * acknowledges. */
	snprintf(guest, sizeof guest, "--mode trap --disk %s %s", st_path("disk.img"), st_path("kernel.elf"));
	stall_receiver("migrate", guest, "the VM runs on here");
	stall_receiver("failover", guest, "runs on unprotected");
	snprintf(args, sizeof args, "rm -rf '%s'", dir);
	cr_expect_eq(system(args), 0);
}

/* ---- failover ---------------------------------------------------------------- */

/* Run the guest OS under failover, kill -9 the primary after ms
 * milliseconds: the user's view across both is the whole run. True when
 * the backup took over (the kill came before the primary finished). */
static bool kill_primary(const char *guest, uint64_t epoch, int ms)
{
	struct dir d;
	char args[4000], ctx[100];
	uint16_t port = vt_loopback_port(NULL);
	pid_t b, p;
	int status, full;
	bool took_over;

	dir_make(&d);
	full = whole_run(&d, guest);
	snprintf(args, sizeof args, "failover --listen 127.0.0.1:%u", port);
	b = vt_spawn(args, d.f[B], d.f[BERR]);
	cr_assert(vt_wait_for_text(d.f[BERR], "listens", 30), "the backup never listened");
	snprintf(args, sizeof args, "failover --to 127.0.0.1:%u --epoch %llu %s", port,
		 (unsigned long long)epoch, guest);
	p = vt_spawn(args, d.f[A], d.f[AERR]);
	/* From the first checkpoint on the VM is protected: a moment after it. */
	cr_expect(vt_wait_for_text(d.f[BERR], "holding the VM", 60), "no checkpoint came");
	usleep((useconds_t)ms * 1000);
	kill(p, SIGKILL);
	vt_reap(p, 30);
	status = vt_reap(b, 120);
	snprintf(ctx, sizeof ctx, "primary killed after %d ms", ms);
	cr_expect_eq(status, full, "%s: the backup exits %d:\n%s", ctx, status, vt_slurp(d.f[BERR]));
	expect_joined(&d, ctx);
	took_over = vt_wait_for_text(d.f[BERR], "taking over", 1);
	dir_remove(&d);
	return took_over;
}

Test(migrate_cli, a_backup_takes_over_when_the_primary_is_killed_and_nothing_is_lost_or_doubled)
{
	alarm(900); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	char guest[1500];
	int took = 0;

	snprintf(guest, sizeof guest, "--mode trap --disk %s %s", st_path("disk.img"),
		 st_path("kernel.elf"));
	srand(16);
	for (int i = 0; i < 8; i++)
		took += kill_primary(guest, 1000, rand() % 250);
	cr_expect_geq(took, 1, "no kill came before the primary finished: nothing failed over");
	/* And in the other modes, once each, a kill early in the run. */
	snprintf(guest, sizeof guest, "--mode bt --nonvirt --disk %s %s", st_path("disk.img"),
		 st_path("kernel.elf"));
	kill_primary(guest, 1000, 40);
	snprintf(guest, sizeof guest, "--mode pv --disk %s %s", st_path("disk.img"),
		 st_path("kernel-pv.elf"));
	kill_primary(guest, 1000, 60);
}

/* Every mode, the guest OS and the paged guest OS: the primary killed a
 * moment into its run (it runs for more than half a second), the backup
 * takes over. */
Test(migrate_cli, failover_takes_over_the_guest_os_in_every_mode)
{
	alarm(900); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	static const struct {
		const char *options, *kernel, *disk;
	} runs[] = {
		{ "--mode bare", "kernel.elf", "disk.img" },
		{ "--mode emulate", "kernel.elf", "disk.img" },
		{ "--mode hybrid --nonvirt=pdp10", "kernel.elf", "disk.img" },
		{ "--mode patch --nonvirt", "kernel.elf", "disk.img" },
		{ "--mode hw --nonvirt --cpu early", "kernel.elf", "disk.img" },
		{ "--mode trap", "kernel-paged.elf", "paged.img" },
		{ "--mode bt --nonvirt", "kernel-paged.elf", "paged.img" },
		{ "--mode hw --cpu modern", "kernel-paged.elf", "paged.img" },
		{ "--mode pv", "kernel-pv-paged.elf", "paged.img" },
	};
	char guest[1500];

	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		snprintf(guest, sizeof guest, "%s --disk %s %s", runs[i].options, st_path(runs[i].disk),
			 st_path(runs[i].kernel));
		cr_expect(kill_primary(guest, 1000, 100), "%s: the backup never took over", guest);
	}
}

/* An epoch longer, on the wall clock, than --net-timeout: the backup would
 * take the silent primary for dead and run the VM too. The primary sends
 * a checkpoint before half the timeout has passed instead, and the backup
 * waits for the end. (The fast writer runs 50 million instructions:
 * several seconds interpreted.) */
Test(migrate_cli, an_epoch_longer_than_the_net_timeout_keeps_the_backup_waiting)
{
	alarm(180); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct dir d;
	char args[4000], guest[1500];
	uint16_t port = vt_loopback_port(NULL);
	int full, primary_status, backup_status;
	pid_t b;

	dir_make(&d);
	snprintf(guest, sizeof guest, "--mode emulate %s/bench/mig_dirty.elf",
		 getenv("BUILD") ? getenv("BUILD") : "build");
	full = whole_run(&d, guest);
	snprintf(args, sizeof args, "failover --listen 127.0.0.1:%u --net-timeout 1", port);
	b = vt_spawn(args, d.f[B], d.f[BERR]);
	cr_assert(vt_wait_for_text(d.f[BERR], "listens", 30), "the backup never listened");
	snprintf(args, sizeof args, "failover --to 127.0.0.1:%u --net-timeout 1 --epoch 1000000000 %s",
		 port, guest);
	primary_status = vt_reap(vt_spawn(args, d.f[A], d.f[AERR]), 120);
	backup_status = vt_reap(b, 60);
	cr_expect_eq(primary_status, full, "the primary: %s", vt_slurp(d.f[AERR]));
	cr_expect_eq(backup_status, full, "the backup: %s", vt_slurp(d.f[BERR]));
	cr_expect(vt_wait_for_text(d.f[AERR], "went before their epoch's end", 1), "%s", vt_slurp(d.f[AERR]));
	cr_expect(vt_wait_for_text(d.f[BERR], "the primary finished", 1) &&
		  !vt_wait_for_text(d.f[BERR], "taking over", 1), "the backup took over a live primary:\n%s",
		  vt_slurp(d.f[BERR]));
	dir_remove(&d);
}
