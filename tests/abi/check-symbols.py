#!/usr/bin/env python3
"""Check that the version script, the public header and the library agree.

usage: check-symbols.py libfadump.sym fadump.h libfadump.so
"""
import re
import subprocess
import sys


def map_symbols(path):
    text = re.sub(r"/\*.*?\*/", "", open(path).read(), flags=re.S)
    syms = set()
    for node in re.finditer(r"global:(.*?)(?:local:|\})", text, re.S):
        syms |= {s.strip() for s in node.group(1).split(";") if s.strip()}
    return syms


def header_functions(path):
    text = re.sub(r"/\*.*?\*/", "", open(path).read(), flags=re.S)
    # A declaration: return type, the name, '(' ... at file scope.
    return set(re.findall(r"^[a-z][\w \*]*?\b(fadump_\w+)\s*\(", text, re.M))


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
    mapped = map_symbols(sys.argv[1])
    declared = header_functions(sys.argv[2])
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
