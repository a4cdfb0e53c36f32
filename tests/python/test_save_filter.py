# SPDX-License-Identifier: LGPL-2.1-or-later
"""Vmcore.save()'s level, format, compression and threads, and the
filtered save's result: the arguments it refuses, the helpers naming the
compressors, and what a save at level 31 writes, read back by an
independent reader (python3-libkdumpfile).

Which compressors this build has comes from its meson configuration
(FADUMP_BUILD_COMPRESSORS), not from the library under test.
"""

import json
import os
import subprocess

import pytest

import fadump
from conftest import MiB
from elfcore import Segment, pattern, write_core

BUILD = os.environ.get('FADUMP_BUILD_COMPRESSORS')


@pytest.fixture
def core(tmp_path):
    path = tmp_path / 'vmcore'
    write_core(path, [Segment(0, pattern(0, MiB))], cpus=1,
               vmcoreinfo='OSRELEASE=7.2.0-fadump-test\nPAGESIZE=65536\n')
    return path


def test_compressions():
    assert fadump.COMPRESSIONS == ('none', 'zlib', 'lzo', 'zstd')
    assert fadump.DUMP_LEVEL_MAX == 31
    assert fadump.compression_supported('none') is True
    assert fadump.compression_supported('zlib') is True
    with pytest.raises(ValueError, match='compression must be one of'):
        fadump.compression_supported('gzip')
    with pytest.raises(ValueError):
        fadump.compression_supported('default')


@pytest.mark.skipif(not BUILD, reason='FADUMP_BUILD_COMPRESSORS not set')
@pytest.mark.parametrize('name', ['zstd', 'lzo'])
def test_optional_compressors_as_built(name):
    assert fadump.compression_supported(name) is (name in BUILD.split())


@pytest.mark.parametrize('kwargs, exc, words', [
    ({'level': 32}, ValueError, 'level must be from 0 to 31, not 32'),
    ({'level': -1}, ValueError, 'level must be from 0 to 31'),
    ({'level': True}, TypeError, 'level must be an int, not bool'),
    ({'level': '31'}, TypeError, 'level must be an int, not str'),
    ({'format': 'raw'}, ValueError, "format must be 'elf' or 'kdump'"),
    ({'format': None}, ValueError, "format must be 'elf' or 'kdump'"),
    ({'compression': 'gzip', 'format': 'kdump'}, ValueError,
     'compression must be one of none, zlib, lzo, zstd'),
    ({'compression': 'zlib'}, ValueError,
     "compression applies to format='kdump' only"),
    ({'compression': 'none', 'format': 'elf'}, ValueError,
     "compression applies to format='kdump' only"),
    ({'threads': -1}, ValueError, 'threads must be from 0'),
    ({'threads': 2**32}, ValueError, 'threads must be from 0'),
    ({'threads': 1.5}, TypeError, 'threads must be an int'),
])
def test_bad_settings_write_nothing(core, tmp_path, kwargs, exc, words):
    dest = tmp_path / 'out'
    with fadump.Vmcore(core) as vm:
        with pytest.raises(exc, match=words.replace('(', r'\(')):
            vm.save(dest, **kwargs)
    assert not dest.exists()


@pytest.mark.skipif(not BUILD, reason='FADUMP_BUILD_COMPRESSORS not set')
@pytest.mark.parametrize('name', ['zstd', 'lzo'])
def test_compressor_the_build_lacks(core, tmp_path, name):
    if name in BUILD.split():
        pytest.skip('this build has ' + name)
    with fadump.Vmcore(core) as vm:
        with pytest.raises(fadump.UnsupportedError,
                           match='cannot write ' + name) as e:
            vm.save(tmp_path / 'out', format='kdump', compression=name)
    assert e.value.errno == 95              # EOPNOTSUPP
    assert not (tmp_path / 'out').exists()


def test_plain_copy_result(core, tmp_path):
    """Level 0, ELF (the defaults): the copy of earlier versions, and a
    result without page counts."""
    with fadump.Vmcore(core) as vm:
        r = vm.save(tmp_path / 'out')
    assert (tmp_path / 'out' / 'vmcore').read_bytes() == core.read_bytes()
    assert (r.format, r.compression, r.dump_level) == ('elf', None, 0)
    assert r.file_bytes == os.path.getsize(core)
    assert r.pages_total is r.pages_kept is None
    assert r.class_kept is r.class_excluded is r.unknown_reason is None
    assert r.excluded_ranges_released == r.excluded_bytes_released == 0
    d = r.as_dict()
    assert d['format'] == 'elf' and d['class_kept'] is None


# --------------------------------------------------------------------------
# a filtered save through the binding, against the generator's classes

EXCLUDED_AT_31 = {'free', 'cache', 'cache_private', 'anon', 'hugetlb',
                  'offline', 'hwpoison'}


@pytest.fixture
def kernel_dump(tmp_path):
    """A synthetic kernel's dump and, per pfn, its class and bytes."""
    exe = os.environ.get('MKVMCORE')
    if not exe:
        pytest.skip('MKVMCORE is not set')
    path = tmp_path / 'kernel.vmcore'
    p = subprocess.run([exe, '--kernel', '--fill', '--describe', str(path)],
                       stdout=subprocess.PIPE, check=True, text=True)
    lay = json.loads(p.stdout)
    classes = [fadump.PAGE_CLASSES[ord(c) - ord('a')]
               for c in lay['kernel']['expect']]
    return path, lay, classes


def test_level_31_kdump_result(kernel_dump, tmp_path):
    path, lay, classes = kernel_dump
    page = lay['kernel']['page_size']
    with fadump.Vmcore(path) as vm:
        r = vm.save(tmp_path / 'out', level=31, format='kdump', threads=2)
        zero = [vm.read(pfn * page, page).count(0) == page
                for pfn in range(len(classes))]
    kept = {c: 0 for c in fadump.PAGE_CLASSES}
    excluded = dict(kept)
    for pfn, cls in enumerate(classes):
        if cls in EXCLUDED_AT_31:
            excluded[cls] += 1
        elif zero[pfn]:
            excluded['zero'] += 1
        else:
            kept[cls] += 1
    assert (r.format, r.dump_level, r.threads) == ('kdump', 31, 2)
    assert r.compression == ('zstd' if fadump.compression_supported('zstd')
                             else 'zlib')
    assert r.file_bytes == os.path.getsize(r.path)
    assert (r.pages_total, r.pages_kept) == (len(classes), sum(kept.values()))
    assert (r.class_kept, r.class_excluded) == (kept, excluded)
    assert r.unknown_reason                 # the generator's bad descriptors
    assert r.as_dict()['class_excluded']['free'] == classes.count('free')
    kdumpfile = pytest.importorskip('kdumpfile')
    k = kdumpfile.kdumpfile(r.path)
    assert k.attr['file.format'] == 'diskdump'
    with fadump.Vmcore(r.path) as saved, fadump.Vmcore(path) as source:
        assert saved.info.format == 'kdump'
        for pfn, cls in enumerate(classes):
            try:
                got = bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, pfn * page,
                                   page))
            except kdumpfile.exceptions.NoDataException:
                got = None
            if cls in EXCLUDED_AT_31 or zero[pfn]:
                assert got is None, pfn
            else:
                assert got == source.read(pfn * page, page), pfn
