/*
 * tests/fuzz/fuzz_mon.c: the monitor's command language on any lines at all.
 * Owns: the command parser's invariants: each line ends with a status the
 *       front ends know, a failed command says "error: ..." on a line of its
 *       own, a debugger's commands never reach past the guest (the VMM's own
 *       memory stays as filled: vm_vmm_intact), every run ends (the step
 *       limit), and the same lines on the same image give the same output,
 *       as mon.h promises (two monitors, the same script, compared).
 * Not:  the commands' golden output (tests/mon_test.c).
 *
 * Input: one byte choosing the mode and the --nonvirt set, then command
 * lines. The guest is tests/mon/prog.s, the monitor's own test program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "fuzz.h"
#include "mon.h"

static const char H[] = "fuzz_mon";

enum { MAX_LINES = 48, MAX_LINE = 256, STEP_LIMIT = 20000, MEM = 64 * 1024 };

/* The guest, assembled once per process: test-only state. */
static struct image *program(void)
{
	static struct image img;
	static bool ready;
	struct asm_input in = { "tests/mon/prog.s", NULL, 0 };
	struct asm_result r;

	if (!ready) {
		if (!asm_assemble(&in, 1, NULL, &r))
			fuzz_fail(H, "tests/mon/prog.s does not assemble (run from the top of the "
			             "tree):\n%s", asm_diags_text(&r));
		img = r.image;
		memset(&r.image, 0, sizeof r.image);
		asm_result_free(&r);
		ready = true;
	}
	return &img;
}

/* True when text has a line that starts with "error: ". */
static bool says_error(const char *text)
{
	for (const char *p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, "error: ", 7))
			return true;
	return false;
}

/* Run the script on a fresh monitor; its whole output, malloc'd, and the
 * guest instructions it ran added to *ran. */
static char *session(const struct vm_options *o, const char *script, size_t len, uint64_t *ran)
{
	struct mon *m;
	char err[256], *out = NULL, line[MAX_LINE + 1];
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	size_t at = 0;
	int lines = 0;

	FUZZ_CHECK(H, f, "open_memstream");
	FUZZ_CHECK(H, mon_create(&m, o, program(), err, sizeof err), "mon_create: %s", err);
	while (at < len && lines++ < MAX_LINES) {
		size_t n = 0;
		long before = ftell(f);
		enum mon_status s;
		char *said;

		while (at < len && script[at] != '\n' && n < MAX_LINE)
			line[n++] = script[at++];
		while (at < len && script[at++] != '\n')
			;
		line[n] = 0;
		s = mon_execute(m, line, f, NULL, NULL);
		fflush(f);
		FUZZ_CHECK(H, s == MON_OK || s == MON_ERROR || s == MON_QUIT,
		           "'%s' returned status %d", line, (int)s);
		said = out + before;
		FUZZ_CHECK(H, s != MON_ERROR || says_error(said),
		           "'%s' failed without saying 'error: ...'; it said:\n%s", line, said);
		FUZZ_CHECK(H, vm_vmm_intact(m->vm), "after '%s' (%s mode): the VMM's memory changed",
		           line, vmm_mode_name(o->mode));
		FUZZ_CHECK(H, vm_retired(m->vm) <= STEP_LIMIT, "after '%s': %llu instructions, limit %d",
		           line, (unsigned long long)vm_retired(m->vm), STEP_LIMIT);
		if (s == MON_QUIT)
			break;
	}
	*ran += vm_retired(m->vm);
	mon_destroy(m);
	fclose(f);
	return out;
}

int fuzz_mon(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t how = fuzz_byte(&in);
	struct vm_options o;
	const char *bad;
	char *first, *second;
	uint64_t ran = 0;

	vm_options_init(&o);
	o.mode = (enum vmm_mode)(how % MODE_COUNT);
	o.nonvirt = how & 0x80 ? (unsigned)cpu_parse_nonvirt("x86", &bad) : 0;
	o.mem_size = MEM;
	o.step_limit = STEP_LIMIT;
	o.max_output = 4096;
	first = session(&o, (const char *)in.p, in.n, &ran);
	second = session(&o, (const char *)in.p, in.n, &ran);
	FUZZ_CHECK(H, !strcmp(first, second),
	           "the same script said two different things:\n%s\n---- and then:\n%s", first,
	           second);
	free(first);
	free(second);
	fuzz_tally(H, ran);
	return 0;
}

#ifdef TRAPEZE_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_mon(data, size);
}
#endif
