/*
 * labs/lab7/tests/labhost.c: lab 7's hosts (see labhost.h).
 */
#include "labhost.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lab_host_make(struct lab_host *t, const struct lab_vm *v, int n)
{
	static const char *const inc[] = { "guest-os/include", NULL };
	struct host_vm_options o[8];
	struct host_options ho = { .slice = 100000, .period = 3 };
	char err[600], path[600];
	int culprit;

	memset(t, 0, sizeof *t);
	t->n = n;
	for (int i = 0; i < n; i++) {
		if (v[i].prog) {
			snprintf(path, sizeof path, "tests/vmm/%s.s", v[i].prog);
			lab_assemble_file(path, inc, &t->img[i]);
		} else {
			snprintf(path, sizeof path, "%s/%s", lab_build(), v[i].kernel);
			cr_assert(image_read(path, &t->img[i], err, sizeof err), "%s", err);
		}
		cr_assert(image_vm_form(&t->img[i], &t->vimg[i], &t->segs[i], err, sizeof err), "%s", err);
		memset(&o[i], 0, sizeof o[i]);
		snprintf(o[i].name, sizeof o[i].name, "%s", v[i].name);
		vm_options_init(&o[i].vm);
		o[i].vm.mode = v[i].mode;
		o[i].vm.capture = true;
		o[i].vm.step_limit = v[i].steps ? v[i].steps : 1ull << 40;
		if (v[i].disk) {
			snprintf(t->disk[i], sizeof t->disk[i], "%s/%s", lab_build(), v[i].disk);
			o[i].vm.disk_path = t->disk[i];
		}
		o[i].image = &t->vimg[i];
		o[i].weight = v[i].weight ? v[i].weight : SCHED_DEFAULT_WEIGHT;
		o[i].cap = v[i].cap;
	}
	cr_assert(host_create(&t->h, &ho, o, n, err, sizeof err, &culprit), "%s", err);
}

void lab_host_free(struct lab_host *t)
{
	host_destroy(t->h);
	for (int i = 0; i < t->n; i++) {
		free(t->segs[i]);
		image_free(&t->img[i]);
	}
}

void lab_host_window(struct lab_host *t, uint64_t cycles, double *share)
{
	host_run_window(t->h, cycles, share);
}

void lab_expect_share(const char *who, double got, double want)
{
	cr_expect(got >= want * 0.95 && got <= want * 1.05, "%s got %.1f%% of the processor; its weight "
		  "(and cap) promise %.1f%%, within 5%% of it", who, 100 * got, 100 * want);
}

const char *lab_host_console(struct lab_host *t, int i)
{
	size_t len;
	const struct vm *vm = host_vm_c(t->h, i);
	return vm ? vm_console(vm, &len) : "";
}
