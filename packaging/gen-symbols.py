#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Write debian/libfadump1.symbols from libfadump/libfadump.sym.

The version script is the ABI: every symbol of a node first appeared in
the release that introduced the node, so the minimal version a package
needs follows from the node alone. NODE_VERSIONS maps each node to that
release; a node missing from it is an error, so adding LIBFADUMP_1.3 to
the version script fails the smoke test until it is mapped here.

  gen-symbols.py [SYMFILE] > debian/libfadump1.symbols
  gen-symbols.py --check debian/libfadump1.symbols [SYMFILE]
"""

import argparse
import difflib
import re
import sys

NODE_VERSIONS = {
    "LIBFADUMP_1.0": "0.1.0",
    "LIBFADUMP_1.1": "0.2.0",
    "LIBFADUMP_1.2": "0.3.0",
    "LIBFADUMP_1.3": "0.4.0",
    "LIBFADUMP_1.4": "0.5.0",
}

SONAME = "libfadump.so.1"
PACKAGE = "libfadump1"
DEV_PACKAGE = "libfadump-dev"

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*\Z")


class SymError(Exception):
    pass


def parse(text, name):
    """[(node, [symbols])] in file order, with the checks ld would make
    and a few it would not (a symbol in two nodes, a global wildcard)."""
    # Comments may span lines; keep the line count for messages.
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"),
                  text, flags=re.S)
    if "/*" in text:
        raise SymError(f"{name}: unterminated comment")
    tokens = []
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0]
        for tok in re.findall(r"[{};]|[^\s{};]+", line):
            tokens.append((tok, lineno))

    nodes, seen = [], {}
    i = 0

    def take(expect=None):
        nonlocal i
        if i >= len(tokens):
            raise SymError(f"{name}: unexpected end of file")
        tok, lineno = tokens[i]
        i += 1
        if expect is not None and tok != expect:
            raise SymError(f"{name}:{lineno}: expected '{expect}', found '{tok}'")
        return tok, lineno

    while i < len(tokens):
        node, lineno = take()
        if not IDENT.match(node):
            raise SymError(f"{name}:{lineno}: bad version node name '{node}'")
        if node in dict(nodes):
            raise SymError(f"{name}:{lineno}: version node {node} defined twice")
        take("{")
        section, symbols = None, []
        while True:
            tok, lineno = take()
            if tok == "}":
                break
            if tok in ("global:", "local:"):
                section = tok[:-1]
                continue
            take(";")
            if section == "local":
                continue
            if section is None:
                raise SymError(f"{name}:{lineno}: '{tok}' before global:")
            if not IDENT.match(tok):
                raise SymError(f"{name}:{lineno}: '{tok}' is not a plain symbol "
                               "name (wildcards belong under local:)")
            if tok in seen:
                raise SymError(f"{name}:{lineno}: {tok} already in {seen[tok]}")
            seen[tok] = node
            symbols.append(tok)
        # "} PARENT;" or "};"
        tok, lineno = take()
        if tok != ";":
            if tok not in dict(nodes):
                raise SymError(f"{name}:{lineno}: {node} inherits unknown node '{tok}'")
            take(";")
        nodes.append((node, symbols))
    if not nodes:
        raise SymError(f"{name}: no version node")
    return nodes


def render(nodes):
    out = [f"{SONAME} {PACKAGE} #MINVER#",
           f"* Build-Depends-Package: {DEV_PACKAGE}"]
    entries = []
    for node, symbols in nodes:
        if node not in NODE_VERSIONS:
            raise SymError(f"version node {node} has no release in "
                           "packaging/gen-symbols.py NODE_VERSIONS")
        version = NODE_VERSIONS[node]
        # dpkg-gensymbols lists each version definition as a symbol too.
        entries.append((f"{node}@{node}", version))
        entries += [(f"{s}@{node}", version) for s in symbols]
    out += [f" {sym} {ver}" for sym, ver in sorted(entries)]
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", metavar="SYMBOLS",
                    help="compare with this file instead of printing")
    ap.add_argument("symfile", nargs="?", default="libfadump/libfadump.sym")
    args = ap.parse_args()
    try:
        with open(args.symfile, encoding="utf-8") as f:
            text = render(parse(f.read(), args.symfile))
        if args.check is None:
            sys.stdout.write(text)
            return 0
        with open(args.check, encoding="utf-8") as f:
            have = f.read()
    except (OSError, SymError, UnicodeDecodeError) as e:
        print(f"gen-symbols.py: {e}", file=sys.stderr)
        return 2
    if have == text:
        return 0
    sys.stderr.writelines(difflib.unified_diff(
        have.splitlines(True), text.splitlines(True),
        args.check, f"generated from {args.symfile}"))
    print(f"gen-symbols.py: {args.check} is out of date: run "
          f"packaging/gen-symbols.py > {args.check}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
