/*
 * tests/host/hosttest.c: what the tests of trapeze host share (see hosttest.h).
 */
#include "hosttest.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vmm/vmtest.h"

const char *ht_build(void)
{
	const char *b = getenv("BUILD");
	cr_assert(b && *b, "BUILD must name an absolute path (make test sets it)");
	return b;
}

bool ht_make(struct ht *t, const struct ht_vm *vms, int n, const struct host_options *ho, char *err,
	     size_t errlen)
{
	return ht_make_tweaked(t, vms, n, ho, NULL, NULL, err, errlen);
}

bool ht_make_tweaked(struct ht *t, const struct ht_vm *vms, int n, const struct host_options *ho,
		     ht_tweak_fn tweak, void *ctx, char *err, size_t errlen)
{
	struct host_options def = { 0 };
	char path[512], why[512];
	int culprit;

	memset(t, 0, sizeof *t);
	t->n = n;
	for (int i = 0; i < n; i++) {
		const struct ht_vm *v = &vms[i];
		struct host_vm_options *o = &t->o[i];

		if (v->fixture) {
			vt_assemble(v->fixture, &t->img[i]);
		} else {
			snprintf(path, sizeof path, "%s/%s", ht_build(), v->kernel);
			cr_assert(image_read(path, &t->img[i], why, sizeof why), "%s", why);
		}
		cr_assert(image_vm_form(&t->img[i], &t->vimg[i], &t->segs[i], why, sizeof why), "%s", why);
		memset(o, 0, sizeof *o);
		snprintf(o->name, sizeof o->name, "%s", v->name);
		vm_options_init(&o->vm);
		o->vm.mode = v->mode;
		o->vm.mem_size = v->mem;
		o->vm.capture = true;
		o->vm.step_limit = v->steps ? v->steps : 50000000;
		if (v->input) {
			o->vm.input = v->input;
			o->vm.input_len = strlen(v->input);
		}
		if (v->disk) {
			snprintf(t->disk[i], sizeof t->disk[i], "%s/%s", ht_build(), v->disk);
			o->vm.disk_path = t->disk[i];
		}
		o->image = &t->vimg[i];
		o->weight = v->weight ? v->weight : SCHED_DEFAULT_WEIGHT;
		o->cap = v->cap;
		o->base = v->base;
		if (tweak)
			tweak(o, i, ctx);
	}
	return host_create(&t->h, ho ? ho : &def, t->o, n, err, errlen, &culprit);
}

void ht_host(struct ht *t, const struct ht_vm *vms, int n, const struct host_options *ho)
{
	char err[600];
	cr_assert(ht_make(t, vms, n, ho, err, sizeof err), "host_create: %s", err);
}

void ht_free(struct ht *t)
{
	host_destroy(t->h);
	for (int i = 0; i < t->n; i++) {
		free(t->segs[i]);
		image_free(&t->img[i]);
	}
	t->h = NULL;
}

void ht_window(struct ht *t, uint64_t cycles, double *share)
{
	host_run_window(t->h, cycles, share);
}

const char *ht_console(const struct ht *t, int i)
{
	size_t len;
	const struct vm *vm = host_vm_c(t->h, i);
	return vm ? vm_console(vm, &len) : "";
}

char *ht_alone(const struct ht *t, int i, enum vmm_mode m)
{
	struct vm_options o = t->o[i].vm;
	struct vm *vm;
	char err[512];
	size_t len;
	const char *out;
	char *copy;

	o.mode = m;
	o.place = NULL;
	o.disk_base = NULL;
	cr_assert(vm_create(&vm, &o, err, sizeof err), "%s", err);
	cr_assert(vm_load_image(vm, &t->vimg[i], err, sizeof err), "%s", err);
	vm_run(vm, UINT64_MAX);
	out = vm_console(vm, &len);
	copy = malloc(len + 1);
	cr_assert(copy);
	memcpy(copy, out, len + 1);
	vm_destroy(vm);
	return copy;
}

void ht_expect_share(const char *who, double got, double want)
{
	cr_expect(got >= want * 0.95 && got <= want * 1.05, "%s: a share of %.2f%% of the processor, "
		  "promised %.2f%% (within 5%% of it)", who, 100 * got, 100 * want);
}
