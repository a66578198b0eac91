/*
 * tools/migrate/failover.c: "trapeze failover": a VM kept on a backup that
 *       takes over when its machine dies (Cully et al., Remus, NSDI 2008).
 * Owns: the command's two sides: the primary (--to: run a VM, a checkpoint
 *       to the backup at the end of every epoch, its console output held
 *       until the backup has the checkpoint that produced it) and the
 *       backup (--listen: hold each checkpoint, release its output, and
 *       when the primary is gone, run the VM on from the last one); the
 *       report of what replication cost.
 * Not:  the checkpoints (vmm/checkpoint.c); receiving them (migstream.c).
 *
 * Output commit, exactly: the user sees the guest's console on the
 * backup's standard output, each epoch's bytes once the backup holds the
 * checkpoint after them. Kill the primary at any moment (kill -9): the
 * backup resumes from its last checkpoint, so it prints what came after
 * that checkpoint, which nobody had seen: nothing is lost, nothing is said
 * twice. (A primary releasing its own output after the backup's
 * acknowledgement, as Remus does with network packets, could die between
 * the two; a network would retransmit, a console cannot.) Should the
 * backup die instead, the primary prints what it held and runs on,
 * unprotected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "migopts.h"
#include "migsend.h"
#include "migstream.h"
#include "tcp.h"

static const char usage_line[] =
	"usage: trapeze failover --to HOST:PORT --epoch N [--bandwidth MBIT] [--net-timeout SECONDS]\n"
	"                        [--stats] [run options] IMAGE\n"
	"       trapeze failover --listen [HOST:]PORT [--wait SECONDS] [--net-timeout SECONDS]\n"
	"                        [--disk FILE] [--max-steps N] [--max-output BYTES] [--stats]\n";

static void help(const struct runopts *o)
{
	fputs(usage_line, stdout);
	fputs("\nHigh availability as Remus (Cully et al., NSDI 2008) does it. The backup\n"
	      "listens; the primary runs IMAGE as trapeze run would and, every N guest\n"
	      "instructions (an epoch), pauses it and sends the backup a checkpoint: the\n"
	      "pages changed since the last one, the VM's state, and the console output of\n"
	      "the epoch, which only the backup prints, once it holds the checkpoint that\n"
	      "produced it (output commit). When the primary dies (kill -9 it), the backup\n"
	      "runs the VM on from its last checkpoint: what the user sees on the backup's\n"
	      "standard output is exactly what a run that never failed prints. Shorter\n"
	      "epochs lose less work and hold output for less time; longer ones cost less:\n"
	      "the primary reports the cost (the guest's pauses, in simulated time, against\n"
	      "its own).\n\n"
	      "The primary:\n"
	      "  --to HOST:PORT      the backup (HOST 127.0.0.1 if left out)\n"
	      "  --epoch N           a checkpoint every N guest instructions\n"
	      "  --bandwidth MBIT    the link, megabits per simulated second (default 1000)\n"
	      "  --stats             the guest's statistics at the end\n", stdout);
	runopt_print_mode_help(stdout);
	runopt_print_help(o, stdout);
	fputs("\nThe backup:\n"
	      "  --listen [HOST:]PORT  listen there (HOST 127.0.0.1 if left out)\n"
	      "  --wait SECONDS      for the primary to connect (default 60)\n"
	      "  --disk FILE         the shared disk image, if not where the primary had it\n"
	      "  --max-steps N, --max-output BYTES, --stats, --timeout SECONDS: as trapeze run\n\n"
	      "Both:\n"
	      "  --net-timeout SECONDS  every network wait at most this long (default 10); a\n"
	      "                      primary silent that long is taken for dead\n"
	      "  --help              show this help\n\n"
	      "Exit status: as trapeze run, for the guest where it ended; the backup: 1 when\n"
	      "no checkpoint came (nothing to take over), 120 its port in use or nobody came.\n",
	      stdout);
}

/* ---- the primary ----------------------------------------------------------- */

bool mig_failover_commit(void *ctx)
{
	struct mig_sock *k = ctx;
	char line[64], want[64];

	snprintf(want, sizeof want, "ack %llu", (unsigned long long)k->acked + 1);
	if (tcp_recv_line(k->fd, line, sizeof line, k->timeout_ms, k->err, sizeof k->err) != 1 ||
	    strcmp(line, want)) {
		if (!k->err[0])
			snprintf(k->err, sizeof k->err, "the backup did not acknowledge");
		return false;
	}
	k->acked++;
	return true;
}

static void report(const struct mig_args *a, const struct checkpointer *c)
{
	const struct checkpoint_stats *s = &c->st;

	fprintf(stderr, "trapeze: failover: %llu checkpoints, one every %llu instructions: %llu pages "
		"(at most %u in one after the first), %llu bytes; the first (all memory) took %.3f ms; "
		"after it the guest paused %.3f ms, %.2f%% of its own %.3f ms\n",
		(unsigned long long)s->checkpoints, (unsigned long long)a->epoch,
		(unsigned long long)s->pages, s->max_pages, (unsigned long long)s->bytes,
		(double)s->sync_cycles / 1e6, (double)s->pause_cycles / 1e6, checkpoint_overhead(s),
		(double)s->guest_cycles / 1e6);
}

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* Run on in the epoch (*left instructions of it), in slices. It ends
 * early (*early) once half of --net-timeout has passed on the wall clock
 * since the last checkpoint (since): the backup takes a primary silent
 * for --net-timeout for dead, so a long epoch on a slow machine sends a
 * checkpoint before then. The guest runs the same however its run is
 * split (vm_run); only when the checkpoints go depends on the machine. */
static enum cpu_stop run_epoch(const struct mig_args *a, struct vm *vm, uint64_t *left,
			       uint64_t since, bool *early)
{
	enum { SLICE = 1 << 20 };
	enum cpu_stop s = STOP_LIMIT;

	*early = false;
	while (*left && s == STOP_LIMIT && !vm_at_step_limit(vm) && !runopt_timed_out()) {
		uint64_t n = *left < SLICE ? *left : SLICE, r0 = vm_retired(vm);
		s = runopt_run(&a->o, vm, n);
		*left -= vm_retired(vm) - r0 < *left ? vm_retired(vm) - r0 : *left;
		if (*left && now_ms() - since >= (uint64_t)a->net_timeout_ms / 2) {
			*early = true;
			break;
		}
	}
	return s;
}

/* Epoch after epoch, a checkpoint after each; the output held meanwhile. */
static int primary(struct mig_args *a, struct vm *vm)
{
	struct mig_sock k = { .timeout_ms = a->net_timeout_ms };
	struct mig_link link = { &k, mig_sock_send, mig_failover_commit, NULL };
	struct checkpointer c;
	enum cpu_stop s = STOP_LIMIT;
	size_t released = 0, len;
	const char *out;
	bool protected;
	uint64_t left = a->epoch, since, early_ones = 0;

	k.fd = tcp_connect(a->peer, a->net_timeout_ms, k.err, sizeof k.err);
	if (k.fd < 0) {
		runopt_error(&a->o, "%s", k.err);
		return EXIT_HOST;
	}
	if (!checkpoint_start(&c, vm, a->pre.bandwidth)) {
		runopt_error(&a->o, "out of host memory");
		close(k.fd);
		return EXIT_HOST;
	}
	/* The first checkpoint before the first instruction: from then on the
	 * backup always has a VM to take over. */
	protected = checkpoint_send(&c, NULL, 0, &link);
	since = now_ms();
	while (protected && s == STOP_LIMIT && !vm_at_step_limit(vm) && !runopt_timed_out()) {
		bool early;
		s = run_epoch(a, vm, &left, since, &early);
		out = vm_console(vm, &len);
		protected = checkpoint_send(&c, (const uint8_t *)out + released, len - released, &link);
		since = now_ms();
		if (protected)
			released = len;
		if (early)
			early_ones++;
		else
			left = a->epoch;
	}
	if (early_ones)
		fprintf(stderr, "trapeze: failover: %llu checkpoints went before their epoch's end: an "
			"epoch outlasted half of --net-timeout on this machine\n",
			(unsigned long long)early_ones);
	out = vm_console(vm, &len);
	if (!protected) {
		/* The backup is gone: what it never had goes out here, and so does
		 * everything after. */
		fprintf(stderr, "trapeze: failover: the backup is gone (%s) after checkpoint %llu: the VM "
			"runs on unprotected\n", k.err, (unsigned long long)k.acked);
		fwrite(out + released, 1, len - released, stdout);
		vm_devices(vm)->con.out = stdout;
		if (s == STOP_LIMIT && !vm_at_step_limit(vm))
			s = runopt_run(&a->o, vm, UINT64_MAX);
	}
	report(a, &c);
	checkpoint_stop(&c);
	close(k.fd);
	return mig_finish(a, vm, s);
}

/* ---- the backup ------------------------------------------------------------- */

/* A checkpoint is held: its epoch's output goes out now. */
static void held(void *ctx, uint64_t n, const struct vm *vm, const uint8_t *out, size_t len)
{
	(void)ctx;
	if (n == 1) {
		fprintf(stderr, "trapeze: failover: holding the VM (%s mode) from checkpoint 1, at "
			"instruction %llu\n", vmm_mode_name(vm_mode(vm)),
			(unsigned long long)vm_retired(vm));
		fflush(stderr);
	}
	if (len)
		fwrite(out, 1, len, stdout); /* out is NULL when the epoch printed nothing */
	fflush(stdout);
}

static int backup(struct mig_args *a)
{
	struct snap_env env = { .console = stdout, .disk_path = a->o.vm.disk_path };
	struct mig_conn c = { .fd = -1, .timeout_ms = a->net_timeout_ms };
	struct vm *vm;
	enum cpu_stop s;
	uint64_t n = 0;
	char err[700];
	int status;

	mig_limits(a, &env);
	c.fd = mig_accept_peer(a, "the backup listens on");
	if (c.fd < 0)
		return EXIT_HOST;
	vm = mig_backup(&c, &env, held, NULL, &n, err, sizeof err);
	close(c.fd);
	if (!vm) {
		runopt_error(&a->o, "nothing to take over (%s)", err);
		return EXIT_INPUT;
	}
	s = vm_run(vm, 0);
	if (s != STOP_LIMIT || vm_at_step_limit(vm)) {
		fprintf(stderr, "trapeze: failover: the primary finished: the guest stopped at "
			"instruction %llu (checkpoint %llu)\n", (unsigned long long)vm_retired(vm),
			(unsigned long long)n);
	} else {
		fprintf(stderr, "trapeze: failover: the primary is gone (%s): taking over from checkpoint "
			"%llu, at instruction %llu\n", err, (unsigned long long)n,
			(unsigned long long)vm_retired(vm));
		fflush(stderr);
		runopt_start_timeout(&a->o);
		s = runopt_run(&a->o, vm, UINT64_MAX);
	}
	status = mig_finish(a, vm, s);
	vm_destroy(vm);
	return status;
}

int cmd_failover(int argc, char **argv)
{
	struct mig_args a;
	struct vm *vm = NULL;
	int status;

	switch (mig_parse(argc, argv, "failover", &a)) {
	case 1: help(&a.o); return EXIT_OK;
	case 2: fputs(usage_line, stderr); return EXIT_USAGE;
	default: break;
	}
	if (a.listen) {
		status = backup(&a);
	} else {
		/* The console is held, to be released by the backup. */
		a.o.vm.console = NULL;
		a.o.vm.capture = true;
		if ((status = mig_make_vm(&a, &vm)) == EXIT_OK) {
			vm_devices(vm)->con.out = NULL;
			runopt_start_timeout(&a.o);
			status = primary(&a, vm);
		}
	}
	vm_destroy(vm);
	mig_args_free(&a);
	return status;
}
