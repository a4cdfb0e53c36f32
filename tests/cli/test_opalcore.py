# SPDX-License-Identifier: LGPL-2.1-or-later
"""fadumpctl and the OPAL core of a PowerNV capture boot: status, info
(checked against readelf), save as DEST/opalcore and release_core after
it, on powernv-6.1-capture with a core from tests/mkopalcore.c (the
layout of the kernel's opal-core.c).

Environment (set by tests/meson.build):
    FADUMPCTL, MKVMCORE, MKOPALCORE, FADUMP_TEST_DATA
"""

import json
import os
import re
import shutil
import signal
import subprocess

import pytest

from conftest import (DATA, EXIT_FAILED, EXIT_OK, FADUMPCTL, MKVMCORE, RAW,
                      FakeReleaseStore, clean_env, read, require_env, run)

require_env('FADUMPCTL', 'MKVMCORE', 'MKOPALCORE', 'FADUMP_TEST_DATA')
MKOPALCORE = os.environ.get('MKOPALCORE')
CORE = 'sys/firmware/opal/mpipl/core'
RELEASE_CORE = 'sys/firmware/opal/mpipl/release_core'


def powernv_root(tmp_path, *core_args):
    """powernv-6.1-capture with a 4 MiB /proc/vmcore, an OPAL core and a
    plain-file release_core (a write shows as its content)."""
    root = tmp_path / 'root'
    shutil.copytree(os.path.join(DATA, 'roots', 'powernv-6.1-capture'), root,
                    symlinks=True)
    (root / 'proc/vmcore').unlink()
    subprocess.run([MKVMCORE, '--size', '4M', str(root / 'proc/vmcore')],
                   check=True, stdout=subprocess.DEVNULL)
    (root / CORE).parent.mkdir(parents=True)
    subprocess.run([MKOPALCORE, *core_args, str(root / CORE)], check=True)
    (root / RELEASE_CORE).write_bytes(b'')
    return root


def ok_json(*args, root=None):
    p = run('--json', *args, root=root)
    assert p.returncode == EXIT_OK, p.stderr
    assert p.stderr == ''
    return json.loads(p.stdout)


def readelf(path, *opts):
    return subprocess.run(['readelf', '-W', *opts, str(path)], check=True,
                          stdout=subprocess.PIPE, text=True).stdout


def test_status(tmp_path):
    root = powernv_root(tmp_path)
    st = ok_json('status', root=root)
    assert st['opalcore_present'] is True
    assert st['opalcore_size'] == os.path.getsize(root / CORE)
    assert st['opalcore_release_available'] is True
    p = run('status', root=root)
    assert 'OPAL core:          %d bytes' % os.path.getsize(root / CORE) \
        in p.stdout
    (root / CORE).unlink()
    st = ok_json('status', root=root)
    assert (st['opalcore_present'], st['opalcore_size']) == (False, None)
    assert 'OPAL core:          released' in run('status', root=root).stdout


def test_status_pseries_has_no_opalcore_keys():
    st = ok_json('status', root=os.path.join(DATA, 'roots', 'pseries-7.2-capture'))
    assert not [k for k in st if k.startswith('opalcore')]


@pytest.mark.skipif(not shutil.which('readelf'), reason='no readelf')
def test_info_reads_the_core_as_readelf_does(tmp_path):
    root = powernv_root(tmp_path, '--cpus', '6', '--inactive', '2')
    got = ok_json('info', root / CORE)
    loads = [ln.split() for ln in readelf(root / CORE, '-l').splitlines()
             if ln.strip().startswith('LOAD')]
    assert [(s['offset'], s['vaddr'], s['paddr'], s['filesz'])
            for s in got['segments']] == \
        [tuple(int(f[i], 16) for i in (1, 2, 3, 4)) for f in loads]
    notes = re.findall(r'^\s+CORE\s+0x[0-9a-f]+\s+(NT_\w+)',
                       readelf(root / CORE, '-n'), re.M)
    assert notes == ['NT_PRSTATUS'] * 4 + ['NT_AUXV']
    types = {1: 'NT_PRSTATUS', 6: 'NT_AUXV'}     # elf.h
    assert [types[n['type']] for n in got['notes']] == notes
    assert got['cpus'] == 4 and got['byte_order'] == 'big'


def test_save_without_release(tmp_path):
    root = powernv_root(tmp_path)
    got = ok_json('save', *RAW, tmp_path / 'dest', root=root)
    oc = got['opalcore']
    assert oc['dest'] == str(tmp_path / 'dest/opalcore')
    assert oc['bytes_total'] == os.path.getsize(root / CORE)
    assert oc['released'] is False
    assert read(tmp_path / 'dest/opalcore') == read(root / CORE)
    assert os.stat(tmp_path / 'dest/opalcore').st_mode & 0o7777 == 0o600
    assert read(tmp_path / 'dest/vmcore') == read(root / 'proc/vmcore')
    assert read(root / RELEASE_CORE) == b''
    p = run('save', *RAW, tmp_path / 'text', root=root)
    assert p.returncode == EXIT_OK, p.stderr
    assert p.stdout.startswith('saved %s/proc/vmcore to ' % root)
    assert 'saved the OPAL core to %s/text/opalcore: ' % tmp_path in p.stdout


def test_save_pseries_has_null_opalcore(tmp_path):
    root = powernv_root(tmp_path)
    shutil.rmtree(root / 'sys/firmware/opal')
    assert ok_json('save', *RAW, tmp_path / 'd', root=root)['opalcore'] is None
    assert os.listdir(tmp_path / 'd') == ['vmcore']


def test_save_release_order(tmp_path):
    """release_core and release_mem as FIFOs acting as the kernel's
    stores: the OPAL core is saved and released first, each release only
    once its copy is complete under its final name."""
    root = powernv_root(tmp_path)
    core, vmcore = read(root / CORE), read(root / 'proc/vmcore')
    dest = tmp_path / 'dest'
    dest.mkdir()
    opal = FakeReleaseStore(root, RELEASE_CORE, CORE)
    mem = FakeReleaseStore(root)

    def opal_saved():
        assert os.listdir(dest) == ['opalcore']
        assert read(dest / 'opalcore') == core

    def dump_saved():
        assert sorted(os.listdir(dest)) == ['opalcore', 'vmcore']
        assert read(dest / 'vmcore') == vmcore

    proc = subprocess.Popen([FADUMPCTL, '--root', str(root), 'save', '--json',
                             *RAW, '--release=end', str(dest)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=clean_env())
    try:
        alive = lambda: proc.poll() is None  # noqa: E731
        got_opal = opal.serve(proc.pid, alive, 30, before_release=opal_saved)
        got_mem = mem.serve(proc.pid, alive, 30, before_release=dump_saved)
    finally:
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == EXIT_OK, err
    assert (got_opal, got_mem) == (b'1', b'1')
    summary = json.loads(out)
    assert summary['released'] is True and summary['opalcore']['released'] is True
    assert not (root / CORE).exists()


@pytest.mark.parametrize('how', ['option', 'config'])
def test_save_release_keeps_the_core_when_asked(tmp_path, how):
    root = powernv_root(tmp_path)
    dest = tmp_path / 'dest'
    if how == 'option':
        args = ['--keep-opalcore', dest]
    else:
        (root / 'etc').mkdir(exist_ok=True)
        (root / 'etc/fadump.conf').write_text(
            'dest = %s\nopalcore = keep\nlevel = 0\nformat = elf\n' % dest)
        args = []
    p = run('save', '--json', '--release=end', *args, root=root)
    # release_mem is a plain file here: the dump's release fails, "still exists"
    assert p.returncode == EXIT_FAILED and 'still exists' in p.stderr
    summary = json.loads(p.stdout)
    assert summary['opalcore']['released'] is False
    assert read(root / RELEASE_CORE) == b''
    assert (root / CORE).exists()


def test_save_release_core_refused_keeps_the_copy(tmp_path):
    # a plain file has no release_core_store(): the core stays
    root = powernv_root(tmp_path)
    dest = tmp_path / 'dest'
    store = FakeReleaseStore(root)
    proc = subprocess.Popen([FADUMPCTL, '--root', str(root), 'save', '--json',
                             *RAW, '--release=end', str(dest)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=clean_env())
    try:
        got = store.serve(proc.pid, lambda: proc.poll() is None, 30)
    finally:
        out, err = proc.communicate(timeout=30)
    assert got == b'1'      # the dump is saved and released all the same
    assert proc.returncode == EXIT_FAILED
    assert err.count('\n') == 1 and 'release_core' in err and \
        'still exists' in err, err
    summary = json.loads(out)
    assert summary['released'] is True
    assert summary['opalcore']['released'] is False
    assert read(dest / 'opalcore') == read(root / CORE)


@pytest.fixture
def tiny_fs(tmp_path):
    mnt = tmp_path / 'tiny'
    mnt.mkdir()
    p = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=1M,mode=0700',
                        'fadump-test', str(mnt)], stderr=subprocess.PIPE,
                       text=True)
    if p.returncode != 0:
        pytest.skip('cannot mount a tmpfs (not root?): ' + p.stderr.strip())
    yield mnt
    subprocess.run(['umount', str(mnt)], check=True)


def test_save_full_disk_releases_nothing(tmp_path, tiny_fs):
    root = powernv_root(tmp_path, '--region-size', str(1 << 20),
                       '--zero-percent', '0')
    p = run('save', *RAW, '--release=end', tiny_fs, root=root)
    assert p.returncode == EXIT_FAILED
    assert re.search(r'^fadumpctl: save: %s/opalcore \(not yet linked\): write '
                     r'at offset 0x[0-9a-f]+ failed: No space left on device'
                     % re.escape(str(tiny_fs)), p.stderr, re.M), p.stderr
    assert os.listdir(tiny_fs) == []
    assert read(root / RELEASE_CORE) == b''
    assert read(root / 'sys/kernel/fadump/release_mem') == b''
    assert (root / CORE).exists()


def test_killed_before_release_leaves_a_whole_copy(tmp_path):
    """SIGKILL while release_core is being written: the copy is complete
    and in place, the core not released."""
    root = powernv_root(tmp_path)
    dest = tmp_path / 'dest'
    store = FakeReleaseStore(root, RELEASE_CORE, CORE)
    proc = subprocess.Popen([FADUMPCTL, '--root', str(root), 'save', *RAW,
                             '--release=end', str(dest)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=clean_env())
    try:
        def kill():
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            raise RuntimeError('killed')
        with pytest.raises(RuntimeError):
            store.serve(proc.pid, lambda: proc.poll() is None, 30,
                        before_release=kill)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    assert os.listdir(dest) == ['opalcore']
    assert read(dest / 'opalcore') == read(root / CORE)
    assert (root / CORE).exists()


def test_keep_opalcore_is_for_save_only():
    p = run('status', '--keep-opalcore')
    assert p.returncode == 2 and '--keep-opalcore applies to save only' in p.stderr
