# SPDX-License-Identifier: LGPL-2.1-or-later
"""Reference counting and memory: every call, on its success and its
error path, run many times must not grow the heap.

Two counters, each exact for what it watches:
  - sys.getallocatedblocks(): live blocks of Python's object allocator,
    so a leaked object (a dict, an int, an exception) adds one per call;
  - the bytes malloc() has handed out (glibc's mallinfo2(), or ASan's
    allocator in a sanitizer build), which covers large Python objects
    and everything libfadump allocates.
A leak of one object or a few bytes per call shows as thousands after the
loop; the bounds leave room for caches that fill once. Calls into the C
layer go to _fadump directly where the dataclass wrapping would only add
time, as the reference counting under test is all in the extension.
"""

import ctypes
import ctypes.util
import gc
import os
import sys

import pytest

import fadump
from fadump import _fadump
from conftest import blob, root_path
from elfcore import Segment, pattern, write_core


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in (
        'arena', 'ordblks', 'smblks', 'hblks', 'hblkhd', 'usmblks',
        'fsmblks', 'uordblks', 'fordblks', 'keepcost')]


def _heap_counter():
    """A function giving the bytes malloc() has handed out and not got
    back: from the sanitizer's allocator in an ASan build (freed memory
    waits in its quarantine, so the process's size says nothing), else
    from glibc."""
    try:
        asan = ctypes.CDLL(None).__sanitizer_get_current_allocated_bytes
    except AttributeError:
        pass
    else:
        asan.restype = ctypes.c_size_t
        return asan
    libc = ctypes.CDLL(ctypes.util.find_library('c'))
    try:
        fn = libc.mallinfo2
    except AttributeError:
        return None
    fn.restype = _Mallinfo2
    if fn().uordblks == 0:
        return None         # some other malloc: no figures

    def used():
        m = fn()
        return m.uordblks + m.hblkhd
    return used


HEAP = _heap_counter()


def rss():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')


def assert_no_leak(fn, n):
    # Fill caches, free lists and malloc's own bookkeeping first: some
    # grow once (by up to half a megabyte) within the first thousands of
    # calls, then never again.
    for _ in range(max(n // 5, 500)):
        fn()
    gc.collect()
    blocks, heap, mem = sys.getallocatedblocks(), HEAP and HEAP(), rss()
    for _ in range(n):
        fn()
    gc.collect()
    grown_blocks = sys.getallocatedblocks() - blocks
    assert grown_blocks < 64, '%d Python blocks more after %d calls' % (
        grown_blocks, n)
    if HEAP:
        grown = HEAP() - heap
        assert grown < 64 * 1024, '%d malloc bytes more after %d calls' % (
            grown, n)
    else:
        # no allocator figures: only the resident size, with a looser bound
        assert rss() - mem < 8 * 1024 * 1024


def raises(exc, fn, *args):
    def call():
        try:
            fn(*args)
        except exc:
            return
        raise AssertionError('%s not raised' % exc.__name__)
    return call


CAPTURE = root_path('pseries-7.2-capture')
ctx = _fadump.Context(os.fsencode(CAPTURE))
none_ctx = _fadump.Context(os.fsencode(root_path('none')))

CASES = {
    # the machine
    'Context()': (lambda: _fadump.Context(os.fsencode(CAPTURE)), 100000),
    'status': (ctx.status, 10000),
    'regions': (ctx.regions, 100000),
    'devtree': (ctx.devtree, 20000),
    'kernel_dump': (ctx.kernel_dump, 20000),
    'kernel_dump none': (none_ctx.kernel_dump, 20000),
    'bootargs_get': (ctx.bootargs_get, 100000),
    'root': (lambda: ctx.root, 100000),
    'System wrappers': (lambda: (fadump.System(root=CAPTURE).status(),
                                 fadump.System(root=CAPTURE).regions()), 5000),
    # error paths: the exception and its message each time
    'Context(missing)': (raises(fadump.NotFoundError, _fadump.Context,
                                b'/nonexistent/root'), 100000),
    'regions ENOENT': (raises(fadump.NotFoundError, none_ctx.regions), 100000),
    'register EPERM': (raises(fadump.AccessError, ctx.register), 20000),
    'bootargs_set EPERM': (raises(fadump.AccessError, ctx.bootargs_set,
                                  b'quiet'), 20000),
    'bootargs_set NUL': (raises(ValueError, ctx.bootargs_set, b'a\0b'),
                         100000),
    'release_range EOPNOTSUPP': (raises(fadump.UnsupportedError,
                                        ctx.release_range, 0, 0x10000),
                                 20000),
    # decoders
    'decode_kernel_dump': (lambda: _fadump.decode_kernel_dump(
        blob('papr-qemu-7.2.bin')), 20000),
    'decode_regsave': (lambda: _fadump.decode_regsave(
        blob('regsave-qemu.bin')), 5000),
    'decode_hdat': (lambda: _fadump.decode_hdat(
        blob('hdat-threads.bin'), 688), 5000),
    'decode_crash_info': (lambda: _fadump.decode_crash_info(
        blob('crashinfo-fadmpsig-le.bin')), 20000),
    'decode_opal_fdm': (lambda: _fadump.decode_opal_fdm(
        blob('opal-fdm-be.bin')), 20000),
    'decode_opal_cpu_meta': (lambda: _fadump.decode_opal_cpu_meta(
        blob('opal-cpu-meta.bin')), 100000),
    'decode_dump_versions': (lambda: _fadump.decode_dump_versions(
        b'\0\1\0\1'), 100000),
    'parse_regions': (lambda: _fadump.parse_regions(
        b'CPU :[0x00000040000000-0x0000004004001f] 0x40020 bytes, '
        b'Dumped: 0x0\n'), 100000),
    'decode errors': (raises(fadump.MalformedError, _fadump.decode_regsave,
                             b'REGSAVE'), 100000),
    'decode version error': (raises(fadump.UnsupportedError,
                                    _fadump.decode_crash_info,
                                    blob('crashinfo-fadmpsig-v2.bin')),
                             100000),
    'argument errors': (raises(OverflowError, _fadump.decode_hdat,
                               b'', 1 << 40), 100000),
    'decoder wrappers': (lambda: (fadump.decode_regsave(
        blob('regsave-papr.bin')), fadump.decode_crash_info(
        blob('crashinfo-fadmpsig-be.bin'))), 5000),
}


@pytest.mark.parametrize('name', list(CASES))
def test_no_leak(name):
    fn, n = CASES[name]
    assert_no_leak(fn, n)


@pytest.fixture(scope='module')
def core(tmp_path_factory):
    d = tmp_path_factory.mktemp('leak')
    path = d / 'vmcore'
    write_core(path, [Segment(0, pattern(0, 0x4000)),
                      Segment(0x100000, bytes(0x10000))], cpus=4,
               vmcoreinfo='OSRELEASE=7.2\nPAGESIZE=65536\nCRASHTIME=1\n')
    (d / 'out').mkdir()
    with fadump.Vmcore(path) as vm:
        vm.save(d / 'out')          # for the EEXIST path
    return path, d / 'out'


def vmcore_cases(path, out, vm):
    def progress_raises():
        def stop(done, total):
            raise KeyError(done)
        try:
            vm.save(out, name='partial', progress=stop)
        except KeyError:
            return
        raise AssertionError('not stopped')

    def open_close():
        with fadump.Vmcore(path) as v:
            v.info

    return {
        'open/close': (open_close, 20000),
        'open ENOENT': (raises(fadump.NotFoundError, _fadump.Vmcore,
                               os.fsencode(path) + b'.missing'), 100000),
        'info': (vm._vm.info, 100000),
        'segments': (vm._vm.segments, 100000),
        'notes': (vm._vm.notes, 50000),
        'cpus': (vm._vm.cpus, 20000),
        'prpsinfo': (vm._vm.prpsinfo, 100000),
        'vmcoreinfo': (vm._vm.vmcoreinfo, 100000),
        'page_size/crash_time': (lambda: (vm._vm.page_size(),
                                          vm._vm.crash_time()), 100000),
        'read': (lambda: vm._vm.read(0x100, 0x200), 100000),
        'read ENXIO': (raises(fadump.NotInDumpError, vm._vm.read,
                              0x8000, 16), 100000),
        'save EEXIST': (raises(fadump.ExistsError, vm._vm.save,
                               os.fsencode(out)), 20000),
        'save progress raises': (progress_raises, 300),
        'wrappers': (lambda: (vm.cpus, vm.notes, vm.vmcoreinfo), 5000),
    }


VMCORE_CASES = ['open/close', 'open ENOENT', 'info', 'segments', 'notes',
                'cpus', 'prpsinfo', 'vmcoreinfo', 'page_size/crash_time',
                'read', 'read ENXIO', 'save EEXIST', 'save progress raises',
                'wrappers']


@pytest.mark.parametrize('name', VMCORE_CASES)
def test_vmcore_no_leak(core, name):
    path, out = core
    with fadump.Vmcore(path) as vm:
        cases = vmcore_cases(path, out, vm)
        assert sorted(cases) == sorted(VMCORE_CASES)
        fn, n = cases[name]
        assert_no_leak(fn, n)
    assert sorted(os.listdir(out)) == ['vmcore']
