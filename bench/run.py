#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Time saving a vmcore: fadumpctl save against cp, cat and makedumpfile.

usage: bench/run.py --build BUILD_DIR [--size 4G] [--reps 5]
                    [--workdir /var/tmp/fadump-bench] [--source-dir DIR]
                    [--keep]

Generates a synthetic ppc64 (big-endian) vmcore of --size bytes of memory
with tests/mkvmcore (half zero pages, half pseudo-random data, 64 CPU
notes, a VMCOREINFO note, a segment starting mid-page and holes), then
runs each tool --reps times on the same file, in a rotating order, with
the page cache dropped before every run when we are allowed to (root),
and reports medians of wall time and peak RSS (/usr/bin/time).

Copies go to --workdir. The dump is generated there too unless
--source-dir names another place: --source-dir /dev/shm puts it in RAM,
as /proc/vmcore is in the capture boot, so that reading costs no disk
time and the copies are bound by writing alone.

Tools:
  cat           cat vmcore > /dev/null: how fast the file can merely be read
  cp            cp --sparse=always vmcore OUT (no fsync: data may still be
                in the page cache when it returns)
  cp+sync       the same followed by sync OUT (fsync), as durable as save
  fadumpctl     fadumpctl save --source vmcore OUTDIR (sparse, fsync()ed
                file and directory, renamed into place)
  makedumpfile  makedumpfile -E -d 1 vmcore OUT (ELF output, zero pages
                excluded), if installed; it needs a real kernel's data
                structures through VMCOREINFO, so on a synthetic dump it
                is expected to refuse: its message is reported
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def parse_size(s):
    mult = {'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}
    return int(s[:-1]) * mult[s[-1]] if s[-1] in mult else int(s)


def drop_caches():
    """Drop the page cache; False if not permitted (results are then warm)."""
    subprocess.run(['sync'], check=True)
    try:
        with open('/proc/sys/vm/drop_caches', 'w') as f:
            f.write('3\n')
        return True
    except OSError:
        return False


def timed(argv, shell=False):
    """Run under /usr/bin/time; returns (seconds, peak RSS KiB, rc, stderr)."""
    with tempfile.NamedTemporaryFile('r', suffix='.time') as tf:
        cmd = ['/usr/bin/time', '-f', '%e %M', '-o', tf.name]
        cmd += ['sh', '-c', argv] if shell else argv
        start = time.monotonic()
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
        wall = time.monotonic() - start
        fields = tf.read().split()
    rss = int(fields[-1]) if fields else 0
    return wall, rss, p.returncode, p.stderr.strip(), p.stdout


def run_rotating(tools, reps, out, record):
    """Run every tool reps times, in an order rotated each round, with out
    emptied and the page cache dropped before every run.

    tools maps a name to (argv, shell); record(name, rep, wall, rss, rc,
    stderr, stdout) sees each run and returns True to count it.
    Returns ({name: [(wall, rss KiB)]}, cold) where cold is False if the
    page cache could not be dropped."""
    results = {name: [] for name in tools}
    cold = True
    names = list(tools)
    for rep in range(reps):
        order = names[rep % len(names):] + names[:rep % len(names)]
        for name in order:
            shutil.rmtree(out, ignore_errors=True)
            os.makedirs(out)
            cold = drop_caches() and cold
            argv, shell = tools[name]
            wall, rss, rc, err, stdout = timed(argv, shell)
            if record(name, rep, wall, rss, rc, err, stdout):
                results[name].append((wall, rss))
                print('  rep %d %-24s %7.2f s %8d KiB' % (rep + 1, name, wall,
                                                          rss), file=sys.stderr)
    shutil.rmtree(out, ignore_errors=True)
    return results, cold


def medians(runs):
    """Median wall seconds and peak RSS in MiB of [(wall, rss KiB)]."""
    return (statistics.median(w for w, _ in runs),
            statistics.median(k for _, k in runs) / 1024)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--build', required=True, help='meson build directory')
    ap.add_argument('--size', default='4G')
    ap.add_argument('--reps', type=int, default=5)
    ap.add_argument('--workdir', default='/var/tmp/fadump-bench')
    ap.add_argument('--source-dir', help='where to generate the dump '
                    '(default: --workdir)')
    ap.add_argument('--keep', action='store_true', help='keep the dump')
    args = ap.parse_args()

    fadumpctl = os.path.join(args.build, 'cli', 'fadumpctl')
    mkvmcore = os.path.join(args.build, 'tests', 'mkvmcore')
    for prog in (fadumpctl, mkvmcore, '/usr/bin/time'):
        if not os.access(prog, os.X_OK):
            sys.exit('bench: %s not found (build first; apt-get install time)'
                     % prog)
    have_mdf = shutil.which('makedumpfile') is not None

    os.makedirs(args.workdir, exist_ok=True)
    src = os.path.join(args.source_dir or args.workdir, 'fadump-bench-vmcore')
    out = os.path.join(args.workdir, 'out')
    print('generating a %s ppc64 vmcore in %s ...' % (args.size, src),
          file=sys.stderr)
    subprocess.run([mkvmcore, '--size', args.size, '--big', src], check=True)
    size = os.stat(src).st_size

    tools = {
        'cat': ('cat %s > /dev/null' % src, True),
        'cp': (['cp', '--sparse=always', src, os.path.join(out, 'cp')], False),
        'cp+sync': ('cp --sparse=always %s %s/cp && sync %s/cp' % (src, out, out),
                    True),
        'fadumpctl': ([fadumpctl, 'save', '--json', '--source', src, out], False),
    }
    if have_mdf:
        tools['makedumpfile'] = (['makedumpfile', '-E', '-d', '1', src,
                                  os.path.join(out, 'mdf')], False)

    notes = {}
    names = list(tools)

    def record(name, rep, wall, rss, rc, err, stdout):
        if rc != 0:
            notes[name] = 'exit %d: %s' % (rc, err.splitlines()[0] if err else '')
            if name == 'makedumpfile':
                notes[name] = 'exit %d: %s' % (rc, ' / '.join(
                    l for l in err.splitlines() if l.strip())[:300])
            return False
        if name == 'fadumpctl':
            j = json.loads(stdout)
            notes[name] = '%d of %d bytes written, %d zero bytes skipped' % (
                j['bytes_written'], j['bytes_total'], j['zero_bytes_skipped'])
        if name.startswith('cp'):
            st = os.stat(os.path.join(out, 'cp'))
            notes['cp'] = '%d bytes allocated' % (st.st_blocks * 512)
        return True

    results, cold = run_rotating(tools, args.reps, out, record)
    if not args.keep:
        os.unlink(src)

    print('vmcore: %d bytes (%s of memory, half zero pages) in %s, copies to '
          '%s, %d runs each, %s page cache' % (
              size, args.size, os.path.dirname(src), out, args.reps,
              'cold (dropped before each run)' if cold else 'WARM'))
    print()
    print('| tool | median s | MB/s | peak RSS MiB | runs |')
    print('|---|---:|---:|---:|---:|')
    med = {}
    for name in names:
        r = results[name]
        if not r:
            print('| %s | - | - | - | 0 (%s) |' % (name, notes.get(name, 'failed')))
            continue
        t, m = medians(r)
        med[name] = t
        print('| %s | %.2f | %.0f | %.1f | %d |' % (name, t, size / t / 1e6, m,
                                                     len(r)))
    print()
    if 'fadumpctl' in med:
        for other in ('cp', 'cp+sync', 'cat'):
            if other in med:
                print('fadumpctl rate / %s rate: %.2f' % (
                    other, med[other] / med['fadumpctl']))
    for name, note in notes.items():
        print('%s: %s' % (name, note))


if __name__ == '__main__':
    main()
