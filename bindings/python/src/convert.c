// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * C structs into plain Python objects. Keys are the ones fadumpctl's
 * JSON uses for the same data, so the Python package can mirror the CLI.
 * Every builder returns a new reference or NULL with an exception set;
 * pyfadump_set() accepts a NULL value so a chain of them stops at the
 * first failure without leaking what was built.
 */
#include <errno.h>
#include <string.h>

#include "pyfadump.h"

/* A NULL string from the library is a bug there, not a reason to crash. */
PyObject *pyfadump_text(const char *s)
{
	if (!s)
		s = "";
	return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "backslashreplace");
}

PyObject *pyfadump_data_str(const char *s, size_t len)
{
	if (!s)
		return PyUnicode_FromString("");
	return PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, "surrogateescape");
}

PyObject *pyfadump_data_cstr(const char *s)
{
	return pyfadump_data_str(s, s ? strlen(s) : 0);
}

int pyfadump_set(PyObject *dict, const char *key, PyObject *value)
{
	int ret;

	if (!value)
		return -1;
	ret = PyDict_SetItemString(dict, key, value);
	Py_DECREF(value);
	return ret;
}

PyObject *pyfadump_u64(uint64_t v)
{
	return PyLong_FromUnsignedLongLong(v);
}

PyObject *pyfadump_none(void)
{
	Py_INCREF(Py_None);
	return Py_None;
}

PyObject *pyfadump_opt_u64(int has, uint64_t v)
{
	return has ? pyfadump_u64(v) : pyfadump_none();
}

static PyObject *bool_(int v)
{
	return PyBool_FromLong(v);
}

PyObject *pyfadump_regs_dict(const struct fadump_ppc64_regs *r)
{
	PyObject *d = PyDict_New(), *gpr;

	if (!d)
		return NULL;
	gpr = PyList_New(32);
	if (!gpr)
		goto fail;
	for (int i = 0; i < 32; i++) {
		PyObject *v = pyfadump_u64(r->gpr[i]);

		if (!v) {
			Py_DECREF(gpr);
			goto fail;
		}
		PyList_SET_ITEM(gpr, i, v);
	}
	if (pyfadump_set(d, "gpr", gpr) < 0 ||
	    pyfadump_set(d, "nip", pyfadump_u64(r->nip)) < 0 ||
	    pyfadump_set(d, "msr", pyfadump_u64(r->msr)) < 0 ||
	    pyfadump_set(d, "orig_gpr3", pyfadump_u64(r->orig_gpr3)) < 0 ||
	    pyfadump_set(d, "ctr", pyfadump_u64(r->ctr)) < 0 ||
	    pyfadump_set(d, "link", pyfadump_u64(r->link)) < 0 ||
	    pyfadump_set(d, "xer", pyfadump_u64(r->xer)) < 0 ||
	    pyfadump_set(d, "ccr", pyfadump_u64(r->ccr)) < 0 ||
	    pyfadump_set(d, "softe", pyfadump_u64(r->softe)) < 0 ||
	    pyfadump_set(d, "trap", pyfadump_u64(r->trap)) < 0 ||
	    pyfadump_set(d, "dar", pyfadump_u64(r->dar)) < 0 ||
	    pyfadump_set(d, "dsisr", pyfadump_u64(r->dsisr)) < 0 ||
	    pyfadump_set(d, "result", pyfadump_u64(r->result)) < 0)
		goto fail;
	return d;
fail:
	Py_DECREF(d);
	return NULL;
}

/* Append @item (a new reference, may be NULL) to @list. */
static int append(PyObject *list, PyObject *item)
{
	int ret;

	if (!item)
		return -1;
	ret = PyList_Append(list, item);
	Py_DECREF(item);
	return ret;
}

/* ---- debugfs region report ----------------------------------------- */

static PyObject *region_dict(const struct fadump_region *r)
{
	PyObject *d = PyDict_New();

	if (!d)
		return NULL;
	if (pyfadump_set(d, "name", pyfadump_text(r->name)) < 0 ||
	    pyfadump_set(d, "type", pyfadump_opt_u64(
			r->type == FADUMP_REGION_UNKNOWN, r->raw_type)) < 0 ||
	    pyfadump_set(d, "start", pyfadump_u64(r->start)) < 0 ||
	    pyfadump_set(d, "end", pyfadump_u64(r->end)) < 0 ||
	    pyfadump_set(d, "size", pyfadump_u64(r->length)) < 0 ||
	    pyfadump_set(d, "dumped", pyfadump_u64(r->dumped)) < 0 ||
	    pyfadump_set(d, "source",
			 pyfadump_opt_u64(r->has_source, r->source)) < 0) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}

PyObject *pyfadump_regions_dict(const struct fadump_regions *regs)
{
	unsigned int n = fadump_regions_count(regs);
	PyObject *d = PyDict_New(), *list = NULL, *range;
	uint64_t above, start, end, released = 0;
	unsigned int nreleased = 0;
	const char *cmdline;
	bool has_above, has_released;

	if (!d)
		return NULL;
	list = PyList_New(0);
	if (!list)
		goto fail;
	for (unsigned int i = 0; i < n; i++) {
		struct fadump_region r = { .size = sizeof(r) };
		int ret = fadump_regions_get(regs, i, &r);

		if (ret < 0) {
			pyfadump_raise(ret, "region report changed while read");
			goto fail;
		}
		if (append(list, region_dict(&r)) < 0)
			goto fail;
	}
	if (pyfadump_set(d, "regions", list) < 0) {
		list = NULL;
		goto fail;
	}
	list = NULL;
	/* Call first: argument evaluation order would be unspecified. */
	has_above = fadump_regions_reserved_above(regs, &above) == 0;
	if (pyfadump_set(d, "reserved_above",
			 pyfadump_opt_u64(has_above, has_above ? above : 0)) < 0)
		goto fail;
	cmdline = fadump_regions_cmdline_append(regs, &start, &end);
	if (cmdline) {
		range = Py_BuildValue("(KK)", (unsigned long long)start,
				      (unsigned long long)end);
		if (pyfadump_set(d, "cmdline_append",
				 pyfadump_data_cstr(cmdline)) < 0 ||
		    pyfadump_set(d, "cmdline_append_range", range) < 0)
			goto fail;
	} else if (pyfadump_set(d, "cmdline_append", pyfadump_none()) < 0 ||
		   pyfadump_set(d, "cmdline_append_range", pyfadump_none()) < 0) {
		goto fail;
	}
	/* The "Released:" line of this project's kernel series; None if absent. */
	has_released = fadump_regions_released(regs, &released, &nreleased) == 0;
	if (pyfadump_set(d, "released_bytes",
			 pyfadump_opt_u64(has_released, released)) < 0 ||
	    pyfadump_set(d, "released_ranges",
			 pyfadump_opt_u64(has_released, nreleased)) < 0)
		goto fail;
	return d;
fail:
	Py_XDECREF(list);
	Py_DECREF(d);
	return NULL;
}

/* ---- device tree ---------------------------------------------------- */

static PyObject *dt_source(enum fadump_dt_source src)
{
	switch (src) {
	case FADUMP_DT_SOURCE_DIR:
		return pyfadump_text("dir");
	case FADUMP_DT_SOURCE_FDT:
		return pyfadump_text("fdt");
	default:
		return pyfadump_none();	/* AUTO found no device tree */
	}
}

static PyObject *dump_sizes(const struct fadump_devtree *dt)
{
	int n = fadump_devtree_dump_sizes_count(dt);
	PyObject *list;

	if (n < 0)
		return pyfadump_raise(n, "ibm,configure-kernel-dump-sizes");
	list = PyList_New(0);
	for (int i = 0; list && i < n; i++) {
		uint64_t bytes;
		uint16_t type;
		int ret = fadump_devtree_dump_size(dt, (unsigned int)i, &type,
						   &bytes);

		if (ret < 0) {
			Py_DECREF(list);
			return pyfadump_raise(ret, "ibm,configure-kernel-dump-sizes");
		}
		if (append(list, Py_BuildValue("{s:I,s:K}", "type",
					       (unsigned int)type, "bytes",
					       (unsigned long long)bytes)) < 0) {
			Py_DECREF(list);
			return NULL;
		}
	}
	return list;
}

static PyObject *dt_properties(const struct fadump_devtree *dt)
{
	PyObject *d = PyDict_New();

	for (int p = 0; d && p < FADUMP_DT_PROP_COUNT; p++) {
		const char *path = fadump_dt_prop_path(p);
		const void *data;
		size_t len;
		int ret = fadump_devtree_get_prop(dt, p, &data, &len);
		PyObject *v;

		if (!path)		/* not in this library version */
			continue;
		if (ret == -ENOENT) {
			v = pyfadump_none();
		} else if (ret < 0) {
			Py_DECREF(d);
			return pyfadump_raise(ret, path);
		} else {
			v = PyBytes_FromStringAndSize(data, (Py_ssize_t)len);
		}
		if (pyfadump_set(d, path, v) < 0) {
			Py_DECREF(d);
			return NULL;
		}
	}
	return d;
}

PyObject *pyfadump_devtree_dict(const struct fadump_devtree *dt)
{
	PyObject *d = PyDict_New();
	uint32_t token;
	int has_token;

	if (!d)
		return NULL;
	has_token = fadump_devtree_rtas_token(dt, &token) == 0;
	if (pyfadump_set(d, "source", dt_source(fadump_devtree_source(dt))) < 0 ||
	    pyfadump_set(d, "platform", pyfadump_text(fadump_platform_name(
			fadump_devtree_get_platform(dt)))) < 0 ||
	    pyfadump_set(d, "firmware_support",
			 bool_(fadump_devtree_firmware_support(dt))) < 0 ||
	    pyfadump_set(d, "dump_present",
			 bool_(fadump_devtree_dump_present(dt))) < 0 ||
	    pyfadump_set(d, "rtas_token",
			 pyfadump_opt_u64(has_token, has_token ? token : 0)) < 0 ||
	    pyfadump_set(d, "dump_sizes", dump_sizes(dt)) < 0 ||
	    pyfadump_set(d, "properties", dt_properties(dt)) < 0) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}

/* ---- ibm,kernel-dump ------------------------------------------------ */

static PyObject *papr_section_dict(unsigned int idx,
				   const struct fadump_papr_section *s)
{
	PyObject *d = PyDict_New();

	if (!d)
		return NULL;
	if (pyfadump_set(d, "index", PyLong_FromUnsignedLong(idx)) < 0 ||
	    pyfadump_set(d, "type", PyLong_FromUnsignedLong(s->type)) < 0 ||
	    pyfadump_set(d, "type_name", pyfadump_text(s->type_name)) < 0 ||
	    pyfadump_set(d, "request_flag",
			 PyLong_FromUnsignedLong(s->request_flag)) < 0 ||
	    pyfadump_set(d, "error_flags",
			 PyLong_FromUnsignedLong(s->error_flags)) < 0 ||
	    pyfadump_set(d, "source_address", pyfadump_u64(s->source_address)) < 0 ||
	    pyfadump_set(d, "source_len", pyfadump_u64(s->source_len)) < 0 ||
	    pyfadump_set(d, "bytes_dumped", pyfadump_u64(s->bytes_dumped)) < 0 ||
	    pyfadump_set(d, "destination_address",
			 pyfadump_u64(s->destination_address)) < 0 ||
	    pyfadump_set(d, "complete", bool_(s->complete)) < 0 ||
	    pyfadump_set(d, "problem", s->problem ? pyfadump_text(s->problem) :
					pyfadump_none()) < 0) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}

static int papr_sections(PyObject *d, const struct fadump_papr_dump *pd)
{
	unsigned int n = fadump_papr_dump_section_count(pd);
	PyObject *list = PyList_New(0), *probs;
	const char *p;

	if (!list)
		return -1;
	for (unsigned int i = 0; i < n; i++) {
		struct fadump_papr_section s = { .size = sizeof(s) };
		int ret = fadump_papr_dump_get_section(pd, i, &s);

		if (ret < 0) {
			Py_DECREF(list);
			pyfadump_raise(ret, "ibm,kernel-dump section");
			return -1;
		}
		if (append(list, papr_section_dict(i, &s)) < 0) {
			Py_DECREF(list);
			return -1;
		}
	}
	if (pyfadump_set(d, "sections", list) < 0)
		return -1;
	probs = PyList_New(0);
	if (!probs)
		return -1;
	for (unsigned int i = 0; (p = fadump_papr_dump_problem(pd, i)); i++) {
		if (append(probs, pyfadump_text(p)) < 0) {
			Py_DECREF(probs);
			return -1;
		}
	}
	return pyfadump_set(d, "problems", probs);
}

PyObject *pyfadump_papr_dump_dict(const struct fadump_papr_dump *pd)
{
	struct fadump_papr_dump_header h = { .size = sizeof(h) };
	struct fadump_papr_dump_summary s = { .size = sizeof(s) };
	const void *raw;
	size_t rawlen;
	PyObject *d;
	int ret;

	ret = fadump_papr_dump_get_header(pd, &h);
	if (ret == 0)
		ret = fadump_papr_dump_get_summary(pd, &s);
	if (ret == 0)
		ret = fadump_papr_dump_raw(pd, &raw, &rawlen);
	if (ret < 0)
		return pyfadump_raise(ret, "ibm,kernel-dump");
	d = PyDict_New();
	if (!d)
		return NULL;
	if (pyfadump_set(d, "length", pyfadump_u64(h.length)) < 0 ||
	    pyfadump_set(d, "format_version", pyfadump_u64(h.format_version)) < 0 ||
	    pyfadump_set(d, "num_sections", pyfadump_u64(h.num_sections)) < 0 ||
	    pyfadump_set(d, "status_flags", pyfadump_u64(h.status_flags)) < 0 ||
	    pyfadump_set(d, "offset_first_section",
			 pyfadump_u64(h.offset_first_section)) < 0 ||
	    pyfadump_set(d, "dd_block_size", pyfadump_u64(h.dd_block_size)) < 0 ||
	    pyfadump_set(d, "dd_block_offset", pyfadump_u64(h.dd_block_offset)) < 0 ||
	    pyfadump_set(d, "dd_num_blocks", pyfadump_u64(h.dd_num_blocks)) < 0 ||
	    pyfadump_set(d, "dd_offset_disk_path",
			 pyfadump_u64(h.dd_offset_disk_path)) < 0 ||
	    pyfadump_set(d, "max_time_auto", pyfadump_u64(h.max_time_auto)) < 0 ||
	    pyfadump_set(d, "form", pyfadump_text(
			h.form == FADUMP_PAPR_FORM_FIXED ? "fixed" : "sections")) < 0 ||
	    papr_sections(d, pd) < 0 ||
	    pyfadump_set(d, "boot_regions", pyfadump_u64(s.boot_regions)) < 0 ||
	    pyfadump_set(d, "boot_memory_size", pyfadump_u64(s.boot_memory_size)) < 0 ||
	    pyfadump_set(d, "boot_mem_top", pyfadump_u64(s.boot_mem_top)) < 0 ||
	    pyfadump_set(d, "crashinfo_addr", pyfadump_opt_u64(
			s.has_crashinfo_addr, s.crashinfo_addr)) < 0 ||
	    pyfadump_set(d, "cpu_state_addr", pyfadump_opt_u64(
			s.has_cpu_state, s.cpu_state_addr)) < 0 ||
	    pyfadump_set(d, "cpu_state_len", pyfadump_opt_u64(
			s.has_cpu_state, s.cpu_state_len)) < 0 ||
	    pyfadump_set(d, "param_area_addr", pyfadump_opt_u64(
			s.has_param_area, s.param_area_addr)) < 0 ||
	    pyfadump_set(d, "verdict",
			 pyfadump_text(fadump_dump_verdict_name(s.verdict))) < 0 ||
	    pyfadump_set(d, "raw", PyBytes_FromStringAndSize(
			raw, (Py_ssize_t)rawlen)) < 0) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}
