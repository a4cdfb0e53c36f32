# SPDX-License-Identifier: LGPL-2.1-or-later
"""After "meson install" into a prefix the package imports and works, with
the installed libfadump.so.1 (not the build tree's) behind it."""

import os
import subprocess
import sys

import pytest

from conftest import root_path

BUILD = os.environ.get('MESON_BUILD_ROOT')

SCRIPT = '''
import sys
import fadump
st = fadump.System(root=sys.argv[1]).status()
assert st.platform == "pseries" and st.dump_active is True, st
with open("/proc/self/maps") as f:
    libs = {l.split()[-1] for l in f if "libfadump.so" in l}
print(fadump.__file__)
print(fadump._fadump.__file__)
print("\\n".join(sorted(libs)))
'''


def find(top, name):
    for d, _, files in os.walk(top):
        if name in files:
            yield os.path.join(d, name)


@pytest.mark.skipif(not BUILD, reason='MESON_BUILD_ROOT not set: run '
                    'through meson test')
def test_import_after_meson_install(tmp_path):
    dest = tmp_path / 'destdir'
    p = subprocess.run(['meson', 'install', '-C', BUILD, '--no-rebuild',
                        '--quiet', '--destdir', str(dest)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr

    inits = [f for f in find(dest, '__init__.py')
             if os.path.basename(os.path.dirname(f)) == 'fadump']
    assert len(inits) == 1, inits
    pkg = os.path.dirname(inits[0])
    # the extension, the stubs and the marker sit in the package directory
    names = set(os.listdir(pkg))
    assert {'_fadump.pyi', 'py.typed', '_system.py', '_metadata.py',
            '_vmcore.py', '_common.py'} <= names
    assert any(n.startswith('_fadump.') and n.endswith('.so') for n in names)
    libs = list(find(dest, 'libfadump.so.1'))
    assert len(libs) == 1, libs

    env = dict(os.environ)
    env['PYTHONPATH'] = os.path.dirname(pkg)
    env['LD_LIBRARY_PATH'] = os.path.dirname(libs[0])
    p = subprocess.run([sys.executable, '-c', SCRIPT,
                        root_path('pseries-7.2-capture')],
                       capture_output=True, text=True, env=env, cwd=tmp_path,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0] == os.path.join(pkg, '__init__.py')
    assert lines[1].startswith(pkg + os.sep)
    # the installed library, nothing from the build tree
    assert [os.path.realpath(x) for x in lines[2:]] == \
        [os.path.realpath(libs[0])]
