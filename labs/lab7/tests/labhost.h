/*
 * labs/lab7/tests/labhost.h: lab 7's hosts: VMs from a table, shares over
 *       a window of host time.
 */
#ifndef TRAPEZE_LAB7_LABHOST_H
#define TRAPEZE_LAB7_LABHOST_H

#include "host.h"
#include "labtest.h"

struct lab_vm {
	const char *name;
	enum vmm_mode mode;
	const char *prog;        /* tests/vmm/NAME.s (host_worker: always busy), or NULL */
	const char *kernel;      /* or a guest OS kernel under BUILD */
	const char *disk;        /* a disk under BUILD, or NULL */
	uint32_t weight, cap;
	uint64_t steps;          /* 0: for ever (2^40) */
};

struct lab_host {
	struct host *h;
	struct image img[8];
	struct vm_image vimg[8];
	struct vm_segment *segs[8];
	char disk[8][512];
	int n;
};

void lab_host_make(struct lab_host *t, const struct lab_vm *v, int n);
void lab_host_free(struct lab_host *t);
/* Run cycles of host time; each VM's share of it. */
void lab_host_window(struct lab_host *t, uint64_t cycles, double *share);
/* Expect a share within 5% of what was promised. */
void lab_expect_share(const char *who, double got, double want);
/* VM i's console on the host. */
const char *lab_host_console(struct lab_host *t, int i);

#endif
