// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fadumpctl save [--release] [--source VMCORE] DEST: copy the dump to
 * DEST/vmcore with the library's saver (sparse, fsync()ed, renamed into
 * place, never over an existing file), then optionally give the dump's
 * memory back.
 *
 * --release only ever follows a save that succeeded, and only for the
 * live dump (/proc/vmcore under the root): releasing after copying some
 * other file would throw away a dump nobody saved.
 *
 * SIGINT, SIGTERM and SIGHUP cancel the copy through the progress
 * callback, so the library removes its partial file before we exit.
 *
 * JSON summary keys (a contract: add keys, never rename):
 *   source, dest (the saved file), bytes_total, bytes_written,
 *   zero_bytes_skipped, seconds, mb_per_s, released
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void report(struct cli *cli, const char *source, const char *dest,
		   const struct fadump_save_result *r, bool released)
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
		jadd_bool(o, "released", released);
		json_print(o);
		return;
	}
	printf("saved %s to %s: %s, %s written, %s of zeros left as holes, "
	       "%.1f s (%.0f MB/s)\n", source, dest,
	       format_size(t, r->bytes_total), format_size(w, r->bytes_written),
	       format_size(z, r->zero_bytes_skipped), secs, mbps);
	if (released)
		printf("dump memory released to the system\n");
}

int cmd_save(struct cli *cli, int argc, char **argv)
{
	struct progress prog = { .tty = isatty(STDERR_FILENO) == 1 };
	struct fadump_save_opts opts = {
		.size = sizeof(opts), .progress = on_progress, .userdata = &prog,
	};
	struct fadump_save_result res = { .size = sizeof(res) };
	struct fadump_vmcore *vm;
	char *source, *dest;
	int ret, status = EXIT_OK;

	if (argc == 0)
		return cli_usage_error(cli, "no destination directory given");
	if (argc > 1)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[1]);
	if (cli->release && cli->vmcore_source)
		return cli_usage_error(cli,
			"--release gives back the live dump's memory: not with --source");

	ret = fadump_vmcore_open(cli->ctx, cli->vmcore_source, &vm);
	if (ret < 0)
		return cli_fail(cli, ret);
	source = strdup(fadump_vmcore_get_path(vm));
	if (!source || asprintf(&dest, "%s/vmcore", argv[0]) < 0)
		cli_oom();

	prog.start = now();
	catch_signals(true);
	ret = fadump_vmcore_save(vm, argv[0], &opts, &res);
	catch_signals(false);
	if (prog.drawn)
		fputc('\n', stderr);
	/* /proc/vmcore must be closed before release_mem removes it. */
	fadump_vmcore_unref(vm);
	if (ret < 0) {
		status = cli_fail(cli, ret);
		goto out;
	}
	if (stop_signal && cli->release) {
		/* Saved after all (the signal came after the last chunk), but
		 * whoever sent it did not want us to go on: keep the memory. */
		report(cli, source, dest, &res, false);
		fprintf(stderr, "fadumpctl: save: %s after the dump was saved: "
			"memory not released\n", strsignal(stop_signal));
		status = EXIT_FAILED;
		goto out;
	}
	if (cli->release) {
		ret = fadump_release(cli->ctx);
		if (ret < 0) {
			report(cli, source, dest, &res, false);
			status = cli_fail(cli, ret);
			goto out;
		}
	}
	report(cli, source, dest, &res, cli->release);
out:
	free(source);
	free(dest);
	return status;
}
