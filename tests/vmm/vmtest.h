/*
 * tests/vmm/vmtest.h: what the VMM tests share.
 * Owns: assembling a fixture of tests/vmm/ into an image; small programs
 *       built word by word with the encoders of cpu/isa.h; making, running
 *       and comparing VMs; a scratch disk image; running build/trapeze.
 * Not:  the fixtures themselves (the .s files beside this one) or any assertion about a mode.
 */
#ifndef TRAPEZE_TEST_VMTEST_H
#define TRAPEZE_TEST_VMTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "equiv.h"
#include "image.h"
#include "vmm.h"

#define VT_ALL_MODES { MODE_BARE, MODE_EMULATE, MODE_TRAP, MODE_HYBRID }

/* A program of words placed at guest-physical 0. */
struct prog {
	uint32_t w[2048];
	int n;
};
void prog_emit(struct prog *p, uint32_t word);
/* rd = v, in two words (lui, ori) so every program's layout is predictable. */
void prog_li(struct prog *p, unsigned rd, uint32_t v);
/* Halt with the value of register rs as the code. */
void prog_halt(struct prog *p, unsigned rs);

/* Assemble tests/vmm/NAME.s (the tests run from the repository root). */
void vt_assemble(const char *name, struct image *img);
/* Assemble tests/vmm/NAME.s into a fresh temporary ELF file; its name in
 * path (at least 96 bytes). The caller unlinks it. */
void vt_elf(const char *name, char *path);
/* Equivalence loaders: ctx is a const struct prog * or a const struct image *. */
bool vt_load_prog(void *ctx, struct vm *vm, char *err, size_t errlen);
bool vt_load_image(void *ctx, struct vm *vm, char *err, size_t errlen);

/* A VM of options o (mode m) holding the program or image; capture on. */
struct vm *vt_vm_prog(const struct vm_options *o, enum vmm_mode m, const struct prog *p);
struct vm *vt_vm_image(const struct vm_options *o, enum vmm_mode m, const struct image *img);

/* Write a disk image of n sectors (each byte a function of its offset) to a
 * fresh temporary file; its name in path (at least 64 bytes). */
void vt_make_disk(char *path, unsigned nsectors);

/* What the everything guest needs on top of options o: a fresh disk of 8
 * sectors (its name in disk, at least 64 bytes) and two bytes of input. */
void vt_everything_inputs(struct vm_options *o, char *disk);
/* Default options, a million-instruction limit, and the inputs above. */
void vt_everything_options(struct vm_options *o, char *disk);

/* Write text to a fresh temporary file; its name in path (at least 64 bytes). */
void vt_make_file(char *path, const char *text);

/* Compare two modes on a loader; true when equivalent. */
bool vt_equivalent(const struct vm_options *o, enum vmm_mode a, enum vmm_mode b,
		   bool (*load)(void *, struct vm *, char *, size_t), void *ctx,
		   struct vmm_divergence *d);

/* Which of the command's streams vt_trapeze returns. */
enum vt_streams { VT_STDOUT, VT_BOTH, VT_STDERR };
/* Run `$TRAPEZE ARGS` (build/trapeze when TRAPEZE is not set) with stdin from /dev/null; what it wrote on the
 * chosen streams in a malloc'd string, its exit status in *status. */
char *vt_trapeze(const char *args, enum vt_streams which, int *status);
/* `$TRAPEZE ARGS` started in the background, stdin from /dev/null, stdout
 * and stderr into the files out and err: its process. */
pid_t vt_spawn(const char *args, const char *out, const char *err);
/* A port on 127.0.0.1 nobody listens on (free a moment ago), or, keep
 * set, one this process holds listening (a port in use) in *keep. */
uint16_t vt_loopback_port(int *keep);
/* A file's bytes (at most 1 MiB) as a malloc'd string ("" when it cannot
 * be read: not yet written). */
char *vt_slurp(const char *path);
/* Does file hold what (now)? */
bool vt_file_has(const char *file, const char *what);
/* Wait (at most seconds, polling) until file holds what. */
bool vt_wait_for_text(const char *file, const char *what, int seconds);
/* The exit status of pid once it ends (-1: killed by a signal, or by this
 * after seconds had passed and it had not ended). */
int vt_reap(pid_t pid, int seconds);
/* `trapeze OPTIONS --disk BUILD/guest/disk.img BUILD/guest/kernel.elf`,
 * stdout and stderr together (BUILD from the environment). */
char *vt_guest_os(const char *options, int *status);
/* Expect what among out's text. */
void vt_has(const char *out, const char *what);

#endif
