/*
 * tests/snap/snaptest.c: what the snapshot, migration and failover tests
 * share (see snaptest.h).
 */
#include "snaptest.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "../vmm/vmtest.h"

#define C(n, m, k, d) .name = n, .mode = m, .kernel = k, .disk = d
const struct st_config st_configs[] = {
	{ C("bare", MODE_BARE, "kernel.elf", "disk.img") },
	{ C("emulate", MODE_EMULATE, "kernel.elf", "disk.img") },
	{ C("trap", MODE_TRAP, "kernel.elf", "disk.img") },
	{ C("hybrid", MODE_HYBRID, "kernel.elf", "disk.img"), .nonvirt = "pdp10" },
	{ C("patch", MODE_PATCH, "kernel.elf", "disk.img"), .nonvirt = "" },
	{ C("bt", MODE_BT, "kernel.elf", "disk.img"), .nonvirt = "" },
	{ C("hw", MODE_HW, "kernel.elf", "disk.img"), .nonvirt = "" },
	{ C("pv", MODE_PV, "kernel-pv.elf", "disk.img") },
	{ C("bt-1k", MODE_BT, "kernel.elf", "disk.img"), .tc_size = 1024 },
	{ C("paged-trap", MODE_TRAP, "kernel-paged.elf", "paged.img") },
	{ C("paged-bt", MODE_BT, "kernel-paged.elf", "paged.img"), .nonvirt = "" },
	{ C("paged-hybrid", MODE_HYBRID, "kernel-paged.elf", "paged.img") },
	{ C("paged-hw-early", MODE_HW, "kernel-paged.elf", "paged.img"), .nonvirt = "",
	  .cpu = VMM_CPU_EARLY },
	{ C("paged-hw-modern", MODE_HW, "kernel-paged.elf", "paged.img"), .cpu = VMM_CPU_MODERN },
	{ C("paged-pv", MODE_PV, "kernel-pv-paged.elf", "paged.img") },
	{ C("paged-bare", MODE_BARE, "kernel-paged.elf", "paged.img") },
	{ C("forkwait-trap", MODE_TRAP, "kernel-paged.elf", "bench/forkwait.img") },
	{ C("spaces-trap", MODE_TRAP, "spaces", NULL), .fixture = true },
	{ C("spaces-hw-early", MODE_HW, "spaces", NULL), .fixture = true, .cpu = VMM_CPU_EARLY },
	{ C("echo-trap", MODE_TRAP, "kernel.elf", "echo.img"),
	  .input = "hello, snapshot\nand a second line, read while the VM is saved and restored\n" },
};
#undef C
const int st_nconfigs = sizeof st_configs / sizeof st_configs[0];

const struct st_config *st_config(const char *name)
{
	for (int i = 0; i < st_nconfigs; i++)
		if (!strcmp(st_configs[i].name, name))
			return &st_configs[i];
	cr_assert_fail("no configuration %s", name);
	return NULL;
}

const char *st_path(const char *file)
{
	static char path[4][1024];
	static int k;
	const char *build = getenv("BUILD");

	k = (k + 1) % 4;
	snprintf(path[k], sizeof path[k], "%s/guest/%s", build && *build ? build : "build", file);
	return path[k];
}

struct vm *st_vm(const struct st_config *c)
{
	struct vm_options o;
	struct image img;
	struct vm *vm;
	char err[512];
	const char *bad;

	vm_options_init(&o);
	o.mode = c->mode;
	o.cpu = c->cpu;
	o.tc_size = c->tc_size;
	o.disk_path = c->disk ? st_path(c->disk) : NULL;
	o.capture = true;
	o.step_limit = c->limit ? c->limit : 20000000;
	if (c->nonvirt)
		o.nonvirt = (unsigned)cpu_parse_nonvirt(c->nonvirt, &bad);
	if (c->input) {
		o.input = c->input;
		o.input_len = strlen(c->input);
	}
	if (c->fixture)
		vt_assemble(c->kernel, &img);
	else
		cr_assert(image_read(st_path(c->kernel), &img, err, sizeof err), "%s", err);
	cr_assert(vm_create(&vm, &o, err, sizeof err), "%s: %s", c->name, err);
	cr_assert(image_load(vm, &img, err, sizeof err), "%s: %s", c->name, err);
	image_free(&img);
	return vm;
}

struct vm *st_restore(const uint8_t *p, size_t n)
{
	struct snap_env env = { .capture = true };
	struct vm *vm;
	char err[512];

	cr_assert(vm_snapshot_restore_new(&vm, p, n, &env, err, sizeof err), "restore: %s", err);
	return vm;
}

void st_save(const struct vm *vm, struct snap_buf *b)
{
	b->len = 0;
	cr_assert(vm_snapshot_save(vm, b, SNAP_HISTORY), "out of host memory");
}

void st_expect_same(const struct vm *a, const struct vm *b, const char *ctx)
{
	struct vm_stats x, y;
	char what[256] = "";
	size_t la, lb;
	const char *ca = vm_console(a, &la), *cb = vm_console(b, &lb);

	vm_get_stats(a, &x);
	vm_get_stats(b, &y);
	x.host_ns = y.host_ns = 0;
	cr_expect_eq(vm_retired(a), vm_retired(b), "%s: %llu against %llu instructions", ctx,
		     (unsigned long long)vm_retired(a), (unsigned long long)vm_retired(b));
	cr_expect(la == lb && !memcmp(ca, cb, la), "%s: the consoles differ (%zu and %zu bytes)", ctx,
		  la, lb);
	cr_expect(!memcmp(&x, &y, sizeof x), "%s: the statistics differ (cycles %llu and %llu, exits "
		  "%llu and %llu)", ctx, (unsigned long long)x.cycles, (unsigned long long)y.cycles,
		  (unsigned long long)x.exits, (unsigned long long)y.exits);
	cr_expect(vm_snapshot_same(a, b, what, sizeof what), "%s: the states differ in %s", ctx, what);
}

enum cpu_stop st_finish(struct vm *vm)
{
	enum cpu_stop s;

	do
		s = vm_run(vm, UINT64_MAX);
	while (s == STOP_LIMIT && !vm_at_step_limit(vm));
	return s;
}

long st_section_at(const struct snap_buf *b, uint32_t tag)
{
	size_t at = SNAP_HEADER_BYTES;

	while (at + SNAP_SECTION_HEAD <= b->len) {
		uint32_t t, n;
		memcpy(&t, b->p + at, 4);
		memcpy(&n, b->p + at + 4, 4);
		if (t == tag)
			return (long)(at + SNAP_SECTION_HEAD);
		at += SNAP_SECTION_HEAD + n;
	}
	return -1;
}

void st_fix_crc(struct snap_buf *b)
{
	uint32_t crc = snap_crc32(b->p, b->len - 4);
	memcpy(b->p + b->len - 4, &crc, 4);
}

bool st_bad_send(void *ctx, const uint8_t *p, size_t n)
{
	struct st_bad_link *b = ctx;
	(void)p;
	if (n > b->left)
		return false;
	b->left -= n;
	return true;
}

bool st_bad_commit(void *ctx)
{
	return !((struct st_bad_link *)ctx)->refuse;
}
