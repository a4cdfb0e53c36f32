#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# usage: tests/abi/cross-abi.sh [--update] [--rev COMMIT] ROOT
#
# The ABI check for the architectures the library is for, from any host:
# builds libfadump.so for ppc64le and ppc64 with the cross compilers of
# the Debian chroot ROOT (the e2e chroot: gcc-powerpc64le-linux-gnu,
# gcc-powerpc64-linux-gnu, meson, ninja-build, abigail-tools) and runs
# check-abi.sh inside it against tests/abi/libfadump-ARCH.abi. Prints one
# "ok"/"not ok" line per architecture and "N passed, N failed"; exits 0
# only if both passed. Needs root (chroot).
#
#   --update      write the two baselines from the build instead of
#                 comparing (a release: docs/abi.md)
#   --rev COMMIT  build COMMIT's tree (git archive) rather than the
#                 working tree, e.g. the release a baseline stands for
#   JOBS=N        compile jobs (default 2)
#
# Everything happens under ROOT/e2e-abi/, nothing else in ROOT is
# touched. The target's libfdt and libelf are not needed: their headers
# are architecture-neutral (copied from this host's /usr/include), and
# the library links against empty stand-ins with their sonames, with
# undefined symbols allowed (-z undefs after the build's --no-undefined).
# abidw reads the library's own debug information, so the result is the
# ABI a native build has.
set -eu

update=0
rev=
while [ $# -gt 0 ]; do
	case "$1" in
	--update) update=1 ;;
	--rev) rev=${2:?--rev needs a commit}; shift ;;
	-*) echo "usage: cross-abi.sh [--update] [--rev COMMIT] ROOT" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
if [ $# -ne 1 ]; then
	echo "usage: cross-abi.sh [--update] [--rev COMMIT] ROOT" >&2
	exit 2
fi
if [ ! -d "$1" ]; then
	echo "cross-abi.sh: $1 is not a directory" >&2
	echo "0 passed, 2 failed"
	exit 1
fi
root=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$root/e2e-abi	# seen as /e2e-abi inside the chroot
archs="ppc64le ppc64"
jobs=${JOBS:-2}	# parallel compile jobs in the chroot
passed=0 failed=0

# A clean environment in the chroot: nothing of the caller's leaks in.
in_root() {
	chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/tmp LC_ALL=C.UTF-8 "$@"
}
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() {
	echo "not ok - $1"
	failed=$((failed + 1))
	if [ -n "${2-}" ] && [ -f "$2" ]; then
		tail -n "${3:-15}" "$2" | sed 's/^/#   /'
	fi
}
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && exit 0
	exit 1
}

triplet() {
	case "$1" in
	ppc64le) echo powerpc64le-linux-gnu ;;
	ppc64) echo powerpc64-linux-gnu ;;
	esac
}

# --- what the chroot must have ---------------------------------------

if [ "$(id -u)" -ne 0 ]; then
	for a in $archs; do
		not_ok "$a: chroot needs root"
	done
	finish
fi

missing=
for tool in meson ninja pkg-config abidw abidiff \
	    $(for a in $archs; do echo "$(triplet "$a")-gcc"; done); do
	[ -x "$root/usr/bin/$tool" ] || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	for a in $archs; do
		not_ok "$a: the chroot $root lacks:$missing (abigail-tools: chroot ROOT apt-get install -t trixie-backports abigail-tools, as the e2e chroot's libelf is from backports)"
	done
	finish
fi
for h in libfdt.h libfdt_env.h fdt.h libelf.h gelf.h zlib.h zconf.h; do
	if [ ! -f "/usr/include/$h" ]; then
		for a in $archs; do
			not_ok "$a: no /usr/include/$h on this host (libfdt-dev, libelf-dev, zlib1g-dev)"
		done
		finish
	fi
done

# --- the tree to build, and the baselines and checker of this one ----

mkdir -p "$work"
rm -rf "$work/src" "$work/abi"
mkdir -p "$work/src" "$work/abi"
if [ -n "$rev" ]; then
	git -C "$src" archive "$rev" | tar -C "$work/src" -xf -
elif git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# tracked and new files as they are now, no build directories
	(cd "$src" && git ls-files -z --cached --others --exclude-standard |
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null) |
		tar -C "$work/src" -xf -
else
	tar -C "$src" --exclude='./build*' -cf - . | tar -C "$work/src" -xf -
fi
cp "$src"/tests/abi/check-abi.sh "$work/abi/"
cp "$src"/tests/abi/libfadump-*.abi "$work/abi/" 2>/dev/null || true

# --- one cross build per architecture --------------------------------

# The target's libfdt, libelf and zlib as far as the build needs them:
# the headers, and libraries with the right sonames but nothing in them.
deps() {
	arch=$1 t=$(triplet "$1") d=$work/deps-$1
	rm -rf "$d"
	mkdir -p "$d/include" "$d/lib" "$d/pkgconfig"
	for h in libfdt.h libfdt_env.h fdt.h libelf.h gelf.h zlib.h zconf.h; do
		cp "/usr/include/$h" "$d/include/" || return 1
	done
	: >"$d/empty.c"
	for lib in fdt elf z; do
		in_root "$t-gcc" -shared -nostdlib -o "/e2e-abi/deps-$arch/lib/lib$lib.so.1" \
			-Wl,-soname,"lib$lib.so.1" "/e2e-abi/deps-$arch/empty.c" || return 1
		ln -sf "lib$lib.so.1" "$d/lib/lib$lib.so"
		pc=lib$lib
		[ "$lib" = z ] && pc=zlib
		cat >"$d/pkgconfig/$pc.pc" <<-EOF
		prefix=/e2e-abi/deps-$arch
		Name: $pc
		Description: headers and an empty stand-in for the ABI check
		Version: 0
		Cflags: -I\${prefix}/include
		Libs: -L\${prefix}/lib -Wl,--no-as-needed -l$lib -Wl,--as-needed -Wl,-z,undefs
		EOF
	done
	endian=little
	[ "$arch" = ppc64 ] && endian=big
	cat >"$work/cross-$arch.ini" <<-EOF
	[binaries]
	c = '$t-gcc'
	ar = '$t-ar'
	strip = '$t-strip'
	pkg-config = 'pkg-config'

	[properties]
	pkg_config_libdir = '/e2e-abi/deps-$arch/pkgconfig'

	[host_machine]
	system = 'linux'
	cpu_family = 'ppc64'
	cpu = '$arch'
	endian = '$endian'
	EOF
}

build() {
	arch=$1
	rm -rf "$work/build-$arch"
	in_root sh -c "cd /e2e-abi/src &&
		meson setup /e2e-abi/build-$arch --cross-file /e2e-abi/cross-$arch.ini \
			-Db_lundef=false -Dcli=false -Dtests=false -Dpython=disabled \
			-Dman=disabled -Dabi-check=disabled &&
		ninja -j $jobs -C /e2e-abi/build-$arch"
}

for arch in $archs; do
	log=$work/log-$arch.txt
	if ! deps "$arch" >"$log" 2>&1 || ! build "$arch" >>"$log" 2>&1; then
		not_ok "$arch: cross build failed ($log)" "$log"
		continue
	fi
	lib=/e2e-abi/build-$arch/libfadump/libfadump.so.1
	mode=
	[ "$update" -eq 1 ] && mode=--update
	if in_root sh /e2e-abi/abi/check-abi.sh ${mode:+"$mode"} abidw abidiff /e2e-abi/abi "$lib" /e2e-abi/src/include \
			>>"$log" 2>&1; then
		if [ "$update" -eq 1 ]; then
			cp "$work/abi/libfadump-$arch.abi" "$src/tests/abi/"
			ok "$arch: wrote tests/abi/libfadump-$arch.abi"
		else
			ok "$arch: no ABI change against tests/abi/libfadump-$arch.abi"
		fi
	else
		not_ok "$arch: check-abi.sh failed ($log)" "$log" 40
	fi
done
finish
