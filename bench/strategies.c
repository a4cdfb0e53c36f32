// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The copy strategies tried for the saver, outside the library, so the
 * choice in libfadump/vmcore-stream.c and vmcore-save.c can be measured
 * again on other hardware. Not built by meson:
 *
 *   cc -O2 -o strategies bench/strategies.c
 *   strategies read|mmap|cfr CHUNK_KIB PACE SRC DST
 *
 *   read   pread() into one aligned buffer, zero 4 KiB blocks skipped
 *   mmap   mmap() a CHUNK window of the source (MAP_POPULATE), same
 *   cfr    copy_file_range() (cannot see the data: no holes made)
 *   PACE   0: nothing until fsync(); 1: sync_file_range() WAIT on the
 *          range 32 MiB behind, then drop it; 2 (kept): start writeback
 *          of every 8 MiB (env KICK_KIB) at once, drop the page cache
 *          32 MiB behind, never wait
 *
 * Prints the copy time, the fsync() time and their sum. Drop the page
 * cache before each run (sync; echo 3 > /proc/sys/vm/drop_caches).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LAG (32u << 20)
static uint64_t KICK = 8u << 20;	/* env KICK_KIB overrides */

static int pace;
static uint64_t kicked, dropped;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static bool is_zero(const unsigned char *p, size_t len)
{
	static const unsigned char z[16];

	return memcmp(p, z, 16) == 0 && memcmp(p, p + 16, len - 16) == 0;
}

static void do_pace(int fd, uint64_t end)
{
	if (pace == 2 && end - kicked >= KICK) {
		sync_file_range(fd, (off_t)kicked, (off_t)(end - kicked),
				SYNC_FILE_RANGE_WRITE);
		kicked = end;
	}
	if (!pace || end < LAG || end - LAG <= dropped)
		return;
	if (pace == 1) {
		sync_file_range(fd, (off_t)dropped, (off_t)(end - dropped),
				SYNC_FILE_RANGE_WRITE);
		sync_file_range(fd, (off_t)dropped, (off_t)(end - LAG - dropped),
				SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
				SYNC_FILE_RANGE_WAIT_AFTER);
	}
	posix_fadvise(fd, (off_t)dropped, (off_t)(end - LAG - dropped),
		      POSIX_FADV_DONTNEED);
	dropped = end - LAG;
}

static int sparse_write(int out, const unsigned char *d, size_t len,
			uint64_t off)
{
	size_t run = 0;

	for (size_t i = 0; i < len; i += 4096) {
		size_t n = len - i < 4096 ? len - i : 4096;

		if (!is_zero(d + i, n))
			continue;
		if (i > run && pwrite(out, d + run, i - run, (off_t)(off + run)) < 0)
			return -1;
		run = i + n;
	}
	if (len > run && pwrite(out, d + run, len - run, (off_t)(off + run)) < 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	size_t chunk;
	uint64_t size;
	struct stat st;
	double t0, t1, t2;
	int in, out;

	if (argc != 6) {
		fprintf(stderr, "usage: strategies read|mmap|cfr CHUNK_KIB PACE SRC DST\n");
		return 2;
	}
	chunk = strtoul(argv[2], NULL, 0) << 10;
	pace = atoi(argv[3]);
	if (getenv("KICK_KIB"))
		KICK = strtoull(getenv("KICK_KIB"), NULL, 0) << 10;
	in = open(argv[4], O_RDONLY);
	out = open(argv[5], O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (in < 0 || out < 0 || fstat(in, &st) < 0 || chunk == 0) {
		perror("strategies");
		return 1;
	}
	size = (uint64_t)st.st_size;
	t0 = now();
	posix_fadvise(in, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (strcmp(argv[1], "read") == 0) {
		void *buf;

		if (posix_memalign(&buf, 4096, chunk))
			return 1;
		for (uint64_t off = 0; off < size; off += chunk) {
			size_t n = size - off < chunk ? (size_t)(size - off) : chunk;

			if (pread(in, buf, n, (off_t)off) != (ssize_t)n ||
			    sparse_write(out, buf, n, off) < 0)
				return 1;
			do_pace(out, off + n);
			posix_fadvise(in, (off_t)off, (off_t)n, POSIX_FADV_DONTNEED);
		}
		free(buf);
	} else if (strcmp(argv[1], "mmap") == 0) {
		for (uint64_t off = 0; off < size; off += chunk) {
			size_t n = size - off < chunk ? (size_t)(size - off) : chunk;
			void *m = mmap(NULL, n, PROT_READ, MAP_SHARED | MAP_POPULATE,
				       in, (off_t)off);

			if (m == MAP_FAILED || sparse_write(out, m, n, off) < 0)
				return 1;
			do_pace(out, off + n);
			munmap(m, n);
			posix_fadvise(in, (off_t)off, (off_t)n, POSIX_FADV_DONTNEED);
		}
	} else if (strcmp(argv[1], "cfr") == 0) {
		loff_t a = 0, b = 0;

		while (a < (loff_t)size)
			if (copy_file_range(in, &a, out, &b, chunk, 0) <= 0)
				return 1;
	} else {
		return 2;
	}
	if (ftruncate(out, (off_t)size) < 0)
		return 1;
	t1 = now();
	if (fsync(out) < 0)
		return 1;
	t2 = now();
	printf("%s chunk=%zuK pace=%d: copy %.2f s, fsync %.2f s, total %.2f s\n",
	       argv[1], chunk >> 10, pace, t1 - t0, t2 - t1, t2 - t0);
	return 0;
}
