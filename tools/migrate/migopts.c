/*
 * tools/migrate/migopts.c: what trapeze migrate and trapeze failover share
 * (see migopts.h).
 */
#include "migopts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcp.h"

/* A count option's value: true, or false after the usage message. */
static bool count(struct mig_args *a, const char *opt, const char *v, uint64_t max, uint64_t *n)
{
	if (runopt_count(v, max, n) == NUM_OK)
		return true;
	runopt_usage(&a->o, "%s: '%s' is no count of 0 to %llu", opt, v, (unsigned long long)max);
	return false;
}

/* One of the commands' own options at argv[*i]: 1 taken, 0 not one, 2 bad. */
static int own_option(struct mig_args *a, int argc, char **argv, int *i)
{
	static const char *const names[] = { "--to", "--listen", "--at", "--epoch", "--bandwidth",
		"--max-rounds", "--stop-pages", "--net-timeout", "--wait" };
	uint64_t n;
	bool missing;

	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		const char *v = runopt_value(names[k], argc, argv, i, &missing);
		if (missing)
			return runopt_usage(&a->o, "option '%s' needs a value", names[k]);
		if (!v)
			continue;
		switch (k) {
		case 0: case 1:
			a->peer = v;
			a->listen = k == 1;
			return 1;
		case 2: return count(a, names[k], v, UINT64_MAX >> 1, &a->at) ? 1 : 2;
		case 3: return count(a, names[k], v, UINT64_MAX >> 1, &a->epoch) && a->epoch ? 1 :
			       runopt_usage(&a->o, "--epoch: '%s' is no count of instructions", v);
		case 4:
			if (!count(a, names[k], v, 1000000, &n) || !n)
				return runopt_usage(&a->o, "--bandwidth: '%s' megabits is no link", v);
			a->pre.bandwidth = n * 1000000 / 8;
			return 1;
		case 5:
			if (!count(a, names[k], v, MIG_MAX_ROUNDS, &n) || !n)
				return runopt_usage(&a->o, "--max-rounds: 1 to %d", MIG_MAX_ROUNDS);
			a->pre.max_rounds = (uint32_t)n;
			return 1;
		case 6:
			if (!count(a, names[k], v, 1u << 20, &n))
				return 2;
			a->pre.stop_pages = (uint32_t)n;
			a->pre.stop_pages_given = true;
			return 1;
		default:
			if (!count(a, names[k], v, 86400, &n) || !n)
				return runopt_usage(&a->o, "%s: 1 to 86400 seconds", names[k]);
			*(k == 7 ? &a->net_timeout_ms : &a->wait_ms) = (int)n * 1000;
			return 1;
		}
	}
	return 0;
}

/* The receiving side takes its VM as it comes: no options that make one. */
static int receiving_side_options(struct mig_args *a, int argc, char **argv, const char *cmd)
{
	static const char *const machine[] = { "--mode", "--mem", "--nonvirt", "--cpu", "--tc-size",
		"--passthrough", "--balloon", "--input", "--at", "--epoch", "--bandwidth",
		"--max-rounds", "--stop-pages", "--to" };

	for (size_t k = 0; k < sizeof machine / sizeof machine[0]; k++)
		if (runopt_given(argc, argv, machine[k]))
			return runopt_usage(&a->o, "%s --listen takes its VM as it comes: %s is the sending "
					    "side's", cmd, machine[k]);
	if (a->image)
		return runopt_usage(&a->o, "%s --listen takes its VM as it comes: no IMAGE", cmd);
	return 0;
}

int mig_parse(int argc, char **argv, const char *cmd, struct mig_args *a)
{
	memset(a, 0, sizeof *a);
	runopt_init(&a->o, cmd);
	a->net_timeout_ms = TCP_DEFAULT_TIMEOUT_MS;
	a->wait_ms = 60000;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		bool missing;
		int r;

		if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
			return 1;
		if (!strcmp(arg, "--stats")) {
			a->stats = true;
		} else if ((v = runopt_value("--exit-status", argc, argv, &i, &missing))) {
			if (strcmp(v, "guest") && strcmp(v, "tool"))
				return runopt_usage(&a->o, "--exit-status: '%s' is neither guest nor tool", v);
			a->tool_status = !strcmp(v, "tool");
		} else if ((r = own_option(a, argc, argv, &i)) != 0) {
			if (r != 1)
				return r;
		} else if ((r = runopt_parse_mode(&a->o, argc, argv, &i)) != 0) {
			if (r != 1)
				return r;
		} else if ((r = runopt_rest(&a->o, argc, argv, &i, &a->image)) != 0) {
			return r;
		}
	}
	a->given_steps = runopt_given(argc, argv, "--max-steps");
	a->given_output = runopt_given(argc, argv, "--max-output");
	if (!a->peer)
		return runopt_usage(&a->o, "say where: --to HOST:PORT, or --listen [HOST:]PORT");
	if (a->listen)
		return receiving_side_options(a, argc, argv, cmd);
	if (!a->image)
		return runopt_usage(&a->o, "no IMAGE given");
	if (!strcmp(cmd, "failover") && !a->epoch)
		return runopt_usage(&a->o, "--epoch N: a checkpoint every N guest instructions");
	return runopt_check_modes(&a->o, 1u << a->o.vm.mode);
}

void mig_args_free(struct mig_args *a)
{
	image_free(&a->img);
	runopt_free(&a->o);
}

int mig_make_vm(struct mig_args *a, struct vm **vm)
{
	char err[512];

	if (!runopt_read_image(&a->o, a->image, &a->img) || !runopt_read_input(&a->o))
		return EXIT_INPUT;
	if (!a->o.vm.console)
		a->o.vm.console = stdout;
	errno = 0;
	if (!vm_create(vm, &a->o.vm, err, sizeof err) || !image_load(*vm, &a->img, err, sizeof err)) {
		runopt_error(&a->o, "%s", err);
		return errno == ENOMEM ? EXIT_HOST : EXIT_INPUT;
	}
	return EXIT_OK;
}

int mig_finish(struct mig_args *a, struct vm *vm, enum cpu_stop s)
{
	fflush(stdout);
	if (a->stats)
		runopt_print_stats(&a->o, vm);
	return runopt_exit_status(&a->o, vm, s, a->tool_status);
}

void mig_limits(const struct mig_args *a, struct snap_env *env)
{
	/* The one given replaces the VM's own; the other stays (0: the VM's). */
	env->keep_limits = false;
	if (a->given_steps || a->given_output) {
		env->keep_limits = true;
		env->step_limit = a->given_steps ? a->o.vm.step_limit : 0;
		env->max_output = a->given_output ? a->o.vm.max_output : 0;
	}
}

int mig_accept_peer(const struct mig_args *a, const char *listening)
{
	char err[700];
	uint16_t port;
	int lfd = tcp_listen(a->peer, &port, err, sizeof err), fd;

	if (lfd < 0) {
		runopt_error(&a->o, "%s", err);
		return -1;
	}
	fprintf(stderr, "trapeze: %s: %s %s\n", a->o.cmd, listening, tcp_name(a->peer, port));
	fflush(stderr);
	fd = tcp_accept(lfd, a->wait_ms, err, sizeof err);
	close(lfd);
	if (fd < 0)
		runopt_error(&a->o, "%s", err);
	return fd;
}

void mig_report(FILE *f, const char *peer, const struct precopy_result *r)
{
	fprintf(f, "trapeze: migrate: migrated to %s at instruction %llu (asked at %llu): the target "
		"runs it\n", peer, (unsigned long long)r->retired_stop,
		(unsigned long long)r->retired_start);
	fprintf(f, "  %-6s %8s %12s %10s %14s %8s\n", "round", "pages", "bytes", "ms", "guest insns",
		"dirtied");
	for (uint32_t i = 0; i <= r->rounds; i++) {
		const struct precopy_round *k = &r->round[i];
		char name[16], dirtied[16] = "";
		snprintf(name, sizeof name, "%u", i + 1);
		if (i < r->rounds)
			snprintf(dirtied, sizeof dirtied, "%u", k->dirtied);
		fprintf(f, "  %-6s %8u %12llu %10.3f %14llu %8s\n", i == r->rounds ? "stop" : name, k->pages,
			(unsigned long long)k->bytes, (double)k->cycles / 1e6,
			(unsigned long long)k->insns, dirtied);
	}
	fprintf(f, "  %llu rounds (%s), %llu pages and %llu bytes sent of %u pages of memory; total "
		"%.3f ms; downtime %.3f ms (%llu guest instructions)\n",
		(unsigned long long)r->rounds, precopy_end_name(r->end), (unsigned long long)r->pages,
		(unsigned long long)r->bytes, r->memory_pages, (double)r->total_cycles / 1e6,
		(double)r->downtime_cycles / 1e6, (unsigned long long)r->downtime_insns);
}

void mig_progress_bar(FILE *f, const struct precopy_result *r)
{
	uint64_t mem = (uint64_t)r->memory_pages * SNAP_PAGE;
	int full = mem ? (int)(r->bytes * 30 / (3 * mem)) : 30, i;

	fputc('[', f);
	for (i = 0; i < 30; i++)
		fputc(i < full ? '#' : '.', f);
	fprintf(f, "] %llu KiB sent, memory %llu KiB (up to 3x)", (unsigned long long)(r->bytes >> 10),
		(unsigned long long)(mem >> 10));
}
