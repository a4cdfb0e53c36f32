// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mkkdump: synthetic kdump-compressed files (see mkkdump.h).
 *
 * Built twice: into the unit tests, and with -DMKKDUMP_MAIN as the
 * mkkdump command the Python tests use:
 *
 *   mkkdump [--big|--little] [--version N] [--page-size N]
 *           [--compress plain|zlib|lzo|snappy|zstd|mixed]
 *           [--exclude-every N] [--zero-every N] [--dump-level N]
 *           [--seed N] [--pages N] [--printk] [--describe] OUT
 *
 * --printk puts mkvmcore's printk ring (mkvmcore_crash_log) in memory
 * and its VMCOREINFO in the file, no page excluded; --describe prints the
 * layout as JSON on stdout.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif
#ifdef HAVE_LZO
#include <lzo/lzo1x.h>
#endif
#ifdef HAVE_SNAPPY
#include <snappy-c.h>
#endif

#include "mkkdump.h"

/* sizeof(struct kdump_sub_header) as each header version had it */
static const unsigned int sub_header_size[7] = { 0, 16, 32, 48, 64, 80, 104 };

static char default_vmcoreinfo[512];

void mkkdump_default(struct mkkdump_spec *spec, bool big_endian,
		     unsigned int version, enum mkk_compression compression)
{
	memset(spec, 0, sizeof(*spec));
	spec->big_endian = big_endian;
	spec->header_version = version;
	spec->page_size = 4096;
	spec->compression = compression;
	spec->dump_level = 31;
	spec->machine = big_endian ? "ppc64" : "ppc64le";
	/* boot memory, a hole, a range, a hole, two ranges side by side */
	spec->nranges = 4;
	spec->ranges[0] = (struct mkkdump_range){ 0, 64 };
	spec->ranges[1] = (struct mkkdump_range){ 96, 100 };
	spec->ranges[2] = (struct mkkdump_range){ 256, 30 };
	spec->ranges[3] = (struct mkkdump_range){ 286, 34 };
	spec->max_mapnr = 352;		/* 32 pages of nothing at the top */
	spec->exclude_every = 5;
	spec->zero_every = 7;
	spec->seed = 3;
	spec->cpus = 2;
	snprintf(default_vmcoreinfo, sizeof(default_vmcoreinfo),
		 "OSRELEASE=%s\nPAGESIZE=4096\nSYMBOL(init_uts_ns)=c000000002b41d28\n"
		 "NUMBER(RADIX_MMU)=1\nCRASHTIME=%d\n", MKV_OSRELEASE,
		 MKV_CRASHTIME);
	spec->vmcoreinfo = default_vmcoreinfo;
}

bool mkkdump_present(const struct mkkdump_spec *spec, uint64_t pfn)
{
	for (unsigned int i = 0; i < spec->nranges; i++)
		if (pfn >= spec->ranges[i].start_pfn &&
		    pfn - spec->ranges[i].start_pfn < spec->ranges[i].npages)
			return pfn < spec->max_mapnr;
	return false;
}

bool mkkdump_dumped(const struct mkkdump_spec *spec, uint64_t pfn)
{
	return mkkdump_present(spec, pfn) &&
	       !(spec->exclude_every && pfn % spec->exclude_every == 1);
}

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * Every 4th page is noise no compressor shrinks (stored as is), the
 * others text that all of them do.
 */
void mkkdump_page(const struct mkkdump_spec *spec, uint64_t pfn, void *buf)
{
	unsigned char *p = buf;
	uint64_t base = pfn * spec->page_size;

	if (spec->zero_every && pfn % spec->zero_every == 0) {
		memset(p, 0, spec->page_size);
	} else if (mix(spec->seed ^ pfn) % 4 == 0) {
		for (uint32_t i = 0; i < spec->page_size; i += 8) {
			uint64_t w = mix(spec->seed + pfn * 4096 + i);

			memcpy(p + i, &w, 8);
		}
	} else {
		uint32_t off = 0;

		for (unsigned int line = 0; off < spec->page_size; line++) {
			char text[64];
			int n = snprintf(text, sizeof(text),
					 "pfn %#llx line %u word %llx\n",
					 (unsigned long long)pfn, line,
					 (unsigned long long)(mix(pfn + line) % 97));
			uint32_t len = (uint32_t)n < spec->page_size - off ?
				       (uint32_t)n : spec->page_size - off;

			memcpy(p + off, text, len);
			off += len;
		}
	}
	for (unsigned int i = 0; i < spec->npatches; i++) {
		const struct mkvmcore_patch *pt = &spec->patches[i];

		for (uint32_t j = 0; j < spec->page_size; j++)
			if (base + j >= pt->paddr && base + j - pt->paddr < pt->len)
				p[j] = ((const unsigned char *)pt->data)[base + j - pt->paddr];
	}
}

bool mkkdump_can_compress(enum mkk_compression compression)
{
	switch (compression) {
	case MKK_ZSTD:
#ifdef HAVE_ZSTD
		return true;
#else
		return false;
#endif
	case MKK_LZO:
#ifdef HAVE_LZO
		return true;
#else
		return false;
#endif
	case MKK_SNAPPY:
#ifdef HAVE_SNAPPY
		return true;
#else
		return false;
#endif
	case MKK_MIXED:
		return mkkdump_can_compress(MKK_ZSTD) &&
		       mkkdump_can_compress(MKK_LZO) &&
		       mkkdump_can_compress(MKK_SNAPPY);
	default:
		return true;
	}
}

struct out {
	unsigned char *buf;
	size_t len;
	size_t cap;
	bool big;
};

static int grow(struct out *o, uint64_t end)
{
	if (end > o->cap) {
		size_t cap = o->cap ? o->cap : 65536;
		unsigned char *p;

		while (cap < end)
			cap *= 2;
		p = realloc(o->buf, cap);
		if (!p)
			return -ENOMEM;
		memset(p + o->cap, 0, cap - o->cap);
		o->buf = p;
		o->cap = cap;
	}
	if (end > o->len)
		o->len = end;
	return 0;
}

static void put(struct out *o, uint64_t off, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++) {
		int shift = o->big ? 8 * (bytes - 1 - i) : 8 * i;

		o->buf[off + i] = (unsigned char)(v >> shift);
	}
}

/* One ELF note (4-byte aligned name and descriptor) at @off; its end. */
static uint64_t put_note(struct out *o, uint64_t off, const char *name,
			 uint32_t type, const void *desc, uint32_t descsz,
			 uint64_t *desc_off)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;

	put(o, off, namesz, 4);
	put(o, off + 4, descsz, 4);
	put(o, off + 8, type, 4);
	memcpy(o->buf + off + 12, name, namesz);
	off += 12 + ((namesz + 3) & ~3u);
	if (desc_off)
		*desc_off = off;
	memcpy(o->buf + off, desc, descsz);
	return off + ((descsz + 3) & ~3u);
}

/* The notes of a ppc64 capture kernel: NT_PRSTATUS per CPU, VMCOREINFO. */
static uint64_t notes_size(const struct mkkdump_spec *spec)
{
	uint64_t n = spec->cpus * (12 + 8 + MKV_PPC64_PRSTATUS_SIZE);

	if (spec->vmcoreinfo)
		n += 12 + 12 + ((strlen(spec->vmcoreinfo) + 3) & ~3u);
	return n + 12;	/* the empty note that ends the kernel's buffer */
}

static void write_notes(struct out *o, const struct mkkdump_spec *spec,
			uint64_t off, struct mkkdump_layout *lay)
{
	unsigned char prstatus[MKV_PPC64_PRSTATUS_SIZE];
	struct out d = { .buf = prstatus, .big = o->big };

	lay->note_offset = off;
	for (unsigned int cpu = 0; cpu < spec->cpus; cpu++) {
		memset(prstatus, 0, sizeof(prstatus));
		put(&d, MKV_PRSTATUS_PID, (uint32_t)mkvmcore_pid(cpu), 4);
		for (unsigned int r = 0; r < MKV_PPC64_NGREG; r++)
			put(&d, MKV_PRSTATUS_PR_REG + 8 * r, mkvmcore_reg(cpu, r), 8);
		off = put_note(o, off, "CORE", 1, prstatus, sizeof(prstatus), NULL);
	}
	if (spec->vmcoreinfo) {
		lay->vmcoreinfo_size = strlen(spec->vmcoreinfo);
		off = put_note(o, off, "VMCOREINFO", 0, spec->vmcoreinfo,
			       (uint32_t)lay->vmcoreinfo_size,
			       &lay->vmcoreinfo_offset);
	}
	lay->note_size = off + 12 - lay->note_offset;
}

static uint64_t divideup(uint64_t x, uint64_t y)
{
	return (x + y - 1) / y;
}

static void write_header(struct out *o, const struct mkkdump_spec *spec,
			 const struct mkkdump_layout *lay)
{
	static const char *const uts[6] = {
		"Linux", "fadump-test", MKV_OSRELEASE, "#1 SMP", NULL, "(none)",
	};
	uint32_t status = 0;

	memcpy(o->buf, "KDUMP   ", 8);
	put(o, MKK_DH_VERSION, spec->header_version, 4);
	for (int i = 0; i < 6; i++)
		strncpy((char *)o->buf + 12 + 65 * i,
			i == 4 ? spec->machine : uts[i], 64);
	put(o, 408, MKV_CRASHTIME, 8);		/* timestamp.tv_sec */
	switch (spec->compression) {
	case MKK_ZLIB: status = MKK_DH_ZLIB; break;
	case MKK_LZO: status = MKK_DH_LZO; break;
	case MKK_SNAPPY: status = MKK_DH_SNAPPY; break;
	case MKK_ZSTD: status = MKK_DH_ZSTD; break;
	default: break;
	}
	if (spec->unwritten)
		status |= MKK_DH_INCOMPLETE;
	put(o, MKK_DH_STATUS, status, 4);
	put(o, MKK_DH_BLOCK_SIZE, spec->page_size, 4);
	put(o, MKK_DH_SUB_HDR_SIZE, lay->sub_hdr_blocks, 4);
	put(o, MKK_DH_BITMAP_BLOCKS, lay->bitmap_blocks, 4);
	put(o, MKK_DH_MAX_MAPNR,
	    spec->max_mapnr < 0xffffffffu ? spec->max_mapnr : 0xffffffffu, 4);
	put(o, 460, spec->cpus, 4);		/* nr_cpus */

	/* the sub-header, as far as the version has it */
	put(o, lay->sub_offset + MKK_KH_DUMP_LEVEL, (uint32_t)spec->dump_level, 4);
	if (spec->header_version >= 2 && spec->split) {
		put(o, lay->sub_offset + MKK_KH_SPLIT, 1, 4);
		put(o, lay->sub_offset + 24, spec->max_mapnr / 2, 8);	/* end_pfn */
	}
	if (spec->header_version >= 3 && lay->vmcoreinfo_size) {
		put(o, lay->sub_offset + MKK_KH_OFFSET_VMCOREINFO,
		    lay->vmcoreinfo_offset, 8);
		put(o, lay->sub_offset + MKK_KH_SIZE_VMCOREINFO,
		    lay->vmcoreinfo_size, 8);
	}
	if (spec->header_version >= 4) {
		put(o, lay->sub_offset + MKK_KH_OFFSET_NOTE, lay->note_offset, 8);
		put(o, lay->sub_offset + MKK_KH_SIZE_NOTE, lay->note_size, 8);
	}
	if (spec->header_version >= 6)
		put(o, lay->sub_offset + MKK_KH_MAX_MAPNR_64, spec->max_mapnr, 8);
}

/* @len bytes of @page compressed by @method into @out; 0 if not smaller. */
static size_t compress_page(enum mkk_compression method, const void *page,
			    size_t len, void *out, size_t cap)
{
	switch (method) {
	case MKK_ZLIB: {
		uLongf n = cap;

		if (compress2(out, &n, page, len, Z_BEST_SPEED) != Z_OK)
			return 0;
		return n < len ? n : 0;
	}
#ifdef HAVE_ZSTD
	case MKK_ZSTD: {
		size_t n = ZSTD_compress(out, cap, page, len, 1);

		return !ZSTD_isError(n) && n < len ? n : 0;
	}
#endif
#ifdef HAVE_LZO
	case MKK_LZO: {
		static unsigned char work[LZO1X_1_MEM_COMPRESS];
		lzo_uint n = cap;

		if (lzo1x_1_compress(page, len, out, &n, work) != LZO_E_OK)
			return 0;
		return n < len ? n : 0;
	}
#endif
#ifdef HAVE_SNAPPY
	case MKK_SNAPPY: {
		size_t n = cap;

		if (snappy_compress(page, len, out, &n) != SNAPPY_OK)
			return 0;
		return n < len ? n : 0;
	}
#endif
	default:
		return 0;
	}
}

static uint32_t flag_of(enum mkk_compression method)
{
	static const uint32_t flags[] = {
		[MKK_ZLIB] = MKK_DH_ZLIB, [MKK_LZO] = MKK_DH_LZO,
		[MKK_SNAPPY] = MKK_DH_SNAPPY, [MKK_ZSTD] = MKK_DH_ZSTD,
	};

	return method < MKK_MIXED ? flags[method] : 0;
}

static bool is_zero(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static int write_pages(struct out *o, const struct mkkdump_spec *spec,
		       struct mkkdump_layout *lay)
{
	static const enum mkk_compression cycle[4] = {
		MKK_ZLIB, MKK_LZO, MKK_SNAPPY, MKK_ZSTD,
	};
	size_t cap = 2 * (size_t)spec->page_size + 1024;
	unsigned char *page = malloc(spec->page_size), *cbuf = malloc(cap);
	uint64_t desc = lay->desc_offset, data = lay->data_offset;
	uint64_t zero_offset = 0, written = 0;
	int ret = 0;

	if (!page || !cbuf) {
		ret = -ENOMEM;
		goto out;
	}
	if (spec->dump_level & 1) {
		zero_offset = data;
		ret = grow(o, data + spec->page_size);
		data += spec->page_size;
	}
	for (uint64_t pfn = 0; ret == 0 && pfn < spec->max_mapnr; pfn++) {
		enum mkk_compression method = spec->compression;
		uint32_t flags = 0;
		size_t size;

		if (!mkkdump_dumped(spec, pfn))
			continue;
		if (written++ >= lay->ndumped - spec->unwritten) {
			desc += MKK_PD_SIZE;	/* left zero, as after ENOSPC */
			continue;
		}
		mkkdump_page(spec, pfn, page);
		if ((spec->dump_level & 1) && is_zero(page, spec->page_size)) {
			put(o, desc, zero_offset, 8);
			put(o, desc + 8, spec->page_size, 4);
			desc += MKK_PD_SIZE;
			lay->nzero++;
			continue;
		}
		if (method == MKK_MIXED)
			method = cycle[pfn % 4];
		size = compress_page(method, page, spec->page_size, cbuf, cap);
		if (size) {
			flags = flag_of(method);
			lay->ncompressed++;
		} else if (method != MKK_PLAIN && !mkkdump_can_compress(method)) {
			ret = -EOPNOTSUPP;
			break;
		} else {
			size = spec->page_size;
			memcpy(cbuf, page, size);
			lay->nplain++;
		}
		ret = grow(o, data + size);
		if (ret < 0)
			break;
		memcpy(o->buf + data, cbuf, size);
		put(o, desc, data, 8);
		put(o, desc + 8, size, 4);
		put(o, desc + 12, flags, 4);
		desc += MKK_PD_SIZE;
		data += size;
	}
out:
	free(page);
	free(cbuf);
	return ret;
}

static void set_bit(struct out *o, uint64_t off, uint64_t pfn)
{
	o->buf[off + pfn / 8] |= (unsigned char)(1u << (pfn % 8));
}

static int write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int mkkdump_write(const char *path, const struct mkkdump_spec *spec,
		  struct mkkdump_layout *layout)
{
	struct mkkdump_layout lay = { 0 };
	struct out o = { .big = spec->big_endian };
	uint64_t bs = spec->page_size, sub_len, bitmap_len;
	int fd, ret;

	if (spec->header_version < 1 || spec->header_version > 6 || bs < 512)
		return -EINVAL;
	lay.sub_offset = bs;
	sub_len = sub_header_size[spec->header_version];
	if (spec->header_version >= 4)
		sub_len += notes_size(spec);
	else if (spec->header_version == 3 && spec->vmcoreinfo)
		sub_len += strlen(spec->vmcoreinfo);
	lay.sub_hdr_blocks = (uint32_t)divideup(sub_len, bs);
	bitmap_len = divideup(divideup(spec->max_mapnr, 8), bs) * bs;
	lay.bitmap_blocks = (uint32_t)(2 * bitmap_len / bs);
	lay.bitmap_offset = (1 + lay.sub_hdr_blocks) * bs;
	lay.desc_offset = lay.bitmap_offset + 2 * bitmap_len;
	for (uint64_t pfn = 0; pfn < spec->max_mapnr; pfn++)
		lay.ndumped += mkkdump_dumped(spec, pfn);
	lay.data_offset = lay.desc_offset + lay.ndumped * MKK_PD_SIZE;

	ret = grow(&o, lay.data_offset);
	if (ret < 0)
		goto out;
	if (spec->header_version >= 4) {
		write_notes(&o, spec, lay.sub_offset +
			    sub_header_size[spec->header_version], &lay);
	} else if (spec->header_version == 3 && spec->vmcoreinfo) {
		lay.vmcoreinfo_offset = lay.sub_offset + sub_header_size[3];
		lay.vmcoreinfo_size = strlen(spec->vmcoreinfo);
		memcpy(o.buf + lay.vmcoreinfo_offset, spec->vmcoreinfo,
		       lay.vmcoreinfo_size);
	}
	write_header(&o, spec, &lay);
	for (uint64_t pfn = 0; pfn < spec->max_mapnr; pfn++) {
		if (mkkdump_present(spec, pfn))
			set_bit(&o, lay.bitmap_offset, pfn);
		if (mkkdump_dumped(spec, pfn))
			set_bit(&o, lay.bitmap_offset + bitmap_len, pfn);
	}
	ret = write_pages(&o, spec, &lay);
	if (ret < 0)
		goto out;

	lay.file_size = o.len;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	ret = write_all(fd, o.buf, o.len);
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && layout)
		*layout = lay;
out:
	free(o.buf);
	return ret;
}

#ifdef MKKDUMP_MAIN
#include <getopt.h>
#include <inttypes.h>

static enum mkk_compression parse_compression(const char *s)
{
	static const char *const names[] = {
		"plain", "zlib", "lzo", "snappy", "zstd", "mixed",
	};

	for (int i = 0; i <= MKK_MIXED; i++)
		if (strcmp(s, names[i]) == 0)
			return (enum mkk_compression)i;
	fprintf(stderr, "mkkdump: unknown compression '%s'\n", s);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "big", no_argument, NULL, 'b' },
		{ "little", no_argument, NULL, 'l' },
		{ "version", required_argument, NULL, 'v' },
		{ "page-size", required_argument, NULL, 'p' },
		{ "compress", required_argument, NULL, 'c' },
		{ "exclude-every", required_argument, NULL, 'x' },
		{ "zero-every", required_argument, NULL, 'z' },
		{ "dump-level", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ "pages", required_argument, NULL, 'n' },
		{ "describe", no_argument, NULL, 'D' },
		{ "printk", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct mkkdump_spec spec;
	struct mkkdump_layout lay;
	bool big = false, describe = false, printk = false;
	static struct mkvmcore_printk pk;
	struct mkvmcore_spec elf;
	unsigned int version = 6;
	enum mkk_compression comp = MKK_ZLIB;
	long page = 0, exclude = -1, zero = -1, level = -1, pages = 0;
	unsigned long long seed = 0;
	char text[512];
	int c, ret;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'b': big = true; break;
		case 'l': big = false; break;
		case 'v': version = (unsigned int)atoi(optarg); break;
		case 'p': page = atol(optarg); break;
		case 'c': comp = parse_compression(optarg); break;
		case 'x': exclude = atol(optarg); break;
		case 'z': zero = atol(optarg); break;
		case 'd': level = atol(optarg); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': pages = atol(optarg); break;
		case 'D': describe = true; break;
		case 'k': printk = true; break;
		default: return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: mkkdump [options] OUT\n");
		return 2;
	}
	mkkdump_default(&spec, big, version, comp);
	if (page > 0) {
		spec.page_size = (uint32_t)page;
		snprintf(text, sizeof(text), "OSRELEASE=%s\nPAGESIZE=%ld\n"
			 "CRASHTIME=%d\n", MKV_OSRELEASE, page, MKV_CRASHTIME);
		spec.vmcoreinfo = text;
	}
	if (exclude >= 0)
		spec.exclude_every = (unsigned int)exclude;
	if (zero >= 0)
		spec.zero_every = (unsigned int)zero;
	if (level >= 0)
		spec.dump_level = (int)level;
	if (seed)
		spec.seed = seed;
	if (pages > 0) {
		/* one range of @pages after a 16-page hole, 16 missing above */
		spec.nranges = 1;
		spec.ranges[0] = (struct mkkdump_range){ 16, (uint64_t)pages };
		spec.max_mapnr = 32 + (uint64_t)pages;
	}
	if (printk) {
		/* the ring's image and VMCOREINFO, made for an ELF dump */
		mkvmcore_default(&elf, big);
		mkvmcore_printk_init(&pk);
		if (mkvmcore_printk_build(&pk, mkvmcore_crash_log,
					  MKV_CRASH_LOG_LEN, &elf) < 0)
			return 2;
		spec.vmcoreinfo = elf.vmcoreinfo;
		spec.npatches = elf.npatches;
		memcpy(spec.patches, elf.patches, sizeof(spec.patches));
		spec.exclude_every = 0;
		/* the VMCOREINFO says 64 KiB pages: the ring is in pfn 1 */
		spec.page_size = 65536;
		spec.max_mapnr = 40;
		spec.nranges = 2;
		spec.ranges[0] = (struct mkkdump_range){ 0, 16 };
		spec.ranges[1] = (struct mkkdump_range){ 20, 19 };
	}
	ret = mkkdump_write(argv[optind], &spec, &lay);
	if (ret < 0) {
		fprintf(stderr, "mkkdump: %s: %s\n", argv[optind], strerror(-ret));
		return 1;
	}
	if (describe)
		printf("{\"file_size\": %" PRIu64 ", \"page_size\": %" PRIu32
		       ", \"max_mapnr\": %" PRIu64 ", \"dumped\": %" PRIu64
		       ", \"zero\": %" PRIu64 ", \"compressed\": %" PRIu64
		       ", \"plain\": %" PRIu64 ", \"desc_offset\": %" PRIu64 "}\n",
		       lay.file_size, spec.page_size, spec.max_mapnr,
		       lay.ndumped, lay.nzero, lay.ncompressed, lay.nplain,
		       lay.desc_offset);
	return 0;
}
#endif
