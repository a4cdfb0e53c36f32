#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Drive one QEMU run of the release proof (tests/e2e/run.sh --release-proof).

The guest (guest-init.sh with e2e.proof=1) crashes, boots the capture kernel,
prints "E2E-MARK ready" and then blocks reading a line "E2E-MODE <mode>" from
its console.  This script owns QEMU's console (stdin/stdout) and its QMP
socket:

  snapshot  wait for "ready", pause the VM (QMP stop), migrate its state to a
            file (migrate file:STATE), quit.  Both saves of the proof then start
            from this one state, so they see the same crashed memory.
  resume    start QEMU with -incoming file:STATE, continue the VM once the state
            is loaded, answer MODE, wait until the guest powers off.
  run       boot normally (a crash cycle of its own), answer MODE at "ready",
            wait until the guest powers off.

usage: proof-qemu.py snapshot|resume|run --log FILE --qmp SOCK [--state FILE]
                     [--mode MODE] [--timeout S] -- QEMU-COMMAND...

Every console line goes to --log with the seconds since QEMU started; marker
lines are echoed.  Exit 0 on success; 1 with a message naming what failed
(the QEMU or QMP message included) otherwise.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time


class Console(threading.Thread):
    """QEMU's stdout, line by line, into the log; remembers the marks seen."""

    def __init__(self, proc, log, t0):
        super().__init__(daemon=True)
        self.proc, self.log, self.t0 = proc, log, t0
        self.marks = []
        self.cond = threading.Condition()
        self.tail = []

    def run(self):
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n").replace("\r", "")
            rel = time.monotonic() - self.t0
            self.log.write(f"[{rel:9.3f}] {line}\n")
            self.log.flush()
            self.tail = (self.tail + [line])[-40:]
            if "E2E-MARK" in line or line.startswith("e2e:") or "Kernel panic" in line:
                print(f"  [{rel:7.1f}] {line}", flush=True)
            if "E2E-MARK " in line:
                with self.cond:
                    self.marks.append(line.split("E2E-MARK ", 1)[1].strip())
                    self.cond.notify_all()
        with self.cond:
            self.marks.append(None)       # EOF: QEMU exited
            self.cond.notify_all()

    def wait_mark(self, name, deadline):
        with self.cond:
            while True:
                if name in self.marks:
                    return True
                if None in self.marks:
                    return False
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)


class QMP:
    def __init__(self, path, deadline):
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError as e:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"cannot connect to QMP socket {path}: {e}")
                time.sleep(0.2)
        self.f = self.sock.makefile("rwb", buffering=0)
        self._read()                       # greeting
        self.cmd("qmp_capabilities")

    def _read(self):
        while True:
            line = self.f.readline()
            if not line:
                raise RuntimeError("QMP connection closed by QEMU")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def cmd(self, name, **args):
        req = {"execute": name}
        if args:
            req["arguments"] = args
        self.f.write(json.dumps(req).encode() + b"\n")
        r = self._read()
        if "error" in r:
            raise RuntimeError(f"QMP {name}: {r['error'].get('class')}: {r['error'].get('desc')}")
        return r.get("return")


def wait_migration(qmp, deadline, what):
    """Poll query-migrate until completed; the QEMU error text on failure."""
    while True:
        st = qmp.cmd("query-migrate") or {}
        status = st.get("status")
        if status == "completed":
            return st
        if status in ("failed", "cancelled"):
            raise RuntimeError(f"{what}: migration {status}: {st.get('error-desc', '(no error-desc)')}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: migration still '{status}' at the timeout")
        time.sleep(0.2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("action", choices=("snapshot", "resume", "run"))
    ap.add_argument("--log", required=True)
    ap.add_argument("--qmp", required=True)
    ap.add_argument("--state")
    ap.add_argument("--mode")
    ap.add_argument("--timeout", type=float, default=600)
    argv = sys.argv[1:]
    if "--" not in argv:
        ap.error("no QEMU command: give it after --")
    qemu = argv[argv.index("--") + 1:]
    a = ap.parse_args(argv[:argv.index("--")])
    if not qemu:
        ap.error("no QEMU command after --")
    if a.action in ("snapshot", "resume") and not a.state:
        ap.error(f"{a.action} needs --state")
    if a.action in ("resume", "run") and not a.mode:
        ap.error(f"{a.action} needs --mode")

    if os.path.exists(a.qmp):
        os.unlink(a.qmp)
    qemu = qemu + ["-qmp", f"unix:{a.qmp},server=on,wait=off"]
    if a.action == "resume":
        qemu += ["-incoming", f"file:{a.state}"]
    t0 = time.monotonic()
    deadline = t0 + a.timeout
    log = open(a.log, "a")
    log.write(f"[{0:9.3f}] proof-qemu.py {a.action}: {' '.join(qemu)}\n")
    proc = subprocess.Popen(qemu, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    con = Console(proc, log, t0)
    con.start()

    def fail(msg):
        print(f"proof-qemu.py: {a.action}: {msg}", file=sys.stderr)
        if con.tail:
            print("  last console lines:\n    " + "\n    ".join(con.tail[-15:]), file=sys.stderr)
        log.write(f"proof-qemu.py: FAILED: {msg}\n")
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        return 1

    def answer():
        print(f"  answering E2E-MODE {a.mode}", flush=True)
        log.write(f"[{time.monotonic() - t0:9.3f}] (host) E2E-MODE {a.mode}\n")
        proc.stdin.write(f"E2E-MODE {a.mode}\n".encode())
        proc.stdin.flush()

    try:
        if a.action in ("snapshot", "run"):
            if not con.wait_mark("ready", deadline):
                return fail("the guest never printed 'E2E-MARK ready' (crashed, timed out or failed first)")
        qmp = QMP(a.qmp, deadline)
        if a.action == "snapshot":
            qmp.cmd("stop")
            t = time.monotonic()
            qmp.cmd("migrate", uri=f"file:{a.state}")
            st = wait_migration(qmp, deadline, "outgoing")
            print(f"  state saved to {a.state}: {os.path.getsize(a.state)} bytes in "
                  f"{time.monotonic() - t:.1f} s (QEMU: {st.get('total-time')} ms)", flush=True)
            qmp.cmd("quit")
        else:
            if a.action == "resume":
                t = time.monotonic()
                wait_migration(qmp, deadline, "incoming")
                status = (qmp.cmd("query-status") or {}).get("status")
                print(f"  state loaded in {time.monotonic() - t:.1f} s, VM {status}", flush=True)
                if status != "running":
                    qmp.cmd("cont")
            answer()
            if not con.wait_mark("done", deadline) and None not in con.marks:
                return fail("the guest did not finish before the timeout")
        proc.wait(timeout=max(1, deadline - time.monotonic()))
    except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as e:
        return fail(str(e))
    con.join(5)
    if a.action != "snapshot" and "done" not in con.marks:
        return fail("QEMU exited before the guest printed 'E2E-MARK done'")
    if proc.returncode != 0:
        return fail(f"QEMU exited with {proc.returncode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
