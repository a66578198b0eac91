/*
 * tests/fuzz/fuzz_hostcfg.c: trapeze host's config parser on any bytes.
 * Owns: the parser's promises: it never crashes or reads past its input;
 *       a refusal is one line "fuzz.conf:LINE: error: what" (or
 *       "fuzz.conf: error: ...") with LINE a line of the input; what it
 *       accepts is in range (a name, a monitor mode, weight 1..65535, cap
 *       0..100, memory 64 bytes to VM_MAX_MEM, at most HOST_MAX_VMS VMs);
 *       and the same bytes as one --vm KEY=VALUE,... spec obey the same.
 * Not:  placing or running anything (fuzz_host.c).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "host_config.h"

static const char H[] = "fuzz_hostcfg";

static void check_accepted(const struct host_config *c)
{
	FUZZ_CHECK(H, c->nvms <= HOST_MAX_VMS, "%d VMs", c->nvms);
	for (int i = 0; i < c->nvms; i++) {
		const struct hostcfg_vm *m = &c->vm[i];
		FUZZ_CHECK(H, m->o.name[0] && memchr(m->o.name, 0, HOST_NAME_MAX), "VM %d: a bad name", i);
		FUZZ_CHECK(H, m->o.vm.mode != MODE_BARE && m->o.vm.mode < MODE_COUNT, "VM %d: mode %d", i,
			   (int)m->o.vm.mode);
		FUZZ_CHECK(H, m->o.weight >= 1 && m->o.weight <= SCHED_MAX_WEIGHT, "VM %d: weight %u", i,
			   m->o.weight);
		FUZZ_CHECK(H, m->o.cap <= 100, "VM %d: cap %u", i, m->o.cap);
		FUZZ_CHECK(H, !m->o.vm.mem_size || (m->o.vm.mem_size >= 64 && m->o.vm.mem_size <= VM_MAX_MEM &&
						    m->o.vm.mem_size % 4 == 0), "VM %d: mem %u", i,
			   m->o.vm.mem_size);
		FUZZ_CHECK(H, m->o.base % 4096 == 0, "VM %d: base 0x%x", i, m->o.base);
		for (int k = 0; k < i; k++)
			FUZZ_CHECK(H, strcmp(c->vm[k].o.name, m->o.name), "VM '%s' twice", m->o.name);
	}
	FUZZ_CHECK(H, c->host.mem_size <= HOST_MAX_MEM, "host memory %u", c->host.mem_size);
}

static void check_refused(const char *err, const char *prefix, int lines)
{
	size_t n = strlen(prefix);

	FUZZ_CHECK(H, !strncmp(err, prefix, n), "no location: '%s'", err);
	FUZZ_CHECK(H, strstr(err, "error: "), "no 'error: ': '%s'", err);
	FUZZ_CHECK(H, !strchr(err, '\n'), "more than one line: '%s'", err);
	if (err[n] == ':' && err[n + 1] >= '0' && err[n + 1] <= '9' && lines >= 0) {
		int line = atoi(err + n + 1);
		FUZZ_CHECK(H, line >= 1 && line <= lines + 1, "line %d of %d: '%s'", line, lines, err);
	}
}

int fuzz_hostcfg(const uint8_t *data, size_t size)
{
	static struct host_config c;
	char err[HOSTCFG_ERR], *spec;
	int lines = 0;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	hostcfg_init(&c);
	if (hostcfg_parse(&c, "fuzz.conf", (const char *)data, size, err, sizeof err)) {
		check_accepted(&c);
		if (!hostcfg_check(&c, err, sizeof err))
			check_refused(err, "fuzz.conf", lines);
	} else {
		check_refused(err, "fuzz.conf", lines);
	}
	/* The same bytes as a --vm spec (up to a NUL). */
	spec = malloc(size + 1);
	FUZZ_CHECK(H, spec != NULL, "out of memory");
	memcpy(spec, data, size);
	spec[size] = 0;
	hostcfg_init(&c);
	if (hostcfg_add_vm(&c, spec, 1, err, sizeof err))
		check_accepted(&c);
	else
		check_refused(err, "--vm 1", -1);
	free(spec);
	fuzz_tally(H, 0);
	return 0;
}

#ifdef TRAPEZE_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_hostcfg(data, size);
}
#endif
