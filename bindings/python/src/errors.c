// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fadump.Error and its subclasses, and the one place that turns a
 * negative errno from libfadump into one of them.
 *
 * Error is an OSError: it carries errno and, as strerror, the library's
 * one-line message naming what was wrong. Where a builtin OSError (or
 * ValueError, LookupError) subclass means the same thing, the fadump
 * subclass derives from it too, so "except FileNotFoundError" works as a
 * Python programmer expects. The names differ from the builtins on
 * purpose: "from fadump import *" must not shadow PermissionError.
 */
#include <errno.h>
#include <string.h>

#include "pyfadump.h"

static PyObject *error_base;

struct error_class {
	const char *name;		/* attribute of the module */
	PyObject **builtin;		/* second base, NULL: only Error */
	const char *doc;
	PyObject *type;
};

static struct error_class classes[] = {
	{ "AccessError", &PyExc_PermissionError,
	  "Not permitted (EACCES: not root; EPERM: the kernel refused, e.g.\n"
	  "fadump not enabled at boot or a dump still active).", NULL },
	{ "NotFoundError", &PyExc_FileNotFoundError,
	  "Something the call needs does not exist (ENOENT): a file under the\n"
	  "root, the region report, an active dump.", NULL },
	{ "ExistsError", &PyExc_FileExistsError,
	  "The target exists (EEXIST): a saved dump is never overwritten; for\n"
	  "register(), the firmware says someone else registered.", NULL },
	{ "NotADirError", &PyExc_NotADirectoryError,
	  "A directory was expected (ENOTDIR).", NULL },
	{ "IsADirError", &PyExc_IsADirectoryError,
	  "A file was expected and a directory found (EISDIR).", NULL },
	{ "TimedOutError", &PyExc_TimeoutError,
	  "The firmware stayed busy too long (ETIMEDOUT).", NULL },
	{ "MalformedError", &PyExc_ValueError,
	  "Data is not what the kernel or firmware writes (EBADMSG), or larger\n"
	  "than any of them writes (E2BIG). The message names the file, field\n"
	  "or line.", NULL },
	{ "InvalidArgumentError", &PyExc_ValueError,
	  "The library refused an argument (EINVAL), or the firmware refused\n"
	  "the registration parameters.", NULL },
	{ "UnsupportedError", NULL,
	  "The kernel, firmware or data format does not offer this (ENODEV:\n"
	  "no fadump; EOPNOTSUPP: no such attribute or not a ppc64 dump;\n"
	  "EPROTONOSUPPORT: a structure version this library does not know).",
	  NULL },
	{ "NotInDumpError", &PyExc_LookupError,
	  "A physical address range is not in the dump (ENXIO): a hole, the\n"
	  "reserved dump area, or past the end of memory.", NULL },
	/* a NotInDumpError too: see pyfadump_errors_init() */
	{ "ExcludedError", NULL,
	  "A page of the range was in the crashed machine's memory but left\n"
	  "out of this dump (ENODATA): makedumpfile excluded it (zero, cache,\n"
	  "user, free pages), or an incomplete file never got it. A\n"
	  "NotInDumpError, so code that only asks whether the bytes are there\n"
	  "need not tell the two apart.", NULL },
};

enum {
	CLS_ACCESS, CLS_NOT_FOUND, CLS_EXISTS, CLS_NOT_DIR, CLS_IS_DIR,
	CLS_TIMED_OUT, CLS_MALFORMED, CLS_INVALID, CLS_UNSUPPORTED,
	CLS_NOT_IN_DUMP, CLS_EXCLUDED,
};

static PyObject *class_for(int err)
{
	int cls;

	switch (err) {
	case EACCES:
	case EPERM:
		cls = CLS_ACCESS;
		break;
	case ENOENT:
		cls = CLS_NOT_FOUND;
		break;
	case EEXIST:
		cls = CLS_EXISTS;
		break;
	case ENOTDIR:
		cls = CLS_NOT_DIR;
		break;
	case EISDIR:
		cls = CLS_IS_DIR;
		break;
	case ETIMEDOUT:
		cls = CLS_TIMED_OUT;
		break;
	case EBADMSG:
	case E2BIG:
		cls = CLS_MALFORMED;
		break;
	case EINVAL:
		cls = CLS_INVALID;
		break;
	case ENODEV:
	case EOPNOTSUPP:
	case EPROTONOSUPPORT:
		cls = CLS_UNSUPPORTED;
		break;
	case ENXIO:
		cls = CLS_NOT_IN_DUMP;
		break;
	case ENODATA:
		cls = CLS_EXCLUDED;
		break;
	default:
		return error_base;
	}
	return classes[cls].type;
}

static PyObject *exception_for(int err, PyObject *msg)
{
	return PyObject_CallFunction(class_for(err), "iO", err, msg);
}

PyObject *pyfadump_raise(int ret, const char *msg)
{
	int err = ret < 0 ? -ret : ret;
	PyObject *text, *exc;

	if (err == 0)		/* a library bug; never a SystemError */
		err = EIO;
	text = pyfadump_text(msg && *msg ? msg : strerror(err));
	if (!text)
		return NULL;
	exc = exception_for(err, text);
	Py_DECREF(text);
	if (!exc)
		return NULL;
	PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
	Py_DECREF(exc);
	return NULL;
}

PyObject *pyfadump_raise_ctx(int ret, const struct fadump_ctx *ctx)
{
	return pyfadump_raise(ret, ctx ? fadump_ctx_get_error(ctx) : NULL);
}

PyObject *pyfadump_raise_root(int ret, PyObject *root)
{
	PyObject *path = root ? PyUnicode_DecodeFSDefaultAndSize(
					PyBytes_AS_STRING(root),
					PyBytes_GET_SIZE(root)) :
				PyUnicode_FromString("/");
	PyObject *msg, *exc;
	int err = ret < 0 ? -ret : ret;

	if (!path)
		return NULL;
	msg = PyUnicode_FromFormat("root %U: %s", path, strerror(err));
	Py_DECREF(path);
	if (!msg)
		return NULL;
	exc = exception_for(err, msg);
	Py_DECREF(msg);
	if (exc) {
		PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
		Py_DECREF(exc);
	}
	return NULL;
}

/* _fadump._exception_for(errno, message): what a failure would raise. */
static PyObject *py_exception_for(PyObject *self, PyObject *args)
{
	PyObject *msg;
	int err;

	if (!PyArg_ParseTuple(args, "iU:_exception_for", &err, &msg))
		return NULL;
	return exception_for(err, msg);
}

static PyMethodDef error_methods[] = {
	{ "_exception_for", py_exception_for, METH_VARARGS,
	  "_exception_for(errno, message) -> the exception a library failure\n"
	  "with this errno raises (for tests)." },
	{ NULL, NULL, 0, NULL },
};

int pyfadump_errors_init(PyObject *module)
{
	error_base = PyErr_NewExceptionWithDoc("fadump.Error",
		"A libfadump call failed.\n\n"
		"An OSError: errno is the library's error number, strerror its\n"
		"one-line message naming the file, property, field or line at\n"
		"fault. Subclasses also derive from the matching builtin\n"
		"exception where there is one.",
		PyExc_OSError, NULL);
	if (!error_base || PyModule_AddObjectRef(module, "Error", error_base) < 0)
		return -1;

	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		struct error_class *c = &classes[i];
		PyObject *bases;
		char qualified[64];

		snprintf(qualified, sizeof(qualified), "fadump.%s", c->name);
		if (i == CLS_EXCLUDED)	/* after NotInDumpError in the table */
			bases = PyTuple_Pack(1, classes[CLS_NOT_IN_DUMP].type);
		else if (c->builtin)
			bases = PyTuple_Pack(2, error_base, *c->builtin);
		else
			bases = PyTuple_Pack(1, error_base);
		if (!bases)
			return -1;
		c->type = PyErr_NewExceptionWithDoc(qualified, c->doc, bases,
						    NULL);
		Py_DECREF(bases);
		if (!c->type ||
		    PyModule_AddObjectRef(module, c->name, c->type) < 0)
			return -1;
	}
	return PyModule_AddFunctions(module, error_methods);
}
