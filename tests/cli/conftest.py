# SPDX-License-Identifier: LGPL-2.1-or-later
"""Helpers shared by the fadumpctl tests: the environment, running the
command, and (from tests/fake_release_store.py) a fake kernel release_mem
store.

The test modules import them ('from conftest import ...', as in
tests/python); being the conftest, this module has its asserts rewritten
by pytest like the tests' own.

Environment (set by tests/meson.build for the "cli" test):
    FADUMPCTL          the built binary
    MKVMCORE           the dump generator (tests/mkvmcore.c)
    FADUMP_TEST_DATA   tests/data
"""

import os
import shutil
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from fake_release_store import FakeReleaseStore  # noqa: E402,F401  (re-exported)

FADUMPCTL = os.environ.get('FADUMPCTL')
MKVMCORE = os.environ.get('MKVMCORE')
DATA = os.environ.get('FADUMP_TEST_DATA')
ROOTS = os.path.join(DATA, 'roots') if DATA else None

# The log of mkvmcore's and mkkdump's --printk ring (mkvmcore_crash_log in
# tests/mkvmcore.c), written out by hand in vmcore-dmesg's
# "[%5lu.%06lu] text" format from its timestamps.
CRASH_LOG = ('[    0.000000] Linux version 7.2.0-fadump-test\n'
             '[    0.536423] Run /init as init process\n'
             '[    3.161123] sysrq: Trigger a crash\n'
             '[    3.161458] Kernel panic - not syncing: sysrq triggered crash\n')

# fadumpctl save's options for the full raw copy, byte for byte (sparse):
# what it wrote by default before 0.5, and what tests of the ELF copier use.
RAW = ('--level', '0', '--format', 'elf')

# Exit status table of fadumpctl --help.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNSUPPORTED, EXIT_ACCESS = range(5)


def require_env(*names):
    """Skip the calling test module unless every variable of @names is set
    (outside meson test they are not)."""
    if all(os.environ.get(n) for n in names):
        return
    listed = ' and '.join(filter(None, [', '.join(names[:-1]), names[-1]]))
    pytest.skip(listed + ' must be set (run through meson test)',
                allow_module_level=True)


def clean_env(extra=None):
    """The caller's environment (sanitizer options included) without the
    variables fadumpctl and the library act on."""
    e = dict(os.environ)
    e.pop('FADUMP_ROOT', None)
    e.pop('FADUMP_LOG', None)       # library logging would add stderr lines
    e['LC_ALL'] = 'C'
    if extra:
        e.update(extra)
    return e


def run(*args, root=None, env=None, cwd=None, stdout=subprocess.PIPE,
        timeout=60):
    """Run fadumpctl [--root ROOT] ARGS in clean_env(ENV), output as text."""
    argv = [FADUMPCTL]
    if root is not None:
        argv += ['--root', str(root)]
    argv += [str(a) for a in args]
    return subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE,
                          env=clean_env(env), cwd=cwd, timeout=timeout,
                          text=True)


def assert_one_error_line(p, status, command, *words):
    """Exit @status, nothing on stdout, one stderr line naming @command."""
    assert p.returncode == status, (p.returncode, p.stderr)
    assert p.stdout == ''
    assert p.stderr.count('\n') == 1 and p.stderr.endswith('\n'), p.stderr
    prefix = 'fadumpctl: %s: ' % command if command else 'fadumpctl: '
    assert p.stderr.startswith(prefix), p.stderr
    for w in words:
        assert w in p.stderr, (w, p.stderr)


def root_path(name):
    return os.path.join(ROOTS, name)


def scratch(tmp_path, name):
    """A writable copy of fixture root @name (symlinks stay symlinks)."""
    dst = tmp_path / name
    shutil.copytree(root_path(name), dst, symlinks=True)
    return dst


def capture_root(tmp_path):
    """pseries-7.2-capture with a generated 8 MiB /proc/vmcore (known
    CRASHTIME) and a plain-file release_mem, so a release attempt shows as
    a '1'."""
    root = tmp_path / 'root'
    shutil.copytree(root_path('pseries-7.2-capture'), root, symlinks=True)
    (root / 'proc/vmcore').unlink()
    subprocess.run([MKVMCORE, '--size', '8M', str(root / 'proc/vmcore')],
                   check=True, stdout=subprocess.DEVNULL)
    return root


def read(path):
    with open(path, 'rb') as f:
        return f.read()
