# SPDX-License-Identifier: LGPL-2.1-or-later
"""Black-box tests of fadumpctl read and info --pages.

Dumps come from tests/mkvmcore (--kernel: a synthetic ppc64 kernel with
page tables, vmemmap and struct pages of every class). Expected bytes are
the file's own, as hexdump(1) prints them; expected addresses and page
counts are what the generator says it wrote (--describe).
"""

import json
import subprocess

import pytest

from conftest import (EXIT_FAILED, EXIT_OK, EXIT_USAGE, MKVMCORE,
                      assert_one_error_line, read, require_env, run)

require_env('FADUMPCTL', 'MKVMCORE', 'FADUMP_TEST_DATA')

CLASSES = ['unknown', 'free', 'cache', 'cache_private', 'anon', 'hugetlb',
           'offline', 'hwpoison', 'slab', 'zero', 'kernel']


def gen(path, *args):
    p = subprocess.run([MKVMCORE, '--describe'] + list(args) + [str(path)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, check=True)
    return json.loads(p.stdout)


def hexdump_body(path, offset, length):
    """hexdump -v -C of file bytes, without the offset column."""
    out = subprocess.run(['hexdump', '-v', '-C', '-s', str(offset), '-n',
                          str(length), str(path)], stdout=subprocess.PIPE,
                         text=True, check=True).stdout
    # the last line is the end offset alone
    return [line.split(' ', 1)[1] for line in out.splitlines()[:-1]]


def body(text):
    return [line.split(' ', 1)[1] for line in text.splitlines()]


@pytest.mark.parametrize('big', [True, False])
def test_physical_like_hexdump(tmp_path, big):
    desc = gen(tmp_path / 'vmcore', '--big' if big else '--little')
    seg = desc['segments'][2]
    paddr = seg['paddr'] + 0x1230
    p = run('read', hex(paddr), '100', tmp_path / 'vmcore')
    assert p.returncode == EXIT_OK, p.stderr
    assert body(p.stdout) == hexdump_body(tmp_path / 'vmcore',
                                          seg['offset'] + 0x1230, 100)
    assert p.stdout.splitlines()[0].startswith('%016x  ' % paddr)


def test_json(tmp_path):
    desc = gen(tmp_path / 'vmcore')
    seg = desc['segments'][0]
    p = run('--json', 'read', '4096', '64', tmp_path / 'vmcore')
    assert p.returncode == EXIT_OK, p.stderr
    j = json.loads(p.stdout)
    data = read(tmp_path / 'vmcore')[seg['offset'] + 4096:seg['offset'] + 4160]
    assert j == {'path': str(tmp_path / 'vmcore'), 'address': 4096,
                 'virtual': False, 'physical': 4096, 'length': 64,
                 'hex': data.hex()}


@pytest.mark.parametrize('kind', ['radix', 'hash'])
@pytest.mark.parametrize('page', ['4096', '65536'])
def test_virtual(tmp_path, kind, page):
    desc = gen(tmp_path / 'vmcore', '--kernel=' + kind, '--page-size', page)
    k = desc['kernel']
    seg = desc['segments'][0]
    # the release by symbol: struct new_utsname's third field
    p = run('--json', 'read', 'init_uts_ns+130', '65', tmp_path / 'vmcore')
    assert p.returncode == EXIT_OK, p.stderr
    j = json.loads(p.stdout)
    assert bytes.fromhex(j['hex']).rstrip(b'\0') == b'7.2.0-mkkernel'
    assert j['virtual'] is True
    assert j['address'] == k['init_uts_ns'] + 130
    # a vmalloc page through the page tables, by number
    va = k['va_page'][0] + 0x40
    p = run('--json', 'read', '--virt', hex(va), '32', tmp_path / 'vmcore')
    assert p.returncode == EXIT_OK, p.stderr
    j = json.loads(p.stdout)
    off = seg['offset'] + k['pa_page'][0] + 0x40
    assert bytes.fromhex(j['hex']) == read(tmp_path / 'vmcore')[off:off + 32]
    assert j['physical'] == k['pa_page'][0] + 0x40
    # a struct page through vmemmap
    va = k['vmemmap'] + 100 * k['desc_size']
    p = run('-v', 'read', '--virt', hex(va), str(k['desc_size']),
            tmp_path / 'vmcore')
    assert p.returncode == EXIT_OK, p.stderr
    assert 'is physical 0x' in p.stderr
    assert p.stdout.startswith('%016x  ' % va)


def test_errors(tmp_path):
    desc = gen(tmp_path / 'vmcore', '--kernel')
    k = desc['kernel']
    path = tmp_path / 'vmcore'
    # nothing mapped there: the level where the walk stopped
    p = run('read', '--virt', hex(k['va_page'][0] + 8 * 65536), '16', path)
    assert_one_error_line(p, EXIT_FAILED, 'read', 'PTE entry', 'is empty')
    p = run('read', 'no_such_symbol', '16', path)
    assert_one_error_line(p, EXIT_FAILED, 'read', 'SYMBOL(no_such_symbol)')
    p = run('read', '0x100000000', '16', path)
    assert_one_error_line(p, EXIT_FAILED, 'read', 'not in the dump')
    for args in (['0x1000'], ['0x1000', '0'], ['0x1000', 'x'],
                 ['0x1000', str(128 << 20)], ['a+b', '8']):
        p = run('read', *args, path)
        assert p.returncode == EXIT_USAGE, (args, p.stderr)
    p = run('info', '--virt', path)
    assert_one_error_line(p, EXIT_USAGE, 'info', '--virt')


@pytest.mark.parametrize('args', [
    ['--kernel'], ['--kernel=hash', '--little'],
    ['--kernel', '--page-size', '4096', '--era', '6.10'],
    ['--kernel', '--era', '4.17', '--fill'],
])
def test_info_pages_json(tmp_path, args):
    desc = gen(tmp_path / 'vmcore', *args)
    k = desc['kernel']
    p = run('--json', 'info', '--pages', tmp_path / 'vmcore')
    assert p.returncode == EXIT_OK, p.stderr
    pages = json.loads(p.stdout)['pages']
    assert pages == {'page_size': k['page_size'], 'total': k['pages'],
                     'classes': k['classes']}
    assert sum(pages['classes'].values()) == pages['total']


def test_info_pages_text(tmp_path):
    desc = gen(tmp_path / 'vmcore', '--kernel')
    k = desc['kernel']
    p = run('info', '--pages', '--zero', tmp_path / 'vmcore')
    assert p.returncode == EXIT_OK, p.stderr
    assert p.stdout.startswith('%d pages of 64 KiB (64 MiB)\n' % k['pages'])
    rows = {line.split()[0]: int(line.split()[1])
            for line in p.stdout.splitlines()[3:]}
    assert list(rows) == CLASSES
    assert sum(rows.values()) == k['pages']
    assert rows['zero'] >= 1
    assert rows['free'] == k['classes']['free']


def test_info_pages_errors(tmp_path):
    gen(tmp_path / 'vmcore', '--no-vmcoreinfo')
    p = run('info', '--pages', tmp_path / 'vmcore')
    assert_one_error_line(p, EXIT_FAILED, 'info', 'PAGESIZE')
    for args in (['--zero'], ['--pages', '--registers']):
        p = run('info', *args, tmp_path / 'vmcore')
        assert p.returncode == EXIT_USAGE
    p = run('dmesg', '--pages', tmp_path / 'vmcore')
    assert_one_error_line(p, EXIT_USAGE, 'dmesg', '--pages')
