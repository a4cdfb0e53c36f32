// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The configuration file parser. The file is root's, but it is still read
 * as hostile: a bounded read (the whole file, at most 64 KiB, in one
 * buffer), bounded lines, and every value checked before it is kept, so a
 * mistake shows as "FILE:LINE: what" when the service starts instead of as
 * a dump saved somewhere unexpected.
 *
 * Format: "key = value" lines; blank lines and lines whose first non-blank
 * character is '#' are skipped. A value may be written in double quotes,
 * taken verbatim between the first and the last quote: the way to put a
 * '#' into bootargs_append. An unquoted '#' is refused rather than guessed
 * at (a trailing comment or part of the value?).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

/* Longest piece of user input quoted back in a message. */
#define QUOTE_MAX 64

/* The save settings last, in enum cli_save_setting's order. */
enum config_key {
	KEY_DEST, KEY_RELEASE, KEY_BOOTARGS, KEY_OPALCORE,
	KEY_LEVEL, KEY_FORMAT, KEY_COMPRESS, KEY_THREADS,
	KEY_COUNT,
};

_Static_assert(KEY_THREADS - KEY_LEVEL == CLI_SAVE_THREADS - CLI_SAVE_LEVEL &&
	       KEY_COUNT - KEY_LEVEL == CLI_SAVE_SETTINGS,
	       "the save keys follow enum cli_save_setting");

struct parser {
	const char *path;
	unsigned int line;
	char *err;
	size_t errlen;
	unsigned int seen[KEY_COUNT];	/* line each key was set on, 0: not yet */
};

static const char *const keys[KEY_COUNT] = {
	[KEY_DEST] = "dest",
	[KEY_RELEASE] = "release",
	[KEY_BOOTARGS] = "bootargs_append",
	[KEY_OPALCORE] = "opalcore",
	[KEY_LEVEL] = "level",
	[KEY_FORMAT] = "format",
	[KEY_COMPRESS] = "compress",
	[KEY_THREADS] = "threads",
};

static const char *const format_names[] = {
	[FADUMP_SAVE_FORMAT_ELF] = "elf",
	[FADUMP_SAVE_FORMAT_KDUMP] = "kdump",
};

static const char *const policy_names[] = {
	[CLI_RELEASE_NO] = "no",
	[CLI_RELEASE_AUTO] = "auto",
	[CLI_RELEASE_RANGES] = "ranges",
	[CLI_RELEASE_END] = "end",
};

const char *cli_release_policy_name(enum cli_release_policy policy)
{
	if ((unsigned int)policy >= sizeof(policy_names) / sizeof(policy_names[0]))
		return "?";
	return policy_names[policy];
}

const char *cli_format_name(unsigned int format)
{
	if (format >= sizeof(format_names) / sizeof(format_names[0]))
		return "?";
	return format_names[format];
}

static bool equals(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(s, word, len) == 0;
}

/* Decimal digits only, at most @max: no sign, blank, base prefix or unit. */
static int parse_decimal(const char *s, size_t len, unsigned int max,
			 unsigned int *out)
{
	unsigned long v = 0;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(s[i] - '0');
		if (v > max)
			return -EINVAL;
	}
	*out = (unsigned int)v;
	return 0;
}

static int parse_level(const char *s, size_t len, unsigned int *level)
{
	return parse_decimal(s, len, FADUMP_DUMP_LEVEL_MAX, level);
}

static int parse_format(const char *s, size_t len, unsigned int *format)
{
	for (unsigned int i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (equals(s, len, format_names[i])) {
			*format = i;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_compression(const char *s, size_t len,
			     unsigned int *compression)
{
	const char *name;

	/*
	 * The library's own names; "default" is left out: leaving the
	 * setting out says that, and the list users are shown stays short.
	 */
	for (unsigned int c = FADUMP_COMPRESS_DEFAULT + 1;
	     (name = fadump_compression_name(c)); c++) {
		if (equals(s, len, name)) {
			*compression = c;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_threads(const char *s, size_t len, unsigned int *threads)
{
	if (equals(s, len, "auto")) {
		*threads = 0;
		return 0;
	}
	return parse_decimal(s, len, CLI_SAVE_MAX_THREADS, threads);
}

const struct cli_save_key cli_save_keys[CLI_SAVE_SETTINGS] = {
	[CLI_SAVE_LEVEL] = {
		"level", parse_level,
		"a dump level from 0 to 31 (makedumpfile's -d)",
		offsetof(struct cli_save_settings, level),
	},
	[CLI_SAVE_FORMAT] = {
		"format", parse_format, "kdump or elf",
		offsetof(struct cli_save_settings, format),
	},
	[CLI_SAVE_COMPRESS] = {
		"compress", parse_compression, "zstd, zlib, lzo or none",
		offsetof(struct cli_save_settings, compression),
	},
	[CLI_SAVE_THREADS] = {
		"threads", parse_threads,
		"auto or a thread count from 0 (auto) to 4096",
		offsetof(struct cli_save_settings, threads),
	},
};

int cli_save_key_parse(enum cli_save_setting setting, const char *s,
		       size_t len, struct cli_save_settings *save)
{
	const struct cli_save_key *key = &cli_save_keys[setting];

	return key->parse(s, len, (unsigned int *)((char *)save + key->offset));
}

static void set_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* "FILE:LINE: " then the message; returns -EINVAL for the caller's return. */
static int parse_error(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int parse_error(struct parser *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	set_error(p->err, p->errlen, "%s:%u: %s", p->path, p->line, msg);
	return -EINVAL;
}

/*
 * @s (@len bytes) made safe to print inside quotes: control and non-ASCII
 * bytes as \xNN, at most QUOTE_MAX input bytes, "..." when cut.
 */
static const char *quote(char buf[QUOTE_MAX * 4 + 4], const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char *o = buf;

	for (size_t i = 0; i < len && i < QUOTE_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '\\') {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		} else {
			*o++ = (char)c;
		}
	}
	if (len > QUOTE_MAX) {
		memcpy(o, "...", 3);
		o += 3;
	}
	*o = '\0';
	return buf;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Trim blanks off both ends of [*s, *s + *len). */
static void trim(const char **s, size_t *len)
{
	while (*len && is_blank(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && is_blank((*s)[*len - 1]))
		(*len)--;
}

static bool has_control(const char *s, size_t len, size_t *at)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			*at = i;
			return true;
		}
	}
	return false;
}

static int set_dest(struct parser *p, struct cli_config *cfg, const char *v,
		    size_t len)
{
	char q[QUOTE_MAX * 4 + 4];
	size_t at;

	if (len == 0)
		return parse_error(p, "dest: empty value (an absolute directory, default %s)",
				   CLI_CONFIG_DEFAULT_DEST);
	if (v[0] != '/')
		return parse_error(p, "dest: '%s' is not an absolute path",
				   quote(q, v, len));
	if (has_control(v, len, &at))
		return parse_error(p, "dest: control character \\x%02x at byte %zu",
				   (unsigned char)v[at], at + 1);
	/* Room for the per-dump directory and file name below it. */
	if (len > PATH_MAX - 64)
		return parse_error(p, "dest: path longer than %d bytes", PATH_MAX - 64);
	while (len > 1 && v[len - 1] == '/')
		len--;
	free(cfg->dest);
	cfg->dest = strndup(v, len);
	return cfg->dest ? 0 : -ENOMEM;
}

static int set_release(struct parser *p, struct cli_config *cfg, const char *v,
		       size_t len)
{
	char q[QUOTE_MAX * 4 + 4];

	for (size_t i = 0; i < sizeof(policy_names) / sizeof(policy_names[0]); i++) {
		if (equals(v, len, policy_names[i])) {
			cfg->release = (enum cli_release_policy)i;
			return 0;
		}
	}
	return parse_error(p, "release: '%s' is not auto, ranges, end or no",
			   quote(q, v, len));
}

static int set_bootargs(struct parser *p, struct cli_config *cfg, const char *v,
			size_t len)
{
	size_t at;

	if (len > CLI_CONFIG_MAX_BOOTARGS)
		return parse_error(p, "bootargs_append: %zu bytes, at most %d",
				   len, CLI_CONFIG_MAX_BOOTARGS);
	/* The kernel takes the attribute as one line of the command line. */
	if (has_control(v, len, &at))
		return parse_error(p, "bootargs_append: control character \\x%02x at byte %zu",
				   (unsigned char)v[at], at + 1);
	free(cfg->bootargs_append);
	cfg->bootargs_append = strndup(v, len);
	return cfg->bootargs_append ? 0 : -ENOMEM;
}

/* PowerNV: release the saved OPAL core with the dump's memory, or keep it. */
static int set_opalcore(struct parser *p, struct cli_config *cfg, const char *v,
			size_t len)
{
	char q[QUOTE_MAX * 4 + 4];

	if (equals(v, len, "release") || equals(v, len, "keep")) {
		cfg->keep_opalcore = equals(v, len, "keep");
		return 0;
	}
	return parse_error(p, "opalcore: '%s' is not release or keep",
			   quote(q, v, len));
}

/*
 * level, format, compress, threads: @parse and the words it takes. A
 * compressor this build lacks is refused here, when the service starts
 * (or already when 'fadumpctl register' reads the file, before any
 * crash), rather than after the dump was scanned.
 */
static int set_save_value(struct parser *p, struct cli_config *cfg,
			  enum config_key k, const char *v, size_t len)
{
	enum cli_save_setting setting = (enum cli_save_setting)(k - KEY_LEVEL);
	char q[QUOTE_MAX * 4 + 4];

	if (cli_save_key_parse(setting, v, len, &cfg->save) < 0)
		return parse_error(p, "%s: '%s' is not %s", keys[k],
				   quote(q, v, len), cli_save_keys[setting].expected);
	if (k == KEY_COMPRESS &&
	    fadump_compression_supported(cfg->save.compression) != 1) {
		parse_error(p, "compress: this build of libfadump cannot write %s",
			    fadump_compression_name(cfg->save.compression));
		return -EOPNOTSUPP;
	}
	return 0;
}

/* One line without its newline: @s, @len bytes (at most CLI_CONFIG_MAX_LINE). */
static int parse_line(struct parser *p, struct cli_config *cfg, const char *s,
		      size_t len)
{
	char q[QUOTE_MAX * 4 + 4];
	const char *eq, *key, *val;
	size_t klen, vlen;
	unsigned int k;

	trim(&s, &len);
	if (len == 0 || s[0] == '#')
		return 0;

	eq = memchr(s, '=', len);
	if (!eq)
		return parse_error(p, "missing '=' in '%s' (expected: key = value)",
				   quote(q, s, len));
	key = s;
	klen = (size_t)(eq - s);
	trim(&key, &klen);
	val = eq + 1;
	vlen = (size_t)(s + len - val);
	trim(&val, &vlen);

	if (klen == 0)
		return parse_error(p, "missing key before '='");
	for (k = 0; k < KEY_COUNT; k++)
		if (equals(key, klen, keys[k]))
			break;
	if (k == KEY_COUNT)
		return parse_error(p, "unknown key '%s' (known: dest, release, "
				   "level, format, compress, threads, bootargs_append, "
				   "opalcore)",
				   quote(q, key, klen));
	if (p->seen[k])
		return parse_error(p, "duplicate key '%s' (first set on line %u)",
				   keys[k], p->seen[k]);
	p->seen[k] = p->line;

	if (vlen && val[0] == '"') {
		if (vlen < 2 || val[vlen - 1] != '"')
			return parse_error(p, "%s: unterminated quoted value", keys[k]);
		val++;
		vlen -= 2;
	} else if (memchr(val, '#', vlen)) {
		return parse_error(p, "%s: '#' in an unquoted value (comments go on their own line; quote the value if the '#' belongs to it)",
				   keys[k]);
	} else if (memchr(val, '"', vlen)) {
		return parse_error(p, "%s: '\"' inside an unquoted value (quote the whole value)",
				   keys[k]);
	}

	switch (k) {
	case KEY_DEST:
		return set_dest(p, cfg, val, vlen);
	case KEY_RELEASE:
		return set_release(p, cfg, val, vlen);
	case KEY_BOOTARGS:
		return set_bootargs(p, cfg, val, vlen);
	case KEY_OPALCORE:
		return set_opalcore(p, cfg, val, vlen);
	default:
		return set_save_value(p, cfg, (enum config_key)k, val, vlen);
	}
}

/*
 * What no single line shows: a compressor for a format that compresses
 * nothing. Named at the later of the two lines, as the one that made the
 * file contradict itself.
 */
static int check_combination(struct parser *p, const struct cli_config *cfg)
{
	unsigned int fmt = p->seen[KEY_FORMAT], comp = p->seen[KEY_COMPRESS];

	if (!comp || cfg->save.format != FADUMP_SAVE_FORMAT_ELF)
		return 0;
	p->line = comp > fmt ? comp : fmt;
	return parse_error(p, "compress: applies to format = kdump only "
			   "(format = elf on line %u)", fmt);
}

static int parse(struct parser *p, struct cli_config *cfg, const char *buf,
		 size_t len)
{
	const char *s = buf, *end = buf + len;
	int ret;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		p->line++;
		if (n > CLI_CONFIG_MAX_LINE)
			return parse_error(p, "line longer than %d bytes",
					   CLI_CONFIG_MAX_LINE);
		ret = parse_line(p, cfg, s, n);
		if (ret < 0)
			return ret;
		s += n + (nl ? 1 : 0);
	}
	return check_combination(p, cfg);
}

/*
 * The whole file into a malloc()ed buffer of at most CLI_CONFIG_MAX_FILE
 * bytes. st_size is not trusted (it may grow while we read): one byte
 * more than the limit is asked for and its arrival means too large.
 */
static int read_file(const char *path, bool explicit, char **bufp, size_t *lenp,
		     char *err, size_t errlen)
{
	struct stat st;
	size_t len = 0;
	char *buf;
	int fd, ret;

	*bufp = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ENOENT && !explicit)
			return 0;
		set_error(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	/* A FIFO or a device would block or never end. */
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		set_error(err, errlen, "%s: %s", path, strerror(-ret));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		set_error(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	buf = malloc(CLI_CONFIG_MAX_FILE + 1);
	if (!buf) {
		ret = -ENOMEM;
		set_error(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, CLI_CONFIG_MAX_FILE + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			set_error(err, errlen, "%s: %s", path, strerror(-ret));
			free(buf);
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > CLI_CONFIG_MAX_FILE) {
			ret = -EFBIG;
			set_error(err, errlen, "%s: larger than %d bytes",
				  path, CLI_CONFIG_MAX_FILE);
			free(buf);
			goto fail;
		}
	}
	close(fd);
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	close(fd);
	return ret;
}

int cli_config_load(const char *path, bool explicit, struct cli_config *cfg,
		    char *err, size_t errlen)
{
	struct parser p = { .path = path, .err = err, .errlen = errlen };
	const char *nul;
	size_t len = 0;
	char *buf;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	*cfg = (struct cli_config){ .release = CLI_RELEASE_AUTO,
				    .save = CLI_SAVE_DEFAULTS };
	cfg->dest = strdup(CLI_CONFIG_DEFAULT_DEST);
	if (!cfg->dest) {
		set_error(err, errlen, "out of memory");
		return -ENOMEM;
	}

	ret = read_file(path, explicit, &buf, &len, err, errlen);
	if (ret < 0 || !buf) {
		if (ret < 0)
			cli_config_free(cfg);
		return ret;
	}

	nul = memchr(buf, '\0', len);
	if (nul) {
		p.line = 1;
		for (const char *c = buf; c < nul; c++)
			p.line += *c == '\n';
		ret = parse_error(&p, "NUL byte (not a text file?)");
	} else {
		ret = parse(&p, cfg, buf, len);
	}
	if (ret == -ENOMEM)
		set_error(err, errlen, "%s: out of memory", path);
	free(buf);
	if (ret < 0)
		cli_config_free(cfg);
	return ret;
}

void cli_config_free(struct cli_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->dest);
	free(cfg->bootargs_append);
	cfg->dest = NULL;
	cfg->bootargs_append = NULL;
}
