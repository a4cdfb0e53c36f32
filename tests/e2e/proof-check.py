#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host-side checks of the release proof (tests/e2e/run.sh --release-proof).

usage: proof-check.py --migrated 0|1 --memcurve MEMCURVE.PY --repeat N
                      --bench-out DIR PROOFDIR

PROOFDIR holds ranges_1/, end_1/, ... ranges_N/, end_N/ and unpatched/, each
what one guest wrote to its disk (boot1/, boot2/, result); runs after the first
pair keep a digest of their vmcore (boot2/vmcore.sha256, vmcore.size) instead
of the file.  Checks each run's verdict and `fadumpctl save --json` summary,
that every save of the migrated state produced the same dump (cmp of the first
pair, digests of the others), then runs bench/release/memcurve.py and checks
the held-memory ratio ranges/end (of the medians) against the target.  Prints
one line per check and 'N passed, N failed'; exits 1 when any check failed.
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys

TARGET_RATIO = 0.6

# The counters and helpers of the CI path's checker, shared.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check as base  # noqa: E402  (tests/e2e/check.py)

check = base.check
read = base.read


def load_json(path):
    try:
        return json.loads(read(path, ""))
    except ValueError:
        return None


def check_run(d, label, mode, want_mode, patched):
    b2 = os.path.join(d, "boot2")
    res = (read(os.path.join(d, "result")) or "").strip()
    check(res.startswith("PASS"), f"{label}: guest verdict PASS",
          res + " " + (read(os.path.join(b2, "failures")) or ""))
    check((read(os.path.join(b2, "proof", "mode")) or "").strip() == mode,
          f"{label}: the guest read its mode ({mode}) from the console")
    st = load_json(os.path.join(b2, "proof-before-status-json.out")) or {}
    check(st.get("dump_active") is True, f"{label}: dump active before the save")
    check(st.get("release_range_available") is patched,
          f"{label}: status release_range_available == {patched}", repr(st.get("release_range_available")))
    rg = load_json(os.path.join(b2, "proof-before-regions-json.out")) or {}
    if patched:
        check(rg.get("released_bytes") == 0 and rg.get("released_ranges") == 0,
              f"{label}: regions: nothing released before the save",
              f"{rg.get('released_bytes')!r} {rg.get('released_ranges')!r}")
    else:
        check("released_bytes" in rg and rg.get("released_bytes") is None,
              f"{label}: regions: no Released line (kernel without patch 0005)", repr(rg.get("released_bytes")))
    rc = (read(os.path.join(b2, "proof-save.rc")) or "").strip()
    s = load_json(os.path.join(b2, "proof-save.out"))
    if not check(rc == "0" and isinstance(s, dict), f"{label}: fadumpctl save --json exit 0",
                 f"rc={rc} {read(os.path.join(b2, 'proof-save.err'), '')[:300]}"):
        return None
    check(s.get("release_mode") == want_mode, f"{label}: release_mode == {want_mode!r}",
          repr(s.get("release_mode")))
    check(s.get("released") is True, f"{label}: released after the save", repr(s.get("released")))
    early = s.get("bytes_released_early")
    if want_mode == "ranges":
        check(isinstance(early, int) and early > 0, f"{label}: bytes_released_early > 0", repr(early))
        check(isinstance(s.get("ranges_released"), int) and s["ranges_released"] > 0,
              f"{label}: ranges_released > 0", repr(s.get("ranges_released")))
        check(isinstance(s.get("syncs"), int) and s["syncs"] > 0, f"{label}: syncs > 0", repr(s.get("syncs")))
    else:
        check(early == 0, f"{label}: bytes_released_early == 0", repr(early))
    after = load_json(os.path.join(b2, "proof-after-status-json.out")) or {}
    check(after.get("dump_active") is False, f"{label}: no dump active after the save", repr(after.get("dump_active")))
    vm = os.path.join(b2, "vmcore")
    size = read(os.path.join(b2, "vmcore.size"))
    if os.path.exists(vm):
        size = os.path.getsize(vm)
    if check(size is not None, f"{label}: vmcore saved (or its digest and size)"):
        check(int(size) == s.get("bytes_total"), f"{label}: vmcore size == bytes_total",
              f"{size} vs {s.get('bytes_total')}")
    return s


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def phdrs(path):
    p = subprocess.run(["readelf", "-W", "-l", path], capture_output=True, text=True)
    return re.findall(r"^\s+(?:LOAD|NOTE)\s+.*$", p.stdout, re.M)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--migrated", type=int, required=True)
    ap.add_argument("--memcurve", required=True)
    ap.add_argument("--repeat", type=int, required=True)
    ap.add_argument("--bench-out", required=True)
    ap.add_argument("dir")
    a = ap.parse_args()
    labels = [f"{mode}_{i}" for i in range(1, a.repeat + 1) for mode in ("ranges", "end")]
    runs = {x: os.path.join(a.dir, x) for x in labels + ["unpatched"]}

    for label in labels:
        mode = label.split("_")[0]
        check_run(runs[label], label, mode, mode, True)
    check_run(runs["unpatched"], "unpatched", "auto", "end", False)
    sysfs_ls = read(os.path.join(runs["unpatched"], "boot2", "raw-capture", "sysfs.ls"), "")
    check("release_range" not in sysfs_ls, "unpatched: no release_range in /sys/kernel/fadump")

    v1 = os.path.join(runs["ranges_1"], "boot2", "vmcore")
    v2 = os.path.join(runs["end_1"], "boot2", "vmcore")
    if os.path.exists(v1) and os.path.exists(v2):
        if a.migrated:
            p = subprocess.run(["cmp", v1, v2], capture_output=True, text=True)
            check(p.returncode == 0, "the dumps saved with --release=ranges and --release=end are identical (cmp)",
                  (p.stdout + p.stderr).strip()[:300])
            first = sha256(v1)
            for label in labels[2:]:
                digest = (read(os.path.join(runs[label], "boot2", "vmcore.sha256"), "") or "").split()
                check(digest[:1] == [first], f"{label}: its dump is the same as ranges_1's (sha256)",
                      f"{digest[:1]} vs {first}")
        else:
            print("     (no migration: separate crash cycles, the dumps differ; comparing their layout)")
            check(phdrs(v1) == phdrs(v2) and phdrs(v1), "the two dumps have the same program headers")

    p = subprocess.run([sys.executable, a.memcurve, "--out", a.bench_out] +
                       [f"{k}={v}" for k, v in runs.items()], capture_output=True, text=True)
    print(p.stdout, end="")
    if check(p.returncode == 0, "memcurve.py", p.stderr.strip()[:400]):
        summary = load_json(os.path.join(a.bench_out, "summary.json")) or {}
        ratio = summary.get("held_ratio_ranges_over_end")
        by = {r["label"]: r for r in summary.get("runs", [])}
        # what range-wise release must show whatever the machine and the
        # dump's layout: less memory held than with release at the end, some
        # of it back by the middle of the save (how much depends on where the
        # data lies: boot memory comes first in the file and is never given
        # back early), none of it with "end" (page cache moves MemAvailable
        # by a percent or two)
        check(isinstance(ratio, (int, float)) and ratio < 1, "ranges holds less memory than end", repr(ratio))
        for label in labels + ["unpatched"]:
            mid = by.get(label, {}).get("released_at_midpoint")
            if label.startswith("ranges"):
                check(isinstance(mid, (int, float)) and mid >= 0.1,
                      f"{label}: at least 1/10 of the memory is back by the middle of the save", repr(mid))
            else:
                check(isinstance(mid, (int, float)) and mid < 0.05,
                      f"{label}: less than 1/20 of the memory is back by the middle of the save", repr(mid))
        check(isinstance(ratio, (int, float)) and ratio <= TARGET_RATIO,
              f"target: held memory ratio ranges/end (medians of {a.repeat}) <= {TARGET_RATIO}",
              f"{ratio!r} (per second of save: {summary.get('mean_held_ratio_ranges_over_end')!r})")
        for label in labels + ["unpatched"]:
            r = by.get(label, {})
            check(r.get("samples_in_window", 0) >= 5, f"{label}: at least 5 samples during the save",
                  repr(r.get("samples_in_window")))
            check(r.get("memavailable_after_kb", 0) > r.get("memavailable_before_kb", 1 << 60),
                  f"{label}: MemAvailable higher after release_mem than before the save",
                  f"{r.get('memavailable_before_kb')} -> {r.get('memavailable_after_kb')}")
    print(f"{base.passed} passed, {base.failed} failed")
    return 1 if base.failed else 0


if __name__ == "__main__":
    sys.exit(main())
