#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Plot MemAvailable during the save, from memcurve.py's output.

usage: plot.py DIR OUT.png

DIR holds LABEL.csv files and summary.json as bench/release/memcurve.py writes
them.  Needs python3-matplotlib (host only; not a build or test dependency).
"""

import csv
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

STYLE = {"ranges": ("tab:green", "--release=ranges"),
         "end": ("tab:red", "--release=end"),
         "unpatched": ("tab:gray", "--release, kernel without release_range"),
         "filtered": ("tab:blue", "--level 31 --format kdump --release=ranges"),
         "mdf_end": ("tab:orange", "makedumpfile -d 31 -c, then release_mem")}


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    d, out = sys.argv[1], sys.argv[2]
    with open(os.path.join(d, "summary.json")) as f:
        summary = json.load(f)
    fig, ax = plt.subplots(figsize=(9, 5), dpi=110)
    for run in summary["runs"]:
        label = run["label"]
        t, avail = [], []
        with open(os.path.join(d, label + ".csv")) as f:
            for row in csv.DictReader(f):
                t.append(float(row["seconds_since_save_start"]))
                avail.append(int(row["memavailable_kb"]) / 1024)
        mode, sep, n = label.rpartition("_")
        color, name = STYLE.get(mode if sep and n.isdigit() else label, (None, label))
        if sep and n.isdigit():
            name += f" #{n}"
        ax.plot(t, avail, color=color,
                label=f"{name}: held {run['held_gib_s']} GiB·s over {run['save_window_s']} s")
        ax.axvline(run["save_window_s"], color=color, linestyle=":", linewidth=1)
    ax.axvline(0, color="black", linestyle=":", linewidth=1)
    title = "Capture boot: MemAvailable while the dump is saved"
    ratios = [f"{k[len('held_ratio_'):].replace('_over_', '/')} = {v}" for k, v in summary.items()
              if k.startswith("held_ratio_")]
    if ratios:
        title += "\nheld memory " + ", ".join(ratios)
    ax.set_title(title)
    ax.set_xlabel("seconds since the save started (dotted: save returned)")
    ax.set_ylabel("MemAvailable (MiB)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(out)
    print(f"plot.py: wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
