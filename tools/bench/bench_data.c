/*
 * tools/bench/bench_data.c: where the benchmarks find the guest OS.
 * Owns: choosing the directory that holds guest/ (the kernels and the
 *       workloads' disks) and bench/ (the speed programs): a source tree's
 *       build/, or what `make install` put beside the binary.
 * Not:  what is in it (guest-os/guest.mk, the Makefile's install).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

/* dir holds a built guest OS. */
static bool has_guest(const char *dir)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof path, "%s/guest/kernel.elf", dir);
	return access(path, R_OK) == 0;
}

void bench_data_dir(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	/* In a source tree, make's build (the tests and make bench use it). */
	snprintf(out, len, "build");
	if (has_guest(out))
		return;
	/* Installed: PREFIX/bin/trapeze finds PREFIX/share/trapeze, wherever
	 * PREFIX is (DESTDIR staging included). */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		if ((slash = strrchr(exe, '/')))
			*slash = 0;
		snprintf(out, len, "%s/../share/trapeze", exe);
		if (has_guest(out))
			return;
	}
	snprintf(out, len, "build"); /* not found: the error will name build/guest */
}
