/*
 * tools/host/host_cmd.c: "trapeze host": several VMs on one simulated
 *       machine, a Type 1 hypervisor's job, done by Trapeze (itself a Type 2
 *       hypervisor: a process on Linux).
 * Owns: the command's options, reading each VM's image and console input,
 *       its console (a file, or stdout with each line prefixed by the VM's
 *       name), running the host, the exit status; messages about a VM
 *       pointing at the config line it came from.
 * Not:  the config's format (host_config.c); placing, scheduling, running
 *       (vmm/host.c, vmm/sched.c); the report (host_report.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "exitcode.h"
#include "host_config.h"
#include "host_failover.h"
#include "host_report.h"
#include "host_session.h"
#include "runopts.h"
#include "tcp.h"

static const char usage_line[] =
	"usage: trapeze host [--vm KEY=VALUE,...]... [--mem BYTES] [--slice CYCLES] [--period N]\n"
	"                    [--overcommit] [--max-cycles N] [--report] [--consolidation]\n"
	"                    [--timeout SECONDS] [--csv FILE] [--chart FILE]\n"
	"                    [--failover NAME --to HOST:PORT --epoch N [--net-timeout SECONDS]] [CONFIG]\n";

static void help(void)
{
	fputs(usage_line, stdout);
	fputs("\nRun several virtual machines on one simulated machine, scheduled, isolated\n"
	      "and accounted: Trapeze plays a Type 1 hypervisor (Xen, VMware ESX) on the\n"
	      "simulated machine, while it is itself a Type 2 hypervisor, a process on Linux.\n"
	      "Each VM's memory is placed so that no VM reaches another's or the monitor's;\n"
	      "the VMs share the one processor in slices (Xen's credit scheduler: shares by\n"
	      "weight, optional caps, work-conserving). Each VM's clock is its own: its\n"
	      "output is byte for byte what it prints alone.\n\n"
	      "The VMs come from CONFIG (see below) and from --vm options:\n"
	      "  --vm KEY=VALUE,...  a VM: the keys of a [vm] section, and name (e.g.\n"
	      "                      --vm name=a,kernel=build/guest/kernel.elf,disk=build/guest/disk.img)\n"
	      "  --mem BYTES         host memory (default: what the VMs need)\n"
	      "  --slice CYCLES      the scheduler's slice (default 1000000)\n"
	      "  --period N          slices per accounting period (default 3)\n"
	      "  --overcommit        VMs that do not fit wait; pv balloons are asked for memory\n"
	      "  --max-cycles N      stop the host after N cycles of its clock\n"
	      "  --timeout SECONDS   stop after this much wall-clock time (exit status 123)\n"
	      "  --report            per VM: instructions, share against weight, exits by\n"
	      "                      cause, cycles in guest and VMM, memory; the host's\n"
	      "                      utilisation; memory over time (on standard error)\n"
	      "  --consolidation     also run each guest alone on a machine of its own, and\n"
	      "                      print the lecture's racks figure: each machine's\n"
	      "                      utilisation against the one host's, its overhead and\n"
	      "                      each guest's slowdown; and whether each guest's output\n"
	      "                      on the host is its output alone\n"
	      "  --csv FILE          the report (and the consolidation) as CSV\n"
	      "  --chart FILE        the racks figure as SVG (needs gnuplot; implies\n"
	      "                      --consolidation)\n"
	      "  --failover NAME     keep VM NAME on a backup (Remus): a trapeze failover\n"
	      "                      --listen at --to HOST:PORT gets a checkpoint of it every\n"
	      "                      --epoch N of its instructions (looked at every 10000\n"
	      "                      cycles of the host's clock) and prints its console\n"
	      "                      once it holds the checkpoint after it; kill the host and\n"
	      "                      the backup runs the VM on (--net-timeout SECONDS bounds\n"
	      "                      every network wait, default 10)\n"
	      "  --help              show this help\n\n"
	      "CONFIG (INI; # or ; start comments; relative paths from its folder):\n"
	      "  [host]              memory, slice, period, overcommit (yes/no), max-cycles\n"
	      "  [vm NAME]           kernel = IMAGE (needed), disk = FILE (shared by VMs that\n"
	      "                      name it, copy-on-write), mode = trap (emulate, trap,\n"
	      "                      hybrid, patch, bt, hw, pv; bare cannot be hosted),\n"
	      "                      mem = 1M, weight = 256, cap = 0 (percent; 0 none),\n"
	      "                      base = ADDR (its place in host memory; default first\n"
	      "                      fit), console = FILE (default: standard output, each\n"
	      "                      line 'NAME| ...'), input = FILE, nonvirt = x86,\n"
	      "                      cpu = toy, max-steps = N, max-output = BYTES, tc-size,\n"
	      "                      net = switch (a network card on the host's switch),\n"
	      "                      mac = 02:00:00:00:00:N (default: the Nth VM's),\n"
	      "                      passthrough = net0 (hw: the host's card net0 to net3,\n"
	      "                      one VM each)\n\n"
	      "Exit status: 0 when every VM ran to its end (halt, idle for ever, triple\n"
	      "fault or its step limit: the report says which); 1 when CONFIG cannot be\n"
	      "read; 2 for a usage or config error, a VM's kernel, disk or input that\n"
	      "cannot be read included (nothing is started); 120 when an output file\n"
	      "cannot be written; 123 when --timeout ran out; 124 when --max-cycles\n"
	      "stopped the host first.\n", stdout);
}

struct host_args {
	struct host_session *s;   /* its cfg is the config */
	const char *config;
	bool report, consolidation;
	const char *csv, *chart;
	int nvm_opts;
	struct runopts ro;        /* --timeout, and the command's name */
	struct host_failover_opts fo; /* --failover (fo.name NULL: none) */
};

static int usage_error(const char *fmt, const char *a)
{
	fprintf(stderr, "trapeze: host: error: ");
	fprintf(stderr, fmt, a);
	fputc('\n', stderr);
	fputs(usage_line, stderr);
	return EXIT_USAGE;
}

/* -1: --help; 0: ok; otherwise the exit status (a message was printed). */
static int parse(int argc, char **argv, struct host_args *a)
{
	static const char *const host_opts[][2] = {
		{ "--mem", "memory" }, { "--slice", "slice" }, { "--period", "period" },
		{ "--max-cycles", "max-cycles" },
	};
	char err[HOSTCFG_ERR];
	/* Command-line settings of [host] win over the file's: kept for after it. */
	const char *later[4] = { NULL };
	bool overcommit = false;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		bool missing = false, taken = false;

		if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
			return -1;
		if (!strcmp(arg, "--report")) {
			a->report = true;
			continue;
		}
		if (!strcmp(arg, "--consolidation")) {
			a->consolidation = true;
			continue;
		}
		if (!strcmp(arg, "--overcommit")) {
			overcommit = true;
			continue;
		}
		if ((v = runopt_value("--vm", argc, argv, &i, &missing))) {
			a->nvm_opts++;
			if (!hostcfg_add_vm(&a->s->cfg, v, a->nvm_opts, err, sizeof err)) {
				fprintf(stderr, "trapeze: host: %s\n", err);
				fputs(usage_line, stderr);
				return EXIT_USAGE;
			}
			continue;
		}
		if ((v = runopt_value("--timeout", argc, argv, &i, &missing))) {
			if (runopt_timeout_value(&a->ro, v) != 1) {
				fputs(usage_line, stderr);
				return EXIT_USAGE;
			}
			continue;
		}
		if (!missing && (v = runopt_value("--failover", argc, argv, &i, &missing))) {
			a->fo.name = v;
			continue;
		}
		if (!missing && (v = runopt_value("--to", argc, argv, &i, &missing))) {
			a->fo.peer = v;
			continue;
		}
		/* --epoch and --net-timeout take what trapeze failover takes. */
		if (!missing && (v = runopt_value("--epoch", argc, argv, &i, &missing))) {
			if (runopt_count(v, UINT64_MAX >> 1, &a->fo.epoch) != NUM_OK || !a->fo.epoch)
				return usage_error("--epoch '%s': a count of instructions, at least 1", v);
			continue;
		}
		if (!missing && (v = runopt_value("--net-timeout", argc, argv, &i, &missing))) {
			uint64_t sec;
			if (runopt_count(v, 86400, &sec) != NUM_OK || !sec)
				return usage_error("--net-timeout '%s': 1 to 86400 seconds", v);
			a->fo.timeout_ms = (int)sec * 1000;
			continue;
		}
		if (!missing && (v = runopt_value("--csv", argc, argv, &i, &missing))) {
			a->csv = v;
			continue;
		}
		if (!missing && (v = runopt_value("--chart", argc, argv, &i, &missing))) {
			a->chart = v;
			a->consolidation = true;
			continue;
		}
		for (int k = 0; k < 4 && !missing && !taken; k++)
			if ((v = runopt_value(host_opts[k][0], argc, argv, &i, &missing))) {
				later[k] = v;
				taken = true;
			}
		if (taken)
			continue;
		if (missing)
			return usage_error("option '%s' needs a value", arg);
		if (arg[0] == '-' && arg[1])
			return usage_error("unknown option '%s'", arg);
		if (a->config)
			return usage_error("one CONFIG only: '%s' too", arg);
		a->config = arg;
	}
	if (a->config && !hostcfg_load(&a->s->cfg, a->config, err, sizeof err)) {
		fprintf(stderr, "trapeze: host: %s\n", err);
		return a->s->cfg.unreadable ? EXIT_INPUT : EXIT_USAGE;
	}
	for (int k = 0; k < 4; k++)
		if (later[k] && !hostcfg_set_host(&a->s->cfg, host_opts[k][1], later[k], err, sizeof err)) {
			fprintf(stderr, "trapeze: host: error: %s: %s\n", host_opts[k][0], err);
			return EXIT_USAGE;
		}
	if (overcommit)
		a->s->cfg.host.overcommit = true;
	if ((a->fo.name || a->fo.peer || a->fo.epoch) && !(a->fo.name && a->fo.peer && a->fo.epoch))
		return usage_error("%s", "--failover NAME, --to HOST:PORT and --epoch N go together");
	if (a->fo.name && a->consolidation)
		return usage_error("%s", "--failover and --consolidation go apart (the racks figure "
				   "runs every guest alone)");
	if (!a->fo.timeout_ms)
		a->fo.timeout_ms = TCP_DEFAULT_TIMEOUT_MS;
	if (!hostcfg_check(&a->s->cfg, err, sizeof err)) {
		fprintf(stderr, "trapeze: host: %s\n", err);
		fputs(usage_line, stderr);
		return EXIT_USAGE;
	}
	if (a->fo.name) {
		for (int i = 0; i < a->s->cfg.nvms; i++)
			if (!strcmp(a->s->cfg.vm[i].o.name, a->fo.name))
				a->s->held = i + 1;
		if (!a->s->held)
			return usage_error("--failover '%s': no VM of that name", a->fo.name);
	}
	return 0;
}

static int finish(const struct host_args *a, struct host *h, struct host_session *g, bool more)
{
	struct host_alone alone[HOST_MAX_VMS];
	struct host_guest hg[HOST_MAX_VMS];
	char err[1200];
	int n = host_nvms(h), status = more ? EXIT_STEPS : EXIT_OK;

	/* Every console's last line out before anything is said about them. */
	for (int i = 0; i < n; i++)
		fflush(g->console[i]);
	fflush(stdout);
	if (more && runopt_timed_out()) {
		struct host_info hi;
		char where[64];
		host_info(h, &hi);
		snprintf(where, sizeof where, "at host time %llu cycles", (unsigned long long)hi.now);
		/* What ran is reported as usual; the consolidation is not run. */
		status = runopt_timeout_exit(&a->ro, where);
		if (a->report)
			host_report(stderr, h);
		return status;
	}
	if (more)
		fprintf(stderr, "trapeze: host: stopped at --max-cycles: host time %llu cycles\n",
			(unsigned long long)a->s->cfg.max_cycles);
	if (a->report)
		host_report(stderr, h);
	if (!a->consolidation)
		return a->csv && !host_write_csv(a->csv, h, NULL)
		       ? (fprintf(stderr, "trapeze: host: error: cannot write %s\n", a->csv), EXIT_HOST)
		       : status;
	for (int i = 0; i < n; i++)
		hg[i] = (struct host_guest){ &g->vimg[i], &g->o[i], g->input[i], g->input_len[i] };
	if (!host_run_alone(hg, n, h, alone, err, sizeof err)) {
		fprintf(stderr, "trapeze: host: error: %s\n", err);
		return EXIT_HOST;
	}
	host_racks_table(stderr, h, alone);
	if (a->csv && !host_write_csv(a->csv, h, alone)) {
		fprintf(stderr, "trapeze: host: error: cannot write %s\n", a->csv);
		return EXIT_HOST;
	}
	if (a->chart) {
		if (host_chart(a->chart, h, alone, err, sizeof err))
			fprintf(stderr, "chart: %s\n", a->chart);
		else
			fprintf(stderr, "trapeze: host: note: no chart: %s\n", err);
	}
	return status;
}

int cmd_host(int argc, char **argv)
{
	static struct host_session s; /* large: off the stack */
	struct host_args a;
	int status;
	bool more;

	memset(&s, 0, sizeof s);
	memset(&a, 0, sizeof a);
	a.s = &s;
	runopt_init(&a.ro, "host");
	hostcfg_init(&s.cfg);
	status = parse(argc, argv, &a);
	if (status == -1) {
		help();
		return EXIT_OK;
	}
	if (status)
		return status;
	status = host_session_open(&s, "host", a.consolidation ? HOST_CONSOLES_CAPTURE : HOST_CONSOLES_OUT);
	if (!status) {
		host_set_stop(s.h, runopt_timed_out);
		runopt_start_timeout(&a.ro);
		if (a.fo.name)
			more = host_failover(&s, &a.fo, s.cfg.max_cycles, runopt_timed_out, &status);
		else
			more = host_run(s.h, s.cfg.max_cycles ? s.cfg.max_cycles : UINT64_MAX);
		if (!status)
			status = finish(&a, s.h, &s, more);
	}
	host_session_close(&s);
	runopt_free(&a.ro);
	return status;
}
