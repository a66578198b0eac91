/*
 * labs/lab8/tests/rounds_test.c: lab 8's visible tests: the pre-copy
 *       rounds (Clark et al.) and the rules that end them, measured on the
 *       guest that migrates, and the migrated guest arriving whole.
 */
#include <criterion/criterion.h>

#include "labmig.h"

static struct lab_mig m; /* large: off the stack */

Test(lab8_rounds, the_first_round_sends_all_memory, .timeout = LAB_TIMEOUT)
{
	lab_migrate(LAB_OS, MODE_TRAP, 500000, NULL, &m);
	lab_expect_rounds("the guest OS", &m);
	cr_expect_eq(m.r.round[0].pages, m.r.memory_pages,
		     "round 1 sent %u pages: all %u pages of memory go first", m.r.round[0].pages,
		     m.r.memory_pages);
	lab_expect_whole("the guest OS migrated at 500000", &m);
}

Test(lab8_rounds, each_round_sends_what_the_one_before_dirtied, .timeout = LAB_TIMEOUT)
{
	lab_migrate(LAB_DIRTY, MODE_TRAP, 1000000, NULL, &m);
	lab_expect_rounds("the fast writer", &m);
	cr_expect_geq(m.r.rounds, 3, "the fast writer: %u rounds; its pages are dirty again before "
		      "a round ends, so rounds follow rounds", m.r.rounds);
	for (uint32_t i = 1; i <= m.r.rounds && i < MIG_MAX_ROUNDS; i++)
		cr_expect_eq(m.r.round[i].pages, m.r.round[i - 1].dirtied,
			     "%s %u sent %u pages, but %u were dirtied during round %u (record them in "
			     "round[%u].dirtied, and send exactly those)",
			     i == m.r.rounds ? "the stop-and-copy after round" : "round", i == m.r.rounds ? i : i + 1,
			     m.r.round[i].pages, m.r.round[i - 1].dirtied, i, i - 1);
	lab_expect_whole("the fast writer", &m);
}

Test(lab8_rounds, an_idle_guest_converges_in_a_round_or_two, .timeout = LAB_TIMEOUT)
{
	lab_migrate(LAB_IDLE, MODE_TRAP, 10000, NULL, &m);
	lab_expect_rounds("the idle guest", &m);
	cr_expect_eq(m.r.end, PRECOPY_CONVERGED, "the idle guest: the rounds ended by '%s', not "
		     "'converged': it dirties a page or two a round", precopy_end_name(m.r.end));
	cr_expect_leq(m.r.rounds, 2, "the idle guest took %u rounds", m.r.rounds);
	cr_expect_leq(m.r.round[m.r.rounds].pages, MIG_DEFAULT_STOP_PAGES,
		      "the idle guest's stop-and-copy sent %u pages: converged means at most %u",
		      m.r.round[m.r.rounds].pages, MIG_DEFAULT_STOP_PAGES);
	lab_expect_whole("the idle guest", &m);
}

Test(lab8_rounds, a_fast_writer_stops_at_a_limit_with_a_long_stop, .timeout = LAB_TIMEOUT)
{
	static struct lab_mig idle;

	lab_migrate(LAB_IDLE, MODE_TRAP, 10000, NULL, &idle);
	lab_migrate(LAB_DIRTY, MODE_TRAP, 1000000, NULL, &m);
	lab_expect_rounds("the fast writer", &m);
	cr_expect(m.r.end == PRECOPY_ROUND_LIMIT || m.r.end == PRECOPY_SENT_LIMIT,
		  "the fast writer never converges: its rounds end at a limit, not by '%s'",
		  precopy_end_name(m.r.end));
	cr_expect_gt(m.r.downtime_cycles, 10 * idle.r.downtime_cycles,
		     "the fast writer's downtime (%llu cycles) should be far longer than the idle "
		     "guest's (%llu)", (unsigned long long)m.r.downtime_cycles,
		     (unsigned long long)idle.r.downtime_cycles);
	lab_expect_whole("the fast writer", &m);
}

Test(lab8_rounds, the_round_limit_holds, .timeout = LAB_TIMEOUT)
{
	struct precopy_opts po = { .max_rounds = 4, .max_factor = 100 };

	lab_migrate(LAB_DIRTY, MODE_TRAP, 1000000, &po, &m);
	cr_expect_eq(m.r.rounds, 4, "--max-rounds 4: %u rounds ran", m.r.rounds);
	cr_expect_eq(m.r.end, PRECOPY_ROUND_LIMIT, "--max-rounds 4: the rounds ended by '%s'",
		     precopy_end_name(m.r.end));
	lab_expect_whole("the fast writer, four rounds", &m);
}

Test(lab8_rounds, no_more_rounds_once_three_times_memory_is_sent, .timeout = LAB_TIMEOUT)
{
	uint64_t memory, before_last;

	lab_migrate(LAB_DIRTY, MODE_TRAP, 1000000, NULL, &m);
	lab_expect_rounds("the fast writer", &m);
	memory = (uint64_t)m.r.memory_pages * SNAP_PAGE;
	before_last = m.r.bytes - m.r.round[m.r.rounds].bytes;
	cr_expect_eq(m.r.end, PRECOPY_SENT_LIMIT, "the fast writer on the default link: the rounds "
		     "ended by '%s', not by three times memory sent", precopy_end_name(m.r.end));
	cr_expect_geq(before_last, 3 * memory, "the rounds sent %llu bytes, less than three times "
		      "memory (%llu)", (unsigned long long)before_last, (unsigned long long)(3 * memory));
	cr_expect_lt(before_last - m.r.round[m.r.rounds - 1].bytes, 3 * memory,
		     "a round began after three times memory had gone");
	lab_expect_whole("the fast writer", &m);
}

Test(lab8_rounds, stop_pages_decides_when_it_has_converged, .timeout = LAB_TIMEOUT)
{
	struct precopy_opts many = { .stop_pages = 100000, .stop_pages_given = true };
	struct precopy_opts none = { .stop_pages = 0, .stop_pages_given = true, .max_rounds = 1 };

	lab_migrate(LAB_COMPUTE, MODE_TRAP, 1000000, &many, &m);
	cr_expect(m.r.rounds == 1 && m.r.end == PRECOPY_CONVERGED,
		  "--stop-pages 100000: one round, then converged (any dirty set is small enough); "
		  "got %u rounds ended by '%s'", m.r.rounds, precopy_end_name(m.r.end));
	lab_expect_whole("the compute guest", &m);
	lab_migrate(LAB_COMPUTE, MODE_TRAP, 1000000, &none, &m);
	cr_expect(m.r.rounds == 1 && m.r.end == PRECOPY_ROUND_LIMIT,
		  "--stop-pages 0 --max-rounds 1: one round, then the round limit; got %u rounds "
		  "ended by '%s'", m.r.rounds, precopy_end_name(m.r.end));
	lab_expect_whole("the compute guest", &m);
}

Test(lab8_rounds, a_guest_that_stops_ends_the_rounds, .timeout = LAB_TIMEOUT)
{
	struct precopy_opts slow = { .bandwidth = lab_mbit(10) };

	/* The guest OS halts a little after 2.1 million instructions: at a
	 * slow link it halts during round 1. */
	lab_migrate(LAB_OS, MODE_TRAP, 2000000, &slow, &m);
	lab_expect_rounds("the guest OS near its end", &m);
	cr_expect_eq(m.r.end, PRECOPY_GUEST_STOPPED, "the guest halted during the rounds: they end "
		     "by 'guest stopped', not '%s'", precopy_end_name(m.r.end));
	lab_expect_whole("the guest OS near its end", &m);
}

Test(lab8_rounds, the_guest_os_arrives_whole_in_every_mode, .timeout = LAB_TIMEOUT)
{
	static const enum vmm_mode modes[] = { MODE_EMULATE, MODE_TRAP, MODE_BT, MODE_HW, MODE_PV };
	char ctx[64];

	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		snprintf(ctx, sizeof ctx, "the guest OS in %s mode", vmm_mode_name(modes[i]));
		lab_migrate(LAB_OS, modes[i], 700000, NULL, &m);
		lab_expect_rounds(ctx, &m);
		lab_expect_whole(ctx, &m);
	}
}
