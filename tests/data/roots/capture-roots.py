#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Build fixture roots from what a real kernel exported in the e2e run.

tests/e2e/run.sh boots our 7.2 kernel under QEMU pseries, and the guest
copies what the kernel and firmware expose into its artifacts folder
(tests/e2e/README.md): for each state a "raw" folder with the fadump
sysfs values, `ls -la` of the sysfs directories, the debugfs region
report, /sys/firmware/fdt and a tar of /proc/device-tree/rtas, next to
fadumpctl's own --json output in the guest. This script turns those into
roots like the synthetic ones of mkroots.py, keeping the kernel's bytes:

    sys/kernel/fadump/*            the captured values; a write-only
                                   attribute (release_mem, 0200) is an
                                   empty file, as in every root
    sys/kernel/fadump_*            the legacy names: relative symlinks
                                   with the target `ls -la` showed, or
                                   files if the kernel had real files
    sys/kernel/debug/powerpc/fadump_region
    sys/firmware/fdt               the real blob
    sys/firmware/devicetree/base   the properties the library reads
                                   (root compatible, device_type, model;
                                   the /rtas dump properties), cut out of
                                   the real data; proc/device-tree links
                                   to it
    proc/vmcore                    an empty placeholder, capture only

and copies the guest's `fadumpctl --json` outputs to
tests/data/golden/<root>/<command>.json. Golden files the guest did not
write are left alone: they are written by hand (tests/data/README).

    tests/data/roots/capture-roots.py build-e2e/artifacts
    tests/data/roots/capture-roots.py build-e2e/artifacts-be capture

Roots are named qemu-<kernel major.minor>-<le|be>-<state>; the states
are registered (first boot), capture (dump active) and released (after
release_mem, before registering again). Python standard library only.
Anything missing or inconsistent in the artifacts stops the script with
a message naming the file: a root must never be silently incomplete.
"""

import argparse
import io
import os
import re
import shutil
import struct
import sys
import tarfile

# state -> (artifacts subfolder of the raw copies, prefix of the guest's
# fadumpctl outputs in the boot folder)
STATES = {
    'registered': ('boot1/raw', 'boot1/boot1'),
    'capture': ('boot2/raw-capture', 'boot2/capture'),
    'released': ('boot2/raw-released', 'boot2/released'),
}

GOLDEN_COMMANDS = ('status', 'regions', 'devtree', 'metadata', 'check')

# What the library reads from the device tree (libfadump/devtree.c), plus
# the root model, which says what machine the root is.
ROOT_PROPS = ('compatible', 'device_type', 'model')
RTAS_PROPS = ('ibm,configure-kernel-dump', 'ibm,configure-kernel-dump-sizes',
              'ibm,configure-kernel-dump-version', 'ibm,kernel-dump')
OPAL_DUMP_PROPS = ('compatible', 'fw-load-area', 'mpipl-boot')

# platform -> (the guest's tar of the firmware's dump node, that node's
# path under /proc/device-tree, the properties the library reads there)
FW_NODES = {
    'pseries': ('rtas.tar', 'rtas', RTAS_PROPS),
    'powernv': ('opal-dump.tar', 'ibm,opal/dump', OPAL_DUMP_PROPS),
}

DT = 'sys/firmware/devicetree/base'
DT_LINK = ('proc/device-tree', '../sys/firmware/devicetree/base')
FADUMP_DIR = 'sys/kernel/fadump'
REGION = 'sys/kernel/debug/powerpc/fadump_region'

# Bounds for hostile or truncated input: the blob QEMU passes is 192 KiB,
# sysfs values are at most a page.
MAX_FDT = 16 << 20
MAX_ATTR = 64 << 10
MAX_PROP = 1 << 20
MAX_DEPTH = 64


class CaptureError(Exception):
    pass


def fail(fmt, *args):
    raise CaptureError(fmt % args)


def read_bytes(path, limit):
    try:
        with open(path, 'rb') as f:
            data = f.read(limit + 1)
    except OSError as e:
        fail('%s: %s', path, e.strerror)
    if len(data) > limit:
        fail('%s: larger than %d bytes', path, limit)
    return data


# --------------------------------------------------------------------------
# The flattened device tree (Documentation/devicetree/booting-without-of)
# --------------------------------------------------------------------------

FDT_MAGIC = 0xd00dfeed
FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 1, 2, 3, 4, 9


def fdt_properties(blob, where):
    """{"/node/prop": bytes} of every property of a version 16/17 blob."""
    if len(blob) < 40:
        fail('%s: %d bytes, shorter than an FDT header', where, len(blob))
    (magic, total, off_struct, off_strings, _, version, _, _,
     size_strings, size_struct) = struct.unpack('>10I', blob[:40])
    if magic != FDT_MAGIC:
        fail('%s: magic 0x%08x, not an FDT', where, magic)
    if version < 16 or total > len(blob):
        fail('%s: version %d, totalsize %d of %d bytes: not a blob this '
             'script reads', where, version, total, len(blob))
    if version < 17:
        size_struct = total - off_struct    # the field came with v17
    if off_struct + size_struct > total or off_strings + size_strings > total:
        fail('%s: struct or strings block outside the blob', where)
    strings = blob[off_strings:off_strings + size_strings]
    end = off_struct + size_struct
    pos = off_struct
    path = []
    props = {}

    def cstring(buf, at, what):
        nul = buf.find(b'\0', at)
        if nul < 0:
            fail('%s: unterminated %s at offset %d', where, what, at)
        return buf[at:nul].decode('ascii', 'replace'), nul + 1

    while True:
        if pos + 4 > end:
            fail('%s: struct block ends without FDT_END', where)
        token, = struct.unpack_from('>I', blob, pos)
        pos += 4
        if token == FDT_BEGIN_NODE:
            name, pos = cstring(blob, pos, 'node name')
            pos = (pos + 3) & ~3
            path.append(name)
            if len(path) > MAX_DEPTH:
                fail('%s: nodes nested deeper than %d', where, MAX_DEPTH)
        elif token == FDT_END_NODE:
            if not path:
                fail('%s: FDT_END_NODE without a node', where)
            path.pop()
        elif token == FDT_PROP:
            if pos + 8 > end or not path:
                fail('%s: property outside a node at offset %d', where, pos)
            length, nameoff = struct.unpack_from('>II', blob, pos)
            pos += 8
            if pos + length > end:
                fail('%s: property at offset %d runs past the struct block',
                     where, pos)
            name, _ = cstring(strings, nameoff, 'property name')
            node = '/'.join(path[1:])       # the root node's name is ""
            props['/' + (node + '/' if node else '') + name] = \
                blob[pos:pos + length]
            pos = (pos + length + 3) & ~3
        elif token == FDT_NOP:
            pass
        elif token == FDT_END:
            if path:
                fail('%s: FDT_END inside a node', where)
            return props
        else:
            fail('%s: unknown token 0x%x at offset %d', where, token, pos - 4)


# --------------------------------------------------------------------------
# The raw copies
# --------------------------------------------------------------------------

def ls_entries(path):
    """busybox `ls -la` lines as {name: (mode, symlink target or None)}."""
    out = {}
    text = read_bytes(path, MAX_ATTR).decode('utf-8', 'replace')
    for line in text.splitlines():
        fields = line.split(None, 8)
        if len(fields) < 9 or len(fields[0]) != 10:
            continue                    # "total 0"
        mode, name = fields[0], fields[8]
        target = None
        if mode.startswith('l'):
            if ' -> ' not in name:
                fail('%s: symlink without a target: %s', path, line)
            name, target = name.split(' -> ', 1)
        if name not in ('.', '..'):
            out[name] = (mode, target)
    if not out:
        fail('%s: no entries: the directory was not listed', path)
    return out


def attribute(raw, name, mode):
    """An attribute's captured bytes; b'' for a write-only one."""
    value = os.path.join(raw, 'sysfs', name)
    if os.path.exists(value):
        return read_bytes(value, MAX_ATTR)
    if os.path.exists(value + '.unreadable') and 'r' not in mode:
        return b''                      # 0200: nothing to read, ever
    fail('%s: no captured value for %s (mode %s)', value, name, mode)


def sysfs_files(raw):
    files = {}
    for name, (mode, target) in sorted(ls_entries(
            os.path.join(raw, 'sysfs.ls')).items()):
        if not mode.startswith('-'):
            fail('%s/sysfs.ls: %s is not a regular file', raw, name)
        files[FADUMP_DIR + '/' + name] = attribute(raw, name, mode)

    kernel = ls_entries(os.path.join(raw, 'sys-kernel.ls'))
    if 'fadump' in kernel and not kernel['fadump'][0].startswith('d'):
        fail('%s/sys-kernel.ls: fadump is not a directory', raw)
    for name, (mode, target) in sorted(kernel.items()):
        if not name.startswith('fadump_'):
            continue
        rel = 'sys/kernel/' + name
        if target is None:
            files[rel] = attribute(raw, name, mode)     # 3.4 - 5.6 files
            continue
        dest = os.path.normpath(os.path.join('sys/kernel', target))
        if dest not in files:
            fail('%s/sys-kernel.ls: %s -> %s, which was not captured',
                 raw, name, target)
        # The guest read the link: it must show what its target showed.
        through = os.path.join(raw, 'sysfs', name)
        if os.path.exists(through) and \
                read_bytes(through, MAX_ATTR) != files[dest]:
            fail('%s: differs from %s', through, dest)
        files[rel] = ('link', target)
    return files


def devtree_files(raw, fdt_props, platform):
    files = {}
    for name in ROOT_PROPS:
        if '/' + name not in fdt_props:
            if name == 'device_type' and platform == 'powernv':
                continue                # skiboot's root has none
            fail('%s/fdt.dtb: no /%s', raw, name)
        files[DT + '/' + name] = fdt_props['/' + name]

    tar_name, node, wanted = FW_NODES[platform]
    tar_path = os.path.join(raw, tar_name)
    err = tar_path + '.err'
    if os.path.exists(err) and os.path.getsize(err):
        fail('%s: tar of /proc/device-tree/%s reported errors', err, node)
    try:
        tar = tarfile.open(fileobj=io.BytesIO(read_bytes(tar_path, MAX_FDT)))
        members = tar.getmembers()
    except tarfile.TarError as e:
        fail('%s: %s', tar_path, e)
    seen = set()
    for m in members:
        name = m.name[len(node) + 1:] if m.name.startswith(node + '/') else None
        if name not in wanted:
            continue
        if not m.isfile() or m.size > MAX_PROP:
            fail('%s: %s is not a property file', tar_path, m.name)
        data = tar.extractfile(m).read()
        # Both exports come from the same tree at boot; the library must
        # give the same answers from either, so they must agree here.
        if fdt_props.get('/%s/%s' % (node, name)) != data:
            fail('%s: %s differs from /%s/%s in fdt.dtb', tar_path,
                 m.name, node, name)
        files['%s/%s/%s' % (DT, node, name)] = data
        seen.add(name)
    for name in wanted:
        if name not in seen and '/%s/%s' % (node, name) in fdt_props:
            fail('%s: fdt.dtb has /%s/%s, the directory tree does not',
                 tar_path, node, name)
    return files


def build_root(raw, platform):
    if not os.path.isdir(raw):
        fail('%s: no such folder in the artifacts', raw)
    files = sysfs_files(raw)

    err = os.path.join(raw, 'fadump_region.err')
    if os.path.exists(err) and os.path.getsize(err):
        fail('%s: reading the region report failed', err)
    files[REGION] = read_bytes(os.path.join(raw, 'fadump_region'), MAX_ATTR)

    fdt_path = os.path.join(raw, 'fdt.dtb')
    blob = read_bytes(fdt_path, MAX_FDT)
    files['sys/firmware/fdt'] = blob
    files.update(devtree_files(raw, fdt_properties(blob, fdt_path), platform))
    files[DT_LINK[0]] = ('link', DT_LINK[1])

    # Only its existence is read; the 1.7 GB original stays out of git.
    if os.path.exists(os.path.join(raw, 'vmcore.ls')):
        files['proc/vmcore'] = b''
    return files


def write_root(path, files):
    if os.path.lexists(path):
        shutil.rmtree(path)
    os.makedirs(path)
    for rel in sorted(files):
        dest = os.path.join(path, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        content = files[rel]
        if isinstance(content, tuple):
            os.symlink(content[1], dest)
        else:
            with open(dest, 'wb') as f:
                f.write(content)


# --------------------------------------------------------------------------
# Which run this is
# --------------------------------------------------------------------------

def run_identity(artifacts):
    """("le" or "be", "7.2", "7.2.12", machine) from versions.txt; runs
    older than the powernv scenario have no machine= line: pseries."""
    text = read_bytes(os.path.join(artifacts, 'versions.txt'),
                      MAX_ATTR).decode('utf-8', 'replace')
    arch = re.search(r'^arch=(le|be)$', text, re.M)
    kernel = re.search(r'^kernel=((\d+\.\d+)(\.\d+)?)\b', text, re.M)
    machine = re.search(r'^machine=(pseries|powernv\d+)$', text, re.M)
    if not arch or not kernel:
        fail('%s/versions.txt: no arch=le|be or kernel=X.Y line', artifacts)
    return (arch.group(1), kernel.group(2), kernel.group(1),
            machine.group(1) if machine else 'pseries')


def check_uname(raw, arch, release):
    uname = read_bytes(os.path.join(raw, 'uname'), MAX_ATTR).decode()
    machine = 'ppc64le' if arch == 'le' else 'ppc64'
    fields = uname.split()
    if len(fields) < 3 or fields[2] != release or machine not in fields:
        fail('%s/uname: "%s" is not a %s %s kernel', raw, uname.strip(),
             machine, release)


def copy_golden(artifacts, prefix, golden):
    """The guest's --json outputs, byte for byte; returns what is missing."""
    missing = []
    for cmd in GOLDEN_COMMANDS:
        out = os.path.join(artifacts, '%s-%s-json.out' % (prefix, cmd))
        if not os.path.exists(out) or not os.path.getsize(out):
            missing.append(cmd)
            continue
        os.makedirs(golden, exist_ok=True)
        with open(os.path.join(golden, cmd + '.json'), 'wb') as f:
            f.write(read_bytes(out, MAX_FDT))
    return missing


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(
        description='Build fixture roots from an e2e artifacts folder.')
    ap.add_argument('artifacts', help='tests/e2e/run.sh output folder')
    ap.add_argument('states', nargs='*', metavar='STATE',
                    help='%s (default: all)' % ', '.join(STATES))
    ap.add_argument('--roots', default=here,
                    help='where the roots go (default: this folder)')
    ap.add_argument('--golden', default=os.path.join(here, '..', 'golden'),
                    help='where the golden JSON goes (default: ../golden)')
    args = ap.parse_args()
    for state in args.states:
        if state not in STATES:
            ap.error('unknown state %r (%s)' % (state, ', '.join(STATES)))

    try:
        arch, version, release, machine = run_identity(args.artifacts)
        platform = 'pseries' if machine == 'pseries' else 'powernv'
        # qemu-7.2-le-*: pseries; qemu-7.2-pnv-*: powernv (little-endian)
        flavour = arch if platform == 'pseries' else 'pnv'
        for state in args.states or list(STATES):
            raw_dir, prefix = STATES[state]
            raw = os.path.join(args.artifacts, raw_dir)
            name = 'qemu-%s-%s-%s' % (version, flavour, state)
            check_uname(raw, arch, release)
            files = build_root(raw, platform)
            write_root(os.path.join(args.roots, name), files)
            missing = copy_golden(args.artifacts, prefix,
                                  os.path.join(args.golden, name))
            print('%s: %d files from %s' % (name, len(files), raw_dir))
            for cmd in missing:
                print('  %s.json: no guest output, keep or write the '
                      'hand-verified golden file' % cmd)
    except CaptureError as e:
        print('capture-roots: %s' % e, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
