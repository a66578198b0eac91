/*
 * tests/host_cli_test.c: `trapeze host` as a user runs it: its config file,
 *       --vm, bad input, consoles, the report, the CSV and the chart.
 * Owns: every bad config a one-line "FILE:LINE: error: ..." with exit 2 and
 *       nothing started; four mixed-mode guest OSes whose console files
 *       are byte for byte `trapeze run`'s output; prefixed console lines;
 *       the report's and the consolidation's figures; --max-cycles.
 * Not:  the host's machinery (host_test.c, host_hostile_test.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmm/vmtest.h"

static const char *build(void)
{
	const char *b = getenv("BUILD");
	cr_assert(b && *b, "BUILD must name an absolute path (make test sets it)");
	return b;
}

/* A fresh folder for a test's files. */
static void scratch(char *dir)
{
	strcpy(dir, "/tmp/trapeze-host-XXXXXX");
	cr_assert(mkdtemp(dir));
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert(f, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n = -1;
	char *buf;

	cr_assert(f, "cannot open %s", path);
	cr_assert(fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0);
	buf = malloc((size_t)n + 1);
	cr_assert(buf);
	cr_assert(fread(buf, 1, (size_t)n, f) == (size_t)n);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static void cleanup(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_expect(system(cmd) == 0);
}

/* A config of text; run it; expect exit status want and the message
 * (after "CONF:") on one line, and nothing on stdout. */
static void bad_config_exits(const char *text, const char *says, int status_wanted)
{
	char dir[64], conf[128], args[512];
	int status;
	char *out, *err;

	scratch(dir);
	snprintf(conf, sizeof conf, "%s/host.conf", dir);
	write_file(conf, text);
	snprintf(args, sizeof args, "host '%s'", conf);
	out = vt_trapeze(args, VT_STDOUT, &status);
	err = vt_trapeze(args, VT_STDERR, &status);
	cr_expect_eq(status, status_wanted, "exit %d for:\n%s", status, text);
	cr_expect_str_eq(out, "", "nothing started: %s", out);
	{
		char want[600];
		snprintf(want, sizeof want, "trapeze: host: %s:%s", conf, says);
		cr_expect(strstr(err, want), "wanted '%s', got '%s'", want, err);
	}
	cr_expect(strchr(err, '\n') == err + strlen(err) - 1 || strstr(err, "usage:"),
		  "one line: '%s'", err);
	free(out);
	free(err);
	cleanup(dir);
}

/* A config that is wrong: a usage error, exit 2. */
static void bad_config(const char *text, const char *says)
{
	bad_config_exits(text, says, 2);
}

/* A config naming a file that cannot be read: an input error, exit 1. */
static void unreadable_in_config(const char *text, const char *says)
{
	bad_config_exits(text, says, 1);
}

#define KERNEL_LINE(k) "kernel = %s/guest/" k "\n"

Test(host_cli, a_bad_config_is_one_line_with_its_file_and_line_and_exit_2_or_1_for_a_file, .timeout = 60)
{
	char text[2048];
	const char *b = build();

	snprintf(text, sizeof text, "[vm a]\n" KERNEL_LINE("kernel.elf") "colour = blue\n", b);
	bad_config(text, "3: error: unknown key 'colour' in [vm a]");
	unreadable_in_config("[vm a]\nkernel = no/such/kernel.elf\n", "2: error: ");
	snprintf(text, sizeof text, "[vm a]\n" KERNEL_LINE("kernel.elf") "weight = 0\n", b);
	bad_config(text, "3: error: weight '0': must be 1 to 65535");
	snprintf(text, sizeof text, "[vm a]\n" KERNEL_LINE("kernel.elf") "cap = 101\n", b);
	bad_config(text, "3: error: cap '101': must be 0 (none) to 100");
	snprintf(text, sizeof text, "[vm a]\n" KERNEL_LINE("kernel.elf") "mem = 512M\n", b);
	bad_config(text, "3: error: mem '512M' is not a memory size");
	snprintf(text, sizeof text, "[vm a]\n" KERNEL_LINE("kernel.elf") "base = 0x200000\n"
		 "[vm b]\n" KERNEL_LINE("kernel.elf") "base = 0x280000\n", b, b);
	bad_config(text, "6: error: VM 'b': region 0x00280000..0x00380000 overlaps VM 'a'");
	snprintf(text, sizeof text, "[host]\nmemory = 2M\n[vm a]\n" KERNEL_LINE("kernel.elf")
		 "[vm b]\n" KERNEL_LINE("kernel.elf") "mem = 1M\n", b, b);
	bad_config(text, "7: error: VM 'b': its 1048576 bytes do not fit");
	snprintf(text, sizeof text, "[vm a]\n" KERNEL_LINE("kernel.elf") "mode = bare\n", b);
	bad_config(text, "3: error: mode bare cannot be hosted");
	snprintf(text, sizeof text, "[vm a]\n" KERNEL_LINE("kernel.elf") "mode = pv\n", b);
	bad_config(text, "2: error: VM 'a': ");
	snprintf(text, sizeof text, "[vm a]\n" KERNEL_LINE("kernel.elf") "disk = nowhere.img\n", b);
	unreadable_in_config(text, "3: error: VM 'a': disk image");
	bad_config("kernel = x\n", "1: error: 'kernel' outside a section");
	bad_config("[vms a]\nkernel = x\n", "2: error: unknown section [vms a]");
	bad_config("[vm a]\n[vm b]\nkernel = x\n", "1: error: [vm a] has no kernel");
	bad_config("[vm a]\nmode = trap\nmode = hw\n", "3: error: 'mode' given twice");
	bad_config("[vm a]\nmode = trap\n", "1: error: VM 'a' has no kernel");
	bad_config("[vm a]\nthis is not a setting\n", "2: error: not a [section]");
	bad_config("[host]\nspeed = 3\n", "2: error: unknown key 'speed' in [host]");
	bad_config("[host]\novercommit = maybe\n", "2: error: overcommit 'maybe': yes or no");
	{
		char line[400];
		memset(line, 'x', sizeof line - 1);
		line[sizeof line - 1] = 0;
		snprintf(text, sizeof text, "[vm a]\nkernel = %s\n", line);
		bad_config(text, "2: error: a line longer than");
	}
	bad_config("", " error: no VM given");
}

Test(host_cli, bad_options_are_usage_errors)
{
	int status;
	char *out = vt_trapeze("host --vm name=a,colour=blue", VT_STDERR, &status);

	cr_expect_eq(status, 2);
	cr_expect(strstr(out, "trapeze: host: --vm 1: error: unknown key 'colour'"), "%s", out);
	free(out);
	out = vt_trapeze("host --vm name=a", VT_STDERR, &status);
	cr_expect_eq(status, 2);
	cr_expect(strstr(out, "--vm 1: error: VM 'a' has no kernel"), "%s", out);
	free(out);
	out = vt_trapeze("host --frobnicate", VT_STDERR, &status);
	cr_expect_eq(status, 2);
	cr_expect(strstr(out, "unknown option '--frobnicate'"), "%s", out);
	free(out);
	out = vt_trapeze("host no/such.conf", VT_STDERR, &status);
	cr_expect_eq(status, 1, "a config that cannot be read is an input error");
	cr_expect(strstr(out, "no/such.conf: error: cannot open"), "%s", out);
	free(out);
	out = vt_trapeze("host --help", VT_STDOUT, &status);
	cr_expect_eq(status, 0);
	cr_expect(strstr(out, "Type 1 hypervisor") && strstr(out, "Type 2"), "%s", out);
	free(out);
}

/* The Done-when, as a user sees it: four guest OSes in mixed modes, each
 * console to its file, each file `trapeze run`'s output in that mode. */
Test(host_cli, four_mixed_guests_write_what_trapeze_run_prints, .timeout = 120)
{
	static const char *const modes[] = { "trap", "pv", "hw", "patch" };
	char dir[64], conf[128], text[4096], args[1024], path[256];
	int status, n = 0;
	char *out;
	const char *b = build();

	scratch(dir);
	snprintf(conf, sizeof conf, "%s/four.conf", dir);
	for (int i = 0; i < 4; i++)
		n += snprintf(text + n, sizeof text - (size_t)n,
			      "[vm g%d]\nkernel = %s/guest/%s\ndisk = %s/guest/disk.img\nmode = %s\n"
			      "console = g%d.txt   ; relative: beside the config\n", i, b,
			      !strcmp(modes[i], "pv") ? "kernel-pv.elf" : "kernel.elf", b, modes[i], i);
	write_file(conf, text);
	snprintf(args, sizeof args, "host --report '%s'", conf);
	out = vt_trapeze(args, VT_BOTH, &status);
	cr_expect_eq(status, 0, "%s", out);
	cr_expect(strstr(out, "utilisation"), "%s", out);
	free(out);
	for (int i = 0; i < 4; i++) {
		char *got, *want;
		snprintf(path, sizeof path, "%s/g%d.txt", dir, i);
		got = slurp(path);
		snprintf(args, sizeof args, "run --mode %s --disk '%s/guest/disk.img' '%s/guest/%s'", modes[i],
			 b, b, !strcmp(modes[i], "pv") ? "kernel-pv.elf" : "kernel.elf");
		want = vt_trapeze(args, VT_STDOUT, &status);
		cr_expect_str_eq(got, want, "g%d (%s) differs from trapeze run's output", i, modes[i]);
		free(got);
		free(want);
	}
	cleanup(dir);
}

Test(host_cli, consoles_default_to_prefixed_lines_and_the_report_has_the_figures, .timeout = 60)
{
	char dir[64], args[2048], csv[128], svg[128];
	const char *b = build();
	int status;
	char *out, *err, *text;

	scratch(dir);
	snprintf(csv, sizeof csv, "%s/host.csv", dir);
	snprintf(svg, sizeof svg, "%s/racks.svg", dir);
	snprintf(args, sizeof args, "host --report --csv '%s' --chart '%s' "
		 "--vm name=web,kernel=%s/guest/kernel.elf,disk=%s/guest/bench/light.img "
		 "--vm name=db,kernel=%s/guest/kernel-pv.elf,disk=%s/guest/bench/light.img,mode=pv,weight=512 "
		 "--vm name=mail,kernel=%s/guest/kernel.elf,disk=%s/guest/bench/light.img,mode=bt,cap=50",
		 csv, svg, b, b, b, b, b, b);
	out = vt_trapeze(args, VT_STDOUT, &status);
	err = vt_trapeze(args, VT_STDERR, &status);
	cr_expect_eq(status, 0, "%s", err);
	cr_expect(strstr(out, "web| light: 00002140 after 40 requests\n"), "%s", out);
	cr_expect(strstr(out, "db| light: 00002140 after 40 requests\n"), "%s", out);
	cr_expect(strstr(out, "mail| kernel: 1 processes"), "%s", out);
	for (const char *p = out; *p; p = strchr(p, '\n') + 1)
		cr_expect(!strncmp(p, "web| ", 5) || !strncmp(p, "db| ", 4) || !strncmp(p, "mail| ", 6),
			  "every line prefixed: '%.40s'", p);
	cr_expect(strstr(err, "trapeze: host: report"), "%s", err);
	cr_expect(strstr(err, "utilisation"));
	cr_expect(strstr(err, "VM exits by cause"));
	cr_expect(strstr(err, "memory over time"));
	cr_expect(strstr(err, "consolidation: 3 guests"), "%s", err);
	cr_expect(strstr(err, "3 machines alone: mean utilisation"));
	cr_expect(!strstr(err, "DIFFERENT"), "each guest's output on the host is its output alone: %s", err);
	text = slurp(csv);
	cr_expect(!strncmp(text, "vm,mode,weight,cap,state,instructions,busy_cycles,share,promised", 64), "%s", text);
	cr_expect(strstr(text, "\nweb,trap,256,0,halted (0),"), "%s", text);
	cr_expect(strstr(text, "\ndb,pv,512,0,halted (0),"), "%s", text);
	cr_expect(strstr(text, "\nmail,bt,256,50,halted (0),"), "%s", text);
	cr_expect(strstr(text, "\nhost,"), "%s", text);
	cr_expect(strstr(text, ",bare,"), "alone on bare hardware: %s", text);
	cr_expect(strstr(text, ",yes\n"), "%s", text);
	free(text);
	if (system("command -v gnuplot >/dev/null 2>&1") == 0) {
		text = slurp(svg);
		cr_expect(strstr(text, "<svg") && strstr(text, "Consolidation"), "an SVG chart");
		free(text);
	} else {
		cr_expect(strstr(err, "no chart: gnuplot is not installed"), "%s", err);
	}
	free(out);
	free(err);
	cleanup(dir);
}

Test(host_cli, max_cycles_stops_the_host_with_124)
{
	char args[1024];
	int status;
	char *err;

	snprintf(args, sizeof args, "host --max-cycles 100000 --vm name=a,kernel=%s/guest/kernel.elf,"
		 "disk=%s/guest/disk.img", build(), build());
	err = vt_trapeze(args, VT_STDERR, &status);
	cr_expect_eq(status, 124, "%s", err);
	cr_expect(strstr(err, "stopped at --max-cycles"), "%s", err);
	free(err);
}

/* The monitor on a host: info vms, vm N (the commands act on that VM),
 * host CYCLES (every VM by the schedule). */
Test(host_cli, the_monitor_lists_the_vms_and_picks_one, .timeout = 60)
{
	char dir[64], conf[128], text[2048], cmd[1024];
	const char *b = build();
	int status;
	char *out;
	FILE *f;

	scratch(dir);
	snprintf(conf, sizeof conf, "%s/two.conf", dir);
	snprintf(text, sizeof text, "[vm web]\nkernel = %s/guest/kernel.elf\ndisk = %s/guest/bench/light.img\n"
		 "[vm db]\nkernel = %s/guest/kernel-pv.elf\ndisk = %s/guest/bench/light.img\nmode = pv\n"
		 "weight = 512\n", b, b, b, b);
	write_file(conf, text);
	snprintf(cmd, sizeof cmd, "%s/script.mon", dir);
	f = fopen(cmd, "w");
	cr_assert(f);
	fputs("info vms\nvm db\ninfo registers pc\nstep 2\nhost 1000000\nvm 0\nuntil-exit\nvm 9\n"
	      "vm nosuch\nrestart\n", f);
	fclose(f);
	snprintf(text, sizeof text, "'%s' mon --host '%s' < '%s/script.mon' 2>&1",
		 getenv("TRAPEZE") ? getenv("TRAPEZE") : "build/trapeze", conf, dir);
	f = popen(text, "r");
	cr_assert(f);
	out = calloc(1, 65536);
	cr_assert(out);
	fread(out, 1, 65535, f);
	status = pclose(f);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 1, "a script with failed commands: 1");
	cr_expect(strstr(out, "* 0   web        trap    runnable"), "%s", out);
	cr_expect(strstr(out, "  1   db         pv      runnable"), "%s", out);
	cr_expect(strstr(out, "vm 1 (db, pv)\n=> 0x00000000 <boot>:"), "vm db selects it: %s", out);
	cr_expect(strstr(out, "=> 0x00000008 <boot+8>"), "step runs db alone: %s", out);
	cr_expect(strstr(out, "host: 1000") && strstr(out, " cycles run (busy "), "%s", out);
	cr_expect(strstr(out, "* 1   db"), "%s", out);
	cr_expect(strstr(out, "vm 0 (web, trap)"), "%s", out);
	cr_expect(strstr(out, "emulated by the VMM]"), "until-exit on web: %s", out);
	cr_expect(strstr(out, "error: no VM 9: the host has 2 (info vms)"), "%s", out);
	cr_expect(strstr(out, "error: no VM 'nosuch' (info vms lists them)"), "%s", out);
	cr_expect(strstr(out, "error: a host's VMs cannot start again one by one"), "%s", out);
	free(out);
	out = vt_trapeze("mon --host", VT_STDERR, &status);
	cr_expect_eq(status, 2, "%s", out);
	free(out);
	cleanup(dir);
}
