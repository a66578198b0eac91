/*
 * labs/lab0/tests/lab0.h: what lab 0's tests share.
 * Owns: calling one function of labs/lab0/lab0.s on the bare machine, as a
 *       caller following the calling convention would, and looking at what
 *       it returned, printed and left in the registers.
 */
#ifndef TRAPEZE_LAB0_H
#define TRAPEZE_LAB0_H

#include <stdint.h>

#include "labtest.h"

enum {
	LAB0_STACK = 0xE0000,   /* the caller's sp */
	LAB0_RETURN = 0xF0000,  /* lr: a halt there ends the call */
	LAB0_STEPS = 1000000,   /* instructions one call may take */
	LAB0_DATA = 0xD0000,    /* where a test may put an array */
};

struct lab0_call {
	const char *fn;         /* the function's label */
	uint32_t args[3];       /* r1, r2, r3 */
	const uint32_t *data;   /* words to place at LAB0_DATA first, or NULL */
	unsigned ndata;
	/* What happened: */
	bool returned;          /* came back to lr, within LAB0_STEPS */
	uint32_t r[NREGS];      /* the registers when it returned */
	uint64_t steps;         /* instructions it took */
	char console[256];      /* what it printed (cut at 255 bytes) */
};

/* Assemble labs/lab0/lab0.s (once per test) and make the call. */
void lab0_call(struct lab0_call *c);

#endif
