# SPDX-License-Identifier: LGPL-2.1-or-later
"""fadump.Vmcore on cores written by elfcore.py: what is in them is known
by construction, so every expected value below comes from the writer's
arguments, not from the library."""

import os
import stat
import threading
import time

import pytest

import fadump
from conftest import FakeReleaseStore, root_path
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
            vm.save(tmp_path / 'missing')
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
        with pytest.raises(ValueError, match='live dump'):
            vm.save(tmp_path, release=True)     # not the live dump
    assert saved_files(tmp_path) == ['link', 'vmcore']


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
    assert vm.closed            # closed before release_mem was written
    assert saved_files(tmp_path) == ['pseries-7.2-capture', 'vmcore']
    assert os.path.getsize(tmp_path / 'vmcore') == \
        os.path.getsize(root / 'proc/vmcore')


def test_save_and_release(scratch, tmp_path):
    root = live_root(scratch)
    store = FakeReleaseStore(str(root))
    written = []
    t = threading.Thread(target=lambda: written.append(
        store.serve(lambda: True)))
    t.start()
    try:
        with fadump.Vmcore(root=root) as vm:
            r = vm.save(tmp_path, release=True)
    finally:
        t.join(30)
    assert r.released is True and vm.closed
    assert written == [b'1']
    assert saved_files(tmp_path) == ['pseries-7.2-capture', 'vmcore']
    assert not (root / 'proc/vmcore').exists()
