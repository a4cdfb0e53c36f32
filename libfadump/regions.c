// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Parser for the debugfs region report, <debugfs>/powerpc/fadump_region.
 *
 * The file is a seq_file the kernel fills with seq_printf(); its format
 * changed with the 5.5 refactor and again in 6.10. Every generation is
 * accepted, line by line, with a small explicit token matcher instead of
 * sscanf() so that nothing on a line goes unchecked:
 *
 *   3.4 - 5.4 (arch/powerpc/kernel/fadump.c, fadump_region_show()):
 *	"CPU : [%#016llx-%#016llx] %#llx bytes, Dumped: %#llx\n"
 *	"HPTE: [...]..." and "DUMP: [...]..." alike, and in the capture
 *	kernel, when the reservation starts below the CPU area,
 *	"    : [...]..." for the memory held below the dump area.
 *	Bracketed ranges are [dest, dest + len - 1], then len, then the
 *	bytes firmware dumped; the unnamed line prints
 *	[reserve_start, cpu_dest - 1] and cpu_dest - reserve_start twice.
 *   5.5 - 6.9 (pseries/rtas-fadump.c, powernv/opal-fadump.c):
 *	"CPU :[...]", "HPTE:[...]" (no space before '[' any more),
 *	"DUMP: Src: %#016llx, Dest: %#016llx, Size: %#llx, Dumped: %#llx bytes\n"
 *	(one per boot-memory region; powernv prints only these), and in
 *	the capture kernel "\nMemory above %#016llx is reserved for saving
 *	crash dump\n".
 *   6.10 and later, pseries: sections in registration order, up to
 *	seven DUMP lines, the param area as
 *	"\n[%#016llx-%#016llx]: cmdline append: '%s'\n", and for a section
 *	type the kernel does not know (int type = be16 source_data_type)
 *	"Unknown region type %d : Src: %#016llx, Dest: %#016llx, " with
 *	neither size nor dumped count and no newline, so the next record
 *	continues on the same line. Checked in the 6.12-era and 7.x
 *	rtas_fadump_region_show().
 *
 * With this project's release_range series (kernel/patches/0005) the
 * capture kernel also prints "Released: %#llx bytes in %u ranges\n"
 * after the platform's lines while a dump is active.
 *
 * The kernel's vsprintf prints "0x" even for zero ("0x0"), unlike glibc.
 * Nothing prints more than a few hundred bytes per line except the param
 * area, whose string is below COMMAND_LINE_SIZE (2048).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define FADUMP_REGION_PATH "/sys/kernel/debug/powerpc/fadump_region"

/*
 * The largest report any kernel writes is powernv's: at most 128 regions
 * (FADUMP_MAX_MEM_REGS) of about 90 bytes, i.e. some 12 KiB. 64 KiB
 * leaves room for that and still refuses to allocate for garbage.
 */
#define FADUMP_REGIONS_FILE_MAX (64 * 1024)

/* Same bound on regions: FADUMP_MAX_MEM_REGS; pseries has at most 10. */
#define FADUMP_REGIONS_MAX 128

/* The param-area line: about 60 bytes plus a string below 2048 bytes. */
#define FADUMP_REGION_LINE_MAX 4096

/* How much of an offending line an error message quotes. */
#define QUOTE_MAX 60

struct fadump_regions {
	int refcount;
	unsigned int count;
	unsigned int alloc;
	struct fadump_region *regions;
	bool has_reserved_above;
	uint64_t reserved_above;
	char *cmdline;			/* NULL: no param-area line */
	uint64_t cmdline_start;
	uint64_t cmdline_end;
	bool has_released;
	uint64_t released_bytes;
	unsigned int released_ranges;
};

/* One line being matched; @detail says what did not match and where. */
struct scan {
	const char *line;
	const char *p;
	const char *end;
	char detail[160];
};

/* Parser state across lines, for duplicate checks and messages. */
struct parser {
	struct fadump_regions *regs;
	unsigned int lineno;
	unsigned int reserved_lineno;
	unsigned int cmdline_lineno;
	unsigned int released_lineno;
};

static int scan_fail(struct scan *s, int errnum, const char *format, ...)
	FADUMP_PRINTF(3, 4);

static int scan_fail(struct scan *s, int errnum, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	vsnprintf(s->detail, sizeof(s->detail), format, args);
	va_end(args);
	return errnum;
}

static unsigned int column(const struct scan *s)
{
	return (unsigned int)(s->p - s->line) + 1;
}

static bool starts_with(const struct scan *s, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(s->end - s->p) >= n && memcmp(s->p, lit, n) == 0;
}

static int expect_literal(struct scan *s, const char *lit)
{
	if (!starts_with(s, lit))
		return scan_fail(s, -EBADMSG, "expected \"%s\" at column %u",
				 lit, column(s));
	s->p += strlen(lit);
	return 0;
}

static bool is_digit(char c, int base)
{
	if (c >= '0' && c <= '9')
		return true;
	return base == 16 && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
}

/*
 * A number as the kernel prints it: "%#llx" ("0x" always, also for zero)
 * or "%d" of a non-negative value. The digits run up to the first byte
 * that cannot be one; every format follows a number with a space, a
 * comma, '-', ']' or the end of the line, which the caller then checks.
 */
static int expect_number(struct scan *s, int base, uint64_t *val)
{
	const char *digits = s->p;
	const char *q;
	int ret;

	if (base == 16) {
		if (s->end - s->p < 2 || s->p[0] != '0' || s->p[1] != 'x')
			return scan_fail(s, -EBADMSG,
					 "expected a 0x hex number at column %u",
					 column(s));
		digits += 2;
	}
	for (q = digits; q < s->end && is_digit(*q, base); q++)
		;
	if (q == digits)
		return scan_fail(s, -EBADMSG,
				 "expected %s digits at column %u",
				 base == 16 ? "hex" : "decimal",
				 (unsigned int)(digits - s->line) + 1);
	ret = fadump_parse_u64(s->p, (size_t)(q - s->p), base, val);
	if (ret < 0)
		return scan_fail(s, -EBADMSG,
				 "number at column %u does not fit in 64 bits",
				 column(s));
	s->p = q;
	return 0;
}

static int expect_end(struct scan *s)
{
	if (s->p != s->end)
		return scan_fail(s, -EBADMSG,
				 "unexpected text after the record at column %u",
				 column(s));
	return 0;
}

/*
 * The kernel computes an inclusive end as start + length - 1 in u64.
 * A length of 0 is real (QEMU advertises a 0-byte HPTE section) and
 * gives end = start - 1; anything else must not wrap.
 */
static int check_range(struct scan *s, const char *what, uint64_t start,
		       uint64_t length)
{
	if (length && length - 1 > UINT64_MAX - start)
		return scan_fail(s, -EBADMSG,
				 "%s range %#llx + %#llx wraps past 2^64", what,
				 (unsigned long long)start,
				 (unsigned long long)length);
	return 0;
}

static int add_region(struct fadump_regions *regs, struct scan *s,
		      const struct fadump_region *r)
{
	if (regs->count == regs->alloc) {
		unsigned int n = regs->alloc ? regs->alloc * 2 : 8;
		struct fadump_region *grown;

		if (regs->count >= FADUMP_REGIONS_MAX)
			return scan_fail(s, -E2BIG,
					 "more than %d regions, more than any kernel prints",
					 FADUMP_REGIONS_MAX);
		if (n > FADUMP_REGIONS_MAX)
			n = FADUMP_REGIONS_MAX;
		grown = realloc(regs->regions, n * sizeof(*grown));
		if (!grown)
			return scan_fail(s, -ENOMEM, "out of memory");
		regs->regions = grown;
		regs->alloc = n;
	}
	regs->regions[regs->count] = *r;
	regs->regions[regs->count].size = sizeof(struct fadump_region);
	regs->count++;
	return 0;
}

/* "CPU :[a-b] n bytes, Dumped: d" and its 2011 variants. */
static const struct {
	const char *prefix;
	enum fadump_region_type type;
	const char *name;
} bracket_kinds[] = {
	{ "CPU : [", FADUMP_REGION_CPU, "CPU" },	/* 3.4 - 5.4 */
	{ "HPTE: [", FADUMP_REGION_HPTE, "HPTE" },
	{ "DUMP: [", FADUMP_REGION_DUMP, "DUMP" },
	{ "    : [", FADUMP_REGION_HELD, "" },
	{ "CPU :[", FADUMP_REGION_CPU, "CPU" },		/* 5.5 and later */
	{ "HPTE:[", FADUMP_REGION_HPTE, "HPTE" },
};

static int parse_bracketed(struct parser *ps, struct scan *s, size_t kind)
{
	struct fadump_region r = {
		.type = bracket_kinds[kind].type,
		.name = bracket_kinds[kind].name,
	};
	int ret;

	s->p += strlen(bracket_kinds[kind].prefix);
	if ((ret = expect_number(s, 16, &r.start)) ||
	    (ret = expect_literal(s, "-")) ||
	    (ret = expect_number(s, 16, &r.end)) ||
	    (ret = expect_literal(s, "] ")) ||
	    (ret = expect_number(s, 16, &r.length)) ||
	    (ret = expect_literal(s, " bytes, Dumped: ")) ||
	    (ret = expect_number(s, 16, &r.dumped)) ||
	    (ret = expect_end(s)))
		return ret;
	ret = check_range(s, "destination", r.start, r.length);
	if (ret)
		return ret;
	if (r.end != r.start + r.length - 1)
		return scan_fail(s, -EBADMSG,
				 "end %#llx is not start + size - 1 = %#llx",
				 (unsigned long long)r.end,
				 (unsigned long long)(r.start + r.length - 1));
	return add_region(ps->regs, s, &r);
}

/* "DUMP: Src: a, Dest: b, Size: n, Dumped: d bytes" (5.5 and later) */
static int parse_src_dest(struct parser *ps, struct scan *s)
{
	struct fadump_region r = {
		.type = FADUMP_REGION_DUMP,
		.name = "DUMP",
		.has_source = true,
	};
	int ret;

	if ((ret = expect_literal(s, "DUMP: Src: ")) ||
	    (ret = expect_number(s, 16, &r.source)) ||
	    (ret = expect_literal(s, ", Dest: ")) ||
	    (ret = expect_number(s, 16, &r.start)) ||
	    (ret = expect_literal(s, ", Size: ")) ||
	    (ret = expect_number(s, 16, &r.length)) ||
	    (ret = expect_literal(s, ", Dumped: ")) ||
	    (ret = expect_number(s, 16, &r.dumped)) ||
	    (ret = expect_literal(s, " bytes")) ||
	    (ret = expect_end(s)))
		return ret;
	if ((ret = check_range(s, "source", r.source, r.length)) ||
	    (ret = check_range(s, "destination", r.start, r.length)))
		return ret;
	r.end = r.start + r.length - 1;
	return add_region(ps->regs, s, &r);
}

/*
 * "Unknown region type %d : Src: a, Dest: b, " (6.10 and later). The
 * kernel prints neither size nor dumped count, so both are 0 and, by
 * the same end = start + length - 1 rule, end is start - 1: an empty
 * range rather than an invented one.
 */
static int parse_unknown(struct parser *ps, struct scan *s)
{
	struct fadump_region r = {
		.type = FADUMP_REGION_UNKNOWN,
		.name = "UNKNOWN",
		.has_source = true,
	};
	uint64_t type;
	int ret;

	if ((ret = expect_literal(s, "Unknown region type ")) ||
	    (ret = expect_number(s, 10, &type)))
		return ret;
	if (type > UINT16_MAX)
		return scan_fail(s, -EBADMSG,
				 "region type %llu is not a 16-bit section type",
				 (unsigned long long)type);
	if ((ret = expect_literal(s, " : Src: ")) ||
	    (ret = expect_number(s, 16, &r.source)) ||
	    (ret = expect_literal(s, ", Dest: ")) ||
	    (ret = expect_number(s, 16, &r.start)) ||
	    (ret = expect_literal(s, ", ")))
		return ret;
	r.raw_type = (unsigned int)type;
	r.end = r.start - 1;
	return add_region(ps->regs, s, &r);
}

/* "Memory above a is reserved for saving crash dump" (5.5 and later) */
static int parse_reserved(struct parser *ps, struct scan *s)
{
	struct fadump_regions *regs = ps->regs;
	uint64_t addr;
	int ret;

	if ((ret = expect_literal(s, "Memory above ")) ||
	    (ret = expect_number(s, 16, &addr)) ||
	    (ret = expect_literal(s, " is reserved for saving crash dump")) ||
	    (ret = expect_end(s)))
		return ret;
	if (regs->has_reserved_above)
		return scan_fail(s, -EBADMSG,
				 "second \"Memory above\" line (first on line %u)",
				 ps->reserved_lineno);
	regs->has_reserved_above = true;
	regs->reserved_above = addr;
	ps->reserved_lineno = ps->lineno;
	return 0;
}

/* "Released: %#llx bytes in %u ranges" (kernel/patches/0005) */
static int parse_released(struct parser *ps, struct scan *s)
{
	struct fadump_regions *regs = ps->regs;
	uint64_t bytes, ranges;
	int ret;

	if ((ret = expect_literal(s, "Released: ")) ||
	    (ret = expect_number(s, 16, &bytes)) ||
	    (ret = expect_literal(s, " bytes in ")) ||
	    (ret = expect_number(s, 10, &ranges)) ||
	    (ret = expect_literal(s, " ranges")) ||
	    (ret = expect_end(s)))
		return ret;
	if (ranges > UINT_MAX)
		return scan_fail(s, -EBADMSG,
				 "range count %llu does not fit the kernel's %%u",
				 (unsigned long long)ranges);
	if (!ranges != !bytes)
		return scan_fail(s, -EBADMSG,
				 "%#llx bytes released in %llu ranges is impossible",
				 (unsigned long long)bytes,
				 (unsigned long long)ranges);
	if (regs->has_released)
		return scan_fail(s, -EBADMSG,
				 "second \"Released\" line (first on line %u)",
				 ps->released_lineno);
	regs->has_released = true;
	regs->released_bytes = bytes;
	regs->released_ranges = (unsigned int)ranges;
	ps->released_lineno = ps->lineno;
	return 0;
}

/*
 * "[a-b]: cmdline append: '%s'" (6.10 and later, pseries). The string is
 * whatever was written to bootargs_append and may itself contain
 * quotes, so it runs to the last byte of the line, which must be the
 * closing quote. A string with a newline in it cannot be told apart
 * from a broken report and is refused with the rest.
 */
static int parse_cmdline(struct parser *ps, struct scan *s)
{
	struct fadump_regions *regs = ps->regs;
	uint64_t start, end;
	size_t len;
	int ret;

	if ((ret = expect_literal(s, "[")) ||
	    (ret = expect_number(s, 16, &start)) ||
	    (ret = expect_literal(s, "-")) ||
	    (ret = expect_number(s, 16, &end)) ||
	    (ret = expect_literal(s, "]: cmdline append: '")))
		return ret;
	if (s->p == s->end || s->end[-1] != '\'')
		return scan_fail(s, -EBADMSG,
				 "no closing quote at the end of the line");
	if (end < start)
		return scan_fail(s, -EBADMSG,
				 "param area end %#llx is below its start %#llx",
				 (unsigned long long)end,
				 (unsigned long long)start);
	if (regs->cmdline)
		return scan_fail(s, -EBADMSG,
				 "second \"cmdline append\" line (first on line %u)",
				 ps->cmdline_lineno);
	len = (size_t)(s->end - s->p) - 1;
	regs->cmdline = strndup(s->p, len);
	if (!regs->cmdline)
		return scan_fail(s, -ENOMEM, "out of memory");
	regs->cmdline_start = start;
	regs->cmdline_end = end;
	ps->cmdline_lineno = ps->lineno;
	s->p = s->end;
	return 0;
}

/*
 * One line: blank, a "Memory above" or param-area line (both are printed
 * after a "\n", so they always start a line), or any number of run-on
 * "Unknown region type" records optionally followed by one record that
 * ends the line.
 */
static int parse_line(struct parser *ps, struct scan *s)
{
	int ret;

	if (s->p == s->end)
		return 0;
	if (starts_with(s, "Memory above "))
		return parse_reserved(ps, s);
	if (starts_with(s, "["))
		return parse_cmdline(ps, s);
	if (starts_with(s, "Released: "))
		return parse_released(ps, s);

	while (s->p < s->end) {
		if (starts_with(s, "Unknown region type ")) {
			ret = parse_unknown(ps, s);
			if (ret)
				return ret;
			continue;
		}
		if (starts_with(s, "DUMP: Src: "))
			return parse_src_dest(ps, s);
		for (size_t i = 0; i < ARRAY_SIZE(bracket_kinds); i++)
			if (starts_with(s, bracket_kinds[i].prefix))
				return parse_bracketed(ps, s, i);
		return scan_fail(s, -EBADMSG,
				 "no region record the kernel prints at column %u",
				 column(s));
	}
	return 0;
}

/* Copy at most QUOTE_MAX bytes of a line, escaping what is not printable. */
static void quote_line(char *buf, size_t size, const char *line, size_t len)
{
	size_t n = len > QUOTE_MAX ? QUOTE_MAX : len;
	size_t o = 0;

	for (size_t i = 0; i < n && o + 5 < size; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	if (n < len && o + 4 < size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

static int line_fail(struct fadump_ctx *ctx, const char *origin,
		     unsigned int lineno, const char *line, size_t len,
		     int errnum, const char *detail)
{
	char quoted[QUOTE_MAX * 4 + 8];

	quote_line(quoted, sizeof(quoted), line, len);
	return fadump_fail(ctx, errnum, "%s%sline %u: %s: \"%s\"",
			   origin ? origin : "", origin ? ": " : "", lineno,
			   detail, quoted);
}

static struct fadump_regions *regions_free(struct fadump_regions *regs)
{
	free(regs->regions);
	free(regs->cmdline);
	free(regs);
	return NULL;
}

/* @origin names the file in messages, NULL for text from the caller. */
static int regions_parse(struct fadump_ctx *ctx, const char *origin,
			 const char *text, size_t len,
			 struct fadump_regions **regsp)
{
	struct parser ps = { .lineno = 0 };
	const char *p = text;
	const char *end = text + len;

	ps.regs = calloc(1, sizeof(*ps.regs));
	if (!ps.regs)
		return fadump_fail(ctx, -ENOMEM, "out of memory");
	ps.regs->refcount = 1;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t n = (size_t)(eol - p);
		struct scan s = { .line = p, .p = p, .end = eol };
		const char *nul;
		int ret;

		ps.lineno++;
		if (n > FADUMP_REGION_LINE_MAX) {
			ret = scan_fail(&s, -EBADMSG, "longer than %d bytes",
					FADUMP_REGION_LINE_MAX);
		} else if ((nul = memchr(p, '\0', n))) {
			s.p = nul;
			ret = scan_fail(&s, -EBADMSG, "NUL byte at column %u",
					column(&s));
		} else {
			ret = parse_line(&ps, &s);
		}
		if (ret) {
			regions_free(ps.regs);
			return line_fail(ctx, origin, ps.lineno, p, n, ret,
					 s.detail);
		}
		p = nl ? nl + 1 : end;
	}
	dbg(ctx, "%u regions", ps.regs->count);
	*regsp = ps.regs;
	return 0;
}

FADUMP_EXPORT int fadump_regions_parse(struct fadump_ctx *ctx,
				       const char *text, size_t len,
				       struct fadump_regions **regsp)
{
	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!regsp || (!text && len))
		return fadump_fail(ctx, -EINVAL,
				   "fadump_regions_parse: NULL argument");
	if (len > FADUMP_REGIONS_FILE_MAX)
		return fadump_fail(ctx, -E2BIG,
				   "region report of %zu bytes is larger than %d, more than any kernel writes",
				   len, FADUMP_REGIONS_FILE_MAX);
	return regions_parse(ctx, NULL, text ? text : "", len, regsp);
}

FADUMP_EXPORT int fadump_regions_read(struct fadump_ctx *ctx,
				      struct fadump_regions **regsp)
{
	char path[PATH_MAX];
	char *buf;
	size_t len;
	int ret;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!regsp)
		return fadump_fail(ctx, -EINVAL,
				   "fadump_regions_read: NULL argument");
	ret = fadump_path(ctx, path, sizeof(path), FADUMP_REGION_PATH);
	if (ret < 0)
		return ret;
	ret = fadump_read_file(ctx, FADUMP_REGION_PATH,
			       FADUMP_REGIONS_FILE_MAX, &buf, &len);
	if (ret < 0)
		return ret;
	ret = regions_parse(ctx, path, buf, len, regsp);
	free(buf);
	return ret;
}

FADUMP_EXPORT struct fadump_regions *fadump_regions_ref(struct fadump_regions *regs)
{
	if (regs)
		regs->refcount++;
	return regs;
}

FADUMP_EXPORT struct fadump_regions *fadump_regions_unref(struct fadump_regions *regs)
{
	if (regs && --regs->refcount == 0)
		regions_free(regs);
	return NULL;
}

FADUMP_EXPORT unsigned int fadump_regions_count(const struct fadump_regions *regs)
{
	return regs ? regs->count : 0;
}

FADUMP_EXPORT int fadump_regions_get(const struct fadump_regions *regs,
				     unsigned int idx,
				     struct fadump_region *out)
{
	if (!regs || !out || out->size < FADUMP_REGION_SIZE_V1)
		return -EINVAL;
	if (idx >= regs->count)
		return -ERANGE;
	fadump_copy_out(out, &regs->regions[idx], sizeof(regs->regions[idx]));
	return 0;
}

FADUMP_EXPORT int fadump_regions_reserved_above(const struct fadump_regions *regs,
						uint64_t *addr)
{
	if (!regs)
		return -EINVAL;
	if (!regs->has_reserved_above)
		return -ENOENT;
	if (addr)
		*addr = regs->reserved_above;
	return 0;
}

FADUMP_EXPORT const char *fadump_regions_cmdline_append(const struct fadump_regions *regs,
							uint64_t *start,
							uint64_t *end)
{
	if (!regs || !regs->cmdline)
		return NULL;
	if (start)
		*start = regs->cmdline_start;
	if (end)
		*end = regs->cmdline_end;
	return regs->cmdline;
}

FADUMP_EXPORT int fadump_regions_released(const struct fadump_regions *regs,
					  uint64_t *bytes, unsigned int *ranges)
{
	if (!regs)
		return -EINVAL;
	if (!regs->has_released)
		return -ENOENT;
	if (bytes)
		*bytes = regs->released_bytes;
	if (ranges)
		*ranges = regs->released_ranges;
	return 0;
}
