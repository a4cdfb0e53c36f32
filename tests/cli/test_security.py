# SPDX-License-Identifier: LGPL-2.1-or-later
"""What fadumpctl save does to keep a dump private, and what an
unprivileged user may do (SECURITY.md states the guarantees).

A dump holds all of the crashed kernel's memory: the file is 0600, a
directory it creates is 0700, a destination others could write into or
that belongs to someone else is refused unless --force, symbolic links
are never followed (the directory or the dump's name), nothing is ever
overwritten. Writing fadump state needs root (exit 4); reading it does not.

Environment (tests/meson.build): FADUMPCTL, MKVMCORE, FADUMP_TEST_DATA.
"""

import json
import os
import shutil
import stat
import subprocess
import tempfile

import pytest

from conftest import (DATA, EXIT_ACCESS, EXIT_OK, FADUMPCTL, MKVMCORE, RAW,
                      read, require_env)

require_env('FADUMPCTL', 'MKVMCORE', 'FADUMP_TEST_DATA')
SHIM = os.environ.get('FAULTSHIM') or os.path.join(
    os.path.dirname(os.path.dirname(FADUMPCTL)), 'tests', 'fault', 'faultshim.so')

NOBODY = 65534

needs_root = pytest.mark.skipif(os.geteuid() != 0,
                                reason='needs root (chown, setpriv)')


def clean_env(**extra):
    e = {k: v for k, v in os.environ.items() if not k.startswith('FADUMP_')}
    e['LC_ALL'] = 'C'
    e.update({k: str(v) for k, v in extra.items()})
    return e


def run(*args, root=None, env=None, prefix=(), umask=None):
    argv = list(prefix) + [FADUMPCTL] + \
        (['--root', str(root)] if root else []) + [str(a) for a in args]
    old = os.umask(umask) if umask is not None else None
    try:
        return subprocess.run(argv, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=60,
                              env=env or clean_env())
    finally:
        if old is not None:
            os.umask(old)


def gen(path):
    subprocess.run([MKVMCORE, str(path)], check=True,
                   stdout=subprocess.DEVNULL)


@pytest.fixture
def src(tmp_path):
    path = tmp_path / 'src.vmcore'
    gen(path)
    return path


def save(src, dest, *extra, umask=None):
    """The raw copy, which the tests compare with @src byte for byte;
    the destination rules are the same for every format."""
    return run('save', '--source', src, *RAW, *extra, dest, umask=umask)


def assert_refused(p, dest, *words):
    assert p.returncode != EXIT_OK, p.stdout
    assert p.stdout == ''
    assert p.stderr.startswith('fadumpctl: save: '), p.stderr
    assert p.stderr.count('\n') == 1, p.stderr
    assert str(dest) in p.stderr, p.stderr
    for w in words:
        assert w in p.stderr, (w, p.stderr)


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


# ---------------------------------------------------------------------------
# modes

def test_dump_file_is_0600_whatever_the_umask(tmp_path, src):
    dest = tmp_path / 'dest'
    dest.mkdir(0o700)
    p = save(src, dest, umask=0)
    assert p.returncode == EXIT_OK, p.stderr
    assert mode(dest / 'vmcore') == 0o600
    assert read(dest / 'vmcore') == read(src)


@pytest.mark.parametrize('fmt', [['--format', 'kdump'],
                                 ['--format', 'elf', '--level', '31']])
def test_filtered_file_is_0600_whatever_the_umask(tmp_path, src, fmt):
    dest = tmp_path / 'dest'
    dest.mkdir(0o700)
    p = run('save', '--source', src, *fmt, dest, umask=0)
    assert p.returncode == EXIT_OK, p.stderr
    assert mode(dest / 'vmcore') == 0o600
    assert os.listdir(dest) == ['vmcore']


def test_missing_destination_is_created_0700(tmp_path, src):
    dest = tmp_path / 'new'
    p = save(src, dest, umask=0)
    assert p.returncode == EXIT_OK, p.stderr
    assert stat.S_ISDIR(os.lstat(dest).st_mode) and mode(dest) == 0o700
    assert mode(dest / 'vmcore') == 0o600


def test_missing_parent_is_not_created(tmp_path, src):
    dest = tmp_path / 'no' / 'such'
    p = save(src, dest)
    assert_refused(p, dest)
    assert not (tmp_path / 'no').exists()


# ---------------------------------------------------------------------------
# unsafe destinations

@pytest.mark.parametrize('dmode', [0o777, 0o770, 0o707, 0o720, 0o702, 0o1777],
                         ids=oct)
def test_destination_writable_by_others_is_refused(tmp_path, src, dmode):
    dest = tmp_path / 'dest'
    dest.mkdir()
    os.chmod(dest, dmode)
    p = save(src, dest)
    assert_refused(p, dest, '%o' % (dmode & 0o777))
    assert os.listdir(dest) == []
    # --force: the caller takes the responsibility
    p = save(src, dest, '--force')
    assert p.returncode == EXIT_OK, p.stderr
    assert read(dest / 'vmcore') == read(src)
    assert mode(dest / 'vmcore') == 0o600


@pytest.mark.parametrize('dmode', [0o700, 0o750, 0o755, 0o705], ids=oct)
def test_destination_readable_by_others_is_accepted(tmp_path, src, dmode):
    dest = tmp_path / 'dest'
    dest.mkdir()
    os.chmod(dest, dmode)
    p = save(src, dest)
    assert p.returncode == EXIT_OK, p.stderr
    assert mode(dest / 'vmcore') == 0o600


@needs_root
def test_destination_owned_by_another_user_is_refused(tmp_path, src):
    dest = tmp_path / 'dest'
    dest.mkdir(0o700)
    os.chown(dest, NOBODY, NOBODY)
    p = save(src, dest)
    assert_refused(p, dest)
    assert str(NOBODY) in p.stderr or 'nobody' in p.stderr or 'owne' in p.stderr
    assert os.listdir(dest) == []
    p = save(src, dest, '--force')
    assert p.returncode == EXIT_OK, p.stderr
    assert read(dest / 'vmcore') == read(src)


def test_destination_symlink_is_refused(tmp_path, src):
    real = tmp_path / 'real'
    real.mkdir(0o700)
    dest = tmp_path / 'link'
    os.symlink(real, dest)
    p = save(src, dest)
    assert_refused(p, dest, 'symbolic link')
    assert os.listdir(real) == []
    assert os.readlink(dest) == str(real)


def test_missing_destination_under_a_symlinked_parent_is_fine(tmp_path, src):
    """Only the last component is checked for a link: /var/crash may be one."""
    real = tmp_path / 'real'
    real.mkdir(0o755)
    os.symlink(real, tmp_path / 'parent')
    p = save(src, tmp_path / 'parent' / 'dump')
    assert p.returncode == EXIT_OK, p.stderr
    assert read(real / 'dump' / 'vmcore') == read(src)


@pytest.mark.parametrize('target', ['existing', 'dangling', 'dir'])
def test_dump_name_symlink_is_never_followed(tmp_path, src, target):
    dest = tmp_path / 'dest'
    dest.mkdir(0o700)
    victim = tmp_path / 'victim'
    if target == 'existing':
        victim.write_bytes(b'precious')
    elif target == 'dir':
        victim.mkdir()
    os.symlink(victim, dest / 'vmcore')
    p = save(src, dest)
    assert_refused(p, dest, 'vmcore')
    assert os.readlink(dest / 'vmcore') == str(victim)
    assert os.listdir(dest) == ['vmcore']
    if target == 'existing':
        assert read(victim) == b'precious'
    elif target == 'dir':
        assert os.listdir(victim) == []
    else:
        assert not os.path.lexists(victim)


def test_existing_dump_is_never_overwritten(tmp_path, src):
    dest = tmp_path / 'dest'
    dest.mkdir(0o700)
    (dest / 'vmcore').write_bytes(b'first dump')
    os.link(dest / 'vmcore', tmp_path / 'other-name')
    p = save(src, dest)
    assert_refused(p, dest, 'already exists')
    assert read(dest / 'vmcore') == b'first dump'
    assert os.listdir(dest) == ['vmcore']


@pytest.mark.skipif(not os.path.exists(SHIM), reason='fault shim not built')
def test_partial_name_symlink_is_never_followed(tmp_path):
    """--release=ranges copies into a named NAME.partial from the start."""
    root = tmp_path / 'root'
    shutil.copytree(os.path.join(DATA, 'roots', 'qemu-7.2-le-capture'), root,
                    symlinks=True)
    (root / 'proc/vmcore').unlink()
    src = tmp_path / 'src.vmcore'
    gen(src)
    os.link(src, root / 'proc/vmcore')
    (root / 'sys/kernel/fadump/release_range').write_bytes(b'')
    (root / 'sys/kernel/fadump/release_mem').write_bytes(b'')
    dest = tmp_path / 'dest'
    dest.mkdir(0o700)
    victim = tmp_path / 'victim'
    victim.write_bytes(b'precious')
    os.symlink(victim, dest / 'vmcore.partial')
    asan = os.environ.get('ASAN_OPTIONS')
    env = clean_env(LD_PRELOAD=SHIM, FADUMP_FAKE_ROOT=root,
                    ASAN_OPTIONS=(asan + ':' if asan else '') +
                    'verify_asan_link_order=0')
    p = run('save', *RAW, '--release=ranges', dest, root=root, env=env)
    assert read(victim) == b'precious'
    assert os.readlink(dest / 'vmcore.partial') == str(victim)
    if p.returncode == EXIT_OK:
        assert read(dest / 'vmcore') == read(src)
    else:
        assert (root / 'proc/vmcore').exists()     # nothing released
        assert 'vmcore.partial' in p.stderr
        assert sorted(os.listdir(dest)) == ['vmcore.partial']


# ---------------------------------------------------------------------------
# an unprivileged user

@pytest.fixture
def nobody_root():
    """A copy of a fixture root that the user nobody can read (pytest's own
    tmp_path is private to root), and the setpriv prefix to become nobody."""
    if os.geteuid() != 0:
        pytest.skip('needs root to become another user')
    setpriv = shutil.which('setpriv')
    if not setpriv:
        pytest.skip('setpriv not installed (util-linux)')
    prefix = [setpriv, '--reuid=%d' % NOBODY, '--regid=%d' % NOBODY,
              '--clear-groups']
    if subprocess.run(prefix + [FADUMPCTL, '--version'],
                      stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode != 0:
        pytest.skip('nobody cannot run ' + FADUMPCTL)
    top = tempfile.mkdtemp(prefix='fadump-nobody-')
    os.chmod(top, 0o755)
    roots = {}
    for name in ('qemu-7.2-le-registered', 'qemu-7.2-le-capture'):
        roots[name] = os.path.join(top, name)
        shutil.copytree(os.path.join(DATA, 'roots', name), roots[name],
                        symlinks=True)
    # registering must write something: from a copy with nothing registered
    roots['unregistered'] = os.path.join(top, 'unregistered')
    shutil.copytree(roots['qemu-7.2-le-registered'], roots['unregistered'],
                    symlinks=True)
    with open(os.path.join(roots['unregistered'],
                           'sys/kernel/fadump/registered'), 'w') as f:
        f.write('0\n')
    yield roots, prefix
    shutil.rmtree(top)


@pytest.mark.parametrize('root_name, op', [
    ('unregistered', 'register'),
    ('qemu-7.2-le-registered', 'unregister'),
    ('qemu-7.2-le-registered', 'reregister'),
    ('qemu-7.2-le-capture', 'release'),
])
def test_nobody_cannot_change_state(nobody_root, root_name, op):
    roots, prefix = nobody_root
    root = roots[root_name]
    before = {n: read(os.path.join(root, 'sys/kernel/fadump', n))
              for n in os.listdir(os.path.join(root, 'sys/kernel/fadump'))}
    p = run(op, root=root, prefix=prefix)
    assert p.returncode == EXIT_ACCESS, (p.returncode, p.stderr)
    assert p.stderr.startswith('fadumpctl: %s: ' % op)
    assert p.stderr.count('\n') == 1
    assert 'root' in p.stderr, p.stderr
    after = {n: read(os.path.join(root, 'sys/kernel/fadump', n)) for n in before}
    assert after == before
    assert os.path.exists(os.path.join(root, 'proc/vmcore')) == \
        (root_name == 'qemu-7.2-le-capture')


@pytest.mark.parametrize('args', [['status'], ['status', '--json'],
                                  ['regions'], ['regions', '--json']])
def test_nobody_can_read_state(nobody_root, args):
    roots, prefix = nobody_root
    root = roots['qemu-7.2-le-registered']
    p = run(*args, root=root, prefix=prefix)
    assert p.returncode == EXIT_OK, p.stderr
    if '--json' in args:
        json.loads(p.stdout)
    assert run(*args, root=root).stdout == p.stdout
