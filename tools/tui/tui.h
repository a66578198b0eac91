/*
 * tools/tui/tui.h: what the TUI's two files share: its state and its panes.
 * Owns: struct tui (the monitor it drives, the panes' rectangles, the focus,
 *       the views' positions, the status message); the drawing entry points.
 * Not:  running the guest (tools/mon/mon.h); keys and the main loop (tui.c);
 *       drawing (tui_draw.c).
 */
#ifndef TRAPEZE_TUI_H
#define TRAPEZE_TUI_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "mon.h"

/* The panes, in the order Tab visits them. */
enum tui_pane { PANE_CODE, PANE_MEMORY, PANE_CONSOLE, PANE_EVENTS, PANE_CPU, PANE_STATS, PANE_COUNT };

struct tui_rect {
	int y, x, h, w; /* h includes the pane's title line */
};

enum {
	TUI_MIN_ROWS = 24,
	TUI_MIN_COLS = 80,
};

struct tui {
	struct mon *m;
	const char *image;         /* its name, for the title bar */
	bool color;                /* has_colors() and NO_COLOR unset */
	bool ascii_lines;          /* draw rules with - and | (not a UTF-8 locale) */
	bool too_small;            /* below TUI_MIN_ROWS x TUI_MIN_COLS */
	struct tui_rect pane[PANE_COUNT];
	int split_x;               /* the column of the vertical rule */
	enum tui_pane focus;
	uint32_t cursor;           /* code pane: the selected address (b toggles it) */
	bool cursor_on_pc;         /* the cursor follows the pc after each run */
	uint32_t code_top;         /* first address the code pane shows */
	char mem_expr[128];        /* memory pane: what it follows ("$sp", "msg") */
	bool show_pages;           /* memory pane: the page tables instead (p) */
	int mem_scroll;            /* lines scrolled from it */
	int console_scroll;        /* console lines scrolled back */
	char line[128];            /* what is typed for the guest, sent on Enter */
	int event_scroll;          /* events scrolled back */
	uint32_t prev_r[NREGS];    /* the guest's registers before the last run */
	bool prev_valid;           /* ... so the CPU pane marks what it changed */
	enum mon_why last_why;     /* why the last run stopped */
	bool running;              /* a continue is in progress */
	bool show_help;            /* the ? screen */
	char prompt[48], input[128]; /* a question in the status line, and the answer */
	bool prompting;
	const char *migrating;     /* a live migration to this peer is going on (M) */
	bool migrated;             /* the VM runs at the target now: nothing to run here */
	char status[256];          /* the status line's message */
	int status_attr;           /* 0, or TUI_GOOD / TUI_BAD */
};

/* Attributes for status messages. */
enum { TUI_PLAIN, TUI_GOOD, TUI_BAD };

/* Colour pairs; under NO_COLOR each has a plain attribute instead. */
enum tui_pair { P_TITLE = 1, P_SUP, P_USER, P_PC, P_BREAK, P_EMUL, P_REFL, P_INJ, P_DELIV,
		P_PEND, P_BAD, P_GOOD, P_KEY, P_COUNT };

/* tui_draw.c */
/* Start curses' colours (unless NO_COLOR) after initscr. */
void tui_init_colors(struct tui *t);
/* Compute the panes' rectangles for the terminal's size now. */
void tui_layout(struct tui *t);
/* Draw everything and refresh the screen. */
void tui_draw(struct tui *t);
/* The attribute for a colour pair, or its plain stand-in. */
attr_t tui_attr(const struct tui *t, enum tui_pair p);
/* Text at (row, col) of a rectangle, cut at its right edge; fill pads the
 * row with spaces in the same attribute (a highlight bar). */
void tui_put(const struct tui_rect *r, int row, int col, attr_t a, bool fill, const char *text);
/* text at row, col, cut to the rectangle only between words (then
 * "..."), for lines a person reads whole: the exit log, the statistics. */
void tui_put_words(const struct tui_rect *r, int row, int col, attr_t a, const char *text);
void tui_putf(const struct tui_rect *r, int row, int col, attr_t a, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* A pane's title line: a rule with the title on it, reversed with the focus. */
void tui_pane_title(const struct tui *t, enum tui_pane p, attr_t a, const char *text);
/* A message in the status line (printf-like). */
void tui_say(struct tui *t, int attr, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* tui_panes.c: each pane, drawn into t->pane[its pane]. */
void tui_draw_code(struct tui *t);
void tui_draw_cpu(struct tui *t);
void tui_draw_memory(struct tui *t);
/* The memory pane as the page tables of the guest's address space (p). */
void tui_draw_pages(struct tui *t);
void tui_draw_console(struct tui *t);
void tui_draw_events(struct tui *t);
void tui_draw_stats(struct tui *t);
/* On a host, the stats pane lists the VMs instead. */
void tui_draw_host(struct tui *t);

#endif
