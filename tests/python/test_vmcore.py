# SPDX-License-Identifier: LGPL-2.1-or-later
"""fadump.Vmcore on cores written by elfcore.py: what is in them is known
by construction, so every expected value below comes from the writer's
arguments, not from the library."""

import errno
import json
import os
import stat
import subprocess
import threading
import time

import pytest

import fadump
from conftest import MiB, FakeReleaseStore, root_path
from elfcore import (EM_PPC64, EM_X86_64, PAGE, Segment, pattern, ppc64_regs,
                     prpsinfo, write_core)

VMCOREINFO = ('OSRELEASE=7.2.0-fadump-test\n'
              'PAGESIZE=65536\n'
              'SYMBOL(init_uts_ns)=c000000002a3b4c8\n'
              'CRASHTIME=1767225600\n'
              'OSRELEASE=ignored-second\n')

# 0 .. 0x3000 | hole | 0x10000 .. 0x12000 (second page not in the file:
# zeros) | 0x12000 .. 0x13000 adjacent | hole | 1 MiB of zeros at 16 MiB
SEGMENTS = [
    Segment(0, pattern(0, 0x3000), vaddr=0xc000000000000000),
    Segment(0x10000, pattern(0x10000, 0x1000), memsz=0x2000),
    Segment(0x12000, pattern(0x12000, 0x1000)),
    Segment(0x1000000, bytes(0x100000), flags=4),
]


@pytest.fixture
def core(tmp_path):
    path = tmp_path / 'vmcore'
    lay = write_core(path, SEGMENTS, cpus=3, vmcoreinfo=VMCOREINFO)
    return path, lay


def test_info(core):
    path, lay = core
    with fadump.Vmcore(path) as vm:
        assert vm.info == fadump.VmcoreInfo(
            big_endian=False, machine=EM_PPC64, machine_name='ppc64',
            file_size=lay.file_size, segments=4, notes=4, cpus=3,
            memory_bytes=0x3000 + 0x2000 + 0x1000 + 0x100000,
            data_bytes=0x3000 + 0x1000 + 0x1000 + 0x100000)
        assert vm.path == str(path)
        assert not vm.live and not vm.closed
        assert repr(vm) == '<fadump.Vmcore %r>' % str(path)
    assert vm.closed
    assert repr(vm) == '<fadump.Vmcore closed>'


def test_segments(core):
    path, lay = core
    with fadump.Vmcore(str(path)) as vm:
        assert vm.segments == tuple(
            fadump.Segment(paddr=s.paddr, vaddr=s.vaddr, offset=off,
                           filesz=len(s.data),
                           memsz=s.memsz or len(s.data), flags=s.flags)
            for s, off in zip(SEGMENTS, lay.seg_offsets))


def test_notes_and_cpus(core):
    path, lay = core
    with fadump.Vmcore(os.fsencode(path)) as vm:
        assert vm.notes == tuple(fadump.Note(**n) for n in lay.notes)
        assert [n.name for n in vm.notes] == ['CORE'] * 3 + ['VMCOREINFO']
        cpus = vm.cpus
        assert len(cpus) == 3
        for i, c in enumerate(cpus):
            assert c.index == i and c.note == i
            assert (c.pid, c.ppid, c.pgrp, c.sid) == (0, 1, 2, 3)
            assert c.signo == 0 and c.cursig == 0
            assert c.pr_reg == lay.pr_regs[i] and len(c.pr_reg) == 384
            assert c.regs == ppc64_regs(i)
        assert vm.prpsinfo is None


def test_vmcoreinfo(core):
    path, _ = core
    with fadump.Vmcore(path) as vm:
        assert vm.vmcoreinfo == {
            'OSRELEASE': '7.2.0-fadump-test',       # the first one wins
            'PAGESIZE': '65536',
            'SYMBOL(init_uts_ns)': 'c000000002a3b4c8',
            'CRASHTIME': '1767225600',
        }
        assert vm.page_size == 65536
        assert vm.crash_time == 1767225600


def test_big_endian_and_prpsinfo(tmp_path):
    path = tmp_path / 'vmcore'
    info = prpsinfo('>', 'swapper/0', 'console=hvc0 fadump=on', 7)
    write_core(path, SEGMENTS[:1], cpus=1, big_endian=True,
               prpsinfo_note=info)
    with fadump.Vmcore(path) as vm:
        assert vm.info.big_endian is True
        assert vm.cpus[0].regs == ppc64_regs(0)
        assert vm.prpsinfo == fadump.ProcessInfo(
            note=1, state=0, sname='R', zombie=False, nice=-5,
            flag=0x400040, uid=1000, gid=100, pid=7, ppid=1, pgrp=7, sid=7,
            fname='swapper/0', psargs='console=hvc0 fadump=on')
        # no VMCOREINFO note: nothing, not an error
        assert vm.vmcoreinfo == {}
        assert vm.page_size is None and vm.crash_time is None
        assert vm.read(0x100, 16) == pattern(0x100, 16)


def test_other_architecture_has_no_ppc64_registers(tmp_path):
    path = tmp_path / 'vmcore'
    write_core(path, SEGMENTS[:1], cpus=2, machine=EM_X86_64)
    with fadump.Vmcore(path) as vm:
        assert vm.info.machine_name == 'x86_64'
        assert [c.regs for c in vm.cpus] == [None, None]
        assert len(vm.cpus[1].pr_reg) == 384


def test_unknown_note_is_listed(tmp_path):
    path = tmp_path / 'vmcore'
    lay = write_core(path, SEGMENTS[:1], cpus=1,
                     extra_notes=[('FADUMPTEST', 0x4242, b'\1\2\3'),
                                  ('EMPTY', 7, b'')])
    with fadump.Vmcore(path) as vm:
        assert vm.notes[-2:] == (
            fadump.Note(name='FADUMPTEST', type=0x4242, desc=b'\1\2\3',
                        offset=lay.notes[-2]['offset']),
            fadump.Note(name='EMPTY', type=7, desc=b'',
                        offset=lay.notes[-1]['offset']))


@pytest.mark.parametrize('text, what', [
    ('OSRELEASE=7.2\nno equals sign\n', 'line 2'),
    ('PAGESIZE=1000\n', 'PAGESIZE'),
    ('CRASHTIME=soon\n', 'CRASHTIME'),
])
def test_vmcoreinfo_malformed(tmp_path, text, what):
    path = tmp_path / 'vmcore'
    write_core(path, SEGMENTS[:1], cpus=1, vmcoreinfo=text)
    with fadump.Vmcore(path) as vm:
        with pytest.raises(fadump.MalformedError) as e:
            vm.vmcoreinfo
            vm.page_size
            vm.crash_time
        assert what in e.value.strerror
        assert vm.cpus[0].regs == ppc64_regs(0)     # the rest still works


# -- read -------------------------------------------------------------------

def test_read(core):
    path, _ = core
    with fadump.Vmcore(path) as vm:
        assert vm.read(0, 0x3000) == pattern(0, 0x3000)
        assert vm.read(0x2ff8, 8) == pattern(0x2ff8, 8)
        # the second page of segment 1 is memory the file does not hold
        assert vm.read(0x10ff0, 0x20) == pattern(0x10ff0, 0x10) + bytes(0x10)
        # segments 1 and 2 are adjacent: one read spans both
        assert vm.read(0x11ff8, 16) == bytes(8) + pattern(0x12000, 8)
        assert vm.read(0x1000000, 0x100000) == bytes(0x100000)
        assert vm.read(0x3000, 0) == b''


@pytest.mark.parametrize('paddr, size, words', [
    (0x3000, 1, 'hole from 0x3000 to 0xffff'),
    (0x2fff, 2, 'physical address 0x3000'),
    (0x1100000, 8, 'memory ends at 0x10fffff'),
])
def test_read_outside_the_dump(core, paddr, size, words):
    path, _ = core
    with fadump.Vmcore(path) as vm:
        with pytest.raises(fadump.NotInDumpError) as e:
            vm.read(paddr, size)
        assert e.value.errno == 6               # ENXIO
        assert isinstance(e.value, LookupError)
        assert words in e.value.strerror
        assert str(path) in e.value.strerror


def test_read_argument_errors(core):
    path, _ = core
    with fadump.Vmcore(path) as vm:
        with pytest.raises(ValueError):
            vm.read(0, -1)
        with pytest.raises(OverflowError):
            vm.read(-1, 8)
        with pytest.raises(OverflowError):
            vm.read(1 << 64, 8)
        with pytest.raises(TypeError):
            vm.read('0', 8)
        with pytest.raises(fadump.NotInDumpError):
            vm.read((1 << 64) - 4, 8)           # wraps around 2^64


def test_closed(core):
    path, _ = core
    vm = fadump.Vmcore(path)
    vm.close()
    vm.close()
    for op in (lambda: vm.info, lambda: vm.segments, lambda: vm.notes,
               lambda: vm.cpus, lambda: vm.vmcoreinfo, lambda: vm.prpsinfo,
               lambda: vm.page_size, lambda: vm.crash_time, lambda: vm.path,
               lambda: vm.read(0, 1), lambda: vm.save('/nonexistent')):
        with pytest.raises(ValueError, match='closed'):
            op()


# -- opening ----------------------------------------------------------------

def test_open_errors(tmp_path):
    with pytest.raises(fadump.NotFoundError) as e:
        fadump.Vmcore(tmp_path / 'missing')
    assert 'missing' in e.value.strerror
    with pytest.raises(fadump.IsADirError):
        fadump.Vmcore(tmp_path)
    bad = tmp_path / 'bad'
    bad.write_bytes(b'not an ELF file at all' * 10)
    with pytest.raises(fadump.MalformedError) as e:
        fadump.Vmcore(bad)
    assert 'not an ELF file' in e.value.strerror
    elf32 = tmp_path / 'elf32'
    elf32.write_bytes(b'\x7fELF\x01\x01\x01' + bytes(100))
    with pytest.raises(fadump.UnsupportedError) as e:
        fadump.Vmcore(elf32)
    assert '32-bit' in e.value.strerror
    # a segment running past the end of the file
    path = tmp_path / 'short'
    lay = write_core(path, SEGMENTS[:1], cpus=1)
    os.truncate(path, lay.file_size - 1)
    with pytest.raises(fadump.MalformedError) as e:
        fadump.Vmcore(path)
    assert 'program header 1 (PT_LOAD)' in e.value.strerror
    with pytest.raises(TypeError):
        fadump.Vmcore(3.5)


def live_root(scratch, name='pseries-7.2-capture'):
    """A capture-boot root whose /proc/vmcore is a real core."""
    root = scratch(name)
    write_core(root / 'proc/vmcore', SEGMENTS[:2], cpus=2,
               vmcoreinfo=VMCOREINFO)
    return root


def test_live_vmcore_under_root(scratch):
    root = live_root(scratch)
    with fadump.Vmcore(root=root) as vm:
        assert vm.live
        assert vm.path == str(root / 'proc/vmcore')
        assert vm.info.cpus == 2
    # the explicit live path means the same
    with fadump.Vmcore('/proc/vmcore', root=root) as vm:
        assert vm.live and vm.path == str(root / 'proc/vmcore')
    with pytest.raises(fadump.NotFoundError):
        fadump.Vmcore(root=root_path('pseries-7.2-registered'))
    # the fixture roots hold an empty placeholder
    with pytest.raises(fadump.MalformedError):
        fadump.Vmcore(root=root_path('pseries-7.2-capture'))


# -- save -------------------------------------------------------------------

def saved_files(dest):
    return sorted(os.listdir(dest))


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def test_save(core, tmp_path):
    path, lay = core
    dest = tmp_path / 'out'
    dest.mkdir()
    calls = []
    with fadump.Vmcore(path) as vm:
        r = vm.save(dest, progress=lambda done, total: calls.append(
            (done, total)), chunk_size=PAGE)
    assert r.path == str(dest / 'vmcore')
    assert saved_files(dest) == ['vmcore']
    with open(path, 'rb') as a, open(dest / 'vmcore', 'rb') as b:
        assert a.read() == b.read()
    assert stat.S_IMODE(os.stat(dest / 'vmcore').st_mode) == 0o600
    assert r.bytes_total == lay.file_size
    # the 1 MiB of zeros at least is left as holes
    assert r.zero_bytes_skipped >= 0x100000
    assert r.bytes_written + r.zero_bytes_skipped == lay.file_size
    assert r.seconds >= 0 and r.released is False
    # a callback per 4 KiB chunk, in order, ending at the total
    assert len(calls) == lay.file_size // PAGE
    assert [d for d, _ in calls] == [PAGE * (i + 1) for i in range(len(calls))]
    assert all(t == lay.file_size for _, t in calls)


def test_save_not_sparse_and_named(core, tmp_path):
    path, lay = core
    with fadump.Vmcore(path) as vm:
        r = vm.save(tmp_path, name='dump-1', sparse=False)
        assert r.path == str(tmp_path / 'dump-1')
        assert r.zero_bytes_skipped == 0
        assert r.bytes_written == lay.file_size
        # never over an existing file
        with pytest.raises(fadump.ExistsError) as e:
            vm.save(tmp_path, name='dump-1')
        assert e.value.errno == 17 and 'dump-1' in e.value.strerror
        assert isinstance(e.value, FileExistsError)
    assert os.path.getsize(tmp_path / 'dump-1') == lay.file_size


def test_save_errors(core, tmp_path):
    path, _ = core
    with fadump.Vmcore(path) as vm:
        with pytest.raises(fadump.NotADirError):
            vm.save(path)                       # a file, not a directory
        with pytest.raises(fadump.NotFoundError):
            vm.save(tmp_path / 'missing', create_dest=False)
        with pytest.raises(fadump.NotFoundError):
            vm.save(tmp_path / 'missing' / 'deeper')    # parent missing
        link = tmp_path / 'link'
        link.symlink_to(tmp_path)
        # fadump.h documents ELOOP for a symbolic link; open(O_DIRECTORY |
        # O_NOFOLLOW) on Linux gives ENOTDIR, which the library passes on
        with pytest.raises(fadump.Error) as e:
            vm.save(link)
        assert e.value.errno in (40, 20)        # ELOOP, ENOTDIR
        assert str(link) in e.value.strerror
        with pytest.raises(fadump.InvalidArgumentError):
            vm.save(tmp_path, name='a/b')
        with pytest.raises(fadump.InvalidArgumentError):
            vm.save(tmp_path, chunk_size=1000)  # not a multiple of 4096
        with pytest.raises(ValueError):
            vm.save(tmp_path, chunk_size=-1)
        with pytest.raises(TypeError):
            vm.save(tmp_path, progress=42)
        # not the live dump: the library refuses before writing anything
        for release in (True, 'auto', 'ranges', 'end'):
            with pytest.raises(fadump.InvalidArgumentError,
                               match='live dump') as e:
                vm.save(tmp_path, name='r', release=release)
            assert e.value.errno == 22 and isinstance(e.value, ValueError)
        for release in ('yes', 'no', 1, None, 'RANGES'):
            with pytest.raises(ValueError, match='release must be'):
                vm.save(tmp_path, name='r', release=release)
        with pytest.raises(ValueError, match='release_batch'):
            vm.save(tmp_path, name='r', release_batch=0)
        with pytest.raises(TypeError, match='release_batch'):
            vm.save(tmp_path, name='r', release_batch='64M')
        assert not vm.closed
    assert saved_files(tmp_path) == ['link', 'vmcore']


def test_save_creates_dest(core, tmp_path):
    path, _ = core
    with fadump.Vmcore(path) as vm:
        r = vm.save(tmp_path / 'new')
        assert r.path == str(tmp_path / 'new' / 'vmcore')
        assert stat.S_IMODE(os.stat(tmp_path / 'new').st_mode) == 0o700
        assert saved_files(tmp_path / 'new') == ['vmcore']
        # an existing directory is used as it is
        assert vm.save(tmp_path / 'new', name='again').bytes_total == \
            os.path.getsize(path)
    assert (tmp_path / 'missing').exists() is False


def test_save_unsafe_dest_needs_force(core, tmp_path):
    path, _ = core
    dest = tmp_path / 'shared'
    dest.mkdir()
    os.chmod(dest, 0o777)           # anyone could swap the file
    with fadump.Vmcore(path) as vm:
        with pytest.raises(fadump.AccessError) as e:
            vm.save(dest)
        assert e.value.errno == 1 and str(dest) in e.value.strerror
        assert saved_files(dest) == []
        r = vm.save(dest, force=True)
    assert r.released is False and r.release_mode == 'none'
    assert saved_files(dest) == ['vmcore']


class Stop(Exception):
    pass


@pytest.mark.parametrize('exc', [Stop, KeyboardInterrupt])
def test_save_progress_raises(core, tmp_path, exc):
    """The callback's exception stops the copy, the library removes its
    partial file, and the very same exception comes out."""
    path, _ = core
    dest = tmp_path / 'out'
    dest.mkdir()
    raised = []

    def progress(done, total):
        if done >= 3 * PAGE:
            raised.append(exc('stop at %d' % done))
            raise raised[-1]

    with fadump.Vmcore(path) as vm:
        with pytest.raises(exc) as e:
            vm.save(dest, progress=progress, chunk_size=PAGE)
        assert e.value is raised[0] and len(raised) == 1
        assert saved_files(dest) == []
        # the Vmcore is still usable, and a later save works
        assert vm.save(dest).bytes_total == os.path.getsize(path)
    assert saved_files(dest) == ['vmcore']


def test_progress_callback_may_not_reenter(core, tmp_path):
    path, _ = core
    dest = tmp_path / 'out'
    dest.mkdir()
    with fadump.Vmcore(path) as vm:
        with pytest.raises(RuntimeError, match='progress callback'):
            vm.save(dest, chunk_size=PAGE,
                    progress=lambda d, t: vm.read(0, 8))
        assert saved_files(dest) == []


def test_other_threads_run_during_save(core, tmp_path):
    """While the GIL is released for the copy, another thread can use
    another object; a second thread on the same Vmcore waits its turn."""
    path, lay = core
    seen = []
    with fadump.Vmcore(path) as vm:
        def reader():
            seen.append(vm.read(0, 16))

        def progress(done, total):
            if done == PAGE:
                t.start()
                time.sleep(0.05)        # the reader blocks on the lock
                assert seen == []
        t = threading.Thread(target=reader)
        vm.save(tmp_path, name='copy', chunk_size=PAGE, progress=progress)
        t.join(10)
    assert seen == [pattern(0, 16)]


def test_save_release_static_copy(scratch, tmp_path):
    # A plain release_mem file: the dump is saved, then the release's
    # read-back finds /proc/vmcore still there; the copy stays.
    root = live_root(scratch)
    vm = fadump.Vmcore(root=root)
    with pytest.raises(fadump.Error) as e:
        vm.save(tmp_path, release=True)
    assert e.value.errno == 5 and 'still exists' in e.value.strerror
    assert vm.closed            # the copy is in place: done with the dump
    assert saved_files(tmp_path) == ['pseries-7.2-capture', 'vmcore']
    assert os.path.getsize(tmp_path / 'vmcore') == \
        os.path.getsize(root / 'proc/vmcore')
    # what was saved comes with the error
    r = e.value.save_result
    assert isinstance(r, fadump.SaveResult)
    assert r.path == str(tmp_path / 'vmcore') and r.released is False
    assert r.bytes_total == os.path.getsize(root / 'proc/vmcore')
    assert r.release_mode == 'end'      # no release_range in this root
    assert r.bytes_released_early == r.ranges_released == 0
    assert read(root / 'sys/kernel/fadump/release_mem') == b'1'


def test_save_and_release(scratch, tmp_path):
    root = live_root(scratch)
    store = FakeReleaseStore(str(root))
    written = []
    t = threading.Thread(target=lambda: written.append(
        store.serve(os.getpid(), lambda: True, timeout=20)))
    t.start()
    try:
        with fadump.Vmcore(root=root) as vm:
            r = vm.save(tmp_path, release=True)
            closed = vm.closed
    finally:
        t.join(30)
    assert r.released is True and closed
    # no release_range in this root: all of it at the end
    assert r.release_mode == 'end'
    assert r.bytes_released_early == r.ranges_released == r.syncs == 0
    assert written == [b'1']
    assert saved_files(tmp_path) == ['pseries-7.2-capture', 'vmcore']
    assert not (root / 'proc/vmcore').exists()


# -- release while saving (kernel/patches/0003) ------------------------------

def mkvmcore(path, *args):
    """Write a dump with tests/mkvmcore; returns its --describe output."""
    exe = os.environ.get('MKVMCORE')
    if not exe:
        build = os.environ.get('MESON_BUILD_ROOT')
        if not build:
            pytest.skip('neither MKVMCORE nor MESON_BUILD_ROOT is set')
        exe = os.path.join(build, 'tests', 'mkvmcore')
    assert os.access(exe, os.X_OK), exe + ' is not built'
    p = subprocess.run([exe, '--describe'] + list(args) + [str(path)],
                       capture_output=True, text=True, check=True)
    return json.loads(p.stdout)


def generated_root(scratch, *args):
    """A capture-boot root whose /proc/vmcore is a generated dump."""
    root = scratch('pseries-7.2-capture')
    (root / 'proc/vmcore').unlink()
    return root, mkvmcore(root / 'proc/vmcore', *args)


def file_offset(desc, start, size):
    """Where physical [start, start + size) is in the dump, if in one
    PT_LOAD."""
    for seg in desc['segments']:
        if seg['paddr'] <= start and start + size <= seg['paddr'] + \
                seg['filesz']:
            return seg['offset'] + start - seg['paddr']
    return None


class ReleaseRangeRecorder:
    """release_range as a FIFO: a thread records every "START SIZE" the
    library writes and checks, as it arrives, that the copy in @dest
    already holds those bytes of @src (the dump) at their offset."""

    def __init__(self, root, dest, src, desc):
        self.fifo = str(root / 'sys/kernel/fadump/release_range')
        os.mkfifo(self.fifo, 0o600)
        # Opened read-write and kept open: the pipe always has a reader,
        # so no write is lost between two readers, and the library's
        # open() never waits.
        self.fd = os.open(self.fifo, os.O_RDWR)
        self.dest, self.src, self.desc = dest, src, desc
        self.ranges = []
        self.errors = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            while True:
                # Each write is a few bytes, far below PIPE_BUF, so it is
                # in the pipe whole or not at all: a read returns whole
                # writes, sometimes several of them.
                data = os.read(self.fd, 65536)
                stop = data.endswith(b'STOP')
                self._record(data[:-4] if stop else data)
                if stop:
                    return
        except Exception as e:      # reported by the test
            self.errors.append(e)

    def _record(self, data):
        # One open, one write ("0xSTART 0xSIZE", no newline) -- but writes
        # that follow each other closely arrive in one read; every number
        # begins with "0x", so that is where one starts.
        words = data.replace(b'0x', b' 0x').split()
        if len(words) % 2 or not all(w.startswith(b'0x') for w in words):
            self.errors.append('not "0xSTART 0xSIZE" pairs: %r' % data)
            return
        for start, size in zip(words[::2], words[1::2]):
            start, size = int(start, 0), int(size, 0)
            self.ranges.append((start, size))
            self._check_saved(start, size)

    def _check_saved(self, start, size):
        off = file_offset(self.desc, start, size)
        if off is None:
            self.errors.append('[%#x, +%#x) is in no PT_LOAD' % (start, size))
            return
        for name in ('vmcore.partial', 'vmcore'):   # renamed at the end
            try:
                with open(os.path.join(self.dest, name), 'rb') as f:
                    f.seek(off)
                    got = f.read(size)
                break
            except FileNotFoundError:
                got = None
        if got != self.src[off:off + size]:
            self.errors.append('[%#x, +%#x) released before it was saved'
                               % (start, size))

    def stop(self):
        fd = os.open(self.fifo, os.O_WRONLY)
        try:
            os.write(fd, b'STOP')
        finally:
            os.close(fd)
        self.thread.join(20)
        assert not self.thread.is_alive()
        os.close(self.fd)


def whole_pages(desc, page):
    """Bytes in whole pages of each PT_LOAD's data: what may be released
    early when the kernel takes everything."""
    total = 0
    for seg in desc['segments']:
        lo = -(-seg['paddr'] // page) * page
        hi = (seg['paddr'] + seg['filesz']) // page * page
        total += max(hi - lo, 0)
    return total


def save_with_kernel(root, dest, **kw):
    """Vmcore(root=root).save(dest, **kw) with release_mem served."""
    store = FakeReleaseStore(str(root))
    written = []
    t = threading.Thread(target=lambda: written.append(
        store.serve(os.getpid(), lambda: True, timeout=20)))
    t.start()
    try:
        with fadump.Vmcore(root=root) as vm:
            r = vm.save(dest, **kw)
            assert vm.closed        # /proc/vmcore is gone
    finally:
        t.join(30)
    return r, written


@pytest.mark.parametrize('release, batch', [
    ('ranges', MiB), (True, MiB), ('auto', None)])
def test_save_release_ranges(scratch, tmp_path, release, batch):
    root, desc = generated_root(scratch, '--size', '16M')
    src = read(root / 'proc/vmcore')
    dest = tmp_path / 'dest'        # created by save()
    chunk = 64 * 1024
    page = os.sysconf('SC_PAGESIZE')
    recorder = ReleaseRangeRecorder(root, dest, src, desc)
    try:
        r, written = save_with_kernel(root, dest, release=release,
                                      release_batch=batch, chunk_size=chunk)
    finally:
        recorder.stop()
    assert recorder.errors == []
    ranges = recorder.ranges
    assert r.release_mode == 'ranges'
    assert r.released is True and written == [b'1']
    assert not (root / 'proc/vmcore').exists()
    assert saved_files(dest) == ['vmcore'] and read(dest / 'vmcore') == src
    assert r.ranges_released == len(ranges)
    assert r.bytes_released_early == sum(size for _, size in ranges)
    for start, size in ranges:
        assert size > 0 and start % page == 0 and size % page == 0
        assert file_offset(desc, start, size) is not None
    # never the same memory twice
    ordered = sorted(ranges)
    for (a, n), (b, _) in zip(ordered, ordered[1:]):
        assert a + n <= b
    # the fake kernel refuses nothing: every whole page went early
    assert r.bytes_released_early == whole_pages(desc, page)
    assert r.syncs >= 1
    if batch is None:
        # 64 MiB batches: each segment's first MiB of whole pages is
        # synced and offered on its own (is it memory the kernel keeps?),
        # the rest of the 16 MiB dump is durable once, at the end
        expect = []
        for seg in desc['segments']:
            lo = -(-seg['paddr'] // page) * page
            hi = (seg['paddr'] + seg['filesz']) // page * page
            expect.append((lo, min(MiB, hi - lo)))
            if hi - lo > MiB:
                expect.append((lo + MiB, hi - lo - MiB))
        assert sorted(ranges) == expect
        assert r.syncs == len(desc['segments']) + 1
    else:
        assert len(ranges) >= 12
        assert all(size <= batch + chunk + page for _, size in ranges)


def test_save_release_ranges_failure_keeps_the_partial_copy(scratch,
                                                            tmp_path):
    """A save that stops after memory went early keeps "<name>.partial":
    the only copy of that memory."""
    root, desc = generated_root(scratch, '--size', '16M')
    src = read(root / 'proc/vmcore')
    dest = tmp_path / 'dest'

    def progress(done, total):
        if done >= 8 * MiB:
            raise Stop('stop at %d' % done)

    recorder = ReleaseRangeRecorder(root, dest, src, desc)
    try:
        with fadump.Vmcore(root=root) as vm:
            with pytest.raises(Stop) as e:
                vm.save(dest, release='ranges', release_batch=MiB,
                        chunk_size=64 * 1024, progress=progress)
            assert not hasattr(e.value, 'save_result')  # nothing in place
            assert not vm.closed
    finally:
        recorder.stop()
    assert recorder.errors == [] and recorder.ranges
    assert saved_files(dest) == ['vmcore.partial']
    partial = read(dest / 'vmcore.partial')
    for start, size in recorder.ranges:
        off = file_offset(desc, start, size)
        assert partial[off:off + size] == src[off:off + size]
    # no release_mem: the rest of the dump stays
    assert read(root / 'sys/kernel/fadump/release_mem') == b''
    assert (root / 'proc/vmcore').exists()


def test_save_release_end_leaves_release_range_alone(scratch, tmp_path):
    root, desc = generated_root(scratch)
    attr = root / 'sys/kernel/fadump/release_range'
    attr.write_bytes(b'')
    src = read(root / 'proc/vmcore')
    r, written = save_with_kernel(root, tmp_path / 'dest', release='end')
    assert r.release_mode == 'end' and r.released is True
    assert r.bytes_released_early == r.ranges_released == r.syncs == 0
    assert written == [b'1']
    assert read(attr) == b''
    assert read(tmp_path / 'dest' / 'vmcore') == src
    assert r.bytes_total == desc['file_size']


def test_save_release_true_without_release_range(scratch, tmp_path):
    root, desc = generated_root(scratch)
    r, written = save_with_kernel(root, tmp_path / 'dest', release=True)
    assert r.release_mode == 'end' and r.released is True
    assert r.bytes_released_early == r.ranges_released == 0
    assert written == [b'1']
    assert r.bytes_total == desc['file_size']


def test_save_release_ranges_unsupported(scratch, tmp_path):
    root, _ = generated_root(scratch)
    with fadump.Vmcore(root=root) as vm:
        with pytest.raises(fadump.UnsupportedError) as e:
            vm.save(tmp_path / 'dest', release='ranges')
        assert e.value.errno == errno.EOPNOTSUPP
        assert 'release_range' in e.value.strerror
        assert not vm.closed
    # refused before anything was written or released
    assert not (tmp_path / 'dest').exists()
    assert read(root / 'sys/kernel/fadump/release_mem') == b''


def test_save_stopped_before_the_release_keeps_the_memory(scratch, tmp_path):
    # With a release asked, progress hears once more, with done == total,
    # that the copy is in place: raising then keeps the memory.
    root, desc = generated_root(scratch)
    src = read(root / 'proc/vmcore')
    dest = tmp_path / 'dest'
    ends = []

    def progress(done, total):
        if done == total:
            ends.append(saved_files(dest))
            if len(ends) == 2:
                raise Stop('not now')

    with fadump.Vmcore(root=root) as vm:
        with pytest.raises(Stop) as e:
            vm.save(dest, release='end', progress=progress)
        assert vm.closed
    # the first call at the end came before the link, the second after it
    assert len(ends) == 2 and ends[1] == ['vmcore'] and ends[0] != ends[1]
    r = e.value.save_result
    assert r.released is False and r.release_mode == 'end'
    assert r.path == str(dest / 'vmcore') and r.bytes_total == len(src)
    assert read(dest / 'vmcore') == src
    assert read(root / 'sys/kernel/fadump/release_mem') == b''
    assert (root / 'proc/vmcore').exists()
