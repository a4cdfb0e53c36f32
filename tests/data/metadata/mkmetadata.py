#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Write the crash-metadata fixture blobs into tests/data/metadata/ (or OUTDIR).

Every blob is packed here from the structure definitions of the kernel (or
QEMU) version named next to it; README says where each layout came from and
which numbers the tests expect. The output is committed and read by
tests/test-papr.c, test-regsave.c, test-opal.c, test-crashinfo.c and
tests/cli/test_metadata.py. Rerun after a change and commit the result:

    tests/data/metadata/mkmetadata.py           # rewrite in place
    tests/data/metadata/mkmetadata.py /tmp/x    # write elsewhere, to diff

Only the Python standard library is used; the output is the same every run.
"""

import os
import struct
import sys


def str_to_u64(s):
    """The kernel's fadump_str_to_u64(): ASCII packed first-char-highest."""
    v = 0
    for i in range(8):
        v = (v << 8) | (ord(s[i]) if i < len(s) else 0)
    return v


# --------------------------------------------------------------------------
# pseries ibm,kernel-dump: struct rtas_fadump_mem_struct (rtas-fadump.h)
# --------------------------------------------------------------------------

CPU, HPTE, BOOT, PARAM = 0x0001, 0x0002, 0x0011, 0x0100


def rtas_header(nsec, status=0, offset=40):
    return struct.pack('>IHHIIQQII', 1, nsec, status, offset, 0, 0, 0, 0, 0)


def rtas_section(dtype, src, length, dumped, dest, err=0, req=1):
    return struct.pack('>IHHQQQQ', req, dtype, err, src, length, dumped, dest)


# QEMU (spapr.c, spapr_dt_rtas_fadump()) returns exactly the registered
# 40 + 40 * n bytes. A 7.2 guest with 2 CPUs, radix (HPTE size 0), memory
# in three blocks with holes: boot memory 1 GiB taken in memblock order.
# CPU state size = QEMU's cpu_state_len for 2 CPUs: 16 header + 0xc
# padding + 4 num_cpus + 2 * 79 entries * 16 = 0xa00.
QEMU_CPU_LEN = 16 + 0xc + 4 + 2 * 79 * 16
QEMU_CPU_DEST = 0x60000000
QEMU_BOOT_DEST = 0x60010000        # PAGE_ALIGN(CPU dest + CPU + HPTE), 64 KiB
QEMU_BOOT = [(0x00000000, 0x20000000), (0x30000000, 0x10000000),
             (0x50000000, 0x10000000)]
QEMU_PARAM = 0x30000000


def papr_qemu_72():
    secs = [rtas_section(CPU, 0, QEMU_CPU_LEN, QEMU_CPU_LEN, QEMU_CPU_DEST),
            rtas_section(HPTE, 0, 0, 0, QEMU_CPU_DEST + QEMU_CPU_LEN)]
    dest = QEMU_BOOT_DEST
    for src, size in QEMU_BOOT:
        secs.append(rtas_section(BOOT, src, size, size, dest))
        dest += size
    secs.append(rtas_section(PARAM, QEMU_PARAM, 2048, 2048, QEMU_PARAM))
    # QEMU's trigger_fadump_boot(): DUMP_TRIGGERED | DUMP_PERFORMED
    return rtas_header(len(secs), status=0xc000) + b''.join(secs)


# --------------------------------------------------------------------------
# pseries register save area (rtas-fadump.h; QEMU spapr_fadump.c)
# --------------------------------------------------------------------------

# QEMU populate_cpu_reg_entries(): registers in this order per CPU.
QEMU_REGS_BEFORE_GPRS = ['ACOP', 'AMR', 'BESCR', 'CFAR', 'CIABR', 'CR', 'CTR',
                         'CTRL', 'DABR', 'DABRX', 'DAR', 'DAWR0', 'DAWR1',
                         'DAWRX0', 'DAWRX1', 'DPDES', 'DSCR', 'DSISR',
                         'EBBHR', 'EBBRR', 'FPSCR', 'FSCR']
QEMU_REGS_AFTER_GPRS = ['IAMR', 'IC', 'LR', 'MSR', 'NIA', 'PIR', 'PSPB',
                        'PVR', 'RPR', 'SPURR', 'SRR0', 'SRR1', 'TAR',
                        'TEXASR', 'TFHAR', 'TFIAR', 'TIR', 'UAMOR', 'VRSAVE',
                        'VSCR', 'VTB', 'WORT', 'XER']


def qemu_value(cpu, name):
    """Register values the tests check: distinct per CPU and register."""
    fixed = {
        'NIA': 0xc000000000abc000, 'MSR': 0x8000000000001033,
        'CTR': 0xc000000000c7c000, 'LR': 0xc000000000111000,
        'XER': 0x20000000, 'CR': 0x28002482, 'DAR': 0xdead0000,
        'DSISR': 0x42000000, 'PIR': 0,
    }
    return fixed.get(name, 0x5000 + len(name)) + cpu


def entry(name_or_id, value):
    rid = str_to_u64(name_or_id) if isinstance(name_or_id, str) else name_or_id
    return struct.pack('>QQ', rid, value)


def regsave_qemu():
    """2 CPUs (vcpu ids 0, 1); header version 0, num_cpu_offset 16, and
    the 0xc bytes QEMU counts but never writes left zero at the end."""
    out = struct.pack('>QII', str_to_u64('REGSAVE'), 0, 16)
    out += struct.pack('>I', 2)
    for cpu in range(2):
        out += entry('CPUSTRT', cpu)
        for name in QEMU_REGS_BEFORE_GPRS:
            out += entry(name, qemu_value(cpu, name))
        for n in range(32):
            out += entry('GPR%02d' % n, 0xc000000002000000 + cpu * 0x100 + n)
        for name in QEMU_REGS_AFTER_GPRS:
            out += entry(name, qemu_value(cpu, name))
        out += entry('CPUEND', cpu)
    out += bytes(0xc)
    assert len(out) == QEMU_CPU_LEN
    return out


def regsave_papr():
    """PAPR's own spacing (the 0xc padding QEMU mentions): the CPU count at
    num_cpu_offset 0x1c; header version 1; 3 CPUs with logical ids 0, 4, 8
    (SMT 4: the CPUSTRT value's high word is not part of the id); each
    with a few registers, an SPR the kernel ignores, and the GPR spellings
    kstrtoint() accepts ("GPR7" padded with NUL, "GPR+1")."""
    out = struct.pack('>QII', str_to_u64('REGSAVE'), 1, 0x1c)
    out += bytes(0x1c - 16)
    out += struct.pack('>I', 3)
    for i, cpu in enumerate((0, 4, 8)):
        out += entry('CPUSTRT', 0xabcd000000000000 | cpu)
        out += entry('NIA', 0xc000000000100000 + i)
        out += entry('MSR', 0x8000000000009033)
        out += entry('GPR00', 0x1000 + i)
        out += entry('GPR01', 0xc000000003fffe00 - i * 0x100)
        out += entry('GPR7', 0x7007)      # "GPR7\0": kstrtoint("7") = 7
        out += entry('GPR+2', 0x2002)     # kstrtoint("+2") = 2
        out += entry('SRR0', 0x5550)      # not in pt_regs: ignored
        out += entry('GPR32', 0x3232)     # > 31: ignored
        out += entry('CPUEND', cpu)
    return out


# --------------------------------------------------------------------------
# powernv (opal-fadump.h, asm/opal-api.h)
# --------------------------------------------------------------------------

# powernv-6.1 root: 6 GiB of boot memory in two OPAL-sized chunks.
OPAL_REGIONS = [(0, 0x180000000, 0xffff0000),
                (0xffff0000, 0x27fff0000, 0x80010000)]
OPAL_HDR_ADDR = 0x180000000 + 0x180000000   # rgn[0].dest + boot size


def opal_fdm(order):
    """struct opal_fadump_mem_struct, 3088 bytes. 'be': 5.19+ (all fields
    big-endian since "Fix fadump to work with a different endian capture
    kernel"); 'le': a little-endian 5.5 - 5.18 kernel, which wrote every
    field, regions included, in its own order."""
    e = '<' if order == 'le' else '>'
    out = struct.pack(e + 'B3xHHQ', 1, len(OPAL_REGIONS), len(OPAL_REGIONS),
                      OPAL_HDR_ADDR)
    for src, dest, size in OPAL_REGIONS:
        out += struct.pack(e + 'QQQ', src, dest, size)
    out += bytes(24 * (128 - len(OPAL_REGIONS)))
    assert len(out) == 3088
    return out


# HDAT thread data: 4 threads 688 bytes apart; entries start at
# 0x08 + offset(16) = 24; 41 entries of 16 bytes: 32 GPRs, the 8 SPRs
# the kernel maps, and HSRR0 (SPR 314) which it ignores.
HDAT_THREAD = 688
HDAT_PIRS = [0x20, 0x21, 0x22, 0x23]
HDAT_SPRS = [(9, 'CTR'), (8, 'LR'), (1, 'XER'), (19, 'DAR'), (18, 'DSISR'),
             (0x7d0, 'NIP'), (0x7d1, 'MSR'), (0x7d2, 'CR'), (314, 'HSRR0')]


def hdat_threads():
    out = b''
    for i, pir in enumerate(HDAT_PIRS):
        state = 0x0f if i == 3 else 0x00      # thread 3: core inactive
        t = struct.pack('>IB3xIIII', pir, state, 16, 41, 16, 16)
        for n in range(32):
            t += struct.pack('>IIQ', 1, n, (pir << 32) | n)
        for num, _ in HDAT_SPRS:
            t += struct.pack('>IIQ', 2, num, (pir << 32) | 0x100000 | num)
        t += bytes(HDAT_THREAD - len(t))
        out += t
    return out


def opal_cpu_meta():
    # struct opal_mpipl_fadump, region 0 = the HDAT data above.
    return struct.pack('>B7xIIII', 1, 0x21, 1, HDAT_THREAD, 1) + \
        struct.pack('>QQQ', 0x7fe00000, 0x2fe00000, HDAT_THREAD * 4)


# --------------------------------------------------------------------------
# Crash-info header (fadump-internal.h / fadump.h of each version)
# --------------------------------------------------------------------------

def pt_regs(e, size, base):
    """struct pt_regs: 44 user_pt_regs doublewords, then the kernel-only
    tail (ppr, ...) filled with a marker the decoder must not use."""
    v = [base + n for n in range(32)]
    v += [0xc000000000123456,       # nip
          0x8000000000009033,       # msr
          0x1234,                   # orig_gpr3
          0xc000000000c7c000,       # ctr
          0xc000000000111000,       # link
          0x20000000,               # xer
          0x28002482,               # ccr
          1,                        # softe
          0x700,                    # trap
          0xdead0000,               # dar
          0x42000000,               # dsisr
          0]                        # result
    tail = (size - 44 * 8) // 8
    v += [0xeeeeeeeeeeeeeeee] * tail
    return struct.pack(e + '%dQ' % len(v), *v)


def cpumask(e, size, cpus):
    words = [0] * (size // 8)
    for c in cpus:
        words[c // 64] |= 1 << (c % 64)
    return struct.pack(e + '%dQ' % len(words), *words)


def fadmpsig_v1(e, crashing_cpu):
    # 7.2, NR_CPUS 2048: pt_regs 384, cpumask 256 -> 680 bytes.
    hdr = struct.pack(e + 'QIIQQII', str_to_u64('FADMPSIG'), 1, crashing_cpu,
                      0x3f1a0000, 0x1000, 384, 256)
    return hdr + pt_regs(e, 384, 0xc000000001000000) + \
        cpumask(e, 256, range(8))


# 5.10 LE, NR_CPUS 2048: pt_regs 368, cpumask 256, at the pseries-5.10
# root's fadumphdr_addr = boot copy 0x14041020 + boot memory 0x14000000.
INF510_PHYS = 0x28041020
INF510_SIZE = 0x18 + 368 + 256
# 3.4 BE, NR_CPUS 1024: pt_regs 352, cpumask 128, at the pseries-3.4
# root's 0xefff1020 + 0x10000000.
INF34_PHYS = 0xffff1020
INF34_SIZE = 0x18 + 352 + 128


def fadmpinf(e, phys, ptsz, masksz, crashing_cpu, cpus):
    hdr = struct.pack(e + 'QQI4x', str_to_u64('FADMPINF'),
                      phys + 0x18 + ptsz + masksz, crashing_cpu)
    return hdr + pt_regs(e, ptsz, 0xc000000004000000) + \
        cpumask(e, masksz, cpus)


def fadmpsig_v2():
    # A future version: the v1 fields, then 40 bytes nobody knows yet.
    return fadmpsig_v1('<', 2)[:8] + struct.pack('<I', 2) + \
        fadmpsig_v1('<', 2)[12:] + bytes(40)


BLOBS = {
    'papr-qemu-7.2.bin': papr_qemu_72,
    'regsave-qemu.bin': regsave_qemu,
    'regsave-papr.bin': regsave_papr,
    'opal-fdm-le.bin': lambda: opal_fdm('le'),
    'opal-fdm-be.bin': lambda: opal_fdm('be'),
    'opal-cpu-meta.bin': opal_cpu_meta,
    'hdat-threads.bin': hdat_threads,
    'crashinfo-fadmpsig-le.bin': lambda: fadmpsig_v1('<', 3),
    'crashinfo-fadmpsig-be.bin': lambda: fadmpsig_v1('>', 3),
    'crashinfo-fadmpinf-5.10-le.bin':
        lambda: fadmpinf('<', INF510_PHYS, 368, 256, 1, [0, 1]),
    'crashinfo-fadmpinf-3.4-be.bin':
        lambda: fadmpinf('>', INF34_PHYS, 352, 128, 0xffffffff, [0, 1, 2, 3]),
    'crashinfo-fadmpsig-v2.bin': fadmpsig_v2,
}


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.dirname(os.path.abspath(__file__))
    os.makedirs(top, exist_ok=True)
    for name in sorted(BLOBS):
        with open(os.path.join(top, name), 'wb') as f:
            f.write(BLOBS[name]())


if __name__ == '__main__':
    main()
