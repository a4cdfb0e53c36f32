// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fadumpctl dmesg [VMCORE]: the crashed kernel's log, as vmcore-dmesg
 * and makedumpfile --dump-dmesg print it. Without an argument it reads
 * /proc/vmcore under the root; an argument is a file taken as given.
 *
 * Text: "[%5lu.%06lu] text" lines, oldest first; a line on stderr says
 * how many records the ring had lost. JSON keys (add, never rename):
 *
 *   {
 *     "path": string, "format": "lockless" | "log_buf" (3.5 - 5.9),
 *     "records": integer, "lost": integer,
 *     "log": [ { "seq", "ts_nsec", "caller_id", "text" } ]
 *   }
 *
 * "text" has bytes other than printable ASCII and tab written as \xNN,
 * as in the text form, so the JSON is valid UTF-8 whatever the dump holds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "fadumpctl.h"
#include "json.h"

static const char *format_name(enum fadump_dmesg_format format)
{
	switch (format) {
	case FADUMP_DMESG_LOCKLESS:
		return "lockless";
	case FADUMP_DMESG_LOG_BUF:
		return "log_buf";
	default:
		return "unknown";
	}
}

/* The printable form of a record's text (malloc()ed). */
static char *escape_text(const char *text, size_t len)
{
	char *out = malloc(len * 4 + 1), *p = out;

	if (!out)
		cli_oom();
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if ((c >= ' ' && c < 0x7f) || c == '\t' || c == '\n')
			*p++ = (char)c;
		else
			p += sprintf(p, "\\x%02x", c);
	}
	*p = '\0';
	return out;
}

static int add_record(void *userdata, const struct fadump_dmesg_record *rec)
{
	struct json_object *log = userdata, *j = jobj_new();
	char *text = escape_text(rec->text, rec->text_len);

	jadd_u64(j, "seq", rec->seq);
	jadd_u64(j, "ts_nsec", rec->ts_nsec);
	jadd_u64(j, "caller_id", rec->caller_id);
	jadd_str(j, "text", text);
	free(text);
	jarr_add(log, j);
	return 0;
}

static int dmesg_json(struct cli *cli, struct fadump_vmcore *vm)
{
	struct fadump_dmesg_summary sum = { .size = sizeof(sum) };
	struct json_object *o = jobj_new(), *log = jarr_new();
	int ret;

	ret = fadump_vmcore_dmesg(vm, add_record, log, &sum);
	if (ret < 0) {
		json_object_put(o);
		json_object_put(log);
		return cli_fail(cli, ret);
	}
	jadd_str(o, "path", fadump_vmcore_get_path(vm));
	jadd_str(o, "format", format_name(sum.format));
	jadd_u64(o, "records", sum.records);
	jadd_u64(o, "lost", sum.lost);
	jadd(o, "log", log);
	json_print(o);
	return EXIT_OK;
}

static int dmesg_print(struct cli *cli, struct fadump_vmcore *vm)
{
	struct fadump_dmesg_summary sum = { .size = sizeof(sum) };
	char *text;
	size_t len;
	int ret;

	ret = fadump_vmcore_dmesg_text(vm, &text, &len, &sum);
	if (ret < 0)
		return cli_fail(cli, ret);
	fwrite(text, 1, len, stdout);
	free(text);
	if (sum.lost)
		fprintf(stderr, "fadumpctl: %u log record%s lost (overwritten or unfinished)\n",
			sum.lost, sum.lost == 1 ? "" : "s");
	return EXIT_OK;
}

int cmd_dmesg(struct cli *cli, int argc, char **argv)
{
	struct fadump_vmcore *vm;
	int ret;

	if (argc > 1)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[1]);
	ret = fadump_vmcore_open(cli->ctx, argc ? argv[0] : NULL, &vm);
	if (ret < 0)
		return cli_fail(cli, ret);
	ret = cli->json ? dmesg_json(cli, vm) : dmesg_print(cli, vm);
	fadump_vmcore_unref(vm);
	return ret;
}
