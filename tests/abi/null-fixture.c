// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Runs the calls gen-null-test.py generated from the version script, each
 * in a child process so that a crash is one failed call and not the end
 * of the test. Output is TAP: one line per call, a crash named by its
 * signal.
 *
 * The objects the calls are given where an argument is not NULL are made
 * from the fixtures of the other tests: a scratch copy of the QEMU capture
 * root (device tree, region report), a dump from mkvmcore, the metadata
 * blobs of tests/data/metadata. Nothing is written outside a scratch
 * directory: control operations only ever get a NULL context.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mkvmcore.h"
#include "null-fixture.h"

/* A call that has not returned after this long is stuck. */
#define CALL_TIMEOUT_S 30

struct null_fixture fx;
unsigned char fx_buf[64];

static char scratch[] = "/tmp/fadump-null-XXXXXX";
static char root_path[PATH_MAX], vmcore_path[PATH_MAX], save_path[PATH_MAX];

void fx_log_fn(void *userdata, int priority, const char *file, int line,
	       const char *fn, const char *format, va_list args)
{
}

int fx_dmesg_fn(void *userdata, const struct fadump_dmesg_record *rec)
{
	return 0;
}

int fx_vmcore_chunk_fn(void *userdata, const struct fadump_vmcore_chunk *chunk)
{
	return 0;
}

int null_int(int ret, bool required, struct fadump_ctx *ctx)
{
	if (!required) {
		if (ret != -EINVAL)
			return 0;
		fprintf(stderr, "a NULL the header allows was refused with -EINVAL: %s\n",
			ctx ? fadump_ctx_get_error(ctx) : "");
		return 1;
	}
	if (ret != -EINVAL) {
		fprintf(stderr, "returned %d (%s), not -EINVAL\n", ret,
			ret < 0 ? strerror(-ret) : "no error");
		return 1;
	}
	if (ctx && !fadump_ctx_get_error(ctx)[0]) {
		fprintf(stderr, "-EINVAL without a message in the context\n");
		return 1;
	}
	return 0;
}

int null_ptr(const void *ret, bool required)
{
	if (!required || !ret)
		return 0;
	fprintf(stderr, "returned %p, not NULL\n", ret);
	return 1;
}

int null_zero(unsigned long long ret, bool required)
{
	if (!required || !ret)
		return 0;
	fprintf(stderr, "returned %llu, not 0\n", ret);
	return 1;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "Bail out! fixture: %s: %s\n", what,
		err ? strerror(err < 0 ? -err : err) : "failed");
	printf("Bail out! fixture: %s\n", what);
	exit(1);
}

static void *load(const char *rel, size_t *len)
{
	const char *base = getenv("FADUMP_TEST_DATA");
	char path[PATH_MAX];
	unsigned char *buf;
	FILE *f;
	long n;

	if (!base)
		die("FADUMP_TEST_DATA is not set", 0);
	snprintf(path, sizeof(path), "%s/%s", base, rel);
	f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) < 0)
		die(path, errno);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die(path, errno);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void run(const char *what, const char *fmt, ...)
{
	char cmd[3 * PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		die(what, 0);
}

static void setup(void)
{
	struct mkvmcore_spec spec;
	size_t len;
	void *buf;
	int ret;

	if (!mkdtemp(scratch))
		die("mkdtemp", errno);
	snprintf(root_path, sizeof(root_path), "%s/root", scratch);
	snprintf(vmcore_path, sizeof(vmcore_path), "%s/vmcore", scratch);
	snprintf(save_path, sizeof(save_path), "%s/save", scratch);
	run("copy the capture root", "cp -a '%s/roots/qemu-7.2-le-capture' '%s'",
	    getenv("FADUMP_TEST_DATA"), root_path);
	if (mkdir(save_path, 0700) < 0)
		die(save_path, errno);
	fx.root = root_path;
	fx.vmcore_path = vmcore_path;
	fx.save_dir = save_path;

	if ((ret = fadump_ctx_new(fx.root, &fx.ctx)) < 0)
		die("fadump_ctx_new", ret);
	fadump_ctx_set_log_fn(fx.ctx, NULL, NULL);
	if ((ret = fadump_devtree_read(fx.ctx, FADUMP_DT_SOURCE_AUTO, &fx.devtree)) < 0)
		die("fadump_devtree_read", ret);
	if ((ret = fadump_papr_dump_from_devtree(fx.ctx, fx.devtree, &fx.papr_dump)) < 0)
		die("fadump_papr_dump_from_devtree", ret);
	if ((ret = fadump_regions_read(fx.ctx, &fx.regions)) < 0)
		die("fadump_regions_read", ret);

	mkvmcore_default(&spec, false);
	if ((ret = mkvmcore_write(fx.vmcore_path, &spec, NULL)) < 0)
		die("mkvmcore_write", ret);
	if ((ret = fadump_vmcore_open(fx.ctx, fx.vmcore_path, &fx.vmcore)) < 0)
		die("fadump_vmcore_open", ret);
	if ((ret = fadump_page_iter_new(fx.vmcore, 0, UINT64_MAX, 0, &fx.page_iter)) < 0)
		die("fadump_page_iter_new", ret);

	buf = load("metadata/regsave-qemu.bin", &len);
	if ((ret = fadump_cpuregs_parse_rtas(fx.ctx, buf, len, &fx.cpuregs)) < 0)
		die("fadump_cpuregs_parse_rtas", ret);
	free(buf);
	buf = load("metadata/opal-fdm-be.bin", &len);
	if ((ret = fadump_opal_fdm_parse(fx.ctx, buf, len, FADUMP_BYTE_ORDER_AUTO,
					 &fx.opal_fdm)) < 0)
		die("fadump_opal_fdm_parse", ret);
	free(buf);
	buf = load("metadata/crashinfo-fadmpsig-le.bin", &len);
	if ((ret = fadump_crashinfo_parse(fx.ctx, buf, len, NULL, &fx.crashinfo)) < 0)
		die("fadump_crashinfo_parse", ret);
	free(buf);
	/* Each call starts from a context without a message. */
	if (fadump_ctx_get_error(fx.ctx)[0])
		die("a message is left in the context", 0);
}

static void teardown(void)
{
	fadump_page_iter_free(fx.page_iter);
	fadump_crashinfo_unref(fx.crashinfo);
	fadump_opal_fdm_unref(fx.opal_fdm);
	fadump_cpuregs_unref(fx.cpuregs);
	fadump_vmcore_unref(fx.vmcore);
	fadump_regions_unref(fx.regions);
	fadump_papr_dump_unref(fx.papr_dump);
	fadump_devtree_unref(fx.devtree);
	fadump_ctx_unref(fx.ctx);
	run("remove the scratch directory", "rm -rf '%s'", scratch);
}

/*
 * The call in a child. It leaves with _exit(): objects a call made are
 * not freed there, and that is no leak of the library's.
 */
static bool run_case(const struct null_case *c, char *why, size_t size)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die("fork", errno);
	if (pid == 0) {
		alarm(CALL_TIMEOUT_S);
		_exit(c->run() ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid", errno);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	if (WIFSIGNALED(status))
		snprintf(why, size, "killed by %s", strsignal(WTERMSIG(status)));
	else
		snprintf(why, size, "broke the contract (see stderr)");
	return false;
}

int main(void)
{
	unsigned int failed = 0;
	char why[128];

	setup();
	printf("1..%u\n", null_case_count);
	for (unsigned int i = 0; i < null_case_count; i++) {
		if (run_case(&null_cases[i], why, sizeof(why))) {
			printf("ok %u - %s\n", i + 1, null_cases[i].label);
		} else {
			printf("not ok %u - %s: %s\n", i + 1, null_cases[i].label, why);
			fprintf(stderr, "^ %s\n", null_cases[i].label);
			failed++;
		}
	}
	teardown();
	fprintf(stderr, "%u of %u calls broke the NULL contract\n", failed,
		null_case_count);
	return failed ? 1 : 0;
}
