/*
 * tools/mon/mon_snap.c: the monitor's VM saved, restored and migrated.
 * Owns: save FILE (a snapshot of the VM where it stands, docs/SNAPSHOT.md),
 *       restore FILE (the VM put back exactly as saved: the monitor's log
 *       and console view start again there, breakpoints stay), migrate
 *       HOST:PORT (Clark et al.'s pre-copy to a trapeze migrate --listen
 *       target, each round told as it ends; once the target commits, the
 *       VM is the target's and this monitor has nothing left to run). On
 *       a host (mon --host), all three act on the selected VM while the
 *       others stay as they are (a migration's rounds run them all by the
 *       schedule); a migrated VM leaves the host, which runs on.
 * Not:  the format (vmm/snapshot.c); the rounds (vmm/precopy.c); a hosted
 *       VM's moves (vmm/host_move.c); the socket's side
 *       (tools/migrate/migsend.c).
 */
#include <stdio.h>
#include <stdlib.h>

#include "history.h"
#include "host.h"
#include "mon.h"
#include "tcp.h"
#include "snapshot.h"

bool mon_save(struct mon *m, const char *path, char *err, size_t errlen)
{
	if (m->host && !host_vm_movable(m->host, m->cur, err, errlen))
		return false;
	return vm_snapshot_save_file(m->vm, path, SNAP_HISTORY, err, errlen);
}

/* After a restore: the event log, the console view and the hits start
 * again where the VM now stands. */
static void restored(struct mon *m)
{
	mon_forget_hits(m);
	m->nevents = 0;
	vm_console(m->vm, &m->console_shown);
	m->x_next = vm_pc(m->vm);
}

/* On a host: the selected VM, the others as they are. */
static bool restore_hosted(struct mon *m, const char *path, char *err, size_t errlen)
{
	uint8_t *data = NULL;
	size_t len = 0;
	bool ok;

	if (!snap_read_file(path, &data, &len, err, errlen))
		return false;
	ok = host_vm_restore(m->host, m->cur, data, len, err, errlen);
	free(data);
	if (ok)
		restored(m);
	return ok;
}

bool mon_restore(struct mon *m, const char *path, char *err, size_t errlen)
{
	uint8_t *data = NULL;
	size_t len = 0;
	bool ok;

	if (m->host)
		return restore_hosted(m, path, err, errlen);
	if (!snap_read_file(path, &data, &len, err, errlen))
		return false;
	{
		/* What changes nothing first: the header, the checksum, the
		 * machine; refused there, the VM is as it was. */
		struct snap_machine sm;
		if (!snap_peek_machine(data, len, &sm, err, errlen) ||
		    !snap_machine_fits(&sm, m->vm, err, errlen)) {
			free(data);
			return false;
		}
	}
	/* The past kept for going backwards is another run's now: it is
	 * given up, and kept again from the restored point on. */
	if (vm_history_on(m->vm))
		vm_history_stop(m->vm);
	ok = vm_snapshot_restore(m->vm, data, len, err, errlen);
	free(data);
	if (!ok) {
		/* The checks that change nothing come first; a snapshot that
		 * passed them and was still wrong left the VM half loaded. */
		char why[512];
		snprintf(why, sizeof why, "%s", err);
		if (!mon_restart(m, err, errlen))
			return false;
		snprintf(err, errlen, "%s (the VM was started again from its image)", why);
		return false;
	}
	if (m->hist_bytes && !mon_history(m, m->hist_bytes, err, errlen))
		return false;
	restored(m);
	return true;
}

struct hosted_move {
	struct mon *m;
	const char *peer;
	const struct precopy_opts *po;
	mig_round_fn progress;
	void *ctx;
	struct precopy_result *res;
};

static bool go_hosted(void *ctx, struct mig_link *link, char *err, size_t errlen)
{
	struct hosted_move *x = ctx;

	return host_vm_migrate(x->m->host, x->m->cur, x->peer, x->po, link, x->progress, x->ctx,
			       x->res, err, errlen);
}

/* On a host: the selected VM leaves; the monitor selects the next VM that
 * is still here. */
static bool migrate_hosted(struct mon *m, const char *peer, const struct precopy_opts *po,
			   mig_round_fn progress, void *ctx, struct precopy_result *res, char *err,
			   size_t errlen)
{
	struct hosted_move x = { m, peer, po, progress, ctx, res };
	char why[200];
	int n = host_nvms(m->host);

	/* Asked again by host_vm_migrate; asked here first so that a VM that
	 * cannot leave never opens a stream the target would find cut short. */
	if (!host_vm_movable(m->host, m->cur, err, errlen))
		return false;
	if (!mig_send_over(peer, TCP_DEFAULT_TIMEOUT_MS, go_hosted, &x, err, errlen))
		return false;
	for (int k = 1; k < n; k++) {
		int i = (m->cur + k) % n;
		struct host_vm_info vi;
		host_vm_info(m->host, i, &vi);
		if (!vi.migrated && mon_select_vm(m, i, why, sizeof why))
			break;
	}
	return true;
}

bool mon_migrate(struct mon *m, const char *peer, const struct precopy_opts *po,
		 mig_round_fn progress, void *ctx, struct precopy_result *res, char *err,
		 size_t errlen)
{
	enum mon_why why;

	if (m->host)
		return migrate_hosted(m, peer, po, progress, ctx, res, err, errlen);
	if (mon_stopped(m, &why) && why != MON_IDLE) {
		snprintf(err, errlen, "the guest has stopped: nothing runs to migrate");
		return false;
	}
	return mig_send_vm(m->vm, peer, po, TCP_DEFAULT_TIMEOUT_MS, progress, ctx, res, err, errlen);
}
