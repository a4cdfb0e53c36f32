#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Read a kdump-compressed file with libfadump and with libkdumpfile, page
by page, and say whether they agree.

    PYTHONPATH=BUILD/bindings/python python3 tests/e2e/compare-kdump.py DUMP

For every pfn below libkdumpfile's max_pfn (and a few above), both read
the page at its physical address. They agree when both return the same
bytes, or both refuse it for the same reason: libfadump's ExcludedError
for a page in the file's memory bitmap that the file does not hold
(libkdumpfile: set in memory.pagemap, clear in file.pagemap), its
NotInDumpError for one the machine did not have (clear in both). Prints

    N pages compared, N differ

(the first differences before it, on stderr) and exits 0 if none differ,
1 if some do, 2 if a file cannot be opened. Needs python3-libkdumpfile
and the fadump package (the build's bindings/python on PYTHONPATH, or
installed).
"""
import argparse
import sys

DATA, EXCLUDED, ABSENT = 'data', 'excluded', 'absent'
# pfns above max_pfn that must read as absent in both
PAST_END = 4


def fadump_reader(path):
    """(read(pfn) -> (kind, bytes or message), page size) of libfadump."""
    import fadump

    vm = fadump.Vmcore(path)
    info = vm.info
    if info.format != fadump.FORMAT_KDUMP:
        raise SystemExit('%s: libfadump reads it as %s, not a kdump file'
                         % (path, info.format))

    def read(pfn, page_size):
        try:
            return DATA, vm.read(pfn * page_size, page_size)
        except fadump.ExcludedError as e:
            return EXCLUDED, e.strerror
        except fadump.NotInDumpError as e:
            return ABSENT, e.strerror
        except fadump.Error as e:
            return 'error', e.strerror
    return read


def kdumpfile_reader(path):
    """(read(pfn), page size, max pfn) of libkdumpfile."""
    import kdumpfile

    k = kdumpfile.kdumpfile(path)
    page_size = k.attr['arch.page_size']
    max_pfn = k.attr['max_pfn']
    memory = k.attr['memory.pagemap']

    def present(pfn):
        return bool(memory.get_bits(pfn, pfn)[0] & 1)

    def read(pfn, size):
        try:
            return DATA, bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR,
                                      pfn * size, size))
        except kdumpfile.exceptions.NoDataException as e:
            if pfn < max_pfn and present(pfn):
                return EXCLUDED, str(e)
            return ABSENT, str(e)
        except kdumpfile.exceptions.KDumpBaseException as e:
            return 'error', str(e)
    return read, page_size, max_pfn


def compare(read_fadump, read_kdumpfile, page_size, max_pfn, report,
            limit=10):
    """Compare pfns 0 .. max_pfn + PAST_END; report(msg) the first
    @limit differences. Returns (compared, differ)."""
    differ = 0
    total = max_pfn + PAST_END
    for pfn in range(total):
        a = read_fadump(pfn, page_size)
        b = read_kdumpfile(pfn, page_size)
        if a[0] == b[0] and (a[0] != DATA or a[1] == b[1]):
            continue
        differ += 1
        if differ <= limit:
            if a[0] == b[0]:
                first = next(i for i in range(page_size) if a[1][i] != b[1][i])
                report('pfn %#x: the pages differ from byte %#x' % (pfn, first))
            else:
                report('pfn %#x: libfadump: %s (%s); libkdumpfile: %s (%s)'
                       % (pfn, a[0], a[1] if a[0] != DATA else 'read',
                          b[0], b[1] if b[0] != DATA else 'read'))
    return total, differ


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('dump', help='a kdump-compressed file')
    args = ap.parse_args()
    try:
        read_k, page_size, max_pfn = kdumpfile_reader(args.dump)
        read_f = fadump_reader(args.dump)
    except (OSError, ImportError) as e:
        print('compare-kdump: %s' % e, file=sys.stderr)
        return 2
    except Exception as e:     # kdumpfile's own exceptions, whatever base
        print('compare-kdump: %s: %s' % (args.dump, e), file=sys.stderr)
        return 2
    compared, differ = compare(read_f, read_k, page_size, max_pfn,
                               lambda msg: print(msg, file=sys.stderr))
    print('%d pages compared, %d differ' % (compared, differ))
    return 1 if differ else 0


if __name__ == '__main__':
    sys.exit(main())
