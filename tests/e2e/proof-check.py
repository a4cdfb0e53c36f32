#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host-side checks of the release proof (tests/e2e/run.sh --release-proof).

usage: proof-check.py --migrated 0|1 --memcurve MEMCURVE.PY --repeat N
                      [--fadumpctl FADUMPCTL] --bench-out DIR PROOFDIR

PROOFDIR holds ranges_1/, end_1/, filtered_1/, mdf_end_1/, ... and
unpatched/, each what one guest wrote to its disk (boot1/, boot2/, result);
ranges and end runs after the first pair keep a digest of their vmcore
(boot2/vmcore.sha256, vmcore.size) instead of the file.  Checks each run's
verdict and `fadumpctl save --json` summary (makedumpfile's and `fadumpctl
release`'s exit codes for mdf_end), that every whole-dump save of the
migrated state produced the same dump (cmp of the first pair, digests of the
others), that the level-31 files are kdump-compressed files of level 31
(`fadumpctl info` of the host's FADUMPCTL), then runs bench/release/memcurve.py
and checks the held-memory ratios ranges/end and filtered/mdf_end (of the
medians) against their targets.  Prints one line per check and 'N passed, N
failed'; exits 1 when any check failed.
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys

TARGET_RATIO = 0.6             # ranges / end
TARGET_RATIO_FILTERED = 0.15   # filtered / mdf_end (issue 15)
MODES = ("ranges", "end", "filtered", "mdf_end")

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


def check_common(d, label, mode, patched=True):
    """What every run of the proof must show, whatever saved the dump."""
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
    after = load_json(os.path.join(b2, "proof-after-status-json.out")) or {}
    check(after.get("dump_active") is False, f"{label}: no dump active after the save", repr(after.get("dump_active")))


def check_run(d, label, mode, want_mode, patched):
    b2 = os.path.join(d, "boot2")
    check_common(d, label, mode, patched)
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
    vm = os.path.join(b2, "vmcore")
    size = read(os.path.join(b2, "vmcore.size"))
    if os.path.exists(vm):
        size = os.path.getsize(vm)
    if check(size is not None, f"{label}: vmcore saved (or its digest and size)"):
        check(int(size) == s.get("bytes_total"), f"{label}: vmcore size == bytes_total",
              f"{size} vs {s.get('bytes_total')}")
    return s


def check_level31_file(label, path, fadumpctl):
    """The saved file is a kdump-compressed dump of level 31 for the host's
    fadumpctl (which reads it with its own parser, not the saver's state)."""
    if not check(os.path.exists(path), f"{label}: a level-31 file was saved"):
        return
    if not fadumpctl:
        print(f"     ({label}: no host fadumpctl, its file is not read)")
        return
    p = subprocess.run([fadumpctl, "--json", "info", path], capture_output=True, text=True)
    try:
        info = json.loads(p.stdout) if p.returncode == 0 else {}
    except ValueError:
        info = {}
    check(info.get("format") == "kdump" and info.get("dump_level") == 31,
          f"{label}: fadumpctl info reads a kdump-compressed file of dump level 31",
          f"rc={p.returncode} format={info.get('format')!r} level={info.get('dump_level')!r} {p.stderr[:200]}")


def check_filtered(d, label, fadumpctl):
    """save --level 31 --format kdump --release=ranges: the memory the dump
    leaves out went back before the copy, the rest as it became durable."""
    check_common(d, label, "filtered")
    b2 = os.path.join(d, "boot2")
    rc = (read(os.path.join(b2, "proof-save.rc")) or "").strip()
    s = load_json(os.path.join(b2, "proof-save.out"))
    if not check(rc == "0" and isinstance(s, dict), f"{label}: fadumpctl save --json exit 0",
                 f"rc={rc} {read(os.path.join(b2, 'proof-save.err'), '')[:300]}"):
        return
    check(s.get("format") == "kdump" and s.get("dump_level") == 31, f"{label}: a kdump file of level 31",
          f"{s.get('format')!r} {s.get('dump_level')!r}")
    check(s.get("release_mode") == "ranges" and s.get("released") is True,
          f"{label}: released range by range, release_mem at the end",
          f"{s.get('release_mode')!r} {s.get('released')!r}")
    for k in ("excluded_ranges_released", "excluded_bytes_released"):
        check(isinstance(s.get(k), int) and s[k] > 0, f"{label}: {k} > 0", repr(s.get(k)))
    # 6 GiB of user and shmem data: at least that much left out at once
    check(isinstance(s.get("excluded_bytes_released"), int) and s["excluded_bytes_released"] >= 5 << 30,
          f"{label}: at least 5 GiB released before the copy", repr(s.get("excluded_bytes_released")))
    vm = os.path.join(b2, "vmcore")
    if os.path.exists(vm):
        check(os.path.getsize(vm) == s.get("file_bytes"), f"{label}: file size == file_bytes",
              f"{os.path.getsize(vm)} vs {s.get('file_bytes')}")
    check_level31_file(label, vm, fadumpctl)


def check_mdf_end(d, label, fadumpctl):
    """makedumpfile -d 31 -c, then fadumpctl release (release_mem)."""
    check_common(d, label, "mdf-end")
    b2 = os.path.join(d, "boot2")
    for step, what in (("proof-mdf", "makedumpfile -d 31 -c"), ("proof-release", "fadumpctl release")):
        rc = (read(os.path.join(b2, step + ".rc")) or "").strip()
        check(rc == "0", f"{label}: {what} exit 0", f"rc={rc} {read(os.path.join(b2, step + '.err'), '')[:300]}")
    check_level31_file(label, os.path.join(b2, "vmcore"), fadumpctl)


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
    ap.add_argument("--fadumpctl", help="the host's fadumpctl, to read the level-31 files")
    ap.add_argument("dir")
    a = ap.parse_args()
    labels = [f"{mode}_{i}" for i in range(1, a.repeat + 1) for mode in MODES]
    whole = [x for x in labels if x.rpartition("_")[0] in ("ranges", "end")]
    runs = {x: os.path.join(a.dir, x) for x in labels + ["unpatched"]}

    for label in labels:
        mode = label.rpartition("_")[0]
        if mode == "filtered":
            check_filtered(runs[label], label, a.fadumpctl)
        elif mode == "mdf_end":
            check_mdf_end(runs[label], label, a.fadumpctl)
        else:
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
            for label in whole[2:]:
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
            elif label.startswith("filtered"):
                check(isinstance(mid, (int, float)) and mid >= 0.5,
                      f"{label}: at least half of the memory is back by the middle of the save", repr(mid))
            else:
                check(isinstance(mid, (int, float)) and mid < 0.05,
                      f"{label}: less than 1/20 of the memory is back by the middle of the save", repr(mid))
        check(isinstance(ratio, (int, float)) and ratio <= TARGET_RATIO,
              f"target: held memory ratio ranges/end (medians of {a.repeat}) <= {TARGET_RATIO}",
              f"{ratio!r} (per second of save: {summary.get('mean_held_ratio_ranges_over_end')!r})")
        fratio = summary.get("held_ratio_filtered_over_mdf_end")
        check(isinstance(fratio, (int, float)) and fratio <= TARGET_RATIO_FILTERED,
              f"target: held memory ratio filtered/mdf_end (medians of {a.repeat}) <= {TARGET_RATIO_FILTERED}",
              f"{fratio!r} (per second of save: {summary.get('mean_held_ratio_filtered_over_mdf_end')!r})")
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
