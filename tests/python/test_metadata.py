# SPDX-License-Identifier: LGPL-2.1-or-later
"""The crash-metadata decoders on the blobs of tests/data/metadata.

Expected values are the numbers mkmetadata.py packs, as its README lists
them, worked out by hand here (offsets, counts, sizes)."""

import struct

import pytest

import fadump
from conftest import GiB, blob

REG_KEYS = ['gpr', 'nip', 'msr', 'orig_gpr3', 'ctr', 'link', 'xer', 'ccr',
            'softe', 'trap', 'dar', 'dsisr', 'result']


def regs(gpr0, nip=0, msr=0, orig_gpr3=0, ctr=0, link=0, xer=0, ccr=0,
         softe=0, trap=0, dar=0, dsisr=0, result=0, gpr=None):
    return {'gpr': gpr if gpr is not None else [gpr0 + n for n in range(32)],
            'nip': nip, 'msr': msr, 'orig_gpr3': orig_gpr3, 'ctr': ctr,
            'link': link, 'xer': xer, 'ccr': ccr, 'softe': softe,
            'trap': trap, 'dar': dar, 'dsisr': dsisr, 'result': result}


# -- ibm,kernel-dump ------------------------------------------------------

def test_decode_kernel_dump_qemu():
    kd = fadump.decode_kernel_dump(blob('papr-qemu-7.2.bin'))
    assert kd.length == 280 == 40 + 6 * 40      # exactly what QEMU returns
    assert kd.num_sections == 6 and kd.form == 'sections'
    assert kd.status_flags == 0xc000            # performed | triggered
    assert [s.type for s in kd.sections] == [1, 2, 0x11, 0x11, 0x11, 0x100]
    assert [s.type_name for s in kd.sections] == [
        'CPU state', 'HPTE', 'boot memory', 'boot memory', 'boot memory',
        'param area']
    assert [(s.source_address, s.source_len) for s in kd.sections[2:5]] == [
        (0, 0x20000000), (0x30000000, 0x10000000), (0x50000000, 0x10000000)]
    # copied back to back from 0x60010000 (64 KiB PAGE_ALIGN after CPU+HPTE)
    assert [s.destination_address for s in kd.sections[2:5]] == [
        0x60010000, 0x80010000, 0x90010000]
    assert kd.boot_regions == 3
    assert kd.boot_memory_size == GiB
    assert kd.boot_mem_top == 0x60000000        # 1 GiB + two 256 MiB holes
    assert kd.crashinfo_addr == 0x60010000 + GiB
    assert kd.cpu_state_addr == 0x60000000 and kd.cpu_state_len == 0xa00
    assert kd.param_area_addr == 0x30000000
    assert kd.verdict == 'complete' and kd.problems == ()
    assert kd.raw == blob('papr-qemu-7.2.bin')
    d = kd.as_dict()
    assert d['sections'][5]['type_name'] == 'param area'
    assert d['crashinfo_addr'] == 0xa0010000


def test_decode_kernel_dump_errors():
    data = bytearray(blob('papr-qemu-7.2.bin'))
    with pytest.raises(fadump.MalformedError) as e:
        fadump.decode_kernel_dump(bytes(data[:39]))
    assert e.value.errno == 74
    data[4:6] = struct.pack('>H', 11)
    with pytest.raises(fadump.MalformedError) as e:
        fadump.decode_kernel_dump(data)
    assert 'dump_num_sections 11' in e.value.strerror
    with pytest.raises(TypeError):
        fadump.decode_kernel_dump('text')


def test_decode_dump_versions():
    # QEMU writes {1, 1} as host-endian u16
    assert fadump.decode_dump_versions(b'\1\0\1\0') == \
        fadump.DumpVersions(min=1, max=1, byte_order='little-endian')
    assert fadump.decode_dump_versions(b'\0\1\0\1') == \
        fadump.DumpVersions(min=1, max=1, byte_order='big-endian')
    # neither order gives 1 <= min <= max <= 255: big-endian reading
    assert fadump.decode_dump_versions(b'\0\0\0\0') == \
        fadump.DumpVersions(min=0, max=0, byte_order='unknown')
    with pytest.raises(fadump.MalformedError):
        fadump.decode_dump_versions(b'\0\1\0')


# -- register save areas ----------------------------------------------------

def test_decode_regsave_qemu():
    rs = fadump.decode_regsave(blob('regsave-qemu.bin'))
    assert rs.format == 'rtas' and rs.version == 0
    assert [c.id for c in rs.cpus] == [0, 1]
    # header 16 bytes, count at 16, then per CPU CPUSTRT, 77 entries,
    # CPUEND of 16 bytes each
    assert [c.offset for c in rs.cpus] == [20, 20 + 79 * 16]
    for i, c in enumerate(rs.cpus):
        assert c.active and c.core_state is None
        assert c.entries == 77 and c.ignored == 77 - 40
        assert c.regs == regs(0xc000000002000000 + 0x100 * i,
                              nip=0xc000000000abc000 + i,
                              msr=0x8000000000001033 + i,
                              ctr=0xc000000000c7c000 + i,
                              link=0xc000000000111000 + i,
                              xer=0x20000000 + i, ccr=0x28002482 + i,
                              dar=0xdead0000 + i, dsisr=0x42000000 + i)
        assert list(c.regs) == REG_KEYS
        names = [e.name for e in c.entries_list]
        assert len(names) == 77
        assert names[:3] == ['ACOP', 'AMR', 'BESCR']
        assert names[22] == 'GPR00' and names[-1] == 'XER'
        gpr5 = c.entries_list[27]
        assert gpr5 == fadump.RegisterEntry(
            name='GPR05', id=int.from_bytes(b'GPR05\0\0\0', 'big'),
            value=0xc000000002000000 + 0x100 * i + 5, used=True)
        assert sum(not e.used for e in c.entries_list) == c.ignored


def test_decode_regsave_papr():
    rs = fadump.decode_regsave(bytearray(blob('regsave-papr.bin')))
    assert rs.version == 1
    assert [c.id for c in rs.cpus] == [0, 4, 8]     # low 32 bits of CPUSTRT
    for i, c in enumerate(rs.cpus):
        assert c.entries == 8 and c.ignored == 2    # SRR0, GPR32
        r = c.regs
        assert r['nip'] == 0xc000000000100000 + i
        assert r['msr'] == 0x8000000000009033
        assert r['gpr'][0] == 0x1000 + i
        assert r['gpr'][1] == 0xc000000003fffe00 - 0x100 * i
        assert r['gpr'][7] == 0x7007                # "GPR7"
        assert r['gpr'][2] == 0x2002                # "GPR+2"
    # the count at 0x1c, PAPR's spacing
    assert rs.cpus[0].offset == 0x20


def test_decode_regsave_errors():
    data = bytearray(blob('regsave-qemu.bin'))
    data[0:8] = data[0:8][::-1]
    with pytest.raises(fadump.MalformedError) as e:
        fadump.decode_regsave(data)
    assert 'byte-swapped' in e.value.strerror
    with pytest.raises(fadump.MalformedError):
        fadump.decode_regsave(blob('regsave-qemu.bin')[:100])


def test_decode_hdat():
    rs = fadump.decode_hdat(blob('hdat-threads.bin'), 688)
    assert rs.format == 'hdat' and rs.version == 0
    assert [c.id for c in rs.cpus] == [0x20, 0x21, 0x22, 0x23]
    assert [c.active for c in rs.cpus] == [True, True, True, False]
    assert rs.cpus[3].core_state == 0x0f
    assert all(c.core_state != 0x0f for c in rs.cpus[:3])
    assert [c.offset for c in rs.cpus] == [0, 688, 2 * 688, 3 * 688]
    for c in rs.cpus:
        pir = c.id << 32
        spr = pir | 0x100000
        assert c.entries == 41 and c.ignored == 1   # HSRR0
        assert c.regs == regs(pir, nip=spr | 0x7d0, msr=spr | 0x7d1,
                              ccr=spr | 0x7d2, ctr=spr | 9, link=spr | 8,
                              xer=spr | 1, dar=spr | 19, dsisr=spr | 18)
        # HDAT ids: type << 32 | number, type 1 GPR, 2 SPR (opal-fadump.h)
        assert c.entries_list[5].id == (1 << 32) | 5
        last = c.entries_list[-1]
        assert last.id == (2 << 32) | 314
        assert last.value == spr | 314 and not last.used


def test_decode_hdat_errors():
    data = blob('hdat-threads.bin')
    with pytest.raises(fadump.MalformedError):
        fadump.decode_hdat(data, 0)
    with pytest.raises(fadump.MalformedError):
        fadump.decode_hdat(data, len(data) + 1)
    with pytest.raises(OverflowError):
        fadump.decode_hdat(data, 1 << 32)
    with pytest.raises(OverflowError):
        fadump.decode_hdat(data, -1)
    with pytest.raises(TypeError):
        fadump.decode_hdat(data, 688.0)


# -- OPAL -------------------------------------------------------------------

OPAL_REGIONS = (
    fadump.OpalRegion(source=0, destination=0x180000000, length=0xffff0000,
                      preserved=True),
    fadump.OpalRegion(source=0xffff0000, destination=0x27fff0000,
                      length=0x80010000, preserved=True),
)


@pytest.mark.parametrize('name, order, byte_order', [
    ('opal-fdm-be.bin', 'auto', 'big-endian'),
    ('opal-fdm-be.bin', 'big', 'big-endian'),
    ('opal-fdm-le.bin', 'auto', 'little-endian'),
    ('opal-fdm-le.bin', 'little', 'little-endian'),
])
def test_decode_opal_fdm(name, order, byte_order):
    m = fadump.decode_opal_fdm(blob(name), order)
    assert m == fadump.OpalMetadata(
        version=1, byte_order=byte_order, region_cnt=2, registered_regions=2,
        crashinfo_addr=0x180000000 + 6 * GiB, boot_memory_size=6 * GiB,
        boot_mem_top=6 * GiB, verdict='complete', regions=OPAL_REGIONS,
        problems=())


def test_decode_opal_fdm_errors():
    with pytest.raises(fadump.MalformedError) as e:
        fadump.decode_opal_fdm(blob('opal-fdm-le.bin'), 'big')
    assert 'region_cnt 512 (big-endian)' in e.value.strerror
    data = bytearray(blob('opal-fdm-be.bin'))
    data[0] = 2
    with pytest.raises(fadump.UnsupportedError):
        fadump.decode_opal_fdm(data)
    with pytest.raises(ValueError):
        fadump.decode_opal_fdm(blob('opal-fdm-be.bin'), 'be')


def test_decode_opal_cpu():
    assert fadump.decode_opal_cpu(blob('opal-cpu-meta.bin')) == \
        fadump.OpalCpuMetadata(version=1, crashing_pir=0x21,
                               cpu_data_version=1, cpu_data_size=688,
                               region_cnt=1, cpu_data_addr=0x2fe00000,
                               cpu_data_len=4 * 688)
    with pytest.raises(fadump.MalformedError):
        fadump.decode_opal_cpu(blob('opal-cpu-meta.bin')[:20])


# -- crash-info header ------------------------------------------------------

SIG_REGS = regs(0xc000000001000000, nip=0xc000000000123456,
                msr=0x8000000000009033, orig_gpr3=0x1234,
                ctr=0xc000000000c7c000, link=0xc000000000111000,
                xer=0x20000000, ccr=0x28002482, softe=1, trap=0x700,
                dar=0xdead0000, dsisr=0x42000000)


@pytest.mark.parametrize('name, order', [
    ('crashinfo-fadmpsig-be.bin', 'big-endian'),
    ('crashinfo-fadmpsig-le.bin', 'little-endian'),
])
def test_decode_crash_info_fadmpsig(name, order):
    ci = fadump.decode_crash_info(blob(name))
    assert ci == fadump.CrashInfo(
        magic='FADMPSIG', version=1, byte_order=order, crashing_cpu=3,
        elfcorehdr_addr=None, vmcoreinfo_addr=0x3f1a0000,
        vmcoreinfo_size=0x1000, pt_regs_size=384, cpu_mask_size=256,
        header_size=0x28 + 384 + 256, regs=SIG_REGS,
        cpu_mask=tuple(range(8)), raw=blob(name))


def test_decode_crash_info_fadmpinf_needs_a_hint():
    data = blob('crashinfo-fadmpinf-5.10-le.bin')
    ci = fadump.decode_crash_info(data)
    assert ci.magic == 'FADMPINF' and ci.version == 0
    assert ci.byte_order == 'little-endian' and ci.crashing_cpu == 1
    assert ci.pt_regs_size is None and ci.cpu_mask is None
    assert ci.header_size is None and ci.vmcoreinfo_addr is None
    assert ci.regs['gpr'] == [0xc000000004000000 + n for n in range(32)]
    # the ELF header follows the crash-info header: its address minus
    # the header's gives sizeof(pt_regs) + sizeof(cpumask)
    addr = 0x28041020       # the 5.10 capture root's fadumphdr_addr
    ci = fadump.decode_crash_info(data, phys_addr=addr)
    assert ci.elfcorehdr_addr == addr + len(data)
    assert ci.pt_regs_size == 368 and ci.cpu_mask_size == 256
    assert ci.header_size == 0x18 + 368 + 256 == len(data)
    assert ci.cpu_mask == (0, 1)
    # sizeof(pt_regs) alone does not say how long the cpumask is
    ci = fadump.decode_crash_info(data, pt_regs_size=368)
    assert ci.pt_regs_size == 368 and ci.cpu_mask is None


def test_decode_crash_info_3_4():
    data = blob('crashinfo-fadmpinf-3.4-be.bin')
    ci = fadump.decode_crash_info(data, 0xffff1020)
    assert ci.byte_order == 'big-endian'
    assert ci.crashing_cpu is None              # CPU_UNKNOWN
    assert (ci.pt_regs_size, ci.cpu_mask_size) == (352, 128)
    assert ci.cpu_mask == (0, 1, 2, 3)


def test_decode_crash_info_errors():
    with pytest.raises(fadump.UnsupportedError) as e:
        fadump.decode_crash_info(blob('crashinfo-fadmpsig-v2.bin'))
    assert e.value.errno == 93
    assert 'FADMPSIG version 2 (little-endian)' in e.value.strerror
    assert '720 bytes given' in e.value.strerror
    with pytest.raises(fadump.MalformedError):
        fadump.decode_crash_info(b'NOTMAGIC' + bytes(700))
    with pytest.raises(fadump.MalformedError):
        fadump.decode_crash_info(blob('crashinfo-fadmpsig-be.bin')[:100])
    with pytest.raises(fadump.MalformedError):
        fadump.decode_crash_info(blob('crashinfo-fadmpinf-5.10-le.bin'),
                                 pt_regs_size=100)
    with pytest.raises(OverflowError):
        fadump.decode_crash_info(blob('crashinfo-fadmpsig-be.bin'), -1)
    with pytest.raises(OverflowError):
        fadump.decode_crash_info(blob('crashinfo-fadmpsig-be.bin'), 1 << 64)
