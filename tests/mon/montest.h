/*
 * tests/mon/montest.h: what the tests of the monitor's library share.
 * Owns: one command executed, its output caught.
 * Not:  any assertion (mon_test.c, mon_snap_test.c, mon_reverse_test.c).
 */
#ifndef TRAPEZE_TEST_MONTEST_H
#define TRAPEZE_TEST_MONTEST_H

#include "mon.h"

/* What `line` printed, as a malloc'd string; its status in *st (may be
 * NULL). */
char *mt_exec(struct mon *m, const char *line, enum mon_status *st);

#endif
