#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Write the fuzz targets' seed corpora from the test fixtures.

    tests/fuzz/make-corpus.py MKVMCORE [OUTDIR]

MKVMCORE is the build's tests/mkvmcore (the vmcore seeds are small cores
it writes; the kdump seeds come from the mkkdump beside it); OUTDIR defaults to tests/fuzz/corpus. dtc (device-tree-
compiler) turns the device-tree fixture directories into FDT seeds; it
is skipped with a warning if missing. Each seed is named after the
fixture it came from; the input formats are the ones the harnesses
(fuzz-*.c) document.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', 'data')
SEP = b'\xfe\xed\xfa\xce'           # FUZZ_SEPARATOR in fuzz-common.h


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def write(out, target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def roots():
    top = os.path.join(DATA, 'roots')
    for name in sorted(os.listdir(top)):
        if os.path.isdir(os.path.join(top, name)):
            yield name, os.path.join(top, name)


def dt_dirs():
    """(name, directory of a device-tree base) of every fixture."""
    for kind in ('devtree', 'roots'):
        top = os.path.join(DATA, kind)
        for name in sorted(os.listdir(top)):
            for sub in ('proc/device-tree', 'sys/firmware/devicetree/base'):
                d = os.path.join(top, name, sub)
                if os.path.isdir(d):
                    yield '%s-%s' % (kind, name), d, sub.startswith('proc')


def regions(out):
    seen = set()
    top = os.path.join(DATA, 'regions')
    for f in sorted(os.listdir(top)):
        if f.endswith('.txt'):
            seen.add(read(os.path.join(top, f)))
            write(out, 'regions', f[:-4], read(os.path.join(top, f)))
    for name, root in roots():
        p = os.path.join(root, 'sys/kernel/debug/powerpc/fadump_region')
        if os.path.isfile(p) and read(p) not in seen:
            seen.add(read(p))
            write(out, 'regions', 'root-' + name, read(p))


SYSFS_ATTRS = ['enabled', 'registered', 'release_mem',
               'mem_reserved', 'hotplug_ready', 'bootargs_append']


def sysfs(out):
    for name, root in roots():
        kdir = os.path.join(root, 'sys/kernel/fadump')
        directory = os.path.isdir(kdir)
        flags = (1 if directory else 0)
        flags |= 2 if os.path.exists(os.path.join(root, 'proc/vmcore')) else 0
        for dt in ('proc/device-tree', 'sys/firmware/devicetree/base'):
            if os.path.exists(os.path.join(root, dt, 'rtas/ibm,configure-kernel-dump')):
                flags |= 4
        present = 0
        pieces = []
        for i, a in enumerate(SYSFS_ATTRS if directory else SYSFS_ATTRS[:3]):
            p = os.path.join(kdir, a) if directory else \
                os.path.join(root, 'sys/kernel/fadump_' + a)
            if os.path.isfile(p):
                present |= 1 << i
                pieces.append(read(p))
            else:
                pieces.append(b'')
        write(out, 'sysfs', name, bytes([flags, present]) + SEP.join(pieces))


DT_PROPS = ['rtas/ibm,configure-kernel-dump',
            'rtas/ibm,configure-kernel-dump-sizes',
            'rtas/ibm,configure-kernel-dump-version',
            'rtas/ibm,kernel-dump',
            'ibm,opal/dump/compatible',
            'ibm,opal/dump/mpipl-boot',
            'ibm,opal/dump/fw-load-area',
            'compatible',
            'device_type']


def devtree(out, dtc):
    seen = set()
    for name, d, proc in dt_dirs():
        flags = 0x8000 if proc else 0
        pieces = []
        for i, p in enumerate(DT_PROPS):
            f = os.path.join(d, p)
            if os.path.isfile(f):
                flags |= 1 << i
                pieces.append(read(f))
            else:
                pieces.append(b'')
        seed = struct.pack('<H', flags) + SEP.join(pieces)
        if seed in seen:
            continue
        seen.add(seed)
        write(out, 'devtree-dir', name, seed)
        if dtc:
            blob = subprocess.run([dtc, '-q', '-I', 'fs', '-O', 'dtb', d],
                                  check=True, capture_output=True).stdout
            write(out, 'fdt', name, blob)


def metadata(out):
    md = os.path.join(DATA, 'metadata')
    papr = {read(os.path.join(md, 'papr-qemu-7.2.bin'))}
    write(out, 'papr', 'papr-qemu-7.2', read(os.path.join(md, 'papr-qemu-7.2.bin')))
    for name, d, _ in dt_dirs():
        p = os.path.join(d, 'rtas/ibm,kernel-dump')
        if os.path.isfile(p) and read(p) not in papr:
            papr.add(read(p))
            write(out, 'papr', name, read(p))
    for f in ('regsave-papr.bin', 'regsave-qemu.bin'):
        write(out, 'regsave', f[:-4], read(os.path.join(md, f)))
    meta = read(os.path.join(md, 'opal-cpu-meta.bin'))
    write(out, 'opal-cpu', 'opal-cpu-meta', meta)
    thread_size = struct.unpack('>I', meta[16:20])[0]
    write(out, 'hdat', 'hdat-threads',
          struct.pack('>I', thread_size) + read(os.path.join(md, 'hdat-threads.bin')))
    for f in ('opal-fdm-be.bin', 'opal-fdm-le.bin'):
        for order, oname in ((0, 'auto'), (1, 'big'), (2, 'little')):
            write(out, 'opal-fdm', '%s-%s' % (f[:-4], oname),
                  bytes([order]) + read(os.path.join(md, f)))
    hints = {
        # fadumphdr_addr of the captures they were read from (README)
        'crashinfo-fadmpinf-5.10-le.bin': (0x28041020, 0),
        'crashinfo-fadmpinf-3.4-be.bin': (0xffff1020, 352),
    }
    for f in sorted(os.listdir(md)):
        if f.startswith('crashinfo-'):
            data = read(os.path.join(md, f))
            write(out, 'crashinfo', f[:-4], bytes(12) + data)
            if f in hints:
                write(out, 'crashinfo', f[:-4] + '-hint',
                      struct.pack('>QI', *hints[f]) + data)


def elf_parts(core):
    """The raw PT_NOTE bytes and the (paddr, bytes) PT_LOADs of a core."""
    end = '>' if core[5] == 2 else '<'
    phoff, = struct.unpack(end + 'Q', core[32:40])
    phnum, = struct.unpack(end + 'H', core[56:58])
    notes, loads = b'', []
    for i in range(phnum):
        ph = core[phoff + 56 * i: phoff + 56 * (i + 1)]
        ptype, _, off, _, paddr, filesz, _, _ = struct.unpack(end + 'IIQQQQQQ', ph)
        if ptype == 1:
            loads.append((paddr, core[off:off + filesz]))
        elif ptype == 4:
            notes += core[off:off + filesz]
    return notes, loads


def note_desc(notes, big, want):
    end = '>' if big else '<'
    pos = 0
    while pos + 12 <= len(notes):
        namesz, descsz, _ = struct.unpack(end + 'III', notes[pos:pos + 12])
        name = notes[pos + 12:pos + 12 + namesz].rstrip(b'\0')
        dpos = pos + 12 + ((namesz + 3) & ~3)
        if name == want:
            return notes[dpos:dpos + descsz]
        pos = dpos + ((descsz + 3) & ~3)
    return None


LINEAR = 0xc000000000000000     # ppc64 PAGE_OFFSET
PRB_PADDR = 0x10000             # MKV_PRB_PADDR in tests/mkvmcore.h


def small_core(big, machine, notes, segs):
    """An ELF64 core shaped like /proc/vmcore: one PT_NOTE, then PT_LOADs
    of (paddr, data, memsz), the data right after the notes."""
    end = '>' if big else '<'
    phnum = 1 + len(segs)
    off = 64 + 56 * phnum
    ph = struct.pack(end + 'IIQQQQQQ', 4, 0, off, 0, 0, len(notes), len(notes), 0)
    body = notes
    off += len(notes)
    for paddr, data, memsz in segs:
        ph += struct.pack(end + 'IIQQQQQQ', 1, 7, off, LINEAR + paddr, paddr,
                          len(data), memsz, 0)
        body += data
        off += len(data)
    ident = b'\x7fELF' + bytes([2, 2 if big else 1, 1]) + bytes(9)
    eh = ident + struct.pack(end + 'HHIQQQIHHHHHH', 4, machine, 1, 0, 64, 0,
                             0, 64, 56, phnum, 0, 0, 0)
    return eh + ph + body


def vmcores(out, mkvmcore):
    variants = {
        'ppc64-be': ['--big'],
        'ppc64-le': ['--little', '--prpsinfo'],
        'ppc64-le-printk': ['--little', '--printk'],
        'ppc64-be-printk': ['--big', '--printk'],
        'ppc64-no-vmcoreinfo': ['--little', '--no-vmcoreinfo', '--no-unknown-note'],
        'x86_64': ['--little', '--machine', 'x86_64', '--cpus', '1'],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, opts in variants.items():
            path = os.path.join(tmp, name)
            # 512K: mkvmcore's first segment then covers the printk image.
            subprocess.run([mkvmcore, '--cpus', '2', '--page-size', '4096',
                            '--size', '512K'] + opts + [path],
                           check=True, stdout=subprocess.DEVNULL)
            core = read(path)
            big = core[5] == 2
            machine, = struct.unpack('>H' if big else '<H', core[18:20])
            notes, loads = elf_parts(core)
            mem = dict(loads)[0]
            if 'printk' in name:
                # The ring image up to the end of its 1 KiB text ring
                # (MKV_PRB_DATA + 1024; mkvmcore_printk_init()).
                image = mem[PRB_PADDR:PRB_PADDR + 0x8400]
                segs = [(PRB_PADDR, image, len(image))]
            else:
                # Small pieces of the same memory: a segment at 0, one
                # starting mid-page whose memory runs past its file
                # bytes (read as zeros), one further up.
                segs = [(0, mem[:4096], 4096),
                        (0x10400, mem[0x400:0x800], 0xc00),
                        (0x30000, mem[0x1000:0x1800], 0x800)]
            write(out, 'vmcore', name, small_core(big, machine, notes, segs))
            text = note_desc(notes, big, b'VMCOREINFO')
            if text is None:
                continue
            seed = bytes([1 if big else 0]) + text
            write(out, 'vmcoreinfo', name, seed)
            if 'printk' in name:
                write(out, 'vmcoreinfo', name + '-mem', seed + SEP + segs[0][1])


def kdumps(out, mkkdump):
    """Small kdump files (4 KiB pages, a range of 8 pages after a hole):
    every header version, both byte orders, every compression."""
    variants = {
        'v6-be-zlib': ['--big', '--version', '6', '--compress', 'zlib'],
        'v6-le-zstd': ['--little', '--version', '6', '--compress', 'zstd'],
        'v6-be-lzo': ['--big', '--version', '6', '--compress', 'lzo'],
        'v6-le-snappy': ['--little', '--version', '6', '--compress', 'snappy'],
        'v6-le-mixed': ['--little', '--version', '6', '--compress', 'mixed'],
        'v5-be-plain': ['--big', '--version', '5', '--compress', 'plain'],
        'v4-le-zlib-no-zero': ['--little', '--version', '4', '--compress',
                               'zlib', '--dump-level', '30'],
        'v3-be-zstd': ['--big', '--version', '3', '--compress', 'zstd'],
        'v2-le-zlib': ['--little', '--version', '2', '--compress', 'zlib'],
        'v1-be-plain': ['--big', '--version', '1', '--compress', 'plain'],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, opts in variants.items():
            path = os.path.join(tmp, name)
            subprocess.run([mkkdump, '--pages', '8'] + opts + [path],
                           check=True, stdout=subprocess.DEVNULL)
            write(out, 'kdump', name, read(path))


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out = sys.argv[2] if len(sys.argv) == 3 else os.path.join(HERE, 'corpus')
    dtc = shutil.which('dtc')
    if not dtc:
        print('make-corpus.py: no dtc, no FDT seeds (apt install device-tree-compiler)',
              file=sys.stderr)
    regions(out)
    sysfs(out)
    devtree(out, dtc)
    metadata(out)
    vmcores(out, sys.argv[1])
    kdumps(out, os.path.join(os.path.dirname(sys.argv[1]), 'mkkdump'))


if __name__ == '__main__':
    main()
