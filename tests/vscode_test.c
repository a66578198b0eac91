/*
 * tests/vscode_test.c: the VS Code extension's files agree with Trapeze.
 * Owns: editors/vscode/package.json is JSON and contributes a debugger of
 *       type "trapeze" that runs "trapeze dap", a launch configuration
 *       with the arguments the server reads, the grammar and the problem
 *       matcher; the matcher's pattern matches what trapeze asm prints for
 *       an error (file, line, column, severity, message); the grammar names
 *       every special register isa-spec/isa.def has (it cannot drift).
 * Not:  packaging (make vscode-extension, outside make test); the server
 *       (dap_test.c).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isa.h"
#include "vmm/vmtest.h"

static json_t *load(const char *path)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);

	cr_assert(j, "%s: not JSON: %s (line %d)", path, err.text, err.line);
	return j;
}

Test(vscode, the_debugger_runs_trapeze_dap)
{
	json_t *pkg = load("editors/vscode/package.json"), *dbg, *attrs;
	const char *launch_args[] = { "program", "mode", "disk", "nonvirt", "stopOnEntry", "maxSteps",
				      "history" };

	dbg = json_array_get(json_object_get(json_object_get(pkg, "contributes"), "debuggers"), 0);
	cr_assert(dbg, "no debugger contributed");
	cr_expect_str_eq(json_string_value(json_object_get(dbg, "type")), "trapeze");
	cr_expect_str_eq(json_string_value(json_object_get(dbg, "program")), "trapeze");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(dbg, "args"), 0)), "dap");
	attrs = json_object_get(json_object_get(json_object_get(dbg, "configurationAttributes"),
						"launch"), "properties");
	for (size_t i = 0; i < sizeof launch_args / sizeof launch_args[0]; i++)
		cr_expect(json_object_get(attrs, launch_args[i]), "launch has no '%s'", launch_args[i]);
	cr_expect(json_array_size(json_object_get(dbg, "initialConfigurations")) >= 1);
	json_decref(pkg);
}

Test(vscode, the_problem_matcher_reads_the_assemblers_errors)
{
	json_t *pkg = load("editors/vscode/package.json");
	json_t *pm = json_array_get(json_object_get(json_object_get(pkg, "contributes"),
						    "problemMatchers"), 0);
	const char *re = json_string_value(json_object_get(json_object_get(pm, "pattern"), "regexp"));
	char ere[256], src[64], args[256], *out, *line;
	regex_t rx;
	regmatch_t g[6];
	size_t k = 0;
	int status;
	FILE *f;

	cr_assert(re, "no problem matcher pattern");
	/* Its \d is [0-9] in POSIX's extended syntax. */
	for (const char *p = re; *p && k + 6 < sizeof ere; p++) {
		if (p[0] == '\\' && p[1] == 'd') {
			memcpy(ere + k, "[0-9]", 5);
			k += 5;
			p++;
		} else {
			ere[k++] = *p;
		}
	}
	ere[k] = 0;
	cr_assert_eq(regcomp(&rx, ere, REG_EXTENDED | REG_NEWLINE), 0, "bad pattern %s", ere);
	snprintf(src, sizeof src, "/tmp/trapeze-vscode-%ld.s", (long)getpid());
	f = fopen(src, "w");
	cr_assert(f && fputs("start:  nop\n        bogus r1\n", f) >= 0 && fclose(f) == 0);
	snprintf(args, sizeof args, "asm -o /dev/null %s", src);
	out = vt_trapeze(args, VT_STDERR, &status);
	line = strstr(out, src);
	cr_assert(line, "%s", out);
	cr_assert_eq(regexec(&rx, line, 6, g, 0), 0, "the matcher misses: %s", line);
	cr_expect_eq(atoi(line + g[2].rm_so), 2, "the line");
	cr_expect_eq(atoi(line + g[3].rm_so), 9, "the column");
	cr_expect(!strncmp(line + g[4].rm_so, "error", 5), "the severity");
	regfree(&rx);
	free(out);
	unlink(src);
	json_decref(pkg);
}

Test(vscode, the_grammar_names_every_special_register)
{
	json_t *g = load("editors/vscode/syntaxes/trapeze-asm.tmLanguage.json");
	const char *m = json_string_value(json_object_get(
		json_object_get(json_object_get(g, "repository"), "special-register"), "match"));

	cr_assert(m);
	for (int i = 0; i < SR_COUNT; i++) {
		char word[32];
		snprintf(word, sizeof word, "%s", isa_sreg_name(i));
		cr_expect(strstr(m, word), "the grammar lacks special register %s", word);
	}
	json_decref(g);
}
