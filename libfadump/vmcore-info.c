// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The VMCOREINFO note: text the crashed kernel wrote for dump tools
 * (kernel/vmcore_info.c, arch_crash_save_vmcoreinfo()), one "KEY=VALUE\n"
 * per line: OSRELEASE, PAGESIZE, SYMBOL(name), SIZE(type),
 * OFFSET(type.member), NUMBER(name), LENGTH(name), CRASHTIME, ...
 *
 * A kdump-compressed file keeps the same text in its sub-header too.
 * It is parsed when the dump is opened but a malformed text does not
 * fail the open: saving a dump needs only its ELF container, and a dump
 * that cannot be read must still be saved. The error is kept and
 * returned by every VMCOREINFO accessor instead.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmcore.h"

static void FADUMP_PRINTF(3, 4)
keep_error(struct fadump_vmcore *vm, int err, const char *format, ...)
{
	va_list args;

	vm->info_err = err;
	va_start(args, format);
	if (vasprintf(&vm->info_errmsg, format, args) < 0)
		vm->info_errmsg = NULL;
	va_end(args);
}

static const struct vmcore_note *find_info_note(const struct fadump_vmcore *vm)
{
	for (unsigned int i = 0; i < vm->nnotes; i++)
		if (vm->notes[i].type == 0 &&
		    strcmp(vm->notes[i].name, "VMCOREINFO") == 0)
			return &vm->notes[i];
	return NULL;
}

static bool key_char(unsigned char c)
{
	return c > ' ' && c < 0x7f && c != '=';
}

/* Split the private copy in place into vm->info; count lines first. */
static int split_lines(struct fadump_vmcore *vm, char *text, size_t len)
{
	unsigned int lines = 0, no = 0;
	char *p = text, *end = text + len;

	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	if (len && text[len - 1] != '\n')
		lines++;
	vm->info = calloc(lines ? lines : 1, sizeof(*vm->info));
	if (!vm->info) {
		keep_error(vm, -ENOMEM, "out of memory");
		return -ENOMEM;
	}

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *eq, *line = p;

		if (!nl)
			nl = end;
		*nl = '\0';		/* text has room for the final NUL */
		p = nl + 1;
		no++;
		eq = strchr(line, '=');
		if (!eq || eq == line) {
			keep_error(vm, -EBADMSG,
				   "%s: VMCOREINFO line %u is not KEY=VALUE: '%.60s'",
				   vm->path, no, line);
			return -EBADMSG;
		}
		for (char *k = line; k < eq; k++)
			if (!key_char((unsigned char)*k)) {
				keep_error(vm, -EBADMSG,
					   "%s: VMCOREINFO line %u: bad character "
					   "%#x in the key", vm->path, no,
					   (unsigned char)*k);
				return -EBADMSG;
			}
		for (char *v = eq + 1; *v; v++)
			if ((unsigned char)*v < ' ' || *v == 0x7f) {
				keep_error(vm, -EBADMSG,
					   "%s: VMCOREINFO line %u: control "
					   "character %#x in the value", vm->path,
					   no, (unsigned char)*v);
				return -EBADMSG;
			}
		*eq = '\0';
		vm->info[vm->ninfo++] = (struct vmcoreinfo_line){
			.key = line, .value = eq + 1,
		};
	}
	return 0;
}

int vmcore_parse_vmcoreinfo_text(struct fadump_vmcore *vm,
				 const unsigned char *text, size_t size)
{
	/* The text may be followed by NUL padding, but by nothing else. */
	size_t len = strnlen((const char *)text, size);

	for (size_t i = len; i < size; i++)
		if (text[i]) {
			keep_error(vm, -EBADMSG,
				   "%s: VMCOREINFO: text goes on after a NUL "
				   "byte at offset %zu", vm->path, len);
			return vm->info_err;
		}
	vm->info_text = malloc(len + 1);
	if (!vm->info_text) {
		keep_error(vm, -ENOMEM, "out of memory");
		return vm->info_err;
	}
	memcpy(vm->info_text, text, len);
	vm->info_text[len] = '\0';
	return split_lines(vm, vm->info_text, len);
}

int vmcore_parse_vmcoreinfo(struct fadump_vmcore *vm)
{
	const struct vmcore_note *n = find_info_note(vm);

	if (!n) {
		keep_error(vm, -ENOENT, "%s: no VMCOREINFO note", vm->path);
		return vm->info_err;
	}
	return vmcore_parse_vmcoreinfo_text(vm, n->desc, n->descsz);
}

void vmcore_free_vmcoreinfo(struct fadump_vmcore *vm)
{
	free(vm->info);
	free(vm->info_text);
	free(vm->info_errmsg);
}

/* Report the kept parse error through the context. */
static int info_error(const struct fadump_vmcore *vm)
{
	return fadump_fail(vm->ctx, vm->info_err, "%s",
			   vm->info_errmsg ? vm->info_errmsg : "out of memory");
}

FADUMP_EXPORT int fadump_vmcore_vmcoreinfo_count(const struct fadump_vmcore *vm)
{
	if (!vm)
		return -EINVAL;
	fadump_clear_error(vm->ctx);
	if (vm->info_err)
		return info_error(vm);
	return (int)vm->ninfo;
}

FADUMP_EXPORT int fadump_vmcore_vmcoreinfo_get(const struct fadump_vmcore *vm,
					       unsigned int idx,
					       const char **key,
					       const char **value)
{
	if (!vm)
		return -EINVAL;
	fadump_clear_error(vm->ctx);
	if (vm->info_err)
		return info_error(vm);
	if (idx >= vm->ninfo)
		return -ERANGE;
	if (key)
		*key = vm->info[idx].key;
	if (value)
		*value = vm->info[idx].value;
	return 0;
}

/*
 * -ENOENT for a missing key is not recorded: the library's own readers
 * probe for optional keys and must not leave a message behind for them.
 */
int vmcore_info_find(const struct fadump_vmcore *vm, const char *key,
		     const char **value)
{
	if (vm->info_err)
		return info_error(vm);
	for (unsigned int i = 0; i < vm->ninfo; i++)
		if (strcmp(vm->info[i].key, key) == 0) {
			if (value)
				*value = vm->info[i].value;
			return 0;
		}
	return -ENOENT;
}

int vmcore_info_u64(const struct fadump_vmcore *vm, const char *key, int base,
		    uint64_t *out)
{
	const char *value;
	int ret;

	ret = vmcore_info_find(vm, key, &value);
	if (ret < 0)
		return ret;
	if (fadump_parse_u64(value, strlen(value), base, out) < 0)
		return fadump_fail(vm->ctx, -EBADMSG,
				   "%s: VMCOREINFO %s=%s is not a number",
				   vm->path, key, value);
	return 0;
}

int vmcore_info_field(const struct fadump_vmcore *vm, const char *kind,
		      const char *name, uint64_t *out)
{
	char key[128];

	snprintf(key, sizeof(key), "%s(%s)", kind, name);
	/* SYMBOL() is "%lx" without 0x; SIZE, OFFSET, LENGTH are "%lu" */
	return vmcore_info_u64(vm, key, strcmp(kind, "SYMBOL") ? 10 : 16, out);
}

int vmcore_info_number(const struct fadump_vmcore *vm, const char *name,
		       int64_t *out)
{
	const char *value;
	char key[128];
	uint64_t v;
	bool minus;
	int ret;

	snprintf(key, sizeof(key), "NUMBER(%s)", name);
	ret = vmcore_info_find(vm, key, &value);
	if (ret < 0)
		return ret;
	minus = *value == '-';
	if (minus)
		value++;
	if (fadump_parse_u64(value, strlen(value), minus ? 10 : 0, &v) < 0 ||
	    (minus && v > (uint64_t)INT64_MAX + 1))
		return fadump_fail(vm->ctx, -EBADMSG,
				   "%s: VMCOREINFO %s=%s%s is not a number",
				   vm->path, key, minus ? "-" : "", value);
	/* two's complement: "0x%lx" values above INT64_MAX keep their bits */
	*out = minus ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

int vmcore_kernel_version(const struct fadump_vmcore *vm, unsigned int *kv)
{
	unsigned long major, minor;
	const char *rel;
	char *end;
	int ret;

	ret = vmcore_info_find(vm, "OSRELEASE", &rel);
	if (ret < 0)
		return ret;
	/* "7.2.0-fadump-test", "4.18.0-553.el8_10.ppc64le", "6.1.0-rc3" */
	major = strtoul(rel, &end, 10);
	if (end == rel || *end != '.' || major > 255)
		goto bad;
	rel = end + 1;
	minor = strtoul(rel, &end, 10);
	if (end == rel || minor > 255)
		goto bad;
	*kv = KERNEL_VERSION_KV((unsigned int)major, (unsigned int)minor);
	return 0;
bad:
	return fadump_fail(vm->ctx, -EBADMSG,
			   "%s: VMCOREINFO OSRELEASE does not start with a "
			   "kernel version (MAJOR.MINOR)", vm->path);
}

FADUMP_EXPORT int fadump_vmcore_vmcoreinfo_lookup(const struct fadump_vmcore *vm,
						  const char *key,
						  const char **value)
{
	int ret;

	if (!vm)
		return -EINVAL;
	fadump_clear_error(vm->ctx);
	if (!key)
		return fadump_fail_null(vm->ctx, "key");
	ret = vmcore_info_find(vm, key, value);
	if (ret == -ENOENT)
		return fadump_fail(vm->ctx, -ENOENT, "%s: VMCOREINFO has no %s",
				   vm->path, key);
	return ret;
}

FADUMP_EXPORT int fadump_vmcore_page_size(const struct fadump_vmcore *vm,
					  uint64_t *out)
{
	const char *s;
	uint64_t v;
	int ret;

	if (!vm)
		return -EINVAL;
	if (!out)
		return fadump_fail_null(vm->ctx, "out");
	ret = fadump_vmcore_vmcoreinfo_lookup(vm, "PAGESIZE", &s);
	if (ret < 0)
		return ret;
	/* The kernel prints it with "%ld". */
	if (fadump_parse_u64(s, strlen(s), 10, &v) < 0 || v < 512 ||
	    (v & (v - 1)))
		return fadump_fail(vm->ctx, -EBADMSG,
				   "%s: VMCOREINFO PAGESIZE '%s' is not a page size",
				   vm->path, s);
	*out = v;
	return 0;
}

FADUMP_EXPORT int fadump_vmcore_crash_time(const struct fadump_vmcore *vm,
					   int64_t *out)
{
	const char *s, *digits;
	uint64_t v;
	int ret;

	if (!vm)
		return -EINVAL;
	if (!out)
		return fadump_fail_null(vm->ctx, "out");
	ret = fadump_vmcore_vmcoreinfo_lookup(vm, "CRASHTIME", &s);
	if (ret < 0)
		return ret;
	/* time64_t printed with "%lld": a sign is possible, if unlikely */
	digits = *s == '-' ? s + 1 : s;
	if (fadump_parse_u64(digits, strlen(digits), 10, &v) < 0 ||
	    v > (uint64_t)INT64_MAX + (digits != s))
		return fadump_fail(vm->ctx, -EBADMSG,
				   "%s: VMCOREINFO CRASHTIME '%s' is not a time",
				   vm->path, s);
	if (digits != s)
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;
	return 0;
}
