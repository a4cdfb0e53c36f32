# SPDX-License-Identifier: LGPL-2.1-or-later
"""The synthetic kernels' constants (tests/mkkernel.h) against the kernel's
own headers: an oracle the test generator and the library both answer to.

mkkernel.h copies page-table geometries, entry bits, region starts,
section flags, page types and page-flag numbers out of the Linux 7.2
headers; a slip there would make the unit tests agree with a library
that is wrong in the same way. This reads the headers from the kernel
source tarball and compares. Skipped without the source:

    FADUMP_KERNEL_SOURCE   a linux-source-*.tar.xz or an unpacked tree
                           (default: the e2e chroot's
                           ~/.cache/libfadump-e2e/chroot-*/usr/src/
                           linux-source-7.2.tar.xz)
"""

import glob
import os
import re
import tarfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
HEADERS = {
    'radix-4k.h': 'arch/powerpc/include/asm/book3s/64/radix-4k.h',
    'radix-64k.h': 'arch/powerpc/include/asm/book3s/64/radix-64k.h',
    'hash-4k.h': 'arch/powerpc/include/asm/book3s/64/hash-4k.h',
    'hash-64k.h': 'arch/powerpc/include/asm/book3s/64/hash-64k.h',
    'radix.h': 'arch/powerpc/include/asm/book3s/64/radix.h',
    'pgtable.h': 'arch/powerpc/include/asm/book3s/64/pgtable.h',
    'mmu.h': 'arch/powerpc/include/asm/mmu.h',
    'mmzone.h': 'include/linux/mmzone.h',
    'page-flags.h': 'include/linux/page-flags.h',
}


def source():
    s = os.environ.get('FADUMP_KERNEL_SOURCE')
    if s:
        return s
    found = sorted(glob.glob(os.path.expanduser(
        '~/.cache/libfadump-e2e/chroot-*/usr/src/linux-source-*.tar.xz')))
    return found[-1] if found else None


@pytest.fixture(scope='module')
def headers():
    src = source()
    if not src or not os.path.exists(src):
        pytest.skip('no kernel source (set FADUMP_KERNEL_SOURCE)')
    want = {v: k for k, v in HEADERS.items()}
    out = {}
    if os.path.isdir(src):
        for rel, name in want.items():
            with open(os.path.join(src, rel)) as f:
                out[name] = f.read()
    else:
        with tarfile.open(src, 'r|*') as tar:     # one pass over the stream
            for m in tar:
                rel = m.name.split('/', 1)[-1]
                if rel in want:
                    out[want[rel]] = tar.extractfile(m).read().decode()
                    if len(out) == len(want):
                        break
    missing = set(HEADERS) - set(out)
    assert not missing, missing
    return out


def c_value(expr, defines=None):
    """The value of a simple C constant expression."""
    e = re.sub(r'/\*.*?\*/|//.*', '', expr).strip()
    e = re.sub(r'ASM_CONST\((.*)\)', r'\1', e)
    e = re.sub(r'\b(0x[0-9a-fA-F]+|[0-9]+)(ULL|UL|U|L)\b', r'\1', e)
    if defines:
        e = re.sub(r'\b([A-Za-z_]\w*)\b',
                   lambda m: str(defines[m.group(1)]) if m.group(1) in defines
                   else m.group(1), e)
    return eval(e, {'__builtins__': {}})


def defines(text):
    out = {}
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    for m in re.finditer(r'^#define[ \t]+(\w+)[ \t]+(.+?)[ \t]*$', text, re.M):
        try:
            out[m.group(1)] = c_value(m.group(2), out)
        except Exception:
            pass
    return out


@pytest.fixture(scope='module')
def mkk():
    with open(os.path.join(HERE, 'mkkernel.h')) as f:
        return defines(f.read())


def test_geometries(headers, mkk):
    for header, prefix, kprefix in (('radix-4k.h', 'MKK_RADIX_4K_', 'RADIX_'),
                                    ('radix-64k.h', 'MKK_RADIX_64K_', 'RADIX_'),
                                    ('hash-4k.h', 'MKK_H_4K_', 'H_'),
                                    ('hash-64k.h', 'MKK_H_64K_', 'H_')):
        k = defines(headers[header])
        for level in ('PTE', 'PMD', 'PUD', 'PGD'):
            name = '%s_INDEX_SIZE' % level
            assert mkk[prefix + name] == k[kprefix + name], (header, name)


def test_regions(headers, mkk):
    radix = defines(headers['radix.h'])
    h4k = defines(headers['hash-4k.h'])
    h64k = defines(headers['hash-64k.h'])
    assert mkk['MKK_KERN_VIRT_START'] == radix['RADIX_KERN_VIRT_START']
    assert mkk['MKK_KERN_VIRT_START'] == h64k['H_KERN_VIRT_START']
    assert mkk['MKK_RADIX_KERN_MAP_SIZE'] == radix['RADIX_KERN_MAP_SIZE']
    assert mkk['MKK_RADIX_KERN_MAP_SIZE'] == h64k['H_KERN_MAP_SIZE']
    assert mkk['MKK_H_4K_KERN_VIRT_START'] == h4k['H_KERN_VIRT_START']
    assert mkk['MKK_H_4K_KERN_MAP_SIZE'] == h4k['H_KERN_MAP_SIZE']


def test_entry_bits(headers, mkk):
    k = defines(headers['pgtable.h'])
    assert mkk['MKK_PAGE_PRESENT'] == k['_PAGE_PRESENT'] == 1 << 63
    assert mkk['MKK_PAGE_PTE'] == k['_PAGE_PTE'] == 1 << 62
    assert mkk['MKK_PMD_MASKED_BITS'] == k['PMD_MASKED_BITS']
    assert mkk['MKK_PAGE_KERNEL_RW'] == (k['_PAGE_PRIVILEGED'] | k['_PAGE_READ'] |
                                         k['_PAGE_WRITE'] | k['_PAGE_DIRTY'] |
                                         k['_PAGE_ACCESSED'])


def test_mmu(headers, mkk):
    k = defines(headers['mmu.h'])
    assert mkk['MKK_MMU_PAGE_16M'] == k['MMU_PAGE_16M']
    assert mkk['MKK_MMU_FTR_TYPE_RADIX'] == k['MMU_FTR_TYPE_RADIX']


def enum_body(text, start, end):
    body = text[text.index(start):]
    return body[:body.index(end)]


def test_section_flags(headers, mkk):
    body = enum_body(headers['mmzone.h'], 'SECTION_MARKED_PRESENT_BIT',
                     'SECTION_MAP_LAST_BIT')
    bits = re.findall(r'^\s*(SECTION_\w+)_BIT,', body, re.M)
    assert bits[:4] == ['SECTION_MARKED_PRESENT', 'SECTION_HAS_MEM_MAP',
                        'SECTION_IS_ONLINE', 'SECTION_IS_EARLY']
    for i, name in enumerate(bits[:4]):
        assert mkk['MKK_' + name] == 1 << i


def test_page_types(headers, mkk):
    body = enum_body(headers['page-flags.h'], 'enum pagetype {', '};')
    k = {m.group(1): int(m.group(2), 0) for m in
         re.finditer(r'(PGTY_\w+)\s*=\s*(0x[0-9a-f]+)', body)}
    for name in ('BUDDY', 'OFFLINE', 'TABLE', 'HUGETLB', 'SLAB'):
        assert mkk['MKK_PGTY_' + name] == k['PGTY_' + name.lower()]


def test_page_flags(headers, mkk):
    """enum pageflags as ppc64 configures it: CONFIG_MMU and
    CONFIG_MEMORY_FAILURE on, every later option irrelevant."""
    body = enum_body(headers['page-flags.h'], 'enum pageflags {',
                     '__NR_PAGEFLAGS')
    names = [m.group(1) for m in
             re.finditer(r'^\s*(PG_\w+),', re.sub(r'/\*.*?\*/', '', body,
                                                   flags=re.S), re.M)]
    index = {n: i for i, n in enumerate(names)}
    assert mkk['MKK_PG_LRU'] == index['PG_lru']
    assert mkk['MKK_PG_HEAD'] == index['PG_head']
    assert mkk['MKK_PG_OWNER_PRIV_1'] == index['PG_owner_priv_1']
    assert mkk['MKK_PG_PRIVATE'] == index['PG_private']
    assert mkk['MKK_PG_SWAPBACKED'] == index['PG_swapbacked']
    assert mkk['MKK_PG_HWPOISON'] == index['PG_hwpoison']
    assert 'PG_swapcache = PG_owner_priv_1' in headers['page-flags.h']


def test_pcp_lists(headers, mkk):
    """The per-CPU lists: MIGRATE_PCPTYPES (an enum value),
    PAGE_ALLOC_COSTLY_ORDER, and NR_PCP_THP's 2 lists with THP."""
    text = headers['mmzone.h']
    body = enum_body(text, 'enum migratetype {', '};')
    names = re.findall(r'^\s*(MIGRATE_\w+)', re.sub(r'/\*.*?\*/', '', body,
                                                    flags=re.S), re.M)
    assert names.index('MIGRATE_PCPTYPES') == mkk['MKK_MIGRATE_PCPTYPES']
    k = defines(text)
    assert mkk['MKK_PAGE_ALLOC_COSTLY_ORDER'] == k['PAGE_ALLOC_COSTLY_ORDER']
    assert re.search(r'#define NR_PCP_THP 2\b', text)
    assert re.search(r'#define NR_PCP_LISTS \(NR_LOWORDER_PCP_LISTS \+ '
                     r'NR_PCP_THP\)', text)
    assert re.search(r'#define NR_LOWORDER_PCP_LISTS \(MIGRATE_PCPTYPES \* '
                     r'\(PAGE_ALLOC_COSTLY_ORDER \+ 1\)\)', text)
