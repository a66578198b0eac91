/*
 * tools/mon/mon.h: the monitor: a debugger's core and its gdb-like commands.
 * Owns: struct mon: one VM built from run options and an image, rebuilt on
 *       restart; its breakpoints; the log of traps and VM exits; run control
 *       (step, next, continue, until the next exit) that never runs past a
 *       breakpoint; address expressions; what is shown of the machine; the
 *       command language (mon_execute). Both front ends use it.
 * Not:  any terminal: readline and the prompt (tools/mon/mon.c), curses
 *       (tools/tui/). Nothing here prints except to the FILE it is given.
 *
 * Addresses the user types are guest-virtual in the guest's current mode,
 * as the CPU would use them (supervisor mode is unrelocated, so there they
 * are guest-physical). A breakpoint is kept as the guest-physical address it
 * named when set, and hits when the pc translates to it: so a breakpoint in
 * the kernel is not hit by a user program that runs at the same virtual
 * address. Symbols come from the image and name guest-physical addresses.
 */
#ifndef TRAPEZE_MON_H
#define TRAPEZE_MON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "image.h"
#include "migsend.h"
#include "vmm.h"

enum {
	MON_MAX_BREAKS = 64,
	MON_LOG = 256,          /* the last events kept (a ring) */
	MON_REG_PC = NREGS,     /* register numbers past the 16 general ones */
	MON_REG_PSW,
	MON_REG_SR0,            /* MON_REG_SR0 + n: special register n */
	MON_NREGS = MON_REG_SR0 + SR_COUNT,
	MON_MAX_COUNT = 1000000000, /* step N, next N, until-exit N: at most */
};

struct mon_break {
	unsigned id;            /* as the user numbers it; 0 = slot free */
	uint32_t gpa;           /* guest-physical address of the instruction */
	uint64_t hits;
};

/* The monitor. Front ends read these fields and change them only through
 * the functions below. */
struct mon {
	struct vm_options opt;  /* how to build the VM again on restart */
	const struct image *img;
	struct vm *vm;
	struct mon_break brk[MON_MAX_BREAKS];
	unsigned next_break_id;
	struct vm_event log[MON_LOG]; /* event n is log[n % MON_LOG] */
	uint64_t nevents;       /* events since the VM was built */
	size_t console_shown;   /* console bytes already handed out */
	/* What "x" with no address or format continues with. */
	uint32_t x_next;
	char x_fmt, x_size;
	unsigned x_count;
	/* On a host (trapeze mon --host CONFIG): its VMs, one of them selected
	 * ("vm N"): vm is that one and img its image; the commands act on it
	 * alone, the others standing still, until "host" runs them all by the
	 * schedule. NULL for a VM alone. */
	struct host *host;
	const struct image *imgs;  /* the host's images, VM by VM */
	int cur;
};

/* Build the monitor and its VM (opt's input bytes must outlive it; capture
 * is turned on so the console can be shown). False with a message in err. */
bool mon_create(struct mon **out, const struct vm_options *opt, const struct image *img,
		char *err, size_t errlen);
/* Free the monitor and its VM. NULL is allowed. */
void mon_destroy(struct mon *m);
/* Build the VM again from the start; breakpoints stay, their hits reset.
 * (Not on a host: false, with why.) */
bool mon_restart(struct mon *m, char *err, size_t errlen);
/* A monitor of host h's VMs (imgs: their images), the first one started
 * selected. The host stays the caller's. */
struct host;
bool mon_create_host(struct mon **out, struct host *h, const struct image *imgs, char *err,
		     size_t errlen);
/* Select VM i of the host: the commands act on it from now on. False with
 * why (no host, no such VM, not started yet). */
bool mon_select_vm(struct mon *m, int i, char *err, size_t errlen);

/* ---- run control (mon_core.c) ----------------------------------------- */

enum mon_goal {
	MON_STEP,     /* count single steps: an instruction, or a trap entered */
	MON_NEXT,     /* count steps, each call (jal, jalr) run to its return */
	MON_CONTINUE, /* until a breakpoint or the guest stops */
	MON_EXIT,     /* count times: until the next trap or VM exit */
};

enum mon_why {
	MON_DONE,        /* did what was asked */
	MON_AT_BREAK,    /* the pc reached a breakpoint */
	MON_AT_EVENT,    /* a trap or VM exit happened (MON_EXIT) */
	MON_HALTED,      /* the guest wrote the power port */
	MON_IDLE,        /* wfi with no interrupt that can come */
	MON_FAULT,       /* triple fault */
	MON_AT_LIMIT,    /* the step limit (--max-steps) */
	MON_INTERRUPTED, /* the poll function asked to stop */
};

struct mon_stop {
	enum mon_why why;
	const struct mon_break *brk; /* MON_AT_BREAK: which */
	uint64_t retired;            /* guest instructions retired during the run */
	uint64_t first_event;        /* the events of the run: first_event .. nevents */
};

/* Asked now and then during a long run: true stops it (MON_INTERRUPTED). */
typedef bool (*mon_poll_fn)(void *ctx);

/* Run the guest toward goal; poll (may be NULL) is asked every few thousand
 * instructions. A breakpoint at the pc where the run starts does not stop
 * it: it stops at the next one reached. */
struct mon_stop mon_run(struct mon *m, enum mon_goal goal, uint64_t count, mon_poll_fn poll,
			void *ctx);
/* True when the VM is stopped for good (halted, faulted) or idle. */
bool mon_stopped(const struct mon *m, enum mon_why *why);
/* Queue console input for the guest, and wake it if it idles waiting. */
void mon_feed_console(struct mon *m, const char *bytes, size_t len);
/* The console output not yet handed out, and mark it handed out. */
const char *mon_console_new(struct mon *m, size_t *len);

/* Breakpoints: add at guest-virtual va (translated now); false with a
 * message when it cannot be translated or the table is full. */
bool mon_break_add(struct mon *m, uint32_t va, const struct mon_break **out, char *err,
		   size_t errlen);
/* Delete breakpoint id (0: all of them); false when there is no such one. */
bool mon_break_delete(struct mon *m, unsigned id);
/* The breakpoint at guest-virtual va in the current mode, or NULL. */
const struct mon_break *mon_break_at(const struct mon *m, uint32_t va);
/* Add a breakpoint at va, or delete the one there: the TUI's toggle. */
bool mon_break_toggle(struct mon *m, uint32_t va, char *err, size_t errlen);
/* Number of breakpoints set. */
int mon_break_count(const struct mon *m);

/* The i-th most recent event (0 = newest), or NULL. */
const struct vm_event *mon_event(const struct mon *m, uint64_t i);

/* ---- the machine as shown (mon_expr.c, mon_show.c) --------------------- */

/* Read a guest-virtual word in the current mode; false outside memory. */
bool mon_read_word(const struct mon *m, uint32_t va, uint32_t *word);
/* Read guest-virtual bytes in the current mode; false if any is outside. */
bool mon_read_bytes(const struct mon *m, uint32_t va, void *buf, uint32_t len);
/* Evaluate an expression: numbers (0x hex, decimal), symbols, registers
 * ($pc, $r1, $sp, $tvec ...), with C's integer operators and parentheses, on
 * 32-bit words (see mon_expr.c); a leading '*' is allowed. False with a
 * message in err (a number too large, a division by zero, a bad name). */
bool mon_eval(const struct mon *m, const char *text, uint32_t *out, char *err, size_t errlen);
/* A register's number (MON_REG_*, 0..15 for r0..r15), from its name with or
 * without '$' (r0..r15, zero, fp, sp, lr, pc, psw, tvec ...); -1 if none. */
int mon_reg_parse(const char *name);
/* The guest's (virtual) register n; its name; whether set may change it
 * (not r0, memsize or ipend). */
uint32_t mon_reg_read(const struct mon *m, int n);
bool mon_reg_settable(int n);
const char *mon_reg_name(int n);
/* "<sym+off>" for the guest-virtual address va when it lies in the image
 * (in the current mode), else "". */
void mon_where(const struct mon *m, uint32_t va, char *buf, size_t len);
/* The image to name branch targets with at va, or NULL in a relocated
 * user program (whose virtual addresses the image knows nothing of). */
const struct image *mon_symbols_at(const struct mon *m, uint32_t va);
/* One instruction: "mtsr tvec, r1", or a note when it cannot be read. */
void mon_insn_text(const struct mon *m, uint32_t va, char *buf, size_t len);
/* One event in words: what trapped or exited, where, what the VMM did. */
void mon_event_text(const struct mon *m, const struct vm_event *e, char *buf, size_t len);
/* The same, short, for a narrow pane: "PRIV      24 mtsr tvec, r1" (an
 * emulated instruction), "TIMER    b64 injected". */
void mon_event_brief(const struct mon *m, const struct vm_event *e, char *buf, size_t len);
/* The guest's mode in words, "SUPERVISOR (virtual)"; and the real CPU's,
 * "USER (guest deprivileged)": what the lecture calls the virtual and the
 * real mode. */
const char *mon_guest_mode(const struct mon *m);
const char *mon_real_mode(const struct mon *m);
/* Completion: call add(ctx, candidate) for every word that may complete
 * the word at line[start..] (commands, subcommands, symbols, registers). */
void mon_complete(const struct mon *m, const char *line, size_t start,
		  void (*add)(void *ctx, const char *cand), void *ctx);

/* ---- the commands (mon_cmd.c) ------------------------------------------ */

enum mon_status { MON_OK, MON_ERROR, MON_QUIT };

/* Execute one command line, writing everything it says, errors included
 * ("error: unknown command 'foo'"), to out. Deterministic: the same lines
 * on the same image give the same output. poll as for mon_run. */
enum mon_status mon_execute(struct mon *m, const char *line, FILE *out, mon_poll_fn poll,
			    void *ctx);
/* The name of command i (0, 1, ...), for completion; NULL past the last. */
const char *mon_command_name(int i);

/* The displays behind the commands (mon_show.c), each to out. */
void mon_show_location(const struct mon *m, FILE *out);
void mon_show_registers(const struct mon *m, FILE *out);
void mon_show_exits(const struct mon *m, FILE *out);
void mon_show_breaks(const struct mon *m, FILE *out);
void mon_show_stats(const struct mon *m, FILE *out);
/* info vms: the host's VMs, the selected one marked '*'. */
void mon_show_vms(const struct mon *m, FILE *out);
/* info pagetable VA: the walk, the guest's and the real processor's. */
void mon_show_pagetable(const struct mon *m, uint32_t va, FILE *out);
/* info tlb: the real processor's TLB and its counters. */
void mon_show_tlb(const struct mon *m, FILE *out);
/* x/NFMT: count units of size ('b', 'h', 'w') in format fmt (x d u c s i). */
bool mon_examine(struct mon *m, uint32_t va, unsigned count, char fmt, char size, FILE *out);
/* count instructions from va, the pc marked "=>". */
bool mon_disassemble(const struct mon *m, uint32_t va, unsigned count, FILE *out);
/* The extent of the function around va, for "disassemble" with no count:
 * from its symbol to the next (at most 64 instructions). */
unsigned mon_function_extent(const struct mon *m, uint32_t va, uint32_t *start);

/* ---- saving, restoring, migrating (mon_snap.c) ------------------------ */

/* Save the VM where it stands to path (a snapshot, docs/SNAPSHOT.md). */
bool mon_save(struct mon *m, const char *path, char *err, size_t errlen);
/* Put the VM back as path saved it; breakpoints stay, the event log and
 * the console view start there. False with a one-line reason (a snapshot
 * of another machine, a corrupt one): the VM as it was, or, if the
 * snapshot was found wrong half loaded, started again from its image. */
bool mon_restore(struct mon *m, const char *path, char *err, size_t errlen);
/* Migrate the VM to the target at peer (trapeze migrate --listen), each
 * round told to progress. True: the target runs it now, and this VM must
 * not run again (the caller leaves). False: the VM is here, unharmed. */
bool mon_migrate(struct mon *m, const char *peer, const struct precopy_opts *po,
		 mig_round_fn progress, void *ctx, struct precopy_result *res, char *err,
		 size_t errlen);

/* ---- the commands' options (mon.c) ------------------------------------- */

struct runopts;
/* Parse [--mode MODE] [run options] IMAGE, as mon and tui both take them:
 * 0 ok, 1 --help, 2 usage error, -1 error already printed. */
int mon_parse_args(int argc, char **argv, struct runopts *o, const char **image);

#endif
