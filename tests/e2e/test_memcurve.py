"""bench/release/memcurve.py: the held-memory integrals and ratios of the
release proof, on guest samples made up here with a known answer.

Each run's MemAvailable is a straight line from LOW to HIGH between two
moments of the save window, flat outside them, sampled every 0.1 s as the
guest does.  The memory held is HIGH - MemAvailable(t), so its integral
over the window is known in closed form: (HIGH - LOW) x (time until the
ramp starts + half the ramp).  The makedumpfile run (mdf_end) has no
`fadumpctl save --json` summary, as in the guest.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

MEMCURVE = Path(__file__).resolve().parents[2] / "bench" / "release" / "memcurve.py"
LOW, HIGH = 270_000, 8_000_000          # kB
START, END = 100.0, 120.0               # the save window (guest uptime)


def make_run(root, label, ramp_from, ramp_to, summary=True):
    """A run directory whose MemAvailable ramps over [ramp_from, ramp_to]."""
    proof = root / label / "boot2" / "proof"
    proof.mkdir(parents=True)
    lines = []
    for i in range(260):                # 98.0 .. 123.9 s
        t = 98.0 + i / 10
        if t <= ramp_from:
            a = LOW
        elif t >= ramp_to:
            a = HIGH
        else:
            a = LOW + (HIGH - LOW) * (t - ramp_from) / (ramp_to - ramp_from)
        lines.append(f"{t:.1f} {round(a)} {round(a)}")
    (proof / "mem.txt").write_text("\n".join(lines) + "\n")
    (proof / "times").write_text(f"save_start {START}\nsave_end {END}\nsampler_end 124\n")
    if summary:
        (root / label / "boot2" / "proof-save.out").write_text(json.dumps({"release_mode": "ranges"}))
    return f"{label}={root / label}"


def held_gib_s(ramp_from, ramp_to):
    """The closed form: what the run holds, in GiB x s."""
    return (HIGH - LOW) * ((ramp_from - START) + (ramp_to - ramp_from) / 2) / (1 << 20)


def run_memcurve(tmp_path, specs):
    out = tmp_path / "out"
    p = subprocess.run([sys.executable, str(MEMCURVE), "--out", str(out)] + specs,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return json.loads((out / "summary.json").read_text()), out


def test_filtered_against_makedumpfile_then_release_mem(tmp_path):
    specs = [
        make_run(tmp_path, "filtered_1", 101.0, 103.0),          # back at once
        make_run(tmp_path, "mdf_end_1", 118.0, 119.0, summary=False),
        make_run(tmp_path, "filtered_2", 101.0, 105.0),
        make_run(tmp_path, "mdf_end_2", 117.0, 119.0, summary=False),
    ]
    summary, out = run_memcurve(tmp_path, specs)
    by = {r["label"]: r for r in summary["runs"]}
    for label, (a, b) in {"filtered_1": (101, 103), "mdf_end_1": (118, 119),
                          "filtered_2": (101, 105), "mdf_end_2": (117, 119)}.items():
        assert by[label]["held_gib_s"] == pytest.approx(held_gib_s(a, b), rel=1e-3)
    # medians of two: the mean of the two runs
    f = (held_gib_s(101, 103) + held_gib_s(101, 105)) / 2
    m = (held_gib_s(118, 119) + held_gib_s(117, 119)) / 2
    assert summary["held_ratio_filtered_over_mdf_end"] == pytest.approx(f / m, abs=2e-3)
    assert summary["pair_ratios_filtered_over_mdf_end"] == [
        pytest.approx(held_gib_s(101, 103) / held_gib_s(118, 119), abs=2e-3),
        pytest.approx(held_gib_s(101, 105) / held_gib_s(117, 119), abs=2e-3)]
    assert "held_ratio_ranges_over_end" not in summary
    assert "filtered/mdf_end" in (out / "summary.md").read_text()
    assert (out / "mdf_end_1.csv").read_text().startswith("seconds_since_save_start,")


def test_both_comparisons_side_by_side(tmp_path):
    specs = [
        make_run(tmp_path, "ranges_1", 102.0, 116.0),
        make_run(tmp_path, "end_1", 118.0, 119.0),
        make_run(tmp_path, "filtered_1", 101.0, 103.0),
        make_run(tmp_path, "mdf_end_1", 118.0, 119.0, summary=False),
    ]
    summary, _ = run_memcurve(tmp_path, specs)
    assert summary["held_ratio_ranges_over_end"] == pytest.approx(
        held_gib_s(102, 116) / held_gib_s(118, 119), abs=2e-3)
    assert summary["held_ratio_filtered_over_mdf_end"] == pytest.approx(
        held_gib_s(101, 103) / held_gib_s(118, 119), abs=2e-3)
    assert set(summary["medians"]) == {"ranges", "end", "filtered", "mdf_end"}


def test_a_fadumpctl_run_with_a_broken_summary_is_an_error(tmp_path):
    spec = make_run(tmp_path, "filtered_1", 101.0, 103.0)
    (tmp_path / "filtered_1" / "boot2" / "proof-save.out").write_text("not json")
    p = subprocess.run([sys.executable, str(MEMCURVE), "--out", str(tmp_path / "out"), spec],
                       capture_output=True, text=True)
    assert p.returncode == 1
    assert "proof-save.out" in p.stderr
