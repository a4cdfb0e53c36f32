# SPDX-License-Identifier: LGPL-2.1-or-later
"""bash completion of fadumpctl (data/fadumpctl.bash).

The script keeps a static command list; these tests hold it to
'fadumpctl --help' (commands, decode TYPEs, long options) so the two cannot
drift, and run the completion function in bash with bash-completion's
helpers to check what TAB offers.

Environment (set by tests/meson.build): FADUMPCTL.
"""

import os
import re
import shutil
import subprocess

import pytest

from conftest import FADUMPCTL, require_env

require_env('FADUMPCTL')
SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SCRIPT = os.path.join(SOURCE_DIR, 'data', 'fadumpctl.bash')
BASH_COMPLETION = '/usr/share/bash-completion/bash_completion'


def help_text():
    p = subprocess.run([FADUMPCTL, '--help'], stdout=subprocess.PIPE,
                       text=True, check=True, env={'LC_ALL': 'C'})
    return p.stdout


def help_section(text, title):
    """Lines of the --help section starting with TITLE, up to a blank line."""
    lines = text.split('\n')
    start = next(i for i, l in enumerate(lines) if l.startswith(title))
    out = []
    for l in lines[start + 1:]:
        if not l.strip():
            break
        out.append(l)
    return out


def help_commands():
    return [l.split()[0] for l in help_section(help_text(), 'Commands:')]


def help_decode_types():
    types = []
    for l in help_section(help_text(), 'decode TYPEs'):
        # "  kernel-dump FILE   ..." lines; "(check exits ...)" notes are not types
        m = re.match(r'  ([a-z][a-z-]*) FILE\b', l)
        if m:
            types.append(m.group(1))
    return types


def help_long_options():
    return sorted(set(re.findall(r'(--[a-z][a-z-]*)', help_text())))


def script_words(var):
    text = open(SCRIPT).read()
    m = re.search(var + r"='([^']*)'", text)
    assert m, var
    return m.group(1).split()


def test_commands_match_help():
    assert help_commands(), 'no commands parsed from --help'
    assert sorted(script_words('commands')) == sorted(help_commands())


def test_decode_types_match_help():
    assert help_decode_types(), 'no decode types parsed from --help'
    assert sorted(script_words('decode_types')) == sorted(help_decode_types())


def test_every_long_option_is_completed():
    text = open(SCRIPT).read()
    missing = [o for o in help_long_options()
               if not re.search(re.escape(o) + r'\b', text)]
    assert missing == []


needs_bash_completion = pytest.mark.skipif(
    not (shutil.which('bash') and os.path.exists(BASH_COMPLETION)),
    reason='bash or bash-completion not installed')


def complete(line, cwd):
    """What TAB offers at the end of LINE (words split on blanks)."""
    words = line.split(' ')
    script = f'''
source {BASH_COMPLETION}
source {SCRIPT}
COMP_WORDS=({' '.join(_quote(w) for w in words)})
COMP_CWORD={len(words) - 1}
COMP_LINE={_quote(line)}
COMP_POINT={len(line)}
_fadumpctl fadumpctl "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\\n' "${{COMPREPLY[@]}}"
'''
    p = subprocess.run(['bash', '--norc', '--noprofile', '-c', script],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, cwd=cwd, timeout=30)
    assert p.returncode == 0, p.stderr
    return sorted(w for w in p.stdout.split('\n') if w)


def _quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


@pytest.fixture
def tree(tmp_path):
    (tmp_path / 'dumps').mkdir()
    (tmp_path / 'dir2').mkdir()
    (tmp_path / 'vmcore').write_bytes(b'')
    (tmp_path / 'kd.bin').write_bytes(b'')
    return tmp_path


@needs_bash_completion
def test_first_word_is_a_command(tree):
    assert complete('fadumpctl ', tree) == sorted(help_commands())
    assert complete('fadumpctl re', tree) == sorted(
        c for c in help_commands() if c.startswith('re'))
    # after global options and their arguments too
    assert complete('fadumpctl --root dumps --json sta', tree) == ['status']


@needs_bash_completion
def test_save_dest_is_a_directory(tree):
    assert complete('fadumpctl save ', tree) == ['dir2', 'dumps']


@needs_bash_completion
def test_info_and_dmesg_take_files(tree):
    for cmd in ('info', 'dmesg'):
        got = complete(f'fadumpctl {cmd} ', tree)
        assert 'vmcore' in got and 'kd.bin' in got, got


@needs_bash_completion
def test_decode_type_then_file(tree):
    assert complete('fadumpctl decode ', tree) == sorted(help_decode_types())
    got = complete('fadumpctl decode kernel-dump ', tree)
    assert 'kd.bin' in got
    assert complete('fadumpctl decode opal-fdm kd.bin ', tree) == ['be', 'le']


@needs_bash_completion
def test_release_values(tree):
    assert complete('fadumpctl save --release=', tree) == ['auto', 'end', 'ranges']
    assert complete('fadumpctl save --release=r', tree) == ['ranges']


@needs_bash_completion
def test_options_per_command(tree):
    assert '--force' in complete('fadumpctl save --', tree)
    assert '--range' in complete('fadumpctl release --', tree)
    assert '--registers' in complete('fadumpctl info --', tree)
    assert '--pages' in complete('fadumpctl info --', tree)
    assert '--virt' in complete('fadumpctl read --', tree)
    assert complete('fadumpctl read 0x1000 ', tree) == []
    assert 'vmcore' in complete('fadumpctl read 0x1000 64 ', tree)
    assert '--force' not in complete('fadumpctl status --', tree)
    assert complete('fadumpctl devtree --source ', tree) == ['auto', 'dir', 'fdt']
    assert complete('fadumpctl bootargs ', tree) == ['get', 'set']


@needs_bash_completion
def test_save_settings(tree):
    for opt in ('--level', '--format', '--compress', '--threads'):
        assert opt in complete('fadumpctl save --', tree)
        assert opt not in complete('fadumpctl info --', tree)
    assert complete('fadumpctl save --format ', tree) == ['elf', 'kdump']
    assert complete('fadumpctl save --compress z', tree) == ['zlib', 'zstd']
    assert complete('fadumpctl save --compress ', tree) == [
        'lzo', 'none', 'zlib', 'zstd']
    assert complete('fadumpctl save --level ', tree) == ['0', '31']
    assert complete('fadumpctl save --threads ', tree) == ['auto']
    # an option's value is not taken for the command or for DEST
    assert complete('fadumpctl --level 0 sta', tree) == ['status']
    assert complete('fadumpctl save --level 31 --compress zlib ', tree) == [
        'dir2', 'dumps']
