/*
 * tools/host/host_config.h: what `trapeze host` is asked to run: a config
 *       file, --vm options, or both.
 * Owns: struct host_config (the host's options and each VM's: its files,
 *       mode, memory, weight, cap and limits, with the file and line each
 *       came from), the config file's format and its parser, the --vm
 *       KEY=VALUE,... form, and checking what was asked before anything runs.
 * Not:  reading the images and inputs or running anything (host_cmd.c);
 *       placing the VMs (vmm/host.c checks what only placement can tell:
 *       overlaps, what does not fit).
 *
 * The format (INI, read with the inih library):
 *
 *   # comments start with # or ;
 *   [host]
 *   memory = 8M              host memory (default: what the VMs need)
 *   slice = 1000000          the scheduler's slice, in cycles
 *   period = 3               slices per accounting period
 *   overcommit = yes         VMs that do not fit wait; pv balloons give memory
 *
 *   [vm web]                 a VM called web
 *   kernel = build/guest/kernel.elf   its image (the only key it must have)
 *   disk = build/guest/disk.img       shared copy-on-write with other VMs
 *   mode = trap              emulate, trap, hybrid, patch, bt, hw or pv
 *   mem = 1M                 its memory (default 1M)
 *   weight = 256             its share of the processor against the others'
 *   cap = 50                 at most 50% of the processor (default 0: none)
 *   base = 0x200000          where its memory goes in the host's (default: first fit)
 *   console = web.txt        its console output (default: stdout, each line "web| ...")
 *   input = web.in           its console input
 *   nonvirt = x86            as trapeze run --nonvirt
 *   cpu = early              as trapeze run --cpu
 *   max-steps = 10000000     its step limit; max-output, tc-size: as trapeze run's
 *
 * Relative paths are relative to the config file's folder.
 */
#ifndef TRAPEZE_HOST_CONFIG_H
#define TRAPEZE_HOST_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"

enum { HOSTCFG_PATH_MAX = 1024, HOSTCFG_ERR = 1200 };

struct hostcfg_vm {
	struct host_vm_options o;   /* name, vm (mode, mem, limits), weight, cap, base */
	char kernel[HOSTCFG_PATH_MAX];
	char disk[HOSTCFG_PATH_MAX];
	char console[HOSTCFG_PATH_MAX];
	char input[HOSTCFG_PATH_MAX];
	const char *file;           /* where it was given: a config file, or "--vm" */
	int line;                   /* its [vm] line, or which --vm (1, 2, ...) */
	int key_line[32];           /* the line of each key (enum hostcfg_key), 0: not given */
};

struct host_config {
	struct host_options host;
	uint64_t max_cycles;        /* 0: none */
	struct hostcfg_vm vm[HOST_MAX_VMS];
	int nvms;
	const char *file;           /* the config file, or NULL */
	char dir[HOSTCFG_PATH_MAX]; /* its folder, for relative paths */
	int host_line[8];           /* the line of each [host] key */
	bool unreadable;            /* hostcfg_load failed to read the file (not its text) */
};

/* An empty config: the host's defaults, no VM. */
void hostcfg_init(struct host_config *c);
/* Parse the config text of len bytes, called file in messages (relative
 * paths are taken from file's folder). False with "FILE:LINE: error: what"
 * in err. Never reads any other file. */
bool hostcfg_parse(struct host_config *c, const char *file, const char *text, size_t len, char *err,
		   size_t errlen);
/* Read and parse a config file. */
bool hostcfg_load(struct host_config *c, const char *path, char *err, size_t errlen);
/* A VM given as KEY=VALUE,KEY=VALUE (the keys of a [vm] section, and name):
 * the which'th --vm. False with "--vm N: error: what" in err. */
bool hostcfg_add_vm(struct host_config *c, const char *spec, int which, char *err, size_t errlen);
/* A [host] key, from the command line (--mem and the like). */
bool hostcfg_set_host(struct host_config *c, const char *key, const char *value, char *err,
		      size_t errlen);
/* What only all of it can tell: at least one VM, each with a kernel. */
bool hostcfg_check(const struct host_config *c, char *err, size_t errlen);
/* "FILE:LINE: error: " for VM i's key (or its section when key < 0), for
 * messages about it found later (a missing image, what does not fit). */
void hostcfg_where(const struct host_config *c, int vm, int key, char *buf, size_t len);

/* The keys of a [vm] section, in the order of key_line. */
enum hostcfg_key {
	KEY_NAME, KEY_KERNEL, KEY_DISK, KEY_MODE, KEY_MEM, KEY_WEIGHT, KEY_CAP, KEY_BASE,
	KEY_CONSOLE, KEY_INPUT, KEY_NONVIRT, KEY_CPU, KEY_MAX_STEPS, KEY_MAX_OUTPUT, KEY_TC_SIZE,
	KEY_COUNT
};
const char *hostcfg_key_name(enum hostcfg_key k);

#endif
