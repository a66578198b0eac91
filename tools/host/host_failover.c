/*
 * tools/host/host_failover.c: "trapeze host --failover NAME --to HOST:PORT
 *       --epoch N": one VM of a host kept on a backup (Remus, Cully et
 *       al., NSDI 2008) while the host runs all its VMs.
 * Owns: the host's side of the replication: a checkpoint of the VM to a
 *       trapeze failover --listen backup after each epoch of its own
 *       instructions (checked between windows of the host's schedule), its
 *       console output held until the backup holds the checkpoint that
 *       produced it; when the backup is gone, the output it never had out
 *       on the VM's own console, and the VM runs on unprotected.
 * Not:  the checkpoints (vmm/checkpoint.c); the backup (trapeze failover
 *       --listen, tools/migrate/failover.c: it makes the hosted VM a
 *       machine laid out like the host, as run --restore does).
 *
 * Output commit, as trapeze failover does it for a VM alone: the VM's
 * console is seen on the backup's standard output only, each epoch's
 * bytes once the backup holds the checkpoint after them; kill the host
 * (kill -9) at any moment and the backup resumes the VM from its last
 * checkpoint: nothing lost, nothing said twice. The other VMs are not
 * replicated: they die with their host.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exitcode.h"
#include "host_failover.h"
#include "migsend.h"
#include "tcp.h"

/* The host's clock advances in windows of this many cycles between two
 * looks at the replicated VM: an epoch ends at the first window end after
 * its last instruction. */
enum { WINDOW = 10000 };

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static bool stopped(struct host *h, int i)
{
	struct host_vm_info vi;

	host_vm_info(h, i, &vi);
	return vi.state == HOST_STOPPED;
}

bool host_failover(struct host_session *s, const struct host_failover_opts *f, uint64_t max_cycles,
		   bool (*stop_asked)(void), int *status)
{
	struct host *h = s->h;
	int i = s->held - 1;
	struct vm *vm = host_vm(h, i);
	struct mig_sock k = { .timeout_ms = f->timeout_ms };
	struct mig_link link = { &k, mig_sock_send, mig_failover_commit, NULL };
	struct checkpointer c;
	struct host_info hi;
	size_t released = 0, len;
	const char *out;
	bool protected, more = true;
	uint64_t next, since, end;

	*status = EXIT_OK;
	host_info(h, &hi);
	end = max_cycles ? hi.now + max_cycles : UINT64_MAX;
	k.fd = tcp_connect(f->peer, f->timeout_ms, k.err, sizeof k.err);
	if (k.fd < 0) {
		fprintf(stderr, "trapeze: host: error: --failover: %s\n", k.err);
		*status = EXIT_HOST;
		return false;
	}
	if (!vm || !checkpoint_start(&c, vm, 0)) {
		fprintf(stderr, "trapeze: host: error: --failover: out of host memory\n");
		close(k.fd);
		*status = EXIT_HOST;
		return false;
	}
	/* The first checkpoint before its first instruction: from then on the
	 * backup always has the VM to take over. */
	protected = checkpoint_send(&c, NULL, 0, &link);
	next = vm_retired(vm) + f->epoch;
	since = now_ms();
	while (protected && more && !stopped(h, i) && !(stop_asked && stop_asked())) {
		uint64_t window = WINDOW;
		host_info(h, &hi);
		if (hi.now >= end)
			break;
		if (end - hi.now < window)
			window = end - hi.now;
		more = host_run(h, window);
		/* An epoch's end, its VM's end, or half the backup's patience
		 * gone on the wall clock (a backup takes a silent host for dead). */
		if (vm_retired(vm) >= next || stopped(h, i) ||
		    now_ms() - since >= (uint64_t)f->timeout_ms / 2) {
			out = vm_console(vm, &len);
			protected = checkpoint_send(&c, (const uint8_t *)out + released, len - released,
						    &link);
			if (protected)
				released = len;
			next = vm_retired(vm) + f->epoch;
			since = now_ms();
		}
	}
	out = vm_console(vm, &len);
	if (!protected) {
		/* The backup is gone: what it never had goes out here, on the
		 * VM's own console, and so does everything after. */
		FILE *con = s->console[i] ? s->console[i] : stdout;
		fprintf(stderr, "trapeze: host: --failover: the backup is gone (%s) after checkpoint "
			"%llu: VM '%s' runs on unprotected\n", k.err, (unsigned long long)k.acked,
			s->o[i].name);
		fwrite(out + released, 1, len - released, con);
		fflush(con);
		vm_devices(vm)->con.out = con;
	}
	fprintf(stderr, "trapeze: host: --failover: VM '%s': %llu checkpoints, %llu pages, %llu bytes; "
		"after the first the guest paused %.3f ms, %.2f%% of its own %.3f ms\n", s->o[i].name,
		(unsigned long long)c.st.checkpoints, (unsigned long long)c.st.pages,
		(unsigned long long)c.st.bytes, (double)c.st.pause_cycles / 1e6,
		checkpoint_overhead(&c.st), (double)c.st.guest_cycles / 1e6);
	checkpoint_stop(&c);
	close(k.fd);
	/* The others (and, unprotected, this one) run on to the end. */
	host_info(h, &hi);
	if (more && hi.now < end && !(stop_asked && stop_asked()))
		more = host_run(h, end == UINT64_MAX ? UINT64_MAX : end - hi.now);
	return more;
}
