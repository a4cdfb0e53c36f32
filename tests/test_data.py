# SPDX-License-Identifier: LGPL-2.1-or-later
"""The systemd units and the udev rule of data/ (data/meson.build registers
this as test 'data').

- systemd-analyze verify passes on the units as built, with ExecStart=
  pointed at the built fadumpctl (the installed path does not exist yet);
- the units run fadumpctl from the configured sbindir and name only units
  that exist here or in systemd;
- the udev rule passes 'udevadm verify' where udevadm has it; otherwise a
  check of its syntax by udev's grammar (udev_rules.c: KEY[{attr}] OP
  "value", comma separated; match keys take == and !=, assignments =, +=,
  -=, :=; GOTO needs its LABEL).

Environment: FADUMP_DATA_BUILD_DIR, FADUMP_SBINDIR, FADUMPCTL.
"""

import glob
import os
import re
import shutil
import subprocess

import pytest

BUILD = os.environ.get('FADUMP_DATA_BUILD_DIR')
SBINDIR = os.environ.get('FADUMP_SBINDIR')
FADUMPCTL = os.environ.get('FADUMPCTL')
if not BUILD or not SBINDIR or not FADUMPCTL:
    pytest.skip('run through meson test', allow_module_level=True)
SOURCE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                      'data')
UNITS = sorted(glob.glob(os.path.join(BUILD, '*.service')))
RULES = os.path.join(SOURCE, '90-fadump.rules')


def test_units_built():
    names = [os.path.basename(u) for u in UNITS]
    assert names == ['fadump-register.service', 'fadump-reregister.service',
                     'fadump-save.service']


def unit_lines(path):
    out = []
    for l in open(path):
        l = l.strip()
        if l and not l.startswith('#') and '=' in l:
            k, v = l.split('=', 1)
            out.append((k, v))
    return out


@pytest.mark.parametrize('unit', UNITS, ids=os.path.basename)
def test_exec_uses_sbindir(unit):
    fadumpctl = os.path.join(SBINDIR, 'fadumpctl')
    execs = [v for k, v in unit_lines(unit) if k.startswith('Exec')]
    main = [v for k, v in unit_lines(unit) if k == 'ExecStart']
    assert len(main) == 1 and main[0].startswith(fadumpctl + ' ')
    assert '@' not in open(unit).read().replace('@.service', '')
    for v in execs:
        assert v.lstrip('-').split()[0].startswith('/'), v


@pytest.mark.parametrize('unit', UNITS, ids=os.path.basename)
def test_named_units_exist(unit):
    ours = {os.path.basename(u) for u in UNITS}
    for k, v in unit_lines(unit):
        if k in ('After', 'Before', 'Wants', 'Requires', 'WantedBy'):
            for name in v.split():
                assert name in ours or name.endswith('.target'), (k, name)


@pytest.mark.skipif(not shutil.which('systemd-analyze'),
                    reason='systemd-analyze not installed')
def test_systemd_analyze_verify(tmp_path):
    fadumpctl = os.path.join(SBINDIR, 'fadumpctl')
    copies = []
    for u in UNITS:
        dst = tmp_path / os.path.basename(u)
        dst.write_text(open(u).read().replace(fadumpctl, FADUMPCTL))
        copies.append(str(dst))
    p = subprocess.run(['systemd-analyze', 'verify', '--man=no'] + copies,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, cwd=tmp_path)
    # Lines about units outside ours (the host's own setup) are not ours.
    ours = [l for l in p.stdout.split('\n')
            if any(os.path.basename(c) in l for c in copies)]
    assert p.returncode == 0 and ours == [], p.stdout


MATCH_KEYS = {'ACTION', 'DEVPATH', 'KERNEL', 'KERNELS', 'NAME', 'SYMLINK',
              'SUBSYSTEM', 'SUBSYSTEMS', 'DRIVER', 'DRIVERS', 'ATTR', 'ATTRS',
              'SYSCTL', 'ENV', 'CONST', 'TAG', 'TAGS', 'TEST', 'PROGRAM',
              'RESULT'}
ASSIGN_KEYS = {'NAME', 'SYMLINK', 'OWNER', 'GROUP', 'MODE', 'SECLABEL', 'ATTR',
               'SYSCTL', 'ENV', 'TAG', 'RUN', 'LABEL', 'GOTO', 'IMPORT',
               'OPTIONS'}
TOKEN = re.compile(r'\s*([A-Z]+)(\{[^}]*\})?\s*(==|!=|\+=|-=|:=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)')


def parse_rule(line):
    tokens, pos = [], 0
    while pos < len(line):
        m = TOKEN.match(line, pos)
        if not m:
            raise AssertionError(f'cannot parse at {line[pos:]!r}')
        tokens.append(m.groups()[:4])
        pos = m.end()
    return tokens


def rule_lines():
    return [l.strip() for l in open(RULES)
            if l.strip() and not l.strip().startswith('#')]


def test_udev_rule_syntax():
    labels, gotos = set(), []
    for line in rule_lines():
        for key, attr, op, value in parse_rule(line):
            if op in ('==', '!='):
                assert key in MATCH_KEYS, (key, line)
            else:
                assert key in ASSIGN_KEYS, (key, line)
            if key == 'LABEL':
                labels.add(value)
            if key == 'GOTO':
                gotos.append(value)
            if key == 'RUN':
                argv = value.split()
                assert os.path.isabs(argv[0])
                # the unit it starts is one of ours
                units = [a for a in argv if a.endswith('.service')]
                assert units and all(
                    os.path.exists(os.path.join(BUILD, u)) for u in units), value
    assert gotos and set(gotos) <= labels


def test_udev_rule_parser_rejects_errors():
    # the syntax check above would catch these
    for bad in ('SUBSYSTEM="memory"x', 'SUBSYSTEM=="memory" ACTION=="add"',
                'subsystem=="memory"'):
        with pytest.raises(AssertionError):
            parse_rule(bad)


def udevadm_has_verify():
    if not shutil.which('udevadm'):
        return False
    p = subprocess.run(['udevadm', 'verify', '--help'],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return p.returncode == 0


@pytest.mark.skipif(not udevadm_has_verify(),
                    reason='no udevadm verify (systemd < 254)')
def test_udevadm_verify():
    p = subprocess.run(['udevadm', 'verify', RULES], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    assert p.returncode == 0, p.stdout
