#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Time the filtered save against makedumpfile on a synthetic ppc64le dump.

usage: bench/filtered.py --build BUILD_DIR --makedumpfile PATH [--fadumpctl PATH]
                         [--size 8G] [--reps 3] [--compress zlib,lzo,zstd]
                         [--threads auto,1] [--workdir /var/tmp/fadump-bench]
                         [--only fadumpctl|makedumpfile|raw] [--keep]
       bench/filtered.py --build BUILD_DIR --rss-only --size 64G

Generates with tests/mkvmcore a little-endian ppc64 dump of --size bytes
of RAM whose kernel structures both tools read: radix page tables with
64 KiB pages, SPARSEMEM_EXTREME and vmemmap, 7.2 struct pages with page
types as the kernel sets them, 40% free pages (buddy blocks of orders 0
to 8), 25% page cache, 20% anonymous, 15% kernel and slab; 10% of the
pages all zero, 60% of the others text-like, the rest pseudo-random
(mkvmcore --fill=server, see tests/mkkernel.h). makedumpfile's radix walk
reads page-table entries in host byte order, hence little-endian.

Then, on that one file, with the page cache dropped before every run and
the tools in a rotating order, --reps runs each of:

  fadumpctl save --level 31 --format kdump --compress C [--threads 1]
  makedumpfile -d 31 -c|-l|-z          (zlib, lzo, zstd)
  fadumpctl save --level 0 --format elf  (the raw copy; plain `save`
                                          where the CLI has no --level)

and prints medians of wall time, MB/s of the dump's size, output sizes and
peak RSS (/usr/bin/time), then the pages each tool excluded per class next
to what the generator made. A fadumpctl without the filtered save's flags
is reported as such and skipped.

--rss-only writes the dump sparse (90% zero pages as holes, so 64 GiB of
RAM fits a small disk) and reports the peak RSS of one filtered save.
"""

import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import medians, run_rotating  # noqa: E402

MDF_FLAG = {'zlib': '-c', 'lzo': '-l', 'zstd': '-z'}
# makedumpfile's report lines (print_report()) and our class names
MDF_CLASSES = [
    ('Pages filled with zero', 'zero'),
    ('Non-private cache pages', 'cache'),
    ('Private cache pages', 'cache_private'),
    ('User process data pages', 'anon'),
    ('Free pages', 'free'),
    ('Hwpoison pages', 'hwpoison'),
    ('Offline pages', 'offline'),
]


def generate(mkvmcore, path, size, rss_only):
    argv = [mkvmcore, '--little', '--kernel', '--fill=server',
            '--bare-page-types', '--size', size, '--describe']
    if rss_only:
        argv += ['--zero-percent', '90', '--text-percent', '60', '--sparse']
    else:
        argv += ['--zero-percent', '10', '--text-percent', '60']
    p = subprocess.run(argv + [path], check=True, stdout=subprocess.PIPE,
                       text=True)
    return json.loads(p.stdout)


def cli_has_filter(fadumpctl):
    """True if this fadumpctl's save takes --level (branch save-ui)."""
    p = subprocess.run([fadumpctl, 'help'], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    return '--level' in p.stdout


def mdf_report(text):
    """makedumpfile's excluded pages per class, from --message-level 22."""
    got = {}
    for label, name in MDF_CLASSES:
        m = re.search(r'%s\s*:\s*(0x[0-9a-fA-F]+)' % re.escape(label), text)
        if m:
            got[name] = int(m.group(1), 16)
    return got


def find_classes(obj):
    """The first dict in fadumpctl's JSON that counts pages per class."""
    if isinstance(obj, dict):
        if 'free' in obj and 'anon' in obj:
            return obj
        for v in obj.values():
            found = find_classes(v)
            if found is not None:
                return found
    elif isinstance(obj, list):
        for v in obj:
            found = find_classes(v)
            if found is not None:
                return found
    return None


def output_size(out):
    """Bytes and allocated bytes of the largest file under out."""
    best = (0, 0)
    for root, _, files in os.walk(out):
        for f in files:
            st = os.stat(os.path.join(root, f))
            best = max(best, (st.st_size, st.st_blocks * 512))
    return best


def tools_for(args, fadumpctl, mdf, src, out, filtered):
    tools = {}
    only = args.only
    for c in args.compress:
        if filtered and only in (None, 'fadumpctl'):
            for t in args.threads:
                argv = [fadumpctl, 'save', '--json', '--level', '31',
                        '--format', 'kdump', '--compress', c]
                if t != 'auto':
                    argv += ['--threads', t]
                tools['fadumpctl %s t=%s' % (c, t)] = argv + [
                    '--source', src, out]
        if mdf and only in (None, 'makedumpfile'):
            tools['makedumpfile %s' % MDF_FLAG[c]] = [
                mdf, '--message-level', '22', '-d', '31', MDF_FLAG[c], src,
                os.path.join(out, 'dumpfile')]
    if only in (None, 'raw'):
        raw = [fadumpctl, 'save', '--json']
        if filtered:
            raw += ['--level', '0', '--format', 'elf']
        tools['fadumpctl raw elf'] = raw + ['--source', src, out]
    return tools


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--build', required=True, help='meson build directory')
    ap.add_argument('--fadumpctl', help='the fadumpctl to time (default: '
                    'the one in --build)')
    ap.add_argument('--makedumpfile', help='makedumpfile built for ppc64 '
                    '(bench/build-makedumpfile.sh)')
    ap.add_argument('--size', default='8G')
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--compress', default='zlib,lzo,zstd')
    ap.add_argument('--threads', default='auto,1')
    ap.add_argument('--workdir', default='/var/tmp/fadump-bench')
    ap.add_argument('--only', choices=['fadumpctl', 'makedumpfile', 'raw'])
    ap.add_argument('--rss-only', action='store_true')
    ap.add_argument('--keep', action='store_true', help='keep the dump')
    ap.add_argument('--reuse', action='store_true',
                    help='use the dump --keep left (its describe file too)')
    args = ap.parse_args()
    args.compress = args.compress.split(',')
    args.threads = args.threads.split(',')

    fadumpctl = args.fadumpctl or os.path.join(args.build, 'cli', 'fadumpctl')
    mkvmcore = os.path.join(args.build, 'tests', 'mkvmcore')
    for prog in (fadumpctl, mkvmcore, '/usr/bin/time'):
        if not os.access(prog, os.X_OK):
            sys.exit('bench: %s not found (build first; apt-get install time)'
                     % prog)
    filtered = cli_has_filter(fadumpctl)
    if args.rss_only and not filtered:
        sys.exit('bench: this fadumpctl has no filtered save (--level)')

    os.makedirs(args.workdir, exist_ok=True)
    src = os.path.join(args.workdir, 'filtered-vmcore-%s' % args.size)
    desc_path = src + '.json'
    out = os.path.join(args.workdir, 'out')
    if args.reuse and os.path.exists(desc_path):
        with open(desc_path) as f:
            desc = json.load(f)
    else:
        print('generating a %s ppc64le vmcore in %s ...' % (args.size, src),
              file=sys.stderr)
        desc = generate(mkvmcore, src, args.size, args.rss_only)
        with open(desc_path, 'w') as f:
            json.dump(desc, f)
    size = os.stat(src).st_size
    page_size = desc['kernel']['page_size']

    if args.rss_only:
        tools = {'fadumpctl zstd t=auto': [
            fadumpctl, 'save', '--json', '--level', '31', '--format',
            'kdump', '--compress', 'zstd', '--source', src, out]}
        reps = 1
    else:
        tools = tools_for(args, fadumpctl, args.makedumpfile, src, out,
                          filtered)
        reps = args.reps

    sizes, classes, notes = {}, {}, {}
    names = list(tools)

    def record(name, rep, wall, rss, rc, err, stdout):
        if rc != 0:
            notes[name] = 'exit %d: %s' % (rc, ' / '.join(
                l for l in err.splitlines() if l.strip())[:300])
            return False
        sizes[name] = output_size(out)
        if name.startswith('makedumpfile'):
            classes[name] = mdf_report(stdout + err)
        elif stdout.strip():
            found = find_classes(json.loads(stdout))
            if found is not None:
                classes[name] = found
        return True

    results, cold = run_rotating({n: (argv, False) for n, argv in tools.items()},
                                 reps, out, record)
    if not args.keep:
        os.unlink(src)
        os.unlink(desc_path)

    st = os.stat(src) if args.keep else None
    print('vmcore: %d bytes (%s of RAM, %d KiB pages%s), %d runs each, %s '
          'page cache' % (size, args.size, page_size // 1024,
                          ', %d bytes allocated' % (st.st_blocks * 512)
                          if st else '', reps,
                          'cold (dropped before each run)' if cold else 'WARM'))
    print()
    print('| tool | median s | MB/s of dump | output bytes | peak RSS MiB | runs |')
    print('|---|---:|---:|---:|---:|---:|')
    med = {}
    for name in names:
        r = results[name]
        if not r:
            print('| %s | - | - | - | - | 0 (%s) |' % (
                name, notes.get(name, 'failed')))
            continue
        t, m = medians(r)
        med[name] = t
        print('| %s | %.2f | %.0f | %d | %.1f | %d |' % (
            name, t, size / t / 1e6, sizes[name][0], m, len(r)))
    print()
    for c in args.compress:
        mdf = 'makedumpfile %s' % MDF_FLAG[c]
        for t in args.threads:
            ours = 'fadumpctl %s t=%s' % (c, t)
            if ours in med and mdf in med:
                print('%s: throughput %.2fx makedumpfile %s, output %.2fx' % (
                    ours, med[mdf] / med[ours], MDF_FLAG[c],
                    sizes[ours][0] / sizes[mdf][0]))
    if not filtered:
        print('fadumpctl: no filtered save in this build (save --level)')

    made = desc['kernel']['classes']
    print()
    print('Pages per class (%d pages): made by the generator, excluded by '
          'each tool' % desc['kernel']['pages'])
    print()
    cols = [n for n in names if n in classes]
    print('| class | generator | ' + ' | '.join(cols) + ' |')
    print('|---|---:|' + '---:|' * len(cols))
    for _, cls in MDF_CLASSES + [(None, 'slab'), (None, 'kernel'),
                                 (None, 'unknown')]:
        row = [str(made.get(cls, '-'))]
        for n in cols:
            v = classes[n].get(cls, '-')
            row.append(str(v.get('excluded', v) if isinstance(v, dict) else v))
        print('| %s | %s |' % (cls, ' | '.join(row)))
    for name, note in notes.items():
        print('%s: %s' % (name, note))


if __name__ == '__main__':
    main()
