#!/bin/bash
# libfadump end-to-end test: the real fadump cycle under QEMU pseries, or
# under QEMU powernv9/powernv10 (OPAL firmware, MPIPL: --machine).
#
#   register -> crash (sysrq-c) -> capture boot -> save /proc/vmcore -> release ->
#   re-register, with fadumpctl (cross-built for the guest) doing every step, then
#   checks of everything the guest saved, on the host.
#
# usage: tests/e2e/run.sh [options]
#   --arch le|be        guest kernel endianness (default le; be: see kernel/README.md)
#   --machine M         pseries (default), powernv9 or powernv10: the bare-metal
#                       OpenPOWER machines, whose skiboot implements MPIPL
#                       (QEMU >= 11.1); little-endian only; the same kernel.
#                       The guest adds an unregister/register round trip in
#                       the first boot and records the OPAL core
#                       (/sys/firmware/opal/mpipl/) in the capture boot; no
#                       filtered saves (--known defaults to 0).  Artifacts go
#                       to build-e2e/artifacts-M (tests/e2e/README.md)
#   --no-fadumpctl      development mode: run the guest without fadumpctl (raw sysfs
#                       reads/writes); the normal run REQUIRES fadumpctl
#   --save auto|cli|raw how the guest saves /proc/vmcore: `fadumpctl save --release`
#                       (cli), busybox cat (raw), cli if the CLI has it (auto, default)
#   --keep-image        keep the guest's output disk image (disk.img) in the artifacts
#   --no-vmcore         do not keep the 1.8 GB vmcore in the artifacts once checked
#   --jobs N            make/ninja jobs (default 2)
#   --release-proof     instead of the CI run: the memory-over-time proof of
#                       range-wise release (not in CI: an 8 GiB guest and a second
#                       kernel, ~17 min warm with --repeat 3, ~30 GB of disk).  One
#                       crash cycle is migrated to a file at the capture boot and
#                       resumed 4 x --repeat times, saving in turn with
#                       --release=ranges, --release=end (the whole dump), the
#                       filtered save (--level 31 --format kdump
#                       --release=ranges) and Debian's makedumpfile -d 31 -c
#                       followed by `fadumpctl release` (mdf-end); a kernel without the
#                       release_range patches (kernel/build.sh --patches 0001,0002)
#                       runs `save --release` (must fall back to "end").  Then the
#                       saved dumps are compared and bench/release/memcurve.py
#                       computes the memory-held integrals (see bench/release/).
#   --repeat N          with --release-proof: resume the migrated capture boot N
#                       times per mode (default 3), the modes alternating, so
#                       that the ratio is of medians and a slow moment of the host
#                       does not fall on one mode only (each repeat: ~4.5 min)
#   --print-root        print the path of the cached chroot (which must be ready) and
#                       exit: tests/abi/cross-abi.sh builds in it
#   --publish           with --release-proof: also copy the CSVs, summary and plot
#                       to bench/release/ in the checkout
#   --mem MIB           guest RAM in MiB (default 2048; 8192 with --release-proof:
#                       boot memory is at least 320 MiB and is never released
#                       early, so in a 2 GiB guest it is 16% of RAM and caps
#                       what range-wise release can show; 4% at 8 GiB, closer
#                       to the 5% of a production machine)
#   --fill MIB          MiB of marked pages the first boot leaves in RAM (default
#                       16; 3/4 of the RAM with --release-proof: a machine in use,
#                       half of it shmem, half a live process's anonymous memory)
#   --known MIB         MiB of each other kind of marked memory the first boot
#                       leaves (live process, page cache, freed; default 16; 0:
#                       none, and no filtered saves): check-filtered.py looks for
#                       them in the level-31 dumps
#   --runs N            filtered saves per tool and compressor (default 3): their
#                       median times go into the comparison with makedumpfile
#   -h, --help
#
# Environment:
#   FADUMP_E2E_CACHE    cache folder (default ${XDG_CACHE_HOME:-$HOME/.cache}/libfadump-e2e):
#                       a Debian trixie chroot (QEMU from trixie-backports, cross
#                       compilers, linux-source-7.2), kernels keyed by config+patches,
#                       the ppc64el sysroot; a second run reuses all of it
#   FADUMP_E2E_OUT      artifacts folder (default build-e2e/artifacts in the checkout)
#   FADUMP_E2E_TIMEOUT  seconds the QEMU part may take (default 300, a normal run needs
#                       < 120; with --release-proof, each of its QEMU runs: 900)
#   FADUMP_E2E_MIRROR   Debian mirror URL; default: the one this machine's apt uses
#
# Needs root (debootstrap, chroot), bash, coreutils, and access to a Debian mirror.
# Every missing prerequisite is a clear error and a non-zero exit, never a skip.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

arch=le
machine=pseries
fctl_mode=require
save_mode=auto
keep_image=0
keep_vmcore=1
jobs=2
proof=0
print_root=0
publish=0
repeat=3
fill_mib=
known_mib=
cmp_runs=3
mem_mib=
timeout_s=${FADUMP_E2E_TIMEOUT:-}
cache=${FADUMP_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libfadump-e2e}
out=${FADUMP_E2E_OUT:-}

die() { echo "e2e: ERROR: $*" >&2; exit 1; }
say() { echo "e2e: $*"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --arch) arch=${2:?}; shift 2 ;;
        --arch=*) arch=${1#*=}; shift ;;
        --machine) machine=${2:?}; shift 2 ;;
        --machine=*) machine=${1#*=}; shift ;;
        --no-fadumpctl) fctl_mode=raw; shift ;;
        --save) save_mode=${2:?}; shift 2 ;;
        --save=*) save_mode=${1#*=}; shift ;;
        --keep-image) keep_image=1; shift ;;
        --no-vmcore) keep_vmcore=0; shift ;;
        --jobs) jobs=${2:?}; shift 2 ;;
        --jobs=*) jobs=${1#*=}; shift ;;
        --release-proof) proof=1; shift ;;
        --print-root) print_root=1; shift ;;
        --publish) publish=1; shift ;;
        --repeat) repeat=${2:?}; shift 2 ;;
        --repeat=*) repeat=${1#*=}; shift ;;
        --fill) fill_mib=${2:?}; shift 2 ;;
        --mem) mem_mib=${2:?}; shift 2 ;;
        --mem=*) mem_mib=${1#*=}; shift ;;
        --fill=*) fill_mib=${1#*=}; shift ;;
        --known) known_mib=${2:?}; shift 2 ;;
        --known=*) known_mib=${1#*=}; shift ;;
        --runs) cmp_runs=${2:?}; shift 2 ;;
        --runs=*) cmp_runs=${1#*=}; shift ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done
case "$arch" in
    le) triplet=powerpc64le-linux-gnu; debarch=ppc64el; elfdata="little endian" ;;
    be) triplet=powerpc64-linux-gnu; debarch=ppc64; elfdata="big endian" ;;
    *) die "--arch must be le or be" ;;
esac
case "$save_mode" in auto|cli|raw) ;; *) die "--save must be auto, cli or raw" ;; esac
case "$machine" in
    pseries) platform=pseries run_tag=$arch ;;
    powernv9|powernv10)
        platform=powernv run_tag=$arch-$machine
        [ "$arch" = le ] || die "--machine $machine: little-endian only (the powernv kernel is the LE one)"
        [ "$proof" = 0 ] || die "--release-proof runs on pseries only"
        ;;
    *) die "--machine must be pseries, powernv9 or powernv10" ;;
esac
[ -n "$out" ] || out=$repo/build-e2e/artifacts$([ "$platform" = pseries ] || echo "-$machine")
# the filtered saves' comparison with makedumpfile runs on pseries
[ -n "$known_mib" ] || known_mib=$([ "$platform" = pseries ] && echo 16 || echo 0)
[ -n "$timeout_s" ] || timeout_s=$([ "$proof" = 1 ] && echo 900 || echo 300)
case "$timeout_s" in ''|*[!0-9]*) die "FADUMP_E2E_TIMEOUT must be a number of seconds" ;; esac
[ -n "$mem_mib" ] || mem_mib=$([ "$proof" = 1 ] && echo 8192 || echo 2048)
case "$mem_mib" in ''|*[!0-9]*) die "--mem takes a number of MiB" ;; esac
[ "$mem_mib" -ge 1024 ] || die "--mem: fadump needs at least 1024 MiB here"
[ -n "$fill_mib" ] || fill_mib=$([ "$proof" = 1 ] && echo $((mem_mib * 3 / 4)) || echo 16)
case "$fill_mib" in ''|*[!0-9]*) die "--fill takes a number of MiB" ;; esac
[ "$fill_mib" -le $((mem_mib * 4 / 5)) ] || die "--fill $fill_mib: at most 80% of the guest's $mem_mib MiB"
case "$known_mib" in ''|*[!0-9]*) die "--known takes a number of MiB" ;; esac
[ $((fill_mib + 4 * known_mib)) -le $((mem_mib * 4 / 5)) ] ||
    die "--fill $fill_mib and 4 x --known $known_mib: at most 80% of the guest's $mem_mib MiB"
case "$cmp_runs" in [1-9]) ;; *) die "--runs takes a number from 1 to 9" ;; esac
if [ "$proof" = 1 ] && [ "$fctl_mode" != require ]; then die "--release-proof needs fadumpctl"; fi
case "$repeat" in [1-9]) ;; *) die "--repeat takes a number from 1 to 9" ;; esac
[ "$(id -u)" = 0 ] || die "must run as root (debootstrap and chroot)"

# One run at a time per cache: runs share the chroot, its copy of the
# source and its build directories, and a second run rebuilding them
# under the first one's feet fails it in ways that look like real bugs.
# (--print-root only reads: it does not wait for a run to end)
mkdir -p "$cache"
exec 9>"$cache/.lock"
if [ "$print_root" = 0 ] && ! flock -n 9; then
    say "waiting for another run using $cache"
    flock 9
fi

# ------------------------------------------------------------------ timing
declare -a phase_names=() phase_secs=()
t_run0=$(date +%s.%N)
t_phase=
phase_begin() { t_phase=$(date +%s.%N); say "== $1"; }
phase_add() { phase_names+=("$1"); phase_secs+=("$2"); }
print_timing() {
    echo
    echo "e2e: timing ($arch, $machine)"
    printf '  %-28s %9s\n' phase seconds
    local i
    for i in "${!phase_names[@]}"; do
        printf '  %-28s %9.1f\n' "${phase_names[$i]}" "${phase_secs[$i]}"
    done
    printf '  %-28s %9.1f\n' total "$(awk "BEGIN{print $(date +%s.%N) - $t_run0}")"
}
phase_end() { phase_names+=("$1"); phase_secs+=("$(awk "BEGIN{print $(date +%s.%N) - $t_phase}")"); }

# ------------------------------------------------------------------ chroot helpers
suite=trixie
hostarch=$(dpkg --print-architecture 2>/dev/null) || die "dpkg not found: this script expects a Debian host"
chroot_rev=1    # bump to force a fresh chroot when the recipe below changes
qemu_pkgs="qemu-system-ppc libelf-dev"   # from backports: QEMU pulls libelf1t64 from there
tool_pkgs="linux-source-7.2 gcc-powerpc64le-linux-gnu gcc-powerpc64-linux-gnu libc6-dev-ppc64el-cross libc6-dev-ppc64-cross gcc libc6-dev make bc bison flex libssl-dev xz-utils cpio gzip python3 meson ninja-build pkg-config e2fsprogs binutils patch file libfdt-dev libjson-c-dev"
cross_pkgs="libfdt-dev libelf-dev libjson-c-dev zlib1g-dev libzstd-dev liblzo2-dev busybox-static"
chroot_key=$(printf '%s\n' "$chroot_rev" "$suite" "$hostarch" "$qemu_pkgs" "$tool_pkgs" | sha256sum | cut -c1-12)
root=$cache/chroot-$suite-$hostarch-$chroot_key
if [ "$print_root" = 1 ]; then
    [ -f "$root/.e2e-ready" ] || die "no ready chroot at $root (run tests/e2e/run.sh first)"
    echo "$root"
    exit 0
fi
mounted=()

cleanup() {
    local m
    for m in "${mounted[@]}"; do umount -l "$m" 2>/dev/null || true; done
}

# unmount everything below $1 (left over by a killed run) before it is deleted;
# rm -rf must never walk into a mounted /proc or /dev/pts
umount_under() {
    local d m
    d=$(cd "$1" 2>/dev/null && pwd -P) || return 0
    for m in $(awk -v d="$d/" 'index($2 "/", d) == 1 { print $2 }' /proc/mounts | sort -r); do
        umount -l "$m" || die "cannot unmount $m"
    done
    if awk -v d="$d/" 'index($2 "/", d) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
        die "something is still mounted below $d"
    fi
}
safe_rm() {
    local p
    for p in "$@"; do
        [ -e "$p" ] || continue
        umount_under "$p"
        rm -rf --one-file-system "$p"
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_chroot() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

mount_chroot() {
    if ! mountpoint -q "$root/proc"; then
        mount -t proc proc "$root/proc" || die "cannot mount /proc in the chroot"
    fi
    mounted+=("$root/proc")
    if ! mountpoint -q "$root/dev/pts"; then
        mkdir -p "$root/dev/pts"
        mount -t devpts devpts "$root/dev/pts" 2>/dev/null && mounted+=("$root/dev/pts") || true
    fi
}

# The mirror this machine's apt already uses (never hard-coded).
find_mirror() {
    if [ -n "${FADUMP_E2E_MIRROR:-}" ]; then echo "$FADUMP_E2E_MIRROR"; return; fi
    local f uri
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        # deb822: take URIs of the first stanza whose Suites are not *-security
        uri=$(awk '
            BEGIN { RS=""; FS="\n" }
            {
                u=""; s=""; t=""; en=1
                for (i = 1; i <= NF; i++) {
                    if ($i ~ /^URIs:/)    { u=$i; sub(/^URIs:[ \t]*/, "", u) }
                    if ($i ~ /^Suites:/)  { s=$i }
                    if ($i ~ /^Types:/)   { t=$i }
                    if ($i ~ /^Enabled:[ \t]*no/) { en=0 }
                }
                if (en && t ~ /deb( |$)/ && s !~ /security/ && u != "") { split(u, a, " "); print a[1]; exit }
            }' "$f")
        if [ -n "$uri" ]; then echo "$uri"; return; fi
    done
    if [ -f /etc/apt/sources.list ]; then
        uri=$(awk '$1 == "deb" && $0 !~ /security/ {
                    for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i ~ /:\/\//) { print $i; exit }
                  }' /etc/apt/sources.list)
        if [ -n "$uri" ]; then echo "$uri"; return; fi
    fi
    return 1
}

# Packages added to the chroot after its recipe was made: installed into a
# ready chroot when missing, rather than in its key, so that a cached chroot
# (and the kernels built in it) survives.  abigail-tools: the ABI check of
# the ppc64le and ppc64 builds (tests/abi/cross-abi.sh); from backports, as
# QEMU's libelf is.  python3-libkdumpfile and python3-dev: check-filtered.py
# reads the filtered dumps with libkdumpfile and with the native build's
# Python bindings (liblzo2-dev: which then read makedumpfile -l's files).
# elfutils: check.py reads the powernv run's OPAL core copy with eu-readelf.
late_pkgs="abigail-tools python3-libkdumpfile python3-dev liblzo2-dev elfutils"
install_late_pkgs() {
    local p missing=
    for p in $late_pkgs; do
        in_chroot dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing="$missing $p"
    done
    [ -n "$missing" ] || return 0
    say "installing$missing in the chroot"
    # shellcheck disable=SC2086
    in_chroot apt-get install -y -q -t "$suite-backports" $missing >>"$cache/apt.log" 2>&1 ||
        { tail -20 "$cache/apt.log" >&2; die "cannot install$missing in the chroot"; }
    in_chroot apt-get clean
}

setup_chroot() {
    if [ -f "$root/.e2e-ready" ]; then
        say "chroot ready: $root"
        mount_chroot
        install_late_pkgs
        return
    fi
    local mirror
    mirror=$(find_mirror) || die "no Debian mirror found in /etc/apt/sources.list{,.d} (set FADUMP_E2E_MIRROR)"
    if ! command -v debootstrap >/dev/null; then
        say "installing debootstrap on the host"
        { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; } ||
            die "cannot install debootstrap with apt-get"
    fi
    [ -f /usr/share/debootstrap/scripts/$suite ] || die "this debootstrap does not know '$suite' (needs debootstrap >= 1.0.128)"
    say "debootstrap $suite into $root"
    safe_rm "$root" "$root.tmp"
    mkdir -p "$cache"
    debootstrap --variant=minbase --arch="$hostarch" "$suite" "$root.tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
        { tail -20 "$cache/debootstrap.log" >&2; die "debootstrap $suite failed (log: $cache/debootstrap.log)"; }
    mv "$root.tmp" "$root"
    # foreign-arch indexes only from the main suite: a backports/updates index of
    # ppc64el that is out of sync with the mirror must not break the run
    cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb [arch=$hostarch] $mirror $suite-updates main
deb [arch=$hostarch] $mirror $suite-backports main
EOF
    echo 'APT::Install-Recommends "false";' >"$root/etc/apt/apt.conf.d/90e2e"
    echo 'Acquire::Retries "3";' >>"$root/etc/apt/apt.conf.d/90e2e"
    mount_chroot
    in_chroot dpkg --add-architecture ppc64el
    in_chroot apt-get update -q >"$cache/apt.log" 2>&1 ||
        { tail -20 "$cache/apt.log" >&2; die "apt-get update in the chroot failed"; }
    say "installing QEMU from $suite-backports and the build tools"
    # shellcheck disable=SC2086
    in_chroot apt-get install -y -q -t "$suite-backports" $qemu_pkgs >>"$cache/apt.log" 2>&1 ||
        { tail -20 "$cache/apt.log" >&2; die "cannot install $qemu_pkgs from $suite-backports"; }
    # shellcheck disable=SC2086
    in_chroot apt-get install -y -q $tool_pkgs >>"$cache/apt.log" 2>&1 ||
        { tail -20 "$cache/apt.log" >&2; die "cannot install the build tools ($tool_pkgs)"; }
    in_chroot apt-get clean
    install_late_pkgs
    touch "$root/.e2e-ready"
}

check_qemu() {
    local v
    v=$(in_chroot qemu-system-ppc64 --version | head -1) || die "qemu-system-ppc64 missing in the chroot"
    say "$v"
    local major
    major=$(echo "$v" | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
    [ -n "$major" ] && [ "$major" -ge 11 ] || die "QEMU >= 11 is needed for pseries fadump (have: $v)"
}

# Suites the guest's packages may come from, in order of preference: the
# chroot's own first (its cross compiler's glibc), then an older one (static
# libraries built against an older glibc link with a newer one), then sid.
# A mirror's index can run ahead of its pool (trixie's ppc64el did: zlib1g
# 404), so no one suite is trusted: tests/e2e/fetch-debs.sh takes each
# package from the first suite that really serves it, says when it fell
# back, and records what it took (packages.txt, copied to versions.txt).
guest_suites="trixie bookworm sid"

# fetch_debs ARGS...: tests/e2e/fetch-debs.sh in the chroot, with the mirror
# and the per-suite apt state kept in the cache
fetch_debs() {
    local mirror
    mirror=$(awk '$1 == "deb" && $2 !~ /^\[/ { print $2; exit }' "$root/etc/apt/sources.list")
    [ -n "$mirror" ] || die "cannot find the mirror in the chroot's sources.list"
    cp "$here/fetch-debs.sh" "$root/e2e/fetch-debs.sh"
    in_chroot /e2e/fetch-debs.sh --mirror "$mirror" --suites "$guest_suites" --state /e2e/apt-state "$@"
}

# show_fallbacks LOG: the packages fetch-debs.sh took from another suite than
# the first, and its warnings (the full list is in the log and versions.txt)
show_fallbacks() {
    grep -E 'not served by|warning' "$1" | sed 's/^/e2e: /' || true
}

# ppc64el static libraries and busybox, unpacked (not installed) into a sysroot so
# that the chroot's own amd64 packages (QEMU from backports) never conflict with
# the foreign architecture's versions.
setup_sysroot() {
    if [ "$arch" = be ]; then setup_sysroot_be; return; fi
    local key
    key=$(cat "$here/fetch-debs.sh" - <<<"$guest_suites $cross_pkgs" | sha256sum | cut -c1-12)
    sysroot_rel=/e2e/sysroot-$debarch-$key
    local s=$root$sysroot_rel
    [ -f "$s/.ready" ] && return
    rm -rf "$s" "$root/e2e/debs"
    mkdir -p "$s" "$root/e2e/debs"
    say "downloading the $debarch packages of the guest ($guest_suites, in that order)"
    local p pkgs=
    for p in $cross_pkgs; do pkgs="$pkgs $p"; done
    # shellcheck disable=SC2086
    fetch_debs --arch "$debarch" --out /e2e/debs $pkgs >"$cache/sysroot.log" 2>&1 ||
        { tail -20 "$cache/sysroot.log" >&2; die "cannot download the $debarch packages (log: $cache/sysroot.log)"; }
    show_fallbacks "$cache/sysroot.log"
    for p in "$root"/e2e/debs/*.deb; do
        dpkg-deb -x "$p" "$s" || die "cannot unpack $p"
    done
    cp "$root/e2e/debs/packages.txt" "$s/packages.txt"
    local libdir=$s/usr/lib/$triplet
    [ -f "$libdir/libfdt.a" ] && [ -f "$libdir/libelf.a" ] && [ -f "$libdir/libjson-c.a" ] ||
        die "static libraries missing in $s"
    [ -x "$s/usr/bin/busybox" ] || [ -x "$s/bin/busybox" ] || die "busybox missing in $s"
    # Debian's libfdt-dev has no .pc file; meson's prefer_static find_library does
    # not look in -L folders, so describe it for pkg-config
    if [ ! -f "$libdir/pkgconfig/libfdt.pc" ]; then
        local ver
        ver=$(dpkg-deb -f "$(ls "$root"/e2e/debs/libfdt-dev_*.deb)" Version | sed 's/-.*//; s/^[0-9]*://')
        mkdir -p "$libdir/pkgconfig"
        cat >"$libdir/pkgconfig/libfdt.pc" <<EOF
prefix=/usr
libdir=\${prefix}/lib/$triplet
includedir=\${prefix}/include

Name: libfdt
Description: Flat Device Tree manipulation (written by libfadump tests/e2e/run.sh)
Version: $ver
Libs: -L\${libdir} -lfdt
Cflags: -I\${includedir}
EOF
    fi
    rm -rf "$root/e2e/debs"
    touch "$s/.ready"
}

# The peer, Debian's makedumpfile for ppc64el, with the shared libraries it
# needs, unpacked into a tree of its own that goes into the initramfs under
# /peer (run through that tree's own loader: the guest has no /lib).  One
# suite for the whole set, so that the libraries match the binary: sid
# (makedumpfile 1.7.8, with zstd), else bookworm (1.7.2).  Every NEEDED
# library of every binary must be in the tree: a missing one is an error
# here, not a confusing failure in the guest.
peer_sets=(
    "sid:makedumpfile libc6 libdw1t64 libelf1t64 liblzo2-2 libzstd1 zlib1g libbz2-1.0 liblzma5"
    "bookworm:makedumpfile libc6 libdw1 libelf1 liblzo2-2 libzstd1 zlib1g libbz2-1.0 liblzma5"
)
setup_peer() {
    peer_rel=
    [ "$arch" = le ] || return 0
    local key
    key=$(cat "$here/fetch-debs.sh" - <<<"${peer_sets[*]}" | sha256sum | cut -c1-12)
    peer_rel=/e2e/peer-$debarch-$key
    local t=$root$peer_rel set s pkgs p
    [ -f "$t/.ready" ] && return 0
    rm -rf "$t" "$root/e2e/peer-debs"
    for set in "${peer_sets[@]}"; do
        s=${set%%:*} pkgs=${set#*:}
        rm -rf "$root/e2e/peer-debs"
        # shellcheck disable=SC2086
        if guest_suites=$s fetch_debs --arch "$debarch" --out /e2e/peer-debs $pkgs >>"$cache/peer.log" 2>&1; then
            break
        fi
        say "the peer's packages are not all served by $s (log: $cache/peer.log)"
        rm -rf "$root/e2e/peer-debs"
    done
    [ -f "$root/e2e/peer-debs/packages.txt" ] || die "no suite serves makedumpfile and its libraries for $debarch (log: $cache/peer.log)"
    mkdir -p "$t"
    for p in "$root"/e2e/peer-debs/*.deb; do
        dpkg-deb -x "$p" "$t" || die "cannot unpack $p"
    done
    cp "$root/e2e/peer-debs/packages.txt" "$t/packages.txt"
    rm -rf "$root/e2e/peer-debs"
    local loader libs need missing=
    loader=$(cd "$t" && find . -name 'ld64.so.2' -type f | head -1)
    [ -n "$loader" ] || die "no ld64.so.2 in the peer's libc6"
    libs=$(cd "$t" && find . -name '*.so*' \( -type f -o -type l \) -printf '%f\n' | sort -u)
    local bin dyn
    bin=$(cd "$t" && find . -path '*bin/makedumpfile' -type f | head -1)
    [ -n "$bin" ] || die "no makedumpfile binary in the peer's package"
    for p in "$bin" $(cd "$t" && find . -name '*.so*' -type f); do
        dyn=$(in_chroot readelf -d "$peer_rel/$p") || die "readelf -d $p (peer) failed"
        for need in $(sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' <<<"$dyn"); do
            grep -qxF "$need" <<<"$libs" || missing="$missing $need($p)"
        done
    done
    [ -z "$missing" ] || die "the peer's tree lacks libraries:$missing"
    printf '%s\n' "${loader#./}" >"$t/loader"
    printf '%s\n' "${bin#./}" >"$t/binary"
    touch "$t/.ready"
}

# Big-endian: Debian's main archive has no ppc64 binaries; build the static
# libraries and busybox from Debian's sources (tests/e2e/build-be-sysroot.sh).
setup_sysroot_be() {
    local key
    key=$(cat "$here/build-be-sysroot.sh" "$here/fetch-debs.sh" - <<<"$guest_suites" | sha256sum | cut -c1-12)
    sysroot_rel=/e2e/sysroot-$debarch-$key
    local s=$root$sysroot_rel
    [ -f "$s/.ready" ] && return
    say "building the big-endian sysroot from Debian sources (zlib, libfdt, json-c, libelf, busybox)"
    in_chroot apt-get install -y -q dpkg-dev cmake gawk m4 >>"$cache/apt.log" 2>&1 ||
        die "cannot install dpkg-dev cmake gawk m4 in the chroot"
    rm -rf "$root/e2e/be-src" "$s"
    mkdir -p "$root/e2e/be-src"
    # only the upstream (orig) tarballs are used; fetch-debs.sh takes each from
    # the first suite that serves it (a .dsc or Debian tarball that 404s does
    # not matter)
    fetch_debs --source --out /e2e/be-src zlib device-tree-compiler json-c elfutils busybox \
        >"$cache/be-src.log" 2>&1 ||
        { tail -20 "$cache/be-src.log" >&2; die "cannot download the sources of the big-endian sysroot (log: $cache/be-src.log)"; }
    show_fallbacks "$cache/be-src.log"
    cp "$here/build-be-sysroot.sh" "$root/e2e/build-be-sysroot.sh"
    in_chroot /e2e/build-be-sysroot.sh /e2e/be-src "$sysroot_rel" "$jobs" >"$cache/be-sysroot.log" 2>&1 ||
        { tail -30 "$cache/be-sysroot.log" >&2; die "building the big-endian sysroot failed (log: $cache/be-sysroot.log)"; }
    sed 's/^/source: /' "$root/e2e/be-src/packages.txt" >>"$s/packages.txt"
    rm -rf "$root/e2e/be-src"
    touch "$s/.ready"
}

# ------------------------------------------------------------------ kernel
# build_kernel [PATCHES]: kernel/build.sh --patches PATCHES (default all);
# sets kdir_rel to the cached kernel's folder in the chroot
build_kernel() {
    local sel=${1:-all}
    mkdir -p "$root/e2e/repo"
    rm -rf "$root/e2e/repo/kernel"
    cp -a "$repo/kernel" "$root/e2e/repo/kernel"
    local key
    key=$(in_chroot /e2e/repo/kernel/build.sh --arch "$arch" --patches "$sel" --print-key) ||
        die "kernel/build.sh --print-key failed"
    kdir_rel=/e2e/kernel/$arch-$key
    if [ -f "$root$kdir_rel/vmlinux" ]; then
        say "kernel cached: $kdir_rel ($(cat "$root$kdir_rel/kernelrelease"), patches: $sel)"
        rm -rf "$root$kdir_rel/linux" "$root$kdir_rel/obj"
        return 0
    fi
    rm -rf "$root$kdir_rel"
    in_chroot /e2e/repo/kernel/build.sh --arch "$arch" --patches "$sel" --jobs "$jobs" --out "$kdir_rel" ||
        die "kernel build failed (patches: $sel)"
    # keep the image, its map and config; drop the 2 GB of tree and objects
    rm -rf "$root$kdir_rel/linux" "$root$kdir_rel/obj"
}

# ------------------------------------------------------------------ fadumpctl
build_fadumpctl() {
    fctl_rel=
    if [ "$fctl_mode" = raw ]; then
        say "--no-fadumpctl: guest runs without fadumpctl"
        return 0
    fi
    [ -f "$repo/meson.build" ] || die "no meson.build in $repo"
    command -v rsync >/dev/null || die "rsync is needed to copy the tree into the chroot (scripts/install-deps.sh installs it)"
    # copy the working tree (not .git, not build folders) by content: a file that
    # changed gets the time of the copy, the others keep theirs, so the meson
    # build folder in the chroot rebuilds exactly what changed, whichever checkout
    # ran last (copying mtimes would let an older edit look older than objects
    # built from another checkout)
    mkdir -p "$root/e2e/src"
    rsync -r --links --checksum --delete --exclude=/.git --exclude='/build*' \
        --exclude=/subprojects/packagecache "$repo/" "$root/e2e/src/"
    local b=/e2e/build-fadumpctl-$arch
    printf "[constants]\nsysroot = '%s'\n" "$sysroot_rel" >"$root/e2e/sysroot-$arch.ini"
    # -Dpython=disabled: the guest needs no bindings, and the chroot's
    # python3-dev (for the host's checks) is the build machine's, which
    # meson would otherwise try to cross-compile the extension against
    if [ ! -f "$root$b/build.ninja" ]; then
        in_chroot sh -c "cd /e2e/src && meson setup --cross-file /e2e/sysroot-$arch.ini \
            --cross-file tests/e2e/ppc64$( [ "$arch" = le ] && echo le )-cross.ini \
            -Ddefault_library=static -Dprefer_static=true -Dtests=false -Dabi-check=disabled \
            -Dpython=disabled -Dbuildtype=release -Db_ndebug=false $b" >"$cache/fadumpctl-setup.log" 2>&1 ||
            { rm -rf "$root$b"; tail -30 "$cache/fadumpctl-setup.log" >&2; die "meson setup (cross $arch) failed"; }
    fi
    fctl_rel=$b/cli/fadumpctl
    if ! in_chroot ninja -C "$b" -j "$jobs" cli/fadumpctl >"$cache/fadumpctl-build.log" 2>&1; then
        # The project links fadumpctl against shared_library('fadump'); a -static
        # link refuses that ("attempted static link of dynamic object"), and the
        # shared library itself cannot take Debian's static libelf.a.  Compile the
        # same objects with meson, then link them statically by hand: the CLI's
        # objects plus the objects of every shared library built in the tree
        # (hidden visibility does not matter inside one executable).
        say "meson's own link of fadumpctl failed (see $cache/fadumpctl-build.log): linking its objects statically"
        cp "$here/eu-search-shim.c" "$root/e2e/eu-search-shim.c"
        in_chroot sh -s >>"$cache/fadumpctl-build.log" 2>&1 <<EOF || { tail -40 "$cache/fadumpctl-build.log" >&2; die "static link of fadumpctl failed (log: $cache/fadumpctl-build.log)"; }
set -e
cd $b
objs=\$(ninja -t query cli/fadumpctl | grep -E '^ +[^|]*\.o\$')
for so in \$(ninja -t targets all | sed -n 's/^\([^:]*\.so[.0-9]*\): c_LINKER\$/\1/p'); do
    objs="\$objs \$(ninja -t query "\$so" | grep -E '^ +[^|]*\.o\$')"
done
echo "== compiling \$objs"
ninja -j $jobs \$objs
export PKG_CONFIG_LIBDIR=$sysroot_rel/usr/lib/$triplet/pkgconfig PKG_CONFIG_SYSROOT_DIR=$sysroot_rel
# the page decompressors the kdump reader was configured with (the
# big-endian sysroot has zlib alone)
pcs="json-c libfdt libelf zlib"
for pc in libzstd lzo2; do if pkg-config --exists \$pc; then pcs="\$pcs \$pc"; fi; done
libs=\$(pkg-config --static --libs \$pcs)
echo "== static link"
if ! $triplet-gcc -static -o cli/fadumpctl-static \$objs \$libs -lm 2>link.err; then
    cat link.err
    # Debian's libelf.a (elfutils 0.192) lacks its eu_* search helpers
    grep -q "undefined reference to .eu_" link.err || exit 1
    echo "== libelf.a lacks eu_* helpers: adding tests/e2e/eu-search-shim.c"
    $triplet-gcc -O2 -c -o eu-search-shim.o /e2e/eu-search-shim.c
    $triplet-gcc -static -o cli/fadumpctl-static \$objs eu-search-shim.o \$libs -lm
fi
EOF
        fctl_rel=$b/cli/fadumpctl-static
    fi
    local info
    info=$(in_chroot file -b "$fctl_rel")
    say "fadumpctl: $info"
    case "$info" in
        *"statically linked"*) ;;
        *) die "fadumpctl is not a static binary: $info" ;;
    esac
}

# small static guest tools: mmap-zero (what mmap of /proc/vmcore shows) and
# memfill (marked pages in RAM before the crash, found again in /proc/vmcore)
build_guest_tools() {
    local t
    for t in mmap-zero memfill kcore-peek; do
        cp "$here/$t.c" "$root/e2e/$t.c"
        in_chroot "$triplet-gcc" -static -O2 -Wall -Wextra -Werror -o "/e2e/$t-$arch" "/e2e/$t.c" \
            >"$cache/guest-tools.log" 2>&1 ||
            { cat "$cache/guest-tools.log" >&2; die "cross-compiling tests/e2e/$t.c failed"; }
    done
}

# native (amd64) fadumpctl and Python bindings in the chroot, to read the
# saved dumps on the host side
build_native_fadumpctl() {
    native_rel=
    native_py=
    [ "$fctl_mode" = require ] || return 0
    local b=/e2e/build-fadumpctl-native opts="-Dtests=false -Dabi-check=disabled -Dpython=enabled"
    # a build directory set up with other options or packages (an older
    # run.sh's, without the bindings or lzo: meson would keep its cached
    # "not found") starts afresh
    if [ "$(cat "$root$b/.e2e-options" 2>/dev/null)" != "$opts $late_pkgs" ]; then
        rm -rf "$root$b"
    fi
    if [ ! -f "$root$b/build.ninja" ]; then
        in_chroot sh -c "cd /e2e/src && meson setup $opts $b" \
            >"$cache/fadumpctl-native.log" 2>&1 ||
            { rm -rf "$root$b"; tail -30 "$cache/fadumpctl-native.log" >&2; die "meson setup (native) failed"; }
        echo "$opts $late_pkgs" >"$root$b/.e2e-options"
    fi
    in_chroot ninja -C "$b" -j "$jobs" >>"$cache/fadumpctl-native.log" 2>&1 ||
        { tail -30 "$cache/fadumpctl-native.log" >&2; die "native build of fadumpctl failed"; }
    native_rel=$b/cli/fadumpctl
    native_py=$b/bindings/python
}

# ------------------------------------------------------------------ initramfs
build_initramfs() {
    local st=$root/e2e/initramfs-$arch
    rm -rf "$st"
    mkdir -p "$st"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,out,etc}
    local bb=$root$sysroot_rel/usr/bin/busybox
    [ -x "$bb" ] || bb=$root$sysroot_rel/bin/busybox
    cp "$bb" "$st/bin/busybox"
    ln -s busybox "$st/bin/sh"
    if [ -n "$fctl_rel" ]; then
        cp "$root$fctl_rel" "$st/bin/fadumpctl"
        in_chroot "$triplet-strip" "/e2e/initramfs-$arch/bin/fadumpctl" 2>/dev/null || true
    fi
    local t
    for t in mmap-zero memfill kcore-peek; do
        cp "$root/e2e/$t-$arch" "$st/bin/$t"
    done
    if [ -n "$peer_rel" ]; then
        cp -a "$root$peer_rel" "$st/peer"
        local lp
        lp=$(cd "$st/peer" && find . -name '*.so*' -printf '/peer/%h\n' | sed 's#/\./#/#' | sort -u | paste -sd:)
        printf '#!/bin/sh\nexec /peer/%s --library-path %s /peer/%s "$@"\n' \
            "$(cat "$st/peer/loader")" "$lp" "$(cat "$st/peer/binary")" >"$st/bin/makedumpfile"
        chmod 755 "$st/bin/makedumpfile"
    fi
    {
        echo '#!/bin/sh'
        echo '/bin/busybox --install -s /bin'
        sed 1d "$here/guest-init.sh"
    } >"$st/init"
    chmod 755 "$st/init"
    mknod -m 600 "$st/dev/console" c 5 1 || die "mknod /dev/console failed"
    in_chroot sh -c "cd /e2e/initramfs-$arch && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1 > /e2e/initramfs-$arch.cpio.gz" ||
        die "cannot pack the initramfs"
    say "initramfs: $(du -h "$root/e2e/initramfs-$arch.cpio.gz" | cut -f1)"
}

# ------------------------------------------------------------------ QEMU
# new_disk PATH (in the chroot): the guest's output disk, ext2 in a sparse file
# big enough for the vmcore (about RAM size)
new_disk() {
    in_chroot sh -c "rm -f $1 && truncate -s $((mem_mib + 2048))M $1 && mke2fs -q -F -t ext2 -L e2e-out $1" ||
        die "cannot create the output disk $1"
}

# qemu_cmd KDIR DISK EXTRA-APPEND: sets the array qemu and the string append.
# disable_radix=no: the radix MMU, as distribution kernels use on POWER9
# (tinyconfig leaves CONFIG_PPC_RADIX_MMU_DEFAULT off, so the kernel would
# take the hash MMU); the dump reader then walks radix page tables for
# vmemmap. tests/data/kdump holds a dump of the same kernel with hash.
#
# powernv9/powernv10 (QEMU's skiboot is the firmware; MPIPL is a guest
# reset, so never -no-reboot): a flash image with a valid partition table
# (mkpnor.py: skiboot v7.1 dies in flash_unregister() on the crash path
# without one), the disk on the first PHB's root port (bus pcie.0), kernel
# and initrd at most 128 MiB each (where QEMU's powernv loader puts them).
# powersave=off: the idle CPU must not sit in a stop state when the other
# one crashes.  With stop states on, skiboot's dump boot hung in most of
# our tries (powernv9: waiting for the CPU that was idle to call in, after
# "Detected BMC platform"; powernv10 once, in XIVE init): QEMU's MPIPL
# reset does not bring a stopped vCPU back.  The kernel idles in snooze.
qemu_cmd() {
    # powernv: opal-fadump.c's pr_debug lines (the CPU state data it decodes,
    # with each CPU's PIR, R1 and NIP) for the fixtures and the host checks
    local pnv_debug=
    [ "$platform" = pseries ] || pnv_debug='powersave=off dyndbg="file opal-fadump.c +p; file opal-core.c +p"'
    append="console=hvc0 fadump=on disable_radix=no panic=10 panic_on_oops=1${pnv_debug:+ $pnv_debug} e2e.platform=$platform e2e.fadumpctl=$fctl_mode e2e.save=$save_mode e2e.fill=$fill_mib e2e.known=$known_mib e2e.runs=$cmp_runs${3:+ $3}"
    case "$platform" in
    pseries)
        qemu=(qemu-system-ppc64 -M pseries,x-vof=on,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off
            -cpu power9 -smp 2 -m "${mem_mib}M" -nographic -monitor none -serial stdio -vga none
            -kernel "$1/vmlinux" -initrd "/e2e/initramfs-$arch.cpio.gz" -append "$append"
            -drive "file=$2,format=raw,if=none,id=out,cache=unsafe"
            -device virtio-blk-pci,drive=out) ;;
    powernv)
        qemu=(qemu-system-ppc64 -M "$machine" -smp 2 -m "${mem_mib}M" -nographic -monitor none -serial stdio
            -kernel "$1/vmlinux" -initrd "/e2e/initramfs-$arch.cpio.gz" -append "$append"
            -drive "file=$(dirname "$2")/pnor.bin,format=raw,if=mtd"
            -drive "file=$2,format=raw,if=none,id=out,cache=unsafe"
            -device virtio-blk-pci,drive=out,bus=pcie.0) ;;
    esac
}

# the powernv machine's flash image, and its 128 MiB limits for the kernel
# and the initrd (QEMU refuses larger ones)
prepare_powernv() {
    local rd=$1 f size
    cp "$here/mkpnor.py" "$root/e2e/mkpnor.py"
    in_chroot python3 /e2e/mkpnor.py "$rd/pnor.bin" || die "cannot write the flash image (mkpnor.py)"
    for f in "$kdir_rel/vmlinux" "/e2e/initramfs-$arch.cpio.gz"; do
        size=$(stat -c %s "$root$f")
        [ "$size" -le $((128 << 20)) ] || die "$f is $size bytes: powernv takes at most 128 MiB"
    done
}

run_qemu() {
    local rd=/e2e/run-$run_tag
    rm -rf "$root$rd"
    mkdir -p "$root$rd"
    new_disk "$rd/disk.img"
    [ "$platform" = pseries ] || prepare_powernv "$rd"
    local qemu append
    qemu_cmd "$kdir_rel" "$rd/disk.img"
    echo "$append" >"$out/cmdline"
    printf '%q ' "${qemu[@]}" >"$out/qemu-command"
    echo >>"$out/qemu-command"
    say "booting (timeout ${timeout_s}s); console: $out/console.log"
    local t0 rc=0
    t0=$(date +%s.%N)
    # timestamp every console line on the host; show the test's own lines
    set +e
    in_chroot timeout --foreground --kill-after=10 "$timeout_s" "${qemu[@]}" </dev/null 2>&1 |
    while IFS= read -r line; do
        line=${line//$'\r'/}
        now=$EPOCHREALTIME
        rel=$(awk "BEGIN{printf \"%.3f\", $now - $t0}")
        printf '[%9s] %s\n' "$rel" "$line" >>"$out/console.log"
        case "$line" in
            *E2E-MARK*|e2e:*|*"Kernel panic"*|*fadump*|*"Oops"*) printf '  [%7.1f] %s\n' "$rel" "$line" ;;
        esac
    done
    rc=${PIPESTATUS[0]}
    set -e
    qemu_secs=$(awk "BEGIN{print $(date +%s.%N) - $t0}")
    [ "$rc" = 124 ] && { tail -40 "$out/console.log" >&2; die "QEMU timed out after ${timeout_s}s"; }
    [ "$rc" = 0 ] || { tail -40 "$out/console.log" >&2; die "QEMU exited with $rc"; }
}

mark_time() {
    # first console timestamp of "E2E-MARK $1"
    awk -v m="E2E-MARK $1" 'index($0, m) { s = $0; sub(/^\[ */, "", s); sub(/\].*/, "", s); print s; exit }' "$out/console.log"
}

# extract_results [DISK DIR] (in the chroot; default: the CI run's disk into x/)
extract_results() {
    local img=${1:-/e2e/run-$run_tag/disk.img} x=${2:-/e2e/run-$run_tag/x}
    mkdir -p "$root$x"
    local names
    names=$(in_chroot debugfs -R "ls -p /" "$img" 2>/dev/null |
            awk -F/ '$6 != "" && $6 != "." && $6 != ".." && $6 != "lost+found" { printf "/%s ", $6 }')
    [ -n "$names" ] || die "the output disk $img is empty: the guest never wrote to it (console: $out/console.log)"
    in_chroot debugfs -R "rdump $names $x" "$img" >>"$out/debugfs.log" 2>&1 ||
        die "cannot read the output disk $img (debugfs)"
    # debugfs writes the holes out: make the vmcore copies sparse again
    in_chroot find "$x" -name vmcore -type f -exec fallocate --dig-holes {} + 2>/dev/null || true
}

# ------------------------------------------------------------------ release proof
# proof_qemu ACTION LABEL KDIR DISK [args for proof-qemu.py]: one QEMU run of
# the proof, driven by tests/e2e/proof-qemu.py (console + QMP)
proof_qemu() {
    local action=$1 label=$2 kdir=$3 disk=$4
    shift 4
    local qemu append
    qemu_cmd "$kdir" "$disk" "e2e.proof=1"
    printf '%q ' "${qemu[@]}" >"$out/proof/qemu-command-$label"
    echo >>"$out/proof/qemu-command-$label"
    say "proof: $action $label (timeout ${timeout_s}s); console: $out/proof/console-$label.log"
    local t0 rc=0
    t0=$(date +%s.%N)
    in_chroot python3 /e2e/proof-qemu.py "$action" --log "/e2e/proof-$arch/console-$label.log" \
        --qmp "/e2e/proof-$arch/qmp-$label.sock" --timeout "$timeout_s" "$@" -- "${qemu[@]}" || rc=$?
    cp "$root/e2e/proof-$arch/console-$label.log" "$out/proof/" 2>/dev/null || true
    phase_add "proof qemu $label" "$(awk "BEGIN{print $(date +%s.%N) - $t0}")"
    return $rc
}

release_proof() {
    local pd=/e2e/proof-$arch
    safe_rm "$root$pd"
    mkdir -p "$root$pd" "$out/proof"
    cp "$here/proof-qemu.py" "$root/e2e/proof-qemu.py"
    local state=$pd/state.mig migrated=1 label

    phase_begin "proof: crash + migrate"
    new_disk "$pd/disk.img"
    if ! proof_qemu snapshot capture "$kdir_rel" "$pd/disk.img" --state "$state" 2>"$out/proof/migration-error.txt"; then
        cat "$out/proof/migration-error.txt" >&2
        say "proof: migration of the capture boot FAILED (message above, kept in proof/migration-error.txt):"
        say "proof: falling back to two separate crash cycles; their dumps will differ"
        migrated=0
    fi
    phase_end "proof: crash + migrate"

    # ranges_1 end_1 filtered_1 mdf_end_1 ranges_2 ...: each mode's runs
    # spread over the whole proof, so that the host being slow for a while
    # weighs on all of them
    local i mode label labels=
    for i in $(seq 1 "$repeat"); do
        for mode in ranges end filtered mdf-end; do
            label=${mode//-/_}_$i
            labels="$labels $label"
            phase_begin "proof: save --release=$label"
            if [ "$migrated" = 1 ]; then
                in_chroot cp --sparse=always "$pd/disk.img" "$pd/disk-$label.img"
                proof_qemu resume "$label" "$kdir_rel" "$pd/disk-$label.img" --state "$state" --mode "$mode" ||
                    die "proof: the resumed run '$label' failed (console: $out/proof/console-$label.log)"
            else
                new_disk "$pd/disk-$label.img"
                proof_qemu run "$label" "$kdir_rel" "$pd/disk-$label.img" --mode "$mode" ||
                    die "proof: the crash cycle '$label' failed (console: $out/proof/console-$label.log)"
            fi
            extract_results "$pd/disk-$label.img" "$pd/$label"
            rm -f "$root$pd/disk-$label.img"
            # the whole dump, 7.7 GB each: the first pair is kept for cmp,
            # the others are compared by digest (the level-31 files are small)
            if [ "$i" -gt 1 ] && [ -f "$root$pd/$label/boot2/vmcore" ] &&
               { [ "$mode" = ranges ] || [ "$mode" = end ]; }; then
                in_chroot sh -c "cd $pd/$label/boot2 && sha256sum vmcore >vmcore.sha256 && stat -c %s vmcore >vmcore.size && rm vmcore"
            fi
            phase_end "proof: save --release=$label"
        done
    done
    rm -f "$root$pd/disk.img" "$root$state"

    phase_begin "proof: unpatched kernel"
    new_disk "$pd/disk-unpatched.img"
    proof_qemu run unpatched "$kdir_unpatched_rel" "$pd/disk-unpatched.img" --mode auto ||
        die "proof: the run on the kernel without release_range failed (console: $out/proof/console-unpatched.log)"
    extract_results "$pd/disk-unpatched.img" "$pd/unpatched"
    rm -f "$root$pd/disk-unpatched.img"
    phase_end "proof: unpatched kernel"

    phase_begin "proof: host checks"
    echo "$migrated" >"$root$pd/migrated"
    cp "$here/check.py" "$here/proof-check.py" "$root/e2e/"
    mkdir -p "$root/e2e/bench-release"
    cp "$repo/bench/release/memcurve.py" "$root/e2e/bench-release/memcurve.py"
    set +e
    in_chroot python3 /e2e/proof-check.py --migrated "$migrated" --memcurve /e2e/bench-release/memcurve.py \
        --repeat "$repeat" ${native_rel:+--fadumpctl "$native_rel"} --bench-out "$pd/bench" "$pd" |
        tee "$out/proof/check.log"
    local check_rc=${PIPESTATUS[0]}
    set -e
    for label in $labels unpatched; do
        mkdir -p "$out/proof/$label"
        mv "$root$pd/$label"/* "$out/proof/$label/" 2>/dev/null || true
    done
    mkdir -p "$out/proof/bench"
    cp -a "$root$pd/bench/." "$out/proof/bench/" 2>/dev/null || true
    safe_rm "$root$pd"
    # the plot only: matplotlib on the host (Debian: python3-matplotlib), with
    # whichever python3 has it (a python3 earlier in PATH may not see it)
    local py plotted=0
    for py in python3 /usr/bin/python3; do
        if command -v "$py" >/dev/null && "$py" -c 'import matplotlib' 2>/dev/null; then
            "$py" "$repo/bench/release/plot.py" "$out/proof/bench" "$out/proof/bench/memavailable.png" &&
                plotted=1
            break
        fi
    done
    [ "$plotted" = 1 ] || say "proof: no plot (needs python3-matplotlib on the host)"
    if [ "$publish" = 1 ]; then
        cp "$out/proof/bench"/*.csv "$out/proof/bench/summary.json" "$out/proof/bench/summary.md" \
            "$repo/bench/release/"
        [ -f "$out/proof/bench/memavailable.png" ] && cp "$out/proof/bench/memavailable.png" "$repo/bench/release/"
        say "proof: results copied to bench/release/"
    fi
    phase_end "proof: host checks"
    return "$check_rc"
}

# ------------------------------------------------------------------ main
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "${out:?}"/*
say "cache: $cache"
say "artifacts: $out"

phase_begin setup
setup_chroot
check_qemu
setup_sysroot
setup_peer
phase_end setup

phase_begin "kernel build"
if [ "$proof" = 1 ]; then
    # without release_range (0003), crash_info (0004), the Released line (0005);
    # 0001-0002 stay: they fix release_mem itself, the path this kernel must use
    build_kernel 0001,0002
    kdir_unpatched_rel=$kdir_rel
fi
build_kernel
phase_end "kernel build"

phase_begin "fadumpctl cross-build"
build_fadumpctl
build_native_fadumpctl
build_guest_tools
phase_end "fadumpctl cross-build"

phase_begin initramfs
build_initramfs
phase_end initramfs

{
    echo "arch=$arch"
    echo "machine=$machine"
    echo "kernel=$(cat "$root$kdir_rel/kernelrelease") ($kdir_rel)"
    in_chroot dpkg-query -W -f='${Package}=${Version}\n' qemu-system-ppc linux-source-7.2 "gcc-$triplet" meson
    sed 's/^/sysroot: /' "$root$sysroot_rel/packages.txt"
    [ -z "$peer_rel" ] || sed 's/^/peer: /' "$root$peer_rel/packages.txt"
} >"$out/versions.txt"
cp "$root$kdir_rel/config" "$out/kernel.config"

if [ "$proof" = 1 ]; then
    proof_rc=0
    release_proof || proof_rc=$?
    print_timing | tee "$out/timing.txt"
    [ "$proof_rc" = 0 ] || die "release proof checks FAILED (artifacts in $out/proof)"
    say "release proof PASS (artifacts in $out/proof)"
    exit 0
fi

phase_begin qemu
run_qemu
t_crash=$(mark_time crash); t_cap=$(mark_time capture-init)
t_s0=$(mark_time save-start); t_s1=$(mark_time save-end)
t_r0=$(mark_time release-start); t_r1=$(mark_time release-end)
sub() { if [ -n "$1" ] && [ -n "$2" ]; then awk "BEGIN{print $2 - $1}"; else echo -1; fi; }
phase_add "first boot" "$(sub 0 "$t_crash")"
phase_add "capture boot" "$(sub "$t_crash" "$t_cap")"
t_f0=$(mark_time filtered-start); t_f1=$(mark_time filtered-end)
[ -z "$t_f0" ] || phase_add "filtered saves" "$(sub "$t_f0" "$t_f1")"
phase_add "save" "$(sub "$t_s0" "$t_s1")"
phase_add "release" "$(sub "$t_r0" "$t_r1")"
phase_add "re-register, poweroff" "$(sub "$t_r1" "$qemu_secs")"
phase_add "qemu total" "$qemu_secs"

phase_begin "host checks"
extract_results
cp "$here/check.py" "$root/e2e/check.py"
cp "$out/console.log" "$root/e2e/run-$run_tag/x/console.log"   # check.py compares dmesg with it
set +e
in_chroot python3 /e2e/check.py --arch "$arch" --platform "$platform" --mode "$fctl_mode" --fill "$fill_mib" ${native_rel:+--fadumpctl "$native_rel"} \
    "/e2e/run-$run_tag/x" | tee "$out/check.log"
check_rc=${PIPESTATUS[0]}
# the filtered saves: ours and makedumpfile's level-31 dumps against the raw
# one and the memory the first boot left (filtered-compare.txt: the table)
if [ -n "$native_rel" ] && [ "$known_mib" -gt 0 ]; then
    cp "$here/check-filtered.py" "$here/compare-kdump.py" "$root/e2e/"
    in_chroot env PYTHONPATH="$native_py" python3 /e2e/check-filtered.py --fadumpctl "$native_rel" \
        "/e2e/run-$run_tag/x" | tee "$out/check-filtered.log"
    [ "${PIPESTATUS[0]}" = 0 ] || check_rc=1
fi
set -e
# artifacts: everything the guest wrote (boot1/, boot2/), vmcore included
mv "$root/e2e/run-$run_tag/x"/* "$out"/
if [ "$keep_image" = 1 ]; then mv "$root/e2e/run-$run_tag/disk.img" "$out/disk.img"; fi
rm -rf "$root/e2e/run-$run_tag"
if [ "$keep_vmcore" = 0 ]; then rm -f "$out/boot2/vmcore"; fi
phase_end "host checks"

print_timing | tee "$out/timing.txt"
if [ "$check_rc" != 0 ]; then
    die "end-to-end checks FAILED (artifacts in $out)"
fi
say "PASS (artifacts in $out)"
