# SPDX-License-Identifier: LGPL-2.1-or-later
"""Control operations at the same time, and sysfs that changes under them.

register / unregister / reregister / release take an exclusive flock() on
<root>/run/fadump.lock (at most 10 s, then EBUSY naming the file); status
reads never lock. The fault shim (tests/fault/faultshim.c) traces the
attribute writes in the order they happen, widens the window between a
write and its read-back, plays the kernel's release_mem store, can turn
flock() into a no-op (to show these tests catch a missing lock), and
makes an attribute read-only or vanish just before it is written.

Environment (tests/meson.build): FADUMPCTL, FADUMP_TEST_DATA; FAULTSHIM
or the shim where the build puts it (tests/fault/ of the build tree).
"""

import concurrent.futures
import fcntl
import os
import random
import stat
import subprocess
import time

import pytest

from conftest import (EXIT_ACCESS, EXIT_FAILED, EXIT_OK, FADUMPCTL,
                      require_env, scratch)

require_env('FADUMPCTL', 'FADUMP_TEST_DATA')
SHIM = os.environ.get('FAULTSHIM') or os.path.join(
    os.path.dirname(os.path.dirname(FADUMPCTL)), 'tests', 'fault', 'faultshim.so')

WORKERS, ITERATIONS = 8, 50
LOCK_WAIT = 10          # seconds, the library's bound

needs_shim = pytest.mark.skipif(not os.path.exists(SHIM),
                                reason='fault shim not built: ' + SHIM)


def clean_env(**extra):
    e = {k: v for k, v in os.environ.items() if not k.startswith('FADUMP_')}
    e['LC_ALL'] = 'C'
    e.update({k: str(v) for k, v in extra.items()})
    return e


def shim_env(root, **extra):
    pre = os.environ.get('LD_PRELOAD')
    # an ASan fadumpctl: the shim comes before its runtime, on purpose
    asan = os.environ.get('ASAN_OPTIONS')
    return clean_env(LD_PRELOAD=SHIM + (' ' + pre if pre else ''),
                     ASAN_OPTIONS=(asan + ':' if asan else '') +
                     'verify_asan_link_order=0',
                     FADUMP_FAKE_ROOT=root, **extra)


def run(root, *args, env=None, timeout=60):
    return subprocess.run([FADUMPCTL, '--root', str(root)] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=timeout, env=env or clean_env())


def sysfs_writes(trace, name):
    """Values written to attribute @name, in the order the writes happened
    (every process appends to the one trace file, one line per write)."""
    out = []
    if not os.path.exists(trace):
        return out
    with open(trace) as f:
        for line in f:
            t = line.split()
            if t[:2] == ['sysfs', name] and int(t[-2]) >= 0:
                out.append(t[2])
    return out


def hammer(root, env, ops, workers=WORKERS, iterations=ITERATIONS, seed=1):
    """@workers processes at a time doing random @ops; (op, status, stderr)."""
    def worker(n):
        rng = random.Random(seed * 1000 + n)
        got = []
        for _ in range(iterations):
            op = rng.choice(ops)
            p = run(root, op, env=env)
            got.append((op, p.returncode, p.stderr.strip()))
        return got

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return [r for rs in pool.map(worker, range(workers)) for r in rs]


def registered(root):
    return (root / 'sys/kernel/fadump/registered').read_text().strip()


@needs_shim
def test_concurrent_register_unregister_with_the_lock(tmp_path):
    root = scratch(tmp_path, 'qemu-7.2-le-registered')
    trace = tmp_path / 'trace'
    env = shim_env(root, FADUMP_FAULT_TRACE=trace,
                   FADUMP_FAULT_SYSFS_DELAY_US=1000)
    results = hammer(root, env, ['register', 'unregister', 'reregister'])
    failed = [r for r in results if r[1] != EXIT_OK]
    assert failed == [], failed[:5]
    writes = sysfs_writes(trace, 'registered')
    # enough state changes that they could have interleaved
    assert len(writes) >= WORKERS * ITERATIONS // 4, len(writes)
    # the state is what the last write in lock order set
    assert registered(root) == writes[-1]
    assert run(root, 'status').returncode == EXIT_OK


@needs_shim
def test_without_the_lock_the_same_load_fails(tmp_path):
    """The test above can fail: flock() made a no-op, operations interleave
    and a read-back sees another process's write."""
    root = scratch(tmp_path, 'qemu-7.2-le-registered')
    env = shim_env(root, FADUMP_FAULT_NOLOCK=1,
                   FADUMP_FAULT_SYSFS_DELAY_US=1000)
    results = hammer(root, env, ['register', 'unregister'], iterations=25)
    failed = [r for r in results if r[1] != EXIT_OK]
    assert failed, 'no operation failed without the lock'
    assert all(r[1] == EXIT_FAILED and 'registered still reads' in r[2]
               for r in failed), failed[:5]


def hold_lock(root):
    run_dir = root / 'run'
    run_dir.mkdir(exist_ok=True)
    fd = os.open(run_dir / 'fadump.lock', os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def test_operations_wait_for_the_lock(tmp_path):
    root = scratch(tmp_path, 'qemu-7.2-le-registered')
    fd = hold_lock(root)
    try:
        proc = subprocess.Popen([FADUMPCTL, '--root', str(root), 'unregister'],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=clean_env())
        # status reads do not lock: they answer while the lock is held
        t0 = time.monotonic()
        p = run(root, 'status', '--json', timeout=5)
        assert p.returncode == EXIT_OK and time.monotonic() - t0 < 3
        time.sleep(1.5)
        assert proc.poll() is None, proc.communicate()
        assert registered(root) == '1'          # nothing written yet
    finally:
        os.close(fd)
    out, err = proc.communicate(timeout=LOCK_WAIT + 5)
    assert proc.returncode == EXIT_OK, err
    assert registered(root) == '0'


def test_lock_held_too_long_is_ebusy(tmp_path):
    root = scratch(tmp_path, 'qemu-7.2-le-registered')
    fd = hold_lock(root)
    try:
        t0 = time.monotonic()
        p = run(root, 'unregister', timeout=LOCK_WAIT * 3)
        waited = time.monotonic() - t0
    finally:
        os.close(fd)
    assert p.returncode == EXIT_FAILED, p.stderr
    assert LOCK_WAIT - 0.5 <= waited < LOCK_WAIT * 2, waited
    assert p.stderr.count('\n') == 1
    assert 'another fadump operation holds' in p.stderr
    assert str(root / 'run/fadump.lock') in p.stderr
    assert registered(root) == '1'


def test_lock_file_and_run_directory_modes(tmp_path):
    root = scratch(tmp_path, 'qemu-7.2-le-registered')
    assert not (root / 'run').exists()
    old = os.umask(0)
    try:
        p = run(root, 'unregister')
    finally:
        os.umask(old)
    assert p.returncode == EXIT_OK, p.stderr
    assert stat.S_IMODE(os.stat(root / 'run').st_mode) == 0o755
    st = os.lstat(root / 'run/fadump.lock')
    assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600


def test_lock_file_symlink_not_followed(tmp_path):
    root = scratch(tmp_path, 'qemu-7.2-le-registered')
    (root / 'run').mkdir()
    victim = tmp_path / 'victim'
    victim.write_text('keep')
    os.symlink(victim, root / 'run/fadump.lock')
    p = run(root, 'unregister')
    assert p.returncode != EXIT_OK
    assert 'fadump.lock' in p.stderr
    assert victim.read_text() == 'keep'
    assert registered(root) == '1'


@needs_shim
def test_concurrent_release_exactly_one_wins(tmp_path):
    root = scratch(tmp_path, 'qemu-7.2-le-capture')
    trace = tmp_path / 'trace'
    (root / 'sys/kernel/fadump/release_mem').write_bytes(b'')
    env = shim_env(root, FADUMP_FAULT_TRACE=trace)
    procs = [subprocess.Popen([FADUMPCTL, '--root', str(root), 'release'],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) for _ in range(WORKERS)]
    results = [(p.wait(timeout=60), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    ok = [r for r in results if r[0] == EXIT_OK]
    assert len(ok) == 1, results
    others = [r for r in results if r[0] != EXIT_OK]
    assert all(r[0] == EXIT_FAILED and 'already released' in r[1]
               for r in others), others
    with open(trace) as f:
        stores = [l.split() for l in f if l.startswith('release_mem ')]
    assert len([s for s in stores if int(s[-2]) >= 0]) == 1, stores
    assert not (root / 'proc/vmcore').exists()


# ---------------------------------------------------------------------------
# The attribute changes between the state read and the write

def unregistered_copy(tmp_path):
    root = scratch(tmp_path, 'qemu-7.2-le-registered')
    (root / 'sys/kernel/fadump/registered').write_text('0\n')
    return root


@needs_shim
@pytest.mark.parametrize('action', ['EROFS', 'EACCES', 'remove', 'dir'])
@pytest.mark.parametrize('op', ['register', 'unregister', 'reregister'])
def test_attribute_changes_under_the_write(tmp_path, op, action):
    root = (unregistered_copy(tmp_path) if op == 'register'
            else scratch(tmp_path, 'qemu-7.2-le-registered'))
    attr = root / 'sys/kernel/fadump/registered'
    before = attr.read_text()
    p = run(root, op, env=shim_env(root, FADUMP_FAULT_ATTR='registered:' + action))
    assert p.returncode in (EXIT_FAILED, EXIT_ACCESS), (p.returncode, p.stderr)
    if action == 'EACCES':
        assert p.returncode == EXIT_ACCESS and 'root' in p.stderr
    assert p.stdout == ''
    assert p.stderr.startswith('fadumpctl: %s: ' % op)
    assert p.stderr.count('\n') == 1, p.stderr
    assert str(attr) in p.stderr, p.stderr
    if action in ('EROFS', 'EACCES'):
        assert attr.read_text() == before       # nothing written
    # the lock is free again for the next operation
    if action in ('remove', 'dir'):
        if attr.is_dir():
            attr.rmdir()
        attr.write_text(before)
    assert run(root, 'status').returncode == EXIT_OK


@needs_shim
@pytest.mark.parametrize('action', ['EROFS', 'remove', 'dir'])
def test_release_mem_changes_under_the_write(tmp_path, action):
    root = scratch(tmp_path, 'qemu-7.2-le-capture')
    attr = root / 'sys/kernel/fadump/release_mem'
    env = shim_env(root, FADUMP_FAULT_ATTR='release_mem:' + action)
    del env['FADUMP_FAKE_ROOT']         # the plain file, not the fake store
    p = run(root, 'release', env=env)
    assert p.returncode in (EXIT_FAILED, EXIT_ACCESS), (p.returncode, p.stderr)
    assert p.stderr.count('\n') == 1, p.stderr
    assert 'release_mem' in p.stderr, p.stderr
    assert (root / 'proc/vmcore').exists()
