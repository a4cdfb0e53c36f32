# SPDX-License-Identifier: LGPL-2.1-or-later
"""System.save_opalcore(), release_opalcore() and the status fields of the
OPAL core, on powernv-6.1-capture with a core from tests/mkopalcore.c."""

import os
import subprocess

import pytest

import fadump
from conftest import FakeReleaseStore

MKOPALCORE = os.environ.get('MKOPALCORE')
CORE = 'sys/firmware/opal/mpipl/core'
RELEASE_CORE = 'sys/firmware/opal/mpipl/release_core'

pytestmark = pytest.mark.skipif(not MKOPALCORE, reason='MKOPALCORE not set')


@pytest.fixture
def root(scratch):
    r = scratch('powernv-6.1-capture')
    (r / CORE).parent.mkdir(parents=True)
    subprocess.run([MKOPALCORE, str(r / CORE)], check=True)
    (r / RELEASE_CORE).write_bytes(b'')
    return r


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def test_status(root):
    st = fadump.System(root=root).status()
    assert st.opalcore_present is True
    assert st.opalcore_size == os.path.getsize(root / CORE)
    assert st.opalcore_release_available is True
    assert st.as_dict()['opalcore_size'] == st.opalcore_size


def test_save(root, tmp_path):
    seen = []
    r = fadump.System(root=root).save_opalcore(
        tmp_path / 'd', progress=lambda done, total: seen.append((done, total)))
    assert r.path == str(tmp_path / 'd' / 'opalcore')
    assert read(r.path) == read(root / CORE)
    assert r.bytes_total == os.path.getsize(root / CORE)
    assert r.released is False and r.release_mode == fadump.RELEASE_NONE
    assert seen and seen[-1][0] == seen[-1][1] == r.bytes_total
    assert read(root / RELEASE_CORE) == b''


def test_save_release(root, tmp_path):
    dest = tmp_path / 'd'
    store = FakeReleaseStore(root, RELEASE_CORE, CORE)
    box = {}

    def save():
        box['r'] = fadump.System(root=root).save_opalcore(dest, release=True)

    import threading
    t = threading.Thread(target=save)
    t.start()
    got = store.serve(os.getpid(), t.is_alive, 30,
                      before_release=lambda: box.setdefault(
                          'at_release', read(dest / 'opalcore')))
    t.join(30)
    assert got == b'1'
    assert box['r'].released is True
    assert box['at_release'] == read(dest / 'opalcore')
    assert not (root / CORE).exists()


def test_release_failure_carries_the_result(root, tmp_path):
    # a plain file: "1" lands, the core stays (EIO)
    with pytest.raises(fadump.Error) as e:
        fadump.System(root=root).save_opalcore(tmp_path / 'd', release=True)
    assert 'still exists' in str(e.value)
    assert e.value.save_result.released is False
    assert read(e.value.save_result.path) == read(root / CORE)


def test_cancel(root, tmp_path):
    def stop(done, total):
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        fadump.System(root=root).save_opalcore(tmp_path / 'd', release=True,
                                               chunk_size=65536, progress=stop)
    assert os.listdir(tmp_path / 'd') == []
    assert read(root / RELEASE_CORE) == b''


def test_release_without_core(scratch):
    s = fadump.System(root=scratch('pseries-7.2-capture'))
    with pytest.raises(fadump.NotFoundError):
        s.release_opalcore()
    with pytest.raises(fadump.NotFoundError):
        s.save_opalcore('/nonexistent')
    with pytest.raises(TypeError):
        s.save_opalcore('/nonexistent', release='end')
