/*
 * labs/lab1/tests/boot_test.c: lab 1, the whole guest OS with your kernel.
 * Owns: the default boot (init and the programs it starts, guest-os/user)
 *       on the bare machine: hello's line, and the whole transcript.
 * Not:  single system calls (syscall_test.c); traps (trap_test.c).
 * Try it yourself:  make guest && build/trapeze run --disk
 *       build/guest/disk.img build/guest/kernel.elf
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "labtest.h"

Test(lab1_boot, hello_prints_its_line, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { 0 };
	struct lab_result res;

	lab_boot(&r, &res);
	lab_expect_output(res.console, "hello, world: pid 2, in user mode at virtual address 0\n",
			  "hello (guest-os/user/hello.s) prints with printf, which is a write system call");
	lab_result_free(&res);
}

Test(lab1_boot, the_boot_prints_the_reference_transcript, .timeout = LAB_TIMEOUT)
{
	struct lab_run r = { 0 };
	struct lab_result res;
	char *golden = NULL;
	size_t cap = 0, len = 0;
	FILE *f = fopen("tests/golden/guest_os_bare.txt", "rb");
	size_t i = 0, line = 0;

	cr_assert(f, "no tests/golden/guest_os_bare.txt");
	for (;;) {
		if (len + 4096 > cap) {
			cap = cap ? 2 * cap : 8192;
			golden = realloc(golden, cap);
			cr_assert(golden);
		}
		size_t got = fread(golden + len, 1, 4096, f);
		if (!got)
			break;
		len += got;
	}
	fclose(f);
	golden[len] = 0;
	lab_boot(&r, &res);
	while (golden[i] && golden[i] == res.console[i]) {
		if (golden[i] == '\n')
			line = i + 1;
		i++;
	}
	cr_expect(!strcmp(golden, res.console),
		  "the boot's transcript differs from tests/golden/guest_os_bare.txt from this line:\n"
		  "expected: %.*s\ngot:      %.*s", (int)strcspn(golden + line, "\n"), golden + line,
		  (int)strcspn(res.console + line, "\n"), res.console + line);
	cr_expect(res.halted && res.code == 0, "the guest OS stopped with '%s' (code %u)",
		  vm_stop_name(res.stop), res.code);
	free(golden);
	lab_result_free(&res);
}
