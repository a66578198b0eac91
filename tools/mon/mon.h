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

/* Watchpoints (mon_watch.c): a range of guest-physical bytes, named by a
 * guest-virtual address (translated when set, as a breakpoint is) or a
 * physical one. watch: the bytes change (whoever changes them: the guest,
 * the VMM, a device's DMA); rwatch: something reads them; awatch: something
 * reads or writes them (even the same value). An optional condition is an
 * expression (print's) that must be non-zero at the hit. */
enum {
	MON_MAX_WATCHES = 16,
	MON_WATCH_MAX_LEN = 256,  /* bytes a watchpoint covers at most */
	MON_ACCESS_LOG = 256,     /* the VMM's and devices' accesses in one step, kept */
	MON_MAX_DISPLAYS = 8,
};
enum mon_watch_kind { MON_WATCH_WRITE, MON_WATCH_READ, MON_WATCH_ACCESS };
struct mon_watch {
	unsigned id;            /* numbered with the breakpoints; 0 = slot free */
	enum mon_watch_kind kind;
	bool phys;              /* named by a guest-physical address */
	uint32_t va, gpa, len;  /* va: as given (phys: = gpa) */
	char cond[128];         /* "" = none */
	uint8_t seen[MON_WATCH_MAX_LEN]; /* the bytes as last seen */
	uint64_t hits;
};
/* What a watchpoint saw: who accessed its bytes, and how. */
struct mon_watch_hit {
	const struct mon_watch *w;
	bool write, changed;
	bool by_guest;          /* the guest's own load or store at pc */
	uint32_t pc;            /* where the step began */
	enum vm_accessor who;   /* !by_guest: the VMM or device (vmm.h) */
	uint32_t gpa, len;      /* the access */
	uint32_t detail;
	uint32_t before, after; /* the watched range's first word, before and after */
};

/* The monitor. Front ends read these fields and change them only through
 * the functions below. */
struct mon {
	struct vm_options opt;  /* how to build the VM again on restart */
	const struct image *img;
	struct vm *vm;
	struct mon_break brk[MON_MAX_BREAKS];
	unsigned next_break_id;
	struct mon_watch watch[MON_MAX_WATCHES];
	struct mon_watch_hit hit;  /* the last watchpoint hit (MON_AT_WATCH) */
	struct vm_access acc[MON_ACCESS_LOG]; /* the accesses of the step being taken */
	unsigned nacc, acc_lost;
	char display[MON_MAX_DISPLAYS][128]; /* display's expressions; "" = free */
	/* Reverse execution (mon_reverse.c): the VM keeps its past within
	 * hist_bytes (0: none kept); why it could not, if it could not. */
	uint64_t hist_bytes;
	char hist_err[160];
	bool searching;         /* a search of the past replays: count no hits */
	uint64_t search_pos;
	struct vm_event log[MON_LOG]; /* event n is log[n % MON_LOG] (its seq is n) */
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
/* Breakpoints and watchpoints stay, their hits counted again from 0 (the
 * VM started again, or was restored). */
void mon_forget_hits(struct mon *m);
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
	MON_AT_WATCH,    /* a watchpoint was hit (mon->hit says how) */
	MON_AT_START,    /* going back: the start of the recorded past */
	MON_NO_PAST,     /* going back: no reverse execution (mon->hist_err) */
	MON_NO_FRAME,    /* finish: the pc is in no function whose return is known */
};

struct mon_stop {
	enum mon_why why;
	const struct mon_break *brk; /* MON_AT_BREAK: which */
	const struct mon_watch *watch; /* MON_AT_WATCH: which (mon->hit: how) */
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
/* The same at a guest-physical address (an image's address: a source line's). */
bool mon_break_add_gpa(struct mon *m, uint32_t gpa, const struct mon_break **out, char *err,
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

/* One single step, as step_once takes it: MON_DONE to go on, or why a run
 * stops at the point it reached (a breakpoint, a watchpoint, the guest
 * stopping). For run control and for searching the past alike. */
enum mon_why mon_step_once(struct mon *m, struct mon_stop *st);

/* ---- watchpoints (mon_watch.c) ----------------------------------------- */

/* Add a watchpoint of kind on len bytes at addr (guest-virtual in the
 * current mode, or guest-physical with phys); cond may be NULL. False
 * with a message when addr cannot be translated, len is 0 or too large,
 * the range leaves memory, or the table is full. */
bool mon_watch_add(struct mon *m, enum mon_watch_kind kind, uint32_t addr, uint32_t len, bool phys,
		   const char *cond, const struct mon_watch **out, char *err, size_t errlen);
/* Delete watchpoint id (0: all); false when there is none such. */
bool mon_watch_delete(struct mon *m, unsigned id);
int mon_watch_count(const struct mon *m);
/* Around a step: before looks at the instruction about to run (and starts
 * listening to the VMM's accesses); after compares, and says whether a
 * watchpoint was hit (filling st and m->hit). */
void mon_watch_before(struct mon *m, struct mon_watch_hit *pending);
bool mon_watch_after(struct mon *m, const struct mon_watch_hit *pending, uint64_t retired_before,
		     struct mon_stop *st);
/* Read every watched range again (after the memory changed other than by
 * a step: going back, set, restart). */
void mon_watch_resync(struct mon *m);
/* "watch", "rwatch", "awatch"; a hit in words: who, where, old and new. */
const char *mon_watch_kind_name(enum mon_watch_kind k);
void mon_watch_hit_text(const struct mon *m, const struct mon_watch_hit *h, char *buf, size_t len);

/* ---- reverse execution (mon_reverse.c) --------------------------------- */

enum mon_reverse {
	MON_RSTEP,      /* count steps back */
	MON_RNEXT,      /* count steps back, a call stepped back over whole */
	MON_RCONTINUE,  /* back to the last breakpoint or watchpoint hit */
	MON_REXIT,      /* back to the last trap or VM exit (count times) */
};
/* Keep the VM's past within max_bytes from now on, and after restart (0:
 * keep none). False with why (also kept in m->hist_err). */
bool mon_history(struct mon *m, uint64_t max_bytes, char *err, size_t errlen);
/* Go back: afterwards the VM is exactly where a fresh run stopping there
 * would be. MON_DONE, MON_AT_BREAK, MON_AT_WATCH, MON_AT_EVENT,
 * MON_AT_START (nothing before: the run's or the history's start) or
 * MON_NO_PAST. */
struct mon_stop mon_reverse(struct mon *m, enum mon_reverse goal, uint64_t count);

/* ---- frames (mon_frame.c): the guest OS's calling convention ------------ */

enum { MON_MAX_FRAMES = 64 };
struct mon_frame {
	uint32_t pc, sp;        /* where the frame is, and its sp there */
	uint32_t func;          /* its function's first instruction (0: unknown) */
	uint32_t ret;           /* where it returns to (0: unknown, the outermost) */
	uint32_t caller_sp;     /* the caller's sp, which the return restores */
	bool lr_in_reg;         /* the return address is still in lr */
};
/* The frames from the innermost (the pc) outwards, at most max; 0 when
 * the pc lies in no function of the image. */
int mon_backtrace(const struct mon *m, struct mon_frame *f, int max);
/* Run until the current function returns to its caller (the frame's sp
 * restored): MON_DONE there, or why it stopped before. */
struct mon_stop mon_finish(struct mon *m, mon_poll_fn poll, void *ctx);

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
/* The same, where a value is wanted (a watchpoint's condition, display):
 * unary '*' is the word at its operand, read in the current mode
 * ("*counter == 3"), and a leading '*' is that too. */
bool mon_eval_value(const struct mon *m, const char *text, uint32_t *out, char *err, size_t errlen);
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
/* "file.s:LINE", the source line the instruction at guest-virtual va was
 * assembled from (the image's DWARF line table), or "" when unknown. */
void mon_source(const struct mon *m, uint32_t va, char *buf, size_t len);
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
/* info vcpu: the virtual CPU's whole state as the VMM keeps it. */
void mon_show_vcpu(const struct mon *m, FILE *out);
/* info watchpoints; info history (reverse execution's checkpoints and memory). */
void mon_show_watches(const struct mon *m, FILE *out);
void mon_show_history(const struct mon *m, FILE *out);
/* The display expressions, each "N: EXPR = VALUE". */
void mon_show_displays(const struct mon *m, FILE *out);
/* info net: the network card, its counts, how it is given, the pv ring (mon_net.c). */
void mon_show_net(const struct mon *m, FILE *out);
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
/* Parse [--mode MODE] [run options] [--history BYTES] IMAGE, as mon and
 * tui both take them (*history: reverse execution's memory bound, 0 for
 * none): 0 ok, 1 --help, 2 usage error, -1 error already printed. */
int mon_parse_args(int argc, char **argv, struct runopts *o, const char **image,
		   uint64_t *history);
/* --history's help line. */
void mon_history_help(FILE *out);

#endif
