# SPDX-License-Identifier: LGPL-2.1-or-later
"""Black-box tests of fadumpctl info and save, and interoperability of a
saved copy with libkdumpfile, readelf and eu-readelf.

Environment (set by tests/meson.build):
    FADUMPCTL          the built binary
    MKVMCORE           the dump generator (tests/mkvmcore.c)
    FADUMP_TEST_DATA   tests/data

Dumps are generated at test time. Expected values come from what the
generator was asked to write (its --describe output lists where it put
things) and from the kernel's formats, never from fadumpctl itself.
"""

import json
import os
import pty
import re
import shutil
import signal
import stat
import subprocess
import time

import pytest

from conftest import (DATA, EXIT_FAILED, EXIT_OK, EXIT_USAGE, FADUMPCTL,
                      MKVMCORE, RAW, FakeReleaseStore, assert_one_error_line,
                      clean_env, read, require_env, run)

require_env('FADUMPCTL', 'MKVMCORE', 'FADUMP_TEST_DATA')
SHIM = os.environ.get('FAULTSHIM') or os.path.join(
    os.path.dirname(os.path.dirname(FADUMPCTL)), 'tests', 'fault', 'faultshim.so')

# What the generator's default dump is (tests/mkvmcore.h).
OSRELEASE = '7.2.0-fadump-test'
CRASHTIME = 1767225600
LINEAR_MAP = 0xc000000000000000
SAVE_KEYS = {'source', 'dest', 'bytes_total', 'bytes_written',
             'zero_bytes_skipped', 'seconds', 'mb_per_s', 'released',
             'release_mode', 'bytes_released_early', 'ranges_released',
             'syncs',
             # 0.5: the filtered save
             'format', 'compression', 'dump_level', 'threads', 'file_bytes',
             'pages_total', 'pages_kept', 'classes', 'unknown_reason',
             'excluded_ranges_released', 'excluded_bytes_released',
             # the OPAL core (null off PowerNV)
             'opalcore'}
INFO_KEYS = {'path', 'file_size', 'format', 'dump_level', 'byte_order',
             'machine', 'page_size', 'osrelease', 'crash_time', 'cpus',
             'segments', 'notes', 'vmcoreinfo', 'panic', 'crashing_cpu'}


def ok_json(*args, root=None):
    p = run(*args, '--json', root=root)
    assert p.returncode == EXIT_OK, p.stderr
    assert p.stderr == ''
    return json.loads(p.stdout)


def gen(path, *args):
    """Write a dump with mkvmcore; returns what it says it wrote."""
    p = subprocess.run([MKVMCORE, '--describe'] + list(args) + [str(path)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, check=True)
    return json.loads(p.stdout)


def order_args(big):
    return ['--big'] if big else ['--little']


def expected_notes(desc, cpus=4):
    return ([{'name': 'CORE', 'type': 1, 'size': desc['prstatus_descsz']}] * cpus +
            [{'name': 'VMCOREINFO', 'type': 0, 'size': desc['vmcoreinfo_descsz']},
             {'name': 'FADUMPTEST', 'type': 0x4242, 'size': 12}])


def expected_segments(desc, linear=LINEAR_MAP):
    return [{'paddr': s['paddr'], 'vaddr': linear + s['paddr'],
             'offset': s['offset'], 'filesz': s['filesz'], 'memsz': s['memsz']}
            for s in desc['segments']]


# --------------------------------------------------------------------------
# info

@pytest.mark.parametrize('big', [True, False])
def test_info_json(tmp_path, big):
    desc = gen(tmp_path / 'vmcore', *order_args(big))
    got = ok_json('info', tmp_path / 'vmcore')
    assert set(got) == INFO_KEYS
    assert got['path'] == str(tmp_path / 'vmcore')
    assert got['file_size'] == desc['file_size'] == 0x1c0000
    assert got['byte_order'] == ('big' if big else 'little')
    assert got['format'] == 'elf' and got['dump_level'] is None
    assert got['machine'] == 'ppc64'
    assert got['page_size'] == 65536
    assert got['osrelease'] == OSRELEASE
    assert got['crash_time'] == CRASHTIME
    assert got['cpus'] == 4
    assert got['segments'] == expected_segments(desc)
    # the mid-page segment, by hand: 64 KiB of headers, 1 MiB, then +0x400
    assert got['segments'][1]['offset'] == 0x110400
    assert got['notes'] == expected_notes(desc)
    vmci = got['vmcoreinfo']
    assert vmci['OSRELEASE'] == OSRELEASE
    assert vmci['PAGESIZE'] == '65536'
    assert vmci['CRASHTIME'] == str(CRASHTIME)
    assert vmci['SYMBOL(_stext)'] == 'c000000000000000'
    assert vmci['NUMBER(RADIX_MMU)'] == '1'
    assert len(vmci) == 67       # the lines of mkvmcore's text


def test_info_text(tmp_path):
    gen(tmp_path / 'vmcore')
    p = run('info', tmp_path / 'vmcore')
    assert p.returncode == EXIT_OK and p.stderr == ''
    lines = p.stdout.splitlines()
    for want in ('machine:     ppc64, big-endian',
                 'kernel:      ' + OSRELEASE,
                 'page size:   64 KiB',
                 'crash time:  2026-01-01 00:00:00 UTC',
                 'cpus:        4',
                 'CORE          NT_PRSTATUS    504 bytes x 4',
                 'FADUMPTEST    0x4242         12 bytes'):
        assert want in lines, (want, p.stdout)
    assert any(l.startswith('0x0000000020010400  0x000000002003ffff')
               for l in lines), p.stdout
    assert all(l == l.rstrip() for l in lines)
    # -v adds the VMCOREINFO lines and the virtual addresses
    p = run('info', '-v', tmp_path / 'vmcore')
    assert '  SYMBOL(_stext)=c000000000000000' in p.stdout.splitlines()
    assert '0xc000000020010400' in p.stdout


@pytest.mark.parametrize('machine, linear', [('x86_64', 0xffff888000000000),
                                             ('aarch64', 0xffff000000000000)])
def test_info_other_machines(tmp_path, machine, linear):
    desc = gen(tmp_path / 'vmcore', '--little', '--machine', machine)
    got = ok_json('info', tmp_path / 'vmcore')
    assert got['machine'] == machine
    assert got['byte_order'] == 'little'
    assert got['cpus'] == 4
    assert got['segments'] == expected_segments(desc, linear)


def test_info_without_vmcoreinfo(tmp_path):
    gen(tmp_path / 'vmcore', '--no-vmcoreinfo', '--no-unknown-note')
    got = ok_json('info', tmp_path / 'vmcore')
    assert got['page_size'] is None
    assert got['osrelease'] is None
    assert got['crash_time'] is None
    assert got['vmcoreinfo'] == {}
    assert [n['name'] for n in got['notes']] == ['CORE'] * 4


def make_root(tmp_path, vmcore_args=()):
    """A capture-boot fixture root whose /proc/vmcore is a generated dump."""
    root = tmp_path / 'root'
    shutil.copytree(os.path.join(DATA, 'roots', 'pseries-7.2-capture'), root,
                    symlinks=True)
    (root / 'proc/vmcore').unlink()
    desc = gen(root / 'proc/vmcore', *vmcore_args)
    return root, desc


def test_info_reads_proc_vmcore_under_root(tmp_path):
    root, desc = make_root(tmp_path)
    got = ok_json('info', root=root)
    assert got['path'] == str(root / 'proc/vmcore')
    assert got['file_size'] == desc['file_size']
    (root / 'proc/vmcore').unlink()
    p = run('info', root=root)
    assert_one_error_line(p, EXIT_FAILED, 'info', str(root / 'proc/vmcore'))


def test_info_damaged_dump(tmp_path):
    gen(tmp_path / 'vmcore')
    os.truncate(tmp_path / 'vmcore', 0x180000)
    p = run('info', tmp_path / 'vmcore')
    assert_one_error_line(p, EXIT_FAILED, 'info', 'program header 3',
                          'past the end of the file')


def test_info_malformed_vmcoreinfo(tmp_path):
    desc = gen(tmp_path / 'vmcore')
    with open(tmp_path / 'vmcore', 'r+b') as f:     # "OSRELEASE=" -> "OSRELEASE "
        f.seek(desc['vmcoreinfo_desc'] + 9)
        f.write(b' ')
    p = run('info', tmp_path / 'vmcore')
    assert_one_error_line(p, EXIT_FAILED, 'info', 'VMCOREINFO line 1')


# --------------------------------------------------------------------------
# save

def assert_sparse_copy(src, dst):
    assert read(src) == read(dst)
    st = os.stat(dst)
    assert stat.S_IMODE(st.st_mode) == 0o600
    # 75% of the default dump's pages are zero
    assert st.st_blocks * 512 < st.st_size // 2, (st.st_blocks, st.st_size)


@pytest.mark.parametrize('big', [True, False])
def test_save_json(tmp_path, big):
    desc = gen(tmp_path / 'vmcore', *order_args(big))
    dest = tmp_path / 'dest'
    dest.mkdir()
    got = ok_json('save', *RAW, '--source', tmp_path / 'vmcore', dest)
    assert set(got) == SAVE_KEYS
    assert got['source'] == str(tmp_path / 'vmcore')
    assert got['dest'] == str(dest / 'vmcore')
    assert got['bytes_total'] == desc['file_size']
    assert got['bytes_written'] + got['zero_bytes_skipped'] == desc['file_size']
    assert 0 < got['bytes_written'] < desc['file_size'] // 2
    assert got['seconds'] > 0 and got['mb_per_s'] > 0
    assert got['released'] is False
    assert got['release_mode'] == 'none'
    assert got['bytes_released_early'] == got['ranges_released'] == 0
    # the plain copy: no compressor, no page looked at
    assert (got['format'], got['compression'], got['dump_level']) == \
        ('elf', None, 0)
    assert got['file_bytes'] == desc['file_size']
    assert got['pages_total'] is got['pages_kept'] is got['classes'] is None
    assert got['unknown_reason'] is None
    assert got['excluded_ranges_released'] == got['excluded_bytes_released'] == 0
    assert os.listdir(dest) == ['vmcore']
    assert_sparse_copy(tmp_path / 'vmcore', dest / 'vmcore')


def test_save_text_and_quiet_without_tty(tmp_path):
    gen(tmp_path / 'vmcore')
    dest = tmp_path / 'dest'
    dest.mkdir()
    p = run('save', *RAW, '--source', tmp_path / 'vmcore', dest)
    assert p.returncode == EXIT_OK
    assert p.stderr == ''       # no progress line: stderr is not a terminal
    assert p.stdout.startswith('saved %s to %s: 1.8 MiB, ' %
                               (tmp_path / 'vmcore', dest / 'vmcore'))


def test_save_progress_on_tty(tmp_path):
    gen(tmp_path / 'vmcore')
    dest = tmp_path / 'dest'
    dest.mkdir()
    master, slave = pty.openpty()
    p = subprocess.run([FADUMPCTL, 'save', *RAW, '--source', str(tmp_path / 'vmcore'),
                        str(dest)], stdout=subprocess.PIPE, stderr=slave,
                       env=clean_env(), timeout=60)
    os.close(slave)
    out = b''
    try:
        while True:
            chunk = os.read(master, 4096)
            if not chunk:
                break
            out += chunk
    except OSError:             # EIO once the slave side is closed
        pass
    os.close(master)
    assert p.returncode == EXIT_OK
    text = out.decode()
    assert text.startswith('\r') and 'MB/s' in text and '100%' in text, text
    assert text.endswith('\n')


def test_save_never_overwrites(tmp_path):
    gen(tmp_path / 'vmcore')
    dest = tmp_path / 'dest'
    dest.mkdir()
    (dest / 'vmcore').write_bytes(b'previous dump')
    p = run('save', '--source', tmp_path / 'vmcore', dest)
    assert_one_error_line(p, EXIT_FAILED, 'save', 'already exists')
    assert read(dest / 'vmcore') == b'previous dump'
    assert os.listdir(dest) == ['vmcore']


@pytest.mark.parametrize('args, words', [
    (['save', 'a', 'b'], ["'b'"]),
    (['save', '--release', '--source', '/x', 'dest'], ['--source']),
    (['save', '--release=now', 'dest'], ['--release=now', 'auto, ranges or end']),
    (['info', '--release'], ['--release and --force apply to save only']),
    (['status', '--force'], ['--release and --force apply to save only']),
    (['save', '--range', 'dest'], ['--range applies to release only']),
    (['release', '--range', '0x1000'], ['--range takes START SIZE']),
    (['release', '--range', '0x1000', '+5'], ["SIZE '+5'"]),
    (['release', '--range', '4k', '0x1000'], ["START '4k'"]),
    (['info', 'a', 'b'], ["'b'"]),
    (['status', '--source', '/x'], ['devtree and save']),
])
def test_usage_errors(args, words):
    p = run(*args)
    assert_one_error_line(p, EXIT_USAGE, None, *words)


def test_save_to_missing_directory(tmp_path):
    # DEST is created 0700; its parent must exist.
    gen(tmp_path / 'vmcore')
    p = run('save', '--source', tmp_path / 'vmcore', tmp_path / 'a' / 'b')
    assert_one_error_line(p, EXIT_FAILED, 'save', 'a/b')
    assert not (tmp_path / 'a').exists()
    ok_json('save', *RAW, '--source', tmp_path / 'vmcore', tmp_path / 'new')
    assert os.stat(tmp_path / 'new').st_mode & 0o7777 == 0o700
    assert read(tmp_path / 'new' / 'vmcore') == read(tmp_path / 'vmcore')


def test_save_release_only_after_the_copy_is_in_place(tmp_path):
    """release_mem is a FIFO acting as the kernel's store.

    The pipe is filled first, so fadumpctl's write of "1" blocks until we
    drain it. When fadumpctl opens release_mem, the copy must already be
    complete under its final name; the fake store then removes
    /proc/vmcore as release_mem_store() does, and lets the write finish.
    """
    root, desc = make_root(tmp_path)
    src = read(root / 'proc/vmcore')
    dest = tmp_path / 'dest'
    dest.mkdir()
    store = FakeReleaseStore(root)

    def saved_in_place():
        # the dump is saved, complete, before the release starts
        assert os.listdir(dest) == ['vmcore']
        assert read(dest / 'vmcore') == src

    proc = subprocess.Popen([FADUMPCTL, '--root', str(root), 'save', '--json',
                             *RAW, '--release', str(dest)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=clean_env())
    try:
        got = store.serve(proc.pid, lambda: proc.poll() is None, timeout=30,
                          before_release=saved_in_place)
    finally:
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == EXIT_OK, err
    assert err == ''
    assert got == b'1'
    summary = json.loads(out)
    assert summary['released'] is True
    assert summary['bytes_total'] == desc['file_size']


def test_save_release_failure_keeps_the_copy(tmp_path):
    # A plain file has no release_mem_store(): "1" lands in it but
    # /proc/vmcore stays, so the release is reported as failed.
    root, _ = make_root(tmp_path)
    dest = tmp_path / 'dest'
    dest.mkdir()
    p = run('save', *RAW, '--json', '--release', dest, root=root)
    assert p.returncode == EXIT_FAILED
    assert json.loads(p.stdout)['released'] is False
    assert p.stderr.startswith('fadumpctl: save: ') and 'still exists' in p.stderr
    assert read(dest / 'vmcore') == read(root / 'proc/vmcore')
    assert read(root / 'sys/kernel/fadump/release_mem') == b'1'


@pytest.fixture
def tiny_fs(tmp_path):
    """A 1 MiB tmpfs (needs root; CI runs as root)."""
    mnt = tmp_path / 'tiny'
    mnt.mkdir()
    p = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=1M,mode=0700', 'fadump-test',
                        str(mnt)], stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        pytest.skip('cannot mount a tmpfs (not root?): ' + p.stderr.strip())
    yield mnt
    subprocess.run(['umount', str(mnt)], check=True)


def test_save_full_disk_does_not_release(tmp_path, tiny_fs):
    root, desc = make_root(tmp_path, ['--zero-percent', '0'])   # 1.75 MiB of data
    p = run('save', *RAW, '--release', tiny_fs, root=root)
    assert p.returncode == EXIT_FAILED and p.stdout == ''
    # The copy is an unnamed O_TMPFILE file: named by what it was for.
    m = re.fullmatch(r'fadumpctl: save: %s/vmcore \(not yet linked\): write at '
                     r'offset (0x[0-9a-f]+) failed: No space left on device '
                     r'\(copy stopped at (\d+) of %d bytes\); the partial copy '
                     r'is removed\n' % (re.escape(str(tiny_fs)), desc['file_size']),
                     p.stderr)
    assert m, p.stderr
    assert int(m.group(1), 16) == int(m.group(2)) < desc['file_size']
    assert os.listdir(tiny_fs) == []
    assert read(root / 'sys/kernel/fadump/release_mem') == b''
    assert (root / 'proc/vmcore').exists()


def shim_trace(trace):
    """The fault shim's trace, one list of fields per call."""
    return [ln.split() for ln in read(trace).decode().splitlines()]


@pytest.mark.skipif(not os.path.exists(SHIM), reason='fault shim not built')
@pytest.mark.parametrize('fault', ['fsync', 'last pwrite'])
def test_failed_range_save_keeps_the_copy_and_says_so_once(tmp_path, fault):
    """Memory was released range by range, then the copy failed: the
    partial file holds the only copy of that memory, it stays, and the
    message says that and nothing else about it (it once also said the
    partial copy was removed)."""
    root, desc = make_root(tmp_path, ['--size', '8M'])
    src = tmp_path / 'src.vmcore'
    os.link(root / 'proc/vmcore', src)
    dest = tmp_path / 'dest'
    trace = tmp_path / 'trace'
    asan = os.environ.get('ASAN_OPTIONS')

    def save(fault_spec):
        for name in ('release_mem', 'release_range'):
            (root / 'sys/kernel/fadump' / name).write_bytes(b'')
        if not (root / 'proc/vmcore').exists():
            os.link(src, root / 'proc/vmcore')
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(0o700)
        if trace.exists():
            trace.unlink()
        env = {'LD_PRELOAD': SHIM, 'FADUMP_FAKE_ROOT': str(root),
               'FADUMP_FAULT_DIR': str(dest), 'FADUMP_FAULT_TRACE': str(trace),
               'ASAN_OPTIONS': (asan + ':' if asan else '') +
               'verify_asan_link_order=0'}
        if fault_spec:
            env['FADUMP_FAULT'] = fault_spec
        return run('save', *RAW, '--release=ranges', dest, root=root, env=env)

    size = desc['file_size']
    copy = '%s/vmcore.partial' % dest
    if fault == 'fsync':
        # fsync #1 is the directory's after creating the file, #2 the copy's
        p = save('fsync:2:EIO')
        fsyncs = [t for t in shim_trace(trace) if t[0] == 'fsync']
        assert [t[6] for t in fsyncs[:2]] == ['d', 'f'], fsyncs
        first = '%s: fsync failed: Input/output error' % copy
    else:
        assert save(None).returncode == EXIT_OK
        writes = [t for t in shim_trace(trace) if t[0] == 'pwrite']
        p = save('pwrite:%d:EIO' % len(writes))
        offset = int(writes[-1][2])
        first = ('%s: write at offset %#x failed: Input/output error (copy '
                 'stopped at %d of %d bytes)' % (copy, offset, offset, size))
    released = sum(int(t[2], 16) for t in shim_trace(trace)
                   if t[0] == 'release_range' and int(t[-2]) >= 0)
    assert released > 0
    assert p.returncode == EXIT_FAILED and p.stdout == ''
    m = re.fullmatch(r'fadumpctl: save: (.*); (\d+) bytes of the dump\'s memory '
                     r'were already released, so (.*) is kept: its first '
                     r'(\d+) bytes are the dump\'s\n', p.stderr)
    assert m, p.stderr
    assert m.group(1) == first and int(m.group(2)) == released, p.stderr
    assert m.group(3) == copy
    # What it says of the kept file holds.
    assert os.listdir(dest) == ['vmcore.partial']
    durable = int(m.group(4))
    part = read(dest / 'vmcore.partial')
    assert 0 < durable <= len(part) <= size
    assert part[:durable] == read(src)[:durable]
    assert read(root / 'sys/kernel/fadump/release_mem') == b''


@pytest.fixture(scope='module')
def big_dump(tmp_path_factory):
    """256 MiB of memory, no zero page: big enough to take a while."""
    path = tmp_path_factory.mktemp('big') / 'vmcore'
    gen(path, '--size', '256M', '--zero-percent', '0')
    return path


def test_save_memory_is_bounded(tmp_path, big_dump):
    if 'libasan' in subprocess.run(['ldd', FADUMPCTL], stdout=subprocess.PIPE,
                                   text=True).stdout:
        pytest.skip('AddressSanitizer build: its own memory use dominates')
    if not os.access('/usr/bin/time', os.X_OK):
        pytest.skip('/usr/bin/time not installed (Debian package time)')
    # Not os.wait4() on our own child: its peak RSS would include this
    # Python process's, inherited across fork() until exec().
    rss = tmp_path / 'rss'
    dest = tmp_path / 'dest'
    dest.mkdir()
    p = subprocess.run(['/usr/bin/time', '-f', '%M', '-o', str(rss), FADUMPCTL,
                        'save', *RAW, '--source', str(big_dump), str(dest)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       env=clean_env(), text=True, timeout=120)
    assert p.returncode == EXIT_OK, p.stderr
    assert read(dest / 'vmcore') == read(big_dump)
    # one 4 MiB buffer and the notes, whatever the dump's size
    kib = int(rss.read_text().split()[-1])
    assert kib < 16 * 1024, kib


def copy_is_open(pid, dest):
    fds = f'/proc/{pid}/fd'
    for fd in os.listdir(fds):
        try:
            target = os.readlink(f'{fds}/{fd}')
        except OSError:
            continue
        if target.startswith(f'{dest}/') and target.endswith('(deleted)'):
            return True
    return False


def test_save_interrupted_by_signal_leaves_nothing(tmp_path, big_dump):
    dest = tmp_path / 'dest'
    dest.mkdir()
    proc = subprocess.Popen([FADUMPCTL, 'save', *RAW, '--source',
                             str(big_dump), str(dest)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=clean_env())
    try:
        deadline = time.monotonic() + 30
        # The copy is an unnamed O_TMPFILE file: wait until the saver
        # holds one open in dest ("dest/#1234 (deleted)" in /proc).
        while not copy_is_open(proc.pid, dest):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.001)
        # Stopped, it cannot finish before the signal is pending.
        proc.send_signal(signal.SIGSTOP)
        proc.send_signal(signal.SIGINT)
        proc.send_signal(signal.SIGCONT)
    finally:
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == EXIT_FAILED, err
    m = re.fullmatch(r'fadumpctl: save: saving to %s cancelled after (\d+) of '
                     r'%d bytes; the partial copy is removed\n'
                     % (re.escape(str(dest)), os.path.getsize(big_dump)), err)
    assert m and 0 < int(m.group(1)) < os.path.getsize(big_dump), err
    assert out == ''
    assert os.listdir(dest) == []


# --------------------------------------------------------------------------
# Interoperability of the saved copy

@pytest.mark.parametrize('big', [True, False])
def test_kdumpfile_reads_the_saved_copy(tmp_path, big):
    kdumpfile = pytest.importorskip('kdumpfile')
    desc = gen(tmp_path / 'vmcore', *order_args(big))
    dest = tmp_path / 'dest'
    dest.mkdir()
    ok_json('save', *RAW, '--source', tmp_path / 'vmcore', dest)
    src = read(tmp_path / 'vmcore')

    k = kdumpfile.kdumpfile(str(dest / 'vmcore'))
    attr = k.attr
    assert attr['file.format'] == 'elf'
    assert attr['arch.name'] == 'ppc64'
    assert attr['arch.byte_order'] == (0 if big else 1)  # KDUMP_BIG_ENDIAN 0
    assert attr['arch.page_size'] == 65536
    assert attr['linux.uts.release'] == OSRELEASE
    assert attr['cpu.number'] == 4
    # mkvmcore's registers: nip 0xc000000000100000 + 0x100 * cpu, pid 100 + cpu
    assert attr['cpu.2.reg.pc'] == 0xc000000000100200
    assert attr['cpu.2.pid'] == 102
    # every segment's memory is the original file's bytes at its offset
    for s in desc['segments']:
        data = k.read(kdumpfile.KDUMP_MACHPHYSADDR, s['paddr'], s['memsz'])
        assert bytes(data) == src[s['offset']:s['offset'] + s['memsz']]
    with pytest.raises(kdumpfile.exceptions.NoDataException):
        k.read(kdumpfile.KDUMP_MACHPHYSADDR, 0x100000, 16)   # the hole


def readelf_notes(tool, path):
    """(owner, size, type) of each note as binutils or elfutils prints it."""
    p = subprocess.run([tool, '-n', path], stdout=subprocess.PIPE, text=True,
                       check=True, env=clean_env())
    notes = []
    for line in p.stdout.splitlines():
        f = line.split()
        if len(f) < 3 or not line.startswith('  ') or line.startswith('   '):
            continue
        if f[0] == 'Owner':
            continue
        owner, size, rest = f[0], f[1], ' '.join(f[2:])
        size = int(size, 16) if size.startswith('0x') else int(size)
        if 'PRSTATUS' in rest:
            kind = 1
        elif 'PRPSINFO' in rest:
            kind = 3
        elif rest.startswith('Unknown note type: ('):      # binutils
            kind = int(rest[len('Unknown note type: ('):].rstrip(')'), 16)
        elif rest.startswith('<unknown>: '):               # elfutils
            kind = int(rest[len('<unknown>: '):])
        else:
            raise AssertionError('unexpected note line: ' + line)
        notes.append({'name': owner, 'type': kind, 'size': size})
    return notes


def readelf_loads(tool, path):
    p = subprocess.run([tool, '-W', '-l', path] if tool == 'readelf' else
                       [tool, '-l', path], stdout=subprocess.PIPE, text=True,
                       check=True, env=clean_env())
    loads = []
    for line in p.stdout.splitlines():
        f = line.split()
        if f and f[0] == 'LOAD':
            loads.append({'offset': int(f[1], 16), 'vaddr': int(f[2], 16),
                          'paddr': int(f[3], 16), 'filesz': int(f[4], 16),
                          'memsz': int(f[5], 16)})
    return loads


@pytest.mark.parametrize('tool', ['readelf', 'eu-readelf'])
@pytest.mark.parametrize('big', [True, False])
def test_readelf_agrees_on_notes_and_segments(tmp_path, tool, big):
    if not shutil.which(tool):
        pytest.skip(tool + ' not installed (binutils / elfutils)')
    gen(tmp_path / 'vmcore', *order_args(big), '--prpsinfo')
    dest = tmp_path / 'dest'
    dest.mkdir()
    ok_json('save', *RAW, '--source', tmp_path / 'vmcore', dest)
    saved = str(dest / 'vmcore')
    info = ok_json('info', saved)
    assert len(info['notes']) == 7
    assert readelf_notes(tool, saved) == info['notes']
    assert readelf_loads(tool, saved) == [
        {k: s[k] for k in ('offset', 'vaddr', 'paddr', 'filesz', 'memsz')}
        for s in info['segments']]
