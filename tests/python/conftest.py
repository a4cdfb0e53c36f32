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
import time

import pytest

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


class FakeReleaseStore:
    """release_mem as a FIFO that acts like the kernel's
    release_mem_store(): /proc/vmcore disappears while the write of "1"
    is in progress.

    The pipe is filled first, so the library's write blocks until serve()
    drains it. Once the library holds the FIFO open it has passed its own
    checks; serve() then removes /proc/vmcore, as the kernel does before
    returning, and lets the write complete. No sleep decides the outcome.
    """

    def __init__(self, root):
        self.root = root
        self.fifo = os.path.join(root, 'sys/kernel/fadump/release_mem')
        os.unlink(self.fifo)
        os.mkfifo(self.fifo, 0o600)
        self.rfd = os.open(self.fifo, os.O_RDONLY | os.O_NONBLOCK)
        wfd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
        self.filler = 0
        for chunk in (4096, 1):
            try:
                while True:
                    self.filler += os.write(wfd, b'\0' * chunk)
            except BlockingIOError:
                pass
        os.close(wfd)

    def opened_elsewhere(self):
        """Another descriptor of this process has the FIFO open."""
        for fd in os.listdir('/proc/self/fd'):
            try:
                if int(fd) != self.rfd and \
                        os.readlink('/proc/self/fd/' + fd) == self.fifo:
                    return True
            except OSError:
                pass            # closed meanwhile
        return False

    def serve(self, alive, timeout=20):
        """Wait for the writer (while @alive() holds), act like the
        kernel, and return what was written."""
        got = bytearray()
        try:
            deadline = time.monotonic() + timeout
            while not self.opened_elsewhere():
                if not alive() or time.monotonic() > deadline:
                    return None
                time.sleep(0.005)
            os.unlink(os.path.join(self.root, 'proc/vmcore'))
            os.set_blocking(self.rfd, True)
            while True:
                data = os.read(self.rfd, 65536)
                if not data:
                    break
                got += data
        finally:
            os.close(self.rfd)
        return bytes(got[self.filler:])
