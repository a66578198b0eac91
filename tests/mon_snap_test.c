/*
 * tests/mon_snap_test.c: the monitor's save, restore and migrate commands
 *       on the guest OS.
 * Owns: save then restore puts the whole VM back (run on again, it ends
 *       byte for byte where the first pass ended, statistics and console
 *       included); a junk file or another machine's snapshot is refused in
 *       one line, the VM untouched; migrate prints each round as it ends,
 *       the target runs the guest on (the monitor's console then the
 *       target's is the unmigrated run's) and the monitor ends; with
 *       nothing listening the VM stays, unharmed.
 * Not:  the snapshot itself (snapshot_test.c); the migrate command
 *       (migrate_cli_test.c).
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mon/montest.h"
#include "runopts.h"
#include "snap/snaptest.h"
#include "snapshot.h"
#include "vmm/vmtest.h"

struct session {
	struct image img;
	struct mon *m;
};

static void open_os(struct session *s, enum vmm_mode mode, const char *nonvirt)
{
	struct runopts o;
	char err[512];

	runopt_init(&o, "mon");
	o.vm.mode = mode;
	o.vm.disk_path = st_path("disk.img");
	if (nonvirt) {
		const char *bad = NULL;
		int bits = cpu_parse_nonvirt(nonvirt, &bad);
		cr_assert(bits >= 0, "%s", nonvirt);
		o.vm.nonvirt = (unsigned)bits;
	}
	cr_assert(image_read(st_path(mode == MODE_PV ? "kernel-pv.elf" : "kernel.elf"), &s->img, err,
			     sizeof err), "%s", err);
	cr_assert(mon_create(&s->m, &o.vm, &s->img, err, sizeof err), "%s", err);
}

static void close_os(struct session *s)
{
	mon_destroy(s->m);
	image_free(&s->img);
}

static void expect(struct mon *m, const char *line, enum mon_status want, const char *text)
{
	enum mon_status st;
	char *got = mt_exec(m, line, &st);

	cr_expect_eq(st, want, "'%s': status %d; said:\n%s", line, st, got);
	cr_expect(strstr(got, text), "'%s' should say \"%s\"; it said:\n%s", line, text, got);
	free(got);
}

static void state(const struct vm *vm, struct snap_buf *b)
{
	b->len = 0;
	cr_assert(vm_snapshot_save(vm, b, SNAP_HISTORY));
}

static void save_and_restore(enum vmm_mode mode, const char *nonvirt)
{
	struct session s;
	struct snap_buf first = { 0 }, again = { 0 };
	char path[] = "/tmp/trapeze-monsnap-XXXXXX", line[200];
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	close(fd);
	open_os(&s, mode, nonvirt);
	expect(s.m, "step 300000", MON_OK, "=>");
	snprintf(line, sizeof line, "save %s", path);
	expect(s.m, line, MON_OK, "saved at instruction");
	expect(s.m, "step 400000", MON_OK, "=>");
	state(s.m->vm, &first);
	snprintf(line, sizeof line, "restore %s", path);
	expect(s.m, line, MON_OK, "restored");
	cr_expect_lt(vm_retired(s.m->vm), 400000, "%s: restore went nowhere", vmm_mode_name(mode));
	expect(s.m, "step 400000", MON_OK, "=>");
	state(s.m->vm, &again);
	cr_expect(first.len == again.len && !memcmp(first.p, again.p, first.len),
		  "%s: run on from the restored VM, the state is not the first pass's",
		  vmm_mode_name(mode));
	snap_buf_free(&first);
	snap_buf_free(&again);
	close_os(&s);
	unlink(path);
}

Test(mon_snap, save_then_restore_runs_on_exactly_as_before)
{
	save_and_restore(MODE_TRAP, NULL);
	save_and_restore(MODE_BT, "");
	save_and_restore(MODE_HW, "");
	save_and_restore(MODE_PV, NULL);
}

/* Restoring puts another run's state in place: the past that reverse
 * execution kept belongs to the run replaced, so it is given up and kept
 * again from the restored point (going back stops there, and then runs
 * the restored run backwards, not the old one). */
Test(mon_snap, a_restore_keeps_the_reverse_history_from_the_restored_point)
{
	struct session s;
	char path[] = "/tmp/trapeze-monsnap-XXXXXX", line[200], err[256];
	int fd = mkstemp(path);
	enum mon_status st;
	char *before, *after;

	cr_assert(fd >= 0);
	close(fd);
	open_os(&s, MODE_TRAP, NULL);
	cr_assert(mon_history(s.m, 32u << 20, err, sizeof err), "%s", err);
	expect(s.m, "step 5000", MON_OK, "");
	snprintf(line, sizeof line, "save %s", path);
	expect(s.m, line, MON_OK, "saved at instruction 5000");
	expect(s.m, "step 2", MON_OK, "");
	before = mt_exec(s.m, "info registers pc r1 r2 r3 r4", &st);
	expect(s.m, "step 3000", MON_OK, "");
	snprintf(line, sizeof line, "restore %s", path);
	expect(s.m, line, MON_OK, "restored");
	expect(s.m, "reverse-step", MON_OK, "at the start of the recorded history (position 5000)");
	expect(s.m, "step 4", MON_OK, "");
	expect(s.m, "reverse-step 2", MON_OK, "");
	after = mt_exec(s.m, "info registers pc r1 r2 r3 r4", &st);
	cr_expect_str_eq(after, before, "two steps past the restored point, then four and two back");
	free(before);
	free(after);
	close_os(&s);
	unlink(path);
}

Test(mon_snap, a_bad_or_foreign_snapshot_is_refused_and_the_vm_untouched)
{
	struct session s;
	char other[] = "/tmp/trapeze-monsnap-XXXXXX", args[1200];
	uint64_t at;
	int fd = mkstemp(other), status;

	cr_assert(fd >= 0);
	close(fd);
	snprintf(args, sizeof args, "run --mode bt --nonvirt --disk %s --save-at 1000 %s %s",
		 st_path("disk.img"), other, st_path("kernel.elf"));
	free(vt_trapeze(args, VT_BOTH, &status));
	cr_assert_eq(status, 0);
	open_os(&s, MODE_TRAP, NULL);
	expect(s.m, "step 5000", MON_OK, "=>");
	at = vm_retired(s.m->vm);
	expect(s.m, "restore /etc/passwd", MON_ERROR, "error: not a Trapeze snapshot");
	snprintf(args, sizeof args, "restore %s", other);
	expect(s.m, args, MON_ERROR, "error: snapshot of another machine (bt mode");
	expect(s.m, "restore", MON_ERROR, "restore FILE");
	expect(s.m, "save /nonexistent/dir/x.snap", MON_ERROR, "error:");
	cr_expect_eq(vm_retired(s.m->vm), at, "a refused restore changed the VM");
	close_os(&s);
	unlink(other);
}

Test(mon_snap, migrate_prints_its_rounds_and_the_target_runs_the_guest_on)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct session s;
	char dir[] = "/tmp/trapeze-monmig-XXXXXX", cmd[2000], line[100], out[100], err[100];
	char *full, *after, *got;
	const char *before;
	uint16_t port = vt_loopback_port(NULL);
	enum mon_status st;
	size_t n;
	int status = 0;
	pid_t target;

	cr_assert(mkdtemp(dir));
	snprintf(out, sizeof out, "%s/out", dir);
	snprintf(err, sizeof err, "%s/err", dir);
	snprintf(cmd, sizeof cmd, "run --mode trap --disk %s %s", st_path("disk.img"),
		 st_path("kernel.elf"));
	full = vt_trapeze(cmd, VT_STDOUT, &status);
	open_os(&s, MODE_TRAP, NULL);
	/* Nothing listens yet: the VM stays, and runs on. */
	snprintf(line, sizeof line, "migrate 127.0.0.1:%u", port);
	expect(s.m, line, MON_ERROR, "the VM is here, unharmed");
	expect(s.m, "step 700000", MON_OK, "=>");
	snprintf(cmd, sizeof cmd, "migrate --listen 127.0.0.1:%u --wait 30", port);
	target = vt_spawn(cmd, out, err);
	for (int i = 0; i < 300; i++) {
		char *e = vt_slurp(err);
		bool up = strstr(e, "listening") != NULL;
		free(e);
		if (up)
			break;
		usleep(10000);
	}
	got = mt_exec(s.m, line, &st);
	cr_expect_eq(st, MON_QUIT, "%s", got);
	cr_expect(strstr(got, "round 1: ") && strstr(got, "stop-and-copy: ") &&
		  strstr(got, "downtime") && strstr(got, "the VM runs at"), "%s", got);
	/* The target ends when its guest does. */
	for (int i = 0; i < 6000 && waitpid(target, &status, WNOHANG) != target; i++)
		usleep(10000);
	cr_expect(WIFEXITED(status), "the target did not end");
	after = vt_slurp(out);
	before = vm_console(s.m->vm, &n);
	cr_expect(n + strlen(after) == strlen(full) && !strncmp(full, before, n) &&
		  !strcmp(full + n, after), "the monitor's console (%zu bytes) and the target's (%zu) "
		  "are not the run's (%zu)", n, strlen(after), strlen(full));
	free(got);
	free(full);
	free(after);
	close_os(&s);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}
