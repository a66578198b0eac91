/*
 * labs/common/labtest.h: what every lab's tests share.
 * Owns: finding the build (BUILD, as the grader sets it); assembling a
 *       program from a file or from text; running an image or the guest OS
 *       in a mode and keeping what it printed and how it stopped; comparing
 *       two modes with the equivalence diff and saying where they part;
 *       checking that the tables a monitor runs a paged guest on map only
 *       its region; running a command of the tree; assertions whose
 *       messages tell a student what was expected and what came instead.
 * Not:  any lab's checks (labs/labN/tests, labs/labN/hidden).
 *
 * The tests run from the top of the tree being graded (the grader's
 * sandbox, or a student's tree), with TRAPEZE and BUILD set to absolute
 * paths; without them, build/trapeze and build/.
 */
#ifndef TRAPEZE_LABTEST_H
#define TRAPEZE_LABTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "equiv.h"
#include "image.h"
#include "vmm.h"

/* Each test's time limit, in seconds (Criterion's .timeout): far above what
 * a correct solution needs, so that only an endless loop meets it. */
#define LAB_TIMEOUT 10
/* Guest instructions a run may take before the test calls it a hang. */
#define LAB_MAX_STEPS 20000000u

/* How to run a guest. Zeroes mean: bare, no nonvirt, no disk, no input,
 * LAB_MAX_STEPS, 1 MiB. */
struct lab_run {
	enum vmm_mode mode;
	const char *nonvirt;     /* NULL, or a --nonvirt list: "", "x86", "getbase", ... */
	const char *disk;        /* a disk image's path, or NULL */
	const char *input;       /* console input, or NULL */
	uint64_t max_steps;
	uint32_t mem;
	uint32_t tc_size;        /* bt: the translation cache's bytes (0: the default) */
	enum vmm_cpu cpu;        /* the processor the monitor's costs are priced for */
	const char *kernel;      /* lab_boot: the kernel under BUILD (NULL: guest/kernel.elf) */
};

/* What a run left behind. */
struct lab_result {
	enum cpu_stop stop;
	bool halted;
	uint32_t code;           /* the halt code */
	char *console;           /* every byte printed, NUL-terminated */
	size_t console_len;
	struct vm_stats stats;
	uint32_t r[NREGS], pc, psw, sr[SR_COUNT]; /* the guest's final state */
	bool vmm_intact;         /* resource control: the monitor's memory untouched */
};

/* The build directory and the trapeze command. */
const char *lab_build(void);
const char *lab_trapeze(void);
/* A path under the build directory, in a static buffer per call site's use:
 * copy it if you need two at once. */
const char *lab_build_path(const char *rel);

/* Assemble a file, or a text called name, into img; include_dirs is a
 * NULL-terminated list (may be NULL). A program that does not assemble fails
 * the test with the assembler's messages. */
void lab_assemble_file(const char *path, const char *const *include_dirs, struct image *img);
void lab_assemble_text(const char *name, const char *text, struct image *img);
/* Read an ELF image the build made; fails the test if it cannot. */
void lab_read_image(const char *path, struct image *img);

/* The nonvirt mask of a --nonvirt list (NULL = none). */
unsigned lab_nonvirt(const char *spec);
/* A VM of run r holding img, console captured. */
struct vm *lab_vm(const struct lab_run *r, const struct image *img);
/* Run img as r says and fill out; never more than r->max_steps instructions. */
void lab_run_image(const struct lab_run *r, const struct image *img, struct lab_result *out);
/* Boot the guest OS (BUILD/guest/kernel.elf, or r->kernel under BUILD;
 * BUILD/guest/disk.img unless r->disk names another) as r says. */
void lab_boot(const struct lab_run *r, struct lab_result *out);
void lab_result_free(struct lab_result *res);

/* An equivalence loader (struct vmm_equiv_spec): ctx is a struct image. */
bool lab_load_image(void *ctx, struct vm *vm, char *err, size_t errlen);

/* Run img under modes a and b of r (r's mode unused) and compare all the
 * guest can see. When they differ, *why is a malloc'd report: the first
 * guest instruction after which they differ, disassembled, and the
 * differing state side by side. True when equivalent (*why = NULL). */
bool lab_equivalent(const struct lab_run *r, const struct image *img, enum vmm_mode a,
		    enum vmm_mode b, char **why);

/* Boot the guest OS (r->kernel under BUILD, or guest/kernel.elf; r->disk,
 * or BUILD/guest/disk.img) bare and under mode with r's options, step by
 * step, and fail the test with the first difference unless the guest can
 * tell nothing apart (Popek and Goldberg's equivalence). */
void lab_expect_guest_equivalent(const struct lab_run *r, enum vmm_mode mode);

/* The check every lab's test programs share: assemble path (a program that
 * checks itself and halts with 0 when every check passed, or with the number
 * of the check that failed: its comments say which), run it bare and under
 * mode with r's options; fail unless both halt with 0 and the guest sees no
 * difference. r may be NULL. */
void lab_expect_program(const char *path, enum vmm_mode mode, const struct lab_run *r);

/* Assemble the program at path (guest-os/include on the include path, and
 * its own directory for .include) and run it as r says. */
void lab_run_program(const char *path, const struct lab_run *r, struct lab_result *out);

/* Resource control for a monitor that runs a paged guest on page tables of
 * its own (shadow paging): run img as r says, in pieces of `piece` guest
 * instructions, and after each piece look at the table the real processor
 * runs on (its ptb, when paging is on there): every table of it must lie
 * outside the VM's region, where the guest cannot write it, and every page
 * it maps must lie inside the region, whole. True when that held after
 * every piece and the monitor's own memory is untouched (vm_vmm_intact);
 * else false, with the first stray entry in why (len bytes). */
bool lab_run_confined(const struct lab_run *r, const struct image *img, uint64_t piece, char *why,
		      size_t len);

/* A disk for the guest OS holding user programs: each entry of progs (NULL
 * terminated) is "NAME=FILE.s", assembled with guest-os/include and
 * guest-os/lib on the include path; init is the one the kernel starts.
 * The disk's path in disk (at least 256 bytes); lab_remove_guest_disk
 * removes it and what was made with it. */
void lab_make_guest_disk(const char *const *progs, char *disk);
void lab_remove_guest_disk(const char *disk);
/* Boot the guest OS with those programs (r->disk is ignored) and fill out. */
void lab_boot_programs(const struct lab_run *r, const char *const *progs, struct lab_result *out);

/* Run a shell command from the top of the tree, standard input from
 * /dev/null; its standard output and error in a malloc'd string, its exit
 * status in *status (-1 if it did not exit). */
char *lab_sh(const char *cmd, int *status);

/* The first line where two console transcripts a and b part, for a
 * message: "NAME_A: line\nNAME_B: line" in buf. */
void lab_first_difference(const char *a, const char *b, const char *name_a, const char *name_b,
			  char *buf, size_t len);

/* Fail the test unless text contains line (a substring), showing text. */
void lab_expect_output(const char *text, const char *want, const char *what);
/* The end of a long text, for messages: its last n bytes at most. */
const char *lab_tail(const char *text, size_t n);

#endif
