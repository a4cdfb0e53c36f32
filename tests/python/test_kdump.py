# SPDX-License-Identifier: LGPL-2.1-or-later
"""kdump-compressed files through fadump.Vmcore, held against an
independent reader: libkdumpfile (python3-libkdumpfile) must read every
page of the files mkkdump writes exactly as libfadump does, and refuse
the same pages for the same reason; and against the tool that defines
the format: makedumpfile's own files (tests/data/kdump) must read as the
ELF vmcore they were made from.

The comparison is tests/e2e/compare-kdump.py's, the script the QEMU run
points at makedumpfile's own output; its verdict is also checked on
readers made to disagree.
"""

import errno
import importlib.util
import json
import lzma
import os
import struct
import subprocess
import sys

import pytest

import fadump

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get('FADUMP_TEST_DATA') or os.path.join(HERE, '..', 'data')
COMPARE = os.path.join(HERE, '..', 'e2e', 'compare-kdump.py')


def mkkdump_exe():
    exe = os.environ.get('MKKDUMP')
    if not exe and os.environ.get('MESON_BUILD_ROOT'):
        exe = os.path.join(os.environ['MESON_BUILD_ROOT'], 'tests', 'mkkdump')
    if not exe or not os.path.exists(exe):
        pytest.skip('neither MKKDUMP nor MESON_BUILD_ROOT is set')
    return exe


def gen(path, *args):
    """Write a kdump file; its layout as mkkdump --describe says."""
    p = subprocess.run([mkkdump_exe(), '--describe'] + list(args) +
                       [str(path)], capture_output=True, text=True)
    if p.returncode and 'not supported' in p.stderr:
        pytest.skip('mkkdump was built without this compressor')
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def skip_unless_readable(path):
    """Skip for a compression this build of libfadump lacks (pfn 2 is
    stored compressed)."""
    with fadump.Vmcore(path) as vm:
        try:
            vm.read(0x2000, 1)
        except fadump.UnsupportedError as e:
            pytest.skip(e.strerror)


def compare_module():
    spec = importlib.util.spec_from_file_location('compare_kdump', COMPARE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def compare(path):
    """(compared, differ, the kinds of pages seen) for @path."""
    cmp = compare_module()
    read_k, page_size, max_pfn = cmp.kdumpfile_reader(str(path))
    read_f = cmp.fadump_reader(str(path))
    kinds = set()

    def counting(pfn, size):
        r = read_f(pfn, size)
        kinds.add(r[0])
        return r
    msgs = []
    compared, differ = cmp.compare(counting, read_k, page_size, max_pfn,
                                   msgs.append)
    return compared, differ, kinds, msgs


COMPRESSIONS = ['plain', 'zlib', 'lzo', 'snappy', 'zstd', 'mixed']


@pytest.mark.parametrize('order', ['--big', '--little'])
@pytest.mark.parametrize('version', ['1', '3', '4', '6'])
@pytest.mark.parametrize('compression', COMPRESSIONS)
def test_libkdumpfile_reads_the_same(tmp_path, order, version, compression):
    pytest.importorskip('kdumpfile')
    lay = gen(tmp_path / 'dump', order, '--version', version,
              '--compress', compression)
    if compression != 'plain':
        assert lay['compressed'] > lay['plain'] > 0
    assert lay['zero'] > 0
    skip_unless_readable(tmp_path / 'dump')
    compared, differ, kinds, msgs = compare(tmp_path / 'dump')
    assert (compared, differ) == (lay['max_mapnr'] + 4, 0), msgs
    # every kind of page was there to be compared
    assert kinds == {'data', 'excluded', 'absent'}


@pytest.mark.parametrize('order', ['--big', '--little'])
def test_libkdumpfile_64k_pages_no_zero_pages(tmp_path, order):
    pytest.importorskip('kdumpfile')
    lay = gen(tmp_path / 'dump', order, '--page-size', '65536',
              '--compress', 'zstd', '--dump-level', '30', '--exclude-every',
              '3', '--seed', '11')
    assert lay['zero'] == 0
    compared, differ, _, msgs = compare(tmp_path / 'dump')
    assert (compared, differ) == (lay['max_mapnr'] + 4, 0), msgs


def test_compare_script(tmp_path):
    """The command the QEMU run uses, on a file they agree on."""
    pytest.importorskip('kdumpfile')
    gen(tmp_path / 'dump', '--big', '--compress', 'mixed')
    skip_unless_readable(tmp_path / 'dump')
    env = dict(os.environ)
    p = subprocess.run([sys.executable, COMPARE, str(tmp_path / 'dump')],
                       capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    assert p.stdout == '356 pages compared, 0 differ\n'


def test_compare_finds_differences(tmp_path):
    """compare() counts pages whose bytes or whose refusal differ."""
    cmp = compare_module()
    page = bytes(range(256)) * 16

    def good(pfn, size):
        if pfn % 3 == 1:
            return cmp.EXCLUDED, 'excluded'
        return cmp.DATA, page

    def bad(pfn, size):
        if pfn == 5:    # the page is there, one byte off
            return cmp.DATA, page[:100] + b'X' + page[101:]
        if pfn == 7:    # excluded, but called absent
            return cmp.ABSENT, 'not in the dump'
        return good(pfn, size)
    msgs = []
    assert cmp.compare(bad, good, 4096, 10, msgs.append) == (14, 2)
    assert msgs == ['pfn 0x5: the pages differ from byte 0x64',
                    'pfn 0x7: libfadump: absent (not in the dump); '
                    'libkdumpfile: excluded (excluded)']


def textify(path):
    """The change tests/data/kdump/README describes: each 4 KiB page of a
    PT_LOAD's data whose page number is a multiple of 3 becomes text."""
    with open(path, 'r+b') as f:
        core = bytearray(f.read())
        phoff, = struct.unpack('<Q', core[32:40])
        phnum, = struct.unpack('<H', core[56:58])
        for i in range(phnum):
            ptype, _, off, _, paddr, filesz, _, _ = struct.unpack(
                '<IIQQQQQQ', core[phoff + 56 * i:phoff + 56 * (i + 1)])
            if ptype != 1:
                continue
            for pg in range(0, filesz - 4096 + 1, 4096):
                pfn = (paddr + pg) // 4096
                if pfn % 3 == 0:
                    text = ''.join('page %x line %d\n' % (pfn, line)
                                   for line in range(300)).encode()[:4096]
                    core[off + pg:off + pg + 4096] = text.ljust(4096, b'.')
        f.seek(0)
        f.write(core)


@pytest.mark.parametrize('name', ['x86_64-zlib', 'x86_64-lzo'])
def test_real_makedumpfile_output(tmp_path, name):
    """makedumpfile's own files: what libkdumpfile reads, and what the ELF
    vmcore they were made from holds, page for page."""
    exe = os.environ.get('MKVMCORE')
    if not exe:
        pytest.skip('MKVMCORE is not set')
    elf = tmp_path / 'vmcore-x86_64'
    subprocess.run([exe, '--little', '--machine', 'x86_64', '--page-size',
                    '4096', '--size', '256K', '--zero-percent', '85',
                    '--no-vmcoreinfo', '--cpus', '2', str(elf)], check=True)
    textify(elf)
    dump = tmp_path / name
    with lzma.open(os.path.join(DATA, 'kdump', name + '.kdump.xz')) as f:
        dump.write_bytes(f.read())
    skip_unless_readable(dump)
    compressed = 0
    with fadump.Vmcore(elf) as src, fadump.Vmcore(dump) as vm:
        assert vm.info.format == 'kdump' and vm.info.dump_level == 1
        for seg in src.segments:
            for paddr in range(seg.paddr, seg.paddr + seg.filesz, 512):
                n = min(512, seg.paddr + seg.filesz - paddr)
                assert vm.read(paddr, n) == src.read(paddr, n), hex(paddr)
                compressed += src.read(paddr, 4) == b'page'
    assert compressed > 0
    if importlib.util.find_spec('kdumpfile'):
        got = compare(dump)
        assert got[:2] == (148, 0), got[3]


def test_info_and_errors(tmp_path):
    gen(tmp_path / 'dump', '--big', '--compress', 'zlib')
    with fadump.Vmcore(tmp_path / 'dump') as vm:
        info = vm.info
        assert info.format == fadump.FORMAT_KDUMP == 'kdump'
        assert info.dump_level == 31
        assert info.big_endian and info.machine_name == 'ppc64'
        assert info.segments == len(vm.segments) == 3
        assert vm.vmcoreinfo['OSRELEASE'] == '7.2.0-fadump-test'
        # pfn 1 is excluded (pfn % 5 == 1), pfn 64 is a hole
        with pytest.raises(fadump.ExcludedError) as e:
            vm.read(0x1000, 16)
        assert e.value.errno == errno.ENODATA
        assert isinstance(e.value, fadump.NotInDumpError)
        assert 'pfn 0x1) is excluded from the dump' in e.value.strerror
        with pytest.raises(fadump.NotInDumpError) as e:
            vm.read(0x40000, 16)
        assert not isinstance(e.value, fadump.ExcludedError)
        assert e.value.errno == errno.ENXIO
        assert vm.read(0x2000, 7) == b'pfn 0x2'


def test_elf_info_format(tmp_path):
    exe = os.environ.get('MKVMCORE')
    if not exe:
        pytest.skip('MKVMCORE is not set')
    subprocess.run([exe, str(tmp_path / 'vmcore')], check=True)
    with fadump.Vmcore(tmp_path / 'vmcore') as vm:
        assert vm.info.format == 'elf' and vm.info.dump_level is None


def test_refused_formats(tmp_path):
    (tmp_path / 'flat').write_bytes(b'makedumpfile'.ljust(4096, b'\0'))
    with pytest.raises(fadump.UnsupportedError) as e:
        fadump.Vmcore(tmp_path / 'flat')
    assert 'makedumpfile -R' in e.value.strerror


REAL_PPC64 = os.path.join(DATA, 'kdump', 'qemu-7.2-le-d31-c.kdump')


def test_real_ppc64_capture_by_makedumpfile():
    """Debian's makedumpfile 1.7.8 for ppc64el, -d 31 -c, on the capture
    boot of our 7.2.12 kernel (hash MMU) under QEMU (tests/data/kdump/README):
    what the crashed kernel's VMCOREINFO says, and every page as
    libkdumpfile reads it."""
    with fadump.Vmcore(REAL_PPC64) as vm:
        info = vm.info
        assert info.format == 'kdump' and info.dump_level == 31
        assert vm.page_size == 65536
        assert vm.vmcoreinfo['OSRELEASE'] == '7.2.12'
        # that kernel ran with the hash MMU (tinyconfig: no radix by default)
        assert vm.vmcoreinfo['NUMBER(RADIX_MMU)'] == '0'
    pytest.importorskip('kdumpfile')
    compared, differ, kinds, msgs = compare(REAL_PPC64)
    # 2 GiB of 64 KiB pages, and the pages past the end compare.py adds
    assert (compared, differ) == (32768 + 4, 0), msgs
    # level 31 left some pages out and kept others
    assert {'data', 'excluded'} <= kinds, kinds
