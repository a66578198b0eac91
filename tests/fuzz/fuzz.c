/*
 * tests/fuzz/fuzz.c: what the fuzz harnesses share (see fuzz.h).
 */
#include "fuzz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa.h"

uint8_t fuzz_byte(struct fuzz_in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t v = fuzz_byte(in);
	v |= (uint32_t)fuzz_byte(in) << 8;
	v |= (uint32_t)fuzz_byte(in) << 16;
	return v | (uint32_t)fuzz_byte(in) << 24;
}

const uint8_t *fuzz_bytes(struct fuzz_in *in, size_t n, size_t *len)
{
	const uint8_t *p = in->p;
	*len = n < in->n ? n : in->n;
	in->p += *len;
	in->n -= *len;
	return p;
}

/* The immediate field for one operand letter, from two bytes: mostly small
 * values and the numbers that name something (ports, special registers). */
static uint32_t field16(char op, uint8_t a, uint8_t b)
{
	bool wide = a & 0x80;
	switch (op) {
	case 'p':
		return wide ? (uint32_t)(a << 8 | b) : (uint32_t)isa_ports[b % isa_nports].number;
	case 'r':
		return wide ? (uint32_t)(a << 8 | b) & 0xFFFF : b % (SR_COUNT + 1u);
	case 'i':
	case 'm':
		return wide ? (uint32_t)(a << 8 | b) : (uint32_t)(int32_t)(int8_t)b & 0xFFFF;
	default:
		return wide ? (uint32_t)(a << 8 | b) : b;
	}
}

uint32_t fuzz_insn(struct fuzz_in *in)
{
	uint8_t sel = fuzz_byte(in), a, b, c;
	const struct isa_insn *row;
	uint32_t w;

	if (sel >= 0xE0)
		return fuzz_u32(in); /* any word: illegal ones, unused bits set, rdcyc */
	row = &isa_insns[sel % isa_ninsns];
	if (row->opcode == OP_rdcyc)
		row = isa_by_opcode(OP_add);
	a = fuzz_byte(in);
	b = fuzz_byte(in);
	c = fuzz_byte(in);
	w = (uint32_t)row->opcode << 24 | (uint32_t)a << 16 | (uint32_t)(b & 0xF0) << 8;
	if (row->format == FMT_J)
		/* Branches mostly near, sometimes anywhere in the 24-bit range. */
		w = isa_enc_j(row->opcode, a & 0x80 ? (int32_t)((uint32_t)a << 16 | b << 8 | c)
		                                   : (int8_t)c);
	else if (row->format == FMT_K)
		w = (uint32_t)row->opcode << 24 | (a & 0x80 ? (uint32_t)(a << 16 | b << 8 | c) : c);
	else if (strpbrk(row->operands, "iumrp"))
		w = (w & 0xFFFF0000u) | field16(row->operands[strcspn(row->operands, "iumrp")], b, c);
	return w & isa_used_bits(row);
}

void fuzz_kernel(uint32_t w[FUZZ_K_END / 4], uint32_t base, uint32_t limit, uint32_t ptb,
                 uint16_t timer, bool ie)
{
	const uint32_t nop = isa_enc_r(OP_add, 0, 0, 0);
	uint32_t boot[] = {
		isa_enc_i(OP_addi, 1, 0, FUZZ_K_TVEC),
		isa_enc_i(OP_mtsr, 0, 1, SR_tvec),
		isa_enc_i(OP_lui, 1, 0, base >> 16),
		isa_enc_i(OP_ori, 1, 1, base & 0xFFFF),
		isa_enc_i(OP_mtsr, 0, 1, SR_base),
		isa_enc_i(OP_lui, 1, 0, limit >> 16),
		isa_enc_i(OP_ori, 1, 1, limit & 0xFFFF),
		isa_enc_i(OP_mtsr, 0, 1, SR_limit),
		isa_enc_i(OP_ori, 1, 0, timer),
		isa_enc_i(OP_mtsr, 0, 1, SR_timer),
		isa_enc_i(OP_addi, 1, 0, ie ? PSW_IE : 0),
		isa_enc_i(OP_mtsr, 0, 1, SR_epsw),
		isa_enc_i(OP_mtsr, 0, 0, SR_epc),
		isa_enc_r(OP_rfe, 0, 0, 0),
	};
	const uint32_t handler[] = {
		isa_enc_i(OP_mtsr, 0, 1, SR_scratch),      /* 0x40 */
		isa_enc_i(OP_ldw, 1, 0, FUZZ_K_COUNT),
		isa_enc_i(OP_addi, 1, 1, 1),
		isa_enc_i(OP_stw, 1, 0, FUZZ_K_COUNT),
		isa_enc_i(OP_cmpi, 0, 1, FUZZ_K_MAX_TRAPS), /* 0x50 */
		isa_enc_j(OP_bge, 5),                       /* to 0x6c */
		isa_enc_i(OP_mfsr, 1, 0, SR_epc),
		isa_enc_i(OP_addi, 1, 1, 4),
		isa_enc_i(OP_mtsr, 0, 1, SR_epc),           /* 0x60 */
		isa_enc_i(OP_mfsr, 1, 0, SR_scratch),
		isa_enc_r(OP_rfe, 0, 0, 0),
		isa_enc_i(OP_out, 0, 1, PORT_POWER),        /* 0x6c */
	};
	if (ptb) {
		/* Paged: the page-table base where the relocation was set. */
		const uint32_t paged[] = {
			isa_enc_i(OP_lui, 1, 0, ptb >> 16), isa_enc_i(OP_ori, 1, 1, ptb & 0xFFFF),
			isa_enc_i(OP_mtsr, 0, 1, SR_ptb), nop, nop, nop,
		};
		memcpy(boot + 2, paged, sizeof paged);
	}
	memset(w, 0, FUZZ_K_END);
	memcpy(w, boot, sizeof boot);
	memcpy(w + FUZZ_K_TVEC / 4, handler, sizeof handler);
}

static void put_word(uint8_t *mem, uint32_t pa, uint32_t v)
{
	memcpy(mem + pa, &v, 4);
}

static uint32_t get_word(const uint8_t *mem, uint32_t pa)
{
	uint32_t v;
	memcpy(&v, mem + pa, 4);
	return v;
}

enum { PT_V = 1, PT_W = 2, PT_U = 4, PT_AD = 0x18, PT_PAGE = 0x1000 };

uint32_t fuzz_page_tables(struct fuzz_in *in, uint8_t *mem, bool exposed)
{
	uint8_t slot1 = fuzz_byte(in);
	uint32_t pde1;

	/* Slot 1: the second table, or (exposed) any page, or nothing, or a
	 * page outside memory. */
	switch (slot1 & 3) {
	case 0: pde1 = FUZZ_PT_TABLE + PT_PAGE; break;
	case 1: pde1 = exposed ? (uint32_t)(slot1 >> 4) * PT_PAGE : FUZZ_PT_TABLE + PT_PAGE; break;
	case 2: pde1 = 0; break;
	default: pde1 = FUZZ_PT_MEM + (uint32_t)(slot1 >> 6) * PT_PAGE; break; /* as below */
	}
	put_word(mem, FUZZ_PT_DIR, FUZZ_PT_TABLE | PT_V);
	put_word(mem, FUZZ_PT_DIR + 4, pde1 | (pde1 ? PT_V : 0) | (slot1 & 0xF0 & ~PT_V));
	for (uint32_t i = 0; i < 32; i++) {
		uint8_t a = fuzz_byte(in), b = fuzz_byte(in);
		uint32_t frame = (uint32_t)(a & 15) * PT_PAGE, e;
		if ((a & 0x30) == 0x30) /* the page at the end (partly memory, if the
					 * memory has a partial page there) or past it */
			frame = FUZZ_PT_MEM + (uint32_t)(a >> 6) * PT_PAGE;
		e = frame | (b & 0x1F) | (uint32_t)(b & 0xE0) << 4; /* the bits, and ignored ones */
		if (i == 0)
			e = FUZZ_PT_CODE | PT_V | PT_U | (b & (PT_W | PT_AD));
		if (!exposed && frame < FUZZ_PT_USER)
			e &= ~(uint32_t)PT_W;
		put_word(mem, FUZZ_PT_TABLE + (i / 16) * PT_PAGE + 4 * (i % 16), e);
	}
	return FUZZ_PT_DIR | 1;
}

void fuzz_user_may_change(const uint8_t *mem, uint8_t may[FUZZ_PT_MEM])
{
	memset(may, 0, FUZZ_PT_MEM);
	for (uint32_t a = FUZZ_PT_TABLE; a < FUZZ_PT_TABLE + 2 * PT_PAGE; a += 4)
		may[a] = PT_AD; /* an entry's accessed and dirty bits */
	for (uint32_t i = 0; i < 32; i++) {
		uint32_t e = get_word(mem, FUZZ_PT_TABLE + (i / 16) * PT_PAGE + 4 * (i % 16));
		uint32_t frame = e & ~(PT_PAGE - 1);
		if ((e & (PT_V | PT_W | PT_U)) == (PT_V | PT_W | PT_U) && frame < FUZZ_PT_MEM)
			memset(may + frame, 0xFF, PT_PAGE); /* a page the user may write */
	}
}

static void record(void *ctx, const struct vm *vm, const struct vm_event *e)
{
	struct fuzz_seen *w = ctx;
	const uint64_t v[] = { e->index, (uint64_t)e->cause, e->detail, e->epc };
	(void)vm;
	if (e->action != VM_DELIVERED && e->action != VM_REFLECTED && e->action != VM_INJECTED)
		return; /* the monitor's own business, invisible to the guest */
	w->ntraps++;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		w->trap_hash = (w->trap_hash ^ v[i]) * 0x100000001b3u;
}

void fuzz_seen_start(struct vm *vm, struct fuzz_seen *w)
{
	memset(w, 0, sizeof *w);
	w->trap_hash = 0xcbf29ce484222325u;
	vm_set_event_hook(vm, record, w);
}

void fuzz_seen_finish(struct vm *vm, enum cpu_stop stop, struct fuzz_seen *w)
{
	struct vm_stats st;

	vmm_observe(vm, &w->o);
	w->stop = stop;
	vm_get_stats(vm, &st);
	w->hcalls = st.guest_traps[CAUSE_HYPERCALL];
}

const char *fuzz_seen_differs(const struct fuzz_seen *a, const struct fuzz_seen *b)
{
	if (a->stop != b->stop || a->o.halted != b->o.halted || a->o.halt_code != b->o.halt_code)
		return "how it stopped";
	if (a->o.retired != b->o.retired)
		return "instructions retired";
	if (a->o.pc != b->o.pc || a->o.psw != b->o.psw)
		return "pc or psw";
	if (memcmp(a->o.r, b->o.r, sizeof a->o.r))
		return "registers";
	if (memcmp(a->o.sr, b->o.sr, sizeof a->o.sr))
		return "special registers";
	if (a->ntraps != b->ntraps || a->trap_hash != b->trap_hash)
		return "traps delivered";
	if (a->o.console_len != b->o.console_len ||
	    memcmp(a->o.console, b->o.console, a->o.console_len))
		return "console output";
	if (a->o.mem_hash != b->o.mem_hash)
		return "memory";
	return NULL;
}

void fuzz_fail(const char *harness, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "fuzz: %s: invariant broken: ", harness);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

/* The session's tally: test-only state, one harness per process. */
static struct {
	const char *harness;
	uint64_t runs, guest;
} tally;

static void print_tally(void)
{
	if (tally.harness)
		fprintf(stderr, "fuzz: %s: %llu executions, %llu guest instructions\n", tally.harness,
		        (unsigned long long)tally.runs, (unsigned long long)tally.guest);
}

void fuzz_tally(const char *harness, uint64_t guest_instructions)
{
#ifdef TRAPEZE_LIBFUZZER
	if (!tally.harness)
		atexit(print_tally);
#else
	(void)print_tally;
#endif
	tally.harness = harness;
	tally.runs++;
	tally.guest += guest_instructions;
}
