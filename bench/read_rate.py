#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Random 4 KiB physical reads from Python: fadump against libkdumpfile.

usage: bench/read_rate.py [--build BUILD_DIR] [--dump FILE | --size SIZE]
                          [--reads N] [--rounds R] [--seed S] [--json]

Without --dump, writes a synthetic little-endian ppc64 ELF dump of SIZE
bytes of memory (default 2G; three segments, holes, half the pages zero)
with BUILD_DIR/tests/mkvmcore into a temporary directory, removed at the
end. Every round reads the same N page-aligned physical addresses, drawn
at random (seed S) from the dump's PT_LOAD segments, 4 KiB each, with:

  fadump read           Vmcore.read(paddr, 4096): a new bytes object
  fadump read_into      Vmcore.read_into(paddr, buf): one bytearray, pread()
  fadump read_into mmap the same with Vmcore(path, mmap=True)
  libkdumpfile read     kdumpfile(path).read(KDUMP_MACHPHYSADDR, paddr, 4096)

A first pass reads everything once (warm page cache, mappings faulted
in); the rounds then run the four in a rotating order and the medians are
reported, in reads per second, with each one's ratio to libkdumpfile. The
bytes the methods return are compared on a sample first: a fast wrong
reader is no result.

Needs python3-libkdumpfile (import kdumpfile) and a build with the
Python bindings (meson setup -Dpython=enabled).
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PAGE = 4096


def parse_size(s):
    units = {'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}
    if s[-1:].upper() in units:
        return int(s[:-1]) * units[s[-1:].upper()]
    return int(s)


def addresses(vm, n, seed):
    """@n random page-aligned addresses whose whole page is in a segment."""
    spans = []
    for s in vm.segments:
        first = (s.paddr + PAGE - 1) // PAGE
        last = (s.paddr + s.memsz) // PAGE
        if last > first:
            spans.append((first, last - first))
    total = sum(n for _, n in spans)
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        k = rnd.randrange(total)
        for first, count in spans:
            if k < count:
                out.append((first + k) * PAGE)
                break
            k -= count
    return out


def timed(fn, addrs):
    t = time.perf_counter()
    fn(addrs)
    return len(addrs) / (time.perf_counter() - t)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--build', default='build')
    ap.add_argument('--dump')
    ap.add_argument('--size', default='2G')
    ap.add_argument('--reads', type=int, default=200000)
    ap.add_argument('--rounds', type=int, default=7)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--json', action='store_true')
    args = ap.parse_args()

    sys.path.insert(0, os.path.join(os.path.abspath(args.build), 'bindings',
                                    'python'))
    import fadump
    import kdumpfile

    tmp = None
    path = args.dump
    if not path:
        tmp = tempfile.mkdtemp(prefix='fadump-read-rate-')
        path = os.path.join(tmp, 'vmcore')
        subprocess.run([os.path.join(args.build, 'tests', 'mkvmcore'),
                        '--little', '--size', str(parse_size(args.size)),
                        path], check=True)
    try:
        vm = fadump.Vmcore(path)
        vm_map = fadump.Vmcore(path, mmap=True)
        kd = kdumpfile.kdumpfile(path)
        addrs = addresses(vm, args.reads, args.seed)
        buf = bytearray(PAGE)
        phys = kdumpfile.KDUMP_MACHPHYSADDR

        def fadump_read(a, r=vm.read):
            for x in a:
                r(x, PAGE)

        def fadump_into(a, r=vm.read_into, b=buf):
            for x in a:
                r(x, b)

        def fadump_into_mmap(a, r=vm_map.read_into, b=buf):
            for x in a:
                r(x, b)

        def kdump_read(a, r=kd.read, p=phys):
            for x in a:
                r(p, x, PAGE)

        methods = [('fadump read', fadump_read),
                   ('fadump read_into', fadump_into),
                   ('fadump read_into mmap', fadump_into_mmap),
                   ('libkdumpfile read', kdump_read)]

        for x in addrs[:: max(1, len(addrs) // 500)]:
            want = kd.read(phys, x, PAGE)
            assert vm.read(x, PAGE) == want, hex(x)
            vm_map.read_into(x, buf)
            assert bytes(buf) == want, hex(x)
        for _, fn in methods:           # warm-up
            fn(addrs)
        rates = {name: [] for name, _ in methods}
        for r in range(args.rounds):
            for name, fn in methods[r % len(methods):] + methods[:r % len(methods)]:
                rates[name].append(timed(fn, addrs))
        medians = {name: statistics.median(v) for name, v in rates.items()}
        base = medians['libkdumpfile read']
        result = {
            'dump': path, 'dump_bytes': os.path.getsize(path),
            'reads': args.reads, 'rounds': args.rounds,
            'reads_per_s': {k: round(v) for k, v in medians.items()},
            'vs_libkdumpfile': {k: round(v / base, 2)
                                for k, v in medians.items()},
        }
        if args.json:
            print(json.dumps(result, indent=2))
        else:
            print('%s: %d bytes, %d random 4 KiB reads, median of %d rounds'
                  % (path if args.dump else 'synthetic dump',
                     result['dump_bytes'], args.reads, args.rounds))
            for name, v in medians.items():
                print('  %-22s %10.0f reads/s  %5.2fx libkdumpfile'
                      % (name, v, v / base))
    finally:
        if tmp:
            shutil.rmtree(tmp)


if __name__ == '__main__':
    main()
