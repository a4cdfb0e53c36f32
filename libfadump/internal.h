/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private declarations shared by the library's source files. Nothing here
 * is part of the ABI; exported symbols are listed in libfadump.sym.
 */
#ifndef FADUMP_INTERNAL_H
#define FADUMP_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <syslog.h>

#include "fadump.h"

#define FADUMP_EXPORT __attribute__((visibility("default")))
#define FADUMP_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Longest message kept by the context; longer ones are truncated. */
#define FADUMP_ERRMSG_MAX 512

struct fadump_ctx {
	int refcount;
	char *root;		/* "/" or an absolute path without trailing slash */
	fadump_log_fn log_fn;
	void *log_data;
	int log_priority;
	char errmsg[FADUMP_ERRMSG_MAX];
	/* Inside fadump_quiet_begin()/end(): see there */
	unsigned int quiet;
};

/*
 * Hand back a "size-first" struct: @src is the library's full version,
 * @full bytes, and @out the caller's, whose first member, size_t size, the
 * caller set to the size of the struct it was built against. The struct
 * may grow in later versions, so a caller built against an older, shorter
 * one gets the prefix that fits and a newer caller's extra fields stay as
 * they were; either way @out's size is left as the caller set it. Callers
 * check first that it is at least the struct's first version.
 */
static inline void fadump_copy_out(void *out, const void *src, size_t full)
{
	size_t size;

	memcpy(&size, out, sizeof(size));
	memcpy(out, src, size < full ? size : full);
	memcpy(out, &size, sizeof(size));
}

/* ctx.c: logging and error reporting */
void fadump_log(struct fadump_ctx *ctx, int priority, const char *file,
		int line, const char *fn, const char *format, ...)
	FADUMP_PRINTF(6, 7);

#define fadump_log_cond(ctx, prio, ...)                                        \
	do {                                                                   \
		if ((ctx)->log_priority >= (prio))                             \
			fadump_log((ctx), (prio), __FILE__, __LINE__,          \
				   __func__, __VA_ARGS__);                     \
	} while (0)

#define dbg(ctx, ...) fadump_log_cond(ctx, LOG_DEBUG, __VA_ARGS__)
#define info(ctx, ...) fadump_log_cond(ctx, LOG_INFO, __VA_ARGS__)
#define warning(ctx, ...) fadump_log_cond(ctx, LOG_WARNING, __VA_ARGS__)
#define err(ctx, ...) fadump_log_cond(ctx, LOG_ERR, __VA_ARGS__)

/*
 * Record @errnum (a positive or negative errno) with a message in the
 * context, log it at LOG_ERR, and return the negative errno so callers can
 * write "return fadump_fail(ctx, -EINVAL, "...", ...);". A macro, as
 * fadump_log_cond() is: the log function is told where the failure was
 * found, not where the message was stored.
 */
int fadump_fail_at(struct fadump_ctx *ctx, int errnum, const char *file,
		   int line, const char *fn, const char *format, ...)
	FADUMP_PRINTF(6, 7);

#define fadump_fail(ctx, errnum, ...)                                          \
	fadump_fail_at((ctx), (errnum), __FILE__, __LINE__, __func__,          \
		       __VA_ARGS__)

/*
 * A NULL where the function needs a pointer (fadump.h, "NULL arguments"):
 * -EINVAL, with a message naming the function and the argument.
 */
#define fadump_fail_null(ctx, arg)                                             \
	fadump_fail((ctx), -EINVAL, "%s: %s is NULL", __func__, (arg))

/*
 * Fail with @errnum and "<format ...>: <the message recorded so far>",
 * to say what an inner failure (a read, a lookup) was part of.
 */
int fadump_fail_wrap(struct fadump_ctx *ctx, int errnum, const char *format,
		     ...) FADUMP_PRINTF(3, 4);

/* Clear the message at the start of every public entry point. */
void fadump_clear_error(struct fadump_ctx *ctx);

/*
 * A stretch of calls whose failures the caller expects and handles
 * itself: a probe for a page descriptor that may not be in the dump, an
 * entry of a table that may be damaged. fadump_fail() still records the
 * message (the caller may quote it) but logs it at LOG_DEBUG, because
 * it is not an error of the call the user made. Scopes nest.
 */
static inline void fadump_quiet_begin(struct fadump_ctx *ctx)
{
	ctx->quiet++;
}

static inline void fadump_quiet_end(struct fadump_ctx *ctx)
{
	ctx->quiet--;
}

/* path.c: every path the library touches goes through the root prefix */

/*
 * Build "<root><abspath>" into @buf. Returns 0 or -ENAMETOOLONG (recorded
 * in the context).
 */
int fadump_path(struct fadump_ctx *ctx, char *buf, size_t size,
		const char *abspath);

/* 0 if the path exists (any type), -errno otherwise; nothing recorded. */
int fadump_path_exists(struct fadump_ctx *ctx, const char *abspath);

/*
 * Read a whole file of at most @max bytes into a malloc()ed, NUL-terminated
 * buffer. Files larger than @max give -E2BIG: sysfs and device-tree inputs
 * are small, so a huge one is an attack or a bug, not data to allocate
 * for. Errors are recorded with the path in the message.
 */
int fadump_read_file(struct fadump_ctx *ctx, const char *abspath, size_t max,
		     char **bufp, size_t *lenp);

/*
 * Write @val to the attribute at @abspath in a single write(2), as the
 * kernel's sysfs store expects. Returns 0 or the -errno of open/write;
 * nothing is recorded, so callers can map the kernel's errno to a
 * message that explains it.
 */
int fadump_write_attr(struct fadump_ctx *ctx, const char *abspath,
		      const char *val);

/* parse.c: strict number parsing for kernel-written text */

/*
 * Parse an unsigned integer the way the kernel prints it: optional "0x"
 * prefix when @base is 16 or 0, no sign, no leading space, nothing after
 * but an optional single '\n'. @s is @len bytes, not necessarily
 * NUL-terminated. Returns 0 or -EINVAL / -ERANGE.
 */
int fadump_parse_u64(const char *s, size_t len, int base, uint64_t *out);

/*
 * All zero? The block compared with itself shifted by 16 bytes once its
 * first 16 are known to be zero: memcmp() is the fastest vectorised loop
 * the C library has, and a block of data usually differs in its first
 * bytes. One test for the copy's holes, the filtered save's zero pages
 * and the page classes' FADUMP_PAGE_ZERO.
 */
static inline bool bytes_are_zero(const unsigned char *p, size_t len)
{
	static const unsigned char zero[16];

	if (len <= 16)
		return memcmp(p, zero, len) == 0;
	return memcmp(p, zero, 16) == 0 && memcmp(p, p + 16, len - 16) == 0;
}

#endif /* FADUMP_INTERNAL_H */
