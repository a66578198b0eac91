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
#define _GNU_SOURCE /* fopencookie: a FILE that prefixes each line */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "host_config.h"
#include "host_report.h"
#include "image.h"

enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2, EXIT_LIMIT = 124 };

static const char usage_line[] =
	"usage: trapeze host [--vm KEY=VALUE,...]... [--mem BYTES] [--slice CYCLES] [--period N]\n"
	"                    [--overcommit] [--max-cycles N] [--report] [--consolidation]\n"
	"                    [--csv FILE] [--chart FILE] [CONFIG]\n";

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
	      "                      cpu = toy, max-steps = N, max-output = BYTES, tc-size\n\n"
	      "Exit status: 0 when every VM ran to its end (halt, idle for ever, triple\n"
	      "fault or its step limit: the report says which); 1 for an error; 2 for a\n"
	      "usage or config error (nothing is started); 124 when --max-cycles stopped\n"
	      "the host first.\n", stdout);
}

struct host_args {
	struct host_config cfg;
	const char *config;
	bool report, consolidation;
	const char *csv, *chart;
	int nvm_opts;
};

static int usage_error(const char *fmt, const char *a)
{
	fprintf(stderr, "trapeze: host: error: ");
	fprintf(stderr, fmt, a);
	fputc('\n', stderr);
	fputs(usage_line, stderr);
	return EXIT_USAGE;
}

/* The value of --name VALUE or --name=VALUE at argv[*i], or NULL. */
static const char *value(const char *name, int argc, char **argv, int *i, bool *missing)
{
	size_t n = strlen(name);

	*missing = false;
	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n])
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
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
		if ((v = value("--vm", argc, argv, &i, &missing))) {
			a->nvm_opts++;
			if (!hostcfg_add_vm(&a->cfg, v, a->nvm_opts, err, sizeof err)) {
				fprintf(stderr, "trapeze: host: %s\n", err);
				return EXIT_USAGE;
			}
			continue;
		}
		if (!missing && (v = value("--csv", argc, argv, &i, &missing))) {
			a->csv = v;
			continue;
		}
		if (!missing && (v = value("--chart", argc, argv, &i, &missing))) {
			a->chart = v;
			a->consolidation = true;
			continue;
		}
		for (int k = 0; k < 4 && !missing && !taken; k++)
			if ((v = value(host_opts[k][0], argc, argv, &i, &missing))) {
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
	if (a->config && !hostcfg_load(&a->cfg, a->config, err, sizeof err)) {
		fprintf(stderr, "trapeze: host: %s\n", err);
		return EXIT_USAGE;
	}
	for (int k = 0; k < 4; k++)
		if (later[k] && !hostcfg_set_host(&a->cfg, host_opts[k][1], later[k], err, sizeof err)) {
			fprintf(stderr, "trapeze: host: error: %s: %s\n", host_opts[k][0], err);
			return EXIT_USAGE;
		}
	if (overcommit)
		a->cfg.host.overcommit = true;
	if (!hostcfg_check(&a->cfg, err, sizeof err)) {
		fprintf(stderr, "trapeze: host: %s\n", err);
		fputs(usage_line, stderr);
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- each VM's console: a file, or lines prefixed on stdout ------------- */

struct prefixer {
	const char *name;
	bool at_start;
};

static ssize_t prefix_write(void *cookie, const char *buf, size_t size)
{
	struct prefixer *p = cookie;

	for (size_t i = 0; i < size; i++) {
		if (p->at_start)
			printf("%s| ", p->name);
		putchar(buf[i]);
		p->at_start = buf[i] == '\n';
	}
	return (ssize_t)size;
}

static int prefix_close(void *cookie)
{
	struct prefixer *p = cookie;

	if (!p->at_start)
		putchar('\n'); /* a last line the guest left open is ended here */
	return 0;
}

/* ---- the command --------------------------------------------------------- */

struct guests {
	struct image img[HOST_MAX_VMS];
	struct vm_image vimg[HOST_MAX_VMS];
	struct vm_segment *segs[HOST_MAX_VMS];
	uint8_t *input[HOST_MAX_VMS];
	size_t input_len[HOST_MAX_VMS];
	FILE *console[HOST_MAX_VMS];
	struct prefixer prefix[HOST_MAX_VMS];
	struct host_vm_options o[HOST_MAX_VMS];
};

/* The key of VM i's config that a message from the monitor is about. */
static int key_of_message(const char *msg)
{
	static const struct { const char *word; int key; } map[] = {
		{ "disk image", KEY_DISK }, { "overlaps", KEY_BASE }, { "base", KEY_BASE },
		{ "beyond the host", KEY_BASE }, { "fit", KEY_MEM }, { "memory of", KEY_MEM },
		{ "weight", KEY_WEIGHT }, { "cap", KEY_CAP }, { "bare mode cannot", KEY_MODE },
		{ "segment", KEY_KERNEL }, { "entry point", KEY_KERNEL }, { "kernel", KEY_KERNEL },
	};
	for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
		if (strstr(msg, map[k].word))
			return map[k].key;
	return -1;
}

static int vm_error(const struct host_config *c, int i, int key, const char *msg)
{
	char where[HOSTCFG_PATH_MAX + 64];

	hostcfg_where(c, i, key, where, sizeof where);
	fprintf(stderr, "trapeze: host: %s%s\n", where, msg);
	return EXIT_USAGE;
}

static bool read_file(const char *path, uint8_t **out, size_t *len, char *err, size_t errlen)
{
	enum { MAX_INPUT = 64 << 20 };
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0;
	uint8_t *b;

	if (!f) {
		snprintf(err, errlen, "input '%s': %s", path, strerror(errno));
		return false;
	}
	b = malloc(cap);
	while (b) {
		size_t got = fread(b + n, 1, cap - n, f);
		n += got;
		if (!got || n > MAX_INPUT)
			break;
		if (n == cap) {
			uint8_t *p = realloc(b, cap *= 2);
			if (!p)
				free(b);
			b = p;
		}
	}
	fclose(f);
	if (!b || n > MAX_INPUT) {
		free(b);
		snprintf(err, errlen, "input '%s': %s", path, b ? "larger than 64 MiB" : "out of memory");
		return false;
	}
	*out = b;
	*len = n;
	return true;
}

/* Each VM's image, input and console; false after printing why. */
static int prepare(const struct host_args *a, struct guests *g, bool capture)
{
	const struct host_config *c = &a->cfg;
	char err[1200];

	for (int i = 0; i < c->nvms; i++) {
		const struct hostcfg_vm *m = &c->vm[i];

		g->o[i] = m->o;
		if (!image_read(m->kernel, &g->img[i], err, sizeof err) ||
		    !image_vm_form(&g->img[i], &g->vimg[i], &g->segs[i], err, sizeof err))
			return vm_error(c, i, KEY_KERNEL, err);
		g->vimg[i].name = m->kernel;
		g->o[i].image = &g->vimg[i];
		g->o[i].vm.disk_path = m->disk[0] ? m->disk : NULL;
		g->o[i].vm.capture = capture;
		if (m->input[0]) {
			if (!read_file(m->input, &g->input[i], &g->input_len[i], err, sizeof err))
				return vm_error(c, i, KEY_INPUT, err);
			g->o[i].vm.input = g->input[i];
			g->o[i].vm.input_len = g->input_len[i];
		}
		if (m->console[0]) {
			g->console[i] = fopen(m->console, "w");
			if (!g->console[i]) {
				snprintf(err, sizeof err, "console '%s': %s", m->console, strerror(errno));
				return vm_error(c, i, KEY_CONSOLE, err);
			}
		} else {
			cookie_io_functions_t fns = { .write = prefix_write, .close = prefix_close };
			g->prefix[i] = (struct prefixer){ m->o.name, true };
			g->console[i] = fopencookie(&g->prefix[i], "w", fns);
			if (!g->console[i]) {
				fprintf(stderr, "trapeze: host: error: out of memory\n");
				return EXIT_ERROR;
			}
			/* A line at a time: the VMs' lines interleave as the
			 * schedule ran them, whole. */
			setvbuf(g->console[i], NULL, _IOLBF, 0);
		}
		g->o[i].vm.console = g->console[i];
	}
	return EXIT_OK;
}

static void release(struct guests *g, int n)
{
	for (int i = 0; i < n; i++) {
		if (g->console[i])
			fclose(g->console[i]);
		free(g->segs[i]);
		free(g->input[i]);
		image_free(&g->img[i]);
	}
	fflush(stdout);
}

static int finish(const struct host_args *a, struct host *h, struct guests *g, bool more)
{
	struct host_alone alone[HOST_MAX_VMS];
	struct host_guest hg[HOST_MAX_VMS];
	char err[1200];
	int n = host_nvms(h), status = more ? EXIT_LIMIT : EXIT_OK;

	/* Every console's last line out before anything is said about them. */
	for (int i = 0; i < n; i++)
		fflush(g->console[i]);
	fflush(stdout);
	if (more)
		fprintf(stderr, "trapeze: host: stopped at --max-cycles: host time %llu cycles\n",
			(unsigned long long)a->cfg.max_cycles);
	if (a->report)
		host_report(stderr, h);
	if (!a->consolidation)
		return a->csv && !host_write_csv(a->csv, h, NULL)
		       ? (fprintf(stderr, "trapeze: host: error: cannot write %s\n", a->csv), EXIT_ERROR)
		       : status;
	for (int i = 0; i < n; i++)
		hg[i] = (struct host_guest){ &g->vimg[i], &g->o[i], g->input[i], g->input_len[i] };
	if (!host_run_alone(hg, n, h, alone, err, sizeof err)) {
		fprintf(stderr, "trapeze: host: error: %s\n", err);
		return EXIT_ERROR;
	}
	host_racks_table(stderr, h, alone);
	if (a->csv && !host_write_csv(a->csv, h, alone)) {
		fprintf(stderr, "trapeze: host: error: cannot write %s\n", a->csv);
		return EXIT_ERROR;
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
	static struct host_args a;   /* large: off the stack */
	static struct guests g;
	struct host *h = NULL;
	char err[1200];
	int culprit, status;
	bool more;

	memset(&a, 0, sizeof a);
	memset(&g, 0, sizeof g);
	hostcfg_init(&a.cfg);
	status = parse(argc, argv, &a);
	if (status == -1) {
		help();
		return EXIT_OK;
	}
	if (status)
		return status;
	status = prepare(&a, &g, a.consolidation);
	if (status)
		goto out;
	if (!host_create(&h, &a.cfg.host, g.o, a.cfg.nvms, err, sizeof err, &culprit)) {
		if (culprit >= 0)
			status = vm_error(&a.cfg, culprit, key_of_message(err), err);
		else if (a.cfg.file)
			status = (fprintf(stderr, "trapeze: host: %s: error: %s\n", a.cfg.file, err), EXIT_USAGE);
		else
			status = (fprintf(stderr, "trapeze: host: error: %s\n", err), EXIT_USAGE);
		goto out;
	}
	more = host_run(h, a.cfg.max_cycles ? a.cfg.max_cycles : UINT64_MAX);
	status = finish(&a, h, &g, more);
out:
	host_destroy(h);
	release(&g, a.cfg.nvms);
	return status;
}
