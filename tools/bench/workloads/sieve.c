/*
 * tools/bench/workloads/sieve.c: sieve.s in C, the native baseline.
 * Prints the total and the seconds the algorithm took (no start-up).
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

enum { N = 262144, REPS = 50 };
static unsigned char flags[N];

int main(void)
{
	struct timespec t0, t1;
	uint32_t total = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int rep = 0; rep < REPS; rep++) {
		for (uint32_t i = 0; i < N; i++)
			flags[i] = 1;
		for (uint32_t i = 2; i * i < N; i++)
			if (flags[i])
				for (uint32_t j = i * i; j < N; j += i)
					flags[j] = 0;
		uint32_t count = 0;
		for (uint32_t i = 2; i < N; i++)
			count += flags[i];
		total += count;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%u %.9f\n", total, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
