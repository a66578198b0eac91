/*
 * tools/host/host_session.c: a host made from a config (see host_session.h).
 */
#define _GNU_SOURCE /* fopencookie: a FILE that prefixes each line */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "host_session.h"

/* ---- each VM's console: a file, or lines prefixed on stdout ------------- */


static ssize_t prefix_write(void *cookie, const char *buf, size_t size)
{
	struct prefixer *p = cookie;

	for (size_t i = 0; i < size; i++) {
		if (p->at_start)
			printf("%s| ", p->name);
		putchar(buf[i]);
		p->at_start = buf[i] == '\n';
	}
	return (ssize_t)size;
}

static int prefix_close(void *cookie)
{
	struct prefixer *p = cookie;

	if (!p->at_start)
		putchar('\n'); /* a last line the guest left open is ended here */
	return 0;
}



/* The key of VM i's config that a message from the monitor is about. */
static int key_of_message(const char *msg)
{
	static const struct { const char *word; int key; } map[] = {
		{ "disk image", KEY_DISK }, { "overlaps", KEY_BASE }, { "base", KEY_BASE },
		{ "beyond the host", KEY_BASE }, { "fit", KEY_MEM }, { "memory of", KEY_MEM },
		{ "weight", KEY_WEIGHT }, { "cap", KEY_CAP }, { "bare mode cannot", KEY_MODE },
		{ "segment", KEY_KERNEL }, { "entry point", KEY_KERNEL }, { "kernel", KEY_KERNEL },
	};
	for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
		if (strstr(msg, map[k].word))
			return map[k].key;
	return -1;
}

/* Says what is wrong with VM i (where its config said it) and returns
 * status. */
static int vm_error(const struct host_config *c, const char *cmd, int i, int key, const char *msg,
		    int status)
{
	char where[HOSTCFG_PATH_MAX + 64];

	hostcfg_where(c, i, key, where, sizeof where);
	fprintf(stderr, "trapeze: %s: %s%s\n", cmd, where, msg);
	return status;
}

static bool read_file(const char *path, uint8_t **out, size_t *len, char *err, size_t errlen)
{
	enum { MAX_INPUT = 64 << 20 };
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0;
	uint8_t *b;

	if (!f) {
		snprintf(err, errlen, "input '%s': %s", path, strerror(errno));
		return false;
	}
	b = malloc(cap);
	while (b) {
		size_t got = fread(b + n, 1, cap - n, f);
		n += got;
		if (!got || n > MAX_INPUT)
			break;
		if (n == cap) {
			uint8_t *p = realloc(b, cap *= 2);
			if (!p)
				free(b);
			b = p;
		}
	}
	fclose(f);
	if (!b || n > MAX_INPUT) {
		free(b);
		snprintf(err, errlen, "input '%s': %s", path, b ? "larger than 64 MiB" : "out of memory");
		return false;
	}
	*out = b;
	*len = n;
	return true;
}

/* Each VM's image, input and console; false after printing why. */
static int prepare(struct host_session *g, const char *cmd, enum host_consoles how)
{
	const struct host_config *c = &g->cfg;
	char err[1200];

	for (int i = 0; i < c->nvms; i++) {
		const struct hostcfg_vm *m = &c->vm[i];

		g->o[i] = m->o;
		if (!image_read(m->kernel, &g->img[i], err, sizeof err) ||
		    !image_vm_form(&g->img[i], &g->vimg[i], &g->segs[i], err, sizeof err))
			return vm_error(c, cmd, i, KEY_KERNEL, err, EXIT_USAGE);
		g->vimg[i].name = m->kernel;
		g->o[i].image = &g->vimg[i];
		g->o[i].vm.disk_path = m->disk[0] ? m->disk : NULL;
		g->o[i].vm.capture = how != HOST_CONSOLES_OUT;
		if (m->input[0]) {
			if (!read_file(m->input, &g->input[i], &g->input_len[i], err, sizeof err))
				return vm_error(c, cmd, i, KEY_INPUT, err, EXIT_USAGE);
			g->o[i].vm.input = g->input[i];
			g->o[i].vm.input_len = g->input_len[i];
		}
		if (how == HOST_CONSOLES_ONLY && !m->console[0]) {
			g->console[i] = NULL;
		} else if (m->console[0]) {
			/* A file the config names is written under a monitor too. */
			g->console[i] = fopen(m->console, "w");
			if (!g->console[i]) {
				snprintf(err, sizeof err, "console '%s': %s", m->console, strerror(errno));
				return vm_error(c, cmd, i, KEY_CONSOLE, err, EXIT_HOST);
			}
		} else {
			cookie_io_functions_t fns = { .write = prefix_write, .close = prefix_close };
			g->prefix[i] = (struct prefixer){ m->o.name, true };
			g->console[i] = fopencookie(&g->prefix[i], "w", fns);
			if (!g->console[i]) {
				fprintf(stderr, "trapeze: %s: error: out of memory\n", cmd);
				return EXIT_HOST;
			}
			/* A line at a time: the VMs' lines interleave as the
			 * schedule ran them, whole. */
			setvbuf(g->console[i], NULL, _IOLBF, 0);
		}
		g->o[i].vm.console = g->console[i];
		if (g->held == i + 1) {
			g->o[i].vm.console = NULL;
			g->o[i].vm.capture = true;
		}
	}
	return EXIT_OK;
}

int host_session_open(struct host_session *s, const char *cmd, enum host_consoles how)
{
	char err[1200];
	int culprit, status = prepare(s, cmd, how);

	if (status)
		return status;
	if (host_create(&s->h, &s->cfg.host, s->o, s->cfg.nvms, err, sizeof err, &culprit))
		return 0;
	if (culprit >= 0) {
		/* A VM that cannot be made (an image missing or not an image, it
		 * does not fit, it overlaps) is the config's error, like a bad
		 * setting: 2, nothing started. */
		return vm_error(&s->cfg, cmd, culprit, key_of_message(err), err, EXIT_USAGE);
	}
	if (s->cfg.file)
		fprintf(stderr, "trapeze: %s: %s: error: %s\n", cmd, s->cfg.file, err);
	else
		fprintf(stderr, "trapeze: %s: error: %s\n", cmd, err);
	return EXIT_USAGE;
}

int host_session_start(struct host_session *s, const char *path, const char *cmd, enum host_consoles how)
{
	char err[HOSTCFG_ERR];

	memset(s, 0, sizeof *s);
	hostcfg_init(&s->cfg);
	if (!hostcfg_load(&s->cfg, path, err, sizeof err) || !hostcfg_check(&s->cfg, err, sizeof err)) {
		fprintf(stderr, "trapeze: %s: %s\n", cmd, err);
		return s->cfg.unreadable ? EXIT_INPUT : EXIT_USAGE;
	}
	return host_session_open(s, cmd, how);
}

void host_session_close(struct host_session *s)
{
	host_destroy(s->h);
	s->h = NULL;
	for (int i = 0; i < s->cfg.nvms; i++) {
		if (s->console[i])
			fclose(s->console[i]);
		s->console[i] = NULL;
		free(s->segs[i]);
		s->segs[i] = NULL;
		free(s->input[i]);
		s->input[i] = NULL;
		image_free(&s->img[i]);
	}
	fflush(stdout);
}
