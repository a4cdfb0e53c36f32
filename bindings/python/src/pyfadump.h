/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * _fadump: the thin CPython layer over the public libfadump API.
 *
 * This layer only moves data: C structs become plain dicts, lists and
 * tuples, negative errnos become fadump.Error exceptions. The pleasant
 * surface (dataclasses, names, defaults) is the pure-Python package
 * "fadump" around it, which is the only user of this module.
 *
 * Threads. Every libfadump context is used by one thread at a time, and
 * the GIL is dropped around anything that touches files, so each Python
 * object owning a context guards it with its own lock (struct
 * pyfadump_lock). Objects never share a context with another Python
 * object, so no lock is ever needed while an object is being freed.
 */
#ifndef PYFADUMP_H
#define PYFADUMP_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pythread.h>

#include <fadump.h>

#if PY_VERSION_HEX < 0x030A0000
static inline int PyModule_AddObjectRef(PyObject *m, const char *name,
					PyObject *value)
{
	int ret = PyModule_AddObject(m, name, value);

	if (ret == 0)
		Py_INCREF(value);	/* AddObject stole the reference */
	return ret;
}
#endif

PyMODINIT_FUNC PyInit__fadump(void);

/* Keyword names: the API takes char *[] before 3.13, string literals are const. */
#define KW(name) ((char *)(name))

/* ---- errors.c ----------------------------------------------------- */

int pyfadump_errors_init(PyObject *module);

/*
 * Raise the fadump.Error subclass for negative errno @ret with @msg, or
 * strerror() if @msg is NULL or empty. Always returns NULL.
 */
PyObject *pyfadump_raise(int ret, const char *msg);

/* The same with the context's last message. */
PyObject *pyfadump_raise_ctx(int ret, const struct fadump_ctx *ctx);

/* ---- lock.c ------------------------------------------------------- */

struct pyfadump_lock {
	PyThread_type_lock lock;
	unsigned long owner;	/* thread ident of the holder, 0 if free */
};

int pyfadump_lock_init(struct pyfadump_lock *l);
void pyfadump_lock_fini(struct pyfadump_lock *l);

/*
 * Take the lock, waiting without the GIL. A thread that already holds it
 * (a save's progress callback calling back into the same object) gets
 * RuntimeError instead of a deadlock. Returns 0, or -1 with an exception.
 */
int pyfadump_lock_enter(struct pyfadump_lock *l);
void pyfadump_lock_leave(struct pyfadump_lock *l);

/* ---- convert.c: C structs to Python objects ----------------------- */

/*
 * Strings: text the library or the kernel wrote for people (messages,
 * names) never fails to decode (backslashreplace); data (bootargs,
 * VMCOREINFO, note names) round-trips through os.fsencode()
 * (surrogateescape).
 */
PyObject *pyfadump_text(const char *s);
PyObject *pyfadump_data_str(const char *s, size_t len);
PyObject *pyfadump_data_cstr(const char *s);	/* NUL-terminated */

/* Store @value (a new reference, may be NULL after a failure) in @dict. */
int pyfadump_set(PyObject *dict, const char *key, PyObject *value);

PyObject *pyfadump_u64(uint64_t v);
PyObject *pyfadump_opt_u64(int has, uint64_t v);	/* None if !has */
PyObject *pyfadump_none(void);

PyObject *pyfadump_regs_dict(const struct fadump_ppc64_regs *r);
PyObject *pyfadump_regions_dict(const struct fadump_regions *regs);
PyObject *pyfadump_devtree_dict(const struct fadump_devtree *dt);
PyObject *pyfadump_papr_dump_dict(const struct fadump_papr_dump *pd);

/* ---- types -------------------------------------------------------- */

/*
 * vmcore.c: a save of the dump or of the OPAL core, run with the GIL
 * released; @run is the library call, @ctx the context whose message an
 * error raises.
 */
struct pyfadump_saver {
	int (*run)(struct pyfadump_saver *saver, const char *dest,
		   const struct fadump_save_opts *opts,
		   struct fadump_save_result *res);
	struct fadump_ctx *ctx;
};
PyObject *pyfadump_save_run(struct pyfadump_saver *saver, const char *dest,
			    struct fadump_save_opts *opts, PyObject *progress);
/* chunk_size and progress as save() takes them, or -1 with an exception. */
int pyfadump_check_save_args(Py_ssize_t chunk, PyObject *progress);

extern PyTypeObject pyfadump_context_type;
extern PyTypeObject pyfadump_vmcore_type;

/* ---- decode.c ----------------------------------------------------- */

extern PyMethodDef pyfadump_decode_methods[];

/*
 * Converter for "O&": None gives NULL, anything os.fspath() takes gives a
 * new bytes reference (PyUnicode_FSConverter, which refuses None).
 */
int pyfadump_path_converter(PyObject *obj, void *out);

/* Root-prefix failure of fadump_ctx_new(): "<root>: <strerror>". */
PyObject *pyfadump_raise_root(int ret, PyObject *root);

/* Converter for "O&": a Python int in [0, 2^64) into a uint64_t. */
int pyfadump_u64_converter(PyObject *obj, void *out);
int pyfadump_u32_converter(PyObject *obj, void *out);	/* [0, 2^32) */

#endif /* PYFADUMP_H */
