#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Memory checking under valgrind memcheck: every cmocka unit test of a
# build, then fadumpctl on fixture roots and a generated vmcore (status,
# regions, metadata, info, dmesg, save). Any memcheck error, or memory
# definitely or indirectly lost, fails the run; so does a command whose
# exit status differs from what it returns without valgrind.
#
# Usage: tests/valgrind.sh BUILD_DIR   (a build without sanitizers; from
#                                       the source tree or anywhere)
# Prints "N passed, N failed" last and exits non-zero on any failure. No
# valgrind, or a sanitizer build: says why, "0 passed, 0 failed", exit 0.
# Logs: BUILD_DIR/valgrind/*.log. Suppressions: tests/valgrind.supp.
set -u

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: tests/valgrind.sh BUILD_DIR" >&2
	exit 2
fi
exec python3 - "$1" "$(dirname "$0")" <<'PY'
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

build, tests_dir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
start = time.monotonic()


def skip(why):
    print('valgrind: skipped: ' + why)
    print('0 passed, 0 failed')
    sys.exit(0)


valgrind = shutil.which('valgrind')
if not valgrind:
    skip('valgrind is not installed (Debian package valgrind)')


def introspect(what):
    p = subprocess.run(['meson', 'introspect', '--' + what, build],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        skip('meson introspect %s failed: %s' % (build, p.stderr.strip()))
    return json.loads(p.stdout)


opts = {o['name']: o['value'] for o in introspect('buildoptions')}
if opts.get('b_sanitize', 'none') != 'none':
    skip('%s is a sanitizer build (b_sanitize=%s): valgrind cannot run it'
         % (build, opts['b_sanitize']))

logdir = os.path.join(build, 'valgrind')
os.makedirs(logdir, exist_ok=True)
memcheck = [valgrind, '--tool=memcheck', '--leak-check=full',
            '--show-leak-kinds=definite,indirect',
            '--errors-for-leak-kinds=definite,indirect',
            '--error-exitcode=99', '--num-callers=30']
supp = os.path.join(tests_dir, 'valgrind.supp')
if os.path.exists(supp):
    memcheck.append('--suppressions=' + supp)


def run(name, argv, env=None, want=0, timeout=900):
    """Run @argv under memcheck; (name, ok, detail)."""
    log = os.path.join(logdir, name + '.log')
    e = dict(os.environ)
    e.update(env or {})
    e['LC_ALL'] = 'C'
    try:
        p = subprocess.run(memcheck + ['--log-file=' + log] + argv, env=e,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return name, False, 'timed out after %d s' % timeout
    if p.returncode == want:
        return name, True, ''
    with open(log, errors='replace') as f:
        tail = [l.rstrip() for l in f if l.startswith('==')][-25:]
    why = ('memcheck found errors or leaks' if p.returncode == 99 else
           'exit status %d, %d without valgrind' % (p.returncode, want))
    out = p.stdout.decode(errors='replace').strip().splitlines()[-10:]
    return name, False, '\n'.join([why + ' (' + log + ')'] + tail + out)


jobs = []
# 1. the cmocka unit tests, with the environment meson gives them
for t in introspect('tests'):
    if not any(s == 'unit' or s.endswith(':unit') for s in t['suite']):
        continue
    jobs.append(('unit-' + t['name'], t['cmd'], t['env'], 0))

# 2. fadumpctl, each command expected to exit as it does without valgrind
fadumpctl = os.path.join(build, 'cli', 'fadumpctl')
mkvmcore = os.path.join(build, 'tests', 'mkvmcore')
scratch = tempfile.mkdtemp(prefix='fadump-valgrind-')
if os.access(fadumpctl, os.X_OK) and os.access(mkvmcore, os.X_OK):
    roots = os.path.join(tests_dir, 'data', 'roots')
    vmcore = os.path.join(scratch, 'vmcore')
    subprocess.run([mkvmcore, '--printk', vmcore], check=True,
                   stdout=subprocess.DEVNULL)
    cmds = []
    for root in ('pseries-7.2-registered', 'qemu-7.2-le-capture',
                 'powernv-6.1-capture', 'pseries-3.4-capture',
                 'pseries-7.2-damaged'):
        r = os.path.join(roots, root)
        cmds += [(root + '-status', ['--root', r, 'status', '--json']),
                 (root + '-regions', ['--root', r, 'regions']),
                 (root + '-metadata', ['--root', r, 'metadata', '--json'])]
    cmds += [('info', ['info', '--json', vmcore]),
             ('info-registers', ['info', '--registers', vmcore]),
             ('dmesg', ['dmesg', vmcore]),
             ('save', ['save', '--source', vmcore,
                       os.path.join(scratch, 'dest')])]
    for name, args in cmds:
        # the exit status without valgrind (a fresh destination each time)
        shutil.rmtree(os.path.join(scratch, 'dest'), ignore_errors=True)
        os.mkdir(os.path.join(scratch, 'dest'), 0o700)
        want = subprocess.run([fadumpctl] + args, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode
        if name == 'save':
            if want != 0:
                print('FAIL fadumpctl-save: exit status %d without valgrind' % want)
            shutil.rmtree(os.path.join(scratch, 'dest'))
            os.mkdir(os.path.join(scratch, 'dest'), 0o700)
        jobs.append(('fadumpctl-' + name, [fadumpctl] + args, {}, want))
else:
    print('valgrind: no fadumpctl or mkvmcore in %s: only the unit tests' % build)

passed = failed = 0
# Two at a time: valgrind is CPU-bound and the machine is shared.
with concurrent.futures.ThreadPoolExecutor(2) as pool:
    for name, ok, detail in pool.map(lambda j: run(*j), jobs):
        if ok:
            passed += 1
            print('ok   ' + name)
        else:
            failed += 1
            print('FAIL ' + name + ': ' + detail)
shutil.rmtree(scratch, ignore_errors=True)
print('valgrind: %d runs in %.0f s' % (len(jobs), time.monotonic() - start))
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
PY
