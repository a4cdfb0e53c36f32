# SPDX-License-Identifier: LGPL-2.1-or-later
"""Black-box tests of fadumpctl on the fixture roots (tests/data/roots).

Environment (set by tests/meson.build):
    FADUMPCTL          the built binary
    FADUMP_TEST_DATA   tests/data

Expected values are written out here from what each fixture machine is
(see tests/data/README and the kernel formats in the reference), not
copied from the command's output. Writes run on scratch copies.
"""

import functools
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import threading

import pytest

import conftest
from conftest import (DATA, EXIT_ACCESS, EXIT_FAILED, EXIT_OK,
                      EXIT_UNSUPPORTED, EXIT_USAGE, FADUMPCTL, ROOTS,
                      FakeReleaseStore, assert_one_error_line, clean_env,
                      read, require_env, root_path, scratch)

require_env('FADUMPCTL', 'FADUMP_TEST_DATA')
SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(DATA)))

KiB = 1 << 10
MiB = 1 << 20
GiB = 1 << 30

# a run that takes 30 s has hung
run = functools.partial(conftest.run, timeout=30)


def ok_json(*args, root=None):
    p = run(*args, '--json', root=root)
    assert p.returncode == EXIT_OK, p.stderr
    assert p.stderr == ''
    assert p.stdout.endswith('\n')
    return json.loads(p.stdout)


# --------------------------------------------------------------------------
# What each fixture machine is
# --------------------------------------------------------------------------

def status(platform, layout, enabled, registered, capture, mem_reserved,
           hotplug_ready=None, bootargs=None):
    """The status --json object a machine in this state must give."""
    fadump = platform != 'none'
    return {
        'platform': platform,
        'firmware_support': fadump,
        'kernel_support': fadump,
        'enabled': enabled,
        'registered': registered,
        'dump_active': capture,
        'mem_reserved': mem_reserved,
        'hotplug_ready': hotplug_ready,
        'bootargs_append': bootargs,
        'sysfs_layout': layout,
        'bootargs_append_supported': bootargs is not None,
        'vmcore_present': capture,
        'release_available': capture,
        # kernel/patches/0003, 0004: none of these kernels has them
        'release_range_available': False,
        'crash_info_available': False,
    }


# Firmware section sizes of the PowerVM pseries fixtures (the -sizes
# property; the reference's 2011 example): CPU state 0x40020, HPTE 0x1000.
CPU_SIZE = 0x40020
HPTE_SIZE = 0x1000
# QEMU 11 (seen in the real capture, roots qemu-7.2-*): CPU state
# 16 + 12 + 4 + 79 * 16 bytes per possible CPU (2), no HPTE.
QEMU_CPU_SIZE = 0xa00
QEMU_HPTE_SIZE = 0
BOOTARGS = 'nr_cpus=16 numa=off'

STATUS = {
    # x86 box: no device tree, no fadump sysfs.
    'none': status('none', 'none', None, None, False, None),
    # 3.4: legacy flat files only, no mem_reserved (5.7+), no hotplug_ready
    # or bootargs_append (6.10+). Capture kernel: nothing registered.
    'pseries-3.4-registered': status('pseries', 'legacy', True, True,
                                     False, None),
    'pseries-3.4-capture': status('pseries', 'legacy', True, False,
                                  True, None),
    # 5.10: /sys/kernel/fadump/ with mem_reserved = the whole area,
    # PAGE_ALIGN(CPU + HPTE + 320 MiB boot memory + headers).
    'pseries-5.10-registered': status('pseries', 'directory', True, True,
                                      False, 320 * MiB + 0x50000),
    'pseries-5.10-capture': status('pseries', 'directory', True, False,
                                   True, 320 * MiB + 0x50000),
    # 7.2: PAGE_ALIGN(CPU + HPTE) + 1 GiB boot memory + 680-byte header;
    # hotplug_ready reads 1 always; bootargs_append in both boots.
    'pseries-7.2-registered': status('pseries', 'directory', True, True,
                                     False, 0x50000 + GiB + 680, True,
                                     BOOTARGS),
    'pseries-7.2-capture': status('pseries', 'directory', True, False,
                                  True, 0x50000 + GiB + 680, True,
                                  BOOTARGS),
    # 7.2 after a dump the kernel refused (boot section failed): release_mem
    # was created before the check, /proc/vmcore never appeared.
    'pseries-7.2-damaged': dict(status('pseries', 'directory', True, False,
                                       False, 0x50000 + GiB + 680, True,
                                       BOOTARGS), release_available=True),
    # 7.2 booted without fadump=on: files exist, enabled 0, nothing
    # reserved. No bootargs_append: since the fix "skip parameter area
    # allocation when fadump is disabled" (Fixes: f4892c68ecc1, 2025,
    # also in stable) fadump_setup_param_area() returns early when
    # fadump is not enabled, so no param area and no attribute.
    'pseries-7.2-disabled': status('pseries', 'directory', False, False,
                                   False, 0, True, None),
    # powernv 6.1: 6 GiB boot memory + a page of headers + a page of OPAL
    # metadata (64 KiB pages); no hotplug_ready (6.10), no bootargs_append
    # (pseries only).
    # The OPAL core's keys come on PowerNV only; no fixture root has a core.
    'powernv-6.1-registered': dict(status('powernv', 'directory', True, True,
                                          False, 6 * GiB + 2 * 64 * KiB),
                                   opalcore_present=False, opalcore_size=None,
                                   opalcore_release_available=False),
    'powernv-6.1-capture': dict(status('powernv', 'directory', True, False,
                                       True, 6 * GiB + 2 * 64 * KiB),
                                opalcore_present=False, opalcore_size=None,
                                opalcore_release_available=False),
}

CONTRACT_TYPES = {
    'platform': (str,),
    'firmware_support': (bool,),
    'kernel_support': (bool,),
    'enabled': (bool, type(None)),
    'registered': (bool, type(None)),
    'dump_active': (bool,),
    'mem_reserved': (int, type(None)),
    'hotplug_ready': (bool, type(None)),
    'bootargs_append': (str, type(None)),
    'sysfs_layout': (str,),
}


def region(name, start, size, dumped, source=None):
    """A region object; end is inclusive, start + size - 1, as printed."""
    r = {'name': name, 'start': start, 'end': start + size - 1,
         'size': size, 'dumped': dumped}
    if source is not None:
        r['source'] = source
    return r


def regions(regs, above=None, cmdline=None, cmdline_range=None):
    # released_*: kernel/patches/0005's line, which no fixture kernel has
    return {'regions': regs, 'reserved_above': above,
            'cmdline_append': cmdline,
            'cmdline_append_range': cmdline_range,
            'released_bytes': None, 'released_ranges': None}


def g1_regions(capture):
    # 3.4: 4 GiB RAM, 256 MiB boot memory, 0x10050000-byte area at the
    # top of memory: CPU at 4 GiB - 0x10050000, HPTE and the boot-memory
    # copy right behind it (not page aligned before 5.19).
    cpu = 4 * GiB - 0x10050000
    d = capture
    regs = [
        region('CPU', cpu, CPU_SIZE, CPU_SIZE if d else 0),
        region('HPTE', cpu + CPU_SIZE, HPTE_SIZE, HPTE_SIZE if d else 0),
        region('DUMP', cpu + CPU_SIZE + HPTE_SIZE, 256 * MiB,
               256 * MiB if d else 0),
    ]
    if capture:
        # Unnamed line: memory held from the end of boot memory up to the
        # CPU area, printed with its size as "Dumped" too.
        regs.append(region('', 256 * MiB, cpu - 256 * MiB,
                           cpu - 256 * MiB))
    return regions(regs)


def g3_regions(capture):
    # 5.10: area at boot_mem_top = 320 MiB; "Memory above" prints the
    # reservation start (5.10) in the capture kernel.
    base = 320 * MiB
    d = capture
    return regions([
        region('CPU', base, CPU_SIZE, CPU_SIZE if d else 0),
        region('HPTE', base + CPU_SIZE, HPTE_SIZE, HPTE_SIZE if d else 0),
        region('DUMP', base + CPU_SIZE + HPTE_SIZE, 320 * MiB,
               320 * MiB if d else 0, source=0),
    ], above=base if capture else None)


def g5_regions(capture):
    # 7.2: area at 1 GiB, boot copy page aligned (64 KiB) after CPU +
    # HPTE; param area at 768 MiB, 2048 bytes; "Memory above" prints
    # boot_mem_top.
    base = GiB
    d = capture
    return regions([
        region('CPU', base, CPU_SIZE, CPU_SIZE if d else 0),
        region('HPTE', base + CPU_SIZE, HPTE_SIZE, HPTE_SIZE if d else 0),
        region('DUMP', base + 5 * 64 * KiB, GiB, GiB if d else 0, source=0),
    ], above=GiB if capture else None, cmdline=BOOTARGS,
        cmdline_range=[768 * MiB, 768 * MiB + 2048 - 1])


def opal_regions(capture):
    # powernv 6.1: 6 GiB boot memory copied to 6 GiB, in OPAL's 32-bit
    # chunks of ALIGN_DOWN(U32_MAX, 64 KiB); "Dumped" is the size in the
    # capture kernel; "Memory above" prints boot_mem_top.
    chunk = 4 * GiB - 64 * KiB
    d = capture
    return regions([
        region('DUMP', 6 * GiB, chunk, chunk if d else 0, source=0),
        region('DUMP', 6 * GiB + chunk, 6 * GiB - chunk,
               6 * GiB - chunk if d else 0, source=chunk),
    ], above=6 * GiB if capture else None)


REGIONS = {
    'none': None,       # no debugfs report at all
    'pseries-3.4-registered': g1_regions(False),
    'pseries-3.4-capture': g1_regions(True),
    'pseries-5.10-registered': g3_regions(False),
    'pseries-5.10-capture': g3_regions(True),
    'pseries-7.2-registered': g5_regions(False),
    'pseries-7.2-capture': g5_regions(True),
    # the refused dump is invalidated, the struct re-initialised: as if
    # registered, without "Memory above" (fdm_active is gone)
    'pseries-7.2-damaged': g5_regions(False),
    # fadump off: the kernel prints nothing.
    'pseries-7.2-disabled': regions([]),
    'powernv-6.1-registered': opal_regions(False),
    'powernv-6.1-capture': opal_regions(True),
}

RTAS_PROPS = ['/rtas/ibm,configure-kernel-dump',
              '/rtas/ibm,configure-kernel-dump-sizes',
              '/rtas/ibm,configure-kernel-dump-version',
              '/rtas/ibm,kernel-dump']
OPAL_PROPS = ['/ibm,opal/dump/compatible',
              '/ibm,opal/dump/mpipl-boot',
              '/ibm,opal/dump/fw-load-area']

def sizes_hex(cpu, hpte):
    """ibm,configure-kernel-dump-sizes: {type, size_hi, size_lo} BE u32
    cells for CPU state (1) and HPTE (2)."""
    return '0000000100000000%08x0000000200000000%08x' % (cpu, hpte)


def kernel_dump_header(nsections):
    """struct rtas_fadump_section_header start: version 1, n sections,
    status 0xc000 (dump performed and triggered, as the firmware returns
    it after a crash), first section at offset 40."""
    return '00000001' + '%04x' % nsections + 'c000' + '00000028'


def pseries_dt(token, capture, kernel_dump_len=None, nsections=None,
               qemu=False):
    cpu, hpte = (QEMU_CPU_SIZE, QEMU_HPTE_SIZE) if qemu else \
        (CPU_SIZE, HPTE_SIZE)
    props = {p: None for p in RTAS_PROPS + OPAL_PROPS}
    props['/rtas/ibm,configure-kernel-dump'] = (4, '%08x' % token)
    props['/rtas/ibm,configure-kernel-dump-sizes'] = (24,
                                                      sizes_hex(cpu, hpte))
    if qemu:
        # {1, 1} as two u16 in the (x86-64) host's byte order
        props['/rtas/ibm,configure-kernel-dump-version'] = (4, '01000100')
    if capture:
        props['/rtas/ibm,kernel-dump'] = (kernel_dump_len,
                                          kernel_dump_header(nsections))
    return {
        'platform': 'pseries', 'firmware_support': True,
        'dump_present': capture, 'rtas_token': token,
        'dump_sizes': [{'type': 1, 'name': 'CPU', 'bytes': cpu},
                       {'type': 2, 'name': 'HPTE', 'bytes': hpte}],
        'properties': props,
    }


def powernv_dt(capture):
    props = {p: None for p in RTAS_PROPS + OPAL_PROPS}
    props['/ibm,opal/dump/compatible'] = (14, b'ibm,opal-dump\0'.hex())
    # skiboot load areas: two (addr, size) pairs of 2+2 cells.
    props['/ibm,opal/dump/fw-load-area'] = (32, '')
    if capture:
        # skiboot's u64 1 (tests/data/roots/README: what a real MPIPL showed)
        props['/ibm,opal/dump/mpipl-boot'] = (8, '0000000000000001')
    return {
        'platform': 'powernv', 'firmware_support': True,
        'dump_present': capture, 'rtas_token': None, 'dump_sizes': [],
        'properties': props,
    }


# The pseries token 0x2e is PowerVM's; QEMU's is 0x202d (RTAS_TOKEN_BASE
# 0x2000 + 0x2d, as the real capture showed). G1-G3 mem structs are 160
# bytes with 3 sections; G4+ registers 40 + 40 * n bytes and gets them
# back: 200 here, 4 sections (CPU, HPTE, one boot region, param area).
DEVTREE = {
    'none': {
        'platform': 'none', 'firmware_support': False,
        'dump_present': False, 'rtas_token': None, 'dump_sizes': [],
        'properties': {p: None for p in RTAS_PROPS + OPAL_PROPS},
    },
    'pseries-3.4-registered': pseries_dt(0x2e, False),
    'pseries-3.4-capture': pseries_dt(0x2e, True, 160, 3),
    'pseries-5.10-registered': pseries_dt(0x2e, False),
    'pseries-5.10-capture': pseries_dt(0x2e, True, 160, 3),
    'pseries-7.2-registered': pseries_dt(0x2e, False),
    'pseries-7.2-capture': pseries_dt(0x2e, True, 200, 4),
    'pseries-7.2-damaged': pseries_dt(0x2e, True, 200, 4),
    'pseries-7.2-disabled': pseries_dt(0x202d, False, qemu=True),
    'powernv-6.1-registered': powernv_dt(False),
    'powernv-6.1-capture': powernv_dt(True),
}

ALL_ROOTS = sorted(STATUS)


def test_every_fixture_root_has_expectations():
    # qemu-* roots come from a real kernel; test_golden.py holds them
    # against what fadumpctl printed in that kernel's guest.
    on_disk = {n for n in os.listdir(ROOTS)
               if os.path.isdir(os.path.join(ROOTS, n))
               and not n.startswith('qemu-')}
    assert on_disk == set(STATUS) == set(REGIONS) == set(DEVTREE)


# --------------------------------------------------------------------------
# status
# --------------------------------------------------------------------------

@pytest.mark.parametrize('name', ALL_ROOTS)
def test_status_json_contract_keys_and_types(name):
    st = ok_json('status', root=root_path(name))
    for key, types in CONTRACT_TYPES.items():
        assert key in st, key
        # bool is an int in Python: keep integers and booleans apart.
        if int in types:
            assert not isinstance(st[key], bool), key
        assert isinstance(st[key], types), (key, st[key])
    assert st['platform'] in ('pseries', 'powernv', 'none')
    assert st['sysfs_layout'] in ('legacy', 'directory', 'none')



@pytest.mark.parametrize('name', ALL_ROOTS)
def test_status_json_values(name):
    assert ok_json('status', root=root_path(name)) == STATUS[name]


@pytest.mark.parametrize('name', ALL_ROOTS)
def test_status_human_names_platform_and_layout(name):
    p = run('status', root=root_path(name))
    assert p.returncode == EXIT_OK and p.stderr == ''
    want = STATUS[name]
    assert re.search(r'^platform:\s+%s$' % want['platform'], p.stdout, re.M)
    assert re.search(r'^sysfs layout:\s+%s$' % want['sysfs_layout'],
                     p.stdout, re.M)


def test_status_human_sizes_and_unknowns():
    out = run('status', root=root_path('pseries-5.10-registered')).stdout
    assert re.search(r'^memory reserved:\s+335872000 bytes \(320\.3 MiB\)$',
                     out, re.M)
    out = run('status', root=root_path('pseries-3.4-registered')).stdout
    assert re.search(r'^memory reserved:\s+unknown$', out, re.M)
    assert re.search(r'^hotplug ready:\s+unknown$', out, re.M)
    out = run('status', root=root_path('pseries-7.2-registered')).stdout
    assert "'nr_cpus=16 numa=off'" in out


def test_status_malformed_attribute_is_one_error_line(tmp_path):
    root = scratch(tmp_path, 'pseries-7.2-registered')
    (root / 'sys/kernel/fadump/registered').write_bytes(b'yes\n')
    p = run('status', '--json', root=str(root))
    assert_one_error_line(p, EXIT_FAILED, 'status', 'registered')


# --------------------------------------------------------------------------
# regions
# --------------------------------------------------------------------------

@pytest.mark.parametrize('name', [n for n in ALL_ROOTS if REGIONS[n]])
def test_regions_json(name):
    got = ok_json('regions', root=root_path(name))
    assert list(got) == ['regions', 'reserved_above', 'cmdline_append',
                         'cmdline_append_range', 'released_bytes',
                         'released_ranges']
    assert got == REGIONS[name]
    for r in got['regions']:
        assert set(r) <= {'name', 'start', 'end', 'size', 'dumped',
                          'source', 'type'}
        for k in ('start', 'end', 'size', 'dumped'):
            assert isinstance(r[k], int) and not isinstance(r[k], bool)


def test_regions_without_report_fails_naming_the_file():
    p = run('regions', '--json', root=root_path('none'))
    assert_one_error_line(p, EXIT_FAILED, 'regions', 'fadump_region')


def test_regions_unknown_type_and_high_addresses(tmp_path):
    # A 6.10+ report with a section type the kernel does not know (no
    # size, no newline: the next record follows on the same line) and a
    # destination above 2^63, which JSON must keep unsigned.
    root = scratch(tmp_path, 'pseries-7.2-registered')
    (root / 'sys/kernel/debug/powerpc/fadump_region').write_text(
        'CPU :[0x00000040000000-0x0000004004001f] 0x40020 bytes, Dumped: 0x0\n'
        'Unknown region type 32 : Src: 0x00000000001000, '
        'Dest: 0xf000000000000000, '
        'DUMP: Src: 0x00000000000000, Dest: 0x00000040050000, '
        'Size: 0x40000000, Dumped: 0x0 bytes\n')
    got = ok_json('regions', root=str(root))
    unknown = got['regions'][1]
    assert unknown['name'] == 'UNKNOWN' and unknown['type'] == 32
    assert unknown['start'] == 0xf000000000000000
    assert unknown['source'] == 0x1000
    assert got['regions'][2] == region('DUMP', GiB + 5 * 64 * KiB, GiB, 0,
                                       source=0)
    assert 'type' not in got['regions'][0]
    out = run('regions', root=str(root)).stdout
    assert re.search(r'^type 32\s+0xf000000000000000\s+-', out, re.M)


def test_regions_human():
    out = run('regions', root=root_path('pseries-3.4-capture')).stdout
    lines = out.splitlines()
    assert lines[0].split() == ['REGION', 'START', 'END', 'SIZE', 'DUMPED']
    assert lines[1].split() == ['CPU', '0x00000000effb0000',
                                '0x00000000efff001f', '256.0', 'KiB',
                                '256.0', 'KiB']
    assert lines[3].split()[:4] == ['DUMP', '0x00000000efff1020',
                                    '0x00000000ffff101f', '256']
    assert lines[4].startswith('(held)')
    assert all(line == line.rstrip() for line in lines)

    out = run('regions', root=root_path('pseries-7.2-capture')).stdout
    assert out.splitlines()[0].split()[-1] == 'SOURCE'
    assert ("cmdline append: 'nr_cpus=16 numa=off' "
            "(0x0000000030000000-0x00000000300007ff)") in out
    assert ('memory above 0x0000000040000000 is reserved for saving '
            'the crash dump') in out

    out = run('regions', root=root_path('pseries-7.2-disabled')).stdout
    assert 'not enabled' in out


def test_regions_unparseable_line_is_one_error_line(tmp_path):
    root = scratch(tmp_path, 'pseries-5.10-registered')
    (root / 'sys/kernel/debug/powerpc/fadump_region').write_bytes(
        b'CPU :[0x00000014000000-0x0000001404001f] 0x40020 bytes\n')
    p = run('regions', root=str(root))
    assert_one_error_line(p, EXIT_FAILED, 'regions', 'line 1')


# --------------------------------------------------------------------------
# devtree
# --------------------------------------------------------------------------

@pytest.mark.parametrize('name', ALL_ROOTS)
def test_devtree_json(name):
    got = ok_json('devtree', root=root_path(name))
    want = DEVTREE[name]
    assert got['source'] in ('dir', 'fdt')
    for key in ('platform', 'firmware_support', 'dump_present',
                'rtas_token', 'dump_sizes'):
        assert got[key] == want[key], key
    assert set(got['properties']) == set(want['properties'])
    for path, expect in want['properties'].items():
        prop = got['properties'][path]
        if expect is None:
            assert prop is None, path
            continue
        length, hex_prefix = expect
        assert prop['length'] == length, path
        assert len(prop['hex']) == 2 * length, path
        assert re.fullmatch('[0-9a-f]*', prop['hex']), path
        assert prop['hex'].startswith(hex_prefix), path


def test_devtree_human_short_and_verbose():
    root = root_path('pseries-7.2-capture')
    out = run('devtree', root=root).stdout
    assert re.search(r'^platform:\s+pseries$', out, re.M)
    assert re.search(r'^dump present:\s+yes$', out, re.M)
    assert re.search(r'^RTAS token:\s+0x0000002e$', out, re.M)
    assert re.search(r'^  CPU\s+0x0001\s+0x40020 bytes \(256\.0 KiB\)$',
                     out, re.M)
    # Short properties inline; long ones only with --verbose.
    assert re.search(r'ibm,configure-kernel-dump\s+4 bytes\s+00 00 00 2e$',
                     out, re.M)
    assert re.search(r'ibm,kernel-dump\s+200 bytes$', out, re.M)
    assert '00 00 00 01 00 04 c0 00' not in out
    vout = run('devtree', '--verbose', root=root).stdout
    assert re.search(r'^    00 00 00 01 00 04 c0 00 00 00 00 28 ', vout, re.M)
    assert re.search(r'ibm,configure-kernel-dump-version\s+absent$', out,
                     re.M)


def test_devtree_source_option():
    # The fixtures have no /sys/firmware/fdt: asking for it is an error
    # naming the missing tree, "dir" reads the directory tree.
    root = root_path('pseries-5.10-registered')
    assert ok_json('devtree', '--source', 'dir', root=root)['source'] == 'dir'
    p = run('devtree', '--source=fdt', root=root)
    assert p.returncode == EXIT_FAILED and p.stdout == ''
    assert p.stderr.count('\n') == 1
    assert p.stderr.startswith('fadumpctl: devtree: ')


# --------------------------------------------------------------------------
# Options, help, version, usage errors
# --------------------------------------------------------------------------

def test_global_options_before_or_after_command():
    root = root_path('pseries-7.2-capture')
    outs = {
        run('--json', 'status', root=root).stdout,
        run('status', '--json', root=root).stdout,
        run('-j', 'status', root=root).stdout,
        subprocess.run([FADUMPCTL, 'status', '--root', root, '-j'],
                       stdout=subprocess.PIPE, text=True,
                       env=clean_env()).stdout,
        subprocess.run([FADUMPCTL, 'status', '--root=' + root, '--json'],
                       stdout=subprocess.PIPE, text=True,
                       env=clean_env()).stdout,
    }
    assert len(outs) == 1
    assert json.loads(outs.pop())['dump_active'] is True


def test_relative_root():
    p = run('--json', 'status', root='roots/pseries-3.4-capture', cwd=DATA)
    assert p.returncode == EXIT_OK, p.stderr
    assert json.loads(p.stdout)['sysfs_layout'] == 'legacy'


def test_fadump_root_environment():
    env = {'FADUMP_ROOT': root_path('powernv-6.1-capture')}
    p = run('--json', 'status', env=env)
    assert p.returncode == EXIT_OK, p.stderr
    assert json.loads(p.stdout)['platform'] == 'powernv'
    # --root wins over the environment.
    p = run('--json', 'status', root=root_path('pseries-3.4-capture'),
            env=env)
    assert json.loads(p.stdout)['platform'] == 'pseries'


def project_version():
    with open(os.path.join(SOURCE_DIR, 'meson.build')) as f:
        m = re.search(r"version\s*:\s*'([0-9.]+)'", f.read())
    with open(os.path.join(SOURCE_DIR, 'include', 'fadump.h')) as f:
        hdr = f.read()
    parts = [re.search(r'#define FADUMP_VERSION_%s (\d+)' % w, hdr).group(1)
             for w in ('MAJOR', 'MINOR', 'MICRO')]
    assert m.group(1) == '.'.join(parts)
    return m.group(1)


def test_version():
    for opt in ('--version', '-V'):
        p = run(opt)
        assert p.returncode == EXIT_OK and p.stderr == ''
        assert p.stdout == 'fadumpctl %s\n' % project_version()


def test_help_lists_commands_and_exit_codes():
    p = run('--help')
    assert p.returncode == EXIT_OK and p.stderr == ''
    for cmd in ('status', 'register', 'unregister', 'reregister', 'release',
                'regions', 'devtree', 'bootargs', 'help'):
        assert re.search(r'^  %s\b' % cmd, p.stdout, re.M), cmd
    for code in range(5):
        assert re.search(r'^  %d  ' % code, p.stdout, re.M), code
    assert 'FADUMP_ROOT' in p.stdout
    assert run('help').stdout == p.stdout
    assert run('status', '-h').stdout == p.stdout


@pytest.mark.parametrize('args, words', [
    ([], ['no command']),
    (['frobnicate'], ["unknown command 'frobnicate'"]),
    (['--frobnicate', 'status'], ["'--frobnicate'"]),
    (['status', '-x'], ["'-x'"]),
    (['status', '--root'], ["'--root'", 'argument']),
    (['status', 'extra'], ["'extra'"]),
    (['regions', 'extra'], ["'extra'"]),
    (['devtree', 'extra'], ["'extra'"]),
    (['register', 'extra'], ["'extra'"]),
    (['bootargs', 'frob'], ["'frob'"]),
    (['bootargs', 'set'], ['set']),
    (['bootargs', 'get', 'extra'], ["'extra'"]),
    (['status', '--source', 'dir'], ['devtree']),
    (['devtree', '--source', 'blob'], ["'blob'"]),
    (['--root', '/nonexistent/fadump-root', 'status'],
     ['/nonexistent/fadump-root']),
])
def test_usage_errors_exit_2(args, words):
    p = run(*args)
    assert_one_error_line(p, EXIT_USAGE, None, *words)


def test_root_that_is_a_file_is_a_usage_error():
    p = run('status', root=os.path.join(ROOTS, 'mkroots.py'))
    assert_one_error_line(p, EXIT_USAGE, None, 'mkroots.py')


def test_write_error_on_stdout_fails():
    if not os.path.exists('/dev/full'):
        pytest.skip('no /dev/full')
    with open('/dev/full', 'w') as full:
        p = run('status', root=root_path('pseries-7.2-capture'),
                stdout=full)
    assert p.returncode == EXIT_FAILED
    assert p.stderr.startswith('fadumpctl: writing output: ')


# --------------------------------------------------------------------------
# Control on scratch copies
# --------------------------------------------------------------------------

def unregistered_copy(tmp_path, name, attr):
    root = scratch(tmp_path, name)
    (root / attr).write_bytes(b'0\n')
    return root


@pytest.mark.parametrize('name, attr', [
    ('pseries-7.2-registered', 'sys/kernel/fadump/registered'),
    ('pseries-5.10-registered', 'sys/kernel/fadump/registered'),
    ('powernv-6.1-registered', 'sys/kernel/fadump/registered'),
    ('pseries-3.4-registered', 'sys/kernel/fadump_registered'),
])
def test_register_writes_1(tmp_path, name, attr):
    root = unregistered_copy(tmp_path, name, attr)
    p = run('register', root=str(root))
    assert p.returncode == EXIT_OK, p.stderr
    assert p.stdout == 'registered with firmware\n' and p.stderr == ''
    assert read(root / attr) == b'1\n'
    assert ok_json('status', root=str(root))['registered'] is True


def test_register_json_reports_state(tmp_path):
    root = unregistered_copy(tmp_path, 'pseries-7.2-registered',
                             'sys/kernel/fadump/registered')
    assert ok_json('register', root=str(root)) == {'registered': True}


@pytest.mark.parametrize('name, attr', [
    ('pseries-7.2-registered', 'sys/kernel/fadump/registered'),
    ('pseries-3.4-registered', 'sys/kernel/fadump_registered'),
])
def test_unregister_writes_0(tmp_path, name, attr):
    root = scratch(tmp_path, name)
    p = run('unregister', root=str(root))
    assert p.returncode == EXIT_OK, p.stderr
    assert p.stdout == 'unregistered from firmware\n'
    assert read(root / attr) == b'0\n'
    # The 5.7+ legacy name stays a link to the same attribute.
    if 'fadump/' in attr:
        assert os.path.islink(root / 'sys/kernel/fadump_registered')


def test_unregister_json(tmp_path):
    root = scratch(tmp_path, 'powernv-6.1-registered')
    assert ok_json('unregister', root=str(root)) == {'registered': False}
    assert read(root / 'sys/kernel/fadump/registered') == b'0\n'


def written_since(path):
    """Reset @path's mtime; the returned function tells if it was written."""
    os.utime(path, ns=(0, 0))
    return lambda: os.stat(path).st_mtime_ns != 0


def test_register_when_registered_writes_nothing(tmp_path):
    root = scratch(tmp_path, 'pseries-7.2-registered')
    attr = root / 'sys/kernel/fadump/registered'
    written = written_since(attr)
    p = run('register', root=str(root))
    assert p.returncode == EXIT_OK, p.stderr
    assert not written()
    assert read(attr) == b'1\n'


def test_reregister_writes_1(tmp_path):
    # Registered: the kernel's in-place re-registration is one write of
    # "1" (the content of the plain file cannot show it; its mtime can).
    root = scratch(tmp_path, 'pseries-5.10-registered')
    attr = root / 'sys/kernel/fadump/registered'
    written = written_since(attr)
    p = run('reregister', root=str(root))
    assert p.returncode == EXIT_OK, p.stderr
    assert p.stdout == 'registered again with firmware\n'
    assert written() and read(attr) == b'1\n'
    # Not registered: a plain registration.
    attr.write_bytes(b'0\n')
    p = run('reregister', root=str(root))
    assert p.returncode == EXIT_OK, p.stderr
    assert read(attr) == b'1\n'


@pytest.mark.parametrize('cmd', ['register', 'reregister'])
def test_register_in_capture_boot_refused(tmp_path, cmd):
    root = scratch(tmp_path, 'pseries-7.2-capture')
    p = run(cmd, root=str(root))
    assert_one_error_line(p, EXIT_FAILED, cmd, 'dump is active')
    assert read(root / 'sys/kernel/fadump/registered') == b'0\n'


def test_register_not_enabled_refused(tmp_path):
    root = scratch(tmp_path, 'pseries-7.2-disabled')
    p = run('register', root=str(root))
    assert_one_error_line(p, EXIT_FAILED, 'register', 'not enabled')
    assert read(root / 'sys/kernel/fadump/registered') == b'0\n'


@pytest.mark.parametrize('cmd', ['register', 'unregister', 'reregister',
                                 'release'])
def test_control_without_fadump_is_unsupported(cmd):
    p = run(cmd, root=root_path('none'))
    assert_one_error_line(p, EXIT_UNSUPPORTED, cmd, 'fadump')


def test_release_outside_capture_boot(tmp_path):
    p = run('release', root=root_path('pseries-7.2-registered'))
    assert_one_error_line(p, EXIT_FAILED, 'release', 'no active dump')


def test_release_already_released(tmp_path):
    root = scratch(tmp_path, 'pseries-5.10-capture')
    (root / 'proc/vmcore').unlink()
    p = run('release', root=str(root))
    assert_one_error_line(p, EXIT_FAILED, 'release', 'already released')
    assert read(root / 'sys/kernel/fadump/release_mem') == b''


@pytest.mark.parametrize('name, attr', [
    ('pseries-7.2-capture', 'sys/kernel/fadump/release_mem'),
    ('pseries-3.4-capture', 'sys/kernel/fadump_release_mem'),
])
def test_release_on_static_copy_writes_1_then_sees_vmcore_remain(
        tmp_path, name, attr):
    # A plain file has no release_mem_store(): "1" lands in it, but
    # /proc/vmcore stays, and the read-back refuses to call that success.
    root = scratch(tmp_path, name)
    p = run('release', root=str(root))
    assert_one_error_line(p, EXIT_FAILED, 'release', '/proc/vmcore',
                          'still exists')
    assert read(root / attr) == b'1'


def test_release_success_with_a_fake_kernel_store(tmp_path):
    """release_mem as a FIFO that acts like the kernel's store.

    The pipe is filled first, so fadumpctl's write of "1" blocks until
    this side drains it. Once fadumpctl holds the FIFO open it has passed
    its own checks; the fake store then removes /proc/vmcore, as
    release_mem_store() does before returning, and lets the write
    complete. No sleeps decide the outcome.
    """
    root = scratch(tmp_path, 'pseries-7.2-capture')
    store = FakeReleaseStore(root)
    proc = subprocess.Popen([FADUMPCTL, '--root', str(root), 'release'],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=clean_env())
    try:
        got = store.serve(proc.pid, lambda: proc.poll() is None, timeout=20)
    finally:
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == EXIT_OK, err
    assert out == 'dump memory released to the system\n' and err == ''
    assert got == b'1'


def fake_release(root, *args, env=None):
    """fadumpctl [ARGS] release against FakeReleaseStore: (exit, out, err)."""
    store = FakeReleaseStore(root)
    proc = subprocess.Popen([FADUMPCTL, '--root', str(root)] + list(args) +
                            ['release'], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env=clean_env(env))
    try:
        got = store.serve(proc.pid, lambda: proc.poll() is None, timeout=20)
    finally:
        out, err = proc.communicate(timeout=20)
    assert got == b'1', err
    return proc.returncode, out, err


# A successful operation says nothing at LOG_ERR (3) or LOG_WARNING (4).
@pytest.mark.parametrize('level', ['err', '4'])
def test_successful_control_logs_no_error(tmp_path, level):
    env = {'FADUMP_LOG': level}
    root = unregistered_copy(tmp_path, 'pseries-7.2-registered',
                             'sys/kernel/fadump/registered')
    # A plain file: room for "quiet" and the "\n" the kernel would add.
    (root / 'sys/kernel/fadump/bootargs_append').write_bytes(b'\n' * 6)
    for args in (['register'], ['reregister'], ['bootargs', 'set', 'quiet'],
                 ['unregister']):
        p = run(*args, root=str(root), env=env)
        assert p.returncode == EXIT_OK and p.stderr == '', (args, p.stderr)
    status, _, err = fake_release(scratch(tmp_path, 'pseries-7.2-capture'),
                                  env=env)
    assert status == EXIT_OK and err == ''


# The debug log names each write the command makes, once, and no failure.
def test_debug_log_of_a_release(tmp_path):
    root = scratch(tmp_path, 'pseries-7.2-capture')
    status, out, err = fake_release(root, '-vv', env={'FADUMP_LOG': 'debug'})
    assert status == EXIT_OK
    assert out == 'dump memory released to the system\n'
    lines = err.splitlines()
    assert lines and all(re.fullmatch(r'libfadump: \w+: .+', ln) for ln in lines), err
    writes = [ln for ln in lines if ': writing ' in ln]
    assert len(writes) == 1 and writes[0].endswith(
        ': writing 1 to /sys/kernel/fadump/release_mem'), err
    assert not [ln for ln in lines if re.search(r'fail|error|refus', ln, re.I)], err


def test_bootargs_get():
    root = root_path('pseries-7.2-registered')
    for args in (['bootargs'], ['bootargs', 'get']):
        p = run(*args, root=root)
        assert p.returncode == EXIT_OK and p.stdout == BOOTARGS + '\n'
    assert ok_json('bootargs', root=root) == {'bootargs_append': BOOTARGS}


def test_bootargs_get_empty(tmp_path):
    # The kernel prints "%s\n" of an all-zero param area: just "\n".
    root = scratch(tmp_path, 'pseries-7.2-registered')
    (root / 'sys/kernel/fadump/bootargs_append').write_bytes(b'\n')
    assert ok_json('bootargs', root=str(root)) == {'bootargs_append': ''}
    assert run('bootargs', root=str(root)).stdout == '\n'


@pytest.mark.parametrize('name', ['pseries-5.10-registered',
                                  'pseries-3.4-registered',
                                  'powernv-6.1-registered'])
def test_bootargs_unsupported(name):
    p = run('bootargs', root=root_path(name))
    assert_one_error_line(p, EXIT_UNSUPPORTED, 'bootargs', 'bootargs_append')


def test_bootargs_set_joins_arguments(tmp_path):
    # A plain file has no store(): the write overwrites in place and keeps
    # what follows. Same length as the fixture's 19-byte string, so its
    # "\n" stays where the kernel's "%s\n" would put it.
    root = scratch(tmp_path, 'pseries-7.2-registered')
    attr = root / 'sys/kernel/fadump/bootargs_append'
    p = run('bootargs', 'set', 'nr_cpus=32', 'numa=off', root=str(root))
    assert p.returncode == EXIT_OK, p.stderr
    assert p.stdout == "bootargs_append set to 'nr_cpus=32 numa=off'\n"
    assert read(attr) == b'nr_cpus=32 numa=off\n'
    assert ok_json('bootargs', 'set', 'nr_cpus=64 numa=off',
                   root=str(root)) == {'bootargs_append': 'nr_cpus=64 numa=off'}
    assert read(attr) == b'nr_cpus=64 numa=off\n'


def test_bootargs_set_after_double_dash(tmp_path):
    root = scratch(tmp_path, 'pseries-7.2-registered')
    attr = root / 'sys/kernel/fadump/bootargs_append'
    attr.write_bytes(b'\n' * 3)     # room for "-s" and the kernel's "\n"
    p = run('bootargs', 'set', '--', '-s', root=str(root))
    assert p.returncode == EXIT_OK, p.stderr
    assert read(attr) == b'-s\n'


def test_bootargs_clear(tmp_path):
    root = scratch(tmp_path, 'pseries-7.2-registered')
    attr = root / 'sys/kernel/fadump/bootargs_append'
    attr.write_bytes(b'\n')
    p = run('bootargs', 'set', '', root=str(root))
    assert p.returncode == EXIT_OK, p.stderr
    assert read(attr) == b'\n'


def test_bootargs_set_refusals(tmp_path):
    root = scratch(tmp_path, 'pseries-7.2-capture')
    p = run('bootargs', 'set', 'quiet', root=str(root))
    assert_one_error_line(p, EXIT_FAILED, 'bootargs', 'dump is active')
    assert read(root / 'sys/kernel/fadump/bootargs_append') == \
        (BOOTARGS + '\n').encode()

    # COMMAND_LINE_SIZE is 2048: the kernel takes at most 2047 bytes.
    root = scratch(tmp_path, 'pseries-7.2-registered')
    p = run('bootargs', 'set', 'x' * 2048, root=str(root))
    assert_one_error_line(p, EXIT_FAILED, 'bootargs', '2048')
    p = run('bootargs', 'set', 'a\nb', root=str(root))
    assert_one_error_line(p, EXIT_FAILED, 'bootargs', 'newline')
    assert read(root / 'sys/kernel/fadump/bootargs_append') == \
        (BOOTARGS + '\n').encode()


# --------------------------------------------------------------------------
# Non-root users
# --------------------------------------------------------------------------

def unprivileged_runner(tmp_path, name):
    """(root copy, argv prefix) running fadumpctl as a user who may read
    but not write the fixture, as on a live system's 0644 root-owned
    sysfs files."""
    if os.geteuid() != 0:
        root = scratch(tmp_path, name)
        for attr in ('sys/kernel/fadump/registered',
                     'sys/kernel/fadump/bootargs_append'):
            if (root / attr).exists():
                os.chmod(root / attr, 0o444)
        return root, [FADUMPCTL]
    setpriv = shutil.which('setpriv')
    if not setpriv:
        pytest.skip('running as root without setpriv')
    top = tempfile.mkdtemp(prefix='fadumpctl-test-')
    os.chmod(top, 0o755)
    root = os.path.join(top, name)
    shutil.copytree(root_path(name), root, symlinks=True)
    prefix = [setpriv, '--reuid=65534', '--regid=65534', '--clear-groups',
              FADUMPCTL]
    probe = subprocess.run(prefix + ['--version'], capture_output=True)
    if probe.returncode != 0:
        shutil.rmtree(top)
        pytest.skip('fadumpctl is not executable by uid 65534 here')
    return root, prefix


def test_non_root_reads_and_gets_exit_4_on_writes(tmp_path):
    from pathlib import Path
    root, prefix = unprivileged_runner(tmp_path, 'pseries-7.2-registered')
    root = Path(root)
    env = clean_env()
    try:
        for cmd in (['status'], ['regions'], ['devtree'], ['bootargs']):
            p = subprocess.run(prefix + ['--root', str(root), '--json'] + cmd,
                               capture_output=True, text=True, env=env)
            assert p.returncode == EXIT_OK and p.stderr == '', (cmd, p.stderr)
            json.loads(p.stdout)
        for cmd in (['unregister'], ['bootargs', 'set', 'quiet']):
            p = subprocess.run(prefix + ['--root', str(root)] + cmd,
                               capture_output=True, text=True, env=env)
            assert_one_error_line(p, EXIT_ACCESS, cmd[0], 'needs root')
        assert read(root / 'sys/kernel/fadump/registered') == b'1\n'
    finally:
        if prefix[0] != FADUMPCTL:
            shutil.rmtree(root.parent)
