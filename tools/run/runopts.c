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

const char runopt_help[] =
	"  --max-steps N       stop after N guest instructions (default 10000000000)\n"
	"  --nonvirt[=LIST]    take the trap away from some privileged instructions, like\n"
	"                      pre-2005 x86: no LIST or 'x86' = getpsw,setpsw,getbase,rfe,jru;\n"
	"                      'pdp10' = jru only; or a comma list of those names\n"
	"  --mem BYTES         guest memory (default 1M; K and M suffixes allowed)\n"
	"  --disk FILE         a disk image for the guest's disk (512-byte sectors)\n"
	"  --input FILE        console input, queued before the guest starts; without it,\n"
	"                      standard input is read whole when it is not a terminal, and\n"
	"                      read as the guest asks when it is one\n"
	"  --max-output BYTES  console bytes kept before output is dropped (default 16M;\n"
	"                      0 = no limit)\n"
	"  --tc-size BYTES     bt: the translation cache's size (default 64K, at least 1K)\n"
	"  --cpu NAME          the processor the monitor's costs are priced for: toy (the\n"
	"                      default), early (the first VT-x, 2005) or modern (2009 on)\n"
	"  --passthrough con2  hw: give the VM the second console: no exit on its ports\n"
	"  --balloon PAGES     pv: ask the guest's balloon driver for PAGES 4K pages back\n";

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

/* A count: decimal or 0x hex, with an optional K or M suffix (x1024). */
static bool parse_count(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	if (*end == 'K' || *end == 'k') {
		v <<= 10;
		end++;
	} else if (*end == 'M' || *end == 'm') {
		v <<= 20;
		end++;
	}
	*out = v;
	return *end == 0;
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

	if (r == -2)
		return runopt_usage(o, "option '%s' needs a value", arg);
	if (r != 0)
		return r < 0 ? -1 : 0;
	if (arg[0] == '-' && arg[1])
		return runopt_usage(o, "unknown option '%s'", arg);
	if (*image)
		return runopt_usage(o, "one IMAGE only: '%s' too", arg);
	*image = arg;
	return 0;
}

int runopt_parse(struct runopts *o, int argc, char **argv, int *i)
{
	const char *v;
	bool lacking = false;
	uint64_t n;

	if (!strcmp(argv[*i], "--nonvirt") || !strncmp(argv[*i], "--nonvirt=", 10)) {
		const char *spec = argv[*i][9] == '=' ? argv[*i] + 10 : "", *bad = NULL;
		int mask = cpu_parse_nonvirt(spec, &bad);
		if (mask < 0) {
			runopt_error(o, "--nonvirt: unknown instruction '%.*s' (valid: x86, pdp10, or "
				     "a list of getpsw, setpsw, getbase, rfe, jru)",
				     (int)strcspn(bad, ","), bad);
			return -1;
		}
		o->vm.nonvirt = (unsigned)mask;
		return 1;
	}
	if ((v = value_of("--max-steps", argc, argv, i, &lacking))) {
		if (!parse_count(v, &n) || n == 0) {
			runopt_error(o, "--max-steps: '%s' is not a positive number", v);
			return -1;
		}
		o->vm.step_limit = n;
	} else if ((v = value_of("--mem", argc, argv, i, &lacking))) {
		if (!parse_count(v, &n) || n < 64 || n > VM_MAX_MEM || n % 4) {
			runopt_error(o, "--mem: '%s' is not a memory size (a multiple of 4, 64 to %u)",
				     v, VM_MAX_MEM);
			return -1;
		}
		o->vm.mem_size = (uint32_t)n;
	} else if ((v = value_of("--max-output", argc, argv, i, &lacking))) {
		if (!parse_count(v, &n)) {
			runopt_error(o, "--max-output: '%s' is not a number of bytes", v);
			return -1;
		}
		o->vm.max_output = n;
	} else if ((v = value_of("--tc-size", argc, argv, i, &lacking))) {
		if (!parse_count(v, &n) || n < VM_MIN_TC || n > VM_MAX_MEM) {
			runopt_error(o, "--tc-size: '%s' is not a cache size (%u to %u bytes)", v,
				     VM_MIN_TC, VM_MAX_MEM);
			return -1;
		}
		o->vm.tc_size = (uint32_t)n;
	} else if ((v = value_of("--cpu", argc, argv, i, &lacking))) {
		if (!vmm_cpu_parse(v, &o->vm.cpu)) {
			runopt_error(o, "--cpu: unknown processor '%s' (valid: %s)", v, vmm_cpu_names());
			return -1;
		}
	} else if ((v = value_of("--passthrough", argc, argv, i, &lacking))) {
		if (strcmp(v, "con2") != 0) {
			runopt_error(o, "--passthrough: unknown device '%s' (valid: con2)", v);
			return -1;
		}
		o->vm.passthrough |= VM_PASS_CON2;
	} else if ((v = value_of("--balloon", argc, argv, i, &lacking))) {
		if (!parse_count(v, &n) || n > VM_MAX_MEM / VM_PAGE) {
			runopt_error(o, "--balloon: '%s' is not a number of pages", v);
			return -1;
		}
		o->vm.balloon = (uint32_t)n;
	} else if ((v = value_of("--disk", argc, argv, i, &lacking))) {
		o->vm.disk_path = v;
	} else if ((v = value_of("--input", argc, argv, i, &lacking))) {
		o->input_path = v;
	} else {
		return lacking ? -2 : 0;
	}
	return 1;
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
