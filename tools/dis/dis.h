/*
 * tools/dis/dis.h: the Trapeze disassembler, as a library.
 * Owns: turning one instruction word into one line of assembly that
 *       re-assembles to exactly that word (tools/asm/asm.h's language).
 * Not:  printing (cmd_dis prints dis_image's text); the instruction table
 *       (isa-spec/isa.def via cpu/isa.h).
 */
#ifndef TRAPEZE_DIS_H
#define TRAPEZE_DIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"

/* Disassemble word, found at address pc, into buf (len bytes, always
 * NUL-terminated): "add r1, r2, r3", "ldw r1, 8(sp)", "beq loop". Branch
 * targets are named by img's symbol at the target when it has one (img may
 * be NULL), else written as an absolute address. A word that no instruction
 * encodes exactly (unknown opcode, nonzero unused bits, unknown special
 * register) becomes ".word 0x%08x" and the result is false. */
bool dis_insn(uint32_t word, uint32_t pc, const struct image *img, char *buf, size_t len);
/* dis_insn with no symbols: for the CPU tracer and the TUI. */
bool dis_word(uint32_t word, uint32_t pc, char *buf, size_t len);
/* True when an instruction encodes word exactly, so dis_insn names it. */
bool dis_is_exact(uint32_t word);
/* A run of at least this many zero words is shown as one line (dis's
 * .space, the monitor's "..."), as objdump does; shorter ones word by word. */
enum { DIS_ZERO_RUN = 4 };
/* How many of the n words at b (little-endian), at most max, are zero,
 * counting from the first. */
uint32_t dis_zero_words(const uint8_t *b, uint32_t n, uint32_t max);
/* True when name can be written as a symbol in assembly source. */
bool dis_name_ok(const char *name);
/* The whole image as assembler source that re-assembles to the same bytes at
 * the same addresses (tools/dis/dis_image.c); title names it in the first
 * comment. A malloc'd string, or NULL when out of memory. */
char *dis_image(const struct image *img, const char *title);

#endif
