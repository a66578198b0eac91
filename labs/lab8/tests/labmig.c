/*
 * labs/lab8/tests/labmig.c: a guest migrated in one process, and the run
 *       that never moved beside it.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labmig.h"
#include "snapshot.h"

static const char *const programs[] = {
	[LAB_IDLE] = "tools/bench/workloads/mig_idle.s",
	[LAB_COMPUTE] = "tools/bench/workloads/mig_compute.s",
	[LAB_DIRTY] = "tools/bench/workloads/mig_dirty.s",
};

struct stream {
	FILE *f;
	char *p;
	size_t n;
};

/* A VM of guest g in mode, its console into s (not captured: the
 * comparison is of what it printed, from both sides). */
static struct vm *make(enum lab_guest g, enum vmm_mode mode, struct stream *s, struct image *img)
{
	struct lab_run r = { .mode = mode, .max_steps = 200000000 };
	char disk[1024];
	struct vm *vm;

	if (g == LAB_OS) {
		snprintf(disk, sizeof disk, "%s", lab_build_path("guest/disk.img"));
		r.disk = disk;
		lab_read_image(lab_build_path(mode == MODE_PV ? "guest/kernel-pv.elf" : "guest/kernel.elf"),
			       img);
	} else {
		lab_assemble_file(programs[g], NULL, img);
	}
	if (mode == MODE_BT || mode == MODE_PATCH || mode == MODE_HW)
		r.nonvirt = "";
	vm = lab_vm(&r, img);
	s->f = open_memstream(&s->p, &s->n);
	cr_assert(s->f);
	vm_devices(vm)->con.capturing = false;
	vm_devices(vm)->con.out = s->f;
	return vm;
}

uint64_t lab_mbit(uint64_t mbit)
{
	return mbit * 1000000 / 8;
}

void lab_migrate(enum lab_guest g, enum vmm_mode mode, uint64_t at, const struct precopy_opts *po,
		 struct lab_mig *out)
{
	static const struct precopy_opts defaults = { 0 };
	struct stream whole, src, dst;
	struct image a = { 0 }, b = { 0 };
	struct vm *ref = make(g, mode, &whole, &a), *vm = make(g, mode, &src, &b);
	struct snap_env env;
	struct mig_local l;

	memset(out, 0, sizeof *out);
	dst.f = open_memstream(&dst.p, &dst.n);
	cr_assert(dst.f);
	env = (struct snap_env){ .console = dst.f };
	vm_run(ref, UINT64_MAX);
	vm_run(vm, at);
	mig_local_init(&l, &env);
	out->committed = precopy_migrate(vm, po ? po : &defaults, &l.link, NULL, NULL, &out->r) &&
			 l.target;
	if (out->committed) {
		vm_run(l.target, UINT64_MAX);
		fflush(whole.f);
		fflush(src.f);
		fflush(dst.f);
		out->exact = vm_snapshot_same(ref, l.target, out->why, sizeof out->why);
		if (out->exact && (src.n + dst.n != whole.n || memcmp(whole.p, src.p, src.n) ||
				   memcmp(whole.p + src.n, dst.p, dst.n))) {
			out->exact = false;
			snprintf(out->why, sizeof out->why, "the console: %zu bytes before, %zu after, not "
				 "the %zu of the run that never moved", src.n, dst.n, whole.n);
		}
	} else {
		snprintf(out->why, sizeof out->why, "not committed: %s", l.err);
	}
	mig_local_free(&l);
	vm_destroy(ref);
	vm_destroy(vm);
	fclose(whole.f);
	fclose(src.f);
	fclose(dst.f);
	free(whole.p);
	free(src.p);
	free(dst.p);
	image_free(&a);
	image_free(&b);
}

void lab_expect_whole(const char *ctx, const struct lab_mig *m)
{
	cr_expect(m->committed, "%s: the migration did not commit (%s)", ctx, m->why);
	cr_expect(m->exact, "%s: the target did not end as the run that never moved: it differs in %s",
		  ctx, m->why);
}

void lab_expect_rounds(const char *ctx, const struct lab_mig *m)
{
	cr_assert_gt(m->r.rounds, 0, "%s: no pre-copy round ran: the whole of memory went in the "
		     "stop-and-copy, the guest paused throughout (ended: %s)", ctx,
		     precopy_end_name(m->r.end));
}
