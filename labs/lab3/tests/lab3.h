/*
 * labs/lab3/tests/lab3.h: what lab 3's tests share.
 * Owns: running the student's red pill and judging its verdict.
 */
#ifndef TRAPEZE_LAB3_H
#define TRAPEZE_LAB3_H

#include <stdbool.h>

#include "labtest.h"

/* Run labs/lab3/redpill.s in mode with the nonvirt list (NULL: none); fail
 * unless it says "virtual machine detected" and halts 1 when virtual is
 * true, or says "physical" and halts 0 when it is false. */
void lab3_expect_verdict(enum vmm_mode mode, const char *nonvirt, bool virtual);

#endif
