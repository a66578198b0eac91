/*
 * tests/dap_test.c: trapeze dap driven as a client drives it.
 * Owns: recorded request sequences sent to dap_serve, and every message
 *       that comes back checked against the protocol: framed with a
 *       Content-Length, JSON, a response for each request (its request_seq
 *       and command, success), events (initialized, stopped, output). The
 *       guest OS under trap mode: a breakpoint by source line in the system
 *       call handler, steps forward and the same steps back show the same
 *       registers; memory, disassembly, evaluate, the stack's source line,
 *       reverseContinue. Bad messages (no or bad Content-Length, broken
 *       JSON, an unknown command, missing arguments, a request before
 *       launch) get error responses and the session goes on.
 * Not:  the monitor underneath (mon_reverse_test.c, mon_test.c).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dap.h"

struct script {
	char *text;
	size_t len;
	FILE *f;
	int seq;
};

static void begin(struct script *s)
{
	memset(s, 0, sizeof *s);
	s->f = open_memstream(&s->text, &s->len);
	cr_assert(s->f);
}

/* A request: its seq is returned. */
static int request(struct script *s, const char *command, const char *args)
{
	char body[2048];
	int n = snprintf(body, sizeof body, "{\"seq\":%d,\"type\":\"request\",\"command\":\"%s\"%s%s}",
			 ++s->seq, command, args ? ",\"arguments\":" : "", args ? args : "");
	fprintf(s->f, "Content-Length: %d\r\n\r\n%s", n, body);
	return s->seq;
}

static void raw(struct script *s, const char *bytes)
{
	fputs(bytes, s->f);
	s->seq++; /* one error response expected for it */
}

struct reply {
	json_t **msg;
	int n;
	char *out;
};

/* Run the script; every message back parsed, its framing checked. */
static void serve(struct script *s, struct reply *r)
{
	FILE *in, *out;
	size_t len = 0;
	const char *p;

	fclose(s->f);
	in = fmemopen(s->text, s->len ? s->len : 1, "r");
	out = open_memstream(&r->out, &len);
	cr_assert(in && out);
	dap_serve(in, out);
	fclose(in);
	fclose(out);
	free(s->text);
	r->msg = NULL;
	r->n = 0;
	for (p = r->out; *p;) {
		long n;
		char *end;
		json_error_t err;
		cr_assert(!strncmp(p, "Content-Length: ", 16), "a message without its header: %.60s", p);
		n = strtol(p + 16, &end, 10);
		cr_assert(!strncmp(end, "\r\n\r\n", 4), "a header not ended by CRLF CRLF");
		p = end + 4;
		cr_assert((long)strlen(p) >= n, "a body shorter than its Content-Length");
		r->msg = realloc(r->msg, (size_t)(r->n + 1) * sizeof *r->msg);
		r->msg[r->n] = json_loadb(p, (size_t)n, 0, &err);
		cr_assert(r->msg[r->n], "a body that is no JSON: %s", err.text);
		cr_assert_eq(json_integer_value(json_object_get(r->msg[r->n], "seq")), r->n + 1,
			     "seq numbers go 1, 2, 3...");
		r->n++;
		p += n;
	}
}

static void done(struct reply *r)
{
	for (int i = 0; i < r->n; i++)
		json_decref(r->msg[i]);
	free(r->msg);
	free(r->out);
}

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* The one response to request seq. */
static json_t *response(struct reply *r, int seq)
{
	json_t *found = NULL;

	for (int i = 0; i < r->n; i++)
		if (!strcmp(str(r->msg[i], "type"), "response") &&
		    json_integer_value(json_object_get(r->msg[i], "request_seq")) == seq) {
			cr_assert_null(found, "two responses to request %d", seq);
			found = r->msg[i];
		}
	cr_assert(found, "no response to request %d", seq);
	return found;
}

static json_t *ok_response(struct reply *r, int seq, const char *command)
{
	json_t *m = response(r, seq);
	cr_expect_str_eq(str(m, "command"), command);
	cr_expect(json_is_true(json_object_get(m, "success")), "request %d (%s) failed: %s", seq,
		  command, str(m, "message"));
	return json_object_get(m, "body");
}

static void expect_error(struct reply *r, int seq, const char *want)
{
	json_t *m = response(r, seq);
	cr_expect(json_is_false(json_object_get(m, "success")), "request %d succeeded", seq);
	cr_expect(strstr(str(m, "message"), want), "request %d: '%s' not in '%s'", seq, want,
		  str(m, "message"));
}

/* The first event called name after the response to request seq. */
static json_t *event_after(struct reply *r, int seq, const char *name)
{
	bool after = false;

	for (int i = 0; i < r->n; i++) {
		if (!strcmp(str(r->msg[i], "type"), "response") &&
		    json_integer_value(json_object_get(r->msg[i], "request_seq")) == seq)
			after = true;
		else if (after && !strcmp(str(r->msg[i], "type"), "response"))
			break;
		else if (after && !strcmp(str(r->msg[i], "event"), name))
			return json_object_get(r->msg[i], "body");
	}
	cr_assert_fail("no %s event after request %d", name, seq);
	return NULL;
}

static char *registers(struct reply *r, int seq)
{
	json_t *vars = json_object_get(ok_response(r, seq, "variables"), "variables");
	return json_dumps(vars, JSON_COMPACT | JSON_SORT_KEYS);
}

static const char *build(void)
{
	return getenv("BUILD") && *getenv("BUILD") ? getenv("BUILD") : "build";
}

/* The guest OS's first system call under trap mode: forward three steps
 * from the handler's first line, back three, the same registers. */
Test(dap, steps_forward_and_back_through_a_system_call)
{
	struct script s;
	struct reply r;
	char args[1024];
	int init, launch, bp, conf, v0, n1, v1, b1, v2, stack, mem, dis, eval, rc, disc;
	char *before, *moved, *after;
	json_t *b, *frames;

	begin(&s);
	init = request(&s, "initialize", "{\"adapterID\":\"trapeze\"}");
	snprintf(args, sizeof args, "{\"program\":\"%s/guest/kernel.elf\",\"mode\":\"trap\","
		 "\"disk\":\"%s/guest/disk.img\",\"stopOnEntry\":false}", build(), build());
	launch = request(&s, "launch", args);
	bp = request(&s, "setBreakpoints", "{\"source\":{\"path\":\"guest-os/kernel/syscall.s\"},"
					   "\"breakpoints\":[{\"line\":14}]}");
	conf = request(&s, "configurationDone", NULL);
	request(&s, "threads", NULL);
	v0 = request(&s, "variables", "{\"variablesReference\":1}");
	n1 = request(&s, "next", "{\"threadId\":1}");
	request(&s, "next", "{\"threadId\":1}");
	request(&s, "next", "{\"threadId\":1}");
	v1 = request(&s, "variables", "{\"variablesReference\":1}");
	b1 = request(&s, "stepBack", "{\"threadId\":1}");
	request(&s, "stepBack", "{\"threadId\":1}");
	request(&s, "stepBack", "{\"threadId\":1}");
	v2 = request(&s, "variables", "{\"variablesReference\":1}");
	stack = request(&s, "stackTrace", "{\"threadId\":1}");
	request(&s, "scopes", "{\"frameId\":0}");
	request(&s, "variables", "{\"variablesReference\":2}");
	request(&s, "variables", "{\"variablesReference\":3}");
	mem = request(&s, "readMemory", "{\"memoryReference\":\"0x0\",\"count\":8}");
	dis = request(&s, "disassemble", "{\"memoryReference\":\"0x0\",\"instructionCount\":3}");
	eval = request(&s, "evaluate", "{\"expression\":\"$r0 + 7\"}");
	request(&s, "setBreakpoints", "{\"source\":{\"path\":\"guest-os/kernel/syscall.s\"},"
				      "\"breakpoints\":[]}");
	rc = request(&s, "reverseContinue", "{\"threadId\":1}");
	disc = request(&s, "disconnect", NULL);
	serve(&s, &r);

	b = ok_response(&r, init, "initialize");
	cr_expect(json_is_true(json_object_get(b, "supportsStepBack")), "supportsStepBack");
	event_after(&r, init, "initialized");
	ok_response(&r, launch, "launch");
	b = ok_response(&r, bp, "setBreakpoints");
	cr_expect(json_is_true(json_object_get(json_array_get(json_object_get(b, "breakpoints"), 0),
					       "verified")), "the breakpoint is verified");
	ok_response(&r, conf, "configurationDone");
	cr_expect_str_eq(str(event_after(&r, conf, "stopped"), "reason"), "breakpoint");
	cr_expect(strstr(str(event_after(&r, conf, "output"), "output"), "Trapeze guest OS"),
		  "the console came as output events");
	ok_response(&r, n1, "next");
	cr_expect_str_eq(str(event_after(&r, n1, "stopped"), "reason"), "step");
	ok_response(&r, b1, "stepBack");
	before = registers(&r, v0);
	moved = registers(&r, v1);
	after = registers(&r, v2);
	cr_expect_str_neq(before, moved, "three steps changed no register");
	cr_expect_str_eq(before, after, "back three steps, the registers differ");
	frames = json_object_get(ok_response(&r, stack, "stackTrace"), "stackFrames");
	cr_expect_str_eq(str(json_object_get(json_array_get(frames, 0), "source"), "name"),
			 "syscall.s");
	cr_expect(json_integer_value(json_object_get(json_array_get(frames, 0), "line")) >= 14);
	cr_expect_str_eq(str(ok_response(&r, mem, "readMemory"), "address"), "0x00000000");
	cr_expect(strlen(str(ok_response(&r, mem, "readMemory"), "data")) == 12, "8 bytes in base64");
	cr_expect_eq(json_array_size(json_object_get(ok_response(&r, dis, "disassemble"),
						     "instructions")), 3);
	cr_expect(strstr(str(ok_response(&r, eval, "evaluate"), "result"), "0x00000007"));
	ok_response(&r, rc, "reverseContinue");
	cr_expect_str_eq(str(event_after(&r, rc, "stopped"), "reason"), "entry",
			 "no breakpoint left: back to the start");
	ok_response(&r, disc, "disconnect");
	free(before);
	free(moved);
	free(after);
	done(&r);
}

Test(dap, bad_messages_get_error_responses)
{
	struct script s;
	struct reply r;
	int unknown, nolaunch, noprog, badmode, init, nosrc, badref, badmem;
	json_t *first;

	begin(&s);
	raw(&s, "Content-Type: json\r\n\r\n");                      /* no Content-Length */
	raw(&s, "Content-Length: abc\r\n\r\n");
	raw(&s, "Content-Length: 5\r\n\r\n{\"a\":");                /* broken JSON */
	raw(&s, "Content-Length: 2\r\n\r\n[]");                     /* not a request */
	unknown = request(&s, "fly", NULL);
	nolaunch = request(&s, "variables", "{\"variablesReference\":1}");
	noprog = request(&s, "launch", "{}");
	badmode = request(&s, "launch", "{\"program\":\"x.elf\",\"mode\":\"warp\"}");
	init = request(&s, "launch", "{\"program\":\"/nonexistent/x.elf\"}");
	nosrc = request(&s, "setBreakpoints", "{}");
	badref = request(&s, "scopes", "{}");
	badmem = request(&s, "readMemory", "{\"memoryReference\":\"zz\",\"count\":4}");
	request(&s, "initialize", NULL);
	serve(&s, &r);

	first = r.msg[0];
	cr_expect(json_is_false(json_object_get(first, "success")));
	cr_expect(strstr(str(first, "message"), "without Content-Length"), "%s", str(first, "message"));
	cr_expect(strstr(str(r.msg[1], "message"), "Content-Length"), "%s", str(r.msg[1], "message"));
	cr_expect(strstr(str(r.msg[2], "message"), "broken JSON"), "%s", str(r.msg[2], "message"));
	cr_expect(strstr(str(r.msg[3], "message"), "not a request"), "%s", str(r.msg[3], "message"));
	expect_error(&r, unknown, "unknown command 'fly'");
	expect_error(&r, nolaunch, "launch first");
	expect_error(&r, noprog, "'program'");
	expect_error(&r, badmode, "no mode 'warp'");
	expect_error(&r, init, "/nonexistent/x.elf");
	expect_error(&r, nosrc, "launch first");
	expect_error(&r, badref, "launch first");
	expect_error(&r, badmem, "launch first");
	cr_expect(json_is_true(json_object_get(r.msg[r.n - 2], "success")) ||
		  json_is_true(json_object_get(r.msg[r.n - 1], "success")),
		  "the session went on: initialize answered");
	done(&r);
}

Test(dap, the_command_refuses_arguments)
{
	cr_expect_neq(system("\"${TRAPEZE:-build/trapeze}\" dap --nonsense 2>/dev/null"), 0);
	cr_expect_eq(system("\"${TRAPEZE:-build/trapeze}\" dap --help >/dev/null"), 0);
}
