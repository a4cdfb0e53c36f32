# SPDX-License-Identifier: LGPL-2.1-or-later
"""fadumpctl on roots captured from a real kernel, against golden JSON.

The qemu-* roots under tests/data/roots hold what our 7.2 kernel exported
under QEMU 11 pseries in the e2e run (built by
tests/data/roots/capture-roots.py from the run's artifacts). Their golden
files, tests/data/golden/<root>/<command>.json, are what fadumpctl printed
inside that guest, or, where the guest did not run the command, output
checked by hand against the kernel's raw values (tests/data/README says
which). The host build must print the same, value for value.

Environment (set by tests/meson.build):
    FADUMPCTL          the built binary
    FADUMP_TEST_DATA   tests/data
"""

import functools
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest

import conftest
from conftest import DATA, EXIT_FAILED, EXIT_OK, ROOTS, require_env

require_env('FADUMPCTL', 'FADUMP_TEST_DATA')
GOLDEN = os.path.join(DATA, 'golden')
CAPTURE_SCRIPT = os.path.join(ROOTS, 'capture-roots.py')
DT = 'sys/firmware/devicetree/base'
COMMANDS = ('status', 'regions', 'devtree', 'metadata', 'check')

CAPTURED = sorted(n for n in os.listdir(ROOTS)
                  if n.startswith('qemu-') and
                  os.path.isdir(os.path.join(ROOTS, n)))


def load_capture_roots():
    """The script's own FDT reader, without writing bytecode into the
    source tree."""
    spec = importlib.util.spec_from_file_location('capture_roots',
                                                  CAPTURE_SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    saved, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.dont_write_bytecode = saved
    return mod


# a run that takes 30 s has hung
run = functools.partial(conftest.run, timeout=30)


def assert_same(got, want, where='$'):
    """Equal values of equal JSON types, keys in the same order: Python
    alone would take true for 1 and 1.0 for 1."""
    assert type(got) is type(want), (where, got, want)
    if isinstance(want, dict):
        assert list(got) == list(want), (where, list(got), list(want))
        for k in want:
            assert_same(got[k], want[k], '%s.%s' % (where, k))
    elif isinstance(want, list):
        assert len(got) == len(want), (where, got, want)
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, '%s[%d]' % (where, i))
    else:
        assert got == want, (where, got, want)


def golden(name, cmd):
    with open(os.path.join(GOLDEN, name, cmd + '.json')) as f:
        return json.load(f)


def test_captured_roots_and_golden_files_match_up():
    # the seven roots tests/data/README describes, all with every file
    assert CAPTURED == ['qemu-7.2-be-capture', 'qemu-7.2-le-capture',
                        'qemu-7.2-le-registered', 'qemu-7.2-le-released',
                        'qemu-7.2-pnv-capture', 'qemu-7.2-pnv-registered',
                        'qemu-7.2-pnv-released']
    assert sorted(os.listdir(GOLDEN)) == CAPTURED
    for name in CAPTURED:
        assert sorted(os.listdir(os.path.join(GOLDEN, name))) == \
            sorted(c + '.json' for c in COMMANDS), name


@pytest.mark.parametrize('cmd', COMMANDS)
@pytest.mark.parametrize('name', CAPTURED)
def test_golden(name, cmd):
    want = golden(name, cmd)
    root = os.path.join(ROOTS, name)
    p = run('--json', cmd, root=root)
    # check exits 0 only for a dump it can vouch for (fadumpctl --help)
    ok = cmd != 'check' or want['verdict'] in ('complete', 'unverified')
    assert p.returncode == (EXIT_OK if ok else EXIT_FAILED), p.stderr
    assert p.stderr == ''
    # a message naming a file of the root names it as $ROOT/...
    assert_same(json.loads(p.stdout.replace(root, '$ROOT')), want)


@pytest.mark.parametrize('name', CAPTURED)
def test_fdt_and_directory_agree(name):
    """The real /sys/firmware/fdt and the directory tree cut from the same
    boot must give the same answers; the directory is what AUTO reads."""
    root = os.path.join(ROOTS, name)
    want = golden(name, 'devtree')
    assert want['source'] == 'dir'
    for source in ('dir', 'fdt'):
        p = run('--json', 'devtree', '--source', source, root=root)
        assert p.returncode == EXIT_OK, p.stderr
        got = json.loads(p.stdout)
        assert got['source'] == source
        got['source'] = 'dir'
        assert_same(got, want)


@pytest.mark.parametrize('name', CAPTURED)
def test_directory_tree_is_cut_from_the_blob(name):
    """Every property file holds exactly the blob's bytes, and the tree is
    exported at both of the kernel's names."""
    root = os.path.join(ROOTS, name)
    with open(os.path.join(root, 'sys/firmware/fdt'), 'rb') as f:
        props = load_capture_roots().fdt_properties(f.read(), name)
    base = os.path.join(root, DT)
    seen = 0
    for top, _, files in os.walk(base):
        for fname in files:
            path = os.path.join(top, fname)
            rel = '/' + os.path.relpath(path, base)
            with open(path, 'rb') as f:
                assert f.read() == props[rel], rel
            seen += 1
    # pseries: compatible, device_type, model and at least the token and
    # sizes; powernv (no device_type): compatible, model and the dump
    # node's compatible and fw-load-area
    assert seen >= (4 if '-pnv-' in name else 5)
    assert os.readlink(os.path.join(root, 'proc/device-tree')) == \
        '../sys/firmware/devicetree/base'


def test_legacy_names_are_relative_links():
    # what `ls -la /sys/kernel` showed in the capture boot
    root = os.path.join(ROOTS, 'qemu-7.2-le-capture', 'sys/kernel')
    for n in ('enabled', 'registered', 'release_mem'):
        assert os.readlink(os.path.join(root, 'fadump_' + n)) == 'fadump/' + n
    # release_mem is write-only (0200): nothing was read, the file is empty
    assert os.path.getsize(os.path.join(root, 'fadump/release_mem')) == 0


# --------------------------------------------------------------------------
# capture-roots.py: an artifacts folder rebuilt from a committed root must
# give that root back, byte for byte
# --------------------------------------------------------------------------

def ls_line(mode, name, size=65536):
    return '%s    1 0        0 %16d Nov 21 20:39 %s\n' % (mode, size, name)


def fake_artifacts(tmp_path, name='qemu-7.2-le-capture'):
    """The subset of an e2e artifacts folder capture-roots.py reads, made
    from the committed root @name (a capture boot)."""
    root = os.path.join(ROOTS, name)
    art = tmp_path / 'artifacts'
    raw = art / 'boot2/raw-capture'
    (raw / 'sysfs').mkdir(parents=True)
    (art / 'versions.txt').write_text('arch=le\nkernel=7.2.12 (x)\n')
    (raw / 'uname').write_text('Linux (none) 7.2.12 #1 SMP ppc64le GNU/Linux\n')
    fadump = os.path.join(root, 'sys/kernel/fadump')
    listing = 'total 0\n' + ls_line('drwxr-xr-x', '.', 0)
    for n in sorted(os.listdir(fadump)):
        with open(os.path.join(fadump, n), 'rb') as f:
            data = f.read()
        if n == 'release_mem':
            listing += ls_line('--w-------', n)
            (raw / 'sysfs' / (n + '.unreadable')).write_text('(not readable)\n')
        else:
            listing += ls_line('-r--r--r--', n)
            (raw / 'sysfs' / n).write_bytes(data)
    (raw / 'sysfs.ls').write_text(listing)
    kernel = 'total 0\n' + ls_line('drwxr-xr-x', 'fadump', 0)
    for n in ('enabled', 'registered', 'release_mem'):
        kernel += ls_line('lrwxrwxrwx', 'fadump_%s -> fadump/%s' % (n, n), 0)
    (raw / 'sys-kernel.ls').write_text(kernel)
    shutil.copy(os.path.join(root, 'sys/kernel/debug/powerpc/fadump_region'),
                raw / 'fadump_region')
    shutil.copy(os.path.join(root, 'sys/firmware/fdt'), raw / 'fdt.dtb')
    with tarfile.open(raw / 'rtas.tar', 'w') as tar:
        tar.add(os.path.join(root, DT, 'rtas'), arcname='rtas')
    (raw / 'vmcore.ls').write_text('-r-------- 1 0 0 1812004864 /proc/vmcore\n')
    (art / 'boot2/capture-status-json.out').write_text(
        json.dumps(golden(name, 'status')))
    return art


def capture_roots(art, tmp_path, *states):
    return subprocess.run(
        ['python3', CAPTURE_SCRIPT, '--roots', str(tmp_path / 'roots'),
         '--golden', str(tmp_path / 'golden'), str(art)] + list(states),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)


def test_capture_roots_rebuilds_the_committed_root(tmp_path):
    art = fake_artifacts(tmp_path)
    p = capture_roots(art, tmp_path, 'capture')
    assert p.returncode == 0, p.stderr
    assert 'metadata.json: no guest output' in p.stdout
    d = subprocess.run(['diff', '-r', '--no-dereference',
                        os.path.join(ROOTS, 'qemu-7.2-le-capture'),
                        str(tmp_path / 'roots/qemu-7.2-le-capture')],
                       stdout=subprocess.PIPE, text=True)
    assert d.returncode == 0, d.stdout
    # the guest's output is copied as it is
    assert json.loads((tmp_path / 'golden/qemu-7.2-le-capture/status.json')
                      .read_text()) == golden('qemu-7.2-le-capture', 'status')
    assert not (tmp_path / 'golden/qemu-7.2-le-capture/check.json').exists()


def test_capture_roots_refuses_disagreeing_trees(tmp_path):
    art = fake_artifacts(tmp_path)
    raw = art / 'boot2/raw-capture'
    # the directory tree's token no longer matches the blob
    with tarfile.open(raw / 'rtas.tar', 'w') as tar:
        data = b'\0\0\x20\x2e'
        info = tarfile.TarInfo('rtas/ibm,configure-kernel-dump')
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    p = capture_roots(art, tmp_path, 'capture')
    assert p.returncode == 1
    assert p.stderr.startswith('capture-roots: ')
    assert 'rtas.tar: rtas/ibm,configure-kernel-dump differs from ' \
        '/rtas/ibm,configure-kernel-dump in fdt.dtb' in p.stderr
    assert not (tmp_path / 'roots/qemu-7.2-le-capture').exists()


def test_capture_roots_refuses_a_missing_value(tmp_path):
    art = fake_artifacts(tmp_path)
    os.unlink(art / 'boot2/raw-capture/sysfs/mem_reserved')
    p = capture_roots(art, tmp_path, 'capture')
    assert p.returncode == 1
    assert 'sysfs/mem_reserved: no captured value for mem_reserved ' \
        '(mode -r--r--r--)' in p.stderr


def test_capture_roots_refuses_a_truncated_blob(tmp_path):
    art = fake_artifacts(tmp_path)
    fdt = art / 'boot2/raw-capture/fdt.dtb'
    fdt.write_bytes(fdt.read_bytes()[:0x20000 + 64])
    p = capture_roots(art, tmp_path, 'capture')
    assert p.returncode == 1
    assert 'fdt.dtb: version 16, totalsize 196608 of 131136 bytes' in p.stderr


def test_capture_roots_unknown_state(tmp_path):
    p = capture_roots(fake_artifacts(tmp_path), tmp_path, 'crashed')
    assert p.returncode == 2
    assert "unknown state 'crashed'" in p.stderr
