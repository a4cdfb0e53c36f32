#!/usr/bin/env python3
"""Write a minimal PNOR flash image for QEMU's powernv machines.

QEMU's bundled skiboot (v7.1-106) dies in flash_unregister() on the MPIPL
(crash) path when the machine has no flash image: a machine check, and QEMU
hangs (fixed upstream in skiboot 0e9e56e756f7, in no release yet).  A flash
image (-drive file=pnor.bin,format=raw,if=mtd) that holds a valid OpenPOWER
partition table avoids it.  The table is skiboot's FFS format
(libflash/ffs.h): one header and, here, the one entry every PNOR has, "part",
the partition that covers the table itself.  Everything else is erased
flash (0xff), as on a real chip.

    mkpnor.py OUT [--size MIB] [--block-size BYTES]

All fields are big-endian 32-bit words; each structure ends in a checksum
word chosen so that the XOR of all its words, checksum included, is zero
(skiboot's ffs_checksum()).
"""
import argparse
import struct
import sys

FFS_MAGIC = 0x50415254          # "PART"
FFS_VERSION_1 = 1
FFS_TYPE_PARTITION = 3
FFS_PID_TOPLEVEL = 0xFFFFFFFF
PART_NAME_LEN = 16              # FFS_PART_NAME_MAX + 1

# struct __ffs_hdr without its checksum: magic, version, size (of the table,
# in blocks), entry_size, entry_count, block_size, block_count, resvd[4]
HDR_FMT = ">11I"
# struct __ffs_entry without its checksum: name[16], base, size (in blocks),
# pid, id, type, flags, actual (bytes), resvd[4], then struct
# __ffs_entry_user: chip, compresstype, datainteg (be16), vercheck,
# miscflags, freemisc[2], reserved[14] (be32)
ENTRY_FMT = ">16s7I4I" + "BBHBB2s14I"
HDR_SIZE = struct.calcsize(HDR_FMT) + 4         # 48
ENTRY_SIZE = struct.calcsize(ENTRY_FMT) + 4     # 128


def xor_checksum(data):
    """The word that makes the XOR of data's 32-bit words and itself zero
    (the rule is the same in either byte order: packed big-endian here)."""
    csum = 0
    for (w,) in struct.iter_unpack(">I", data):
        csum ^= w
    return struct.pack(">I", csum)


def pnor_table(size, block_size):
    """The partition table (header + "part" entry) for a flash of size bytes."""
    if size % block_size:
        raise ValueError(f"flash size {size} is not a multiple of the block size {block_size}")
    table_blocks = -(-(HDR_SIZE + ENTRY_SIZE) // block_size)
    hdr = struct.pack(HDR_FMT, FFS_MAGIC, FFS_VERSION_1, table_blocks, ENTRY_SIZE, 1,
                      block_size, size // block_size, 0, 0, 0, 0)
    hdr += xor_checksum(hdr)
    entry = struct.pack(ENTRY_FMT, b"part", 0, table_blocks, FFS_PID_TOPLEVEL, 1,
                        FFS_TYPE_PARTITION, 0, table_blocks * block_size, 0, 0, 0, 0,
                        0, 0, 0, 0, 0, b"\0\0", *([0] * 14))
    entry += xor_checksum(entry)
    return hdr + entry, table_blocks * block_size


def write_pnor(path, size, block_size):
    table, table_bytes = pnor_table(size, block_size)
    with open(path, "wb") as f:
        f.write(table)
        f.write(b"\xff" * (table_bytes - len(table)))
        # erased flash reads 0xff; written in blocks, not held in memory
        chunk = b"\xff" * (1 << 20)
        left = size - table_bytes
        while left:
            n = min(left, len(chunk))
            f.write(chunk[:n])
            left -= n


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--size", type=int, default=32, help="flash size in MiB (default 32)")
    ap.add_argument("--block-size", type=int, default=0x1000,
                    help="erase block size in bytes (default 4096, as on OpenPOWER PNORs)")
    a = ap.parse_args(argv)
    if a.size <= 0 or a.block_size <= 0 or a.block_size & (a.block_size - 1):
        ap.error("--size must be positive and --block-size a power of two")
    write_pnor(a.out, a.size << 20, a.block_size)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
