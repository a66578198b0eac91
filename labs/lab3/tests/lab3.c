/*
 * labs/lab3/tests/lab3.c: the red pill's verdict (see lab3.h).
 */
#include "lab3.h"

#include <criterion/criterion.h>
#include <string.h>

void lab3_expect_verdict(enum vmm_mode mode, const char *nonvirt, bool virtual)
{
	struct lab_run r = { .mode = mode, .nonvirt = nonvirt, .max_steps = 1000000 };
	struct lab_result res;
	struct image img;
	const char *want = virtual ? "redpill: virtual machine detected" : "redpill: physical\n";
	char how[64];

	snprintf(how, sizeof how, "%s%s%s", vmm_mode_name(mode), nonvirt ? " --nonvirt=" : "",
		 nonvirt ? nonvirt : "");
	lab_assemble_file("labs/lab3/redpill.s", NULL, &img);
	lab_run_image(&r, &img, &res);
	cr_expect(strstr(res.console, want) && res.halted && res.code == (virtual ? 1u : 0u),
		  "under %s the red pill must say \"%.*s\" and halt with %d; it printed \"%s\" and "
		  "stopped with '%s' (code %u)", how, (int)strcspn(want, "\n"), want, virtual ? 1 : 0,
		  res.console, vm_stop_name(res.stop), res.code);
	lab_result_free(&res);
	image_free(&img);
}
