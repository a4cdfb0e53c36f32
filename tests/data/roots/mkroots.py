#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Write the fixture roots under tests/data/roots/ (or OUTDIR).

Each root is a tiny filesystem tree holding what the library reads on one
machine in one state: fadump sysfs attributes, the device tree as the
kernel exports it, the debugfs region report, /proc/vmcore. Binary
device-tree properties are packed here from the kernel's own struct
layouts so they stay consistent with the region text; see ../README for
where every number comes from.

The output is committed; the test suite reads the committed files. Run
this again after changing it and commit the result:

    tests/data/roots/mkroots.py            # rewrite the roots in place
    tests/data/roots/mkroots.py /tmp/x     # write them elsewhere, to diff

Only the Python standard library is used, and the output is the same on
every run. Roots named qemu-* are not written here: capture-roots.py
builds them from a real kernel's files, and this script leaves them alone.
"""

import os
import shutil
import struct
import sys

# --------------------------------------------------------------------------
# Kernel formats
# --------------------------------------------------------------------------

# RTAS section types (rtas-fadump.h)
CPU_STATE_DATA = 0x0001
HPTE_REGION = 0x0002
REAL_MODE_REGION = 0x0011
PARAM_AREA = 0x0100
REQUEST_FLAG = 0x00000001
# dump_status_flag as the firmware hands the struct back after a crash:
# DUMP_PERFORMED | DUMP_TRIGGERED (PAPR; QEMU's trigger_fadump_boot()).
# The real QEMU 11 capture showed exactly 0xc000 (tests/data/README).
STATUS_AFTER_CRASH = 0xc000
# Section error_flags (PAPR; named in QEMU's spapr_fadump.h)
ERROR_INVALID_SOURCE_ADDR = 0x4000


def rtas_header(num_sections):
    """struct rtas_fadump_section_header: 40 bytes, big-endian, as the
    firmware returns it in the capture boot."""
    return struct.pack('>IHHIIQQII',
                       0x00000001,      # dump_format_version
                       num_sections,    # dump_num_sections
                       STATUS_AFTER_CRASH,
                       40,              # offset_first_dump_section
                       0, 0, 0, 0,      # dd_* disk-dump fields: unused
                       0)               # max_time_auto


def rtas_section(dtype, src, length, dumped, dest, error_flags=0):
    """struct rtas_fadump_section: 40 bytes, big-endian."""
    return struct.pack('>IHHQQQQ', REQUEST_FLAG, dtype, error_flags, src,
                       length, dumped, dest)


def kernel_dump_g1(sections):
    """3.4 - 6.9: header + cpu_state_data + hpte_region + rmr_region."""
    assert len(sections) == 3
    blob = rtas_header(3) + b''.join(rtas_section(*s) for s in sections)
    assert len(blob) == 160
    return blob


def kernel_dump_g4(sections):
    """6.10+: the struct is header + rgn[10], but rtas_fadump_register()
    registers only the header and the sections in use, and the firmware
    hands back what was registered: 40 + 40 * n bytes (a real 7.2 capture
    under QEMU 11 returned 160 bytes for 3 sections)."""
    assert len(sections) <= 10
    blob = rtas_header(len(sections))
    blob += b''.join(rtas_section(*s) for s in sections)
    assert len(blob) == 40 + 40 * len(sections)
    return blob


def dump_sizes(cpu, hpte):
    """ibm,configure-kernel-dump-sizes: {type, size_hi, size_lo} cells."""
    out = b''
    for dtype, size in ((CPU_STATE_DATA, cpu), (HPTE_REGION, hpte)):
        out += struct.pack('>III', dtype, size >> 32, size & 0xffffffff)
    return out


def be32(v):
    return struct.pack('>I', v)


def strings(*names):
    """A device-tree string list: each string NUL-terminated."""
    return b''.join(n.encode() + b'\0' for n in names)


def kx(v):
    """The kernel's %#016llx: "0x" and 14 digits (the width counts "0x")."""
    return '0x%014x' % v


def kh(v):
    """The kernel's %#llx: "0x" even for zero, unlike glibc's "0"."""
    return '0x%x' % v


# --------------------------------------------------------------------------
# Region reports (arch/powerpc/kernel/fadump.c, rtas-fadump.c, opal-fadump.c)
# --------------------------------------------------------------------------

def region_g1(cpu, hpte, rmr, held=None):
    """3.4 - 5.4 fadump_region_show(): (dest, len, dumped) per section."""
    out = ''
    for name, (dest, length, dumped) in (('CPU ', cpu), ('HPTE', hpte),
                                         ('DUMP', rmr)):
        out += '%s: [%s-%s] %s bytes, Dumped: %s\n' % (
            name, kx(dest), kx(dest + length - 1), kh(length), kh(dumped))
    if held:
        start, end = held      # [reserve_dump_area_start, cpu dest)
        out += '    : [%s-%s] %s bytes, Dumped: %s\n' % (
            kx(start), kx(end - 1), kh(end - start), kh(end - start))
    return out


def region_rtas(sections, memory_above=None, cmdline=''):
    """5.5+ rtas_fadump_region_show(): sections as in the mem struct."""
    out = ''
    for dtype, src, length, dumped, dest in sections:
        if dtype == CPU_STATE_DATA:
            out += 'CPU :[%s-%s] %s bytes, Dumped: %s\n' % (
                kx(dest), kx(dest + length - 1), kh(length), kh(dumped))
        elif dtype == HPTE_REGION:
            out += 'HPTE:[%s-%s] %s bytes, Dumped: %s\n' % (
                kx(dest), kx(dest + length - 1), kh(length), kh(dumped))
        elif dtype == REAL_MODE_REGION:
            out += 'DUMP: Src: %s, Dest: %s, Size: %s, Dumped: %s bytes\n' % (
                kx(src), kx(dest), kh(length), kh(dumped))
        elif dtype == PARAM_AREA:
            out += "\n[%s-%s]: cmdline append: '%s'\n" % (
                kx(dest), kx(dest + length - 1), cmdline)
    if memory_above is not None:
        out += '\nMemory above %s is reserved for saving crash dump\n' % (
            kx(memory_above))
    return out


def region_opal(regions, active, memory_above=None):
    """5.5+ opal_fadump_region_show(): (src, dest, size) per region."""
    out = ''
    for src, dest, size in regions:
        out += 'DUMP: Src: %s, Dest: %s, Size: %s, Dumped: %s bytes\n' % (
            kx(src), kx(dest), kh(size), kh(size if active else 0))
    if memory_above is not None:
        out += '\nMemory above %s is reserved for saving crash dump\n' % (
            kx(memory_above))
    return out


# --------------------------------------------------------------------------
# The machines
# --------------------------------------------------------------------------

DT = 'sys/firmware/devicetree/base/'
FADUMP = 'sys/kernel/fadump/'
REGION = 'sys/kernel/debug/powerpc/fadump_region'

# Section sizes firmware asks for (the reference's 2011 example).
CPU_SIZE = 0x40020
HPTE_SIZE = 0x1000


# QEMU 11 pseries, as the real capture (tests/data/roots/qemu-7.2-*) shows
# it: RTAS token 0x2000 + 0x2d; CPU state 16 + 12 + 4 + 79 * 16 bytes per
# possible CPU (2 here, 0xa00), no HPTE; -version {1, 1} as two u16 in the
# host's byte order (x86-64: 01 00 01 00).
QEMU_TOKEN = 0x0000202d
QEMU_CPU_SIZE = 16 + 12 + 4 + 2 * 79 * 16
QEMU_HPTE_SIZE = 0
QEMU_DUMP_VERSION = bytes([1, 0, 1, 0])


def pseries_dt(model, token, compatible=None, qemu=False):
    files = {
        DT + 'compatible': strings(compatible or model),
        DT + 'device_type': strings('chrp'),
        DT + 'model': strings('IBM pSeries (emulated by qemu)' if qemu
                              else model),
        DT + 'rtas/name': strings('rtas'),
        DT + 'rtas/ibm,configure-kernel-dump': be32(token),
        DT + 'rtas/ibm,configure-kernel-dump-sizes':
            dump_sizes(QEMU_CPU_SIZE, QEMU_HPTE_SIZE) if qemu
            else dump_sizes(CPU_SIZE, HPTE_SIZE),
    }
    if qemu:
        files[DT + 'rtas/ibm,configure-kernel-dump-version'] = \
            QEMU_DUMP_VERSION
    return files


def legacy_links(*names):
    """5.7+: /sys/kernel/fadump_X -> fadump/X (relative symlinks)."""
    return {'sys/kernel/fadump_' + n: ('link', 'fadump/' + n) for n in names}


def root_none():
    # An x86 machine: no device tree, no fadump. One real file so the
    # tree exists (git keeps no empty directories).
    return {'sys/kernel/kexec_crash_loaded': b'0\n'}


# pseries, 3.4 (G1): 4 GiB RAM, 64 KiB pages, 256 MiB boot memory
# (MIN_BOOT_MEM: 5 % of 4 GiB rounds down to 0), reservation at the top of
# memory. get_fadump_area_size() = PAGE_ALIGN(CPU + HPTE + boot memory +
# crash header + ELF header + phdrs) = 0x10050000.
G1_RAM = 0x100000000
G1_BOOT = 0x10000000
G1_AREA = 0x10050000
G1_CPU_DEST = G1_RAM - G1_AREA                  # 0xeffb0000
G1_HPTE_DEST = G1_CPU_DEST + CPU_SIZE
G1_RMR_DEST = G1_HPTE_DEST + HPTE_SIZE          # not page aligned before 5.19


def g1_sections(dumped):
    return [
        (CPU_STATE_DATA, 0, CPU_SIZE, CPU_SIZE if dumped else 0, G1_CPU_DEST),
        (HPTE_REGION, 0, HPTE_SIZE, HPTE_SIZE if dumped else 0, G1_HPTE_DEST),
        (REAL_MODE_REGION, 0, G1_BOOT, G1_BOOT if dumped else 0, G1_RMR_DEST),
    ]


def root_pseries_34(capture):
    f = pseries_dt('IBM,8233-E8B', 0x0000002e)
    secs = g1_sections(capture)
    cpu, hpte, rmr = ((d, l, b) for _, _, l, b, d in secs)
    f['sys/kernel/fadump_enabled'] = b'1\n'
    f['sys/kernel/fadump_registered'] = b'0\n' if capture else b'1\n'
    if capture:
        f['sys/kernel/fadump_release_mem'] = b''
        f[DT + 'rtas/ibm,kernel-dump'] = kernel_dump_g1(secs)
        f['proc/vmcore'] = b''
        # Capture kernel: everything above boot memory is reserved, so the
        # memory held below the dump area gets the unnamed line.
        f[REGION] = region_g1(cpu, hpte, rmr,
                              held=(G1_BOOT, G1_CPU_DEST)).encode()
    else:
        f[REGION] = region_g1(cpu, hpte, rmr).encode()
    return f


# pseries, 5.10 (G3): 8 GiB RAM, boot memory 320 MiB
# (RTAS_FADUMP_MIN_BOOT_MEM: 5 % of 8 GiB rounds down to 256 MiB), the
# reservation placed at boot_mem_top. mem_reserved =
# PAGE_ALIGN(CPU + HPTE + boot memory + crash header + ELF headers).
G3_BOOT = 0x14000000
G3_AREA = 0x14050000
G3_CPU_DEST = G3_BOOT
G3_HPTE_DEST = G3_CPU_DEST + CPU_SIZE
G3_RMR_DEST = G3_HPTE_DEST + HPTE_SIZE


def root_pseries_510(capture):
    f = pseries_dt('IBM,9009-42A', 0x0000002e)
    secs = [
        (CPU_STATE_DATA, 0, CPU_SIZE, CPU_SIZE if capture else 0, G3_CPU_DEST),
        (HPTE_REGION, 0, HPTE_SIZE, HPTE_SIZE if capture else 0, G3_HPTE_DEST),
        (REAL_MODE_REGION, 0, G3_BOOT, G3_BOOT if capture else 0, G3_RMR_DEST),
    ]
    f[FADUMP + 'enabled'] = b'1\n'
    f[FADUMP + 'registered'] = b'0\n' if capture else b'1\n'
    f[FADUMP + 'mem_reserved'] = b'%d\n' % G3_AREA
    f.update(legacy_links('enabled', 'registered'))
    if capture:
        f[FADUMP + 'release_mem'] = b''
        f.update(legacy_links('release_mem'))
        f[DT + 'rtas/ibm,kernel-dump'] = kernel_dump_g1(secs)
        f['proc/vmcore'] = b''
        # 5.10 prints reserve_dump_area_start, the CPU-state destination.
        f[REGION] = region_rtas(secs, memory_above=G3_CPU_DEST).encode()
    else:
        f[REGION] = region_rtas(secs).encode()
    return f


# pseries, 7.2 (G5): hash-MMU LPAR, crashkernel=1G sizes boot memory,
# 64 KiB pages. Boot copy page aligned after CPU + HPTE; param area in
# [768 MiB, RMA) as in the reference's example. mem_reserved =
# PAGE_ALIGN(CPU + HPTE) + boot memory + 680-byte crash header
# (FADMPSIG, NR_CPUS 2048); no metadata on RTAS, no final page alignment.
G5_BOOT = 0x40000000
G5_CPU_DEST = G5_BOOT
G5_HPTE_DEST = G5_CPU_DEST + CPU_SIZE
G5_RMR_DEST = 0x40050000        # PAGE_ALIGN(G5_HPTE_DEST + HPTE_SIZE)
G5_PARAM = 0x30000000
G5_AREA = 0x50000 + G5_BOOT + 680
G5_BOOTARGS = 'nr_cpus=16 numa=off'


def root_pseries_72(capture):
    f = pseries_dt('IBM,9009-42A', 0x0000002e)
    d = capture
    secs = [
        (CPU_STATE_DATA, 0, CPU_SIZE, CPU_SIZE if d else 0, G5_CPU_DEST),
        (HPTE_REGION, 0, HPTE_SIZE, HPTE_SIZE if d else 0, G5_HPTE_DEST),
        (REAL_MODE_REGION, 0, G5_BOOT, G5_BOOT if d else 0, G5_RMR_DEST),
        (PARAM_AREA, G5_PARAM, 2048, 2048 if d else 0, G5_PARAM),
    ]
    f[FADUMP + 'enabled'] = b'1\n'
    f[FADUMP + 'registered'] = b'0\n' if capture else b'1\n'
    f[FADUMP + 'mem_reserved'] = b'%d\n' % G5_AREA
    f[FADUMP + 'hotplug_ready'] = b'1\n'
    f[FADUMP + 'bootargs_append'] = G5_BOOTARGS.encode() + b'\n'
    f.update(legacy_links('enabled', 'registered'))
    if capture:
        f[FADUMP + 'release_mem'] = b''
        f.update(legacy_links('release_mem'))
        f[DT + 'rtas/ibm,kernel-dump'] = kernel_dump_g4(secs)
        f['proc/vmcore'] = b''
        f[REGION] = region_rtas(secs, memory_above=G5_BOOT,
                                cmdline=G5_BOOTARGS).encode()
    else:
        f[REGION] = region_rtas(secs, cmdline=G5_BOOTARGS).encode()
    return f


def root_pseries_72_damaged():
    # The same LPAR after a crash whose boot-memory copy the firmware
    # could not make: the boot section comes back with error_flags
    # "invalid source address" and nothing dumped (what QEMU's
    # do_preserve_region() reports for an unreadable source). 7.2's
    # rtas_fadump_process() refuses it, fadump_process() then calls
    # fadump_invalidate_release_mem(): no /proc/vmcore, the dump is
    # invalidated with firmware and the mem struct re-initialised for a
    # new registration, which the kernel does not make by itself
    # (setup_fadump() registers only when no dump was active).
    # fadump_init_files() ran before that, so release_mem exists; the
    # region report shows the re-initialised struct (Dumped 0, no
    # "Memory above": fdm_active is gone). The device tree still holds
    # the firmware's ibm,kernel-dump for the whole boot.
    f = root_pseries_72(False)
    f[FADUMP + 'registered'] = b'0\n'
    f[FADUMP + 'release_mem'] = b''
    f.update(legacy_links('release_mem'))
    secs = [
        (CPU_STATE_DATA, 0, CPU_SIZE, CPU_SIZE, G5_CPU_DEST),
        (HPTE_REGION, 0, HPTE_SIZE, HPTE_SIZE, G5_HPTE_DEST),
        (REAL_MODE_REGION, 0, G5_BOOT, 0, G5_RMR_DEST,
         ERROR_INVALID_SOURCE_ADDR),
        (PARAM_AREA, G5_PARAM, 2048, 2048, G5_PARAM),
    ]
    f[DT + 'rtas/ibm,kernel-dump'] = kernel_dump_g4(secs)
    return f


def root_pseries_72_disabled():
    # QEMU pseries guest (radix MMU) booted without fadump=on: the sysfs
    # files exist, nothing is reserved and the region report is empty.
    # No bootargs_append: 7.2's fadump_setup_param_area() returns early
    # when fadump is not enabled, and the attribute is created only for
    # an allocated param area (fadump.c, fadump_setup_param_area and
    # fadump_init_files).
    f = pseries_dt('qemu,pseries', QEMU_TOKEN, qemu=True)
    f[FADUMP + 'enabled'] = b'0\n'
    f[FADUMP + 'registered'] = b'0\n'
    f[FADUMP + 'mem_reserved'] = b'0\n'
    f[FADUMP + 'hotplug_ready'] = b'1\n'
    f.update(legacy_links('enabled', 'registered'))
    f[REGION] = b''
    return f


# powernv, 6.1: 128 GiB RAM, boot memory 6 GiB (5 % rounded down to
# 256 MiB), split into OPAL's 32-bit-size chunks of
# ALIGN_DOWN(U32_MAX, 64 KiB). mem_reserved = PAGE_ALIGN(boot memory +
# crash header + ELF headers) + PAGE_ALIGN(3088-byte OPAL metadata).
OPAL_BOOT = 0x180000000
OPAL_CHUNK = 0xffff0000
OPAL_AREA = OPAL_BOOT + 0x10000 + 0x10000
OPAL_REGIONS = [
    (0, OPAL_BOOT, OPAL_CHUNK),
    (OPAL_CHUNK, OPAL_BOOT + OPAL_CHUNK, OPAL_BOOT - OPAL_CHUNK),
]


def root_powernv_61(capture):
    f = {
        DT + 'compatible': strings('ibm,powernv'),
        DT + 'model': strings('IBM PowerNV (emulated by qemu)'),
        DT + 'ibm,opal/name': strings('ibm,opal'),
        DT + 'ibm,opal/dump/name': strings('dump'),
        DT + 'ibm,opal/dump/compatible': strings('ibm,opal-dump'),
        # skiboot: kernel and initramfs load areas, both below 768 MiB.
        DT + 'ibm,opal/dump/fw-load-area':
            struct.pack('>QQQQ', 0x20000000, 0x08000000,
                        0x28000000, 0x08000000),
    }
    f[FADUMP + 'enabled'] = b'1\n'
    f[FADUMP + 'registered'] = b'0\n' if capture else b'1\n'
    f[FADUMP + 'mem_reserved'] = b'%d\n' % OPAL_AREA
    f.update(legacy_links('enabled', 'registered'))
    if capture:
        # skiboot's u64 1 (the real run under QEMU powernv10 showed it;
        # the kernel tests only that the property exists)
        f[DT + 'ibm,opal/dump/mpipl-boot'] = struct.pack('>Q', 1)
        f[FADUMP + 'release_mem'] = b''
        f.update(legacy_links('release_mem'))
        f['proc/vmcore'] = b''
        f[REGION] = region_opal(OPAL_REGIONS, True,
                                memory_above=OPAL_BOOT).encode()
    else:
        f[REGION] = region_opal(OPAL_REGIONS, False).encode()
    return f


ROOTS = {
    'none': root_none(),
    'pseries-3.4-registered': root_pseries_34(False),
    'pseries-3.4-capture': root_pseries_34(True),
    'pseries-5.10-registered': root_pseries_510(False),
    'pseries-5.10-capture': root_pseries_510(True),
    'pseries-7.2-registered': root_pseries_72(False),
    'pseries-7.2-capture': root_pseries_72(True),
    'pseries-7.2-damaged': root_pseries_72_damaged(),
    'pseries-7.2-disabled': root_pseries_72_disabled(),
    'powernv-6.1-registered': root_powernv_61(False),
    'powernv-6.1-capture': root_powernv_61(True),
}

# Every root with a device tree exports it at both of the kernel's names.
DT_LINK = ('proc/device-tree', '../sys/firmware/devicetree/base')


def write_root(top, name, files):
    root = os.path.join(top, name)
    if os.path.lexists(root):
        shutil.rmtree(root)
    os.makedirs(root)
    has_dt = False
    for rel in sorted(files):
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        content = files[rel]
        if isinstance(content, tuple):
            os.symlink(content[1], path)
        else:
            with open(path, 'wb') as f:
                f.write(content)
        has_dt = has_dt or rel.startswith(DT)
    if has_dt:
        path = os.path.join(root, DT_LINK[0])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.symlink(DT_LINK[1], path)


def main():
    # qemu-* belongs to capture-roots.py (tests/test-status.c's comparison
    # of this script's output with the committed roots skips it).
    assert not any(n.startswith('qemu-') for n in ROOTS)
    top = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.dirname(os.path.abspath(__file__))
    os.makedirs(top, exist_ok=True)
    for name in sorted(ROOTS):
        write_root(top, name, ROOTS[name])


if __name__ == '__main__':
    main()
