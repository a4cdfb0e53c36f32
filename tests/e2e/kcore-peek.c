// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kcore-peek: what the running kernel sees at its own virtual addresses,
 * read through /proc/kcore, so that the host can check the dump reader's
 * address translation against the kernel itself (tests/e2e/guest-init.sh
 * records, check.py compares with `fadumpctl read --virt` of the dump).
 *
 * /proc/kcore is an ELF core whose PT_LOADs are the kernel's virtual
 * address ranges (linear map, vmemmap, vmalloc): reading it needs no page
 * table walk of ours, which is the point.  Built static for the guest by
 * tests/e2e/run.sh.
 *
 *   kcore-peek read VADDR LEN      print "VADDR LEN HEX" (LEN <= 4096)
 *   kcore-peek u64 VADDR           print the kernel-order u64 at VADDR, hex
 *   kcore-peek vmcoreinfo          print the running kernel's VMCOREINFO
 *                                  (the note /sys/kernel/vmcoreinfo points
 *                                  at, read at its linear-map address)
 *
 * Exit 1 when an address is in no PT_LOAD or cannot be read, 2 on usage
 * errors; the message names what failed.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* arch/powerpc/include/asm/page.h: PAGE_OFFSET of Book3S-64, every version */
#define PPC64_PAGE_OFFSET 0xc000000000000000ull
#define MAX_PHDRS 4096

static int kcore = -1;
static Elf64_Phdr *phdrs;
static unsigned int nphdrs;

static int die(int rc, const char *fmt, const char *arg)
{
	fprintf(stderr, "kcore-peek: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(rc);
}

static void open_kcore(void)
{
	Elf64_Ehdr eh;

	kcore = open("/proc/kcore", O_RDONLY | O_CLOEXEC);
	if (kcore < 0)
		die(1, "cannot open /proc/kcore: %s", strerror(errno));
	if (pread(kcore, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > MAX_PHDRS)
		die(1, "%s is not the ELF64 core this tool expects", "/proc/kcore");
	nphdrs = eh.e_phnum;
	phdrs = calloc(nphdrs, sizeof(*phdrs));
	if (!phdrs)
		die(1, "%s", "out of memory");
	if (pread(kcore, phdrs, nphdrs * sizeof(*phdrs), (off_t)eh.e_phoff) !=
	    (ssize_t)(nphdrs * sizeof(*phdrs)))
		die(1, "cannot read the program headers of %s", "/proc/kcore");
}

/* Read LEN bytes at kernel virtual address VADDR; 0 or -1. */
static int peek(uint64_t vaddr, void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len) {
		const Elf64_Phdr *ph = NULL;
		uint64_t skip, n;
		unsigned int i;

		for (i = 0; i < nphdrs; i++)
			if (phdrs[i].p_type == PT_LOAD && vaddr >= phdrs[i].p_vaddr &&
			    vaddr - phdrs[i].p_vaddr < phdrs[i].p_memsz) {
				ph = &phdrs[i];
				break;
			}
		if (!ph)
			return -1;
		skip = vaddr - ph->p_vaddr;
		n = ph->p_memsz - skip;
		if (n > len)
			n = len;
		if (pread(kcore, p, n, (off_t)(ph->p_offset + skip)) != (ssize_t)n)
			return -1;
		p += n;
		vaddr += n;
		len -= n;
	}
	return 0;
}

static uint64_t number(const char *s)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		die(2, "'%s' is not a number", s);
	return v;
}

static void cmd_read(const char *a, const char *l)
{
	uint64_t vaddr = number(a), len = number(l), i;
	unsigned char buf[4096];

	if (len == 0 || len > sizeof(buf))
		die(2, "LEN %s: from 1 to 4096", l);
	if (peek(vaddr, buf, len) < 0)
		die(1, "cannot read %s through /proc/kcore", a);
	printf("0x%" PRIx64 " %" PRIu64 " ", vaddr, len);
	for (i = 0; i < len; i++)
		printf("%02x", buf[i]);
	printf("\n");
}

static void cmd_u64(const char *a)
{
	uint64_t v;

	if (peek(number(a), &v, sizeof(v)) < 0)
		die(1, "cannot read %s through /proc/kcore", a);
	printf("0x%" PRIx64 "\n", v);
}

static void cmd_vmcoreinfo(void)
{
	unsigned long long paddr, size;
	Elf64_Nhdr nh;
	char *note;
	FILE *f;

	f = fopen("/sys/kernel/vmcoreinfo", "re");
	if (!f || fscanf(f, "%llx %llx", &paddr, &size) != 2)
		die(1, "cannot read %s", "/sys/kernel/vmcoreinfo");
	fclose(f);
	if (size < sizeof(nh) || size > (1u << 20))
		die(1, "implausible VMCOREINFO size in %s", "/sys/kernel/vmcoreinfo");
	note = malloc(size + 1);
	if (!note || peek(PPC64_PAGE_OFFSET + paddr, note, size) < 0)
		die(1, "cannot read the VMCOREINFO note through %s", "/proc/kcore");
	memcpy(&nh, note, sizeof(nh));
	/* "VMCOREINFO\0" padded to 12, then the text */
	if (nh.n_namesz != 11 || sizeof(nh) + 12 + nh.n_descsz > size)
		die(1, "the note at /sys/kernel/vmcoreinfo's address is %s", "not VMCOREINFO");
	fwrite(note + sizeof(nh) + 12, 1, nh.n_descsz, stdout);
	free(note);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die(2, "%s", "usage: kcore-peek read VADDR LEN | u64 VADDR | vmcoreinfo");
	open_kcore();
	if (!strcmp(argv[1], "read") && argc == 4)
		cmd_read(argv[2], argv[3]);
	else if (!strcmp(argv[1], "u64") && argc == 3)
		cmd_u64(argv[2]);
	else if (!strcmp(argv[1], "vmcoreinfo") && argc == 2)
		cmd_vmcoreinfo();
	else
		die(2, "%s", "usage: kcore-peek read VADDR LEN | u64 VADDR | vmcoreinfo");
	return fflush(stdout) ? 1 : 0;
}
