// SPDX-License-Identifier: LGPL-2.1-or-later
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz-common.h"

static struct fadump_ctx *plain_ctx;
static struct fadump_ctx *root_ctx;
static char root[PATH_MAX];

static void die(const char *what, const char *path)
{
	fprintf(stderr, "fuzz harness: %s %s: %s\n", what, path,
		strerror(errno));
	abort();
}

static struct fadump_ctx *quiet_ctx(const char *at)
{
	struct fadump_ctx *ctx;

	if (fadump_ctx_new(at, &ctx) < 0)
		die("cannot make a context for", at);
	/* Below LOG_EMERG: nothing is printed. */
	fadump_ctx_set_log_priority(ctx, LOG_EMERG - 1);
	return ctx;
}

static void release_contexts(void)
{
	plain_ctx = fadump_ctx_unref(plain_ctx);
	root_ctx = fadump_ctx_unref(root_ctx);
}

struct fadump_ctx *fuzz_ctx(void)
{
	if (!plain_ctx) {
		plain_ctx = quiet_ctx("/");
		atexit(release_contexts);
	}
	return plain_ctx;
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_root(void)
{
	if (root[0])
		nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* <scratch root>/@relpath into @path (PATH_MAX bytes). */
static void scratch_path(char *path, const char *relpath)
{
	int n = snprintf(path, PATH_MAX, "%s/%s", fuzz_root(), relpath);

	if (n < 0 || n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		die("cannot name", relpath);
	}
}

void fuzz_remove_tree(const char *relpath)
{
	char path[PATH_MAX];

	scratch_path(path, relpath);
	nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fuzz_root(void)
{
	const char *base;

	if (root[0])
		return root;
	/*
	 * tmpfs: the file targets rewrite a few files per input, millions
	 * of times; a disk would turn that into I/O.
	 */
	base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
	snprintf(root, sizeof(root), "%s/fadump-fuzz-XXXXXX",
		 base ? base : "/tmp");
	if (!mkdtemp(root))
		die("cannot make", root);
	atexit(remove_root);
	return root;
}

struct fadump_ctx *fuzz_root_ctx(void)
{
	if (!root_ctx) {
		root_ctx = quiet_ctx(fuzz_root());
		if (!plain_ctx)
			atexit(release_contexts);
	}
	return root_ctx;
}

static void make_parents(char *path)
{
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			die("cannot make", path);
		*p = '/';
	}
}

void fuzz_put_file(const char *relpath, const void *data, size_t len)
{
	char path[PATH_MAX];
	int fd;

	scratch_path(path, relpath);
	if (!data) {
		if (unlink(path) < 0 && errno != ENOENT)
			die("cannot remove", path);
		return;
	}
	make_parents(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		die("cannot create", path);
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("cannot write", path);
		data = (const char *)data + n;
		len -= (size_t)n;
	}
	close(fd);
}

unsigned int fuzz_split(const uint8_t *data, size_t size, unsigned int max,
			const uint8_t **starts, size_t *lens)
{
	unsigned int n = 0;

	while (n + 1 < max) {
		const uint8_t *sep = memmem(data, size, FUZZ_SEPARATOR,
					    FUZZ_SEPARATOR_LEN);

		if (!sep)
			break;
		starts[n] = data;
		lens[n++] = (size_t)(sep - data);
		size -= (size_t)(sep - data) + FUZZ_SEPARATOR_LEN;
		data = sep + FUZZ_SEPARATOR_LEN;
	}
	starts[n] = data;
	lens[n++] = size;
	return n;
}

/* Keeps the compiler from dropping reads whose result nobody uses. */
static volatile size_t sink;

size_t fuzz_touch(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	sink += n;
	return n;
}

void fuzz_touch_bytes(const void *data, size_t len)
{
	const unsigned char *p = data;
	unsigned int sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	sink += sum;
}

const char *fuzz_memfile(const void *data, size_t len)
{
	static char path[64];
	static int fd = -1;
	const char *p = data;
	off_t off = 0;

	if (fd < 0) {
		fd = memfd_create("fadump-fuzz", MFD_CLOEXEC);
		if (fd < 0)
			die("cannot make", "a memfd");
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0)
		die("cannot truncate", path);
	while (len > 0) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("cannot write", path);
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return path;
}

#define LINEAR_MAP 0xc000000000000000ULL
#define NOTE_NAME "VMCOREINFO"
#define ALIGN4(x) (((x) + 3) & ~(size_t)3)

static void put(unsigned char *p, bool big, size_t off, uint64_t v,
		unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		p[off + i] = (unsigned char)(v >> (big ? 8 * (bytes - 1 - i) : 8 * i));
}

static void put_phdr(unsigned char *p, bool big, size_t off, uint32_t type,
		     uint64_t offset, uint64_t paddr, uint64_t filesz)
{
	put(p, big, off + offsetof(Elf64_Phdr, p_type), type, 4);
	put(p, big, off + offsetof(Elf64_Phdr, p_flags),
	    type == PT_LOAD ? PF_R | PF_W | PF_X : 0, 4);
	put(p, big, off + offsetof(Elf64_Phdr, p_offset), offset, 8);
	put(p, big, off + offsetof(Elf64_Phdr, p_vaddr),
	    type == PT_LOAD ? LINEAR_MAP + paddr : 0, 8);
	put(p, big, off + offsetof(Elf64_Phdr, p_paddr), paddr, 8);
	put(p, big, off + offsetof(Elf64_Phdr, p_filesz), filesz, 8);
	put(p, big, off + offsetof(Elf64_Phdr, p_memsz), filesz, 8);
}

const char *fuzz_ppc64_core(bool big, const void *info, size_t info_len,
			    uint64_t paddr, const void *mem, size_t mem_len)
{
	size_t phnum = mem_len ? 2 : 1;
	size_t note_off = sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr);
	size_t note_len = sizeof(Elf64_Nhdr) + ALIGN4(sizeof(NOTE_NAME)) +
			  ALIGN4(info_len);
	size_t mem_off = note_off + note_len, total = mem_off + mem_len;
	unsigned char *p = calloc(1, total);
	const char *path;

	if (!p)
		die("out of memory for", "a core");
	memcpy(p, ELFMAG, SELFMAG);
	p[EI_CLASS] = ELFCLASS64;
	p[EI_DATA] = big ? ELFDATA2MSB : ELFDATA2LSB;
	p[EI_VERSION] = EV_CURRENT;
	put(p, big, offsetof(Elf64_Ehdr, e_type), ET_CORE, 2);
	put(p, big, offsetof(Elf64_Ehdr, e_machine), EM_PPC64, 2);
	put(p, big, offsetof(Elf64_Ehdr, e_version), EV_CURRENT, 4);
	put(p, big, offsetof(Elf64_Ehdr, e_phoff), sizeof(Elf64_Ehdr), 8);
	put(p, big, offsetof(Elf64_Ehdr, e_ehsize), sizeof(Elf64_Ehdr), 2);
	put(p, big, offsetof(Elf64_Ehdr, e_phentsize), sizeof(Elf64_Phdr), 2);
	put(p, big, offsetof(Elf64_Ehdr, e_phnum), phnum, 2);

	put_phdr(p, big, sizeof(Elf64_Ehdr), PT_NOTE, note_off, 0, note_len);
	if (mem_len)
		put_phdr(p, big, sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr), PT_LOAD,
			 mem_off, paddr, mem_len);

	put(p, big, note_off + offsetof(Elf64_Nhdr, n_namesz),
	    sizeof(NOTE_NAME), 4);
	put(p, big, note_off + offsetof(Elf64_Nhdr, n_descsz), info_len, 4);
	put(p, big, note_off + offsetof(Elf64_Nhdr, n_type), 0, 4);
	memcpy(p + note_off + sizeof(Elf64_Nhdr), NOTE_NAME, sizeof(NOTE_NAME));
	if (info_len)
		memcpy(p + note_off + sizeof(Elf64_Nhdr) +
		       ALIGN4(sizeof(NOTE_NAME)), info, info_len);
	if (mem_len)
		memcpy(p + mem_off, mem, mem_len);
	path = fuzz_memfile(p, total);
	free(p);
	return path;
}
