/*
 * tools/dap/dap.c: the Debug Adapter Protocol server (see dap.h).
 * Owns: reading framed messages, dispatching requests, writing responses
 *       and events; each request's arguments checked before use.
 * Not:  what a step or a breakpoint is (tools/mon/).
 */
#include "dap.h"

#include <ctype.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "history.h"
#include "image.h"
#include "mon.h"

enum {
	DAP_MAX_BODY = 1 << 20,   /* a request larger than this is refused */
	DAP_MAX_HEADER = 1024,
	DAP_MAX_READ = 65536,     /* readMemory: bytes at most */
	DAP_MAX_DIS = 1000,       /* disassemble: instructions at most */
	DAP_MAX_SRC_BREAKS = MON_MAX_BREAKS,
	VAR_REGS = 1, VAR_SREGS, VAR_REAL, /* the scopes' variablesReference */
};

struct src_break {
	char file[256];           /* the source's last path component */
	unsigned id;              /* the monitor's breakpoint */
};

struct dap {
	FILE *in, *out;
	long seq;
	struct image img;
	bool have_img;
	struct mon *m;
	bool stop_on_entry, configured, done;
	uint64_t max_steps;       /* a cap on --max-steps (0: none), for the fuzzer */
	struct src_break brk[DAP_MAX_SRC_BREAKS];
	int nbrk;
};

/* ---- the base protocol ------------------------------------------------------ */

static void send(struct dap *d, json_t *msg)
{
	char *text;

	json_object_set_new(msg, "seq", json_integer(++d->seq));
	text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (!text)
		return;
	fprintf(d->out, "Content-Length: %zu\r\n\r\n%s", strlen(text), text);
	fflush(d->out);
	free(text);
}

static void respond(struct dap *d, json_int_t request_seq, const char *command, bool ok,
		    const char *message, json_t *body)
{
	json_t *r = json_pack("{s:s, s:I, s:b, s:s}", "type", "response", "request_seq",
			      request_seq, "success", ok, "command", command ? command : "");
	if (!r) {
		json_decref(body);
		return;
	}
	if (message)
		json_object_set_new(r, "message", json_string(message));
	if (body)
		json_object_set_new(r, "body", body);
	send(d, r);
}

static void event(struct dap *d, const char *name, json_t *body)
{
	json_t *e = json_pack("{s:s, s:s}", "type", "event", "event", name);
	if (!e) {
		json_decref(body);
		return;
	}
	if (body)
		json_object_set_new(e, "body", body);
	send(d, e);
}

/* One message's body, malloc'd, in *body: 1; 0 at the end of input; -1
 * after a bad header (*why says what), the header skipped. */
static int read_message(struct dap *d, char **body, size_t *len, const char **why)
{
	char line[DAP_MAX_HEADER];
	long n = -1;
	bool any = false;

	*why = NULL;
	for (;;) {
		size_t k;
		if (!fgets(line, sizeof line, d->in))
			return any ? (*why = "the input ended inside a header", -1) : 0;
		k = strlen(line);
		if (k == sizeof line - 1 && line[k - 1] != '\n') {
			int c;
			while ((c = fgetc(d->in)) != EOF && c != '\n')
				;
			*why = "a header line longer than 1024 bytes";
			continue;
		}
		while (k && (line[k - 1] == '\n' || line[k - 1] == '\r'))
			line[--k] = 0;
		if (k == 0) {
			if (!any)
				continue; /* blank lines between messages */
			break;
		}
		any = true;
		if (!strncasecmp(line, "Content-Length:", 15)) {
			char *end;
			const char *v = line + 15;
			while (*v == ' ' || *v == '\t')
				v++;
			n = isdigit((unsigned char)*v) ? strtol(v, &end, 10) : -1;
			if (n < 0 || *end || n > DAP_MAX_BODY) {
				*why = "a Content-Length that is no size of 0 to 1 MiB";
				n = -2;
			}
		}
	}
	if (*why)
		return -1;
	if (n < 0) {
		*why = n == -1 ? "a header without Content-Length" : "a bad Content-Length";
		return -1;
	}
	*body = malloc((size_t)n + 1);
	if (!*body) {
		*why = "out of memory";
		return -1;
	}
	*len = fread(*body, 1, (size_t)n, d->in);
	(*body)[*len] = 0;
	if (*len != (size_t)n) {
		free(*body);
		*why = "the input ended inside a message's body";
		return -1;
	}
	return 1;
}

/* ---- arguments ------------------------------------------------------------------- */

static const char *arg_str(json_t *args, const char *key)
{
	json_t *v = json_object_get(args, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool arg_int(json_t *args, const char *key, json_int_t *out)
{
	json_t *v = json_object_get(args, key);
	if (!json_is_integer(v))
		return false;
	*out = json_integer_value(v);
	return true;
}

static bool parse_address(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s)
		return false;
	v = strtoull(s, &end, 0);
	if (*end || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* ---- what the client is shown ---------------------------------------------------------- */

static void show_console(struct dap *d)
{
	size_t len;
	const char *text = mon_console_new(d->m, &len);
	char *copy;

	if (!len || !(copy = strndup(text, len)))
		return;
	event(d, "output", json_pack("{s:s, s:s}", "category", "stdout", "output", copy));
	free(copy);
}

/* After a run or a going back: the console, then the stopped event (with
 * the VM exit the step had, if it had one). */
static void stopped(struct dap *d, const struct mon_stop *st, const char *default_reason,
		    uint64_t events_before)
{
	struct mon *m = d->m;
	const char *reason = default_reason;
	char text[400] = "";
	uint32_t code;
	json_t *body;

	show_console(d);
	switch (st->why) {
	case MON_AT_BREAK: reason = "breakpoint"; break;
	case MON_AT_WATCH:
		reason = "data breakpoint";
		mon_watch_hit_text(m, &m->hit, text, sizeof text);
		break;
	case MON_HALTED:
		vm_halted(m->vm, &code);
		reason = "pause";
		snprintf(text, sizeof text, "the guest halted with code %u (step back to see how)", code);
		break;
	case MON_IDLE:
		reason = "pause";
		snprintf(text, sizeof text, "the guest is idle: it waits for an interrupt that cannot come");
		break;
	case MON_FAULT:
		reason = "exception";
		snprintf(text, sizeof text, "triple fault");
		break;
	case MON_AT_LIMIT:
		reason = "pause";
		snprintf(text, sizeof text, "the step limit");
		break;
	case MON_AT_START:
		reason = "entry";
		snprintf(text, sizeof text, "%s", m->hist_err[0] ? m->hist_err : "the start of the recorded past");
		m->hist_err[0] = 0;
		break;
	default:
		break;
	}
	if (!text[0] && m->nevents > events_before && mon_event(m, 0))
		mon_event_text(m, mon_event(m, 0), text, sizeof text); /* the VM exit */
	body = json_pack("{s:s, s:i, s:b}", "reason", reason, "threadId", 1, "allThreadsStopped", 1);
	if (body && text[0]) {
		json_object_set_new(body, "description", json_string(text));
		json_object_set_new(body, "text", json_string(text));
	}
	event(d, "stopped", body);
}

/* The row of the line table for pc, and its source's path. */
static const struct image_line *line_of(const struct dap *d, uint32_t pc, const char **file)
{
	const struct image *img = mon_symbols_at(d->m, pc);
	const struct image_line *l = img ? image_line_at(img, pc) : NULL;

	*file = l && l->file < img->nfiles ? img->files[l->file] : NULL;
	return *file ? l : NULL;
}

static json_t *source_of(const char *file)
{
	char *abs = realpath(file, NULL);
	json_t *s = json_pack("{s:s, s:s}", "name", base_name(file), "path", abs ? abs : file);
	free(abs);
	return s;
}

/* ---- the requests -------------------------------------------------------------------- */

struct req {
	struct dap *d;
	json_int_t seq;
	const char *command;
	json_t *args;
};

static bool fail(struct req *r, const char *fmt, const char *what)
{
	char msg[700];
	snprintf(msg, sizeof msg, fmt, what);
	respond(r->d, r->seq, r->command, false, msg, NULL);
	return false;
}

static bool ok(struct req *r, json_t *body)
{
	respond(r->d, r->seq, r->command, true, NULL, body);
	return true;
}

static bool need_launch(struct req *r)
{
	return r->d->m ? true : fail(r, "%s: launch first", r->command);
}

static bool do_initialize(struct req *r)
{
	json_t *caps = json_pack("{s:b, s:b, s:b, s:b, s:b, s:b}", "supportsConfigurationDoneRequest", 1,
				 "supportsStepBack", 1, "supportsReadMemoryRequest", 1,
				 "supportsDisassembleRequest", 1, "supportsEvaluateForHovers", 1,
				 "supportsSteppingGranularity", 0);
	ok(r, caps);
	event(r->d, "initialized", NULL);
	return true;
}

static bool do_launch(struct req *r)
{
	struct dap *d = r->d;
	const char *program = arg_str(r->args, "program"), *mode = arg_str(r->args, "mode");
	const char *disk = arg_str(r->args, "disk"), *nonvirt = arg_str(r->args, "nonvirt"), *bad;
	json_t *stop = json_object_get(r->args, "stopOnEntry");
	json_int_t history = VM_HISTORY_MEM, steps = 0;
	struct vm_options o;
	char err[512];

	if (d->m)
		return fail(r, "%s: a session debugs one guest (launched already)", "launch");
	if (!program)
		return fail(r, "%s: the argument 'program' (an image's path) is missing", "launch");
	vm_options_init(&o);
	if (mode && !vmm_mode_parse(mode, &o.mode))
		return fail(r, "launch: no mode '%s'", mode);
	if (nonvirt) {
		int nv = cpu_parse_nonvirt(nonvirt, &bad);
		if (nv < 0)
			return fail(r, "launch: nonvirt: no instruction '%s'", bad ? bad : nonvirt);
		o.nonvirt = (unsigned)nv;
	}
	if (arg_int(r->args, "maxSteps", &steps) && steps > 0)
		o.step_limit = (uint64_t)steps;
	if (d->max_steps && (o.step_limit == 0 || o.step_limit > d->max_steps))
		o.step_limit = d->max_steps;
	if (arg_int(r->args, "history", &history) && history != 0 &&
	    (history < VM_HISTORY_MIN_MEM || history > (json_int_t)1 << 32))
		return fail(r, "launch: history: %s", "a size of 1 MiB to 4 GiB, or 0 for none");
	o.disk_path = disk;
	if (!image_read(program, &d->img, err, sizeof err))
		return fail(r, "launch: %s", err);
	d->have_img = true;
	if (!mon_create(&d->m, &o, &d->img, err, sizeof err))
		return fail(r, "launch: %s", err);
	if (!mon_history(d->m, (uint64_t)history, err, sizeof err))
		event(d, "output", json_pack("{s:s, s:s}", "category", "console", "output",
					     "no reverse execution for this guest\n"));
	d->stop_on_entry = !json_is_false(stop);
	return ok(r, NULL);
}

static bool do_configuration_done(struct req *r)
{
	struct dap *d = r->d;
	struct mon_stop st = { .why = MON_DONE };

	if (!need_launch(r))
		return false;
	ok(r, NULL);
	if (d->configured)
		return true;
	d->configured = true;
	if (d->stop_on_entry) {
		stopped(d, &st, "entry", d->m->nevents);
	} else {
		uint64_t ev = d->m->nevents;
		st = mon_run(d->m, MON_CONTINUE, 1, NULL, NULL);
		stopped(d, &st, "pause", ev);
	}
	return true;
}

/* The first row of file at line or after it (a comment, a label: the
 * next instruction), or NULL. */
static const struct image_line *row_for(const struct image *img, const char *file, long line)
{
	const struct image_line *best = NULL;

	for (int i = 0; i < img->nlines; i++) {
		const struct image_line *l = &img->lines[i];
		if (l->file >= img->nfiles || strcmp(base_name(img->files[l->file]), file) ||
		    (long)l->line < line)
			continue;
		if (!best || l->line < best->line || (l->line == best->line && l->addr < best->addr))
			best = l;
	}
	return best;
}

static bool do_set_breakpoints(struct req *r)
{
	struct dap *d = r->d;
	json_t *src = json_object_get(r->args, "source"), *want = json_object_get(r->args, "breakpoints");
	const char *path = arg_str(src, "path");
	json_t *out, *b;
	const char *file;
	size_t i;
	int k = 0;

	if (!need_launch(r))
		return false;
	if (!path)
		return fail(r, "%s: the argument 'source.path' is missing", "setBreakpoints");
	if (want && !json_is_array(want))
		return fail(r, "%s: 'breakpoints' is not an array", "setBreakpoints");
	file = base_name(path);
	/* This source's breakpoints are replaced by the ones asked for. */
	for (int j = 0; j < d->nbrk; j++)
		if (!strcmp(d->brk[j].file, file))
			mon_break_delete(d->m, d->brk[j].id);
		else
			d->brk[k++] = d->brk[j];
	d->nbrk = k;
	out = json_array();
	json_array_foreach(want, i, b) {
		json_int_t line = 0;
		const struct image_line *l = arg_int(b, "line", &line) ? row_for(&d->img, file, (long)line)
								      : NULL;
		const struct mon_break *mb;
		char err[160];
		json_t *res;
		if (!l || !mon_break_add_gpa(d->m, l->addr, &mb, err, sizeof err) ||
		    d->nbrk == DAP_MAX_SRC_BREAKS) {
			res = json_pack("{s:b, s:I, s:s}", "verified", 0, "line", line, "message",
					l ? "no room for another breakpoint" : "no instruction at or after this line");
		} else {
			snprintf(d->brk[d->nbrk].file, sizeof d->brk[d->nbrk].file, "%s", file);
			d->brk[d->nbrk++].id = mb->id;
			res = json_pack("{s:b, s:i, s:i, s:s}", "verified", 1, "id", (int)mb->id, "line",
					(int)l->line, "instructionReference", "");
			json_object_set_new(res, "instructionReference",
					    json_sprintf("0x%08x", l->addr));
		}
		json_array_append_new(out, res);
	}
	return ok(r, json_pack("{s:o}", "breakpoints", out));
}

static bool do_threads(struct req *r)
{
	char name[64];

	snprintf(name, sizeof name, "virtual CPU (%s)", r->d->m ? vmm_mode_name(vm_mode(r->d->m->vm))
								  : "not launched");
	return ok(r, json_pack("{s:[{s:i, s:s}]}", "threads", "id", 1, "name", name));
}

static bool do_stack_trace(struct req *r)
{
	struct dap *d = r->d;
	struct mon_frame f[MON_MAX_FRAMES];
	json_t *frames;
	int n;

	if (!need_launch(r))
		return false;
	n = mon_backtrace(d->m, f, MON_MAX_FRAMES);
	if (n == 0) {
		f[0] = (struct mon_frame){ .pc = vm_pc(d->m->vm) };
		n = 1;
	}
	frames = json_array();
	for (int i = 0; i < n; i++) {
		char where[96], name[128];
		const char *file;
		const struct image_line *l = line_of(d, f[i].pc, &file);
		json_t *fr;
		mon_where(d->m, f[i].func ? f[i].func : f[i].pc, where, sizeof where);
		snprintf(name, sizeof name, "%s", where[0] ? where : "??");
		fr = json_pack("{s:i, s:s, s:i, s:i}", "id", i, "name", name, "line", l ? (int)l->line : 0,
			       "column", l ? 1 : 0);
		json_object_set_new(fr, "instructionPointerReference", json_sprintf("0x%08x", f[i].pc));
		if (l)
			json_object_set_new(fr, "source", source_of(file));
		json_array_append_new(frames, fr);
	}
	return ok(r, json_pack("{s:o, s:i}", "stackFrames", frames, "totalFrames", n));
}

static bool do_scopes(struct req *r)
{
	if (!need_launch(r))
		return false;
	return ok(r, json_pack("{s:[{s:s, s:i, s:b}, {s:s, s:i, s:b}, {s:s, s:i, s:b}]}", "scopes",
			       "name", "Guest registers", "variablesReference", VAR_REGS, "expensive", 0,
			       "name", "Virtual CPU: special registers", "variablesReference", VAR_SREGS,
			       "expensive", 0, "name", "Real CPU", "variablesReference", VAR_REAL,
			       "expensive", 0));
}

static void add_var(json_t *vars, const char *name, uint32_t v)
{
	json_t *x = json_pack("{s:s, s:i}", "name", name, "variablesReference", 0);
	json_object_set_new(x, "value", json_sprintf("0x%08x", v));
	json_array_append_new(vars, x);
}

static bool do_variables(struct req *r)
{
	struct dap *d = r->d;
	json_int_t ref = 0;
	json_t *vars;
	const struct cpu *real;

	if (!need_launch(r))
		return false;
	if (!arg_int(r->args, "variablesReference", &ref) || ref < VAR_REGS || ref > VAR_REAL)
		return fail(r, "%s: no such variablesReference", "variables");
	vars = json_array();
	real = vm_real_cpu(d->m->vm);
	if (ref == VAR_REGS) {
		for (int i = 0; i < NREGS; i++)
			add_var(vars, mon_reg_name(i), mon_reg_read(d->m, i));
		add_var(vars, "pc", vm_pc(d->m->vm));
		add_var(vars, "psw", vm_psw(d->m->vm));
	} else if (ref == VAR_SREGS) {
		for (int i = 0; i < SR_COUNT; i++)
			add_var(vars, mon_reg_name(MON_REG_SR0 + i), vm_sreg(d->m->vm, (unsigned)i));
	} else {
		char name[32];
		for (int i = 0; i < NREGS; i++) {
			snprintf(name, sizeof name, "real %s", mon_reg_name(i));
			add_var(vars, name, real->r[i]);
		}
		add_var(vars, "real pc", real->pc);
		add_var(vars, "real psw", real->psw);
		for (int i = 0; i < SR_COUNT; i++) {
			snprintf(name, sizeof name, "real %s", mon_reg_name(MON_REG_SR0 + i));
			add_var(vars, name, real->sr[i]);
		}
	}
	return ok(r, json_pack("{s:o}", "variables", vars));
}

/* continue, next, stepIn, stepOut, stepBack, reverseContinue. */
static bool do_run(struct req *r)
{
	struct dap *d = r->d;
	const char *c = r->command;
	struct mon_stop st;
	uint64_t ev;
	bool back = !strcmp(c, "stepBack") || !strcmp(c, "reverseContinue");

	if (!need_launch(r))
		return false;
	if (back && !vm_history_on(d->m->vm))
		return fail(r, "%s: reverse execution is off for this guest", c);
	ok(r, !strcmp(c, "continue") ? json_pack("{s:b}", "allThreadsContinued", 1) : NULL);
	ev = d->m->nevents;
	if (!strcmp(c, "continue"))
		st = mon_run(d->m, MON_CONTINUE, 1, NULL, NULL);
	else if (!strcmp(c, "next"))
		st = mon_run(d->m, MON_NEXT, 1, NULL, NULL);
	else if (!strcmp(c, "stepIn"))
		st = mon_run(d->m, MON_STEP, 1, NULL, NULL);
	else if (!strcmp(c, "stepOut"))
		st = mon_finish(d->m, NULL, NULL);
	else
		st = mon_reverse(d->m, !strcmp(c, "stepBack") ? MON_RSTEP : MON_RCONTINUE, 1);
	if (back) {
		d->m->console_shown = SIZE_MAX; /* the console as it was there: nothing new */
		ev = d->m->nevents;
	}
	if (st.why == MON_NO_FRAME)
		st.why = MON_DONE; /* stepOut with no known caller: stays, says so */
	stopped(d, &st, !strcmp(c, "continue") || !strcmp(c, "reverseContinue") ? "pause" : "step",
		ev);
	return true;
}

static bool do_evaluate(struct req *r)
{
	const char *e = arg_str(r->args, "expression");
	uint32_t v;
	char err[200];

	if (!need_launch(r))
		return false;
	if (!e)
		return fail(r, "%s: the argument 'expression' is missing", "evaluate");
	if (!mon_eval_value(r->d->m, e, &v, err, sizeof err))
		return fail(r, "evaluate: %s", err);
	return ok(r, json_pack("{s:o, s:i}", "result", json_sprintf("0x%08x (%d)", v, (int32_t)v),
			       "variablesReference", 0));
}

static char *base64(const uint8_t *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc(4 * ((n + 2) / 3) + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);
		*o++ = tab[v >> 18 & 63];
		*o++ = tab[v >> 12 & 63];
		*o++ = i + 1 < n ? tab[v >> 6 & 63] : '=';
		*o++ = i + 2 < n ? tab[v & 63] : '=';
	}
	*o = 0;
	return out;
}

static bool do_read_memory(struct req *r)
{
	uint32_t addr;
	json_int_t off = 0, count = 0;
	uint8_t *buf;
	char *text;
	json_int_t n = 0;
	json_t *body;

	if (!need_launch(r))
		return false;
	if (!parse_address(arg_str(r->args, "memoryReference"), &addr) ||
	    !arg_int(r->args, "count", &count) || count < 0 || count > DAP_MAX_READ)
		return fail(r, "%s: a memoryReference (an address) and a count of at most 65536 are needed",
			    "readMemory");
	arg_int(r->args, "offset", &off);
	if (off < -(json_int_t)UINT32_MAX || off > (json_int_t)UINT32_MAX)
		return fail(r, "%s: offset out of range", "readMemory");
	addr += (uint32_t)off;
	buf = malloc((size_t)count + 1);
	if (!buf)
		return fail(r, "%s: out of memory", "readMemory");
	while (n < count && mon_read_bytes(r->d->m, addr + (uint32_t)n, buf + n, 1))
		n++;
	text = base64(buf, (size_t)n);
	body = json_pack("{s:o, s:s, s:I}", "address", json_sprintf("0x%08x", addr), "data",
			 text ? text : "", "unreadableBytes", count - n);
	free(text);
	free(buf);
	return ok(r, body);
}

static bool do_disassemble(struct req *r)
{
	uint32_t addr;
	json_int_t off = 0, count = 0;
	json_t *list;

	if (!need_launch(r))
		return false;
	if (!parse_address(arg_str(r->args, "memoryReference"), &addr) ||
	    !arg_int(r->args, "instructionCount", &count) || count < 0 || count > DAP_MAX_DIS)
		return fail(r, "%s: a memoryReference and an instructionCount of at most 1000 are needed",
			    "disassemble");
	arg_int(r->args, "instructionOffset", &off);
	if (off < -(json_int_t)(1 << 28) || off > (json_int_t)(1 << 28))
		return fail(r, "%s: instructionOffset out of range", "disassemble");
	addr = (addr & ~3u) + (uint32_t)(off * 4);
	list = json_array();
	for (json_int_t i = 0; i < count; i++, addr += 4) {
		char text[96], where[96];
		const char *file;
		const struct image_line *l = line_of(r->d, addr, &file);
		json_t *x;
		mon_insn_text(r->d->m, addr, text, sizeof text);
		mon_where(r->d->m, addr, where, sizeof where);
		x = json_pack("{s:o, s:s}", "address", json_sprintf("0x%08x", addr), "instruction", text);
		if (where[0])
			json_object_set_new(x, "symbol", json_string(where));
		if (l) {
			json_object_set_new(x, "line", json_integer(l->line));
			json_object_set_new(x, "location", source_of(file));
		}
		json_array_append_new(list, x);
	}
	return ok(r, json_pack("{s:o}", "instructions", list));
}

static bool do_disconnect(struct req *r)
{
	r->d->done = true;
	return ok(r, NULL);
}

static const struct {
	const char *name;
	bool (*run)(struct req *r);
} requests[] = {
	{ "initialize", do_initialize }, { "launch", do_launch },
	{ "setBreakpoints", do_set_breakpoints }, { "configurationDone", do_configuration_done },
	{ "threads", do_threads }, { "stackTrace", do_stack_trace }, { "scopes", do_scopes },
	{ "variables", do_variables }, { "continue", do_run }, { "next", do_run },
	{ "stepIn", do_run }, { "stepOut", do_run }, { "stepBack", do_run },
	{ "reverseContinue", do_run }, { "evaluate", do_evaluate }, { "readMemory", do_read_memory },
	{ "disassemble", do_disassemble }, { "disconnect", do_disconnect },
	{ "terminate", do_disconnect },
};

static void dispatch(struct dap *d, const char *body, size_t len)
{
	json_error_t jerr;
	json_t *msg = json_loadb(body, len, 0, &jerr), *args;
	struct req r = { d, 0, NULL, NULL };
	json_int_t seq = 0;
	char why[300];

	if (!msg) {
		snprintf(why, sizeof why, "broken JSON: %s (line %d, column %d)", jerr.text, jerr.line,
			 jerr.column);
		respond(d, 0, "", false, why, NULL);
		return;
	}
	arg_int(msg, "seq", &seq);
	r.seq = seq;
	r.command = arg_str(msg, "command");
	args = json_object_get(msg, "arguments");
	r.args = json_is_object(args) ? args : NULL;
	if (!json_is_object(msg) || !arg_str(msg, "type") || strcmp(arg_str(msg, "type"), "request") ||
	    !r.command) {
		respond(d, seq, r.command, false, "not a request (type \"request\" and a command)", NULL);
	} else {
		size_t i;
		for (i = 0; i < sizeof requests / sizeof requests[0]; i++)
			if (!strcmp(requests[i].name, r.command))
				break;
		if (i == sizeof requests / sizeof requests[0]) {
			snprintf(why, sizeof why, "unknown command '%.200s'", r.command);
			respond(d, seq, r.command, false, why, NULL);
		} else {
			requests[i].run(&r);
		}
	}
	json_decref(msg);
}

int dap_serve_limited(FILE *in, FILE *out, uint64_t max_steps)
{
	struct dap d = { .in = in, .out = out, .max_steps = max_steps };
	bool erred = false;

	while (!d.done) {
		char *body = NULL;
		size_t len = 0;
		const char *why;
		int got = read_message(&d, &body, &len, &why);
		if (got == 0)
			break;
		if (got < 0) {
			char msg[200];
			snprintf(msg, sizeof msg, "bad message: %s", why);
			respond(&d, 0, "", false, msg, NULL);
			erred = true;
			if (feof(in))
				break;
			continue;
		}
		dispatch(&d, body, len);
		free(body);
	}
	mon_destroy(d.m);
	if (d.have_img)
		image_free(&d.img);
	return erred && !d.done;
}

int dap_serve(FILE *in, FILE *out)
{
	return dap_serve_limited(in, out, 0);
}

int cmd_dap(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs("usage: trapeze dap\n\n"
		      "A Debug Adapter Protocol server on standard input and output: VS Code\n"
		      "(editors/vscode), nvim-dap or Emacs dap-mode debug a Trapeze guest through\n"
		      "it. The client's launch request names the image and its options: program,\n"
		      "mode, disk, nonvirt, maxSteps, history, stopOnEntry. Breakpoints by source\n"
		      "line (the image's DWARF line table), stepping both ways (stepBack,\n"
		      "reverseContinue), the guest's registers, the virtual CPU's special\n"
		      "registers and the real CPU, memory, disassembly, the console as output.\n",
		      stdout);
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "trapeze: dap: error: '%s': dap takes no arguments (the client's launch "
			"request gives them)\n", argv[1]);
		return 2;
	}
	return dap_serve(stdin, stdout);
}
