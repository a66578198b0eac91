/*
 * tools/migrate/migrate.c: "trapeze migrate": live migration between two
 *       Trapeze processes (Clark et al., NSDI 2005).
 * Owns: the command's two sides: the target (--listen: wait for a VM,
 *       take it, run it on) and the source (--to: run a VM, migrate it at a
 *       chosen instruction, stop); the rounds printed as they go, with a
 *       progress bar on a terminal; the report.
 * Not:  the rounds (vmm/precopy.c); sending (migsend.c); receiving
 *       (migstream.c); sockets (net.c); how a run ends (tools/run/outcome.c).
 *
 * The console is standard output on both sides: the source's holds what
 * the guest printed before it stopped there, the target's what it printed
 * after; one after the other, they are the run that never moved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "migopts.h"
#include "migsend.h"
#include "migstream.h"
#include "tcp.h"

static const char usage_line[] =
	"usage: trapeze migrate --to HOST:PORT [--at N] [--bandwidth MBIT] [--max-rounds N]\n"
	"                       [--stop-pages N] [--net-timeout SECONDS] [--stats] [run options] IMAGE\n"
	"       trapeze migrate --listen [HOST:]PORT [--wait SECONDS] [--net-timeout SECONDS]\n"
	"                       [--disk FILE] [--max-steps N] [--max-output BYTES] [--stats]\n";

static void help(const struct runopts *o)
{
	fputs(usage_line, stdout);
	fputs("\nLive migration (Clark et al., NSDI 2005) between two Trapeze processes over\n"
	      "TCP. The target listens; the source runs IMAGE as trapeze run would and, at\n"
	      "guest instruction N, sends the VM while it keeps running: all its memory\n"
	      "first, then round after round the pages the guest dirtied during the round\n"
	      "before, until few are left (or a round limit, or three times memory sent);\n"
	      "then it pauses the guest and sends the rest (stop-and-copy: the downtime).\n"
	      "The target says it holds a consistent image, the source commits and stops,\n"
	      "the target runs the VM on. Both consoles are standard output: the source's\n"
	      "output followed by the target's is the output of a run that never moved.\n"
	      "Times are simulated (a simulated second is 10^9 cycles of the guest's clock,\n"
	      "the link moves --bandwidth megabits in one), so every figure is the same on\n"
	      "every machine. The disk is shared storage: both sides open the same image\n"
	      "file (never written); the sectors the guest wrote travel with the VM.\n\n"
	      "The source:\n"
	      "  --to HOST:PORT      the target (HOST 127.0.0.1 if left out)\n"
	      "  --at N              migrate at guest instruction N (default 0: at once)\n"
	      "  --bandwidth MBIT    the link, megabits per simulated second (default 1000)\n"
	      "  --max-rounds N      pre-copy rounds at most (default 30, Xen's)\n"
	      "  --stop-pages N      stop-and-copy once a round left at most N pages dirty\n"
	      "                      (default 16; 0 and a --max-rounds of 1: stop-and-copy\n"
	      "                      after one round)\n"
	      "  --stats             the guest's statistics at the end, where it ran last\n", stdout);
	runopt_print_mode_help(stdout);
	runopt_print_help(o, stdout);
	fputs("\nThe target:\n"
	      "  --listen [HOST:]PORT  listen there (HOST 127.0.0.1 if left out; PORT 0: any)\n"
	      "  --wait SECONDS      for the source to connect (default 60)\n"
	      "  --disk FILE         the shared disk image, if not at the path the source\n"
	      "                      named (it must be the same image: its CRC is checked)\n"
	      "  --max-steps N, --max-output BYTES, --stats, --timeout SECONDS: as trapeze run\n\n"
	      "Both:\n"
	      "  --net-timeout SECONDS  every network wait at most this long (default 10)\n"
	      "  --help              show this help\n\n"
	      "Exit status: the source, once the target committed: 0; if the migration\n"
	      "failed (nothing listens, the connection broke, the target refused the VM),\n"
	      "it says so, runs the VM on itself and exits as trapeze run would. The\n"
	      "target: as trapeze run for the VM it ran; 1 a stream it refused (nothing\n"
	      "run); 120 its port in use or nobody came.\n", stdout);
}

/* ---- the source --------------------------------------------------------- */

struct show_ctx {
	bool progress_bar;
};

static void show_round(void *ctx, const struct precopy_result *r, bool stop)
{
	const struct show_ctx *k = ctx;

	if (k->progress_bar)
		fputs("\r\033[K", stderr);
	fputs("trapeze: migrate: ", stderr);
	mig_round_line(stderr, r, stop);
	if (k->progress_bar && !stop)
		mig_progress_bar(stderr, r);
	fflush(stderr);
}

/* Run the VM to --at, then migrate it: the exit status. */
static int source(struct mig_args *a, struct vm *vm)
{
	static struct precopy_result res; /* large: off the stack */
	struct show_ctx k = { .progress_bar = isatty(STDERR_FILENO) };
	enum cpu_stop s = STOP_LIMIT;
	char err[512];

	if (a->at > vm_retired(vm))
		s = runopt_run(&a->o, vm, a->at - vm_retired(vm));
	if (s != STOP_LIMIT || vm_at_step_limit(vm) || vm_retired(vm) < a->at) {
		fprintf(stderr, "trapeze: migrate: note: the guest stopped at instruction %llu, before "
			"%llu: not migrated\n", (unsigned long long)vm_retired(vm),
			(unsigned long long)a->at);
		return mig_finish(a, vm, s);
	}
	fflush(stdout);
	if (mig_send_vm(vm, a->peer, &a->pre, a->net_timeout_ms, show_round, &k, &res, err,
			sizeof err)) {
		mig_report(stderr, a->peer, &res);
		if (a->o.vm.step_limit && a->stats)
			runopt_print_stats(&a->o, vm);
		return EXIT_OK;
	}
	/* The source is unharmed: its VM runs on here, as if never asked. */
	fprintf(stderr, "trapeze: migrate: error: migration to %s failed: %s; the VM runs on here\n",
		a->peer, err);
	return mig_finish(a, vm, runopt_run(&a->o, vm, UINT64_MAX));
}

/* ---- the target ----------------------------------------------------------- */

static void show_pages(void *ctx, const struct mig_stream_info *info, uint32_t pages)
{
	(void)ctx;
	(void)pages;
	if (info->memp == 1)
		fprintf(stderr, "trapeze: migrate: receiving a VM: %s mode, %u bytes of memory\n",
			vmm_mode_name(info->m.mode), info->m.mem_size);
}

static int target(struct mig_args *a)
{
	struct snap_env env = { .console = stdout, .disk_path = a->o.vm.disk_path };
	struct mig_stream_info info = { .on_pages = show_pages };
	struct mig_conn c = { .fd = -1, .timeout_ms = a->net_timeout_ms };
	struct vm *vm = NULL;
	char err[700];
	int status;

	mig_limits(a, &env);
	c.fd = mig_accept_peer(a, "listening on");
	if (c.fd < 0)
		return EXIT_HOST;
	vm = mig_receive(&c, &env, &info, err, sizeof err);
	close(c.fd);
	if (!vm) {
		runopt_error(&a->o, "%s: discarded what came (%llu bytes)", err,
			     (unsigned long long)c.bytes_in);
		return EXIT_INPUT;
	}
	fprintf(stderr, "trapeze: migrate: resumed at instruction %llu (%llu pages in %u sections, "
		"%llu bytes received)\n", (unsigned long long)vm_retired(vm),
		(unsigned long long)info.pages, info.memp, (unsigned long long)c.bytes_in);
	fflush(stderr);
	runopt_start_timeout(&a->o);
	status = mig_finish(a, vm, runopt_run(&a->o, vm, UINT64_MAX));
	vm_destroy(vm);
	return status;
}

int cmd_migrate(int argc, char **argv)
{
	struct mig_args a;
	struct vm *vm = NULL;
	int status;

	switch (mig_parse(argc, argv, "migrate", &a)) {
	case 1: help(&a.o); return EXIT_OK;
	case 2: fputs(usage_line, stderr); return EXIT_USAGE;
	default: break;
	}
	if (a.listen) {
		status = target(&a);
	} else if ((status = mig_make_vm(&a, &vm)) == EXIT_OK) {
		runopt_start_timeout(&a.o);
		status = source(&a, vm);
	}
	vm_destroy(vm);
	mig_args_free(&a);
	return status;
}
