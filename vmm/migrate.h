/*
 * vmm/migrate.h: moving a running VM: the dirty log, live migration's
 *       pre-copy rounds, and failover's checkpoints.
 * Owns: which pages changed since they were last sent (dirtylog.c);
 *       Clark et al.'s pre-copy: round after round of pages sent while the
 *       guest runs on, then a short stop-and-copy (precopy.c); Remus's
 *       epochs: a checkpoint of what changed, with the console output it
 *       produced, sent to a backup every so many instructions
 *       (checkpoint.c); the simulated link they share: its bandwidth turns
 *       bytes into simulated time, during which the guest runs.
 * Not:  the stream's format (snapshot.h); sockets and commands
 *       (tools/migrate/); what a backup does with a checkpoint (the tool).
 * Implements: Clark et al., "Live Migration of Virtual Machines", NSDI 2005
 *       (iterative pre-copy, stop-and-copy, the writable working set);
 *       Cully et al., "Remus: High Availability via Asynchronous Virtual
 *       Machine Replication", NSDI 2008 (epochs, output commit).
 *
 * Time is simulated, so that every figure is the same on every machine:
 * a simulated second is MIG_CLOCK_HZ cycles (a 1 GHz machine, as a host's
 * scheduler slice is a millisecond of one), and the link moves its
 * bandwidth's bytes in one. A round that sends B bytes takes B / bandwidth
 * seconds; the guest runs that many cycles meanwhile. The real transfer
 * (over loopback, in the tools) is as fast as it goes and is reported
 * apart, as host time.
 *
 * The dirty log compares each page with the copy last sent. A real
 * monitor write-protects the pages instead (shadow or nested page tables'
 * dirty bits, Intel's PML) and pays a fault per first write; here every
 * mode, bare included, is logged the same way at a cost of one pass over
 * memory per round, and a normal run pays nothing at all: the log exists
 * only while a migration or a replication is under way. A page written
 * back with the bytes it held is not dirty here (a write-protecting
 * monitor would send it again): the sets measured are lower bounds.
 */
#ifndef TRAPEZE_VMM_MIGRATE_H
#define TRAPEZE_VMM_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>

#include "snapshot.h"
#include "vmm.h"

#define MIG_CLOCK_HZ 1000000000ull            /* cycles in a simulated second */
#define MIG_DEFAULT_BANDWIDTH (1000ull * 1000000 / 8) /* 1 Gbit/s (Clark's gigabit link), in bytes per second */
enum {
	MIG_DEFAULT_MAX_ROUNDS = 30,  /* Xen's limit on pre-copy rounds */
	MIG_DEFAULT_STOP_PAGES = 16,  /* stop-and-copy once a round leaves this few dirty */
	MIG_DEFAULT_MAX_FACTOR = 3,   /* or once three times memory was sent (Xen) */
	MIG_MAX_ROUNDS = 1000,
};

/* ---- the dirty log (dirtylog.c) -------------------------------------------- */

struct dirtylog {
	uint32_t npages;
	uint32_t *pages;     /* the VM's pages (vm_snapshot_page_set) */
	uint8_t *copy;       /* each page as last sent: npages * SNAP_PAGE bytes */
	uint8_t *sent;       /* per page: sent at least once */
	uint32_t *dirty;     /* the last collect's list, real page numbers */
};
/* Start logging vm: no page sent yet. False when host memory ran out. */
bool dirtylog_start(struct dirtylog *d, const struct vm *vm);
/* The pages not sent yet or changed since they were sent, in d->dirty;
 * how many. (A query: nothing counts as sent until dirtylog_sent.) */
uint32_t dirtylog_collect(struct dirtylog *d, const struct vm *vm);
/* Pages (real page numbers) just sent as they are now. */
void dirtylog_sent(struct dirtylog *d, const struct vm *vm, const uint32_t *pages, uint32_t n);
void dirtylog_stop(struct dirtylog *d);

/* ---- the link -------------------------------------------------------------- */

/* Where a stream goes: the tools' socket, or a VM in the same process. */
struct mig_link {
	void *ctx;
	/* Send n bytes of the stream: false when the link failed. */
	bool (*send)(void *ctx, const uint8_t *p, size_t n);
	/* After the END section: the receiver holds a consistent image (and,
	 * for a migration, the source commits and the target resumes). False
	 * when it refused the stream or went away. */
	bool (*commit)(void *ctx);
	/* Between rounds: has the receiver said it refuses? (may be NULL) */
	bool (*refused)(void *ctx);
};

/* A link whose far end is in this process (miglocal.c): the stream
 * collected, and at each commit loaded into target (made by the first
 * stream as env says, loaded into by the next), the output it released
 * kept in output. For benchmarks, tests and labs. */
struct mig_local {
	struct snap_env env;
	struct snap_buf stream;
	struct vm *target;
	struct snap_buf output;
	uint64_t bytes;             /* sent over it in all */
	char err[512];              /* why the last commit failed */
	struct mig_link link;
};
void mig_local_init(struct mig_local *m, const struct snap_env *env);
void mig_local_free(struct mig_local *m);

/* The simulated time, in cycles, bytes take on a link of bandwidth. */
uint64_t mig_link_cycles(uint64_t bytes, uint64_t bandwidth);
/* Run vm for about cycles of its clock (to the end of the round that
 * passes them, or until it stops): what a guest does while its pages are
 * on the link. Returns how it stopped (STOP_LIMIT: it runs on). */
enum cpu_stop mig_run_for(struct vm *vm, uint64_t cycles);

/* ---- live migration (precopy.c) ----------------------------------------- */

struct precopy_opts {
	uint64_t bandwidth;          /* bytes per simulated second; 0: the default */
	uint32_t max_rounds;         /* pre-copy rounds at most; 0: the default */
	uint32_t stop_pages;         /* stop once a round dirtied at most these */
	uint32_t max_factor;         /* stop once this many times memory was sent; 0: default */
	bool stop_pages_given;       /* stop_pages as given, even 0 */
};

struct precopy_round {
	uint32_t pages;              /* sent in it */
	uint64_t bytes;              /* stream bytes sent in it, headers and all */
	uint64_t cycles;             /* its time on the link */
	uint64_t insns;              /* guest instructions retired meanwhile (0 in the stop) */
	uint32_t dirtied;            /* pages dirtied meanwhile: the next round's */
};

enum precopy_end {
	PRECOPY_CONVERGED,           /* a round left at most stop_pages dirty */
	PRECOPY_ROUND_LIMIT,         /* max_rounds rounds */
	PRECOPY_SENT_LIMIT,          /* max_factor times memory sent */
	PRECOPY_GUEST_STOPPED,       /* the guest halted (or idled, or faulted) meanwhile */
	PRECOPY_NO_ROUNDS,           /* none: stop-and-copy alone */
};

struct precopy_result {
	uint32_t rounds;             /* pre-copy rounds */
	struct precopy_round round[MIG_MAX_ROUNDS + 1]; /* and the stop-and-copy after them */
	enum precopy_end end;
	uint32_t memory_pages;       /* the VM's pages */
	uint64_t pages, bytes;       /* sent in all */
	uint64_t total_cycles;       /* from the first byte to the target's commit */
	uint64_t downtime_cycles;    /* the stop-and-copy: the guest runs nowhere */
	uint64_t downtime_insns;     /* the instructions it would have run meanwhile */
	uint64_t retired_start, retired_stop; /* where the migration began and where it stopped */
	bool committed;              /* the target took it: the source's VM is no longer its own */
};

/* Time passing while a round is on the link: cycles of the clock that
 * owns the link (the VM's own when it is alone, its host's when hosted).
 * How vm ended, as mig_run_for (STOP_LIMIT: it runs on). */
typedef enum cpu_stop (*mig_run_fn)(void *ctx, struct vm *vm, uint64_t cycles);

struct precopy {
	struct vm *vm;
	struct precopy_opts opt;
	struct mig_link *link;
	struct snap_writer w;
	struct dirtylog log;
	struct precopy_result *res;
	bool guest_stopped;          /* it halted, idles for ever, faulted or hit its limit */
	/* Told of each round once it is done (may be NULL). */
	void (*progress)(void *ctx, const struct precopy_result *r, bool stop_copy);
	void *progress_ctx;
	/* What runs while a round is on the link (NULL: mig_run_for, the VM
	 * alone; a host runs all its VMs by the schedule: host_move.c). */
	mig_run_fn run;
	void *run_ctx;
};

const char *precopy_end_name(enum precopy_end e);
/* Migrate vm over link (Clark et al.): true once the target committed (the
 * caller's VM is then a stale copy: stop it). False when the link failed
 * or the target refused: the VM is as if nothing had happened, only later
 * (it ran on during the rounds), and runs on. *res is filled either way. */
bool precopy_migrate(struct vm *vm, const struct precopy_opts *o, struct mig_link *link,
		     void (*progress)(void *, const struct precopy_result *, bool), void *ctx,
		     struct precopy_result *res);
/* The same, with run (and run_ctx) passing each round's time: the VM of a
 * host goes on sharing its processor during the rounds. */
bool precopy_migrate_on(struct vm *vm, const struct precopy_opts *o, struct mig_link *link,
			mig_run_fn run, void *run_ctx,
			void (*progress)(void *, const struct precopy_result *, bool), void *ctx,
			struct precopy_result *res);

/* ---- failover's checkpoints (checkpoint.c) ------------------------------- */

struct checkpoint_stats {
	uint64_t checkpoints;
	uint64_t pages, bytes;       /* sent in all */
	uint64_t sync_cycles;        /* the first checkpoint: all of memory, once */
	uint64_t pause_cycles;       /* the others: the guest paused while each was on the link */
	uint64_t guest_cycles;       /* the guest's own clock over the same run */
	uint32_t max_pages;          /* the largest checkpoint after the first */
};

struct checkpointer {
	struct vm *vm;
	uint64_t bandwidth;
	struct dirtylog log;
	struct snap_writer w;
	struct checkpoint_stats st;
	uint64_t cycles0;
};
/* Start replicating vm (bandwidth 0: the default). */
bool checkpoint_start(struct checkpointer *c, struct vm *vm, uint64_t bandwidth);
/* One checkpoint (Remus's epoch ends): the pages changed since the last
 * (all of them the first time), the state, the console output held since
 * the last (out, len: released by the backup once it holds the
 * checkpoint), sent over link and committed. False when the link failed:
 * the backup is gone. */
bool checkpoint_send(struct checkpointer *c, const uint8_t *out, size_t len, struct mig_link *link);
void checkpoint_stop(struct checkpointer *c);
/* The overhead so far: the pauses after the first checkpoint against the
 * guest's own time, in percent (the first, the initial copy of memory, is
 * paid once: sync_cycles). */
double checkpoint_overhead(const struct checkpoint_stats *s);

#endif
