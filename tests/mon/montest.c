/*
 * tests/mon/montest.c: what the tests of the monitor's library share (see
 *       montest.h).
 */
#include "montest.h"

#include <criterion/criterion.h>
#include <stdio.h>

char *mt_exec(struct mon *m, const char *line, enum mon_status *st)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	enum mon_status s;

	cr_assert(out);
	s = mon_execute(m, line, out, NULL, NULL);
	fclose(out);
	if (st)
		*st = s;
	return text;
}
