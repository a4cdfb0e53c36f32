"""tests/e2e/fetch-debs.sh against a local mirror that drifts like a real one.

The QEMU run takes its guest's packages from whichever suite really serves
them: a suite's index may list a version its pool does not hold (trixie's
ppc64el index once ran a point release ahead of its pool), and a source
package may lack its .dsc.  These tests build a small file:// mirror with
exactly those faults and check that the script falls back suite by suite,
says so, records what it took, and fails naming every suite when none
serves a package.
"""
import gzip
import hashlib
import os
import shutil
import subprocess
import tarfile
import io
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "fetch-debs.sh"
ARCH = "ppc64el"

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("apt-get", "dpkg-deb")),
    reason="needs apt-get and dpkg-deb (a Debian host)")


def build_deb(tmp, name, version):
    """A real (tiny) binary package, built with dpkg-deb."""
    root = tmp / f"src-{name}-{version}"
    (root / "DEBIAN").mkdir(parents=True)
    (root / "usr/share/doc" / name).mkdir(parents=True)
    (root / "usr/share/doc" / name / "marker").write_text(f"{name} {version}\n")
    (root / "DEBIAN/control").write_text(
        f"Package: {name}\nVersion: {version}\nArchitecture: {ARCH}\n"
        "Maintainer: libfadump tests <tests@invalid>\n"
        f"Description: fetch-debs test package {name}\n")
    deb = tmp / f"{name}_{version}_{ARCH}.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-b", str(root), str(deb)],
                   check=True, capture_output=True)
    return deb


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class Mirror:
    """dists/SUITE/{Release,main/binary-ARCH/Packages.gz,main/source/Sources.gz}
    and pool/, written by hand so that an index can name files the pool
    does not have."""

    def __init__(self, root):
        self.root = root
        self.binaries = {}   # suite -> [stanza]
        self.sources = {}    # suite -> [stanza]

    @property
    def url(self):
        return "file://" + str(self.root)

    def pool(self, rel, data):
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)

    def add_binary(self, suite, deb, name, version, present=True):
        data = deb.read_bytes()
        rel = f"pool/main/{name[0]}/{name}/{name}_{version}_{ARCH}.deb"
        if present:
            self.pool(rel, data)
        self.binaries.setdefault(suite, []).append(
            f"Package: {name}\nVersion: {version}\nArchitecture: {ARCH}\n"
            f"Filename: {rel}\nSize: {len(data)}\nSHA256: {sha256(data)}\n"
            f"Description: test\n")

    def add_source(self, suite, name, version, orig=True, dsc=True):
        directory = f"pool/main/{name[0]}/{name}"
        upstream = version.split("-")[0]
        files = []
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as t:
            body = f"{name} {upstream}\n".encode()
            info = tarfile.TarInfo(f"{name}-{upstream}/VERSION")
            info.size = len(body)
            t.addfile(info, io.BytesIO(body))
        tar = buf.getvalue()
        dsc_data = (f"Format: 3.0 (quilt)\nSource: {name}\nVersion: {version}\n").encode()
        for fname, data, present in ((f"{name}_{version}.dsc", dsc_data, dsc),
                                     (f"{name}_{upstream}.orig.tar.gz", tar, orig)):
            if present:
                self.pool(f"{directory}/{fname}", data)
            files.append((fname, data))
        self.sources.setdefault(suite, []).append(
            f"Package: {name}\nBinary: {name}\nVersion: {version}\nArchitecture: any\n"
            f"Format: 3.0 (quilt)\nDirectory: {directory}\n"
            "Files:\n" + "".join(f" {hashlib.md5(d).hexdigest()} {len(d)} {f}\n" for f, d in files) +
            "Checksums-Sha256:\n" + "".join(f" {sha256(d)} {len(d)} {f}\n" for f, d in files))

    def write(self):
        for suite in set(self.binaries) | set(self.sources):
            d = self.root / "dists" / suite
            entries = []
            for rel, stanzas in ((f"main/binary-{ARCH}/Packages", self.binaries.get(suite, [])),
                                 ("main/source/Sources", self.sources.get(suite, []))):
                raw = "\n".join(stanzas).encode()
                for suffix, data in (("", raw), (".gz", gzip.compress(raw))):
                    (d / rel).parent.mkdir(parents=True, exist_ok=True)
                    (d / (rel + suffix)).write_bytes(data)
                    entries.append(f" {sha256(data)} {len(data)} {rel}{suffix}\n")
            (d / "Release").write_text(
                f"Suite: {suite}\nCodename: {suite}\nArchitectures: {ARCH}\n"
                "Components: main\nDate: Mon, 07 Dec 2026 00:00:00 UTC\n"
                "SHA256:\n" + "".join(entries))


def fetch(mirror, tmp, suites, *pkgs, source=False):
    out = tmp / "out"
    cmd = [str(SCRIPT), "--mirror", mirror.url, "--suites", suites, "--trusted",
           "--state", str(tmp / "state"), "--out", str(out)]
    cmd += ["--source"] if source else ["--arch", ARCH]
    r = subprocess.run(cmd + list(pkgs), capture_output=True, text=True, timeout=120)
    return r, out


def recorded(out):
    return [line.split() for line in (out / "packages.txt").read_text().splitlines()]


@pytest.fixture
def mirror(tmp_path):
    m = Mirror(tmp_path / "mirror")
    debs = tmp_path / "debs"
    debs.mkdir()
    # "drift": its index is a point release ahead of its pool for zlibish
    m.add_binary("drift", build_deb(debs, "zlibish", "2.0+u1"), "zlibish", "2.0+u1", present=False)
    m.add_binary("drift", build_deb(debs, "fdtish", "1.7"), "fdtish", "1.7")
    # "older" holds everything, at older versions
    m.add_binary("older", build_deb(debs, "zlibish", "1.2"), "zlibish", "1.2")
    m.add_binary("older", build_deb(debs, "fdtish", "1.6"), "fdtish", "1.6")
    # sources: drift lists busyish without its orig tarball; elfish lacks
    # only its .dsc (the build needs the tarball alone)
    m.add_source("drift", "busyish", "1.37-6", orig=False)
    m.add_source("drift", "elfish", "0.192-4", dsc=False)
    m.add_source("older", "busyish", "1.35-4")
    m.add_source("older", "elfish", "0.188-2")
    m.write()
    return m


def test_index_ahead_of_pool_falls_back_to_next_suite(mirror, tmp_path):
    r, out = fetch(mirror, tmp_path, "drift older", "fdtish", "zlibish")
    assert r.returncode == 0, r.stderr
    # first suite where it is served; the fallback is said, with the reason
    assert "fetch-debs: fdtish from drift (1.7)\n" in r.stdout
    assert "fetch-debs: zlibish from older (1.2); not served by drift: File not found" in r.stdout
    assert recorded(out) == [["fdtish", ARCH, "1.7", "drift"],
                             ["zlibish", ARCH, "1.2", "older"]]
    got = sorted(p.name for p in out.glob("*.deb"))
    assert got == [f"fdtish_1.7_{ARCH}.deb", f"zlibish_1.2_{ARCH}.deb"]
    # and the files are the packages themselves
    ver = subprocess.run(["dpkg-deb", "-f", str(out / f"zlibish_1.2_{ARCH}.deb"), "Version"],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert ver == "1.2"


def test_order_of_suites_is_the_preference(mirror, tmp_path):
    r, out = fetch(mirror, tmp_path, "older drift", "fdtish")
    assert r.returncode == 0, r.stderr
    assert recorded(out) == [["fdtish", ARCH, "1.6", "older"]]


def test_a_version_that_does_not_exist_anywhere_fails_naming_each_suite(mirror, tmp_path):
    r, out = fetch(mirror, tmp_path, "drift older", "fdtish", "zlibish=9.9", "nosuch")
    assert r.returncode == 1
    errors = [l for l in r.stderr.splitlines() if "ERROR" in l]
    assert errors == [
        "fetch-debs: ERROR: no suite served zlibish (drift: Version '9.9' for 'zlibish' was not found; "
        "older: Version '9.9' for 'zlibish' was not found)",
        "fetch-debs: ERROR: no suite served nosuch (drift: Unable to locate package nosuch; "
        "older: Unable to locate package nosuch)"]
    assert not (out / "packages.txt").exists()


def test_pinned_version_is_taken_from_the_suite_that_has_it(mirror, tmp_path):
    r, out = fetch(mirror, tmp_path, "drift older", "zlibish=1.2")
    assert r.returncode == 0, r.stderr
    assert recorded(out) == [["zlibish", ARCH, "1.2", "older"]]


def test_a_suite_without_index_is_skipped_with_a_warning(mirror, tmp_path):
    r, out = fetch(mirror, tmp_path, "gone drift older", "zlibish")
    assert r.returncode == 0, r.stderr
    assert "no index of gone" in r.stderr
    assert recorded(out) == [["zlibish", ARCH, "1.2", "older"]]


def test_sources_need_the_upstream_tarball_only(mirror, tmp_path):
    r, out = fetch(mirror, tmp_path, "drift older", "elfish", "busyish", source=True)
    assert r.returncode == 0, r.stderr
    assert recorded(out) == [["elfish", "source", "0.192", "drift"],
                             ["busyish", "source", "1.35", "older"]]
    assert (out / "elfish_0.192.orig.tar.gz").is_file()
    assert (out / "busyish_1.35.orig.tar.gz").is_file()
    assert not (out / "busyish_1.37.orig.tar.gz").exists()
