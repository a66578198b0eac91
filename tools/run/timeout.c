/*
 * tools/run/timeout.c: --timeout SECONDS: a wall clock for a grading queue.
 * Owns: the alarm that ends a run, a diff or a monitor script after so
 *       much host time, and running a VM in slices so that it is seen.
 * Not:  the guest's own time (its timer counts retired instructions, never
 *       host time: runs stay deterministic; this clock only decides when
 *       the tool gives up, and says so with its own exit status, 123).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "runopts.h"

/* Guest instructions between two looks at the clock: a few milliseconds
 * of the slowest mode, and a look costs nothing beside them. */
enum { SLICE = 1 << 20 };

/* Set by SIGALRM, the only thing a signal handler may touch. */
static volatile sig_atomic_t expired;

static void on_alarm(int sig)
{
	(void)sig;
	expired = 1;
}

void runopt_start_timeout(const struct runopts *o)
{
	struct sigaction sa;
	struct itimerval it;

	if (o->timeout <= 0)
		return;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: a read waiting on a terminal ends */
	memset(&it, 0, sizeof it);
	it.it_value.tv_sec = (time_t)o->timeout;
	it.it_value.tv_usec = (suseconds_t)((o->timeout - (double)(time_t)o->timeout) * 1e6);
	if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
		it.it_value.tv_usec = 1;
	expired = 0;
	setitimer(ITIMER_REAL, &it, NULL);
}

bool runopt_timed_out(void)
{
	return expired != 0;
}

enum cpu_stop runopt_run(const struct runopts *o, struct vm *vm, uint64_t max)
{
	enum cpu_stop s;

	if (o->timeout <= 0)
		return vm_run(vm, max);
	do {
		uint64_t n = max < SLICE ? max : SLICE;
		s = vm_run(vm, n);
		max -= n;
	} while (s == STOP_LIMIT && max && !vm_at_step_limit(vm) && !expired);
	return s;
}

int runopt_timeout_exit(const struct runopts *o, const char *where)
{
	fflush(stdout);
	fprintf(stderr, "trapeze: %s: timeout: %g seconds of wall-clock time ran out%s%s\n", o->cmd,
		o->timeout, where ? ", " : "", where ? where : "");
	return EXIT_TIMEOUT;
}
