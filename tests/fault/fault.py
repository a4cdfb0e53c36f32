#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fault injection, kill loop and release ordering of fadumpctl save.

    fault.py inject              fail each call the saver makes on its
                                 destination in turn, with each error kind
                                 (filtered formats: see --every-kind)
    fault.py kill [--runs N]     SIGKILL / SIGTERM a save --release at a
                                 random moment, N times (default 200)
    fault.py ranges [--runs N]   save --release=ranges: every range released
                                 only after its bytes were fdatasync()ed; a
                                 kill keeps them in NAME.partial

Each takes --format (repeatable): raw, the level-0 ELF copy, or a filtered
format, kdump* or elf31 (tests/fault/formats.py says how their files are
checked).

Environment (set by tests/fault/meson.build): FADUMPCTL, MKVMCORE,
FADUMP_TEST_DATA, FAULTSHIM (the LD_PRELOAD library faultshim.c, whose
header describes its variables). Prints what it did and a last line
"N passed, N failed"; exits non-zero on any failure.

The expectations are the saver's contract (include/fadump.h, docs), not
its output: after every run the destination holds either the complete
dump under its final name (byte-identical for raw, read back by an
independent reader for the filtered formats) or nothing at all (with
--release=ranges, NAME.partial holding what was released), and the dump's
memory is released only when the dump is complete, or a range of it when
the dump leaves it out or holds it durably.
"""

import argparse
import collections
import errno
import json
import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

from formats import (FORMATS, KERNEL_GEN, Failure, Judge, Layout, Planted,
                     check, check_filtered_releases, verify)

FADUMPCTL = os.environ.get('FADUMPCTL')
MKVMCORE = os.environ.get('MKVMCORE')
DATA = os.environ.get('FADUMP_TEST_DATA')
SHIM = os.environ.get('FAULTSHIM')

FIXTURE = 'qemu-7.2-le-capture'
ERRNO_KINDS = ('ENOSPC', 'EIO', 'EDQUOT')
# What the shim interposes, by syscall name as strace shows it.
SYSCALL_OPS = {
    'open': 'open', 'openat': 'open', 'creat': 'open',
    'pwrite64': 'pwrite', 'write': 'write', 'fsync': 'fsync',
    'fdatasync': 'fdatasync', 'ftruncate': 'ftruncate',
    'sync_file_range': 'sync_file_range', 'linkat': 'linkat',
    'renameat': 'renameat', 'renameat2': 'renameat', 'rename': 'renameat',
    'unlinkat': 'unlinkat', 'unlink': 'unlinkat', 'close': 'close',
}
# Calls on the destination that change nothing: need no fault injection.
READ_ONLY_SYSCALLS = {
    'newfstatat', 'fstat', 'fstatfs', 'statfs', 'statx', 'lseek',
    'fadvise64', 'fcntl', 'getdents64', 'readlinkat', 'readlink',
    'faccessat', 'faccessat2', 'access', 'flistxattr', 'fgetxattr',
}
# Failures the saver may ignore: writeback hints and cleanup.
MAY_IGNORE = {'sync_file_range', 'unlinkat'}


class Skip(Exception):
    """A part of a test not run in this form."""


class Outcome:
    """What assert_whole_message() reads of a finished Popen."""

    def __init__(self, stderr):
        self.stderr = stderr


def clean_env():
    e = dict(os.environ)
    for k in list(e):
        if k.startswith('FADUMP_') and k != 'FADUMP_TEST_DATA':
            del e[k]
    e['LC_ALL'] = 'C'
    return e


def shim_env(dest, root, trace=None, fault=None, delay_us=None,
             sync_delay_us=None, extra=None):
    e = clean_env()
    e['LD_PRELOAD'] = SHIM + (' ' + e['LD_PRELOAD'] if e.get('LD_PRELOAD') else '')
    # an ASan fadumpctl: the shim comes before its runtime, on purpose
    e['ASAN_OPTIONS'] = (e['ASAN_OPTIONS'] + ':' if e.get('ASAN_OPTIONS') else '') + \
        'verify_asan_link_order=0'
    e['FADUMP_FAULT_DIR'] = str(dest)
    e['FADUMP_FAKE_ROOT'] = str(root)
    if trace:
        e['FADUMP_FAULT_TRACE'] = str(trace)
    if fault:
        e['FADUMP_FAULT'] = fault
    if delay_us:
        e['FADUMP_FAULT_DELAY_US'] = str(delay_us)
    if sync_delay_us:
        e['FADUMP_FAULT_SYNC_DELAY_US'] = str(sync_delay_us)
    e.update(extra or {})
    return e


def gen(path, *args):
    p = subprocess.run([MKVMCORE, '--describe'] + list(args) + [str(path)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, check=True)
    return json.loads(p.stdout)


def segments(vmcore):
    """The dump's PT_LOAD segments as fadumpctl info reads them."""
    p = subprocess.run([FADUMPCTL, 'info', '--json', str(vmcore)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, env=clean_env())
    check(p.returncode == 0, 'info failed: ' + p.stderr)
    return json.loads(p.stdout)['segments']


def scratch_parent(need):
    """A tmpfs when there is one with room: hundreds of saves, each with
    its fsync(), are slow on a disk, and the order of calls is the same."""
    shm = '/dev/shm'
    try:
        sv = os.statvfs(shm)
        if os.access(shm, os.W_OK) and sv.f_bavail * sv.f_frsize > 4 * need:
            return shm
    except OSError:
        pass
    return None


class Setup:
    """Scratch directory: a source dump, a fixture root, a destination."""

    def __init__(self, gen_args, release_range=False, need=0, fmt=FORMATS['raw'],
                 kernel_size='64M'):
        self.fmt = fmt
        if fmt.filtered:
            gen_args, need = KERNEL_GEN + ['--size', kernel_size], 256 << 20
        self.dir = tempfile.mkdtemp(prefix='fadump-fault-', dir=scratch_parent(need))
        self.src = os.path.join(self.dir, 'src.vmcore')
        self.desc = gen(self.src, *gen_args)
        with open(self.src, 'rb') as f:
            self.data = f.read()
        self.judge = self.layout = self.planted = None
        if fmt.filtered:
            self.planted = Planted(self.desc, self.data)
            self.judge = Judge(fmt, self.planted)
        self.root = os.path.join(self.dir, 'root')
        shutil.copytree(os.path.join(DATA, 'roots', FIXTURE), self.root,
                        symlinks=True)
        self.vmcore = os.path.join(self.root, 'proc/vmcore')
        os.unlink(self.vmcore)
        self.sysfs = os.path.join(self.root, 'sys/kernel/fadump')
        self.release_range = release_range
        self.dest = os.path.join(self.dir, 'dest')
        self.trace = os.path.join(self.dir, 'trace')
        self.reset()
        if fmt.filtered:
            self.reference()

    def reference(self):
        """A save without the shim, read back whole by the oracle: what
        complete() compares with, where each kept page lies."""
        p = subprocess.run(self.argv(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=120,
                           env=clean_env())
        check(p.returncode == 0, 'reference save: ' + p.stderr)
        path = os.path.join(self.dest, 'vmcore')
        check(self.judge.complete(path), 'reference save: ' + str(self.judge.why))
        self.layout = Layout(self.fmt, self.planted, path)
        self.reset()

    def reset(self):
        """A fresh empty destination and an unreleased dump."""
        if os.path.lexists(self.dest):
            shutil.rmtree(self.dest)
        os.mkdir(self.dest, 0o700)
        if not os.path.exists(self.vmcore):
            os.link(self.src, self.vmcore)      # /proc/vmcore is back
        for name in ('release_mem',) + (('release_range',) if self.release_range else ()):
            with open(os.path.join(self.sysfs, name), 'wb'):
                pass
        if os.path.exists(self.trace):
            os.unlink(self.trace)

    def released(self):
        """Did release_mem run? The fake store writes it and removes the dump."""
        with open(os.path.join(self.sysfs, 'release_mem'), 'rb') as f:
            written = f.read()
        gone = not os.path.exists(self.vmcore)
        check(bool(written) == gone, 'release_mem holds %r but /proc/vmcore %s'
              % (written, 'is gone' if gone else 'is there'))
        return gone

    def complete(self, name='vmcore'):
        path = os.path.join(self.dest, name)
        if not os.path.isfile(path) or os.path.islink(path):
            return False
        if self.judge:
            return self.judge.complete(path)
        with open(path, 'rb') as f:
            return f.read() == self.data

    def argv(self, *args):
        return [FADUMPCTL, '--root', self.root, 'save', '--json'] + \
            self.fmt.args + list(args) + [self.dest]

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def parse_trace(path):
    """The shim's trace: a list of dicts, in call order."""
    events = []
    if not os.path.exists(path):
        return events
    with open(path) as f:
        for line in f:
            t = line.split()
            if not t:
                continue
            if t[0] == 'release_mem':
                events.append({'op': t[0], 'result': int(t[-2]),
                               'errno': int(t[-1])})
            elif t[0] == 'release_range':
                ev = {'op': t[0], 'result': int(t[-2]), 'errno': int(t[-1])}
                try:
                    ev['start'], ev['size'] = int(t[1], 16), int(t[2], 16)
                except (ValueError, IndexError):
                    ev['start'] = ev['size'] = None
                events.append(ev)
            else:
                events.append({'op': t[0], 'fd': int(t[1]), 'offset': int(t[2]),
                               'len': int(t[3]), 'result': int(t[4]),
                               'errno': int(t[5]), 'kind': t[6],
                               'path': ' '.join(t[7:])})
    return events


def strace_ops(setup, args, extra=None):
    """Calls on the destination seen by strace: Counter of shim op names.
    Fails on a call that changes the destination but is not interposed."""
    log = os.path.join(setup.dir, 'strace')
    setup.reset()
    env = shim_env(setup.dest, setup.root, extra=extra)
    if 'ASAN_OPTIONS' in env:       # LeakSanitizer cannot run under ptrace
        env['ASAN_OPTIONS'] += ':detect_leaks=0'
    p = subprocess.run(['strace', '-f', '-y', '-qq', '-o', log] +
                       setup.argv(*args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, env=env)
    check(p.returncode == 0, 'save under strace failed: ' + p.stderr)
    got = collections.Counter()
    dest = re.escape(setup.dest)
    mention = re.compile(r'(?:\d+<%s(?:/[^>]*)?>|"%s(?:/[^"]*)?")' % (dest, dest))
    call = re.compile(r'^\d+\s+(\w+)\((.*)$')
    with open(log) as f:
        for line in f:
            m = call.match(line)
            if not m or not mention.search(m.group(2)):
                continue
            name, rest = m.groups()
            if name == 'execve' or re.match(r'[12]<', rest):
                continue        # our own argv, or a message on stdout/stderr
            if name in READ_ONLY_SYSCALLS:
                continue
            check(name in SYSCALL_OPS,
                  'the saver calls %s() on its destination and the shim does '
                  'not interpose it: %s' % (name, line.strip()))
            got[SYSCALL_OPS[name]] += 1
    return got


def run_save(setup, args, **env):
    return subprocess.run(setup.argv(*args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=120,
                          env=shim_env(setup.dest, setup.root, **env))


def assert_clean_failure(setup, p):
    check(p.returncode > 0, 'exit status %d' % p.returncode)
    left = os.listdir(setup.dest)
    check(left == [], 'left in the destination after a failed save: %s' % left)
    check(not setup.released(), 'memory released although the save failed')


# The message of a failed save, whole: what failed, then (once there is a
# copy) what became of it, said once. From the saver's contract
# (include/fadump.h, docs/vmcore.md): a copy is removed, unless memory was
# released on the strength of it; then it is kept and the message says so.
def message_forms(dest, total):
    d = re.escape(dest)
    copy = (r'(?P<copy>%s/(?:vmcore\.partial|\.vmcore\.[A-Za-z0-9]{6}|'
            r'vmcore \(not yet linked\)))' % d)
    err = r'(?P<err>[A-Za-z/ ]+)'  # strerror()
    removed = r'; the partial copy is removed'
    kept = (r"; (?P<released>\d+) bytes of the dump's memory were already "
            r"released, so %s/vmcore\.partial is kept: its first "
            r"(?P<durable>\d+) bytes are the dump's(?:, except file bytes "
            r"\[0x[0-9a-f]+, 0x[0-9a-f]+\)(?: and the other ranges logged)? "
            r"\(memory the kernel keeps: /proc/vmcore still has it\))?" % d)
    # a filtered file (kdump or ELF) is a dump of the pages it holds
    kept_filtered = (r"; (?P<released>\d+) bytes of the dump's memory were "
                     r"already released, so %s/vmcore\.partial is kept: it "
                     r"holds the kept pages below pfn (?:0x[0-9a-f]+|0) \((?:a "
                     r"kdump-compressed file marked incomplete|a filtered ELF "
                     r"file; later pages read as zeros|a complete "
                     r"(?:kdump-compressed|filtered ELF) file)\)" % d)
    taken_back = r'; the copy is removed'
    kept_whole = (r"; (?P<released>\d+) bytes of the dump's memory were "
                  r"already released, so the copy is kept \(complete, but "
                  r"check it is still there after a crash\)")
    what = [
        (r'%s: write at offset (?P<offset>0x[0-9a-f]+|0) failed: %s \(copy '
         r'stopped at (?P<stopped>\d+) of %d bytes\)' % (copy, err, total),
         [removed, kept]),
        (r'%s: (?:ftruncate|fdatasync|fsync|fsync of the directory) failed: %s'
         % (copy, err), [removed, kept]),
        (r'cannot (?:rename %s to vmcore|link %s into place): %s'
         % (copy, copy.replace('?P<copy>', ''), err), [removed, kept]),
        (r'%s/vmcore appeared while saving: not overwritten' % d,
         [removed, kept]),
        (r'saving to %s cancelled (?:after \d+ of %d bytes|at the end)'
         % (d, total),
         [removed, kept]),
        # before there is a copy: nothing to say about it
        (r'cannot (?:open directory %s|create a file in %s|create '
         r'%s/vmcore\.partial): %s' % (d, d, d, err), ['']),
        # after it was in place
        (r'(?:close|fsync of the directory) of %s/vmcore failed: %s' % (d, err),
         [taken_back, kept_whole]),
    ]
    return [re.compile(w + f) for w, fates in what
            for f in fates + ([kept_filtered] if kept in fates else [])]


def assert_whole_message(setup, p, kind=None, write_offset=None):
    """@p's stderr is one whole message of a known form, its numbers true:
    the errno injected (@kind), the offset of the write that failed, the
    bytes the fake release_range took (then the copy is said to be kept,
    else removed)."""
    prefix = 'fadumpctl: save: '
    check(p.stderr.startswith(prefix) and p.stderr.count('\n') == 1 and
          p.stderr.endswith('\n'), 'not one error line: %r' % p.stderr)
    body = p.stderr[len(prefix):-1]
    found = [m for m in (r.fullmatch(body) for r in
                         message_forms(setup.dest, len(setup.data))) if m]
    check(len(found) == 1, 'not one whole message of a known form (%d '
          'forms match): %r' % (len(found), p.stderr))
    g = found[0].groupdict()
    if kind and g.get('err') is not None:
        want = os.strerror(getattr(errno, kind))
        check(g['err'] == want, 'the message names %r, the failure was %r: %r'
              % (g['err'], want, p.stderr))
    released = sum(e['size'] for e in parse_trace(setup.trace)
                   if e['op'] == 'release_range' and e['result'] >= 0)
    said = int(g['released']) if g.get('released') else 0
    check(said == released, 'the message says %d bytes were released, the '
          'store took %d: %r' % (said, released, p.stderr))
    if g.get('offset'):
        check(int(g['offset'], 16) == int(g['stopped']) and
              (write_offset is None or int(g['stopped']) == write_offset),
              'the failed write was at offset %r: %r' % (write_offset, p.stderr))


def assert_success(setup, p, release):
    check(p.returncode == 0, 'exit status %d: %s' % (p.returncode, p.stderr))
    check(os.listdir(setup.dest) == ['vmcore'],
          'destination holds %s' % os.listdir(setup.dest))
    check(setup.complete(), 'the saved dump differs from the source')
    mode = stat.S_IMODE(os.stat(os.path.join(setup.dest, 'vmcore')).st_mode)
    check(mode == 0o600, 'saved dump has mode %o' % mode)
    check(setup.released() == release,
          'released is %s after save%s' % (setup.released(),
                                           ' --release' if release else ''))


# ---------------------------------------------------------------------------
# inject

class Mode:
    """One way of saving: which temporary file, which release."""

    def __init__(self, name, release_arg, always_release=False, env=None,
                 release_range=False):
        self.name = name
        self.release_arg = release_arg
        self.always_release = always_release    # --release=ranges: every run
        self.env = env or {}
        self.release_range = release_range

    def args(self, release):
        return [self.release_arg] if release or self.always_release else []


MODES = [
    # O_TMPFILE, linked into place; --release is release_mem at the end
    Mode('tmpfile', '--release'),
    # a filesystem without O_TMPFILE: ".vmcore.XXXXXX", renamed into place
    Mode('named', '--release', env={'FADUMP_FAULT_NO_TMPFILE': '1'}),
    # "vmcore.partial" from the start; ranges released after fdatasync()
    Mode('ranges', '--release=ranges', always_release=True, release_range=True),
]


def counting_run(setup, mode, release):
    setup.reset()
    p = run_save(setup, mode.args(release), trace=setup.trace, extra=mode.env)
    assert_success(setup, p, release or mode.always_release)
    summary = json.loads(p.stdout)
    ev = [e for e in parse_trace(setup.trace) if not e['op'].startswith('release')]
    ops = collections.Counter(e['op'] for e in ev)
    written = sum(e['result'] for e in ev if e['op'] in ('pwrite', 'write'))
    # Every byte the saver wrote went through the shim, so a fault in
    # any of those calls is one this loop injects.
    check(written == summary['bytes_written'],
          'the shim saw %d bytes written, the saver reports %d: it writes '
          'through a call the shim does not interpose' %
          (written, summary['bytes_written']))
    check(any(e['op'] in ('fsync', 'fdatasync') and e['kind'] == 'f' for e in ev),
          'no fsync of the file seen')
    check(any(e['op'] == 'fsync' and e['kind'] == 'd' for e in ev),
          'no fsync of the directory seen')
    check(ops['linkat'] + ops['renameat'] >= 1, 'no link or rename into place seen')
    check(ops['open'] >= 2, 'fewer than 2 opens seen (directory, file)')
    # The durable point: the last fsync of the directory. Failures after
    # it may be ignored (the dump is in place and on disk).
    durable = max(i for i, e in enumerate(ev) if e['op'] == 'fsync' and e['kind'] == 'd')
    nth = collections.Counter()
    late = set()
    for i, e in enumerate(ev):
        nth[e['op']] += 1
        if i > durable:
            late.add((e['op'], nth[e['op']]))
    return ops, late


def kinds_for(op):
    if op in ('pwrite', 'write'):
        return ERRNO_KINDS + ('EINTR', 'short')
    return ERRNO_KINDS + ('EINTR',)


def assert_kept_partial(setup, p, fmap):
    """A range-wise save that failed after releasing memory: the copy stays
    (as vmcore.partial, or as vmcore when it failed after the rename) and
    holds every released range, which exists nowhere else any more."""
    files = os.listdir(setup.dest)
    check(files in (['vmcore.partial'], ['vmcore']),
          'memory was released, the destination holds %s' % files)
    check(not setup.released(), 'release_mem after a failed save')
    rel = [e for e in parse_trace(setup.trace)
           if e['op'] == 'release_range' and e['result'] >= 0]
    if setup.fmt.filtered:
        assert_partial_holds(setup, os.path.join(setup.dest, files[0]), rel)
        return
    with open(os.path.join(setup.dest, files[0]), 'rb') as f:
        part = f.read()
    for e in rel:
        for lo, hi in fmap.intervals(e['start'], e['size']):
            check(part[lo:hi] == setup.data[lo:hi],
                  '%s lacks released range %#x+%#x'
                  % (files[0], e['start'], e['size']))


def assert_partial_holds(setup, path, rel):
    """A filtered file kept after ranges were released: the oracle reads
    the source's bytes in it for every kept page given back (the pages
    left out were never in it). Returns how many it read."""
    pl = setup.planted
    pfns = {pfn for e in rel for pfn in pl.pfns(e['start'], e['size'])
            if pfn in pl.kept}
    verify(setup.fmt, pl, path, pfns)
    # and the library's own reader takes it for the dump it says it is
    p = subprocess.run([FADUMPCTL, 'info', '--json', path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, env=clean_env())
    check(p.returncode == 0, 'fadumpctl info %s: %s'
          % (os.path.basename(path), p.stderr.strip()))
    return len(pfns)


def check_releases(setup, whole):
    """The order of a filtered save's releases (formats.py), from its trace."""
    return check_filtered_releases(setup.planted, setup.layout,
                                   parse_trace(setup.trace), whole)


def sampled_kinds(op, i, n):
    """The short form's faults for call @i of @n of @op: one errno kind,
    in turn, and EINTR (and a short write); of many writes, the first
    and last four and about 32 spread between them."""
    stride = max(1, -(-n // 32))
    if op in ('pwrite', 'write') and 4 < i <= n - 4 and i % stride:
        return []
    kinds = [ERRNO_KINDS[(i - 1) % len(ERRNO_KINDS)]]
    if op not in ('pwrite', 'write') or i % 4 == 1 or i == n:
        kinds += [k for k in kinds_for(op) if k not in ERRNO_KINDS]
    return kinds


def inject_mode(setup, mode, every_kind=True):
    """All injection points of one mode: (passed, failed, report lines)."""
    passed = failed = 0
    lines = []
    ops, late = counting_run(setup, mode, False)
    if not mode.always_release:
        ops_rel, _ = counting_run(setup, mode, True)
        check(ops == ops_rel, '%s: release changes the calls on the '
              'destination: %s vs %s' % (mode.name, dict(ops), dict(ops_rel)))
    if shutil.which('strace'):
        seen = strace_ops(setup, mode.args(False), mode.env)
        check(seen == ops, '%s: strace saw %s on the destination, the shim %s'
              % (mode.name, dict(seen), dict(ops)))
    fmap = FileMap(setup.src) if mode.release_range else None
    points = [(op, i, kind) for op in sorted(ops)
              for i in range(1, ops[op] + 1)
              for kind in (kinds_for(op) if every_kind
                           else sampled_kinds(op, i, ops[op]))]
    outcomes = collections.Counter()
    bad = []
    for n, (op, i, kind) in enumerate(points):
        release = n % 2 == 1 or mode.always_release
        setup.reset()
        p = run_save(setup, mode.args(release), trace=setup.trace,
                     fault='%s:%d:%s' % (op, i, kind), extra=mode.env)
        what = '%s: %s #%d %s%s' % (mode.name, op, i, kind,
                                    ' ' + mode.release_arg if release else '')
        try:
            ev = [e for e in parse_trace(setup.trace) if e['op'] == op]
            check(len(ev) >= i, 'the save made only %d %s calls: the '
                  'fault was never injected' % (len(ev), op))
            if setup.fmt.filtered and mode.release_range:
                check_releases(setup, p.returncode == 0)
            if p.returncode == 0:
                assert_success(setup, p, release)
                must_fail = (kind in ERRNO_KINDS and op not in MAY_IGNORE
                             and (op, i) not in late)
                check(not must_fail, 'the failure of %s was ignored: the '
                      'save reported success' % op)
                outcomes['success'] += 1
            else:
                check(kind != 'short' and
                      not (kind == 'EINTR' and op in ('pwrite', 'write')),
                      'a %s %s must be retried, the save failed: %s'
                      % (kind, op, p.stderr.strip()))
                assert_whole_message(setup, p, kind, ev[i - 1]['offset']
                                     if op in ('pwrite', 'write') else None)
                if mode.release_range and any(
                        e['op'] == 'release_range' and e['result'] >= 0
                        for e in parse_trace(setup.trace)):
                    assert_kept_partial(setup, p, fmap)
                    outcomes['failure, released ranges kept'] += 1
                else:
                    assert_clean_failure(setup, p)
                    outcomes['clean failure'] += 1
            passed += 1
        except Failure as e:
            failed += 1
            bad.append('%s: %s' % (what, e))
    lines.append('%s %s: %d injection points (%s): %s' % (
        setup.fmt.name, mode.name, len(points),
        ', '.join('%s x%d' % (op, ops[op]) for op in sorted(ops)),
        ', '.join('%d %s' % (v, k) for k, v in sorted(outcomes.items()))))
    lines += ['FAIL ' + b for b in bad[:10]]
    if len(bad) > 10:
        lines.append('... and %d more' % (len(bad) - 10))
    return passed, failed, lines


def cmd_inject(args):
    passed = failed = 0
    if not shutil.which('strace'):
        print('strace not installed: relying on the byte count check')
    for fmt in formats_of(args):
        for mode in MODES:
            if args.mode and mode.name not in args.mode:
                continue
            # The filtered savers create, name and publish the file as the
            # raw copy does: their short form is the range-wise mode, whose
            # checkpoints and releases are theirs alone.
            if not args.mode and fmt.filtered and not args.every_kind and \
                    mode.name != 'ranges':
                continue
            setup = None
            try:
                setup = Setup(['--little', '--size', args.size, '--page-size',
                               '4096', '--zero-percent', '50'], need=8 << 20,
                              release_range=mode.release_range, fmt=fmt)
                p, f, lines = inject_mode(setup, mode, not fmt.filtered or
                                          args.every_kind)
                passed += p
                failed += f
                print('\n'.join(lines))
            except Failure as e:
                print('FAIL %s %s: %s' % (fmt.name, mode.name, e))
                failed += 1
            finally:
                if setup:
                    setup.cleanup()
    return passed, failed


def formats_of(args):
    """The formats asked for (--format), those that can be checked here."""
    out = []
    for name in args.format or args.default_formats:
        fmt = FORMATS[name]
        why = fmt.missing()
        if why:
            print('SKIP %s: %s' % (name, why))
        else:
            out.append(fmt)
    return out


# ---------------------------------------------------------------------------
# kill

def cmd_kill(args):
    passed = failed = 0
    for fmt in formats_of(args):
        p, f = kill_loop(args, fmt)
        passed += p
        failed += f
    return passed, failed


def kill_loop(args, fmt):
    rng = random.Random(args.seed)
    passed = failed = 0
    outcomes = collections.Counter()
    setup = None
    try:
        setup = Setup(['--little', '--size', args.size, '--page-size', '4096',
                       '--zero-percent', '50'], need=16 << 20, fmt=fmt)
        t0 = time.monotonic()
        slow = dict(delay_us=args.delay_us, sync_delay_us=args.sync_delay_us)
        p = run_save(setup, ['--release'], **slow)
        duration = time.monotonic() - t0
        assert_success(setup, p, True)
        print('%s: a save --release takes %.3f s (%d us per write, %d us per '
              'other call on the destination); %d runs, seed %d'
              % (fmt.name, duration, args.delay_us, args.sync_delay_us, args.runs,
                 args.seed))
        for n in range(args.runs):
            sig = signal.SIGKILL if n % 2 == 0 else signal.SIGTERM
            # Half the runs anywhere, half in the last third: publishing
            # and releasing take a small part of the time.
            if n % 4 < 2:
                delay = rng.uniform(0, duration * 1.1)
            else:
                delay = rng.uniform(duration * 0.67, duration * 1.1)
            setup.reset()
            proc = subprocess.Popen(setup.argv('--release'), stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True,
                                    env=shim_env(setup.dest, setup.root, **slow))
            time.sleep(delay)
            proc.send_signal(sig)
            out, err = proc.communicate(timeout=120)
            what = 'run %d (%s after %.3f s)' % (n, sig.name, delay)
            try:
                files = os.listdir(setup.dest)
                complete = setup.complete()
                released = setup.released()
                extra = [f for f in files if f != 'vmcore']
                check(not extra, 'left in the destination: %s' % extra)
                check(complete or 'vmcore' not in files,
                      'an incomplete dump under the final name' +
                      (': %s' % setup.judge.why if setup.judge else ''))
                if released and not complete:
                    outcomes['lost'] += 1
                    raise Failure('memory released without a complete dump')
                check(proc.returncode in (0, 1, -sig),
                      'exit status %d: %s' % (proc.returncode, err))
                if proc.returncode == 0:
                    check(complete and released, 'exit 0 but complete=%s '
                          'released=%s' % (complete, released))
                if sig == signal.SIGTERM and proc.returncode == 1:
                    # a cancel: nothing left, or the dump kept unreleased
                    check(not released, 'released after a cancel')
                    check('cancelled' in err or (complete and 'not released' in err),
                          'SIGTERM: unexpected message %r' % err)
                outcomes['complete' if complete else 'none'] += 1
                passed += 1
            except Failure as e:
                failed += 1
                print('FAIL %s: %s' % (what, e))
        print('%s kill loop: %d complete, %d none, %d lost' %
              (fmt.name, outcomes['complete'], outcomes['none'], outcomes['lost']))
        if args.runs >= 20:
            # Otherwise the loop did not test what it is for.
            if not outcomes['complete'] or not outcomes['none']:
                failed += 1
                print('FAIL the kills never landed on both sides of the end '
                      'of the save (timing off?)')
    except Failure as e:
        print('FAIL %s: %s' % (fmt.name, e))
        failed += 1
    finally:
        if setup:
            setup.cleanup()
    return passed, failed


# ---------------------------------------------------------------------------
# ranges

class FileMap:
    """Physical ranges of the dump to offsets in its file."""

    def __init__(self, vmcore):
        self.segs = [(s['paddr'], s['offset'], s['filesz'])
                     for s in segments(vmcore)]

    def intervals(self, start, size):
        """File intervals holding [start, start + size); None when part of
        the range is in no segment (not in the dump at all)."""
        out = []
        covered = 0
        for paddr, offset, filesz in self.segs:
            lo, hi = max(start, paddr), min(start + size, paddr + filesz)
            if lo < hi:
                out.append((offset + lo - paddr, offset + hi - paddr))
                covered += hi - lo
        return out if covered == size else None


class Coverage:
    """Union of written file intervals."""

    def __init__(self):
        self.iv = []

    def add(self, lo, hi):
        self.iv.append((lo, hi))

    def merged(self):
        out = []
        for lo, hi in sorted(self.iv):
            if out and lo <= out[-1][1]:
                out[-1][1] = max(out[-1][1], hi)
            else:
                out.append([lo, hi])
        return out


def check_release_order(setup, fmap, events, data, block=4096):
    """Each released range: its non-zero bytes were written, then the file
    fdatasync()ed, before the release_range write. Returns the number of
    ranges checked."""
    written = Coverage()
    synced = []             # merged coverage at the last sync of the file
    zero = bytes(block)
    n = 0
    for e in events:
        if e['op'] == 'pwrite' and e['result'] > 0:
            written.add(e['offset'], e['offset'] + e['result'])
        elif e['op'] in ('fdatasync', 'fsync') and e['kind'] == 'f' and e['result'] == 0:
            synced = written.merged()
        elif e['op'] == 'release_range' and e['result'] >= 0:
            check(e['start'] is not None, 'unparsable release_range write')
            ivs = fmap.intervals(e['start'], e['size'])
            check(ivs is not None, 'released %#x+%#x is not all in the dump'
                  % (e['start'], e['size']))
            for lo, hi in ivs:
                for off in range(lo - lo % block, hi, block):
                    blo, bhi = max(off, lo), min(off + block, hi)
                    if data[blo:bhi] == zero[:bhi - blo]:
                        continue        # a hole reads as the zeros it stands for
                    check(any(a <= blo and bhi <= b for a, b in synced),
                          'released %#x+%#x: file bytes %#x-%#x were not written '
                          'and synced before the release' %
                          (e['start'], e['size'], blo, bhi))
            n += 1
    return n


def cmd_ranges(args):
    passed = failed = 0
    for fmt in formats_of(args):
        if fmt.filtered:
            # the other compressors, by default: what differs is the
            # compressed bytes, checked by a whole save and two kills
            brief = not args.format and fmt.name != 'kdump' and fmt.kind == 'kdump'
            p, f = ranges_filtered(args, fmt, min(args.runs, 2) if brief
                                   else args.runs, not brief)
        else:
            p, f = ranges_raw(args, fmt)
        passed += p
        failed += f
    return passed, failed


def save_around_reserved(setup, res_lo, res_hi):
    """save --release=ranges while the fake kernel keeps [res_lo, res_hi):
    the pieces touching it refused (ERANGE) and bisected down to 1 MiB,
    none released. Returns the trace, the refused and the released."""
    setup.reset()
    p = run_save(setup, ['--release=ranges'], trace=setup.trace,
                 extra={'FADUMP_FAKE_RESERVED': '%x-%x' % (res_lo, res_hi)})
    assert_success(setup, p, True)
    ev = parse_trace(setup.trace)
    refused = [e for e in ev if e['op'] == 'release_range' and
               e['errno'] == errno.ERANGE]
    ok = [e for e in ev if e['op'] == 'release_range' and e['result'] >= 0]
    check(refused, 'the reserved range was never tried')
    check(all(e['start'] + e['size'] <= res_lo or e['start'] >= res_hi
              for e in ok), 'a range touching reserved memory was released')
    smallest = min(e['size'] for e in refused)
    check(smallest <= 1 << 20, 'refused ranges not bisected down to 1 MiB '
          '(smallest tried %#x)' % smallest)
    return ev, refused, ok


def start_ranges_save(setup, delay_us):
    """A save --release=ranges, traced, slowed, to be killed."""
    return subprocess.Popen(setup.argv('--release=ranges'), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env=shim_env(setup.dest, setup.root, trace=setup.trace,
                                         delay_us=delay_us))


def ranges_raw(args, fmt):
    rng = random.Random(args.seed)
    setup = Setup(['--little', '--size', args.size, '--page-size', '65536',
                   '--zero-percent', '50'], release_range=True)
    passed = failed = 0
    try:
        fmap = FileMap(setup.src)
        # 1. ordering, on a full save
        setup.reset()
        p = run_save(setup, ['--release=ranges'], trace=setup.trace)
        assert_success(setup, p, True)
        summary = json.loads(p.stdout)
        ev = parse_trace(setup.trace)
        rel = [e for e in ev if e['op'] == 'release_range' and e['result'] >= 0]
        check(summary.get('release_mode') == 'ranges',
              'release_mode %r' % summary.get('release_mode'))
        check(len(rel) == summary.get('ranges_released') and len(rel) >= 1,
              '%d ranges released by the store, %r reported'
              % (len(rel), summary.get('ranges_released')))
        check(sum(e['size'] for e in rel) == summary.get('bytes_released_early'),
              'bytes_released_early %r, the store saw %d' %
              (summary.get('bytes_released_early'), sum(e['size'] for e in rel)))
        n = check_release_order(setup, fmap, ev, setup.data)
        last_range = max(i for i, e in enumerate(ev) if e['op'] == 'release_range')
        check([e['op'] for e in ev[last_range:]].count('release_mem') == 1,
              'release_mem not written once after the ranges')
        print('ranges: %d released (%d bytes) in order, %d syncs' %
              (n, summary['bytes_released_early'], summary.get('syncs', -1)))
        passed += 1

        # 2. memory the kernel keeps: ERANGE, bisected around
        seg = max(fmap.segs, key=lambda s: s[2])
        res_lo = (seg[0] + seg[2] // 2) // 65536 * 65536
        res_hi = res_lo + 65536
        try:
            ev, refused, ok = save_around_reserved(setup, res_lo, res_hi)
            check_release_order(setup, fmap, ev, setup.data)
            print('ranges around reserved %#x-%#x: %d refused, %d released' %
                  (res_lo, res_hi, len(refused), len(ok)))
            passed += 1
        except Failure as e:
            failed += 1
            print('FAIL reserved memory: %s' % e)

        # 3. killed after some ranges were released: NAME.partial holds them
        kept = 0
        for r in range(args.runs):
            sig = signal.SIGKILL if r % 4 != 3 else signal.SIGTERM
            setup.reset()
            proc = start_ranges_save(setup, args.delay_us)
            deadline = time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < deadline:
                if any(e['op'] == 'release_range' and e['result'] >= 0
                       for e in parse_trace(setup.trace)):
                    break
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.5))
            proc.send_signal(sig)
            out, err = proc.communicate(timeout=120)
            try:
                ev = parse_trace(setup.trace)
                rel = [e for e in ev if e['op'] == 'release_range' and e['result'] >= 0]
                files = sorted(os.listdir(setup.dest))
                if setup.complete():
                    check(files == ['vmcore'], 'complete, but also %s' % files)
                elif rel:
                    check(files == ['vmcore.partial'],
                          'ranges released, destination holds %s' % files)
                    check(not setup.released(), 'release_mem after a kill')
                    with open(os.path.join(setup.dest, 'vmcore.partial'), 'rb') as f:
                        part = f.read()
                    for e in rel:
                        for lo, hi in fmap.intervals(e['start'], e['size']):
                            check(part[lo:hi] == setup.data[lo:hi],
                                  'vmcore.partial lacks released range '
                                  '%#x+%#x' % (e['start'], e['size']))
                    if sig == signal.SIGTERM:
                        check(proc.returncode == 1, 'SIGTERM: exit status %d'
                              % proc.returncode)
                        assert_whole_message(setup, Outcome(err))
                    kept += 1
                else:
                    check(files == [], 'nothing released, destination holds %s' % files)
                passed += 1
            except Failure as e:
                failed += 1
                print('FAIL ranges kill run %d (%s): %s' % (r, sig.name, e))
        print('ranges kill loop: %d runs, %d kept a verified partial dump'
              % (args.runs, kept))
    except Failure as e:
        print('FAIL ' + str(e))
        failed += 1
    finally:
        setup.cleanup()
    return passed, failed


def ranges_filtered(args, fmt, runs, reserved=True):
    """save --release=ranges of a filtered format: what is released, when,
    and what a killed save leaves (@runs kills)."""
    rng = random.Random(args.seed)
    passed = failed = 0
    setup = None
    try:
        # 160 MiB: the kept pages fill more than one release batch (64 MiB)
        setup = Setup([], release_range=True, fmt=fmt, kernel_size=args.kernel_size)
        pl = setup.planted
        # 1. a whole save: the excluded pages at once, the kept ones after
        #    their bytes were synced, release_mem once at the end
        p = run_save(setup, ['--release=ranges'], trace=setup.trace)
        assert_success(setup, p, True)
        summary = json.loads(p.stdout)
        ev = parse_trace(setup.trace)
        excl, kept = check_releases(setup, True)
        rel = [e for e in ev if e['op'] == 'release_range' and e['result'] >= 0]
        check(sum(e['size'] for e in rel) == summary.get('bytes_released_early'),
              'bytes_released_early %r, the store saw %d' %
              (summary.get('bytes_released_early'), sum(e['size'] for e in rel)))
        check(summary.get('excluded_bytes_released') == len(pl.excluded) * pl.page,
              'excluded_bytes_released %r, %d pages planted excluded' %
              (summary.get('excluded_bytes_released'), len(pl.excluded)))
        last_range = max(i for i, e in enumerate(ev) if e['op'] == 'release_range')
        check([e['op'] for e in ev[last_range:]].count('release_mem') == 1,
              'release_mem not written once after the ranges')
        print('%s ranges: %d excluded and %d of %d kept pages released in '
              'order, %d ranges, %d syncs' % (fmt.name, excl, kept,
                                              len(pl.kept), len(rel),
                                              summary.get('syncs', -1)))
        passed += 1

        # 2. memory the kernel keeps: ERANGE, bisected around
        mid = sorted(pl.kept)[len(pl.kept) // 2] * pl.page
        res_lo = mid // 65536 * 65536
        res_hi = res_lo + 65536
        try:
            if not reserved:
                raise Skip()
            _, refused, ok = save_around_reserved(setup, res_lo, res_hi)
            check_releases(setup, False)
            print('%s ranges around reserved %#x-%#x: %d refused, %d released'
                  % (fmt.name, res_lo, res_hi, len(refused), len(ok)))
            passed += 1
        except Skip:
            pass
        except Failure as e:
            failed += 1
            print('FAIL %s reserved memory: %s' % (fmt.name, e))

        # 3. killed at random: the complete dump, or NAME.partial holding
        #    every kept page released, or (nothing released) nothing
        setup.reset()
        t0 = time.monotonic()
        p = run_save(setup, ['--release=ranges'], delay_us=args.delay_us)
        duration = time.monotonic() - t0
        assert_success(setup, p, True)
        outcomes = collections.Counter()
        for r in range(runs):
            sig = signal.SIGTERM if r % 4 == 3 or (runs < 4 and r % 2) \
                else signal.SIGKILL
            setup.reset()
            proc = start_ranges_save(setup, args.delay_us)
            time.sleep(rng.uniform(0, duration * 1.1))
            proc.send_signal(sig)
            out, err = proc.communicate(timeout=120)
            try:
                ev = parse_trace(setup.trace)
                rel = [e for e in ev if e['op'] == 'release_range' and e['result'] >= 0]
                files = sorted(os.listdir(setup.dest))
                check_releases(setup, False)
                if files == ['vmcore']:
                    check(setup.complete(), 'an incomplete dump under the '
                          'final name: %s' % setup.judge.why)
                    outcomes['complete'] += 1
                elif rel:
                    check(files == ['vmcore.partial'],
                          'ranges released, destination holds %s' % files)
                    check(not setup.released(), 'release_mem after a kill')
                    n = assert_partial_holds(
                        setup, os.path.join(setup.dest, 'vmcore.partial'), rel)
                    if sig == signal.SIGTERM and proc.returncode != -sig:
                        check(proc.returncode == 1, 'SIGTERM: exit status %d'
                              % proc.returncode)
                        assert_whole_message(setup, Outcome(err))
                    outcomes['partial'] += 1
                    outcomes['kept pages read back'] += n
                else:
                    # all memory still held: nothing may be left but the
                    # .partial a SIGKILL gave no chance to remove
                    check(files == [] or (sig == signal.SIGKILL and
                                          files == ['vmcore.partial']),
                          'nothing released, destination holds %s' % files)
                    outcomes['none'] += 1
                if setup.released() and files != ['vmcore']:
                    outcomes['lost'] += 1
                    raise Failure('release_mem without a complete dump')
                passed += 1
            except Failure as e:
                failed += 1
                print('FAIL %s ranges kill run %d (%s): %s' % (fmt.name, r,
                                                              sig.name, e))
        print('%s ranges kill loop: %d runs: %d complete, %d partial (%d '
              'released kept pages read back), %d none, %d lost' %
              (fmt.name, runs, outcomes['complete'], outcomes['partial'],
               outcomes['kept pages read back'], outcomes['none'],
               outcomes['lost']))
    except Failure as e:
        print('FAIL %s: %s' % (fmt.name, e))
        failed += 1
    finally:
        if setup:
            setup.cleanup()
    return passed, failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    fmt_help = 'one of %s (repeatable; default: %%(default)s)' % ', '.join(FORMATS)
    a = sub.add_parser('inject')
    a.add_argument('--format', action='append', choices=FORMATS, help=fmt_help)
    a.set_defaults(default_formats=['raw', 'kdump', 'elf31'])
    a.add_argument('--size', default='2M')
    a.add_argument('--every-kind', action='store_true',
                   help='filtered formats: every mode, every fault kind on '
                   'every call (the default: the range-wise mode, one errno '
                   'kind per call in turn, EINTR and short writes sampled)')
    a.add_argument('--mode', action='append',
                   help='tmpfile, named or ranges (default: all)')
    a = sub.add_parser('kill')
    a.add_argument('--format', action='append', choices=FORMATS, help=fmt_help)
    a.set_defaults(default_formats=['raw', 'kdump', 'elf31'])
    a.add_argument('--runs', type=int, default=200)
    a.add_argument('--size', default='4M')
    a.add_argument('--delay-us', type=int, default=1000)
    a.add_argument('--sync-delay-us', type=int, default=20000)
    a.add_argument('--seed', type=int, default=int(time.time()))
    a = sub.add_parser('ranges')
    a.add_argument('--format', action='append', choices=FORMATS, help=fmt_help)
    a.set_defaults(default_formats=['raw', 'kdump', 'kdump-zlib', 'kdump-lzo',
                                    'kdump-none', 'elf31'])
    a.add_argument('--runs', type=int, default=6)
    a.add_argument('--size', default='160M')
    a.add_argument('--kernel-size', default='160M',
                   help='memory of the filtered formats\' synthetic kernel')
    a.add_argument('--delay-us', type=int, default=300)
    a.add_argument('--seed', type=int, default=int(time.time()))
    args = ap.parse_args()
    if not all((FADUMPCTL, MKVMCORE, DATA, SHIM)):
        print('FADUMPCTL, MKVMCORE, FADUMP_TEST_DATA and FAULTSHIM must be '
              'set (run through meson test)')
        print('0 passed, 0 failed')
        return 77
    passed, failed = {'inject': cmd_inject, 'kill': cmd_kill,
                      'ranges': cmd_ranges}[args.cmd](args)
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
