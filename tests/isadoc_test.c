/*
 * tests/isadoc_test.c: ISA.md's tables are the ones isa.def generates.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Every row has as many cells as its header: a '|' in a semantics or a
 * meaning (or's "rd = rs | rt") is escaped, or it splits the cell. */
Test(isadoc, every_row_has_the_cells_of_its_header)
{
	static const char *const blocks[] = { "insns", "sregs", "causes", "ports", "costs" };

	for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
		char *buf = NULL, *line, *save = NULL;
		size_t len = 0;
		int header = -1;
		FILE *f = open_memstream(&buf, &len);
		cr_assert(isadoc_block(f, blocks[b]));
		fclose(f);
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			int cells = 0;
			for (const char *p = line; *p; p++)
				cells += *p == '|' && (p == line || p[-1] != '\\');
			if (header < 0)
				header = cells;
			cr_expect_eq(cells, header, "%s: %d cells, the header has %d: %s", blocks[b],
				     cells, header, line);
		}
		free(buf);
	}
}
