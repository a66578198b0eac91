/*
 * tools/migrate/tcp.c: TCP between two Trapeze processes, every wait
 * bounded (see tcp.h).
 */
#include "tcp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

bool tcp_parse(const char *spec, char *host, size_t hostlen, uint16_t *port, char *err, size_t errlen)
{
	const char *colon = strrchr(spec, ':'), *num = colon ? colon + 1 : spec;
	char *end;
	long p;

	if (colon && (size_t)(colon - spec) >= hostlen) {
		snprintf(err, errlen, "'%s': too long a host name", spec);
		return false;
	}
	snprintf(host, hostlen, "%.*s", colon ? (int)(colon - spec) : 9, colon ? spec : "127.0.0.1");
	if (!host[0])
		snprintf(host, hostlen, "127.0.0.1");
	errno = 0;
	p = strtol(num, &end, 10);
	if (!*num || *end || errno || p < 0 || p > 65535) {
		snprintf(err, errlen, "'%s' is no [HOST:]PORT (a port is 0 to 65535)", spec);
		return false;
	}
	*port = (uint16_t)p;
	return true;
}

const char *tcp_name(const char *spec, uint16_t port)
{
	static char name[300];
	char host[256], err[128];
	uint16_t p;

	if (!tcp_parse(spec, host, sizeof host, &p, err, sizeof err))
		snprintf(host, sizeof host, "?");
	snprintf(name, sizeof name, "%s:%u", host, port);
	return name;
}

/* The IPv4 address of host: false with a message. */
static bool resolve(const char *host, struct sockaddr_in *a, uint16_t port, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res = NULL;
	int rc;

	memset(a, 0, sizeof *a);
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	if (inet_pton(AF_INET, host, &a->sin_addr) == 1)
		return true;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc || !res) {
		snprintf(err, errlen, "cannot find host '%s': %s", host, gai_strerror(rc));
		return false;
	}
	a->sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return true;
}

int tcp_listen(const char *spec, uint16_t *port, char *err, size_t errlen)
{
	char host[256];
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int fd, one = 1;

	if (!tcp_parse(spec, host, sizeof host, port, err, errlen) ||
	    !resolve(host, &a, *port, err, errlen))
		return -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "cannot make a socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 1) != 0) {
		if (errno == EADDRINUSE)
			snprintf(err, errlen, "port %u on %s is in use", *port, host);
		else
			snprintf(err, errlen, "cannot listen on port %u of %s: %s", *port, host,
				 strerror(errno));
		close(fd);
		return -1;
	}
	getsockname(fd, (struct sockaddr *)&a, &len);
	*port = ntohs(a.sin_port);
	return fd;
}

/* Wait until fd is ready for events: 1 ready, 0 timeout, -1 error. */
static int wait_for(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int rc;

	do
		rc = poll(&p, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	return rc;
}

int tcp_accept(int lfd, int timeout_ms, char *err, size_t errlen)
{
	int fd, one = 1, rc = wait_for(lfd, POLLIN, timeout_ms);

	if (rc <= 0) {
		if (rc == 0)
			snprintf(err, errlen, "nobody connected within %d s", timeout_ms / 1000);
		else
			snprintf(err, errlen, "waiting for a connection: %s", strerror(errno));
		return -1;
	}
	fd = accept(lfd, NULL, NULL);
	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot accept a connection: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

int tcp_connect(const char *spec, int timeout_ms, char *err, size_t errlen)
{
	char host[256];
	uint16_t port;
	struct sockaddr_in a;
	int fd, rc, so = 0, one = 1;
	socklen_t len = sizeof so;

	if (!tcp_parse(spec, host, sizeof host, &port, err, errlen) ||
	    !resolve(host, &a, port, err, errlen))
		return -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "cannot make a socket: %s", strerror(errno));
		return -1;
	}
	rc = connect(fd, (struct sockaddr *)&a, sizeof a);
	if (rc != 0 && errno == EINPROGRESS) {
		rc = wait_for(fd, POLLOUT, timeout_ms);
		if (rc == 0) {
			snprintf(err, errlen, "%s:%u does not answer within %d s", host, port, timeout_ms / 1000);
			close(fd);
			return -1;
		}
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &len);
		rc = so ? -1 : 0;
		errno = so;
	}
	if (rc != 0) {
		if (errno == ECONNREFUSED)
			snprintf(err, errlen, "nothing listens on %s:%u", host, port);
		else
			snprintf(err, errlen, "cannot reach %s:%u: %s", host, port, strerror(errno));
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

bool tcp_send(int fd, const void *p, size_t n, int timeout_ms, char *err, size_t errlen)
{
	const uint8_t *b = p;

	while (n) {
		int rc = wait_for(fd, POLLOUT, timeout_ms);
		ssize_t k;
		if (rc <= 0) {
			if (rc == 0)
				snprintf(err, errlen, "the peer stopped reading for %d s", timeout_ms / 1000);
			else
				snprintf(err, errlen, "sending: %s", strerror(errno));
			return false;
		}
		k = send(fd, b, n, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			snprintf(err, errlen, "the peer went away (%s)", k < 0 ? strerror(errno) : "closed");
			return false;
		}
		b += k;
		n -= (size_t)k;
	}
	return true;
}

int tcp_recv(int fd, void *p, size_t n, int timeout_ms, char *err, size_t errlen)
{
	uint8_t *b = p;
	size_t got = 0;

	while (got < n) {
		int rc = wait_for(fd, POLLIN, timeout_ms);
		ssize_t k;
		if (rc <= 0) {
			if (rc == 0)
				snprintf(err, errlen, "the peer said nothing for %d s", timeout_ms / 1000);
			else
				snprintf(err, errlen, "receiving: %s", strerror(errno));
			return -1;
		}
		k = recv(fd, b + got, n - got, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k == 0 && got == 0)
			return 0;
		if (k <= 0) {
			snprintf(err, errlen, "the peer went away after %zu of %zu bytes (%s)", got, n,
				 k < 0 ? strerror(errno) : "closed");
			return -1;
		}
		got += (size_t)k;
	}
	return 1;
}

int tcp_recv_line(int fd, char *line, size_t max, int timeout_ms, char *err, size_t errlen)
{
	size_t n = 0;

	for (;;) {
		char c;
		int rc = tcp_recv(fd, &c, 1, timeout_ms, err, errlen);
		if (rc <= 0) {
			if (rc == 0 && n) {
				snprintf(err, errlen, "the peer went away in the middle of a line");
				return -1;
			}
			return rc;
		}
		if (c == '\n')
			break;
		if (n + 1 < max)
			line[n++] = c;
	}
	line[n] = 0;
	return 1;
}

bool tcp_poll_line(int fd, char *line, size_t max)
{
	char err[128];

	return wait_for(fd, POLLIN, 0) > 0 && tcp_recv_line(fd, line, max, 1000, err, sizeof err) == 1;
}
