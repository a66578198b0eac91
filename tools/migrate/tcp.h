/*
 * tools/migrate/tcp.h: TCP between two Trapeze processes, every wait bounded.
 * Owns: listening on and connecting to HOST:PORT (127.0.0.1 unless said),
 *       accepting one peer, sending and receiving exact byte counts and
 *       lines, each with a timeout; one-line errors for a port in use, a
 *       target nobody listens on, a peer that went away or went quiet.
 * Not:  what is sent (migstream.c, the commands).
 */
#ifndef TRAPEZE_TCP_H
#define TRAPEZE_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { TCP_DEFAULT_TIMEOUT_MS = 10000 };

/* A [HOST:]PORT spec into host and port (host 127.0.0.1 when left out);
 * false with a message for a bad one. */
bool tcp_parse(const char *spec, char *host, size_t hostlen, uint16_t *port, char *err,
	       size_t errlen);
/* "HOST:PORT" for spec with its port (in a buffer of its own, valid to
 * the next call). */
const char *tcp_name(const char *spec, uint16_t port);
/* A socket listening on spec (port 0: any free one); *port gets the port.
 * -1 with a message ("port 7000 is in use") on failure. */
int tcp_listen(const char *spec, uint16_t *port, char *err, size_t errlen);
/* The first peer to connect, within timeout_ms (-1: for ever); -1 with a message. */
int tcp_accept(int lfd, int timeout_ms, char *err, size_t errlen);
/* A connection to spec within timeout_ms; -1 with a message ("nothing
 * listens on 127.0.0.1:7000"). */
int tcp_connect(const char *spec, int timeout_ms, char *err, size_t errlen);
/* All n bytes sent, each wait at most timeout_ms; false with a message
 * (the peer closed, or stopped reading). */
bool tcp_send(int fd, const void *p, size_t n, int timeout_ms, char *err, size_t errlen);
/* Exactly n bytes: 1 when read, 0 when the peer closed before the first
 * (a clean end), -1 otherwise with a message (closed midway, timeout). */
int tcp_recv(int fd, void *p, size_t n, int timeout_ms, char *err, size_t errlen);
/* A line (without its newline, at most max - 1 bytes): as tcp_recv. */
int tcp_recv_line(int fd, char *line, size_t max, int timeout_ms, char *err, size_t errlen);
/* A line, if one is there now (no wait): true with it. */
bool tcp_poll_line(int fd, char *line, size_t max);

#endif
