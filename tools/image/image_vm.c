/*
 * tools/image/image_vm.c: an ELF image handed to the monitor.
 * Owns: turning struct image (the file's form, with names and symbols) into
 *       struct vm_image (the form vmm/ owns: segments, entry, and whether it
 *       is the guest OS kernel or its paravirtual build).
 * Not:  placing the segments or deciding which modes may run it (vm.c,
 *       pv.c); reading the file (image.c).
 */
#include <stdlib.h>

#include "image.h"
#include "vmm.h"

bool image_vm_form(const struct image *img, struct vm_image *out, struct vm_segment **segs,
                    char *err, size_t errlen)
{
	*segs = NULL;
	if (img->nsegs > 0 && !(*segs = calloc((size_t)img->nsegs, sizeof **segs)))
		return image_fail(err, errlen, img->path ? img->path : "image", "out of memory");
	for (int i = 0; i < img->nsegs; i++)
		(*segs)[i] = (struct vm_segment){ img->segs[i].addr, img->segs[i].size,
		                                  img->segs[i].data };
	*out = (struct vm_image){
		.entry = img->entry,
		.segs = *segs,
		.nsegs = img->nsegs,
		/* The guest OS kernel ends its text with ktext_end; its pv build
		 * (-D PV=1) also defines the page it shares with the monitor. */
		.is_guest_kernel = image_lookup(img, "ktext_end", NULL),
		.is_pv_kernel = image_lookup(img, "pv_shared", NULL),
		.name = img->path,
	};
	return true;
}

bool image_place(const struct image *img, struct mem *m, char *err, size_t errlen)
{
	struct vm_image v;
	struct vm_segment *segs;
	bool ok = image_vm_form(img, &v, &segs, err, errlen);

	if (ok)
		ok = vm_image_place(&v, m, err, errlen);
	free(segs);
	return ok;
}

bool image_load(struct vm *vm, const struct image *img, char *err, size_t errlen)
{
	struct vm_image v;
	struct vm_segment *segs;
	bool ok = image_vm_form(img, &v, &segs, err, errlen);

	if (ok)
		ok = vm_load_image(vm, &v, err, errlen);
	free(segs);
	return ok;
}
