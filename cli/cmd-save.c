// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fadumpctl save [--release[=auto|ranges|end]] [--force] [--source VMCORE]
 * [--level N] [--format kdump|elf] [--compress C] [--threads N] [DEST]:
 * save the dump to DEST/vmcore with the library's saver (fsync()ed,
 * linked into place, never over an existing file; DEST made 0700 if
 * missing), giving the dump's memory back as asked: part by part while
 * copying (release_range kernels), or all once the copy is durable.
 *
 * What is written: by default makedumpfile -d 31 in its compressed
 * format (CLI_SAVE_DEFAULTS, reasons in docs/saving.md); --level 0
 * --format elf is the sparse byte-for-byte copy.
 *
 * Without DEST, the configuration decides (the capture-boot service's
 * way): <dest>/<crash time>/vmcore, with its level, format, compress and
 * threads, released per its release policy; options given override it.
 *
 * A release only ever follows the live dump (/proc/vmcore under the
 * root): releasing after copying some other file would throw away a dump
 * nobody saved.
 *
 * PowerNV: the live dump's OPAL core (/sys/firmware/opal/mpipl/core) is
 * saved first, as DEST/opalcore, with the same rules, and released
 * (release_core) once durable when the dump's memory is released, unless
 * --keep-opalcore or "opalcore = keep". First, because releasing the
 * dump frees what the firmware preserved (OPAL_MPIPL_FREE_PRESERVED_MEMORY).
 * Its failure (but a cancel) does not stop the dump's save; the exit
 * status then says it failed.
 *
 * SIGINT, SIGTERM and SIGHUP cancel the copy through the progress
 * callback, so the library removes its partial file before we exit.
 *
 * JSON summary keys (a contract: add keys, never rename):
 *   source, dest (the saved file), bytes_total, bytes_written,
 *   zero_bytes_skipped, seconds, mb_per_s, released,
 *   release_mode ("none", "end", "ranges": what ran), bytes_released_early,
 *   ranges_released, syncs,
 *   since 0.5: format ("kdump", "elf"), compression (null for elf),
 *   dump_level, threads, file_bytes, pages_total, pages_kept, classes
 *   ({class: {kept, excluded}} for every fadump_page_class_name()),
 *   unknown_reason (null when no page was unknown),
 *   excluded_ranges_released, excluded_bytes_released; the page counts
 *   are null for the plain copy (level 0, elf), which does not look at
 *   pages; opalcore: null without an OPAL core saved, else {dest,
 *   bytes_total, bytes_written, zero_bytes_skipped, seconds, released}.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fadumpctl.h"
#include "json.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

struct progress {
	bool tty;		/* draw the progress line */
	double start;
	double last_draw;
	bool drawn;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "12:34" or "1:02:03" */
static void format_eta(char *buf, size_t len, double seconds)
{
	unsigned long s = seconds > 0 && seconds < 1e7 ? (unsigned long)seconds : 0;

	if (s >= 3600)
		snprintf(buf, len, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, len, "%lu:%02lu", s / 60, s % 60);
}

static int on_progress(void *userdata, uint64_t done, uint64_t total)
{
	struct progress *p = userdata;
	char d[SIZE_STR_MAX], t[SIZE_STR_MAX], eta[32];
	double elapsed, rate, tnow;

	if (stop_signal)
		return 1;
	if (!p->tty)
		return 0;
	tnow = now();
	if (done < total && tnow - p->last_draw < 0.25)
		return 0;
	p->last_draw = tnow;
	elapsed = tnow - p->start;
	rate = elapsed > 0 ? (double)done / elapsed : 0;
	format_eta(eta, sizeof(eta), rate > 0 ? (double)(total - done) / rate : 0);
	/* One line, rewritten in place; \033[K clears what a longer one left. */
	fprintf(stderr, "\r%s / %s  %3u%%  %.0f MB/s  ETA %s\033[K",
		format_size(d, done), format_size(t, total),
		total ? (unsigned int)(done * 100 / total) : 100, rate / 1e6, eta);
	p->drawn = true;
	return 0;
}

static void catch_signals(bool on)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on ? on_signal : SIG_DFL };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* A double with @decimals digits, not json-c's 17 significant ones. */
static void jadd_double(struct json_object *o, const char *key, double v,
			int decimals)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	jadd(o, key, json_object_new_double_s(v, buf));
}

/* Only the plain copy (level 0, ELF) leaves pages unlooked at. */
static bool is_filtered(const struct cli_save_settings *s)
{
	return s->level != 0 || s->format != FADUMP_SAVE_FORMAT_ELF;
}

/*
 * The plain copy is the source byte for byte, so its file is as large
 * as the dump even where the library leaves file_bytes to filtered saves.
 */
static uint64_t file_bytes(const struct cli_save_settings *s,
			   const struct fadump_save_result *r)
{
	return is_filtered(s) || r->file_bytes ? r->file_bytes : r->bytes_total;
}

/* The library's name of the compressor it used, "?" for one it did not name. */
static const char *compression_word(unsigned int compression)
{
	const char *name = fadump_compression_name(compression);

	return name ? name : "?";
}

static unsigned int class_count(void)
{
	return FADUMP_PAGE_CLASS_COUNT < FADUMP_SAVE_CLASS_SLOTS ?
	       FADUMP_PAGE_CLASS_COUNT : FADUMP_SAVE_CLASS_SLOTS;
}

/* The 0.5 keys: what was written and which pages it holds. */
static void report_filter_json(struct json_object *o,
			       const struct cli_save_settings *s,
			       const struct fadump_save_result *r)
{
	struct json_object *classes;

	/* What the library wrote; the level is what was asked of it. */
	jadd_str(o, "format", cli_format_name(r->format));
	if (r->format == FADUMP_SAVE_FORMAT_KDUMP)
		jadd_str(o, "compression", compression_word(r->compression));
	else
		jadd_null(o, "compression");
	jadd_u64(o, "dump_level", s->level);
	jadd_u64(o, "threads", r->threads);
	jadd_u64(o, "file_bytes", file_bytes(s, r));
	jadd_u64(o, "excluded_ranges_released", r->excluded_ranges_released);
	jadd_u64(o, "excluded_bytes_released", r->excluded_bytes_released);
	if (!is_filtered(s)) {
		jadd_null(o, "pages_total");
		jadd_null(o, "pages_kept");
		jadd_null(o, "classes");
		jadd_null(o, "unknown_reason");
		return;
	}
	jadd_u64(o, "pages_total", r->pages_total);
	jadd_u64(o, "pages_kept", r->pages_kept);
	classes = jobj_new();
	for (unsigned int c = 0; c < class_count(); c++) {
		struct json_object *one = jobj_new();

		jadd_u64(one, "kept", r->class_kept[c]);
		jadd_u64(one, "excluded", r->class_excluded[c]);
		jadd(classes, fadump_page_class_name(c), one);
	}
	jadd(o, "classes", classes);
	if (r->unknown_reason[0])
		jadd_str(o, "unknown_reason", r->unknown_reason);
	else
		jadd_null(o, "unknown_reason");
}

/* The pages a filtered save kept and left out, per class that had any. */
static void report_filter_text(const struct cli_save_settings *s,
			       const struct fadump_save_result *r)
{
	printf("%s, %s, dump level %u, %u thread%s\n",
	       cli_format_name(r->format),
	       r->format == FADUMP_SAVE_FORMAT_KDUMP ?
	       compression_word(r->compression) : "uncompressed",
	       s->level, r->threads, r->threads == 1 ? "" : "s");
	printf("pages: %" PRIu64 " of %" PRIu64 " kept\n", r->pages_kept,
	       r->pages_total);
	printf("  %-14s %12s %12s\n", "class", "kept", "excluded");
	for (unsigned int c = 0; c < class_count(); c++) {
		if (!r->class_kept[c] && !r->class_excluded[c])
			continue;
		printf("  %-14s %12" PRIu64 " %12" PRIu64 "\n",
		       fadump_page_class_name(c), r->class_kept[c],
		       r->class_excluded[c]);
	}
	if (r->unknown_reason[0])
		printf("unknown pages kept: %.*s\n",
		       (int)sizeof(r->unknown_reason), r->unknown_reason);
}

/* The OPAL core's copy: a byte-for-byte one, released or not. */
static void report_opalcore_json(struct json_object *o, const char *dir,
				 const struct fadump_save_result *r)
{
	struct json_object *oc;
	char *dest;

	if (!r || !r->bytes_total) {
		jadd_null(o, "opalcore");
		return;
	}
	if (asprintf(&dest, "%s/opalcore", dir) < 0)
		cli_oom();
	oc = jobj_new();
	jadd_str(oc, "dest", dest);
	jadd_u64(oc, "bytes_total", r->bytes_total);
	jadd_u64(oc, "bytes_written", r->bytes_written);
	jadd_u64(oc, "zero_bytes_skipped", r->zero_bytes_skipped);
	jadd_double(oc, "seconds", (double)r->nanoseconds / 1e9, 6);
	jadd_bool(oc, "released", r->released);
	jadd(o, "opalcore", oc);
	free(dest);
}

static void report_opalcore_text(const char *dir,
				 const struct fadump_save_result *r)
{
	char t[SIZE_STR_MAX], w[SIZE_STR_MAX];

	if (!r || !r->bytes_total)
		return;
	printf("saved the OPAL core to %s/opalcore: %s, %s written, %.1f s\n",
	       dir, format_size(t, r->bytes_total),
	       format_size(w, r->bytes_written), (double)r->nanoseconds / 1e9);
	if (r->released)
		printf("OPAL core memory released to the system\n");
}

static void report(struct cli *cli, const char *source, const char *dest,
		   const struct cli_save_settings *s,
		   const struct fadump_save_result *r, const char *dir,
		   const struct fadump_save_result *opal)
{
	double secs = (double)r->nanoseconds / 1e9;
	double mbps = secs > 0 ? (double)r->bytes_total / secs / 1e6 : 0;
	char t[SIZE_STR_MAX], w[SIZE_STR_MAX], z[SIZE_STR_MAX];

	if (cli->json) {
		struct json_object *o = jobj_new();

		jadd_str(o, "source", source);
		jadd_str(o, "dest", dest);
		jadd_u64(o, "bytes_total", r->bytes_total);
		jadd_u64(o, "bytes_written", r->bytes_written);
		jadd_u64(o, "zero_bytes_skipped", r->zero_bytes_skipped);
		jadd_double(o, "seconds", secs, 6);
		jadd_double(o, "mb_per_s", mbps, 1);
		jadd_bool(o, "released", r->released);
		jadd_str(o, "release_mode", fadump_release_mode_name(r->release_mode));
		jadd_u64(o, "bytes_released_early", r->bytes_released_early);
		jadd_u64(o, "ranges_released", r->ranges_released);
		jadd_u64(o, "syncs", r->syncs);
		report_filter_json(o, s, r);
		report_opalcore_json(o, dir, opal);
		json_print(o);
		return;
	}
	/* The first line names the file: the service's journal relies on it. */
	if (is_filtered(s)) {
		printf("saved %s to %s: %s of dump in a %s file, %.1f s "
		       "(%.0f MB/s)\n", source, dest,
		       format_size(t, r->bytes_total),
		       format_size(w, file_bytes(s, r)), secs, mbps);
		report_filter_text(s, r);
	} else {
		printf("saved %s to %s: %s, %s written, %s of zeros left as "
		       "holes, %.1f s (%.0f MB/s)\n", source, dest,
		       format_size(t, r->bytes_total),
		       format_size(w, r->bytes_written),
		       format_size(z, r->zero_bytes_skipped), secs, mbps);
	}
	if (r->release_mode == FADUMP_RELEASE_RANGES)
		printf("%s of memory released while saving, in %u ranges\n",
		       format_size(t, r->bytes_released_early),
		       (unsigned int)r->ranges_released);
	if (r->excluded_ranges_released)
		printf("of which %s the dump leaves out before the copy, in "
		       "%u ranges\n", format_size(t, r->excluded_bytes_released),
		       (unsigned int)r->excluded_ranges_released);
	if (r->released)
		printf("dump memory released to the system\n");
	report_opalcore_text(dir, opal);
}

/* The library flags for a release policy; -EOPNOTSUPP: cannot here. */
static int release_flags(struct cli *cli, enum cli_release_policy policy,
			 unsigned int *flags)
{
	struct fadump_status st = { .size = sizeof(st) };
	int ret;

	switch (policy) {
	case CLI_RELEASE_NO:
		return 0;
	case CLI_RELEASE_END:
		*flags |= FADUMP_SAVE_RELEASE;
		return 0;
	case CLI_RELEASE_AUTO:
		*flags |= FADUMP_SAVE_RELEASE_RANGES;
		return 0;
	case CLI_RELEASE_RANGES:
		ret = fadump_status_read(cli->ctx, &st);
		if (ret < 0)
			return ret;
		if (!st.release_range_available) {
			fprintf(stderr, "fadumpctl: save: --release=ranges: this "
				"kernel has no /sys/kernel/fadump/release_range "
				"(see kernel/patches); --release releases at the "
				"end instead\n");
			return -EOPNOTSUPP;
		}
		*flags |= FADUMP_SAVE_RELEASE_RANGES;
		return 0;
	}
	return -EINVAL;
}

/*
 * The options given on top of @s (the file's settings, or the defaults
 * for a save with DEST). A compressor applies to the kdump format only,
 * and one this build lacks is refused before anything is opened.
 */
static int choose_settings(const struct cli *cli, struct cli_save_settings *s)
{
	unsigned int given = cli->save_given;

	if (given & CLI_GIVEN_LEVEL)
		s->level = cli->save.level;
	if (given & CLI_GIVEN_FORMAT)
		s->format = cli->save.format;
	if (given & CLI_GIVEN_THREADS)
		s->threads = cli->save.threads;
	if (!(given & CLI_GIVEN_COMPRESS)) {
		/* the file's compress is for its kdump format, not for ELF */
		if (s->format == FADUMP_SAVE_FORMAT_ELF)
			s->compression = FADUMP_COMPRESS_DEFAULT;
		return EXIT_OK;
	}
	if (s->format != FADUMP_SAVE_FORMAT_KDUMP)
		return cli_usage_error(cli, "--compress applies to --format kdump only");
	s->compression = cli->save.compression;
	if (fadump_compression_supported(s->compression) != 1) {
		fprintf(stderr, "fadumpctl: save: --compress: this build of "
			"libfadump cannot write %s\n",
			fadump_compression_name(s->compression));
		return EXIT_UNSUPPORTED;
	}
	return EXIT_OK;
}

/*
 * The configured destination for this dump: <dest>/<crash time, UTC>,
 * dest made 0700 if missing. A dump without CRASHTIME is named after
 * the time of saving, and the message says so.
 */
static int dump_dir(struct cli *cli, struct fadump_vmcore *vm,
		    const char *base, char **out)
{
	char stamp[32];
	int64_t when;
	time_t t;
	struct tm tm;

	if (fadump_vmcore_crash_time(vm, &when) == 0) {
		t = (time_t)when;
	} else {
		t = time(NULL);
		fprintf(stderr, "fadumpctl: save: the dump has no CRASHTIME: "
			"naming its directory after the time of saving\n");
	}
	if (!gmtime_r(&t, &tm) ||
	    !strftime(stamp, sizeof(stamp), "%Y-%m-%d-%H:%M:%S", &tm))
		return cli_usage_error(cli, "crash time %lld is out of range",
				       (long long)t);
	if (mkdir(base, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "fadumpctl: save: cannot create %s: %s\n", base,
			strerror(errno));
		return errno == EACCES ? EXIT_ACCESS : EXIT_FAILED;
	}
	if (asprintf(out, "%s/%s", base, stamp) < 0)
		cli_oom();
	return EXIT_OK;
}

/*
 * The live dump's OPAL core into @dir, if this boot has one: 0 (saved,
 * or none), else the failure, already printed. @res says what was done.
 */
static int save_opalcore(struct cli *cli, const char *dir, unsigned int flags,
			 struct progress *prog, struct fadump_save_result *res)
{
	struct fadump_status st = { .size = sizeof(st) };
	struct fadump_save_opts opts = {
		.size = sizeof(opts), .progress = on_progress, .userdata = prog,
		.flags = flags,
	};
	int ret;

	ret = fadump_status_read(cli->ctx, &st);
	if (ret < 0)
		return cli_fail(cli, ret);
	if (!st.opalcore_present)
		return EXIT_OK;
	prog->start = now();
	prog->drawn = false;
	catch_signals(true);
	ret = fadump_opalcore_save(cli->ctx, dir, &opts, res);
	catch_signals(false);
	if (prog->drawn)
		fputc('\n', stderr);
	return ret < 0 ? cli_fail(cli, ret) : EXIT_OK;
}

int cmd_save(struct cli *cli, int argc, char **argv)
{
	struct progress prog = { .tty = isatty(STDERR_FILENO) == 1 };
	struct fadump_save_opts opts = {
		.size = sizeof(opts), .progress = on_progress, .userdata = &prog,
		.flags = FADUMP_SAVE_CREATE_DEST,
	};
	struct fadump_save_result res = { .size = sizeof(res) };
	struct fadump_save_result opal = { .size = sizeof(opal) };
	unsigned int opal_flags = FADUMP_SAVE_CREATE_DEST;
	int opal_status = EXIT_OK;
	bool keep_opalcore = cli->keep_opalcore;
	struct cli_save_settings settings = CLI_SAVE_DEFAULTS;
	enum cli_release_policy policy = cli->release_given ? cli->release :
					 CLI_RELEASE_NO;
	struct cli_config cfg = { 0 };
	struct fadump_vmcore *vm = NULL;
	char *source = NULL, *dir = NULL, *dest = NULL;
	int ret, status;

	if (argc > 1)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[1]);
	if (cli->release_given && cli->vmcore_source)
		return cli_usage_error(cli,
			"--release gives back the live dump's memory: not with --source");
	if (argc == 0) {
		status = cli_load_config(cli, &cfg);
		if (status != EXIT_OK)
			return status;
		if (!cli->release_given && !cli->vmcore_source)
			policy = cfg.release;
		settings = cfg.save;
		keep_opalcore |= cfg.keep_opalcore;
	}
	status = choose_settings(cli, &settings);
	if (status != EXIT_OK)
		goto out;
	opts.dump_level = settings.level;
	opts.format = settings.format;
	opts.compression = settings.compression;
	opts.threads = settings.threads;
	if (cli->force) {
		opts.flags |= FADUMP_SAVE_ALLOW_UNSAFE_DEST;
		opal_flags |= FADUMP_SAVE_ALLOW_UNSAFE_DEST;
	}
	if (policy != CLI_RELEASE_NO && !keep_opalcore)
		opal_flags |= FADUMP_SAVE_RELEASE;
	ret = release_flags(cli, policy, &opts.flags);
	if (ret < 0) {
		status = ret == -EOPNOTSUPP ? EXIT_UNSUPPORTED : cli_fail(cli, ret);
		goto out;
	}

	ret = fadump_vmcore_open(cli->ctx, cli->vmcore_source, &vm);
	if (ret < 0) {
		status = cli_fail(cli, ret);
		goto out;
	}
	if (argc == 0) {
		status = dump_dir(cli, vm, cfg.dest, &dir);
		if (status != EXIT_OK)
			goto out;
	} else if (!(dir = strdup(argv[0]))) {
		cli_oom();
	}
	source = strdup(fadump_vmcore_get_path(vm));
	if (!source || asprintf(&dest, "%s/vmcore", dir) < 0)
		cli_oom();

	/* The live dump's OPAL core, first (see the top of this file). */
	if (!cli->vmcore_source) {
		opal_status = save_opalcore(cli, dir, opal_flags, &prog, &opal);
		if (opal_status != EXIT_OK && stop_signal)
			goto out;
	}

	prog.start = now();
	prog.drawn = false;
	catch_signals(true);
	ret = fadump_vmcore_save(vm, dir, &opts, &res);
	catch_signals(false);
	if (prog.drawn)
		fputc('\n', stderr);
	if (ret < 0) {
		/* Saved, but the release failed: say both. */
		if (res.bytes_total && res.nanoseconds)
			report(cli, source, dest, &settings, &res, dir, &opal);
		status = cli_fail(cli, ret);
		goto out;
	}
	report(cli, source, dest, &settings, &res, dir, &opal);
	status = opal_status;
out:
	fadump_vmcore_unref(vm);
	cli_config_free(&cfg);
	free(source);
	free(dir);
	free(dest);
	return status;
}
