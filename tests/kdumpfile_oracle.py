# SPDX-License-Identifier: LGPL-2.1-or-later
"""python3-libkdumpfile as the independent reader of the dumps we write.

Shared by the CLI and binding tests (their conftest.py put tests/ on
sys.path): a file libkdumpfile reads page by page, with the pages it has
no data for (left out of a filtered dump) as None.
"""
import pytest


def kdumpfile_pages(path):
    """(libkdumpfile's object, read(pfn) -> bytes, or None without data)."""
    kdumpfile = pytest.importorskip('kdumpfile')
    k = kdumpfile.kdumpfile(str(path))
    page = k.attr['arch.page_size']

    def read(pfn):
        try:
            return bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, pfn * page, page))
        except kdumpfile.exceptions.NoDataException:
            return None
    return k, read
