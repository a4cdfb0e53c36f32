# SPDX-License-Identifier: LGPL-2.1-or-later
"""Black-box tests of fadumpctl metadata, check and decode.

Fixtures: the roots in tests/data/roots (mkroots.py) and the blobs in
tests/data/metadata (mkmetadata.py). Expected values are the numbers those
generators pack (see their READMEs), written out by hand; variants are
scratch copies with one thing changed.
"""

import functools
import json
import os
import re
import shutil
import struct
import tempfile

import pytest

import conftest
from conftest import (DATA, EXIT_FAILED, EXIT_OK, EXIT_UNSUPPORTED,
                      EXIT_USAGE, require_env)
from conftest import root_path as root

require_env('FADUMPCTL', 'FADUMP_TEST_DATA')
BLOBS = os.path.join(DATA, 'metadata')
DT = 'sys/firmware/devicetree/base/'
KDUMP = DT + 'rtas/ibm,kernel-dump'
REGION = 'sys/kernel/debug/powerpc/fadump_region'


# a run that takes 30 s has hung
run = functools.partial(conftest.run, timeout=30)


def blob(name):
    return os.path.join(BLOBS, name)


@pytest.fixture
def scratch():
    """A function copying a fixture root into a temporary directory."""
    dirs = []

    def copy(name):
        d = tempfile.mkdtemp(prefix='fadump-cli-')
        dirs.append(d)
        dest = os.path.join(d, 'root')
        shutil.copytree(root(name), dest, symlinks=True)
        return dest
    yield copy
    for d in dirs:
        shutil.rmtree(d)


def patch(path, offset, fmt, value):
    with open(path, 'r+b') as f:
        f.seek(offset)
        f.write(struct.pack(fmt, value))


def one_line(p):
    assert p.stdout.count('\n') == 1 and p.stdout.endswith('\n'), p.stdout
    return p.stdout


# -- check ---------------------------------------------------------------

@pytest.mark.parametrize('name,sections,boot', [
    ('pseries-3.4-capture', 3, '256 MiB'),
    ('pseries-5.10-capture', 3, '320 MiB'),
    ('pseries-7.2-capture', 4, '1 GiB'),
])
def test_check_complete_pseries(name, sections, boot):
    p = run('check', root=root(name))
    assert p.returncode == EXIT_OK, p.stderr
    assert p.stderr == ''
    assert one_line(p) == ('complete: %d sections copied in full (%s of boot '
                           'memory), /proc/vmcore is ready\n' % (sections, boot))


def test_check_damaged():
    p = run('check', root=root('pseries-7.2-damaged'))
    assert p.returncode == EXIT_FAILED
    line = one_line(p)
    assert line.startswith('unusable: section 2 (boot memory, type 0x0011): ')
    assert 'invalid source address' in line
    assert '0x0 of 0x40000000 bytes dumped' in line


def test_check_damaged_json():
    p = run('--json', 'check', root=root('pseries-7.2-damaged'))
    assert p.returncode == EXIT_FAILED
    j = json.loads(p.stdout)
    assert j['verdict'] == 'unusable'
    assert j['complete'] is False
    assert j['usable'] is False
    assert j['platform'] == 'pseries'
    assert j['dump_present'] is True
    assert j['vmcore_present'] is False
    # the firmware's verdict comes first, then the missing /proc/vmcore is
    # not added: the structure alone already makes it unusable
    assert len(j['problems']) == 1
    assert j['message'] == 'unusable: ' + j['problems'][0]


@pytest.mark.parametrize('name,where', [
    ('pseries-7.2-registered', '/rtas/ibm,kernel-dump'),
    ('pseries-3.4-registered', '/rtas/ibm,kernel-dump'),
    ('powernv-6.1-registered', '/ibm,opal/dump/mpipl-boot'),
])
def test_check_no_dump(name, where):
    p = run('check', root=root(name))
    assert p.returncode == EXIT_FAILED
    assert one_line(p) == 'none: the firmware preserved no dump (no %s)\n' % where


def test_check_not_power():
    p = run('check', root=root('none'))
    assert p.returncode == EXIT_UNSUPPORTED
    assert p.stdout == ''
    assert 'no fadump firmware interface' in p.stderr


def test_check_param_area_short(scratch):
    r = scratch('pseries-7.2-capture')
    patch(os.path.join(r, KDUMP), 40 + 3 * 40 + 24, '>Q', 0)
    p = run('--json', 'check', root=r)
    assert p.returncode == EXIT_FAILED
    j = json.loads(p.stdout)
    assert j['verdict'] == 'incomplete'
    assert j['complete'] is False
    assert j['usable'] is True
    assert 'section 3 (param area' in j['message']


def test_check_no_vmcore(scratch):
    r = scratch('pseries-7.2-capture')
    os.unlink(os.path.join(r, 'proc/vmcore'))
    p = run('check', root=r)
    assert p.returncode == EXIT_FAILED
    assert one_line(p).startswith('unusable: the kernel published no /proc/vmcore')


def test_check_status_error_old_kernel(scratch):
    # 3.4 - 6.9 refuse a dump whose status word is exactly 0x2000
    r = scratch('pseries-5.10-capture')
    patch(os.path.join(r, KDUMP), 6, '>H', 0x2000)
    p = run('check', root=r)
    assert p.returncode == EXIT_FAILED
    assert one_line(p).startswith('unusable: dump_status_flag 0x2000')


def test_check_powernv_complete():
    p = run('check', root=root('powernv-6.1-capture'))
    assert p.returncode == EXIT_OK
    assert one_line(p) == ('complete: 2 boot-memory regions preserved, '
                           '/proc/vmcore is ready\n')


def test_check_powernv_region_lost(scratch):
    r = scratch('powernv-6.1-capture')
    path = os.path.join(r, REGION)
    with open(path) as f:
        text = f.read()
    # region 1 not registered: the kernel prints Dumped 0x0 for it
    text = text.replace('Size: 0x80010000, Dumped: 0x80010000',
                        'Size: 0x80010000, Dumped: 0x0')
    with open(path, 'w') as f:
        f.write(text)
    p = run('--json', 'check', root=r)
    assert p.returncode == EXIT_FAILED
    j = json.loads(p.stdout)
    assert j['verdict'] == 'incomplete'
    assert j['usable'] is True
    assert j['problems'] == ['boot-memory region 1 (source 0xffff0000, '
                             '0x80010000 bytes) was not preserved (kernel '
                             'region report)']


def test_check_powernv_without_debugfs(scratch):
    r = scratch('powernv-6.1-capture')
    os.unlink(os.path.join(r, REGION))
    p = run('--json', 'check', root=r)
    assert p.returncode == EXIT_OK
    j = json.loads(p.stdout)
    assert j['verdict'] == 'unverified'
    assert j['complete'] is None
    assert j['usable'] is True


# -- metadata --------------------------------------------------------------

def test_metadata_json_72():
    p = run('--json', 'metadata', root=root('pseries-7.2-capture'))
    assert p.returncode == EXIT_OK, p.stderr
    j = json.loads(p.stdout)
    assert j['platform'] == 'pseries'
    assert j['dump_present'] is True
    assert j['dump_versions'] is None
    k = j['kernel_dump']
    # 40 + 40 * 4: what rtas_fadump_register() registers and the firmware
    # hands back (the real QEMU capture returned 160 bytes for 3 sections)
    assert k['length'] == 200
    assert k['form'] == 'sections'
    assert [s['type_name'] for s in k['sections']] == \
        ['CPU state', 'HPTE', 'boot memory', 'param area']
    assert [s['destination_address'] for s in k['sections']] == \
        [0x40000000, 0x40040020, 0x40050000, 0x30000000]
    assert all(s['complete'] and s['problem'] is None for s in k['sections'])
    assert k['boot_mem_top'] == 0x40000000
    assert k['crashinfo_addr'] == 0x40050000 + 0x40000000
    assert k['cpu_state_addr'] == 0x40000000
    assert k['cpu_state_len'] == 0x40020
    assert k['param_area_addr'] == 0x30000000
    assert k['verdict'] == 'complete'
    assert k['problems'] == []


def test_metadata_text_34():
    p = run('metadata', root=root('pseries-3.4-capture'))
    assert p.returncode == EXIT_OK
    assert ('dump structure:      160 bytes, format version 1, 3-section '
            'form (3.4 - 6.9, or 6.10+ with one boot region and no param '
            'area)\n') in p.stdout
    assert 'crash-info header:   0x00000000ffff1020\n' in p.stdout
    assert 'verdict:             complete\n' in p.stdout


def test_metadata_text_72_three_sections():
    # A real 7.2 kernel under QEMU: one boot region, no param area (it
    # could not allocate one), so it registered the same 160 bytes as a
    # 3.4 - 6.9 kernel; the label must not claim an old kernel wrote it.
    p = run('metadata', root=root('qemu-7.2-le-capture'))
    assert p.returncode == EXIT_OK, p.stderr
    assert ('dump structure:      160 bytes, format version 1, 3-section '
            'form (3.4 - 6.9, or 6.10+ with one boot region and no param '
            'area)\n') in p.stdout
    assert 'status flags:        0xc000 performed triggered\n' in p.stdout
    # four sections, the param area among them: the 6.10+ layout
    p = run('metadata', root=root('pseries-7.2-capture'))
    assert ('dump structure:      200 bytes, format version 1, section '
            'form (6.10+)\n') in p.stdout


def test_metadata_no_dump():
    j = json.loads(run('--json', 'metadata',
                       root=root('pseries-7.2-registered')).stdout)
    assert j['kernel_dump'] is None
    assert j['dump_present'] is False
    p = run('metadata', root=root('pseries-7.2-registered'))
    assert p.returncode == EXIT_OK
    assert 'dump waiting:        no (no /rtas/ibm,kernel-dump)' in p.stdout


def test_metadata_powernv():
    p = run('metadata', root=root('powernv-6.1-capture'))
    assert p.returncode == EXIT_OK
    assert 'dump waiting:        yes' in p.stdout
    # in memory, read through /proc/kcore, which this saved root lacks
    # (tests/cli/test_kcore.py reads it from one)
    assert 'OPAL kernel metadata: not read: ' in p.stdout
    assert 'CONFIG_PROC_KCORE' in p.stdout
    j = json.loads(run('--json', 'metadata',
                       root=root('powernv-6.1-capture')).stdout)
    assert j['opal_kernel_metadata'] is None
    assert 'CONFIG_PROC_KCORE' in j['opal_kernel_metadata_error']
    assert j['crash_info_header'] is None


def test_metadata_not_power():
    assert run('metadata', root=root('none')).returncode == EXIT_UNSUPPORTED


def test_metadata_qemu_versions(scratch):
    # QEMU writes {min, max} = {1, 1} as host-endian u16: 01 00 01 00 on x86
    r = scratch('pseries-7.2-capture')
    with open(os.path.join(r, DT + 'rtas/ibm,configure-kernel-dump-version'),
              'wb') as f:
        f.write(bytes([1, 0, 1, 0]))
    j = json.loads(run('--json', 'metadata', root=r).stdout)
    assert j['dump_versions'] == {'min': 1, 'max': 1,
                                  'byte_order': 'little-endian',
                                  'hex': '01000100'}
    p = run('metadata', root=r)
    assert 'dump versions:       1 to 1 (little-endian, as QEMU' in p.stdout


def test_metadata_malformed(scratch):
    r = scratch('pseries-7.2-capture')
    patch(os.path.join(r, KDUMP), 4, '>H', 11)
    p = run('metadata', root=r)
    assert p.returncode == EXIT_FAILED
    assert p.stdout == ''
    assert p.stderr.count('\n') == 1
    assert 'ibm,kernel-dump: dump_num_sections 11' in p.stderr


# -- decode ----------------------------------------------------------------

def decode_json(*args):
    p = run('--json', 'decode', *args)
    assert p.returncode == EXIT_OK, p.stderr
    return json.loads(p.stdout)


def test_decode_kernel_dump():
    j = decode_json('kernel-dump', blob('papr-qemu-7.2.bin'))
    assert j['length'] == 280
    assert j['num_sections'] == 6
    assert j['status_flags'] == 0xc000
    assert j['boot_regions'] == 3
    assert j['boot_mem_top'] == 0x60000000
    assert j['crashinfo_addr'] == 0xa0010000


def test_decode_regsave():
    j = decode_json('regsave', blob('regsave-qemu.bin'))
    assert j['format'] == 'rtas'
    assert j['version'] == 0
    assert [c['id'] for c in j['cpus']] == [0, 1]
    c1 = j['cpus'][1]
    assert c1['entries'] == 77 and c1['ignored'] == 37
    assert c1['regs']['nip'] == 0xc000000000abc001
    assert c1['regs']['gpr'][31] == 0xc000000002000000 + 0x100 + 31
    assert 'entries_list' not in c1
    j = decode_json('-v', 'regsave', blob('regsave-qemu.bin'))
    names = [e['name'] for e in j['cpus'][0]['entries_list']]
    assert names[:3] == ['ACOP', 'AMR', 'BESCR']
    assert names[22] == 'GPR00' and names[-1] == 'XER'


def test_decode_regsave_text():
    p = run('decode', 'regsave', blob('regsave-papr.bin'))
    assert p.returncode == EXIT_OK
    assert p.stdout.startswith('register save area version 1, 3 CPUs\n')
    assert 'CPU 2 (logical CPU 8): 8 entries, 2 not used by the kernel' in p.stdout


def test_decode_hdat():
    j = decode_json('hdat', blob('hdat-threads.bin'), '688')
    assert j['format'] == 'hdat'
    assert [c['id'] for c in j['cpus']] == [0x20, 0x21, 0x22, 0x23]
    assert [c['active'] for c in j['cpus']] == [True, True, True, False]
    assert j['cpus'][3]['core_state'] == 0x0f
    assert j['cpus'][0]['regs']['msr'] == (0x20 << 32) | 0x100000 | 0x7d1


def test_decode_crashinfo():
    j = decode_json('crashinfo', blob('crashinfo-fadmpsig-be.bin'))
    assert j['magic'] == 'FADMPSIG'
    assert j['version'] == 1
    assert j['byte_order'] == 'big-endian'
    assert j['crashing_cpu'] == 3
    assert j['vmcoreinfo_addr'] == 0x3f1a0000
    assert j['cpu_mask'] == list(range(8))
    assert j['regs']['trap'] == 0x700
    j = decode_json('crashinfo', blob('crashinfo-fadmpinf-5.10-le.bin'))
    assert j['magic'] == 'FADMPINF'
    assert j['cpu_mask'] is None and j['header_size'] is None
    j = decode_json('crashinfo', blob('crashinfo-fadmpinf-5.10-le.bin'),
                    '0x28041020')
    assert j['pt_regs_size'] == 368 and j['cpu_mask'] == [0, 1]
    j = decode_json('crashinfo', blob('crashinfo-fadmpinf-3.4-be.bin'))
    assert j['crashing_cpu'] is None


def test_decode_crashinfo_future():
    p = run('decode', 'crashinfo', blob('crashinfo-fadmpsig-v2.bin'))
    assert p.returncode == EXIT_FAILED
    assert p.stdout == ''
    assert 'FADMPSIG version 2 (little-endian)' in p.stderr
    assert '720 bytes given' in p.stderr


def test_decode_opal():
    j = decode_json('opal-fdm', blob('opal-fdm-be.bin'))
    assert j['byte_order'] == 'big-endian'
    assert j['crashinfo_addr'] == 0x300000000
    assert [r['destination'] for r in j['regions']] == [0x180000000, 0x27fff0000]
    assert j['verdict'] == 'complete'
    j = decode_json('opal-fdm', blob('opal-fdm-le.bin'), 'le')
    assert j['region_cnt'] == 2
    p = run('decode', 'opal-fdm', blob('opal-fdm-le.bin'), 'be')
    assert p.returncode == EXIT_FAILED
    assert 'region_cnt 512 (big-endian)' in p.stderr
    j = decode_json('opal-cpu', blob('opal-cpu-meta.bin'))
    assert j['crashing_pir'] == 0x21
    assert j['cpu_data_size'] == 688


def test_decode_opal_real_run():
    """The OPAL structures of a real MPIPL (QEMU 11.1.3 powernv10, skiboot
    v7.1-106, our 7.2.12 kernel; tests/data/metadata/README), read from
    memory in the capture boot.  Expected values: what that boot's kernel
    and firmware logged about the same bytes (opal-fadump.c, opal-core.c
    with dyndbg; skiboot's DUMP lines), not our decoders' output."""
    # "DUMP: Src: 0x0, Dest: 0x35390000, Size: 0x30000000" and "Memory
    # above 0x30000000" (fadump_region); the crash-info header follows
    # the boot memory copy; the 7.2 kernel stores it big-endian
    j = decode_json('opal-fdm', blob('opal-fdm-qemu-pnv10.bin'))
    assert j['version'] == 1 and j['byte_order'] == 'big-endian'
    assert (j['region_cnt'], j['registered_regions']) == (1, 1)
    assert [(r['source'], r['destination'], r['length'], r['preserved'])
            for r in j['regions']] == [(0, 0x35390000, 0x30000000, True)]
    assert j['boot_mem_top'] == 0x30000000
    assert j['crashinfo_addr'] == 0x35390000 + 0x30000000
    assert j['verdict'] == 'complete'
    # "Crashing CPU PIR: 0x0"; skiboot: "Architected register dest addr :
    # 0x33870000"; "NumCpus: 2 ... Cnt: 66" entries of 16 bytes after an
    # 8-byte header: 8 + 16 * 66 = 1064, 1080 per thread as firmware says
    j = decode_json('opal-cpu', blob('opal-cpu-qemu-pnv10.bin'))
    assert (j['version'], j['crashing_pir'], j['cpu_data_version']) == (1, 0, 1)
    assert j['cpu_data_size'] == 1080
    assert (j['cpu_data_addr'], j['cpu_data_len']) == (0x33870000, 2 * 1080)
    # opal-core.c's decode of the same data: "PIR 0x0 - R1 : 0x31c139d0,
    # NIP : 0x300479a8" (the crashing CPU, inside OPAL's reboot call) and
    # "PIR 0x4 - R1 : 0xc00000007bf5fce0, NIP : 0x300037c4"; core state 0xff
    j = decode_json('hdat', blob('hdat-qemu-pnv10.bin'), '1080')
    cpus = [(c['id'], c['active'], c['core_state'], c['entries'],
             c['regs']['gpr'][1], c['regs']['nip']) for c in j['cpus']]
    assert cpus == [(0x0, True, 0xff, 66, 0x31c139d0, 0x300479a8),
                    (0x4, True, 0xff, 66, 0xc00000007bf5fce0, 0x300037c4)]


@pytest.mark.parametrize('args,status', [
    (['decode'], EXIT_USAGE),
    (['decode', 'regsave'], EXIT_USAGE),
    (['decode', 'nonsense', 'x'], EXIT_USAGE),
    (['decode', 'hdat', 'HDAT'], EXIT_USAGE),
    (['decode', 'hdat', 'HDAT', 'lots'], EXIT_USAGE),
    (['decode', 'opal-fdm', 'FDM', 'middle'], EXIT_USAGE),
    (['decode', 'regsave', '/nonexistent/file'], EXIT_FAILED),
])
def test_decode_usage(args, status):
    args = [blob('hdat-threads.bin') if a == 'HDAT' else
            blob('opal-fdm-le.bin') if a == 'FDM' else a for a in args]
    p = run(*args)
    assert p.returncode == status
    assert p.stdout == ''
    assert p.stderr.count('\n') == 1


def test_decode_every_documented_type():
    """The TYPEs the man page lists are the ones decode knows and names in
    its usage line, and each goes to its own decoder (a key only that
    decoder's JSON has, or regsave's and hdat's formats)."""
    source_dir = os.path.dirname(os.path.dirname(os.path.abspath(DATA)))
    with open(os.path.join(source_dir, 'man', 'fadumpctl.8.scd')) as f:
        man = f.read()
    section = man[man.index('*decode* _TYPE_'):man.index('*help*')]
    documented = re.findall(r'^\t- \*([a-z-]+)\*', section, re.M)
    p = run('decode')
    usage = re.search(r'\(TYPE: ([a-z, -]+)\)', p.stderr)
    assert usage and usage.group(1).split(', ') == documented, p.stderr
    cases = {
        'kernel-dump': (['papr-qemu-7.2.bin'], 'dd_num_blocks'),
        'regsave': (['regsave-qemu.bin'], 'format'),
        'hdat': (['hdat-threads.bin', '688'], 'format'),
        'crashinfo': (['crashinfo-fadmpsig-be.bin'], 'pt_regs_size'),
        'opal-fdm': (['opal-fdm-be.bin'], 'registered_regions'),
        'opal-cpu': (['opal-cpu-meta.bin'], 'crashing_pir'),
    }
    assert sorted(cases) == sorted(documented)
    formats = {}
    for t, ((name, *args), key) in cases.items():
        j = decode_json(t, blob(name), *args)
        assert key in j, (t, sorted(j))
        formats[t] = j.get('format')
    assert formats['regsave'] != formats['hdat'], formats


DECODE_FILE_MAX = 64 << 20      # fadumpctl(8): FILE of at most 64 MiB


@pytest.mark.parametrize('extra', [0, 1])
def test_decode_file_size_limit(tmp_path, extra):
    """A file of exactly the limit is decoded; one byte more is refused."""
    path = tmp_path / 'padded'
    with open(blob('opal-cpu-meta.bin'), 'rb') as f:
        path.write_bytes(f.read())
    os.truncate(path, DECODE_FILE_MAX + extra)
    p = run('--json', 'decode', 'opal-cpu', str(path))
    if extra:
        assert p.returncode == EXIT_FAILED and p.stdout == ''
        assert p.stderr == 'fadumpctl: decode: %s: larger than %d bytes\n' % (
            path, DECODE_FILE_MAX)
    else:
        assert p.returncode == EXIT_OK, p.stderr
        assert json.loads(p.stdout)['crashing_pir'] == 0x21


def test_decode_bad_blob(tmp_path):
    path = tmp_path / 'swapped'
    with open(blob('regsave-qemu.bin'), 'rb') as f:
        data = bytearray(f.read())
    data[0:8] = data[0:8][::-1]
    path.write_bytes(bytes(data))
    p = run('decode', 'regsave', str(path))
    assert p.returncode == EXIT_FAILED
    assert 'byte-swapped' in p.stderr
