// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * save-filtered: time one fadump_vmcore_save() with the 0.5 options and
 * print the result as one JSON line (MB/s of the source, file size,
 * pages per class). Not part of the test suite; see bench/README.md:
 *
 *   cc -O2 -Iinclude -o save-filtered bench/save-filtered.c \
 *      -Lbuild/libfadump -lfadump
 *   LD_LIBRARY_PATH=build/libfadump ./save-filtered SRC DESTDIR NAME \
 *      LEVEL FORMAT COMPRESSION THREADS
 *
 * FORMAT 0 ELF, 1 kdump; COMPRESSION 0 default, 1 none, 2 zlib, 3 lzo,
 * 4 zstd; THREADS 0: online CPUs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fadump.h"
int main(int argc, char **argv)
{
	/* the directory may be a scratch one anybody writes to */
	struct fadump_ctx *ctx; struct fadump_vmcore *vm;
	struct fadump_save_opts o = { .size = sizeof(o), .flags = FADUMP_SAVE_ALLOW_UNSAFE_DEST };
	struct fadump_save_result r = { .size = sizeof(r) };
	if (argc < 8) { fprintf(stderr, "drv SRC DESTDIR NAME LEVEL FORMAT COMP THREADS\n"); return 2; }
	fadump_ctx_new(NULL, &ctx);
	if (fadump_vmcore_open(ctx, argv[1], &vm) < 0) { fprintf(stderr, "open: %s\n", fadump_ctx_get_error(ctx)); return 1; }
	o.name = argv[3]; o.dump_level = atoi(argv[4]); o.format = atoi(argv[5]); o.compression = atoi(argv[6]); o.threads = atoi(argv[7]);
	int ret = fadump_vmcore_save(vm, argv[2], &o, &r);
	if (ret < 0) { fprintf(stderr, "save: %d %s\n", ret, fadump_ctx_get_error(ctx)); return 1; }
	printf("{\"MBps\": %.0f, \"seconds\": %.3f, \"bytes_total\": %llu, \"file_bytes\": %llu, \"threads\": %u, \"compression\": \"%s\", \"pages_total\": %llu, \"pages_kept\": %llu, \"unknown_reason\": \"%s\", \"kept\": {",
	       r.bytes_total / (r.nanoseconds / 1e3), r.nanoseconds / 1e9,
	       (unsigned long long)r.bytes_total, (unsigned long long)r.file_bytes, r.threads, fadump_compression_name(r.compression),
	       (unsigned long long)r.pages_total, (unsigned long long)r.pages_kept, r.unknown_reason);
	for (int i = 0; i < FADUMP_PAGE_CLASS_COUNT; i++) printf("%s\"%s\": %llu", i ? ", " : "", fadump_page_class_name(i), (unsigned long long)r.class_kept[i]);
	printf("}, \"excluded\": {");
	for (int i = 0; i < FADUMP_PAGE_CLASS_COUNT; i++) printf("%s\"%s\": %llu", i ? ", " : "", fadump_page_class_name(i), (unsigned long long)r.class_excluded[i]);
	printf("}}\n");
	fadump_vmcore_unref(vm); fadump_ctx_unref(ctx);
	return 0;
}
