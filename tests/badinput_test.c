/*
 * tests/badinput_test.c: every kind of broken input, and the one line it gets.
 * Owns: the table of bad inputs across the assembler, the ELF loader, the
 *       command line and the monitor: each row a command line run through
 *       $TRAPEZE (with a time limit: a hang is a failure), the exact first
 *       line it must print and the exit status it must end with. Lab
 *       machines will feed Trapeze all of these; none may crash, hang or
 *       say less than what is wrong.
 * Not:  every message of each part (asm_errors_test.c, image_test.c,
 *       vmm_cli_test.c, mon_test.c test those in depth).
 *
 * Fixtures are the small files of tests/badinput/ and, made at run time in
 * a fresh directory written $D in the table, the ones that are binary or
 * huge: ELF files cut short or patched, garbage, a sparse 65 MiB file.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "asm.h"
#include "image.h"

extern char **environ;

enum stream { ERR, OUT };

struct row {
	const char *what;    /* the bad input */
	const char *args;    /* after trapeze, split at spaces; $D is the fixture directory */
	const char *input;   /* standard input (a monitor script), or NULL for /dev/null */
	enum stream stream;  /* where the error is said */
	const char *line;    /* its exact first line ($D substituted) */
	int status;          /* the exit status */
	bool whole;          /* and that line is all the command prints */
};

enum { TIMEOUT_MS = 10000, BIG = 65 << 20 };

/* ---- the fixtures made at run time ------------------------------------ */

static void put_file(const char *dir, const char *name, const void *bytes, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	cr_assert(f, "cannot write %s", path);
	cr_assert_eq(fwrite(bytes, 1, len, f), len);
	fclose(f);
}

/* A file of size bytes that takes no disk: all holes. */
static void put_sparse(const char *dir, const char *name, off_t size)
{
	char path[512];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	cr_assert(fd >= 0 && ftruncate(fd, size) == 0, "cannot make %s", path);
	close(fd);
}

/* The ELF bytes of an assembled fixture of tests/badinput/. */
static uint8_t *assemble(const char *file, size_t *len)
{
	struct asm_input in = { file, NULL, 0 };
	struct asm_result r;
	uint8_t *bytes;
	char err[256];

	cr_assert(asm_assemble(&in, 1, NULL, &r), "%s does not assemble", file);
	cr_assert(image_encode(&r.image, file, &bytes, len, err, sizeof err), "%s", err);
	asm_result_free(&r);
	return bytes;
}

/* good's bytes with n bytes at off replaced. */
static void put_patched(const char *dir, const char *name, const uint8_t *good, size_t len,
                        size_t off, const void *patch, size_t n)
{
	uint8_t *b = malloc(len);
	cr_assert(b && off + n <= len);
	memcpy(b, good, len);
	memcpy(b + off, patch, n);
	put_file(dir, name, b, len);
	free(b);
}

static void make_fixtures(char *dir)
{
	static const uint8_t garbage[] = { 0x7f, 'x', 0x00, 0xff, 0x13, '\n', 0x00, 0x80 };
	struct image_seg segs[2] = { { 0, 8, (uint8_t *)"abcdefgh", ".text" },
		                     { 4, 4, (uint8_t *)"wxyz", ".data" } };
	struct image overlap = { .segs = segs, .nsegs = 2 };
	size_t len, olen;
	uint8_t *good, *bytes;
	char err[256];

	strcpy(dir, "/tmp/trapeze-badinput-XXXXXX");
	cr_assert(mkdtemp(dir), "mkdtemp");
	good = assemble("tests/badinput/good.s", &len);
	put_file(dir, "good.elf", good, len);
	put_file(dir, "truncated.elf", good, 30);
	put_file(dir, "empty.elf", "", 0);
	put_patched(dir, "machine.elf", good, len, 18, "\x3e\x00", 2);
	put_patched(dir, "class64.elf", good, len, 4, "\x02", 1);
	put_patched(dir, "relocatable.elf", good, len, 16, "\x01\x00", 2);
	put_patched(dir, "entry.elf", good, len, 24, "\x00\x00\x20\x00", 4);
	put_patched(dir, "absurd.elf", good, len, 52 + 20, "\x00\x00\x00\x80", 4);
	put_patched(dir, "cutdata.elf", good, len, 52 + 4, "\x00\x10\x00\x00", 4);
	free(good);
	bytes = assemble("tests/badinput/outside_memory.s", &olen);
	put_file(dir, "outside.elf", bytes, olen);
	free(bytes);
	cr_assert(image_encode(&overlap, "overlap.elf", &bytes, &olen, err, sizeof err), "%s", err);
	put_file(dir, "overlap.elf", bytes, olen);
	free(bytes);
	put_file(dir, "garbage.s", garbage, sizeof garbage);
	put_file(dir, "copy.s", "\tnop\n", 5);
	put_sparse(dir, "huge.s", BIG);
	put_sparse(dir, "huge.elf", BIG);
}

static void remove_fixtures(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

/* ---- running one row --------------------------------------------------- */

/* s with every $D replaced by dir, in a malloc'd string. */
static char *substitute(const char *s, const char *dir)
{
	size_t n = 0, dl = strlen(dir);
	char *out = malloc(strlen(s) * (dl + 1) + 1);
	cr_assert(out);
	for (; *s; s++) {
		if (s[0] == '$' && s[1] == 'D') {
			memcpy(out + n, dir, dl);
			n += dl;
			s++;
		} else {
			out[n++] = *s;
		}
	}
	out[n] = 0;
	return out;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t n = 0, cap = 4096;
	char *b = malloc(cap);
	cr_assert(f && b, "cannot read %s", path);
	for (size_t got; (got = fread(b + n, 1, cap - n - 1, f)) > 0;) {
		n += got;
		if (n + 1 == cap)
			cr_assert((b = realloc(b, cap *= 2)));
	}
	b[n] = 0;
	fclose(f);
	return b;
}

/* Run trapeze with args; its status, or -1 if it did not end in time (it
 * is killed), -2 if killed by a signal. Output in dir/out and dir/err. */
static int run(const char *dir, const char *args, const char *input)
{
	const char *bin = getenv("TRAPEZE");
	char *words = strdup(args), *argv[32], out[512], err[512];
	posix_spawn_file_actions_t fa;
	int argc = 0, status;
	pid_t pid;

	cr_assert(bin && *bin, "TRAPEZE must name build/trapeze (make test sets it)");
	argv[argc++] = (char *)bin;
	for (char *w = strtok(words, " "); w && argc < 31; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	snprintf(out, sizeof out, "%s/out", dir);
	snprintf(err, sizeof err, "%s/err", dir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, input ? input : "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0, "cannot run %s", bin);
	posix_spawn_file_actions_destroy(&fa);
	free(words);
	for (int ms = 0; ms < TIMEOUT_MS; ms += 5) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -2;
		nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static void check_row(const char *dir, const struct row *r)
{
	char *args = substitute(r->args, dir), *want = substitute(r->line, dir), path[512];
	int status = run(dir, args, r->input);
	char *out, *err, *said, *nl;

	snprintf(path, sizeof path, "%s/out", dir);
	out = slurp(path);
	snprintf(path, sizeof path, "%s/err", dir);
	err = slurp(path);
	said = r->stream == ERR ? err : out;
	nl = strchr(said, '\n');
	cr_expect(status != -1, "%s: 'trapeze %s' hung (killed after %d ms)", r->what, args,
	          TIMEOUT_MS);
	cr_expect(status != -2, "%s: 'trapeze %s' was killed by a signal", r->what, args);
	cr_expect_eq(status, r->status, "%s: 'trapeze %s' exits %d, not %d", r->what, args, status,
	             r->status);
	cr_expect(nl && (size_t)(nl - said) == strlen(want) && !strncmp(said, want, strlen(want)),
	          "%s: 'trapeze %s' says\n%s\nnot\n%s", r->what, args, said, want);
	cr_expect(!r->whole || (nl && nl[1] == 0 && !*(r->stream == ERR ? out : err)),
	          "%s: 'trapeze %s' says more than one line:\n%s%s", r->what, args, out, err);
	cr_expect(r->stream != ERR || !*out, "%s: 'trapeze %s' wrote to standard output:\n%s",
	          r->what, args, out);
	free(args);
	free(want);
	free(out);
	free(err);
}

static void check_table(const struct row *rows, size_t n)
{
	char dir[64];
	make_fixtures(dir);
	for (size_t i = 0; i < n; i++)
		check_row(dir, &rows[i]);
	remove_fixtures(dir);
}

/* ---- the table ---------------------------------------------------------- */

#define ASM "asm -o $D/out.elf "
#define B "tests/badinput/"

static const struct row assembler[] = {
	{ "unknown mnemonic", ASM B "unknown_mnemonic.s", NULL, ERR,
	  B "unknown_mnemonic.s:3:9: error: unknown mnemonic 'lod'", 1, false },
	{ "out-of-range immediate", ASM B "immediate.s", NULL, ERR,
	  B "immediate.s:2:22: error: immediate 70000 out of range for 'addi' (-32768..32767)", 1,
	  false },
	{ "unterminated macro", ASM B "unterminated_macro.s", NULL, ERR,
	  B "unterminated_macro.s:2:8: error: unterminated macro 'twice' (no .endm)", 1, false },
	{ "recursive include", ASM B "recursive_include.s", NULL, ERR,
	  B "recursive_include.s:2:10: error: recursive include of 'recursive_include.s'", 1,
	  false },
	{ "missing include file", ASM B "missing_include.s", NULL, ERR,
	  B "missing_include.s:2:10: error: cannot find include file 'not_there.inc'", 1, false },
	{ "include of a device that never ends", ASM B "device_include.s", NULL, ERR,
	  B "device_include.s:2:10: error: cannot read include file '/dev/zero': not a regular "
	    "file", 1, false },
	{ "macros that double at each level", ASM B "doubling_macro.s", NULL, ERR,
	  B "doubling_macro.s:101:9: error: macro 'm24' expands to more than 1048576 lines (does "
	    "it call itself?)", 1, true },
	{ "undefined symbol", ASM B "undefined_symbol.s", NULL, ERR,
	  B "undefined_symbol.s:2:14: error: undefined symbol 'printf'", 1, false },
	{ "no such register", ASM B "bad_register.s", NULL, ERR,
	  B "bad_register.s:2:21: error: bad register 'r16'", 1, false },
	{ "branch out of range", ASM B "branch_range.s", NULL, ERR,
	  B "branch_range.s:2:13: error: branch target 0x08000000 out of range for 'beq' at "
	    "0x00000000 (33554431 words; reach -8388608..8388607)", 1, false },
	{ "unterminated .if", ASM B "unterminated_if.s", NULL, ERR,
	  B "unterminated_if.s:2:1: error: unterminated '.if' (no .endif)", 1, false },
	{ ".error", ASM B "error_directive.s", NULL, ERR,
	  B "error_directive.s:3:1: error: define BOARD with -D BOARD=n", 1, false },
	{ "sections overlapping", ASM B "overlap.s", NULL, ERR,
	  B "overlap.s: error: sections .text (0x00000000..0x00000007) and .data "
	    "(0x00000000..0x00000003) overlap", 1, true },
	{ "binary garbage", ASM "$D/garbage.s", NULL, ERR,
	  "$D/garbage.s: error: binary file (a NUL byte on line 1), not assembly source", 1, true },
	{ "huge input", ASM "$D/huge.s", NULL, ERR,
	  "$D/huge.s: error: cannot open: larger than 64 MiB, not a source file", 1, true },
	{ "missing file", ASM B "nonexistent.s", NULL, ERR,
	  B "nonexistent.s: error: cannot open: No such file or directory", 1, true },
	{ "directory instead of a file", ASM "tests/badinput", NULL, ERR,
	  "tests/badinput: error: cannot open: Is a directory", 1, true },
	{ "output over its own source", "asm -o $D/copy.s $D/copy.s", NULL, ERR,
	  "trapeze: asm: error: '$D/copy.s' is an input: it would be overwritten", 2, false },
	{ "not an image to disassemble", "dis " B "good.s", NULL, ERR,
	  B "good.s: error: not an ELF file", 1, true },
};

static const struct row loader[] = {
	{ "truncated ELF", "run $D/truncated.elf", NULL, ERR,
	  "trapeze: run: error: $D/truncated.elf: truncated ELF header", 1, true },
	{ "not an ELF file", "run " B "good.s", NULL, ERR,
	  "trapeze: run: error: " B "good.s: not an ELF file", 1, true },
	{ "zero-length file", "run $D/empty.elf", NULL, ERR,
	  "trapeze: run: error: $D/empty.elf: empty file, not an ELF image", 1, true },
	{ "wrong machine type", "run $D/machine.elf", NULL, ERR,
	  "trapeze: run: error: $D/machine.elf: wrong machine type 0x3e (a Trapeze image has "
	  "0x5452)", 1, true },
	{ "64-bit ELF", "run $D/class64.elf", NULL, ERR,
	  "trapeze: run: error: $D/class64.elf: not a 32-bit ELF file (class 2)", 1, true },
	{ "object file, not executable", "run $D/relocatable.elf", NULL, ERR,
	  "trapeze: run: error: $D/relocatable.elf: not an executable ELF file (type 1)", 1, true },
	{ "entry outside memory", "run $D/entry.elf", NULL, ERR,
	  "trapeze: run: error: $D/entry.elf: entry point 0x00200000 lies outside the "
	  "1048576-byte memory", 1, true },
	/* Devices are reached by port instructions (ISA.md, Devices): there is
	 * no device range in memory to overlap. A segment outside memory and two
	 * overlapping segments are the loader's placement errors. */
	{ "segment outside memory", "run $D/outside.elf", NULL, ERR,
	  "trapeze: run: error: $D/outside.elf: segment at 0x00180000 (4 bytes) lies outside the "
	  "1048576-byte memory", 1, true },
	{ "segment outside a smaller memory", "run --mem 1K --mode trap $D/outside.elf", NULL, ERR,
	  "trapeze: run: error: $D/outside.elf: segment at 0x00180000 (4 bytes) lies outside the "
	  "1024-byte memory", 1, true },
	{ "overlapping segments", "run $D/overlap.elf", NULL, ERR,
	  "trapeze: run: error: $D/overlap.elf: segments at 0x00000000 and 0x00000004 overlap", 1,
	  true },
	{ "absurd segment size", "run $D/absurd.elf", NULL, ERR,
	  "trapeze: run: error: $D/absurd.elf: segment at 0x00000000 has an absurd size "
	  "(2147483648 bytes)", 1, true },
	{ "segment data past the end", "run $D/cutdata.elf", NULL, ERR,
	  "trapeze: run: error: $D/cutdata.elf: truncated segment data at 0x00000000", 1, true },
	{ "huge file", "run $D/huge.elf", NULL, ERR,
	  "trapeze: run: error: $D/huge.elf: file too large for an image", 1, true },
	{ "directory instead of a file", "run tests/badinput", NULL, ERR,
	  "trapeze: run: error: tests/badinput: is a directory, not an image", 1, true },
	{ "missing file", "run $D/nothing.elf", NULL, ERR,
	  "trapeze: run: error: $D/nothing.elf: cannot open: No such file or directory", 1, true },
	{ "disk image that is a directory", "run --disk tests/badinput $D/good.elf", NULL, ERR,
	  "trapeze: run: error: disk image 'tests/badinput': is a directory", 1, true },
	{ "console input that never ends", "run --input /dev/zero $D/good.elf", NULL, ERR,
	  "trapeze: run: error: input '/dev/zero' is larger than 64 MiB", 1, true },
};

static const struct row command_line[] = {
	{ "no subcommand", "", NULL, ERR, "trapeze: error: no subcommand given", 2, false },
	{ "unknown subcommand", "frob", NULL, ERR,
	  "trapeze: error: unknown subcommand 'frob' (try 'trapeze --help')", 2, true },
	{ "unknown option", "run --frob $D/good.elf", NULL, ERR,
	  "trapeze: run: error: unknown option '--frob'", 2, false },
	{ "missing argument", "run --mode", NULL, ERR,
	  "trapeze: run: error: option '--mode' needs a value", 2, false },
	{ "missing argument of a shared option", "run --max-steps", NULL, ERR,
	  "trapeze: run: error: option '--max-steps' needs a value", 2, false },
	{ "no image", "run", NULL, ERR, "trapeze: run: error: no IMAGE given", 2, false },
	{ "two images", "run $D/good.elf $D/good.elf", NULL, ERR,
	  "trapeze: run: error: one IMAGE only: '$D/good.elf' too", 2, false },
	{ "bad --mode", "run --mode warp $D/good.elf", NULL, ERR,
	  "trapeze: run: error: unknown mode 'warp' (valid: bare, emulate, trap, hybrid, patch, "
	  "bt, hw, pv)", 2, false },
	{ "bad --nonvirt list", "run --nonvirt=getpsw,popf $D/good.elf", NULL, ERR,
	  "trapeze: run: error: --nonvirt: unknown instruction 'popf' (valid: x86, pdp10, or a "
	  "list of getpsw, setpsw, getbase, rfe, jru)", 2, false },
	{ "empty --nonvirt list", "run --nonvirt= $D/good.elf", NULL, ERR,
	  "trapeze: run: error: --nonvirt=: an empty list (give x86, pdp10 or instruction names; "
	  "--nonvirt alone means x86)", 2, false },
	{ "bad --max-steps number", "run --max-steps 12x $D/good.elf", NULL, ERR,
	  "trapeze: run: error: --max-steps: '12x' is not a positive number", 2, false },
	{ "zero --max-steps", "run --max-steps 0 $D/good.elf", NULL, ERR,
	  "trapeze: run: error: --max-steps: '0' is not a positive number", 2, false },
	{ "--max-steps that wraps", "run --max-steps 18014398509481985K $D/good.elf", NULL, ERR,
	  "trapeze: run: error: --max-steps: '18014398509481985K' is too large (at most "
	  "9223372036854775807)", 2, false },
	{ "--max-steps beyond 64 bits", "run --max-steps 99999999999999999999 $D/good.elf", NULL,
	  ERR, "trapeze: run: error: --max-steps: '99999999999999999999' is too large (at most "
	  "9223372036854775807)", 2, false },
	{ "bad --mem size", "run --mem 1G $D/good.elf", NULL, ERR,
	  "trapeze: run: error: --mem: '1G' is not a memory size (bytes, K or M: a multiple of 4, "
	  "at least 64)", 2, false },
	{ "--mem too large", "run --mem 1024M $D/good.elf", NULL, ERR,
	  "trapeze: run: error: --mem: '1024M' is too large (at most 256M)", 2, false },
	{ "--mem that wraps", "run --mem 18014398509481985K $D/good.elf", NULL, ERR,
	  "trapeze: run: error: --mem: '18014398509481985K' is too large (at most 256M)", 2, false },
	{ "--mem too small", "run --mem 12 $D/good.elf", NULL, ERR,
	  "trapeze: run: error: --mem: '12' is not a memory size (bytes, K or M: a multiple of 4, "
	  "at least 64)", 2, false },
	{ "bad --max-output", "run --max-output lots $D/good.elf", NULL, ERR,
	  "trapeze: run: error: --max-output: 'lots' is not a number of bytes", 2, false },
	{ "--max-output that wraps", "run --max-output 18014398509481985K $D/good.elf", NULL, ERR,
	  "trapeze: run: error: --max-output: '18014398509481985K' is too large (at most "
	  "18446744073709551615)", 2, false },
	{ "--balloon that wraps", "run --mode pv --balloon 4294967297 $D/good.elf", NULL, ERR,
	  "trapeze: run: error: --balloon: '4294967297' is too large (at most 65536)", 2, false },
	{ "--tc-size too large", "run --mode bt --tc-size 4294967296 $D/good.elf", NULL, ERR,
	  "trapeze: run: error: --tc-size: '4294967296' is too large (at most 256M)", 2, false },
	{ "bad --timeout", "run --timeout soon $D/good.elf", NULL, ERR,
	  "trapeze: run: error: --timeout: 'soon' is not a positive number of seconds", 2, false },
	{ "--timeout too large", "run --timeout 1e300 $D/good.elf", NULL, ERR,
	  "trapeze: run: error: --timeout: '1e300' is too large (at most 1000000 seconds)", 2,
	  false },
	{ "--passthrough outside hw", "run --mode trap --passthrough con2 $D/good.elf", NULL, ERR,
	  "trapeze: run: error: --passthrough applies to --mode hw only (a device assigned to a "
	  "hardware-assisted VM)", 2, false },
	{ "--balloon outside pv", "run --balloon 4 $D/good.elf", NULL, ERR,
	  "trapeze: run: error: --balloon applies to --mode pv only (the balloon driver of the "
	  "paravirtual kernel)", 2, false },
	{ "--tc-size outside bt", "mon --mode trap --tc-size 4K $D/good.elf", NULL, ERR,
	  "trapeze: mon: error: --tc-size applies to --mode bt only (the translation cache of "
	  "binary translation)", 2, false },
	{ "--balloon in a diff without pv", "diff --modes bare,trap --balloon 4 $D/good.elf", NULL,
	  ERR, "trapeze: diff: error: --balloon applies to --mode pv only (the balloon driver of "
	  "the paravirtual kernel)", 2, false },
	{ "diff with one mode", "diff --modes bare $D/good.elf", NULL, ERR,
	  "trapeze: diff: error: --modes: name at least two modes to compare", 2, false },
	{ "classify --samples too large", "classify --samples 18014398509481985K", NULL, ERR,
	  "trapeze: classify: error: --samples: '18014398509481985K' is too large (at most 1000000)",
	  2, false },
	{ "bench --runs too large", "bench --runs 18014398509481985K", NULL, ERR,
	  "trapeze: bench: error: --runs: '18014398509481985K' is too large (1 to 21)", 2, false },
	{ "asm without a file", "asm", NULL, ERR, "trapeze: asm: error: no FILE.s given", 2, false },
	{ "asm option without its value", "asm -o", NULL, ERR,
	  "trapeze: asm: error: option '-o' needs a value", 2, false },
	{ "dis of two images", "dis $D/good.elf $D/good.elf", NULL, ERR,
	  "trapeze: dis: error: one IMAGE only: '$D/good.elf' too", 2, false },
	{ "mon without an image", "mon", NULL, ERR, "trapeze: mon: error: no IMAGE given", 2,
	  false },
	{ "classify option without its value", "classify --seed", NULL, ERR,
	  "trapeze: classify: error: option '--seed' needs a value", 2, false },
};

/* The monitor reads a script on standard input and answers on standard
 * output, errors included, as it does at its prompt. */
static const struct row monitor[] = {
	{ "unknown command", "mon $D/good.elf", B "unknown_command.mon", OUT,
	  "error: unknown command 'frob' (help lists them)", 1, true },
	{ "bad address", "mon $D/good.elf", B "bad_address.mon", OUT,
	  "error: cannot read memory at 0x99999999", 1, true },
	{ "bad register name", "mon $D/good.elf", B "bad_register.mon", OUT,
	  "error: no register '$r99'", 1, true },
	{ "breakpoint at no such symbol", "mon $D/good.elf", B "no_symbol.mon", OUT,
	  "error: no symbol 'nowhere'", 1, true },
	{ "bad count", "mon $D/good.elf", B "bad_count.mon", OUT,
	  "error: 'abc' is not a positive count", 1, true },
};

#define N(t) (sizeof t / sizeof t[0])

Test(badinput, the_assembler_says_what_is_wrong)
{
	check_table(assembler, N(assembler));
}

Test(badinput, the_loader_says_what_is_wrong)
{
	check_table(loader, N(loader));
}

Test(badinput, the_command_line_says_what_is_wrong)
{
	check_table(command_line, N(command_line));
}

Test(badinput, the_monitor_says_what_is_wrong)
{
	check_table(monitor, N(monitor));
}

Test(badinput, the_table_has_at_least_thirty_rows)
{
	size_t n = N(assembler) + N(loader) + N(command_line) + N(monitor);
	cr_log_info("bad-input table: %zu rows", n);
	cr_expect_geq(n, 30);
}
