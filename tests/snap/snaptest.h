/*
 * tests/snap/snaptest.h: what the snapshot, migration and failover tests share.
 * Owns: the machines they run (the guest OS in every mode and its variants:
 *       paged, paravirtual, with a small translation cache, with console
 *       input), making one, restoring one from a snapshot as the tools do,
 *       and comparing two VMs' whole states.
 * Not:  any assertion about snapshots (the tests themselves).
 */
#ifndef TRAPEZE_TEST_SNAPTEST_H
#define TRAPEZE_TEST_SNAPTEST_H

#include <stdbool.h>
#include <stdint.h>

#include "snapshot.h"
#include "vmm.h"

struct st_config {
	const char *name;
	enum vmm_mode mode;
	const char *kernel;     /* under BUILD/guest/; or, fixture set, tests/vmm/KERNEL.s */
	const char *disk;       /* under BUILD/guest/, or NULL */
	const char *nonvirt;    /* NULL: none; "" : x86 */
	enum vmm_cpu cpu;
	uint32_t tc_size;
	const char *input;      /* console input, or NULL */
	uint64_t limit;         /* step limit (0: 20 million) */
	bool fixture;
};

/* Every mode with the guest OS, and the variants that exercise each
 * technique's state: shadows (paged kernel), direct paging (pv paged),
 * nested paging (hw modern), a translation cache that flushes, input. */
extern const struct st_config st_configs[];
extern const int st_nconfigs;
/* The configuration called name. */
const struct st_config *st_config(const char *name);

/* A VM of configuration c with its kernel loaded, capturing its console. */
struct vm *st_vm(const struct st_config *c);
/* Its disk image's path (BUILD/guest/DISK). */
const char *st_path(const char *file);
/* A VM made from snapshot bytes as `trapeze run --restore` makes one. */
struct vm *st_restore(const uint8_t *p, size_t n);
/* Save vm whole (with its console history). */
void st_save(const struct vm *vm, struct snap_buf *b);
/* Expect a and b in the same whole state; ctx names the case. */
void st_expect_same(const struct vm *a, const struct vm *b, const char *ctx);
/* Run vm to its end (halt, idle, fault or limit). */
enum cpu_stop st_finish(struct vm *vm);

/* Where the payload of the first section tagged tag starts in b, or -1. */
long st_section_at(const struct snap_buf *b, uint32_t tag);
/* Make b's checksum right again after an edit: a hand-made snapshot. */
void st_fix_crc(struct snap_buf *b);

/* A migration link (struct mig_link's ctx) that breaks after left bytes,
 * or whose target refuses to commit. */
struct st_bad_link {
	uint64_t left;
	bool refuse;
};
bool st_bad_send(void *ctx, const uint8_t *p, size_t n);
bool st_bad_commit(void *ctx);

#endif
