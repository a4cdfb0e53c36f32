# SPDX-License-Identifier: LGPL-2.1-or-later
"""fadump.System over the fixture roots: status, regions, device tree,
kernel_dump, bootargs and control. Writes go to scratch copies."""

import os
import pathlib
import shutil
import struct
import subprocess
import sys
import tempfile
import threading

import pytest

import fadump
from conftest import ALL_ROOTS, FakeReleaseStore, GiB, KiB, MiB, root_path

BOOTARGS = 'nr_cpus=16 numa=off'
CPU_SIZE = 0x40020      # ibm,configure-kernel-dump-sizes of the PowerVM roots
HPTE_SIZE = 0x1000
QEMU_CPU_SIZE = 0xa00   # QEMU 11, 2 CPUs: 16 + 12 + 4 + 2 * 79 * 16; no HPTE


# --------------------------------------------------------------------------
# What each fixture machine is (tests/data/README)
# --------------------------------------------------------------------------

def status(platform, layout, enabled, registered, capture, mem_reserved,
           hotplug_ready=None, bootargs=None, release=None):
    fadump_there = platform != 'none'
    return {
        'platform': platform,
        'firmware_support': fadump_there,
        'kernel_support': fadump_there,
        'enabled': enabled,
        'registered': registered,
        'dump_active': capture,
        'mem_reserved': mem_reserved,
        'hotplug_ready': hotplug_ready,
        'bootargs_append': bootargs,
        'sysfs_layout': layout,
        'bootargs_append_supported': bootargs is not None,
        'vmcore_present': capture,
        'release_available': capture if release is None else release,
        # this project's kernel series (kernel/patches): no fixture has it
        'release_range_available': False,
        'crash_info_available': False,
    }


def powernv(st):
    """The OPAL core's keys, there on PowerNV only (as in fadumpctl's
    status --json): no fixture root has a core."""
    return dict(st, opalcore_present=False, opalcore_size=None,
                opalcore_release_available=False)


STATUS = {
    'none': status('none', 'none', None, None, False, None),
    # 3.4: flat files only; nothing after enabled/registered/release_mem.
    'pseries-3.4-registered': status('pseries', 'legacy', True, True, False,
                                     None),
    'pseries-3.4-capture': status('pseries', 'legacy', True, False, True,
                                  None),
    # 5.10: PAGE_ALIGN(CPU + HPTE + 320 MiB + headers), 64 KiB pages.
    'pseries-5.10-registered': status('pseries', 'directory', True, True,
                                      False, 320 * MiB + 0x50000),
    'pseries-5.10-capture': status('pseries', 'directory', True, False, True,
                                   320 * MiB + 0x50000),
    # 7.2: PAGE_ALIGN(CPU + HPTE) + 1 GiB + the 680-byte FADMPSIG header.
    'pseries-7.2-registered': status('pseries', 'directory', True, True,
                                     False, 0x50000 + GiB + 680, True,
                                     BOOTARGS),
    'pseries-7.2-capture': status('pseries', 'directory', True, False, True,
                                  0x50000 + GiB + 680, True, BOOTARGS),
    # refused dump: release_mem exists, /proc/vmcore never appeared
    'pseries-7.2-damaged': status('pseries', 'directory', True, False, False,
                                  0x50000 + GiB + 680, True, BOOTARGS,
                                  release=True),
    'pseries-7.2-disabled': status('pseries', 'directory', False, False,
                                   False, 0, True, None),
    # 6 GiB boot memory + a page of headers + a page of OPAL metadata
    'powernv-6.1-registered': powernv(status('powernv', 'directory', True,
                                             True, False,
                                             6 * GiB + 2 * 64 * KiB)),
    'powernv-6.1-capture': powernv(status('powernv', 'directory', True, False,
                                          True, 6 * GiB + 2 * 64 * KiB)),
}


def region(name, start, size, dumped, source=None):
    return {'name': name, 'type': None, 'start': start,
            'end': start + size - 1, 'size': size, 'dumped': dumped,
            'source': source}


def report(regs, above=None, cmdline=None, cmdline_range=None):
    return {'regions': regs, 'reserved_above': above,
            'cmdline_append': cmdline, 'cmdline_append_range': cmdline_range,
            'released_bytes': None, 'released_ranges': None}


def g1_regions(capture):
    # 3.4: the area at the top of 4 GiB, boot copy not page aligned; the
    # capture kernel prints the unnamed line for the memory held below it.
    cpu = 4 * GiB - 0x10050000
    d = capture
    regs = [region('CPU', cpu, CPU_SIZE, CPU_SIZE if d else 0),
            region('HPTE', cpu + CPU_SIZE, HPTE_SIZE, HPTE_SIZE if d else 0),
            region('DUMP', cpu + CPU_SIZE + HPTE_SIZE, 256 * MiB,
                   256 * MiB if d else 0)]
    if capture:
        regs.append(region('', 256 * MiB, cpu - 256 * MiB, cpu - 256 * MiB))
    return report(regs)


def g3_regions(capture):
    base = 320 * MiB
    d = capture
    return report([
        region('CPU', base, CPU_SIZE, CPU_SIZE if d else 0),
        region('HPTE', base + CPU_SIZE, HPTE_SIZE, HPTE_SIZE if d else 0),
        region('DUMP', base + CPU_SIZE + HPTE_SIZE, 320 * MiB,
               320 * MiB if d else 0, source=0),
    ], above=base if capture else None)


def g5_regions(capture):
    d = capture
    return report([
        region('CPU', GiB, CPU_SIZE, CPU_SIZE if d else 0),
        region('HPTE', GiB + CPU_SIZE, HPTE_SIZE, HPTE_SIZE if d else 0),
        region('DUMP', GiB + 5 * 64 * KiB, GiB, GiB if d else 0, source=0),
    ], above=GiB if capture else None, cmdline=BOOTARGS,
        cmdline_range=(768 * MiB, 768 * MiB + 2048 - 1))


def opal_regions(capture):
    chunk = 4 * GiB - 64 * KiB
    d = capture
    return report([
        region('DUMP', 6 * GiB, chunk, chunk if d else 0, source=0),
        region('DUMP', 6 * GiB + chunk, 6 * GiB - chunk,
               6 * GiB - chunk if d else 0, source=chunk),
    ], above=6 * GiB if capture else None)


REGIONS = {
    'none': None,
    'pseries-3.4-registered': g1_regions(False),
    'pseries-3.4-capture': g1_regions(True),
    'pseries-5.10-registered': g3_regions(False),
    'pseries-5.10-capture': g3_regions(True),
    'pseries-7.2-registered': g5_regions(False),
    'pseries-7.2-capture': g5_regions(True),
    'pseries-7.2-damaged': g5_regions(False),
    'pseries-7.2-disabled': report([]),
    'powernv-6.1-registered': opal_regions(False),
    'powernv-6.1-capture': opal_regions(True),
}

RTAS = ['/rtas/ibm,configure-kernel-dump',
        '/rtas/ibm,configure-kernel-dump-sizes',
        '/rtas/ibm,configure-kernel-dump-version',
        '/rtas/ibm,kernel-dump']
OPAL = ['/ibm,opal/dump/compatible', '/ibm,opal/dump/mpipl-boot',
        '/ibm,opal/dump/fw-load-area']
SIZES = struct.pack('>6I', 1, 0, CPU_SIZE, 2, 0, HPTE_SIZE)


def pseries_dt(token, capture, kd_len=None, nsections=None, qemu=False):
    cpu, hpte = (QEMU_CPU_SIZE, 0) if qemu else (CPU_SIZE, HPTE_SIZE)
    props = {p: None for p in RTAS + OPAL}
    props['/rtas/ibm,configure-kernel-dump'] = struct.pack('>I', token)
    props['/rtas/ibm,configure-kernel-dump-sizes'] = struct.pack(
        '>6I', 1, 0, cpu, 2, 0, hpte)
    if qemu:
        # {1, 1} as two u16 in the (x86-64) host's byte order
        props['/rtas/ibm,configure-kernel-dump-version'] = b'\1\0\1\0'
    if capture:
        # header: version 1, n sections, status 0xc000 (performed |
        # triggered, set by the firmware), first section at 40
        props['/rtas/ibm,kernel-dump'] = (kd_len, struct.pack(
            '>IHHI', 1, nsections, 0xc000, 40))
    return {'source': 'dir', 'platform': 'pseries',
            'firmware_support': True, 'dump_present': capture,
            'rtas_token': token,
            'dump_sizes': [(1, 'CPU', cpu), (2, 'HPTE', hpte)],
            'properties': props}


def powernv_dt(capture):
    props = {p: None for p in RTAS + OPAL}
    props['/ibm,opal/dump/compatible'] = b'ibm,opal-dump\0'
    # skiboot's two load areas, {addr, size} in 2 + 2 cells
    props['/ibm,opal/dump/fw-load-area'] = struct.pack(
        '>4Q', 0x20000000, 0x08000000, 0x28000000, 0x08000000)
    if capture:
        props['/ibm,opal/dump/mpipl-boot'] = (1).to_bytes(8, 'big')  # skiboot's u64 1
    return {'source': 'dir', 'platform': 'powernv', 'firmware_support': True,
            'dump_present': capture, 'rtas_token': None, 'dump_sizes': [],
            'properties': props}


DEVTREE = {
    'none': {'source': None, 'platform': 'none', 'firmware_support': False,
             'dump_present': False, 'rtas_token': None, 'dump_sizes': [],
             'properties': {p: None for p in RTAS + OPAL}},
    'pseries-3.4-registered': pseries_dt(0x2e, False),
    'pseries-3.4-capture': pseries_dt(0x2e, True, 160, 3),
    'pseries-5.10-registered': pseries_dt(0x2e, False),
    'pseries-5.10-capture': pseries_dt(0x2e, True, 160, 3),
    'pseries-7.2-registered': pseries_dt(0x2e, False),
    # 6.10+: 40 + 40 * n bytes, as registered and handed back
    'pseries-7.2-capture': pseries_dt(0x2e, True, 200, 4),
    'pseries-7.2-damaged': pseries_dt(0x2e, True, 200, 4),
    # QEMU 11: token 0x2000 + 0x2d
    'pseries-7.2-disabled': pseries_dt(0x202d, False, qemu=True),
    'powernv-6.1-registered': powernv_dt(False),
    'powernv-6.1-capture': powernv_dt(True),
}


def test_every_root_has_expectations():
    assert set(ALL_ROOTS) == set(STATUS) == set(REGIONS) == set(DEVTREE)


def read(path):
    with open(path, 'rb') as f:
        return f.read()


# --------------------------------------------------------------------------
# status
# --------------------------------------------------------------------------

@pytest.mark.parametrize('name', ALL_ROOTS)
def test_status(name):
    st = fadump.System(root=root_path(name)).status()
    assert isinstance(st, fadump.Status)
    assert st.as_dict() == STATUS[name]
    for field, want in STATUS[name].items():
        got = getattr(st, field)
        assert got == want and type(got) is type(want), field


def test_status_is_frozen():
    st = fadump.System(root=root_path('pseries-7.2-capture')).status()
    with pytest.raises(AttributeError):
        st.registered = True


def test_status_field_order_is_the_cli_contract():
    # The CLI's contract keys first, in its order, then its additions.
    st = fadump.System(root=root_path('none')).status()
    assert list(st.as_dict()) == [
        'platform', 'firmware_support', 'kernel_support', 'enabled',
        'registered', 'dump_active', 'mem_reserved', 'hotplug_ready',
        'bootargs_append', 'sysfs_layout', 'bootargs_append_supported',
        'vmcore_present', 'release_available', 'release_range_available',
        'crash_info_available']


@pytest.mark.parametrize('attr', ['release_range', 'crash_info'])
def test_status_kernel_series_attributes(scratch, attr):
    # kernel/patches 0003 and 0004: the attribute's existence is the fact
    root = scratch('pseries-7.2-capture')
    path = root / 'sys/kernel/fadump' / attr
    path.write_bytes(b'')
    os.chmod(path, 0o200 if attr == 'release_range' else 0o400)
    st = fadump.System(root=root).status()
    assert getattr(st, attr + '_available') is True
    other = ({'release_range', 'crash_info'} - {attr}).pop()
    assert getattr(st, other + '_available') is False
    # everything else is the fixture's
    want = dict(STATUS['pseries-7.2-capture'], **{attr + '_available': True})
    assert st.as_dict() == want
    path.unlink()
    assert getattr(fadump.System(root=root).status(),
                   attr + '_available') is False


def test_status_malformed_attribute(scratch):
    root = scratch('pseries-7.2-registered')
    (root / 'sys/kernel/fadump/registered').write_bytes(b'yes\n')
    with pytest.raises(fadump.MalformedError) as e:
        fadump.System(root=root).status()
    assert e.value.errno == 74      # EBADMSG
    assert 'registered' in e.value.strerror
    assert isinstance(e.value, ValueError)


def test_status_directory_in_place_of_attribute(scratch):
    root = scratch('pseries-5.10-registered')
    attr = root / 'sys/kernel/fadump/enabled'
    attr.unlink()
    attr.mkdir()
    with pytest.raises(fadump.IsADirError) as e:
        fadump.System(root=root).status()
    assert e.value.errno == 21      # EISDIR
    assert 'enabled' in e.value.strerror
    assert isinstance(e.value, IsADirectoryError)


def test_root_forms(monkeypatch):
    # relative roots are taken from the working directory, PathLike and
    # bytes work, None and "/" are the running system.
    monkeypatch.chdir(os.path.dirname(os.path.dirname(root_path('none'))))
    s = fadump.System(root='roots/pseries-3.4-capture')
    assert s.root == root_path('pseries-3.4-capture')
    assert s.status().sysfs_layout == 'legacy'
    assert fadump.System(root=pathlib.Path(root_path('none'))).root == \
        root_path('none')
    assert fadump.System(root=os.fsencode(root_path('none'))).root == \
        root_path('none')
    assert fadump.System().root == '/'
    assert fadump.System(root='/').root == '/'
    assert repr(fadump.System(root=root_path('none'))) == \
        'fadump.System(root=%r)' % root_path('none')


def test_root_errors(tmp_path):
    with pytest.raises(fadump.NotFoundError) as e:
        fadump.System(root=tmp_path / 'missing')
    assert e.value.errno == 2
    assert e.value.strerror == 'root %s: %s' % (tmp_path / 'missing',
                                                os.strerror(2))
    f = tmp_path / 'file'
    f.write_text('')
    with pytest.raises(fadump.NotADirError) as e:
        fadump.System(root=f)
    assert e.value.errno == 20 and 'file' in e.value.strerror
    assert isinstance(e.value, NotADirectoryError)
    with pytest.raises(TypeError):
        fadump.System(root=42)
    with pytest.raises(ValueError):
        fadump.System(root='/tmp\0x')


# --------------------------------------------------------------------------
# regions
# --------------------------------------------------------------------------

@pytest.mark.parametrize('name', [n for n in ALL_ROOTS if REGIONS[n]])
def test_regions(name):
    rep = fadump.System(root=root_path(name)).regions()
    want = REGIONS[name]
    assert isinstance(rep, fadump.RegionReport)
    assert [r.__dict__ for r in rep.regions] == want['regions']
    assert rep.reserved_above == want['reserved_above']
    assert rep.cmdline_append == want['cmdline_append']
    assert rep.cmdline_append_range == want['cmdline_append_range']
    assert rep.released_bytes is None and rep.released_ranges is None
    assert all(isinstance(r, fadump.Region) for r in rep.regions)


def test_regions_as_dict_is_the_cli_json():
    # fadumpctl regions --json: "source" only where printed, range a list
    s = fadump.System(root=root_path('pseries-7.2-capture'))
    d = s.regions().as_dict()
    assert d == {
        'regions': [
            {'name': 'CPU', 'start': GiB, 'end': GiB + CPU_SIZE - 1,
             'size': CPU_SIZE, 'dumped': CPU_SIZE},
            {'name': 'HPTE', 'start': GiB + CPU_SIZE,
             'end': GiB + CPU_SIZE + HPTE_SIZE - 1, 'size': HPTE_SIZE,
             'dumped': HPTE_SIZE},
            {'name': 'DUMP', 'start': GiB + 0x50000,
             'end': 2 * GiB + 0x50000 - 1, 'size': GiB, 'dumped': GiB,
             'source': 0}],
        'reserved_above': GiB,
        'cmdline_append': BOOTARGS,
        'cmdline_append_range': [768 * MiB, 768 * MiB + 2047],
        'released_bytes': None,
        'released_ranges': None,
    }


def test_regions_released_line(scratch):
    # A capture kernel with kernel/patches/0005 adds the line after what
    # release_range gave back; the rest of the report is unchanged.
    real = read(os.path.join(root_path('qemu-7.2-le-capture'),
                             'sys/kernel/debug/powerpc/fadump_region'))
    root = scratch('pseries-7.2-capture')
    (root / 'sys/kernel/debug/powerpc/fadump_region').write_bytes(
        real + b'Released: 0x7c000000 bytes in 3 ranges\n')
    got = fadump.System(root=root).regions()
    assert got.released_bytes == 0x7c000000
    assert got.released_ranges == 3
    plain = fadump.System(root=root_path('qemu-7.2-le-capture')).regions()
    assert plain.released_bytes is None and plain.released_ranges is None
    assert got.regions == plain.regions
    assert got.reserved_above == plain.reserved_above
    d = got.as_dict()
    assert (d['released_bytes'], d['released_ranges']) == (0x7c000000, 3)
    assert list(d)[-2:] == ['released_bytes', 'released_ranges']
    # the same text in memory
    text = real.decode() + 'Released: 0x1000 bytes in 1 ranges\n'
    parsed = fadump.parse_regions(text)
    assert (parsed.released_bytes, parsed.released_ranges) == (0x1000, 1)


def test_regions_missing_report():
    with pytest.raises(fadump.NotFoundError) as e:
        fadump.System(root=root_path('none')).regions()
    assert 'fadump_region' in e.value.strerror
    assert isinstance(e.value, FileNotFoundError)


def test_regions_unparseable_line(scratch):
    root = scratch('pseries-5.10-registered')
    (root / 'sys/kernel/debug/powerpc/fadump_region').write_bytes(
        b'CPU :[0x00000014000000-0x0000001404001f] 0x40020 bytes\n')
    with pytest.raises(fadump.MalformedError) as e:
        fadump.System(root=root).regions()
    assert 'line 1' in e.value.strerror


def test_parse_regions_unknown_type_and_high_address():
    # 6.10+ unknown section type: no size, and the next record follows on
    # the same line; a destination above 2^63 stays unsigned.
    text = ('CPU :[0x00000040000000-0x0000004004001f] 0x40020 bytes, '
            'Dumped: 0x0\n'
            'Unknown region type 32 : Src: 0x00000000001000, '
            'Dest: 0xf000000000000000, '
            'DUMP: Src: 0x00000000000000, Dest: 0x00000040050000, '
            'Size: 0x40000000, Dumped: 0x0 bytes\n')
    for arg in (text, text.encode()):
        rep = fadump.parse_regions(arg)
        unknown = rep.regions[1]
        assert unknown.name == 'UNKNOWN' and unknown.type == 32
        assert unknown.start == 0xf000000000000000
        assert unknown.source == 0x1000 and unknown.size == 0
        assert rep.regions[2].__dict__ == region('DUMP', GiB + 0x50000, GiB,
                                                 0, source=0)
        assert rep.regions[0].type is None
        assert unknown.as_dict()['type'] == 32
    assert fadump.parse_regions(b'').regions == ()
    with pytest.raises(fadump.MalformedError) as e:
        fadump.parse_regions('nonsense\n')
    assert 'line 1' in e.value.strerror


# --------------------------------------------------------------------------
# device tree
# --------------------------------------------------------------------------

def check_devtree(dt, want):
    assert isinstance(dt, fadump.DeviceTree)
    for key in ('source', 'platform', 'firmware_support', 'dump_present',
                'rtas_token'):
        assert getattr(dt, key) == want[key], key
    assert [(s.type, s.name, s.bytes) for s in dt.dump_sizes] == \
        want['dump_sizes']
    assert set(dt.properties) == set(want['properties'])
    for path, expect in want['properties'].items():
        got = dt.properties[path]
        if isinstance(expect, tuple):       # (length, prefix)
            assert len(got) == expect[0] and got.startswith(expect[1]), path
        else:
            assert got == expect, path


@pytest.mark.parametrize('name', ALL_ROOTS)
def test_devtree(name):
    check_devtree(fadump.System(root=root_path(name)).devtree(), DEVTREE[name])


def test_devtree_sources():
    s = fadump.System(root=root_path('pseries-5.10-registered'))
    assert s.devtree('dir').source == 'dir'
    # the fixtures have no /sys/firmware/fdt
    with pytest.raises(fadump.NotFoundError) as e:
        s.devtree('fdt')
    assert 'fdt' in e.value.strerror
    with pytest.raises(ValueError):
        s.devtree('blob')


def fdt_blob(root_props, children):
    """A flattened device tree (devicetree spec, version 17): a root node
    with @root_props and one level of child nodes {name: {prop: bytes}}."""
    strings = b''
    offsets = {}

    def name_off(name):
        nonlocal strings
        if name not in offsets:
            offsets[name] = len(strings)
            strings += name.encode() + b'\0'
        return offsets[name]

    def pad(b):
        return b + b'\0' * (-len(b) % 4)

    def node(name, props):
        out = struct.pack('>I', 1) + pad(name.encode() + b'\0')  # BEGIN_NODE
        for prop, val in props.items():
            out += struct.pack('>III', 3, len(val), name_off(prop)) + pad(val)
        return out

    body = node('', root_props)
    for name, props in children.items():
        body += node(name, props) + struct.pack('>I', 2)         # END_NODE
    body += struct.pack('>I', 2) + struct.pack('>I', 9)         # END_NODE, END
    rsvmap = b'\0' * 16                 # empty memory reservation map
    off_struct = 40 + len(rsvmap)
    off_strings = off_struct + len(body)
    header = struct.pack('>10I', 0xd00dfeed, off_strings + len(strings),
                         off_struct, off_strings, 40, 17, 16, 0,
                         len(strings), len(body))
    return header + rsvmap + body + strings


def pseries_fdt():
    return fdt_blob(
        {'compatible': b'qemu,pseries\0', 'device_type': b'chrp\0'},
        {'rtas': {'ibm,configure-kernel-dump': struct.pack('>I', 0x202c),
                  'ibm,configure-kernel-dump-sizes': SIZES}})


def test_decode_fdt():
    want = pseries_dt(0x202c, False)
    want['source'] = 'fdt'
    check_devtree(fadump.decode_fdt(pseries_fdt()), want)
    check_devtree(fadump.decode_fdt(bytearray(pseries_fdt())), want)
    with pytest.raises(fadump.MalformedError):
        fadump.decode_fdt(pseries_fdt()[:60])
    with pytest.raises(TypeError):
        fadump.decode_fdt('not bytes')


def test_devtree_from_fdt_file(scratch):
    root = scratch('none')
    (root / 'sys/firmware').mkdir(parents=True)
    (root / 'sys/firmware/fdt').write_bytes(pseries_fdt())
    dt = fadump.System(root=root).devtree()     # auto: no directory tree
    assert dt.source == 'fdt' and dt.platform == 'pseries'
    assert dt.rtas_token == 0x202c


# --------------------------------------------------------------------------
# kernel_dump
# --------------------------------------------------------------------------

@pytest.mark.parametrize('name', ['none', 'pseries-7.2-registered',
                                  'pseries-3.4-registered',
                                  'powernv-6.1-capture'])
def test_kernel_dump_absent(name):
    assert fadump.System(root=root_path(name)).kernel_dump() is None


@pytest.mark.parametrize('name, length, form, dests, boot, crashinfo', [
    # 3.4: area at 4 GiB - 0x10050000, boot copy 0x1000 after HPTE
    ('pseries-3.4-capture', 160, 'fixed',
     [0xeffb0000, 0xeffb0000 + CPU_SIZE, 0xefff1020], 256 * MiB,
     0xefff1020 + 256 * MiB),
    # 5.10: area at boot_mem_top 320 MiB
    ('pseries-5.10-capture', 160, 'fixed',
     [320 * MiB, 320 * MiB + CPU_SIZE, 0x14041020], 320 * MiB,
     0x14041020 + 320 * MiB),
    # 7.2: boot copy page aligned, param area at 768 MiB
    ('pseries-7.2-capture', 200, 'sections',
     [GiB, GiB + CPU_SIZE, GiB + 0x50000, 768 * MiB], GiB,
     GiB + 0x50000 + GiB),
])
def test_kernel_dump(name, length, form, dests, boot, crashinfo):
    kd = fadump.System(root=root_path(name)).kernel_dump()
    assert isinstance(kd, fadump.KernelDump)
    assert kd.length == length == len(kd.raw)
    assert kd.form == form and kd.format_version == 1
    assert kd.num_sections == len(dests) == len(kd.sections)
    assert [s.destination_address for s in kd.sections] == dests
    assert [s.index for s in kd.sections] == list(range(len(dests)))
    assert all(s.complete and s.problem is None and s.request_flag == 1
               for s in kd.sections)
    assert kd.boot_regions == 1
    assert kd.boot_memory_size == boot == kd.boot_mem_top
    assert kd.crashinfo_addr == crashinfo
    assert kd.cpu_state_addr == dests[0] and kd.cpu_state_len == CPU_SIZE
    assert kd.param_area_addr == (768 * MiB if len(dests) == 4 else None)
    assert kd.verdict == 'complete' and kd.problems == ()
    with open(os.path.join(root_path(name), 'sys/firmware/devicetree/base',
                           'rtas/ibm,kernel-dump'), 'rb') as f:
        assert kd.raw == f.read()
    assert fadump.decode_kernel_dump(kd.raw) == kd


def test_kernel_dump_damaged():
    kd = fadump.System(root=root_path('pseries-7.2-damaged')).kernel_dump()
    assert kd.verdict == 'unusable'
    boot = kd.sections[2]
    assert boot.type == 0x11 and boot.type_name == 'boot memory'
    assert boot.error_flags == 0x4000 and boot.bytes_dumped == 0
    assert not boot.complete
    assert 'invalid source address' in boot.problem
    assert [s.complete for s in kd.sections] == [True, True, False, True]
    assert any('section 2' in p for p in kd.problems)


def test_kernel_dump_malformed(scratch):
    root = scratch('pseries-7.2-capture')
    prop = root / 'sys/firmware/devicetree/base/rtas/ibm,kernel-dump'
    data = bytearray(prop.read_bytes())
    data[4:6] = struct.pack('>H', 11)       # more than PAPR's 10 sections
    prop.write_bytes(bytes(data))
    with pytest.raises(fadump.MalformedError) as e:
        fadump.System(root=root).kernel_dump()
    assert 'ibm,kernel-dump: dump_num_sections 11' in e.value.strerror
    data[4:6] = struct.pack('>H', 4)
    data[0:4] = struct.pack('>I', 2)        # format version 2
    prop.write_bytes(bytes(data))
    with pytest.raises(fadump.UnsupportedError) as e:
        fadump.System(root=root).kernel_dump()
    assert e.value.errno == 93              # EPROTONOSUPPORT


# --------------------------------------------------------------------------
# bootargs
# --------------------------------------------------------------------------

def test_bootargs_get():
    for name in ('pseries-7.2-registered', 'pseries-7.2-capture'):
        assert fadump.System(root=root_path(name)).bootargs == BOOTARGS


@pytest.mark.parametrize('name', ['pseries-5.10-registered',
                                  'pseries-3.4-registered',
                                  'powernv-6.1-registered',
                                  'pseries-7.2-disabled'])
def test_bootargs_unsupported(name):
    s = fadump.System(root=root_path(name))
    with pytest.raises(fadump.UnsupportedError) as e:
        s.bootargs
    assert e.value.errno == 95              # EOPNOTSUPP
    assert 'bootargs_append' in e.value.strerror
    if name == 'pseries-7.2-disabled':
        # fadump off: the kernel refuses any store first
        with pytest.raises(fadump.AccessError) as e:
            s.bootargs = 'quiet'
        assert 'not enabled' in e.value.strerror
    else:
        with pytest.raises(fadump.UnsupportedError):
            s.bootargs = 'quiet'


def test_bootargs_set(scratch):
    # A plain file has no store(): the write lands in place, and the
    # kernel's "%s\n" newline of the old 19-byte string stays.
    root = scratch('pseries-7.2-registered')
    attr = root / 'sys/kernel/fadump/bootargs_append'
    s = fadump.System(root=root)
    s.bootargs = 'nr_cpus=32 numa=off'
    assert read(attr) == b'nr_cpus=32 numa=off\n'
    assert s.bootargs == 'nr_cpus=32 numa=off'
    attr.write_bytes(b'\n')
    assert s.bootargs == ''


def test_bootargs_set_refusals(scratch):
    root = scratch('pseries-7.2-capture')
    with pytest.raises(fadump.AccessError) as e:
        fadump.System(root=root).bootargs = 'quiet'
    assert e.value.errno == 1 and 'dump is active' in e.value.strerror
    root = scratch('pseries-7.2-registered')
    s = fadump.System(root=root)
    with pytest.raises(fadump.InvalidArgumentError) as e:
        s.bootargs = 'x' * 2048             # COMMAND_LINE_SIZE
    assert e.value.errno == 22 and '2048' in e.value.strerror
    with pytest.raises(fadump.InvalidArgumentError) as e:
        s.bootargs = 'a\nb'
    assert 'newline' in e.value.strerror
    with pytest.raises(ValueError):
        s.bootargs = 'a\0b'
    with pytest.raises(TypeError):
        s.bootargs = b'quiet'
    assert read(root / 'sys/kernel/fadump/bootargs_append') == \
        (BOOTARGS + '\n').encode()


# --------------------------------------------------------------------------
# control
# --------------------------------------------------------------------------

@pytest.mark.parametrize('name, attr', [
    ('pseries-7.2-registered', 'sys/kernel/fadump/registered'),
    ('powernv-6.1-registered', 'sys/kernel/fadump/registered'),
    ('pseries-3.4-registered', 'sys/kernel/fadump_registered'),
])
def test_register_unregister(scratch, name, attr):
    root = scratch(name)
    s = fadump.System(root=root)
    assert s.unregister() is None
    assert read(root / attr) == b'0\n'
    assert s.status().registered is False
    assert s.register() is None
    assert read(root / attr) == b'1\n'
    assert s.status().registered is True


def test_reregister(scratch):
    # registered: one in-place write of "1" (its mtime shows it)
    root = scratch('pseries-5.10-registered')
    attr = root / 'sys/kernel/fadump/registered'
    os.utime(attr, ns=(0, 0))
    fadump.System(root=root).reregister()
    assert os.stat(attr).st_mtime_ns != 0 and read(attr) == b'1\n'


@pytest.mark.parametrize('op', ['register', 'reregister'])
def test_register_refused_in_capture_boot(scratch, op):
    root = scratch('pseries-7.2-capture')
    with pytest.raises(fadump.AccessError) as e:
        getattr(fadump.System(root=root), op)()
    assert e.value.errno == 1               # EPERM: the kernel refuses
    assert 'dump is active' in e.value.strerror
    assert isinstance(e.value, PermissionError)
    assert read(root / 'sys/kernel/fadump/registered') == b'0\n'


def test_register_not_enabled(scratch):
    root = scratch('pseries-7.2-disabled')
    with pytest.raises(fadump.AccessError) as e:
        fadump.System(root=root).register()
    assert 'not enabled' in e.value.strerror


@pytest.mark.parametrize('op', ['register', 'unregister', 'reregister',
                                'release'])
def test_control_without_fadump(op):
    with pytest.raises(fadump.UnsupportedError) as e:
        getattr(fadump.System(root=root_path('none')), op)()
    assert e.value.errno == 19              # ENODEV
    assert 'fadump' in e.value.strerror


def test_release_errors(scratch):
    with pytest.raises(fadump.NotFoundError) as e:
        fadump.System(root=root_path('pseries-7.2-registered')).release()
    assert 'no active dump' in e.value.strerror
    root = scratch('pseries-5.10-capture')
    (root / 'proc/vmcore').unlink()
    with pytest.raises(fadump.AccessError) as e:
        fadump.System(root=root).release()
    assert 'already released' in e.value.strerror
    # a plain file has no release_mem_store(): /proc/vmcore stays
    root = scratch('pseries-7.2-capture')
    with pytest.raises(fadump.Error) as e:
        fadump.System(root=root).release()
    assert type(e.value) is fadump.Error and e.value.errno == 5     # EIO
    assert '/proc/vmcore' in e.value.strerror
    assert 'still exists' in e.value.strerror


def release_range_root(scratch):
    root = scratch('pseries-7.2-capture')
    attr = root / 'sys/kernel/fadump/release_range'
    attr.write_bytes(b'')
    os.chmod(attr, 0o200)           # write-only, as the kernel makes it
    return root, attr


def written_range(attr):
    # the kernel's format (kernel/patches/0003): "START SIZE", two
    # integers as kstrtoull() with base 0 reads them, one space between
    parts = read(attr).rstrip(b'\n').split(b' ')
    assert len(parts) == 2, parts
    return tuple(int(p, 0) for p in parts)


def test_release_range(scratch):
    root, attr = release_range_root(scratch)
    s = fadump.System(root=root)
    assert s.status().release_range_available is True
    top = (1 << 64) - (1 << 17)     # all 64 bits pass through
    for start, size in ((0x30000000, 0x20000), (0, 1 << 16), (top, 1 << 16)):
        os.truncate(attr, 0)        # a plain file keeps what was longer
        s.release_range(start, size)
        assert written_range(attr) == (start, size)


def test_release_range_refusals(scratch):
    root, attr = release_range_root(scratch)
    s = fadump.System(root=root)
    with pytest.raises(fadump.InvalidArgumentError) as e:
        s.release_range(0x30000000, 0)
    assert e.value.errno == 22 and isinstance(e.value, ValueError)
    with pytest.raises(fadump.InvalidArgumentError):
        s.release_range((1 << 64) - (1 << 16), 1 << 17)    # wraps around
    with pytest.raises(OverflowError):
        s.release_range(-1, 0x10000)
    with pytest.raises(OverflowError):
        s.release_range(0, 1 << 64)
    with pytest.raises(TypeError):
        s.release_range('0x1000', 0x1000)
    assert read(attr) == b''        # nothing reached the kernel
    # a kernel without the patch
    with pytest.raises(fadump.UnsupportedError) as e:
        fadump.System(root=root_path('pseries-7.2-capture')).release_range(
            0x30000000, 0x10000)
    assert e.value.errno == 95      # EOPNOTSUPP
    assert 'release_range' in e.value.strerror


def test_release_blocks_without_the_gil(scratch):
    """release() blocks in write() on a FIFO that this thread serves: that
    only works if release() let go of the GIL."""
    root = scratch('pseries-7.2-capture')
    store = FakeReleaseStore(str(root))
    s = fadump.System(root=root)
    outcome = []

    def release():
        try:
            s.release()
            outcome.append('ok')
        except Exception as e:      # reported below
            outcome.append(e)

    t = threading.Thread(target=release)
    t.start()
    try:
        written = store.serve(os.getpid(), t.is_alive, timeout=20)
    finally:
        t.join(20)
    assert outcome == ['ok']
    assert written == b'1'


def test_calls_from_many_threads_on_one_system():
    s = fadump.System(root=root_path('pseries-7.2-capture'))
    want = s.status()
    errors = []

    def work():
        try:
            for _ in range(200):
                assert s.status() == want
                assert s.regions().reserved_above == GiB
                try:
                    s.register()
                except fadump.AccessError as e:
                    assert 'dump is active' in e.strerror
        except Exception as e:
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


# --------------------------------------------------------------------------
# not root
# --------------------------------------------------------------------------

def test_access_errors_as_unprivileged_user(request):
    """Writes by a user who may read but not write the attributes (a live
    system's root-owned 0644 sysfs files) raise AccessError (EACCES)."""
    if os.geteuid() == 0:
        setpriv = shutil.which('setpriv')
        if not setpriv:
            pytest.skip('running as root without setpriv')
        prefix = [setpriv, '--reuid=65534', '--regid=65534', '--clear-groups']
    else:
        prefix = []
    # pytest's tmp_path is under a 0700 directory: use a world-readable one
    top = pathlib.Path(tempfile.mkdtemp(prefix='fadump-py-test-'))
    request.addfinalizer(lambda: shutil.rmtree(top))
    os.chmod(top, 0o755)
    root = top / 'root'
    shutil.copytree(root_path('pseries-7.2-registered'), root, symlinks=True)
    for attr in ('registered', 'bootargs_append'):
        os.chmod(root / 'sys/kernel/fadump' / attr, 0o444)
    script = '''
import fadump, sys
s = fadump.System(root=sys.argv[1])
assert s.status().registered is True
assert s.bootargs == "nr_cpus=16 numa=off"
for op in ("unregister", "bootargs"):
    try:
        if op == "bootargs":
            s.bootargs = "quiet"
        else:
            s.unregister()
    except fadump.AccessError as e:
        assert e.errno == 13, e          # EACCES
        assert isinstance(e, PermissionError)
        print(op, e.strerror)
    else:
        raise SystemExit(op + " did not fail")
'''
    p = subprocess.run(prefix + [sys.executable, '-c', script, str(root)],
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0 and 'ModuleNotFoundError' in p.stderr:
        pytest.skip('the build tree is not readable by uid 65534')
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    # Control operations take the lock file first: that is what refuses.
    for line, op in zip(lines, ('unregister ', 'bootargs ')):
        assert line.startswith(op) and 'fadump.lock' in line, line
        assert 'needs root' in line, line
    assert read(root / 'sys/kernel/fadump/registered') == b'1\n'
