/*
 * tools/diff/resume.c: "trapeze diff --restore FILE IMAGE": a run resumed
 *       from a snapshot against a fresh run of the same image.
 * Owns: making the fresh run as the snapshot's machine, bringing it to the
 *       snapshot's instruction, then running both in step and comparing
 *       their whole states (everything a snapshot holds: both CPUs, memory,
 *       devices, the monitor's state and statistics) every so many
 *       instructions to their end; when they part, the first instruction
 *       after which they differ, found by going back to the last states that
 *       were the same (from their own snapshots) one instruction at a time.
 * Not:  the format (vmm/snapshot.h); comparing modes (diff.c, vmm/equiv.h).
 * Implements: the promise of snapshots, checked as a command: a resumed run
 *       is the run that was never stopped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resume.h"
#include "dis.h"
#include "snapshot.h"

/* Instructions between two comparisons of the whole state. */
enum { EVERY = 20000 };

struct pair {
	struct vm *fresh, *resumed;
	struct snap_buf a, b;        /* their last states that were the same */
};

/* Both VMs in the same whole state? (what: the first section that differs) */
static bool same(struct pair *p, char *what, size_t whatlen)
{
	return vm_snapshot_same(p->fresh, p->resumed, what, whatlen);
}

static bool done(const struct vm *vm, enum cpu_stop s)
{
	return s != STOP_LIMIT || vm_at_step_limit(vm);
}

/* Back to the last equal states, then one instruction at a time: the
 * first instruction after which they differ. */
static void find_first(struct pair *p, const struct image *img, const char *file)
{
	struct snap_env env = { 0 };
	struct vm *x = NULL, *y = NULL;
	char what[256] = "", err[512], text[80];

	if (!vm_snapshot_restore_new(&x, p->a.p, p->a.len, &env, err, sizeof err) ||
	    !vm_snapshot_restore_new(&y, p->b.p, p->b.len, &env, err, sizeof err)) {
		printf("differ: after instruction %llu at the latest (%s)\n",
		       (unsigned long long)vm_retired(p->fresh), err);
		vm_destroy(x);
		return;
	}
	for (;;) {
		uint64_t at = vm_retired(x);
		uint32_t pc = vm_pc(x), gpa = 0, word = 0;
		bool have = vm_translate(x, pc, &gpa) && gpa + 4 <= vm_memory(x)->size;
		if (have)
			word = mem_load32(vm_memory(x), gpa);
		enum cpu_stop sx = vm_run(x, 1), sy = vm_run(y, 1);
		if (!vm_snapshot_same(x, y, what, sizeof what)) {
			if (have)
				dis_insn(word, pc, img, text, sizeof text);
			else
				snprintf(text, sizeof text, "(no instruction here)");
			printf("differ: the run resumed from %s and the fresh run part after instruction "
			       "%llu\n  at pc 0x%08x: %s\n  first in %s\n", file, (unsigned long long)at, pc,
			       text, what);
			break;
		}
		if (done(x, sx) || done(y, sy)) {
			printf("differ: within the last %d instructions, in %s, but not when stepped: the "
			       "runs are not repeatable\n", EVERY, what);
			break;
		}
	}
	vm_destroy(x);
	vm_destroy(y);
}

/* The fresh run: the snapshot's machine, the image, the input given. */
static bool make_fresh(const struct runopts *o, const struct snap_machine *m, const struct image *img,
		       struct vm **vm, char *err, size_t errlen)
{
	struct vm_options opt = o->vm;

	snap_machine_options(m, &opt);
	if (o->vm.disk_path)
		opt.disk_path = o->vm.disk_path;
	opt.console = NULL;
	opt.capture = false;
	return vm_create(vm, &opt, err, errlen) && image_load(*vm, img, err, errlen);
}

int diff_resume(struct runopts *o, const char *file, const struct image *img, const char *image)
{
	struct snap_env env = { .disk_path = o->vm.disk_path };
	struct snap_machine m;
	struct pair p = { 0 };
	enum cpu_stop sf = STOP_LIMIT;
	uint8_t *data = NULL;
	size_t len;
	char err[700], what[256] = "", desc[400];
	int status = EXIT_INPUT;

	if (!snap_read_file(file, &data, &len, err, sizeof err) ||
	    !snap_peek_machine(data, len, &m, err, sizeof err) ||
	    !vm_snapshot_restore_new(&p.resumed, data, len, &env, err, sizeof err) ||
	    !make_fresh(o, &m, img, &p.fresh, err, sizeof err)) {
		runopt_error(o, "%s: %s", file, err);
		goto out;
	}
	snap_machine_describe(&m, desc, sizeof desc);
	printf("diff: %s (%s) against a fresh run of %s, whole state compared every %d "
	       "instructions\n", file, desc, image, EVERY);
	vm_run(p.fresh, m.retired);
	status = EXIT_DIFFERS;
	if (vm_retired(p.fresh) != m.retired) {
		printf("differ: the fresh run ends at instruction %llu, before the snapshot's %llu: "
		       "another image, input or disk\n", (unsigned long long)vm_retired(p.fresh),
		       (unsigned long long)m.retired);
		goto out;
	}
	if (!same(&p, what, sizeof what)) {
		printf("differ: at instruction %llu, where the snapshot was taken, in %s: another "
		       "image, input or disk\n", (unsigned long long)m.retired, what);
		goto out;
	}
	for (;;) {
		enum cpu_stop sr;
		p.a.len = p.b.len = 0;
		vm_snapshot_save(p.fresh, &p.a, 0);
		vm_snapshot_save(p.resumed, &p.b, 0);
		sf = vm_run(p.fresh, EVERY);
		sr = vm_run(p.resumed, EVERY);
		if (!same(&p, what, sizeof what)) {
			find_first(&p, img, file);
			goto out;
		}
		if (done(p.fresh, sf) || done(p.resumed, sr) || runopt_timed_out())
			break;
	}
	if (runopt_timed_out()) {
		status = runopt_timeout_exit(o, "before the runs ended");
		goto out;
	}
	printf("same: the resumed run is the fresh run to its end (%llu instructions, %s); every "
	       "state compared was the same\n", (unsigned long long)vm_retired(p.fresh),
	       vm_stop_name(sf));
	status = EXIT_OK;
out:
	vm_destroy(p.fresh);
	vm_destroy(p.resumed);
	snap_buf_free(&p.a);
	snap_buf_free(&p.b);
	free(data);
	return status;
}
