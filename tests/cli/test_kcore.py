# SPDX-License-Identifier: LGPL-2.1-or-later
"""fadumpctl crashinfo: the crash-info header and the register save area
read through <root>/proc/kcore in a capture boot.

The root is a copy of tests/data/roots/qemu-7.2-le-capture, whose
ibm,kernel-dump puts the CPU state at 0x14000000 (0xa00 bytes) and the
crash-info header at 0x14010000 + 0x14000000 = 0x28010000. The kcore is
written here as fs/proc/kcore.c lays one out; the structures are the
tests/data/metadata blobs, with the values their README lists.
"""

import json
import os
import shutil
import struct
import subprocess

import pytest

from conftest import DATA, require_env, run

require_env('FADUMPCTL', 'FADUMP_TEST_DATA')

LINEAR = 0xc000000000000000


def blob(name):
    with open(os.path.join(DATA, 'metadata', name), 'rb') as f:
        return f.read()


def kcore(loads):
    """ELF64 LE ET_CORE EM_PPC64: a PT_NOTE, then (paddr, data, size) loads."""
    off = 0x10000
    eh = bytearray(64)
    eh[0:4] = b'\x7fELF'
    eh[4], eh[5], eh[6] = 2, 1, 1
    struct.pack_into('<HHIQQQIHHHHHH', eh, 16, 4, 21, 1, 0, 64, 0, 0, 64, 56,
                     len(loads) + 1, 0, 0, 0)
    ph = struct.pack('<IIQQQQQQ', 4, 0, off, 0, 0, 0, 0, 0)
    body = b''
    for paddr, data, size in loads:
        ph += struct.pack('<IIQQQQQQ', 1, 7, off + len(body), LINEAR + paddr,
                          paddr, size, size, 0x10000)
        body += data + bytes(size - len(data))
    head = bytes(eh) + ph
    return head + bytes(off - len(head)) + body


@pytest.fixture
def root(tmp_path):
    r = tmp_path / 'root'
    shutil.copytree(os.path.join(DATA, 'roots', 'qemu-7.2-le-capture'), r, symlinks=True)
    return r


def test_crashinfo_json(root):
    (root / 'proc').mkdir(exist_ok=True)
    (root / 'proc/kcore').write_bytes(kcore([
        (0x14000000, blob('regsave-qemu.bin'), 0x10000),
        (0x28010000, blob('crashinfo-fadmpsig-le.bin'), 0x10000)]))
    p = run('--json', 'crashinfo', root=root)
    assert p.returncode == 0, p.stderr
    j = json.loads(p.stdout)
    assert j['crashinfo_error'] is None and j['cpu_state_error'] is None
    ci = j['crashinfo']
    assert (ci['magic'], ci['version'], ci['byte_order']) == ('FADMPSIG', 1, 'little-endian')
    assert ci['crashing_cpu'] == 3
    assert ci['vmcoreinfo_addr'] == 0x3f1a0000
    assert ci['regs']['nip'] == 0xc000000000123456
    assert ci['cpu_mask'] == list(range(8))
    cs = j['cpu_state']
    assert [c['id'] for c in cs['cpus']] == [0, 1]
    assert cs['cpus'][1]['regs']['gpr'][3] == 0xc000000002000000 + 0x100 + 3
    assert cs['cpus'][0]['regs']['link'] == 0xc000000000111000
    p = run('crashinfo', root=root)
    assert p.returncode == 0
    assert 'crashing CPU:        3\n' in p.stdout
    assert 'version 0, 2 CPUs\n' in p.stdout


def test_crashinfo_header_missing(root):
    (root / 'proc').mkdir(exist_ok=True)
    (root / 'proc/kcore').write_bytes(kcore([
        (0x14000000, blob('regsave-qemu.bin'), 0x10000)]))
    p = run('--json', 'crashinfo', root=root)
    assert p.returncode == 1
    j = json.loads(p.stdout)
    assert j['crashinfo'] is None
    assert '0x28010000' in j['crashinfo_error']
    assert j['cpu_state'] is not None
    assert p.stderr.count('\n') == 1 and 'crash-info header' in p.stderr


def test_crashinfo_without_kcore(root):
    p = run('crashinfo', root=root)
    assert p.returncode == 1
    assert 'CONFIG_PROC_KCORE' in p.stdout
    assert p.stderr.count('\n') == 2


def test_crashinfo_without_dump(tmp_path):
    p = run('crashinfo', root=os.path.join(DATA, 'roots', 'qemu-7.2-le-registered'))
    assert p.returncode == 1
    assert p.stdout == ''
    assert p.stderr.count('\n') == 1 and 'ibm,kernel-dump' in p.stderr


def test_info_crashing_cpu_in_capture_boot(root):
    """info on /proc/vmcore also names the crashing CPU from the header."""
    mk = os.environ.get('MKVMCORE')
    if not mk:
        pytest.skip('MKVMCORE not set')
    (root / 'proc/vmcore').unlink()
    subprocess.run([mk, str(root / 'proc/vmcore')], check=True)
    p = run('--json', 'info', root=root)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)['crashing_cpu'] is None      # no kcore yet
    (root / 'proc/kcore').write_bytes(kcore([
        (0x28010000, blob('crashinfo-fadmpsig-le.bin'), 0x10000)]))
    p = run('--json', 'info', root=root)
    assert json.loads(p.stdout)['crashing_cpu'] == 3
    assert 'crashed on:  CPU 3 (crash-info header)\n' in run('info', root=root).stdout
    # a saved copy (a path argument) never looks at this machine's memory
    p = run('--json', 'info', root / 'proc/vmcore', root=root)
    assert json.loads(p.stdout)['crashing_cpu'] is None


def write_kcore(root, header):
    (root / 'proc').mkdir(exist_ok=True)
    (root / 'proc/kcore').write_bytes(kcore([
        (0x14000000, blob('regsave-qemu.bin'), 0x10000),
        (0x28010000, header, 0x10000)]))


def test_check_verifies_header_through_kcore(root):
    write_kcore(root, blob('crashinfo-fadmpsig-le.bin'))
    p = run('--json', 'check', root=root)
    assert p.returncode == 0, p.stderr
    j = json.loads(p.stdout)
    assert j['verdict'] == 'complete'
    assert j['crash_info_header'] == {
        'magic': 'FADMPSIG', 'version': 1, 'byte_order': 'little-endian',
        'crashing_cpu': 3}
    p = run('check', root=root)
    assert p.returncode == 0 and 'crash-info header valid' in p.stdout


def test_check_without_kcore_leaves_header_unchecked(root):
    p = run('--json', 'check', root=root)
    assert p.returncode == 0, p.stderr
    j = json.loads(p.stdout)
    assert j['verdict'] == 'complete' and j['crash_info_header'] is None
    assert 'crash-info header' not in j['message']


@pytest.mark.parametrize('damage', ['magic', 'version'])
def test_check_refuses_bad_header(root, damage):
    hdr = bytearray(blob('crashinfo-fadmpsig-le.bin'))
    if damage == 'magic':
        hdr[0:8] = b'NOTMAGIC'
    else:
        struct.pack_into('<I', hdr, 8, 7)	# a version this library does not know
    write_kcore(root, bytes(hdr))
    p = run('--json', 'check', root=root)
    assert p.returncode == 1
    j = json.loads(p.stdout)
    assert j['verdict'] == 'unusable' and j['usable'] is False
    assert j['crash_info_header'] is None
    assert 'crash-info header' in j['message']
    assert any('crash-info header' in prob for prob in j['problems'])


def powernv_root(tmp_path, fdm='opal-fdm-be.bin', fdm_addr=0x300010000):
    """powernv-6.1-capture: boot memory copied to 0x180000000, a
    reservation of mem_reserved = 0x180020000 bytes, so the OPAL kernel
    metadata (opal-fdm-*.bin, struct opal_fadump_mem_struct) in its last
    64 KiB page at 0x300010000 and the crash-info header at its
    fadumphdr_addr, 0x300000000."""
    r = tmp_path / 'pnv'
    shutil.copytree(os.path.join(DATA, 'roots', 'powernv-6.1-capture'), r,
                    symlinks=True)
    (r / 'proc/kcore').write_bytes(kcore([
        (0x300000000, blob('crashinfo-fadmpsig-be.bin'), 0x10000),
        (fdm_addr, blob(fdm), 0x10000)]))
    return r


def test_powernv_metadata_from_memory(tmp_path):
    r = powernv_root(tmp_path)
    p = run('--json', 'metadata', root=r)
    assert p.returncode == 0, p.stderr
    j = json.loads(p.stdout)
    f = j['opal_kernel_metadata']
    assert j['opal_kernel_metadata_error'] is None
    assert f['address'] == 0x300010000
    assert (f['version'], f['byte_order'], f['region_cnt']) == (1, 'big-endian', 2)
    assert [(g['source'], g['destination'], g['length']) for g in f['regions']] == \
        [(0, 0x180000000, 0xffff0000), (0xffff0000, 0x27fff0000, 0x80010000)]
    assert f['crashinfo_addr'] == 0x300000000 and f['verdict'] == 'complete'
    assert j['crash_info_header']['magic'] == 'FADMPSIG'
    assert j['crash_info_header']['byte_order'] == 'big-endian'
    text = run('metadata', root=r).stdout
    assert 'from memory, at 0x0000000300010000:' in text
    assert 'OPAL kernel metadata version 1, big-endian' in text


def test_powernv_crashinfo_and_check(tmp_path):
    r = powernv_root(tmp_path, 'opal-fdm-le.bin', 0x30001f000)  # 4 KiB pages
    p = run('--json', 'crashinfo', root=r)
    assert p.returncode == 0, p.stderr
    j = json.loads(p.stdout)
    assert j['crashinfo']['magic'] == 'FADMPSIG'
    assert j['opal_kernel_metadata']['byte_order'] == 'little-endian'
    assert j['cpu_state'] is None and j['cpu_state_error'] is None
    p = run('--json', 'check', root=r)
    c = json.loads(p.stdout)
    assert p.returncode == 0, p.stderr
    assert c['verdict'] == 'complete'
    assert c['crash_info_header']['magic'] == 'FADMPSIG'
    assert 'OPAL kernel metadata at 0x30001f000' in c['message']


def test_powernv_metadata_not_found(tmp_path):
    # the struct is elsewhere: said, not guessed; check falls back
    r = powernv_root(tmp_path, fdm_addr=0x300000000 - 0x20000)
    j = json.loads(run('--json', 'metadata', root=r).stdout)
    assert j['opal_kernel_metadata'] is None
    assert 'looked at 0x300010000' in j['opal_kernel_metadata_error']
    c = json.loads(run('--json', 'check', root=r).stdout)
    assert c['crash_info_header'] is None
    assert c['verdict'] == 'complete'   # the region report's Dumped == Size
