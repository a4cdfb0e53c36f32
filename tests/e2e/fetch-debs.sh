#!/bin/bash
# Download Debian packages (binary .debs of one architecture, or the upstream
# tarballs of source packages) from the first suite of an ordered list that
# really serves them.
#
# A mirror can list a package in a suite's index and still not hold the file
# in its pool: trixie's ppc64el index once ran a point release ahead of its
# pool (zlib1g, liblzma5, libc-bin ... answered 404), and some source
# packages 404 in every suite.  One missing file must not end a run, and no
# suite is trusted to be complete: each package is tried suite by suite, in
# the order given, until one download succeeds.  What was taken from where
# is printed and written to OUT/packages.txt.
#
# usage: fetch-debs.sh [options] PACKAGE...
#   --mirror URL     Debian mirror (required)
#   --suites LIST    suites to try, in order, e.g. "trixie bookworm sid"
#                    (required); a suite whose index cannot be fetched is
#                    skipped with a warning
#   --arch ARCH      binary packages of ARCH (e.g. ppc64el); without it,
#                    --source must be given
#   --source         download source packages instead; only the upstream
#                    tarball (*.orig.tar.*) must arrive (a missing .dsc or
#                    Debian tarball does not matter to our builds)
#   --state DIR      apt state (indexes) per suite, reused across runs
#                    (required)
#   --out DIR        where the files go (required; created)
#   --trusted        accept unsigned indexes (for a local test mirror only)
#
# PACKAGE is a name, or NAME=VERSION to ask for one version (the suites are
# still tried in order; a suite that does not list that version is passed
# over).  Exit status: 0 when every package was downloaded; 1 otherwise, with
# one line per package that no suite served, naming each suite's answer.
set -euo pipefail

mirror= suites= arch= source=0 state= out= trusted=0
die() { echo "fetch-debs: ERROR: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
    case "$1" in
        --mirror) mirror=${2:?}; shift 2 ;;
        --suites) suites=${2:?}; shift 2 ;;
        --arch) arch=${2:?}; shift 2 ;;
        --source) source=1; shift ;;
        --state) state=${2:?}; shift 2 ;;
        --out) out=${2:?}; shift 2 ;;
        --trusted) trusted=1; shift ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        --*) die "unknown option '$1' (see --help)" ;;
        *) break ;;
    esac
done
[ -n "$mirror" ] && [ -n "$suites" ] && [ -n "$state" ] && [ -n "$out" ] ||
    die "--mirror, --suites, --state and --out are required"
[ $# -gt 0 ] || die "no package named"
if [ "$source" = 1 ]; then
    [ -z "$arch" ] || die "--arch and --source exclude each other"
else
    [ -n "$arch" ] || die "--arch ARCH or --source is required"
fi

mkdir -p "$state" "$out"
state=$(cd "$state" && pwd)
out=$(cd "$out" && pwd)

# apt_for SUITE ARGS...: apt-get with an index of SUITE alone, kept in
# $state/SUITE-KIND, so that the chroot's own sources and dpkg state (another
# suite, another architecture) play no part in what is chosen.  Indexes are
# still checked against the archive keys; their Valid-Until is not, because
# a mirror that is a dated snapshot serves sid's Release long after it
# expired (apt then refuses the whole suite).
kind=${arch:-source}
apt_for() {
    local s=$1 d=$state/$1-$kind
    shift
    apt-get -q -o "Dir::Etc::SourceList=$d/sources.list" -o Dir::Etc::SourceParts=- \
        -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache" \
        -o Dir::State::Status=/dev/null -o Debug::NoLocking=true \
        -o Acquire::Retries=2 -o Acquire::Check-Valid-Until=false -o APT::Sandbox::User=root \
        ${arch:+-o "APT::Architecture=$arch" -o "APT::Architectures::=$arch"} \
        "$@"
}

usable=()
for s in $suites; do
    d=$state/$s-$kind
    mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
    opts=
    [ "$trusted" = 1 ] && opts="[trusted=yes] "
    if [ "$source" = 1 ]; then
        echo "deb-src ${opts}$mirror $s main" >"$d/sources.list.new"
    else
        echo "deb ${opts}$mirror $s main" >"$d/sources.list.new"
    fi
    # a new mirror or option: start that suite's index afresh
    if ! cmp -s "$d/sources.list.new" "$d/sources.list" 2>/dev/null; then
        rm -rf "$d/lists"/* && mkdir -p "$d/lists/partial"
        mv "$d/sources.list.new" "$d/sources.list"
    else
        rm -f "$d/sources.list.new"
    fi
    if apt_for "$s" update >"$d/update.log" 2>&1 &&
        ! grep -qE '^(W|E): Failed to fetch' "$d/update.log"; then
        usable+=("$s")
    else
        echo "fetch-debs: warning: no index of $s ($kind) from the mirror; suite skipped:" >&2
        grep -E '^(W|E):' "$d/update.log" | head -3 | sed 's/^/  /' >&2
    fi
done
[ ${#usable[@]} -gt 0 ] || die "no suite of '$suites' has an index for $kind on $mirror"

# fetch_one SUITE PACKAGE: download into a fresh folder; print "VERSION" of
# what arrived.  Fails (and leaves nothing) when the suite does not serve it.
fetch_one() {
    local s=$1 p=$2 tmp rc=0
    tmp=$(mktemp -d "$out/.fetch.XXXXXX")
    if [ "$source" = 1 ]; then
        (cd "$tmp" && apt_for "$s" source --download-only "$p") >"$tmp.log" 2>&1 || rc=$?
        # apt-get source fails when any file 404s; the orig tarball is all we use
        local orig
        orig=$(ls "$tmp"/*.orig.tar.* 2>/dev/null | head -1)
        if [ -z "$orig" ]; then
            rm -rf "$tmp"
            return 1
        fi
        basename "$orig" | sed -E 's/^[^_]*_(.*)\.orig\.tar\..*/\1/'
    else
        (cd "$tmp" && apt_for "$s" download "$p") >"$tmp.log" 2>&1 || rc=$?
        local deb
        deb=$(ls "$tmp"/*.deb 2>/dev/null | head -1)
        if [ "$rc" != 0 ] || [ -z "$deb" ]; then
            rm -rf "$tmp"
            return 1
        fi
        dpkg-deb -f "$deb" Version
    fi
    mv "$tmp"/* "$out"/ 2>/dev/null || true
    rm -rf "$tmp" "$tmp.log"
}

join() { local IFS=';'; echo "$*" | sed 's/;/; /g'; }

: >"$out/packages.txt.new"
missing=()
for p in "$@"; do
    name=${p%%=*}
    tried=()
    got=
    for s in "${usable[@]}"; do
        if v=$(fetch_one "$s" "$p"); then
            got=$s
            break
        fi
        why=$(grep -hoE "404 +Not Found|File not found|Unable to locate package [^ ]*|Can't find a source to download version '[^']*'|Version '[^']*' for '[^']*' was not found|Unable to find a source package for [^ ]*" \
              "$out"/.fetch.*.log 2>/dev/null | head -1)
        tried+=("$s: ${why:-failed}")
        rm -f "$out"/.fetch.*.log
    done
    if [ -n "$got" ]; then
        if [ "$got" != "${usable[0]}" ]; then
            echo "fetch-debs: $name from $got ($v); not served by $(join "${tried[@]}")"
        else
            echo "fetch-debs: $name from $got ($v)"
        fi
        echo "$name ${arch:-source} $v $got" >>"$out/packages.txt.new"
    else
        missing+=("$name ($(join "${tried[@]}"))")
    fi
done
rm -f "$out"/.fetch.*.log
if [ ${#missing[@]} -gt 0 ]; then
    rm -f "$out/packages.txt.new"
    for m in "${missing[@]}"; do echo "fetch-debs: ERROR: no suite served $m" >&2; done
    exit 1
fi
mv "$out/packages.txt.new" "$out/packages.txt"
