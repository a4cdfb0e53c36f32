"""The QEMU run's filtered-save checker (tests/e2e/check-filtered.py) and the
guest tool that leaves its marked pages (tests/e2e/memfill.c), on the host.

The checker's verdicts rest on telling memfill's pages from anything else
and on reading makedumpfile's report: a checker that finds no marked page
passes every saver, one that misreads the report prints a wrong table.
memfill is built natively and its pages must be the ones the checker
recognises, for every kind the guest writes.
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PAGE = os.sysconf("SC_PAGE_SIZE")


@pytest.fixture(scope="module")
def cf():
    # the checker imports the bindings at the top; its parsers need none
    sys.modules.setdefault("fadump", types.ModuleType("fadump"))
    spec = importlib.util.spec_from_file_location("check_filtered", HERE / "check-filtered.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def memfill(tmp_path_factory):
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.skip("needs a C compiler")
    exe = tmp_path_factory.mktemp("memfill") / "memfill"
    subprocess.run([cc, "-O2", "-Wall", "-Wextra", "-Werror", "-o", str(exe), str(HERE / "memfill.c")],
                   check=True)
    return exe


def pages(path):
    data = path.read_bytes()
    return [data[i:i + PAGE] for i in range(0, len(data), PAGE)]


@pytest.mark.parametrize("mark", ["E2E-FILL", "E2E-PCAC", "E2E-DELF"])
def test_memfill_pages_are_recognised(cf, memfill, tmp_path, mark):
    out = tmp_path / "f"
    subprocess.run([str(memfill), "fill", str(out), "1", mark], check=True, capture_output=True)
    n = (1 << 20) // PAGE
    marks = cf.Marks(PAGE, {mark: n}, sys.byteorder)
    got = [marks.kind(p) for p in pages(out)]
    assert got == [mark] * n


def test_marks_refuse_lookalikes(cf, memfill, tmp_path):
    out = tmp_path / "f"
    subprocess.run([str(memfill), "fill", str(out), "1", "E2E-ANON"], check=True, capture_output=True)
    first = pages(out)[0]
    n = (1 << 20) // PAGE
    marks = cf.Marks(PAGE, {"E2E-ANON": n}, sys.byteorder)
    assert marks.kind(first) == "E2E-ANON"
    # the marker string alone (a program's text), a bad index, a torn
    # pattern, a short page, another byte order's index, an unknown marker
    assert marks.kind(b"E2E-ANON" + bytes(PAGE - 8)) is None
    idx = (n).to_bytes(8, sys.byteorder)
    assert marks.kind(first[:8] + idx + first[16:]) is None
    assert marks.kind(first[:-1] + b"\0") is None
    assert marks.kind(first[:PAGE // 2]) is None
    other = "big" if sys.byteorder == "little" else "little"
    one = pages(out)[1]
    assert cf.Marks(PAGE, {"E2E-ANON": n}, other).kind(one) is None
    assert cf.Marks(PAGE, {"E2E-FILL": n}, sys.byteorder).kind(first) is None


def test_memfill_usage_errors(memfill):
    for args in (["fill", "/nonexistent/x", "1", "SHORT"], ["anon", "1", "TOO-LONG-MARK"], ["hold", "x", "E2E-ANON"]):
        p = subprocess.run([str(memfill)] + args, capture_output=True, text=True)
        assert p.returncode == 2 and p.stderr


def test_memfill_anon_and_hold(memfill):
    p = subprocess.run([str(memfill), "anon", "1", "E2E-FREE"], capture_output=True, text=True, check=True)
    assert "E2E-FREE" in p.stdout
    p = subprocess.run([str(memfill), "hold", "1", "E2E-ANON"], capture_output=True, text=True, check=True,
                       timeout=30)
    pid = int(p.stdout.split("pid ")[1].split()[0])
    try:
        # the holder is alive and has its memory marked: find a page in it
        maps = Path(f"/proc/{pid}/maps").read_text().splitlines()
        with open(f"/proc/{pid}/mem", "rb") as mem:
            found = False
            for line in maps:
                rng, perms = line.split()[:2]
                a, b = (int(x, 16) for x in rng.split("-"))
                if b - a != (1 << 20) or "rw" not in perms:
                    continue
                mem.seek(a)
                found = found or mem.read(8) == b"E2E-ANON"
        assert found
    except PermissionError:
        pytest.skip("cannot read another process's memory here")
    finally:
        os.kill(pid, 9)


# makedumpfile 1.7.6's report at message level 23, as Debian's ppc64el build
# printed it in the QEMU guest (stdout)
REPORT = """
Original pages  : 0x0000000000006bff
  Excluded pages   : 0x0000000000006936
    Pages filled with zero  : 0x000000000000023e
    Non-private cache pages : 0x000000000000025e
    Private cache pages     : 0x0000000000000145
    User process data pages : 0x000000000000011b
    Free pages              : 0x000000000000623a
    Hwpoison pages          : 0x0000000000000000
    Offline pages           : 0x0000000000000000
  Remaining pages  : 0x00000000000002c9
  (The number of pages is reduced to 2%.)
Memory Hole     : 0x0000000000001401
--------------------------------------------------
Total pages     : 0x0000000000008000
"""


def test_peer_report(cf, tmp_path):
    (tmp_path / "makedumpfile-c.out").write_text(REPORT)
    (tmp_path / "makedumpfile-c.err").write_text("The kernel version is not supported.\n")
    r = cf.peer_report(str(tmp_path), "c")
    assert r["Original pages"] == 27647
    assert r["Free pages"] == 25146
    assert r["User process data pages"] == 283
    assert r["Remaining pages"] == 713
    # the classes add up to what it excluded
    assert sum(r[name] for _, name, _ in cf.REPORT) == r["Excluded pages"]


def test_save_counts_shapes(cf):
    flat = {"pages_total": 10, "pages_kept": 3, "class_kept": {"kernel": 3},
            "class_excluded": {"free": 7}}
    nested = {"pages": {"total": 10, "kept": 3,
                        "classes": {"kernel": {"kept": 3, "excluded": 0}, "free": {"kept": 0, "excluded": 7}}}}
    for j in (flat, nested):
        total, kept, ckept, cexcl = cf.save_counts(j)
        assert (total, kept, sum(ckept.values()), sum(cexcl.values())) == (10, 3, 3, 7)
    assert cf.save_counts({"bytes_written": 1}) == (None, None, None, None)
    assert cf.save_counts([]) == (None, None, None, None)


def test_runs_medians(cf, tmp_path):
    (tmp_path / "compare.txt").write_text(
        "makedumpfile c 1 1.43 3466176\nfadumpctl zlib 1 0.50 3000000\n"
        "makedumpfile c 2 1.33 3466176\ngarbage\nfadumpctl zlib 2 x 1\n")
    r = cf.runs(str(tmp_path))
    assert r[("makedumpfile", "zlib")] == ([1.43, 1.33], [3466176, 3466176])
    assert r[("fadumpctl", "zlib")] == ([0.5], [3000000])


def test_raw_pfns_partial_pages(cf):
    # the QEMU guest's layout: boot memory, then memory from the end of
    # fadump's reserved area, which ends inside a 64 KiB page
    seg = types.SimpleNamespace
    vm = seg(segments=[seg(paddr=0, memsz=0x14000000), seg(paddr=0x280102a8, memsz=0x57fefd58)])
    pfns, partial = cf.raw_pfns(vm, 0x10000)
    assert len(pfns) == 0x6bff            # makedumpfile's "Original pages"
    assert pfns[0x1400] == 0x2801
    assert partial == {0x2801: (0x2a8, 0x10000)}
