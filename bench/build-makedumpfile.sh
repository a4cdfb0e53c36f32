#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Build upstream makedumpfile for the ppc64 target on this (x86_64) host,
# the peer of bench/filtered.py. Reproducible: the same source gives the
# same binary flags; the commit or tarball is printed with the version.
#
#   bench/build-makedumpfile.sh SOURCE OUTDIR
#
# SOURCE is a makedumpfile git directory (bare or not; its HEAD is built)
# or a source tarball (.tar.gz/.tar.xz). The binary ends in
# OUTDIR/makedumpfile. Build dependencies (Debian): libc6-dev-i386
# libdw-dev libzstd-dev liblzo2-dev libbz2-dev zlib1g-dev libelf-dev.
#
# TARGET=ppc64 makes makedumpfile read ppc64 dumps on any host. Its radix
# page-table walk reads entries in host byte order, so on x86_64 it only
# reads little-endian (ppc64le) dumps correctly.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 SOURCE(git dir or tarball) OUTDIR" >&2
	exit 2
fi
src=$1
out=$2
mkdir -p "$out"
out=$(cd "$out" && pwd)
tree=$out/src
rm -rf "$tree"
mkdir -p "$tree"

if [ -d "$src" ]; then
	if [ -d "$src/.git" ]; then
		gitdir=$src/.git
	else
		gitdir=$src
	fi
	git --git-dir="$gitdir" archive --format=tar HEAD | tar -x -C "$tree"
	origin="git $(git --git-dir="$gitdir" rev-parse HEAD)"
else
	tar -x -f "$src" -C "$tree" --strip-components=1
	origin="tarball $(basename "$src") sha256 $(sha256sum "$src" | cut -d' ' -f1)"
fi

jobs=${JOBS:-2}
make -C "$tree" -j"$jobs" TARGET=ppc64 LINKTYPE=dynamic USELZO=on USEZSTD=on \
	>"$out/build.log" 2>&1 || {
	tail -30 "$out/build.log" >&2
	exit 1
}
cp "$tree/makedumpfile" "$out/makedumpfile"
echo "source: $origin"
"$out/makedumpfile" -v 2>&1 | head -3
