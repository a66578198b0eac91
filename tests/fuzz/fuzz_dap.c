/*
 * tests/fuzz/fuzz_dap.c: the Debug Adapter Protocol server on any bytes.
 * Owns: the server's invariants: whatever comes in, everything it writes
 *       is framed messages (Content-Length, CRLF CRLF, that many bytes of
 *       JSON), each an object with type "response" or "event" and seq
 *       numbers 1, 2, 3...; every response has success, and a failed one a
 *       message; it never crashes or hangs (each launch's step limit is
 *       capped).
 * Not:  the protocol's golden sessions (tests/dap_test.c).
 *
 * Input: the bytes of a client's stream. A launch may name the monitor's
 * test program as FUZZ_DAP_PROG, written once per process.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "dap.h"
#include "fuzz.h"

static const char H[] = "fuzz_dap";

enum { STEP_CAP = 20000 };

/* tests/mon/prog.s, assembled and written where the corpus names it. */
static void write_program(void)
{
	static bool ready;
	struct asm_input in = { "tests/mon/prog.s", NULL, 0 };
	struct asm_result r;
	char err[256];

	if (ready)
		return;
	if (!asm_assemble(&in, 1, NULL, &r))
		fuzz_fail(H, "tests/mon/prog.s does not assemble (run from the top of the tree)");
	if (!image_write("/tmp/trapeze-fuzz-dap-prog.elf", &r.image, err, sizeof err))
		fuzz_fail(H, "%s", err);
	asm_result_free(&r);
	ready = true;
}

static void check_output(const char *out, size_t len)
{
	const char *p = out, *end = out + len;
	long seq = 0;

	while (p < end) {
		char *after;
		long n;
		json_error_t err;
		json_t *m;
		const char *type;
		FUZZ_CHECK(H, (size_t)(end - p) > 16 && !strncmp(p, "Content-Length: ", 16),
			   "output that is not a framed message: %.40s", p);
		n = strtol(p + 16, &after, 10);
		FUZZ_CHECK(H, n >= 0 && end - after >= 4 && !strncmp(after, "\r\n\r\n", 4),
			   "a header not ended by CRLF CRLF");
		p = after + 4;
		FUZZ_CHECK(H, end - p >= n, "a body shorter than its Content-Length");
		m = json_loadb(p, (size_t)n, 0, &err);
		FUZZ_CHECK(H, m && json_is_object(m), "a body that is no JSON object: %s", err.text);
		type = json_string_value(json_object_get(m, "type"));
		FUZZ_CHECK(H, type && (!strcmp(type, "response") || !strcmp(type, "event")),
			   "a message of no type");
		FUZZ_CHECK(H, json_integer_value(json_object_get(m, "seq")) == ++seq, "seq out of order");
		if (!strcmp(type, "response")) {
			json_t *ok = json_object_get(m, "success");
			FUZZ_CHECK(H, json_is_boolean(ok), "a response without success");
			FUZZ_CHECK(H, json_is_true(ok) || json_is_string(json_object_get(m, "message")),
				   "a failed response without a message");
		}
		json_decref(m);
		p += n;
	}
}

int fuzz_dap(const uint8_t *data, size_t size)
{
	FILE *in, *out;
	char *text = NULL;
	size_t len = 0;

	write_program();
	in = fmemopen((void *)data, size ? size : 1, "r");
	out = open_memstream(&text, &len);
	if (!in || !out)
		fuzz_fail(H, "out of memory");
	if (size == 0)
		fgetc(in); /* fmemopen wants a byte: read it, leaving nothing */
	dap_serve_limited(in, out, STEP_CAP);
	fclose(in);
	fclose(out);
	check_output(text, len);
	free(text);
	return 0;
}

#ifdef TRAPEZE_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_dap(data, size);
}
#endif
