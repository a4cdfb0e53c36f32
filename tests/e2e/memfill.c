// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * memfill: put recognisable pages into the crashing kernel's memory and find
 * them again in the capture boot's /proc/vmcore (tests/e2e/guest-init.sh).
 *
 * The release_range checks need a range whose contents are known to be
 * non-zero before the release, so that "reads as zeros afterwards" proves
 * something; the memory-over-time proof needs a dump that is not 98% holes,
 * so that the save has real data to write; the filtered save's checks need
 * pages of each kind a dump level leaves out (process memory, page cache,
 * free memory), each kind with a marker of its own, to find in the dump.
 * Built static for the guest by tests/e2e/run.sh.
 *
 * A marked page starts with an 8-byte MARK ("E2E-FILL" unless given) and
 * the page's index (native-endian u64); the rest is a non-zero byte
 * pattern (byte i holds i % 251 + 1), which tells a marked page from a
 * copy of the marker string elsewhere (this program's own text).
 *
 *   memfill fill FILE MIB [MARK]
 *       write MIB MiB of marked pages to FILE (on a tmpfs: the pages then sit
 *       in RAM when the kernel crashes; on a disk: in its page cache).
 *   memfill anon MIB MARK
 *       fill MIB MiB of anonymous memory with marked pages and exit: the
 *       pages go back to the allocator with their contents (free memory).
 *   memfill hold MIB MARK
 *       the same, in a child that stays alive (paused) with its memory; the
 *       command returns once every page is written.
 *   memfill find FILE OFFSET LENGTH PAGES COUNT
 *       print the file offsets (hex, one a line) of at most COUNT disjoint
 *       runs of PAGES contiguous marked pages in [OFFSET, OFFSET+LENGTH);
 *       OFFSET is rounded up to a page.  Exit 1 if none was found.
 *
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

#define MARK "E2E-FILL"
#define MARK_LEN 8

static const char *prog = "memfill";

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

/* The marked page of index i, in buf (page bytes). */
static void mark_page(unsigned char *buf, size_t page, const char *mark, uint64_t i)
{
	size_t j;

	for (j = MARK_LEN + sizeof(i); j < page; j++)
		buf[j] = (unsigned char)(j % 251 + 1);
	memcpy(buf, mark, MARK_LEN);
	memcpy(buf + MARK_LEN, &i, sizeof(i));
}

/* A marker is exactly MARK_LEN characters (they are compared as such). */
static int check_mark(const char *mark)
{
	if (strlen(mark) != MARK_LEN) {
		fprintf(stderr, "%s: MARK '%s' is not %d characters\n", prog, mark, MARK_LEN);
		return -1;
	}
	return 0;
}

static int fill(const char *path, uint64_t mib, size_t page, const char *mark)
{
	uint64_t pages = (mib << 20) / page, i;
	unsigned char *buf;
	size_t done;
	ssize_t n;
	int fd;

	buf = malloc(page);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (!buf || fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return 2;
	}
	for (i = 0; i < pages; i++) {
		mark_page(buf, page, mark, i);
		for (done = 0; done < page; done += (size_t)n) {
			n = write(fd, buf + done, page - done);
			if (n < 0 && errno == EINTR) {
				n = 0;
				continue;
			}
			if (n <= 0) {
				fprintf(stderr, "%s: write %s page %" PRIu64 ": %s\n", prog, path, i,
					n < 0 ? strerror(errno) : "short write");
				return 2;
			}
		}
	}
	if (close(fd)) {
		fprintf(stderr, "%s: close %s: %s\n", prog, path, strerror(errno));
		return 2;
	}
	printf("%" PRIu64 " %.8s pages of %zu bytes in %s\n", pages, mark, page, path);
	return 0;
}

/*
 * Anonymous memory full of marked pages.  With hold, a child keeps it
 * (paused until the crash) and tells the parent through a pipe that every
 * page is written; without, the process exits and the pages are freed
 * with their contents still in them.
 */
static int anon(uint64_t mib, size_t page, const char *mark, int hold)
{
	uint64_t pages = (mib << 20) / page, i;
	unsigned char *mem;
	int pipefd[2];
	char ok = 0;
	pid_t pid;

	if (hold) {
		if (pipe(pipefd)) {
			fprintf(stderr, "%s: pipe: %s\n", prog, strerror(errno));
			return 2;
		}
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "%s: fork: %s\n", prog, strerror(errno));
			return 2;
		}
		if (pid > 0) {
			close(pipefd[1]);
			if (read(pipefd[0], &ok, 1) != 1 || ok != 1) {
				fprintf(stderr, "%s: the holder (pid %d) did not fill its memory\n",
					prog, (int)pid);
				return 2;
			}
			printf("%" PRIu64 " %.8s pages of %zu bytes held by pid %d\n", pages, mark,
			       page, (int)pid);
			return 0;
		}
		close(pipefd[0]);
	}
	mem = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		fprintf(stderr, "%s: mmap %" PRIu64 " MiB: %s\n", prog, mib, strerror(errno));
		return 2;
	}
	for (i = 0; i < pages; i++)
		mark_page(mem + i * page, page, mark, i);
	if (!hold) {
		printf("%" PRIu64 " %.8s pages of %zu bytes written, exiting\n", pages, mark, page);
		return 0;
	}
	ok = 1;
	if (write(pipefd[1], &ok, 1) != 1)
		_exit(2);
	close(pipefd[1]);
	/* stdout and stderr may be files on the disk the crash leaves behind */
	close(STDOUT_FILENO);
	close(STDERR_FILENO);
	for (;;)
		pause();
}

/* Is the page at off marked?  -1 on a read error (message printed). */
static int marked(int fd, const char *path, uint64_t off)
{
	char head[MARK_LEN];
	ssize_t n;

	do {
		n = pread(fd, head, sizeof(head), (off_t)off);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		fprintf(stderr, "%s: read %s at %#" PRIx64 ": %s\n", prog, path, off, strerror(errno));
		return -1;
	}
	return n == MARK_LEN && !memcmp(head, MARK, MARK_LEN);
}

static int find(const char *path, uint64_t off, uint64_t len, uint64_t want, uint64_t count,
		size_t page)
{
	uint64_t end, run_start = 0, run = 0, found = 0;
	int fd, m;

	if (off > UINT64_MAX - len || !want || !count) {
		fprintf(stderr, "%s: bad range or counts\n", prog);
		return 2;
	}
	end = off + len;
	off = (off + page - 1) / page * page;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: open %s: %s\n", prog, path, strerror(errno));
		return 2;
	}
	for (; off + page <= end && found < count; off += page) {
		m = marked(fd, path, off);
		if (m < 0)
			return 2;
		if (!m) {
			run = 0;
			continue;
		}
		if (!run++)
			run_start = off;
		if (run == want) {
			printf("%#" PRIx64 "\n", run_start);
			found++;
			run = 0;
		}
	}
	close(fd);
	return found ? 0 : 1;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t a, b, c, d;

	if (page <= 0)
		return 2;
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "fill")) {
		if (parse_u64(argv[3], "MIB", &a) || a > (1 << 20) ||
		    (argc == 5 && check_mark(argv[4])))
			return 2;
		return fill(argv[2], a, (size_t)page, argc == 5 ? argv[4] : MARK);
	}
	if (argc == 4 && (!strcmp(argv[1], "anon") || !strcmp(argv[1], "hold"))) {
		if (parse_u64(argv[2], "MIB", &a) || a > (1 << 20) || check_mark(argv[3]))
			return 2;
		return anon(a, (size_t)page, argv[3], argv[1][0] == 'h');
	}
	if (argc == 7 && !strcmp(argv[1], "find")) {
		if (parse_u64(argv[3], "OFFSET", &a) || parse_u64(argv[4], "LENGTH", &b) ||
		    parse_u64(argv[5], "PAGES", &c) || parse_u64(argv[6], "COUNT", &d))
			return 2;
		return find(argv[2], a, b, c, d, (size_t)page);
	}
	fprintf(stderr, "usage: %s fill FILE MIB [MARK]\n"
		"       %s anon|hold MIB MARK\n"
		"       %s find FILE OFFSET LENGTH PAGES COUNT\n", prog, prog, prog);
	return 2;
}
