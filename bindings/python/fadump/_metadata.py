# SPDX-License-Identifier: LGPL-2.1-or-later
"""Crash metadata: the firmware's dump structures and the crash-info
header, decoded from bytes by the library's hostile-input parsers.

Every decoder takes any bytes-like object and raises MalformedError
(EBADMSG, E2BIG) for bytes that are not such a structure, UnsupportedError
(EPROTONOSUPPORT) for a version the library does not know; the message
names the field at fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple

from . import _fadump
from ._common import Record, Registers

_BYTE_ORDERS = {'auto': 0, 'big': 1, 'little': 2}


@dataclass(frozen=True)
class DumpSection(Record):
    """One section of a pseries dump structure.

    Attributes:
        index: position in the structure.
        type: source_data_type (1 CPU state, 2 HPTE, 0x11 boot memory,
            0x100 param area).
        type_name: "CPU state", "HPTE", "boot memory", "param area" or
            "unknown".
        request_flag: 1 if the kernel asked for this section.
        error_flags: the firmware's error bits; any bit means it failed.
        source_address, source_len: what was to be copied.
        bytes_dumped: what the firmware copied.
        destination_address: where the copy is.
        complete: no error flag and every byte copied.
        problem: one line saying what is wrong, or None.
    """

    index: int
    type: int
    type_name: str
    request_flag: int
    error_flags: int
    source_address: int
    source_len: int
    bytes_dumped: int
    destination_address: int
    complete: bool
    problem: Optional[str]


@dataclass(frozen=True)
class KernelDump(Record):
    """A pseries dump structure (ibm,kernel-dump), decoded and judged.

    The header fields keep their PAPR names; the derived values are what
    the capture kernel computes from the structure. *verdict* is
    "complete", "incomplete" (the kernel still builds a vmcore) or
    "unusable" (the kernel refuses the dump), with *problems* saying why.
    The keys are those of ``fadumpctl metadata --json``, plus *raw*.

    Attributes:
        length: bytes of the property.
        format_version, num_sections, status_flags, offset_first_section,
        dd_block_size, dd_block_offset, dd_num_blocks, dd_offset_disk_path,
        max_time_auto: the header.
        form: "fixed" (CPU state, HPTE, one boot region from 0: 3.4 -
            6.9, or 6.10+ without a param area) or "sections" (6.10+).
        sections: the sections.
        boot_regions: boot-memory sections.
        boot_memory_size: the sum of their lengths.
        boot_mem_top: that plus the holes between them.
        crashinfo_addr: where the crash-info header is, or None.
        cpu_state_addr, cpu_state_len: the register save area, or None.
        param_area_addr: the param area (6.10+), or None.
        verdict: "complete", "incomplete" or "unusable".
        problems: one line per reason the dump is not complete.
        raw: the property's bytes.
    """

    length: int
    format_version: int
    num_sections: int
    status_flags: int
    offset_first_section: int
    dd_block_size: int
    dd_block_offset: int
    dd_num_blocks: int
    dd_offset_disk_path: int
    max_time_auto: int
    form: str
    sections: Tuple[DumpSection, ...]
    boot_regions: int
    boot_memory_size: int
    boot_mem_top: int
    crashinfo_addr: Optional[int]
    cpu_state_addr: Optional[int]
    cpu_state_len: Optional[int]
    param_area_addr: Optional[int]
    verdict: str
    problems: Tuple[str, ...]
    raw: bytes = field(repr=False)

    @classmethod
    def _from_c(cls, d: Dict[str, Any]) -> 'KernelDump':
        d = dict(d)
        d['sections'] = tuple(DumpSection(**s) for s in d['sections'])
        d['problems'] = tuple(d['problems'])
        return cls(**d)


@dataclass(frozen=True)
class DumpVersions(Record):
    """ibm,configure-kernel-dump-version: the format versions the firmware
    supports.

    Attributes:
        min, max: lowest and highest dump format version.
        byte_order: "big-endian", "little-endian" (QEMU on a little-endian
            host writes its own order) or "unknown" when neither order
            gives 1 <= min <= max <= 255 (min and max are then the
            big-endian reading).
    """

    min: int
    max: int
    byte_order: str


@dataclass(frozen=True)
class RegisterEntry(Record):
    """One register entry of a firmware register set, as stored.

    Attributes:
        name: "GPR05", "MSR", "SPR9"...; "0x..." for unprintable RTAS ids.
        id: RTAS: the ASCII name packed big-end first; HDAT: type << 32 |
            register number.
        value: the register's value.
        used: the kernel puts this register in pt_regs.
    """

    name: str
    id: int
    value: int
    used: bool


@dataclass(frozen=True)
class CpuRegisters(Record):
    """One CPU's (RTAS) or hardware thread's (HDAT) firmware register set.

    Attributes:
        id: RTAS: the logical CPU number; HDAT: the PIR.
        active: HDAT: the thread was running (the kernel skips others);
            RTAS: always True.
        core_state: HDAT core state byte; None for RTAS.
        entries: register entries stored.
        ignored: entries the kernel does not put in pt_regs.
        offset: where this CPU's data starts in the buffer.
        regs: the registers as the kernel's note builders map them
            (see :data:`fadump.Registers`).
        entries_list: every entry as stored.
    """

    id: int
    active: bool
    core_state: Optional[int]
    entries: int
    ignored: int
    offset: int
    regs: Registers
    entries_list: Tuple[RegisterEntry, ...]


@dataclass(frozen=True)
class RegisterSet(Record):
    """The per-CPU registers the firmware saved at the crash.

    Attributes:
        format: "rtas" (pseries register save area) or "hdat" (powernv
            HDAT thread data).
        version: RTAS: the save area's version; HDAT: 0.
        cpus: the CPUs or threads in firmware order.
    """

    format: str
    version: int
    cpus: Tuple[CpuRegisters, ...]

    @classmethod
    def _from_c(cls, d: Dict[str, Any]) -> 'RegisterSet':
        cpus = []
        for c in d['cpus']:
            c = dict(c)
            c['entries_list'] = tuple(RegisterEntry(**e)
                                      for e in c['entries_list'])
            cpus.append(CpuRegisters(**c))
        return cls(format=d['format'], version=d['version'],
                   cpus=tuple(cpus))


@dataclass(frozen=True)
class CrashInfo(Record):
    """The crash-info header the crashed kernel wrote after its boot
    memory (struct fadump_crash_info_header).

    Attributes:
        magic: "FADMPINF" (3.4 - 6.9) or "FADMPSIG" (6.10+).
        version: FADMPSIG version; 0 for FADMPINF.
        byte_order: the crashed kernel's, "big-endian" or "little-endian".
        crashing_cpu: pseries logical CPU or powernv PIR; None if the
            kernel recorded no crash.
        elfcorehdr_addr: FADMPINF only, else None.
        vmcoreinfo_addr, vmcoreinfo_size: FADMPSIG only, else None.
        pt_regs_size, cpu_mask_size, header_size: None if unknown (a
            FADMPINF header decoded without a hint).
        regs: the crashing CPU's registers (see :data:`fadump.Registers`).
        cpu_mask: the CPUs set in the header's cpumask, None if unknown.
        raw: the header's bytes.
    """

    magic: str
    version: int
    byte_order: str
    crashing_cpu: Optional[int]
    elfcorehdr_addr: Optional[int]
    vmcoreinfo_addr: Optional[int]
    vmcoreinfo_size: Optional[int]
    pt_regs_size: Optional[int]
    cpu_mask_size: Optional[int]
    header_size: Optional[int]
    regs: Registers
    cpu_mask: Optional[Tuple[int, ...]]
    raw: bytes = field(repr=False)

    @classmethod
    def _from_c(cls, d: Dict[str, Any]) -> 'CrashInfo':
        d = dict(d)
        if d['cpu_mask'] is not None:
            d['cpu_mask'] = tuple(d['cpu_mask'])
        return cls(**d)


@dataclass(frozen=True)
class OpalRegion(Record):
    """One boot-memory region of the OPAL kernel metadata.

    Attributes:
        source, destination, length: the region and its copy.
        preserved: registered for MPIPL (below registered_regions).
    """

    source: int
    destination: int
    length: int
    preserved: bool


@dataclass(frozen=True)
class OpalMetadata(Record):
    """powernv: the kernel's OPAL dump metadata (opal_fadump_mem_struct).

    Attributes:
        version: 1.
        byte_order: "big-endian" (5.19+ or a big-endian kernel) or
            "little-endian" (a little-endian 5.5 - 5.18 kernel).
        region_cnt: regions in the metadata.
        registered_regions: regions registered for MPIPL.
        crashinfo_addr: where the crash-info header is.
        boot_memory_size: the sum of the region sizes.
        boot_mem_top: that plus the holes.
        verdict: "complete", "incomplete" or "unusable".
        regions: the regions.
        problems: one line per reason the dump is not complete.
    """

    version: int
    byte_order: str
    region_cnt: int
    registered_regions: int
    crashinfo_addr: int
    boot_memory_size: int
    boot_mem_top: int
    verdict: str
    regions: Tuple[OpalRegion, ...]
    problems: Tuple[str, ...]

    @classmethod
    def _from_c(cls, d: Dict[str, Any]) -> 'OpalMetadata':
        d = dict(d)
        d['regions'] = tuple(OpalRegion(**r) for r in d['regions'])
        d['problems'] = tuple(d['problems'])
        return cls(**d)


@dataclass(frozen=True)
class OpalCpuMetadata(Record):
    """powernv: the firmware's CPU metadata (opal_mpipl_fadump).

    Attributes:
        version: 1.
        crashing_pir: PIR of the CPU that crashed.
        cpu_data_version: HDAT format version.
        cpu_data_size: bytes per thread (the thread_size of
            :func:`decode_hdat`).
        region_cnt: regions in the metadata.
        cpu_data_addr, cpu_data_len: where the HDAT thread data is.
    """

    version: int
    crashing_pir: int
    cpu_data_version: int
    cpu_data_size: int
    region_cnt: int
    cpu_data_addr: int
    cpu_data_len: int


def decode_kernel_dump(data: bytes) -> KernelDump:
    """Decode a pseries ibm,kernel-dump property (the dump structure).

    Both the registered 40 + 40 * n bytes (QEMU) and the whole 160- or
    440-byte kernel struct are accepted.
    """
    return KernelDump._from_c(_fadump.decode_kernel_dump(data))


def decode_dump_versions(data: bytes) -> DumpVersions:
    """Decode the 4 bytes of ibm,configure-kernel-dump-version."""
    return DumpVersions(**_fadump.decode_dump_versions(data))


def decode_regsave(data: bytes) -> RegisterSet:
    """Decode a pseries register save area (the CPU state section)."""
    return RegisterSet._from_c(_fadump.decode_regsave(data))


def decode_hdat(data: bytes, thread_size: int) -> RegisterSet:
    """Decode powernv HDAT thread register data.

    *thread_size* is the CPU metadata's cpu_data_size: bytes per thread.
    """
    return RegisterSet._from_c(_fadump.decode_hdat(data, thread_size))


def decode_crash_info(data: bytes, phys_addr: int = 0,
                      pt_regs_size: int = 0) -> CrashInfo:
    """Decode a crash-info header (FADMPINF or FADMPSIG), either byte order.

    A FADMPINF header (3.4 - 6.9) does not say how large its pt_regs and
    cpumask are; *phys_addr* (the address it was read from) or
    *pt_regs_size* (sizeof(struct pt_regs) of the crashed kernel) let the
    library find the cpumask. Without them the registers are still
    decoded.
    """
    return CrashInfo._from_c(_fadump.decode_crash_info(data, phys_addr,
                                                       pt_regs_size))


def decode_opal_fdm(data: bytes, byte_order: str = 'auto') -> OpalMetadata:
    """Decode powernv OPAL kernel metadata (opal_fadump_mem_struct).

    *byte_order* is "big", "little" or "auto" (the order in which the
    region count makes sense).
    """
    try:
        order = _BYTE_ORDERS[byte_order]
    except (KeyError, TypeError):
        raise ValueError("byte_order must be 'auto', 'big' or 'little', "
                         "not %r" % (byte_order,)) from None
    return OpalMetadata._from_c(_fadump.decode_opal_fdm(data, order))


def decode_opal_cpu(data: bytes) -> OpalCpuMetadata:
    """Decode powernv OPAL CPU metadata (opal_mpipl_fadump)."""
    return OpalCpuMetadata(**_fadump.decode_opal_cpu_meta(data))
