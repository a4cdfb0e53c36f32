// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Module functions: the library's decoders on bytes the caller has
 * (a structure read from memory, a firmware dump, a bug report).
 *
 * Each call makes a private context for the error message, so these
 * functions share nothing and need no lock. The GIL stays held: decoding
 * is bounded work on a buffer already in memory.
 */
#include <errno.h>
#include <string.h>

#include "pyfadump.h"

int pyfadump_u64_converter(PyObject *obj, void *out)
{
	unsigned long long v;

	if (!PyLong_Check(obj)) {
		PyErr_Format(PyExc_TypeError, "an integer is required, not %.100s",
			     Py_TYPE(obj)->tp_name);
		return 0;
	}
	v = PyLong_AsUnsignedLongLong(obj);
	if (v == (unsigned long long)-1 && PyErr_Occurred())
		return 0;	/* negative or 2^64 and above: OverflowError */
	*(uint64_t *)out = v;
	return 1;
}

int pyfadump_path_converter(PyObject *obj, void *out)
{
	if (obj == Py_None) {
		*(PyObject **)out = NULL;
		return 1;
	}
	return PyUnicode_FSConverter(obj, out);
}

int pyfadump_u32_converter(PyObject *obj, void *out)
{
	uint64_t v;

	if (!pyfadump_u64_converter(obj, &v))
		return 0;
	if (v > UINT32_MAX) {
		PyErr_SetString(PyExc_OverflowError, "value does not fit in 32 bits");
		return 0;
	}
	*(uint32_t *)out = (uint32_t)v;
	return 1;
}

static struct fadump_ctx *temp_ctx(void)
{
	struct fadump_ctx *ctx;
	int ret = fadump_ctx_new(NULL, &ctx);

	if (ret < 0) {
		pyfadump_raise(ret, "cannot create a libfadump context");
		return NULL;
	}
	return ctx;
}

/*
 * One decoder: parse @len bytes at @buf in @ctx, @arg being what the
 * call's other arguments were parsed into (NULL if it has none), and on
 * success set *@res to the result, NULL with a Python exception if
 * building it failed. Returns what the library returned: a negative errno
 * means failure, its message left in @ctx, and *@res untouched.
 */
typedef int decode_fn(struct fadump_ctx *ctx, const void *buf, size_t len,
		      const void *arg, PyObject **res);

/* Run @fn on @b in a context of its own; releases @b. */
static PyObject *decode_buffer(Py_buffer *b, decode_fn *fn, const void *arg)
{
	struct fadump_ctx *ctx = temp_ctx();
	PyObject *res = NULL;
	int ret;

	if (ctx) {
		ret = fn(ctx, b->buf, (size_t)b->len, arg, &res);
		if (ret < 0)
			pyfadump_raise_ctx(ret, ctx);
		fadump_ctx_unref(ctx);
	}
	PyBuffer_Release(b);
	return res;
}

/* The same for a call whose only argument is the buffer: @fmt is "y*:name". */
static PyObject *decode(PyObject *args, const char *fmt, decode_fn *fn)
{
	Py_buffer b;

	if (!PyArg_ParseTuple(args, fmt, &b))
		return NULL;
	return decode_buffer(&b, fn, NULL);
}

static PyObject *byte_order(enum fadump_byte_order order)
{
	return pyfadump_text(fadump_byte_order_name(order));
}

/* ---- region report, device tree, ibm,kernel-dump ------------------- */

static int regions_decoder(struct fadump_ctx *ctx, const void *buf, size_t len,
			   const void *arg, PyObject **res)
{
	struct fadump_regions *regs;
	int ret = fadump_regions_parse(ctx, buf, len, &regs);

	if (ret >= 0) {
		*res = pyfadump_regions_dict(regs);
		fadump_regions_unref(regs);
	}
	return ret;
}

static PyObject *py_parse_regions(PyObject *self, PyObject *args)
{
	return decode(args, "y*:parse_regions", regions_decoder);
}

static int fdt_decoder(struct fadump_ctx *ctx, const void *buf, size_t len,
		       const void *arg, PyObject **res)
{
	struct fadump_devtree *dt;
	int ret = fadump_devtree_from_fdt(ctx, buf, len, &dt);

	if (ret >= 0) {
		*res = pyfadump_devtree_dict(dt);
		fadump_devtree_unref(dt);
	}
	return ret;
}

static PyObject *py_devtree_from_fdt(PyObject *self, PyObject *args)
{
	return decode(args, "y*:devtree_from_fdt", fdt_decoder);
}

static int kernel_dump_decoder(struct fadump_ctx *ctx, const void *buf,
			       size_t len, const void *arg, PyObject **res)
{
	struct fadump_papr_dump *pd;
	int ret = fadump_papr_dump_parse(ctx, buf, len, &pd);

	if (ret >= 0) {
		*res = pyfadump_papr_dump_dict(pd);
		fadump_papr_dump_unref(pd);
	}
	return ret;
}

static PyObject *py_decode_kernel_dump(PyObject *self, PyObject *args)
{
	return decode(args, "y*:decode_kernel_dump", kernel_dump_decoder);
}

static int versions_decoder(struct fadump_ctx *ctx, const void *buf, size_t len,
			    const void *arg, PyObject **res)
{
	struct fadump_papr_versions v = { .size = sizeof(v) };
	int ret = fadump_papr_versions_parse(ctx, buf, len, &v);

	if (ret >= 0)
		*res = Py_BuildValue("{s:I,s:I,s:N}", "min", (unsigned int)v.min,
				     "max", (unsigned int)v.max, "byte_order",
				     byte_order(v.byte_order));
	return ret;
}

static PyObject *py_decode_dump_versions(PyObject *self, PyObject *args)
{
	return decode(args, "y*:decode_dump_versions", versions_decoder);
}

/* ---- register sets -------------------------------------------------- */

static PyObject *reg_entries(const struct fadump_cpuregs *rs, unsigned int cpu,
			     unsigned int n)
{
	PyObject *list = PyList_New(n);

	for (unsigned int k = 0; list && k < n; k++) {
		struct fadump_reg_entry e = { .size = sizeof(e) };
		int ret = fadump_cpuregs_get_entry(rs, cpu, k, &e);
		PyObject *d;

		if (ret < 0) {
			Py_DECREF(list);
			return pyfadump_raise(ret, "register entry");
		}
		/* name is a char array: make sure it ends */
		e.name[sizeof(e.name) - 1] = '\0';
		d = Py_BuildValue("{s:N,s:K,s:K,s:O}", "name", pyfadump_text(e.name),
				  "id", (unsigned long long)e.id, "value",
				  (unsigned long long)e.value, "used",
				  e.used ? Py_True : Py_False);
		if (!d) {
			Py_DECREF(list);
			return NULL;
		}
		PyList_SET_ITEM(list, k, d);
	}
	return list;
}

static PyObject *cpu_dict(const struct fadump_cpuregs *rs, unsigned int idx,
			  bool hdat)
{
	struct fadump_cpu_state c = { .size = sizeof(c) };
	struct fadump_ppc64_regs r = { .size = sizeof(r) };
	int ret = fadump_cpuregs_get_cpu(rs, idx, &c);
	PyObject *regs, *list;

	if (ret == 0)
		ret = fadump_cpuregs_get_regs(rs, idx, &r);
	if (ret < 0)
		return pyfadump_raise(ret, "CPU register set");
	regs = pyfadump_regs_dict(&r);
	if (!regs)
		return NULL;
	list = reg_entries(rs, idx, c.entries);
	if (!list) {
		Py_DECREF(regs);
		return NULL;
	}
	return Py_BuildValue("{s:I,s:O,s:N,s:I,s:I,s:K,s:N,s:N}",
			     "id", (unsigned int)c.id,
			     "active", c.active ? Py_True : Py_False,
			     "core_state", pyfadump_opt_u64(hdat, c.core_state),
			     "entries", c.entries, "ignored", c.ignored,
			     "offset", (unsigned long long)c.offset,
			     "regs", regs, "entries_list", list);
}

static PyObject *cpuregs_dict(const struct fadump_cpuregs *rs)
{
	bool hdat = fadump_cpuregs_format(rs) == FADUMP_CPUREGS_HDAT;
	unsigned int n = fadump_cpuregs_count(rs);
	PyObject *cpus = PyList_New(n);

	for (unsigned int i = 0; cpus && i < n; i++) {
		PyObject *c = cpu_dict(rs, i, hdat);

		if (!c) {
			Py_DECREF(cpus);
			return NULL;
		}
		PyList_SET_ITEM(cpus, i, c);
	}
	if (!cpus)
		return NULL;
	return Py_BuildValue("{s:s,s:I,s:N}", "format", hdat ? "hdat" : "rtas",
			     "version", (unsigned int)fadump_cpuregs_version(rs),
			     "cpus", cpus);
}

/* RTAS register save area, or HDAT thread data if @arg is a thread size. */
static int cpuregs_decoder(struct fadump_ctx *ctx, const void *buf, size_t len,
			   const void *arg, PyObject **res)
{
	const uint32_t *thread_size = arg;
	struct fadump_cpuregs *rs;
	int ret;

	if (thread_size)
		ret = fadump_cpuregs_parse_hdat(ctx, buf, len, *thread_size, &rs);
	else
		ret = fadump_cpuregs_parse_rtas(ctx, buf, len, &rs);
	if (ret >= 0) {
		*res = cpuregs_dict(rs);
		fadump_cpuregs_unref(rs);
	}
	return ret;
}

static PyObject *py_decode_regsave(PyObject *self, PyObject *args)
{
	return decode(args, "y*:decode_regsave", cpuregs_decoder);
}

static PyObject *py_decode_hdat(PyObject *self, PyObject *args)
{
	uint32_t thread_size;
	Py_buffer b;

	if (!PyArg_ParseTuple(args, "y*O&:decode_hdat", &b, pyfadump_u32_converter,
			      &thread_size))
		return NULL;
	return decode_buffer(&b, cpuregs_decoder, &thread_size);
}

/* ---- OPAL metadata -------------------------------------------------- */

static PyObject *opal_fdm_dict(const struct fadump_opal_fdm *fdm)
{
	struct fadump_opal_fdm_info in = { .size = sizeof(in) };
	PyObject *regions, *probs;
	const char *p;
	int ret = fadump_opal_fdm_get_info(fdm, &in);

	if (ret < 0)
		return pyfadump_raise(ret, "OPAL metadata");
	regions = PyList_New(in.region_cnt);
	for (unsigned int i = 0; regions && i < in.region_cnt; i++) {
		struct fadump_opal_region r = { .size = sizeof(r) };
		PyObject *d;

		ret = fadump_opal_fdm_get_region(fdm, i, &r);
		if (ret < 0) {
			Py_DECREF(regions);
			return pyfadump_raise(ret, "OPAL metadata region");
		}
		d = Py_BuildValue("{s:K,s:K,s:K,s:O}",
				  "source", (unsigned long long)r.source,
				  "destination", (unsigned long long)r.destination,
				  "length", (unsigned long long)r.length,
				  "preserved", r.preserved ? Py_True : Py_False);
		if (!d) {
			Py_DECREF(regions);
			return NULL;
		}
		PyList_SET_ITEM(regions, i, d);
	}
	if (!regions)
		return NULL;
	probs = PyList_New(0);
	for (unsigned int i = 0; probs && (p = fadump_opal_fdm_problem(fdm, i)); i++) {
		PyObject *t = pyfadump_text(p);

		if (!t || PyList_Append(probs, t) < 0) {
			Py_XDECREF(t);
			Py_CLEAR(probs);
			break;
		}
		Py_DECREF(t);
	}
	if (!probs) {
		Py_DECREF(regions);
		return NULL;
	}
	return Py_BuildValue("{s:I,s:N,s:I,s:I,s:K,s:K,s:K,s:N,s:N,s:N}",
			     "version", (unsigned int)in.version,
			     "byte_order", byte_order(in.byte_order),
			     "region_cnt", (unsigned int)in.region_cnt,
			     "registered_regions", (unsigned int)in.registered_regions,
			     "crashinfo_addr", (unsigned long long)in.crashinfo_addr,
			     "boot_memory_size", (unsigned long long)in.boot_memory_size,
			     "boot_mem_top", (unsigned long long)in.boot_mem_top,
			     "verdict", pyfadump_text(fadump_dump_verdict_name(in.verdict)),
			     "regions", regions, "problems", probs);
}

/* @arg is the byte order, an int */
static int opal_fdm_decoder(struct fadump_ctx *ctx, const void *buf, size_t len,
			    const void *arg, PyObject **res)
{
	enum fadump_byte_order order = (enum fadump_byte_order)*(const int *)arg;
	struct fadump_opal_fdm *fdm;
	int ret = fadump_opal_fdm_parse(ctx, buf, len, order, &fdm);

	if (ret >= 0) {
		*res = opal_fdm_dict(fdm);
		fadump_opal_fdm_unref(fdm);
	}
	return ret;
}

static PyObject *py_decode_opal_fdm(PyObject *self, PyObject *args)
{
	int order = FADUMP_BYTE_ORDER_AUTO;
	Py_buffer b;

	if (!PyArg_ParseTuple(args, "y*|i:decode_opal_fdm", &b, &order))
		return NULL;
	return decode_buffer(&b, opal_fdm_decoder, &order);
}

static int opal_cpu_meta_decoder(struct fadump_ctx *ctx, const void *buf,
				 size_t len, const void *arg, PyObject **res)
{
	struct fadump_opal_cpu_meta m = { .size = sizeof(m) };
	int ret = fadump_opal_cpu_meta_parse(ctx, buf, len, &m);

	if (ret >= 0)
		*res = Py_BuildValue("{s:I,s:I,s:I,s:I,s:I,s:K,s:K}",
			"version", (unsigned int)m.version,
			"crashing_pir", (unsigned int)m.crashing_pir,
			"cpu_data_version", (unsigned int)m.cpu_data_version,
			"cpu_data_size", (unsigned int)m.cpu_data_size,
			"region_cnt", (unsigned int)m.region_cnt,
			"cpu_data_addr", (unsigned long long)m.cpu_data_addr,
			"cpu_data_len", (unsigned long long)m.cpu_data_len);
	return ret;
}

static PyObject *py_decode_opal_cpu_meta(PyObject *self, PyObject *args)
{
	return decode(args, "y*:decode_opal_cpu_meta", opal_cpu_meta_decoder);
}

/* ---- crash-info header ---------------------------------------------- */

static PyObject *cpu_mask(const struct fadump_crashinfo *ci, uint32_t bytes)
{
	PyObject *list;

	if (!bytes)
		return pyfadump_none();
	list = PyList_New(0);
	for (unsigned int c = 0; list && c < bytes * 8; c++) {
		PyObject *v;

		if (fadump_crashinfo_cpu_in_mask(ci, c) != 1)
			continue;
		v = PyLong_FromUnsignedLong(c);
		if (!v || PyList_Append(list, v) < 0) {
			Py_XDECREF(v);
			Py_CLEAR(list);
			break;
		}
		Py_DECREF(v);
	}
	return list;
}

static PyObject *crashinfo_dict(const struct fadump_crashinfo *ci)
{
	struct fadump_crashinfo_info in = { .size = sizeof(in) };
	struct fadump_ppc64_regs r = { .size = sizeof(r) };
	PyObject *regs, *mask, *rawobj;
	const void *raw;
	size_t rawlen;
	bool sig;
	int ret = fadump_crashinfo_get_info(ci, &in);

	if (ret == 0)
		ret = fadump_crashinfo_get_regs(ci, &r);
	if (ret == 0)
		ret = fadump_crashinfo_raw(ci, &raw, &rawlen);
	if (ret < 0)
		return pyfadump_raise(ret, "crash-info header");
	sig = in.layout == FADUMP_CRASHINFO_FADMPSIG;
	regs = pyfadump_regs_dict(&r);
	mask = regs ? cpu_mask(ci, in.cpu_mask_size) : NULL;
	rawobj = mask ? PyBytes_FromStringAndSize(raw, (Py_ssize_t)rawlen) : NULL;
	if (!rawobj) {
		Py_XDECREF(regs);
		Py_XDECREF(mask);
		return NULL;
	}
	return Py_BuildValue("{s:s,s:I,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N}",
		"magic", sig ? "FADMPSIG" : "FADMPINF",
		"version", (unsigned int)in.version,
		"byte_order", byte_order(in.byte_order),
		"crashing_cpu", pyfadump_opt_u64(
			in.crashing_cpu != FADUMP_CRASHINFO_CPU_UNKNOWN, in.crashing_cpu),
		"elfcorehdr_addr", pyfadump_opt_u64(!sig, in.elfcorehdr_addr),
		"vmcoreinfo_addr", pyfadump_opt_u64(sig, in.vmcoreinfo_addr),
		"vmcoreinfo_size", pyfadump_opt_u64(sig, in.vmcoreinfo_size),
		"pt_regs_size", pyfadump_opt_u64(in.pt_regs_size, in.pt_regs_size),
		"cpu_mask_size", pyfadump_opt_u64(in.cpu_mask_size, in.cpu_mask_size),
		"header_size", pyfadump_opt_u64(in.header_size, in.header_size),
		"regs", regs, "cpu_mask", mask, "raw", rawobj);
}

/* @arg is the struct fadump_crashinfo_hint */
static int crash_info_decoder(struct fadump_ctx *ctx, const void *buf,
			      size_t len, const void *arg, PyObject **res)
{
	struct fadump_crashinfo *ci;
	int ret = fadump_crashinfo_parse(ctx, buf, len, arg, &ci);

	if (ret >= 0) {
		*res = crashinfo_dict(ci);
		fadump_crashinfo_unref(ci);
	}
	return ret;
}

static PyObject *py_decode_crash_info(PyObject *self, PyObject *args)
{
	struct fadump_crashinfo_hint hint = { .size = sizeof(hint) };
	Py_buffer b;

	if (!PyArg_ParseTuple(args, "y*|O&O&:decode_crash_info", &b,
			      pyfadump_u64_converter, &hint.phys_addr,
			      pyfadump_u32_converter, &hint.pt_regs_size))
		return NULL;
	return decode_buffer(&b, crash_info_decoder, &hint);
}

/* ---- names ---------------------------------------------------------- */

static PyObject *py_machine_name(PyObject *self, PyObject *args)
{
	uint32_t machine;
	const char *name;

	if (!PyArg_ParseTuple(args, "O&:machine_name", pyfadump_u32_converter,
			      &machine))
		return NULL;
	name = fadump_machine_name(machine);
	return name ? pyfadump_text(name) : pyfadump_none();
}

PyMethodDef pyfadump_decode_methods[] = {
	{ "parse_regions", py_parse_regions, METH_VARARGS,
	  "parse_regions(text: bytes) -> dict: fadump_regions_parse()" },
	{ "devtree_from_fdt", py_devtree_from_fdt, METH_VARARGS,
	  "devtree_from_fdt(blob: bytes) -> dict: fadump_devtree_from_fdt()" },
	{ "decode_kernel_dump", py_decode_kernel_dump, METH_VARARGS,
	  "decode_kernel_dump(data: bytes) -> dict: fadump_papr_dump_parse()" },
	{ "decode_dump_versions", py_decode_dump_versions, METH_VARARGS,
	  "decode_dump_versions(data: bytes) -> dict: fadump_papr_versions_parse()" },
	{ "decode_regsave", py_decode_regsave, METH_VARARGS,
	  "decode_regsave(data: bytes) -> dict: fadump_cpuregs_parse_rtas()" },
	{ "decode_hdat", py_decode_hdat, METH_VARARGS,
	  "decode_hdat(data: bytes, thread_size: int) -> dict: fadump_cpuregs_parse_hdat()" },
	{ "decode_opal_fdm", py_decode_opal_fdm, METH_VARARGS,
	  "decode_opal_fdm(data: bytes, order: int = 0) -> dict: fadump_opal_fdm_parse()" },
	{ "decode_opal_cpu_meta", py_decode_opal_cpu_meta, METH_VARARGS,
	  "decode_opal_cpu_meta(data: bytes) -> dict: fadump_opal_cpu_meta_parse()" },
	{ "decode_crash_info", py_decode_crash_info, METH_VARARGS,
	  "decode_crash_info(data: bytes, phys_addr: int = 0, pt_regs_size: int = 0)"
	  " -> dict: fadump_crashinfo_parse()" },
	{ "machine_name", py_machine_name, METH_VARARGS,
	  "machine_name(e_machine: int) -> str or None: fadump_machine_name()" },
	{ NULL, NULL, 0, NULL },
};
