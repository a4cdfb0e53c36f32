// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * _fadump.Vmcore: an open vmcore (fadump_vmcore_open()) with its own
 * context, so it never shares library state with a Context or another
 * Vmcore.
 *
 * Opening, reading memory and saving drop the GIL: they are file I/O on
 * what may be tens of gigabytes. The save's progress callback takes the
 * GIL back, runs pending signal handlers (so Ctrl-C cancels a save, and
 * the library removes its partial file) and calls the Python callable;
 * an exception from either stops the save and is re-raised once the
 * library has cleaned up.
 */
#include <errno.h>
#include <string.h>

#include "pyfadump.h"

typedef struct {
	PyObject_HEAD
	struct fadump_ctx *ctx;
	struct fadump_vmcore *vm;
	struct pyfadump_lock lock;
	bool mapped;			/* fadump_vmcore_map() done */
} VmcoreObject;

static int vmcore_init(VmcoreObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { KW("path"), KW("root"), KW("mmap"), NULL };
	PyObject *path = NULL, *root = NULL;
	struct fadump_vmcore *vm = NULL;
	struct fadump_ctx *ctx = NULL;
	int ret, map = 0;

	if (self->ctx) {
		PyErr_SetString(PyExc_RuntimeError, "Vmcore already initialised");
		return -1;
	}
	if (!PyArg_ParseTupleAndKeywords(args, kw, "|O&O&p:Vmcore", kwlist,
					 pyfadump_path_converter, &path,
					 pyfadump_path_converter, &root, &map))
		return -1;
	if (!self->lock.lock && pyfadump_lock_init(&self->lock) < 0)
		goto out;
	ret = fadump_ctx_new(root ? PyBytes_AS_STRING(root) : NULL, &ctx);
	if (ret < 0) {
		pyfadump_raise_root(ret, root);
		goto out;
	}
	Py_BEGIN_ALLOW_THREADS
	ret = fadump_vmcore_open(ctx, path ? PyBytes_AS_STRING(path) : NULL, &vm);
	if (ret == 0 && map)
		ret = fadump_vmcore_map(vm);
	Py_END_ALLOW_THREADS
	if (ret < 0) {
		pyfadump_raise_ctx(ret, ctx);
		fadump_vmcore_unref(vm);
		fadump_ctx_unref(ctx);
		goto out;
	}
	self->ctx = ctx;
	self->vm = vm;
	self->mapped = map;
out:
	Py_XDECREF(path);
	Py_XDECREF(root);
	return self->vm ? 0 : -1;
}

static void vmcore_dealloc(VmcoreObject *self)
{
	fadump_vmcore_unref(self->vm);
	fadump_ctx_unref(self->ctx);
	pyfadump_lock_fini(&self->lock);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Take the lock of an open vmcore. */
static int enter(VmcoreObject *self)
{
	if (!self->lock.lock) {
		PyErr_SetString(PyExc_ValueError, "Vmcore not initialised");
		return -1;
	}
	if (pyfadump_lock_enter(&self->lock) < 0)
		return -1;
	if (!self->vm) {
		pyfadump_lock_leave(&self->lock);
		PyErr_SetString(PyExc_ValueError, "I/O operation on closed vmcore");
		return -1;
	}
	return 0;
}

static PyObject *leave(VmcoreObject *self, PyObject *res)
{
	pyfadump_lock_leave(&self->lock);
	return res;
}

static PyObject *fail(VmcoreObject *self, int ret)
{
	pyfadump_raise_ctx(ret, self->ctx);
	return leave(self, NULL);
}

/* A getter failed: -ENOENT is something this dump lacks, None. */
static PyObject *absent_or_fail(VmcoreObject *self, int ret)
{
	if (ret == -ENOENT)
		return leave(self, pyfadump_none());
	return fail(self, ret);
}

static PyObject *vmcore_close(VmcoreObject *self, PyObject *unused)
{
	if (!self->lock.lock || !self->vm)
		Py_RETURN_NONE;		/* closing twice is fine, as for files */
	if (pyfadump_lock_enter(&self->lock) < 0)
		return NULL;
	if (self->vm)		/* another thread may have closed it meanwhile */
		self->vm = fadump_vmcore_unref(self->vm);
	pyfadump_lock_leave(&self->lock);
	Py_RETURN_NONE;
}

static PyObject *vmcore_info(VmcoreObject *self, PyObject *unused)
{
	struct fadump_vmcore_info in = { .size = sizeof(in) };
	const char *machine, *format;
	int ret;

	if (enter(self) < 0)
		return NULL;
	ret = fadump_vmcore_get_info(self->vm, &in);
	if (ret < 0)
		return fail(self, ret);
	machine = fadump_machine_name(in.machine);
	format = fadump_vmcore_format_name(in.format);
	return leave(self, Py_BuildValue(
		"{s:O,s:I,s:N,s:K,s:I,s:I,s:I,s:K,s:K,s:N,s:N}",
		"big_endian", in.big_endian ? Py_True : Py_False,
		"machine", in.machine,
		"machine_name", machine ? pyfadump_text(machine) : pyfadump_none(),
		"file_size", (unsigned long long)in.file_size,
		"segments", in.segments, "notes", in.notes, "cpus", in.cpus,
		"memory_bytes", (unsigned long long)in.memory_bytes,
		"data_bytes", (unsigned long long)in.data_bytes,
		"format", pyfadump_text(format ? format : "unknown"),
		"dump_level", in.dump_level >= 0 ? PyLong_FromLong(in.dump_level) :
						   pyfadump_none()));
}

/*
 * The list of item(self, 0) .. item(self, n - 1), each a new reference or
 * NULL with an exception set. Called with the lock held.
 */
static PyObject *item_list(VmcoreObject *self, unsigned int n,
			   PyObject *(*item)(VmcoreObject *self, unsigned int i))
{
	PyObject *list = PyList_New(n);

	for (unsigned int i = 0; list && i < n; i++) {
		PyObject *o = item(self, i);

		if (!o)
			Py_CLEAR(list);
		else
			PyList_SET_ITEM(list, i, o);
	}
	return list;
}

static PyObject *segment_dict(VmcoreObject *self, unsigned int i)
{
	struct fadump_vmcore_segment s = { .size = sizeof(s) };
	int ret = fadump_vmcore_get_segment(self->vm, i, &s);

	if (ret < 0)
		return pyfadump_raise_ctx(ret, self->ctx);
	return Py_BuildValue("{s:K,s:K,s:K,s:K,s:K,s:I}",
			     "paddr", (unsigned long long)s.paddr,
			     "vaddr", (unsigned long long)s.vaddr,
			     "offset", (unsigned long long)s.offset,
			     "filesz", (unsigned long long)s.filesz,
			     "memsz", (unsigned long long)s.memsz,
			     "flags", (unsigned int)s.flags);
}

static PyObject *vmcore_segments(VmcoreObject *self, PyObject *unused)
{
	if (enter(self) < 0)
		return NULL;
	return leave(self, item_list(self, fadump_vmcore_segments_count(self->vm),
				     segment_dict));
}

static PyObject *note_dict(VmcoreObject *self, unsigned int i)
{
	struct fadump_vmcore_note note = { .size = sizeof(note) };
	int ret = fadump_vmcore_get_note(self->vm, i, &note);

	if (ret < 0)
		return pyfadump_raise_ctx(ret, self->ctx);
	/* y# makes None of a NULL pointer: an empty desc is b"" */
	return Py_BuildValue("{s:N,s:I,s:y#,s:K}",
			     "name", pyfadump_data_cstr(note.name),
			     "type", (unsigned int)note.type,
			     "desc", note.desc ? (const char *)note.desc : "",
			     (Py_ssize_t)note.descsz,
			     "offset", (unsigned long long)note.offset);
}

static PyObject *vmcore_notes(VmcoreObject *self, PyObject *unused)
{
	if (enter(self) < 0)
		return NULL;
	return leave(self, item_list(self, fadump_vmcore_notes_count(self->vm),
				     note_dict));
}

static PyObject *cpu_dict(VmcoreObject *self, unsigned int cpu)
{
	struct fadump_prstatus ps = { .size = sizeof(ps) };
	struct fadump_ppc64_regs r = { .size = sizeof(r) };
	PyObject *regs;
	int ret = fadump_vmcore_get_prstatus(self->vm, cpu, &ps);

	if (ret < 0)
		return pyfadump_raise_ctx(ret, self->ctx);
	ret = fadump_vmcore_get_ppc64_regs(self->vm, cpu, &r);
	if (ret == -EOPNOTSUPP)
		regs = pyfadump_none();		/* not a ppc64 dump */
	else if (ret < 0)
		return pyfadump_raise_ctx(ret, self->ctx);
	else
		regs = pyfadump_regs_dict(&r);
	if (!regs)
		return NULL;
	return Py_BuildValue("{s:I,s:I,s:i,s:i,s:i,s:i,s:i,s:i,s:y#,s:N}",
			     "index", cpu, "note", ps.note, "pid", (int)ps.pid,
			     "ppid", (int)ps.ppid, "pgrp", (int)ps.pgrp,
			     "sid", (int)ps.sid, "signo", (int)ps.signo,
			     "cursig", (int)ps.cursig,
			     "pr_reg", ps.pr_reg ? (const char *)ps.pr_reg : "",
			     (Py_ssize_t)ps.pr_reg_size, "regs", regs);
}

static PyObject *vmcore_cpus(VmcoreObject *self, PyObject *unused)
{
	struct fadump_vmcore_info in = { .size = sizeof(in) };
	int ret;

	if (enter(self) < 0)
		return NULL;
	ret = fadump_vmcore_get_info(self->vm, &in);
	if (ret < 0)
		return fail(self, ret);
	return leave(self, item_list(self, in.cpus, cpu_dict));
}

static PyObject *vmcore_prpsinfo(VmcoreObject *self, PyObject *unused)
{
	struct fadump_prpsinfo p = { .size = sizeof(p) };
	int ret;

	if (enter(self) < 0)
		return NULL;
	ret = fadump_vmcore_get_prpsinfo(self->vm, &p);
	if (ret < 0)
		return absent_or_fail(self, ret);
	p.fname[sizeof(p.fname) - 1] = '\0';
	p.psargs[sizeof(p.psargs) - 1] = '\0';
	return leave(self, Py_BuildValue(
		"{s:I,s:i,s:N,s:O,s:i,s:K,s:I,s:I,s:i,s:i,s:i,s:i,s:N,s:N}",
		"note", p.note, "state", (int)p.state,
		"sname", pyfadump_data_str(&p.sname, p.sname ? 1 : 0),
		"zombie", p.zombie ? Py_True : Py_False, "nice", (int)p.nice,
		"flag", (unsigned long long)p.flag,
		"uid", (unsigned int)p.uid, "gid", (unsigned int)p.gid,
		"pid", (int)p.pid, "ppid", (int)p.ppid, "pgrp", (int)p.pgrp,
		"sid", (int)p.sid,
		"fname", pyfadump_data_cstr(p.fname),
		"psargs", pyfadump_data_cstr(p.psargs)));
}

static PyObject *vmcoreinfo_pair(VmcoreObject *self, unsigned int i)
{
	const char *key, *value;
	int ret = fadump_vmcore_vmcoreinfo_get(self->vm, i, &key, &value);

	if (ret < 0)
		return pyfadump_raise_ctx(ret, self->ctx);
	return Py_BuildValue("(NN)", pyfadump_data_cstr(key),
			     pyfadump_data_cstr(value));
}

static PyObject *vmcore_vmcoreinfo(VmcoreObject *self, PyObject *unused)
{
	int n;

	if (enter(self) < 0)
		return NULL;
	n = fadump_vmcore_vmcoreinfo_count(self->vm);
	if (n < 0)
		return absent_or_fail(self, n);
	return leave(self, item_list(self, (unsigned int)n, vmcoreinfo_pair));
}

static PyObject *vmcore_page_size(VmcoreObject *self, PyObject *unused)
{
	uint64_t v;
	int ret;

	if (enter(self) < 0)
		return NULL;
	ret = fadump_vmcore_page_size(self->vm, &v);
	if (ret < 0)
		return absent_or_fail(self, ret);
	return leave(self, pyfadump_u64(v));
}

static PyObject *vmcore_crash_time(VmcoreObject *self, PyObject *unused)
{
	int64_t v;
	int ret;

	if (enter(self) < 0)
		return NULL;
	ret = fadump_vmcore_crash_time(self->vm, &v);
	if (ret < 0)
		return absent_or_fail(self, ret);
	return leave(self, PyLong_FromLongLong(v));
}

/*
 * read() and read_virt(): @size bytes at @addr into a new bytes object,
 * by @fn (fadump_vmcore_read() or fadump_vmcore_read_virt()).
 */
static PyObject *read_bytes(VmcoreObject *self, PyObject *args,
			    const char *format,
			    int (*fn)(struct fadump_vmcore *, uint64_t, void *,
				      size_t))
{
	uint64_t addr;
	Py_ssize_t size;
	PyObject *buf;
	int ret;

	if (!PyArg_ParseTuple(args, format, pyfadump_u64_converter, &addr,
			      &size))
		return NULL;
	if (size < 0) {
		PyErr_SetString(PyExc_ValueError, "negative size");
		return NULL;
	}
	buf = PyBytes_FromStringAndSize(NULL, size);
	if (!buf)
		return NULL;
	if (enter(self) < 0) {
		Py_DECREF(buf);
		return NULL;
	}
	/* Nobody else can see buf yet: filling it without the GIL is safe. */
	Py_BEGIN_ALLOW_THREADS
	ret = fn(self->vm, addr, PyBytes_AS_STRING(buf), (size_t)size);
	Py_END_ALLOW_THREADS
	if (ret < 0) {
		Py_DECREF(buf);
		return fail(self, ret);
	}
	return leave(self, buf);
}

static PyObject *vmcore_read(VmcoreObject *self, PyObject *args)
{
	return read_bytes(self, args, "O&n:read", fadump_vmcore_read);
}

static PyObject *vmcore_read_virt(VmcoreObject *self, PyObject *args)
{
	return read_bytes(self, args, "O&n:read_virt", fadump_vmcore_read_virt);
}

static PyObject *vmcore_virt_to_phys(VmcoreObject *self, PyObject *arg)
{
	uint64_t vaddr, paddr;
	int ret;

	if (!pyfadump_u64_converter(arg, &vaddr) || enter(self) < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = fadump_vmcore_virt_to_phys(self->vm, vaddr, &paddr);
	Py_END_ALLOW_THREADS
	if (ret < 0)
		return fail(self, ret);
	return leave(self, pyfadump_u64(paddr));
}

/*
 * Reads of a mapped file up to this size keep the GIL: releasing and
 * taking it back costs more than copying a few pages, and small random
 * reads are what read_into() is for. Larger ones, and every pread() of
 * an unmapped file, release it, as read() does.
 */
#define READ_INTO_KEEP_GIL	(64 * 1024)

/*
 * read_into(paddr, buffer): the fast path for many small reads. Called
 * with METH_FASTCALL (no argument tuple) and filling the caller's
 * writable buffer, so nothing is allocated per call.
 */
static PyObject *vmcore_read_into(VmcoreObject *self, PyObject *const *args,
				  Py_ssize_t nargs)
{
	Py_buffer view;
	uint64_t paddr;
	int ret;

	if (nargs != 2) {
		PyErr_Format(PyExc_TypeError, "read_into() takes 2 arguments "
			     "(%zd given)", nargs);
		return NULL;
	}
	if (!pyfadump_u64_converter(args[0], &paddr))
		return NULL;
	if (PyObject_GetBuffer(args[1], &view, PyBUF_WRITABLE) < 0) {
		/* as file.readinto() says it */
		if (PyErr_ExceptionMatches(PyExc_BufferError)) {
			PyErr_Clear();
			PyErr_Format(PyExc_TypeError, "read_into() argument 2 must "
				     "be a writable buffer, not %.100s",
				     Py_TYPE(args[1])->tp_name);
		}
		return NULL;
	}
	if (enter(self) < 0) {
		PyBuffer_Release(&view);
		return NULL;
	}
	if (self->mapped && view.len <= READ_INTO_KEEP_GIL) {
		ret = fadump_vmcore_read(self->vm, paddr, view.buf,
					 (size_t)view.len);
	} else {
		Py_BEGIN_ALLOW_THREADS
		ret = fadump_vmcore_read(self->vm, paddr, view.buf,
					 (size_t)view.len);
		Py_END_ALLOW_THREADS
	}
	PyBuffer_Release(&view);
	if (ret < 0)
		return fail(self, ret);
	return leave(self, PyLong_FromSsize_t(view.len));
}

static PyObject *vmcore_page_class(VmcoreObject *self, PyObject *args)
{
	unsigned int flags = 0, cls;
	uint64_t pfn;
	int ret;

	if (!PyArg_ParseTuple(args, "O&|I:page_class", pyfadump_u64_converter,
			      &pfn, &flags) || enter(self) < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = fadump_vmcore_page_class(self->vm, pfn, flags, &cls);
	Py_END_ALLOW_THREADS
	if (ret < 0)
		return fail(self, ret);
	return leave(self, PyLong_FromUnsignedLong(cls));
}

/*
 * page_runs(first, end, flags, counts_only): every run as a
 * (pfn, count, class) tuple, or only the pages of each class (a list
 * indexed by class). The walk runs without the GIL, a batch of runs at
 * a time.
 */
#define RUN_BATCH 4096

static int add_runs(PyObject *out, const struct fadump_page_run *runs,
		    size_t n, bool counts_only)
{
	for (size_t i = 0; i < n; i++) {
		const struct fadump_page_run *r = &runs[i];
		PyObject *item;
		int ret;

		if (counts_only) {
			Py_ssize_t cls = r->page_class;
			PyObject *old, *sum;

			/* a class newer than the list: appended as it comes */
			while (PyList_GET_SIZE(out) <= cls) {
				PyObject *zero = PyLong_FromLong(0);

				if (!zero || PyList_Append(out, zero) < 0) {
					Py_XDECREF(zero);
					return -1;
				}
				Py_DECREF(zero);
			}
			old = PyList_GET_ITEM(out, cls);
			item = PyLong_FromUnsignedLongLong(r->count);
			sum = item ? PyNumber_Add(old, item) : NULL;
			Py_XDECREF(item);
			if (!sum)
				return -1;
			PyList_SetItem(out, cls, sum);	/* steals sum */
			continue;
		}
		item = Py_BuildValue("(KKI)", (unsigned long long)r->pfn,
				     (unsigned long long)r->count, r->page_class);
		ret = item ? PyList_Append(out, item) : -1;
		Py_XDECREF(item);
		if (ret < 0)
			return -1;
	}
	return 0;
}

static PyObject *vmcore_page_runs(VmcoreObject *self, PyObject *args)
{
	uint64_t first = 0, end = UINT64_MAX;
	unsigned int flags = 0;
	int counts_only = 0, ret = 0;
	struct fadump_page_iter *it;
	struct fadump_page_run *runs;
	PyObject *out;

	if (!PyArg_ParseTuple(args, "|O&O&Ip:page_runs", pyfadump_u64_converter,
			      &first, pyfadump_u64_converter, &end, &flags,
			      &counts_only))
		return NULL;
	runs = PyMem_Malloc(RUN_BATCH * sizeof(*runs));
	out = PyList_New(0);
	if (!runs || !out) {
		PyMem_Free(runs);
		Py_XDECREF(out);
		return PyErr_NoMemory();
	}
	if (enter(self) < 0)
		goto fail;
	ret = fadump_page_iter_new(self->vm, first, end, flags, &it);
	if (ret < 0) {
		fail(self, ret);
		goto fail;
	}
	for (;;) {
		size_t n = 0;

		Py_BEGIN_ALLOW_THREADS
		while (n < RUN_BATCH) {
			runs[n].size = sizeof(runs[n]);
			ret = fadump_page_iter_next(it, &runs[n]);
			if (ret != 1)
				break;
			n++;
		}
		Py_END_ALLOW_THREADS
		if (add_runs(out, runs, n, counts_only) < 0 || ret < 0) {
			fadump_page_iter_free(it);
			if (ret < 0)
				fail(self, ret);
			else
				leave(self, NULL);
			goto fail;
		}
		if (ret == 0)
			break;
	}
	fadump_page_iter_free(it);
	PyMem_Free(runs);
	return leave(self, out);
fail:
	PyMem_Free(runs);
	Py_DECREF(out);
	return NULL;
}

/* ---- save ----------------------------------------------------------- */

struct save_call {
	PyObject *progress;		/* callable or NULL */
	PyThreadState *tstate;		/* while the GIL is released */
#if PY_VERSION_HEX >= 0x030C0000
	PyObject *exc;
#else
	PyObject *exc_type, *exc_value, *exc_tb;
#endif
	bool raised;
};

static int save_progress(void *userdata, uint64_t done, uint64_t total)
{
	struct save_call *sc = userdata;
	int stop = 0;

	PyEval_RestoreThread(sc->tstate);
	if (PyErr_CheckSignals() < 0) {
		stop = 1;
	} else if (sc->progress) {
		PyObject *r = PyObject_CallFunction(sc->progress, "KK",
						    (unsigned long long)done,
						    (unsigned long long)total);

		if (r)
			Py_DECREF(r);
		else
			stop = 1;
	}
	if (stop) {
		/* Keep it until the library has removed its partial file. */
#if PY_VERSION_HEX >= 0x030C0000
		sc->exc = PyErr_GetRaisedException();
#else
		PyErr_Fetch(&sc->exc_type, &sc->exc_value, &sc->exc_tb);
#endif
		sc->raised = true;
	}
	sc->tstate = PyEval_SaveThread();
	return stop;
}

static void restore_exception(struct save_call *sc)
{
#if PY_VERSION_HEX >= 0x030C0000
	PyErr_SetRaisedException(sc->exc);
#else
	PyErr_Restore(sc->exc_type, sc->exc_value, sc->exc_tb);
#endif
}

PyDoc_STRVAR(save_doc,
"save(dest, name=None, flags=0, chunk_size=0, progress=None, release_batch=0,\n"
"     level=0, format=0, compression=0, threads=0)\n"
"-> dict: fadump_vmcore_save(); progress(done, total) is called after each\n"
"chunk. When a release was asked and the copy is saved but the call still\n"
"fails (the release failed, or progress stopped it before the release), the\n"
"exception carries the result dict as its save_result attribute. level,\n"
"format, compression and threads are fadump_save_opts' dump_level, format,\n"
"compression and threads; class_kept and class_excluded of the result are\n"
"lists indexed by page class.");

/* The first FADUMP_PAGE_CLASS_COUNT slots of a per-class count array. */
static PyObject *class_counts(const uint64_t *counts)
{
	unsigned int n = FADUMP_PAGE_CLASS_COUNT < FADUMP_SAVE_CLASS_SLOTS ?
			 FADUMP_PAGE_CLASS_COUNT : FADUMP_SAVE_CLASS_SLOTS;
	PyObject *list = PyList_New(n);

	if (!list)
		return NULL;
	for (unsigned int i = 0; i < n; i++) {
		PyObject *v = PyLong_FromUnsignedLongLong(counts[i]);

		if (!v) {
			Py_DECREF(list);
			return NULL;
		}
		PyList_SET_ITEM(list, i, v);
	}
	return list;
}

static PyObject *result_dict(const struct fadump_save_result *res)
{
	PyObject *kept = class_counts(res->class_kept);
	PyObject *excluded = kept ? class_counts(res->class_excluded) : NULL;
	char reason[sizeof(res->unknown_reason) + 1];

	if (!excluded) {
		Py_XDECREF(kept);
		return NULL;
	}
	/* NUL-terminated whatever the library left in the array */
	memcpy(reason, res->unknown_reason, sizeof(res->unknown_reason));
	reason[sizeof(res->unknown_reason)] = '\0';
	return Py_BuildValue("{s:K,s:K,s:K,s:K,s:N,s:O,s:I,s:K,s:I,"
			     "s:I,s:I,s:I,s:K,s:K,s:N,s:N,s:N,s:I,s:K,s:K}",
		"bytes_total", (unsigned long long)res->bytes_total,
		"bytes_written", (unsigned long long)res->bytes_written,
		"zero_bytes_skipped", (unsigned long long)res->zero_bytes_skipped,
		"nanoseconds", (unsigned long long)res->nanoseconds,
		"release_mode", pyfadump_text(
			fadump_release_mode_name(res->release_mode)),
		"released", res->released ? Py_True : Py_False,
		"ranges_released", (unsigned int)res->ranges_released,
		"bytes_released_early",
		(unsigned long long)res->bytes_released_early,
		"syncs", (unsigned int)res->syncs,
		"format", res->format,
		"compression", res->compression,
		"threads", res->threads,
		"pages_total", (unsigned long long)res->pages_total,
		"pages_kept", (unsigned long long)res->pages_kept,
		"class_kept", kept,
		"class_excluded", excluded,
		"unknown_reason", pyfadump_text(reason),
		"excluded_ranges_released",
		(unsigned int)res->excluded_ranges_released,
		"excluded_bytes_released",
		(unsigned long long)res->excluded_bytes_released,
		"file_bytes", (unsigned long long)res->file_bytes);
}

/*
 * The pending exception is about a save whose copy is in place: tell the
 * caller what was saved. Failing to do so leaves the exception as it is.
 */
static void attach_result(const struct fadump_save_result *res)
{
#if PY_VERSION_HEX >= 0x030C0000
	PyObject *exc = PyErr_GetRaisedException();
	PyObject *d = result_dict(res);

	if (!d || PyObject_SetAttrString(exc, "save_result", d) < 0)
		PyErr_Clear();
	Py_XDECREF(d);
	PyErr_SetRaisedException(exc);
#else
	PyObject *type, *value, *tb, *d;

	PyErr_Fetch(&type, &value, &tb);
	PyErr_NormalizeException(&type, &value, &tb);
	if (tb)
		PyException_SetTraceback(value, tb);
	d = result_dict(res);
	if (!d || PyObject_SetAttrString(value, "save_result", d) < 0)
		PyErr_Clear();
	Py_XDECREF(d);
	PyErr_Restore(type, value, tb);
#endif
}

/*
 * One save (fadump_vmcore_save() or fadump_opalcore_save() through @run)
 * with the GIL released and *@progress wired to the library's callback,
 * the caller holding its object's lock: the result dict, or NULL with the
 * exception set (and, for a copy left in place, its save_result).
 */
PyObject *pyfadump_save_run(struct pyfadump_saver *saver, const char *dest,
			    struct fadump_save_opts *opts, PyObject *progress)
{
	struct fadump_save_result res = { .size = sizeof(res) };
	struct save_call sc = { 0 };
	int ret;

	sc.progress = progress == Py_None ? NULL : progress;
	opts->progress = save_progress;
	opts->userdata = &sc;
	sc.tstate = PyEval_SaveThread();
	ret = saver->run(saver, dest, opts, &res);
	PyEval_RestoreThread(sc.tstate);

	if (sc.raised)
		restore_exception(&sc);
	else if (ret < 0)
		pyfadump_raise_ctx(ret, saver->ctx);
	if (sc.raised || ret < 0) {
		/*
		 * The library fills the result once the copy is in place,
		 * and with a release asked its mode is never NONE then: a
		 * failure after that point left a complete copy behind.
		 */
		if (res.release_mode != FADUMP_RELEASE_NONE)
			attach_result(&res);
		return NULL;
	}
	return result_dict(&res);
}

struct vmcore_saver {
	struct pyfadump_saver base;
	struct fadump_vmcore *vm;
};

static int run_vmcore_save(struct pyfadump_saver *saver, const char *dest,
			   const struct fadump_save_opts *opts,
			   struct fadump_save_result *res)
{
	struct vmcore_saver *vs = (struct vmcore_saver *)saver;

	return fadump_vmcore_save(vs->vm, dest, opts, res);
}

static PyObject *vmcore_save(VmcoreObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { KW("dest"), KW("name"), KW("flags"),
				  KW("chunk_size"), KW("progress"),
				  KW("release_batch"), KW("level"), KW("format"),
				  KW("compression"), KW("threads"), NULL };
	struct fadump_save_opts opts = { .size = sizeof(opts) };
	struct vmcore_saver vs;
	PyObject *dest = NULL, *name = NULL, *progress = Py_None, *out = NULL;
	unsigned int flags = 0, level = 0, format = 0, compression = 0;
	unsigned int threads = 0;
	uint64_t batch = 0;
	Py_ssize_t chunk = 0;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|O&InOO&IIII:save", kwlist,
					 PyUnicode_FSConverter, &dest,
					 pyfadump_path_converter, &name, &flags,
					 &chunk, &progress,
					 pyfadump_u64_converter, &batch,
					 &level, &format, &compression,
					 &threads))
		return NULL;
	if (pyfadump_check_save_args(chunk, progress) < 0 || enter(self) < 0)
		goto out;

	opts.flags = flags;
	opts.name = name ? PyBytes_AS_STRING(name) : NULL;
	opts.chunk_size = (size_t)chunk;
	opts.release_batch = batch;
	opts.dump_level = level;
	opts.format = format;
	opts.compression = compression;
	opts.threads = threads;
	vs = (struct vmcore_saver){ { run_vmcore_save, self->ctx }, self->vm };
	out = leave(self, pyfadump_save_run(&vs.base, PyBytes_AS_STRING(dest),
					    &opts, progress));
out:
	Py_XDECREF(dest);
	Py_XDECREF(name);
	return out;
}

int pyfadump_check_save_args(Py_ssize_t chunk, PyObject *progress)
{
	if (chunk < 0) {
		PyErr_SetString(PyExc_ValueError, "negative chunk_size");
		return -1;
	}
	if (progress != Py_None && !PyCallable_Check(progress)) {
		PyErr_SetString(PyExc_TypeError, "progress must be callable or None");
		return -1;
	}
	return 0;
}

static PyObject *vmcore_get_path(VmcoreObject *self, void *closure)
{
	PyObject *res;

	if (enter(self) < 0)
		return NULL;
	res = PyUnicode_DecodeFSDefault(fadump_vmcore_get_path(self->vm));
	return leave(self, res);
}

static PyObject *vmcore_get_closed(VmcoreObject *self, void *closure)
{
	return PyBool_FromLong(self->vm == NULL);
}

static PyMethodDef vmcore_methods[] = {
	{ "close", (PyCFunction)vmcore_close, METH_NOARGS,
	  "close(): release the file; later calls raise ValueError" },
	{ "info", (PyCFunction)vmcore_info, METH_NOARGS,
	  "info() -> dict: fadump_vmcore_get_info()" },
	{ "segments", (PyCFunction)vmcore_segments, METH_NOARGS,
	  "segments() -> list of dict: the PT_LOAD segments" },
	{ "notes", (PyCFunction)vmcore_notes, METH_NOARGS,
	  "notes() -> list of dict: every ELF note" },
	{ "cpus", (PyCFunction)vmcore_cpus, METH_NOARGS,
	  "cpus() -> list of dict: NT_PRSTATUS notes, with ppc64 registers" },
	{ "prpsinfo", (PyCFunction)vmcore_prpsinfo, METH_NOARGS,
	  "prpsinfo() -> dict or None: the first NT_PRPSINFO note" },
	{ "vmcoreinfo", (PyCFunction)vmcore_vmcoreinfo, METH_NOARGS,
	  "vmcoreinfo() -> list of (key, value) or None" },
	{ "page_size", (PyCFunction)vmcore_page_size, METH_NOARGS,
	  "page_size() -> int or None: PAGESIZE from VMCOREINFO" },
	{ "crash_time", (PyCFunction)vmcore_crash_time, METH_NOARGS,
	  "crash_time() -> int or None: CRASHTIME from VMCOREINFO" },
	{ "read", (PyCFunction)vmcore_read, METH_VARARGS,
	  "read(paddr, size) -> bytes: fadump_vmcore_read()" },
	{ "read_into", (PyCFunction)(void (*)(void))vmcore_read_into,
	  METH_FASTCALL,
	  "read_into(paddr, buffer) -> int: fill a writable buffer from paddr" },
	{ "read_virt", (PyCFunction)vmcore_read_virt, METH_VARARGS,
	  "read_virt(vaddr, size) -> bytes: fadump_vmcore_read_virt()" },
	{ "virt_to_phys", (PyCFunction)vmcore_virt_to_phys, METH_O,
	  "virt_to_phys(vaddr) -> int: fadump_vmcore_virt_to_phys()" },
	{ "page_class", (PyCFunction)vmcore_page_class, METH_VARARGS,
	  "page_class(pfn, flags=0) -> int: fadump_vmcore_page_class()" },
	{ "page_runs", (PyCFunction)vmcore_page_runs, METH_VARARGS,
	  "page_runs(first=0, end=2**64-1, flags=0, counts_only=False) -> list:\n"
	  "(pfn, count, class) tuples, or the pages per class" },
	{ "save", (PyCFunction)(void (*)(void))vmcore_save,
	  METH_VARARGS | METH_KEYWORDS, save_doc },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef vmcore_getset[] = {
	{ "path", (getter)vmcore_get_path, NULL,
	  "the path the file was opened by", NULL },
	{ "closed", (getter)vmcore_get_closed, NULL,
	  "True once close() was called", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

PyTypeObject pyfadump_vmcore_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "fadump._fadump.Vmcore",
	.tp_basicsize = sizeof(VmcoreObject),
	.tp_dealloc = (destructor)vmcore_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Vmcore(path=None, root=None, mmap=False): an open vmcore "
		  "(use fadump.Vmcore)",
	.tp_methods = vmcore_methods,
	.tp_getset = vmcore_getset,
	.tp_init = (initproc)vmcore_init,
	.tp_new = PyType_GenericNew,
};
