# SPDX-License-Identifier: LGPL-2.1-or-later
"""fadump.Vmcore on synthetic kernels (tests/mkvmcore --kernel): reads by
virtual address, page classes, read_into() and the mapped file.

Expected bytes come from the dump file itself at the offsets the
generator reports (--describe), expected classes from what it says it
wrote, and the linear map is checked against python3-libkdumpfile, an
independent reader, where it can translate.
"""

import array
import errno
import json
import mmap
import os
import subprocess

import pytest

import fadump

MKVMCORE = os.environ.get('MKVMCORE')
pytestmark = pytest.mark.skipif(not MKVMCORE, reason='MKVMCORE not set '
                                '(run through meson test)')
LINEAR = 0xc000000000000000


def gen(path, *args):
    p = subprocess.run([MKVMCORE, '--describe'] + list(args) + [str(path)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, check=True)
    return json.loads(p.stdout)


def file_bytes(path, desc, paddr, n):
    seg = desc['segments'][0]       # --kernel: one segment from 0
    with open(path, 'rb') as f:
        f.seek(seg['offset'] + paddr)
        return f.read(n)


@pytest.fixture(params=[('radix', '65536', '--big'), ('radix', '4096', '--little'),
                        ('hash', '65536', '--little'), ('hash', '4096', '--big')],
                ids=lambda p: '-'.join(p))
def kernel(request, tmp_path):
    kind, page, order = request.param
    path = tmp_path / 'vmcore'
    desc = gen(path, '--kernel=' + kind, '--page-size', page, order)
    return path, desc


def test_read_virt(kernel):
    path, desc = kernel
    k = desc['kernel']
    with fadump.Vmcore(path) as vm:
        uts = int(vm.vmcoreinfo['SYMBOL(init_uts_ns)'], 16)
        assert uts == k['init_uts_ns']
        assert vm.read_virt(uts + 130, 65).rstrip(b'\0') == b'7.2.0-mkkernel'
        # two pages virtually adjacent, physically apart
        page = k['page_size']
        va = k['va_page'][1] - 100
        got = vm.read_virt(va, 200)
        assert got == (file_bytes(path, desc, k['pa_page'][0] + page - 100, 100) +
                       file_bytes(path, desc, k['pa_page'][1], 100))
        assert vm.virt_to_phys(va) == k['pa_page'][0] + page - 100
        # a huge PMD leaf and vmemmap
        assert vm.read_virt(k['va_pmd_leaf'] + 0x4321, 64) == \
            file_bytes(path, desc, k['pa_pmd_leaf'] + 0x4321, 64)
        pfn = k['pages'] - 3
        desc_va = k['vmemmap'] + pfn * k['desc_size']
        assert vm.read_virt(desc_va, k['desc_size']) == \
            vm.read(vm.virt_to_phys(desc_va), k['desc_size'])


def test_read_virt_errors(kernel):
    path, desc = kernel
    k = desc['kernel']
    with fadump.Vmcore(path) as vm:
        with pytest.raises(fadump.Error) as e:
            vm.read_virt(k['va_page'][0] + 8 * k['page_size'], 8)
        assert e.value.errno == errno.EFAULT
        assert 'PTE entry' in str(e.value) and 'empty' in str(e.value)
        with pytest.raises(fadump.NotInDumpError):
            vm.read_virt(LINEAR + (1 << 40), 8)
        with pytest.raises(OverflowError):
            vm.read_virt(-1, 8)


def test_linear_map_as_libkdumpfile(kernel):
    """libkdumpfile translates the ppc64 linear map (not the rest of a
    5.2+ layout): both must read the same there."""
    kdumpfile = pytest.importorskip('kdumpfile')
    path, desc = kernel
    if desc['kernel']['page_size'] != 65536:
        pytest.skip('libkdumpfile knows 64 KiB pages only')
    kd = kdumpfile.kdumpfile(str(path))
    kd.attr['addrxlat.ostype'] = 'linux'
    with fadump.Vmcore(path) as vm:
        for va in (LINEAR + 0x10000, LINEAR + 0x123456, LINEAR + (40 << 20) - 77):
            assert vm.read_virt(va, 4096) == \
                bytes(kd.read(kdumpfile.KDUMP_KVADDR, va, 4096))


@pytest.mark.parametrize('args', [
    ['--kernel'], ['--kernel=hash', '--page-size', '4096'],
    ['--kernel', '--era', '6.6', '--little'], ['--kernel', '--era', '4.17'],
])
def test_page_classes(tmp_path, args):
    desc = gen(tmp_path / 'vmcore', *args)
    k = desc['kernel']
    with fadump.Vmcore(tmp_path / 'vmcore') as vm:
        counts = vm.page_classes()
        assert list(counts) == list(fadump.PAGE_CLASSES)
        assert counts == k['classes']
        runs = vm.page_classes(runs=True)
        assert sum(r.count for r in runs) == k['pages']
        assert all(isinstance(r, fadump.PageRun) for r in runs)
        for a, b in zip(runs, runs[1:]):
            assert a.pfn + a.count == b.pfn and a.page_class != b.page_class
        for r in runs[:40]:
            assert vm.page_class(r.pfn) == r.page_class
            assert vm.page_class(r.pfn + r.count - 1) == r.page_class
        # a part of the dump
        part = vm.page_classes(runs=True, start=runs[3].pfn + 1,
                               end=runs[6].pfn)
        assert part[0].pfn == runs[3].pfn + 1
        assert sum(r.count for r in part) == runs[6].pfn - runs[3].pfn - 1


def test_zero_pages(tmp_path):
    gen(tmp_path / 'vmcore', '--kernel')
    with fadump.Vmcore(tmp_path / 'vmcore') as vm:
        plain = vm.page_classes()
        zero = vm.page_classes(zero=True)
        assert zero['zero'] >= 1 and plain['zero'] == 0
        assert sum(zero.values()) == sum(plain.values())
        runs = [r for r in vm.page_classes(runs=True, zero=True)
                if r.page_class == 'zero']
        page = vm.page_size
        for r in runs:
            assert vm.read(r.pfn * page, r.count * page) == bytes(r.count * page)
            assert vm.page_class(r.pfn, zero=True) == 'zero'


def test_page_class_errors(tmp_path):
    gen(tmp_path / 'vmcore', '--no-vmcoreinfo')
    with fadump.Vmcore(tmp_path / 'vmcore') as vm:
        with pytest.raises(fadump.NotFoundError) as e:
            vm.page_classes()
        assert 'PAGESIZE' in str(e.value)
    gen(tmp_path / 'k', '--kernel')
    with fadump.Vmcore(tmp_path / 'k') as vm:
        with pytest.raises(fadump.NotInDumpError):
            vm.page_class(1 << 30)
        with pytest.raises(fadump.InvalidArgumentError):
            vm.page_classes(start=10, end=5)


@pytest.mark.parametrize('mapped', [False, True])
def test_read_into(tmp_path, mapped):
    desc = gen(tmp_path / 'vmcore', '--little')
    seg = desc['segments'][2]
    with open(tmp_path / 'vmcore', 'rb') as f:
        f.seek(seg['offset'])
        data = f.read(seg['memsz'])
    with fadump.Vmcore(tmp_path / 'vmcore', mmap=mapped) as vm:
        b = bytearray(4096)
        assert vm.read_into(seg['paddr'] + 8, b) == 4096
        assert b == data[8:8 + 4096]
        # any writable buffer, a view into part of one too
        big = bytearray(3 * 4096)
        assert vm.read_into(seg['paddr'], memoryview(big)[4096:8192]) == 4096
        assert big[4096:8192] == data[:4096] and big[:4096] == bytes(4096)
        a = array.array('Q', bytes(80))
        vm.read_into(seg['paddr'] + 16, a)
        assert a.tobytes() == data[16:96]
        m = mmap.mmap(-1, 256 << 10)      # above the size that keeps the GIL
        assert vm.read_into(seg['paddr'], m) == 256 << 10
        assert m[:] == data[:256 << 10]
        assert vm.read_into(seg['paddr'], bytearray()) == 0
        with pytest.raises(TypeError):
            vm.read_into(seg['paddr'], bytes(16))        # read-only
        with pytest.raises(TypeError):
            vm._vm.read_into(seg['paddr'])
        with pytest.raises(fadump.NotInDumpError):
            vm.read_into(seg['paddr'] + seg['memsz'] - 8, b)
    with pytest.raises(ValueError):
        vm.read_into(seg['paddr'], b)                    # closed


def test_mmap_of_proc_refused():
    if not os.path.exists('/proc/kcore') or os.geteuid() != 0:
        pytest.skip('needs /proc/kcore, readable by root')
    try:
        fadump.Vmcore('/proc/kcore').close()
    except fadump.Error:
        pytest.skip('this /proc/kcore does not open as a vmcore')
    with pytest.raises(fadump.UnsupportedError) as e:
        fadump.Vmcore('/proc/kcore', mmap=True)
    assert '/proc' in str(e.value)
