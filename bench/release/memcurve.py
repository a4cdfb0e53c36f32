#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Memory held by the dump while it is saved, from the guest's samples.

usage: memcurve.py --out DIR LABEL=RUNDIR [LABEL=RUNDIR...]

RUNDIR is what one run of `tests/e2e/run.sh --release-proof` extracted from a
guest's disk: boot2/proof/mem.txt (one sample every ~100 ms:
"UPTIME_S MEMAVAILABLE_KB MEMFREE_KB"), boot2/proof/times ("save_start S",
"save_end S", "sampler_end S", guest uptime) and boot2/proof-save.out (the JSON
summary of `fadumpctl save --json`; absent for mdf-end, where makedumpfile
saves and `fadumpctl release` follows).

For each run: the memory the dump still holds at time t is
MemAvailable(after release_mem) - MemAvailable(t), where "after release_mem"
is the median of the samples taken after the save returned; its integral over
the save window [save_start, save_end] (trapezoids, interpolated at the window's
edges) is the figure of merit: GiB x s of memory kept from the system.  The
ratio ranges/end compares range-wise release with release at the end (both
copy the whole dump); filtered/mdf_end the level-31 save with immediate
release with makedumpfile -d 31 followed by release_mem.  Runs of one mode
repeated as MODE_1, MODE_2, ... count by their median: the ratio is
median(ranges_*) / median(end_*), and each pair's own ratio is listed.

Writes DIR/LABEL.csv (seconds since save_start, MemAvailable and MemFree in
kB; decimated to at most 400 rows), DIR/summary.json and DIR/summary.md, and
prints the summary.  Standard library only.  Every input line is checked;
a malformed line is an error naming the file and line (a truncated last line
of mem.txt, cut by the sampler's stop, is skipped and counted).
"""

import argparse
import json
import os
import statistics
import sys

MAX_ROWS = 400
# the pairs of modes compared, (mode, the mode it is measured against):
# range-wise release against release at the end, both saving the whole dump;
# the filtered save with immediate release against makedumpfile followed by
# release_mem, both writing a level-31 file
COMPARED = (("ranges", "end"), ("filtered", "mdf_end"))
MAX_SAMPLES = 1_000_000


class InputError(Exception):
    pass


def read_samples(path):
    samples, truncated = [], 0
    try:
        with open(path, encoding="ascii", errors="strict") as f:
            lines = f.read(64 << 20).splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: {e}")
    for n, line in enumerate(lines, 1):
        parts = line.split()
        try:
            if len(parts) != 3:
                raise ValueError(f"{len(parts)} fields")
            t, avail, free = float(parts[0]), int(parts[1]), int(parts[2])
            if not (0 <= t < 1e9 and 0 <= avail < 1 << 50 and 0 <= free < 1 << 50):
                raise ValueError("value out of range")
        except ValueError as e:
            if n == len(lines):
                truncated += 1
                continue
            raise InputError(f"{path}:{n}: not 'UPTIME MEMAVAILABLE_KB MEMFREE_KB' ({e}): {line[:80]!r}")
        if samples and t < samples[-1][0]:
            raise InputError(f"{path}:{n}: uptime goes backwards ({t} after {samples[-1][0]})")
        samples.append((t, avail, free))
        if len(samples) > MAX_SAMPLES:
            raise InputError(f"{path}: more than {MAX_SAMPLES} samples")
    if len(samples) < 3:
        raise InputError(f"{path}: {len(samples)} samples, need at least 3")
    return samples, truncated


def read_times(path):
    times = {}
    try:
        with open(path, encoding="ascii") as f:
            lines = f.read(4096).splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: {e}")
    for n, line in enumerate(lines, 1):
        parts = line.split()
        if len(parts) != 2 or parts[0] not in ("save_start", "save_end", "sampler_end"):
            raise InputError(f"{path}:{n}: not 'save_start|save_end|sampler_end SECONDS': {line[:80]!r}")
        try:
            times[parts[0]] = float(parts[1])
        except ValueError:
            raise InputError(f"{path}:{n}: '{parts[1][:40]}' is not a number")
    for k in ("save_start", "save_end"):
        if k not in times:
            raise InputError(f"{path}: no {k} line")
    if times["save_end"] <= times["save_start"]:
        raise InputError(f"{path}: save_end {times['save_end']} is not after save_start {times['save_start']}")
    return times


def read_save(path):
    if not os.path.exists(path):
        return {}       # mdf-end: makedumpfile then `fadumpctl release`, no summary
    try:
        with open(path, encoding="utf-8") as f:
            j = json.loads(f.read(1 << 20))
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: not the JSON of fadumpctl save --json: {e}")
    if not isinstance(j, dict):
        raise InputError(f"{path}: JSON is not an object")
    return j


def interp(samples, t):
    """MemAvailable at t, linear between the samples around it."""
    for (t0, a0, _), (t1, a1, _) in zip(samples, samples[1:]):
        if t0 <= t <= t1:
            return a0 if t1 == t0 else a0 + (a1 - a0) * (t - t0) / (t1 - t0)
    return samples[0][1] if t < samples[0][0] else samples[-1][1]


def held_integral(samples, start, end, final):
    """Integral over [start, end] of (final - MemAvailable(t)) dt, in kB x s."""
    pts = [(start, interp(samples, start))]
    pts += [(t, a) for t, a, _ in samples if start < t < end]
    pts.append((end, interp(samples, end)))
    total = 0.0
    for (t0, a0), (t1, a1) in zip(pts, pts[1:]):
        total += ((final - a0) + (final - a1)) / 2 * (t1 - t0)
    return total


def analyse(label, rundir):
    proof = os.path.join(rundir, "boot2", "proof")
    samples, truncated = read_samples(os.path.join(proof, "mem.txt"))
    times = read_times(os.path.join(proof, "times"))
    save = read_save(os.path.join(rundir, "boot2", "proof-save.out"))
    start, end = times["save_start"], times["save_end"]
    before = [a for t, a, _ in samples if t <= start]
    after = [a for t, a, _ in samples if t > end]
    if not before or not after:
        raise InputError(f"{label}: no samples before the save ({len(before)}) or after it ({len(after)})")
    final = statistics.median(after)
    base = statistics.median(before)
    integral = held_integral(samples, start, end, final)
    mid = interp(samples, (start + end) / 2)
    return {
        "label": label,
        "release_mode": save.get("release_mode"),
        "released": save.get("released"),
        "bytes_total": save.get("bytes_total"),
        "bytes_written": save.get("bytes_written"),
        "bytes_released_early": save.get("bytes_released_early"),
        "excluded_bytes_released": save.get("excluded_bytes_released"),
        "ranges_released": save.get("ranges_released"),
        "syncs": save.get("syncs"),
        "save_seconds_cli": save.get("seconds"),
        "save_window_s": round(end - start, 3),
        "samples": len(samples),
        "samples_in_window": sum(1 for t, _, _ in samples if start <= t <= end),
        "truncated_lines": truncated,
        "memavailable_before_kb": int(statistics.median(before)),
        "memavailable_min_kb": min(a for t, a, _ in samples if start <= t <= end + 0.5),
        "memavailable_after_kb": int(final),
        "held_gib_s": round(integral / (1 << 20), 4),
        "mean_held_gib": round(integral / (1 << 20) / (end - start), 4),
        "released_at_midpoint": round((mid - base) / (final - base), 3) if final > base else None,
        "_rows": [(round(t - start, 3), a, f) for t, a, f in samples],
    }


def mode_of(label):
    """ranges_2 -> ranges: the mode a repeated run's label names."""
    mode, sep, n = label.rpartition("_")
    return mode if sep and n.isdigit() else label


def write_csv(path, rows):
    step = max(1, -(-len(rows) // MAX_ROWS))
    keep = rows[::step]
    if keep[-1] is not rows[-1]:
        keep.append(rows[-1])
    with open(path, "w") as f:
        f.write("seconds_since_save_start,memavailable_kb,memfree_kb\n")
        for t, a, m in keep:
            f.write(f"{t:.3f},{a},{m}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("runs", nargs="+", metavar="LABEL=RUNDIR")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    results = []
    try:
        for spec in a.runs:
            label, sep, rundir = spec.partition("=")
            if not sep or not label.isidentifier():
                raise InputError(f"'{spec}' is not LABEL=RUNDIR")
            results.append(analyse(label, rundir))
    except InputError as e:
        print(f"memcurve.py: {e}", file=sys.stderr)
        return 1
    summary = {"runs": [{k: v for k, v in r.items() if not k.startswith("_")} for r in results]}
    modes = {}
    for r in results:
        modes.setdefault(mode_of(r["label"]), []).append(r)
    summary["medians"] = {m: {k: round(statistics.median(r[k] for r in rs), 4)
                              for k in ("held_gib_s", "mean_held_gib", "save_window_s")} | {"runs": len(rs)}
                          for m, rs in modes.items()}
    med = summary["medians"]
    for mine, theirs in COMPARED:
        if mine not in modes or theirs not in modes or med[theirs]["held_gib_s"] <= 0:
            continue
        key = f"{mine}_over_{theirs}"
        summary[f"held_ratio_{key}"] = round(med[mine]["held_gib_s"] / med[theirs]["held_gib_s"], 3)
        # the same, per second of save: insensitive to one run being slower
        # than the other (TCG on a shared host), but blind to what a mode
        # costs in time (range-wise release's syncs, a slower tool)
        summary[f"mean_held_ratio_{key}"] = round(med[mine]["mean_held_gib"] / med[theirs]["mean_held_gib"], 3)
        summary[f"pair_ratios_{key}"] = [round(a["held_gib_s"] / b["held_gib_s"], 3)
                                         for a, b in zip(modes[mine], modes[theirs]) if b["held_gib_s"] > 0]
    for r in results:
        write_csv(os.path.join(a.out, r["label"] + ".csv"), r["_rows"])
    with open(os.path.join(a.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    cols = ("label", "release_mode", "save_window_s", "bytes_written", "excluded_bytes_released",
            "bytes_released_early",
            "ranges_released", "syncs", "memavailable_before_kb", "memavailable_after_kb", "held_gib_s",
            "mean_held_gib", "released_at_midpoint")
    md = ["| " + " | ".join(cols) + " |", "|" + " --- |" * len(cols)]
    for r in summary["runs"]:
        md.append("| " + " | ".join(str(r.get(c)) for c in cols) + " |")
    md.append("")
    for mine, theirs in COMPARED:
        key = f"{mine}_over_{theirs}"
        if f"held_ratio_{key}" not in summary:
            continue
        n = summary["medians"][mine]["runs"], summary["medians"][theirs]["runs"]
        md.append(f"held memory ratio {mine}/{theirs} (medians of {n[0]} and {n[1]} runs): "
                  f"{summary[f'held_ratio_{key}']} "
                  f"(per second of save: {summary[f'mean_held_ratio_{key}']}; "
                  f"each pair: {', '.join(str(x) for x in summary[f'pair_ratios_{key}'])})")
        md.append("")
    text = "\n".join(md) + "\n"
    with open(os.path.join(a.out, "summary.md"), "w") as f:
        f.write(text)
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
