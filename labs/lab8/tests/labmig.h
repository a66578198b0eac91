/*
 * labs/lab8/tests/labmig.h: what lab 8's tests share: a guest migrated in
 *       one process (the target a VM of the same process, over a link in
 *       memory: vmm/miglocal.c), and the checks that it arrived whole.
 * Not:  the rounds (vmm/precopy.c: the student's); the checks of each test.
 */
#ifndef LAB8_LABMIG_H
#define LAB8_LABMIG_H

#include <stdbool.h>
#include <stdint.h>

#include "labtest.h"
#include "migrate.h"

/* The guests: the bench's three (tools/bench/workloads/mig_*.s) and the
 * guest OS (its pv kernel in pv mode). */
enum lab_guest { LAB_IDLE, LAB_COMPUTE, LAB_DIRTY, LAB_OS };

struct lab_mig {
	struct precopy_result r;
	bool committed;
	bool exact;              /* the target ended as the run that never moved */
	char why[600];           /* when not: where they differ */
};

/* Run guest g in mode to instruction at, migrate it with opts po (NULL:
 * the defaults), run the target to the end and compare it, its console
 * and its whole state, with a run that never moved. */
void lab_migrate(enum lab_guest g, enum vmm_mode mode, uint64_t at, const struct precopy_opts *po,
		 struct lab_mig *out);
/* The link, in Mbit/s, as precopy_opts wants it (bytes per second). */
uint64_t lab_mbit(uint64_t mbit);
/* Fail unless the migration committed and arrived whole. */
void lab_expect_whole(const char *ctx, const struct lab_mig *m);
/* Fail, and end the test, unless it ran rounds: what a stop-and-copy
 * alone never does (the checks after it read the rounds' records). */
void lab_expect_rounds(const char *ctx, const struct lab_mig *m);

#endif
