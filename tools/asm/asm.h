/*
 * tools/asm/asm.h: the Trapeze assembler, as a library.
 * Owns: turning assembly source into an image (tools/image/image.h), a
 *       listing and a list of diagnostics. It never prints and never exits.
 * Not:  the command line (tools/asm/asm_cmd.c); ELF files (tools/image/image.c);
 *       the instruction table (isa-spec/isa.def, read through cpu/isa.h).
 *
 * The language (lines, labels, expressions, directives, pseudo-instructions,
 * macros, .include, the guest OS's calling convention) is described once,
 * for the people who write it, in docs/ASSEMBLY.md; tests/docs_test.sh
 * assembles every example there. The instructions' operand templates are
 * isa.def's.
 */
#ifndef TRAPEZE_ASM_H
#define TRAPEZE_ASM_H

#include <stdbool.h>
#include <stddef.h>

#include "image.h"

/* One source: text in memory (len bytes), or, when text is NULL, the file
 * called name. Several sources are assembled as one, in order. */
struct asm_input {
	const char *name;
	const char *text;
	size_t len;
};

struct asm_options {
	const char *const *include_dirs; /* searched after the includer's directory */
	int ninclude_dirs;
	const char *const *defines;      /* "NAME" (= 1) or "NAME=EXPR" */
	int ndefines;
	bool listing;                    /* produce asm_result.listing */
};

enum asm_severity { ASM_ERROR, ASM_NOTE };

/* One diagnostic, in GNU form once formatted. line 0 means no position. */
struct asm_diag {
	enum asm_severity severity;
	char *file;    /* may be NULL */
	int line, col; /* 1-based; col counts tab stops of 8 */
	int width;     /* columns the caret and tildes cover, >= 1 */
	char *message;
	char *source;  /* the source line as displayed (tabs expanded), or NULL */
	char *included_from; /* "In file included from X:LINE" lines that go
	                      * before it (GNU's form), or NULL: file is not
	                      * a top-level source */
};

struct asm_result {
	struct image image;      /* when ok: segments .text and .data (either may
	                          * be empty), every label as a symbol */
	struct asm_diag *diags;  /* every diagnostic of the run, in order */
	int ndiags;
	int nerrors;
	char *listing;           /* address, words, source; when asked and ok */
};

/* Assemble the inputs (opt may be NULL: no -I, no -D, no listing); true when
 * there were no errors, and then res->image is the program. res is always
 * filled, and is released with asm_result_free. */
bool asm_assemble(const struct asm_input *in, int nin, const struct asm_options *opt,
                  struct asm_result *res);
/* Assemble one NUL-terminated text called name, with default options. */
bool asm_assemble_text(const char *name, const char *text, struct asm_result *res);
/* Format one diagnostic as GNU text (the lines saying where its file was
 * included from, the header line, then source and caret lines when it has
 * a source); a malloc'd string. */
char *asm_diag_format(const struct asm_diag *d);
/* Every diagnostic of res, formatted and concatenated; a malloc'd string. */
char *asm_diags_text(const struct asm_result *res);
/* Release what asm_assemble put in res. */
void asm_result_free(struct asm_result *res);
/* The register a name means (r0..r15, zero, fp, sp, lr), or -1. */
int asm_register(const char *name);
/* True when name is one of the predefined constants (PORT_CON_DATA, ...),
 * which no program may define again. */
bool asm_is_predefined(const char *name);

#endif
