/*
 * labs/lab8/hidden/hidden_test.c: lab 8's hidden tests: the trade-off
 *       across the workloads, a slower link, every round's record.
 */
#include <criterion/criterion.h>

#include "../tests/labmig.h"

static struct lab_mig idle, os, dirty, compute;

Test(lab8_hidden, the_trade_off_across_the_workloads, .timeout = LAB_TIMEOUT)
{
	lab_migrate(LAB_IDLE, MODE_TRAP, 10000, NULL, &idle);
	lab_migrate(LAB_COMPUTE, MODE_TRAP, 1000000, NULL, &compute);
	lab_migrate(LAB_OS, MODE_TRAP, 500000, NULL, &os);
	lab_migrate(LAB_DIRTY, MODE_TRAP, 1000000, NULL, &dirty);
	lab_expect_rounds("the idle guest", &idle);
	lab_expect_rounds("the fast writer", &dirty);
	cr_expect_gt(dirty.r.rounds, os.r.rounds + 2, "rounds: the fast writer %u, the guest OS %u",
		     dirty.r.rounds, os.r.rounds);
	cr_expect_gt(dirty.r.downtime_cycles, 5 * os.r.downtime_cycles,
		     "downtime: the fast writer %llu cycles, the guest OS %llu",
		     (unsigned long long)dirty.r.downtime_cycles, (unsigned long long)os.r.downtime_cycles);
	cr_expect_gt(dirty.r.bytes, 2 * compute.r.bytes, "bytes: the fast writer %llu, compute %llu",
		     (unsigned long long)dirty.r.bytes, (unsigned long long)compute.r.bytes);
	lab_expect_whole("the compute guest", &compute);
	lab_expect_whole("the guest OS", &os);
}

Test(lab8_hidden, a_slower_link_means_more_to_send_in_the_stop, .timeout = LAB_TIMEOUT)
{
	struct precopy_opts slow = { .bandwidth = lab_mbit(20) };

	lab_migrate(LAB_OS, MODE_BT, 600000, NULL, &os);
	lab_migrate(LAB_OS, MODE_BT, 600000, &slow, &dirty);
	lab_expect_rounds("the guest OS under bt", &os);
	lab_expect_rounds("the guest OS under bt, 20 Mbit/s", &dirty);
	cr_expect_gt(dirty.r.downtime_cycles, os.r.downtime_cycles,
		     "a link 50 times slower: downtime %llu cycles, not more than %llu",
		     (unsigned long long)dirty.r.downtime_cycles, (unsigned long long)os.r.downtime_cycles);
	lab_expect_whole("the guest OS under bt, 20 Mbit/s", &dirty);
}

Test(lab8_hidden, every_round_records_what_it_dirtied_and_pv_arrives_whole, .timeout = LAB_TIMEOUT)
{
	struct precopy_opts po = { .bandwidth = lab_mbit(50), .stop_pages = 2, .stop_pages_given = true };
	uint64_t pages = 0;

	lab_migrate(LAB_OS, MODE_PV, 900000, &po, &os);
	lab_expect_rounds("the pv guest OS", &os);
	for (uint32_t i = 0; i <= os.r.rounds && i < MIG_MAX_ROUNDS; i++)
		pages += os.r.round[i].pages;
	cr_expect_eq(pages, os.r.pages, "the rounds' pages add up to %llu, the total says %llu",
		     (unsigned long long)pages, (unsigned long long)os.r.pages);
	cr_expect_eq(os.r.round[os.r.rounds].pages, os.r.round[os.r.rounds - 1].dirtied,
		     "the stop-and-copy sent %u pages; the last round recorded %u dirtied",
		     os.r.round[os.r.rounds].pages, os.r.round[os.r.rounds - 1].dirtied);
	lab_expect_whole("the pv guest OS", &os);
}
