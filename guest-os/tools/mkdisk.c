/*
 * guest-os/tools/mkdisk.c: build the guest OS's disk image.
 * Owns: writing the disk format of guest-os/include/disk.inc (sector 0 a
 *       directory of name, first sector, length, kind and entry point; each
 *       file from a sector boundary after it).
 * Not:  reading ELF files (tools/image/ does, for the whole project); the
 *       kernel's side of the format (guest-os/kernel/disk.s).
 *
 * usage: mkdisk -o DISK [NAME=]FILE...
 *   A FILE that is an ELF image is a program: its segments are laid flat
 *   from virtual address 0, the gaps zero, exactly as the kernel will copy
 *   the bytes to the start of a process region. Any other FILE is data,
 *   copied as it is. NAME defaults to the file's name without directory or
 *   extension; the kernel finds files by it (spawn, readfile).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

/* The format: keep in step with guest-os/include/disk.inc. */
enum {
	SECTOR = 512,
	DISK_MAGIC = 0x4B534454, /* "TDSK" */
	DIR_ENTRIES = 16,
	ENTRY_SIZE = 32,
	DIR_MAX = (SECTOR - DIR_ENTRIES) / ENTRY_SIZE,
	NAME_MAX = 16, /* with the NUL */
	KIND_PROGRAM = 1,
	KIND_DATA = 2,
	/* A flat program larger than a process region could never be loaded. */
	PROGRAM_MAX = 1 << 20,
};

struct file {
	char name[NAME_MAX];
	uint8_t *bytes;
	uint32_t len, kind, entry, start;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: mkdisk -o DISK [NAME=]FILE...\n");
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* The whole of a file; NULL with *err set on failure. */
static uint8_t *slurp(const char *path, uint32_t *len, const char **err)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n = 0;

	if (!f) {
		*err = strerror(errno);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		*err = "cannot measure the file";
	else if (n > PROGRAM_MAX)
		*err = "larger than 1 MiB";
	else if (!(buf = malloc(n ? (size_t)n : 1)))
		*err = "out of memory";
	else if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		*err = "read error";
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (uint32_t)n;
	return buf;
}

/* A program: its ELF segments laid flat from address 0. */
static int load_program(struct file *fl, const char *path)
{
	struct image img;
	char err[256];
	uint32_t end = 0;

	if (!image_read(path, &img, err, sizeof err)) {
		fprintf(stderr, "mkdisk: %s\n", err);
		return 1;
	}
	for (int i = 0; i < img.nsegs; i++) {
		uint32_t e = img.segs[i].addr + img.segs[i].size;
		if (e > end)
			end = e;
	}
	if (end > PROGRAM_MAX) {
		fprintf(stderr, "mkdisk: %s: error: the program ends at 0x%x, past 1 MiB\n", path, end);
		image_free(&img);
		return 1;
	}
	fl->bytes = calloc(end ? end : 1, 1);
	if (!fl->bytes) {
		image_free(&img);
		return 1;
	}
	for (int i = 0; i < img.nsegs; i++)
		memcpy(fl->bytes + img.segs[i].addr, img.segs[i].data, img.segs[i].size);
	fl->len = end;
	fl->kind = KIND_PROGRAM;
	fl->entry = img.entry;
	image_free(&img);
	return 0;
}

/* "[NAME=]FILE" into fl. */
static int load_file(struct file *fl, const char *arg)
{
	const char *eq = strchr(arg, '='), *path = eq ? eq + 1 : arg;
	const char *name = arg, *err = NULL;
	size_t n;

	if (!eq) {
		const char *slash = strrchr(path, '/'), *dot;
		name = slash ? slash + 1 : path;
		dot = strchr(name, '.');
		n = dot ? (size_t)(dot - name) : strlen(name);
	} else {
		n = (size_t)(eq - arg);
	}
	if (n == 0 || n >= NAME_MAX) {
		fprintf(stderr, "mkdisk: %s: error: a name must have 1 to %d characters\n", arg,
			NAME_MAX - 1);
		return 1;
	}
	memcpy(fl->name, name, n);

	fl->bytes = slurp(path, &fl->len, &err);
	if (!fl->bytes) {
		fprintf(stderr, "mkdisk: %s: error: %s\n", path, err);
		return 1;
	}
	if (fl->len >= 4 && !memcmp(fl->bytes, "\177ELF", 4)) {
		free(fl->bytes);
		fl->bytes = NULL;
		return load_program(fl, path);
	}
	fl->kind = KIND_DATA;
	return 0;
}

static int write_disk(const char *out, struct file *files, int nfiles)
{
	uint32_t sector = 1, total;
	uint8_t *disk;
	FILE *f;

	for (int i = 0; i < nfiles; i++) {
		files[i].start = sector;
		sector += (files[i].len + SECTOR - 1) / SECTOR;
	}
	total = sector;
	disk = calloc(total, SECTOR);
	if (!disk) {
		fprintf(stderr, "mkdisk: out of memory\n");
		return 1;
	}
	put32(disk, DISK_MAGIC);
	put32(disk + 4, (uint32_t)nfiles);
	put32(disk + 8, total);
	for (int i = 0; i < nfiles; i++) {
		uint8_t *e = disk + DIR_ENTRIES + i * ENTRY_SIZE;
		memcpy(e, files[i].name, NAME_MAX);
		put32(e + 16, files[i].start);
		put32(e + 20, files[i].len);
		put32(e + 24, files[i].kind);
		put32(e + 28, files[i].entry);
		memcpy(disk + (size_t)files[i].start * SECTOR, files[i].bytes, files[i].len);
	}
	f = fopen(out, "wb");
	if (!f || fwrite(disk, SECTOR, total, f) != total || fclose(f) != 0) {
		fprintf(stderr, "mkdisk: %s: error: cannot write: %s\n", out, strerror(errno));
		remove(out);
		free(disk);
		return 1;
	}
	free(disk);
	return 0;
}

int main(int argc, char **argv)
{
	struct file files[DIR_MAX];
	const char *out = NULL;
	int nfiles = 0, status = 0;

	memset(files, 0, sizeof files);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "-o")) {
			if (++i == argc) {
				usage(stderr);
				return 2;
			}
			out = argv[i];
			continue;
		}
		if (nfiles == DIR_MAX) {
			fprintf(stderr, "mkdisk: error: at most %d files fit the directory\n", DIR_MAX);
			return 1;
		}
		if (load_file(&files[nfiles++], argv[i]) != 0) {
			status = 1;
			break;
		}
	}
	if (!out || (nfiles == 0 && status == 0)) {
		usage(stderr);
		return 2;
	}
	for (int i = 0; i < nfiles && status == 0; i++)
		for (int j = 0; j < i; j++)
			if (!strcmp(files[i].name, files[j].name)) {
				fprintf(stderr, "mkdisk: error: two files named '%s'\n", files[i].name);
				status = 1;
			}
	if (status == 0)
		status = write_disk(out, files, nfiles);
	for (int i = 0; i < nfiles; i++)
		free(files[i].bytes);
	return status;
}
