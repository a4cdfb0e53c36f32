# SPDX-License-Identifier: LGPL-2.1-or-later
"""The man pages as built (man/meson.build registers this as test 'man').

- every page renders without a warning from groff (man -l --warnings);
- fadumpctl(8) describes every command and long option 'fadumpctl --help'
  lists (parsed from the help, not copied);
- every function of include/fadump.h has a page, its own ".so" alias or a
  group page, and that page's SYNOPSIS carries the header's prototype.

Environment: FADUMP_MAN_BUILD_DIR (the built pages), FADUMP_SOURCE_DIR,
FADUMPCTL.
"""

import functools
import os
import re
import shutil
import subprocess

import pytest

MAN_DIR = os.environ.get('FADUMP_MAN_BUILD_DIR')
SOURCE_DIR = os.environ.get('FADUMP_SOURCE_DIR')
FADUMPCTL = os.environ.get('FADUMPCTL')
if not MAN_DIR or not SOURCE_DIR or not FADUMPCTL:
    pytest.skip('run through meson test (FADUMP_MAN_BUILD_DIR, '
                'FADUMP_SOURCE_DIR, FADUMPCTL)', allow_module_level=True)
if not shutil.which('man'):
    pytest.skip('man (man-db) is not installed', allow_module_level=True)

SO = re.compile(r'^\.so man3/(\S+)\.3$')


def built_pages():
    """Full pages (not .so aliases) in the build directory."""
    pages = []
    for name in sorted(os.listdir(MAN_DIR)):
        if not re.search(r'\.[1-8]$', name):
            continue
        with open(os.path.join(MAN_DIR, name)) as f:
            first = f.readline().strip()
        if not SO.match(first):
            pages.append(name)
    return pages


def render(page, width=200):
    env = dict(os.environ, MANWIDTH=str(width), LC_ALL='C.UTF-8',
               MAN_KEEP_FORMATTING='')
    p = subprocess.run(['man', '-l', '--warnings', '-E', 'UTF-8',
                        os.path.join(MAN_DIR, page)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, text=True)
    return p


@functools.lru_cache(maxsize=None)
def plain(page):
    p = render(page)
    assert p.returncode == 0, p.stderr
    # no bold/underline overstrikes, no hyphen characters man may use
    return re.sub(r'.\x08', '', p.stdout).replace('\u2010', '-')


def test_pages_are_there():
    names = set(built_pages())
    for want in ('fadumpctl.8', 'fadump.conf.5', 'libfadump.3'):
        assert want in names


@pytest.mark.parametrize('page', built_pages())
def test_renders_without_warnings(page):
    p = render(page, width=80)
    assert p.returncode == 0
    assert p.stderr == '', p.stderr
    assert len(p.stdout.split('\n')) > 20
    # nothing wider than the terminal it was rendered for
    wide = [l for l in re.sub(r'.\x08', '', p.stdout).split('\n') if len(l) > 80]
    assert wide == []


def help_text():
    return subprocess.run([FADUMPCTL, '--help'], stdout=subprocess.PIPE,
                          text=True, check=True).stdout


def help_commands():
    lines = help_text().split('\n')
    start = lines.index('Commands:')
    cmds = []
    for l in lines[start + 1:]:
        if not l.strip():
            break
        cmds.append(l.split()[0])
    return cmds


def section(text, name):
    m = re.search(r'^' + name + r'\n(.*?)(?=^[A-Z][A-Z ]+\n)', text, re.M | re.S)
    assert m, name
    return m.group(1)


def test_fadumpctl_page_has_every_command():
    cmds = help_commands()
    assert len(cmds) > 10
    body = section(plain('fadumpctl.8'), 'COMMANDS')
    described = set(re.findall(r'^       ([a-z]+)\b', body, re.M))
    missing = [c for c in cmds if c not in described]
    assert missing == []


def test_fadumpctl_page_has_every_option():
    opts = sorted(set(re.findall(r'(--[a-z][a-z-]*)', help_text())))
    assert '--root' in opts
    text = plain('fadumpctl.8')
    missing = [o for o in opts if not re.search(re.escape(o) + r'\b', text)]
    assert missing == []


def test_fadumpctl_page_has_every_exit_status():
    # the table of --help, "  N  text" lines under "Exit status:"
    codes = re.findall(r'^  ([0-9])  ', help_text().split('Exit status:')[1], re.M)
    assert codes
    body = section(plain('fadumpctl.8'), 'EXIT STATUS')
    assert re.findall(r'^       ([0-9])$', body, re.M) == codes


def header_prototypes():
    text = open(os.path.join(SOURCE_DIR, 'include', 'fadump.h')).read()
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    protos = {}
    for m in re.finditer(r'(?:^|\n)([A-Za-z][^;{}#]*?\b(fadump_\w+)\s*\([^;{}]*\))\s*;',
                         text):
        decl = ' '.join(m.group(1).split())
        if not decl.startswith('typedef'):
            protos[m.group(2)] = decl
    return protos


def normalise(s):
    s = ' '.join(s.split())
    return s.replace('( ', '(').replace(' )', ')').replace('* ', '*')


def test_every_function_has_a_page():
    protos = header_prototypes()
    assert len(protos) > 100
    problems = []
    for fn, decl in sorted(protos.items()):
        path = os.path.join(MAN_DIR, fn + '.3')
        if not os.path.exists(path):
            problems.append(f'{fn}: no page')
            continue
        with open(path) as f:
            m = SO.match(f.readline().strip())
        page = (m.group(1) if m else fn) + '.3'
        if not os.path.exists(os.path.join(MAN_DIR, page)):
            problems.append(f'{fn}: .so to missing {page}')
            continue
        synopsis = normalise(section(plain(page), 'SYNOPSIS'))
        if normalise(decl) + ';' not in synopsis:
            problems.append(f'{fn}: {page} SYNOPSIS lacks "{decl};"')
        name = normalise(section(plain(page), 'NAME'))
        if fn not in name and 'related functions' not in name:
            problems.append(f'{fn}: not in the NAME of {page}')
    assert problems == []


def test_no_alias_without_function():
    protos = header_prototypes()
    stale = []
    for name in os.listdir(MAN_DIR):
        if name.endswith('.3') and name[:-2] not in protos:
            with open(os.path.join(MAN_DIR, name)) as f:
                if SO.match(f.readline().strip()):
                    stale.append(name)
    assert stale == []
