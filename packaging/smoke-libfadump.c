// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Built by packaging/smoke-test.sh against an installed libfadump-dev
 * (pkg-config --cflags --libs fadump): the header, the pkg-config file and
 * the shared library of one package set must agree and work.
 *
 *   smoke-libfadump VERSION ROOT
 *
 * Checks that the loaded library is VERSION and matches the header it was
 * compiled with, that a context opens on ROOT and keeps it, and that a
 * relative root is refused; then prints ROOT's status as "platform=NAME
 * dump_active=0|1" for the script to compare with fadumpctl's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <fadump.h>

static int fail(const char *what)
{
	fprintf(stderr, "smoke-libfadump: %s\n", what);
	return 1;
}

int main(int argc, char **argv)
{
	struct fadump_status st = { .size = sizeof(st) };
	struct fadump_ctx *ctx = NULL;
	int ret;

	if (argc != 3)
		return fail("usage: smoke-libfadump VERSION ROOT");

	if (strcmp(fadump_version(), argv[1]) != 0) {
		fprintf(stderr, "smoke-libfadump: fadump_version() is \"%s\", "
			"expected \"%s\"\n", fadump_version(), argv[1]);
		return 1;
	}
	/* A header from one release and a library from another. */
	if (fadump_version_number() != FADUMP_VERSION_NUMBER)
		return fail("fadump_version_number() differs from the header's "
			    "FADUMP_VERSION_NUMBER");

	ret = fadump_ctx_new("relative/root", &ctx);
	if (ret != -EINVAL || ctx)
		return fail("fadump_ctx_new() accepted a relative root");

	ret = fadump_ctx_new(argv[2], &ctx);
	if (ret < 0) {
		fprintf(stderr, "smoke-libfadump: fadump_ctx_new(%s): %s\n",
			argv[2], strerror(-ret));
		return 1;
	}
	if (strcmp(fadump_ctx_get_root(ctx), argv[2]) != 0) {
		fprintf(stderr, "smoke-libfadump: root is \"%s\", expected \"%s\"\n",
			fadump_ctx_get_root(ctx), argv[2]);
		return 1;
	}

	ret = fadump_status_read(ctx, &st);
	if (ret < 0) {
		fprintf(stderr, "smoke-libfadump: fadump_status_read: %s\n",
			fadump_ctx_get_error(ctx));
		return 1;
	}
	printf("platform=%s dump_active=%d\n",
	       fadump_platform_name(st.platform), st.dump_active ? 1 : 0);

	fadump_ctx_unref(ctx);
	return 0;
}
