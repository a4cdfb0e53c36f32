# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shared fixtures of the Python binding tests.

Environment (set by tests/meson.build for the "python" test):
    PYTHONPATH         <build>/bindings/python: the package as built
    FADUMP_TEST_DATA   tests/data
    MESON_BUILD_ROOT   the build directory (for the install test)

The fixture roots and blobs are the C and CLI tests' (tests/data/README,
tests/data/metadata/README); expected values are written out by hand in
each test from what the fixture machine is, consistent with
tests/cli/test_fadumpctl.py.
"""

import os
import shutil
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from fake_release_store import FakeReleaseStore  # noqa: E402,F401  (re-exported)

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get('FADUMP_TEST_DATA') or os.path.join(HERE, '..', 'data')
ROOTS = os.path.join(DATA, 'roots')
BLOBS = os.path.join(DATA, 'metadata')

KiB = 1 << 10
MiB = 1 << 20
GiB = 1 << 30

# The synthetic roots (mkroots.py). The qemu-* roots, captured from a real
# kernel, are held against golden JSON by tests/cli/test_golden.py.
ALL_ROOTS = sorted(n for n in os.listdir(ROOTS)
                   if os.path.isdir(os.path.join(ROOTS, n))
                   and not n.startswith('qemu-'))


def root_path(name):
    return os.path.join(ROOTS, name)


def blob(name):
    with open(os.path.join(BLOBS, name), 'rb') as f:
        return f.read()


@pytest.fixture(autouse=True)
def _quiet_library(monkeypatch):
    # FADUMP_LOG would make the library write to stderr.
    monkeypatch.delenv('FADUMP_LOG', raising=False)


@pytest.fixture
def scratch(tmp_path):
    """A function making a writable copy of a fixture root."""
    def copy(name):
        dst = tmp_path / name
        shutil.copytree(root_path(name), dst, symlinks=True)
        return dst
    return copy
