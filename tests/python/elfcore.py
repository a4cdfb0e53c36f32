# SPDX-License-Identifier: LGPL-2.1-or-later
"""A small ELF64 core writer for the vmcore tests, shaped like the
kernel's /proc/vmcore (fs/proc/vmcore.c): ELF header, program headers
(one PT_NOTE, then the PT_LOADs), the notes, padding to a page, then each
segment's bytes at a page-aligned offset.

Independent of the library: the layouts are written out here from the
kernel headers (include/uapi/linux/elf.h, include/linux/elfcore.h,
arch/powerpc/include/uapi/asm/ptrace.h):

  struct elf_prstatus (64-bit): pr_info {si_signo, si_code, si_errno} at
  0, pr_cursig at 12, pr_sigpend 16, pr_sighold 24, pr_pid 32, pr_ppid
  36, pr_pgrp 40, pr_sid 44, four struct timeval 48..111, pr_reg at 112
  (ppc64: ELF_NGREG 48 doublewords, the first 44 are pt_regs), pr_fpvalid
  at 496; 504 bytes.

  struct elf_prpsinfo (64-bit): pr_state, pr_sname, pr_zomb, pr_nice at
  0..3, pr_flag 8, pr_uid 16, pr_gid 20, pr_pid 24, pr_ppid 28, pr_pgrp
  32, pr_sid 36, pr_fname[16] 40, pr_psargs[80] 56; 136 bytes.
"""

import struct
from dataclasses import dataclass, field
from typing import Dict, List, Optional

EM_PPC64 = 21
EM_X86_64 = 62
NT_PRSTATUS = 1
NT_PRPSINFO = 3
PAGE = 4096

# pt_regs after gpr[32], in order
PT_REGS_TAIL = ['nip', 'msr', 'orig_gpr3', 'ctr', 'link', 'xer', 'ccr',
                'softe', 'trap', 'dar', 'dsisr', 'result']


def ppc64_regs(cpu):
    """Distinct, recognisable register values for CPU number @cpu."""
    r = {'gpr': [0xc000000007000000 + 0x100 * cpu + n for n in range(32)]}
    for i, name in enumerate(PT_REGS_TAIL):
        r[name] = 0xc0de000000000000 + (cpu << 16) + i
    return r


@dataclass
class Segment:
    paddr: int
    data: bytes                 # the bytes in the file (filesz)
    memsz: Optional[int] = None  # default len(data)
    vaddr: int = 0
    flags: int = 7              # PF_R | PF_W | PF_X


@dataclass
class Layout:
    """Where the writer put things."""
    file_size: int = 0
    # per note: name, type, desc, offset (of desc in the file)
    notes: List[Dict] = field(default_factory=list)
    seg_offsets: List[int] = field(default_factory=list)
    pr_regs: List[bytes] = field(default_factory=list)


def _note(name, ntype, desc, endian):
    n = name.encode() + b'\0'
    hdr = struct.pack(endian + '3I', len(n), len(desc), ntype)
    return hdr, n + b'\0' * (-len(n) % 4), desc + b'\0' * (-len(desc) % 4)


def prstatus(cpu, regs, endian, pid=0, signo=0, cursig=0):
    b = bytearray(504)
    struct.pack_into(endian + 'i', b, 0, signo)
    struct.pack_into(endian + 'h', b, 12, cursig)
    struct.pack_into(endian + '4i', b, 32, pid, pid + 1, pid + 2, pid + 3)
    words = list(regs['gpr']) + [regs[k] for k in PT_REGS_TAIL] + [0] * 4
    struct.pack_into(endian + '48Q', b, 112, *words)
    return bytes(b)


def prpsinfo(endian, fname, psargs, pid):
    b = bytearray(136)
    struct.pack_into(endian + 'bcbb', b, 0, 0, b'R', 0, -5)
    struct.pack_into(endian + 'Q', b, 8, 0x400040)
    struct.pack_into(endian + '2I4i', b, 16, 1000, 100, pid, 1, pid, pid)
    b[40:40 + len(fname)] = fname.encode()
    b[56:56 + len(psargs)] = psargs.encode()
    return bytes(b)


def write_core(path, segments, cpus=2, big_endian=False, machine=EM_PPC64,
               vmcoreinfo=None, prpsinfo_note=None, extra_notes=()):
    """Write a core to @path; returns its Layout.

    @cpus: number of NT_PRSTATUS notes (registers from ppc64_regs(),
    pid 0 as fadump writes them); @vmcoreinfo: the note's text or None;
    @prpsinfo_note: bytes of an NT_PRPSINFO desc or None; @extra_notes:
    (name, type, desc) tuples added at the end.
    """
    e = '>' if big_endian else '<'
    lay = Layout()
    notes = []
    for cpu in range(cpus):
        desc = prstatus(cpu, ppc64_regs(cpu), e)
        lay.pr_regs.append(desc[112:112 + 384])
        notes.append(('CORE', NT_PRSTATUS, desc))
    if prpsinfo_note is not None:
        notes.append(('CORE', NT_PRPSINFO, prpsinfo_note))
    if vmcoreinfo is not None:
        notes.append(('VMCOREINFO', 0, vmcoreinfo.encode()))
    notes.extend(extra_notes)

    phnum = 1 + len(segments)
    note_off = 64 + 56 * phnum
    blob = b''
    for name, ntype, desc in notes:
        hdr, n, d = _note(name, ntype, desc, e)
        lay.notes.append({'name': name, 'type': ntype, 'desc': desc,
                          'offset': note_off + len(blob) + len(hdr) + len(n)})
        blob += hdr + n + d
    data_off = note_off + len(blob)
    data_off += -data_off % PAGE

    phdrs = struct.pack(e + '2I6Q', 4, 0, note_off, 0, 0, len(blob),
                        len(blob), 0)
    body = b''
    for s in segments:
        off = data_off + len(body)
        lay.seg_offsets.append(off)
        memsz = s.memsz if s.memsz is not None else len(s.data)
        phdrs += struct.pack(e + '2I6Q', 1, s.flags, off, s.vaddr, s.paddr,
                             len(s.data), memsz, PAGE)
        body += s.data + b'\0' * (-len(s.data) % PAGE)

    ident = b'\x7fELF' + bytes([2, 2 if big_endian else 1, 1, 0]) + bytes(8)
    ehdr = ident + struct.pack(e + '2HI3QI6H', 4, machine, 1, 0, 64, 0, 0,
                               64, 56, phnum, 64, 0, 0)
    head = ehdr + phdrs + blob
    out = head + b'\0' * (data_off - len(head)) + body
    with open(path, 'wb') as f:
        f.write(out)
    lay.file_size = len(out)
    return lay


def pattern(paddr, size):
    """Recognisable memory contents: each 8-byte word holds its address."""
    start = paddr & ~7
    words = (size + (paddr - start) + 7) // 8
    raw = b''.join(struct.pack('<Q', start + 8 * i) for i in range(words))
    return raw[paddr - start:paddr - start + size]
