# SPDX-License-Identifier: LGPL-2.1-or-later
"""fadump.System: what the kernel and firmware report, and control."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple, Union

from . import _fadump
from ._common import Record, StrPath, root_arg
from ._metadata import KernelDump
from ._vmcore import SaveResult, _save_result

_DT_SOURCES = {'auto': 0, 'dir': 1, 'fdt': 2}

# ibm,configure-kernel-dump-sizes section types Linux reads.
_DUMP_SIZE_NAMES = {1: 'CPU', 2: 'HPTE'}


@dataclass(frozen=True)
class Status(Record):
    """What the kernel and the firmware say about fadump.

    The fields and their values are those of ``fadumpctl status --json``.
    None means the kernel does not say (an older kernel without the
    attribute).

    Attributes:
        platform: "pseries", "powernv" or "none".
        firmware_support: the device tree advertises fadump.
        kernel_support: the kernel's fadump sysfs interface exists.
        enabled: booted with fadump=on and the memory reservation worked.
        registered: registered with the firmware now.
        dump_active: a capture boot whose dump was not released yet.
        mem_reserved: bytes reserved for the dump (5.7+).
        hotplug_ready: no re-registration needed on memory hotplug (6.10+).
        bootargs_append: extra capture-kernel arguments (6.10+ pseries).
        sysfs_layout: "directory" (5.7+), "legacy" or "none".
        bootargs_append_supported: the bootargs_append attribute exists.
        vmcore_present: /proc/vmcore exists.
        release_available: the release_mem attribute exists.
        release_range_available: the release_range attribute exists
            (capture boot of a kernel with libfadump's kernel patches):
            memory can be given back range by range while saving.
        crash_info_available: the crash_info attribute exists (the same
            kernel series): the crash-info header is read from it.
        opalcore_present: (PowerNV) the OPAL core,
            /sys/firmware/opal/mpipl/core, is there to save.
        opalcore_size: its size in bytes, None without it.
        opalcore_release_available: release_core exists (it outlives
            the core). ``fadumpctl status --json`` prints these three on
            PowerNV only.
    """

    platform: str
    firmware_support: bool
    kernel_support: bool
    enabled: Optional[bool]
    registered: Optional[bool]
    dump_active: bool
    mem_reserved: Optional[int]
    hotplug_ready: Optional[bool]
    bootargs_append: Optional[str]
    sysfs_layout: str
    bootargs_append_supported: bool
    vmcore_present: bool
    release_available: bool
    release_range_available: bool
    crash_info_available: bool
    opalcore_present: bool = False
    opalcore_size: Optional[int] = None
    opalcore_release_available: bool = False

    def as_dict(self) -> Dict[str, Any]:
        """The object ``fadumpctl status --json`` prints: the OPAL core's
        keys on PowerNV only."""
        d = super().as_dict()
        if self.platform != 'powernv':
            for k in ('opalcore_present', 'opalcore_size',
                      'opalcore_release_available'):
                del d[k]
        return d


@dataclass(frozen=True)
class Region(Record):
    """One line of the kernel's debugfs fadump_region report.

    Attributes:
        name: "CPU", "HPTE", "DUMP", "" (the 3.4 - 5.4 unnamed line for
            memory held below the dump area) or "UNKNOWN".
        type: the firmware section type of an UNKNOWN region, else None.
        start: destination address, where the data lives.
        end: inclusive end, as the kernel prints it (start + size - 1).
        size: bytes.
        dumped: bytes the firmware copied (0 before a crash).
        source: source address for lines that print one, else None.
    """

    name: str
    type: Optional[int]
    start: int
    end: int
    size: int
    dumped: int
    source: Optional[int]

    def as_dict(self) -> Dict[str, Any]:
        """The object ``fadumpctl regions --json`` prints for this region:
        "type" and "source" only where the kernel printed them."""
        d: Dict[str, Any] = {'name': self.name}
        if self.type is not None:
            d['type'] = self.type
        d.update(start=self.start, end=self.end, size=self.size,
                 dumped=self.dumped)
        if self.source is not None:
            d['source'] = self.source
        return d


@dataclass(frozen=True)
class RegionReport(Record):
    """The kernel's region report, parsed.

    Attributes:
        regions: the regions in the order the kernel printed them.
        reserved_above: the "Memory above X is reserved" address (5.5+,
            capture boot), else None.
        cmdline_append: the param-area arguments (6.10+ pseries), else None.
        cmdline_append_range: the param area's (start, inclusive end).
        released_bytes: memory given back early through release_range so
            far (the "Released:" line of libfadump's kernel patches),
            else None.
        released_ranges: the ranges that memory is in, neighbours merged;
            None with released_bytes.
    """

    regions: Tuple[Region, ...]
    reserved_above: Optional[int]
    cmdline_append: Optional[str]
    cmdline_append_range: Optional[Tuple[int, int]]
    released_bytes: Optional[int] = None
    released_ranges: Optional[int] = None

    def as_dict(self) -> Dict[str, Any]:
        """The document ``fadumpctl regions --json`` prints."""
        rng = self.cmdline_append_range
        return {
            'regions': [r.as_dict() for r in self.regions],
            'reserved_above': self.reserved_above,
            'cmdline_append': self.cmdline_append,
            'cmdline_append_range': list(rng) if rng is not None else None,
            'released_bytes': self.released_bytes,
            'released_ranges': self.released_ranges,
        }

    @classmethod
    def _from_c(cls, d: Dict[str, Any]) -> 'RegionReport':
        return cls(regions=tuple(Region(**r) for r in d['regions']),
                   reserved_above=d['reserved_above'],
                   cmdline_append=d['cmdline_append'],
                   cmdline_append_range=d['cmdline_append_range'],
                   released_bytes=d['released_bytes'],
                   released_ranges=d['released_ranges'])


@dataclass(frozen=True)
class DumpSize(Record):
    """One entry of ibm,configure-kernel-dump-sizes.

    Attributes:
        type: section type (1 CPU state, 2 HPTE).
        name: "CPU", "HPTE" or None for a type Linux does not read.
        bytes: the size the firmware needs for that section.
    """

    type: int
    name: Optional[str]
    bytes: int


@dataclass(frozen=True)
class DeviceTree(Record):
    """The fadump-related device-tree properties.

    Attributes:
        source: "dir" (a device-tree directory), "fdt" (a flattened blob)
            or None when there is no device tree at all (not POWER).
        platform: "pseries", "powernv" or "none".
        firmware_support: the firmware can do fadump.
        dump_present: the firmware preserved a dump from the previous boot.
        rtas_token: the ibm,configure-kernel-dump RTAS token, or None.
        dump_sizes: the ibm,configure-kernel-dump-sizes entries.
        properties: every property the library knows, by device-tree path
            ("/rtas/ibm,kernel-dump"), as raw big-endian bytes; None if
            absent.
    """

    source: Optional[str]
    platform: str
    firmware_support: bool
    dump_present: bool
    rtas_token: Optional[int]
    dump_sizes: Tuple[DumpSize, ...]
    properties: Dict[str, Optional[bytes]]

    @classmethod
    def _from_c(cls, d: Dict[str, Any]) -> 'DeviceTree':
        sizes = tuple(DumpSize(type=s['type'],
                               name=_DUMP_SIZE_NAMES.get(s['type']),
                               bytes=s['bytes']) for s in d['dump_sizes'])
        return cls(source=d['source'], platform=d['platform'],
                   firmware_support=d['firmware_support'],
                   dump_present=d['dump_present'],
                   rtas_token=d['rtas_token'], dump_sizes=sizes,
                   properties=d['properties'])


def _dt_source(source: str) -> int:
    try:
        return _DT_SOURCES[source]
    except (KeyError, TypeError):
        raise ValueError("source must be 'auto', 'dir' or 'fdt', not %r"
                         % (source,)) from None


class System:
    """A machine's fadump: status, control, region report, device tree.

    ``System()`` is the running system; ``System(root=path)`` looks at a
    copy of one, with every absolute path the library uses
    (/sys/kernel/fadump/..., /proc/device-tree/...) resolved under
    *root*. A relative *root* is taken from the current directory.

    Failures raise :class:`fadump.Error` subclasses carrying the errno and
    the library's message. A System may be shared between threads: calls
    on it are serialised, and run without the GIL.

    Raises:
        NotFoundError, NotADirError: *root* is not a directory.
    """

    def __init__(self, root: Optional[StrPath] = None) -> None:
        self._ctx = _fadump.Context(root_arg(root))

    @property
    def root(self) -> str:
        """The root prefix ("/" for the running system)."""
        return self._ctx.root

    def __repr__(self) -> str:
        if not hasattr(self, '_ctx'):       # __init__ failed
            return '<fadump.System>'
        return 'fadump.System(root=%r)' % self.root

    def status(self) -> Status:
        """Read everything the kernel and the firmware report.

        Missing attributes are None, not errors: a machine without fadump
        gives platform "none". Raises MalformedError for an attribute that
        does not hold what the kernel writes there (the message names the
        file), IsADirError, AccessError.
        """
        return Status(**self._ctx.status())

    def register(self) -> None:
        """Register with the firmware; already registered is success.

        Raises UnsupportedError (no fadump in this kernel), AccessError
        (not root, or the kernel refused: fadump not enabled at boot, a
        dump still active -- the message says which), ExistsError,
        InvalidArgumentError, TimedOutError (firmware busy), Error with
        errno EIO (the state did not change).
        """
        self._ctx.register()

    def unregister(self) -> None:
        """Unregister from the firmware; not registered is success.

        Raises as :meth:`register`.
        """
        self._ctx.unregister()

    def reregister(self) -> None:
        """Register again, e.g. after memory hotplug.

        Raises as :meth:`register`.
        """
        self._ctx.reregister()

    def release(self) -> None:
        """Give the memory that held the dump back to the system.

        Capture boot only; /proc/vmcore disappears. Raises NotFoundError
        (no active dump), AccessError (already released, or not root),
        UnsupportedError, Error with errno EIO.
        """
        self._ctx.release()

    def release_range(self, start: int, size: int) -> None:
        """Give one piece of the dump's memory back before the whole dump
        is saved: physical [*start*, *start* + *size*), both multiples of
        the kernel's page size. Only for memory whose bytes are already
        safely saved; :meth:`release` must still follow.

        Needs a capture boot of a kernel with libfadump's release_range
        patch (:attr:`Status.release_range_available`). Raises
        UnsupportedError (no release_range), InvalidArgumentError (size 0,
        or not page aligned), AccessError (not root, or no active dump),
        Error with errno ERANGE (not releasable crash memory) or EBUSY
        (part of it was released before, or another process held the
        control lock for 10 s), OverflowError for values outside
        [0, 2**64).
        """
        self._ctx.release_range(start, size)

    def release_opalcore(self) -> None:
        """Give the OPAL core's memory back (PowerNV capture boot):
        /sys/firmware/opal/mpipl/core disappears. Save it first
        (:meth:`save_opalcore`). Raises NotFoundError (no OPAL core in
        this boot), AccessError (already released, or not root), Error
        with errno EIO (the core is still there) or EBUSY (the lock).
        """
        self._ctx.release_opalcore()

    def save_opalcore(self, dest: StrPath, *, name: Optional[StrPath] = None,
                      release: bool = False, force: bool = False,
                      create_dest: bool = True,
                      progress: Optional[Any] = None, sparse: bool = True,
                      chunk_size: int = 0) -> SaveResult:
        """Save the OPAL core durably into directory *dest*, as *name*
        ("opalcore" by default): byte for byte, with the rules and the
        arguments of :meth:`Vmcore.save` (an unnamed 0600 file synced and
        linked into place, never over an existing file). *release* True
        gives its memory back through release_core once the copy is in
        place; if that fails the exception's ``save_result`` is the
        :class:`SaveResult`. Raises NotFoundError without an OPAL core,
        and the errors of :meth:`Vmcore.save`.
        """
        if not isinstance(release, bool):
            raise TypeError('release must be a bool, not %s'
                            % type(release).__name__)
        flags = 0 if sparse else _fadump.SAVE_NO_SPARSE
        if create_dest:
            flags |= _fadump.SAVE_CREATE_DEST
        if force:
            flags |= _fadump.SAVE_ALLOW_UNSAFE_DEST
        if release:
            flags |= _fadump.SAVE_RELEASE
        saved = os.fsdecode(name) if name is not None else 'opalcore'
        path = os.path.join(os.fsdecode(dest), saved)
        try:
            r = self._ctx.save_opalcore(dest, name, flags, chunk_size,
                                        progress)
        except BaseException as e:
            partial = getattr(e, 'save_result', None)
            if isinstance(partial, dict):
                e.save_result = _save_result(path, partial, 0)
            raise
        return _save_result(path, r, 0)

    @property
    def bootargs(self) -> str:
        """Extra capture-kernel arguments (bootargs_append, 6.10+ pseries).

        Reading raises UnsupportedError when the kernel has no such
        attribute. Setting replaces the arguments; it raises
        InvalidArgumentError for a newline or 2048 bytes or more,
        AccessError (not root, or a dump is active), UnsupportedError,
        Error with errno ENOSPC (kernel command line plus these too long).
        """
        return self._ctx.bootargs_get()

    @bootargs.setter
    def bootargs(self, args: str) -> None:
        if not isinstance(args, str):
            raise TypeError('bootargs must be a str, not %s'
                            % type(args).__name__)
        self._ctx.bootargs_set(args.encode('utf-8', 'surrogateescape'))

    def regions(self) -> RegionReport:
        """Parse the kernel's debugfs region report.

        Raises NotFoundError if there is none (debugfs not mounted, or no
        fadump), MalformedError for a line that does not parse (the
        message gives its number and text).
        """
        return RegionReport._from_c(self._ctx.regions())

    def devtree(self, source: str = 'auto') -> DeviceTree:
        """Read the fadump-related device-tree properties.

        *source* is "auto" (the directory tree, else /sys/firmware/fdt),
        "dir" or "fdt". A machine without a device tree is not an error.
        Raises NotFoundError if *source* names a tree that does not exist,
        MalformedError for a malformed blob or property.
        """
        return DeviceTree._from_c(self._ctx.devtree(_dt_source(source)))

    def kernel_dump(self, source: str = 'auto') -> Optional[KernelDump]:
        """The firmware's dump structure (pseries /rtas/ibm,kernel-dump),
        decoded and judged by the kernel's rules, or None if the device
        tree has none (no dump waiting, or not pseries).

        Raises MalformedError or UnsupportedError for a property that is
        not a dump structure this library knows.
        """
        d = self._ctx.kernel_dump(_dt_source(source))
        return None if d is None else KernelDump._from_c(d)


def parse_regions(text: Union[str, bytes]) -> RegionReport:
    """Parse region-report text (the kernel's debugfs fadump_region) that
    is already in memory, e.g. from a bug report.

    Raises MalformedError for a line that does not parse, naming it.
    """
    if isinstance(text, str):
        text = text.encode('utf-8', 'surrogateescape')
    return RegionReport._from_c(_fadump.parse_regions(text))


def decode_fdt(blob: bytes) -> DeviceTree:
    """The fadump properties of a flattened device tree (a /sys/firmware/fdt
    copy) in memory.

    Raises MalformedError if the blob fails libfdt's checks.
    """
    return DeviceTree._from_c(_fadump.devtree_from_fdt(blob))
