/*
 * vmm/host.h: one machine running several VMs: a Type 1 hypervisor's view.
 * Owns: struct host (opaque): the one real memory and its layout (the
 *       monitor's area, every VM's page-table pool, the VMs' regions), the
 *       VMs placed in it, the disk images they share, the host's clock, the
 *       schedule (vmm/vmsched.h) and what it accounts: each VM's busy time,
 *       exits, memory over time; memory overcommit with pv balloons.
 *       One VM saved, restored or migrated while the others run
 *       (host_move.c).
 * Not:  running a VM (vmm.h; vm_run_slice runs each one's slices); the
 *       choice of the next VM (sched.c); files, configs and reports
 *       (tools/host/).
 * Implements: the lecture's consolidation: one host carries the work of
 *       many lightly used machines, each guest isolated from the others
 *       (P&G's resource control, between VMs now: each VM's region and
 *       tables are placed so that no VM can reach another's or the
 *       monitor's), each guest's view equivalent to running alone (its
 *       clock is its own: its timer counts its own instructions, so its
 *       output is byte for byte its solo run's; only the time it waits for
 *       the processor differs: P&G's temporal latency). VMware ESX and Xen
 *       do this on real machines (Waldspurger, OSDI 2002; Barham et al.,
 *       SOSP 2003). Trapeze itself is a Type 2 hypervisor, a process on
 *       Linux; `trapeze host` plays the Type 1 on the simulated machine.
 *
 * The host's memory:
 *
 *   0                     VM_VMM_AREA                       regions
 *   | the monitor's area | every VM's page-table pool | VM a | VM b | ... free |
 *
 * The host's clock counts cycles. A VM's slice advances it by the cycles
 * the VM was busy (its clock's advance less its idle time). A guest that
 * waits in wfi has its idle time skipped at once on its own clock (as when
 * it runs alone): on the host it waits, blocked, until the host's clock has
 * passed the same time, while the others run; with none to run the host
 * idles to the first wake-up. Switching from one VM to another costs
 * HOST_SWITCH_COST cycles of the host's (the world switch), charged to no
 * VM.
 */
#ifndef TRAPEZE_HOST_H
#define TRAPEZE_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmsched.h"
#include "vmm.h"

enum {
	HOST_MAX_VMS = 32,
	HOST_NAME_MAX = 32,
	HOST_DEFAULT_PERIOD = 3,      /* slices per accounting period (Xen: 30 ms of 10 ms ticks) */
	/* Cycles of a world switch between VMs: one VM's processor state saved
	 * and the next one's loaded, about a VM exit and an entry of the toy
	 * processor's (vmm/cost.h); its TLB is tagged, never flushed. */
	HOST_SWITCH_COST = 200,
	HOST_MAX_SAMPLES = 4096,      /* memory samples kept at most */
	HOST_NICS = 4,                /* the host's network cards a VM may be given (passthrough) */
};
#define HOST_DEFAULT_SLICE 1000000ull  /* cycles: a millisecond of a 1 GHz machine */
#define HOST_MAX_MEM (1u << 30)

/* One VM of a host, as asked for. */
struct host_vm_options {
	char name[HOST_NAME_MAX];   /* named in messages and reports; unique */
	struct vm_options vm;       /* mode, mem_size, console, input, limits; disk_path
				     * is shared with the other VMs that name the same file */
	const struct vm_image *image;
	uint32_t weight;            /* 1 .. SCHED_MAX_WEIGHT */
	uint32_t cap;               /* percent, 0 = none, at most 100 */
	uint32_t base;              /* where its region goes in host memory; 0: first fit */
	/* Its network card (vm.net.card) is plugged into the host's switch
	 * (vmm/vswitch.h), the address vm.net.mac its port's. With
	 * VM_PASS_NET in vm.passthrough (hw only), it is the host's physical
	 * card number nic (0 .. HOST_NICS - 1), passed through: one VM each. */
	uint32_t nic;
};

struct host_options {
	uint32_t mem_size;          /* host memory; 0: exactly what the VMs need */
	uint64_t slice;             /* scheduler slice, cycles; 0: HOST_DEFAULT_SLICE */
	uint32_t period;            /* slices per accounting period; 0: HOST_DEFAULT_PERIOD */
	bool overcommit;            /* VMs that do not fit wait: pv balloons are asked for memory */
};

struct host;

/* A host of n VMs, each placed and created, its image loaded (or, with
 * overcommit, waiting for memory). False, nothing started, with a one-line
 * message in err, when an option is bad, a set of VMs does not fit, a
 * region overlaps another or what the host keeps, a disk or an image
 * cannot be used; *culprit (may be NULL) is then the VM's number, or -1
 * when the host's options are at fault. */
bool host_create(struct host **out, const struct host_options *o, const struct host_vm_options *vms,
		 int n, char *err, size_t errlen, int *culprit);
void host_destroy(struct host *h);

/* Run the VMs for at most cycles more host cycles (UINT64_MAX: until every
 * one has stopped). True while some VM has not stopped. */
bool host_run(struct host *h, uint64_t cycles);

/* host_run also returns, between two slices, once stop_asked() is true
 * (the tool's wall clock, --timeout: never the guests' time). */
void host_set_stop(struct host *h, bool (*stop_asked)(void));

/* Run for cycles as host_run does; share[i] (one per VM) is then VM i's
 * busy time over the host time that passed: the shares a window shows. */
void host_run_window(struct host *h, uint64_t cycles, double *share);

/* What a VM is doing. */
enum host_vm_state {
	HOST_WAITING,   /* not started: waiting for memory (overcommit) */
	HOST_RUNNABLE,  /* wants the processor */
	HOST_RUNNING,   /* has it (the one picked last) */
	HOST_BLOCKED,   /* its guest waits in wfi until host time `wake` (UINT64_MAX:
	                 * until the switch brings its card a frame) */
	HOST_PARKED,    /* used its cap this period */
	HOST_STOPPED,   /* halted, idle for ever, triple-faulted or at its step limit */
};
const char *host_vm_state_name(enum host_vm_state s);
struct host_vm_info;
/* Its state's name, or "migrated" for a VM that left. */
const char *host_vm_state_text(const struct host_vm_info *vi);

struct host_vm_info {
	const char *name;
	enum host_vm_state state;
	enum cpu_stop stop;         /* when stopped: why */
	uint32_t weight, cap;
	uint32_t mem_size;          /* its memory as asked for */
	uint32_t region_base, region_size, pool_base, pool_pages; /* region_size: now (0: none) */
	uint64_t start, end;        /* host time it started and stopped (end: 0 while running) */
	uint64_t busy;              /* host cycles it ran */
	uint64_t wake;              /* when blocked: the host time it wakes */
	double share;               /* busy / the host time it was live */
	double promised;            /* what the scheduler promises its weight and cap now */
	uint64_t slices;            /* times it was given the processor */
	bool migrated;              /* stopped because it migrated away (host_move.c) */
	const char *moved_to;       /* then: where ("127.0.0.1:7000") */
};

int host_nvms(const struct host *h);
/* VM i, or NULL while it waits for memory. */
struct vm *host_vm(struct host *h, int i);
const struct vm *host_vm_c(const struct host *h, int i);
void host_vm_info(const struct host *h, int i, struct host_vm_info *info);
/* The VM run last (the TUI shows it), or -1. */
int host_current(const struct host *h);

struct host_info {
	uint64_t now;               /* the host's clock */
	uint64_t busy;              /* cycles a VM ran */
	uint64_t idle;              /* cycles no VM could run */
	uint64_t overhead;          /* world switches */
	uint64_t switches;
	uint32_t mem_size, vmm_area, pools_end;
	uint32_t free_bytes;        /* memory no VM holds now */
	bool vmm_intact;            /* the monitor's area as it was filled */
};
void host_info(const struct host *h, struct host_info *info);

/* Memory over time: a sample each time a VM's region changes (started,
 * ballooned, deflated, stopped). */
struct host_mem_sample {
	uint64_t at;                /* host time */
	int vm;
	uint32_t bytes;             /* its region then (0: stopped or not started) */
};
const struct host_mem_sample *host_mem_samples(const struct host *h, int *n);

/* The switch's counts for VM i's port (false: its VM has no card). */
struct vswitch_port_stats;
bool host_net_port(const struct host *h, int i, struct vswitch_port_stats *st);

/* ---- one VM in and out of the host (host_move.c) ----------------------- */

/* A VM of a host is the same VM as one alone, placed: a snapshot of it
 * records where its region and pool lie in the host's memory (its pools
 * and shadows hold those machine addresses). Restored alone (trapeze run
 * --restore, a trapeze migrate --listen target), it gets a machine of the
 * host's shape with only itself in it; restored into a host, it goes back
 * into the same place of a host made from the same config. */
struct mig_link;
struct precopy_opts;
struct precopy_result;

/* Can VM i be saved or migrated now? False with why: not started, gone
 * already, or a pv VM whose balloon lent pages that another VM now holds
 * (its snapshot would carry that VM's bytes). */
bool host_vm_movable(const struct host *h, int i, char *err, size_t errlen);

/* VM i put back exactly as the snapshot data holds it, the other VMs
 * untouched: the snapshot must be of this place of this host's shape (a
 * host from the same config; snap_machine_fits). A stopped or migrated VM
 * comes back to life, if no other VM holds its memory meanwhile. False
 * with a one-line message: the checks that change nothing come first (the
 * VM is then as it was); a snapshot that passes them and is still wrong
 * (hand-made) stops VM i. */
bool host_vm_restore(struct host *h, int i, const void *data, size_t len, char *err,
		     size_t errlen);

/* Live-migrate VM i over link (Clark et al.'s pre-copy, vmm/precopy.c)
 * while the host runs all its VMs by the schedule: each round's time on
 * the link is host time, of which the VM gets its share. Once the target
 * commits, VM i is stopped here as migrated to `to' (its memory free for
 * the others) and true is returned; otherwise it runs on, unharmed. */
bool host_vm_migrate(struct host *h, int i, const char *to, const struct precopy_opts *o,
		     struct mig_link *link,
		     void (*progress)(void *, const struct precopy_result *, bool), void *ctx,
		     struct precopy_result *res, char *err, size_t errlen);

#endif
