/*
 * tools/bench/workloads/checksum.c: checksum.s in C, the native baseline.
 * Prints the hash and the seconds the algorithm took (no start-up).
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

enum { WORDS = 16384, REPS = 1500 };
static uint32_t buf[WORDS];

int main(void)
{
	struct timespec t0, t1;
	uint32_t state = 12345, hash = 0x811C9DC5u;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < WORDS; i++) {
		state = state * 1103515245u + 12345u;
		buf[i] = state;
	}
	for (int rep = 0; rep < REPS; rep++)
		for (int i = 0; i < WORDS; i++)
			hash = (hash ^ buf[i]) * 0x01000193u;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%u %.9f\n", hash, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
