#!/bin/bash
# Build the libfadump test kernel: pinned Debian linux-source + kernel/patches/*.patch
# + tinyconfig + kernel/configs/fadump-pseries.config (+ le.config,
# powernv.config and distro.config, or be.config).
#
# usage: kernel/build.sh [--arch le|be] [--source TARBALL|DIR] [--patches LIST] [--out DIR] [--jobs N]
#        kernel/build.sh [--arch le|be] [--source TARBALL|DIR] [--patches LIST] --print-key
#
#   --arch    le (ppc64le, default) or be (ppc64 big-endian, ELFv2)
#   --source  linux source: a .tar.xz/.tar.gz or an unpacked tree (copied, never
#             modified); default /usr/src/linux-source-7.2.tar.xz (Debian package
#             linux-source-7.2)
#   --patches which of kernel/patches/*.patch to apply: "all" (default), "none",
#             or a comma-separated list of their number prefixes, e.g. 0001,0002
#             (a kernel without the release_range series, to test fallbacks);
#             an unknown number is an error; the selection is part of the key
#   --out     output folder (default: build-kernel-ARCH in the current directory);
#             gets vmlinux, System.map, config, the patched tree under linux/,
#             and, when the config has CONFIG_MODULES (le: distro.config), the
#             modules installed under modules/ (modules/lib/modules/RELEASE/,
#             `make modules_install`; depmod runs only where kmod is installed)
#   --jobs    make -j (default 2)
#   --print-key  print a cache key (hash of arch, source, fragments, patches and
#             this script) and exit
#
# Environment: CROSS_COMPILE overrides the compiler prefix (default
# powerpc64le-linux-gnu- for le, powerpc64-linux-gnu- for be).
#
# Exits non-zero, loudly, when a patch does not apply, when a fragment line did not
# make it into the final .config, or when the build fails.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
arch=le
source=/usr/src/linux-source-7.2.tar.xz
out=
jobs=2
print_key=0
patch_sel=all

die() { echo "kernel/build.sh: ERROR: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --arch) arch=${2:?}; shift 2 ;;
        --arch=*) arch=${1#*=}; shift ;;
        --source) source=${2:?}; shift 2 ;;
        --source=*) source=${1#*=}; shift ;;
        --out) out=${2:?}; shift 2 ;;
        --out=*) out=${1#*=}; shift ;;
        --patches) patch_sel=${2:?}; shift 2 ;;
        --patches=*) patch_sel=${1#*=}; shift ;;
        --jobs) jobs=${2:?}; shift 2 ;;
        --jobs=*) jobs=${1#*=}; shift ;;
        --print-key) print_key=1; shift ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument: $1" ;;
    esac
done

case "$arch" in
    le) cross_default=powerpc64le-linux-gnu- ;;
    be) cross_default=powerpc64-linux-gnu- ;;
    *) die "--arch must be le or be, not '$arch'" ;;
esac
cross=${CROSS_COMPILE:-$cross_default}
out=${out:-$PWD/build-kernel-$arch}

[ -e "$source" ] || die "kernel source '$source' not found (install Debian's linux-source-7.2, or pass --source)"

fragments=("$here/configs/fadump-pseries.config" "$here/configs/$arch.config")
# one little-endian kernel for every LE scenario: pseries, powernv, and a
# Debian userland with systemd (modules, an initramfs, ext4)
if [ "$arch" = le ]; then fragments+=("$here/configs/powernv.config" "$here/configs/distro.config"); fi
for f in "${fragments[@]}"; do [ -f "$f" ] || die "missing config fragment $f"; done
shopt -s nullglob
all_patches=("$here"/patches/*.patch)
shopt -u nullglob
patches=()
case "$patch_sel" in
    all) patches=("${all_patches[@]}") ;;
    none) ;;
    *)
        IFS=, read -r -a wanted <<<"$patch_sel"
        for n in "${wanted[@]}"; do
            [[ "$n" =~ ^[0-9]{4}$ ]] || die "--patches: '$n' is not a 4-digit patch number (list like 0001,0002, or all, none)"
            found=
            for p in "${all_patches[@]}"; do
                case "$(basename "$p")" in "$n"-*) found=$p ;; esac
            done
            [ -n "$found" ] || die "--patches: no kernel/patches/$n-*.patch"
            patches+=("$found")
        done
        # applied in file-name order whatever order the list gives
        mapfile -t patches <<<"$(printf '%s\n' "${patches[@]}" | sort -u)"
        ;;
esac

cache_key() {
    {
        echo "arch=$arch cross=$cross"
        # "all" keeps the key of a plain build; a subset names itself
        [ "$patch_sel" = all ] || echo "patches=$(for p in "${patches[@]}"; do basename "$p"; done | paste -sd,)"
        if [ -d "$source" ]; then
            echo "source-dir=$(cd "$source" && make -s kernelversion 2>/dev/null || echo unknown)"
        else
            echo "source=$(basename "$source") $(sha256sum <"$source" | cut -d' ' -f1)"
        fi
        for f in "${fragments[@]}" "${patches[@]}" "$0"; do
            echo "== ${f#"$here"/}"
            cat "$f"
        done
    } | sha256sum | cut -c1-16
}

if [ "$print_key" = 1 ]; then
    cache_key
    exit 0
fi

command -v "${cross}gcc" >/dev/null || die "cross compiler ${cross}gcc not found (Debian: gcc-powerpc64le-linux-gnu / gcc-powerpc64-linux-gnu)"

mkdir -p "$out"
out=$(cd "$out" && pwd)
tree=$out/linux
obj=$out/obj

# 1. pristine source
echo "kernel/build.sh: unpacking $source"
rm -rf "$tree" "$obj"
mkdir -p "$tree" "$obj"
if [ -d "$source" ]; then
    cp -a "$source/." "$tree/"
else
    tar -xf "$source" -C "$tree" --strip-components=1
fi
[ -f "$tree/Makefile" ] && [ -d "$tree/arch/powerpc" ] || die "'$source' does not look like a Linux source tree"
kver=$(make -s -C "$tree" kernelversion)
echo "kernel/build.sh: Linux $kver, arch $arch, ${#patches[@]} patch(es)"

# 2. the patch series, in order; any failure is fatal
for p in "${patches[@]}"; do
    echo "kernel/build.sh: applying $(basename "$p")"
    if ! patch -d "$tree" -p1 --forward --batch --fuzz=0 --no-backup-if-mismatch <"$p" >"$out/patch.log" 2>&1; then
        cat "$out/patch.log" >&2
        die "patch $(basename "$p") does not apply to Linux $kver"
    fi
done

# 3. config: tinyconfig (allnoconfig + tiny-base.config + tiny.config) + our fragments
cat "$tree/kernel/configs/tiny-base.config" "$tree/kernel/configs/tiny.config" \
    "${fragments[@]}" >"$obj/allno.config"
make -s -C "$tree" O="$obj" ARCH=powerpc CROSS_COMPILE="$cross" \
    KCONFIG_ALLCONFIG="$obj/allno.config" allnoconfig

# a later fragment may override an earlier one's line (distro.config turns on
# what fadump-pseries.config leaves off), as Kconfig's own merge does: the
# last line naming a symbol is the one checked
missing=0
declare -A checked=()
while IFS= read -r line; do
    case "$line" in
        CONFIG_*=*) sym=${line%%=*} ;;
        "# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *} ;;
        *) continue ;;
    esac
    [ -z "${checked[$sym]:-}" ] || continue
    checked[$sym]=1
    case "$line" in
        CONFIG_*=*)
            grep -qxF "$line" "$obj/.config" || { echo "  wanted '$line', got: $(grep -E "^(# )?${line%%=*}[= ]" "$obj/.config" || echo 'absent')" >&2; missing=1; } ;;
        "# CONFIG_"*" is not set")
            sym=${line#\# }; sym=${sym%% *}
            if grep -q "^$sym=" "$obj/.config"; then echo "  wanted '$line', got: $(grep "^$sym=" "$obj/.config")" >&2; missing=1; fi ;;
    esac
done < <(cat "${fragments[@]}" | tac)
[ "$missing" = 0 ] || die "config fragment lines were dropped by Kconfig (unmet dependencies?)"

# 4. build
echo "kernel/build.sh: make -j$jobs vmlinux"
make -C "$tree" O="$obj" ARCH=powerpc CROSS_COMPILE="$cross" -j"$jobs" vmlinux \
    >"$out/build.log" 2>&1 || { tail -40 "$out/build.log" >&2; die "kernel build failed (full log: $out/build.log)"; }

rm -rf "$out/modules"
if grep -qx 'CONFIG_MODULES=y' "$obj/.config"; then
    echo "kernel/build.sh: make -j$jobs modules; modules_install into $out/modules"
    { make -C "$tree" O="$obj" ARCH=powerpc CROSS_COMPILE="$cross" -j"$jobs" modules &&
      make -C "$tree" O="$obj" ARCH=powerpc CROSS_COMPILE="$cross" INSTALL_MOD_PATH="$out/modules" \
          INSTALL_MOD_STRIP=1 modules_install; } >>"$out/build.log" 2>&1 ||
        { tail -40 "$out/build.log" >&2; die "building the modules failed (full log: $out/build.log)"; }
    # the source and build links point into this build's tree, which callers delete
    rm -f "$out"/modules/lib/modules/*/build "$out"/modules/lib/modules/*/source
fi

cp "$obj/vmlinux" "$out/vmlinux"
cp "$obj/System.map" "$out/System.map"
cp "$obj/.config" "$out/config"
make -s -C "$tree" O="$obj" ARCH=powerpc CROSS_COMPILE="$cross" kernelrelease >"$out/kernelrelease"
echo "kernel/build.sh: done: $out/vmlinux ($(du -h "$out/vmlinux" | cut -f1))"
