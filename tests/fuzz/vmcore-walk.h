/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Ask an open vmcore everything: both vmcore targets use it. */
#ifndef FADUMP_FUZZ_VMCORE_WALK_H
#define FADUMP_FUZZ_VMCORE_WALK_H

#include <stdlib.h>

#include "fuzz-common.h"

/* Reads per segment: its first and last bytes, and across its end. */
#define WALK_READ 256

static int walk_chunk(void *userdata, const struct fadump_vmcore_chunk *c)
{
	(void)userdata;
	fuzz_touch_bytes(c->data, c->len);
	return 0;
}

static int walk_dmesg_record(void *userdata,
			     const struct fadump_dmesg_record *rec)
{
	(void)rec;
	/* Stop after a few: the limits of a huge ring are not the point. */
	return ++*(unsigned int *)userdata > 64 ? 1 : 0;
}

/* The first pages' classes: bounded, whatever the segments claim. */
static inline void walk_pages(struct fadump_vmcore *vm)
{
	struct fadump_page_run run = { .size = sizeof(run) };
	struct fadump_page_iter *it;
	unsigned int cls;

	if (fadump_page_iter_new(vm, 0, 64, 0, &it) == 0) {
		while (fadump_page_iter_next(it, &run) == 1)
			;
		fadump_page_iter_free(it);
	}
	if (fadump_vmcore_page_class(vm, 1, 0, &cls) == 0)
		fuzz_touch(fadump_page_class_name(cls));
}

static inline void vmcore_walk(struct fadump_vmcore *vm, bool dmesg)
{
	struct fadump_vmcore_info info = { .size = sizeof(info) };
	struct fadump_prpsinfo ps = { .size = sizeof(ps) };
	unsigned char buf[WALK_READ];
	unsigned int nsegs, nnotes;
	const char *value;
	int64_t when;
	uint64_t page;
	int lines;

	fadump_vmcore_get_info(vm, &info);
	fuzz_touch(fadump_vmcore_get_path(vm));
	fuzz_touch(fadump_machine_name(info.machine));

	nsegs = fadump_vmcore_segments_count(vm);
	for (unsigned int i = 0; i <= nsegs && i < 64; i++) {
		struct fadump_vmcore_segment s = { .size = sizeof(s) };

		if (fadump_vmcore_get_segment(vm, i, &s) < 0)
			continue;
		fadump_vmcore_read(vm, s.paddr, buf, sizeof(buf));
		if (s.memsz > sizeof(buf) / 2)
			fadump_vmcore_read(vm, s.paddr + s.memsz - sizeof(buf) / 2,
					   buf, sizeof(buf));
	}

	nnotes = fadump_vmcore_notes_count(vm);
	for (unsigned int i = 0; i <= nnotes && i < 256; i++) {
		struct fadump_vmcore_note n = { .size = sizeof(n) };

		if (fadump_vmcore_get_note(vm, i, &n) == 0) {
			fuzz_touch(n.name);
			fuzz_touch_bytes(n.desc, n.descsz);
		}
	}
	for (unsigned int cpu = 0; cpu <= info.cpus && cpu < 256; cpu++) {
		struct fadump_prstatus pr = { .size = sizeof(pr) };
		struct fadump_ppc64_regs regs = { .size = sizeof(regs) };

		fadump_vmcore_get_prstatus(vm, cpu, &pr);
		fadump_vmcore_get_ppc64_regs(vm, cpu, &regs);
	}
	if (fadump_vmcore_get_prpsinfo(vm, &ps) == 0)
		fuzz_touch(ps.psargs);

	lines = fadump_vmcore_vmcoreinfo_count(vm);
	for (int i = 0; i <= lines && i < 1024; i++) {
		const char *key;

		if (fadump_vmcore_vmcoreinfo_get(vm, (unsigned int)i, &key,
						 &value) == 0) {
			fuzz_touch(key);
			fuzz_touch(value);
		}
	}
	if (fadump_vmcore_vmcoreinfo_lookup(vm, "OSRELEASE", &value) == 0)
		fuzz_touch(value);
	/* the kernel's own view: a symbol by virtual address, a few pages */
	if (fadump_vmcore_vmcoreinfo_lookup(vm, "SYMBOL(init_uts_ns)",
					    &value) == 0 &&
	    fadump_vmcore_read_virt(vm, strtoull(value, NULL, 16), buf,
				    sizeof(buf)) == 0)
		fuzz_touch_bytes(buf, sizeof(buf));
	walk_pages(vm);
	fadump_vmcore_page_size(vm, &page);
	fadump_vmcore_crash_time(vm, &when);

	/* Small chunks: the inputs are small, 4 MiB buffers would be slow. */
	fadump_vmcore_stream(vm, 4096, walk_chunk, NULL);

	if (dmesg) {
		struct fadump_dmesg_summary sum = { .size = sizeof(sum) };
		unsigned int records = 0;
		char *text;
		size_t len;

		fadump_vmcore_dmesg(vm, walk_dmesg_record, &records, &sum);
		if (fadump_vmcore_dmesg_text(vm, &text, &len, &sum) == 0) {
			fuzz_touch_bytes(text, len);
			free(text);
		}
	}
}

#endif
