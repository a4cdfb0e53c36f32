# SPDX-License-Identifier: LGPL-2.1-or-later
"""What fadumpctl save writes by default (level 31, kdump-compressed) and
with --level/--format/--compress/--threads, read back by independent
means: python3-libkdumpfile for the pages, 'fadumpctl info' for the
header, and the generator's description for what every page is.

The oracle for each page is mkvmcore's ("expect": the class it gave each
pfn) and the source file's bytes (all-zero pages): at level 31 a page is
kept when it is kernel, slab or unknown memory and not all zeros; free,
cache, user, offline and hwpoison pages are left out and counted under
their class, the other all-zero pages under "zero".

Environment (set by tests/meson.build): FADUMPCTL, MKVMCORE,
FADUMP_TEST_DATA, FADUMP_BUILD_COMPRESSORS; FAULTSHIM optional.
"""

import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import (DATA, EXIT_OK, EXIT_UNSUPPORTED, FADUMPCTL, MKVMCORE,
                      clean_env, require_env, run)
from kdumpfile_oracle import kdumpfile_pages  # (tests/, on sys.path)

require_env('FADUMPCTL', 'MKVMCORE', 'FADUMP_TEST_DATA',
            'FADUMP_BUILD_COMPRESSORS')
BUILD_COMPRESSORS = os.environ['FADUMP_BUILD_COMPRESSORS'].split()
SHIM = os.environ.get('FAULTSHIM') or os.path.join(
    os.path.dirname(os.path.dirname(FADUMPCTL)), 'tests', 'fault', 'faultshim.so')

# fadump_page_class_name() order, as the generator's "expect" letters
# ('a' + class) and the summary's class names.
CLASSES = ('unknown', 'free', 'cache', 'cache_private', 'anon', 'hugetlb',
           'offline', 'hwpoison', 'slab', 'zero', 'kernel')
# left out at level 31 for what they are (makedumpfile's -d bits 2, 4, 8,
# 16, and offline/hwpoison at any level above 0)
EXCLUDED_AT_31 = {'free', 'cache', 'cache_private', 'anon', 'hugetlb',
                  'offline', 'hwpoison'}


class Source:
    """A generated kernel dump: its pages and what each one is."""

    def __init__(self, path, *args):
        p = subprocess.run([MKVMCORE, '--kernel', '--fill', '--describe'] +
                           list(args) + [str(path)], stdout=subprocess.PIPE,
                           check=True, text=True)
        lay = json.loads(p.stdout)
        self.path = path
        self.data = path.read_bytes()
        self.page = lay['kernel']['page_size']
        self.segments = lay['segments']
        self.classes = [CLASSES[ord(c) - ord('a')]
                        for c in lay['kernel']['expect']]

    def read(self, pfn):
        pa = pfn * self.page
        for s in self.segments:
            if s['paddr'] <= pa < s['paddr'] + s['filesz']:
                off = s['offset'] + pa - s['paddr']
                return self.data[off:off + self.page]
        return None

    def zero(self, pfn):
        page = self.read(pfn)
        return page is not None and page.count(0) == len(page)

    def at_level_31(self):
        """(kept pfns, {class: {'kept': n, 'excluded': n}})."""
        counts = {c: {'kept': 0, 'excluded': 0} for c in CLASSES}
        kept = set()
        for pfn, cls in enumerate(self.classes):
            if cls in EXCLUDED_AT_31:
                counts[cls]['excluded'] += 1
            elif self.zero(pfn):
                counts['zero']['excluded'] += 1
            else:
                counts[cls]['kept'] += 1
                kept.add(pfn)
        return kept, counts


@pytest.fixture(scope='module')
def src(tmp_path_factory):
    return Source(tmp_path_factory.mktemp('src') / 'vmcore')


def assert_holds_exactly(path, src, kept, elf=False):
    """libkdumpfile reads the source's bytes for each kept pfn and has no
    data for any other. An ELF file cannot say "left out" inside a
    PT_LOAD: there (@elf) a left-out page may read as zeros, as in
    makedumpfile -E's files, but never as its contents."""
    _, read = kdumpfile_pages(path)
    for pfn in range(len(src.classes)):
        got = read(pfn)
        if pfn in kept:
            assert got == src.read(pfn), 'pfn %#x differs' % pfn
        elif elf and got is not None:
            assert got.count(0) == len(got), 'pfn %#x (%s) is in the file' % (
                pfn, src.classes[pfn])
        else:
            assert got is None, 'pfn %#x (%s) is in the file' % (
                pfn, src.classes[pfn])


def save_json(*args, root=None, env=None):
    p = run('save', '--json', *args, root=root, env=env)
    assert p.returncode == EXIT_OK, p.stderr
    return json.loads(p.stdout)


def default_compressor():
    return 'zstd' if 'zstd' in BUILD_COMPRESSORS else 'zlib'


def test_default_is_level_31_kdump(tmp_path, src):
    dest = tmp_path / 'd'
    got = save_json('--source', src.path, dest)
    saved = dest / 'vmcore'
    kept, counts = src.at_level_31()
    assert (got['format'], got['dump_level']) == ('kdump', 31)
    assert got['compression'] == default_compressor()
    assert got['threads'] >= 1
    assert got['file_bytes'] == saved.stat().st_size
    assert got['pages_total'] == len(src.classes)
    assert got['pages_kept'] == len(kept)
    assert got['classes'] == counts
    # the generator's unreadable descriptors: kept, and said why
    assert counts['unknown']['kept'] > 0 and got['unknown_reason']
    assert_holds_exactly(saved, src, kept)
    # the header, as fadumpctl's own reader of makedumpfile files sees it
    info = json.loads(run('info', '--json', saved).stdout)
    orig = json.loads(run('info', '--json', src.path).stdout)
    assert (info['format'], info['dump_level']) == ('kdump', 31)
    assert info['osrelease'] == orig['osrelease']
    assert info['byte_order'] == orig['byte_order']


def test_human_summary(tmp_path, src):
    dest = tmp_path / 'd'
    p = run('save', '--source', src.path, dest)
    assert p.returncode == EXIT_OK, p.stderr
    kept, counts = src.at_level_31()
    lines = p.stdout.splitlines()
    # the first line names the file: fadump-save.service's journal needs it
    assert lines[0].startswith('saved %s to %s: 64.1 MiB of dump in a '
                               % (src.path, dest / 'vmcore')), lines[0]
    assert re.fullmatch(r'kdump, %s, dump level 31, \d+ threads?'
                        % default_compressor(), lines[1]), lines[1]
    assert lines[2] == 'pages: %d of %d kept' % (len(kept), len(src.classes))
    rows = {f[0]: (int(f[1]), int(f[2]))
            for f in (ln.split() for ln in lines[4:]) if len(f) == 3}
    assert rows == {c: (n['kept'], n['excluded']) for c, n in counts.items()
                    if n['kept'] or n['excluded']}
    assert lines[-1].startswith('unknown pages kept: ')


@pytest.mark.parametrize('comp', ['zstd', 'zlib', 'lzo', 'none'])
def test_each_compressor(tmp_path, src, comp):
    if comp not in BUILD_COMPRESSORS:
        pytest.skip('this build has no ' + comp)
    dest = tmp_path / 'd'
    got = save_json('--source', src.path, '--compress', comp, '--threads',
                    '3', dest)
    assert got['compression'] == comp
    # nothing to compress with none: the library may run fewer
    assert got['threads'] == 3 or comp == 'none' and 1 <= got['threads'] <= 3
    assert_holds_exactly(dest / 'vmcore', src, src.at_level_31()[0])


def test_level_0_kdump_keeps_every_page(tmp_path, src):
    dest = tmp_path / 'd'
    got = save_json('--source', src.path, '--level', '0', dest)
    assert (got['format'], got['dump_level']) == ('kdump', 0)
    assert got['pages_kept'] == got['pages_total'] == len(src.classes)
    assert_holds_exactly(dest / 'vmcore', src, set(range(len(src.classes))))


def test_filtered_elf(tmp_path, src):
    dest = tmp_path / 'd'
    got = save_json('--source', src.path, '--format', 'elf', dest)
    assert (got['format'], got['compression'], got['dump_level']) == \
        ('elf', None, 31)
    k, _ = kdumpfile_pages(dest / 'vmcore')
    attr = k.attr
    assert attr['file.format'] == 'elf'
    assert_holds_exactly(dest / 'vmcore', src, src.at_level_31()[0], elf=True)
    # what left-out pages read as zeros: the file is smaller than the dump
    assert got['file_bytes'] < src.path.stat().st_size


def test_config_keys_shape_the_file(tmp_path, src):
    root = tmp_path / 'root'
    shutil.copytree(os.path.join(DATA, 'roots', 'pseries-7.2-capture'), root,
                    symlinks=True)
    (root / 'proc/vmcore').unlink()
    os.link(src.path, root / 'proc/vmcore')
    conf = tmp_path / 'fadump.conf'
    conf.write_text('dest = %s\nrelease = no\nlevel = 0\ncompress = none\n'
                    'threads = 1\n' % (tmp_path / 'dumps'))
    got = save_json('--config', conf, root=root)
    assert (got['format'], got['compression'], got['dump_level'],
            got['threads']) == ('kdump', 'none', 0, 1)
    assert_holds_exactly(got['dest'], src, set(range(len(src.classes))))


@pytest.mark.skipif(not os.path.exists(SHIM), reason='fault shim not built')
def test_left_out_memory_goes_back_before_the_copy(tmp_path, src):
    """--release=ranges at level 31, against the fault shim's fake
    release_range: the first ranges released are memory the file does not
    hold, and the summary counts them."""
    root = tmp_path / 'root'
    shutil.copytree(os.path.join(DATA, 'roots', 'pseries-7.2-capture'), root,
                    symlinks=True)
    (root / 'proc/vmcore').unlink()
    shutil.copy(src.path, root / 'proc/vmcore')
    for name in ('release_range', 'release_mem'):
        (root / 'sys/kernel/fadump' / name).write_bytes(b'')
    dest = tmp_path / 'dest'
    dest.mkdir(0o700)
    trace = tmp_path / 'trace'
    asan = os.environ.get('ASAN_OPTIONS')
    env = {'LD_PRELOAD': SHIM, 'FADUMP_FAKE_ROOT': str(root),
           'FADUMP_FAULT_DIR': str(dest), 'FADUMP_FAULT_TRACE': str(trace),
           'ASAN_OPTIONS': (asan + ':' if asan else '') +
           'verify_asan_link_order=0'}
    got = save_json('--release=ranges', dest, root=root, env=clean_env(env))
    assert got['release_mode'] == 'ranges' and got['released'] is True
    kept = src.at_level_31()[0]
    taken = [(int(t[1], 16), int(t[2], 16)) for t in
             (ln.split() for ln in trace.read_text().splitlines())
             if t[0] == 'release_range' and int(t[-1]) >= 0]
    n = got['excluded_ranges_released']
    assert 0 < n < len(taken)
    assert sum(size for _, size in taken[:n]) == got['excluded_bytes_released']
    for start, size in taken[:n]:
        pfns = range(start // src.page, (start + size) // src.page)
        assert not kept.intersection(pfns), (start, size)
    assert got['bytes_released_early'] == sum(size for _, size in taken)
    assert_holds_exactly(dest / 'vmcore', src, kept)


def test_a_kdump_source_is_copied_raw_only(tmp_path, src):
    """A saved kdump file is not filtered again: the default says so
    (exit 3, nothing written), the raw copy copies it as it is."""
    first = tmp_path / 'first'
    save_json('--source', src.path, first)
    p = run('save', '--source', first / 'vmcore', tmp_path / 'again')
    assert p.returncode == EXIT_UNSUPPORTED and p.stdout == '', p.stderr
    assert p.stderr.count('\n') == 1 and 'level 0' in p.stderr, p.stderr
    assert not (tmp_path / 'again').exists() or \
        os.listdir(tmp_path / 'again') == []
    save_json('--source', first / 'vmcore', '--level', '0', '--format', 'elf',
              tmp_path / 'raw')
    assert (tmp_path / 'raw' / 'vmcore').read_bytes() == \
        (first / 'vmcore').read_bytes()
