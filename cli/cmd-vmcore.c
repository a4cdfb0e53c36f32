// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fadumpctl info [VMCORE]: what a crash dump is, an ELF core or a
 * kdump-compressed file (makedumpfile).
 *
 * Without an argument it reads /proc/vmcore under the root, as save does;
 * an argument is a file path taken as given (not under the root).
 *
 * JSON keys (a contract for scripts: add keys, never rename):
 *
 *   {
 *     "path": string, "file_size": integer,
 *     "format": "elf" | "kdump",
 *     "dump_level": integer | null,       (makedumpfile -d of a kdump file)
 *     "byte_order": "big" | "little",
 *     "machine": "ppc64" | "x86_64" | "aarch64" | ... | "unknown",
 *     "page_size": integer | null,        (VMCOREINFO PAGESIZE)
 *     "osrelease": string | null,         (VMCOREINFO OSRELEASE)
 *     "crash_time": integer | null,       (VMCOREINFO CRASHTIME, seconds)
 *     "cpus": integer,                    (NT_PRSTATUS notes)
 *     "segments": [ { "paddr", "vaddr", "offset", "filesz", "memsz" } ],
 *                                         (kdump: memory ranges, filesz
 *                                          the bytes of them the file holds)
 *     "notes": [ { "name", "type", "size" } ],   (every note, in order)
 *     "vmcoreinfo": { KEY: VALUE, ... },   (first value of a repeated key)
 *     "panic": string | null,             (first "Kernel panic" record of
 *                                          the crashed kernel's log)
 *     "crashing_cpu": integer | null      (capture boot, /proc/vmcore only:
 *                                          from the crash-info header read
 *                                          through /proc/kcore)
 *   }
 *
 * info --registers [--cpu N] prints the CPUs' registers from their
 * NT_PRSTATUS notes instead (ppc64 dumps); in JSON the object above gains
 *
 *     "registers": [ { "cpu": integer, "gpr": [32 integers], "nip", "msr",
 *                      "orig_gpr3", "ctr", "link", "xer", "ccr", "softe",
 *                      "trap", "dar", "dsisr", "result" } ]
 *
 * info --pages [--zero] counts the dump's pages by class (their struct
 * pages, fadump_page_iter_new()) instead; in JSON the object gains
 *
 *     "pages": { "page_size": integer, "total": integer,
 *                "classes": { "unknown": integer, "free": integer, ...
 *                             every class fadump_page_class_name() names } }
 *
 * A dump without a VMCOREINFO note has nulls and an empty object there; a
 * malformed one is an error, like any other malformed input.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fadumpctl.h"
#include "json.h"

/* Names of the note types a vmcore holds (include/uapi/linux/elf.h). */
static const char *note_type_name(const struct fadump_vmcore_note *n)
{
	static const struct {
		uint32_t type;
		const char *name;
	} core[] = {
		{ 1, "NT_PRSTATUS" }, { 2, "NT_PRFPREG" }, { 3, "NT_PRPSINFO" },
		{ 4, "NT_TASKSTRUCT" }, { 6, "NT_AUXV" },
		{ 0x53494749, "NT_SIGINFO" }, { 0x46494c45, "NT_FILE" },
	};

	if (strcmp(n->name, "VMCOREINFO") == 0 && n->type == 0)
		return "VMCOREINFO";
	if (strcmp(n->name, "CORE") != 0 && strcmp(n->name, "LINUX") != 0)
		return NULL;
	for (size_t i = 0; i < sizeof(core) / sizeof(core[0]); i++)
		if (core[i].type == n->type)
			return core[i].name;
	return NULL;
}

struct facts {
	struct fadump_vmcore_info info;
	bool has_vmcoreinfo;
	const char *osrelease;		/* NULL if absent */
	uint64_t page_size;		/* 0 if absent */
	bool has_crash_time;
	int64_t crash_time;
	char *panic;			/* NULL if the log has none or is unreadable */
	bool has_crashing_cpu;
	uint32_t crashing_cpu;
};

/*
 * In the capture boot the crash-info header names the CPU that crashed;
 * a saved dump does not hold it (it is in the reserved area). Best
 * effort: any failure just leaves it unknown.
 */
static void crashing_cpu(struct cli *cli, struct facts *f)
{
	struct fadump_crashinfo_info in = { .size = sizeof(in) };
	struct fadump_papr_dump *pd = NULL;
	struct fadump_crashinfo *ci = NULL;
	struct fadump_devtree *dt;

	if (fadump_devtree_read(cli->ctx, FADUMP_DT_SOURCE_AUTO, &dt) < 0)
		return;
	if (fadump_papr_dump_from_devtree(cli->ctx, dt, &pd) == 0 &&
	    fadump_crashinfo_read(cli->ctx, pd, &ci) == 0 &&
	    fadump_crashinfo_get_info(ci, &in) == 0 &&
	    in.crashing_cpu != FADUMP_CRASHINFO_CPU_UNKNOWN) {
		f->has_crashing_cpu = true;
		f->crashing_cpu = in.crashing_cpu;
	}
	fadump_crashinfo_unref(ci);
	fadump_papr_dump_unref(pd);
	fadump_devtree_unref(dt);
}

/* The first record of the log that says the kernel panicked. */
static int find_panic(void *userdata, const struct fadump_dmesg_record *rec)
{
	static const char word[] = "Kernel panic";
	char **panic = userdata;
	size_t n = rec->text_len;

	if (n < sizeof(word) - 1 || !memmem(rec->text, n, word, sizeof(word) - 1))
		return 0;
	while (n && (rec->text[n - 1] == '\n' || rec->text[n - 1] == '\0'))
		n--;
	*panic = strndup(rec->text, n);
	if (!*panic)
		cli_oom();
	return 1;	/* found: stop the walk */
}

/* The VMCOREINFO-derived facts; absent is fine, malformed is not. */
static int gather(struct cli *cli, struct fadump_vmcore *vm, struct facts *f)
{
	int ret;

	f->info.size = sizeof(f->info);
	ret = fadump_vmcore_get_info(vm, &f->info);
	if (ret < 0)
		return cli_fail(cli, ret);
	ret = fadump_vmcore_vmcoreinfo_count(vm);
	if (ret == -ENOENT)
		return EXIT_OK;
	if (ret < 0)
		return cli_fail(cli, ret);
	f->has_vmcoreinfo = true;
	if (fadump_vmcore_vmcoreinfo_lookup(vm, "OSRELEASE", &f->osrelease) < 0)
		f->osrelease = NULL;
	ret = fadump_vmcore_page_size(vm, &f->page_size);
	if (ret < 0 && ret != -ENOENT)
		return cli_fail(cli, ret);
	ret = fadump_vmcore_crash_time(vm, &f->crash_time);
	if (ret < 0 && ret != -ENOENT)
		return cli_fail(cli, ret);
	f->has_crash_time = ret == 0;
	/*
	 * The panic message is a bonus: a dump whose log cannot be read (no
	 * ring in VMCOREINFO, an older kernel) is still described.
	 */
	if (fadump_vmcore_dmesg(vm, find_panic, &f->panic, NULL) < 0 &&
	    !f->panic && cli->verbose)
		fprintf(stderr, "fadumpctl: info: no kernel log: %s\n",
			fadump_ctx_get_error(cli->ctx));
	return EXIT_OK;
}

static const char *format_name(enum fadump_vmcore_format format)
{
	const char *name = fadump_vmcore_format_name(format);

	return name ? name : "unknown";
}

static const char *machine_name(unsigned int machine)
{
	const char *name = fadump_machine_name(machine);

	return name ? name : "unknown";
}

static const struct {
	const char *name;
	size_t off;
} named_regs[] = {
#define R(x) { #x, offsetof(struct fadump_ppc64_regs, x) }
	R(nip), R(msr), R(orig_gpr3), R(ctr), R(link), R(xer), R(ccr),
	R(softe), R(trap), R(dar), R(dsisr), R(result),
#undef R
};

static uint64_t reg_value(const struct fadump_ppc64_regs *r, size_t i)
{
	uint64_t v;

	memcpy(&v, (const char *)r + named_regs[i].off, sizeof(v));
	return v;
}

/* The CPUs --cpu selects: [*first, *last). */
static int reg_cpus(struct cli *cli, const struct facts *f, unsigned int *first,
		    unsigned int *last)
{
	if (cli->cpu < 0) {
		*first = 0;
		*last = f->info.cpus;
		return EXIT_OK;
	}
	if ((unsigned long)cli->cpu >= f->info.cpus) {
		fprintf(stderr, "fadumpctl: info: --cpu %ld: the dump has %u CPU%s (0 .. %u)\n",
			cli->cpu, f->info.cpus, f->info.cpus == 1 ? "" : "s",
			f->info.cpus ? f->info.cpus - 1 : 0);
		return EXIT_FAILED;
	}
	*first = (unsigned int)cli->cpu;
	*last = *first + 1;
	return EXIT_OK;
}

static int regs_json(struct cli *cli, struct fadump_vmcore *vm,
		     const struct facts *f, struct json_object *o)
{
	struct json_object *arr = jarr_new();
	unsigned int first, last;
	int ret;

	jadd(o, "registers", arr);
	ret = reg_cpus(cli, f, &first, &last);
	if (ret != EXIT_OK)
		return ret;
	for (unsigned int cpu = first; cpu < last; cpu++) {
		struct fadump_ppc64_regs r = { .size = sizeof(r) };
		struct json_object *j, *gpr;

		ret = fadump_vmcore_get_ppc64_regs(vm, cpu, &r);
		if (ret < 0)
			return cli_fail(cli, ret);
		j = jobj_new();
		gpr = jarr_new();
		jarr_add(arr, j);
		jadd_u64(j, "cpu", cpu);
		jadd(j, "gpr", gpr);
		for (unsigned int i = 0; i < 32; i++)
			jarr_add(gpr, json_object_new_uint64(r.gpr[i]));
		for (size_t i = 0; i < sizeof(named_regs) / sizeof(named_regs[0]); i++)
			jadd_u64(j, named_regs[i].name, reg_value(&r, i));
	}
	return EXIT_OK;
}

/* Pages per class over the whole dump; -v: the rate on stderr. */
static int count_pages(struct cli *cli, struct fadump_vmcore *vm,
		       uint64_t counts[FADUMP_PAGE_CLASS_COUNT], uint64_t *total)
{
	struct fadump_page_run run = { .size = sizeof(run) };
	struct fadump_page_iter *it;
	struct timespec t0, t1;
	int ret;

	*total = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = fadump_page_iter_new(vm, 0, UINT64_MAX,
				   cli->zero ? FADUMP_PAGE_CHECK_ZERO : 0, &it);
	if (ret < 0)
		return cli_fail(cli, ret);
	while ((ret = fadump_page_iter_next(it, &run)) == 1) {
		/* a class newer than this program counts as unknown */
		counts[run.page_class < FADUMP_PAGE_CLASS_COUNT ?
		       run.page_class : FADUMP_PAGE_UNKNOWN] += run.count;
		*total += run.count;
	}
	fadump_page_iter_free(it);
	if (ret < 0)
		return cli_fail(cli, ret);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (cli->verbose) {
		double s = (double)(t1.tv_sec - t0.tv_sec) +
			   (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

		fprintf(stderr, "fadumpctl: info: %" PRIu64 " pages classified "
			"in %.3f s (%.0f pages/s)\n", *total, s,
			s > 0 ? (double)*total / s : 0.0);
	}
	return EXIT_OK;
}

static int pages_json(struct cli *cli, struct fadump_vmcore *vm,
		      const struct facts *f, struct json_object *o)
{
	uint64_t counts[FADUMP_PAGE_CLASS_COUNT] = { 0 }, total;
	struct json_object *p = jobj_new(), *c = jobj_new();
	int ret;

	jadd(o, "pages", p);
	ret = count_pages(cli, vm, counts, &total);
	if (ret != EXIT_OK)
		return ret;
	jadd_u64(p, "page_size", f->page_size);
	jadd_u64(p, "total", total);
	jadd(p, "classes", c);
	for (unsigned int i = 0; i < FADUMP_PAGE_CLASS_COUNT; i++)
		jadd_u64(c, fadump_page_class_name(i), counts[i]);
	return EXIT_OK;
}

static int pages_print(struct cli *cli, struct fadump_vmcore *vm,
		       const struct facts *f)
{
	uint64_t counts[FADUMP_PAGE_CLASS_COUNT] = { 0 }, total;
	char size[SIZE_STR_MAX], all[SIZE_STR_MAX];
	int ret;

	ret = count_pages(cli, vm, counts, &total);
	if (ret != EXIT_OK)
		return ret;
	printf("%" PRIu64 " pages of %s (%s)\n\n", total,
	       format_size(size, f->page_size),
	       format_size(all, total * f->page_size));
	printf("%-14s  %12s  %10s  %6s\n", "CLASS", "PAGES", "SIZE", "SHARE");
	for (unsigned int i = 0; i < FADUMP_PAGE_CLASS_COUNT; i++) {
		if (i == FADUMP_PAGE_ZERO && !cli->zero)
			continue;
		printf("%-14s  %12" PRIu64 "  %10s  %5.1f%%\n",
		       fadump_page_class_name(i), counts[i],
		       format_size(size, counts[i] * f->page_size),
		       total ? 100.0 * (double)counts[i] / (double)total : 0.0);
	}
	return EXIT_OK;
}

static int info_json(struct cli *cli, struct fadump_vmcore *vm,
		     const struct facts *f)
{
	struct json_object *o = jobj_new(), *segs = jarr_new();
	struct json_object *notes = jarr_new(), *vmci = jobj_new();
	int ret;

	jadd_str(o, "path", fadump_vmcore_get_path(vm));
	jadd_u64(o, "file_size", f->info.file_size);
	jadd_str(o, "format", format_name(f->info.format));
	if (f->info.dump_level >= 0)
		jadd_u64(o, "dump_level", (uint64_t)f->info.dump_level);
	else
		jadd_null(o, "dump_level");
	jadd_str(o, "byte_order", f->info.big_endian ? "big" : "little");
	jadd_str(o, "machine", machine_name(f->info.machine));
	if (f->page_size)
		jadd_u64(o, "page_size", f->page_size);
	else
		jadd_null(o, "page_size");
	if (f->osrelease)
		jadd_str(o, "osrelease", f->osrelease);
	else
		jadd_null(o, "osrelease");
	if (f->has_crash_time)
		jadd(o, "crash_time", json_object_new_int64(f->crash_time));
	else
		jadd_null(o, "crash_time");
	jadd_u64(o, "cpus", f->info.cpus);
	jadd(o, "segments", segs);
	jadd(o, "notes", notes);
	jadd(o, "vmcoreinfo", vmci);
	if (f->panic)
		jadd_str(o, "panic", f->panic);
	else
		jadd_null(o, "panic");
	if (f->has_crashing_cpu)
		jadd_u64(o, "crashing_cpu", f->crashing_cpu);
	else
		jadd_null(o, "crashing_cpu");

	for (unsigned int i = 0; i < f->info.segments; i++) {
		struct fadump_vmcore_segment s = { .size = sizeof(s) };
		struct json_object *j = jobj_new();

		jarr_add(segs, j);
		ret = fadump_vmcore_get_segment(vm, i, &s);
		if (ret < 0)
			goto fail;
		jadd_u64(j, "paddr", s.paddr);
		jadd_u64(j, "vaddr", s.vaddr);
		jadd_u64(j, "offset", s.offset);
		jadd_u64(j, "filesz", s.filesz);
		jadd_u64(j, "memsz", s.memsz);
	}
	for (unsigned int i = 0; i < f->info.notes; i++) {
		struct fadump_vmcore_note n = { .size = sizeof(n) };
		struct json_object *j = jobj_new();

		jarr_add(notes, j);
		ret = fadump_vmcore_get_note(vm, i, &n);
		if (ret < 0)
			goto fail;
		jadd_str(j, "name", n.name);
		jadd_u64(j, "type", n.type);
		jadd_u64(j, "size", n.descsz);
	}
	for (int i = 0; f->has_vmcoreinfo; i++) {
		const char *key, *value;

		ret = fadump_vmcore_vmcoreinfo_get(vm, (unsigned int)i, &key,
						   &value);
		if (ret == -ERANGE)
			break;
		if (ret < 0)
			goto fail;
		/* first wins, as in fadump_vmcore_vmcoreinfo_lookup() */
		if (!json_object_object_get_ex(vmci, key, NULL))
			jadd_str(vmci, key, value);
	}
	if (cli->registers) {
		ret = regs_json(cli, vm, f, o);
		if (ret != EXIT_OK) {
			json_object_put(o);
			return ret;
		}
	}
	if (cli->pages) {
		ret = pages_json(cli, vm, f, o);
		if (ret != EXIT_OK) {
			json_object_put(o);
			return ret;
		}
	}
	json_print(o);
	return EXIT_OK;
fail:
	json_object_put(o);
	return cli_fail(cli, ret);
}

/* kdump files: memory ranges, with how much of each the file holds. */
static void print_ranges(struct fadump_vmcore *vm, unsigned int n)
{
	char size[SIZE_STR_MAX], held[SIZE_STR_MAX];

	printf("\n%-18s  %-18s  %-10s  %s\n", "PADDR", "END", "SIZE", "DUMPED");
	for (unsigned int i = 0; i < n; i++) {
		struct fadump_vmcore_segment s = { .size = sizeof(s) };

		if (fadump_vmcore_get_segment(vm, i, &s) < 0)
			continue;	/* i < count: cannot happen */
		printf("0x%016" PRIx64 "  0x%016" PRIx64 "  %-10s  %s\n",
		       s.paddr, s.paddr + s.memsz - (s.memsz != 0),
		       format_size(size, s.memsz), format_size(held, s.filesz));
	}
}

static void print_segments(struct cli *cli, struct fadump_vmcore *vm,
			   unsigned int n, bool kdump)
{
	char size[SIZE_STR_MAX], off[24];

	if (kdump) {
		print_ranges(vm, n);
		return;
	}
	printf("\n%-18s  %-18s  %-10s  %s\n", "PADDR", "END", "SIZE",
	       cli->verbose ? "FILE OFFSET  VADDR" : "FILE OFFSET");
	for (unsigned int i = 0; i < n; i++) {
		struct fadump_vmcore_segment s = { .size = sizeof(s) };

		if (fadump_vmcore_get_segment(vm, i, &s) < 0)
			continue;	/* i < count: cannot happen */
		snprintf(off, sizeof(off), "0x%" PRIx64, s.offset);
		printf("0x%016" PRIx64 "  0x%016" PRIx64 "  %-10s  %-*s",
		       s.paddr, s.paddr + s.memsz - (s.memsz != 0),
		       format_size(size, s.memsz), cli->verbose ? 11 : 0, off);
		if (cli->verbose)
			printf("  0x%016" PRIx64, s.vaddr);
		if (s.filesz != s.memsz)
			printf("  (%" PRIu64 " bytes in the file)", s.filesz);
		printf("\n");
	}
}

/* Notes, with runs of the same name, type and size on one line. */
static void print_notes(struct fadump_vmcore *vm, unsigned int n)
{
	printf("\n%-12s  %-13s  %s\n", "NOTE", "TYPE", "SIZE");
	for (unsigned int i = 0; i < n;) {
		struct fadump_vmcore_note a = { .size = sizeof(a) };
		struct fadump_vmcore_note b = { .size = sizeof(b) };
		const char *type;
		unsigned int run = 1;
		char num[16];

		if (fadump_vmcore_get_note(vm, i, &a) < 0)
			break;
		while (i + run < n && fadump_vmcore_get_note(vm, i + run, &b) == 0 &&
		       b.type == a.type && b.descsz == a.descsz &&
		       strcmp(b.name, a.name) == 0)
			run++;
		type = note_type_name(&a);
		if (!type) {
			snprintf(num, sizeof(num), "%#" PRIx32, a.type);
			type = num;
		}
		printf("%-12s  %-13s  %zu bytes", a.name, type, a.descsz);
		if (run > 1)
			printf(" x %u", run);
		printf("\n");
		i += run;
	}
}

static int info_print(struct cli *cli, struct fadump_vmcore *vm,
		      const struct facts *f)
{
	bool kdump = f->info.format == FADUMP_VMCORE_FORMAT_KDUMP;
	char size[SIZE_STR_MAX], fsize[SIZE_STR_MAX];

	printf("dump:        %s\n", fadump_vmcore_get_path(vm));
	if (f->info.format == FADUMP_VMCORE_FORMAT_KDUMP && f->info.dump_level >= 0)
		printf("format:      kdump-compressed (makedumpfile, dump level %d)\n",
		       f->info.dump_level);
	else if (f->info.format == FADUMP_VMCORE_FORMAT_KDUMP)
		printf("format:      kdump-compressed (makedumpfile)\n");
	else
		printf("format:      ELF core\n");
	printf("machine:     %s, %s-endian\n", machine_name(f->info.machine),
	       f->info.big_endian ? "big" : "little");
	printf("kernel:      %s\n", f->osrelease ? f->osrelease : "unknown");
	if (f->page_size)
		printf("page size:   %s\n", format_size(size, f->page_size));
	else
		printf("page size:   unknown\n");
	if (f->has_crash_time) {
		time_t t = (time_t)f->crash_time;
		struct tm tm;
		char when[64];

		if (gmtime_r(&t, &tm) &&
		    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm))
			printf("crash time:  %s\n", when);
		else
			printf("crash time:  %" PRId64 "\n", f->crash_time);
	} else {
		printf("crash time:  unknown\n");
	}
	printf("cpus:        %u\n", f->info.cpus);
	if (f->has_crashing_cpu)
		printf("crashed on:  CPU %" PRIu32 " (crash-info header)\n",
		       f->crashing_cpu);
	if (f->panic)
		printf("panic:       %s\n", f->panic);
	printf("memory:      %s in %u %s%s (file: %s)\n",
	       format_size(size, f->info.memory_bytes), f->info.segments,
	       kdump ? "range" : "segment", f->info.segments == 1 ? "" : "s",
	       format_size(fsize, f->info.file_size));
	if (kdump && f->info.data_bytes == f->info.memory_bytes)
		printf("dumped:      all of it\n");
	else if (kdump)
		printf("dumped:      %s of it (%s excluded)\n",
		       format_size(size, f->info.data_bytes),
		       format_size(fsize, f->info.memory_bytes - f->info.data_bytes));
	print_segments(cli, vm, f->info.segments, kdump);
	print_notes(vm, f->info.notes);

	if (cli->verbose && f->has_vmcoreinfo) {
		const char *key, *value;

		printf("\nVMCOREINFO\n");
		for (unsigned int i = 0;
		     fadump_vmcore_vmcoreinfo_get(vm, i, &key, &value) == 0; i++)
			printf("  %s=%s\n", key, value);
	}
	return EXIT_OK;
}

static int regs_print(struct cli *cli, struct fadump_vmcore *vm,
		      const struct facts *f)
{
	unsigned int first, last;
	int ret;

	ret = reg_cpus(cli, f, &first, &last);
	if (ret != EXIT_OK)
		return ret;
	for (unsigned int cpu = first; cpu < last; cpu++) {
		struct fadump_ppc64_regs r = { .size = sizeof(r) };

		ret = fadump_vmcore_get_ppc64_regs(vm, cpu, &r);
		if (ret < 0)
			return cli_fail(cli, ret);
		printf("%sCPU %u (NT_PRSTATUS note %u):\n", cpu == first ? "" : "\n",
		       cpu, cpu);
		for (unsigned int i = 0; i < 32; i++)
			printf("  r%-2u %016" PRIx64 "%s", i, r.gpr[i],
			       i % 4 == 3 ? "\n" : "");
		for (size_t i = 0; i < sizeof(named_regs) / sizeof(named_regs[0]); i++)
			printf("  %-9s %016" PRIx64 "%s", named_regs[i].name,
			       reg_value(&r, i), i % 3 == 2 ? "\n" : "");
	}
	return EXIT_OK;
}

int cmd_info(struct cli *cli, int argc, char **argv)
{
	struct facts f = { .info.size = sizeof(f.info) };
	struct fadump_vmcore *vm;
	int ret;

	if (argc > 1)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[1]);
	ret = fadump_vmcore_open(cli->ctx, argc ? argv[0] : NULL, &vm);
	if (ret < 0)
		return cli_fail(cli, ret);
	ret = gather(cli, vm, &f);
	if (ret == EXIT_OK && !argc)
		crashing_cpu(cli, &f);
	if (ret == EXIT_OK && cli->registers && !cli->json)
		ret = regs_print(cli, vm, &f);
	else if (ret == EXIT_OK && cli->pages && !cli->json)
		ret = pages_print(cli, vm, &f);
	else if (ret == EXIT_OK)
		ret = cli->json ? info_json(cli, vm, &f) : info_print(cli, vm, &f);
	free(f.panic);
	fadump_vmcore_unref(vm);
	return ret;
}
