/*
 * tests/vmm/vmtest.c: what the VMM tests share (see vmtest.h).
 */
#include "vmtest.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "asm.h"

void prog_emit(struct prog *p, uint32_t word)
{
	cr_assert(p->n < (int)(sizeof p->w / sizeof p->w[0]), "program too long");
	p->w[p->n++] = word;
}

void prog_li(struct prog *p, unsigned rd, uint32_t v)
{
	prog_emit(p, isa_enc_i(OP_lui, rd, 0, v >> 16));
	prog_emit(p, isa_enc_i(OP_ori, rd, rd, v & 0xFFFF));
}

void prog_halt(struct prog *p, unsigned rs)
{
	prog_emit(p, isa_enc_i(OP_out, 0, rs, PORT_POWER));
}

void vt_assemble(const char *name, struct image *img)
{
	char path[256];
	struct asm_result res;
	FILE *f;
	char *text;
	long n = -1;

	snprintf(path, sizeof path, "tests/vmm/%s.s", name);
	f = fopen(path, "rb");
	cr_assert(f, "cannot open %s (run the tests from the repository root)", path);
	cr_assert(fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0);
	text = malloc((size_t)n + 1);
	cr_assert(text);
	cr_assert(fread(text, 1, (size_t)n, f) == (size_t)n);
	text[n] = 0;
	fclose(f);
	if (!asm_assemble_text(path, text, &res)) {
		char *diags = asm_diags_text(&res);
		cr_assert_fail("%s does not assemble:\n%s", path, diags ? diags : "");
	}
	*img = res.image;
	memset(&res.image, 0, sizeof res.image); /* ours now */
	asm_result_free(&res);
	free(text);
}

void vt_elf(const char *name, char *path)
{
	struct image img;
	char err[256];
	int fd;

	vt_assemble(name, &img);
	snprintf(path, 96, "/tmp/trapeze-vmm-%.40s-XXXXXX", name);
	fd = mkstemp(path);
	cr_assert(fd >= 0, "cannot make a temporary file");
	close(fd);
	cr_assert(image_write(path, &img, err, sizeof err), "%s", err);
	image_free(&img);
}

bool vt_load_prog(void *ctx, struct vm *vm, char *err, size_t errlen)
{
	const struct prog *p = ctx;
	if (!vm_load(vm, 0, p->w, (uint32_t)p->n * 4)) {
		snprintf(err, errlen, "program does not fit");
		return false;
	}
	return true;
}

bool vt_load_image(void *ctx, struct vm *vm, char *err, size_t errlen)
{
	return image_load(vm, ctx, err, errlen);
}

static struct vm *make(const struct vm_options *o, enum vmm_mode m)
{
	struct vm_options opt = *o;
	struct vm *vm;
	char err[256];

	opt.mode = m;
	opt.capture = true;
	cr_assert(vm_create(&vm, &opt, err, sizeof err), "vm_create (%s): %s", vmm_mode_name(m), err);
	return vm;
}

struct vm *vt_vm_prog(const struct vm_options *o, enum vmm_mode m, const struct prog *p)
{
	struct vm *vm = make(o, m);
	char err[256];
	cr_assert(vt_load_prog((void *)p, vm, err, sizeof err), "%s", err);
	return vm;
}

struct vm *vt_vm_image(const struct vm_options *o, enum vmm_mode m, const struct image *img)
{
	struct vm *vm = make(o, m);
	char err[256];
	cr_assert(image_load(vm, img, err, sizeof err), "%s", err);
	return vm;
}

void vt_make_disk(char *path, unsigned nsectors)
{
	int fd;
	FILE *f;

	strcpy(path, "/tmp/trapeze-vmm-disk-XXXXXX");
	fd = mkstemp(path);
	cr_assert(fd >= 0, "cannot make a temporary disk image");
	f = fdopen(fd, "wb");
	cr_assert(f);
	for (unsigned i = 0; i < nsectors * DISK_SECTOR_SIZE; i++)
		fputc((int)((i * 7 + i / DISK_SECTOR_SIZE) & 0xFF), f);
	cr_assert(fclose(f) == 0);
}

void vt_everything_inputs(struct vm_options *o, char *disk)
{
	vt_make_disk(disk, 8);
	o->disk_path = disk;
	o->input = "ok";
	o->input_len = 2;
}

void vt_everything_options(struct vm_options *o, char *disk)
{
	vm_options_init(o);
	o->step_limit = 1000000;
	vt_everything_inputs(o, disk);
}

void vt_make_file(char *path, const char *text)
{
	int fd;
	FILE *f;

	strcpy(path, "/tmp/trapeze-vmm-file-XXXXXX");
	fd = mkstemp(path);
	cr_assert(fd >= 0, "cannot make a temporary file");
	f = fdopen(fd, "wb");
	cr_assert(f);
	fputs(text, f);
	cr_assert(fclose(f) == 0);
}

bool vt_equivalent(const struct vm_options *o, enum vmm_mode a, enum vmm_mode b,
		   bool (*load)(void *, struct vm *, char *, size_t), void *ctx,
		   struct vmm_divergence *d)
{
	struct vmm_equiv_spec spec = { .options = *o, .load = load, .load_ctx = ctx };
	char err[256];

	cr_assert(vmm_equiv_compare(&spec, a, b, d, err, sizeof err), "compare %s with %s: %s",
		  vmm_mode_name(a), vmm_mode_name(b), err);
	return d->equivalent;
}

char *vt_trapeze(const char *args, enum vt_streams which, int *status)
{
	const char *bin = getenv("TRAPEZE");
	char cmd[4096];
	size_t len = 0, cap = 65536;
	char *out = malloc(cap);
	FILE *p;
	int n;

	if (!bin || !*bin)
		bin = "build/trapeze"; /* the tests run from the repository root */
	cr_assert(access(bin, X_OK) == 0, "no %s: set TRAPEZE to the trapeze binary (make test does)",
		  bin);
	static const char *const redirect[] = { "2>/dev/null", "2>&1", "2>&1 >/dev/null" };
	n = snprintf(cmd, sizeof cmd, "'%s' %s </dev/null %s", bin, args, redirect[which]);
	cr_assert(n > 0 && (size_t)n < sizeof cmd);
	p = popen(cmd, "r");
	cr_assert(p && out, "cannot run %s", cmd);
	for (;;) {
		size_t got;
		if (len + 4097 > cap) {
			cap *= 2;
			out = realloc(out, cap);
			cr_assert(out);
		}
		got = fread(out + len, 1, 4096, p);
		if (got == 0)
			break;
		len += got;
	}
	out[len] = 0;
	n = pclose(p);
	*status = (n != -1 && WIFEXITED(n)) ? WEXITSTATUS(n) : -1;
	return out;
}

char *vt_guest_os(const char *options, int *status)
{
	const char *build = getenv("BUILD");
	char args[1024];

	cr_assert(build && *build, "BUILD must name the build directory (make test sets it)");
	snprintf(args, sizeof args, "%s --disk '%s/guest/disk.img' '%s/guest/kernel.elf'", options,
		 build, build);
	return vt_trapeze(args, VT_BOTH, status);
}

void vt_has(const char *out, const char *what)
{
	cr_expect(strstr(out, what), "expected \"%s\" in:\n%s", what, out);
}

pid_t vt_spawn(const char *args, const char *out, const char *err)
{
	const char *bin = getenv("TRAPEZE");
	char cmd[4096];
	pid_t pid;

	snprintf(cmd, sizeof cmd, "exec '%s' %s </dev/null >'%s' 2>'%s'",
		 bin && *bin ? bin : "build/trapeze", args, out, err);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

char *vt_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *b = calloc(1, 1 << 20);
	size_t n = 0;

	cr_assert(b);
	if (f) {
		n = fread(b, 1, (1 << 20) - 1, f);
		fclose(f);
	}
	b[n] = 0;
	return b;
}

/* A port on 127.0.0.1 nobody listens on (free a moment ago), or, keep set,
 * one this process holds (a port in use). */
uint16_t vt_loopback_port(int *keep)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
	cr_assert(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
	if (keep) {
		cr_assert(listen(fd, 1) == 0);
		*keep = fd;
	} else {
		close(fd);
	}
	return ntohs(a.sin_port);
}

bool vt_file_has(const char *file, const char *what)
{
	char *t = vt_slurp(file);
	bool found = strstr(t, what) != NULL;

	free(t);
	return found;
}

bool vt_wait_for_text(const char *file, const char *what, int seconds)
{
	for (int i = 0; i < seconds * 100; i++) {
		if (vt_file_has(file, what))
			return true;
		usleep(10000);
	}
	return false;
}

int vt_reap(pid_t pid, int seconds)
{
	int status = 0;

	for (int i = 0; i < seconds * 100; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}
