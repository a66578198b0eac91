/*
 * tools/migrate/migstream.h: receiving snapshot streams over a connection.
 * Owns: a connection (a socket, or bytes in memory for the fuzz harness and
 *       tests); reading one stream, header to END, every section's head
 *       checked (a known tag, the machine first, a bounded size) before a
 *       byte of it is kept; the target's side of a migration (the stream
 *       loaded whole, then Clark's commitment: "ready", "commit") and the
 *       backup's side of failover (checkpoint after checkpoint, each one's
 *       output released and acknowledged).
 * Not:  sockets themselves (net.c); sending (vmm/precopy.c,
 *       vmm/checkpoint.c through the commands' links); the format
 *       (vmm/snapshot.h).
 *
 * The protocol, over one TCP connection:
 *   migration: source -> target: one stream (TRAPSNAP ... END);
 *              target -> source: "ready" (a consistent image) or "refused: WHY";
 *              source -> target: "commit"; then the target runs the VM and
 *              the source stops. Without "commit" the target discards it.
 *   failover:  primary -> backup: a stream per epoch (the first whole, the
 *              others DELTA, each with the epoch's console output);
 *              backup -> primary: "ack N" once it holds checkpoint N and
 *              has released its output; a primary that closes (or dies) with
 *              its VM still running leaves the backup to take over.
 * Lines are text ending in a newline.
 */
#ifndef TRAPEZE_MIGSTREAM_H
#define TRAPEZE_MIGSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

struct mig_conn {
	int fd;                     /* a connected socket, or -1: mem */
	const uint8_t *mem;         /* the bytes a memory connection reads */
	size_t len, at;
	int timeout_ms;             /* every wait at most this long */
	uint64_t bytes_in;
};

/* As tcp_recv, from either kind of connection. */
int mig_recv(struct mig_conn *c, void *p, size_t n, char *err, size_t errlen);
/* Send a line (a memory connection swallows it); false when the peer went away. */
bool mig_send_line(struct mig_conn *c, const char *line, char *err, size_t errlen);
int mig_recv_line(struct mig_conn *c, char *line, size_t max, char *err, size_t errlen);

/* What a stream held, as it arrived. */
struct mig_stream_info {
	struct snap_machine m;
	uint32_t flags;             /* the header's */
	uint32_t sections, memp;    /* sections, and of them pages of memory */
	uint64_t pages, bytes;
	/* Told of each section of pages as it arrives (may be NULL). */
	void (*on_pages)(void *ctx, const struct mig_stream_info *info, uint32_t pages);
	void *ctx;
};

/* One stream into buf (emptied first): 1 when whole, 0 when the peer
 * closed before its first byte, -1 with a one-line message. */
int mig_read_stream(struct mig_conn *c, struct snap_buf *buf, struct mig_stream_info *info, char *err,
		    size_t errlen);

/* The target of a migration: the stream, loaded into a VM made as env
 * says; "ready" (or "refused: WHY"); the source's "commit". The VM, or
 * NULL with a one-line message (what came was discarded). */
struct vm *mig_receive(struct mig_conn *c, const struct snap_env *env, struct mig_stream_info *info,
		       char *err, size_t errlen);

/* The backup of failover: checkpoints, loaded one by one (the first whole,
 * into a VM made as env says), each one told to held (with the output it
 * releases), then "ack N", until the primary stops sending. Returns the VM
 * as the last checkpoint left it (NULL: none came, or one was refused half
 * loaded), with *checkpoints counted and why it ended in err. */
typedef void (*mig_held_fn)(void *ctx, uint64_t n, const struct vm *vm, const uint8_t *out,
			    size_t len);
struct vm *mig_backup(struct mig_conn *c, const struct snap_env *env, mig_held_fn held, void *ctx,
		      uint64_t *checkpoints, char *err, size_t errlen);

#endif
