// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * _fadump.Context: one libfadump context and what can be done with the
 * machine it looks at (status, control, region report, device tree).
 *
 * Each method takes the object's lock, drops the GIL for the library
 * call (they read sysfs and debugfs, and a control write can block in the
 * kernel for as long as the firmware takes), and builds its result or
 * exception while still holding the lock, because the context's error
 * message is only valid until its next call.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pyfadump.h"

typedef struct {
	PyObject_HEAD
	struct fadump_ctx *ctx;
	struct pyfadump_lock lock;
} ContextObject;

static int context_init(ContextObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { KW("root"), NULL };
	PyObject *root = NULL;
	struct fadump_ctx *ctx = NULL;
	int ret;

	if (self->ctx) {
		PyErr_SetString(PyExc_RuntimeError, "Context already initialised");
		return -1;
	}
	if (!PyArg_ParseTupleAndKeywords(args, kw, "|O&:Context", kwlist,
					 pyfadump_path_converter, &root))
		return -1;
	if (!self->lock.lock && pyfadump_lock_init(&self->lock) < 0) {
		Py_XDECREF(root);
		return -1;
	}
	/* The converter gives bytes, or NULL for None: the live system. */
	ret = fadump_ctx_new(root ? PyBytes_AS_STRING(root) : NULL, &ctx);
	if (ret < 0) {
		pyfadump_raise_root(ret, root);
		Py_XDECREF(root);
		return -1;
	}
	Py_XDECREF(root);
	self->ctx = ctx;
	return 0;
}

static void context_dealloc(ContextObject *self)
{
	fadump_ctx_unref(self->ctx);
	pyfadump_lock_fini(&self->lock);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Every method starts here: a Context whose __init__ failed has no ctx. */
static int enter(ContextObject *self)
{
	if (!self->ctx) {
		PyErr_SetString(PyExc_ValueError, "Context not initialised");
		return -1;
	}
	return pyfadump_lock_enter(&self->lock);
}

static PyObject *fail(ContextObject *self, int ret)
{
	pyfadump_raise_ctx(ret, self->ctx);
	pyfadump_lock_leave(&self->lock);
	return NULL;
}

static PyObject *tristate(enum fadump_tristate t)
{
	if (t == FADUMP_UNKNOWN)
		return pyfadump_none();
	return PyBool_FromLong(t == FADUMP_YES);
}

static PyObject *boolean(bool v)
{
	return PyBool_FromLong(v);
}

/* The keys and values of fadumpctl status --json (cli/cmd-status.c). */
static PyObject *status_dict(const struct fadump_status *st,
			     const char *bootargs)
{
	PyObject *d = PyDict_New();

	if (!d)
		return NULL;
	if (pyfadump_set(d, "platform",
			 pyfadump_text(fadump_platform_name(st->platform))) < 0 ||
	    pyfadump_set(d, "firmware_support", boolean(st->firmware_support)) < 0 ||
	    pyfadump_set(d, "kernel_support", boolean(st->kernel_support)) < 0 ||
	    pyfadump_set(d, "enabled", tristate(st->enabled)) < 0 ||
	    pyfadump_set(d, "registered", tristate(st->registered)) < 0 ||
	    pyfadump_set(d, "dump_active", boolean(st->dump_active)) < 0 ||
	    pyfadump_set(d, "mem_reserved", st->mem_reserved < 0 ?
			 pyfadump_none() :
			 PyLong_FromLongLong(st->mem_reserved)) < 0 ||
	    pyfadump_set(d, "hotplug_ready", tristate(st->hotplug_ready)) < 0 ||
	    pyfadump_set(d, "bootargs_append", bootargs ?
			 pyfadump_data_cstr(bootargs) :
			 pyfadump_none()) < 0 ||
	    pyfadump_set(d, "sysfs_layout", pyfadump_text(
			fadump_sysfs_layout_name(st->sysfs_layout))) < 0 ||
	    pyfadump_set(d, "bootargs_append_supported",
			 boolean(st->bootargs_append_supported)) < 0 ||
	    pyfadump_set(d, "vmcore_present", boolean(st->vmcore_present)) < 0 ||
	    pyfadump_set(d, "release_available",
			 boolean(st->release_available)) < 0 ||
	    pyfadump_set(d, "release_range_available",
			 boolean(st->release_range_available)) < 0 ||
	    pyfadump_set(d, "crash_info_available",
			 boolean(st->crash_info_available)) < 0 ||
	    pyfadump_set(d, "opalcore_present",
			 boolean(st->opalcore_present)) < 0 ||
	    pyfadump_set(d, "opalcore_size", st->opalcore_size < 0 ?
			 pyfadump_none() :
			 PyLong_FromLongLong(st->opalcore_size)) < 0 ||
	    pyfadump_set(d, "opalcore_release_available",
			 boolean(st->opalcore_release_available)) < 0) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}

PyDoc_STRVAR(status_doc,
"status() -> dict: fadump_status_read() and the bootargs_append string");

static PyObject *context_status(ContextObject *self, PyObject *unused)
{
	struct fadump_status st = { .size = sizeof(st) };
	char *bootargs = NULL;
	PyObject *res;
	int ret;

	if (enter(self) < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = fadump_status_read(self->ctx, &st);
	/* No attribute (before 6.10, powernv) is None, not a failure. */
	if (ret == 0) {
		ret = fadump_bootargs_append_get(self->ctx, &bootargs);
		if (ret == -EOPNOTSUPP)
			ret = 0;
	}
	Py_END_ALLOW_THREADS
	if (ret < 0)
		return fail(self, ret);
	pyfadump_lock_leave(&self->lock);
	res = status_dict(&st, bootargs);
	free(bootargs);
	return res;
}

/* register, unregister, reregister, release: no arguments, no result */
static PyObject *control(ContextObject *self, int (*op)(struct fadump_ctx *))
{
	int ret;

	if (enter(self) < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = op(self->ctx);
	Py_END_ALLOW_THREADS
	if (ret < 0)
		return fail(self, ret);
	pyfadump_lock_leave(&self->lock);
	Py_RETURN_NONE;
}

static PyObject *context_register(ContextObject *self, PyObject *unused)
{
	return control(self, fadump_register);
}

static PyObject *context_unregister(ContextObject *self, PyObject *unused)
{
	return control(self, fadump_unregister);
}

static PyObject *context_reregister(ContextObject *self, PyObject *unused)
{
	return control(self, fadump_reregister);
}

static PyObject *context_release(ContextObject *self, PyObject *unused)
{
	return control(self, fadump_release);
}

static PyObject *context_release_opalcore(ContextObject *self, PyObject *unused)
{
	return control(self, fadump_opalcore_release);
}

static int run_opalcore_save(struct pyfadump_saver *saver, const char *dest,
			     const struct fadump_save_opts *opts,
			     struct fadump_save_result *res)
{
	return fadump_opalcore_save(saver->ctx, dest, opts, res);
}

PyDoc_STRVAR(save_opalcore_doc,
"save_opalcore(dest, name=None, flags=0, chunk_size=0, progress=None)\n"
"-> dict: fadump_opalcore_save(), the result as Vmcore.save() gives it");

static PyObject *context_save_opalcore(ContextObject *self, PyObject *args,
				       PyObject *kw)
{
	static char *kwlist[] = { KW("dest"), KW("name"), KW("flags"),
				  KW("chunk_size"), KW("progress"), NULL };
	struct fadump_save_opts opts = { .size = sizeof(opts) };
	struct pyfadump_saver saver = { run_opalcore_save, NULL };
	PyObject *dest = NULL, *name = NULL, *progress = Py_None, *out = NULL;
	unsigned int flags = 0;
	Py_ssize_t chunk = 0;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|O&InO:save_opalcore",
					 kwlist, PyUnicode_FSConverter, &dest,
					 pyfadump_path_converter, &name, &flags,
					 &chunk, &progress))
		return NULL;
	if (pyfadump_check_save_args(chunk, progress) < 0 || enter(self) < 0)
		goto out;
	opts.flags = flags;
	opts.name = name ? PyBytes_AS_STRING(name) : NULL;
	opts.chunk_size = (size_t)chunk;
	saver.ctx = self->ctx;
	out = pyfadump_save_run(&saver, PyBytes_AS_STRING(dest), &opts, progress);
	pyfadump_lock_leave(&self->lock);
out:
	Py_XDECREF(dest);
	Py_XDECREF(name);
	return out;
}

PyDoc_STRVAR(release_range_doc,
"release_range(start, size): fadump_release_range()");

static PyObject *context_release_range(ContextObject *self, PyObject *args)
{
	uint64_t start, size;
	int ret;

	if (!PyArg_ParseTuple(args, "O&O&:release_range",
			      pyfadump_u64_converter, &start,
			      pyfadump_u64_converter, &size))
		return NULL;
	if (enter(self) < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = fadump_release_range(self->ctx, start, size);
	Py_END_ALLOW_THREADS
	if (ret < 0)
		return fail(self, ret);
	pyfadump_lock_leave(&self->lock);
	Py_RETURN_NONE;
}

static PyObject *context_bootargs_get(ContextObject *self, PyObject *unused)
{
	char *args = NULL;
	PyObject *res;
	int ret;

	if (enter(self) < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = fadump_bootargs_append_get(self->ctx, &args);
	Py_END_ALLOW_THREADS
	if (ret < 0)
		return fail(self, ret);
	pyfadump_lock_leave(&self->lock);
	res = pyfadump_data_cstr(args);
	free(args);
	return res;
}

static PyObject *context_bootargs_set(ContextObject *self, PyObject *arg)
{
	const char *args;
	int ret;

	/* bytes without NUL: the Python side encodes with surrogateescape */
	if (!PyBytes_Check(arg)) {
		PyErr_SetString(PyExc_TypeError, "bootargs_set() takes bytes");
		return NULL;
	}
	args = PyBytes_AS_STRING(arg);
	if (strlen(args) != (size_t)PyBytes_GET_SIZE(arg)) {
		PyErr_SetString(PyExc_ValueError, "embedded null byte");
		return NULL;
	}
	if (enter(self) < 0)
		return NULL;
	Py_INCREF(arg);		/* keep the bytes alive without the GIL */
	Py_BEGIN_ALLOW_THREADS
	ret = fadump_bootargs_append_set(self->ctx, args);
	Py_END_ALLOW_THREADS
	Py_DECREF(arg);
	if (ret < 0)
		return fail(self, ret);
	pyfadump_lock_leave(&self->lock);
	Py_RETURN_NONE;
}

static PyObject *context_regions(ContextObject *self, PyObject *unused)
{
	struct fadump_regions *regs = NULL;
	PyObject *res;
	int ret;

	if (enter(self) < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = fadump_regions_read(self->ctx, &regs);
	Py_END_ALLOW_THREADS
	if (ret < 0)
		return fail(self, ret);
	res = pyfadump_regions_dict(regs);
	pyfadump_lock_leave(&self->lock);
	fadump_regions_unref(regs);
	return res;
}

static PyObject *context_devtree(ContextObject *self, PyObject *args)
{
	struct fadump_devtree *dt = NULL;
	PyObject *res;
	int source = FADUMP_DT_SOURCE_AUTO, ret;

	if (!PyArg_ParseTuple(args, "|i:devtree", &source))
		return NULL;
	if (enter(self) < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = fadump_devtree_read(self->ctx, (enum fadump_dt_source)source, &dt);
	Py_END_ALLOW_THREADS
	if (ret < 0)
		return fail(self, ret);
	res = pyfadump_devtree_dict(dt);
	pyfadump_lock_leave(&self->lock);
	fadump_devtree_unref(dt);
	return res;
}

PyDoc_STRVAR(kernel_dump_doc,
"kernel_dump(source=0) -> dict or None: the decoded /rtas/ibm,kernel-dump,\n"
"None if the device tree has none");

static PyObject *context_kernel_dump(ContextObject *self, PyObject *args)
{
	struct fadump_devtree *dt = NULL;
	struct fadump_papr_dump *pd = NULL;
	int source = FADUMP_DT_SOURCE_AUTO, ret;
	bool have_dt;
	PyObject *res;

	if (!PyArg_ParseTuple(args, "|i:kernel_dump", &source))
		return NULL;
	if (enter(self) < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = fadump_devtree_read(self->ctx, (enum fadump_dt_source)source, &dt);
	if (ret == 0)
		ret = fadump_papr_dump_from_devtree(self->ctx, dt, &pd);
	Py_END_ALLOW_THREADS
	have_dt = dt != NULL;
	fadump_devtree_unref(dt);
	if (ret == -ENOENT && have_dt) {
		/* a device tree without the property: no dump waiting */
		pyfadump_lock_leave(&self->lock);
		Py_RETURN_NONE;
	}
	if (ret < 0)
		return fail(self, ret);
	res = pyfadump_papr_dump_dict(pd);
	pyfadump_lock_leave(&self->lock);
	fadump_papr_dump_unref(pd);
	return res;
}

static PyObject *context_get_root(ContextObject *self, void *closure)
{
	if (!self->ctx) {
		PyErr_SetString(PyExc_ValueError, "Context not initialised");
		return NULL;
	}
	return PyUnicode_DecodeFSDefault(fadump_ctx_get_root(self->ctx));
}

static PyMethodDef context_methods[] = {
	{ "status", (PyCFunction)context_status, METH_NOARGS, status_doc },
	{ "register", (PyCFunction)context_register, METH_NOARGS,
	  "register(): fadump_register()" },
	{ "unregister", (PyCFunction)context_unregister, METH_NOARGS,
	  "unregister(): fadump_unregister()" },
	{ "reregister", (PyCFunction)context_reregister, METH_NOARGS,
	  "reregister(): fadump_reregister()" },
	{ "release", (PyCFunction)context_release, METH_NOARGS,
	  "release(): fadump_release()" },
	{ "release_range", (PyCFunction)context_release_range, METH_VARARGS,
	  release_range_doc },
	{ "release_opalcore", (PyCFunction)context_release_opalcore, METH_NOARGS,
	  "release_opalcore(): fadump_opalcore_release()" },
	{ "save_opalcore", (PyCFunction)(void (*)(void))context_save_opalcore,
	  METH_VARARGS | METH_KEYWORDS, save_opalcore_doc },
	{ "bootargs_get", (PyCFunction)context_bootargs_get, METH_NOARGS,
	  "bootargs_get() -> str: fadump_bootargs_append_get()" },
	{ "bootargs_set", (PyCFunction)context_bootargs_set, METH_O,
	  "bootargs_set(bytes): fadump_bootargs_append_set()" },
	{ "regions", (PyCFunction)context_regions, METH_NOARGS,
	  "regions() -> dict: fadump_regions_read()" },
	{ "devtree", (PyCFunction)context_devtree, METH_VARARGS,
	  "devtree(source=0) -> dict: fadump_devtree_read()" },
	{ "kernel_dump", (PyCFunction)context_kernel_dump, METH_VARARGS,
	  kernel_dump_doc },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef context_getset[] = {
	{ "root", (getter)context_get_root, NULL,
	  "the root prefix ('/' for the live system)", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

PyTypeObject pyfadump_context_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "fadump._fadump.Context",
	.tp_basicsize = sizeof(ContextObject),
	.tp_dealloc = (destructor)context_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Context(root=None): a libfadump context (use fadump.System)",
	.tp_methods = context_methods,
	.tp_getset = context_getset,
	.tp_init = (initproc)context_init,
	.tp_new = PyType_GenericNew,
};
