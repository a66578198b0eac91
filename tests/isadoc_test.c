/*
 * tests/isadoc_test.c: ISA.md's tables are the ones isa.def generates.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "isa.h"
#include "isadoc.h"

Test(isadoc, committed_isa_md_is_current)
{
	char err[256] = "";
	int rc = isadoc_sync("isa-spec/ISA.md", false, err, sizeof err);
	cr_assert_eq(rc, 0, "%s", err);
}

Test(isadoc, stale_copy_is_detected)
{
	char path[] = "/tmp/trapeze-isadoc-XXXXXX", err[256];
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fputs("# x\n<!-- BEGIN GENERATED ports -->\n| stale |\n<!-- END GENERATED ports -->\n", f);
	fclose(f);
	cr_assert_eq(isadoc_sync(path, false, err, sizeof err), 1);
	cr_assert_eq(isadoc_sync(path, true, err, sizeof err), 0);
	cr_assert_eq(isadoc_sync(path, false, err, sizeof err), 0, "current after --update");
	remove(path);
}

Test(isadoc, every_instruction_is_in_the_table)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert(isadoc_block(f, "insns"));
	fclose(f);
	for (int i = 0; i < isa_ninsns; i++) {
		char cell[32];
		snprintf(cell, sizeof cell, "| `%s` |", isa_insns[i].name);
		cr_expect(strstr(buf, cell), "%s missing", isa_insns[i].name);
	}
	free(buf);
}
