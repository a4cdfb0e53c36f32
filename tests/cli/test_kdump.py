# SPDX-License-Identifier: LGPL-2.1-or-later
"""fadumpctl info and dmesg on kdump-compressed files from mkkdump.

mkkdump_default()'s memory is pfns [0, 64), [96, 196), [256, 320) of 4 KiB
(two ranges side by side make the last), pfn % 5 == 1 excluded: the
numbers below are worked out from that by hand.
"""

import json
import os
import subprocess

from conftest import CRASH_LOG, EXIT_FAILED, EXIT_UNSUPPORTED, \
    assert_one_error_line, require_env, run

require_env('FADUMPCTL', 'MKKDUMP')
MKKDUMP = os.environ.get('MKKDUMP')


def gen(path, *args):
    subprocess.run([MKKDUMP] + list(args) + [str(path)], check=True)


def test_info_text(tmp_path):
    gen(tmp_path / 'dump', '--big', '--compress', 'zstd')
    p = run('info', tmp_path / 'dump')
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[1] == 'format:      kdump-compressed (makedumpfile, dump level 31)'
    assert lines[2] == 'machine:     ppc64, big-endian'
    assert 'memory:      912 KiB in 3 ranges' in p.stdout
    # 13 + 20 + 13 pages excluded: 184 KiB
    assert 'dumped:      728 KiB of it (184 KiB excluded)' in p.stdout
    assert ('0x0000000000060000  0x00000000000c3fff  400 KiB     320 KiB'
            in lines)


def test_info_json(tmp_path):
    gen(tmp_path / 'dump', '--little', '--compress', 'zlib',
        '--dump-level', '17')
    p = run('--json', 'info', tmp_path / 'dump')
    assert p.returncode == 0, p.stderr
    got = json.loads(p.stdout)
    assert got['format'] == 'kdump'
    assert got['dump_level'] == 17
    assert got['byte_order'] == 'little'
    assert got['machine'] == 'ppc64'
    assert got['osrelease'] == '7.2.0-fadump-test'
    assert got['page_size'] == 4096
    assert got['cpus'] == 2
    assert [(s['paddr'], s['memsz'], s['filesz']) for s in got['segments']] \
        == [(0, 64 * 4096, 51 * 4096), (96 * 4096, 100 * 4096, 80 * 4096),
            (256 * 4096, 64 * 4096, 51 * 4096)]
    assert [n['name'] for n in got['notes']] == ['CORE', 'CORE', 'VMCOREINFO']


def test_info_json_elf(tmp_path):
    mkvmcore = os.environ.get('MKVMCORE')
    subprocess.run([mkvmcore, str(tmp_path / 'vmcore')], check=True)
    got = json.loads(run('--json', 'info', tmp_path / 'vmcore').stdout)
    assert got['format'] == 'elf' and got['dump_level'] is None


def test_dmesg(tmp_path):
    for order in ('--big', '--little'):
        gen(tmp_path / 'dump', order, '--printk', '--compress', 'zlib')
        p = run('dmesg', tmp_path / 'dump')
        assert p.returncode == 0, p.stderr
        assert p.stdout == CRASH_LOG


def test_refused(tmp_path):
    gen(tmp_path / 'dump', '--big')
    with open(tmp_path / 'dump', 'r+b') as f:
        f.write(b'makedumpfile\0\0\0\0')
    p = run('info', tmp_path / 'dump')
    assert_one_error_line(p, EXIT_UNSUPPORTED, 'info', 'flattened format',
                          'makedumpfile -R')
    gen(tmp_path / 'dump', '--big')
    with open(tmp_path / 'dump', 'r+b') as f:
        f.seek(8)
        f.write(b'\0\0\0\x09')          # header version 9
    p = run('info', tmp_path / 'dump')
    assert_one_error_line(p, EXIT_UNSUPPORTED, 'info', 'header version 9')
    gen(tmp_path / 'dump', '--big')
    os.truncate(tmp_path / 'dump', 5000)
    p = run('info', tmp_path / 'dump')
    assert_one_error_line(p, EXIT_FAILED, 'info', 'past the end of the file')


def test_dmesg_of_a_real_ppc64_capture():
    """makedumpfile's -d 31 -c file of our QEMU capture (tests/data/kdump):
    the crashed kernel's log ends in the sysrq panic, as the e2e console
    showed it (tests/e2e/check.py compares the two on every run)."""
    dump = os.path.join(os.environ['FADUMP_TEST_DATA'], 'kdump', 'qemu-7.2-le-d31-c.kdump')
    p = run('dmesg', dump)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert any(l.endswith('] sysrq: Trigger a crash') for l in lines), lines[-5:]
    assert lines[-1].endswith('] Kernel panic - not syncing: sysrq triggered crash'), lines[-3:]
    assert lines[1] == '[    0.000000] fadump: Reserved 320MB of memory at 0x00000014000000 (System RAM: 2048MB)'
    p = run('--json', 'info', dump)
    j = json.loads(p.stdout)
    assert (j['format'], j['dump_level'], j['osrelease'], j['machine'], j['byte_order']) == \
        ('kdump', 31, '7.2.12', 'ppc64', 'little')
