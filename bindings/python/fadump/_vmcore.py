# SPDX-License-Identifier: LGPL-2.1-or-later
"""fadump.Vmcore: reading and saving a crash dump."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from . import _fadump
from ._common import Record, Registers, StrPath, root_arg

#: The path that means "the live dump": <root>/proc/vmcore.
LIVE_VMCORE = '/proc/vmcore'

ProgressCallback = Callable[[int, int], Any]

#: :attr:`SaveResult.release_mode` values: what actually ran.
RELEASE_NONE = 'none'
RELEASE_END = 'end'
RELEASE_RANGES = 'ranges'

#: What ``Vmcore.save(release=...)`` takes besides True and False.
RELEASE_POLICIES = ('auto', 'ranges', 'end')

#: The page classes (:meth:`Vmcore.page_classes`), in the library's order:
#: "unknown", "free", "cache", "cache_private", "anon", "hugetlb",
#: "offline", "hwpoison", "slab", "zero", "kernel".
PAGE_CLASSES: Tuple[str, ...] = tuple(
    _fadump.page_class_name(i) for i in range(_fadump.PAGE_CLASS_COUNT))

_RELEASE_FLAGS = {
    'auto': _fadump.SAVE_RELEASE_RANGES,
    'ranges': _fadump.SAVE_RELEASE_RANGES,
    'end': _fadump.SAVE_RELEASE,
}


#: :attr:`VmcoreInfo.format` values, and what ``Vmcore.save(format=...)``
#: writes.
FORMAT_ELF = 'elf'
FORMAT_KDUMP = 'kdump'

_SAVE_FORMATS = {
    FORMAT_ELF: _fadump.SAVE_FORMAT_ELF,
    FORMAT_KDUMP: _fadump.SAVE_FORMAT_KDUMP,
}

#: The compressors of the kdump format, by the library's names
#: (fadump_compression_name()): "none", "zlib", "lzo", "zstd". Which this
#: build can write: :func:`compression_supported`.
COMPRESSIONS: Tuple[str, ...] = tuple(
    _fadump.compression_name(c) for c in (
        _fadump.COMPRESS_NONE, _fadump.COMPRESS_ZLIB, _fadump.COMPRESS_LZO,
        _fadump.COMPRESS_ZSTD))

_COMPRESSION_VALUES = {
    _fadump.compression_name(c): c for c in (
        _fadump.COMPRESS_NONE, _fadump.COMPRESS_ZLIB, _fadump.COMPRESS_LZO,
        _fadump.COMPRESS_ZSTD)}

#: The highest dump level: everything makedumpfile -d can leave out.
DUMP_LEVEL_MAX: int = _fadump.DUMP_LEVEL_MAX


def compression_supported(name: str) -> bool:
    """Whether this build of libfadump writes (and reads) compressor
    *name*, one of :data:`COMPRESSIONS` (zstd and lzo are optional).
    ValueError for another name."""
    if name not in _COMPRESSION_VALUES:
        raise ValueError('compression must be one of %s, not %r'
                         % (', '.join(COMPRESSIONS), name))
    return _fadump.compression_supported(_COMPRESSION_VALUES[name])


@dataclass(frozen=True)
class VmcoreInfo(Record):
    """What a vmcore is.

    Attributes:
        big_endian: the dump's byte order (ELFDATA2MSB; a kdump file's
            header order).
        machine: ELF e_machine (21 ppc64, 62 x86_64, 183 aarch64).
        machine_name: "ppc64", "x86_64", ... or None if not known.
        file_size: bytes in the file.
        segments: PT_LOAD segments (kdump: memory ranges).
        notes: ELF notes.
        cpus: NT_PRSTATUS notes, one per CPU.
        memory_bytes: the sum of the segments' memory sizes.
        data_bytes: the sum of their sizes in the file (kdump: the
            memory the file holds, the excluded pages apart).
        format: :data:`FORMAT_ELF` ("elf") or :data:`FORMAT_KDUMP`
            ("kdump": makedumpfile's kdump-compressed file).
        dump_level: makedumpfile's -d of a kdump file, None if the file
            does not say.
    """

    big_endian: bool
    machine: int
    machine_name: Optional[str]
    file_size: int
    segments: int
    notes: int
    cpus: int
    memory_bytes: int
    data_bytes: int
    format: str = FORMAT_ELF
    dump_level: Optional[int] = None


@dataclass(frozen=True)
class Segment(Record):
    """One PT_LOAD segment: a range of the crashed kernel's memory. For a
    kdump file, one memory range (a run of pages in its bitmaps): vaddr,
    offset and flags 0, filesz the bytes of it the file holds (the
    excluded pages apart).

    Attributes:
        paddr: physical address.
        vaddr: virtual address.
        offset: where the data is in the file.
        filesz: bytes in the file.
        memsz: bytes of memory (beyond filesz reads as zeros).
        flags: p_flags (PF_X 1, PF_W 2, PF_R 4).
    """

    paddr: int
    vaddr: int
    offset: int
    filesz: int
    memsz: int
    flags: int


@dataclass(frozen=True)
class Note(Record):
    """One ELF note, known to the library or not.

    Attributes:
        name: the owner ("CORE", "VMCOREINFO", ...).
        type: n_type (1 NT_PRSTATUS, 3 NT_PRPSINFO, ...).
        desc: the descriptor bytes, as in the file.
        offset: file offset of desc.
    """

    name: str
    type: int
    desc: bytes
    offset: int


@dataclass(frozen=True)
class CpuNote(Record):
    """One CPU's NT_PRSTATUS note.

    Attributes:
        index: the CPU's position in note order (the kernel's CPU order;
            the notes carry no CPU number).
        note: the note's index in :attr:`Vmcore.notes`.
        pid, ppid, pgrp, sid: from elf_prstatus (0 in fadump dumps).
        signo, cursig: the signal fields.
        pr_reg: the raw register block, in the dump's byte order.
        regs: the ppc64 registers (see :data:`fadump.Registers`), None
            for a dump of another architecture.
    """

    index: int
    note: int
    pid: int
    ppid: int
    pgrp: int
    sid: int
    signo: int
    cursig: int
    pr_reg: bytes = field(repr=False)
    regs: Optional[Registers]


@dataclass(frozen=True)
class ProcessInfo(Record):
    """An NT_PRPSINFO note (struct elf_prpsinfo); fadump writes none,
    kdump and makedumpfile output may.

    Attributes:
        note: the note's index in :attr:`Vmcore.notes`.
        state, sname, zombie, nice, flag, uid, gid, pid, ppid, pgrp, sid,
        fname, psargs: the fields of struct elf_prpsinfo.
    """

    note: int
    state: int
    sname: str
    zombie: bool
    nice: int
    flag: int
    uid: int
    gid: int
    pid: int
    ppid: int
    pgrp: int
    sid: int
    fname: str
    psargs: str


@dataclass(frozen=True)
class PageRun(Record):
    """Pages [pfn, pfn + count) of one class, all in the dump.

    Attributes:
        pfn: the first page frame number (the crashed kernel's pages).
        count: pages.
        page_class: one of :data:`PAGE_CLASSES`.
    """

    pfn: int
    count: int
    page_class: str


def _class_name(cls: int) -> str:
    return PAGE_CLASSES[cls] if cls < len(PAGE_CLASSES) else 'unknown'


@dataclass(frozen=True)
class SaveResult(Record):
    """What :meth:`Vmcore.save` did.

    Attributes:
        path: the saved file.
        bytes_total: the size of the dump and of the copy.
        bytes_written: data written (blocks that are not all zero).
        zero_bytes_skipped: zeros left as holes.
        seconds: from creating the copy to syncing its directory.
        released: the dump's memory was given back to the system
            (release_mem done: /proc/vmcore is gone).
        release_mode: how it was given back: :data:`RELEASE_NONE`
            ("none"), :data:`RELEASE_END` ("end": all of it after the
            copy) or :data:`RELEASE_RANGES` ("ranges": piece by piece
            while copying, then the rest at the end).
        bytes_released_early: memory given back while copying.
        ranges_released: the release_range writes the kernel took.
        syncs: fdatasync() calls made so that memory could go early.
        format: what was written, :data:`FORMAT_ELF` or
            :data:`FORMAT_KDUMP`.
        compression: the kdump file's compressor (one of
            :data:`COMPRESSIONS`), None for ELF.
        dump_level: the level asked for (0: every page).
        threads: compression threads that ran.
        file_bytes: the size of the saved file.
        pages_total, pages_kept: pages of memory in the dump, and those
            the file holds; None for the plain copy (level 0, ELF),
            which looks at no page.
        class_kept, class_excluded: pages kept and left out per page
            class (:data:`PAGE_CLASSES`); None for the plain copy.
            "unknown" pages are always kept.
        unknown_reason: why pages were "unknown" (the first reason met),
            None if none were.
        excluded_ranges_released, excluded_bytes_released: the memory
            the file leaves out, given back before the copy started
            (also counted in ranges_released and bytes_released_early).
    """

    path: str
    bytes_total: int
    bytes_written: int
    zero_bytes_skipped: int
    seconds: float
    released: bool
    release_mode: str = RELEASE_NONE
    bytes_released_early: int = 0
    ranges_released: int = 0
    syncs: int = 0
    format: str = FORMAT_ELF
    compression: Optional[str] = None
    dump_level: int = 0
    threads: int = 0
    file_bytes: int = 0
    pages_total: Optional[int] = None
    pages_kept: Optional[int] = None
    class_kept: Optional[Dict[str, int]] = None
    class_excluded: Optional[Dict[str, int]] = None
    unknown_reason: Optional[str] = None
    excluded_ranges_released: int = 0
    excluded_bytes_released: int = 0


class Vmcore:
    """An open vmcore: /proc/vmcore in the capture boot, or a saved copy,
    ELF or makedumpfile's kdump-compressed format (see
    :attr:`VmcoreInfo.format`).

    Opening validates the container against the file's size; note
    contents are decoded when asked for. *path* "/proc/vmcore" (the
    default) means the live dump, under *root* as for :class:`System`;
    any other path is opened as given. Use as a context manager, or call
    :meth:`close`::

        with fadump.Vmcore() as vm:
            vm.save('/var/crash/2025-01-01', release=True)

    *mmap* maps a saved file (fadump_vmcore_map()): reads then copy from
    the mapping instead of making a system call each, many times faster
    for small random reads (:meth:`read_into`). Only for a file nobody
    truncates while it is open: a read of a part that is gone kills the
    process with SIGBUS. The live dump is never mapped.

    Raises NotFoundError (no dump in this boot), MalformedError (not a
    well-formed ELF64 core or kdump file; the message says where),
    UnsupportedError (an ELF32 core; a split, flattened or 32-bit kdump
    file; *mmap* of a /proc file), AccessError.
    """

    def __init__(self, path: StrPath = LIVE_VMCORE, *,
                 root: Optional[StrPath] = None, mmap: bool = False) -> None:
        fspath = os.fspath(path)
        self._live = fspath in (LIVE_VMCORE, os.fsencode(LIVE_VMCORE))
        self._root = root_arg(root)
        self._vm = _fadump.Vmcore(None if self._live else fspath, self._root,
                                  mmap)

    def __enter__(self) -> 'Vmcore':
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        if self._vm.closed:
            return '<fadump.Vmcore closed>'
        return '<fadump.Vmcore %r>' % self._vm.path

    def close(self) -> None:
        """Close the file. Later calls raise ValueError; closing again is
        fine."""
        self._vm.close()

    @property
    def closed(self) -> bool:
        """True once the vmcore is closed."""
        return self._vm.closed

    @property
    def path(self) -> str:
        """The path the file was opened by."""
        return self._vm.path

    @property
    def live(self) -> bool:
        """This is the live dump (<root>/proc/vmcore), which
        ``save(release=True)`` may release."""
        return self._live

    @property
    def info(self) -> VmcoreInfo:
        """What the dump is: byte order, machine, sizes and counts."""
        return VmcoreInfo(**self._vm.info())

    @property
    def segments(self) -> Tuple[Segment, ...]:
        """The PT_LOAD segments, in program-header order (kdump: the
        memory ranges, in address order)."""
        return tuple(Segment(**s) for s in self._vm.segments())

    @property
    def notes(self) -> Tuple[Note, ...]:
        """Every ELF note in file order, known to the library or not."""
        return tuple(Note(**n) for n in self._vm.notes())

    @property
    def cpus(self) -> Tuple[CpuNote, ...]:
        """The NT_PRSTATUS notes, one per CPU, with decoded registers.

        Raises MalformedError for a note shorter than struct elf_prstatus
        (or, on ppc64, not the 504 bytes the kernel writes).
        """
        return tuple(CpuNote(**c) for c in self._vm.cpus())

    @property
    def prpsinfo(self) -> Optional[ProcessInfo]:
        """The first NT_PRPSINFO note, or None."""
        p = self._vm.prpsinfo()
        return None if p is None else ProcessInfo(**p)

    @property
    def vmcoreinfo(self) -> Dict[str, str]:
        """The VMCOREINFO note's KEY=VALUE lines as a dict ("OSRELEASE",
        "PAGESIZE", "SYMBOL(init_uts_ns)", ...); the first line wins for
        a repeated key. Empty if the dump has no such note.

        Raises MalformedError if the text is not KEY=VALUE lines.
        """
        lines = self._vm.vmcoreinfo()
        out: Dict[str, str] = {}
        for key, value in lines or ():
            out.setdefault(key, value)
        return out

    @property
    def page_size(self) -> Optional[int]:
        """The crashed kernel's PAGESIZE, None if VMCOREINFO has none.

        Raises MalformedError if it is not a power of two of at least 512.
        """
        return self._vm.page_size()

    @property
    def crash_time(self) -> Optional[int]:
        """CRASHTIME (seconds since 1970), None if VMCOREINFO has none.

        Raises MalformedError if it is not a decimal integer.
        """
        return self._vm.crash_time()

    def read(self, paddr: int, size: int) -> bytes:
        """Read *size* bytes of the crashed kernel's memory at physical
        address *paddr*; a read may span adjacent segments. The GIL is
        released while reading.

        Raises NotInDumpError if any byte is in no segment (the message
        names the first missing address), ExcludedError (a NotInDumpError)
        if a page of a kdump file was excluded from the dump, MalformedError
        for a damaged kdump page, UnsupportedError for a page compressed
        with a library this build lacks, Error with errno EIO if the file
        shrank.
        """
        return self._vm.read(paddr, size)

    def read_into(self, paddr: int, buffer: Any) -> int:
        """Fill *buffer* (any writable buffer: bytearray, memoryview,
        array, mmap) with the memory at physical address *paddr*; returns
        its length. Nothing is allocated per call: with *mmap* this is the
        fast way to read many pages, and reads of up to 64 KiB of a mapped
        file keep the GIL (a copy costs less than releasing it).

        Raises what :meth:`read` raises; TypeError for a read-only buffer.
        """
        return self._vm.read_into(paddr, buffer)

    def read_virt(self, vaddr: int, size: int) -> bytes:
        """Read *size* bytes at kernel virtual address *vaddr*, across
        pages mapped anywhere. ppc64 dumps (either byte order) translate
        the linear map, the kernel page tables (radix or hash MMU, 4 KiB
        or 64 KiB pages, huge leaves) and, under the hash MMU,
        vmemmap_list; other machines their segments' p_vaddr.

        Raises Error with errno EFAULT for an address the kernel did not
        map, NotInDumpError if a page table or the memory is not in the
        dump, MalformedError for an implausible page-table entry or
        VMCOREINFO value, NotFoundError if VMCOREINFO lacks a key the
        translation needs, UnsupportedError for a page size or kernel
        version whose layout is not known; the message names the address
        and the level where the walk stopped.
        """
        return self._vm.read_virt(vaddr, size)

    def virt_to_phys(self, vaddr: int) -> int:
        """The physical address of kernel virtual address *vaddr*; raises
        as :meth:`read_virt`."""
        return self._vm.virt_to_phys(vaddr)

    def page_class(self, pfn: int, *, zero: bool = False) -> str:
        """What page frame *pfn* held, from its struct page: one of
        :data:`PAGE_CLASSES`. "unknown" means the descriptor could not be
        read or trusted (keep such a page). *zero* reads the page and
        says "zero" if it is all zeros (not for free, hwpoison, offline
        or unknown pages).

        Raises NotInDumpError if *pfn* is not in the dump, NotFoundError
        or MalformedError for a missing or bad PAGESIZE.
        """
        return _class_name(self._vm.page_class(
            pfn, _fadump.PAGE_CHECK_ZERO if zero else 0))

    def page_classes(self, *, runs: bool = False, zero: bool = False,
                     start: int = 0, end: Optional[int] = None
                     ) -> Union[Dict[str, int], List[PageRun]]:
        """Classify the dump's pages (those in [*start*, *end*), all by
        default): a dict of the pages of each class in
        :data:`PAGE_CLASSES` order, or with *runs* the list of
        :class:`PageRun`, in pfn order, never spanning a hole. *zero* as
        for :meth:`page_class`: it reads the dump. The walk runs in C
        without the GIL.

        Raises what :meth:`page_class` raises for PAGESIZE.
        """
        flags = _fadump.PAGE_CHECK_ZERO if zero else 0
        last = (1 << 64) - 1 if end is None else end
        if not runs:
            counts = self._vm.page_runs(start, last, flags, True)
            out = {name: 0 for name in PAGE_CLASSES}
            for cls, n in enumerate(counts):
                out[_class_name(cls)] += n
            return out
        return [PageRun(pfn, count, _class_name(cls))
                for pfn, count, cls in self._vm.page_runs(start, last, flags)]

    def save(self, dest: StrPath, *, name: Optional[StrPath] = None,
             release: Union[bool, str] = False, force: bool = False,
             create_dest: bool = True, release_batch: Optional[int] = None,
             progress: Optional[ProgressCallback] = None,
             sparse: bool = True, chunk_size: int = 0, level: int = 0,
             format: str = FORMAT_ELF, compression: Optional[str] = None,
             threads: int = 0) -> SaveResult:
        """Save the dump durably into directory *dest*, as *name*
        ("vmcore" by default).

        What is written: *level* is makedumpfile's dump level (-d), the
        sum of what to leave out: 1 all-zero pages, 2 page cache, 4 page
        cache with private data, 8 user pages, 16 free pages
        (:data:`DUMP_LEVEL_MAX`, 31: all of them); pages whose class is
        unknown are always kept. *format* is :data:`FORMAT_ELF` or
        :data:`FORMAT_KDUMP` (makedumpfile's compressed format, header
        version 6), *compression* the kdump file's compressor, one of
        :data:`COMPRESSIONS` (None: zstd where this build has it, else
        zlib; ValueError with ELF; UnsupportedError for one this build
        lacks, see :func:`compression_supported`), *threads* the
        compression threads (0: one per online CPU). The defaults,
        level 0 and ELF, are the plain copy of earlier versions;
        ``fadumpctl save`` defaults to level 31, kdump.

        The plain copy is byte for byte the file, with all-zero blocks
        left as holes unless *sparse* is False. It is written to an unnamed
        temporary file (O_TMPFILE, mode 0600; on filesystems without
        O_TMPFILE a ".vmcore.XXXXXX" that a SIGKILL would leave behind),
        synced and linked into place, never over an existing file.
        *progress(done, total)* is called after each chunk of
        *chunk_size* bytes (0: 1 MiB); an exception it raises -- or a
        KeyboardInterrupt -- stops the copy, the partial file is removed
        and the exception propagates. The GIL is released while copying.

        *dest* is created (mode 0700, its parent must exist) unless
        *create_dest* is False, as ``fadumpctl save`` does. It must not be
        a symbolic link, and must belong to root or the caller and be
        writable by its owner only: a directory others can write to is
        refused with AccessError unless *force* is True.

        *release* gives the dump's memory back to the system, only for
        the live dump (InvalidArgumentError otherwise):

        - False: keep it.
        - True or "auto": range by range while copying where the kernel
          has /sys/kernel/fadump/release_range (this project's kernel
          patch), else all of it once the copy is in place.
        - "ranges": range by range, or UnsupportedError (EOPNOTSUPP)
          before anything is written if the kernel cannot.
        - "end": all of it (release_mem) once the copy is in place.

        Range-wise, every *release_batch* bytes (None: 64 MiB) of the
        copy are fdatasync()ed and the memory they hold is released; the
        copy is then written as "<name>.partial" and renamed at the end.
        If such a save fails after memory was released, that ".partial"
        file is kept -- it is the only copy of the released memory -- and
        the message says so. :attr:`SaveResult.release_mode` tells what
        actually ran.

        With a release asked, *progress* is called once more, with done
        == total, when the copy is in place and before the release: an
        exception then keeps the memory. Once the copy is in place with a
        release asked, this Vmcore is closed (the kernel removes
        /proc/vmcore). If the release then fails (or that last progress
        call raises), the exception is raised, the saved copy stays, and
        the exception's ``save_result`` attribute is the
        :class:`SaveResult` (released False).

        Raises ExistsError (the target exists), Error with errno ENOSPC or
        EDQUOT, NotFoundError (*dest*'s parent is missing, or *dest* with
        *create_dest* False), NotADirError, InvalidArgumentError (bad
        name, chunk_size or release_batch; a release of a dump that is
        not the live one), TypeError and ValueError (bad level, format,
        compression or threads), AccessError (not permitted, or an unsafe
        *dest*), UnsupportedError (``release="ranges"`` on a kernel
        without release_range), Error with errno ELOOP (*dest* is a
        symbolic link) or EIO, and the errors of :meth:`System.release`.
        """
        flags = 0 if sparse else _fadump.SAVE_NO_SPARSE
        if create_dest:
            flags |= _fadump.SAVE_CREATE_DEST
        if force:
            flags |= _fadump.SAVE_ALLOW_UNSAFE_DEST
        policy = _release_policy(release)
        if policy is not None:
            flags |= _RELEASE_FLAGS[policy]
        if release_batch is None:
            release_batch = 0
        elif isinstance(release_batch, bool) or \
                not isinstance(release_batch, int):
            raise TypeError('release_batch must be an int or None, not %s'
                            % type(release_batch).__name__)
        elif release_batch <= 0:
            raise ValueError('release_batch must be positive, not %d'
                             % release_batch)
        what = _save_settings(level, format, compression, threads)
        if policy == 'ranges' and self._live:
            self._check_release_range()
        saved = os.fsdecode(name) if name is not None else 'vmcore'
        path = os.path.join(os.fsdecode(dest), saved)
        try:
            r = self._vm.save(dest, name, flags, chunk_size, progress,
                              release_batch, *what)
        except BaseException as e:
            partial = getattr(e, 'save_result', None)
            if isinstance(partial, dict):
                # The copy is in place; the release did not happen.
                e.save_result = _save_result(path, partial, level)
                self.close()
            raise
        if policy is not None:
            # release_mem removed /proc/vmcore: the file is gone
            self.close()
        return _save_result(path, r, level)

    def _check_release_range(self) -> None:
        st = _fadump.Context(self._root).status()
        if not st['release_range_available']:
            raise _fadump._exception_for(
                errno.EOPNOTSUPP,
                "release='ranges': this kernel has no "
                "/sys/kernel/fadump/release_range (libfadump's kernel "
                "patch); release='end' releases after the copy instead")


def _release_policy(release: Union[bool, str]) -> Optional[str]:
    """None for no release, else 'auto', 'ranges' or 'end'."""
    if release is False:
        return None
    if release is True:
        return 'auto'
    if isinstance(release, str) and release in RELEASE_POLICIES:
        return release
    raise ValueError("release must be False, True, 'auto', 'ranges' or "
                     "'end', not %r" % (release,))


def _count(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError('%s must be an int, not %s'
                        % (name, type(value).__name__))
    if not low <= value <= high:
        raise ValueError('%s must be from %d to %d, not %d'
                         % (name, low, high, value))
    return value


def _save_settings(level: int, format: str, compression: Optional[str],
                   threads: int) -> Tuple[int, int, int, int]:
    """fadump_save_opts' dump_level, format, compression, threads."""
    _count('level', level, 0, DUMP_LEVEL_MAX)
    _count('threads', threads, 0, 2**32 - 1)
    if format not in _SAVE_FORMATS:
        raise ValueError("format must be 'elf' or 'kdump', not %r" % (format,))
    if compression is None:
        return level, _SAVE_FORMATS[format], _fadump.COMPRESS_DEFAULT, threads
    if format != FORMAT_KDUMP:
        raise ValueError("compression applies to format='kdump' only")
    if not compression_supported(compression):
        raise _fadump._exception_for(
            errno.EOPNOTSUPP,
            'this build of libfadump cannot write %s' % compression)
    return (level, _SAVE_FORMATS[format], _COMPRESSION_VALUES[compression],
            threads)


def _by_class(counts: List[int]) -> Dict[str, int]:
    return {PAGE_CLASSES[c]: n for c, n in enumerate(counts)
            if c < len(PAGE_CLASSES)}


def _save_result(path: str, r: Dict[str, Any], level: int) -> SaveResult:
    fmt = FORMAT_KDUMP if r['format'] == _fadump.SAVE_FORMAT_KDUMP \
        else FORMAT_ELF
    # the plain copy looks at no page: no counts to report
    plain = level == 0 and fmt == FORMAT_ELF
    return SaveResult(path=path, bytes_total=r['bytes_total'],
                      bytes_written=r['bytes_written'],
                      zero_bytes_skipped=r['zero_bytes_skipped'],
                      seconds=r['nanoseconds'] / 1e9,
                      released=r['released'],
                      release_mode=r['release_mode'],
                      bytes_released_early=r['bytes_released_early'],
                      ranges_released=r['ranges_released'],
                      syncs=r['syncs'],
                      format=fmt,
                      compression=(_fadump.compression_name(r['compression'])
                                   if fmt == FORMAT_KDUMP else None),
                      dump_level=level,
                      threads=r['threads'],
                      file_bytes=(r['file_bytes'] or r['bytes_total']
                                  if plain else r['file_bytes']),
                      pages_total=None if plain else r['pages_total'],
                      pages_kept=None if plain else r['pages_kept'],
                      class_kept=None if plain else _by_class(r['class_kept']),
                      class_excluded=(None if plain else
                                      _by_class(r['class_excluded'])),
                      unknown_reason=r['unknown_reason'] or None,
                      excluded_ranges_released=r['excluded_ranges_released'],
                      excluded_bytes_released=r['excluded_bytes_released'])
