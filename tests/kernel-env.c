// SPDX-License-Identifier: LGPL-2.1-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <cmocka.h>

#include "helpers.h"
#include "kernel-env.h"
#include "vmcore-util.h"

static void capture(void *userdata, int priority, const char *file, int line,
		    const char *fn, const char *format, va_list args)
{
	struct kenv *e = userdata;
	char *buf = priority == LOG_WARNING ? e->warnings :
		    priority == LOG_INFO ? e->infos : NULL;
	size_t size = priority == LOG_WARNING ? sizeof(e->warnings) :
		      sizeof(e->infos);
	size_t len = buf ? strlen(buf) : 0;

	(void)file;
	(void)line;
	(void)fn;
	if (priority <= LOG_ERR)
		e->errors++;
	if (buf && len < size - 2) {
		vsnprintf(buf + len, size - len - 1, format, args);
		strcat(buf, "\n");
	}
}

int kenv_setup(void **state)
{
	struct kenv *e = calloc(1, sizeof(*e));

	e->ctx = vt_ctx();
	fadump_ctx_set_log_fn(e->ctx, capture, e);
	fadump_ctx_set_log_priority(e->ctx, LOG_INFO);
	e->dir = vt_tmpdir();
	*state = e;
	return 0;
}

void kenv_close(struct kenv *e)
{
	e->vm = fadump_vmcore_unref(e->vm);
}

int kenv_teardown(void **state)
{
	struct kenv *e = *state;

	kenv_close(e);
	mkkernel_free(&e->k);
	fadump_ctx_unref(e->ctx);
	scratch_remove(e->dir);
	free(e);
	return 0;
}

void kenv_open(struct kenv *e)
{
	const char *path = vt_make(e->dir, "vmcore", &e->spec, NULL);

	kenv_close(e);
	e->warnings[0] = '\0';
	e->infos[0] = '\0';
	e->errors = 0;
	assert_int_equal(fadump_vmcore_open(e->ctx, path, &e->vm), 0);
}
