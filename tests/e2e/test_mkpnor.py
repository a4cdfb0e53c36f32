"""tests/e2e/mkpnor.py against the FFS layout of skiboot's libflash/ffs.h.

The oracle is the header file's field list, transcribed here as byte offsets
(struct __ffs_hdr: 12 be32 words; struct __ffs_entry: name[16] at 0, base 16,
size 20, pid 24, id 28, type 32, flags 36, actual 40, resvd[4] 44,
struct __ffs_entry_user 60..123, checksum 124), and libffs.c's validation
rule: the XOR of every 32-bit word of a structure, its checksum included,
is zero.  Nothing is taken from mkpnor.py's own format strings.
"""
import importlib.util
import os
import struct

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("mkpnor", os.path.join(HERE, "mkpnor.py"))
mkpnor = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mkpnor)

HDR_BYTES = 12 * 4
ENTRY_BYTES = 16 + 7 * 4 + 4 * 4 + 64 + 4


def be32(buf, off):
    return struct.unpack_from(">I", buf, off)[0]


def xor_words(buf):
    x = 0
    for off in range(0, len(buf), 4):
        x ^= struct.unpack_from("<I", buf, off)[0]   # byte order does not matter for a zero XOR
    return x


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    p = tmp_path_factory.mktemp("pnor") / "pnor.bin"
    assert mkpnor.main([str(p), "--size", "2"]) == 0
    return p.read_bytes()


def test_size_and_erased_flash(image):
    assert len(image) == 2 << 20
    # everything after the table (header + one entry) is erased flash
    assert set(image[HDR_BYTES + ENTRY_BYTES:]) == {0xFF}


def test_header(image):
    hdr = image[:HDR_BYTES]
    assert hdr[:4] == b"PART"                       # FFS_MAGIC 0x50415254
    assert be32(hdr, 4) == 1                        # FFS_VERSION_1
    assert be32(hdr, 8) == 1                        # table size: one 4 KiB block
    assert be32(hdr, 12) == ENTRY_BYTES == 128      # entry_size = sizeof(struct __ffs_entry)
    assert be32(hdr, 16) == 1                       # entry_count
    assert be32(hdr, 20) == 0x1000                  # block_size
    assert be32(hdr, 24) == (2 << 20) // 0x1000     # block_count covers the flash
    assert hdr[28:44] == bytes(16)                  # resvd[4]
    assert xor_words(hdr) == 0, "header checksum: XOR of its words must be 0"


def test_part_entry(image):
    e = image[HDR_BYTES:HDR_BYTES + ENTRY_BYTES]
    assert e[:16] == b"part" + bytes(12)            # NUL-terminated name[16]
    assert be32(e, 16) == 0                         # base (blocks): the table is at 0
    assert be32(e, 20) == 1                         # size (blocks): covers the table
    assert be32(e, 24) == 0xFFFFFFFF                # pid: FFS_PID_TOPLEVEL
    assert be32(e, 28) == 1                         # id in [1..65536]
    assert be32(e, 32) == 3                         # FFS_TYPE_PARTITION
    assert be32(e, 36) == 0                         # flags
    assert be32(e, 40) == 0x1000                    # actual, in bytes
    assert e[44:124] == bytes(80)                   # resvd[4] + user data
    assert xor_words(e) == 0, "entry checksum: XOR of its words must be 0"


def test_checksum_catches_a_flipped_bit(image):
    hdr = bytearray(image[:HDR_BYTES])
    hdr[21] ^= 0x10
    assert xor_words(bytes(hdr)) != 0


def test_sizes_that_do_not_fit_are_refused(tmp_path):
    with pytest.raises(ValueError):
        mkpnor.write_pnor(str(tmp_path / "x"), 0x1800, 0x1000)
    with pytest.raises(SystemExit):
        mkpnor.main([str(tmp_path / "y"), "--block-size", "3000"])
