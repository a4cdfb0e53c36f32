# SPDX-License-Identifier: LGPL-2.1-or-later
"""Filtered saves: fadump_vmcore_save() with a dump level, the
kdump-compressed format, a compression and threads.

The oracles are not the library: which class each page is comes from
the generator of the synthetic kernel (mkvmcore --kernel --describe,
"expect"), which pages are all zero from the source file's bytes, what
each level leaves out from makedumpfile's documented -d bits (written
out below), and the files are read back by libkdumpfile
(python3-libkdumpfile) and readelf, besides our own reader.

The library is called through ctypes, as a C program would: the options
are the C struct of fadump.h.
"""

import ctypes
import hashlib
import json
import os
import re
import struct
import subprocess

import pytest

import fadump
from kdumpfile_oracle import kdumpfile_pages  # (tests/, on sys.path)

MKVMCORE = os.environ.get('MKVMCORE')

# enum fadump_page_class, the generator's 'a' + class
UNKNOWN, FREE, CACHE, CACHE_PRIVATE, ANON, HUGETLB, OFFLINE, HWPOISON, \
    SLAB, ZERO, KERNEL = range(11)
# makedumpfile -d: the classes each bit leaves out (makedumpfile(8))
LEVEL_BITS = {2: {CACHE}, 4: {CACHE_PRIVATE}, 8: {ANON, HUGETLB},
              16: {FREE}}
FORMAT_ELF, FORMAT_KDUMP = 0, 1
COMPRESS = {'default': 0, 'none': 1, 'zlib': 2, 'lzo': 3, 'zstd': 4}
# struct page_desc.flags (diskdump_mod.h)
DESC_FLAG = {'none': 0, 'zlib': 0x1, 'lzo': 0x2, 'zstd': 0x20}
SAVE_ALLOW_UNSAFE_DEST = 1 << 3

u64 = ctypes.c_uint64


class SaveOpts(ctypes.Structure):
    _fields_ = [('size', ctypes.c_size_t), ('flags', ctypes.c_uint),
                ('name', ctypes.c_char_p), ('chunk_size', ctypes.c_size_t),
                ('progress', ctypes.c_void_p), ('userdata', ctypes.c_void_p),
                ('release_batch', u64), ('dump_level', ctypes.c_uint),
                ('format', ctypes.c_uint), ('compression', ctypes.c_uint),
                ('threads', ctypes.c_uint)]


class SaveResult(ctypes.Structure):
    _fields_ = [('size', ctypes.c_size_t), ('bytes_total', u64),
                ('bytes_written', u64), ('zero_bytes_skipped', u64),
                ('nanoseconds', u64), ('release_mode', ctypes.c_uint),
                ('released', ctypes.c_bool), ('ranges_released', ctypes.c_uint32),
                ('bytes_released_early', u64), ('syncs', ctypes.c_uint32),
                ('format', ctypes.c_uint), ('compression', ctypes.c_uint),
                ('threads', ctypes.c_uint), ('pages_total', u64),
                ('pages_kept', u64), ('class_kept', u64 * 16),
                ('class_excluded', u64 * 16),
                ('unknown_reason', ctypes.c_char * 160),
                ('excluded_ranges_released', ctypes.c_uint32),
                ('excluded_bytes_released', u64), ('file_bytes', u64)]


def lib():
    so = ctypes.CDLL('libfadump.so.1')
    so.fadump_ctx_get_error.restype = ctypes.c_char_p
    so.fadump_compression_name.restype = ctypes.c_char_p
    return so


def save(src, dest, name, level, fmt, compression='default', threads=1):
    """(return value, error message, result) of one save."""
    so = lib()
    ctx, vm = ctypes.c_void_p(), ctypes.c_void_p()
    assert so.fadump_ctx_new(None, ctypes.byref(ctx)) == 0
    try:
        assert so.fadump_vmcore_open(ctx, str(src).encode(),
                                     ctypes.byref(vm)) == 0
        opts = SaveOpts(size=ctypes.sizeof(SaveOpts),
                        flags=SAVE_ALLOW_UNSAFE_DEST, name=name.encode(),
                        dump_level=level, format=fmt,
                        compression=COMPRESS[compression], threads=threads)
        res = SaveResult(size=ctypes.sizeof(SaveResult))
        ret = so.fadump_vmcore_save(vm, str(dest).encode(), ctypes.byref(opts),
                                    ctypes.byref(res))
        msg = so.fadump_ctx_get_error(ctx).decode()
        so.fadump_vmcore_unref(vm)
        return ret, msg, res
    finally:
        so.fadump_ctx_unref(ctx)


def supported(compression):
    return lib().fadump_compression_supported(COMPRESS[compression]) == 1


def make_dump(tmp_path, *args):
    """A synthetic kernel's dump: (path, the generator's description)."""
    if not MKVMCORE:
        pytest.skip('MKVMCORE is not set')
    path = tmp_path / 'src.core'
    p = subprocess.run([MKVMCORE, '--kernel', '--fill', '--describe'] +
                       list(args) + [str(path)], capture_output=True,
                       text=True, check=True)
    return path, json.loads(p.stdout)


class Source:
    """The source dump's pages, read from its bytes and segments."""

    def __init__(self, path, lay):
        self.data = path.read_bytes()
        self.page = lay['kernel']['page_size']
        self.segs = lay['segments']
        self.expect = [ord(c) - ord('a') for c in lay['kernel']['expect']]

    def read(self, pfn):
        pa = pfn * self.page
        for s in self.segs:
            if s['paddr'] <= pa < s['paddr'] + s['filesz']:
                off = s['offset'] + pa - s['paddr']
                return self.data[off:off + self.page]
        return None

    def kept(self, pfn, level):
        """Does makedumpfile's level keep @pfn (None: not in the dump)?"""
        page = self.read(pfn)
        if page is None:
            return None
        if self.class_excluded(pfn, level):
            return False
        return not (level & 1 and page.count(0) == len(page))

    def class_excluded(self, pfn, level):
        """Left out for its class alone (not for being zero)?"""
        cls = self.expect[pfn]
        if level and cls in (OFFLINE, HWPOISON):
            return True
        return any(level & bit and cls in classes
                   for bit, classes in LEVEL_BITS.items())


def check_kdump_against(src, out, level):
    k, read = kdumpfile_pages(out)
    assert k.attr['arch.page_size'] == src.page
    ours = fadump.Vmcore(str(out))
    kept = 0
    for pfn in range(len(src.expect)):
        want = src.kept(pfn, level)
        got = read(pfn)
        if want:
            kept += 1
            assert got == src.read(pfn), 'pfn %#x differs' % pfn
            assert ours.read(pfn * src.page, src.page) == got
        else:
            assert got is None, 'pfn %#x (class %d) is in the file' % (
                pfn, src.expect[pfn])
            with pytest.raises(fadump.NotInDumpError):
                ours.read(pfn * src.page, src.page)
    return kept


@pytest.mark.parametrize('order', ['--big', '--little'])
@pytest.mark.parametrize('compression', ['zstd', 'zlib', 'lzo', 'none'])
def test_kdump_round_trip(tmp_path, order, compression):
    if not supported(compression):
        pytest.skip('this build lacks ' + compression)
    path, lay = make_dump(tmp_path, order, '--page-size', '4096',
                          '--size', '64M')
    src = Source(path, lay)
    out = tmp_path / 'out'
    out.mkdir(mode=0o700)
    ret, msg, res = save(path, out, 'dump', 31, FORMAT_KDUMP, compression,
                         threads=2)
    assert ret == 0, msg
    kept = check_kdump_against(src, out / 'dump', 31)
    assert res.pages_kept == kept
    assert res.pages_total == len(src.expect)
    assert res.file_bytes == (out / 'dump').stat().st_size
    assert lib().fadump_compression_name(res.compression).decode() == (
        compression if compression != 'default' else 'zstd')
    # the header is in the crashed machine's byte order
    head = (out / 'dump').read_bytes()[:16]
    assert head[:8] == b'KDUMP   '
    endian = '>' if order == '--big' else '<'
    assert struct.unpack(endian + 'i', head[8:12])[0] == 6


@pytest.mark.parametrize('level', [0, 1, 2, 4, 8, 16, 31])
def test_levels_leave_out_their_classes(tmp_path, level):
    path, lay = make_dump(tmp_path, '--little', '--page-size', '4096',
                          '--size', '64M')
    src = Source(path, lay)
    out = tmp_path / 'out'
    out.mkdir(mode=0o700)
    ret, msg, res = save(path, out, 'dump', level, FORMAT_KDUMP, 'zlib')
    assert ret == 0, msg
    check_kdump_against(src, out / 'dump', level)
    # per class, as the generator made them (zero pages counted apart)
    excluded = [0] * 16
    kept = [0] * 16
    for pfn, cls in enumerate(src.expect):
        if not src.kept(pfn, level):
            zero = not src.class_excluded(pfn, level)
            excluded[ZERO if zero else cls] += 1
        else:
            kept[cls] += 1
    assert list(res.class_excluded) == excluded
    assert list(res.class_kept) == kept
    # the generator makes a few implausible descriptors: unknown, kept
    assert kept[UNKNOWN] > 0
    assert res.unknown_reason.decode()


def descriptors(path):
    """(offset, size, flags) of every page descriptor of a kdump file,
    parsed from diskdump_mod.h's layout (64-bit, little-endian)."""
    data = path.read_bytes()
    block, sub_blocks, bitmap_blocks = struct.unpack_from('<iii', data, 428)
    max_mapnr = struct.unpack_from('<Q', data, block + 96)[0]
    bitmap2 = data[(1 + sub_blocks) * block + bitmap_blocks // 2 * block:]
    kept = sum(bin(b).count('1') for b in bitmap2[:(max_mapnr + 7) // 8])
    table = (1 + sub_blocks + bitmap_blocks) * block
    return [struct.unpack_from('<qII', data, table + 24 * i)
            for i in range(kept)]


def test_zero_pages_share_one_block(tmp_path):
    path, lay = make_dump(tmp_path, '--little', '--page-size', '4096',
                          '--size', '64M')
    src = Source(path, lay)
    zero = sum(1 for pfn in range(len(src.expect))
               if src.kept(pfn, 30) and not src.kept(pfn, 31))
    assert zero == sum(1 for pfn in range(len(src.expect))
                       if src.kept(pfn, 30) and src.read(pfn) == bytes(4096))
    assert zero > 1
    out = tmp_path / 'out'
    out.mkdir(mode=0o700)
    ret, msg, res = save(path, out, 'dump', 30, FORMAT_KDUMP, 'zstd')
    assert ret == 0, msg
    check_kdump_against(src, out / 'dump', 30)
    descs = descriptors(out / 'dump')
    plain = [d for d in descs if d[2] == 0 and d[1] == 4096]
    offsets = {}
    for d in plain:
        offsets[d[0]] = offsets.get(d[0], 0) + 1
    # one data block, of zeros, for all the zero pages
    shared = [off for off, n in offsets.items() if n > 1]
    assert len(shared) == 1 and offsets[shared[0]] == zero
    data = (out / 'dump').read_bytes()
    assert data[shared[0]:shared[0] + 4096] == bytes(4096)
    # the compressed pages say so
    assert any(d[2] == DESC_FLAG['zstd'] for d in descs) or not supported('zstd')


def test_threads_give_the_same_file(tmp_path):
    path, _ = make_dump(tmp_path, '--big', '--page-size', '4096',
                        '--size', '128M')
    out = tmp_path / 'out'
    out.mkdir(mode=0o700)
    digests = set()
    for threads in (1, 2, 3, 8):
        ret, msg, res = save(path, out, 't%d' % threads, 31, FORMAT_KDUMP,
                             'zlib', threads)
        assert ret == 0, msg
        assert res.threads == threads
        digests.add(hashlib.sha256((out / ('t%d' % threads)).read_bytes())
                    .hexdigest())
    assert len(digests) == 1


def readelf_loads(path):
    """(offset, paddr, filesz) of the PT_LOADs readelf lists."""
    p = subprocess.run(['readelf', '-lW', str(path)], capture_output=True,
                       text=True, check=True)
    loads = []
    for line in p.stdout.splitlines():
        f = line.split()
        if f and f[0] == 'LOAD':
            loads.append((int(f[1], 16), int(f[3], 16), int(f[4], 16)))
    return loads, p.stdout


@pytest.mark.parametrize('order', ['--big', '--little'])
def test_filtered_elf(tmp_path, order):
    path, lay = make_dump(tmp_path, order, '--page-size', '4096',
                          '--size', '64M')
    src = Source(path, lay)
    out = tmp_path / 'out'
    out.mkdir(mode=0o700)
    ret, msg, res = save(path, out, 'dump', 31, FORMAT_ELF)
    assert ret == 0, msg
    assert res.format == FORMAT_ELF and res.compression == COMPRESS['none']
    loads, text = readelf_loads(out / 'dump')
    assert 'NOTE' in text and len(loads) > 1
    data = (out / 'dump').read_bytes()
    covered = {}
    for off, pa, size in loads:
        for i in range(size // src.page):
            covered[pa // src.page + i] = data[off + i * src.page:
                                               off + (i + 1) * src.page]
    for pfn in range(len(src.expect)):
        if src.kept(pfn, 31):
            assert covered.get(pfn) == src.read(pfn), 'pfn %#x' % pfn
        elif pfn in covered:
            # a small gap joined into a PT_LOAD: a hole, zeros
            assert covered[pfn] == bytes(src.page)
    # the notes are the source's: eu-readelf finds VMCOREINFO in them
    p = subprocess.run(['eu-readelf', '-n', str(out / 'dump')],
                       capture_output=True, text=True, check=True)
    assert 'VMCOREINFO' in p.stdout and 'CORE' in p.stdout
    ours = fadump.Vmcore(str(out / 'dump'))
    assert ours.info.format == fadump.FORMAT_ELF


def test_refusals(tmp_path):
    path, _ = make_dump(tmp_path, '--little', '--size', '64M')
    out = tmp_path / 'out'
    out.mkdir(mode=0o700)
    ret, msg, _ = save(path, out, 'a', 32, FORMAT_KDUMP)
    assert ret == -22 and 'level 32' in msg
    ret, msg, _ = save(path, out, 'a', 31, 2)
    assert ret == -22 and 'format' in msg
    assert lib().fadump_compression_supported(5) == -22
    assert lib().fadump_compression_name(5) is None
    assert [lib().fadump_compression_name(v).decode() for v in range(5)] == \
        ['default', 'none', 'zlib', 'lzo', 'zstd']
    assert lib().fadump_compression_supported(COMPRESS['zlib']) == 1
    # a kdump file is not filtered again
    ret, msg, _ = save(path, out, 'k', 31, FORMAT_KDUMP)
    assert ret == 0, msg
    ret, msg, _ = save(out / 'k', out, 'kk', 31, FORMAT_KDUMP)
    assert ret == -95 and 'ELF' in msg
    assert sorted(os.listdir(out)) == ['k']


def test_level_0_elf_is_the_copy(tmp_path):
    path, _ = make_dump(tmp_path, '--little', '--size', '64M')
    out = tmp_path / 'out'
    out.mkdir(mode=0o700)
    ret, msg, res = save(path, out, 'copy', 0, FORMAT_ELF, 'zstd', 4)
    assert ret == 0, msg
    assert (out / 'copy').read_bytes() == path.read_bytes()
    assert res.threads == 1 and res.compression == COMPRESS['none']
    assert res.file_bytes == path.stat().st_size
    assert not re.search(rb'KDUMP', (out / 'copy').read_bytes()[:8])
