# SPDX-License-Identifier: LGPL-2.1-or-later
"""release_mem as a FIFO that acts like the kernel's release_mem_store():
/proc/vmcore disappears while the write of "1" is in progress (or another
store that removes a file: release_core and the OPAL core).

Shared by the fadumpctl tests (tests/cli/conftest.py), where the writer is
a fadumpctl process, and the binding tests (tests/python/conftest.py),
where it is a thread of the test process; each conftest puts this folder
on sys.path.

The pipe is filled first, so the writer's write blocks until serve()
drains it. Once the writer holds the FIFO open it has passed its own
checks; serve() then removes /proc/vmcore, as the kernel does before
returning, and lets the write complete. No sleep decides the outcome.
"""

import os
import time


class FakeReleaseStore:
    """@attr: the store, relative to @root; @removes: what the kernel
    removes before the write returns (release_core: the OPAL core)."""

    def __init__(self, root, attr='sys/kernel/fadump/release_mem',
                 removes='proc/vmcore'):
        self.root = str(root)
        self.removes = removes
        self.fifo = os.path.join(self.root, attr)
        os.unlink(self.fifo)
        os.mkfifo(self.fifo, 0o600)
        self.rfd = os.open(self.fifo, os.O_RDONLY | os.O_NONBLOCK)
        wfd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
        self.filler = 0
        for chunk in (4096, 1):
            try:
                while True:
                    self.filler += os.write(wfd, b'\0' * chunk)
            except BlockingIOError:
                pass
        os.close(wfd)

    def opened_by(self, pid):
        """A descriptor of process @pid other than ours has the FIFO open."""
        fds = '/proc/%d/fd' % pid
        try:
            names = os.listdir(fds)
        except OSError:
            return False            # the process is gone
        for fd in names:
            if pid == os.getpid() and int(fd) == self.rfd:
                continue
            try:
                if os.readlink(os.path.join(fds, fd)) == self.fifo:
                    return True
            except OSError:
                pass                # closed meanwhile
        return False

    def serve(self, pid, alive, timeout, before_release=None):
        """Wait (while @alive() holds, at most @timeout seconds) until
        process @pid opens the FIFO, call @before_release, act like the
        kernel, and return what was written; None if it never opened."""
        got = bytearray()
        try:
            deadline = time.monotonic() + timeout
            while not self.opened_by(pid):
                if not alive() or time.monotonic() > deadline:
                    return None
                time.sleep(0.005)
            if before_release:
                before_release()
            os.unlink(os.path.join(self.root, self.removes))
            os.set_blocking(self.rfd, True)
            while True:
                data = os.read(self.rfd, 65536)
                if not data:
                    break
                got += data
        finally:
            os.close(self.rfd)
        return bytes(got[self.filler:])
