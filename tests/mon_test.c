/*
 * tests/mon_test.c: the monitor, driven by scripts, against golden transcripts.
 * Owns: the transcripts of tests/mon/prog.mon (on tests/mon/prog.s) and
 *       tests/mon/guest.mon (on the guest OS) in every mode, under
 *       tests/golden/mon_*.txt; the command reading a script on stdin with
 *       no prompt; bad commands; prefixes and aliases; expressions;
 *       completion; a breakpoint at a trap vector.
 * Not:  the TUI (tests/tui_test.sh drives it in tmux).
 *
 * A transcript is each command after "(trapeze) ", then what mon_execute
 * printed. The command itself prints only the output: the same transcript
 * with the "(trapeze) " lines taken out. TRAPEZE and BUILD are absolute
 * paths from the environment (by default build/trapeze and build).
 * TRAPEZE_UPDATE_GOLDEN=1 rewrites the goldens (read the diff before
 * committing it).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mon/montest.h"
#include "runopts.h"

/* TRAPEZE or BUILD; when unset (the suite run by hand from the top of the
 * tree), the default build's, build/trapeze and build, made absolute and
 * set in the environment for the rest of the run. */
static const char *env(const char *name)
{
	const char *v = getenv(name);
	char cwd[512], path[1024];

	if (v && *v)
		return v;
	cr_assert(getcwd(cwd, sizeof cwd), "cannot find the current directory");
	snprintf(path, sizeof path, "%s/build%s", cwd, strcmp(name, "BUILD") ? "/trapeze" : "");
	cr_assert(setenv(name, path, 1) == 0);
	return getenv(name);
}

/* tests/mon/prog.s assembled with the trapeze command, into path. */
static void assemble_prog(char *path, size_t len)
{
	char cmd[4096];

	snprintf(path, len, "%s/tests", env("BUILD"));
	mkdir(path, 0777);
	snprintf(path, len, "%s/tests/mon-prog-%ld.elf", env("BUILD"), (long)getpid());
	snprintf(cmd, sizeof cmd, "'%s' asm -o '%s' tests/mon/prog.s", env("TRAPEZE"), path);
	cr_assert_eq(system(cmd), 0, "cannot assemble: %s", cmd);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n = 0;

	cr_assert(f, "cannot open %s", path);
	cr_assert(fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0);
	buf = malloc((size_t)n + 1);
	cr_assert(buf);
	cr_assert(fread(buf, 1, (size_t)n, f) == (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The run options the command starts from, in a mode. */
static struct vm_options options(enum vmm_mode mode, const char *disk)
{
	struct runopts o;

	runopt_init(&o, "mon");
	o.vm.mode = mode;
	o.vm.disk_path = disk;
	return o.vm;
}

static struct mon *start(struct image *img, const char *image, enum vmm_mode mode,
			 const char *disk)
{
	struct vm_options opt = options(mode, disk);
	struct mon *m;
	char err[512];

	cr_assert(image_read(image, img, err, sizeof err), "%s", err);
	cr_assert(mon_create(&m, &opt, img, err, sizeof err), "%s", err);
	return m;
}

/* Run a script through mon_execute; the transcript, malloc'd. */
static char *transcript(const char *image, enum vmm_mode mode, const char *disk,
			const char *script)
{
	struct image img = { 0 };
	struct mon *m = start(&img, image, mode, disk);
	FILE *in = fopen(script, "r"), *out;
	char *text = NULL, line[1024];
	size_t len = 0;

	cr_assert(in, "cannot open %s", script);
	out = open_memstream(&text, &len);
	cr_assert(out);
	while (fgets(line, sizeof line, in)) {
		if (line[0] == '#' || line[0] == '\n')
			continue; /* the script's comments: not part of the session */
		fprintf(out, "(trapeze) %s", line);
		if (mon_execute(m, line, out, NULL, NULL) == MON_QUIT)
			break;
	}
	fclose(in);
	fclose(out);
	mon_destroy(m);
	image_free(&img);
	return text;
}

/* Compare with a golden file, or write it when asked to. */
static void check_golden(const char *text, const char *golden)
{
	char path[512], actual[512];
	size_t len;
	char *want;

	snprintf(path, sizeof path, "tests/golden/%s", golden);
	if (getenv("TRAPEZE_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "w");
		cr_assert(f && fputs(text, f) >= 0 && fclose(f) == 0, "cannot write %s", path);
		return;
	}
	want = slurp(path, &len);
	if (strlen(text) != len || memcmp(text, want, len) != 0) {
		FILE *f;
		snprintf(actual, sizeof actual, "%s/tests/%s.actual", env("BUILD"), golden);
		f = fopen(actual, "w");
		if (f) {
			fputs(text, f);
			fclose(f);
		}
		cr_expect_fail("the transcript differs from %s: see diff %s %s", path, path, actual);
	}
	free(want);
}

static void prog_in_mode(enum vmm_mode mode)
{
	char elf[512], golden[64];
	char *text;

	assemble_prog(elf, sizeof elf);
	text = transcript(elf, mode, NULL, "tests/mon/prog.mon");
	snprintf(golden, sizeof golden, "mon_prog_%s.txt", vmm_mode_name(mode));
	check_golden(text, golden);
	free(text);
	unlink(elf);
}

static void guest_in_mode(enum vmm_mode mode)
{
	char elf[512], disk[512], golden[64];
	char *text;

	snprintf(elf, sizeof elf, "%s/guest/kernel.elf", env("BUILD"));
	snprintf(disk, sizeof disk, "%s/guest/disk.img", env("BUILD"));
	text = transcript(elf, mode, disk, "tests/mon/guest.mon");
	snprintf(golden, sizeof golden, "mon_guest_%s.txt", vmm_mode_name(mode));
	check_golden(text, golden);
	free(text);
}

Test(mon, prog_bare_matches_golden) { prog_in_mode(MODE_BARE); }
Test(mon, prog_emulate_matches_golden) { prog_in_mode(MODE_EMULATE); }
Test(mon, prog_trap_matches_golden) { prog_in_mode(MODE_TRAP); }
Test(mon, prog_hybrid_matches_golden) { prog_in_mode(MODE_HYBRID); }
Test(mon, guest_os_bare_matches_golden) { guest_in_mode(MODE_BARE); }
Test(mon, guest_os_emulate_matches_golden) { guest_in_mode(MODE_EMULATE); }
Test(mon, guest_os_trap_matches_golden) { guest_in_mode(MODE_TRAP); }
Test(mon, guest_os_hybrid_matches_golden) { guest_in_mode(MODE_HYBRID); }

/* The command on a script: no prompt, no echo, exactly the output. */
static void command_matches_golden(const char *mode, const char *image, const char *disk,
				   const char *script, const char *golden, int want_status)
{
	char cmd[4096], path[512], *want, *got = NULL, line[4096];
	size_t len, cap = 0, n = 0;
	FILE *p, *f;
	int status;

	snprintf(cmd, sizeof cmd, "'%s' mon --mode %s %s%s%s '%s' < %s 2>&1", env("TRAPEZE"), mode,
		 disk ? "--disk '" : "", disk ? disk : "", disk ? "'" : "", image, script);
	p = popen(cmd, "r");
	cr_assert(p);
	f = open_memstream(&got, &cap);
	while ((len = fread(line, 1, sizeof line, p)) > 0)
		fwrite(line, 1, len, f);
	fclose(f);
	status = pclose(p);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == want_status, "%s: exit status %d",
		  cmd, status);

	/* The golden, without the lines that echo each command. */
	snprintf(path, sizeof path, "tests/golden/%s", golden);
	want = slurp(path, &len);
	for (char *s = want, *e; *s; s = e) {
		e = strchr(s, '\n');
		e = e ? e + 1 : s + strlen(s);
		if (strncmp(s, "(trapeze) ", 10) != 0) {
			memmove(want + n, s, (size_t)(e - s));
			n += (size_t)(e - s);
		}
	}
	want[n] = 0;
	cr_expect_str_eq(got, want, "%s: output differs from %s without its command lines", cmd, path);
	free(want);
	free(got);
}

Test(mon, command_reads_a_script_on_stdin_without_prompts)
{
	char elf[512];

	assemble_prog(elf, sizeof elf);
	/* The script tries some bad commands on purpose: so its status is 1. */
	command_matches_golden("trap", elf, NULL, "tests/mon/prog.mon", "mon_prog_trap.txt", 1);
	unlink(elf);
}

Test(mon, command_on_the_guest_os_in_trap_mode)
{
	char elf[512], disk[512];

	snprintf(elf, sizeof elf, "%s/guest/kernel.elf", env("BUILD"));
	snprintf(disk, sizeof disk, "%s/guest/disk.img", env("BUILD"));
	command_matches_golden("trap", elf, disk, "tests/mon/guest.mon", "mon_guest_trap.txt", 0);
}

Test(mon, end_of_input_quits_quietly)
{
	char elf[512], cmd[2048];
	FILE *p;
	int c, status;

	assemble_prog(elf, sizeof elf);
	snprintf(cmd, sizeof cmd, "'%s' mon '%s' < /dev/null", env("TRAPEZE"), elf);
	p = popen(cmd, "r");
	cr_assert(p);
	c = fgetc(p);
	status = pclose(p);
	cr_expect_eq(c, EOF, "no output for no commands");
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	unlink(elf);
}

/* ---- the library, line by line ----------------------------------------- */


static void expect_output(struct mon *m, const char *line, enum mon_status want_status,
			  const char *want)
{
	enum mon_status st;
	char *got = mt_exec(m, line, &st);

	cr_expect_eq(st, want_status, "'%s': status %d, not %d; said:\n%s", line, st, want_status,
		     got);
	cr_expect(strstr(got, want) != NULL, "'%s' should say \"%s\"; it said:\n%s", line, want, got);
	free(got);
}

struct fixture {
	char elf[512];
	struct image img;
	struct mon *m;
};

static void open_prog(struct fixture *f, enum vmm_mode mode)
{
	memset(&f->img, 0, sizeof f->img);
	assemble_prog(f->elf, sizeof f->elf);
	f->m = start(&f->img, f->elf, mode, NULL);
}

static void close_prog(struct fixture *f)
{
	mon_destroy(f->m);
	image_free(&f->img);
	unlink(f->elf);
}

/* disassemble shows a run of zero words as one line ("..."), stopping at
 * the pc and at symbols, as objdump does; x/i the same. */
Test(mon, disassemble_shows_a_run_of_zero_words_as_one_line)
{
	static const char src[] = "_start:\tnop\n\t.org 0x400\nlater:\tnop\n";
	char path[] = "/tmp/trapeze-mon-gap-XXXXXX", elf[64], cmd[256];
	struct image img = { 0 };
	struct mon *m;
	enum mon_status st;
	char *got;
	int fd = mkstemp(path), lines = 0;

	cr_assert(fd >= 0 && write(fd, src, sizeof src - 1) == (ssize_t)(sizeof src - 1));
	close(fd);
	snprintf(elf, sizeof elf, "%s.elf", path);
	snprintf(cmd, sizeof cmd, "'%s' asm -o %s %s", env("TRAPEZE"), elf, path);
	cr_assert_eq(system(cmd), 0);
	m = start(&img, elf, MODE_BARE, NULL);
	got = mt_exec(m, "disassemble 0 300", &st);
	cr_expect_eq(st, MON_OK);
	for (const char *p = got; *p; p++)
		lines += *p == '\n';
	cr_expect(strstr(got, "   0x00000004 <_start+4>:  ... 255 zero words, to 0x00000400\n"), "%s",
		  got);
	cr_expect(strstr(got, "0x00000400 <later>:  nop"), "%s", got);
	cr_expect(lines < 10, "%d lines:\n%s", lines, got);
	free(got);
	mon_destroy(m);
	image_free(&img);
	unlink(elf);
	unlink(path);
}

Test(mon, bad_commands_say_so_and_the_session_goes_on)
{
	struct fixture f;

	open_prog(&f, MODE_TRAP);
	expect_output(f.m, "foo", MON_ERROR, "error: unknown command 'foo'");
	expect_output(f.m, "stepi", MON_OK, "=> 0x00000004 <_start+4>");
	expect_output(f.m, "st", MON_ERROR, "error: ambiguous command 'st'");
	expect_output(f.m, "x/4q 0", MON_ERROR, "error: unknown format letter 'q'");
	expect_output(f.m, "info bogus", MON_ERROR, "error: info what?");
	expect_output(f.m, "set reg r0 1", MON_ERROR, "'r0' cannot be set");
	expect_output(f.m, "set reg r99 1", MON_ERROR, "no register 'r99'");
	expect_output(f.m, "break 0x2", MON_ERROR, "no instruction can be at 0x00000002");
	expect_output(f.m, "break 0xfffffff0", MON_ERROR, "no instruction can be at 0xfffffff0");
	expect_output(f.m, "delete 9", MON_ERROR, "no breakpoint or watchpoint number 9");
	expect_output(f.m, "print 1+", MON_ERROR, "expected a value at the end of '1+'");
	expect_output(f.m, "print 0xZZ", MON_ERROR, "bad number '0xZZ'");
	expect_output(f.m, "x/1xw 0xfffffffc", MON_ERROR, "error: cannot read memory at 0xfffffffc");
	expect_output(f.m, "continue now", MON_ERROR, "takes no argument");
	expect_output(f.m, "step x", MON_ERROR, "'x' is not a positive count");
	expect_output(f.m, "", MON_OK, "");
	expect_output(f.m, "   # a comment", MON_OK, "");
	expect_output(f.m, "\x01\x02\xff", MON_ERROR, "error: unknown command");
	expect_output(f.m, "stepi", MON_OK, "=> 0x00000008 <_start+8>");
	close_prog(&f);
}

Test(mon, prefixes_and_aliases_name_commands)
{
	struct fixture f;

	open_prog(&f, MODE_BARE);
	expect_output(f.m, "s", MON_OK, "=> 0x00000004");
	expect_output(f.m, "si 2", MON_OK, "=> 0x0000000c");
	expect_output(f.m, "i r pc", MON_OK, "pc       0x0000000c");
	expect_output(f.m, "info reg sp", MON_OK, "sp       0x00000000");
	expect_output(f.m, "disas double 1", MON_OK, "0x00000048 <double>:  add r1, r1, r1");
	expect_output(f.m, "b double", MON_OK, "breakpoint 1 at 0x00000048 <double>");
	expect_output(f.m, "cont", MON_OK, "breakpoint 1, 0x00000048 <double>");
	expect_output(f.m, "p $lr", MON_OK, "0x0000001c  unsigned 28  signed 28");
	expect_output(f.m, "n", MON_OK, "=> 0x0000004c <double+4>:  ret");
	expect_output(f.m, "unt", MON_OK, "[trap SYSCALL at 0x00000004");
	expect_output(f.m, "h x", MON_OK, "x/NFMT [ADDR]");
	expect_output(f.m, "q", MON_QUIT, "");
	close_prog(&f);
}

Test(mon, addresses_are_numbers_symbols_registers_and_sums)
{
	struct fixture f;
	uint32_t v;
	char err[160];

	open_prog(&f, MODE_TRAP);
	cr_expect(mon_eval(f.m, "0x10", &v, err, sizeof err) && v == 0x10);
	cr_expect(mon_eval(f.m, "16", &v, err, sizeof err) && v == 16);
	cr_expect(mon_eval(f.m, "double", &v, err, sizeof err) && v == 0x48);
	cr_expect(mon_eval(f.m, "double+4", &v, err, sizeof err) && v == 0x4c);
	cr_expect(mon_eval(f.m, "*kstack_top - 16", &v, err, sizeof err) && v == 0x878);
	cr_expect(mon_eval(f.m, "puts.done", &v, err, sizeof err) && v == 0x68);
	cr_expect(mon_eval(f.m, "$pc+8", &v, err, sizeof err) && v == 8);
	cr_expect(mon_eval(f.m, "$memsize", &v, err, sizeof err) && v == VM_DEFAULT_MEM);
	cr_expect(!mon_eval(f.m, "nosuch", &v, err, sizeof err) && strstr(err, "no symbol 'nosuch'"));
	cr_expect(!mon_eval(f.m, "$r16", &v, err, sizeof err) && strstr(err, "no register '$r16'"));
	cr_expect(!mon_eval(f.m, "1 2", &v, err, sizeof err) && strstr(err, "unexpected '2'"));
	cr_expect_eq(mon_reg_parse("$sp"), REG_SP);
	cr_expect_eq(mon_reg_parse("r14"), REG_SP);
	cr_expect_eq(mon_reg_parse("zero"), REG_ZERO);
	cr_expect_eq(mon_reg_parse("tvec"), MON_REG_SR0 + SR_tvec);
	cr_expect_eq(mon_reg_parse("r16"), -1);
	close_prog(&f);
}

/* print takes C's integer expressions and says both readings of the word. */
Test(mon, print_evaluates_integer_expressions_signed_and_unsigned)
{
	static const struct { const char *expr, *want; } cases[] = {
		{ "1 + 2 * 3", "0x00000007  unsigned 7  signed 7" },
		{ "(1 + 2) * 3", "0x00000009  unsigned 9  signed 9" },
		{ "-1", "0xffffffff  unsigned 4294967295  signed -1" },
		{ "~0xff", "0xffffff00  unsigned 4294967040  signed -256" },
		{ "-8 / 2", "0xfffffffc  unsigned 4294967292  signed -4" },
		{ "17 % 5", "0x00000002" }, { "1 << 4 | 1", "0x00000011" },
		{ "0x100 >> 4 & 0xf", "0x00000000" }, { "6 ^ 3", "0x00000005" },
		{ "3 < 5", "0x00000001" }, { "5 <= 4", "0x00000000" }, { "2 > 1 == 1", "0x00000001" },
		{ "3 >= 3", "0x00000001" }, { "1 != 1", "0x00000000" }, { "!0 + !5", "0x00000001" },
		{ "double + 4 * 2", "0x00000050" }, { "-(2 - 5)", "0x00000003" },
		{ "0xffffffff + 1", "0x00000000" },
	};
	struct fixture f;

	open_prog(&f, MODE_TRAP);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char line[96];
		snprintf(line, sizeof line, "print %s", cases[i].expr);
		expect_output(f.m, line, MON_OK, cases[i].want);
	}
	expect_output(f.m, "print 1 / 0", MON_ERROR, "division by zero");
	expect_output(f.m, "print (1 + 2", MON_ERROR, "missing ')'");
	expect_output(f.m, "print 4294967296", MON_ERROR, "'4294967296' is too large");
	expect_output(f.m, "print 18014398509481985", MON_ERROR, "is too large");
	close_prog(&f);
}

/* set reaches the psw and the special registers of the guest's virtual CPU
 * through the VMM (vm_set_psw, vm_set_sreg): the guest then runs with them. */
Test(mon, set_changes_the_virtual_psw_and_special_registers)
{
	struct fixture f;

	open_prog(&f, MODE_TRAP);
	expect_output(f.m, "set reg tvec 0x40 + 8", MON_OK, "tvec = 0x00000048");
	cr_expect_eq(vm_sreg(f.m->vm, SR_tvec), 0x48);
	expect_output(f.m, "set reg psw 0x3", MON_OK, "psw = 0x00000003");
	cr_expect_eq(vm_psw(f.m->vm), 0x3);
	expect_output(f.m, "set reg $scratch = -1", MON_OK, "scratch = 0xffffffff");
	expect_output(f.m, "set reg memsize 4", MON_ERROR, "'memsize' cannot be set");
	expect_output(f.m, "set reg ipend 1", MON_ERROR, "'ipend' cannot be set");
	expect_output(f.m, "set reg r0 1", MON_ERROR, "'r0' cannot be set");
	/* The guest sees it: mfsr reads what was set (stepi runs the first
	 * instructions; the scratch register is untouched by them). */
	expect_output(f.m, "info registers scratch", MON_OK, "scratch  0xffffffff");
	close_prog(&f);
}

/* Counts are never wrapped: too large says so. */
Test(mon, a_count_too_large_says_so)
{
	struct fixture f;

	open_prog(&f, MODE_BARE);
	expect_output(f.m, "step 18014398509481985K", MON_ERROR, "is too large a count");
	expect_output(f.m, "next 99999999999999999999", MON_ERROR, "is too large a count");
	expect_output(f.m, "x/99999999999x 0", MON_ERROR, "a count from 1 to 4096");
	expect_output(f.m, "disassemble 0 18014398509481985K", MON_ERROR, "is too large a count");
	cr_expect_eq(vm_retired(f.m->vm), 0, "nothing ran");
	close_prog(&f);
}

/* A breakpoint on a label of code that runs in user mode stops at its
 * virtual address, and says so (the prog's user program at 0x800 runs at
 * virtual 0); set from user mode, it says addresses are virtual there. */
Test(mon, a_breakpoint_in_user_code_explains_virtual_addresses)
{
	struct fixture f;

	open_prog(&f, MODE_TRAP);
	expect_output(f.m, "break user", MON_OK, "breakpoint 1 at 0x00000800 <user>");
	expect_output(f.m, "continue", MON_OK, "breakpoint 1, 0x00000000 (user mode: addresses are "
		      "virtual; this is guest-physical 0x00000800 <user>, relocated by base "
		      "0x00000800)");
	expect_output(f.m, "break 4", MON_OK, "note: the guest is in user mode, where addresses "
		      "are virtual: 0x00000004 is relocated by base 0x00000800");
	close_prog(&f);
}

struct completions {
	char words[64][64];
	int n;
};

static void collect(void *ctx, const char *cand)
{
	struct completions *c = ctx;
	if (c->n < 64)
		snprintf(c->words[c->n++], 64, "%s", cand);
}

static bool offered(const struct mon *m, const char *line, size_t start, const char *want)
{
	struct completions c = { .n = 0 };

	mon_complete(m, line, start, collect, &c);
	for (int i = 0; i < c.n; i++)
		if (!strcmp(c.words[i], want))
			return true;
	return false;
}

Test(mon, completion_offers_commands_symbols_and_registers)
{
	struct fixture f;

	open_prog(&f, MODE_BARE);
	cr_expect(offered(f.m, "dis", 0, "disassemble"));
	cr_expect(offered(f.m, "until", 0, "until-exit"));
	cr_expect(!offered(f.m, "dis", 0, "delete"));
	cr_expect(offered(f.m, "break dou", 6, "double"));
	cr_expect(offered(f.m, "x/4x $s", 5, "$sp"));
	cr_expect(offered(f.m, "info r", 5, "registers"));
	cr_expect(offered(f.m, "set reg r1", 8, "r12"));
	cr_expect(offered(f.m, "help ne", 5, "next"));
	close_prog(&f);
}

/* vm_step: a breakpoint at the trap vector stops before the handler's
 * first instruction runs, in every mode (the regression it was added for). */
Test(mon, breakpoint_at_the_trap_vector_stops_before_the_handler)
{
	for (int mode = 0; mode < MODE_COUNT; mode++) {
		struct fixture f;
		open_prog(&f, (enum vmm_mode)mode);
		expect_output(f.m, "break trap_entry", MON_OK, "breakpoint 1");
		expect_output(f.m, "continue", MON_OK, "breakpoint 1, 0x0000006c <trap_entry>");
		/* mfsr r2, cause has not run: r2 still holds puts' last byte, 0. */
		expect_output(f.m, "info registers r2 cause", MON_OK, "r2       0x00000000");
		expect_output(f.m, "stepi", MON_OK, "=> 0x00000070 <trap_entry+4>");
		expect_output(f.m, "info registers r2", MON_OK, "r2       0x00000001");
		close_prog(&f);
	}
}

Test(mon, restart_keeps_breakpoints_and_starts_over)
{
	struct fixture f;

	open_prog(&f, MODE_TRAP);
	expect_output(f.m, "break puts", MON_OK, "breakpoint 1");
	expect_output(f.m, "continue", MON_OK, "breakpoint 1, 0x00000050 <puts>");
	expect_output(f.m, "restart", MON_OK, "=> 0x00000000 <_start>");
	expect_output(f.m, "info breakpoints", MON_OK, "1    0x00000050  0    <puts>");
	expect_output(f.m, "continue", MON_OK, "breakpoint 1, 0x00000050 <puts>");
	close_prog(&f);
}

/* info net: the card, bare and under each way the monitor gives it. */
static struct mon *start_net(struct image *img, const char *prog, enum vmm_mode mode,
			     unsigned passthrough)
{
	struct vm_options opt = options(mode, NULL);
	char path[1024], err[512];
	struct mon *m;

	snprintf(path, sizeof path, "%s/guest/net/%s", env("BUILD"), prog);
	opt.net.card = true;
	opt.net.link = NET_LINK_LOOPBACK;
	opt.passthrough = passthrough;
	cr_assert(image_read(path, img, err, sizeof err), "%s", err);
	cr_assert(mon_create(&m, &opt, img, err, sizeof err), "%s", err);
	return m;
}

Test(mon, info_net_shows_the_card_its_counts_and_the_way_it_is_given)
{
	static const struct {
		enum vmm_mode mode;
		unsigned pass;
		const char *prog, *way, *cost;
	} ways[] = {
		{ MODE_BARE, 0, "bulk.elf", "given bare", "the monitor: 0 NET exits" },
		{ MODE_TRAP, 0, "bulk.elf", "given emulated", "128 frames copied, 0 notifications" },
		{ MODE_HW, VM_PASS_NET, "bulk.elf", "given passthrough",
		  "the monitor: 0 NET exits (0 port accesses played), 0 frames copied" },
		{ MODE_PV, 0, "bulk-pv.elf", "given paravirtual",
		  "the monitor: 9 NET exits (0 port accesses played), 128 frames copied, 8 notifications" },
	};
	struct image img = { 0 };
	struct fixture f;
	struct mon *m;

	open_prog(&f, MODE_TRAP);
	expect_output(f.m, "info net", MON_OK, "no network card (trapeze run --net loopback");
	close_prog(&f);
	for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
		m = start_net(&img, ways[i].prog, ways[i].mode, ways[i].pass);
		expect_output(m, "info net", MON_OK, "card 02:00:00:00:00:01, cable: loopback");
		expect_output(m, "continue", MON_OK, "halted with code 64");
		expect_output(m, "info net", MON_OK, ways[i].way);
		expect_output(m, "info net", MON_OK, "sent 64 frames (96896 bytes), received 64 frames");
		expect_output(m, "info net", MON_OK, ways[i].cost);
		if (ways[i].mode == MODE_PV)
			expect_output(m, "info net", MON_OK, "transmit 64 queued, 64 taken; receive 72 "
				      "posted, 64 filled, 64 seen; 0 refused");
		mon_destroy(m);
		image_free(&img);
	}
}
