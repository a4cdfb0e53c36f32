# SPDX-License-Identifier: LGPL-2.1-or-later
"""A filtered ELF file with more program headers than e_phnum holds.

Beyond 65534 program headers e_phnum is PN_XNUM and section header 0's
sh_info holds the count (the ELF standard; the kernel's /proc/vmcore does
the same). The saver writes one PT_LOAD per run of kept pages and never
lets a run cross a segment of the source, so a source of 70000 one-page
segments gives 70000 PT_LOADs. The file is read back by binutils' readelf
and elfutils' eu-readelf (independent readers) and by fadumpctl info.
"""
import struct
import subprocess

import pytest

from conftest import require_env, run

require_env('FADUMPCTL')

PAGE = 4096
NSEGS = 70000
PN_XNUM = 0xffff
VMCOREINFO = b'OSRELEASE=7.2.0-fadump-test\nPAGESIZE=4096\n'


def note(name, ntype, desc):
    pad = lambda b: b + bytes(-len(b) % 4)     # noqa: E731
    return struct.pack('<III', len(name) + 1, len(desc), ntype) + \
        pad(name + b'\0') + pad(desc)


def page_data(i):
    """Most pages are zeros (holes, in the source and in the copy); one
    in 997 holds its number, to check that the bytes land where the
    program headers say."""
    return struct.pack('<Q', i + 1) * (PAGE // 8) if i % 997 == 0 else None


def write_source(path):
    notes = note(b'VMCOREINFO', 0, VMCOREINFO)
    nphdr = NSEGS + 1
    phoff = 64 + 64                 # after the ELF header and section header 0
    notes_off = phoff + nphdr * 56
    data_off = (notes_off + len(notes) + PAGE - 1) // PAGE * PAGE
    ehdr = (b'\x7fELF\x02\x01\x01' + bytes(9) +
            struct.pack('<HHIQQQIHHHHHH', 4, 21, 1, 0, phoff, 64, 0, 64, 56,
                        PN_XNUM, 64, 1, 0))
    shdr0 = struct.pack('<IIQQQQIIQQ', 0, 0, 0, 0, 0, 0, 0, nphdr, 0, 0)
    ph = [struct.pack('<IIQQQQQQ', 4, 0, notes_off, 0, 0, len(notes),
                      len(notes), 0)]
    segs = []
    for i in range(NSEGS):
        paddr = 2 * i * PAGE        # a page of nothing between segments
        ph.append(struct.pack('<IIQQQQQQ', 1, 7, data_off + i * PAGE,
                              0xc000000000000000 + paddr, paddr, PAGE, PAGE, 0))
        segs.append(paddr)
    with open(path, 'wb') as f:
        f.write(ehdr + shdr0 + b''.join(ph) + notes)
        for i in range(NSEGS):
            d = page_data(i)
            if d:
                f.seek(data_off + i * PAGE)
                f.write(d)
        f.truncate(data_off + NSEGS * PAGE)
    return segs


def loads_of(text, columns):
    """(paddr, offset, filesz) of each LOAD line of readelf -l output."""
    out = []
    for line in text.splitlines():
        t = line.split()
        if t and t[0] == 'LOAD':
            v = [int(x, 16) for x in t[1:6]]
            out.append((v[columns[0]], v[columns[1]], v[columns[2]]))
    return out


def test_filtered_elf_beyond_65535_program_headers(tmp_path):
    src = tmp_path / 'src.vmcore'
    segs = write_source(src)
    dest = tmp_path / 'dest'
    p = run('save', '--source', src, '--level', '1', '--format', 'elf',
            dest, timeout=120)
    assert p.returncode == 0, p.stderr
    out = dest / 'vmcore'

    with open(out, 'rb') as f:
        head = f.read(128)
    assert struct.unpack_from('<H', head, 56)[0] == PN_XNUM   # e_phnum
    assert struct.unpack_from('<I', head, 64 + 44)[0] == NSEGS + 1  # sh_info

    for tool in ('eu-readelf', 'readelf'):
        r = subprocess.run([tool, '-lW', str(out)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        if r.returncode == 127:
            pytest.skip(tool + ' not installed')
        assert r.returncode == 0 and not r.stderr, r.stderr
        # Type Offset VirtAddr PhysAddr FileSiz MemSiz
        loads = loads_of(r.stdout, (2, 0, 3))
        assert [l[0] for l in loads] == segs, tool
        assert all(l[2] == PAGE for l in loads), tool
        with open(out, 'rb') as f:
            for i, (paddr, offset, _) in enumerate(loads):
                d = page_data(i)
                if d:
                    f.seek(offset)
                    assert f.read(PAGE) == d, '%s: page %d' % (tool, i)

    # our reader
    p = run('info', '--json', out)
    assert p.returncode == 0, p.stderr
    import json
    got = json.loads(p.stdout)['segments']
    assert [s['paddr'] for s in got] == segs
    assert all(s['filesz'] == PAGE for s in got)
