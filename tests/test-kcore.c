// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reading the capture boot's memory through <root>/proc/kcore, and the
 * crash-info header and register save area found there.
 *
 * The root is a copy of tests/data/roots/qemu-7.2-le-capture (the e2e
 * guest's device tree), whose ibm,kernel-dump sections put the CPU state
 * (0xa00 bytes) at 0x14000000 and copy boot memory (0x14000000 bytes)
 * from 0 to 0x14010000; the header then sits at 0x14010000 + 0x14000000 =
 * 0x28010000 (fadumphdr_addr, rtas-fadump.c). A fake /proc/kcore is
 * written as fs/proc/kcore.c lays one out: ELF64 ET_CORE, a PT_NOTE, one
 * PT_LOAD per RAM range with p_vaddr = 0xc000000000000000 + p_paddr. The
 * structures in it are the tests/data/metadata blobs, whose values the
 * README there lists.
 */
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fadump.h"
#include "helpers.h"

#define CPU_STATE_ADDR	0x14000000ULL
#define CPU_STATE_LEN	0xa00
#define HEADER_ADDR	0x28010000ULL
#define LINEAR		0xc000000000000000ULL
#define DATA_OFF	0x10000		/* file offset of the first PT_LOAD's data */

struct load {
	uint64_t paddr;		/* UINT64_MAX: not RAM (kcore's -1) */
	uint64_t vaddr;
	uint64_t size;
	const void *data;	/* copied to the start; the rest is zero */
	size_t len;
};

struct env {
	struct fadump_ctx *ctx;
	char *root;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	e->root = fixture_copy("roots/qemu-7.2-le-capture");
	assert_int_equal(fadump_ctx_new(e->root, &e->ctx), 0);
	fadump_ctx_set_log_fn(e->ctx, NULL, NULL);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	fadump_ctx_unref(e->ctx);
	scratch_remove(e->root);
	free(e);
	return 0;
}

static const char *root_path(struct env *e, const char *rel)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", e->root, rel);
	return path;
}

static void put(unsigned char *p, uint64_t v, int bytes, bool big)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (big ? 8 * (bytes - 1 - i) : 8 * i));
}

/* Write <root>/proc/kcore with @n loads, data laid out one after another. */
static void write_kcore(struct env *e, bool big, const struct load *loads,
			unsigned int n)
{
	size_t total = DATA_OFF;
	unsigned char *f;
	uint64_t off = DATA_OFF;

	for (unsigned int i = 0; i < n; i++)
		total += loads[i].size;
	f = calloc(1, total);
	assert_non_null(f);
	memcpy(f, ELFMAG, SELFMAG);
	f[EI_CLASS] = ELFCLASS64;
	f[EI_DATA] = big ? ELFDATA2MSB : ELFDATA2LSB;
	f[EI_VERSION] = EV_CURRENT;
	put(f + 16, ET_CORE, 2, big);
	put(f + 18, EM_PPC64, 2, big);
	put(f + 20, EV_CURRENT, 4, big);
	put(f + 32, 64, 8, big);		/* e_phoff */
	put(f + 52, 64, 2, big);		/* e_ehsize */
	put(f + 54, 56, 2, big);		/* e_phentsize */
	put(f + 56, n + 1, 2, big);		/* e_phnum: PT_NOTE + loads */
	/* phdr 0: an empty PT_NOTE, as kcore's first */
	put(f + 64, PT_NOTE, 4, big);
	put(f + 64 + 8, DATA_OFF, 8, big);
	for (unsigned int i = 0; i < n; i++) {
		unsigned char *ph = f + 64 + 56 * (i + 1);

		put(ph, PT_LOAD, 4, big);
		put(ph + 4, PF_R | PF_W | PF_X, 4, big);
		put(ph + 8, off, 8, big);
		put(ph + 16, loads[i].vaddr, 8, big);
		put(ph + 24, loads[i].paddr, 8, big);
		put(ph + 32, loads[i].size, 8, big);
		put(ph + 40, loads[i].size, 8, big);
		put(ph + 48, 0x10000, 8, big);
		if (loads[i].data)
			memcpy(f + off, loads[i].data, loads[i].len);
		off += loads[i].size;
	}
	scratch_write(e->root, "proc/kcore", f, total);
	free(f);
}

static void error_has(struct env *e, const char *word)
{
	const char *msg = fadump_ctx_get_error(e->ctx);

	if (!msg || !strstr(msg, word))
		print_error("error '%s' lacks '%s'\n", msg ? msg : "(none)", word);
	assert_non_null(msg);
	assert_non_null(strstr(msg, word));
}

/*
 * The layout of the e2e guest: the CPU state by physical address, the
 * header's range found by its linear-map address only (p_paddr -1).
 */
static void write_capture_kcore(struct env *e, bool big, const char *header)
{
	size_t rlen, hlen;
	void *regsave = fixture_load("metadata/regsave-qemu.bin", &rlen);
	void *hdr = fixture_load(header, &hlen);
	struct load loads[] = {
		{ CPU_STATE_ADDR, LINEAR + CPU_STATE_ADDR, 0x10000, regsave, rlen },
		{ UINT64_MAX, LINEAR + HEADER_ADDR, 0x10000, hdr, hlen },
	};

	write_kcore(e, big, loads, 2);
	free(regsave);
	free(hdr);
}

static struct fadump_papr_dump *dump_structure(struct env *e)
{
	struct fadump_papr_dump *pd = NULL;
	struct fadump_devtree *dt = NULL;

	assert_int_equal(fadump_devtree_read(e->ctx, FADUMP_DT_SOURCE_AUTO, &dt), 0);
	assert_int_equal(fadump_papr_dump_from_devtree(e->ctx, dt, &pd), 0);
	fadump_devtree_unref(dt);
	return pd;
}

static void test_crashinfo_read(void **state)
{
	struct env *e = *state;
	struct fadump_crashinfo_info in = { .size = sizeof(in) };
	struct fadump_ppc64_regs r = { .size = sizeof(r) };
	struct fadump_papr_dump *pd;
	struct fadump_crashinfo *ci = NULL;

	write_capture_kcore(e, false, "metadata/crashinfo-fadmpsig-le.bin");
	pd = dump_structure(e);
	assert_int_equal(fadump_crashinfo_read(e->ctx, pd, &ci), 0);
	assert_int_equal(fadump_crashinfo_get_info(ci, &in), 0);
	assert_int_equal(in.layout, FADUMP_CRASHINFO_FADMPSIG);
	assert_int_equal(in.version, 1);
	assert_int_equal(in.byte_order, FADUMP_BYTE_ORDER_LITTLE);
	assert_int_equal(in.crashing_cpu, 3);
	assert_int_equal(in.vmcoreinfo_addr, 0x3f1a0000);
	assert_int_equal(in.pt_regs_size, 384);
	assert_int_equal(in.cpu_mask_size, 256);
	assert_int_equal(fadump_crashinfo_get_regs(ci, &r), 0);
	assert_int_equal(r.nip, 0xc000000000123456ULL);
	assert_int_equal(r.gpr[31], 0xc000000001000000ULL + 31);
	assert_int_equal(fadump_crashinfo_cpu_in_mask(ci, 7), 1);
	assert_int_equal(fadump_crashinfo_cpu_in_mask(ci, 8), 0);
	fadump_crashinfo_unref(ci);
	fadump_papr_dump_unref(pd);
}

/*
 * kernel/patches/0004: the header as the kernel found it, in sysfs. It
 * wins over /proc/kcore, which here holds a different one (big-endian),
 * and is all that is needed: no kcore at all in the second round.
 */
static void test_crashinfo_from_sysfs(void **state)
{
	struct env *e = *state;
	struct fadump_crashinfo_info in = { .size = sizeof(in) };
	struct fadump_papr_dump *pd;
	struct fadump_crashinfo *ci = NULL;
	size_t len;
	void *hdr = fixture_load("metadata/crashinfo-fadmpsig-le.bin", &len);

	write_capture_kcore(e, true, "metadata/crashinfo-fadmpsig-be.bin");
	scratch_write(e->root, "sys/kernel/fadump/crash_info", hdr, len);
	pd = dump_structure(e);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(fadump_crashinfo_read(e->ctx, pd, &ci), 0);
		assert_int_equal(fadump_crashinfo_get_info(ci, &in), 0);
		assert_int_equal(in.byte_order, FADUMP_BYTE_ORDER_LITTLE);
		assert_int_equal(in.crashing_cpu, 3);
		assert_int_equal(fadump_crashinfo_cpu_in_mask(ci, 7), 1);
		fadump_crashinfo_unref(ci);
		ci = NULL;
		unlink(root_path(e, "proc/kcore"));
	}

	/* A file that is not a header is an error, not a fall back to kcore. */
	scratch_write(e->root, "sys/kernel/fadump/crash_info", "garbage", 7);
	write_capture_kcore(e, false, "metadata/crashinfo-fadmpsig-le.bin");
	assert_int_equal(fadump_crashinfo_read(e->ctx, pd, &ci), -EBADMSG);
	assert_null(ci);
	fadump_papr_dump_unref(pd);
	free(hdr);
}

/* A big-endian kernel's kcore and header. */
static void test_crashinfo_read_be(void **state)
{
	struct env *e = *state;
	struct fadump_crashinfo_info in = { .size = sizeof(in) };
	struct fadump_papr_dump *pd;
	struct fadump_crashinfo *ci = NULL;

	write_capture_kcore(e, true, "metadata/crashinfo-fadmpsig-be.bin");
	pd = dump_structure(e);
	assert_int_equal(fadump_crashinfo_read(e->ctx, pd, &ci), 0);
	assert_int_equal(fadump_crashinfo_get_info(ci, &in), 0);
	assert_int_equal(in.byte_order, FADUMP_BYTE_ORDER_BIG);
	assert_int_equal(in.crashing_cpu, 3);
	fadump_crashinfo_unref(ci);
	fadump_papr_dump_unref(pd);
}

static void test_cpuregs_read(void **state)
{
	struct env *e = *state;
	struct fadump_ppc64_regs r = { .size = sizeof(r) };
	struct fadump_cpu_state c = { .size = sizeof(c) };
	struct fadump_papr_dump *pd;
	struct fadump_cpuregs *rs = NULL;

	write_capture_kcore(e, false, "metadata/crashinfo-fadmpsig-le.bin");
	pd = dump_structure(e);
	assert_int_equal(fadump_cpuregs_read(e->ctx, pd, &rs), 0);
	assert_int_equal(fadump_cpuregs_count(rs), 2);
	assert_int_equal(fadump_cpuregs_get_cpu(rs, 1, &c), 0);
	assert_int_equal(c.id, 1);
	assert_int_equal(fadump_cpuregs_get_regs(rs, 1, &r), 0);
	/* README: GPRn = 0xc000000002000000 + 0x100 * cpu + n; NIA + cpu */
	assert_int_equal(r.gpr[5], 0xc000000002000000ULL + 0x100 + 5);
	assert_int_equal(r.nip, 0xc000000000abc000ULL + 1);
	fadump_cpuregs_unref(rs);
	fadump_papr_dump_unref(pd);
}

/* The save area damaged in memory: the parser's error comes through. */
static void test_cpuregs_read_bad_magic(void **state)
{
	struct env *e = *state;
	struct fadump_papr_dump *pd;
	struct fadump_cpuregs *rs = (void *)1;
	struct load loads[] = {
		{ CPU_STATE_ADDR, LINEAR + CPU_STATE_ADDR, 0x10000, "NOTSAVED", 8 },
	};

	write_kcore(e, false, loads, 1);
	pd = dump_structure(e);
	assert_int_equal(fadump_cpuregs_read(e->ctx, pd, &rs), -EBADMSG);
	assert_null(rs);
	error_has(e, "magic");
	fadump_papr_dump_unref(pd);
}

/* The header's address in no PT_LOAD: -ENXIO naming the address. */
static void test_crashinfo_not_in_kcore(void **state)
{
	struct env *e = *state;
	struct fadump_papr_dump *pd;
	struct fadump_crashinfo *ci = (void *)1;
	struct load loads[] = {
		{ CPU_STATE_ADDR, LINEAR + CPU_STATE_ADDR, 0x10000, NULL, 0 },
	};

	write_kcore(e, false, loads, 1);
	pd = dump_structure(e);
	assert_int_equal(fadump_crashinfo_read(e->ctx, pd, &ci), -ENXIO);
	assert_null(ci);
	error_has(e, "0x28010000");
	fadump_papr_dump_unref(pd);
}

/* Zeroes where the header should be: an unknown magic, not a guess. */
static void test_crashinfo_no_magic(void **state)
{
	struct env *e = *state;
	struct fadump_papr_dump *pd;
	struct fadump_crashinfo *ci = NULL;
	struct load loads[] = {
		{ HEADER_ADDR, LINEAR + HEADER_ADDR, 0x10000, NULL, 0 },
	};

	write_kcore(e, false, loads, 1);
	pd = dump_structure(e);
	assert_int_equal(fadump_crashinfo_read(e->ctx, pd, &ci), -EBADMSG);
	error_has(e, "magic");
	fadump_papr_dump_unref(pd);
}

/* Reads span adjacent PT_LOADs; p_paddr is preferred over the linear map. */
static void test_read_spans_loads(void **state)
{
	struct env *e = *state;
	unsigned char a[0x1000], b[0x1000], got[0x20];
	struct load loads[] = {
		{ 0x100000, LINEAR + 0x100000, 0x1000, a, sizeof(a) },
		{ 0x101000, LINEAR + 0x101000, 0x1000, b, sizeof(b) },
		/* a non-RAM range whose vaddr would alias 0x100000: never used */
		{ UINT64_MAX, LINEAR + 0x100000, 0x1000, NULL, 0 },
	};

	memset(a, 0xaa, sizeof(a));
	memset(b, 0xbb, sizeof(b));
	write_kcore(e, true, loads, 3);
	assert_int_equal(fadump_kcore_read(e->ctx, 0x100ff0, got, sizeof(got)), 0);
	for (int i = 0; i < 0x10; i++) {
		assert_int_equal(got[i], 0xaa);
		assert_int_equal(got[0x10 + i], 0xbb);
	}
	/* past the second load: the first missing address is named */
	assert_int_equal(fadump_kcore_read(e->ctx, 0x101ff0, got, sizeof(got)), -ENXIO);
	error_has(e, "0x102000");
}

static void test_no_kcore(void **state)
{
	struct env *e = *state;
	char c;

	assert_int_equal(fadump_kcore_read(e->ctx, 0, &c, 1), -ENOENT);
	error_has(e, "CONFIG_PROC_KCORE");
}

static unsigned char *read_kcore(struct env *e, size_t *len)
{
	char path[4096];
	unsigned char *buf;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/proc/kcore", e->root);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	*len = (size_t)ftell(fp);
	rewind(fp);
	buf = malloc(*len);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, *len, fp), *len);
	fclose(fp);
	return buf;
}

/* Damaged files: each a clean error naming what is wrong. */
static void test_bad_files(void **state)
{
	struct env *e = *state;
	struct load one = { 0x100000, LINEAR + 0x100000, 0x1000, NULL, 0 };
	unsigned char *f;
	size_t len;
	char c;

	scratch_write(e->root, "proc/kcore", "hello", 5);
	assert_int_equal(fadump_kcore_read(e->ctx, 0, &c, 1), -EIO);
	error_has(e, "ELF header");

	scratch_write(e->root, "proc/kcore",
		      "not an ELF file, but long enough for a header........"
		      "..........", 64);
	assert_int_equal(fadump_kcore_read(e->ctx, 0, &c, 1), -EBADMSG);
	error_has(e, "not an ELF");

	write_kcore(e, false, &one, 1);
	f = read_kcore(e, &len);

	f[EI_CLASS] = ELFCLASS32;
	scratch_write(e->root, "proc/kcore", f, len);
	assert_int_equal(fadump_kcore_read(e->ctx, 0x100000, &c, 1), -EOPNOTSUPP);
	error_has(e, "ELF64");
	f[EI_CLASS] = ELFCLASS64;

	put(f + 16, ET_EXEC, 2, false);
	scratch_write(e->root, "proc/kcore", f, len);
	assert_int_equal(fadump_kcore_read(e->ctx, 0x100000, &c, 1), -EBADMSG);
	error_has(e, "ET_CORE");
	put(f + 16, ET_CORE, 2, false);

	put(f + 54, 32, 2, false);
	scratch_write(e->root, "proc/kcore", f, len);
	assert_int_equal(fadump_kcore_read(e->ctx, 0x100000, &c, 1), -EBADMSG);
	error_has(e, "e_phentsize");
	put(f + 54, 56, 2, false);

	put(f + 32, len - 8, 8, false);		/* e_phoff: headers cut off */
	scratch_write(e->root, "proc/kcore", f, len);
	assert_int_equal(fadump_kcore_read(e->ctx, 0x100000, &c, 1), -EIO);
	error_has(e, "program headers");
	put(f + 32, 64, 8, false);

	/* PN_XNUM: the count is section 0's sh_info, capped ... */
	put(f + 56, PN_XNUM, 2, false);
	put(f + 40, 0x400, 8, false);		/* e_shoff */
	put(f + 0x400 + 44, 1u << 20, 4, false);
	scratch_write(e->root, "proc/kcore", f, len);
	assert_int_equal(fadump_kcore_read(e->ctx, 0x100000, &c, 1), -E2BIG);
	error_has(e, "program headers");
	/* ... and used when sane */
	put(f + 0x400 + 44, 2, 4, false);
	scratch_write(e->root, "proc/kcore", f, len);
	assert_int_equal(fadump_kcore_read(e->ctx, 0x100000, &c, 1), 0);
	free(f);
}

/*
 * powernv (powernv-6.1-capture): the region report puts boot memory's
 * copy at 0x180000000 and mem_reserved says 0x180020000 bytes, so the
 * crashed kernel's reservation ends at 0x300020000; its last 64 KiB page
 * holds struct opal_fadump_mem_struct (metadata/opal-fdm-be.bin, written
 * by mkmetadata.py from opal-fadump.h), whose fadumphdr_addr
 * 0x300000000 is the crash-info header's.
 */
#define OPAL_RESV_END	0x300020000ULL
#define OPAL_FDM_ADDR	(OPAL_RESV_END - 0x10000)
#define OPAL_HDR_ADDR	0x300000000ULL

static void powernv_root(struct env *e, const char *fdm, uint64_t fdm_addr)
{
	size_t flen, hlen;
	void *f = fixture_load(fdm, &flen);
	void *hdr = fixture_load("metadata/crashinfo-fadmpsig-be.bin", &hlen);
	/* kcore: the header's page, then the metadata's, both RAM */
	struct load loads[] = {
		{ OPAL_HDR_ADDR, LINEAR + OPAL_HDR_ADDR, 0x10000, hdr, hlen },
		{ fdm_addr, LINEAR + fdm_addr, 0x10000, f, flen },
	};

	fadump_ctx_unref(e->ctx);
	scratch_remove(e->root);
	e->root = fixture_copy("roots/powernv-6.1-capture");
	assert_int_equal(fadump_ctx_new(e->root, &e->ctx), 0);
	fadump_ctx_set_log_fn(e->ctx, NULL, NULL);
	write_kcore(e, true, loads, 2);
	free(f);
	free(hdr);
}

static void test_opal_fdm_read(void **state)
{
	struct env *e = *state;
	struct fadump_opal_fdm_info in = { .size = sizeof(in) };
	struct fadump_crashinfo_info ci_in = { .size = sizeof(ci_in) };
	struct fadump_opal_fdm *fdm = NULL;
	struct fadump_crashinfo *ci = NULL;
	uint64_t addr = 0;

	powernv_root(e, "metadata/opal-fdm-be.bin", OPAL_FDM_ADDR);
	assert_int_equal(fadump_opal_fdm_read(e->ctx, &fdm, &addr), 0);
	assert_int_equal(addr, OPAL_FDM_ADDR);
	assert_int_equal(fadump_opal_fdm_get_info(fdm, &in), 0);
	assert_int_equal(in.region_cnt, 2);
	assert_int_equal(in.registered_regions, 2);
	assert_int_equal(in.byte_order, FADUMP_BYTE_ORDER_BIG);
	assert_int_equal(in.crashinfo_addr, OPAL_HDR_ADDR);
	assert_int_equal(in.boot_memory_size, 0x180000000ULL);
	assert_int_equal(fadump_opal_crashinfo_read(e->ctx, fdm, &ci), 0);
	assert_int_equal(fadump_crashinfo_get_info(ci, &ci_in), 0);
	assert_int_equal(ci_in.layout, FADUMP_CRASHINFO_FADMPSIG);
	assert_int_equal(ci_in.byte_order, FADUMP_BYTE_ORDER_BIG);
	fadump_crashinfo_unref(ci);
	fadump_opal_fdm_unref(fdm);
}

/* A 5.5 - 5.18 little-endian kernel's struct, in a 4 KiB page kernel. */
static void test_opal_fdm_read_le_4k(void **state)
{
	struct env *e = *state;
	struct fadump_opal_fdm_info in = { .size = sizeof(in) };
	struct fadump_opal_fdm *fdm = NULL;
	uint64_t addr = 0;

	powernv_root(e, "metadata/opal-fdm-le.bin", OPAL_RESV_END - 0x1000);
	assert_int_equal(fadump_opal_fdm_read(e->ctx, &fdm, &addr), 0);
	assert_int_equal(addr, OPAL_RESV_END - 0x1000);
	assert_int_equal(fadump_opal_fdm_get_info(fdm, &in), 0);
	assert_int_equal(in.byte_order, FADUMP_BYTE_ORDER_LITTLE);
	fadump_opal_fdm_unref(fdm);
}

/* Something else at the address: its regions are not the report's. */
static void test_opal_fdm_not_the_report(void **state)
{
	struct env *e = *state;
	struct fadump_opal_fdm *fdm = (void *)1;
	size_t len;
	unsigned char *f = fixture_load("metadata/opal-fdm-be.bin", &len);

	powernv_root(e, "metadata/opal-fdm-be.bin", OPAL_FDM_ADDR);
	put(f + 16 + 24 + 16, 0x80000000, 8, true);	/* rgn[1].size */
	{
		struct load loads[] = {
			{ OPAL_FDM_ADDR, LINEAR + OPAL_FDM_ADDR, 0x10000, f, len },
		};

		write_kcore(e, true, loads, 1);
	}
	free(f);
	assert_int_equal(fadump_opal_fdm_read(e->ctx, &fdm, NULL), -ENOENT);
	assert_null(fdm);
	error_has(e, "looked at 0x300010000 (64 KiB pages) and 0x30001f000");
}

static void test_opal_fdm_no_report(void **state)
{
	struct env *e = *state;
	struct fadump_opal_fdm *fdm = NULL;
	struct fadump_crashinfo *ci = NULL;

	powernv_root(e, "metadata/opal-fdm-be.bin", OPAL_FDM_ADDR);
	assert_int_equal(unlink(root_path(e, "sys/kernel/debug/powerpc/fadump_region")), 0);
	assert_int_equal(fadump_opal_fdm_read(e->ctx, &fdm, NULL), -ENOENT);
	error_has(e, "no region report");
	assert_int_equal(fadump_opal_crashinfo_read(e->ctx, NULL, &ci), -EINVAL);
}

static void test_opal_fdm_not_powernv(void **state)
{
	struct env *e = *state;
	struct fadump_opal_fdm *fdm = NULL;

	assert_int_equal(fadump_opal_fdm_read(e->ctx, &fdm, NULL), -EOPNOTSUPP);
	error_has(e, "powernv only");
}

/*
 * The real thing (metadata/README, "Captured"): QEMU powernv10's capture
 * boot, its region report and mem_reserved, the struct and the header
 * where the kernel had them. The header page starts at fadumphdr_addr.
 */
static void test_opal_fdm_read_qemu(void **state)
{
	struct env *e = *state;
	struct fadump_opal_fdm_info in = { .size = sizeof(in) };
	struct fadump_crashinfo_info ci_in = { .size = sizeof(ci_in) };
	struct fadump_opal_fdm *fdm = NULL;
	struct fadump_crashinfo *ci = NULL;
	unsigned char *page = calloc(1, 0x20000);
	size_t flen, hlen;
	void *f = fixture_load("metadata/opal-fdm-qemu-pnv10.bin", &flen);
	void *hdr = fixture_load("metadata/crashinfo-qemu-pnv10.bin", &hlen);
	struct load loads[] = {
		{ 0x65390000, LINEAR + 0x65390000, 0x20000, page, 0x20000 },
	};
	static const char report[] =
		"DUMP: Src: 0x00000000000000, Dest: 0x00000035390000, Size: "
		"0x30000000, Dumped: 0x30000000 bytes\n\nMemory above "
		"0x00000030000000 is reserved for saving crash dump\n";
	uint64_t addr = 0;

	assert_non_null(page);
	memcpy(page, hdr, hlen);
	memcpy(page + 0x2a8, f, flen);
	powernv_root(e, "metadata/opal-fdm-be.bin", OPAL_FDM_ADDR);
	write_kcore(e, true, loads, 1);
	scratch_write(e->root, "sys/kernel/debug/powerpc/fadump_region", report,
		      strlen(report));
	scratch_write(e->root, "sys/kernel/fadump/mem_reserved", "805372584\n", 10);
	assert_int_equal(fadump_opal_fdm_read(e->ctx, &fdm, &addr), 0);
	assert_int_equal(addr, 0x653902a8);
	assert_int_equal(fadump_opal_fdm_get_info(fdm, &in), 0);
	assert_int_equal(in.crashinfo_addr, 0x65390000);
	assert_int_equal(in.boot_memory_size, 0x30000000);
	assert_int_equal(in.verdict, FADUMP_DUMP_COMPLETE);
	assert_int_equal(fadump_opal_crashinfo_read(e->ctx, fdm, &ci), 0);
	assert_int_equal(fadump_crashinfo_get_info(ci, &ci_in), 0);
	assert_int_equal(ci_in.crashing_cpu, 0);
	assert_int_equal(ci_in.vmcoreinfo_addr, 0x36c50000);
	fadump_crashinfo_unref(ci);
	fadump_opal_fdm_unref(fdm);
	free(page);
	free(f);
	free(hdr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_crashinfo_read),
		T(test_crashinfo_read_be),
		T(test_crashinfo_from_sysfs),
		T(test_cpuregs_read),
		T(test_cpuregs_read_bad_magic),
		T(test_crashinfo_not_in_kcore),
		T(test_crashinfo_no_magic),
		T(test_read_spans_loads),
		T(test_no_kcore),
		T(test_bad_files),
		T(test_opal_fdm_read),
		T(test_opal_fdm_read_le_4k),
		T(test_opal_fdm_not_the_report),
		T(test_opal_fdm_no_report),
		T(test_opal_fdm_not_powernv),
		T(test_opal_fdm_read_qemu),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
