// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The fake kernel of fake-kernel.h: --wrap'ed open()/write() that model
 * the fadump sysfs stores on a scratch root.
 *
 * Glibc names open() "open64" when _FILE_OFFSET_BITS is 64 (meson's
 * default), so both names are wrapped.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake-kernel.h"

int __real_open(const char *path, int flags, ...);
int __real_open64(const char *path, int flags, ...);
ssize_t __real_write(int fd, const void *buf, size_t count);
int __wrap_open(const char *path, int flags, ...);
int __wrap_open64(const char *path, int flags, ...);
ssize_t __wrap_write(int fd, const void *buf, size_t count);

#define MAX_FDS 64
#define MAX_RULES 8
#define REL_MAX 128
#define COMMAND_LINE_SIZE 2048
/* A path under the root: the root, a slash, an attribute. */
#define FULL_MAX (PATH_MAX + REL_MAX + 16)

enum rule_kind { RULE_OPEN, RULE_WRITE };

struct rule {
	bool used;
	enum rule_kind kind;
	char rel[REL_MAX];
	int err;
	bool has_content;
	char content[256];
};

struct counter {
	char rel[REL_MAX];
	unsigned int writes;
};

static struct {
	bool on;
	char root[PATH_MAX];
	enum fake_kernel_gen gen;
	size_t cmdline_len;
	bool released;
	bool core_released;
	fake_release_hook core_hook;
	void *core_hook_data;
	/* Which attribute each fd was opened for writing, "" if none. */
	char fd_rel[MAX_FDS][REL_MAX];
	struct rule rules[MAX_RULES];
	struct counter counters[16];
	char log[4096];
	/* release_range */
	uint64_t range_lo, range_hi;
	struct fake_range { uint64_t start, end; } kept[8], taken[4096];
	unsigned int nkept, ntaken, refused;
	uint64_t taken_bytes;
	fake_range_hook hook;
	void *hook_data;
} fk;

/* "sys/kernel/fadump/registered" for a path under the root, else NULL. */
static const char *rel_of(const char *path)
{
	size_t n = strlen(fk.root);

	if (!fk.on || strncmp(path, fk.root, n) != 0 || path[n] != '/')
		return NULL;
	return path + n + 1;
}

static const char *basename_of(const char *rel)
{
	const char *slash = strrchr(rel, '/');

	return slash ? slash + 1 : rel;
}

/* The attribute, under either of its names. */
static bool is_attr(const char *rel, const char *name)
{
	const char *base = basename_of(rel);
	char legacy[64];

	snprintf(legacy, sizeof(legacy), "fadump_%s", name);
	return strcmp(base, name) == 0 || strcmp(base, legacy) == 0;
}

static struct rule *take_rule(enum rule_kind kind, const char *rel)
{
	for (int i = 0; i < MAX_RULES; i++) {
		struct rule *r = &fk.rules[i];

		if (r->used && r->kind == kind && strcmp(r->rel, rel) == 0) {
			r->used = false;
			return r;
		}
	}
	return NULL;
}

static void add_rule(enum rule_kind kind, const char *rel, int err,
		     const char *content)
{
	for (int i = 0; i < MAX_RULES; i++) {
		struct rule *r = &fk.rules[i];

		if (r->used)
			continue;
		*r = (struct rule){ .used = true, .kind = kind, .err = err };
		snprintf(r->rel, sizeof(r->rel), "%s", rel);
		if (content) {
			r->has_content = true;
			snprintf(r->content, sizeof(r->content), "%s", content);
		}
		return;
	}
	abort();	/* a test programmed more than it can use */
}

/* Replace the whole file, as a store changing kernel state appears to. */
static void set_file(const char *rel, const char *data, size_t len)
{
	char path[FULL_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fk.root, rel);
	fd = __real_open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		abort();
	if (__real_write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
}

static bool file_is(const char *rel, const char *want)
{
	char path[FULL_MAX], buf[16];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fk.root, rel);
	fd = __real_open(path, O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return strcmp(buf, want) == 0;
}

static void log_write(const char *rel, const char *buf, size_t count)
{
	size_t o = strlen(fk.log);

	o += (size_t)snprintf(fk.log + o, sizeof(fk.log) - o, "%s=", rel);
	for (size_t i = 0; i < count && o + 4 < sizeof(fk.log); i++) {
		if (buf[i] == '\n')
			o += (size_t)snprintf(fk.log + o, sizeof(fk.log) - o, "\\n");
		else
			fk.log[o++] = buf[i];
	}
	if (o + 2 < sizeof(fk.log)) {
		fk.log[o++] = ' ';
		fk.log[o] = '\0';
	}
}

static void count_write(const char *rel)
{
	for (size_t i = 0; i < sizeof(fk.counters) / sizeof(fk.counters[0]); i++) {
		struct counter *c = &fk.counters[i];

		if (strcmp(c->rel, rel) == 0 || !c->rel[0]) {
			snprintf(c->rel, sizeof(c->rel), "%s", rel);
			c->writes++;
			return;
		}
	}
}

static ssize_t fail(int err)
{
	errno = err;
	return -1;
}

/* registered_store(): the value is one integer with an optional newline. */
static ssize_t store_registered(const char *rel, const char *buf, size_t count)
{
	bool registered = file_is(rel, "1\n");
	char val;

	if (count == 0 || count > 2 || (count == 2 && buf[1] != '\n'))
		return fail(EINVAL);
	val = buf[0];
	if (val != '0' && val != '1')
		return fail(EINVAL);
	if (fk.gen == FAKE_KERNEL_3_4 && (val == '1') == registered)
		return fail(EINVAL);
	set_file(rel, val == '1' ? "1\n" : "0\n", 2);
	return (ssize_t)count;
}

static ssize_t store_release_mem(const char *buf, size_t count)
{
	char vmcore[FULL_MAX];

	if (fk.released)
		return fail(EPERM);
	if (count == 0 || buf[0] != '1' || count > 2)
		return fail(EINVAL);
	snprintf(vmcore, sizeof(vmcore), "%s/proc/vmcore", fk.root);
	unlink(vmcore);
	fk.released = true;
	return (ssize_t)count;
}

/*
 * release_core_store(): "1" (kstrtoint, base 0) removes the OPAL core
 * (both its names) and frees it; EPERM once it is gone; EINVAL else.
 */
static ssize_t store_release_core(const char *buf, size_t count)
{
	char core[FULL_MAX], line[16];
	char *end;
	long v;

	if (count == 0 || count >= sizeof(line))
		return fail(EINVAL);
	memcpy(line, buf, count);
	line[count] = '\0';
	v = strtol(line, &end, 0);
	if (end == line || (*end && strcmp(end, "\n") != 0) || v != 1)
		return fail(EINVAL);
	if (fk.core_released)
		return fail(EPERM);
	if (fk.core_hook)
		fk.core_hook(fk.core_hook_data);
	snprintf(core, sizeof(core), "%s/sys/firmware/opal/mpipl/core", fk.root);
	unlink(core);
	snprintf(core, sizeof(core), "%s/sys/firmware/opal/core", fk.root);
	unlink(core);
	fk.core_released = true;
	return (ssize_t)count;
}

void fake_kernel_release_core_hook(fake_release_hook hook, void *data)
{
	fk.core_hook = hook;
	fk.core_hook_data = data;
}

static ssize_t store_bootargs(const char *rel, const char *buf, size_t count)
{
	char area[COMMAND_LINE_SIZE + 1];
	size_t len = count;

	if (count >= COMMAND_LINE_SIZE)
		return fail(EINVAL);
	if (fk.cmdline_len + count >= COMMAND_LINE_SIZE)
		return fail(ENOSPC);
	if (len && buf[len - 1] == '\n')
		len--;
	memcpy(area, buf, len);
	area[len] = '\n';
	set_file(rel, area, len + 1);
	return (ssize_t)count;
}

static bool overlaps(const struct fake_range *r, unsigned int n,
		     uint64_t start, uint64_t end)
{
	for (unsigned int i = 0; i < n; i++)
		if (start < r[i].end && r[i].start < end)
			return true;
	return false;
}

static ssize_t store_release_range(const char *buf, size_t count)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), start, size, end;
	char input[64], *sp, *e1, *e2;

	if (fk.released)
		return fail(EPERM);
	if (count >= sizeof(input))
		return fail(EINVAL);
	memcpy(input, buf, count);
	input[count] = '\0';
	sp = strchr(input, ' ');
	if (!sp)
		return fail(EINVAL);
	*sp = '\0';
	errno = 0;
	start = strtoull(input, &e1, 0);
	size = strtoull(sp + 1, &e2, 0);
	if (errno || e1 == input || *e1 || e2 == sp + 1 ||
	    (*e2 && strcmp(e2, "\n")))
		return fail(EINVAL);
	if (!size || start % page || size % page)
		return fail(EINVAL);
	end = start + size;
	if (start < fk.range_lo || end > fk.range_hi ||
	    overlaps(fk.kept, fk.nkept, start, end)) {
		fk.refused++;
		return fail(ERANGE);
	}
	if (overlaps(fk.taken, fk.ntaken, start, end)) {
		fk.refused++;
		return fail(EBUSY);
	}
	if (fk.ntaken == sizeof(fk.taken) / sizeof(fk.taken[0]))
		return fail(ENOMEM);
	fk.taken[fk.ntaken++] = (struct fake_range){ start, end };
	fk.taken_bytes += size;
	if (fk.hook)
		fk.hook(fk.hook_data, start, size);
	return (ssize_t)count;
}

static int track_open(int fd, const char *path, int flags)
{
	const char *rel;

	if (fd < 0 || fd >= MAX_FDS)
		return fd;
	fk.fd_rel[fd][0] = '\0';
	rel = rel_of(path);
	if (rel && (flags & O_ACCMODE) != O_RDONLY && !(flags & O_CREAT))
		snprintf(fk.fd_rel[fd], REL_MAX, "%s", rel);
	return fd;
}

static int open_common(const char *path, int flags, mode_t mode, bool is64)
{
	const char *rel = rel_of(path);
	int fd;

	if (rel && (flags & O_ACCMODE) != O_RDONLY && !(flags & O_CREAT)) {
		struct rule *r = take_rule(RULE_OPEN, rel);

		if (r) {
			errno = r->err;
			return -1;
		}
	}
	fd = is64 ? __real_open64(path, flags, mode) :
		    __real_open(path, flags, mode);
	return track_open(fd, path, flags);
}

int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return open_common(path, flags, mode, false);
}

int __wrap_open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return open_common(path, flags, mode, true);
}

ssize_t __wrap_write(int fd, const void *buf, size_t count)
{
	char rel[REL_MAX];
	struct rule *r;

	if (!fk.on || fd < 0 || fd >= MAX_FDS || !fk.fd_rel[fd][0])
		return __real_write(fd, buf, count);
	/* sysfs hands a store one write per open; so does the library. */
	snprintf(rel, sizeof(rel), "%s", fk.fd_rel[fd]);
	fk.fd_rel[fd][0] = '\0';

	count_write(rel);
	log_write(rel, buf, count);

	r = take_rule(RULE_WRITE, rel);
	if (r) {
		if (r->has_content)
			set_file(rel, r->content, strlen(r->content));
		return r->err ? fail(r->err) : (ssize_t)count;
	}
	if (is_attr(rel, "registered"))
		return store_registered(rel, buf, count);
	if (is_attr(rel, "release_mem"))
		return store_release_mem(buf, count);
	if (is_attr(rel, "bootargs_append"))
		return store_bootargs(rel, buf, count);
	if (is_attr(rel, "release_range"))
		return store_release_range(buf, count);
	if (is_attr(rel, "release_core"))
		return store_release_core(buf, count);
	return __real_write(fd, buf, count);
}

void fake_kernel_start(const char *root, enum fake_kernel_gen gen)
{
	memset(&fk, 0, sizeof(fk));
	snprintf(fk.root, sizeof(fk.root), "%s", root);
	fk.gen = gen;
	fk.cmdline_len = 100;
	fk.range_hi = UINT64_MAX;
	fk.on = true;
}

void fake_kernel_range_limits(uint64_t lo, uint64_t hi)
{
	fk.range_lo = lo;
	fk.range_hi = hi;
}

void fake_kernel_range_keep(uint64_t start, uint64_t size)
{
	if (fk.nkept < sizeof(fk.kept) / sizeof(fk.kept[0]))
		fk.kept[fk.nkept++] = (struct fake_range){ start, start + size };
}

void fake_kernel_range_hook(fake_range_hook hook, void *data)
{
	fk.hook = hook;
	fk.hook_data = data;
}

unsigned int fake_kernel_ranges(uint64_t *bytes, unsigned int *refused)
{
	if (bytes)
		*bytes = fk.taken_bytes;
	if (refused)
		*refused = fk.refused;
	return fk.ntaken;
}

void fake_kernel_stop(void)
{
	memset(&fk, 0, sizeof(fk));
}

void fake_kernel_set_cmdline_len(size_t len)
{
	fk.cmdline_len = len;
}

void fake_kernel_fail_open(const char *rel, int err)
{
	add_rule(RULE_OPEN, rel, err, NULL);
}

void fake_kernel_next_write(const char *rel, int err, const char *content)
{
	add_rule(RULE_WRITE, rel, err, content);
}

unsigned int fake_kernel_writes(const char *rel)
{
	for (size_t i = 0; i < sizeof(fk.counters) / sizeof(fk.counters[0]); i++)
		if (strcmp(fk.counters[i].rel, rel) == 0)
			return fk.counters[i].writes;
	return 0;
}

const char *fake_kernel_log(void)
{
	return fk.log;
}
