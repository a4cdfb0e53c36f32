#!/usr/bin/env python3
"""Check that the version script, the public header and the library agree.

usage: check-symbols.py libfadump.sym fadump.h libfadump.so
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import abiparse  # noqa: E402


def exported(path):
    out = subprocess.run(["nm", "-D", "--defined-only", path], check=True,
                         capture_output=True, text=True).stdout
    syms = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TWDBR":
            syms.add(parts[2].split("@")[0])
    return syms


def main():
    mapped = abiparse.map_symbols(sys.argv[1])
    declared = set(abiparse.header_prototypes(sys.argv[2]))
    defined = exported(sys.argv[3])
    ok = True
    for what, names in (
        ("in the version script but not declared in fadump.h", mapped - declared),
        ("declared in fadump.h but not in the version script", declared - mapped),
        ("in the version script but not defined by the library", mapped - defined),
        ("exported by the library but not in the version script", defined - mapped),
    ):
        for name in sorted(names):
            print(f"{name}: {what}")
            ok = False
    print(f"{len(mapped)} symbols checked")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
