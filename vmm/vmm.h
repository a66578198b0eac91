/*
 * vmm/vmm.h: a virtual machine and its monitor: the one door every tool uses.
 * Owns: struct vm (opaque): a guest's virtual CPU, its region of the real
 *       machine's memory, its virtual devices, its statistics and its log of
 *       VM exits; running it in one of the modes below, bare included.
 * Not:  the machine itself (cpu/); reading ELF files (tools/image.h); the
 *       equivalence diff (vmm/equiv.h) and the classifier (vmm/classify.h).
 * Implements: Popek & Goldberg 1974: a VMM is a control program with three
 *       properties: efficiency (most guest instructions run on the real
 *       machine), resource control (the guest cannot reach what it was not
 *       given), equivalence (the guest cannot tell, save for timing).
 *
 * The real machine's memory holds the VMM's own area (VM_VMM_AREA bytes,
 * filled with a known pattern) and then the VM's region: guest-physical 0 is
 * real physical VM_VMM_AREA. In bare mode there is no monitor: the guest owns
 * the whole machine and its memory starts at real 0.
 */
#ifndef TRAPEZE_VMM_H
#define TRAPEZE_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu.h"

struct vm;

/* How the guest is run. Later techniques (patch, bt, hw, pv) get their own
 * files and a row each in vmm/vm.c's table of techniques. */
enum vmm_mode {
	MODE_BARE,    /* no monitor: the guest is the machine */
	MODE_EMULATE, /* full software emulation: every instruction interpreted */
	MODE_TRAP,    /* trap-and-emulate: P&G's control program (Theorem 1) */
	MODE_HYBRID,  /* interpret supervisor code, run user code natively (Theorem 3) */
	MODE_COUNT
};

enum {
	VM_DEFAULT_MEM = 1u << 20,  /* guest-physical memory unless asked otherwise */
	VM_MAX_MEM = 256u << 20,    /* the largest guest a VM may be given */
	VM_VMM_AREA = 64u << 10,    /* the monitor's own memory, below every region */
};

struct vm_options {
	enum vmm_mode mode;
	uint32_t mem_size;      /* guest-physical bytes; 0 means VM_DEFAULT_MEM */
	unsigned nonvirt;       /* (1u << NV_x) bits: see cpu_parse_nonvirt */
	const char *disk_path;  /* disk image file, or NULL for no disk */
	FILE *console;          /* where console output goes, or NULL */
	bool capture;           /* keep every console byte (vm_console) */
	uint64_t max_output;    /* console bytes kept before output is dropped; 0 = no limit */
	uint64_t step_limit;    /* guest instructions in all, then STOP_LIMIT; 0 = none */
	const void *input;      /* console input, queued before the guest starts */
	size_t input_len;
};

/* What the monitor did about an event: the log the TUI and monitor show. */
enum vm_action {
	VM_DELIVERED, /* the (real or interpreted) hardware vectored a guest trap */
	VM_EMULATED,  /* a privileged instruction was emulated on the virtual CPU */
	VM_REFLECTED, /* a trap was passed into the guest's virtual trap vector */
	VM_INJECTED,  /* a pending virtual interrupt was delivered to the guest */
	VM_PENDED,    /* the virtual timer ran out: its interrupt is now pending */
	VM_STOPPED,   /* the exit ended the run (halt, idle or a triple fault) */
};

struct vm_event {
	enum vm_action action;
	bool exit;               /* the real CPU left the guest for the monitor */
	enum trap_cause cause;   /* the trap or interrupt */
	uint32_t detail, epc, pc;
	uint32_t word;           /* VM_EMULATED: the instruction word */
	bool user;               /* the guest's virtual mode when it happened */
	uint64_t index;          /* guest instructions retired before it */
	uint32_t vector;         /* where the guest continues (delivered, reflected, injected) */
};
typedef void (*vm_event_hook)(void *ctx, const struct vm *vm, const struct vm_event *e);

struct vm_stats {
	uint64_t retired;        /* guest instructions retired */
	uint64_t native;         /* of which ran directly on the real CPU */
	uint64_t emulated;       /* of which were privileged instructions emulated by the VMM */
	uint64_t interpreted;    /* of which were interpreted in software */
	uint64_t exits;          /* VM exits: the real CPU left the guest for the VMM */
	uint64_t exits_by_cause[CAUSE_COUNT];
	uint64_t reflected, injected;
	uint64_t guest_traps[CAUSE_COUNT]; /* traps and interrupts the guest saw */
	uint64_t cycles;         /* the VM's clock: guest_cycles + vmm_cycles */
	uint64_t guest_cycles;   /* what the guest's own work cost (as on bare) */
	uint64_t vmm_cycles;     /* what the monitor cost (vmm/cost.h) */
	uint64_t idle_ticks;     /* time spent waiting in wfi */
	uint64_t host_ns;        /* host time inside vm_run: for display only */
};

/* Defaults: bare, 1 MiB, no nonvirt, no disk, no console, no limits. */
void vm_options_init(struct vm_options *o);

/* A VM in the given options' mode, its memory zeroed, at guest-physical pc 0
 * in supervisor mode with interrupts off (the bare machine's reset). False,
 * with a one-line message in err, on a bad option, an unreadable disk image
 * or no host memory. */
bool vm_create(struct vm **out, const struct vm_options *opt, char *err, size_t errlen);
/* Free everything the VM holds. NULL is allowed. */
void vm_destroy(struct vm *vm);
/* Copy len bytes into guest-physical memory at gpa; false if outside. */
bool vm_load(struct vm *vm, uint32_t gpa, const void *bytes, uint32_t len);
/* Place an ELF image's segments (see tools/image.h) and set pc to its entry. */
struct image;
bool vm_load_image(struct vm *vm, const struct image *img, char *err, size_t errlen);

/* Run until max more guest instructions have retired (or the step limit;
 * 2^63 in all at most), or the guest halts, idles for ever or triple-faults.
 * Returns why: never STOP_TRAP. Deterministic: runs in several pieces end
 * where one run ends. After a halt, idle or fault the VM stays stopped and
 * returns that again. */
enum cpu_stop vm_run(struct vm *vm, uint64_t max);

/* For debuggers (tools/mon*.c, tui*.c): one guest instruction retired, or
 * one trap or interrupt entered, whichever comes first (as cpu_step), so a
 * breakpoint at a trap vector is seen before the handler's first
 * instruction runs. Otherwise as vm_run(vm, 1). */
enum cpu_stop vm_step(struct vm *vm);
/* After STOP_IDLE, once the tool has queued console input (dev_con_feed on
 * vm_devices): the wfi, which did not retire, is tried again on the next
 * run. False, changing nothing, when the VM is not idle. */
bool vm_wake(struct vm *vm);

/* What the guest can observe: its virtual CPU (registers, pc, virtual psw,
 * special registers as mfsr reads them), its memory and its console. */
enum vmm_mode vm_mode(const struct vm *vm);
uint32_t vm_reg(const struct vm *vm, unsigned n);
uint32_t vm_pc(const struct vm *vm);
uint32_t vm_psw(const struct vm *vm);
uint32_t vm_sreg(const struct vm *vm, unsigned sr);
uint64_t vm_retired(const struct vm *vm);
/* The virtual CPU itself, read-only: for a display of all its state. */
const struct cpu *vm_vcpu(const struct vm *vm);
/* The real machine's CPU, read-only, for displays beside the virtual one.
 * Bare, it is the guest (vm_vcpu returns it too). Under a monitor it holds
 * what the guest last ran natively with: real user mode, the composed
 * relocation, the real trap that caused the last exit; in emulate mode it
 * never runs the guest and stays as reset. */
const struct cpu *vm_real_cpu(const struct vm *vm);
/* Change a register or the pc (a debugger's privilege, not the guest's). */
void vm_set_reg(struct vm *vm, unsigned n, uint32_t v);
void vm_set_pc(struct vm *vm, uint32_t pc);
/* Guest-physical memory. */
const struct mem *vm_memory(const struct vm *vm);
/* Guest-virtual address in the current virtual mode to guest-physical. */
bool vm_translate(const struct vm *vm, uint32_t va, uint32_t *gpa);
/* The console bytes written so far (needs capture), and their number. */
const char *vm_console(const struct vm *vm, size_t *len);
/* The VM's (virtual) devices: for a tool to attach terminal input. */
struct devices *vm_devices(struct vm *vm);
/* True once the guest wrote the power port; *code is its value. */
bool vm_halted(const struct vm *vm, uint32_t *code);
/* True when the last vm_run stopped because the step limit was reached. */
bool vm_at_step_limit(const struct vm *vm);

/* Statistics of everything run so far. */
void vm_get_stats(const struct vm *vm, struct vm_stats *s);
/* native / retired, in percent (100 when nothing ran). */
double vm_efficiency(const struct vm_stats *s);
/* Resource control: true when the VMM's own memory is byte for byte as it
 * was filled (always true in bare mode, which has none). */
bool vm_vmm_intact(const struct vm *vm);
/* Be told of every VM exit and every trap delivered to the guest. */
void vm_set_event_hook(struct vm *vm, vm_event_hook fn, void *ctx);

/* Names: "bare", "emulate", "trap", "hybrid". vmm_mode_parse returns false
 * for an unknown name; vmm_mode_names lists them, comma separated. */
const char *vmm_mode_name(enum vmm_mode m);
bool vmm_mode_parse(const char *name, enum vmm_mode *out);
const char *vmm_mode_names(void);
/* A one-line description of the technique, for --help and the TUI. */
const char *vmm_mode_summary(enum vmm_mode m);
/* "delivered", "emulated", ... */
const char *vm_action_name(enum vm_action a);
/* "limit", "halt", "idle", "triple fault", ... */
const char *vm_stop_name(enum cpu_stop s);

#endif
