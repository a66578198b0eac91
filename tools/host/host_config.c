/*
 * tools/host/host_config.c: the host's config file and --vm options (see
 * host_config.h). The file is INI, read by the inih library (ini.h), line
 * by line through our own reader, which counts lines so that every
 * message names the line it is about.
 */
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_config.h"
#include "runopts.h"

static const char *const key_names[KEY_COUNT] = {
	[KEY_NAME] = "name", [KEY_KERNEL] = "kernel", [KEY_DISK] = "disk", [KEY_MODE] = "mode",
	[KEY_MEM] = "mem", [KEY_WEIGHT] = "weight", [KEY_CAP] = "cap", [KEY_BASE] = "base",
	[KEY_CONSOLE] = "console", [KEY_INPUT] = "input", [KEY_NONVIRT] = "nonvirt",
	[KEY_CPU] = "cpu", [KEY_MAX_STEPS] = "max-steps", [KEY_MAX_OUTPUT] = "max-output",
	[KEY_TC_SIZE] = "tc-size",
};

enum host_key { HKEY_MEMORY, HKEY_SLICE, HKEY_PERIOD, HKEY_OVERCOMMIT, HKEY_MAX_CYCLES, HKEY_COUNT };
static const char *const host_key_names[HKEY_COUNT] = {
	"memory", "slice", "period", "overcommit", "max-cycles",
};

const char *hostcfg_key_name(enum hostcfg_key k)
{
	return (unsigned)k < KEY_COUNT ? key_names[k] : "?";
}

void hostcfg_init(struct host_config *c)
{
	memset(c, 0, sizeof *c);
}

static bool failf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool failf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return false;
}

/* ---- values ------------------------------------------------------------ */

/* A count: decimal or 0x hex, an optional K, M or G (x1024) suffix. */
static bool count_of(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	default: break;
	}
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return false;
	*out = v << shift;
	return true;
}

static bool yes_no(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" }, *const no[] = { "no", "false", "off", "0" };
	for (int i = 0; i < 4; i++) {
		if (!strcmp(s, yes[i]))
			return (*out = true);
		if (!strcmp(s, no[i]))
			return !(*out = false);
	}
	return false;
}

/* A path, relative to the config's folder unless absolute. */
static bool set_path(const struct host_config *c, char *dst, const char *v, char *err, size_t errlen)
{
	int n;

	if (!*v)
		return failf(err, errlen, "an empty path");
	if (v[0] == '/' || !c->dir[0])
		n = snprintf(dst, HOSTCFG_PATH_MAX, "%s", v);
	else
		n = snprintf(dst, HOSTCFG_PATH_MAX, "%s/%s", c->dir, v);
	if (n < 0 || n >= HOSTCFG_PATH_MAX)
		return failf(err, errlen, "a path longer than %d bytes", HOSTCFG_PATH_MAX - 1);
	return true;
}

/* VM key k = v. False with what is wrong (no location) in err. */
static bool set_vm_key(const struct host_config *c, struct hostcfg_vm *m, enum hostcfg_key k,
		       const char *v, char *err, size_t errlen)
{
	struct vm_options *o = &m->o.vm;
	uint64_t n;
	const char *bad = NULL;
	int mask;

	switch (k) {
	case KEY_NAME:
		if (!*v || strlen(v) >= HOST_NAME_MAX || strspn(v, "abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != strlen(v))
			return failf(err, errlen, "name '%s': 1 to %d letters, digits, '-', '_' or '.'", v,
				     HOST_NAME_MAX - 1);
		snprintf(m->o.name, sizeof m->o.name, "%s", v);
		return true;
	case KEY_KERNEL: return set_path(c, m->kernel, v, err, errlen);
	case KEY_DISK: return set_path(c, m->disk, v, err, errlen);
	case KEY_CONSOLE: return set_path(c, m->console, v, err, errlen);
	case KEY_INPUT: return set_path(c, m->input, v, err, errlen);
	case KEY_MODE:
		if (!vmm_mode_parse(v, &o->mode))
			return failf(err, errlen, "unknown mode '%s' (valid: emulate, trap, hybrid, patch, bt, "
				     "hw, pv)", v);
		if (o->mode == MODE_BARE)
			return failf(err, errlen, "mode bare cannot be hosted: a bare guest owns the whole "
				     "machine (choose a monitor: emulate, trap, hybrid, patch, bt, hw or pv)");
		return true;
	case KEY_MEM:
		if (!count_of(v, &n) || n < 64 || n > VM_MAX_MEM || n % 4)
			return failf(err, errlen, "mem '%s' is not a memory size (a multiple of 4, 64 to %u)",
				     v, VM_MAX_MEM);
		o->mem_size = (uint32_t)n;
		return true;
	case KEY_WEIGHT:
		if (!count_of(v, &n) || n < 1 || n > SCHED_MAX_WEIGHT)
			return failf(err, errlen, "weight '%s': must be 1 to %d", v, SCHED_MAX_WEIGHT);
		m->o.weight = (uint32_t)n;
		return true;
	case KEY_CAP: {
		char num[32];
		size_t len = strlen(v);
		snprintf(num, sizeof num, "%.*s", (int)(len && v[len - 1] == '%' ? len - 1 : len), v);
		if (!count_of(num, &n) || n > 100)
			return failf(err, errlen, "cap '%s': must be 0 (none) to 100 (percent)", v);
		m->o.cap = (uint32_t)n;
		return true;
	}
	case KEY_BASE:
		if (!count_of(v, &n) || n == 0 || n >= HOST_MAX_MEM || n % PAGE_SIZE)
			return failf(err, errlen, "base '%s': an address in host memory, a multiple of 4K", v);
		m->o.base = (uint32_t)n;
		return true;
	case KEY_NONVIRT:
		mask = cpu_parse_nonvirt(v, &bad);
		if (mask < 0)
			return failf(err, errlen, "nonvirt: unknown instruction '%.*s' (valid: x86, pdp10, or "
				     "a list of getpsw, setpsw, getbase, rfe, jru)", (int)strcspn(bad, ","), bad);
		o->nonvirt = (unsigned)mask;
		return true;
	case KEY_CPU:
		if (!vmm_cpu_parse(v, &o->cpu))
			return failf(err, errlen, "unknown processor '%s' (valid: %s)", v, vmm_cpu_names());
		return true;
	case KEY_MAX_STEPS:
		if (!count_of(v, &n) || n == 0)
			return failf(err, errlen, "max-steps '%s' is not a positive number", v);
		o->step_limit = n;
		return true;
	case KEY_MAX_OUTPUT:
		if (!count_of(v, &n))
			return failf(err, errlen, "max-output '%s' is not a number of bytes", v);
		o->max_output = n;
		return true;
	case KEY_TC_SIZE:
		if (!count_of(v, &n) || n < VM_MIN_TC || n > VM_MAX_MEM)
			return failf(err, errlen, "tc-size '%s' is not a cache size (%u to %u bytes)", v,
				     VM_MIN_TC, VM_MAX_MEM);
		o->tc_size = (uint32_t)n;
		return true;
	case KEY_COUNT: break;
	}
	return failf(err, errlen, "no such key");
}

bool hostcfg_set_host(struct host_config *c, const char *key, const char *v, char *err, size_t errlen)
{
	uint64_t n;

	if (!strcmp(key, "memory")) {
		if (!count_of(v, &n) || n < 4096 || n > HOST_MAX_MEM || n % 4)
			return failf(err, errlen, "memory '%s' is not a memory size (a multiple of 4, 4K to "
				     "%u)", v, HOST_MAX_MEM);
		c->host.mem_size = (uint32_t)n;
	} else if (!strcmp(key, "slice")) {
		if (!count_of(v, &n) || n < 1000 || n > (1ull << 40))
			return failf(err, errlen, "slice '%s': 1000 cycles to 2^40", v);
		c->host.slice = n;
	} else if (!strcmp(key, "period")) {
		if (!count_of(v, &n) || n < 1 || n > 1000)
			return failf(err, errlen, "period '%s': 1 to 1000 slices", v);
		c->host.period = (uint32_t)n;
	} else if (!strcmp(key, "overcommit")) {
		if (!yes_no(v, &c->host.overcommit))
			return failf(err, errlen, "overcommit '%s': yes or no", v);
	} else if (!strcmp(key, "max-cycles")) {
		if (!count_of(v, &n) || n == 0)
			return failf(err, errlen, "max-cycles '%s' is not a positive number", v);
		c->max_cycles = n;
	} else {
		return failf(err, errlen, "unknown key '%s' in [host] (valid: memory, slice, period, "
			     "overcommit, max-cycles)", key);
	}
	return true;
}

static int key_of(const char *name)
{
	for (int k = 0; k < KEY_COUNT; k++)
		if (!strcmp(name, key_names[k]))
			return k;
	return -1;
}

static struct hostcfg_vm *new_vm(struct host_config *c, const char *file, int line)
{
	struct hostcfg_vm *m;

	if (c->nvms >= HOST_MAX_VMS)
		return NULL;
	m = &c->vm[c->nvms++];
	memset(m, 0, sizeof *m);
	vm_options_init(&m->o.vm);
	m->o.vm.mode = MODE_TRAP;
	m->o.vm.step_limit = RUNOPT_DEFAULT_STEPS;
	m->o.vm.max_output = RUNOPT_DEFAULT_OUTPUT;
	m->o.weight = SCHED_DEFAULT_WEIGHT;
	m->file = file;
	m->line = line;
	return m;
}

/* ---- the file ------------------------------------------------------------ */

struct parse {
	struct host_config *c;
	const char *file;
	const char *text, *end, *at;  /* the reader's position */
	int line;
	char section[64];             /* the section of the last header, as written */
	int section_line;
	struct hostcfg_vm *vm;        /* the [vm] section's VM */
	char err[HOSTCFG_ERR];
	int err_line;
};

/* The section just ended was a [vm] with no keys at all (inih never told
 * the handler of it): an error. */
static bool empty_vm_section(struct parse *p)
{
	if (strncmp(p->section, "vm", 2) != 0 || p->vm)
		return false;
	snprintf(p->err, sizeof p->err, "[%s] has no kernel", p->section);
	p->err_line = p->section_line;
	return true;
}

/* inih's reader: the next line of the text, counted. */
static char *read_line(char *str, int num, void *stream)
{
	struct parse *p = stream;
	const char *nl;
	size_t len;

	if (p->at >= p->end || p->err_line)
		return NULL;
	nl = memchr(p->at, '\n', (size_t)(p->end - p->at));
	len = nl ? (size_t)(nl - p->at) + 1 : (size_t)(p->end - p->at);
	p->line++;
	if (len > (size_t)num - 1) {
		snprintf(p->err, sizeof p->err, "a line longer than %d characters", num - 2);
		p->err_line = p->line;
		return NULL;
	}
	if (memchr(p->at, 0, len)) {
		snprintf(p->err, sizeof p->err, "a NUL byte: this is not a text file");
		p->err_line = p->line;
		return NULL;
	}
	memcpy(str, p->at, len);
	str[len] = 0;
	p->at += len;
	/* A section's header: noted here, so that an empty section is not lost
	 * (inih tells the handler only of keys). */
	{
		const char *s = str + strspn(str, " \t\r\v\f"); /* as inih skips (isspace) */
		if (*s == '[') {
			size_t n = strcspn(s + 1, "]\r\n");
			if (empty_vm_section(p))
				return NULL;
			snprintf(p->section, sizeof p->section, "%.*s", (int)n, s + 1);
			p->section_line = p->line;
			p->vm = NULL;
		}
	}
	return str;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	struct host_config *c = p->c;
	char why[HOSTCFG_ERR - 80];

	if (p->err_line)
		return 0;
	if (!*section) {
		snprintf(p->err, sizeof p->err, "'%s' outside a section: start with [host] or [vm NAME]", name);
		goto bad;
	}
	if (!strcmp(section, "host")) {
		int k;
		for (k = 0; k < HKEY_COUNT && strcmp(name, host_key_names[k]); k++)
			;
		if (k < HKEY_COUNT && c->host_line[k]) {
			snprintf(p->err, sizeof p->err, "'%s' given twice (first at line %d)", name,
				 c->host_line[k]);
			goto bad;
		}
		if (!hostcfg_set_host(c, name, value, why, sizeof why)) {
			snprintf(p->err, sizeof p->err, "%s", why);
			goto bad;
		}
		c->host_line[k] = p->line;
		return 1;
	}
	if (strncmp(section, "vm ", 3) != 0) {
		snprintf(p->err, sizeof p->err, "unknown section [%s] (valid: [host], [vm NAME])", section);
		goto bad;
	}
	if (!p->vm) {
		const char *vname = section + 3 + strspn(section + 3, " ");
		for (int i = 0; i < c->nvms; i++)
			if (!strcmp(c->vm[i].o.name, vname)) {
				snprintf(p->err, sizeof p->err, "VM '%s' given twice (first at line %d)", vname,
					 c->vm[i].line);
				goto bad;
			}
		if (!(p->vm = new_vm(c, p->file, p->section_line))) {
			snprintf(p->err, sizeof p->err, "more than %d VMs", HOST_MAX_VMS);
			goto bad;
		}
		if (!set_vm_key(c, p->vm, KEY_NAME, vname, why, sizeof why)) {
			snprintf(p->err, sizeof p->err, "[%s]: %s", section, why);
			goto bad;
		}
	}
	int k = key_of(name);
	if (k < 0 || k == KEY_NAME) {
		snprintf(p->err, sizeof p->err, "unknown key '%s' in [%s] (valid: kernel, disk, mode, mem, "
			 "weight, cap, base, console, input, nonvirt, cpu, max-steps, max-output, tc-size)",
			 name, section);
		goto bad;
	}
	if (p->vm->key_line[k]) {
		snprintf(p->err, sizeof p->err, "'%s' given twice (first at line %d; a line that starts "
			 "with a space continues the one before)", name, p->vm->key_line[k]);
		goto bad;
	}
	if (!set_vm_key(c, p->vm, (enum hostcfg_key)k, value, why, sizeof why)) {
		snprintf(p->err, sizeof p->err, "%s", why);
		goto bad;
	}
	p->vm->key_line[k] = p->line;
	return 1;
bad:
	p->err_line = p->line;
	return 0;
}

/* The folder of path, for relative paths ("" for the current one). */
static void folder_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');
	snprintf(dir, len, "%.*s", slash ? (int)(slash == path ? 1 : slash - path) : 0, path);
}

bool hostcfg_parse(struct host_config *c, const char *file, const char *text, size_t len, char *err,
		   size_t errlen)
{
	struct parse p = { .c = c, .file = file, .text = text, .end = text + len, .at = text };
	int r;

	c->file = file;
	folder_of(file, c->dir, sizeof c->dir);
	r = ini_parse_stream(read_line, &p, on_key, &p);
	if (p.err_line)
		return failf(err, errlen, "%s:%d: error: %s", file, p.err_line, p.err);
	if (r > 0)
		return failf(err, errlen, "%s:%d: error: not a [section], a 'key = value' line or a "
			     "comment", file, r);
	if (r < 0)
		return failf(err, errlen, "%s: error: cannot be read", file);
	if (empty_vm_section(&p))
		return failf(err, errlen, "%s:%d: error: %s", file, p.err_line, p.err);
	return true;
}

bool hostcfg_load(struct host_config *c, const char *path, char *err, size_t errlen)
{
	enum { MAX_CONFIG = 1 << 20 };
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	bool ok;

	c->unreadable = true; /* until the text is read */
	if (!f)
		return failf(err, errlen, "%s: error: cannot open: %s", path, strerror(errno));
	buf = malloc(MAX_CONFIG + 1);
	if (!buf) {
		fclose(f);
		return failf(err, errlen, "%s: error: out of memory", path);
	}
	n = fread(buf, 1, MAX_CONFIG + 1, f);
	ok = !ferror(f);
	fclose(f);
	if (!ok || n > MAX_CONFIG) {
		free(buf);
		return failf(err, errlen, "%s: error: %s", path, ok ? "larger than 1 MiB: not a config"
								 : "read error");
	}
	c->unreadable = false;
	ok = hostcfg_parse(c, path, buf, n, err, errlen);
	free(buf);
	return ok;
}

/* ---- --vm KEY=VALUE,... ------------------------------------------------- */

bool hostcfg_add_vm(struct host_config *c, const char *spec, int which, char *err, size_t errlen)
{
	struct hostcfg_vm *m = new_vm(c, "--vm", which);
	char why[HOSTCFG_ERR], item[HOSTCFG_PATH_MAX + 32];
	char saved_dir[HOSTCFG_PATH_MAX];

	if (!m)
		return failf(err, errlen, "--vm %d: error: more than %d VMs", which, HOST_MAX_VMS);
	for (const char *s = spec; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7F) {
			c->nvms--;
			return failf(err, errlen, "--vm %d: error: a control character (byte %u) in the spec",
				     which, (unsigned char)*s);
		}
	/* Paths on the command line are the shell's: relative to here. */
	memcpy(saved_dir, c->dir, sizeof saved_dir);
	c->dir[0] = 0;
	for (const char *s = spec; *s;) {
		size_t n = strcspn(s, ",");
		const char *eq;
		int k;

		if (n >= sizeof item) {
			failf(err, errlen, "--vm %d: error: an item longer than %zu bytes", which, sizeof item - 1);
			goto out;
		}
		snprintf(item, sizeof item, "%.*s", (int)n, s);
		s += n + (s[n] == ',');
		eq = strchr(item, '=');
		if (!eq) {
			failf(err, errlen, "--vm %d: error: '%s' is not KEY=VALUE", which, item);
			goto out;
		}
		item[eq - item] = 0;
		k = key_of(item);
		if (k < 0) {
			failf(err, errlen, "--vm %d: error: unknown key '%s' (valid: name, kernel, disk, mode, "
			      "mem, weight, cap, base, console, input, nonvirt, cpu, max-steps, max-output, "
			      "tc-size)", which, item);
			goto out;
		}
		if (m->key_line[k]) {
			failf(err, errlen, "--vm %d: error: '%s' given twice", which, item);
			goto out;
		}
		if (!set_vm_key(c, m, (enum hostcfg_key)k, eq + 1, why, sizeof why)) {
			failf(err, errlen, "--vm %d: error: %s", which, why);
			goto out;
		}
		m->key_line[k] = which;
	}
	if (!m->o.name[0])
		snprintf(m->o.name, sizeof m->o.name, "vm%d", which);
	for (int i = 0; i < c->nvms - 1; i++)
		if (!strcmp(c->vm[i].o.name, m->o.name)) {
			failf(err, errlen, "--vm %d: error: VM '%s' given twice", which, m->o.name);
			goto out;
		}
	memcpy(c->dir, saved_dir, sizeof saved_dir);
	return true;
out:
	memcpy(c->dir, saved_dir, sizeof saved_dir);
	return false;
}

void hostcfg_where(const struct host_config *c, int vm, int key, char *buf, size_t len)
{
	const struct hostcfg_vm *m;
	int line;

	if (vm < 0 || vm >= c->nvms) {
		snprintf(buf, len, "%s: error: ", c->file ? c->file : "trapeze: host");
		return;
	}
	m = &c->vm[vm];
	line = key >= 0 && key < KEY_COUNT && m->key_line[key] ? m->key_line[key] : m->line;
	if (!strcmp(m->file, "--vm"))
		snprintf(buf, len, "--vm %d: error: ", m->line);
	else
		snprintf(buf, len, "%s:%d: error: ", m->file, line);
}

bool hostcfg_check(const struct host_config *c, char *err, size_t errlen)
{
	char where[HOSTCFG_PATH_MAX + 64];

	if (!c->nvms)
		return failf(err, errlen, "%s: error: no VM given (a [vm NAME] section, or --vm)",
			     c->file ? c->file : "trapeze: host");
	for (int i = 0; i < c->nvms; i++)
		if (!c->vm[i].kernel[0]) {
			hostcfg_where(c, i, -1, where, sizeof where);
			return failf(err, errlen, "%sVM '%s' has no kernel", where, c->vm[i].o.name);
		}
	return true;
}
