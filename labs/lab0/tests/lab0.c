/*
 * labs/lab0/tests/lab0.c: calling one function of lab0.s (see lab0.h).
 */
#include "lab0.h"

#include <criterion/criterion.h>
#include <string.h>

void lab0_call(struct lab0_call *c)
{
	struct lab_run r = { .max_steps = LAB0_STEPS };
	uint32_t halt = isa_enc_i(OP_out, 0, 1, PORT_POWER); /* out PORT_POWER, r1 */
	struct image img;
	struct vm *vm;
	uint32_t addr, code;
	const char *con;
	size_t len;

	lab_assemble_file("labs/lab0/lab0.s", NULL, &img);
	cr_assert(image_lookup(&img, c->fn, &addr), "labs/lab0/lab0.s has no label '%s'", c->fn);
	vm = lab_vm(&r, &img);
	cr_assert(vm_load(vm, LAB0_RETURN, &halt, 4));
	if (c->data)
		cr_assert(vm_load(vm, LAB0_DATA, c->data, c->ndata * 4));
	for (unsigned i = 1; i < NREGS; i++)
		vm_set_reg(vm, i, 0x0DD00000u + i); /* what the caller leaves in each */
	for (unsigned i = 0; i < 3; i++)
		vm_set_reg(vm, 1 + i, c->args[i]);
	vm_set_reg(vm, 14, LAB0_STACK);
	vm_set_reg(vm, 15, LAB0_RETURN);
	vm_set_pc(vm, addr);
	vm_run(vm, LAB0_STEPS);
	c->returned = vm_halted(vm, &code) && vm_pc(vm) == LAB0_RETURN + 4;
	for (unsigned i = 0; i < NREGS; i++)
		c->r[i] = vm_reg(vm, i);
	c->steps = vm_retired(vm);
	con = vm_console(vm, &len);
	if (len >= sizeof c->console)
		len = sizeof c->console - 1;
	memcpy(c->console, con, len);
	c->console[len] = 0;
	vm_destroy(vm);
	image_free(&img);
	cr_assert(c->returned, "%s(0x%x, 0x%x) did not return to its caller (lr) within %u "
		  "instructions; it printed \"%s\"", c->fn, c->args[0], c->args[1], LAB0_STEPS,
		  c->console);
}
