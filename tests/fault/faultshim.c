// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * faultshim: an LD_PRELOAD library that makes the C library calls
 * fadump_vmcore_save() makes on its destination fail on demand, records
 * them, and plays the kernel's release_mem and release_range stores.
 * Test-only: built by tests/fault/meson.build, never installed.
 *
 * Environment (all optional):
 *   FADUMP_FAULT_DIR=DIR       the destination directory: only calls on
 *                              DIR, on files in it and on names in it count
 *   FADUMP_FAULT=OP:N:KIND[,...]  the N-th counted call (from 1) of OP fails:
 *                              KIND ENOSPC, EIO, EDQUOT, EROFS, EACCES: -1 with
 *                              that errno, the call not made; EINTR: -1 EINTR
 *                              once, later calls are real; short: pwrite/write
 *                              write half the bytes, once
 *   FADUMP_FAULT_TRACE=FILE    one line per counted call appended to FILE:
 *                              "OP FD OFFSET LEN RESULT ERRNO KIND PATH"
 *                              (KIND: d directory, f file, - a name)
 *   FADUMP_FAULT_DELAY_US=N    sleep N microseconds before each counted
 *                              write (makes a save slow enough to kill)
 *   FADUMP_FAULT_SYNC_DELAY_US=N  the same before each other counted call
 *                              (open, fsync, link...) and release_mem: the
 *                              few calls that publish the dump get their
 *                              share of the kills
 *   FADUMP_FAKE_ROOT=ROOT      writes to ROOT/sys/kernel/fadump/release_mem
 *                              and release_range behave as the kernel's
 *                              stores (below) and are traced too
 *   FADUMP_FAKE_RESERVED=S-E   release_range refuses ranges touching [S, E)
 *                              with ERANGE (hex), as the kernel does for
 *                              memory that stays reserved
 *   FADUMP_FAULT_SYSFS_DELAY_US=N  with FADUMP_FAKE_ROOT: any write to a
 *                              file under ROOT/sys is traced ("sysfs NAME
 *                              VALUE RESULT ERRNO") and returns N
 *                              microseconds late (widens the window between
 *                              a control operation's write and its read-back)
 *   FADUMP_FAULT_NO_TMPFILE=1  an O_TMPFILE open in the directory fails with
 *                              EOPNOTSUPP, as on a filesystem without it
 *                              (not counted: no call is made)
 *   FADUMP_FAULT_NOLOCK=1      flock() does nothing and succeeds: the library
 *                              as if it had no control lock
 *   FADUMP_FAULT_ATTR=NAME:ACTION  an open for writing of a file called NAME
 *                              (anywhere): ACTION remove (unlink it first),
 *                              dir (replace it by a directory first), EROFS
 *                              or EACCES (fail the open)
 *
 * OPs: open (open, openat, creat and their 64/fortify variants), pwrite,
 * write, fsync, fdatasync, ftruncate, sync_file_range, linkat, renameat
 * (renameat, renameat2, rename), unlinkat (unlinkat, unlink), close.
 *
 * Fake stores: release_mem "1" removes ROOT/proc/vmcore, as
 * release_mem_store() does, or fails with EPERM when it is already gone;
 * release_range "START SIZE" (hex) fails with EINVAL when not aligned to
 * the page size (this machine's, as the library's), ERANGE when it touches FADUMP_FAKE_RESERVED, EBUSY when it
 * overlaps a range this process released before. Both also write the
 * bytes to the file so a test can see that a write happened.
 */
/* Both open() and open64() are defined here: no redirection of one to the other. */
#undef _FILE_OFFSET_BITS
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

enum op {
	OP_OPEN, OP_PWRITE, OP_WRITE, OP_FSYNC, OP_FDATASYNC, OP_FTRUNCATE,
	OP_SYNC_FILE_RANGE, OP_LINKAT, OP_RENAMEAT, OP_UNLINKAT, OP_CLOSE,
	OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
	"open", "pwrite", "write", "fsync", "fdatasync", "ftruncate",
	"sync_file_range", "linkat", "renameat", "unlinkat", "close",
};

enum fault_kind { K_NONE, K_ERRNO, K_EINTR, K_SHORT };

#define MAX_FAULTS 16
static struct fault {
	enum op op;
	unsigned long nth;
	enum fault_kind kind;
	int err;
} faults[MAX_FAULTS];
static int nfaults;

/* What an fd is: nothing of ours, the directory, a file in it, a store. */
enum track { T_NONE, T_DIR, T_FILE, T_RELEASE_MEM, T_RELEASE_RANGE, T_SYSFS };
#define MAX_FD 4096
static unsigned char tracked[MAX_FD];

static unsigned long counts[OP_COUNT];
static char dir[PATH_MAX];
static size_t dirlen;
static char root[PATH_MAX];
static int trace_fd = -1;
static useconds_t delay_us, sync_delay_us, sysfs_delay_us;
static bool nolock, no_tmpfile;
static uint64_t reserved_start, reserved_end;
static char attr_name[NAME_MAX + 1];
static char attr_action[16];

/* Ranges released through the fake store, for its EBUSY. */
#define MAX_RANGES 4096
static struct { uint64_t start, end; } released[MAX_RANGES];
static int nreleased;

static int (*real_open)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static ssize_t (*real_pwrite)(int, const void *, size_t, off64_t);
static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_ftruncate)(int, off64_t);
static int (*real_sync_file_range)(int, off64_t, off64_t, unsigned int);
static int (*real_linkat)(int, const char *, int, const char *, int);
static int (*real_renameat)(int, const char *, int, const char *);
static int (*real_renameat2)(int, const char *, int, const char *,
			     unsigned int);
static int (*real_unlinkat)(int, const char *, int);
static int (*real_close)(int);

static _Noreturn void die(const char *msg)
{
	/* No stdio: it may be what the program under test is using. */
	if (real_write) {
		real_write(2, "faultshim: ", 11);
		real_write(2, msg, strlen(msg));
		real_write(2, "\n", 1);
	}
	_exit(99);
}

static void *sym(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (!p)
		die(name);
	return p;
}

static int parse_errno(const char *s)
{
	static const struct { const char *name; int err; } names[] = {
		{ "ENOSPC", ENOSPC }, { "EIO", EIO }, { "EDQUOT", EDQUOT },
		{ "EROFS", EROFS }, { "EACCES", EACCES }, { "EPERM", EPERM },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0)
			return names[i].err;
	return 0;
}

static void parse_faults(const char *spec)
{
	char buf[1024], *save = NULL, *item;

	if (strlen(spec) >= sizeof(buf))
		die("FADUMP_FAULT too long");
	strcpy(buf, spec);
	for (item = strtok_r(buf, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		char *op = item, *n = strchr(item, ':'), *kind, *end;
		struct fault f = { 0 };
		int i;

		if (!n || !(kind = strchr(n + 1, ':')))
			die("FADUMP_FAULT: expected OP:N:KIND");
		*n++ = '\0';
		*kind++ = '\0';
		for (i = 0; i < OP_COUNT && strcmp(op, op_names[i]); i++)
			;
		if (i == OP_COUNT)
			die("FADUMP_FAULT: unknown OP");
		f.op = (enum op)i;
		f.nth = strtoul(n, &end, 10);
		if (*end || f.nth == 0)
			die("FADUMP_FAULT: N must be a number from 1");
		if (strcmp(kind, "EINTR") == 0) {
			f.kind = K_EINTR;
		} else if (strcmp(kind, "short") == 0) {
			f.kind = K_SHORT;
		} else {
			f.kind = K_ERRNO;
			f.err = parse_errno(kind);
			if (!f.err)
				die("FADUMP_FAULT: unknown KIND");
		}
		if (nfaults == MAX_FAULTS)
			die("FADUMP_FAULT: too many faults");
		faults[nfaults++] = f;
	}
}

__attribute__((constructor)) static void init(void)
{
	const char *s;

	real_open = sym("open64");
	real_openat = sym("openat64");
	real_pwrite = sym("pwrite64");
	real_write = sym("write");
	real_fsync = sym("fsync");
	real_fdatasync = sym("fdatasync");
	real_ftruncate = sym("ftruncate64");
	real_sync_file_range = sym("sync_file_range");
	real_linkat = sym("linkat");
	real_renameat = sym("renameat");
	real_renameat2 = sym("renameat2");
	real_unlinkat = sym("unlinkat");
	real_close = sym("close");

	s = getenv("FADUMP_FAULT_DIR");
	if (s && *s) {
		if (!realpath(s, dir))
			die("FADUMP_FAULT_DIR: no such directory");
		dirlen = strlen(dir);
	}
	s = getenv("FADUMP_FAKE_ROOT");
	if (s && *s && !realpath(s, root))
		die("FADUMP_FAKE_ROOT: no such directory");
	s = getenv("FADUMP_FAULT");
	if (s && *s)
		parse_faults(s);
	s = getenv("FADUMP_FAULT_DELAY_US");
	if (s && *s)
		delay_us = (useconds_t)strtoul(s, NULL, 10);
	s = getenv("FADUMP_FAULT_SYNC_DELAY_US");
	if (s && *s)
		sync_delay_us = (useconds_t)strtoul(s, NULL, 10);
	s = getenv("FADUMP_FAULT_SYSFS_DELAY_US");
	if (s && *s)
		sysfs_delay_us = (useconds_t)strtoul(s, NULL, 10);
	s = getenv("FADUMP_FAULT_NOLOCK");
	nolock = s && strcmp(s, "1") == 0;
	s = getenv("FADUMP_FAULT_NO_TMPFILE");
	no_tmpfile = s && strcmp(s, "1") == 0;
	s = getenv("FADUMP_FAKE_RESERVED");
	if (s && *s && sscanf(s, "%" SCNx64 "-%" SCNx64, &reserved_start,
			      &reserved_end) != 2)
		die("FADUMP_FAKE_RESERVED: expected START-END in hex");
	s = getenv("FADUMP_FAULT_ATTR");
	if (s && *s) {
		const char *colon = strchr(s, ':');

		if (!colon || (size_t)(colon - s) > NAME_MAX ||
		    strlen(colon + 1) >= sizeof(attr_action))
			die("FADUMP_FAULT_ATTR: expected NAME:ACTION");
		memcpy(attr_name, s, (size_t)(colon - s));
		strcpy(attr_action, colon + 1);
	}
	s = getenv("FADUMP_FAULT_TRACE");
	if (s && *s) {
		trace_fd = real_open(s, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
				     0644);
		if (trace_fd < 0)
			die("FADUMP_FAULT_TRACE: cannot open");
		/* Never one of the fds the program gets to see as its own. */
		if (trace_fd < MAX_FD)
			tracked[trace_fd] = T_NONE;
	}
}

static bool in_dir(const char *path)
{
	return dirlen && strncmp(path, dir, dirlen) == 0 &&
	       (path[dirlen] == '\0' || path[dirlen] == '/');
}

static void fd_path(int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, len - 1);
	buf[n < 0 ? 0 : n] = '\0';
}

static enum track fd_kind(int fd)
{
	return fd >= 0 && fd < MAX_FD ? (enum track)tracked[fd] : T_NONE;
}

/* Does the name @path, relative to @dirfd, lie in the directory? */
static bool name_in_dir(int dirfd, const char *path)
{
	char cwd[PATH_MAX], full[PATH_MAX * 2];

	if (!dirlen || !path)
		return false;
	if (path[0] == '/')
		return in_dir(path);
	if (dirfd == AT_FDCWD) {
		if (!getcwd(cwd, sizeof(cwd)))
			return false;
		snprintf(full, sizeof(full), "%s/%s", cwd, path);
		return in_dir(full);
	}
	return fd_kind(dirfd) == T_DIR;
}

static void trace(enum op op, int fd, long long off, long long len,
		  long long result, int err, const char *path)
{
	char line[PATH_MAX + 256], p[PATH_MAX];
	const char *kind = "-";
	int n;

	if (trace_fd < 0)
		return;
	if (fd >= 0 && !path) {
		fd_path(fd, p, sizeof(p));
		path = p;
		kind = fd_kind(fd) == T_DIR ? "d" : "f";
	}
	n = snprintf(line, sizeof(line), "%s %d %lld %lld %lld %d %s %s\n",
		     op_names[op], fd, off, len, result, result < 0 ? err : 0,
		     kind, path ? path : "-");
	if (n > 0)
		real_write(trace_fd, line, (size_t)n < sizeof(line) ?
			   (size_t)n : sizeof(line) - 1);
}

static void trace_store(const char *store, const void *buf, size_t len,
			long long result, int err)
{
	char line[PATH_MAX + 256];
	size_t shown = len < 64 ? len : 64;
	int n;

	if (trace_fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%s %.*s %lld %d\n", store,
		     (int)shown, (const char *)buf, result, result < 0 ? err : 0);
	/* keep one line per store: the value has no newline of its own */
	for (int i = 0; i < n; i++)
		if (line[i] == '\n' && i != n - 1)
			line[i] = ' ';
	if (n > 0)
		real_write(trace_fd, line, (size_t)n);
}

/*
 * Count a call of @op and say which fault, if any, it gets. EINTR and
 * short faults are used up by the call they hit; the retry is real.
 */
static struct fault *count(enum op op)
{
	unsigned long n = ++counts[op];
	useconds_t us = op == OP_PWRITE || op == OP_WRITE ? delay_us :
			sync_delay_us;

	if (us)
		usleep(us);
	for (int i = 0; i < nfaults; i++)
		if (faults[i].op == op && faults[i].nth == n)
			return &faults[i];
	return NULL;
}

static void track_new_fd(int fd)
{
	char p[PATH_MAX];
	struct stat st;

	if (fd < 0 || fd >= MAX_FD)
		return;
	tracked[fd] = T_NONE;
	fd_path(fd, p, sizeof(p));
	if (in_dir(p)) {
		tracked[fd] = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) ?
			      T_DIR : T_FILE;
		return;
	}
	if (root[0]) {
		size_t rl = strlen(root);

		if (strncmp(p, root, rl) != 0)
			return;
		if (strcmp(p + rl, "/sys/kernel/fadump/release_mem") == 0 ||
		    strcmp(p + rl, "/sys/kernel/fadump_release_mem") == 0)
			tracked[fd] = T_RELEASE_MEM;
		else if (strcmp(p + rl, "/sys/kernel/fadump/release_range") == 0)
			tracked[fd] = T_RELEASE_RANGE;
		else if (strncmp(p + rl, "/sys/", 5) == 0)
			tracked[fd] = T_SYSFS;
	}
}

/* FADUMP_FAULT_ATTR: what happens to an attribute opened for writing. */
static int attr_fault(const char *path, int flags)
{
	const char *base;

	if (!attr_name[0] || (flags & O_ACCMODE) == O_RDONLY)
		return 0;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (strcmp(base, attr_name) != 0)
		return 0;
	if (strcmp(attr_action, "remove") == 0) {
		unlink(path);
		return 0;
	}
	if (strcmp(attr_action, "dir") == 0) {
		unlink(path);
		mkdir(path, 0755);
		return 0;
	}
	return parse_errno(attr_action);
}

/* glibc's fortified entry points; no header declares them. */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

static int do_open(int dirfd, const char *path, int flags, mode_t mode,
		   bool at)
{
	struct fault *f = NULL;
	bool counted;
	int fd, err;

	err = attr_fault(path, flags);
	if (err) {
		errno = err;
		return -1;
	}
	counted = name_in_dir(at ? dirfd : AT_FDCWD, path);
	if (counted && no_tmpfile && (flags & O_TMPFILE) == O_TMPFILE) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if (counted) {
		f = count(OP_OPEN);
		if (f && f->kind == K_ERRNO) {
			trace(OP_OPEN, -1, 0, 0, -1, f->err, path);
			errno = f->err;
			return -1;
		}
		if (f && f->kind == K_EINTR) {
			f->kind = K_NONE;
			trace(OP_OPEN, -1, 0, 0, -1, EINTR, path);
			errno = EINTR;
			return -1;
		}
	}
	fd = at ? real_openat(dirfd, path, flags, mode) :
		  real_open(path, flags, mode);
	err = errno;
	if (fd >= 0)
		track_new_fd(fd);
	if (counted)
		trace(OP_OPEN, fd, 0, 0, fd, err, path);
	errno = err;
	return fd;
}

#define OPEN_MODE(flags, mode)						\
	do {								\
		if ((flags) & O_CREAT || ((flags) & O_TMPFILE) == O_TMPFILE) { \
			va_list ap;					\
			va_start(ap, flags);				\
			mode = va_arg(ap, mode_t);			\
			va_end(ap);					\
		}							\
	} while (0)

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return do_open(AT_FDCWD, path, flags, mode, false);
}

int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return do_open(AT_FDCWD, path, flags, mode, false);
}

int __open_2(const char *path, int flags)
{
	return do_open(AT_FDCWD, path, flags, 0, false);
}

int __open64_2(const char *path, int flags)
{
	return do_open(AT_FDCWD, path, flags, 0, false);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return do_open(dirfd, path, flags, mode, true);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return do_open(dirfd, path, flags, mode, true);
}

int __openat_2(int dirfd, const char *path, int flags)
{
	return do_open(dirfd, path, flags, 0, true);
}

int __openat64_2(int dirfd, const char *path, int flags)
{
	return do_open(dirfd, path, flags, 0, true);
}

int creat(const char *path, mode_t mode)
{
	return do_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode, false);
}

int creat64(const char *path, mode_t mode)
{
	return do_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode, false);
}

/* pwrite (off >= 0) and write (off < 0) on a file of the directory. */
static ssize_t do_write(enum op op, int fd, const void *buf, size_t len,
			off64_t off)
{
	struct fault *f = count(op);
	ssize_t n;
	int err;

	if (f && f->kind == K_ERRNO) {
		trace(op, fd, off, (long long)len, -1, f->err, NULL);
		errno = f->err;
		return -1;
	}
	if (f && f->kind == K_EINTR) {
		f->kind = K_NONE;
		trace(op, fd, off, (long long)len, -1, EINTR, NULL);
		errno = EINTR;
		return -1;
	}
	if (f && f->kind == K_SHORT) {
		f->kind = K_NONE;
		if (len >= 2)
			len /= 2;
	}
	n = op == OP_PWRITE ? real_pwrite(fd, buf, len, off) :
			      real_write(fd, buf, len);
	err = errno;
	trace(op, fd, off, (long long)len, n, err, NULL);
	errno = err;
	return n;
}

static ssize_t fake_release_mem(int fd, const void *buf, size_t len)
{
	char path[PATH_MAX * 2];
	ssize_t n;
	int err;

	snprintf(path, sizeof(path), "%s/proc/vmcore", root);
	if (sync_delay_us)
		usleep(sync_delay_us);
	if (len < 1 || ((const char *)buf)[0] != '1') {
		err = EINVAL;
		n = -1;
	} else if (unlink(path) < 0) {
		/* release_mem_store(): no active dump any more */
		err = errno == ENOENT ? EPERM : errno;
		n = -1;
	} else {
		n = real_write(fd, buf, len);
		err = errno;
	}
	trace_store("release_mem", buf, len, n, err);
	errno = err;
	return n;
}

static ssize_t fake_release_range(int fd, const void *buf, size_t len)
{
	char text[128];
	uint64_t start, size, end;
	ssize_t n = -1;
	int err = 0;

	if (len >= sizeof(text)) {
		err = EINVAL;
		goto out;
	}
	memcpy(text, buf, len);
	text[len] = '\0';
	if (sscanf(text, "%" SCNx64 " %" SCNx64, &start, &size) != 2 ||
	    !size || start % (uint64_t)getpagesize() ||
	    size % (uint64_t)getpagesize() ||
	    start + size < start) {
		err = EINVAL;
		goto out;
	}
	end = start + size;
	if (reserved_end && start < reserved_end && end > reserved_start) {
		err = ERANGE;
		goto out;
	}
	for (int i = 0; i < nreleased; i++)
		if (start < released[i].end && end > released[i].start) {
			err = EBUSY;
			goto out;
		}
	if (nreleased < MAX_RANGES) {
		released[nreleased].start = start;
		released[nreleased].end = end;
		nreleased++;
	}
	n = real_write(fd, buf, len);
	err = errno;
out:
	trace_store("release_range", buf, len, n, err);
	errno = err;
	return n;
}

static ssize_t sysfs_write(int fd, const void *buf, size_t len)
{
	char p[PATH_MAX], name[PATH_MAX + 16];
	const char *base;
	ssize_t n;
	int err;

	n = real_write(fd, buf, len);
	err = errno;
	fd_path(fd, p, sizeof(p));
	base = strrchr(p, '/');
	snprintf(name, sizeof(name), "sysfs %s", base ? base + 1 : p);
	trace_store(name, buf, len, n, err);
	if (sysfs_delay_us)
		usleep(sysfs_delay_us);
	errno = err;
	return n;
}

int flock(int fd, int operation)
{
	static int (*real_flock)(int, int);

	if (nolock)
		return 0;
	if (!real_flock)
		real_flock = sym("flock");
	return real_flock(fd, operation);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	switch (fd_kind(fd)) {
	case T_FILE:
	case T_DIR:
		return do_write(OP_WRITE, fd, buf, len, -1);
	case T_RELEASE_MEM:
		return fake_release_mem(fd, buf, len);
	case T_RELEASE_RANGE:
		return fake_release_range(fd, buf, len);
	case T_SYSFS:
		return sysfs_write(fd, buf, len);
	default:
		return real_write(fd, buf, len);
	}
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off64_t off)
{
	if (fd_kind(fd) == T_NONE || fd_kind(fd) > T_FILE)
		return real_pwrite(fd, buf, len, off);
	return do_write(OP_PWRITE, fd, buf, len, off);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return pwrite64(fd, buf, len, off);
}

/* The calls that take an fd of the directory or a file and return 0/-1. */
static int fd_call(enum op op, int fd, long long a, long long b,
		   int (*call)(int, long long, long long))
{
	struct fault *f;
	int ret, err;

	if (fd_kind(fd) != T_DIR && fd_kind(fd) != T_FILE)
		return call(fd, a, b);
	f = count(op);
	if (f && (f->kind == K_ERRNO || f->kind == K_EINTR)) {
		int e = f->kind == K_EINTR ? EINTR : f->err;

		if (f->kind == K_EINTR)
			f->kind = K_NONE;
		trace(op, fd, a, b, -1, e, NULL);
		if (op == OP_CLOSE) {
			/* Linux closes the fd whatever close() returns. */
			tracked[fd] = T_NONE;
			real_close(fd);
		}
		errno = e;
		return -1;
	}
	if (op == OP_CLOSE)
		trace(op, fd, a, b, 0, 0, NULL);	/* before the fd is gone */
	ret = call(fd, a, b);
	err = errno;
	if (op != OP_CLOSE)
		trace(op, fd, a, b, ret, err, NULL);
	errno = err;
	return ret;
}

static int call_fsync(int fd, long long a, long long b)
{
	(void)a, (void)b;
	return real_fsync(fd);
}

static int call_fdatasync(int fd, long long a, long long b)
{
	(void)a, (void)b;
	return real_fdatasync(fd);
}

static int call_ftruncate(int fd, long long len, long long b)
{
	(void)b;
	return real_ftruncate(fd, (off64_t)len);
}

static unsigned int sfr_flags;

static int call_sync_file_range(int fd, long long off, long long len)
{
	return real_sync_file_range(fd, (off64_t)off, (off64_t)len, sfr_flags);
}

static int call_close(int fd, long long a, long long b)
{
	(void)a, (void)b;
	if (fd >= 0 && fd < MAX_FD)
		tracked[fd] = T_NONE;
	return real_close(fd);
}

int fsync(int fd)
{
	return fd_call(OP_FSYNC, fd, 0, 0, call_fsync);
}

int fdatasync(int fd)
{
	return fd_call(OP_FDATASYNC, fd, 0, 0, call_fdatasync);
}

int ftruncate64(int fd, off64_t len)
{
	return fd_call(OP_FTRUNCATE, fd, len, 0, call_ftruncate);
}

int ftruncate(int fd, off_t len)
{
	return ftruncate64(fd, len);
}

int sync_file_range(int fd, off64_t off, off64_t len, unsigned int flags)
{
	sfr_flags = flags;
	return fd_call(OP_SYNC_FILE_RANGE, fd, off, len, call_sync_file_range);
}

int close(int fd)
{
	if (fd == trace_fd && fd >= 0) {
		/* A program closing every fd: keep tracing through a new one. */
		errno = EBADF;
		return -1;
	}
	return fd_call(OP_CLOSE, fd, 0, 0, call_close);
}

/* Calls on names: counted when a name (old or new) is in the directory. */
static struct fault *name_fault(enum op op, bool counted, const char *name)
{
	struct fault *f;

	if (!counted)
		return NULL;
	f = count(op);
	if (f && (f->kind == K_ERRNO || f->kind == K_EINTR)) {
		int e = f->kind == K_EINTR ? EINTR : f->err;

		if (f->kind == K_EINTR)
			f->kind = K_NONE;
		trace(op, -1, 0, 0, -1, e, name);
		errno = e;
		return f;
	}
	return NULL;
}

int linkat(int olddirfd, const char *oldpath, int newdirfd,
	   const char *newpath, int flags)
{
	bool counted = name_in_dir(newdirfd, newpath) ||
		       name_in_dir(olddirfd, oldpath);
	int ret, err;

	if (name_fault(OP_LINKAT, counted, newpath))
		return -1;
	ret = real_linkat(olddirfd, oldpath, newdirfd, newpath, flags);
	err = errno;
	if (counted)
		trace(OP_LINKAT, -1, 0, 0, ret, err, newpath);
	errno = err;
	return ret;
}

int renameat2(int olddirfd, const char *oldpath, int newdirfd,
	      const char *newpath, unsigned int flags)
{
	bool counted = name_in_dir(newdirfd, newpath) ||
		       name_in_dir(olddirfd, oldpath);
	int ret, err;

	if (name_fault(OP_RENAMEAT, counted, newpath))
		return -1;
	ret = flags ? real_renameat2(olddirfd, oldpath, newdirfd, newpath, flags) :
		      real_renameat(olddirfd, oldpath, newdirfd, newpath);
	err = errno;
	if (counted)
		trace(OP_RENAMEAT, -1, 0, 0, ret, err, newpath);
	errno = err;
	return ret;
}

int renameat(int olddirfd, const char *oldpath, int newdirfd,
	     const char *newpath)
{
	return renameat2(olddirfd, oldpath, newdirfd, newpath, 0);
}

int rename(const char *oldpath, const char *newpath)
{
	return renameat2(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

int unlinkat(int dirfd, const char *path, int flags)
{
	bool counted = name_in_dir(dirfd, path);
	int ret, err;

	if (name_fault(OP_UNLINKAT, counted, path))
		return -1;
	ret = real_unlinkat(dirfd, path, flags);
	err = errno;
	if (counted)
		trace(OP_UNLINKAT, -1, 0, 0, ret, err, path);
	errno = err;
	return ret;
}

int unlink(const char *path)
{
	return unlinkat(AT_FDCWD, path, 0);
}
