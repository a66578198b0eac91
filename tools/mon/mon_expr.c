/*
 * tools/mon/mon_expr.c: what the user's words mean to the monitor.
 * Owns: expressions (numbers, symbols, registers, C's integer operators),
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

bool mon_reg_settable(int n)
{
	return n > REG_ZERO && n < MON_NREGS && n != MON_REG_SR0 + SR_memsize &&
	       n != MON_REG_SR0 + SR_ipend;
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

void mon_source(const struct mon *m, uint32_t va, char *buf, size_t len)
{
	const struct image *img = mon_symbols_at(m, va);

	buf[0] = 0;
	if (img && in_image(img, va))
		image_line_text(img, va, buf, len);
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

/*
 * Expressions, as C writes them on 32-bit words: numbers (decimal, 0x hex),
 * $registers and symbols; unary - ~ !; * / % + - << >> < <= > >= == != & ^ |
 * with C's precedence; parentheses. Arithmetic is done in 64 bits and the
 * value taken modulo 2^32 at the end: registers and symbols are unsigned
 * 32-bit numbers, so -1 < 0 but $r1 < 0 never (print shows both readings).
 * A leading * (gdb's break *ADDR) is allowed and means nothing.
 */
enum { EXPR_DEPTH = 64 }; /* nesting of parentheses and unary operators */

struct parser {
	const struct mon *m;
	const char *p, *text;
	char *err;
	size_t errlen;
	int depth;
	bool deref;     /* unary '*' reads the word at its operand (mon_eval_value) */
};

static void skip_space(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

/* A number, $register or symbol at ps->p. */
static bool eval_term(struct parser *ps, int64_t *out)
{
	const char *s = ps->p;
	size_t n = 0;
	char word[128];
	uint32_t v;

	while (s[n] && is_name_char((unsigned char)s[n]))
		n++;
	if (n == 0 || n >= sizeof word) {
		snprintf(ps->err, ps->errlen, n ? "name too long" : *s ? "expected a value at '%s'"
			 : "expected a value at the end of '%s'", *s ? s : ps->text);
		return false;
	}
	memcpy(word, s, n);
	word[n] = 0;
	ps->p = s + n;
	if (isdigit((unsigned char)word[0])) {
		char *end;
		unsigned long long x;
		errno = 0;
		x = strtoull(word, &end, 0);
		if (*end) {
			snprintf(ps->err, ps->errlen, "bad number '%s'", word);
			return false;
		}
		if (errno == ERANGE || x > 0xFFFFFFFFull) {
			snprintf(ps->err, ps->errlen, "'%s' is too large (at most 0xffffffff)", word);
			return false;
		}
		*out = (int64_t)x;
		return true;
	}
	if (word[0] == '$') {
		int r = mon_reg_parse(word);
		if (r < 0) {
			snprintf(ps->err, ps->errlen, "no register '%s'", word);
			return false;
		}
		*out = mon_reg_read(ps->m, r);
		return true;
	}
	if (!image_lookup(ps->m->img, word, &v)) {
		snprintf(ps->err, ps->errlen, "no symbol '%s'", word);
		return false;
	}
	*out = v;
	return true;
}

static bool eval_binary(struct parser *ps, int min_prec, int64_t *out);

/* A value kept to 32 bits: a small negative one stays negative (so that
 * -8 / 2 is -4), anything else is taken modulo 2^32, unsigned. */
static int64_t wrap32(int64_t v)
{
	return v == (int64_t)(int32_t)v ? v : (int64_t)(uint32_t)v;
}

/* A unary operator or a parenthesis, then what it applies to. */
static bool eval_unary(struct parser *ps, int64_t *out)
{
	char op;

	skip_space(ps);
	if (++ps->depth > EXPR_DEPTH) {
		snprintf(ps->err, ps->errlen, "expression nested too deeply");
		return false;
	}
	op = *ps->p;
	if (op == '-' || op == '~' || op == '!' || op == '+') {
		ps->p++;
		if (!eval_unary(ps, out))
			return false;
		*out = wrap32(op == '-' ? -*out : op == '~' ? ~*out : op == '!' ? !*out : *out);
	} else if (op == '*' && ps->deref) {
		uint32_t w;
		ps->p++;
		if (!eval_unary(ps, out))
			return false;
		if (!mon_read_word(ps->m, (uint32_t)*out, &w)) {
			snprintf(ps->err, ps->errlen, "cannot read the word at 0x%08x", (uint32_t)*out);
			return false;
		}
		*out = w;
	} else if (op == '(') {
		ps->p++;
		if (!eval_binary(ps, 1, out))
			return false;
		skip_space(ps);
		if (*ps->p != ')') {
			snprintf(ps->err, ps->errlen, "missing ')' in '%s'", ps->text);
			return false;
		}
		ps->p++;
	} else if (!eval_term(ps, out)) {
		return false;
	}
	ps->depth--;
	return true;
}

/* The binary operator at p: its precedence (higher binds tighter), 0 for
 * none; *len its length. */
static int binary_op(const char *p, size_t *len)
{
	static const struct { const char *op; int prec; } ops[] = {
		{ "<<", 6 }, { ">>", 6 }, { "<=", 5 }, { ">=", 5 }, { "==", 4 }, { "!=", 4 },
		{ "*", 8 }, { "/", 8 }, { "%", 8 }, { "+", 7 }, { "-", 7 }, { "<", 5 }, { ">", 5 },
		{ "&", 3 }, { "^", 2 }, { "|", 1 },
	};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		*len = strlen(ops[i].op);
		if (!strncmp(p, ops[i].op, *len))
			return ops[i].prec;
	}
	return 0;
}

static bool apply(struct parser *ps, const char *op, size_t len, int64_t a, int64_t b, int64_t *out)
{
	switch (op[0]) {
	case '*': *out = a * b; return true;
	case '/':
	case '%':
		if (b == 0) {
			snprintf(ps->err, ps->errlen, "division by zero in '%s'", ps->text);
			return false;
		}
		*out = op[0] == '/' ? a / b : a % b;
		return true;
	case '+': *out = a + b; return true;
	case '-': *out = a - b; return true;
	case '<':
		*out = len == 2 && op[1] == '<' ? (int64_t)((uint64_t)a << (b & 63))
		     : len == 2 ? a <= b : a < b;
		return true;
	case '>':
		*out = len == 2 && op[1] == '>' ? a >> (b & 63) : len == 2 ? a >= b : a > b;
		return true;
	case '=': *out = a == b; return true;
	case '!': *out = a != b; return true;
	case '&': *out = a & b; return true;
	case '^': *out = a ^ b; return true;
	default: *out = a | b; return true;
	}
}

/* Precedence climbing: operators that bind at least as tight as min_prec. */
static bool eval_binary(struct parser *ps, int min_prec, int64_t *out)
{
	int64_t rhs;
	size_t len;
	int prec;

	if (!eval_unary(ps, out))
		return false;
	for (;;) {
		const char *op;
		skip_space(ps);
		op = ps->p;
		prec = binary_op(op, &len);
		if (!prec || prec < min_prec)
			return true;
		ps->p += len;
		if (!eval_binary(ps, prec + 1, &rhs) || !apply(ps, op, len, *out, rhs, out))
			return false;
		*out = wrap32(*out);
	}
}

static bool eval(const struct mon *m, const char *text, bool deref, uint32_t *out, char *err,
		 size_t errlen)
{
	struct parser ps = { m, text, text, err, errlen, 0, deref };
	int64_t v;

	skip_space(&ps);
	if (*ps.p == '*' && !deref)
		ps.p++;
	if (!eval_binary(&ps, 1, &v))
		return false;
	skip_space(&ps);
	if (*ps.p) {
		snprintf(err, errlen, "unexpected '%s' in '%s'", ps.p, text);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

bool mon_eval(const struct mon *m, const char *text, uint32_t *out, char *err, size_t errlen)
{
	return eval(m, text, false, out, err, errlen);
}

bool mon_eval_value(const struct mon *m, const char *text, uint32_t *out, char *err, size_t errlen)
{
	return eval(m, text, true, out, err, errlen);
}

/* ---- completion --------------------------------------------------------- */

static const char *const info_words[] = { "registers", "exits", "breakpoints", "watchpoints",
					  "tlb", "pagetable", "vcpu", "history", "vms", "net", NULL };

static void add_matching(const char *word, const char *cand, const char *prefix,
			 void (*add)(void *, const char *), void *ctx)
{
	char buf[160];

	snprintf(buf, sizeof buf, "%s%s", prefix, cand);
	if (!strncmp(buf, word, strlen(word)))
		add(ctx, buf);
}

/* Registers (only those set may change, when settable), with or without
 * '$' as the word has it. */
static void add_registers(const char *word, bool settable, void (*add)(void *, const char *),
			  void *ctx)
{
	const char *prefix = word[0] == '$' ? "$" : "";
	for (int n = 0; n < MON_NREGS; n++)
		if (!settable || mon_reg_settable(n))
			add_matching(word, mon_reg_name(n), prefix, add, ctx);
}

void mon_complete(const struct mon *m, const char *line, size_t start,
		  void (*add)(void *ctx, const char *cand), void *ctx)
{
	const char *word = line + start;
	char first[32] = "", second[32] = "";
	size_t n = strspn(line, " \t");
	int nwords = 0; /* whole words before the one being completed */

	for (const char *p = line + n; p < word;) {
		size_t k = strcspn(p, " \t");
		if (p + k > word)
			break;
		if (nwords == 0)
			snprintf(first, sizeof first, "%.*s", (int)k, p);
		else if (nwords == 1)
			snprintf(second, sizeof second, "%.*s", (int)k, p);
		nwords++;
		p += k;
		p += strspn(p, " \t");
	}
	if (nwords == 0) {
		for (int i = 0; mon_command_name(i); i++)
			add_matching(word, mon_command_name(i), "", add, ctx);
		return;
	}
	bool info = first[0] == 'i' && !strncmp(first, "info", strlen(first));
	if (!strcmp(first, "help") || !strcmp(first, "h")) {
		for (int i = 0; mon_command_name(i); i++)
			add_matching(word, mon_command_name(i), "", add, ctx);
	} else if (info && nwords == 1) {
		for (int i = 0; info_words[i]; i++)
			add_matching(word, info_words[i], "", add, ctx);
	} else if (info && second[0] && !strncmp("registers", second, strlen(second))) {
		add_registers(word, false, add, ctx); /* info registers NAME... */
	} else if (!strcmp(first, "set") && nwords == 1) {
		add_matching(word, "reg", "", add, ctx);
		add_registers(word, true, add, ctx);
	} else if (!strcmp(first, "set") && nwords == 2 && !strcmp(second, "reg")) {
		add_registers(word, true, add, ctx); /* set reg NAME */
	} else if (word[0] == '$') {
		add_registers(word, false, add, ctx);
	} else {
		for (int i = 0; i < m->img->nsyms; i++)
			if (dis_name_ok(m->img->syms[i].name))
				add_matching(word, m->img->syms[i].name, "", add, ctx);
	}
}
