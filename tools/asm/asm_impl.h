/*
 * tools/asm/asm_impl.h: the assembler's rooms, shared by tools/asm/asm_*.c only.
 * Owns: the state of one assembly run and the interfaces between its parts:
 *       lexer and expressions (asm_lex.c), symbols (asm_sym.c), diagnostics
 *       (asm_diag.c), sources, macros and conditionals (asm_src.c),
 *       directives (asm_dir.c), instructions (asm_insn.c), sections and
 *       output (asm_out.c), and the passes (asm_core.c).
 * Not:  the public interface (asm.h).
 *
 * How it works. The source is read in passes, each one complete: every
 * statement is parsed, every symbol defined, every byte emitted. A pass sees
 * the final values of symbols defined on earlier lines and the previous
 * pass's values of later ones. Passes repeat until no symbol's value and no
 * section's start changed (usually two); only the last pass's bytes and
 * diagnostics are kept. Statement sizes depend only on what is known in
 * order (li's form on constants of earlier lines), so they cannot oscillate.
 */
#ifndef TRAPEZE_ASM_IMPL_H
#define TRAPEZE_ASM_IMPL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asm.h"

enum {
	ASM_MAX_PASSES = 10,
	ASM_MAX_SECTION = 16 << 20,  /* bytes per section: far beyond 1 MiB of memory */
	ASM_MAX_INCLUDE = 64,        /* nesting of .include */
	ASM_MAX_MACRO = 100,         /* nesting of macro expansions */
	ASM_MAX_EXPR = 200,          /* nesting of parentheses and unary operators */
	ASM_MAX_LINE = 1 << 16,      /* bytes of one line of a macro expansion */
	ASM_MAX_SOURCE = 64 << 20,   /* bytes of one source file: /dev/zero is not one */
	/* Lines expanded from macros in one pass: a macro that calls itself
	 * twice stays within ASM_MAX_MACRO levels yet doubles at each, 2^100
	 * lines, so the depth limit alone never ends it. */
	ASM_MAX_EXPANDED = 1 << 20,
	ASM_MAX_ERRORS = 100,        /* then stop: the rest is noise (clang stops at 20) */
};

/* A growable byte string. Allocation failure aborts: see asm_xrealloc. */
struct strbuf {
	char *s;
	size_t len, cap;
};
void sb_put(struct strbuf *b, const void *p, size_t n);
void sb_putc(struct strbuf *b, char c);
void sb_printf(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void *asm_xrealloc(void *p, size_t n);
char *asm_xstrndup(const char *s, size_t n);
/* Grow array *p of *cap elements of size sz to hold at least n. */
void asm_grow(void *p, int *cap, int n, size_t sz);

/* A map from strings (owned elsewhere, outliving the map) to ints. */
struct asm_map {
	struct asm_map_ent { const char *key; size_t klen; int val; } *e;
	size_t cap, n;
};
int asm_map_get(const struct asm_map *m, const char *key, size_t klen); /* -1: absent */
void asm_map_put(struct asm_map *m, const char *key, size_t klen, int val);
void asm_map_free(struct asm_map *m);

/* A source file, loaded once and kept for the whole run. */
struct asm_file {
	char *path;    /* as found: named in diagnostics */
	char *real;    /* canonical name, to detect recursive includes */
	char *text;
	size_t len;
};

/* The line being assembled and where it came from. */
struct asm_line {
	const char *text; /* not NUL-terminated; may hold any bytes */
	size_t len;
	const char *fname;
	int lineno;
	const char *macro;   /* inside an expansion of this macro, or NULL */
	const char *inv_fname; /* where that expansion was invoked */
	int inv_line, inv_col;
};

enum tok_kind { TK_EOL, TK_IDENT, TK_NUM, TK_CHAR, TK_STR, TK_LREF, TK_OP };
enum { OP_SHL = 256, OP_SHR, OP_LE, OP_GE, OP_EQ, OP_NE, OP_ANDAND, OP_OROR };
struct asm_tok {
	enum tok_kind kind;
	int op;        /* TK_OP: the character, or OP_SHL...; TK_LREF: 'b' or 'f' */
	uint32_t off, len;
	int64_t val;   /* TK_NUM, TK_CHAR, TK_LREF (the label's number) */
};

/* An expression's value. known: every symbol had a value (a forward reference
 * in the first pass has none). constant: made only of numbers and constants
 * defined on earlier lines, so the same in every pass. */
struct asm_value {
	int64_t v;
	bool known, constant;
};

enum sym_kind { SYM_UNDEF, SYM_LABEL, SYM_EQU, SYM_SET, SYM_PREDEF };
struct asm_sym {
	char *name;
	enum sym_kind kind;
	int sect;         /* SYM_LABEL: its section */
	int64_t value;    /* SYM_LABEL: offset in the section; others: the value */
	int def_pass;     /* the pass of the latest definition; 0: never defined */
	bool constant;    /* no address went into the value */
	bool global, hidden;
	int64_t snap;     /* the value at the end of the previous pass */
	bool snap_defined;
	const char *def_fname; /* the first definition this pass, for notes */
	int def_line, def_col;
};

enum { SECT_TEXT, SECT_DATA, NSECT };
struct asm_section {
	const char *name;
	struct strbuf bytes;
	uint32_t base;          /* start address */
	uint32_t base_at_start; /* start address when this pass began */
	bool base_set;          /* .org at the very start chose it this pass */
};

struct asm_macro {
	char *name;
	char **params;
	int nparams;
	struct asm_line *body; /* text points into a file buffer */
	int nbody, capbody;
	int def_pass;
	struct asm_line def;   /* the .macro line (text owned), for diagnostics */
	uint32_t def_off;      /* where its name is on that line */
};

/* One level of the reader: a file being read or a macro being expanded. */
struct asm_frame {
	const struct asm_file *file; /* NULL for a macro expansion */
	size_t pos;
	int lineno;
	int mac;                     /* the macro's index, or -1 */
	int next;                    /* next body line */
	char **args;
	unsigned uid;                /* \@ */
	struct strbuf expanded;      /* the current expanded body line */
	struct asm_line inv;         /* the invocation, for notes */
	int nconds;                  /* conditionals open when it began */
};

struct asm_cond {
	bool parent_active, taken, active, in_else;
	struct asm_line where; /* the .if line (text owned), for diagnostics */
	uint32_t off, len;     /* its directive on that line */
};

/* A row of the line table (DWARF .debug_line in the image). */
struct asm_lrow {
	uint32_t addr, end;
	const char *fname;          /* the file's name as read (owned by the file) */
	int line;
};

struct asm_state {
	const struct asm_options *opt;
	int pass;
	/* sources */
	struct asm_file **files;
	int nfiles, capfiles;
	struct asm_frame *frames;
	int nframes, capframes;
	struct asm_line line;       /* the current line */
	/* the current line's tokens */
	struct asm_tok *toks;
	int ntoks, captoks;
	bool failed;                /* an error was reported on this line */
	/* symbols */
	struct asm_sym *syms;
	int nsyms, capsyms;
	struct asm_map symmap;
	int scope;                  /* the last non-local label, or -1 */
	struct strbuf scratch;
	/* sections */
	struct asm_section sect[NSECT];
	int cur;
	/* macros and conditionals */
	struct asm_macro *macros;
	int nmacros, capmacros;
	struct asm_map macromap;
	int defining;               /* the macro whose body is being read, or -1 */
	int def_frame;              /* the frame its .macro line came from */
	bool strict;                /* .if: symbols of later lines are errors */
	struct asm_cond *conds;
	int nconds, capconds;
	unsigned uid;
	uint32_t expanded;          /* lines expanded from macros this pass */
	bool stopped;               /* too many errors or expansions: the pass is over */
	/* results of this pass */
	struct asm_diag *diags;
	int ndiags, capdiags, nerrors;
	struct strbuf listing;
	bool list_words;            /* this statement emitted instructions */
	/* the line table: each statement that emitted instructions, this pass */
	struct asm_lrow *lrows;
	int nlrows, caplrows;
};

/* asm_diag.c */
/* Free what one diagnostic holds. */
void asm_diag_free(struct asm_diag *d);
void asm_error_at(struct asm_state *st, uint32_t off, uint32_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void asm_error_tok(struct asm_state *st, const struct asm_tok *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void asm_note_at(struct asm_state *st, const char *fname, int line, int col,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void asm_error_file(struct asm_state *st, const char *fname, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An error at a position with no source line to show. */
void asm_error_pos(struct asm_state *st, const char *fname, int line, int col,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The display column (1-based) of byte off of the current line. */
int asm_column(const struct asm_state *st, uint32_t off);
int asm_column_in(const struct asm_line *l, uint32_t off);
/* Quote bytes for a message into buf (ASM_QUOTE bytes): printable as is,
 * others as \xNN, long ones cut with "...". Returns buf. */
enum { ASM_QUOTE = 160 };
const char *asm_quote(char *buf, const char *s, size_t n);
/* An error at a saved line rather than the current one. */
void asm_error_line(struct asm_state *st, const struct asm_line *l, uint32_t off, uint32_t len,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The candidate nearest to word by edit distance, or NULL if none is near. */
const char *asm_nearest(const char *word, size_t n, const char *const *cands, int ncands);
/* "did you mean" note after an error at off, for the nearest candidate. */
void asm_suggest(struct asm_state *st, uint32_t off, const char *word, size_t n,
                 const char *const *cands, int ncands);
/* Display a line: tabs to spaces, bad bytes to '?'. */
void asm_display_line(struct strbuf *out, const char *s, size_t n);

/* asm_lex.c */
bool asm_tokenize(struct asm_state *st);
const char *asm_tok_text(const struct asm_state *st, const struct asm_tok *t);
bool asm_tok_is(const struct asm_state *st, const struct asm_tok *t, const char *s);
bool asm_is_op(const struct asm_tok *t, int op);
/* The register a token names (r0..r15, zero, fp, sp, lr), or -1. */
int asm_reg(const struct asm_state *st, const struct asm_tok *t);
int asm_reg_named(const char *s, size_t n);
/* Decode a TK_STR token's bytes, escapes resolved. */
void asm_string(const struct asm_state *st, const struct asm_tok *t, struct strbuf *out);
/* Evaluate the expression at toks[*pos] (stopping at end); advances *pos. */
bool asm_expr(struct asm_state *st, int *pos, int end, struct asm_value *v);
/* Evaluate toks[start, end) as one whole expression. */
bool asm_expr_all(struct asm_state *st, int start, int end, struct asm_value *v);
/* The index of the ',' or EOL that ends the operand starting at toks[s]. */
int asm_group_end(const struct asm_state *st, int s);
/* Split toks[start, EOL) at top-level commas into ranges; the number of ranges,
 * or -1 after reporting an empty operand. Ranges are (starts[i], ends[i]). */
int asm_split(struct asm_state *st, int start, int *starts, int *ends, int max);

/* asm_sym.c */
void asm_sym_init(struct asm_state *st);
/* The symbol name a reference or definition means (local labels qualified). */
const char *asm_sym_qualify(struct asm_state *st, const char *s, size_t n, size_t *len);
int asm_sym_find(struct asm_state *st, const char *name, size_t n, bool create);
int64_t asm_sym_value(const struct asm_state *st, const struct asm_sym *s);
/* Define a label (kind SYM_LABEL) or constant at the token; false if reported. */
bool asm_define(struct asm_state *st, const struct asm_tok *t, enum sym_kind kind,
                const struct asm_value *v);
bool asm_define_numeric(struct asm_state *st, const struct asm_tok *t);
/* The value of 1b / 1f. */
bool asm_numeric_ref(struct asm_state *st, const struct asm_tok *t, struct asm_value *v);
/* Fold this pass's final values into the snapshots; true if any changed. */
bool asm_sym_settle(struct asm_state *st);
bool asm_is_reserved(const char *s, size_t n);

/* asm_src.c */
void asm_src_begin_pass(struct asm_state *st);
/* Start reading a top-level input; false (reported) if it cannot be read. */
bool asm_src_push_input(struct asm_state *st, const struct asm_input *in);
/* The next line to assemble into st->line, handling macro bodies and
 * skipped conditionals; false at the end of the inputs pushed. */
bool asm_src_next(struct asm_state *st);
bool asm_src_include(struct asm_state *st, const struct asm_tok *t);
bool asm_src_macro_begin(struct asm_state *st, int start);
bool asm_src_macro_expand(struct asm_state *st, int mac, int start);
bool asm_src_cond(struct asm_state *st, const struct asm_tok *dir, int start);
/* The line could not be read: if it opens a conditional, open one that
 * skips both branches, so its .else and .endif do not cascade. */
void asm_src_cond_broken(struct asm_state *st);
/* The reader's directive at the head of a line (.if, .endm, ...) or NULL. */
const char *asm_src_head(const char *s, size_t n, size_t *at);
/* The macro named by a token that this pass has defined, or -1. */
int asm_macro_find(const struct asm_state *st, const char *s, size_t n);
void asm_macro_free(struct asm_state *st);
void asm_src_free(struct asm_state *st);

/* asm_dir.c */
/* Assemble a directive statement starting at toks[i]; false if not one. */
bool asm_directive(struct asm_state *st, int i);
/* The directives' names, for suggestions; how many were stored. */
int asm_directive_names(const char **out, int max);

/* asm_insn.c */
/* Assemble an instruction or pseudo-instruction at toks[i]; false if the
 * mnemonic is none of them. */
bool asm_instruction(struct asm_state *st, int i);
/* The mnemonics and pseudo-instruction names, for suggestions. */
int asm_mnemonics(const char **out, int max);
bool asm_is_mnemonic(const char *s, size_t n);

/* asm_out.c */
uint32_t asm_here(const struct asm_state *st);
/* Make room for n more bytes in the current section; false if reported. */
bool asm_room(struct asm_state *st, uint64_t n, uint32_t off, uint32_t len);
void asm_emit(struct asm_state *st, const void *p, size_t n);
void asm_emit_word(struct asm_state *st, uint32_t w);
void asm_begin_pass_sections(struct asm_state *st);
/* End of pass: place .data; true if a section start moved. */
bool asm_settle_sections(struct asm_state *st);
bool asm_check_layout(struct asm_state *st, const char *fname);
void asm_list_line(struct asm_state *st, int sect, size_t start, bool marked);
/* The statement just read emitted instructions from start on in sect: a
 * row of the line table, at its line (a macro's: where it was invoked). */
void asm_line_row(struct asm_state *st, int sect, size_t start);
bool asm_build_image(struct asm_state *st, struct image *img);

#endif
