#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host-side checks of the capture boot's filtered saves (level 31), and
their comparison with makedumpfile's.

    PYTHONPATH=BUILD/bindings/python check-filtered.py --fadumpctl FADUMPCTL DIR

DIR holds boot1/ and boot2/ as tests/e2e/guest-init.sh wrote them: the raw
dump (boot2/vmcore, saved last), our level-31 kdump files
(flt-zstd.kdump, flt-zlib.kdump, flt-lzo.kdump, each with the save's JSON
in flt-COMPRESSION.out), makedumpfile's (dump-d31-c.kdump,
dump-d31-l.kdump, its report in makedumpfile-c.out/.err), the times and
sizes of every run (compare.txt) and what the first boot left in memory
(boot1/known.txt: memfill's marked pages, one marker per kind;
boot1/printk-marker).

The oracles are independent of the saver: the marked pages are found by
their contents (memfill's layout), in the raw dump and in each file; every
page a file holds is compared with the raw dump's page at the same pfn;
python3-libkdumpfile reads our file page for page (compare-kdump.py).

Our files must hold no marked page (process memory, page cache and free
memory are all out at level 31), the same pages as the raw dump, the
printk record, and a JSON summary whose counts add up.  For makedumpfile's
files the marked pages they kept are counted and reported, not failed: the
peer is known to keep free pages on a 7.2 radix dump.  The table (pages
per class excluded by each tool, times, sizes) goes to
DIR/filtered-compare.txt and to stdout.  Ends with 'N passed, N failed';
exits 1 when a check failed.
"""
import argparse
import importlib.util
import json
import os
import re
import statistics
import struct
import subprocess
import sys

import fadump

# memfill's markers (tests/e2e/memfill.c), by what the page was
KINDS = {
    b'E2E-ANON': 'anon (live process)',
    b'E2E-FILL': 'shmem (tmpfs file)',
    b'E2E-PCAC': 'page cache (ext2 file)',
    b'E2E-FREE': 'free (exited process)',
    b'E2E-DELF': 'free (deleted tmpfs file)',
}
MARK_RE = re.compile(rb'E2E-(?:ANON|FILL|PCAC|FREE|DELF)')
OURS = ('zstd', 'zlib', 'lzo')
PEER = ('c', 'l')
PEER_COMPRESSION = {'c': 'zlib', 'l': 'lzo'}
# makedumpfile's report lines, by the level bit they stand for, and the
# page classes of ours each one covers
REPORT = (
    ('zero', 'Pages filled with zero', ('zero',)),
    ('cache', 'Non-private cache pages', ('cache',)),
    ('cache private', 'Private cache pages', ('cache_private',)),
    ('user', 'User process data pages', ('anon', 'hugetlb')),
    ('free', 'Free pages', ('free',)),
    ('hwpoison', 'Hwpoison pages', ('hwpoison',)),
    ('offline', 'Offline pages', ('offline',)),
)


def load_sibling(name, filename):
    """A script next to this one, as a module."""
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(os.path.dirname(os.path.abspath(__file__)), filename))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# check.py's check() and its counts, read() as read_text()
common = load_sibling('e2e_check', 'check.py')
check = common.check
read_text = common.read


class Marks:
    """Tells memfill's marked pages from anything else: the marker, an
    index below the number of pages of that kind, and the byte pattern
    after them (a copy of the marker string in a program's text has no
    such pattern)."""

    def __init__(self, page_size, counts, byte_order):
        self.page_size = page_size
        self.counts = counts
        self.fmt = '<Q' if byte_order == 'little' else '>Q'
        self.pattern = bytes(j % 251 + 1 for j in range(page_size))

    def kind(self, page):
        mark = page[:8]
        if mark not in KINDS or len(page) != self.page_size:
            return None
        index, = struct.unpack(self.fmt, page[8:16])
        if index >= self.counts.get(mark.decode(), 0):
            return None
        if page[16:] != self.pattern[16:]:
            return None
        return mark.decode()


def raw_pfns(vm, page_size):
    """The dump's pfns, from its PT_LOADs (every page one touches, as
    makedumpfile counts them), and {pfn: (first, end)} of the bytes of the
    pages a PT_LOAD covers only in part (fadump's reserved area ends
    inside a page)."""
    pfns = []
    partial = {}
    for s in vm.segments:
        end = s.paddr + s.memsz
        pfns.extend(range(s.paddr // page_size, (end + page_size - 1) // page_size))
        for pfn in {s.paddr // page_size, (end - 1) // page_size}:
            lo = max(s.paddr, pfn * page_size) - pfn * page_size
            hi = min(end, (pfn + 1) * page_size) - pfn * page_size
            if (lo, hi) != (0, page_size):
                partial[pfn] = (lo, hi)
    return pfns, partial


def scan_raw(vm, page_size, marks, chunk=4 << 20):
    """{pfn: kind} of the marked pages in the raw dump, read in chunks
    that start and end on page boundaries (a segment need not)."""
    found = {}
    for s in vm.segments:
        start = (s.paddr + page_size - 1) // page_size * page_size
        end = (s.paddr + s.memsz) // page_size * page_size
        for a in range(start, end, chunk):
            data = vm.read(a, min(chunk, end - a))
            for m in MARK_RE.finditer(data):
                if m.start() % page_size:
                    continue
                k = marks.kind(data[m.start():m.start() + page_size])
                if k:
                    found[(a + m.start()) // page_size] = k
    return found


def scan_kdump(path, pfns, page_size, marks, raw=None, skip=(), partial=None):
    """Read every pfn of the raw dump from a kdump file: (the file, the
    pfns it holds, how many of them are all zeros (makedumpfile writes the
    zero pages it excludes as one shared page), {kind: marked pages kept},
    [pfns whose page differs from raw's], the first error other than an
    excluded page or None)."""
    vm = fadump.Vmcore(path)
    kept = []
    zeros = set()
    kinds = {}
    differ = []
    error = None
    zero = bytes(page_size)
    for pfn in pfns:
        try:
            page = vm.read(pfn * page_size, page_size)
        except fadump.ExcludedError:
            continue
        except fadump.Error as e:
            error = error or f'pfn {pfn:#x}: {e}'
            continue
        kept.append(pfn)
        if page == zero:
            zeros.add(pfn)
        k = marks.kind(page)
        if k:
            kinds[k] = kinds.get(k, 0) + 1
        if raw is None or pfn in skip:
            continue
        lo, hi = (partial or {}).get(pfn, (0, page_size))
        if raw.read(pfn * page_size + lo, hi - lo) != page[lo:hi]:
            differ.append(pfn)
    return vm, kept, zeros, kinds, differ, error


def released_pfns(b2, page_size):
    """pfns the release_range checks released before the raw save (zeros
    in the raw dump, not in the files saved before them)."""
    env = {}
    for line in (read_text(os.path.join(b2, 'rr', 'env'), '') or '').splitlines():
        for kv in line.split():
            if '=' in kv:
                k, v = kv.split('=', 1)
                env[k] = v
    out = set()
    if 'start' in env and 'size' in env:
        a, n = int(env['start']), int(env['size'])
        out.update(range(a // page_size, (a + n) // page_size))
    if 'first_start' in env:
        out.add(int(env['first_start']) // page_size)
    return out


def save_counts(j):
    """(pages_total, pages_kept, {class: kept}, {class: excluded}) of our
    save's JSON summary, None where it lacks them."""
    if not isinstance(j, dict):
        return None, None, None, None
    for where in (j, j.get('pages'), j.get('filter')):
        if not isinstance(where, dict):
            continue
        total = where.get('pages_total', where.get('total'))
        kept_n = where.get('pages_kept', where.get('kept'))
        kept = where.get('class_kept')
        excl = where.get('class_excluded')
        classes = where.get('classes')
        if isinstance(classes, dict) and kept is None:
            kept = {c: v.get('kept', 0) for c, v in classes.items() if isinstance(v, dict)}
            excl = {c: v.get('excluded', 0) for c, v in classes.items() if isinstance(v, dict)}
        if total is not None or kept is not None:
            return total, kept_n, kept, excl
    return None, None, None, None


def peer_report(b2, c):
    """{report line: pages} of makedumpfile -d 31 -C's report (message
    level 23), from its stdout and stderr."""
    text = (read_text(os.path.join(b2, f'makedumpfile-{c}.out'), '') +
            read_text(os.path.join(b2, f'makedumpfile-{c}.err'), ''))
    out = {}
    for name in [r[1] for r in REPORT] + ['Excluded pages', 'Remaining pages', 'Original pages',
                                         'Total pages', 'Memory Hole']:
        m = re.search(re.escape(name) + r'\s*:\s*0x([0-9a-fA-F]+)', text)
        if m:
            out[name] = int(m.group(1), 16)
    return out


def runs(b2):
    """{(tool, compression): ([seconds], [bytes])} of compare.txt."""
    out = {}
    for line in (read_text(os.path.join(b2, 'compare.txt'), '') or '').splitlines():
        f = line.split()
        if len(f) != 5:
            continue
        tool, comp = f[0], PEER_COMPRESSION.get(f[1], f[1]) if f[0] == 'makedumpfile' else f[1]
        try:
            secs, size = float(f[3]), int(f[4])
        except ValueError:
            continue
        t = out.setdefault((tool, comp), ([], []))
        t[0].append(secs)
        t[1].append(size)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--fadumpctl', required=True, help='native fadumpctl (dmesg of the files)')
    ap.add_argument('dir')
    a = ap.parse_args()
    b1 = os.path.join(a.dir, 'boot1')
    b2 = os.path.join(a.dir, 'boot2')

    counts = {}
    for line in (read_text(os.path.join(b1, 'known.txt'), '') or '').splitlines():
        f = line.split()
        if len(f) == 2 and f[1].isdigit():
            counts[f[0]] = int(f[1])
    if not check(set(counts) == {k.decode() for k in KINDS}, 'first boot: left marked memory of every kind',
                 repr(counts)):
        print(f'{common.passed} passed, {common.failed} failed')
        return 1
    raw_path = os.path.join(b2, 'vmcore')
    if not check(os.path.exists(raw_path), 'capture boot: the raw dump was saved'):
        print(f'{common.passed} passed, {common.failed} failed')
        return 1
    raw = fadump.Vmcore(raw_path)
    ps = raw.page_size
    marks = Marks(ps, counts, 'big' if raw.info.big_endian else 'little')
    pfns, partial = raw_pfns(raw, ps)
    skip = released_pfns(b2, ps)

    # What is there to find: every kind in the raw dump, some at the top
    # of RAM (above the capture kernel's boot memory, where the dump's
    # section map and struct pages are too)
    in_raw = scan_raw(raw, ps, marks)
    per_kind = {k: 0 for k in counts}
    for k in in_raw.values():
        per_kind[k] += 1
    for k, n in sorted(per_kind.items()):
        print(f'     raw dump: {n} of {counts[k]} {k} pages ({KINDS[k.encode()]})')
    for k in ('E2E-ANON', 'E2E-PCAC'):
        check(per_kind[k] == counts[k], f'raw dump: all {counts[k]} {k} pages are in memory', str(per_kind[k]))
    check(per_kind['E2E-FILL'] + len(skip) >= counts['E2E-FILL'],
          'raw dump: the tmpfs pages are in memory (but those released before the raw save)',
          f'{per_kind["E2E-FILL"]} + {len(skip)} released of {counts["E2E-FILL"]}')
    for k in ('E2E-FREE', 'E2E-DELF'):
        check(per_kind[k] > 0, f'raw dump: freed {k} pages still hold their marker', str(per_kind[k]))
    top = max(pfns) * 7 // 8
    high = sum(1 for p in in_raw if p >= top)
    check(high > 0, 'raw dump: marked pages in the top eighth of RAM', f'none above pfn {top:#x}')

    # Our level-31 files
    printk = (read_text(os.path.join(b1, 'printk-marker'), '') or '').strip()
    cmpk = load_sibling('compare_kdump', 'compare-kdump.py')
    ours = {}
    ref_kept = None
    for c in OURS:
        path = os.path.join(b2, f'flt-{c}.kdump')
        label = f'ours ({c})'
        if not check(os.path.exists(path), f'{label}: fadumpctl save --level 31 --format kdump --compress {c} wrote a file',
                     (read_text(os.path.join(b2, 'flt-skipped'), '') or read_text(os.path.join(b2, f'flt-{c}.err'), '')
                      or '')[:300]):
            continue
        vm, kept, zeros, kinds, differ, error = scan_kdump(path, pfns, ps, marks, raw, skip, partial)
        ours[c] = (kept, kinds, {})
        check(error is None, f'{label}: every page reads, or is excluded', error)
        check(vm.info.format == fadump.FORMAT_KDUMP, f'{label}: a kdump-compressed file', str(vm.info.format))
        check(vm.info.memory_bytes == len(pfns) * ps, f'{label}: the raw dump\'s memory, in whole pages',
              f'{vm.info.memory_bytes} != {len(pfns)} pages')
        for k in sorted(counts):
            check(kinds.get(k, 0) == 0, f'{label}: no {k} page kept ({KINDS[k.encode()]})',
                  f'{kinds.get(k, 0)} kept')
        check(not differ, f'{label}: each of its {len(kept)} pages equals the raw dump\'s',
              f'{len(differ)} differ, first pfns {[hex(p) for p in differ[:5]]}')
        check(0 < len(kept) < len(pfns), f'{label}: keeps some pages, not all', f'{len(kept)} of {len(pfns)}')
        if ref_kept is None:
            ref_kept = kept
        else:
            check(kept == ref_kept, f'{label}: the same pages as ours (zstd)', f'{len(kept)} vs {len(ref_kept)}')
        p = subprocess.run([a.fadumpctl, 'dmesg', path], capture_output=True, text=True, errors='replace')
        check(p.returncode == 0 and printk and printk in p.stdout,
              f'{label}: fadumpctl dmesg shows the first boot\'s printk record', f'rc={p.returncode} {p.stderr[:200]}')
        try:
            read_k, kps, max_pfn = cmpk.kdumpfile_reader(path)
            msgs = []
            n, bad = cmpk.compare(cmpk.fadump_reader(path), read_k, kps, max_pfn, msgs.append, limit=3)
            check(bad == 0, f'{label}: libkdumpfile reads its {n} pages as libfadump does', '; '.join(msgs))
        except Exception as e:  # kdumpfile's exceptions have no common base
            check(False, f'{label}: libkdumpfile opens it', f'{type(e).__name__}: {e}')
        rc = (read_text(os.path.join(b2, f'flt-{c}.rc'), '') or '').strip()
        j = None
        try:
            j = json.loads(read_text(os.path.join(b2, f'flt-{c}.out'), '') or '')
        except ValueError as e:
            check(False, f'{label}: the save printed a JSON summary', str(e))
        total, kept_n, ckept, cexcl = save_counts(j)
        if j is not None and check(rc == '0' and ckept is not None and cexcl is not None,
                                   f'{label}: JSON summary with per-class kept and excluded pages', repr(j)[:300]):
            check(total == len(pfns) and sum(ckept.values()) + sum(cexcl.values()) == total,
                  f'{label}: JSON: kept + excluded per class add up to the dump\'s {len(pfns)} pages',
                  f'total {total}, kept {sum(ckept.values())} + excluded {sum(cexcl.values())}')
            # the file may hold the excluded zero pages as one shared page
            check(kept_n == sum(ckept.values()) and len(kept) in (kept_n, kept_n + cexcl.get('zero', 0)),
                  f'{label}: JSON: pages kept are the pages the file holds (but excluded zero pages)',
                  f'pages_kept {kept_n}, per class {sum(ckept.values())}, file {len(kept)} '
                  f'({len(zeros)} zero), excluded zero {cexcl.get("zero", 0)}')
            ours[c] = (kept, kinds, cexcl, kept_n)

    # makedumpfile's files: the marked pages they kept, reported
    peer = {}
    for c in PEER:
        path = os.path.join(b2, f'dump-d31-{c}.kdump')
        if not os.path.exists(path):
            print(f'     makedumpfile -{c}: no file')
            continue
        _, kept, zeros, kinds, _, error = scan_kdump(path, pfns, ps, marks)
        if error:
            print(f'     makedumpfile -d 31 -{c}: {error}')
        peer[c] = (kept, kinds, peer_report(b2, c), zeros)
        print(f'     makedumpfile -d 31 -{c}: holds {len(kept)} pages ({len(zeros)} of them zero); marked pages kept: ' +
              (', '.join(f'{k} {n}' for k, n in sorted(kinds.items())) or 'none'))

    table = comparison_table(len(pfns), counts, per_kind, ours, peer, runs(b2))
    if 'zstd' in ours and 'c' in peer:
        table += disagreement(raw, set(ours['zstd'][0]), set(peer['c'][0]) - peer['c'][3])
    with open(os.path.join(a.dir, 'filtered-compare.txt'), 'w') as f:
        f.write(table)
    print(table, end='')
    print(f'{common.passed} passed, {common.failed} failed')
    return 1 if common.failed else 0


def disagreement(raw, ours, peer):
    """The pages one tool kept and the other left out (makedumpfile's
    shared zero pages apart), by the class our reader gives them in the
    raw dump: what explains the table's differences."""
    lines = ['', f'{"kept by one tool only, class":32} {"ours only":>10} {"mdf only":>9}']
    tally = {}
    for pfns, col in ((ours - peer, 0), (peer - ours, 1)):
        for pfn in pfns:
            cls = raw.page_class(pfn, zero=True)
            tally.setdefault(cls, [0, 0])[col] += 1
    for cls, (o, m) in sorted(tally.items()):
        lines.append(f'{cls:32} {o:>10} {m:>9}')
    if not tally:
        lines.append(f'{"(none)":32}')
    return '\n'.join(lines) + '\n'


def comparison_table(total, counts, in_raw, ours, peer, times):
    """Pages excluded per class, marked pages kept, times and sizes."""
    zstd = ours.get('zstd')
    cexcl = zstd[2] if zstd else {}
    rep = peer.get('c', (None, None, {}))[2]
    lines = [f'Level 31 on the same dump ({total} pages of memory): pages excluded per class',
             f'{"class (makedumpfile -d bit)":32} {"ours":>10} {"makedumpfile":>13} {"diff":>8}']
    sums = [0, 0]
    for _, name, classes in REPORT:
        o = sum(cexcl.get(c, 0) for c in classes) if cexcl else None
        m = rep.get(name)
        sums[0] += o or 0
        sums[1] += m or 0
        diff = f'{(o - m) * 100 / max(m, 1):+.1f}%' if o is not None and m is not None else '-'
        lines.append(f'{name:32} {o if o is not None else "-":>10} {m if m is not None else "-":>13} {diff:>8}')
    if cexcl:
        extra = {c: n for c, n in cexcl.items() if n and not any(c in r[2] for r in REPORT)}
        for c, n in sorted(extra.items()):
            lines.append(f'{"  also excluded: " + c:32} {n:>10} {"-":>13}')
    lines.append(f'{"excluded pages":32} {sums[0] if cexcl else "-":>10} '
                 f'{rep.get("Excluded pages", "-"):>13}')
    lines.append(f'{"kept pages":32} {zstd[3] if zstd and len(zstd) > 3 else "-":>10} '
                 f'{rep.get("Remaining pages", "-"):>13}')
    lines.append(f'{"pages of the dump":32} {total:>10} {rep.get("Original pages", "-"):>13}')
    lines.append(f'{"pages the file holds (read)":32} {len(zstd[0]) if zstd else "-":>10} '
                 f'{len(peer["c"][0]) if "c" in peer else "-":>13}')
    lines.append('')
    lines.append(f'{"marked pages kept":32} {"in raw":>8} {"ours":>6} {"mdf -c":>7} {"mdf -l":>7}')
    for k in sorted(counts):
        o = zstd[1].get(k, 0) if zstd else '-'
        pc = peer['c'][1].get(k, 0) if 'c' in peer else '-'
        pl = peer['l'][1].get(k, 0) if 'l' in peer else '-'
        lines.append(f'{k + " " + KINDS[k.encode()]:32} {in_raw.get(k, 0):>8} {o:>6} {pc:>7} {pl:>7}')
    lines.append('')
    lines.append(f'{"save (in the guest)":32} {"runs":>5} {"median s":>9} {"size":>12}')
    for (tool, comp), (secs, sizes) in sorted(times.items(), key=lambda t: (t[0][1], t[0][0])):
        lines.append(f'{tool + " " + comp:32} {len(secs):>5} {statistics.median(secs):>9.2f} '
                     f'{statistics.median(sizes):>12.0f}')
    return '\n'.join(lines) + '\n'


if __name__ == '__main__':
    sys.exit(main())
