/*
 * labs/lab4/tests/cache_test.c: lab 4, the translation cache.
 * Owns: the cache as a data structure (find, drop, flush); translations
 *       found again and exits chained; code the guest writes translated
 *       again; a cache too small for the kernel, flushed.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "bt_cache.h"
#include "labtest.h"

/* Two pcs that share a bucket (bt_cache.c's hash, Fibonacci hashing of the
 * word address to 10 bits): found by trying. */
static void colliding(uint32_t *a, uint32_t *b)
{
	*a = 0x100;
	for (uint32_t pc = 0x104; pc < 0x100000; pc += 4) {
		uint32_t x = ((0x100u >> 2) * 0x9E3779B1u) >> 22, y = ((pc >> 2) * 0x9E3779B1u) >> 22;
		if (x == y) {
			*b = pc;
			return;
		}
	}
	cr_assert_fail("no two pcs share a bucket");
}

Test(lab4_cache, finds_drops_and_forgets_blocks, .timeout = LAB_TIMEOUT)
{
	struct bt_cache tc;
	struct bt_block *x, *y, *z;
	uint32_t a, b;

	cr_assert(bt_cache_init(&tc, 4096));
	colliding(&a, &b);
	x = bt_cache_alloc(&tc, a, 4);
	y = bt_cache_alloc(&tc, b, 4);
	z = bt_cache_alloc(&tc, 0x200, 2);
	cr_assert(x && y && z);
	cr_expect(bt_cache_find(&tc, a) == x, "the block at 0x%x is not found", a);
	cr_expect(bt_cache_find(&tc, b) == y, "the block at 0x%x, in the same bucket as 0x%x, "
		  "is not found", b, a);
	cr_expect(bt_cache_find(&tc, 0x200) == z, "the block at 0x200 is not found");
	cr_expect(bt_cache_find(&tc, 0x204) == NULL, "no block starts at 0x204, yet one is found");
	bt_cache_drop(&tc, x);
	cr_expect(bt_cache_find(&tc, a) == NULL, "a dropped block is still found");
	cr_expect(bt_cache_find(&tc, b) == y, "dropping 0x%x lost 0x%x, in the same bucket", a, b);
	bt_cache_drop(&tc, y);
	cr_expect(bt_cache_find(&tc, b) == NULL, "the second dropped block is still found");
	cr_expect(bt_cache_find(&tc, 0x200) == z, "dropping others lost 0x200");
	bt_cache_flush(&tc);
	cr_expect(bt_cache_find(&tc, 0x200) == NULL, "a flush forgets every block");
	bt_cache_free(&tc);
}

Test(lab4_cache, translations_are_found_again_and_exits_chained, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_BT, .max_steps = 1000000 };
	struct lab_result res;
	struct image img;
	const struct vm_bt_stats *s = &res.stats.bt;

	lab_assemble_file("labs/lab4/tests/progs/loop.s", NULL, &img);
	lab_run_image(&r, &img, &res);
	cr_expect(res.halted && res.code == 0, "loop.s under bt: stopped with '%s', code %u",
		  vm_stop_name(res.stop), res.code);
	cr_expect(s->blocks < 40, "%llu blocks translated for a loop of a few blocks: each block "
		  "must be translated once and found again", (unsigned long long)s->blocks);
	cr_expect(s->entries > 3000 && s->hits * 100 >= s->entries * 99,
		  "%llu of %llu block entries found a translation: below 99%%",
		  (unsigned long long)s->hits, (unsigned long long)s->entries);
	cr_expect(s->chained * 100 >= s->entries * 90,
		  "%llu of %llu entries through a chained exit: below 90%%",
		  (unsigned long long)s->chained, (unsigned long long)s->entries);
	lab_result_free(&res);
	image_free(&img);
}

Test(lab4_cache, code_the_kernel_writes_is_translated_again, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .max_steps = 1000000 };
	struct lab_result res;
	struct image img;

	for (int k = 0; k < 2; k++) {
		r.nonvirt = k ? "x86" : NULL;
		lab_expect_program("labs/lab4/tests/progs/smc.s", MODE_BT, &r);
	}
	r.mode = MODE_BT;
	lab_assemble_file("labs/lab4/tests/progs/smc.s", NULL, &img);
	lab_run_image(&r, &img, &res);
	cr_expect(res.stats.bt.invalidated >= 2, "%llu translations dropped: smc.s writes its code "
		  "twice", (unsigned long long)res.stats.bt.invalidated);
	lab_result_free(&res);
	image_free(&img);
}

Test(lab4_cache, a_small_cache_is_flushed_and_the_guest_never_knows, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { .mode = MODE_BT, .tc_size = 1024 };
	struct lab_result bare, bt;

	lab_boot(&r, &bt);
	r.mode = MODE_BARE;
	lab_boot(&r, &bare);
	cr_expect(bt.stats.bt.flushes > 0, "a 1 KiB cache must fill up and be flushed");
	cr_expect(bt.halted && !strcmp(bare.console, bt.console),
		  "the guest OS under bt with a 1 KiB cache: stopped with '%s'; its output ends:\n%s",
		  vm_stop_name(bt.stop), lab_tail(bt.console, 600));
	lab_result_free(&bare);
	lab_result_free(&bt);
}
