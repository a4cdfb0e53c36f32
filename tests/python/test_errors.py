# SPDX-License-Identifier: LGPL-2.1-or-later
"""The errno -> exception mapping, whole.

_fadump._exception_for(errno, message) builds the exception a library
failure with that errno raises, through the same code; the tests of each
call (test_system.py, test_metadata.py, test_vmcore.py) check that real
failures arrive with the right class, errno and message. ETIMEDOUT (a
firmware busy for a minute) cannot be produced from a fixture, so the
table is where it is checked.
"""

import builtins
import errno
import os
import shutil

import pytest

import fadump
from fadump import _fadump
from conftest import root_path

MAPPING = [
    (errno.EACCES, fadump.AccessError, PermissionError),
    (errno.EPERM, fadump.AccessError, PermissionError),
    (errno.ENOENT, fadump.NotFoundError, FileNotFoundError),
    (errno.EEXIST, fadump.ExistsError, FileExistsError),
    (errno.ENOTDIR, fadump.NotADirError, NotADirectoryError),
    (errno.EISDIR, fadump.IsADirError, IsADirectoryError),
    (errno.ETIMEDOUT, fadump.TimedOutError, TimeoutError),
    (errno.EBADMSG, fadump.MalformedError, ValueError),
    (errno.E2BIG, fadump.MalformedError, ValueError),
    (errno.EINVAL, fadump.InvalidArgumentError, ValueError),
    (errno.ENODEV, fadump.UnsupportedError, None),
    (errno.EOPNOTSUPP, fadump.UnsupportedError, None),
    (errno.EPROTONOSUPPORT, fadump.UnsupportedError, None),
    (errno.ENXIO, fadump.NotInDumpError, LookupError),
    (errno.ENODATA, fadump.ExcludedError, fadump.NotInDumpError),
    # no closer meaning: the base class, errno tells the rest
    (errno.EIO, fadump.Error, None),
    (errno.ENOSPC, fadump.Error, None),
    (errno.EDQUOT, fadump.Error, None),
    (errno.ENOMEM, fadump.Error, None),
    (errno.ELOOP, fadump.Error, None),
    (errno.ECANCELED, fadump.Error, None),
    (errno.ERANGE, fadump.Error, None),
]

CLASSES = [fadump.Error, fadump.AccessError, fadump.NotFoundError,
           fadump.ExistsError, fadump.NotADirError, fadump.IsADirError,
           fadump.TimedOutError, fadump.MalformedError,
           fadump.InvalidArgumentError, fadump.UnsupportedError,
           fadump.NotInDumpError, fadump.ExcludedError]


@pytest.mark.parametrize('err, cls, builtin', MAPPING,
                         ids=[errno.errorcode[m[0]] for m in MAPPING])
def test_mapping(err, cls, builtin):
    e = _fadump._exception_for(err, 'something at fault: /sys/x line 3')
    assert type(e) is cls
    assert isinstance(e, fadump.Error) and isinstance(e, OSError)
    if builtin is not None:
        assert isinstance(e, builtin)
    assert e.errno == err
    assert e.strerror == 'something at fault: /sys/x line 3'
    assert str(e) == '[Errno %d] something at fault: /sys/x line 3' % err
    # raised and caught as both
    with pytest.raises(cls):
        raise e
    with pytest.raises(builtin or fadump.Error):
        raise e


def test_mapping_covers_every_class():
    assert {m[1] for m in MAPPING} == set(CLASSES)


def test_classes_do_not_cross():
    # a missing file is not a permission problem, and so on
    nf = _fadump._exception_for(errno.ENOENT, 'x')
    assert not isinstance(nf, (PermissionError, ValueError, LookupError))
    bad = _fadump._exception_for(errno.EBADMSG, 'x')
    assert not isinstance(bad, fadump.InvalidArgumentError)
    assert not isinstance(_fadump._exception_for(errno.EIO, 'x'),
                          (PermissionError, FileNotFoundError, ValueError))


@pytest.mark.parametrize('cls', CLASSES)
def test_class_names_docs_and_home(cls):
    assert cls.__module__ == 'fadump'
    assert cls.__name__ in fadump.__all__
    assert getattr(fadump, cls.__name__) is cls
    assert cls.__doc__ and len(cls.__doc__) > 20
    # never a builtin's own name: "from fadump import *" shadows nothing
    assert not hasattr(builtins, cls.__name__)


def test_undecodable_bytes_in_messages_and_data(scratch, tmp_path):
    """Messages carry paths and file contents the library quotes; data
    strings carry what the kernel wrote. Neither may fail to decode."""
    odd = tmp_path / os.fsdecode(b'root-\xff')
    shutil.copytree(root_path('pseries-7.2-registered'), odd, symlinks=True)
    (odd / 'sys/kernel/fadump/registered').write_bytes(b'\xfe\n')
    with pytest.raises(fadump.MalformedError) as e:
        fadump.System(root=odd).status()
    msg = e.value.strerror
    assert 'root-\\xff' in msg and 'registered' in msg
    msg.encode('utf-8')             # printable as it is
    # bootargs_append with a byte that is not UTF-8 round-trips
    (odd / 'sys/kernel/fadump/registered').write_bytes(b'1\n')
    (odd / 'sys/kernel/fadump/bootargs_append').write_bytes(b'quiet=\xe9\n')
    s = fadump.System(root=odd)
    assert os.fsencode(s.bootargs) == b'quiet=\xe9'
    assert os.fsencode(s.status().bootargs_append) == b'quiet=\xe9'
    assert s.root == str(odd)
