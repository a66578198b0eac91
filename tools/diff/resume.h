/*
 * tools/diff/resume.h: "trapeze diff --restore FILE IMAGE": a run resumed
 *       from a snapshot against a fresh run of the same image.
 * Owns: the one entry point (resume.c does the work).
 * Not:  comparing modes (diff.c).
 */
#ifndef TRAPEZE_RESUME_H
#define TRAPEZE_RESUME_H

#include "image.h"
#include "runopts.h"

/* Compare the run resumed from snapshot file with a fresh run of img
 * (named image) made as the snapshot's machine (o's --disk, --input and
 * --timeout apply): prints the verdict; returns the exit status (0 the
 * same, 121 they differ, 1 an input error). */
int diff_resume(struct runopts *o, const char *file, const struct image *img, const char *image);

#endif
