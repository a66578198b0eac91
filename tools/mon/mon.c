/*
 * tools/mon/mon.c: "trapeze mon": the monitor's front end on a terminal or a
 *       script.
 * Owns: the command's options; reading command lines: with readline on a
 *       terminal (prompt, history in ~/.trapeze_history, Tab completion,
 *       Ctrl-C interrupting a run or dropping the line being typed), with
 *       plain reads from a script (no
 *       prompt, no echo: only what the commands print).
 * Not:  what the commands do (mon_cmd.c and the rest of mon_*.c).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "commands.h"
#include "host.h"
#include "history.h"
#include "host_session.h"
#include "mon.h"
#include "runopts.h"

static const char usage_line[] =
	"usage: trapeze mon [--mode MODE] [--max-steps N] [--timeout SECONDS] [--nonvirt[=LIST]]\n"
	"                   [--mem BYTES] [--disk FILE] [--input FILE] [--max-output BYTES]\n"
	"                   [--cpu NAME] [--tc-size BYTES] [--passthrough con2|net] [--balloon PAGES]\n"
	"                   [--net CABLE] [--mac ADDRESS] [--history BYTES] IMAGE\n"
	"       trapeze mon --host CONFIG\n";

static void help(const struct runopts *o)
{
	fputs(usage_line, stdout);
	fputs("\nA gdb-like monitor for a guest run bare or under a VMM: step it, set\n"
	      "breakpoints, run to the next trap or VM exit, look at the guest's virtual\n"
	      "CPU beside the real one. On a terminal it prompts, keeps a history in\n"
	      "~/.trapeze_history and completes commands, symbols and registers with Tab;\n"
	      "otherwise it reads commands from standard input and prints only their\n"
	      "output. Type 'help' for the commands.\n\n", stdout);
	runopt_print_mode_help(stdout);
	runopt_print_help(o, stdout);
	mon_history_help(stdout);
	fputs("  --host CONFIG       the VMs of a trapeze host config (trapeze host --help):\n"
	      "                      'info vms' lists them, 'vm N' picks the one the other\n"
	      "                      commands act on, 'host [CYCLES]' runs them all\n"
	      "  --help              show this help\n\n"
	      "The guest's console input comes only from --input: standard input is for\n"
	      "commands. Its console output is printed after each command that runs it.\n"
	      "Exit status, reading a script: 0 when every command worked; 1 when any\n"
	      "failed; 2 a usage error; 123 --timeout ran out (the script stops there).\n",
	      stdout);
}

void mon_history_help(FILE *out)
{
	fprintf(out, "  --history BYTES     memory for reverse execution's past (default %uM; 0: keep\n"
		"                      none, no reverse commands; K and M suffixes)\n",
		VM_HISTORY_MEM >> 20);
}

int mon_parse_args(int argc, char **argv, struct runopts *o, const char **image,
		   uint64_t *history)
{
	*image = NULL;
	*history = VM_HISTORY_MEM;
	for (int i = 1; i < argc; i++) {
		const char *v;
		bool missing = false;
		int r;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
		if ((v = runopt_value("--history", argc, argv, &i, &missing)) || missing) {
			if (missing)
				return runopt_usage(o, "--history needs a size in bytes");
			switch (runopt_count(v, 1ull << 40, history)) {
			case NUM_OK:
				if (*history == 0 || *history >= VM_HISTORY_MIN_MEM)
					break;
				/* fall through */
			case NUM_BAD:
				return runopt_usage(o, "--history: '%s' is no size of 1M or more (0: none)", v);
			default:
				return runopt_usage(o, "--history: '%s' is too large", v);
			}
		} else if ((r = runopt_parse_mode(o, argc, argv, &i)) != 0) {
			if (r != 1)
				return r;
		} else if ((r = runopt_rest(o, argc, argv, &i, image)) != 0) {
			return r;
		}
	}
	if (!*image)
		return runopt_usage(o, "no IMAGE given");
	return runopt_check_modes(o, 1u << o->vm.mode);
}

/* ---- Ctrl-C ------------------------------------------------------------- */

/* A signal handler can reach nothing else: the one mutable file-scope
 * variable in the monitor, set by SIGINT and cleared by whoever acts on it. */
static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static bool poll_interrupt(void *ctx)
{
	(void)ctx;
	if (runopt_timed_out())
		return true;
	if (!interrupted)
		return false;
	interrupted = 0;
	return true;
}

/* ---- a script: plain lines, no prompt ----------------------------------- */

/* Exit status 1 when a command failed: a script's caller (a grading
 * script, make) must learn of it without reading the output; 123 when
 * --timeout ran out, which ends the script where it stands. */
static int run_script(struct mon *m, const struct runopts *o)
{
	char *line = NULL;
	size_t cap = 0;
	enum mon_status s = MON_OK;
	bool failed = false;

	while (s != MON_QUIT && !runopt_timed_out() && getline(&line, &cap, stdin) >= 0) {
		s = mon_execute(m, line, stdout, poll_interrupt, NULL);
		failed |= s == MON_ERROR;
		fflush(stdout);
	}
	free(line);
	if (runopt_timed_out()) {
		char where[64];
		snprintf(where, sizeof where, "at pc 0x%08x after %llu instruction%s", vm_pc(m->vm),
			 (unsigned long long)vm_retired(m->vm), vm_retired(m->vm) == 1 ? "" : "s");
		return runopt_timeout_exit(o, where);
	}
	return failed ? EXIT_INPUT : EXIT_OK;
}

/* ---- a terminal: readline ----------------------------------------------- */

/* Readline's completion callback takes no context: the monitor it completes
 * for is kept here while the prompt is up (the other file-scope variable). */
static const struct mon *completing;

struct matches {
	char **v;
	size_t n, cap;
};

static void add_match(void *ctx, const char *cand)
{
	struct matches *ms = ctx;
	char **v;

	for (size_t i = 1; i < ms->n; i++)
		if (!strcmp(ms->v[i], cand))
			return;
	if (ms->n + 2 > ms->cap) {
		size_t cap = ms->cap ? ms->cap * 2 : 16;
		if (!(v = realloc(ms->v, cap * sizeof *v)))
			return;
		ms->v = v;
		ms->cap = cap;
	}
	if (ms->n == 0)
		ms->v[ms->n++] = NULL; /* [0] becomes the common prefix */
	if ((ms->v[ms->n] = strdup(cand)))
		ms->n++;
}

/* Readline's form: [0] what replaces the word, then the candidates, NULL. */
static char **complete(const char *text, int start, int end)
{
	struct matches ms = { 0 };
	char *line = strndup(rl_line_buffer, (size_t)end);
	size_t common;

	(void)text;
	rl_attempted_completion_over = 1; /* never file names */
	if (!line || !completing)
		return free(line), NULL;
	mon_complete(completing, line, (size_t)start, add_match, &ms);
	free(line);
	if (ms.n < 2) {
		free(ms.v);
		return NULL;
	}
	common = strlen(ms.v[1]);
	for (size_t i = 2; i < ms.n; i++)
		for (size_t k = 0; k < common; k++)
			if (ms.v[i][k] != ms.v[1][k]) {
				common = k;
				break;
			}
	ms.v[0] = ms.n == 2 ? ms.v[1] : strndup(ms.v[1], common);
	if (ms.n == 2)
		ms.n = 1; /* one match: it is [0] alone */
	ms.v[ms.n] = NULL;
	return ms.v;
}

/* Ctrl-C at the prompt, as bash and gdb take it: the line typed so far is
 * dropped and a fresh prompt given. Readline calls this after a signal
 * arrives while it reads (the handler only set the flag). */
static int on_signal_while_reading(void)
{
	if (interrupted) {
		interrupted = 0;
		rl_replace_line("", 0);
		rl_crlf();
		rl_on_new_line();
		rl_redisplay();
	}
	return 0;
}

static char *history_path(void)
{
	const char *home = getenv("HOME");
	char *path;

	if (!home || !*home)
		return NULL;
	path = malloc(strlen(home) + sizeof "/.trapeze_history");
	if (path)
		sprintf(path, "%s/.trapeze_history", home);
	return path;
}

static int run_terminal(struct mon *m, const char *image)
{
	char *hist = history_path(), *line, *last = NULL;
	enum mon_status s = MON_OK;

	rl_readline_name = "trapeze";
	rl_attempted_completion_function = complete;
	rl_signal_event_hook = on_signal_while_reading;
	rl_completer_word_break_characters = " \t\n/+-*=";
	completing = m;
	using_history();
	stifle_history(1000);
	if (hist)
		read_history(hist); /* none yet, or unreadable: start without */
	printf("trapeze mon: %s in %s mode. 'help' lists the commands.\n", image,
	       vmm_mode_name(vm_mode(m->vm)));
	mon_show_location(m, stdout);
	while (s != MON_QUIT && (line = readline("(trapeze) ")) != NULL) {
		interrupted = 0;
		if (*line) {
			add_history(line);
			free(last);
			last = strdup(line);
		} else if (last) {
			/* As gdb: an empty line repeats the last command. */
			free(line);
			line = strdup(last);
		}
		if (line)
			s = mon_execute(m, line, stdout, poll_interrupt, NULL);
		fflush(stdout);
		free(line);
	}
	if (s != MON_QUIT)
		putchar('\n');
	if (hist && write_history(hist) == 0)
		history_truncate_file(hist, 1000);
	completing = NULL;
	free(last);
	free(hist);
	return 0;
}

static void catch_sigint(void)
{
	struct sigaction sa;

	/* Ctrl-C stops a run, not the monitor; a script's Ctrl-C kills it. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
}

/* trapeze mon --host CONFIG: the monitor on a host's VMs. */
static int mon_host(const char *config, const struct runopts *o)
{
	static struct host_session s; /* large: off the stack */
	struct mon *m = NULL;
	char err[1200];
	int status = host_session_start(&s, config, "mon", HOST_CONSOLES_ONLY);

	if (!status && !mon_create_host(&m, s.h, s.img, err, sizeof err)) {
		fprintf(stderr, "trapeze: mon: error: %s\n", err);
		status = 1;
	}
	if (!status) {
		if (isatty(STDIN_FILENO)) {
			catch_sigint();
			status = run_terminal(m, config);
		} else {
			status = run_script(m, o);
		}
	}
	mon_destroy(m);
	host_session_close(&s);
	return status;
}

int cmd_mon(int argc, char **argv)
{
	struct runopts o;
	const char *image;
	uint64_t history;
	struct image img = { 0 };
	struct mon *m = NULL;
	char err[512];
	int status = EXIT_INPUT;

	runopt_init(&o, "mon");
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--host")) {
			if (argc != 3 || i != 1) {
				fprintf(stderr, "trapeze: mon: error: --host takes a CONFIG and nothing else "
					"(the VMs' options are in it)\n");
				fputs(usage_line, stderr);
				return EXIT_USAGE;
			}
			return mon_host(argv[2], &o);
		}
	switch (mon_parse_args(argc, argv, &o, &image, &history)) {
	case 1: help(&o); return EXIT_OK;
	case 2: return runopt_usage_exit(&o);
	default: break;
	}
	/* Standard input carries commands: console input only from --input. */
	if (!runopt_read_image(&o, image, &img) || (o.input_path && !runopt_read_input(&o)))
		goto out;
	if (!mon_create(&m, &o.vm, &img, err, sizeof err)) {
		runopt_error(&o, "%s", err);
		goto out;
	}
	if (!mon_history(m, history, err, sizeof err))
		fprintf(stderr, "trapeze mon: warning: no reverse execution: %s\n", err);
	runopt_start_timeout(&o);
	if (isatty(STDIN_FILENO)) {
		catch_sigint();
		status = run_terminal(m, image);
	} else {
		status = run_script(m, &o);
	}
out:
	mon_destroy(m);
	image_free(&img);
	runopt_free(&o);
	return status;
}
