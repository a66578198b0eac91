/*
 * tools/dap/dap.h: "trapeze dap": a Debug Adapter Protocol server.
 * Owns: the protocol's framing (Content-Length headers, JSON bodies, with
 *       jansson), its requests turned into the monitor's run control
 *       (tools/mon/), and the responses and events a client (VS Code,
 *       nvim-dap, Emacs dap-mode) expects.
 * Not:  run control, breakpoints, reverse execution (tools/mon/); the
 *       line table (tools/image/image_lines.c).
 * Implements: the Debug Adapter Protocol (microsoft.github.io/
 *       debug-adapter-protocol): base protocol, initialize, launch,
 *       setBreakpoints (by source line), configurationDone, threads (one:
 *       the virtual CPU), stackTrace, scopes (the guest's registers, the
 *       virtual CPU's special registers, the real CPU), variables, continue,
 *       next, stepIn, stepOut, stepBack and reverseContinue
 *       (supportsStepBack), evaluate, readMemory, disassemble, disconnect;
 *       events: initialized, stopped (naming the VM exit of a step that had
 *       one), output (the guest's console), exited, terminated.
 *
 * A malformed message (a bad header, broken JSON, an unknown command, a
 * missing argument) gets an error response (success false, a message) and
 * the session goes on; nothing the client sends crashes the server.
 */
#ifndef TRAPEZE_DAP_H
#define TRAPEZE_DAP_H

#include <stdio.h>

/* Serve one client: requests from in, responses and events to out, until
 * disconnect or the end of in. Returns the exit status (0; 1 when in ended
 * without a disconnect after an error). */
int dap_serve(FILE *in, FILE *out);
/* The same with every launch's step limit at most max_steps (0: none):
 * what a fuzzer needs to end each session soon. */
#include <stdint.h>
int dap_serve_limited(FILE *in, FILE *out, uint64_t max_steps);

#endif
