/*
 * tests/cpu/machine.c: the test machine (see machine.h).
 */
#include "machine.h"

#include <criterion/criterion.h>
#include <string.h>

void tm_boot(struct machine *m, bool user, engine_fn engine)
{
	memset(m, 0, sizeof *m);
	dev_init(&m->d, NULL);
	dev_capture(&m->d);
	cr_assert(cpu_init(&m->c, TM_MEM, &m->d));
	m->engine = engine;
	m->user = user;
	m->c.sr[SR_tvec] = TM_TVEC;
	m->c.sr[SR_base] = TM_UBASE;
	m->c.sr[SR_limit] = TM_ULIMIT;
	m->c.pc = TM_PC;
	m->c.psw = user ? 0 : PSW_S;
}

void tm_free(struct machine *m)
{
	cpu_free(&m->c);
	dev_free(&m->d);
}

uint32_t tm_phys(const struct machine *m, uint32_t va)
{
	return m->user ? TM_UBASE + va : va;
}

void tm_put(struct machine *m, uint32_t va, uint32_t word)
{
	cr_assert(mem_write(&m->c.mem, tm_phys(m, va), &word, 4));
}

void tm_program(struct machine *m, uint32_t va, const uint32_t *words, int n)
{
	for (int i = 0; i < n; i++)
		tm_put(m, va + 4 * (uint32_t)i, words[i]);
}

uint32_t tm_get(const struct machine *m, uint32_t va)
{
	return mem_load32(&m->c.mem, tm_phys(m, va));
}

enum cpu_stop tm_exec(struct machine *m, uint32_t word)
{
	tm_put(m, m->c.pc, word);
	return m->engine(&m->c, 1, true);
}

enum cpu_stop tm_run(struct machine *m, uint64_t max)
{
	return m->engine(&m->c, max, false);
}
