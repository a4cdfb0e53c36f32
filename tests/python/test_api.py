# SPDX-License-Identifier: LGPL-2.1-or-later
"""The package as a whole: what it exports, its documentation, its type
stubs and its version."""

import ast
import dataclasses
import inspect
import os
import pydoc
import re
import textwrap

import pytest

import fadump
from fadump import _fadump

PACKAGE_DIR = os.path.dirname(fadump.__file__)
SOURCE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          '..', '..')


def public_names():
    return [n for n in fadump.__all__ if n != 'Registers']


def test_all_is_complete_and_exists():
    for name in fadump.__all__:
        assert hasattr(fadump, name), name
    # nothing public that __all__ forgets
    for name, obj in vars(fadump).items():
        if name.startswith('_') or inspect.ismodule(obj) or name in (
                'annotations',):
            continue
        assert name in fadump.__all__, name


@pytest.mark.parametrize('name', public_names())
def test_docstrings(name):
    obj = getattr(fadump, name)
    assert inspect.getdoc(obj), name
    if inspect.isclass(obj) and not issubclass(obj, BaseException):
        for attr, member in vars(obj).items():
            if attr.startswith('_'):
                continue
            if isinstance(member, property) or inspect.isfunction(member):
                assert inspect.getdoc(member), '%s.%s' % (name, attr)
        if dataclasses.is_dataclass(obj):
            doc = inspect.getdoc(obj)
            for f in dataclasses.fields(obj):
                assert re.search(r'\b%s\b' % f.name, doc), \
                    '%s.%s undocumented' % (name, f.name)


def test_help_reads_well():
    text = pydoc.render_doc(fadump, renderer=pydoc.plaintext)
    assert 'firmware-assisted dump' in text
    for name in ('System', 'Vmcore', 'Error', 'decode_crash_info'):
        assert name in text
    # the module docstring's examples are valid Python
    for block in re.findall(r'::\n\n((?:    .*\n|\n)+)', fadump.__doc__):
        compile(textwrap.dedent(block), '<doc>', 'exec')


def test_typed_package():
    assert os.path.isfile(os.path.join(PACKAGE_DIR, 'py.typed'))
    assert os.path.isfile(os.path.join(PACKAGE_DIR, '_fadump.pyi'))


def stub_names():
    with open(os.path.join(PACKAGE_DIR, '_fadump.pyi')) as f:
        tree = ast.parse(f.read())
    top, classes = set(), {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top.add(node.name)
        if isinstance(node, ast.ClassDef):
            classes[node.name] = {n.name for n in node.body
                                  if isinstance(n, ast.FunctionDef)}
        if isinstance(node, ast.AnnAssign):
            top.add(node.target.id)
    return top, classes


def test_stub_matches_the_extension():
    top, classes = stub_names()
    real = {n for n in dir(_fadump) if not n.startswith('__')}
    assert top == real
    for cls in ('Context', 'Vmcore'):
        members = {n for n in dir(getattr(_fadump, cls))
                   if not n.startswith('__')}
        assert classes[cls] - {'__init__'} == members, cls


def test_versions():
    with open(os.path.join(SOURCE_DIR, 'meson.build')) as f:
        project = re.search(r"version\s*:\s*'([0-9.]+)'", f.read()).group(1)
    assert fadump.__version__ == fadump.library_version() == project
    major, minor, micro = (int(x) for x in project.split('.'))
    assert _fadump.version_number() == (major << 16) | (minor << 8) | micro
    assert _fadump.HEADER_VERSION_NUMBER <= _fadump.version_number()


def test_machine_names():
    assert fadump.machine_name(21) == 'ppc64'
    assert fadump.machine_name(62) == 'x86_64'
    assert fadump.machine_name(183) == 'aarch64'
    assert fadump.machine_name(0xbeef) is None
    with pytest.raises(OverflowError):
        fadump.machine_name(-1)


def test_low_level_objects_refuse_misuse():
    # __init__ twice, or methods of an object whose __init__ failed
    c = _fadump.Context(None)
    with pytest.raises(RuntimeError):
        c.__init__(None)
    broken = _fadump.Context.__new__(_fadump.Context)
    with pytest.raises(ValueError):
        broken.status()
    with pytest.raises(ValueError):
        broken.root
    v = _fadump.Vmcore.__new__(_fadump.Vmcore)
    with pytest.raises(ValueError):
        v.info()
    assert v.closed
    v.close()
    with pytest.raises(TypeError):
        c.bootargs_set('not bytes')
    with pytest.raises(TypeError):
        c.devtree('dir')


def test_results_pickle_and_show_as_fadump():
    import pickle
    st = fadump.System(root=os.path.join(
        SOURCE_DIR, 'tests', 'data', 'roots', 'none')).status()
    assert type(st).__module__ == 'fadump'
    assert pickle.loads(pickle.dumps(st)) == st
    e = _fadump._exception_for(2, 'gone')
    e2 = pickle.loads(pickle.dumps(e))
    assert type(e2) is fadump.NotFoundError and e2.strerror == 'gone'
