/*
 * tests/exitcode_test.c: the exit-code contract, row by row (tools/exitcode.h).
 * Owns: each status of the table, from every subcommand that can end with
 *       it: success, the guest's own halt code (and --exit-status tool),
 *       input error, usage error, host failure, divergence, resource
 *       control, --timeout, --max-steps, idle for ever, triple fault; and
 *       that the README and the man page print the same table.
 * Not:  the messages themselves (badinput_test.c, vmm_cli_test.c).
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exitcode.h"
#include "vmm/vmtest.h"

/* Run a shell command line in which $T is the trapeze binary; its exit
 * status, and what it wrote on both streams in *out (may be NULL). */
static int sh(char **out, const char *fmt, ...)
{
	const char *bin = getenv("TRAPEZE");
	char line[2048], cmd[2400];
	size_t len = 0, got;
	char *buf = calloc(1, 1 << 16);
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* stdin from /dev/null: run and diff read all of a stdin that is not a
	 * terminal as the guest's input (a pipe inside the line has its own). */
	snprintf(cmd, sizeof cmd, "T='%s'; (%s) </dev/null 2>&1", bin && *bin ? bin : "build/trapeze",
		 line);
	p = popen(cmd, "r");
	cr_assert(p && buf, "cannot run %s", cmd);
	while (len < (1 << 16) - 1 && (got = fread(buf + len, 1, (1 << 16) - 1 - len, p)) > 0)
		len += got;
	st = pclose(p);
	if (out)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The status of the command line, asserted, with its output on failure. */
static void expect_status(int want, const char *what, const char *fmt, const char *arg)
{
	char *out;
	int got = sh(&out, fmt, arg, arg, arg);
	cr_expect_eq(got, want, "%s: exit %d, not %d:\n%s", what, got, want, out);
	free(out);
}

/* An assembled program from source text; its ELF path in elf (96 bytes). */
static void program(const char *source, char *elf)
{
	char src[64];
	vt_make_file(src, source);
	snprintf(elf, 96, "%s.elf", src);
	cr_assert_eq(sh(NULL, "\"$T\" asm -o '%s' '%s'", elf, src), 0, "%s", source);
	unlink(src);
}

Test(exitcode, success_is_0_everywhere)
{
	char elf[96];

	vt_elf("echo", elf); /* halts 0 */
	expect_status(EXIT_OK, "run", "\"$T\" run '%s'", elf);
	expect_status(EXIT_OK, "diff", "\"$T\" diff --modes bare,trap,emulate '%s'", elf);
	expect_status(EXIT_OK, "dis", "\"$T\" dis '%s' >/dev/null", elf);
	expect_status(EXIT_OK, "mon", "echo 'step 3' | \"$T\" mon '%s'", elf);
	expect_status(EXIT_OK, "isadoc", "\"$T\" isadoc --check isa-spec/ISA.md%s", "");
	expect_status(EXIT_OK, "--version", "\"$T\" --version%s", "");
	expect_status(EXIT_OK, "--help", "\"$T\" --help >/dev/null%s", "");
	unlink(elf);
}

Test(exitcode, run_exits_with_the_guest_halt_code_or_0_with_exit_status_tool)
{
	char elf[96], *out;

	program("\tli r1, 7\n\tout PORT_POWER, r1\n", elf);
	expect_status(7, "the guest's 7", "\"$T\" run '%s'", elf);
	expect_status(7, "the guest's 7 under trap", "\"$T\" run --mode trap '%s'", elf);
	cr_expect_eq(sh(&out, "\"$T\" run --exit-status tool '%s'", elf), EXIT_OK);
	cr_expect(strstr(out, "trapeze: run: the guest halted with code 7"), "%s", out);
	free(out);
	unlink(elf);
	/* A guest whose code is one of the tool's: --exit-status tool tells. */
	program("\tli r1, 124\n\tout PORT_POWER, r1\n", elf);
	expect_status(124, "a guest that halts with 124", "\"$T\" run '%s'", elf);
	expect_status(EXIT_OK, "... and with --exit-status tool", "\"$T\" run --exit-status=tool '%s'",
		      elf);
	unlink(elf);
}

Test(exitcode, input_errors_are_1)
{
	char bad[96], elf[96];

	vt_make_file(bad, "\tfrobnicate r1\n");
	vt_elf("echo", elf);
	expect_status(EXIT_INPUT, "asm of a wrong line", "\"$T\" asm -o '%s.elf' '%s'", bad);
	expect_status(EXIT_INPUT, "run of no file", "\"$T\" run /nonexistent.elf%s", "");
	expect_status(EXIT_INPUT, "run of a source file", "\"$T\" run '%s'", bad);
	expect_status(EXIT_INPUT, "dis of a source file", "\"$T\" dis '%s'", bad);
	expect_status(EXIT_INPUT, "diff of a source file", "\"$T\" diff '%s'", bad);
	expect_status(EXIT_INPUT, "mon of a source file", "\"$T\" mon '%s' </dev/null", bad);
	expect_status(EXIT_INPUT, "a disk that is not there",
		      "\"$T\" run --disk /nonexistent.img '%s'", elf);
	expect_status(EXIT_INPUT, "a monitor script's failed command",
		      "echo 'frobnicate' | \"$T\" mon '%s'", elf);
	expect_status(EXIT_INPUT, "host of no config", "\"$T\" host /nonexistent.conf%s", "");
	expect_status(EXIT_INPUT, "host of a source file", "\"$T\" host --vm name=a,kernel=%s", bad);
	expect_status(EXIT_INPUT, "bench without a guest OS",
		      "\"$T\" bench --techniques --build /nonexistent%s", "");
	unlink(bad);
	unlink(elf);
}

Test(exitcode, usage_errors_are_2_in_every_subcommand)
{
	static const char *const lines[] = {
		"\"$T\"", "\"$T\" frob", "\"$T\" asm --frob x.s", "\"$T\" dis --frob",
		"\"$T\" run --frob x.elf", "\"$T\" diff --frob x.elf", "\"$T\" classify --frob",
		"\"$T\" tui --frob x.elf", "\"$T\" mon --frob x.elf", "\"$T\" bench --frob",
		"\"$T\" bench --techniques --frob", "\"$T\" isadoc --frob",
		/* bad values */
		"\"$T\" run --max-steps many x.elf", "\"$T\" run --mode warp x.elf",
		"\"$T\" diff --modes bare,warp x.elf", "\"$T\" classify --samples 0",
		"\"$T\" bench --runs 0", "\"$T\" bench --techniques --cpu z80",
		"\"$T\" mon --mem 3 x.elf", "\"$T\" run --exit-status maybe x.elf",
		/* too large, and options that do not apply */
		"\"$T\" run --mem 18014398509481985K x.elf", "\"$T\" run --balloon 3 x.elf",
		"\"$T\" tui --mode bt --passthrough con2 x.elf", "\"$T\" run --nonvirt= x.elf",
		"\"$T\" tui --timeout 5 x.elf", "\"$T\" host --frob", "\"$T\" host --timeout 0 x.conf",
		"\"$T\" host --vm name=a,weight=0,kernel=x.elf",
	};

	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		char *out;
		int got = sh(&out, "%s </dev/null", lines[i]);
		cr_expect_eq(got, EXIT_USAGE, "%s: exit %d:\n%s", lines[i], got, out);
		cr_expect(strstr(out, "usage: trapeze") || strstr(out, "(try 'trapeze --help')"),
			  "%s: says neither the usage nor where to find it:\n%s", lines[i], out);
		free(out);
	}
}

Test(exitcode, host_failures_are_120)
{
	char src[96], elf[96];

	vt_make_file(src, "\tnop\n");
	vt_elf("echo", elf);
	expect_status(EXIT_HOST, "asm into a directory that is not there",
		      "\"$T\" asm -o /nonexistent/dir/x.elf '%s'", src);
	expect_status(EXIT_HOST, "dis onto a full disk", "\"$T\" dis '%s' >/dev/full", elf);
	expect_status(EXIT_HOST, "host's CSV into a directory that is not there",
		      "\"$T\" host --csv /nonexistent/dir/x.csv --vm name=a,kernel=%s", elf);
	unlink(src);
	unlink(elf);
}

Test(exitcode, a_divergence_is_121)
{
	char elf[96], md[] = "/tmp/trapeze-isa-XXXXXX";
	int fd;

	vt_elf("nonvirt_getpsw", elf);
	expect_status(EXIT_DIFFERS, "diff under --nonvirt",
		      "\"$T\" diff --modes bare,trap --max-steps 100000 --nonvirt=getpsw '%s' >/dev/null",
		      elf);
	unlink(elf);
	fd = mkstemp(md);
	cr_assert(fd >= 0);
	close(fd);
	cr_assert_eq(sh(NULL, "sed 's/| `add`/| `ADD`/' isa-spec/ISA.md > '%s'", md), 0);
	expect_status(EXIT_DIFFERS, "isadoc --check of a stale copy", "\"$T\" isadoc --check '%s'", md);
	unlink(md);
}

Test(exitcode, going_over_max_output_is_122_resource_control)
{
	char elf[96], *out;

	vt_elf("flood", elf);
	cr_expect_eq(sh(&out, "\"$T\" run --mode trap --max-output 100 --max-steps 100000 '%s' "
			"| wc -c", elf), 0);
	cr_expect(strstr(out, "100\n"), "the console is cut at 100 bytes: %s", out);
	free(out);
	expect_status(EXIT_RESOURCE, "a flood", "\"$T\" run --max-output 100 --max-steps 100000 '%s' "
		      ">/dev/null", elf);
	cr_expect_eq(sh(&out, "\"$T\" run --mode trap --max-output 100 --max-steps 100000 '%s' "
			">/dev/null", elf), EXIT_RESOURCE);
	cr_expect(strstr(out, "trapeze: run: resource control: the guest's console output went over "
			      "--max-output (100 bytes) and was cut there"), "%s", out);
	free(out);
	unlink(elf);
}

Test(exitcode, the_wall_clock_of_timeout_is_123_for_run_diff_mon_and_host)
{
	char elf[96], *out;
	time_t t0 = time(NULL);

	alarm(60); /* a hang fails the test */
	vt_elf("spin", elf);
	cr_expect_eq(sh(&out, "\"$T\" run --timeout 0.3 --max-steps 1000000000000 '%s'", elf),
		     EXIT_TIMEOUT, "%s", out);
	cr_expect(strstr(out, "trapeze: run: timeout: 0.3 seconds of wall-clock time ran out"), "%s",
		  out);
	free(out);
	expect_status(EXIT_TIMEOUT, "run --trace", "\"$T\" run --trace --timeout 0.3 --max-steps "
		      "1000000000000 '%s' 2>/dev/null", elf);
	expect_status(EXIT_TIMEOUT, "diff", "\"$T\" diff --modes bare,emulate --timeout 0.5 --max-steps "
		      "1000000000000 '%s'", elf);
	expect_status(EXIT_TIMEOUT, "diff --matrix", "\"$T\" diff --matrix --timeout 0.5 --max-steps "
		      "1000000000000 '%s'", elf);
	expect_status(EXIT_TIMEOUT, "a host", "\"$T\" host --timeout 0.3 --vm "
		      "name=a,mode=trap,max-steps=1000000000000,kernel=%s", elf);
	expect_status(EXIT_TIMEOUT, "a monitor script", "printf 'continue\\nstep\\n' | \"$T\" mon "
		      "--timeout 0.3 --max-steps 1000000000000 '%s'", elf);
	cr_expect(time(NULL) - t0 < 30, "the timeouts took %lds", (long)(time(NULL) - t0));
	/* A run that ends first is not a timeout. */
	expect_status(EXIT_STEPS, "a run inside its time", "\"$T\" run --timeout 60 --max-steps 5000 "
		      "'%s'", elf);
	unlink(elf);
}

Test(exitcode, the_guest_stopping_for_ever_is_124_125_126)
{
	char elf[96];

	vt_elf("spin", elf);
	expect_status(EXIT_STEPS, "--max-steps", "\"$T\" run --max-steps 5000 '%s'", elf);
	expect_status(EXIT_STEPS, "--max-steps under hw", "\"$T\" run --mode hw --max-steps 5000 '%s'",
		      elf);
	unlink(elf);
	program("\twfi\n", elf);
	expect_status(EXIT_IDLE, "idle for ever", "\"$T\" run '%s'", elf);
	expect_status(EXIT_IDLE, "idle for ever under pv", "\"$T\" run --mode pv '%s'", elf);
	unlink(elf);
	vt_elf("triple", elf);
	expect_status(EXIT_FAULT, "a triple fault", "\"$T\" run '%s'", elf);
	expect_status(EXIT_FAULT, "a triple fault under bt", "\"$T\" run --mode bt '%s'", elf);
	unlink(elf);
}

/* The table is written once (exitcode.h) and printed twice: README and
 * trapeze.1 name every status. */
Test(exitcode, readme_and_man_page_list_every_status)
{
	static const int rows[] = { EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_HOST, EXIT_DIFFERS,
		                    EXIT_RESOURCE, EXIT_TIMEOUT, EXIT_STEPS, EXIT_IDLE, EXIT_FAULT };
	char *readme, *man;

	cr_assert_eq(sh(&readme, "sed -n '/^## Exit statuses/,/^## /p' README.md%s", ""), 0);
	cr_assert_eq(sh(&man, "sed -n '/^\\.SH EXIT STATUS/,/^\\.SH /p' docs/trapeze.1%s", ""), 0);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char cell[16], item[16];
		snprintf(cell, sizeof cell, "| %d |", rows[i]);
		snprintf(item, sizeof item, ".B %d\n", rows[i]);
		cr_expect(strstr(readme, cell), "README's table has no row %d:\n%s", rows[i], readme);
		cr_expect(strstr(man, item), "trapeze.1 has no status %d:\n%s", rows[i], man);
	}
	free(readme);
	free(man);
}
