/*
 * vmm/host_internal.h: what the files of the host share (host.c runs the
 *       VMs; host_move.c moves one of them in and out).
 * Owns: the host's and each hosted VM's bookkeeping, and the few helpers
 *       of host.c that the moves need.
 * Not:  anything a tool may use (host.h is the interface).
 */
#ifndef TRAPEZE_HOST_INTERNAL_H
#define TRAPEZE_HOST_INTERNAL_H

#include "host.h"
#include "vswitch.h"

struct hvm {
	struct host_vm_options o;
	struct vm *vm;
	struct vm_placement place;
	const struct disk_base *disk;
	enum host_vm_state state;
	enum cpu_stop stop;
	uint64_t start, end, wake, busy, slices;
	uint32_t size;             /* its region's bytes as asked for */
	uint32_t pool_pages;
	uint32_t region_now;       /* its region as last sampled */
	bool net_wait;             /* blocked until the switch brings its card a frame */
	uint64_t wait_from;        /* since when (host time) */
	int asked;                 /* waiting: the VM whose balloon was asked, or -1 */
	bool gone;                 /* migrated away: it runs elsewhere (host_move.c) */
	char gone_to[64];          /* where */
};

struct host {
	struct host_options opt;
	struct mem mem;
	uint32_t vmm_area, pools_end;
	int n;
	struct hvm v[HOST_MAX_VMS];
	struct disk_base disks[HOST_MAX_VMS];
	const char *disk_paths[HOST_MAX_VMS];
	int ndisks;
	struct sched s;
	struct sched_vm sv[HOST_MAX_VMS];
	uint64_t now, busy, idle, overhead, switches, next_account;
	int current;
	struct host_mem_sample samples[HOST_MAX_SAMPLES];
	int nsamples;
	bool (*stop_asked)(void); /* looked at between slices: a wall clock */
	struct vswitch sw;        /* between the VMs' network cards (vswitch.c) */
};

/* x rounded up to a whole page. */
uint32_t host_page_up(uint32_t x);
/* The end of what live VM k holds (its region, and what its balloon gave
 * that the host promised back). */
uint32_t host_claim_end(const struct host *h, int k);
/* Does the VM hold memory (started, not stopped)? */
bool host_holds_memory(const struct hvm *v);
/* Record VM k's region now being bytes long (0: stopped). */
void host_sample(struct host *h, int k, uint32_t bytes);
/* VM i is done (why); its memory is free for the others. */
void host_stop_vm(struct host *h, int i, enum cpu_stop why);

#endif
