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
# --------------------------------------------------------------------------
# Kernel page tables and struct pages, in the layouts fuzz-vtop.c and
# fuzz-page-class.c give them (see their header comments). The values are
# the kernel's (arch/powerpc/include/asm/book3s/64/, include/linux/
# page-flags.h of 7.2), written out again here for the seeds.

LINEAR = 0xc000000000000000
PRESENT, PTE = 1 << 63, 1 << 62
KERNEL_RW = 0x18e
GEOMETRY = {            # (radix, page shift): index bits PTE, PMD, PUD, PGD
    (True, 16): (5, 9, 9, 13), (True, 12): (9, 9, 9, 13),
    (False, 16): (8, 10, 10, 8), (False, 12): (9, 7, 9, 9),
}
VTOP_BASE = 0x1000000           # MEM_BASE of fuzz-vtop.c


def put(mem, off, value, size=8, big=True):
    mem[off:off + size] = value.to_bytes(size, 'big' if big else 'little')


def index(va, shift, bits, level):
    s = shift + sum(bits[:level])
    return (va >> s) & ((1 << bits[level]) - 1)


def vtop_seed(big, radix, shift, no_radix_number=False):
    """Page tables mapping a vmalloc page and a PMD leaf to the memory's
    start, in memory at VTOP_BASE, the PGD placed so that its entry falls
    at +0x200; for hash also a vmemmap_list of one block."""
    bits = GEOMETRY[(radix, shift)]
    small_hash = not radix and shift == 12
    vmalloc = 0xc0003d0000000000 if small_hash else 0xc008000000000000
    vmemmap = 0xc0003f0000000000 if small_hash else 0xc00c000000000000
    va = vmalloc + (1 << shift)
    mem = bytearray(0x8000)
    pgd = VTOP_BASE + 0x200 - index(va, shift, bits, 3) * 8
    tables = [VTOP_BASE + 0x2000, VTOP_BASE + 0x4000, VTOP_BASE + 0x6000]

    def entry(table, level, value):
        put(mem, table - VTOP_BASE + index(va, shift, bits, level) * 8, value)

    nls = (lambda lvl: bits[lvl - 1]) if radix else (lambda lvl: 0)
    entry(pgd, 3, PRESENT | tables[0] | nls(3))
    entry(tables[0], 2, PRESENT | tables[1] | nls(2))
    entry(tables[1], 1, PRESENT | tables[2] | nls(1))
    entry(tables[2], 0, PRESENT | PTE | VTOP_BASE | KERNEL_RW)
    # a PMD leaf one PMD entry up: 2 MiB (radix) or 16 MiB (hash)
    leaf = va + (1 << (shift + bits[0]))
    put(mem, tables[1] - VTOP_BASE + index(leaf, shift, bits, 1) * 8,
        PRESENT | PTE | VTOP_BASE | KERNEL_RW)
    # cur_cpu_spec -> a struct whose mmu_features (+8) say the MMU
    put(mem, 0x100, LINEAR + VTOP_BASE + 0x180, big=big)
    put(mem, 0x188, 0x40 if radix else 0, 4, big=big)
    # mmu_vmemmap_psize 1, mmu_psize_defs[1].shift = the page shift
    put(mem, 0x110, 1, 4, big=big)
    put(mem, 0x128, shift, 4, big=big)
    # vmemmap_list (+0x300) -> one entry (+0x400) mapping the memory
    put(mem, 0x300, LINEAR + VTOP_BASE + 0x400, big=big)
    put(mem, 0x400, 0, big=big)
    put(mem, 0x408, VTOP_BASE, big=big)
    put(mem, 0x410, vmemmap, big=big)
    flags = (1 if big else 0) | (0 if radix else 2) | (4 if shift == 12 else 0)
    flags |= 8 if no_radix_number else 0
    addrs = [va + 0x10, leaf + 0x1234, vmemmap + 0x40,
             LINEAR + VTOP_BASE + 0x300, vmalloc + (7 << shift)]
    head = bytes([flags]) + pgd.to_bytes(8, 'little') + \
        (VTOP_BASE + 0x300).to_bytes(8, 'little')
    return head + b''.join(a.to_bytes(8, 'little') for a in addrs) + SEP + \
        bytes(mem)


def vtops(out):
    for big in (False, True):
        for radix in (True, False):
            for shift in (16, 12):
                name = '%s-%s-%dk' % ('be' if big else 'le',
                                      'radix' if radix else 'hash',
                                      (1 << shift) >> 10)
                write(out, 'vtop', name, vtop_seed(big, radix, shift))
    write(out, 'vtop', 'be-radix-64k-cpu-spec',
          vtop_seed(True, True, 16, no_radix_number=True))


# struct page of 7.2 (include/linux/mm_types.h): flags 0, compound_info 8,
# mapping 24, private 40, _mapcount 48, _refcount 52; 64 bytes.
ERAS = {    # flags bits 2-3 of fuzz-page-class.c: PG_lru, PG_head,
            # PG_private, PG_slab, and the type values
    0: dict(lru=5, head=6, private=14, slab=None, buddy=0xf0 << 24,
            slab_type=0xf5 << 24, hugetlb=0xf4 << 24),
    1: dict(lru=5, head=6, private=13, slab=None, buddy=~0x80 & 0xffffffff,
            slab_type=~0x1000 & 0xffffffff, hugetlb=~0x800 & 0xffffffff),
    2: dict(lru=4, head=15, private=11, slab=7, buddy=-128 & 0xffffffff,
            slab_type=None, hugetlb=None),
}


def page_class_seed(big, shift, era, vmemmap, pcp=None):
    """32 pages of memory: the section roots, the struct pages of all
    of them (one of each class, a free block, a folio) and, for the
    vmemmap flavour, a vmemmap_list entry mapping them. pcp 'flat' or
    'numa': per-CPU lists (fuzz-page-class.c's layout) holding pfn 21
    (order 0) and 22 (order 1) on CPU 0 of the two possible."""
    e = ERAS[era]
    page = 1 << shift
    pages = 32
    # pages 0-4 hold the structures, the others data (one page zero)
    mem = bytearray(5 * page) + bytearray(b'\x5a' * (pages - 5) * page)
    descs = 4 * page             # the struct pages, in page 4
    per_root = page // 16
    # mem_section (0x1000) -> root 0 (page 3) -> sections of two pages
    put(mem, 0x1000, LINEAR + 3 * page, big=big)
    vmemmap_base = 0xc0003f0000000000 if shift == 12 else 0xc00c000000000000
    base = vmemmap_base if vmemmap else LINEAR + descs
    for sec in range(min(pages // 2, per_root)):
        put(mem, 3 * page + sec * 16, base | 0x3, big=big)
    if vmemmap:
        put(mem, 0x2000, LINEAR + 0x2100, big=big)      # vmemmap_list
        put(mem, 0x2010, 1, 4, big=big)                 # mmu_vmemmap_psize
        put(mem, 0x2028, shift, 4, big=big)             # defs[1].shift
        put(mem, 0x2100, 0, big=big)
        put(mem, 0x2108, descs, big=big)
        put(mem, 0x2110, vmemmap_base, big=big)

    def desc(pfn, flags=0x0800000000000000, mapping=0, private=0,
             compound=0, mapcount=0xffffffff, refcount=1):
        d = descs + pfn * 64
        put(mem, d, flags, big=big)
        put(mem, d + 8, compound, big=big)
        put(mem, d + 24, mapping, big=big)
        put(mem, d + 40, private, big=big)
        put(mem, d + 48, mapcount, 4, big=big)
        put(mem, d + 52, refcount & 0xffffffff, 4, big=big)

    for pfn in range(pages):
        desc(pfn)
    desc(8, private=3, mapcount=e['buddy'] | (0x123 if era == 0 else 0),
         refcount=0)                                     # free, order 3
    desc(16, flags=1 << e['lru'], mapping=0xc000000001234500, mapcount=0)
    desc(17, flags=1 << e['lru'] | 1 << e['private'],
         mapping=0xc000000001234500, mapcount=0)
    desc(18, flags=1 << e['lru'], mapping=0xc000000001234601, mapcount=0)
    if e['slab'] is None:
        desc(19, mapcount=e['slab_type'])
    else:
        desc(19, flags=1 << e['slab'])
    desc(20, refcount=-3)                                # implausible
    # a folio of 4 pages: head and tails
    desc(24, flags=1 << e['head'], mapping=0xc000000001234700,
         mapcount=e['hugetlb'] if e['hugetlb'] is not None else 0xffffffff)
    for t in range(25, 28):
        desc(t, compound=(base + 24 * 64) | 1, refcount=0)
    mem[29 * page:30 * page] = bytes(page)               # a zero page
    flags = (1 if big else 0) | (2 if shift == 12 else 0) | era << 2
    flags |= (16 if vmemmap else 0) | 32
    if pcp:
        flags |= 64 | (128 if pcp == 'numa' else 0)
        put(mem, 0x2200 + 0x60, 1, 4, big=big)           # nr_zones
        put(mem, 0x2200 + 0x08, LINEAR + 0x2300, big=big)  # per_cpu_pageset
        put(mem, 0x2280, LINEAR + 0x2200, big=big)       # node_data[0]
        put(mem, 0x22a0, 1, big=big)                     # node 0 online
        put(mem, 0x22c0, 0, big=big)                     # __per_cpu_offset
        put(mem, 0x22c8, 0x100, big=big)
        put(mem, 0x22e0, 3, big=big)                     # CPUs 0 and 1
        for pcp_va in (LINEAR + 0x2300, LINEAR + 0x2400):
            put(mem, pcp_va - LINEAR + 4, 0, 4, big=big)  # count
            for i in range(6):                           # empty lists
                head = pcp_va + 0x10 + i * 16
                put(mem, head - LINEAR, head, big=big)
                put(mem, head - LINEAR + 8, head, big=big)
        put(mem, 0x2300 + 4, 3, 4, big=big)
        for pfn, lst in ((21, 0), (22, 1)):              # list i: order i
            head = LINEAR + 0x2300 + 0x10 + lst * 16
            node = base + pfn * 64 + 8
            desc(pfn, refcount=0)
            put(mem, descs + pfn * 64 + 8, head, big=big)
            put(mem, descs + pfn * 64 + 16, head, big=big)
            put(mem, head - LINEAR, node, big=big)
            put(mem, head - LINEAR + 8, node, big=big)
    return bytes([flags]) + bytes(mem)


def page_classes(out):
    for era in ERAS:
        for big in (False, True):
            for vmemmap in (False, True):
                name = 'era%d-%s-%s' % (era, 'be' if big else 'le',
                                        'vmemmap' if vmemmap else 'mem-map')
                write(out, 'page-class', name,
                      page_class_seed(big, 12, era, vmemmap))
        for pcp in ('flat', 'numa'):
            write(out, 'page-class', 'era%d-%s-pcp' % (era, pcp),
                  page_class_seed(era & 1, 12, era, True, pcp))


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
    vtops(out)
    page_classes(out)


if __name__ == '__main__':
    main()
