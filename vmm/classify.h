/*
 * vmm/classify.h: Popek and Goldberg's instruction classes, by experiment.
 * Owns: running every instruction of the table from many random machine
 *       states on a scratch machine and deriving, from what it did, whether
 *       it is privileged, control-sensitive, mode-sensitive, location-
 *       sensitive and user-sensitive; the verdicts of Theorems 1 and 3.
 * Not:  printing (tools/classify/classify.c); the table's declared classes
 *       (isa-spec/isa.def), which are only compared against, never used.
 * Implements: the definitions of P&G 1974, section 3 (see classify.c for how
 *       each is turned into an experiment) and its Theorems 1 and 3.
 */
#ifndef TRAPEZE_VMM_CLASSIFY_H
#define TRAPEZE_VMM_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "isa.h"

/* The fixed seed that makes `trapeze classify` print the same every time. */
#define VMM_CLASSIFY_SEED 0x7261705A45ull
#define VMM_CLASSIFY_SAMPLES 400

struct vmm_class_row {
	const struct isa_insn *insn;
	bool privileged;      /* trapped PRIV in every user-mode run, in no supervisor run */
	bool control;         /* changed the mode, relocation or other resources */
	bool mode;            /* its effect depended on the mode */
	bool location;        /* its effect depended on the relocation base */
	bool user_sensitive;  /* sensitive in some user-mode run */
	unsigned derived;     /* the above as ISA_PRIV | ISA_CTRL | ISA_MODE | ISA_LOC */
	unsigned expected;    /* the table's class, less ISA_PRIV when nonvirt removes the trap */
	bool nonvirt;         /* the nonvirt set takes this instruction's trap away */
	int user_runs, user_priv_traps, super_priv_traps; /* the privilege evidence */
	/* Paging's evidence: user-mode runs from paged states, and the paged
	 * mode and location pairs in which neither run trapped. */
	int paged_runs, paged_pairs;
};

struct vmm_classification {
	unsigned nonvirt;              /* the (1u << NV_x) set the experiment ran with */
	uint64_t seed;
	int samples;                   /* random states per instruction */
	struct vmm_class_row *rows;    /* one per isa_insns row, in table order */
	int nrows;
	int mismatches;                /* rows whose derived class is not the expected one */
	bool theorem1;                 /* every sensitive instruction is privileged */
	bool theorem3;                 /* every user-sensitive instruction is privileged */
};

/* Classify every instruction of the table with the given nonvirt set, seed
 * and number of random states. False only when host memory ran out. */
bool vmm_classify(unsigned nonvirt, uint64_t seed, int samples, struct vmm_classification *out);
void vmm_classification_free(struct vmm_classification *cl);
/* True when the row is sensitive: control, mode or location. */
static inline bool vmm_is_sensitive(const struct vmm_class_row *r)
{
	return r->control || r->mode || r->location;
}

#endif
