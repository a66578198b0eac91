/*
 * tools/host/host_session.h: a host made from a config, ready to run: what
 *       `trapeze host`, `trapeze mon --host` and `trapeze tui --host` share.
 * Owns: reading each VM's image and console input, giving it a console (a
 *       file, lines prefixed with its name on stdout, or, for the monitor
 *       and the TUI, only a capture), creating the host, and saying what is
 *       wrong at the config line it came from; freeing all of it.
 * Not:  the config's format (host_config.c); the report (host_report.c).
 */
#ifndef TRAPEZE_HOST_SESSION_H
#define TRAPEZE_HOST_SESSION_H

#include <stdbool.h>
#include <stdio.h>

#include "host_config.h"
#include "image.h"

struct prefixer {
	const char *name;
	bool at_start;
};

struct host_session {
	struct host_config cfg;
	struct host *h;
	struct image img[HOST_MAX_VMS];
	struct vm_image vimg[HOST_MAX_VMS];
	struct vm_segment *segs[HOST_MAX_VMS];
	uint8_t *input[HOST_MAX_VMS];
	size_t input_len[HOST_MAX_VMS];
	FILE *console[HOST_MAX_VMS];
	struct prefixer prefix[HOST_MAX_VMS];
	struct host_vm_options o[HOST_MAX_VMS];
	/* VM held + 1 (0: none) has its console held, captured only, for a
	 * failover backup to release (host_failover.c); its stream
	 * console[held - 1] is kept for when the backup is gone. */
	int held;
};

/* How each VM's console is kept. */
enum host_consoles {
	HOST_CONSOLES_OUT,      /* its file, or stdout, each line "NAME| ..." */
	HOST_CONSOLES_CAPTURE,  /* its file, or stdout; and captured (vm_console) */
	HOST_CONSOLES_ONLY,     /* captured (a monitor or the TUI shows it), and into its
				 * file if the config names one (never stdout) */
};

/* Create s->h from s->cfg (already parsed and checked). 0, or the exit
 * status after printing "trapeze: CMD: FILE:LINE: error: ..." (2 for what
 * the config got wrong, 1 otherwise). */
int host_session_open(struct host_session *s, const char *cmd, enum host_consoles how);
/* Read the config file at path, check it, and open the session: as
 * host_session_open (messages say "trapeze: CMD: ..."). */
int host_session_start(struct host_session *s, const char *path, const char *cmd, enum host_consoles how);
/* The host, the VMs' consoles (their last lines out) and the images. */
void host_session_close(struct host_session *s);

#endif
