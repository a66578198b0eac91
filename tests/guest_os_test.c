/*
 * tests/guest_os_test.c: the guest OS, booted whole, through the trapeze command.
 * Owns: the golden transcript of the default boot (tests/golden/guest_os_bare.txt),
 *       equivalence of the boot under the VMM modes, and the two lessons the
 *       guest teaches: the red pill's verdicts and the critical-section check.
 * Not:  the guest's sources (guest-os/); the command's own tests.
 *
 * TRAPEZE and BUILD are absolute paths from the environment (make test sets
 * them); the Makefile builds build/guest before the tests run. Runs are
 * deterministic, so every expectation is exact.
 */
#include <criterion/criterion.h>
#include <unistd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define GOLDEN "tests/golden/guest_os_bare.txt"

struct result {
	char *out;    /* what the command wrote (stdout, plus stderr if asked) */
	size_t len;
	int status;   /* its exit status, or -1 if it did not exit */
};

static const char *env(const char *name)
{
	const char *v = getenv(name);
	cr_assert(v && *v, "%s must name an absolute path (make test sets it)", name);
	return v;
}

/* Run `trapeze SUBCOMMAND OPTIONS --disk DISK KERNEL`; stderr too when both. */
static struct result trapeze(const char *subcommand, const char *options, bool both)
{
	const char *build = env("BUILD");
	char cmd[4096];
	struct result r = { NULL, 0, -1 };
	size_t cap = 0;
	FILE *p;
	int n;

	n = snprintf(cmd, sizeof cmd, "'%s' %s %s --disk '%s/guest/disk.img' '%s/guest/kernel.elf' %s </dev/null",
	             env("TRAPEZE"), subcommand, options, build, build, both ? "2>&1" : "2>/dev/null");
	cr_assert(n > 0 && (size_t)n < sizeof cmd);
	p = popen(cmd, "r");
	cr_assert(p, "cannot run %s", cmd);
	for (;;) {
		if (r.len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			r.out = realloc(r.out, cap);
			cr_assert(r.out);
		}
		size_t got = fread(r.out + r.len, 1, 4096, p);
		if (got == 0)
			break;
		r.len += got;
	}
	r.out[r.len] = 0;
	n = pclose(p);
	if (n != -1 && WIFEXITED(n))
		r.status = WEXITSTATUS(n);
	return r;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n = -1;

	cr_assert(f, "cannot open %s", path);
	cr_assert(fseek(f, 0, SEEK_END) == 0);
	n = ftell(f);
	cr_assert(n >= 0 && fseek(f, 0, SEEK_SET) == 0);
	buf = malloc((size_t)n + 1);
	cr_assert(buf);
	cr_assert(fread(buf, 1, (size_t)n, f) == (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void contains(const struct result *r, const char *what)
{
	cr_expect(strstr(r->out, what) != NULL, "expected \"%s\" in:\n%s", what, r->out);
}

static void lacks(const struct result *r, const char *what)
{
	cr_expect(strstr(r->out, what) == NULL, "did not expect \"%s\" in:\n%s", what, r->out);
}

Test(guest_os, bare_boot_matches_golden_and_halts_zero)
{
	struct result r = trapeze("run", "", false);
	size_t len;
	char *want = slurp(GOLDEN, &len);

	cr_expect_eq(r.status, 0, "the kernel halts with 0 when every process has exited");
	cr_expect(r.len == len && memcmp(r.out, want, len) == 0,
	          "the boot's console differs from " GOLDEN ":\n%s", r.out);
	free(want);
	free(r.out);
}

/* P&G equivalence: the guest cannot tell the monitors from the machine. */
Test(guest_os, boot_is_equivalent_bare_emulate_trap)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct result r = trapeze("diff", "--modes bare,emulate,trap", true);

	cr_expect_eq(r.status, 0, "diff found a difference:\n%s", r.out);
	free(r.out);
}

Test(guest_os, hybrid_boot_prints_the_golden_transcript)
{
	struct result r = trapeze("run", "--mode hybrid", false);
	size_t len;
	char *want = slurp(GOLDEN, &len);

	cr_expect_eq(r.status, 0);
	cr_expect(r.len == len && memcmp(r.out, want, len) == 0, "hybrid differs:\n%s", r.out);
	free(want);
	free(r.out);
}

/* Every sensitive instruction traps, bare or virtual: nothing to see. */
Test(guest_os, redpill_says_physical_under_trap_by_default)
{
	struct result r = trapeze("run", "--mode trap", false);

	contains(&r, "redpill: getpsw trapped, setpsw trapped, getbase trapped, rfe trapped, jru trapped");
	contains(&r, "redpill: physical\n");
	free(r.out);
}

/* Bare, silent instructions show the real machine, which is the machine. */
Test(guest_os, redpill_says_physical_bare_with_nonvirt)
{
	struct result r = trapeze("run", "--nonvirt", false);

	contains(&r, "redpill: getpsw silent, setpsw silent, getbase silent, rfe silent, jru silent");
	contains(&r, "redpill: physical\n");
	free(r.out);
}

/* A silent getbase shows the VM's region: the red pill sees through. */
Test(guest_os, redpill_detects_the_vm_with_nonvirt)
{
	struct result r = trapeze("run", "--mode trap --nonvirt=getpsw,getbase", false);

	contains(&r, "redpill: virtual machine detected via getbase\n");
	cr_expect_eq(r.status, 0);
	free(r.out);

	/* The hybrid monitor interprets the kernel, so all of x86's set runs. */
	r = trapeze("run", "--mode hybrid --nonvirt", false);
	contains(&r, "redpill: virtual machine detected via getbase\n");
	cr_expect_eq(r.status, 0);
	free(r.out);
}

Test(guest_os, critical_section_passes_bare)
{
	struct result r = trapeze("run", "", false);

	contains(&r, "critical section: OK");
	lacks(&r, "critical section: FAILED");
	free(r.out);
}

/* setpsw that does not trap: the VMM never learns that IE went off. */
Test(guest_os, critical_section_fails_under_trap_with_nonvirt)
{
	struct result r = trapeze("run", "--mode trap --nonvirt=setpsw", false);

	contains(&r, "critical section: FAILED (interrupt arrived with interrupts disabled)\n");
	free(r.out);

	/* All five silent: rfe cannot turn interrupts on either, and the first
	 * return to a process stays in supervisor mode: the kernel panics. */
	r = trapeze("run", "--mode trap --nonvirt", false);
	contains(&r, "critical section: FAILED (no interrupt arrived with interrupts enabled)\n");
	contains(&r, "kernel panic: boot ran twice");
	cr_expect_eq(r.status, 1);
	free(r.out);
}

/* The equivalence diff names the instruction where bare and trap part. */
Test(guest_os, diff_with_nonvirt_names_the_parting_instruction)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	struct result r = trapeze("diff", "--modes bare,trap --nonvirt=setpsw", true);

	cr_expect_neq(r.status, 0, "bare and trap must differ with --nonvirt=setpsw");
	contains(&r, "setpsw");
	free(r.out);

	r = trapeze("diff", "--modes bare,trap --nonvirt", true);
	cr_expect_neq(r.status, 0, "bare and trap must differ with --nonvirt");
	contains(&r, "rfe");
	free(r.out);
}
