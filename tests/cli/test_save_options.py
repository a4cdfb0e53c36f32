# SPDX-License-Identifier: LGPL-2.1-or-later
"""fadumpctl save's choice of what to write: --level, --format, --compress,
--threads, the configuration's level, format, compress and threads, and
which wins. What the saved file then holds is test_save_filter.py's.

Expected words and exit statuses come from the --help text, fadump.conf(5)
and the exit-status table; which compressors this build has comes from
its meson configuration (FADUMP_BUILD_COMPRESSORS), not from the library.

Environment (set by tests/meson.build): FADUMPCTL, MKVMCORE,
FADUMP_TEST_DATA, FADUMP_BUILD_COMPRESSORS.
"""

import json
import os
import shutil
import subprocess

import pytest

from conftest import (EXIT_OK, EXIT_UNSUPPORTED, EXIT_USAGE, MKVMCORE, ROOTS,
                      assert_one_error_line, capture_root, require_env, run)

require_env('FADUMPCTL', 'MKVMCORE', 'FADUMP_TEST_DATA',
            'FADUMP_BUILD_COMPRESSORS')
BUILD_COMPRESSORS = os.environ['FADUMP_BUILD_COMPRESSORS'].split()
MISSING_COMPRESSORS = sorted({'zstd', 'lzo'} - set(BUILD_COMPRESSORS))


@pytest.fixture
def src(tmp_path):
    path = tmp_path / 'src.vmcore'
    subprocess.run([MKVMCORE, '--size', '8M', str(path)], check=True,
                   stdout=subprocess.DEVNULL)
    return path


def save_json(*args, root=None):
    p = run('save', '--json', *args, root=root)
    assert p.returncode == EXIT_OK, p.stderr
    return json.loads(p.stdout)


@pytest.mark.parametrize('args, words', [
    (['--level', '32'], ["--level: '32' is not a dump level from 0 to 31"]),
    (['--level', '-1'], ["--level: '-1' is not"]),
    (['--level', '0x1f'], ["--level: '0x1f' is not"]),
    (['--level', ''], ["--level: '' is not"]),
    (['--level=31k'], ["--level: '31k' is not"]),
    (['--format', 'raw'], ["--format: 'raw' is not kdump or elf"]),
    (['--format', 'KDUMP'], ["--format: 'KDUMP' is not"]),
    (['--compress', 'gzip'], ["--compress: 'gzip' is not zstd, zlib, lzo or none"]),
    (['--compress', 'default'], ["--compress: 'default' is not"]),
    (['--threads', '4097'], ["--threads: '4097' is not auto or a thread count"]),
    (['--threads', '-2'], ["--threads: '-2' is not"]),
    (['--threads', 'all'], ["--threads: 'all' is not"]),
    (['--level'], ["option '--level' needs an argument"]),
])
def test_bad_values_are_usage_errors(tmp_path, src, args, words):
    # last: an option missing its argument must not take another's
    p = run('save', '--source', src, tmp_path / 'd', *args)
    assert_one_error_line(p, EXIT_USAGE, None, *words)
    assert not (tmp_path / 'd').exists()


@pytest.mark.parametrize('cmd', ['info', 'status', 'dmesg'])
@pytest.mark.parametrize('opt', [['--level', '1'], ['--format', 'elf'],
                                 ['--compress', 'zlib'], ['--threads', '2']])
def test_options_apply_to_save_only(cmd, opt):
    p = run(cmd, *opt, root=os.path.join(ROOTS, 'pseries-7.2-capture'))
    assert_one_error_line(p, EXIT_USAGE, cmd, '--level, --format, --compress '
                          'and --threads apply to save only')


@pytest.mark.parametrize('comp', ['zlib', 'none', 'zstd', 'lzo'])
def test_compress_with_elf_is_a_usage_error(tmp_path, src, comp):
    p = run('save', '--format', 'elf', '--compress', comp, '--source', src,
            tmp_path / 'd')
    assert_one_error_line(p, EXIT_USAGE, 'save',
                          '--compress applies to --format kdump only')
    assert not (tmp_path / 'd').exists()


@pytest.mark.skipif(not MISSING_COMPRESSORS,
                    reason='this build has every compressor')
@pytest.mark.parametrize('comp', MISSING_COMPRESSORS)
def test_compressor_the_build_lacks(tmp_path, src, comp):
    p = run('save', '--compress', comp, '--source', src, tmp_path / 'd')
    assert_one_error_line(p, EXIT_UNSUPPORTED, 'save',
                          'this build of libfadump cannot write ' + comp)
    assert not (tmp_path / 'd').exists()


# --------------------------------------------------------------------------
# the configuration file, and the command line over it

def conf(tmp_path, text):
    path = tmp_path / 'fadump.conf'
    path.write_text('dest = %s\nrelease = no\n%s' % (tmp_path / 'dumps', text))
    return path


def test_config_keys_reach_the_save(tmp_path):
    root = capture_root(tmp_path)
    c = conf(tmp_path, 'level = 5\nthreads = 1\n')
    assert save_json('--config', c, root=root)['dump_level'] == 5


def test_options_override_the_file(tmp_path):
    root = capture_root(tmp_path)
    c = conf(tmp_path, 'level = 5\nformat = kdump\ncompress = zlib\n')
    got = save_json('--config', c, '--level', '0', '--format', 'elf',
                    root=root)
    # the file's compress is for its kdump format: not an error with elf
    assert (got['dump_level'], got['compression']) == (0, None)
    assert got['classes'] is None
    saved = got['dest']
    assert open(saved, 'rb').read() == (root / 'proc/vmcore').read_bytes()


def test_explicit_dest_ignores_the_files_save_keys(tmp_path):
    # As for release: the file is the unattended capture boot's.
    root = capture_root(tmp_path)
    c = conf(tmp_path, 'level = 5\nformat = elf\n')
    got = save_json('--config', c, tmp_path / 'here', root=root)
    assert got['dump_level'] == 31


def test_compress_over_a_files_elf_format(tmp_path):
    root = capture_root(tmp_path)
    c = conf(tmp_path, 'format = elf\n')
    p = run('--config', c, 'save', '--compress', 'zlib', root=root)
    assert_one_error_line(p, EXIT_USAGE, 'save',
                          '--compress applies to --format kdump only')
    assert not (tmp_path / 'dumps').exists()


@pytest.mark.parametrize('text, line, words', [
    ('level = 32\n', 3, ["level: '32' is not a dump level from 0 to 31"]),
    ('\nformat = ELF\n', 4, ["format: 'ELF' is not kdump or elf"]),
    ('compress = xz\n', 3, ["compress: 'xz' is not zstd, zlib, lzo or none"]),
    ('threads = many\n', 3, ["threads: 'many' is not auto or a thread count"]),
    ('format = elf\ncompress = zlib\n', 4,
     ['compress: applies to format = kdump only (format = elf on line 3)']),
])
@pytest.mark.parametrize('cmd', ['save', 'register'])
def test_bad_save_keys_name_file_line_and_key(tmp_path, text, line, words,
                                              cmd):
    root = capture_root(tmp_path)
    if cmd == 'register':
        root = tmp_path / 'registered'
        shutil.copytree(os.path.join(ROOTS, 'pseries-7.2-registered'), root,
                        symlinks=True)
    c = conf(tmp_path, text)
    p = run('--config', c, cmd, root=root)
    assert p.returncode == EXIT_USAGE, p.stderr
    first = p.stderr.split('\n')[0]
    assert first.startswith('fadumpctl: %s: %s:%d: ' % (cmd, c, line)), p.stderr
    for w in words:
        assert w in first, p.stderr
    assert not (tmp_path / 'dumps').exists()


@pytest.mark.skipif(not MISSING_COMPRESSORS,
                    reason='this build has every compressor')
@pytest.mark.parametrize('comp', MISSING_COMPRESSORS)
def test_file_compressor_the_build_lacks(tmp_path, comp):
    root = capture_root(tmp_path)
    c = conf(tmp_path, 'compress = %s\n' % comp)
    p = run('--config', c, 'save', root=root)
    assert_one_error_line(p, EXIT_UNSUPPORTED, 'save', '%s:3: ' % c,
                          'compress: this build of libfadump cannot write '
                          + comp)
    assert not (tmp_path / 'dumps').exists()
