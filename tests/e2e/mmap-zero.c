// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mmap-zero: what a process that mmap()s /proc/vmcore sees, for the
 * end-to-end guest (tests/e2e/guest-init.sh).  The kernel's release_range
 * (kernel/patches/0003) makes /proc/vmcore map the zero page over a range
 * given back to the page allocator; read() is checked with busybox dd, this
 * checks the mapping.  Built static for the guest by tests/e2e/run.sh.
 *
 *   mmap-zero pagesize                  print sysconf(_SC_PAGESIZE)
 *   mmap-zero zero FILE OFFSET LENGTH   exit 0 if the mapping of
 *                                       [OFFSET, OFFSET+LENGTH) is all zeros,
 *                                       1 if not (prints the first non-zero
 *                                       byte's offset)
 *   mmap-zero same FILE OFFSET LENGTH   exit 0 if the mapping and pread() of
 *                                       the range agree, 1 if not; prints how
 *                                       many bytes are non-zero
 *
 * OFFSET and LENGTH: decimal or 0x-hex, page aligned (mmap needs it).
 * Exit 2 on a usage or system error, with a message naming what failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *prog = "mmap-zero";

static int usage(void)
{
	fprintf(stderr,
		"usage: %s pagesize\n"
		"       %s zero|same FILE OFFSET LENGTH\n", prog, prog);
	return 2;
}

static int parse_u64(const char *s, const char *what, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-') {
		fprintf(stderr, "%s: %s '%s' is not a number\n", prog, what, s);
		return -1;
	}
	return 0;
}

/* The range mapped read-only, or NULL with a message. */
static unsigned char *map_range(int fd, const char *path, uint64_t off, uint64_t len)
{
	void *p;

	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, (off_t)off);
	if (p == MAP_FAILED) {
		fprintf(stderr, "%s: mmap %s offset %#" PRIx64 " length %#" PRIx64 ": %s\n",
			prog, path, off, len, strerror(errno));
		return NULL;
	}
	return p;
}

/* pread() the whole range into buf, or -1 with a message. */
static int read_range(int fd, const char *path, uint64_t off, uint64_t len, unsigned char *buf)
{
	uint64_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "%s: read %s at %#" PRIx64 ": %s\n", prog, path,
				off + done, n < 0 ? strerror(errno) : "end of file");
			return -1;
		}
		done += (uint64_t)n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t off, len, i, nonzero = 0;
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *map, *buf;
	int fd, ret;

	if (argc == 2 && !strcmp(argv[1], "pagesize")) {
		printf("%ld\n", page);
		return 0;
	}
	if (argc != 5 || (strcmp(argv[1], "zero") && strcmp(argv[1], "same")))
		return usage();
	if (parse_u64(argv[3], "OFFSET", &off) || parse_u64(argv[4], "LENGTH", &len))
		return 2;
	if (page <= 0 || !len || off % (uint64_t)page || len % (uint64_t)page || len > SIZE_MAX / 2) {
		fprintf(stderr, "%s: OFFSET and LENGTH must be multiples of the page size %ld, LENGTH > 0\n",
			prog, page);
		return 2;
	}

	fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: open %s: %s\n", prog, argv[2], strerror(errno));
		return 2;
	}
	map = map_range(fd, argv[2], off, len);
	if (!map)
		return 2;

	if (!strcmp(argv[1], "zero")) {
		for (i = 0; i < len && !map[i]; i++)
			;
		if (i < len) {
			printf("non-zero byte %#x at offset %#" PRIx64 "\n", map[i], off + i);
			return 1;
		}
		printf("%#" PRIx64 " bytes at offset %#" PRIx64 ": all zero through mmap\n", len, off);
		return 0;
	}

	buf = malloc(len);
	if (!buf) {
		fprintf(stderr, "%s: cannot allocate %#" PRIx64 " bytes\n", prog, len);
		return 2;
	}
	if (read_range(fd, argv[2], off, len, buf))
		return 2;
	ret = 0;
	for (i = 0; i < len; i++) {
		if (map[i] != buf[i]) {
			printf("mmap and read differ at offset %#" PRIx64 ": %#x vs %#x\n",
			       off + i, map[i], buf[i]);
			ret = 1;
			break;
		}
		nonzero += map[i] != 0;
	}
	if (!ret)
		printf("%#" PRIx64 " bytes at offset %#" PRIx64 ": mmap == read, %" PRIu64 " non-zero\n",
		       len, off, nonzero);
	free(buf);
	munmap(map, len);
	close(fd);
	return ret;
}
