#!/bin/bash
# Build the big-endian (ppc64) guest userland from Debian's sources: static zlib,
# libfdt, json-c and libelf for fadumpctl, and a static busybox.  Debian's main
# archive has no ppc64 (big-endian) binaries, so tests/e2e/run.sh --arch be runs
# this inside its trixie chroot (sources from `apt-get source`, cross compiler
# gcc-powerpc64-linux-gnu).
#
# usage: build-be-sysroot.sh SRCDIR SYSROOT [JOBS]
#   SRCDIR   holds the Debian source tarballs of zlib, device-tree-compiler,
#            json-c, elfutils and busybox (orig tarballs are enough)
#   SYSROOT  gets usr/include, usr/lib/powerpc64-linux-gnu/{*.a,pkgconfig},
#            usr/bin/busybox, packages.txt
set -euo pipefail

src=$(cd "${1:?SRCDIR}" && pwd)
sysroot=${2:?SYSROOT}
jobs=${3:-2}
T=powerpc64-linux-gnu

mkdir -p "$sysroot"
sysroot=$(cd "$sysroot" && pwd)
inc=$sysroot/usr/include
lib=$sysroot/usr/lib/$T
pc=$lib/pkgconfig
mkdir -p "$inc" "$lib" "$pc" "$sysroot/usr/bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

die() { echo "build-be-sysroot: ERROR: $*" >&2; exit 1; }
unpack() {
    # unpack NAME: the orig tarball of source package NAME, into $work/NAME
    local t
    t=$(ls "$src"/"$1"_*.orig.tar.* 2>/dev/null | head -1)
    [ -n "$t" ] || die "no source tarball for $1 in $src"
    mkdir -p "$work/$1"
    tar -xf "$t" -C "$work/$1" --strip-components=1
    echo "$1 $(basename "$t")" >>"$sysroot/packages.txt"
    echo "== $1 ($(basename "$t"))"
}
: >"$sysroot/packages.txt"

# zlib
unpack zlib
(cd "$work/zlib" && CHOST=$T CFLAGS="-O2" ./configure --static --prefix=/usr >/dev/null &&
    make -j"$jobs" libz.a >/dev/null)
cp "$work/zlib/libz.a" "$lib/"
cp "$work/zlib/zlib.h" "$work/zlib/zconf.h" "$inc/"
cat >"$pc/zlib.pc" <<EOF
prefix=/usr
libdir=\${prefix}/lib/$T
includedir=\${prefix}/include
Name: zlib
Description: zlib compression library
Version: 1.3.1
Libs: -L\${libdir} -lz
Cflags: -I\${includedir}
EOF

# libfdt
unpack device-tree-compiler
make -C "$work/device-tree-compiler" -j"$jobs" CC=$T-gcc AR=$T-ar NO_PYTHON=1 NO_YAML=1 NO_VALGRIND=1 \
    libfdt/libfdt.a >/dev/null
cp "$work/device-tree-compiler/libfdt/libfdt.a" "$lib/"
cp "$work/device-tree-compiler/libfdt/"{libfdt.h,fdt.h,libfdt_env.h} "$inc/"
cat >"$pc/libfdt.pc" <<EOF
prefix=/usr
libdir=\${prefix}/lib/$T
includedir=\${prefix}/include
Name: libfdt
Description: Flat Device Tree manipulation
Version: 1.7.2
Libs: -L\${libdir} -lfdt
Cflags: -I\${includedir}
EOF

# json-c
unpack json-c
mkdir -p "$work/json-c/b"
(cd "$work/json-c/b" && cmake .. -DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=ppc64 \
    -DCMAKE_C_COMPILER=$T-gcc -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_SHARED_LIBS=OFF -DBUILD_STATIC_LIBS=ON -DBUILD_TESTING=OFF -DBUILD_APPS=OFF \
    -DDISABLE_WERROR=ON -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_LIBDIR=lib/$T >/dev/null &&
    make -j"$jobs" >/dev/null && make DESTDIR="$sysroot" install >/dev/null)
[ -f "$lib/libjson-c.a" ] || die "json-c did not install libjson-c.a"

# libelf (elfutils), without zstd/bzip2/lzma and debuginfod
unpack elfutils
(cd "$work/elfutils" && ./configure --host=$T --prefix=/usr --libdir=/usr/lib/$T \
    --disable-debuginfod --disable-libdebuginfod --disable-nls --without-zstd --without-bzlib \
    --without-lzma --disable-demangler --disable-textrelcheck \
    CPPFLAGS="-I$inc" LDFLAGS="-L$lib" CFLAGS="-O2" >"$work/elfutils.configure.log" 2>&1 ||
    { tail -30 "$work/elfutils.configure.log" >&2; exit 1; })
make -C "$work/elfutils/lib" -j"$jobs" >/dev/null
make -C "$work/elfutils/libelf" -j"$jobs" libelf.a >/dev/null
cp "$work/elfutils/libelf/libelf.a" "$lib/"
cp "$work/elfutils/libelf/"{libelf.h,gelf.h,nlist.h} "$inc/"
mkdir -p "$inc/elfutils"
cp "$work/elfutils/libelf/elf-knowledge.h" "$inc/elfutils/" 2>/dev/null || true
cp "$work/elfutils/version.h" "$inc/elfutils/" 2>/dev/null || true
cat >"$pc/libelf.pc" <<EOF
prefix=/usr
libdir=\${prefix}/lib/$T
includedir=\${prefix}/include
Name: libelf
Description: elfutils libelf library to read and write ELF files
Version: 0.192
Libs: -L\${libdir} -lelf
Libs.private: -lz
Cflags: -I\${includedir}
EOF

# busybox
unpack busybox
(cd "$work/busybox" && make defconfig >/dev/null &&
    sed -i -e 's/^# CONFIG_STATIC is not set/CONFIG_STATIC=y/' \
        -e 's/^CONFIG_TC=y/# CONFIG_TC is not set/' \
        -e 's/^CONFIG_SHA1_HWACCEL=y/# CONFIG_SHA1_HWACCEL is not set/' \
        -e 's/^CONFIG_SHA256_HWACCEL=y/# CONFIG_SHA256_HWACCEL is not set/' \
        -e 's/^CONFIG_FEATURE_TC_INGRESS=y/# CONFIG_FEATURE_TC_INGRESS is not set/' .config &&
    make oldconfig </dev/null >/dev/null &&
    make -j"$jobs" CROSS_COMPILE=$T- busybox >"$work/busybox.log" 2>&1 ||
    { tail -30 "$work/busybox.log" >&2; exit 1; })
cp "$work/busybox/busybox" "$sysroot/usr/bin/busybox"
file "$sysroot/usr/bin/busybox" | grep -q 'statically linked' || die "busybox is not static"
echo "build-be-sysroot: done: $sysroot"
