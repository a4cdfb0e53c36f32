# SPDX-License-Identifier: LGPL-2.1-or-later
"""Detect, report and control Linux firmware-assisted dump (fadump) on IBM
POWER, and read and save the dumps it preserves.

A binding of libfadump (libfadump.so.1, the stable C API also used by
fadumpctl). Results are frozen dataclasses whose fields carry the names
``fadumpctl --json`` uses; failures raise :class:`Error`.

The machine::

    import fadump

    system = fadump.System()            # or System(root="/path/to/copy")
    st = system.status()
    if st.enabled and not st.registered:
        system.register()
    for r in system.regions().regions:
        print(r.name, hex(r.start), r.size)

In the capture boot, the dump::

    with fadump.Vmcore() as vm:         # /proc/vmcore
        print(vm.vmcoreinfo["OSRELEASE"], len(vm.cpus), "CPUs")
        uts = int(vm.vmcoreinfo["SYMBOL(init_uts_ns)"], 16)
        print(vm.read_virt(uts + 130, 65))    # the kernel's release
        print(vm.page_classes())              # {"free": ..., "cache": ...}
        # release=True: memory goes back while copying where the kernel
        # can (release_mode "ranges"), else once the copy is in place
        r = vm.save("/var/crash/latest", release=True,
                    progress=lambda done, total: print(done * 100 // total))
        print(r.release_mode, r.bytes_released_early)

Firmware and kernel structures found elsewhere decode from bytes:
:func:`decode_kernel_dump`, :func:`decode_regsave`, :func:`decode_hdat`,
:func:`decode_crash_info`, :func:`decode_opal_fdm`,
:func:`decode_opal_cpu`, :func:`decode_dump_versions`,
:func:`parse_regions`, :func:`decode_fdt`.

Errors: :class:`Error` is an OSError whose errno is the library's error
number and whose strerror is its one-line message naming the file,
property, field or line at fault. Subclasses say what kind of failure it
was and also derive from the matching builtin: :class:`AccessError`
(PermissionError), :class:`NotFoundError` (FileNotFoundError),
:class:`ExistsError` (FileExistsError), :class:`NotADirError`,
:class:`IsADirError`, :class:`TimedOutError` (TimeoutError),
:class:`MalformedError` and :class:`InvalidArgumentError` (ValueError),
:class:`NotInDumpError` (LookupError) and its :class:`ExcludedError`
(a kdump file's page that makedumpfile left out), :class:`UnsupportedError`.

Threads: a System or Vmcore may be shared; its calls are serialised and
run without the GIL, so other threads go on while one waits for sysfs or
copies a dump. A save's progress callback must not call back into the
Vmcore being saved (RuntimeError).
"""

from __future__ import annotations

from . import _fadump
from ._common import Registers
from ._fadump import (
    AccessError,
    Error,
    ExcludedError,
    ExistsError,
    InvalidArgumentError,
    IsADirError,
    MalformedError,
    NotADirError,
    NotFoundError,
    NotInDumpError,
    TimedOutError,
    UnsupportedError,
)
from ._metadata import (
    CpuRegisters,
    CrashInfo,
    DumpSection,
    DumpVersions,
    KernelDump,
    OpalCpuMetadata,
    OpalMetadata,
    OpalRegion,
    RegisterEntry,
    RegisterSet,
    decode_crash_info,
    decode_dump_versions,
    decode_hdat,
    decode_kernel_dump,
    decode_opal_cpu,
    decode_opal_fdm,
    decode_regsave,
)
from ._system import (
    DeviceTree,
    DumpSize,
    Region,
    RegionReport,
    Status,
    System,
    decode_fdt,
    parse_regions,
)
from ._vmcore import (
    COMPRESSIONS,
    DUMP_LEVEL_MAX,
    FORMAT_ELF,
    FORMAT_KDUMP,
    PAGE_CLASSES,
    RELEASE_END,
    RELEASE_NONE,
    RELEASE_RANGES,
    CpuNote,
    Note,
    PageRun,
    ProcessInfo,
    SaveResult,
    Segment,
    Vmcore,
    VmcoreInfo,
    compression_supported,
)

#: Version of the libfadump.so actually loaded (may be newer than the one
#: this module was built against: its ABI is stable).
__version__: str = _fadump.version()


def library_version() -> str:
    """fadump_version() of the loaded libfadump, e.g. "0.1.0"."""
    return _fadump.version()


def machine_name(machine: int) -> str | None:
    """The name of an ELF e_machine ("ppc64", "x86_64", "aarch64", ...),
    None if the library does not name it."""
    return _fadump.machine_name(machine)


# Show and pickle the public names as fadump.X, where users find them.
for _name in ('System', 'Status', 'Region', 'RegionReport', 'DeviceTree',
              'DumpSize', 'Vmcore', 'VmcoreInfo', 'Segment', 'Note',
              'CpuNote', 'ProcessInfo', 'SaveResult', 'PageRun', 'KernelDump',
              'DumpSection', 'DumpVersions', 'RegisterSet', 'CpuRegisters',
              'RegisterEntry', 'CrashInfo', 'OpalMetadata', 'OpalRegion',
              'OpalCpuMetadata', 'decode_kernel_dump', 'decode_dump_versions',
              'decode_regsave', 'decode_hdat', 'decode_crash_info',
              'decode_opal_fdm', 'decode_opal_cpu', 'parse_regions',
              'decode_fdt', 'compression_supported'):
    globals()[_name].__module__ = __name__
del _name

__all__ = [
    # the machine
    'System', 'Status', 'Region', 'RegionReport', 'DeviceTree', 'DumpSize',
    # dumps
    'Vmcore', 'VmcoreInfo', 'Segment', 'Note', 'CpuNote', 'ProcessInfo',
    'SaveResult', 'RELEASE_NONE', 'RELEASE_END', 'RELEASE_RANGES',
    'FORMAT_ELF', 'FORMAT_KDUMP', 'COMPRESSIONS', 'DUMP_LEVEL_MAX',
    'compression_supported',
    'PageRun', 'PAGE_CLASSES',
    # crash metadata
    'KernelDump', 'DumpSection', 'DumpVersions', 'RegisterSet',
    'CpuRegisters', 'RegisterEntry', 'CrashInfo', 'OpalMetadata',
    'OpalRegion', 'OpalCpuMetadata', 'Registers',
    'decode_kernel_dump', 'decode_dump_versions', 'decode_regsave',
    'decode_hdat', 'decode_crash_info', 'decode_opal_fdm',
    'decode_opal_cpu', 'parse_regions', 'decode_fdt',
    # errors
    'Error', 'AccessError', 'NotFoundError', 'ExistsError', 'NotADirError',
    'IsADirError', 'TimedOutError', 'MalformedError', 'InvalidArgumentError',
    'UnsupportedError', 'NotInDumpError', 'ExcludedError',
    # versions
    'library_version', 'machine_name',
]
