/*
 * tools/mon/mon_expr.c: what the user's words mean to the monitor.
 * Owns: address expressions (numbers, symbols, registers, + and -),
 *       register names, reading guest memory through the current mode's
 *       relocation, naming addresses by symbol, and completion candidates.
 * Not:  commands (mon_cmd.c); displays (mon_show.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dis.h"
#include "mon.h"

/* The general registers as the disassembler writes them. */
static const char *const gpr_names[NREGS] = {
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7",
	"r8", "r9", "r10", "r11", "r12", "fp", "sp", "lr",
};

/* Other names a register answers to. */
static const struct {
	const char *name;
	int reg;
} reg_aliases[] = {
	{ "zero", REG_ZERO }, { "r13", REG_FP }, { "r14", REG_SP }, { "r15", REG_LR },
	{ "pc", MON_REG_PC }, { "psw", MON_REG_PSW },
};

const char *mon_reg_name(int n)
{
	if (n >= 0 && n < NREGS)
		return gpr_names[n];
	if (n == MON_REG_PC)
		return "pc";
	if (n == MON_REG_PSW)
		return "psw";
	if (n >= MON_REG_SR0 && n < MON_NREGS)
		return isa_sreg_name(n - MON_REG_SR0);
	return "?";
}

int mon_reg_parse(const char *name)
{
	if (name[0] == '$')
		name++;
	for (int n = 0; n < MON_NREGS; n++) {
		const char *s = mon_reg_name(n);
		if (s && !strcmp(s, name))
			return n;
	}
	for (size_t i = 0; i < sizeof reg_aliases / sizeof reg_aliases[0]; i++)
		if (!strcmp(reg_aliases[i].name, name))
			return reg_aliases[i].reg;
	return -1;
}

uint32_t mon_reg_read(const struct mon *m, int n)
{
	if (n >= 0 && n < NREGS)
		return vm_reg(m->vm, (unsigned)n);
	if (n == MON_REG_PC)
		return vm_pc(m->vm);
	if (n == MON_REG_PSW)
		return vm_psw(m->vm);
	return vm_sreg(m->vm, (unsigned)(n - MON_REG_SR0));
}

/* ---- memory ------------------------------------------------------------- */

bool mon_read_bytes(const struct mon *m, uint32_t va, void *buf, uint32_t len)
{
	uint32_t first, last;

	if (len == 0)
		return true;
	/* The current mode's window is one contiguous range: both ends inside
	 * means all of it is. */
	if (va + (len - 1) < va || !vm_translate(m->vm, va, &first) ||
	    !vm_translate(m->vm, va + len - 1, &last))
		return false;
	return mem_read(vm_memory(m->vm), first, buf, len);
}

bool mon_read_word(const struct mon *m, uint32_t va, uint32_t *word)
{
	return !(va & 3) && mon_read_bytes(m, va, word, 4);
}

/* ---- symbols ------------------------------------------------------------ */

/* Is guest-physical gpa inside one of the image's segments? */
static bool in_image(const struct image *img, uint32_t gpa)
{
	for (int i = 0; i < img->nsegs; i++)
		if (gpa >= img->segs[i].addr && gpa - img->segs[i].addr < img->segs[i].size)
			return true;
	return false;
}

const struct image *mon_symbols_at(const struct mon *m, uint32_t va)
{
	uint32_t gpa;

	/* The image's symbols are guest-physical: they name va only where the
	 * current mode does not relocate it. */
	if (!vm_translate(m->vm, va, &gpa) || gpa != va)
		return NULL;
	return m->img;
}

void mon_where(const struct mon *m, uint32_t va, char *buf, size_t len)
{
	const struct image *img = mon_symbols_at(m, va);
	const struct image_sym *s;
	uint32_t off;

	buf[0] = 0;
	if (!img || !in_image(img, va) || !(s = image_symbol_near(img, va, &off)))
		return;
	if (off)
		snprintf(buf, len, "<%s+%u>", s->name, off);
	else
		snprintf(buf, len, "<%s>", s->name);
}

void mon_insn_text(const struct mon *m, uint32_t va, char *buf, size_t len)
{
	uint32_t w;

	if (!mon_read_word(m, va, &w))
		snprintf(buf, len, "(cannot read memory here)");
	else
		dis_insn(w, va, mon_symbols_at(m, va), buf, len);
}

/* ---- expressions -------------------------------------------------------- */

static bool is_name_char(int c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '$';
}

/* One term at *p: number, $register or symbol; *p moves past it. */
static bool eval_term(const struct mon *m, const char **p, uint32_t *out, char *err,
		      size_t errlen)
{
	const char *s = *p;
	size_t n = 0;
	char word[128];

	while (s[n] && is_name_char((unsigned char)s[n]))
		n++;
	if (n == 0 || n >= sizeof word) {
		snprintf(err, errlen, n ? "name too long" : "expected an address or value at '%s'",
			 s);
		return false;
	}
	memcpy(word, s, n);
	word[n] = 0;
	*p = s + n;
	if (isdigit((unsigned char)word[0])) {
		char *end;
		unsigned long long v;
		errno = 0;
		v = strtoull(word, &end, 0);
		if (*end || errno || v > 0xFFFFFFFFull) {
			snprintf(err, errlen, "bad number '%s'", word);
			return false;
		}
		*out = (uint32_t)v;
		return true;
	}
	if (word[0] == '$') {
		int r = mon_reg_parse(word);
		if (r < 0) {
			snprintf(err, errlen, "no register '%s'", word);
			return false;
		}
		*out = mon_reg_read(m, r);
		return true;
	}
	if (!image_lookup(m->img, word, out)) {
		snprintf(err, errlen, "no symbol '%s'", word);
		return false;
	}
	return true;
}

bool mon_eval(const struct mon *m, const char *text, uint32_t *out, char *err, size_t errlen)
{
	const char *p = text;
	uint32_t v = 0, t;
	int sign = 1;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '*')
		p++;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!eval_term(m, &p, &t, err, errlen))
			return false;
		v = sign > 0 ? v + t : v - t;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == 0)
			break;
		if (*p != '+' && *p != '-') {
			snprintf(err, errlen, "unexpected '%s' in '%s'", p, text);
			return false;
		}
		sign = *p++ == '+' ? 1 : -1;
	}
	*out = v;
	return true;
}

/* ---- completion --------------------------------------------------------- */

static const char *const info_words[] = { "registers", "exits", "breakpoints", NULL };

static void add_matching(const char *word, const char *cand, const char *prefix,
			 void (*add)(void *, const char *), void *ctx)
{
	char buf[160];

	snprintf(buf, sizeof buf, "%s%s", prefix, cand);
	if (!strncmp(buf, word, strlen(word)))
		add(ctx, buf);
}

/* Registers, with or without '$' as the word has it. */
static void add_registers(const char *word, void (*add)(void *, const char *), void *ctx)
{
	const char *prefix = word[0] == '$' ? "$" : "";
	for (int n = 0; n < MON_NREGS; n++)
		add_matching(word, mon_reg_name(n), prefix, add, ctx);
}

void mon_complete(const struct mon *m, const char *line, size_t start,
		  void (*add)(void *ctx, const char *cand), void *ctx)
{
	const char *word = line + start;
	char first[32] = "";
	size_t n = strspn(line, " \t");

	sscanf(line + n, "%31s", first);
	if (start <= n) {
		for (int i = 0; mon_command_name(i); i++)
			add_matching(word, mon_command_name(i), "", add, ctx);
		return;
	}
	if (!strcmp(first, "help") || !strcmp(first, "h")) {
		for (int i = 0; mon_command_name(i); i++)
			add_matching(word, mon_command_name(i), "", add, ctx);
	} else if (!strncmp(first, "info", strlen(first)) && first[0] == 'i') {
		for (int i = 0; info_words[i]; i++)
			add_matching(word, info_words[i], "", add, ctx);
	} else if (!strcmp(first, "set")) {
		add_matching(word, "reg", "", add, ctx);
		add_registers(word, add, ctx);
	} else if (word[0] == '$') {
		add_registers(word, add, ctx);
	} else {
		for (int i = 0; i < m->img->nsyms; i++)
			if (dis_name_ok(m->img->syms[i].name))
				add_matching(word, m->img->syms[i].name, "", add, ctx);
	}
}
