# SPDX-License-Identifier: LGPL-2.1-or-later
"""Black-box tests of fadumpctl dmesg on dumps from mkvmcore --printk.

The generator's ring (tests/mkvmcore.c) holds four records, the tail of
a sysrq crash; conftest.CRASH_LOG is their text, written out by hand.
"""

import json
import os
import shutil
import subprocess

import pytest

from conftest import CRASH_LOG as LOG, DATA, MKVMCORE, require_env, run

require_env('FADUMPCTL', 'MKVMCORE', 'FADUMP_TEST_DATA')


def gen(path, *args):
    subprocess.run([MKVMCORE] + list(args) + [str(path)], check=True)


@pytest.mark.parametrize('order', ['--big', '--little'])
def test_dmesg_text(tmp_path, order):
    gen(tmp_path / 'vmcore', order, '--printk')
    p = run('dmesg', tmp_path / 'vmcore')
    assert p.returncode == 0, p.stderr
    assert p.stderr == ''
    assert p.stdout == LOG


@pytest.mark.parametrize('order', ['--big', '--little'])
def test_dmesg_log_buf(tmp_path, order):
    """The 3.5 - 5.9 log_buf layout: the same log, format log_buf."""
    gen(tmp_path / 'vmcore', order, '--logbuf')
    p = run('dmesg', tmp_path / 'vmcore')
    assert p.returncode == 0, p.stderr
    assert p.stdout == LOG
    got = json.loads(run('dmesg', '--json', tmp_path / 'vmcore').stdout)
    assert got['format'] == 'log_buf' and got['records'] == 4


def test_dmesg_json(tmp_path):
    gen(tmp_path / 'vmcore', '--printk')
    p = run('dmesg', '--json', tmp_path / 'vmcore')
    assert p.returncode == 0, p.stderr
    got = json.loads(p.stdout)
    assert got['format'] == 'lockless'
    assert got['records'] == 4 and got['lost'] == 0
    assert [r['seq'] for r in got['log']] == [0, 1, 2, 3]
    assert got['log'][3] == {
        'seq': 3, 'ts_nsec': 3161458000, 'caller_id': 0x7b,
        'text': 'Kernel panic - not syncing: sysrq triggered crash'}
    assert got['log'][0]['caller_id'] == 0x80000000


def test_dmesg_reads_proc_vmcore_under_root(tmp_path):
    root = tmp_path / 'root'
    shutil.copytree(os.path.join(DATA, 'roots', 'pseries-7.2-capture'), root,
                    symlinks=True)
    (root / 'proc/vmcore').unlink()
    gen(root / 'proc/vmcore', '--printk')
    p = run('dmesg', root=root)
    assert p.returncode == 0, p.stderr
    assert p.stdout == LOG


def test_dmesg_without_log_is_one_error_line(tmp_path):
    gen(tmp_path / 'vmcore')        # default VMCOREINFO: no complete ring
    p = run('dmesg', tmp_path / 'vmcore')
    assert p.returncode == 1
    assert p.stdout == ''
    assert p.stderr.count('\n') == 1
    assert p.stderr.startswith('fadumpctl: dmesg: ')
    assert 'VMCOREINFO' in p.stderr


def test_dmesg_extra_argument_is_usage_error(tmp_path):
    p = run('dmesg', 'a', 'b')
    assert p.returncode == 2


# --------------------------------------------------------------------------
# info: the panic message and the registers

def ok_json(*args):
    p = run(*args, '--json')
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_info_panic(tmp_path):
    gen(tmp_path / 'vmcore', '--little', '--printk')
    got = ok_json('info', tmp_path / 'vmcore')
    assert got['panic'] == 'Kernel panic - not syncing: sysrq triggered crash'
    p = run('info', tmp_path / 'vmcore')
    assert 'panic:       Kernel panic - not syncing: sysrq triggered crash\n' in p.stdout


def test_info_without_log_has_null_panic(tmp_path):
    gen(tmp_path / 'vmcore')
    assert ok_json('info', tmp_path / 'vmcore')['panic'] is None
    assert 'panic:' not in run('info', tmp_path / 'vmcore').stdout


# mkvmcore's registers (tests/mkvmcore.c mkvmcore_reg()): gpr[i] is
# 0x0123456700000000 + (cpu << 8) + i, nip 0xc000000000100000 + 0x100 * cpu,
# link 0xc000000000300000 + 0x100 * cpu, trap 0x300.
def expected_regs(cpu):
    return {'cpu': cpu,
            'gpr': [0x0123456700000000 + (cpu << 8) + i for i in range(32)],
            'nip': 0xc000000000100000 + 0x100 * cpu, 'msr': 0x8000000000001033,
            'orig_gpr3': cpu * 0x100, 'ctr': 0xc000000000200000 + 0x100 * cpu,
            'link': 0xc000000000300000 + 0x100 * cpu, 'xer': 0x20000000,
            'ccr': 0x28002444, 'softe': 1, 'trap': 0x300,
            'dar': 0xdead0000 + 0x100 * cpu, 'dsisr': 0x42000000, 'result': 0}


@pytest.mark.parametrize('order', ['--big', '--little'])
def test_info_registers_json(tmp_path, order):
    gen(tmp_path / 'vmcore', order)
    got = ok_json('info', '--registers', tmp_path / 'vmcore')
    assert got['registers'] == [expected_regs(c) for c in range(4)]
    got = ok_json('info', '--registers', '--cpu', '2', tmp_path / 'vmcore')
    assert got['registers'] == [expected_regs(2)]
    assert 'registers' not in ok_json('info', tmp_path / 'vmcore')


def test_info_registers_text(tmp_path):
    gen(tmp_path / 'vmcore')
    p = run('info', '--registers', '--cpu', '3', tmp_path / 'vmcore')
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith('CPU 3 (NT_PRSTATUS note 3):\n')
    assert '  r0  0123456700000300  r1  0123456700000301' in p.stdout
    assert '  nip       c000000000100300' in p.stdout
    assert '  trap      0000000000000300' in p.stdout


@pytest.mark.parametrize('args,status,words', [
    (['--registers', '--cpu', '4'], 1, ['--cpu 4', '4 CPUs']),
    (['--cpu', '1'], 2, ['--cpu needs --registers']),
    (['--registers', '--cpu', 'x'], 2, ["'x'"]),
])
def test_info_registers_errors(tmp_path, args, status, words):
    gen(tmp_path / 'vmcore')
    p = run('info', *args, tmp_path / 'vmcore')
    assert p.returncode == status
    assert p.stdout == ''
    assert p.stderr.count('\n') == 1
    for w in words:
        assert w in p.stderr


def test_registers_only_for_info(tmp_path):
    p = run('status', '--registers')
    assert p.returncode == 2
    assert 'info only' in p.stderr


def test_info_registers_other_machine_unsupported(tmp_path):
    gen(tmp_path / 'vmcore', '--machine', 'x86_64')
    p = run('info', '--registers', tmp_path / 'vmcore')
    assert p.returncode == 3, p.stderr
    assert p.stderr.count('\n') == 1
