# SPDX-License-Identifier: LGPL-2.1-or-later
"""The formats fault.py saves in, and how it knows a saved file is right.

A format is the saver's arguments plus a judge of its files:

  raw     --level 0 --format elf: the copy is the source, byte for byte
  kdump*  --level 31 --format kdump (zstd on 2 threads; zlib, lzo, none on
          one): read back with python3-libkdumpfile
  elf31   --level 31 --format elf: read back through the program headers
          eu-readelf lists (elfutils' libelf; PN_XNUM as it reads it)

The filtered formats save a synthetic kernel (mkvmcore --kernel --fill:
pages of every class, repeated over its memory) whose struct pages say
what each page is; mkvmcore --describe gives the class it planted for
every pfn. What level 31 must
leave out is worked out from that and from the source's bytes, never from
the saver: free, page cache (with or without private data), anonymous and
hugetlb pages, offline and hwpoisoned pages, and pages of zeros.

Checking a file page by page through libkdumpfile takes a third of a
second: each format's first complete save (made without the shim) is
checked so, and later saves are compared with it byte for byte (the file
does not depend on the number of threads); one that differs is checked
page by page again.
"""

import bisect
import hashlib
import os
import shutil
import subprocess



class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)

# mkvmcore --describe's "expect": 'a' + the class, in this order
# (tests/mkvmcore.c class_names[], the order of enum fadump_page_class).
CLASS_NAMES = ('unknown', 'free', 'cache', 'cache_private', 'anon', 'hugetlb',
               'offline', 'hwpoison', 'slab', 'zero', 'kernel')
# makedumpfile -d 31 (docs/saving.md): bits 2, 4, 8 (user pages: anonymous
# and hugetlbfs) and 16; offline and hwpoison pages at every level above 0.
# Bit 1, pages of zeros, is known from the bytes.
LEVEL31_EXCLUDED = {'free', 'cache', 'cache_private', 'anon', 'hugetlb',
                    'offline', 'hwpoison'}
# The synthetic kernel: 4 KiB pages, the machine's page, so every page of
# the dump can be given back alone; --size 64M (its smallest) unless said.
KERNEL_GEN = ['--little', '--kernel', '--fill', '--bare-page-types',
              '--page-size', '4096', '--zero-percent', '50',
              '--text-percent', '60', '--sparse']

try:
    import kdumpfile
except ImportError:
    kdumpfile = None


class Format:
    def __init__(self, name, kind, args):
        self.name = name
        self.kind = kind            # 'raw', 'kdump' or 'elf'
        self.args = args

    @property
    def filtered(self):
        return self.kind != 'raw'

    def missing(self):
        """Why this format cannot be checked here, or None."""
        if self.kind == 'kdump' and kdumpfile is None:
            return 'python3-libkdumpfile is not installed'
        if self.kind == 'elf' and not shutil.which('eu-readelf'):
            return 'eu-readelf (elfutils) is not installed'
        return None


def _kdump(name, compress, threads):
    return Format(name, 'kdump', ['--level', '31', '--format', 'kdump',
                                  '--compress', compress, '--threads',
                                  str(threads)])


FORMATS = {f.name: f for f in [
    Format('raw', 'raw', ['--level', '0', '--format', 'elf']),
    _kdump('kdump', 'zstd', 2),
    _kdump('kdump-zstd-1', 'zstd', 1),
    _kdump('kdump-zlib', 'zlib', 1),
    _kdump('kdump-lzo', 'lzo', 1),
    _kdump('kdump-none', 'none', 1),
    Format('elf31', 'elf', ['--level', '31', '--format', 'elf']),
]}


class Planted:
    """What the fixture holds: per pfn its bytes in the source and whether
    level 31 keeps it (kept), leaves it out for its class (excluded) or
    for its zeros (zero)."""

    def __init__(self, desc, data):
        k = desc['kernel']
        self.page = k['page_size']
        self.pages = k['pages']
        self.data = data
        self.segs = sorted((s['paddr'], s['offset'], s['filesz'])
                           for s in desc['segments'])
        self.kept, self.excluded, self.zero = set(), set(), set()
        zero = bytes(self.page)
        for pfn, c in enumerate(k['expect']):
            off = self.offset(pfn)
            if off is None:
                continue            # not in the dump at all
            if CLASS_NAMES[ord(c) - ord('a')] in LEVEL31_EXCLUDED:
                self.excluded.add(pfn)
            elif data[off:off + self.page] == zero:
                self.zero.add(pfn)
            else:
                self.kept.add(pfn)
        check(self.kept and self.excluded and self.zero,
              'the fixture lacks kept, excluded or zero pages')

    def offset(self, pfn):
        lo = pfn * self.page
        for paddr, offset, filesz in self.segs:
            if paddr <= lo and lo + self.page <= paddr + filesz:
                return offset + lo - paddr
        return None

    def source(self, pfn):
        off = self.offset(pfn)
        return self.data[off:off + self.page]

    def pfns(self, start, size):
        """The pfns of physical [start, start + size)."""
        return range(start // self.page, (start + size + self.page - 1) // self.page)


# ---- reading a saved file back -------------------------------------------

def kdump_reader(path, page):
    """read(pfn) -> bytes, None where the file has no data for the page."""
    k = kdumpfile.kdumpfile(path)
    check(k.attr['arch.page_size'] == page, 'libkdumpfile: page size %d'
          % k.attr['arch.page_size'])

    def read(pfn):
        try:
            return bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, pfn * page, page))
        except kdumpfile.exceptions.NoDataException:
            return None
    return read


def elf_loads(path):
    """The PT_LOADs eu-readelf lists: sorted (paddr, offset, filesz)."""
    p = subprocess.run(['eu-readelf', '-l', path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    check(p.returncode == 0 and not p.stderr,
          'eu-readelf -l %s: %s' % (os.path.basename(path), p.stderr.strip()))
    loads = []
    for line in p.stdout.splitlines():
        t = line.split()
        if t and t[0] == 'LOAD':
            offset, _, paddr, filesz, memsz = (int(x, 16) for x in t[1:6])
            check(filesz == memsz, 'a PT_LOAD with memsz %#x != filesz %#x'
                  % (memsz, filesz))
            loads.append((paddr, offset, filesz))
    return sorted(loads)


def elf_reader(path, page):
    loads = elf_loads(path)
    starts = [l[0] for l in loads]
    f = open(path, 'rb')

    def read(pfn):
        lo = pfn * page
        i = bisect.bisect_right(starts, lo) - 1
        if i < 0 or lo + page > loads[i][0] + loads[i][2]:
            return None
        f.seek(loads[i][1] + lo - loads[i][0])
        got = f.read(page)
        return got + bytes(page - len(got))     # a hole at the end of the file
    read.close = f.close
    return read


def verify(fmt, planted, path, pfns=None):
    """Raise Failure unless @path, read back by the format's oracle, holds
    the source's bytes for every kept pfn (of @pfns, all if None) and, for
    a whole check, no data but zeros for the pages left out."""
    whole = pfns is None
    reader = kdump_reader if fmt.kind == 'kdump' else elf_reader
    try:
        read = reader(path, planted.page)
    except Failure:
        raise
    except Exception as e:      # libkdumpfile's errors: the file is not a dump
        raise Failure('%s: %s: %s' % (fmt.name, os.path.basename(path), e))
    zero = bytes(planted.page)
    try:
        for pfn in sorted(planted.kept) if whole else sorted(pfns):
            got = read(pfn)
            check(got is not None, '%s: no data for kept pfn %#x' %
                  (os.path.basename(path), pfn))
            check(got == planted.source(pfn), '%s: pfn %#x differs from the '
                  'source' % (os.path.basename(path), pfn))
        if whole:
            for pfn in planted.excluded | planted.zero:
                got = read(pfn)
                # ELF: a page left out inside a PT_LOAD is a hole of zeros
                check(got is None or (fmt.kind == 'elf' and got == zero),
                      '%s: pfn %#x, left out at level 31, has data'
                      % (os.path.basename(path), pfn))
    finally:
        if hasattr(read, 'close'):
            read.close()


class Judge:
    """Is a file a complete dump of the source? (see the top)"""

    def __init__(self, fmt, planted):
        self.fmt = fmt
        self.planted = planted
        self.good = None            # sha256 of a file checked page by page
        self.why = None

    def complete(self, path):
        with open(path, 'rb') as f:
            digest = hashlib.sha256(f.read()).digest()
        if digest == self.good:
            return True
        try:
            verify(self.fmt, self.planted, path)
        except Failure as e:
            self.why = str(e)
            return False
        self.good = digest
        return True


# ---- where each kept page lies in a finished file --------------------------

def _u32(b, off):
    return int.from_bytes(b[off:off + 4], 'little')


def _u64(b, off):
    return int.from_bytes(b[off:off + 8], 'little')


class Layout:
    """For each kept pfn, the file intervals a reader needs to find and read
    it: makedumpfile's layout (the headers, the page's bit of the 2nd
    bitmap, its descriptor, its data) or the ELF header, the page's
    program header and its bytes. Taken from a complete file checked by
    the oracle; a .partial file has the same layout."""

    def __init__(self, fmt, planted, path):
        with open(path, 'rb') as f:
            b = f.read()
        self.need = {}
        if fmt.kind == 'kdump':
            # struct disk_dump_header (makedumpfile's diskdump_mod.h):
            # block_size, sub_hdr_size and bitmap_blocks after the status
            bs, sub, blocks = _u32(b, 428), _u32(b, 432), _u32(b, 436)
            head = (1 + sub) * bs
            bitmap2 = head + blocks // 2 * bs
            desc = head + blocks * bs
            index = 0
            for pfn in range(planted.pages):
                if not b[bitmap2 + pfn // 8] >> (pfn % 8) & 1:
                    continue
                d = desc + 24 * index       # struct page_desc
                data, size = _u64(b, d), _u32(b, d + 8)
                self.need[pfn] = [(0, head), (bitmap2 + pfn // 8, bitmap2 + pfn // 8 + 1),
                                  (d, d + 24), (data, data + size)]
                index += 1
        else:
            phoff = _u64(b, 32)
            loads = elf_loads(path)
            # the program headers in file order: PT_NOTE first, then loads
            order = {l: i + 1 for i, l in enumerate(sorted(loads, key=lambda l: l[1]))}
            for paddr, offset, filesz in loads:
                ph = phoff + 56 * order[(paddr, offset, filesz)]
                for pfn in range(paddr // planted.page,
                                 (paddr + filesz) // planted.page):
                    if pfn in planted.kept:
                        lo = offset + pfn * planted.page - paddr
                        self.need[pfn] = [(0, 64), (ph, ph + 56),
                                          (lo, lo + planted.page)]
        missing = planted.kept - set(self.need)
        check(not missing, 'the reference file lacks %d kept pages' % len(missing))


def check_filtered_releases(planted, layout, events, whole=False):
    """Every page the fake release_range took was left out by level 31, or
    kept and its bytes (layout.need) written and fdatasync()ed first.
    @whole (a save that completed without a refusal): the pages given back
    that the dump does not hold are exactly those of the classes left out.
    Returns (excluded pages, kept pages) released."""
    written = []            # successful writes, in order
    synced = []             # merged intervals at the last sync of the file
    excl = kept = 0
    gone = set()
    for e in events:
        if e['op'] == 'pwrite' and e['result'] > 0:
            written.append((e['offset'], e['offset'] + e['result']))
        elif e['op'] in ('fdatasync', 'fsync') and e['kind'] == 'f' and e['result'] == 0:
            synced = _merge(written)
        elif e['op'] == 'release_range' and e['result'] >= 0:
            check(e['start'] is not None, 'unparsable release_range write')
            for pfn in planted.pfns(e['start'], e['size']):
                check(pfn not in gone, 'pfn %#x released twice' % pfn)
                gone.add(pfn)
                if pfn in planted.excluded or pfn in planted.zero:
                    excl += 1
                    continue
                check(pfn in planted.kept, 'released pfn %#x is not in the dump'
                      % pfn)
                for lo, hi in layout.need[pfn]:
                    check(any(a <= lo and hi <= b for a, b in synced),
                          'kept pfn %#x released before its file bytes '
                          '%#x-%#x were written and synced' % (pfn, lo, hi))
                kept += 1
    if whole:
        out = gone - planted.kept
        check(out == planted.excluded,
              'released %d pages the dump leaves out; level 31 leaves out '
              '%d for their class (%d released that it keeps, %d of its '
              'excluded pages not released)' %
              (len(out), len(planted.excluded), len(out - planted.excluded),
               len(planted.excluded - out)))
    return excl, kept


def _merge(iv):
    out = []
    for lo, hi in sorted(iv):
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return out
