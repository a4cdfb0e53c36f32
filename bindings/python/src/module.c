// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * _fadump module: types, exceptions, decoders, and the version of the
 * libfadump.so actually loaded (which may be newer than the headers the
 * module was built with: the library's ABI is stable).
 */
#include "pyfadump.h"

static PyObject *py_version(PyObject *self, PyObject *unused)
{
	return pyfadump_text(fadump_version());
}

static PyObject *py_version_number(PyObject *self, PyObject *unused)
{
	return PyLong_FromUnsignedLong(fadump_version_number());
}

static PyObject *py_page_class_name(PyObject *self, PyObject *arg)
{
	unsigned long cls = PyLong_AsUnsignedLong(arg);
	const char *name;

	if (cls == (unsigned long)-1 && PyErr_Occurred())
		return NULL;
	name = cls <= UINT32_MAX ? fadump_page_class_name((unsigned int)cls) : NULL;
	return name ? pyfadump_text(name) : pyfadump_none();
}

static PyObject *py_compression_name(PyObject *self, PyObject *arg)
{
	unsigned long c = PyLong_AsUnsignedLong(arg);
	const char *name;

	if (c == (unsigned long)-1 && PyErr_Occurred())
		return NULL;
	name = c <= UINT32_MAX ? fadump_compression_name((unsigned int)c) : NULL;
	return name ? pyfadump_text(name) : pyfadump_none();
}

static PyObject *py_compression_supported(PyObject *self, PyObject *arg)
{
	unsigned long c = PyLong_AsUnsignedLong(arg);

	if (c == (unsigned long)-1 && PyErr_Occurred())
		return NULL;
	/* -EINVAL for a value the library does not know: not supported */
	return PyBool_FromLong(c <= UINT32_MAX &&
			       fadump_compression_supported((unsigned int)c) == 1);
}

static PyMethodDef module_methods[] = {
	{ "compression_name", py_compression_name, METH_O,
	  "compression_name(c) -> str or None: fadump_compression_name()" },
	{ "compression_supported", py_compression_supported, METH_O,
	  "compression_supported(c) -> bool: fadump_compression_supported() == 1" },
	{ "page_class_name", py_page_class_name, METH_O,
	  "page_class_name(cls) -> str or None: fadump_page_class_name()" },
	{ "version", py_version, METH_NOARGS,
	  "version() -> str: fadump_version() of the loaded library" },
	{ "version_number", py_version_number, METH_NOARGS,
	  "version_number() -> int: fadump_version_number() of the loaded library" },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef module_def = {
	PyModuleDef_HEAD_INIT,
	.m_name = "fadump._fadump",
	.m_doc = "Low-level binding of libfadump; use the fadump package.",
	.m_size = -1,
	.m_methods = module_methods,
};

static int add_type(PyObject *m, const char *name, PyTypeObject *type)
{
	if (PyType_Ready(type) < 0)
		return -1;
	return PyModule_AddObjectRef(m, name, (PyObject *)type);
}

/*
 * fadump_vmcore_save() flags, the release modes its result reports, its
 * formats and compressors.
 */
static const struct {
	const char *name;
	long value;
} constants[] = {
	{ "SAVE_NO_SPARSE", FADUMP_SAVE_NO_SPARSE },
	{ "SAVE_RELEASE", FADUMP_SAVE_RELEASE },
	{ "SAVE_RELEASE_RANGES", FADUMP_SAVE_RELEASE_RANGES },
	{ "SAVE_ALLOW_UNSAFE_DEST", FADUMP_SAVE_ALLOW_UNSAFE_DEST },
	{ "SAVE_CREATE_DEST", FADUMP_SAVE_CREATE_DEST },
	{ "RELEASE_NONE", FADUMP_RELEASE_NONE },
	{ "RELEASE_AT_END", FADUMP_RELEASE_AT_END },
	{ "RELEASE_RANGES", FADUMP_RELEASE_RANGES },
	{ "PAGE_CHECK_ZERO", FADUMP_PAGE_CHECK_ZERO },
	{ "PAGE_CLASS_COUNT", FADUMP_PAGE_CLASS_COUNT },
	{ "DUMP_LEVEL_MAX", FADUMP_DUMP_LEVEL_MAX },
	{ "SAVE_FORMAT_ELF", FADUMP_SAVE_FORMAT_ELF },
	{ "SAVE_FORMAT_KDUMP", FADUMP_SAVE_FORMAT_KDUMP },
	{ "COMPRESS_DEFAULT", FADUMP_COMPRESS_DEFAULT },
	{ "COMPRESS_NONE", FADUMP_COMPRESS_NONE },
	{ "COMPRESS_ZLIB", FADUMP_COMPRESS_ZLIB },
	{ "COMPRESS_LZO", FADUMP_COMPRESS_LZO },
	{ "COMPRESS_ZSTD", FADUMP_COMPRESS_ZSTD },
};

static int add_constants(PyObject *m)
{
	for (size_t i = 0; i < sizeof(constants) / sizeof(constants[0]); i++)
		if (PyModule_AddIntConstant(m, constants[i].name,
					    constants[i].value) < 0)
			return -1;
	return 0;
}

PyMODINIT_FUNC PyInit__fadump(void)
{
	PyObject *m = PyModule_Create(&module_def);

	if (!m)
		return NULL;
	if (PyModule_AddFunctions(m, pyfadump_decode_methods) < 0 ||
	    pyfadump_errors_init(m) < 0 ||
	    add_type(m, "Context", &pyfadump_context_type) < 0 ||
	    add_type(m, "Vmcore", &pyfadump_vmcore_type) < 0 ||
	    PyModule_AddIntConstant(m, "HEADER_VERSION_NUMBER",
				    FADUMP_VERSION_NUMBER) < 0 ||
	    add_constants(m) < 0) {
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
