// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Library context: root prefix, logging and the last error message.
 * Modelled on libkmod's kmod_ctx: no global state, everything hangs off
 * the context the caller owns.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "internal.h"

FADUMP_EXPORT const char *fadump_version(void)
{
	return PACKAGE_VERSION;
}

FADUMP_EXPORT unsigned int fadump_version_number(void)
{
	return FADUMP_VERSION_NUMBER;
}

static void FADUMP_PRINTF(6, 0)
log_stderr(void *userdata, int priority, const char *file, int line,
	   const char *fn, const char *format, va_list args)
{
	(void)userdata;
	(void)file;
	(void)line;
	(void)priority;
	fprintf(stderr, "libfadump: %s: ", fn);
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
}

/* FADUMP_LOG: a syslog level name or number, as KMOD_LOG does for libkmod. */
static int log_priority_from_env(void)
{
	static const struct {
		const char *name;
		int prio;
	} names[] = {
		{ "err", LOG_ERR }, { "info", LOG_INFO }, { "debug", LOG_DEBUG },
	};
	const char *env = getenv("FADUMP_LOG");
	char *end;
	long prio;

	if (!env || !*env)
		return LOG_ERR - 1;	/* quiet: errors reach callers as messages */
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcasecmp(env, names[i].name) == 0)
			return names[i].prio;
	prio = strtol(env, &end, 10);
	if (*end || prio < 0 || prio > LOG_DEBUG)
		return LOG_ERR - 1;
	return (int)prio;
}

static int normalise_root(const char *root, char **out)
{
	struct stat st;
	size_t len;

	if (!root || strcmp(root, "/") == 0) {
		*out = strdup("/");
		return *out ? 0 : -ENOMEM;
	}
	if (root[0] != '/')
		return -EINVAL;
	if (stat(root, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	len = strlen(root);
	while (len > 1 && root[len - 1] == '/')
		len--;
	*out = strndup(root, len);
	return *out ? 0 : -ENOMEM;
}

FADUMP_EXPORT int fadump_ctx_new(const char *root, struct fadump_ctx **ctxp)
{
	struct fadump_ctx *ctx;
	int ret;

	if (!ctxp)
		return -EINVAL;
	*ctxp = NULL;
	if (root && !*root)
		return -EINVAL;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ret = normalise_root(root, &ctx->root);
	if (ret < 0) {
		free(ctx);
		return ret;
	}
	ctx->refcount = 1;
	ctx->log_fn = log_stderr;
	ctx->log_priority = log_priority_from_env();
	*ctxp = ctx;
	dbg(ctx, "context %p with root %s", (void *)ctx, ctx->root);
	return 0;
}

FADUMP_EXPORT struct fadump_ctx *fadump_ctx_ref(struct fadump_ctx *ctx)
{
	if (ctx)
		ctx->refcount++;
	return ctx;
}

FADUMP_EXPORT struct fadump_ctx *fadump_ctx_unref(struct fadump_ctx *ctx)
{
	if (!ctx || --ctx->refcount > 0)
		return NULL;
	free(ctx->root);
	free(ctx);
	return NULL;
}

FADUMP_EXPORT const char *fadump_ctx_get_root(const struct fadump_ctx *ctx)
{
	return ctx ? ctx->root : NULL;
}

FADUMP_EXPORT const char *fadump_ctx_get_error(const struct fadump_ctx *ctx)
{
	return ctx ? ctx->errmsg : NULL;
}

FADUMP_EXPORT void fadump_ctx_set_log_fn(struct fadump_ctx *ctx,
					 fadump_log_fn fn, void *userdata)
{
	if (!ctx)
		return;
	ctx->log_fn = fn;
	ctx->log_data = userdata;
}

FADUMP_EXPORT void fadump_ctx_set_log_priority(struct fadump_ctx *ctx,
					       int priority)
{
	if (ctx)
		ctx->log_priority = priority;
}

FADUMP_EXPORT int fadump_ctx_get_log_priority(const struct fadump_ctx *ctx)
{
	return ctx ? ctx->log_priority : -EINVAL;
}

void fadump_log(struct fadump_ctx *ctx, int priority, const char *file,
		int line, const char *fn, const char *format, ...)
{
	va_list args;

	if (!ctx->log_fn)
		return;
	va_start(args, format);
	ctx->log_fn(ctx->log_data, priority, file, line, fn, format, args);
	va_end(args);
}

void fadump_clear_error(struct fadump_ctx *ctx)
{
	ctx->errmsg[0] = '\0';
}

int fadump_fail_at(struct fadump_ctx *ctx, int errnum, const char *file,
		   int line, const char *fn, const char *format, ...)
{
	va_list args;

	if (errnum > 0)
		errnum = -errnum;
	va_start(args, format);
	vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), format, args);
	va_end(args);
	/*
	 * Logged where the failure was found; at LOG_DEBUG inside
	 * fadump_quiet_begin()/end(), where a failure is an answer the
	 * caller turns into something else.
	 */
	if (ctx->log_priority >= (ctx->quiet ? LOG_DEBUG : LOG_ERR))
		fadump_log(ctx, ctx->quiet ? LOG_DEBUG : LOG_ERR, file, line,
			   fn, "%s", ctx->errmsg);
	return errnum;
}

int fadump_fail_wrap(struct fadump_ctx *ctx, int errnum, const char *format,
		     ...)
{
	char inner[FADUMP_ERRMSG_MAX], outer[FADUMP_ERRMSG_MAX];
	va_list args;

	snprintf(inner, sizeof(inner), "%s",
		 ctx->errmsg[0] ? ctx->errmsg : "failed");
	va_start(args, format);
	vsnprintf(outer, sizeof(outer), format, args);
	va_end(args);
	return fadump_fail(ctx, errnum, "%s: %s", outer, inner);
}
