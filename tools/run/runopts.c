/*
 * tools/run/runopts.c: the options every command that runs a guest shares
 * (see runopts.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runopts.h"

/* --timeout at most: eleven days and a half. */
#define RUNOPT_MAX_TIMEOUT 1000000
/* What --mem and --tc-size take, besides their maximum (said when exceeded). */
#define MEM_SIZE "a memory size (bytes, K or M: a multiple of 4, at least 64)"
#define TC_SIZE "a cache size (bytes, K or M: at least 1K)"

void runopt_print_mode_help(FILE *f)
{
	fputs("  --mode MODE         how to run the guest:\n", f);
	for (int m = 0; m < MODE_COUNT; m++)
		fprintf(f, "                        %-8s %s\n", vmm_mode_name((enum vmm_mode)m),
			vmm_mode_summary((enum vmm_mode)m));
	fputs("                      (default bare)\n", f);
}

void runopt_print_help(const struct runopts *o, FILE *f)
{
	fprintf(f, "  --max-steps N       stop after N guest instructions (default %llu)\n",
		(unsigned long long)o->vm.step_limit);
	if (!o->interactive)
		fputs("  --timeout SECONDS   stop after this much wall-clock time (exit status 123)\n", f);
	fputs("  --nonvirt[=LIST]    take the trap away from some privileged instructions, like\n"
	      "                      pre-2005 x86: no LIST or 'x86' = getpsw,setpsw,getbase,rfe,jru;\n"
	      "                      'pdp10' = jru only; or a comma list of those names\n"
	      "  --mem BYTES         guest memory (default 1M; K and M suffixes allowed)\n"
	      "  --disk FILE         a disk image for the guest's disk (512-byte sectors)\n"
	      "  --input FILE        console input, queued before the guest starts; without it,\n"
	      "                      standard input is read whole when it is not a terminal, and\n"
	      "                      read as the guest asks when it is one\n"
	      "  --max-output BYTES  console bytes kept before output is cut (default 16M;\n"
	      "                      0 = no limit; going over it: exit status 122)\n"
	      "  --tc-size BYTES     bt only: the translation cache's size (default 64K, at\n"
	      "                      least 1K)\n"
	      "  --cpu NAME          the processor the monitor's costs are priced for: toy (the\n"
	      "                      default), early (the first VT-x, 2005) or modern (2009 on)\n"
	      "  --passthrough DEV   hw only: give the VM the device: no exit on its ports;\n"
	      "                      con2 (the second console) or net (the network card,\n"
	      "                      its interrupt and DMA too: VT-d)\n"
	      "  --net CABLE         give the VM a network card: loopback (its cable plugged\n"
	      "                      into itself: what it sends it receives) or unplugged\n"
	      "  --mac ADDRESS       the card's MAC address (default 02:00:00:00:00:01)\n"
	      "  --balloon PAGES     pv only: ask the guest's balloon driver for PAGES 4K pages\n"
	      "                      back\n", f);
}

void runopt_init(struct runopts *o, const char *cmd)
{
	memset(o, 0, sizeof *o);
	o->cmd = cmd;
	vm_options_init(&o->vm);
	o->vm.step_limit = RUNOPT_DEFAULT_STEPS;
	o->vm.max_output = RUNOPT_DEFAULT_OUTPUT; /* resource control: a finite default */
}

void runopt_free(struct runopts *o)
{
	free(o->input);
	o->input = NULL;
}

int runopt_usage_exit(const struct runopts *o)
{
	fprintf(stderr, "usage: trapeze %s [OPTION]... IMAGE   ('trapeze %s --help' lists them)\n",
		o->cmd, o->cmd);
	return EXIT_USAGE;
}

void runopt_error(const struct runopts *o, const char *fmt, ...)
{
	char text[1024];
	const char *inner;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	/* A library's message is often "FILE: error: what" already (image.h,
	 * vm_load_image): say "error" once, as "trapeze: CMD: error: FILE: what". */
	inner = strstr(text, ": error: ");
	if (inner)
		fprintf(stderr, "trapeze: %s: error: %.*s: %s\n", o->cmd, (int)(inner - text), text,
			inner + 9);
	else
		fprintf(stderr, "trapeze: %s: error: %s\n", o->cmd, text);
}

int runopt_usage(const struct runopts *o, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "trapeze: %s: error: ", o->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

const char *runopt_value(const char *name, int argc, char **argv, int *i, bool *missing)
{
	const char *arg = argv[*i];
	size_t n = strlen(name);

	*missing = false;
	if (strncmp(arg, name, n) != 0)
		return NULL;
	if (arg[n] == '=')
		return arg + n + 1;
	if (arg[n] != 0)
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

enum runopt_number runopt_count(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return NUM_BAD;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (end == s)
		return NUM_BAD;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	if (end[shift ? 1 : 0] != 0)
		return NUM_BAD;
	/* 18014398509481985K is 2^64 + 1024: shifted, it would wrap to 1024. */
	if (errno == ERANGE || v > (UINT64_MAX >> shift) || (v << shift) > max)
		return NUM_TOO_LARGE;
	*out = v << shift;
	return NUM_OK;
}

/* runopt_value, noting in *lacking whether any option asked so far lacked
 * its value. (Each call clears its own flag: a chain of them once forgot
 * that --max-steps had no value and called it an unknown option.) */
static const char *value_of(const char *name, int argc, char **argv, int *i, bool *lacking)
{
	bool missing;
	const char *v = runopt_value(name, argc, argv, i, &missing);
	*lacking |= missing;
	return v;
}

int runopt_rest(struct runopts *o, int argc, char **argv, int *i, const char **image)
{
	const char *arg = argv[*i];
	int r = runopt_parse(o, argc, argv, i);

	if (r != 0)
		return r == 1 ? 0 : r;
	if (arg[0] == '-' && arg[1])
		return runopt_usage(o, "unknown option '%s'", arg);
	if (*image)
		return runopt_usage(o, "one IMAGE only: '%s' too", arg);
	*image = arg;
	return 0;
}

int runopt_parse_mode(struct runopts *o, int argc, char **argv, int *i)
{
	bool missing;
	const char *v = runopt_value("--mode", argc, argv, i, &missing);

	if (missing)
		return runopt_usage(o, "option '--mode' needs a value");
	if (!v)
		return 0;
	if (!vmm_mode_parse(v, &o->vm.mode))
		return runopt_usage(o, "unknown mode '%s' (valid: %s)", v, vmm_mode_names());
	return 1;
}

/* A count option's value: 1 taken (into *n), 2 after a usage error. */
static int count_value(const struct runopts *o, const char *opt, const char *v, uint64_t max,
                       uint64_t *n, const char *what)
{
	switch (runopt_count(v, max, n)) {
	case NUM_OK:
		return 1;
	case NUM_TOO_LARGE:
		if (max >= (1u << 20) && max % (1u << 20) == 0)
			return runopt_usage(o, "%s: '%s' is too large (at most %lluM)", opt, v,
					    (unsigned long long)(max >> 20));
		return runopt_usage(o, "%s: '%s' is too large (at most %llu)", opt, v,
				    (unsigned long long)max);
	default:
		return runopt_usage(o, "%s: '%s' is not %s", opt, v, what);
	}
}

/* --timeout's seconds: a positive decimal, fractions allowed. */
int runopt_timeout_value(struct runopts *o, const char *v)
{
	char *end;
	double t;

	errno = 0;
	t = strtod(v, &end);
	if (end == v || *end || *v < '0' || *v > '9' || !(t > 0))
		return runopt_usage(o, "--timeout: '%s' is not a positive number of seconds", v);
	if (errno == ERANGE || t > RUNOPT_MAX_TIMEOUT)
		return runopt_usage(o, "--timeout: '%s' is too large (at most %d seconds)", v,
				    RUNOPT_MAX_TIMEOUT);
	o->timeout = t;
	return 1;
}

static int nonvirt_value(struct runopts *o, const char *arg)
{
	const char *spec = arg[9] == '=' ? arg + 10 : "", *bad = NULL;
	int mask;

	if (arg[9] == '=' && !*spec)
		return runopt_usage(o, "--nonvirt=: an empty list (give x86, pdp10 or instruction "
				    "names; --nonvirt alone means x86)");
	mask = cpu_parse_nonvirt(spec, &bad);
	if (mask < 0)
		return runopt_usage(o, "--nonvirt: unknown instruction '%.*s' (valid: x86, pdp10, or "
				    "a list of getpsw, setpsw, getbase, rfe, jru)",
				    (int)strcspn(bad, ","), bad);
	o->vm.nonvirt = (unsigned)mask;
	return 1;
}

int runopt_parse(struct runopts *o, int argc, char **argv, int *i)
{
	const char *v, *arg = argv[*i];
	bool lacking = false;
	uint64_t n;
	int r = 1;

	if (!strcmp(arg, "--nonvirt") || !strncmp(arg, "--nonvirt=", 10))
		return nonvirt_value(o, arg);
	if ((v = value_of("--max-steps", argc, argv, i, &lacking))) {
		r = count_value(o, "--max-steps", v, INT64_MAX, &n, "a positive number");
		if (r == 1 && n == 0)
			r = runopt_usage(o, "--max-steps: '%s' is not a positive number", v);
		if (r == 1)
			o->vm.step_limit = n;
	} else if (!o->interactive && (v = value_of("--timeout", argc, argv, i, &lacking))) {
		r = runopt_timeout_value(o, v);
	} else if ((v = value_of("--mem", argc, argv, i, &lacking))) {
		r = count_value(o, "--mem", v, VM_MAX_MEM, &n, MEM_SIZE);
		if (r == 1 && (n < 64 || n % 4))
			r = runopt_usage(o, "--mem: '%s' is not %s", v, MEM_SIZE);
		if (r == 1)
			o->vm.mem_size = (uint32_t)n;
	} else if ((v = value_of("--max-output", argc, argv, i, &lacking))) {
		r = count_value(o, "--max-output", v, UINT64_MAX, &n, "a number of bytes");
		if (r == 1)
			o->vm.max_output = n;
	} else if ((v = value_of("--tc-size", argc, argv, i, &lacking))) {
		r = count_value(o, "--tc-size", v, VM_MAX_MEM, &n, TC_SIZE);
		if (r == 1 && n < VM_MIN_TC)
			r = runopt_usage(o, "--tc-size: '%s' is not %s", v, TC_SIZE);
		if (r == 1) {
			o->vm.tc_size = (uint32_t)n;
			o->tc_size_given = "--tc-size";
		}
	} else if ((v = value_of("--cpu", argc, argv, i, &lacking))) {
		if (!vmm_cpu_parse(v, &o->vm.cpu))
			r = runopt_usage(o, "--cpu: unknown processor '%s' (valid: %s)", v,
					 vmm_cpu_names());
	} else if ((v = value_of("--passthrough", argc, argv, i, &lacking))) {
		if (strcmp(v, "con2") != 0 && strcmp(v, "net") != 0) {
			r = runopt_usage(o, "--passthrough: unknown device '%s' (valid: con2, net)", v);
		} else {
			o->vm.passthrough |= !strcmp(v, "net") ? VM_PASS_NET : VM_PASS_CON2;
			o->passthrough_given = "--passthrough";
		}
	} else if ((v = value_of("--net", argc, argv, i, &lacking))) {
		if (strcmp(v, "loopback") != 0 && strcmp(v, "unplugged") != 0) {
			r = runopt_usage(o, "--net: unknown cable '%s' (valid: loopback, unplugged)", v);
		} else {
			o->vm.net.card = true;
			o->vm.net.link = !strcmp(v, "loopback") ? NET_LINK_LOOPBACK : NET_LINK_NONE;
		}
	} else if ((v = value_of("--mac", argc, argv, i, &lacking))) {
		if (!net_mac_parse(v, o->vm.net.mac) || (o->vm.net.mac[0] & 1))
			r = runopt_usage(o, "--mac: '%s' is not a card's MAC address (six hex bytes "
					 "such as 02:00:00:00:00:01, bit 0 of the first clear)", v);
		o->mac_given = "--mac";
	} else if ((v = value_of("--balloon", argc, argv, i, &lacking))) {
		r = count_value(o, "--balloon", v, VM_MAX_MEM / VM_PAGE, &n, "a number of pages");
		if (r == 1) {
			o->vm.balloon = (uint32_t)n;
			o->balloon_given = "--balloon";
		}
	} else if ((v = value_of("--disk", argc, argv, i, &lacking))) {
		o->vm.disk_path = v;
	} else if ((v = value_of("--input", argc, argv, i, &lacking))) {
		o->input_path = v;
	} else {
		return lacking ? runopt_usage(o, "option '%s' needs a value", arg) : 0;
	}
	return r;
}

int runopt_check_modes(const struct runopts *o, unsigned mask)
{
	if (o->mac_given && !o->vm.net.card)
		return runopt_usage(o, "--mac needs a network card (--net loopback)");
	if ((o->vm.passthrough & VM_PASS_NET) && !o->vm.net.card)
		return runopt_usage(o, "--passthrough net needs a network card to pass through "
				    "(--net loopback)");
	static const struct {
		enum vmm_mode mode;
		const char *why;
	} only[3] = {
		{ MODE_BT, "the translation cache of binary translation" },
		{ MODE_HW, "a device assigned to a hardware-assisted VM" },
		{ MODE_PV, "the balloon driver of the paravirtual kernel" },
	};
	const char *given[3] = { o->tc_size_given, o->passthrough_given, o->balloon_given };

	for (int k = 0; k < 3; k++)
		if (given[k] && !(mask & (1u << only[k].mode)))
			return runopt_usage(o, "%s applies to --mode %s only (%s)", given[k],
					    vmm_mode_name(only[k].mode), only[k].why);
	return 0;
}

/* Read all of f into o->input. */
static bool slurp(struct runopts *o, FILE *f, const char *name)
{
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);

	while (buf) {
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
		/* `yes | trapeze run` or --input /dev/zero would read for ever. */
		if (len > RUNOPT_MAX_INPUT) {
			runopt_error(o, "input '%s' is larger than %d MiB", name, RUNOPT_MAX_INPUT >> 20);
			free(buf);
			return false;
		}
		if (len == cap) {
			uint8_t *p = realloc(buf, cap * 2);
			if (!p) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = p;
			cap *= 2;
		}
	}
	if (!buf || ferror(f)) {
		runopt_error(o, "cannot read input '%s': %s", name, buf ? strerror(errno) : "out of memory");
		free(buf);
		return false;
	}
	o->input = buf;
	o->input_len = len;
	return true;
}

bool runopt_read_input(struct runopts *o)
{
	bool ok;

	if (o->input_path) {
		FILE *f = fopen(o->input_path, "rb");
		if (!f) {
			runopt_error(o, "cannot open input '%s': %s", o->input_path, strerror(errno));
			return false;
		}
		ok = slurp(o, f, o->input_path);
		fclose(f);
	} else if (isatty(STDIN_FILENO)) {
		o->input_terminal = true;
		return true;
	} else {
		ok = slurp(o, stdin, "standard input");
	}
	if (ok) {
		o->vm.input = o->input;
		o->vm.input_len = o->input_len;
	}
	return ok;
}

bool runopt_given(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);

	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], name, n) && (argv[i][n] == 0 || argv[i][n] == '='))
			return true;
	return false;
}

void runopt_attach_terminal(const struct runopts *o, struct vm *vm)
{
	if (o->input_terminal)
		dev_con_source(vm_devices(vm), STDIN_FILENO);
}

bool runopt_read_image(const struct runopts *o, const char *path, struct image *img)
{
	char err[512];
	const char *p;

	if (image_read(path, img, err, sizeof err))
		return true;
	/* image_read says "FILE: error: what"; say it once, our way. */
	p = strstr(err, ": error: ");
	if (p)
		runopt_error(o, "%.*s: %s", (int)(p - err), err, p + 9);
	else
		runopt_error(o, "%s", err);
	return false;
}
