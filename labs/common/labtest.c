/*
 * labs/common/labtest.c: what every lab's tests share (see labtest.h).
 */
#include "labtest.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "asm.h"
#include "dis.h"

const char *lab_build(void)
{
	const char *b = getenv("BUILD");
	return b && *b ? b : "build";
}

const char *lab_trapeze(void)
{
	static char path[4096];
	const char *t = getenv("TRAPEZE");

	if (t && *t)
		return t;
	snprintf(path, sizeof path, "%s/trapeze", lab_build());
	return path;
}

const char *lab_build_path(const char *rel)
{
	static char path[4096];
	snprintf(path, sizeof path, "%s/%s", lab_build(), rel);
	return path;
}

static void assemble(const char *name, const char *text, const char *const *include_dirs,
		     struct image *img)
{
	struct asm_input in = { name, text, text ? strlen(text) : 0 };
	struct asm_options opt = { 0 };
	struct asm_result res;
	int n = 0;

	while (include_dirs && include_dirs[n])
		n++;
	opt.include_dirs = include_dirs;
	opt.ninclude_dirs = n;
	if (!asm_assemble(&in, 1, &opt, &res)) {
		char *diags = asm_diags_text(&res);
		cr_assert_fail("%s does not assemble:\n%s", name, diags ? diags : "(no message)");
	}
	*img = res.image;
	memset(&res.image, 0, sizeof res.image); /* the image is ours now */
	asm_result_free(&res);
}

void lab_assemble_file(const char *path, const char *const *include_dirs, struct image *img)
{
	assemble(path, NULL, include_dirs, img); /* the assembler reads the file */
}

void lab_assemble_text(const char *name, const char *text, struct image *img)
{
	assemble(name, text, NULL, img);
}

void lab_read_image(const char *path, struct image *img)
{
	char err[512];
	cr_assert(image_read(path, img, err, sizeof err), "%s (was it built? make lab-build)", err);
}

unsigned lab_nonvirt(const char *spec)
{
	const char *bad = NULL;
	int mask;

	if (!spec)
		return 0;
	mask = cpu_parse_nonvirt(spec, &bad);
	cr_assert(mask >= 0, "bad nonvirt list '%s' (at '%s')", spec, bad ? bad : "?");
	return (unsigned)mask;
}

struct vm *lab_vm(const struct lab_run *r, const struct image *img)
{
	struct vm_options o;
	struct vm *vm;
	char err[512];

	vm_options_init(&o);
	o.mode = r->mode;
	o.nonvirt = lab_nonvirt(r->nonvirt);
	o.disk_path = r->disk;
	o.capture = true;
	o.max_output = 1u << 20;
	o.step_limit = r->max_steps ? r->max_steps : LAB_MAX_STEPS;
	if (r->mem)
		o.mem_size = r->mem;
	o.tc_size = r->tc_size;
	o.cpu = r->cpu;
	if (r->input) {
		o.input = r->input;
		o.input_len = strlen(r->input);
	}
	cr_assert(vm_create(&vm, &o, err, sizeof err), "cannot make a %s VM: %s",
		  vmm_mode_name(r->mode), err);
	cr_assert(image_load(vm, img, err, sizeof err), "cannot load the program: %s", err);
	return vm;
}

void lab_run_image(const struct lab_run *r, const struct image *img, struct lab_result *out)
{
	struct vm *vm = lab_vm(r, img);
	const char *con;
	size_t len;

	memset(out, 0, sizeof *out);
	out->stop = vm_run(vm, r->max_steps ? r->max_steps : LAB_MAX_STEPS);
	out->halted = vm_halted(vm, &out->code);
	con = vm_console(vm, &len);
	out->console = malloc(len + 1);
	cr_assert(out->console);
	if (len)
		memcpy(out->console, con, len);
	out->console[len] = 0;
	out->console_len = len;
	vm_get_stats(vm, &out->stats);
	for (unsigned i = 0; i < NREGS; i++)
		out->r[i] = vm_reg(vm, i);
	out->pc = vm_pc(vm);
	out->psw = vm_psw(vm);
	for (unsigned i = 0; i < SR_COUNT; i++)
		out->sr[i] = vm_sreg(vm, i);
	out->vmm_intact = vm_vmm_intact(vm);
	vm_destroy(vm);
}

void lab_boot(const struct lab_run *r, struct lab_result *out)
{
	struct lab_run boot = *r;
	struct image img;
	char kernel[4096], disk[4096];

	snprintf(kernel, sizeof kernel, "%s", lab_build_path(r->kernel ? r->kernel : "guest/kernel.elf"));
	snprintf(disk, sizeof disk, "%s", lab_build_path("guest/disk.img"));
	if (!boot.disk)
		boot.disk = disk;
	lab_read_image(kernel, &img);
	lab_run_image(&boot, &img, out);
	image_free(&img);
}

void lab_result_free(struct lab_result *res)
{
	free(res->console);
	res->console = NULL;
}

bool lab_load_image(void *ctx, struct vm *vm, char *err, size_t errlen)
{
	return image_load(vm, ctx, err, errlen);
}

/* Append a printf'd line to a growing report. */
static void say(char **s, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char **s, size_t *len, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	*s = realloc(*s, *len + (size_t)n + 1);
	cr_assert(*s);
	memcpy(*s + *len, line, (size_t)n + 1);
	*len += (size_t)n;
}

static void say_row(char **s, size_t *len, const char *name, uint32_t x, uint32_t y)
{
	if (x != y)
		say(s, len, "  %-8s 0x%08x   0x%08x\n", name, x, y);
}

static char *divergence_report(const struct vmm_divergence *d, const struct image *img)
{
	const struct vmm_observation *x = &d->after_a, *y = &d->after_b;
	char text[96] = "(no instruction: a trap or interrupt was entered)";
	char *s = NULL;
	size_t len = 0;

	if (d->have_word)
		dis_insn(d->word, d->pc, img, text, sizeof text);
	say(&s, &len, "%s and %s differ (%s) after guest instruction %llu, at pc 0x%08x "
	    "in %s mode: %s\n", vmm_mode_name(d->a), vmm_mode_name(d->b), d->what ? d->what : "?",
	    (unsigned long long)d->index, d->pc, d->before.psw & PSW_S ? "supervisor" : "user", text);
	say(&s, &len, "  %-8s %-10s   %-10s\n", "", vmm_mode_name(d->a), vmm_mode_name(d->b));
	say_row(&s, &len, "pc", x->pc, y->pc);
	say_row(&s, &len, "psw", x->psw, y->psw);
	for (unsigned i = 1; i < NREGS; i++) {
		char name[8];
		snprintf(name, sizeof name, "r%u", i);
		say_row(&s, &len, name, x->r[i], y->r[i]);
	}
	for (unsigned i = 0; i < SR_COUNT; i++)
		say_row(&s, &len, isa_sreg_name((int)i), x->sr[i], y->sr[i]);
	if (x->ntraps != y->ntraps)
		say(&s, &len, "  traps    %-10zu   %-10zu\n", x->ntraps, y->ntraps);
	else if (x->ntraps && (x->last_trap.cause != y->last_trap.cause ||
			       x->last_trap.detail != y->last_trap.detail ||
			       x->last_trap.epc != y->last_trap.epc))
		say(&s, &len, "  last trap %s detail 0x%x epc 0x%x   %s detail 0x%x epc 0x%x\n",
		    isa_cause_name(x->last_trap.cause), x->last_trap.detail, x->last_trap.epc,
		    isa_cause_name(y->last_trap.cause), y->last_trap.detail, y->last_trap.epc);
	if (x->console_len != y->console_len)
		say(&s, &len, "  console  %-10zu   %-10zu bytes\n", x->console_len, y->console_len);
	if (x->mem_hash != y->mem_hash)
		say(&s, &len, "  memory differs\n");
	if (x->stopped != y->stopped || x->stop != y->stop)
		say(&s, &len, "  stopped  %-10s   %-10s\n", x->stopped ? vm_stop_name(x->stop) : "no",
		    y->stopped ? vm_stop_name(y->stop) : "no");
	return s;
}

bool lab_equivalent(const struct lab_run *r, const struct image *img, enum vmm_mode a,
		    enum vmm_mode b, char **why)
{
	struct vmm_equiv_spec spec = { 0 };
	struct vmm_divergence d;
	char err[512];
	bool same;

	vm_options_init(&spec.options);
	spec.options.nonvirt = lab_nonvirt(r->nonvirt);
	spec.options.disk_path = r->disk;
	spec.options.step_limit = r->max_steps ? r->max_steps : LAB_MAX_STEPS;
	if (r->mem)
		spec.options.mem_size = r->mem;
	spec.options.tc_size = r->tc_size;
	spec.options.cpu = r->cpu;
	if (r->input) {
		spec.options.input = r->input;
		spec.options.input_len = strlen(r->input);
	}
	spec.load = lab_load_image;
	spec.load_ctx = (void *)img;
	cr_assert(vmm_equiv_compare(&spec, a, b, &d, err, sizeof err), "cannot compare %s with %s: %s",
		  vmm_mode_name(a), vmm_mode_name(b), err);
	same = d.equivalent;
	*why = same ? NULL : divergence_report(&d, img);
	vmm_divergence_free(&d);
	return same;
}

static const char *const program_include[] = { "guest-os/include", NULL };

void lab_run_program(const char *path, const struct lab_run *r, struct lab_result *out)
{
	struct image img;

	lab_assemble_file(path, program_include, &img);
	lab_run_image(r, &img, out);
	image_free(&img);
}

/* Is the table the real CPU runs on now the monitor's, and does it map
 * only the region [base, base + size)? */
static bool real_table_confined(const struct vm *vm, char *why, size_t len)
{
	const struct cpu *c = vm_real_cpu(vm);
	const struct mem *g = vm_memory(vm), *m = &c->mem;
	uint64_t base = (uint64_t)(g->bytes - m->bytes), end = base + g->size;
	uint32_t ptb = c->sr[SR_ptb], dir = ptb & PAGE_MASK;

	if (vm_mode(vm) == MODE_BARE || !(ptb & PTB_P))
		return true;
	if ((uint64_t)dir + PAGE_SIZE > m->size || (dir + PAGE_SIZE > base && dir < end)) {
		snprintf(why, len, "the real processor's directory, at real 0x%x, is not the "
			 "monitor's (the region is 0x%llx..0x%llx)", dir, (unsigned long long)base,
			 (unsigned long long)end);
		return false;
	}
	for (uint32_t i = 0; i < 1024; i++) {
		uint32_t pde = mem_load32(m, dir + 4 * i), t = pde & PAGE_MASK;
		if (!(pde & PTE_V))
			continue;
		if ((uint64_t)t + PAGE_SIZE > m->size || (t + PAGE_SIZE > base && t < end)) {
			snprintf(why, len, "directory entry %u names a table at real 0x%x: %s", i, t,
				 t < end && t + PAGE_SIZE > base ? "inside the guest's region, where the "
				 "guest can write it" : "outside real memory");
			return false;
		}
		for (uint32_t j = 0; j < 1024; j++) {
			uint32_t pte = mem_load32(m, t + 4 * j), f = pte & PAGE_MASK;
			if ((pte & PTE_V) && (f < base || (uint64_t)f + PAGE_SIZE > end)) {
				snprintf(why, len, "virtual 0x%08x maps real 0x%x, outside the guest's "
					 "region 0x%llx..0x%llx: the monitor's own memory",
					 i << 22 | j << 12, f, (unsigned long long)base,
					 (unsigned long long)end);
				return false;
			}
		}
	}
	return true;
}

bool lab_run_confined(const struct lab_run *r, const struct image *img, uint64_t piece, char *why,
		      size_t len)
{
	struct vm *vm = lab_vm(r, img);
	uint64_t max = r->max_steps ? r->max_steps : LAB_MAX_STEPS;
	bool ok = true;

	*why = 0;
	while (ok && vm_retired(vm) < max) {
		enum cpu_stop s = vm_run(vm, piece);
		ok = real_table_confined(vm, why, len);
		if (s != STOP_LIMIT)
			break;
	}
	if (ok && !vm_vmm_intact(vm)) {
		snprintf(why, len, "the monitor's own memory was written");
		ok = false;
	}
	vm_destroy(vm);
	return ok;
}

void lab_expect_guest_equivalent(const struct lab_run *r, enum vmm_mode mode)
{
	struct lab_run run = *r;
	const char *kernel = r->kernel ? r->kernel : "guest/kernel.elf";
	struct image img;
	char disk[4096];
	char *why = NULL;

	snprintf(disk, sizeof disk, "%s", r->disk ? r->disk : lab_build_path("guest/disk.img"));
	run.disk = disk;
	lab_read_image(lab_build_path(kernel), &img);
	cr_expect(lab_equivalent(&run, &img, MODE_BARE, mode, &why),
		  "Popek and Goldberg's equivalence fails: %s under %s%s%s is not the bare machine "
		  "to its guest:\n%s", kernel, vmm_mode_name(mode), r->nonvirt ? " --nonvirt=" : "",
		  r->nonvirt ? r->nonvirt : "", why ? why : "");
	free(why);
	image_free(&img);
}

void lab_expect_program(const char *path, enum vmm_mode mode, const struct lab_run *r)
{
	struct lab_run run = { 0 };
	struct lab_result bare, virt;
	struct image img;
	char *why = NULL;

	if (r)
		run = *r;
	lab_assemble_file(path, program_include, &img);
	run.mode = MODE_BARE;
	lab_run_image(&run, &img, &bare);
	cr_assert(bare.halted && bare.code == 0,
		  "%s fails its own check %u on the bare machine: a broken test, tell your instructor",
		  path, bare.code);
	run.mode = mode;
	lab_run_image(&run, &img, &virt);
	if (!virt.halted)
		cr_expect_fail("%s under %s did not halt: it stopped with '%s' after %llu instructions "
			       "(bare: halt %u)", path, vmm_mode_name(mode), vm_stop_name(virt.stop),
			       (unsigned long long)virt.stats.retired, bare.code);
	else
		cr_expect(virt.code == 0, "%s under %s failed its check %u (see the program's comments)",
			  path, vmm_mode_name(mode), virt.code);
	cr_expect(lab_equivalent(&run, &img, MODE_BARE, mode, &why),
		  "%s: the guest can tell the VMM is there:\n%s", path, why ? why : "");
	free(why);
	lab_result_free(&bare);
	lab_result_free(&virt);
	image_free(&img);
}

void lab_make_guest_disk(const char *const *progs, char *disk)
{
	char dir[128], cmd[8192], mk[4096];
	size_t used;
	int status;
	char *out;

	strcpy(dir, "/tmp/trapeze-lab-XXXXXX");
	cr_assert(mkdtemp(dir), "cannot make a temporary directory");
	snprintf(mk, sizeof mk, "%s", lab_build_path("guest/mkdisk"));
	used = (size_t)snprintf(cmd, sizeof cmd, "'%s' -o %s/disk.img", mk, dir);
	for (int i = 0; progs[i]; i++) {
		char name[64], asm_cmd[4096];
		const char *eq = strchr(progs[i], '=');

		cr_assert(eq && eq - progs[i] < (int)sizeof name, "bad program '%s'", progs[i]);
		snprintf(name, sizeof name, "%.*s", (int)(eq - progs[i]), progs[i]);
		int n = snprintf(asm_cmd, sizeof asm_cmd,
				 "'%s' asm -I guest-os/include -I guest-os/lib -o %s/%s.elf %s",
				 lab_trapeze(), dir, name, eq + 1);
		cr_assert(n > 0 && (size_t)n < sizeof asm_cmd);
		out = lab_sh(asm_cmd, &status);
		cr_assert(status == 0, "%s does not assemble:\n%s", eq + 1, out);
		free(out);
		used += (size_t)snprintf(cmd + used, sizeof cmd - used, " %s=%s/%s.elf", name, dir, name);
		cr_assert(used < sizeof cmd);
	}
	out = lab_sh(cmd, &status);
	cr_assert(status == 0, "mkdisk failed:\n%s", out);
	free(out);
	snprintf(disk, 256, "%s/disk.img", dir);
}

void lab_remove_guest_disk(const char *disk)
{
	char cmd[512];
	const char *slash = strrchr(disk, '/');
	int status;

	if (!slash || strncmp(disk, "/tmp/trapeze-lab-", 17))
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%.*s'", (int)(slash - disk), disk);
	free(lab_sh(cmd, &status));
}

void lab_boot_programs(const struct lab_run *r, const char *const *progs, struct lab_result *out)
{
	struct lab_run run = *r;
	char disk[256];

	lab_make_guest_disk(progs, disk);
	run.disk = disk;
	lab_boot(&run, out);
	lab_remove_guest_disk(disk);
}

char *lab_sh(const char *cmd, int *status)
{
	char full[8192];
	size_t len = 0, cap = 1 << 16;
	char *out = malloc(cap);
	FILE *p;
	int n;

	n = snprintf(full, sizeof full, "(%s) </dev/null 2>&1", cmd);
	cr_assert(n > 0 && (size_t)n < sizeof full && out);
	p = popen(full, "r");
	cr_assert(p, "cannot run %s", cmd);
	for (;;) {
		size_t got;
		if (len + 4097 > cap) {
			cap *= 2;
			out = realloc(out, cap);
			cr_assert(out);
		}
		got = fread(out + len, 1, 4096, p);
		if (!got)
			break;
		len += got;
	}
	out[len] = 0;
	n = pclose(p);
	*status = (n != -1 && WIFEXITED(n)) ? WEXITSTATUS(n) : -1;
	return out;
}

void lab_first_difference(const char *a, const char *b, const char *name_a, const char *name_b,
			  char *buf, size_t len)
{
	size_t i = 0, line = 0;

	while (a[i] && a[i] == b[i]) {
		if (a[i] == '\n')
			line = i + 1;
		i++;
	}
	snprintf(buf, len, "%s:  %.*s\n%s:  %.*s", name_a, (int)strcspn(a + line, "\n"), a + line,
		 name_b, (int)strcspn(b + line, "\n"), b + line);
}

const char *lab_tail(const char *text, size_t n)
{
	size_t len = strlen(text);
	return len > n ? text + len - n : text;
}

void lab_expect_output(const char *text, const char *want, const char *what)
{
	cr_expect(strstr(text, want), "%s: expected the line\n    %s\nin the output, which ends:\n%s",
		  what, want, lab_tail(text, 1500));
}
