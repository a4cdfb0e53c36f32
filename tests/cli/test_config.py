# SPDX-License-Identifier: LGPL-2.1-or-later
"""fadumpctl --config: the configuration file as the commands use it.

The parser itself (every syntax rule, limit and message) is tested
directly by tests/test-config.c; here, what the commands do with it:
save without DEST (dest + a per-dump directory named after the crash
time, the release policy), register / reregister (bootargs_append), and
how a bad or missing file stops a command. Tests turn themselves on when
'fadumpctl --help' lists --config.

Environment (set by tests/meson.build): FADUMPCTL, MKVMCORE,
FADUMP_TEST_DATA.
"""

import functools
import json
import os
import shutil
import stat
import subprocess
import time

import pytest

import conftest
from conftest import (DATA, EXIT_FAILED, EXIT_OK, EXIT_UNSUPPORTED,
                      EXIT_USAGE, FADUMPCTL, ROOTS, capture_root,
                      clean_env, require_env)

require_env('FADUMPCTL', 'MKVMCORE', 'FADUMP_TEST_DATA')
CONFIGS = os.path.join(DATA, 'config')

# mkvmcore's default dump was taken at 2026-01-01 00:00:00 UTC
# (tests/mkvmcore.h: CRASHTIME 1767225600).
CRASHTIME = 1767225600
DUMP_DIR = time.strftime('%Y-%m-%d-%H:%M:%S', time.gmtime(CRASHTIME))


# a run that takes 2 minutes has hung
run = functools.partial(conftest.run, timeout=120)


def has_config_option():
    p = subprocess.run([FADUMPCTL, '--help'], stdout=subprocess.PIPE,
                       text=True, env=clean_env())
    return '--config' in p.stdout


pytestmark = pytest.mark.skipif(
    not has_config_option(),
    reason="fadumpctl --help does not list --config yet (the lead's hook)")


def write_conf(path, text):
    path.write_text(text)
    return path


def registered_root(tmp_path):
    root = tmp_path / 'registered'
    shutil.copytree(os.path.join(ROOTS, 'pseries-7.2-registered'), root,
                    symlinks=True)
    return root


def release_mem(root):
    return (root / 'sys/kernel/fadump/release_mem').read_text()


def test_save_without_dest_uses_config_dest(tmp_path):
    root = capture_root(tmp_path)
    dest = tmp_path / 'dumps'          # does not exist: created 0700
    # the raw copy through the file's keys: compared byte for byte below
    conf = write_conf(tmp_path / 'f.conf', f'dest = {dest}\nrelease = no\n'
                      'level = 0\nformat = elf\n')
    p = run('--config', conf, 'save', '--json', root=root)
    assert p.returncode == EXIT_OK, p.stderr
    saved = dest / DUMP_DIR / 'vmcore'
    assert json.loads(p.stdout)['dest'] == str(saved)
    assert saved.read_bytes() == (root / 'proc/vmcore').read_bytes()
    for d in (dest, dest / DUMP_DIR):
        assert stat.S_IMODE(os.stat(d).st_mode) == 0o700
    assert release_mem(root) == ''      # release = no


def test_save_human_output_names_the_file(tmp_path):
    # fadump-save.service relies on the journal line saying where the dump is
    root = capture_root(tmp_path)
    dest = tmp_path / 'dumps'
    conf = write_conf(tmp_path / 'f.conf', f'dest = {dest}\nrelease = no\n')
    p = run('--config', conf, 'save', root=root)
    assert p.returncode == EXIT_OK, p.stderr
    assert str(dest / DUMP_DIR / 'vmcore') in p.stdout


def test_save_without_dest_applies_release_policy(tmp_path):
    root = capture_root(tmp_path)
    dest = tmp_path / 'dumps'
    conf = write_conf(tmp_path / 'f.conf', f'dest = {dest}\nrelease = end\n')
    p = run('--config', conf, 'save', root=root)
    # The fixture's release_mem is a plain file: the "1" lands, /proc/vmcore
    # stays, so the release is reported as failed, after the copy.
    assert release_mem(root).strip() == '1'
    assert p.returncode == EXIT_FAILED
    assert (dest / DUMP_DIR / 'vmcore').exists()


def test_config_release_ranges_unsupported(tmp_path):
    root = capture_root(tmp_path)     # no release_range attribute
    conf = write_conf(tmp_path / 'f.conf',
                      f'dest = {tmp_path / "d"}\nrelease = ranges\n')
    p = run('--config', conf, 'save', root=root)
    assert p.returncode == EXIT_UNSUPPORTED, p.stderr
    assert release_mem(root) == ''


def test_explicit_dest_ignores_config_release(tmp_path):
    root = capture_root(tmp_path)
    conf = write_conf(tmp_path / 'f.conf',
                      f'dest = {tmp_path / "unused"}\nrelease = end\n')
    dest = tmp_path / 'here'
    p = run('--config', conf, 'save', dest, root=root)
    assert p.returncode == EXIT_OK, p.stderr
    assert (dest / 'vmcore').exists()
    assert not (tmp_path / 'unused').exists()
    assert release_mem(root) == ''


def test_full_fixture_file(tmp_path):
    root = capture_root(tmp_path)
    dest = tmp_path / 'dumps'
    text = open(os.path.join(CONFIGS, 'full.conf')).read()
    conf = write_conf(tmp_path / 'full.conf', text.replace('@DEST@', str(dest)))
    p = run('--config', conf, 'save', root=root)
    assert (dest / DUMP_DIR / 'vmcore').exists(), p.stderr
    assert release_mem(root).strip() == '1'        # release = end


@pytest.mark.parametrize('name, line, words', [
    ('bad-release.conf', 4, ["'yes'", 'auto, ranges, end or no']),
    ('bad-duplicate.conf', 3, ['duplicate', 'bootargs_append']),
    ('bad-key.conf', 2, ["unknown key 'path'"]),
])
def test_bad_config_stops_the_command(tmp_path, name, line, words):
    conf = os.path.join(CONFIGS, name)
    capture = capture_root(tmp_path)
    registered = registered_root(tmp_path)
    for cmd, root in ((['save'], capture), (['register'], registered)):
        p = run('--config', conf, *cmd, root=root)
        assert p.returncode == EXIT_USAGE, (cmd, p.stderr)
        first = p.stderr.strip().split('\n')[0]
        assert f'{conf}:{line}: ' in first, p.stderr
        for w in words:
            assert w in first
    # save stopped before copying or releasing anything
    assert release_mem(capture) == ''
    assert not (tmp_path / 'var').exists()


def test_missing_explicit_config_is_an_error(tmp_path):
    root = capture_root(tmp_path)
    missing = tmp_path / 'nope.conf'
    p = run('--config', missing, 'save', root=root)
    assert p.returncode != EXIT_OK
    assert str(missing) in p.stderr


def bootargs_attr(root, room):
    """The fixture's bootargs_append as a plain file: a write lands in
    place without truncating, so fill it with newlines for the kernel's
    "%s\\n" to read back right."""
    attr = root / 'sys/kernel/fadump/bootargs_append'
    attr.write_bytes(b'\n' * room)
    return attr


@pytest.mark.parametrize('cmd', ['register', 'reregister'])
def test_register_applies_bootargs_append(tmp_path, cmd):
    root = registered_root(tmp_path)
    want = 'nr_cpus=16 # not a comment'
    attr = bootargs_attr(root, len(want) + 1)
    conf = write_conf(tmp_path / 'f.conf', f'bootargs_append = "{want}"\n')
    p = run('--config', conf, cmd, root=root)
    assert p.returncode == EXIT_OK, p.stderr
    assert attr.read_text() == want + '\n'


def test_register_without_bootargs_leaves_attribute(tmp_path):
    root = registered_root(tmp_path)
    attr = root / 'sys/kernel/fadump/bootargs_append'
    before = attr.read_bytes()
    for text in ('', '# bootargs_append = "x"\nrelease = end\n'):
        conf = write_conf(tmp_path / 'f.conf', text)
        p = run('--config', conf, 'register', root=root)
        assert p.returncode == EXIT_OK, p.stderr
        assert attr.read_bytes() == before


def test_default_config_is_read_under_the_root(tmp_path):
    # Without --config: <root>/etc/fadump.conf, and its absence is no error.
    root = registered_root(tmp_path)
    p = run('register', root=root)
    assert p.returncode == EXIT_OK, p.stderr
    (root / 'etc').mkdir()
    write_conf(root / 'etc/fadump.conf', 'release = sometimes\n')
    p = run('register', root=root)
    assert p.returncode == EXIT_USAGE
    assert f"{root / 'etc/fadump.conf'}:1: " in p.stderr
