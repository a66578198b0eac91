/*
 * tools/asm/asm_cmd.c: the "trapeze asm" command.
 * Owns: its options, printing the assembler's diagnostics to stderr, and
 *       writing the image and the listing only when there was no error.
 * Not:  assembling (tools/asm/asm.h); the ELF format (tools/image/image.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asm.h"
#include "commands.h"
#include "exitcode.h"

static const char usage_line[] =
	"usage: trapeze asm [-o OUT] [-l LISTING] [-I DIR]... [-D NAME[=VAL]]... FILE.s...\n";

static void help(void)
{
	fputs(usage_line, stdout);
	fputs("\nAssemble FILE.s (several files are one program, in order) into an ELF32\n"
	      "image. Errors are reported in GNU form; with any error, no file is written.\n\n"
	      "  -o OUT        the image (default: the first FILE with .s replaced by .elf)\n"
	      "  -l LISTING    also write a listing: address, words, source line\n"
	      "  -I DIR        search DIR for .include files, after the includer's directory\n"
	      "  -D NAME[=VAL] define the constant NAME (default value 1)\n"
	      "  --help        show this help\n\n"
	      "The language: docs/ASSEMBLY.md (installed in PREFIX/share/doc/trapeze). Exit\n"
	      "status: 0 done; 1 the source has errors (nothing written); 2 a usage error;\n"
	      "120 the image or the listing cannot be written.\n",
	      stdout);
}

/* A usage error: what is wrong, then the usage line; exit status 2. */
static int bad_usage(const char *fmt, const char *what)
{
	fputs("trapeze: asm: error: ", stderr);
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	fputs(usage_line, stderr);
	return EXIT_USAGE;
}

/* The default output name: FILE.s -> FILE.elf, anything else gets .elf. */
static char *default_out(const char *in)
{
	size_t n = strlen(in);
	if (n > 2 && !strcmp(in + n - 2, ".s"))
		n -= 2;
	char *out = malloc(n + 5);
	if (out) {
		memcpy(out, in, n);
		memcpy(out + n, ".elf", 5);
	}
	return out;
}

/* Write text to path through a temporary file; its name in *tmp, renamed
 * into place later (or removed). */
static bool write_temp(const char *path, const char *text, char **tmp)
{
	size_t n = strlen(path);
	*tmp = malloc(n + 8);
	if (!*tmp)
		return false;
	memcpy(*tmp, path, n);
	memcpy(*tmp + n, ".XXXXXX", 8);
	int fd = mkstemp(*tmp);
	if (fd < 0)
		return false;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(*tmp);
		return false;
	}
	bool ok = fchmod(fd, 0644) == 0 && fputs(text, f) >= 0;
	ok = (fclose(f) == 0) && ok;
	if (!ok)
		unlink(*tmp);
	return ok;
}

struct args {
	const char *out, *listing;
	const char **dirs, **defs, **files;
	int ndirs, ndefs, nfiles;
};

/* The value of option argv[*i] (-oX or -o X); NULL if missing. */
static const char *value(int argc, char **argv, int *i)
{
	if (argv[*i][2])
		return argv[*i] + 2;
	return *i + 1 < argc ? argv[++*i] : NULL;
}

/* 0 ok, 1 --help, 2 bad usage (said). */
static int parse(int argc, char **argv, struct args *a)
{
	bool options = true;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		if (options && !strcmp(arg, "--help"))
			return 1;
		if (options && !strcmp(arg, "--")) {
			options = false;
		} else if (options && arg[0] == '-' && arg[1] && strchr("olID", arg[1])) {
			if (!(v = value(argc, argv, &i)))
				return bad_usage("option '%s' needs a value", arg);
			switch (arg[1]) {
			case 'o': a->out = v; break;
			case 'l': a->listing = v; break;
			case 'I': a->dirs[a->ndirs++] = v; break;
			default: a->defs[a->ndefs++] = v; break;
			}
		} else if (options && arg[0] == '-' && arg[1]) {
			return bad_usage("unknown option '%s'", arg);
		} else {
			a->files[a->nfiles++] = arg;
		}
	}
	return a->nfiles ? 0 : bad_usage("no FILE.s given%s", "");
}

/* True when paths a and b name the same existing file. */
static bool same_file(const char *a, const char *b)
{
	struct stat x, y;
	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* An output that is also an input would be overwritten with the program
 * assembled from it: a student's source gone. Refuse, saying which. */
static bool outputs_are_not_inputs(const struct args *a, const char *out)
{
	for (int i = 0; i < a->nfiles; i++) {
		const char *o = same_file(out, a->files[i]) ? out :
		                a->listing && same_file(a->listing, a->files[i]) ? a->listing : NULL;
		if (o) {
			fprintf(stderr, "trapeze: asm: error: '%s' is an input: it would be overwritten\n", o);
			return false;
		}
	}
	if (a->listing && same_file(a->listing, out)) {
		fprintf(stderr, "trapeze: asm: error: the listing and the image are both '%s'\n", out);
		return false;
	}
	return true;
}

static int assemble(const struct args *a)
{
	struct asm_input *in = calloc((size_t)a->nfiles, sizeof *in);
	char *out = a->out ? NULL : default_out(a->files[0]);
	const char *outname = a->out ? a->out : out;
	if (!in || !outname) {
		fprintf(stderr, "trapeze: asm: error: out of memory\n");
		free(in);
		free(out);
		return EXIT_HOST;
	}
	if (!outputs_are_not_inputs(a, outname)) {
		fputs(usage_line, stderr);
		free(in);
		free(out);
		return EXIT_USAGE;
	}
	for (int i = 0; i < a->nfiles; i++)
		in[i].name = a->files[i];
	struct asm_options opt = { a->dirs, a->ndirs, a->defs, a->ndefs, a->listing != NULL };
	struct asm_result res;
	bool ok = asm_assemble(in, a->nfiles, &opt, &res);
	char *diags = asm_diags_text(&res);
	fputs(diags ? diags : "", stderr);
	free(diags);
	char err[1024], *tmp = NULL;
	/* The source was right: what fails from here is the host's (a
	 * directory that is not there, a full disk). */
	int status = ok ? EXIT_OK : EXIT_INPUT;
	if (ok && a->listing && !write_temp(a->listing, res.listing ? res.listing : "", &tmp)) {
		fprintf(stderr, "%s: error: cannot write: %s\n", a->listing, strerror(errno));
		status = EXIT_HOST;
	} else if (ok && !image_write(outname, &res.image, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		status = EXIT_HOST;
	}
	if (tmp && (status != EXIT_OK || rename(tmp, a->listing) != 0)) {
		if (status == EXIT_OK) {
			fprintf(stderr, "%s: error: cannot write: %s\n", a->listing, strerror(errno));
			unlink(outname);
			status = EXIT_HOST;
		}
		unlink(tmp);
	}
	free(tmp);
	free(out);
	free(in);
	asm_result_free(&res);
	return status;
}

int cmd_asm(int argc, char **argv)
{
	struct args a = { 0 };
	a.dirs = calloc((size_t)argc + 1, sizeof *a.dirs);
	a.defs = calloc((size_t)argc + 1, sizeof *a.defs);
	a.files = calloc((size_t)argc + 1, sizeof *a.files);
	int status;
	if (!a.dirs || !a.defs || !a.files) {
		fprintf(stderr, "trapeze: asm: error: out of memory\n");
		status = EXIT_HOST;
	} else {
		switch (parse(argc, argv, &a)) {
		case 1: help(); status = EXIT_OK; break;
		case 2: status = EXIT_USAGE; break;
		default: status = assemble(&a); break;
		}
	}
	free(a.dirs);
	free(a.defs);
	free(a.files);
	return status;
}
