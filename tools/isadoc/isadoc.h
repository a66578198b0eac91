/*
 * tools/isadoc/isadoc.h: ISA.md's tables, generated from isa-spec/isa.def.
 * Owns: the text of each generated block and keeping ISA.md's copy current.
 */
#ifndef TRAPEZE_ISADOC_H
#define TRAPEZE_ISADOC_H

#include <stdbool.h>
#include <stdio.h>

/* Write the generated block called name (insns, sregs, causes, ports, costs)
 * to out; false if there is no such block. */
bool isadoc_block(FILE *out, const char *name);
/* Compare (update=false) or rewrite (update=true) every generated block of
 * the markdown file at path. Returns 0 when current (or rewritten), 1 when
 * stale, -1 on an error, with a one-line message in err. */
int isadoc_sync(const char *path, bool update, char *err, size_t errlen);

#endif
