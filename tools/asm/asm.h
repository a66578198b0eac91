/*
 * tools/asm/asm.h: the Trapeze assembler, as a library.
 * Owns: turning assembly source into an image (tools/image/image.h), a listing and
 *       a list of diagnostics. It never prints and never exits.
 * Not:  the command line (tools/asm/asm_cmd.c); ELF files (tools/image/image.c);
 *       the instruction table (isa-spec/isa.def, read through cpu/isa.h).
 *
 * THE LANGUAGE (what guest-OS authors write)
 *
 * Lines. One statement per line; `;` or `#` starts a comment that runs to the
 * end of the line. Symbols are case-sensitive; mnemonics, directives and
 * register names are lower case.
 *
 * Labels. `name:` defines name as the current address; several labels may
 * precede a statement. A label beginning with `.` is local to the previous
 * non-local label: `.loop` after `memcpy:` is the symbol `memcpy.loop`, and
 * may be written so from anywhere. Numeric labels `1:` may be defined many
 * times; `1b` refers to the nearest one before, `1f` to the nearest after.
 *
 * Registers. r0..r15; zero = r0, fp = r13, sp = r14, lr = r15. Writes to r0
 * are discarded. Special registers (mfsr, mtsr) by name: tvec epc epsw cause
 * detail base limit timer scratch memsize ipend.
 *
 * Expressions. Decimal, 0x hex, 0b binary, 'c' characters (escapes \n \t \r
 * \0 \\ \' \" \xNN), symbols, `.` (the address of the current statement),
 * operators + - * / % << >> & | ^ and unary - ~, with C's precedence, and
 * parentheses; also < <= > >= == != && || and unary ! (1 or 0, for .if).
 * hi(x) = (x >> 16) & 0xffff, lo(x) = x & 0xffff. Arithmetic is 64-bit; each
 * use checks the range it needs. A register name is never a symbol.
 *
 * Predefined constants, generated from isa-spec/isa.def: PORT_<name> for each
 * port (PORT_CON_DATA), CAUSE_<name> (CAUSE_SYSCALL), SR_<name> (SR_epc, the
 * special register's number), PSW_S PSW_IE PSW_Z PSW_N PSW_C PSW_V, and
 * IRQ_TIMER IRQ_CONSOLE IRQ_DISK (bit numbers of the ipend register).
 *
 * Directives.
 *   .text / .data         choose the section. .text begins at 0 and .data
 *                         follows .text, aligned to 16, unless .org says.
 *   .org EXPR             move the location forward to EXPR (zero-filled);
 *                         at the very start of a section, set its start.
 *   .equ NAME, EXPR       define a constant once (NAME = EXPR and .set NAME,
 *                         EXPR may define it again, later lines see the new value)
 *   .word/.half/.byte E,...   32/16/8-bit little-endian values
 *   .ascii "s",... / .asciz "s",...   bytes of strings (.asciz adds a 0)
 *   .space N[, FILL]      N bytes of FILL (default 0)
 *   .align N              pad with zeros to a multiple of N (a power of two)
 *   .global NAME,...      mark symbols global in the image's symbol table
 *   .include "file"       relative to the including file, then each -I dir
 *   .macro NAME A, B...   define a macro up to .endm; in its body \A is the
 *                         argument, \@ a number unique to each expansion.
 *                         Use it as NAME x, y (after its definition); the
 *                         arguments split at commas outside () and quotes,
 *                         and their number must match
 *   .if EXPR / .ifdef NAME / .ifndef NAME / .else / .endif   conditional
 *                         assembly (only symbols defined on earlier lines count)
 *   .error "message"      stop with an error
 *
 * Instructions follow the operand template of their isa.def row:
 *   add r1, r2, r3     addi r1, r2, -5    lui r1, 0x1234    cmp r1, r2
 *   ldw r1, 8(r2)      ldw r1, (r2)       stw r1, -4(sp)    cmpi r1, 10
 *   beq label          jal func           jr lr             jalr r1, r2
 *   sys 3              mfsr r1, epc       mtsr tvec, r1     rdcyc r1
 *   in r1, PORT_CON_STATUS               out PORT_CON_DATA, r1
 *   wfi  rfe  getpsw r1  setpsw r1  getbase r1  jru r1  cpuid r1, r2
 * Every immediate is range-checked: signed 16 bits for i (-32768..32767),
 * unsigned 16 bits for u, ports and special registers (0..65535), 24 bits for
 * codes, and +/- 2^23 words for branches. A branch target is an address.
 *
 * The entry point is the symbol _start when defined, else the start of .text.
 *
 * Pseudo-instructions (each always has the size shown):
 *   nop               add r0, r0, r0
 *   mov rd, rs        add rd, rs, r0
 *   li rd, EXPR       addi rd, r0, EXPR when EXPR is a constant (numbers and
 *                     constants defined on earlier lines) that fits 16 signed
 *                     bits; otherwise lui rd, hi(EXPR) + ori rd, rd, lo(EXPR)
 *   la rd, EXPR       lui rd, hi(EXPR) + ori rd, rd, lo(EXPR), always
 *   call L / ret      jal L / jr lr
 *   b L               jmp L
 *   push rs           addi sp, sp, -4 + stw rs, 0(sp)
 *   pop rd            ldw rd, 0(sp) + addi sp, sp, 4
 *   neg rd, rs        sub rd, r0, rs
 *   not rd, rs        sub rd, r0, rs + addi rd, rd, -1
 *   beq/bne/blt/bge/bltu/bgeu/bgt/ble rs, rt, L     cmp rs, rt + the branch
 *   beqz/bnez/bltz/bgez/bgtz/blez rs, L             cmpi rs, 0 + the branch
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
/* Format one diagnostic as GNU text (header line, then source and caret
 * lines when it has a source); a malloc'd string. */
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
