/*
 * tests/host/hosttest.h: what the tests of trapeze host share.
 * Owns: a host made from a table of VMs (a fixture of tests/vmm/ or a guest
 *       OS kernel under BUILD, with a disk), every console captured; each
 *       VM's share of the processor over a window of host time; the same
 *       guest run alone, for its console.
 * Not:  any assertion about the host (host_*_test.c).
 */
#ifndef TRAPEZE_TEST_HOSTTEST_H
#define TRAPEZE_TEST_HOSTTEST_H

#include <stdbool.h>
#include <stdint.h>

#include "host.h"
#include "image.h"

/* One VM of a test host. */
struct ht_vm {
	const char *name;
	enum vmm_mode mode;
	const char *fixture;     /* tests/vmm/NAME.s, or NULL */
	const char *kernel;      /* or a kernel under BUILD ("guest/kernel.elf") */
	const char *disk;        /* a disk under BUILD ("guest/disk.img"), or NULL */
	uint32_t weight, cap, mem, base;
	uint64_t steps;          /* its step limit (0: 50 million) */
	const char *input;       /* console input, or NULL */
};

/* What a test host keeps alive. */
struct ht {
	struct host *h;
	struct image img[HOST_MAX_VMS];
	struct vm_image vimg[HOST_MAX_VMS];
	struct vm_segment *segs[HOST_MAX_VMS];
	char disk[HOST_MAX_VMS][512];
	struct host_vm_options o[HOST_MAX_VMS];
	int n;
};

/* BUILD, from the environment. */
const char *ht_build(void);
/* Fill t with n VMs; false with err when host_create refuses (t->h NULL). */
bool ht_make(struct ht *t, const struct ht_vm *vms, int n, const struct host_options *ho, char *err,
	     size_t errlen);
/* The same, tweak (when not NULL) changing each VM's options (i, its
 * number) before the host is made: a processor, a nonvirt set. */
typedef void (*ht_tweak_fn)(struct host_vm_options *o, int i, void *ctx);
bool ht_make_tweaked(struct ht *t, const struct ht_vm *vms, int n, const struct host_options *ho,
		     ht_tweak_fn tweak, void *ctx, char *err, size_t errlen);
/* The same, asserting that it worked. */
void ht_host(struct ht *t, const struct ht_vm *vms, int n, const struct host_options *ho);
void ht_free(struct ht *t);
/* Run the host for cycles more; each VM's share of that window (busy / the
 * window's host time) into share[]. */
void ht_window(struct ht *t, uint64_t cycles, double *share);
/* VM i's console on the host (NUL-terminated). */
const char *ht_console(const struct ht *t, int i);
/* VM i's guest run alone, in mode m, to its end: its console (malloc'd). */
char *ht_alone(const struct ht *t, int i, enum vmm_mode m);
/* Expect got within 5% (relative) of want. */
void ht_expect_share(const char *who, double got, double want);

#endif
