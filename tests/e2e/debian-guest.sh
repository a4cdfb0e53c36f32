#!/bin/bash
# libfadump end-to-end groundwork: a Debian ppc64el guest with systemd as PID 1,
# booted under QEMU pseries with the project's one little-endian kernel
# (kernel/build.sh --arch le: modules, ext4 as a module), a generated
# initramfs that loads that module and mounts the root, and a root file system
# made from Debian packages.  Ends when systemd's multi-user target is reached:
# `systemctl is-system-running` must answer running or degraded (the failed
# units are listed).  Not yet part of tests/run-all.sh (tests/e2e/README.md,
# "Debian systemd guest").
#
# usage: tests/e2e/debian-guest.sh [--jobs N] [--keep-image]
#   --jobs N       make jobs of a kernel build (default 2)
#   --keep-image   keep the booted copy of the root image in the artifacts
#
# Steps, each cached under a key of its inputs:
#   1. the kernel: the chroot and kernel cache of run.sh (/e2e/kernel/le-KEY,
#      shared with it), with the modules kernel/build.sh installs;
#   2. the root file system: `debootstrap --foreign --arch ppc64el` on this
#      machine (it has no binfmt_misc: no ppc64el binary runs here), first
#      suite of $suites that serves every package; its second stage runs once,
#      inside a QEMU guest of our kernel whose init is tests/e2e/debian-stage2.sh;
#      the result is an ext4 image, rootfs-KEY.img;
#   3. the boot: a copy of that image, the initramfs, systemd to multi-user.
#
# Environment: FADUMP_E2E_CACHE, FADUMP_E2E_OUT (default
# build-e2e/artifacts-debian), FADUMP_E2E_MIRROR as for run.sh;
# FADUMP_E2E_TIMEOUT: seconds each QEMU run may take (default 900).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
jobs=2
keep_image=0
cache=${FADUMP_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libfadump-e2e}
out=${FADUMP_E2E_OUT:-$repo/build-e2e/artifacts-debian}
timeout_s=${FADUMP_E2E_TIMEOUT:-900}

die() { echo "debian-guest: ERROR: $*" >&2; exit 1; }
say() { echo "debian-guest: $*"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --jobs) jobs=${2:?}; shift 2 ;;
        --jobs=*) jobs=${1#*=}; shift ;;
        --keep-image) keep_image=1; shift ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done
[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot)"
case "$timeout_s" in ''|*[!0-9]*) die "FADUMP_E2E_TIMEOUT must be a number of seconds" ;; esac

# ------------------------------------------------------------------ inputs
# Suites tried in order for the whole root file system (one suite for all of
# it: its packages depend on each other's exact versions).  trixie is not
# among them: its ppc64el index runs ahead of its pool (tests/e2e/README.md).
suites="bookworm sid"
# systemd as init, udev, kmod (udev loads modules with it), and the shared
# libraries libfadump and fadumpctl link against
packages="systemd systemd-sysv udev kmod libelf1 libfdt1 libjson-c5 libzstd1 zlib1g liblzo2-2"
rootfs_rev=1        # bump when the recipe below changes in a way the key misses
rootfs_mib=3072
mem_mib=2048

root=$("$here/run.sh" --print-root) ||
    die "no chroot ready: run tests/e2e/run.sh once (it makes the chroot with QEMU and the cross compilers)"
[ -n "$root" ] && [ -d "$root/e2e" ] || die "run.sh --print-root gave '$root'"
work=/e2e/debian-guest            # inside the chroot
mkdir -p "$root$work" "$out"

# one run at a time per cache (its own lock: run.sh's would serialise the two
# scenarios for nothing, except for a kernel both build at once)
exec 8>"$cache/.debian-guest.lock"
if ! flock -n 8; then
    say "waiting for another debian-guest run using $cache"
    flock 8
fi

in_chroot() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp LC_ALL=C.UTF-8 "$@"; }
mounted=()
cleanup() { local m; for m in "${mounted[@]}"; do umount -l "$m" 2>/dev/null || true; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM
if ! mountpoint -q "$root/proc"; then
    mount -t proc proc "$root/proc" || die "cannot mount /proc in the chroot"
    mounted+=("$root/proc")
fi

declare -a phase_names=() phase_secs=()
t_run0=$(date +%s.%N)
t_phase=
phase_begin() { t_phase=$(date +%s.%N); say "== $1"; }
phase_end() { phase_names+=("$1"); phase_secs+=("$(awk "BEGIN{print $(date +%s.%N) - $t_phase}")"); }
print_timing() {
    echo
    echo "debian-guest: timing"
    local i
    for i in "${!phase_names[@]}"; do printf '  %-32s %9.1f\n' "${phase_names[$i]}" "${phase_secs[$i]}"; done
    printf '  %-32s %9.1f\n' total "$(awk "BEGIN{print $(date +%s.%N) - $t_run0}")"
}

# ------------------------------------------------------------------ 1. kernel
phase_begin "kernel"
rm -rf "$root$work/repo" && mkdir -p "$root$work/repo"
cp -a "$repo/kernel" "$root$work/repo/kernel"
kkey=$(in_chroot "$work/repo/kernel/build.sh" --arch le --print-key) || die "kernel/build.sh --print-key failed"
kdir=/e2e/kernel/le-$kkey        # the same cache entry as run.sh's
if [ -f "$root$kdir/vmlinux" ] && [ -d "$root$kdir/modules/lib/modules" ]; then
    say "kernel cached: $kdir"
else
    rm -rf "$root$kdir"
    in_chroot "$work/repo/kernel/build.sh" --arch le --jobs "$jobs" --out "$kdir" || die "kernel build failed"
    rm -rf "$root$kdir/linux" "$root$kdir/obj"
fi
krel=$(cat "$root$kdir/kernelrelease")
moddir=$root$kdir/modules/lib/modules/$krel
[ -d "$moddir" ] || die "the kernel has no modules in $moddir (kernel/configs/distro.config: CONFIG_MODULES)"
cp "$root$kdir/config" "$out/kernel.config"
phase_end "kernel (cached or built)"

# ------------------------------------------------------------------ initramfs
# A generated initramfs like a distribution's in what it does (load the
# modules the root needs, mount it, hand over to its init), made of the
# static busybox of run.sh's sysroot: initramfs-tools cannot run on this
# machine, and running it in the guest would tie the image to the kernel.
phase_begin "initramfs"
bb=$(ls "$root"/e2e/sysroot-ppc64el-*/usr/bin/busybox 2>/dev/null | head -1)
[ -x "$bb" ] || die "no ppc64el busybox in the chroot's sysroot (run tests/e2e/run.sh once)"
st=$root$work/initramfs
rm -rf "$st"
mkdir -p "$st"/{bin,dev,proc,sys,newroot,lib/modules}
cp "$bb" "$st/bin/busybox"
ln -s busybox "$st/bin/sh"
cp -a "$moddir" "$st/lib/modules/"
# the load order of the root's module (ext4) and what it depends on, read
# from each module's .modinfo (depends=): this machine has no kmod for
# ppc64el modules.dep to be trusted blindly, and a missing dependency must be
# an error here, not an "Unknown symbol" in the guest
modinfo_deps() {
    in_chroot readelf -p .modinfo "$1" | sed -n 's/.*depends=\(.*\)$/\1/p' | tr , ' '
}
declare -A modpath=()
while IFS= read -r ko; do
    modpath[$(basename "$ko" .ko)]=${ko#"$st"/}
done < <(find "$st/lib/modules" -name '*.ko')
load_order=()
declare -A placed=()
place() {
    local m=$1 d
    [ -z "${placed[$m]:-}" ] || return 0
    [ -n "${modpath[$m]:-}" ] || die "module $m is not among the kernel's modules"
    placed[$m]=1
    for d in $(modinfo_deps "${work}/initramfs/${modpath[$m]}"); do place "$d"; done
    load_order+=("/${modpath[$m]}")
}
place ext4
printf '%s\n' "${load_order[@]}" >"$st/load-order"
say "initramfs loads: $(printf '%s ' "${load_order[@]##*/}")"
cp "$here/debian-initramfs-init.sh" "$st/init"
chmod 755 "$st/init"
in_chroot sh -c "cd $work/initramfs && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1 > $work/initramfs.cpio.gz" ||
    die "cannot pack the initramfs"
phase_end "initramfs"

# ------------------------------------------------------------------ QEMU
# boot_guest IMAGE LOG APPEND: pseries, POWER9, radix, the image on virtio-blk
boot_guest() {
    local img=$1 log=$2 append="console=hvc0 root=/dev/vda rw fadump=on disable_radix=no panic=10 $3"
    local qemu=(qemu-system-ppc64 -M pseries,x-vof=on,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off
        -cpu power9 -smp 2 -m "${mem_mib}M" -nographic -monitor none -serial stdio -vga none
        -kernel "$kdir/vmlinux" -initrd "$work/initramfs.cpio.gz" -append "$append"
        -drive "file=$img,format=raw,if=none,id=root,cache=unsafe" -device virtio-blk-pci,drive=root)
    printf '%q ' "${qemu[@]}" >"$log.cmd"
    local rc=0 t0=$EPOCHREALTIME line
    set +e
    in_chroot timeout --foreground --kill-after=10 "$timeout_s" "${qemu[@]}" </dev/null 2>&1 |
    while IFS= read -r line; do
        line=${line//$'\r'/}
        printf '[%9s] %s\n' "$(awk "BEGIN{printf \"%.3f\", $EPOCHREALTIME - $t0}")" "$line" >>"$log"
        case "$line" in *E2E-*|*"Kernel panic"*|*"Failed to start"*) echo "  $line" ;; esac
    done
    rc=${PIPESTATUS[0]}
    set -e
    grep -q 'E2E-INITRAMFS failed' "$log" && die "the initramfs failed: $(sed -n 's/.*E2E-INITRAMFS failed: //p' "$log" | head -1)"
    [ "$rc" = 124 ] && { tail -30 "$log" >&2; die "QEMU timed out after ${timeout_s}s (console: $log)"; }
    [ "$rc" = 0 ] || { tail -30 "$log" >&2; die "QEMU exited with $rc (console: $log)"; }
}

# ------------------------------------------------------------------ 2. rootfs
find_mirror() {
    [ -n "${FADUMP_E2E_MIRROR:-}" ] && { echo "$FADUMP_E2E_MIRROR"; return; }
    awk '$1 == "deb" && $2 !~ /^\[/ { print $2; exit }' "$root/etc/apt/sources.list"
}
rkey=$(cat "$here/debian-stage2.sh" "$here/debian-report.sh" - <<<"$rootfs_rev $suites $packages $rootfs_mib" |
       sha256sum | cut -c1-12)
rimg=$work/rootfs-$rkey.img
if [ -f "$root$rimg.ready" ]; then
    say "root file system cached: $rimg ($(cat "$root$rimg.ready"))"
else
    phase_begin "debootstrap --foreign"
    command -v debootstrap >/dev/null || die "debootstrap missing on this machine (apt-get install debootstrap)"
    mirror=$(find_mirror) || true
    [ -n "$mirror" ] || die "no Debian mirror (set FADUMP_E2E_MIRROR)"
    tree=$root$work/stage1-$rkey
    got=
    for s in $suites; do
        rm -rf "$tree"
        say "debootstrap --foreign --arch ppc64el $s"
        if debootstrap --foreign --arch=ppc64el --variant=minbase --include="${packages// /,}" \
                "$s" "$tree" "$mirror" >"$cache/debian-debootstrap-$s.log" 2>&1; then
            got=$s
            break
        fi
        say "$s did not serve every package (log: $cache/debian-debootstrap-$s.log):"
        grep -E '^(E|W):' "$cache/debian-debootstrap-$s.log" | tail -3 | sed 's/^/  /'
    done
    [ -n "$got" ] || die "no suite of '$suites' served the root file system"
    # what the guest needs beyond debootstrap: its fstab, a name, the
    # second stage, and the unit that reports the state of the boot
    echo "/dev/vda / ext4 defaults 0 1" >"$tree/etc/fstab"
    echo fadump-guest >"$tree/etc/hostname"
    install -m 755 "$here/debian-stage2.sh" "$tree/e2e-stage2"
    install -D -m 755 "$here/debian-report.sh" "$tree/usr/local/sbin/e2e-report"
    cat >"$tree/etc/systemd/system/e2e-report.service" <<'EOF'
[Unit]
Description=libfadump e2e: report the state of the boot and power off
After=multi-user.target

[Service]
# simple: the boot is complete once this has started, so that
# `systemctl is-system-running --wait` in it can return
Type=simple
ExecStart=/usr/local/sbin/e2e-report
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
EOF
    mkdir -p "$tree/etc/systemd/system/multi-user.target.wants"
    ln -sf ../e2e-report.service "$tree/etc/systemd/system/multi-user.target.wants/e2e-report.service"
    echo "$got" >"$tree/e2e-suite"
    phase_end "debootstrap --foreign ($got)"

    phase_begin "ext4 image"
    in_chroot sh -c "rm -f $rimg.new && truncate -s ${rootfs_mib}M $rimg.new &&
        mke2fs -q -F -t ext4 -L debian-root -d $work/stage1-$rkey $rimg.new" ||
        die "cannot make the ext4 image"
    rm -rf "$tree"
    phase_end "ext4 image"

    phase_begin "second stage (QEMU)"
    rm -f "$out/stage2-console.log"
    boot_guest "$rimg.new" "$out/stage2-console.log" "init=/e2e-stage2"
    grep -q 'E2E-STAGE2 ok' "$out/stage2-console.log" ||
        die "the second stage did not finish (console: $out/stage2-console.log)"
    mv "$root$rimg.new" "$root$rimg"
    echo "$got, $(date -u +%Y-%m-%dT%H:%MZ)" >"$root$rimg.ready"
    phase_end "second stage (QEMU)"
fi

# ------------------------------------------------------------------ 3. boot
phase_begin "boot to multi-user (QEMU)"
run_img=$work/run.img
rm -f "$root$run_img"
cp --sparse=always "$root$rimg" "$root$run_img"
rm -f "$out/console.log"
boot_guest "$run_img" "$out/console.log" ""
phase_end "boot to multi-user (QEMU)"
if [ "$keep_image" = 1 ]; then mv "$root$run_img" "$out/run.img"; else rm -f "$root$run_img"; fi

state=$(sed -n 's/.*E2E-DEBIAN state=\([a-z-]*\).*/\1/p' "$out/console.log" | head -1)
failed=$(sed -n 's/.*E2E-DEBIAN failed: //p' "$out/console.log")
print_timing | tee "$out/timing.txt"
echo "debian-guest: kernel $(sed -n 's/.*E2E-DEBIAN kernel=//p' "$out/console.log" | head -1)"
echo "debian-guest: systemctl is-system-running: ${state:-no answer}"
[ -z "$failed" ] || printf 'debian-guest: failed unit: %s\n' "$failed"
case "$state" in
    running|degraded) say "PASS: systemd reached multi-user ($state)" ;;
    *) die "systemd did not reach multi-user (state '${state:-none}'; console: $out/console.log)" ;;
esac
