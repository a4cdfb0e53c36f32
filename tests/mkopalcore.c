// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mkopalcore.h's writer. Built into the unit tests, and with
 * -DMKOPALCORE_MAIN as the command the CLI and Python tests use:
 *
 *   mkopalcore [--regions N] [--region-size BYTES] [--cpus N]
 *              [--inactive N] [--zero-percent P] OUT
 *
 * The constants are the kernel's, spelled out:
 *   CRASH_CORE_NOTE_HEAD_BYTES  ALIGN(sizeof(struct elf_note), 4) = 12
 *   CRASH_CORE_NOTE_NAME_BYTES  ALIGN(sizeof("CORE"), 4) = 8
 *   CRASH_CORE_NOTE_DESC_BYTES  ALIGN(sizeof(struct elf_prstatus), 4) = 504
 *   AUXV_DESC_SZ                (2 * AUXV_CNT + 1) * sizeof(Elf64_Off) = 24
 */
#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mkopalcore.h"

#define NOTE_HEAD	12
#define NOTE_NAME	8
#define PRSTATUS_SIZE	504
#define AUXV_DESC	24
#define PR_CURSIG	12
#define PR_PID		32
#define PR_PPID		36
#define PR_REG		112
#define PIR_BASE	0x20	/* the first thread's PIR: chip 0, core 8 */

void mkopalcore_default(struct mkopalcore_spec *spec)
{
	*spec = (struct mkopalcore_spec){
		.regions = 2,
		.region_size = { 256 << 10, 128 << 10 },
		.cpus = 4, .inactive = 1, .crashing = 1,
		.page_size = 64 << 10,
		.opal_base = 0x30000000, .opal_entry = 0x30000010,
		.zero_percent = 25,
	};
}

unsigned char mkopalcore_byte(const struct mkopalcore_spec *spec,
			      unsigned int region, uint64_t offset)
{
	uint64_t block = offset >> 16;

	/* every 4th block zero at 25%: holes a sparse copy leaves */
	if (spec->zero_percent && (block * 100 / 4 + region * 7) % 100 <
				  spec->zero_percent)
		return 0;
	return (unsigned char)(offset * 131 + region * 17 + (offset >> 8) + 1) | 1;
}

uint64_t mkopalcore_notes_size(const struct mkopalcore_spec *spec)
{
	return spec->cpus * (uint64_t)(NOTE_HEAD + NOTE_NAME + PRSTATUS_SIZE) +
	       NOTE_HEAD + NOTE_NAME + AUXV_DESC;
}

static uint64_t header_size(const struct mkopalcore_spec *spec)
{
	return sizeof(Elf64_Ehdr) + (spec->regions + 1) * sizeof(Elf64_Phdr);
}

uint64_t mkopalcore_data_offset(const struct mkopalcore_spec *spec)
{
	uint64_t end = header_size(spec) + mkopalcore_notes_size(spec);

	return (end + spec->page_size - 1) / spec->page_size * spec->page_size;
}

uint64_t mkopalcore_file_size(const struct mkopalcore_spec *spec)
{
	uint64_t size = mkopalcore_data_offset(spec);

	for (unsigned int i = 0; i < spec->regions; i++)
		size += spec->region_size[i];
	return size;
}

static void put16(unsigned char *p, uint16_t v) { v = htobe16(v); memcpy(p, &v, 2); }
static void put32(unsigned char *p, uint32_t v) { v = htobe32(v); memcpy(p, &v, 4); }
static void put64(unsigned char *p, uint64_t v) { v = htobe64(v); memcpy(p, &v, 8); }

/* append_elf64_note(): header, "CORE\0" padded to 8, the descriptor. */
static unsigned char *note(unsigned char *p, uint32_t type, const void *desc,
			   uint32_t len)
{
	put32(p, 5);
	put32(p + 4, len);
	put32(p + 8, type);
	memcpy(p + NOTE_HEAD, "CORE", 5);
	memcpy(p + NOTE_HEAD + NOTE_NAME, desc, len);
	return p + NOTE_HEAD + NOTE_NAME + ((len + 3) & ~3u);
}

static void prstatus(const struct mkopalcore_spec *spec, unsigned int cpu,
		     unsigned char *d)
{
	uint32_t pir = PIR_BASE + cpu;

	memset(d, 0, PRSTATUS_SIZE);
	put32(d + PR_PID, 100 + pir);
	put32(d + PR_PPID, 1);
	if (cpu == spec->crashing)
		put16(d + PR_CURSIG, SIGUSR1);
	for (unsigned int r = 0; r < 32; r++)	/* gpr[r] */
		put64(d + PR_REG + 8 * r, 0x1000u * pir + r);
	put64(d + PR_REG + 8 * 32, spec->opal_base + 0x1000 + 4 * pir); /* nip */
	put64(d + PR_REG + 8 * 33, 0x9000000000001033ull);		/* msr */
}

static unsigned char *notes(const struct mkopalcore_spec *spec,
			    unsigned char *p)
{
	unsigned char d[PRSTATUS_SIZE], *first = p;
	unsigned char auxv[AUXV_DESC];

	/* the first slot is the crashing CPU's, filled when it comes */
	memset(d, 0, sizeof(d));
	p = note(p, NT_PRSTATUS, d, PRSTATUS_SIZE);
	for (unsigned int cpu = 0; cpu < spec->cpus; cpu++) {
		if (cpu >= spec->cpus - spec->inactive)
			continue;	/* HDAT_FADUMP_CORE_INACTIVE */
		prstatus(spec, cpu, d);
		if (cpu == spec->crashing)
			note(first, NT_PRSTATUS, d, PRSTATUS_SIZE);
		else
			p = note(p, NT_PRSTATUS, d, PRSTATUS_SIZE);
	}
	put64(auxv, AT_ENTRY);
	put64(auxv + 8, spec->opal_entry);
	put64(auxv + 16, AT_NULL);
	return note(p, NT_AUXV, auxv, AUXV_DESC);
}

static void headers(const struct mkopalcore_spec *spec, unsigned char *b)
{
	unsigned char *ph = b + sizeof(Elf64_Ehdr);
	uint64_t off = mkopalcore_data_offset(spec), paddr = 0;

	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = ELFCLASS64;
	b[EI_DATA] = ELFDATA2MSB;
	b[EI_VERSION] = EV_CURRENT;
	put16(b + 16, ET_CORE);
	put16(b + 18, EM_PPC64);
	put32(b + 20, EV_CURRENT);
	put64(b + 32, sizeof(Elf64_Ehdr));		/* e_phoff */
	put16(b + 52, sizeof(Elf64_Ehdr));		/* e_ehsize */
	put16(b + 54, sizeof(Elf64_Phdr));		/* e_phentsize */
	put16(b + 56, (uint16_t)(spec->regions + 1));	/* e_phnum */

	put32(ph, PT_NOTE);
	put64(ph + 8, header_size(spec));			/* p_offset */
	put64(ph + 32, mkopalcore_notes_size(spec));		/* p_filesz */
	put64(ph + 40, mkopalcore_notes_size(spec));		/* p_memsz */
	for (unsigned int i = 0; i < spec->regions; i++) {
		ph += sizeof(Elf64_Phdr);
		put32(ph, PT_LOAD);
		put32(ph + 4, PF_R | PF_W | PF_X);
		put64(ph + 8, off);
		put64(ph + 16, spec->opal_base + paddr);	/* p_vaddr */
		put64(ph + 24, paddr);				/* p_paddr */
		put64(ph + 32, spec->region_size[i]);
		put64(ph + 40, spec->region_size[i]);
		off += spec->region_size[i];
		paddr += spec->region_size[i];
	}
}

int mkopalcore_write(const char *path, const struct mkopalcore_spec *spec)
{
	uint64_t size = mkopalcore_file_size(spec), off;
	unsigned char *b;
	int fd, ret = 0;

	if (!spec->regions || spec->regions > MKOPALCORE_MAX_REGIONS ||
	    !spec->cpus || spec->cpus > MKOPALCORE_MAX_CPUS ||
	    spec->inactive >= spec->cpus || spec->crashing >= spec->cpus - spec->inactive)
		return -EINVAL;
	b = calloc(1, size);
	if (!b)
		return -ENOMEM;
	headers(spec, b);
	notes(spec, b + header_size(spec));
	off = mkopalcore_data_offset(spec);
	for (unsigned int i = 0; i < spec->regions; i++)
		for (uint64_t j = 0; j < spec->region_size[i]; j++)
			b[off++] = mkopalcore_byte(spec, i, j);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0400);
	if (fd < 0 || write(fd, b, size) != (ssize_t)size)
		ret = -errno;
	if (fd >= 0 && close(fd) < 0 && !ret)
		ret = -errno;
	free(b);
	return ret;
}

#ifdef MKOPALCORE_MAIN
#include <getopt.h>

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "regions", required_argument, NULL, 'r' },
		{ "region-size", required_argument, NULL, 's' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "inactive", required_argument, NULL, 'i' },
		{ "zero-percent", required_argument, NULL, 'z' },
		{ NULL, 0, NULL, 0 },
	};
	struct mkopalcore_spec spec;
	uint64_t region_size = 0;
	int c, ret;

	mkopalcore_default(&spec);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': spec.regions = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 's': region_size = strtoull(optarg, NULL, 0); break;
		case 'c': spec.cpus = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'i': spec.inactive = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'z': spec.zero_percent = (unsigned int)strtoul(optarg, NULL, 0); break;
		default: return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: mkopalcore [options] OUT\n");
		return 2;
	}
	for (unsigned int i = 0; region_size && i < MKOPALCORE_MAX_REGIONS; i++)
		spec.region_size[i] = region_size;
	ret = mkopalcore_write(argv[optind], &spec);
	if (ret < 0) {
		fprintf(stderr, "mkopalcore: %s: %s\n", argv[optind], strerror(-ret));
		return 1;
	}
	return 0;
}
#endif
