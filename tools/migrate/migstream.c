/*
 * tools/migrate/migstream.c: receiving snapshot streams over a connection
 * (see migstream.h).
 */
#include "migstream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp.h"

/* A stream may hold this many times its VM's memory (pre-copy stops at
 * three times), plus the state and this much beside. */
enum { ROUNDS_OF_MEMORY = 8, STREAM_SLACK = 64 << 20, MACH_MAX = 4096 };

int mig_recv(struct mig_conn *c, void *p, size_t n, char *err, size_t errlen)
{
	int rc;

	if (c->fd >= 0) {
		rc = tcp_recv(c->fd, p, n, c->timeout_ms, err, errlen);
	} else if (c->at == c->len) {
		return 0;
	} else if (c->len - c->at < n) {
		snprintf(err, errlen, "the peer went away after %zu of %zu bytes", c->len - c->at, n);
		c->at = c->len;
		return -1;
	} else {
		memcpy(p, c->mem + c->at, n);
		c->at += n;
		rc = 1;
	}
	if (rc > 0)
		c->bytes_in += n;
	return rc;
}

bool mig_send_line(struct mig_conn *c, const char *line, char *err, size_t errlen)
{
	char buf[512];
	int n = snprintf(buf, sizeof buf, "%s\n", line);

	return c->fd < 0 || tcp_send(c->fd, buf, (size_t)n, c->timeout_ms, err, errlen);
}

int mig_recv_line(struct mig_conn *c, char *line, size_t max, char *err, size_t errlen)
{
	if (c->fd >= 0)
		return tcp_recv_line(c->fd, line, max, c->timeout_ms, err, errlen);
	snprintf(line, max, "commit"); /* a memory peer always commits */
	return 1;
}

/* The bytes of a section's payload, read into buf as they come (not as
 * claimed: a peer that claims much and sends little costs nothing). */
static int read_payload(struct mig_conn *c, struct snap_buf *buf, uint32_t len, char *err,
			size_t errlen)
{
	uint8_t chunk[1 << 16];

	while (len) {
		uint32_t k = len < sizeof chunk ? len : (uint32_t)sizeof chunk;
		int rc = mig_recv(c, chunk, k, err, errlen);
		if (rc != 1) {
			if (rc == 0)
				snprintf(err, errlen, "the peer went away in the middle of a section");
			return -1;
		}
		snap_put_bytes(buf, chunk, k);
		if (buf->failed) {
			snprintf(err, errlen, "out of host memory for the stream");
			return -1;
		}
		len -= k;
	}
	return 1;
}

int mig_read_stream(struct mig_conn *c, struct snap_buf *buf, struct mig_stream_info *info, char *err,
		    size_t errlen)
{
	uint8_t head[SNAP_HEADER_BYTES];
	uint64_t max = MACH_MAX + SNAP_HEADER_BYTES;
	void (*on_pages)(void *, const struct mig_stream_info *, uint32_t) = info->on_pages;
	void *ctx = info->ctx;
	int rc;

	memset(info, 0, sizeof *info);
	info->on_pages = on_pages;
	info->ctx = ctx;
	buf->len = 0;
	err[0] = 0;
	rc = mig_recv(c, head, SNAP_HEADER_BYTES, err, errlen);
	if (rc <= 0)
		return rc;
	{
		struct snap_loader l;
		snap_loader_init(&l, NULL, NULL, NULL);
		if (!snap_load_header(&l, head, err, errlen))
			return -1; /* not a stream this Trapeze reads */
	}
	snap_put_bytes(buf, head, SNAP_HEADER_BYTES);
	memcpy(&info->flags, head + 12, 4);
	for (;;) {
		uint8_t h[SNAP_SECTION_HEAD];
		uint32_t tag, len;
		char name[5];

		if (mig_recv(c, h, sizeof h, err, errlen) != 1) {
			if (!err[0])
				snprintf(err, errlen, "the stream ended before its end section");
			return -1;
		}
		memcpy(&tag, h, 4);
		memcpy(&len, h + 4, 4);
		snap_tag_name(tag, name);
		if (!snap_tag_known(tag) || (info->sections == 0) != (tag == SNAP_TAG('M', 'A', 'C', 'H'))) {
			snprintf(err, errlen, "the stream has section '%s' where it cannot be", name);
			return -1;
		}
		if ((uint64_t)len > max - buf->len) {
			snprintf(err, errlen, "the stream's section '%s' of %u bytes is more than its VM "
				 "can have sent", name, len);
			return -1;
		}
		snap_put_bytes(buf, h, sizeof h);
		if (read_payload(c, buf, len, err, errlen) != 1)
			return -1;
		info->sections++;
		info->bytes = buf->len;
		if (info->sections == 1) {
			if (!snap_parse_machine(buf->p + buf->len - len, len, &info->m, err, errlen))
				return -1;
			max = ((uint64_t)info->m.mem_size + ((uint64_t)info->m.pool_pages << 12) +
			       ((uint64_t)info->m.disk_sectors << 9)) * ROUNDS_OF_MEMORY + STREAM_SLACK;
		}
		if (tag == SNAP_TAG('M', 'E', 'M', 'P') && len >= 4) {
			uint32_t n;
			memcpy(&n, buf->p + buf->len - len, 4);
			info->memp++;
			info->pages += n;
			if (info->on_pages)
				info->on_pages(info->ctx, info, n);
		}
		if (tag == SNAP_TAG('E', 'N', 'D', ' '))
			return 1;
	}
}

struct vm *mig_receive(struct mig_conn *c, const struct snap_env *env, struct mig_stream_info *info,
		       char *err, size_t errlen)
{
	struct snap_buf buf = { 0 };
	struct snap_loader l;
	struct vm *vm = NULL;
	char line[128], why[600];
	int rc = mig_read_stream(c, &buf, info, err, errlen);

	if (rc == 0)
		snprintf(err, errlen, "the source closed the connection before sending anything");
	if (rc != 1) {
		snap_buf_free(&buf);
		return NULL;
	}
	snap_loader_init_env(&l, env);
	if (!snap_load_all(&l, buf.p, buf.len, why, sizeof why)) {
		/* Tell the source why, so that it runs on; discard what came. */
		snprintf(line, sizeof line, "refused: %.110s", why);
		mig_send_line(c, line, err, errlen);
		snprintf(err, errlen, "%s", why);
	} else if (mig_send_line(c, "ready", err, errlen) &&
		   mig_recv_line(c, line, sizeof line, err, errlen) == 1) {
		if (!strcmp(line, "commit"))
			vm = snap_loader_take(&l);
		else
			snprintf(err, errlen, "the source did not commit (it said '%.60s')", line);
	} else if (!err[0] || !strstr(err, "peer")) {
		snprintf(err, errlen, "the source went away before it committed");
	}
	snap_loader_free(&l);
	snap_buf_free(&buf);
	return vm;
}

/* One checkpoint loaded into *vm (made by the first): false with why. */
static bool load_checkpoint(struct vm **vm, const struct snap_env *env, const struct snap_buf *buf,
			    const struct mig_stream_info *info, struct snap_buf *out, char *err,
			    size_t errlen)
{
	struct snap_loader l;
	bool ok;

	if (!*vm && (info->flags & SNAP_F_DELTA)) {
		snprintf(err, errlen, "the first checkpoint is not whole");
		return false;
	}
	if (*vm)
		snap_loader_init(&l, *vm, NULL, NULL);
	else
		snap_loader_init_env(&l, env);
	ok = snap_load_all(&l, buf->p, buf->len, err, errlen);
	if (ok && !*vm)
		*vm = snap_loader_take(&l);
	if (ok)
		snap_put_bytes(out, l.output.p, l.output.len);
	if (!ok && !l.made && *vm && l.seen) {
		/* Refused after some of it was loaded: no state to take over from. */
		vm_destroy(*vm);
		*vm = NULL;
	}
	snap_loader_free(&l);
	return ok;
}

struct vm *mig_backup(struct mig_conn *c, const struct snap_env *env, mig_held_fn held, void *ctx,
		      uint64_t *checkpoints, char *err, size_t errlen)
{
	struct snap_buf buf = { 0 }, out = { 0 };
	struct mig_stream_info info = { 0 };
	struct vm *vm = NULL;
	char line[64];

	*checkpoints = 0;
	for (;;) {
		int rc = mig_read_stream(c, &buf, &info, err, errlen);
		if (rc == 0)
			snprintf(err, errlen, "the primary closed the connection");
		if (rc != 1)
			break;
		out.len = 0;
		if (!load_checkpoint(&vm, env, &buf, &info, &out, err, errlen))
			break;
		++*checkpoints;
		/* Output commit: the epoch's output, now that its checkpoint is
		 * safe here, then the acknowledgement. */
		if (held)
			held(ctx, *checkpoints, vm, out.p, out.len);
		snprintf(line, sizeof line, "ack %llu", (unsigned long long)*checkpoints);
		if (!mig_send_line(c, line, err, errlen))
			break;
	}
	snap_buf_free(&buf);
	snap_buf_free(&out);
	return vm;
}
